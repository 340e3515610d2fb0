"""Handlers for the AWS Organizations operations orgsim answers (spec section 6)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..domain import handshakes
from ..domain.errors import invalid_input
from ..domain.model import Handshake, Party
from . import render
from .call import Call, Handler, Params
from .pagination import DEFAULT_PAGE_SIZE, page

OPERATIONS: dict[str, Handler] = {}

T = TypeVar("T")
S = TypeVar("S")


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
def invite_account(call: Call, params: Params) -> render.OneHandshake:
    target = params["Target"]
    tags = [(t["Key"], t.get("Value", "")) for t in params.get("Tags") or ()]
    h = handshakes.invite(
        call.world, call.caller, Party(target["Id"], target["Type"]), params.get("Notes"), tags, call.now
    )
    return render.one_handshake(h, call.now)


def _respond(response: handshakes.Response) -> Handler:
    def handler(call: Call, params: Params) -> render.OneHandshake:
        h = handshakes.respond(call.world, call.caller, params["HandshakeId"], response, call.now)
        return render.one_handshake(h, call.now)

    return handler


operation("AcceptHandshake")(_respond("accept"))
operation("DeclineHandshake")(_respond("decline"))
operation("CancelHandshake")(_respond("cancel"))


@operation("DescribeHandshake")
def describe_handshake(call: Call, params: Params) -> render.OneHandshake:
    return render.shown_handshake(handshakes.find_shown(call.world, call.caller, params["HandshakeId"], call.now))


@dataclass(slots=True)  # not frozen: a frozen dataclass is several times dearer to make, once per call
class _PageRequest:
    """A list request whose input is validated: its token scope, and where its page starts."""

    scope: str
    after: str | None
    limit: int

    def respond(
        self, call: Call, items: Sequence[T], position: Callable[[T], str], show: Callable[[T], S | None]
    ) -> tuple[list[T], list[S], str | None]:
        """The page, what it shows, and the NextToken to send (None on the last page). See ``pagination.page``."""
        kept, shown, more = page(items, position, self.after, self.limit, show)
        return kept, shown, None if more is None else call.tokens.mint(self.scope, more)


def _page_request(call: Call, params: Params, scope: str) -> _PageRequest:
    # Part of input validation: runs before the caller's membership and role are checked.
    token = params.get("NextToken")
    after = call.tokens.read(token, scope) if token is not None else None
    return _PageRequest(scope, after, params.get("MaxResults") or DEFAULT_PAGE_SIZE)


@dataclass(slots=True)
class _HandshakeListing:
    action: str | None
    parent: str | None
    request: _PageRequest


def _handshake_listing(call: Call, params: Params) -> _HandshakeListing:
    selector = params.get("Filter") or {}
    action = selector.get("ActionType")
    parent = selector.get("ParentHandshakeId")
    if action is not None and parent is not None:
        raise invalid_input(
            "MAX_LIMIT_EXCEEDED_FILTER", "You can specify only one filter parameter (ActionType or ParentHandshakeId)."
        )
    scope = f"{call.operation}:{call.identity.account_id}:{action}:{parent}"
    return _HandshakeListing(action, parent, _page_request(call, params, scope))


def _handshake_page(call: Call, listing: _HandshakeListing, items: Sequence[Handshake]) -> render.HandshakeList:
    now = call.now
    action = listing.action
    parent = listing.parent

    def show(h: Handshake) -> str | None:
        if (action is not None and h.action != action) or (parent is not None and h.parent_id != parent):
            return None
        return h.shown_state(now)

    found, states, token = listing.request.respond(call, items, _ORDER_KEY, show)
    return render.HandshakeList(found, states, token)


_ORDER_KEY = operator.attrgetter("order_key")


@operation("ListHandshakesForAccount")
def list_handshakes_for_account(call: Call, params: Params) -> render.HandshakeList:
    listing = _handshake_listing(call, params)
    caller = call.caller
    world = call.world
    by_id = world.received_by_account.get(caller.id, [])
    by_email = world.received_by_email.get(caller.email.lower(), [])
    items = sorted(by_id + by_email, key=lambda h: h.order_key) if by_email else by_id
    return _handshake_page(call, listing, items)


@operation("ListHandshakesForOrganization")
def list_handshakes_for_organization(call: Call, params: Params) -> render.HandshakeList:
    listing = _handshake_listing(call, params)
    org = call.world.managed_by(call.caller)
    return _handshake_page(call, listing, org.handshakes)


@operation("ListAccounts")
def list_accounts(call: Call, params: Params) -> dict[str, Any]:
    request = _page_request(call, params, f"ListAccounts:{call.identity.account_id}")
    world = call.world
    org = world.managed_by(call.caller)
    # In the order accounts joined; a position is the join sequence, so a member leaving
    # between two pages does not make the next page skip anyone.
    members = list(world.member_accounts(org))
    found, _, token = request.respond(call, members, lambda a: f"{a.join_seq:012d}", lambda a: a)
    result: dict[str, Any] = {"Accounts": [render.account(a, org) for a in found]}
    if token is not None:
        result["NextToken"] = token
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
