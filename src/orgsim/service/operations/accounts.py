"""Accounts of an organization: listing, describing, leaving and removing, CreateAccount and CloseAccount."""

from __future__ import annotations

from typing import Any

from ...domain import account_creation, closing, membership
from ...domain.model import IN_PROGRESS, AccountRequest
from .. import inputs, render
from ..context import Call, Output, Params
from ..pagination import PageRequest, with_token


def list_accounts(call: Call, params: Params) -> Output:
    request = PageRequest.read(call.tokens, params, f"ListAccounts:{call.identity.account_id}")
    world = call.world
    org = membership.administered_by(world, call.caller, call.operation)
    # In the order accounts joined; a position is the join sequence, so a member leaving
    # between two pages does not make the next page skip anyone (behaviour.md, "Lists"). The page
    # is read from there: it costs the same however many members there are.
    after = None if request.after is None else int(request.after)
    found, token = request.take(call.tokens, org.members.after(after), _joined)
    accounts = world.accounts
    return with_token({"Accounts": [render.account(accounts[i], org) for _, i in found]}, token)


def describe_account(call: Call, params: Params) -> Output:
    account, org = membership.describe_account(call.world, call.caller, params["AccountId"])
    return {"Account": render.account(account, org)}


def leave_organization(call: Call, params: Params) -> Output:
    membership.leave(call.world, call.caller, call.now)
    return {}


def remove_account(call: Call, params: Params) -> Output:
    membership.remove(call.world, call.caller, params["AccountId"], call.now)
    return {}


def close_account(call: Call, params: Params) -> Output:
    closing.close_account(call.world, call.caller, params["AccountId"], call.now)
    return {}


def create_account(call: Call, params: Params) -> Output:
    # RoleName and IamUserAccessToBilling are checked against the model and have no effect:
    # IAM is not simulated (behaviour.md, "Created accounts").
    request = account_creation.request_account(
        call.world, call.caller, params["Email"], params["AccountName"], inputs.tags(params), call.now
    )
    return {"CreateAccountStatus": _status(request)}


def describe_create_account_status(call: Call, params: Params) -> Output:
    request = account_creation.describe(call.world, call.caller, params["CreateAccountRequestId"])
    return {"CreateAccountStatus": _status(request)}


def list_create_account_status(call: Call, params: Params) -> Output:
    # An empty States list filters nothing, like an absent one (behaviour.md, "Created accounts").
    states = frozenset(params.get("States") or ())
    scope = f"ListCreateAccountStatus:{call.identity.account_id}:{','.join(sorted(states))}"
    request = PageRequest.read(call.tokens, params, scope)
    org = membership.administered_by(call.world, call.caller, call.operation)
    shown, token = request.page(
        call.tokens,
        [request.rest(org.account_requests, _requested)],
        _requested,
        _requested,
        lambda r: r if not states or r.state in states else None,
    )
    return with_token({"CreateAccountStatuses": [_status(r) for r, _ in shown]}, token)


def _joined(member: tuple[int, str]) -> str:
    return f"{member[0]:012d}"


def _requested(request: AccountRequest) -> str:
    return f"{request.seq:012d}"


def _status(request: AccountRequest) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Id": request.id,
        "AccountName": request.name,
        "State": request.state,
        "RequestedTimestamp": request.requested_at,
    }
    if request.state != IN_PROGRESS:
        out["CompletedTimestamp"] = request.completes_at
    if request.account_id is not None:
        out["AccountId"] = request.account_id
    if request.failure_reason is not None:
        out["FailureReason"] = request.failure_reason
    return out
