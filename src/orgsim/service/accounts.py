"""CreateAccount, DescribeCreateAccountStatus and ListCreateAccountStatus (spec 6.10)."""

from __future__ import annotations

from typing import Any

from ..domain import account_creation
from ..domain.model import IN_PROGRESS, AccountRequest
from .call import Call, Params
from .organizations import OPERATIONS, operation
from .pagination import DEFAULT_PAGE_SIZE, page

__all__ = ["OPERATIONS"]


def status(request: AccountRequest) -> dict[str, Any]:
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


@operation("CreateAccount")
def create_account(call: Call, params: Params) -> dict[str, Any]:
    # RoleName and IamUserAccessToBilling are validated by the model and have no effect here:
    # IAM is not simulated.
    tags = [(t["Key"], t.get("Value", "")) for t in params.get("Tags") or ()]
    request = account_creation.request_account(
        call.world, call.caller, params["Email"], params["AccountName"], tags, call.now
    )
    return {"CreateAccountStatus": status(request)}


@operation("DescribeCreateAccountStatus")
def describe_create_account_status(call: Call, params: Params) -> dict[str, Any]:
    request = account_creation.describe(call.world, call.caller, params["CreateAccountRequestId"])
    return {"CreateAccountStatus": status(request)}


@operation("ListCreateAccountStatus")
def list_create_account_status(call: Call, params: Params) -> dict[str, Any]:
    org = call.world.managed_by(call.caller)
    # An empty States list filters nothing, like an absent one.
    states = frozenset(params.get("States") or ())
    scope = f"ListCreateAccountStatus:{call.identity.account_id}:{','.join(sorted(states))}"
    token = params.get("NextToken")
    after = call.tokens.read(token, scope) if token is not None else None
    found, _, more = page(
        org.account_requests,
        lambda r: f"{r.seq:012d}",
        after,
        params.get("MaxResults") or DEFAULT_PAGE_SIZE,
        lambda r: r if not states or r.state in states else None,
    )
    result: dict[str, Any] = {"CreateAccountStatuses": [status(r) for r in found]}
    if more is not None:
        result["NextToken"] = call.tokens.mint(scope, more)
    return result
