"""Handlers for the AWS Organizations operations orgsim answers (spec section 6)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..domain import handshakes
from ..domain.errors import invalid_input
from ..domain.model import Handshake, Party
from . import render
from .call import Call, Handler, Params
from .pagination import DEFAULT_PAGE_SIZE, page

OPERATIONS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        OPERATIONS[name] = handler
        return handler

    return register


@operation("CreateOrganization")
def create_organization(call: Call, params: Params) -> dict[str, Any]:
    org = call.world.create_organization(call.caller, params.get("FeatureSet"), call.now)
    return {"Organization": render.organization(org, call.world)}


@operation("DescribeOrganization")
def describe_organization(call: Call, params: Params) -> dict[str, Any]:
    org = call.world.organization_of(call.caller)
    return {"Organization": render.organization(org, call.world)}


@operation("DeleteOrganization")
def delete_organization(call: Call, params: Params) -> dict[str, Any]:
    call.world.delete_organization(call.caller, call.now)
    return {}


@operation("InviteAccountToOrganization")
def invite_account(call: Call, params: Params) -> dict[str, Any]:
    target = params["Target"]
    tags = [(t["Key"], t.get("Value", "")) for t in params.get("Tags") or ()]
    h = handshakes.invite(
        call.world, call.caller, Party(target["Id"], target["Type"]), params.get("Notes"), tags, call.now
    )
    return {"Handshake": render.handshake(h, call.now)}


def _respond(response: handshakes.Response) -> Handler:
    def handler(call: Call, params: Params) -> dict[str, Any]:
        h = handshakes.respond(call.world, call.caller, params["HandshakeId"], response, call.now)
        return {"Handshake": render.handshake(h, call.now)}

    return handler


operation("AcceptHandshake")(_respond("accept"))
operation("DeclineHandshake")(_respond("decline"))
operation("CancelHandshake")(_respond("cancel"))


@operation("DescribeHandshake")
def describe_handshake(call: Call, params: Params) -> dict[str, Any]:
    h = handshakes.find_visible(call.world, call.caller, params["HandshakeId"], call.now)
    return {"Handshake": render.handshake(h, call.now)}


def _handshake_page(call: Call, params: Params, items: Sequence[Handshake]) -> dict[str, Any]:
    selector = params.get("Filter") or {}
    action = selector.get("ActionType")
    parent = selector.get("ParentHandshakeId")
    if action is not None and parent is not None:
        raise invalid_input(
            "MAX_LIMIT_EXCEEDED_FILTER", "You can specify only one filter parameter (ActionType or ParentHandshakeId)."
        )
    now = call.now

    def keep(h: Handshake) -> bool:
        return (
            h.visible(now)
            and (action is None or h.action == action)
            and (parent is None or h.parent_id == parent)
        )

    scope = f"{call.operation}:{call.identity.account_id}:{action}:{parent}"
    found, more = _page(call, params, scope, items, lambda h: h.order_key, keep)
    result: dict[str, Any] = {"Handshakes": [render.handshake(h, now) for h in found]}
    if more is not None:
        result["NextToken"] = call.tokens.mint(scope, more)
    return result


def _page(
    call: Call,
    params: Params,
    scope: str,
    items: Sequence[Any],
    position: Callable[[Any], str],
    keep: Callable[[Any], bool],
) -> tuple[list[Any], str | None]:
    token = params.get("NextToken")
    after = call.tokens.read(token, scope) if token is not None else None
    return page(items, position, after, params.get("MaxResults") or DEFAULT_PAGE_SIZE, keep)


@operation("ListHandshakesForAccount")
def list_handshakes_for_account(call: Call, params: Params) -> dict[str, Any]:
    caller = call.caller
    world = call.world
    by_id = world.received_by_account.get(caller.id, [])
    by_email = world.received_by_email.get(caller.email.lower(), [])
    items = sorted(by_id + by_email, key=lambda h: h.order_key) if by_email else by_id
    return _handshake_page(call, params, items)


@operation("ListHandshakesForOrganization")
def list_handshakes_for_organization(call: Call, params: Params) -> dict[str, Any]:
    org = call.world.managed_by(call.caller)
    return _handshake_page(call, params, org.handshakes)


@operation("ListAccounts")
def list_accounts(call: Call, params: Params) -> dict[str, Any]:
    world = call.world
    org = world.managed_by(call.caller)
    # In the order accounts joined; a position is the join sequence, so a member leaving
    # between two pages does not make the next page skip anyone.
    members = list(world.member_accounts(org))
    scope = f"ListAccounts:{call.identity.account_id}"
    found, more = _page(call, params, scope, members, lambda a: f"{a.join_seq:012d}", lambda a: True)
    result: dict[str, Any] = {"Accounts": [render.account(a, org) for a in found]}
    if more is not None:
        result["NextToken"] = call.tokens.mint(scope, more)
    return result


@operation("DescribeAccount")
def describe_account(call: Call, params: Params) -> dict[str, Any]:
    account = call.world.describe_account(call.caller, params["AccountId"])
    org = call.world.organizations[account.org_id]  # type: ignore[index]
    return {"Account": render.account(account, org)}


@operation("LeaveOrganization")
def leave_organization(call: Call, params: Params) -> dict[str, Any]:
    call.world.leave(call.caller, call.now)
    return {}


@operation("RemoveAccountFromOrganization")
def remove_account(call: Call, params: Params) -> dict[str, Any]:
    call.world.remove(call.caller, params["AccountId"], call.now)
    return {}
