"""Closing member accounts: CloseAccount, the closure completing, and the closed account leaving its
organization for good 90 days later (behaviour.md, "Closing accounts").

A closed account is PENDING_CLOSURE for ``close_account_delay``, then CLOSED (``Status``
SUSPENDED). It stays in its organization, in its root or OU, with its tags, for
``closed_account_retention``, and is then gone from it. Nothing runs in the background: ``settle``,
run before every call, does both once their time has come, and neither is undone when the clock is
moved back. A closed account can do nothing any more: every call it makes is refused.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math

from . import errors
from .errors import Rejected
from .limits import Limits
from .membership import depart, managed_by
from .model import ALL, CLOSED, CLOSED_STATES, PENDING_CLOSURE, Account, Organization
from .store import World

_WINDOW = dt.timedelta(days=30)


def close_account(world: World, caller: Account, account_id: str, now: dt.datetime) -> None:
    """CloseAccount: the member is PENDING_CLOSURE until the closure completes."""
    org = managed_by(world, caller)
    if org.feature_set != ALL:
        raise errors.constraint(
            "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE", "You can close accounts only in an organization with all features."
        )
    if account_id not in org.members:
        raise errors.account_not_found()
    if account_id == org.management_account_id:
        raise errors.constraint(
            "CANNOT_CLOSE_MANAGEMENT_ACCOUNT", "You can't close the management account with this operation."
        )
    account = world.accounts[account_id]
    if account.state in CLOSED_STATES:
        raise Rejected("AccountAlreadyClosedException", "You attempted to close an account that is already closed.")
    if account.state == PENDING_CLOSURE:
        raise Rejected("ConflictException", "The account is already being closed.")
    limits = world.limits
    if len(org.closing) >= limits.max_closures_in_progress:
        raise errors.constraint(
            "CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED",
            f"You can close at most {limits.max_closures_in_progress} accounts at a time. Try again later.",
        )
    if closures_in_window(org, now) >= closure_quota(limits, len(org.members)):
        raise errors.constraint(
            "CLOSE_ACCOUNT_QUOTA_EXCEEDED", "You have closed the most accounts allowed in 30 days. Try again later."
        )
    world.set_state(account, PENDING_CLOSURE)
    account.close_requested_at = now
    account.closes_at = now + limits.close_account_delay
    org.closing[account.id] = None
    bisect.insort(org.closure_requests, now)
    bisect.insort(world.pending_closures, account, key=_closes)
    world.wake(account.closes_at)


def closure_quota(limits: Limits, members: int) -> int:
    """Closures allowed in a rolling 30 days for an organization of ``members`` accounts."""
    share = math.floor(limits.closure_share * members)
    return min(limits.max_closures_per_month, max(limits.min_closures_per_month, share))


def closures_in_window(org: Organization, now: dt.datetime) -> int:
    """CloseAccount calls accepted in the 30 days before ``now`` (or later, when the clock went back).
    The requests are in time order, so the walk back stops at the first one older than that."""
    since = now - _WINDOW
    count = 0
    for requested in reversed(org.closure_requests):
        if requested <= since:
            break
        count += 1
    return count


def settle(world: World, now: dt.datetime) -> dt.datetime | None:
    """Complete the closures due by ``now``, then let the accounts closed long enough go; return when
    the next of either is due. What time does here is not a call's change: it is not noted."""
    pending = world.pending_closures
    while pending and _closes(pending[0]) <= now:
        _close(world, pending.pop(0))
    purges = world.pending_purges
    retention = world.limits.closed_account_retention
    while purges and _closed(purges[0]) + retention <= now:
        _purge(world, purges.pop(0))
    upcoming = [_closes(pending[0])] if pending else []
    if purges:
        upcoming.append(_closed(purges[0]) + retention)
    return min(upcoming) if upcoming else None


def _close(world: World, account: Account) -> None:
    account.state = CLOSED
    account.closed_at = _closes(account)
    if account.org_id is not None:
        world.organizations[account.org_id].closing.pop(account.id, None)
    bisect.insort(world.pending_purges, account, key=_closed_order)


def _purge(world: World, account: Account) -> None:
    gone_at = _closed(account) + world.limits.closed_account_retention
    account.purged_at = gone_at
    org = world.organizations.get(account.org_id) if account.org_id is not None else None
    if org is not None:
        depart(world, account, org, gone_at)


def _closes(account: Account) -> dt.datetime:
    assert account.closes_at is not None
    return account.closes_at


def _closed(account: Account) -> dt.datetime:
    assert account.closed_at is not None
    return account.closed_at


def _closed_order(account: Account) -> tuple[dt.datetime, str]:
    return _closed(account), account.id


def refuse_leaving_while_closing(world: World, account: Account, org: Organization, now: dt.datetime) -> None:
    """An account being closed, or closed, stays until it is gone for good: it can neither leave nor
    be removed."""
    if account.state == PENDING_CLOSURE or account.state in CLOSED_STATES:
        raise errors.constraint(
            "ACCOUNT_CANNOT_LEAVE_ORGANIZATION",
            "An account that is closing or closed can't leave its organization; it leaves once it is closed for good.",
        )


def refuse_closed_caller(account: Account) -> None:
    """A closed account can't call anything (behaviour.md, "Closing accounts")."""
    if account.state in CLOSED_STATES:
        raise errors.access_denied()
