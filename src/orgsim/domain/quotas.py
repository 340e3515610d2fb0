"""How much of an organization's quotas is used (behaviour.md, "Quotas").

Accounts: members, open invitations and creations in progress share ``max_accounts``. Invitations:
at most ``max_invitations_per_day`` in a rolling 24 hours, accepted ones not counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from . import errors
from .model import ACCEPTED, IN_PROGRESS, INVITE, LIVE_STATES, AccountRequest, Handshake, Organization
from .store import World

_DAY = dt.timedelta(days=1)


def live_invitations(org: Organization, now: dt.datetime) -> list[Handshake]:
    """The organization's invitations still open at ``now``."""
    return [h for h in org.handshakes if h.action == INVITE and h.state(now) in LIVE_STATES]


def creations_in_progress(requests: Sequence[AccountRequest]) -> list[AccountRequest]:
    """CreateAccount requests still running that will end in an account (doomed ones hold nothing)."""
    return [r for r in requests if r.state == IN_PROGRESS and r.doomed_by is None]


def account_slots_used(org: Organization, now: dt.datetime) -> int:
    """Members, open invitations and creations in progress: what counts against ``max_accounts``."""
    return len(org.members) + len(live_invitations(org, now)) + len(creations_in_progress(org.account_requests))


def refuse_when_full(world: World, used: int) -> None:
    """``ACCOUNT_NUMBER_LIMIT_EXCEEDED`` when ``used`` slots leave no room for one more account."""
    if used >= world.limits.max_accounts:
        raise errors.account_limit_exceeded()


def invitations_in_last_day(org: Organization, now: dt.datetime) -> int:
    """Invitations requested in the 24 hours before ``now`` (or later, when the clock went back),
    accepted ones excepted. ``org.handshakes`` is sorted by request time, so the walk back stops at
    the first one older than a day."""
    since = now - _DAY
    count = 0
    for h in reversed(org.handshakes):
        if h.requested_at <= since:
            break
        if h.action == INVITE and h.state(now) != ACCEPTED:
            count += 1
    return count
