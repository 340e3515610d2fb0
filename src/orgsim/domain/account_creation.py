"""Accounts an organization creates itself (CreateAccount), and the waiting period before they may leave.

CreateAccount is asynchronous, as in the real service: the request is IN_PROGRESS until a delay has
passed on the clock, then SUCCEEDED (the account has joined with JoinedMethod CREATED) or FAILED.
Nothing runs in the background: ``settle``, run before every call, completes the requests whose time
has come, so the account shows up in ListAccounts even if nobody asked for the status.

Whether a request will fail is decided when it is made (the email is taken, or the organization has
no room left) and reported when it completes; what can change in between (the email taken by an
account made meanwhile, the organization filled up or deleted) is checked again at completion
(behaviour.md, "Created accounts").
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence

from . import errors, quotas
from .membership import administered_by, join, managed_by
from .model import CREATED, FAILED, SUCCEEDED, Account, AccountRequest, Organization
from .store import World
from .tags import check_tags

EMAIL_ALREADY_EXISTS = "EMAIL_ALREADY_EXISTS"
ACCOUNT_LIMIT_EXCEEDED = "ACCOUNT_LIMIT_EXCEEDED"
INTERNAL_FAILURE = "INTERNAL_FAILURE"


def request_account(
    world: World,
    caller: Account,
    email: str,
    name: str,
    tags: Sequence[tuple[str, str]],
    now: dt.datetime,
) -> AccountRequest:
    """CreateAccount: record the request; it completes ``create_account_delay`` later."""
    check_tags(tags)
    org = managed_by(world, caller)
    doomed_by: str | None = None
    if email_taken(world, email):
        doomed_by = EMAIL_ALREADY_EXISTS
    elif quotas.account_slots_used(world, org, now) >= world.limits.max_accounts:
        doomed_by = ACCOUNT_LIMIT_EXCEEDED
    request = AccountRequest(
        seq=world.next_seq(),
        id=world.ids.create_account_request_id(),
        org_id=org.id,
        email=email,
        name=name,
        requested_at=now,
        completes_at=now + world.limits.create_account_delay,
        tags=tuple(tags),
        doomed_by=doomed_by,
    )
    world.account_requests[request.id] = request
    org.account_requests.append(request)
    bisect.insort(world.pending_account_requests, request, key=lambda r: (r.completes_at, r.seq))
    world.wake(request.completes_at)
    return request


def email_taken(world: World, email: str) -> bool:
    """An existing account, or a creation that will succeed, already uses this email."""
    if world.account_by_email(email) is not None:
        return True
    lowered = email.lower()
    return any(r.email.lower() == lowered for r in quotas.creations_in_progress(world.pending_account_requests))


def describe(world: World, caller: Account, request_id: str) -> AccountRequest:
    org = administered_by(world, caller, "DescribeCreateAccountStatus")
    request = world.account_requests.get(request_id)
    if request is None or request.org_id != org.id:
        raise errors.Rejected(
            "CreateAccountStatusNotFoundException",
            "We can't find a create account request with the CreateAccountRequestId that you specified.",
        )
    return request


def settle(world: World, now: dt.datetime) -> dt.datetime | None:
    """Complete every request whose delay has passed by ``now``, in the order they complete; return
    when the next one completes."""
    pending = world.pending_account_requests
    while pending and pending[0].completes_at <= now:
        _complete(world, pending.pop(0))
    return pending[0].completes_at if pending else None


def _complete(world: World, request: AccountRequest) -> None:
    org = world.organizations.get(request.org_id)
    failure = request.doomed_by
    if failure is None:
        if org is None:
            failure = INTERNAL_FAILURE
        elif world.account_by_email(request.email) is not None:
            failure = EMAIL_ALREADY_EXISTS
        elif len(org.members) >= world.limits.max_accounts:
            failure = ACCOUNT_LIMIT_EXCEEDED
    if failure is not None or org is None:
        request.state = FAILED
        request.failure_reason = failure
        return
    account = world.create_account(None, request.email, request.name)
    join(world, account, org, CREATED, request.completes_at)
    account.tags.update(request.tags)
    request.state = SUCCEEDED
    request.account_id = account.id


def check_wait_period(world: World, account: Account, org: Organization, now: dt.datetime) -> None:
    """A created account may leave only once the waiting period has passed; invited ones any time
    (behaviour.md, "Created accounts")."""
    if account.joined_method != CREATED or account.joined_at is None:
        return
    if now < account.joined_at + world.limits.created_account_wait:
        raise errors.constraint(
            "WAIT_PERIOD_ACTIVE",
            "This account was created too recently to leave the organization. Try again after the waiting period.",
        )
