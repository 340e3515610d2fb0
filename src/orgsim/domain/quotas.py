"""How much of an organization's quotas is used (behaviour.md, "Quotas").

Accounts: members, open invitations and creations in progress share ``max_accounts``. Invitations:
at most ``max_invitations_per_day`` in a rolling 24 hours, accepted ones not counted. Each answer
comes from the world's indexes, so it costs the same however many handshakes the organization sent.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence

from . import errors
from .model import IN_PROGRESS, INVITE, AccountRequest, Handshake, Organization
from .store import World

_DAY = dt.timedelta(days=1)


def live_invitations(world: World, org: Organization, now: dt.datetime) -> list[Handshake]:
    """The organization's invitations still open at ``now``, by expiry."""
    live = world.live.get((org.id, INVITE))
    return [] if live is None else live.live(now)


def creations_in_progress(requests: Sequence[AccountRequest]) -> list[AccountRequest]:
    """CreateAccount requests still running that will end in an account (doomed ones hold nothing)."""
    return [r for r in requests if r.state == IN_PROGRESS and r.doomed_by is None]


def account_slots_used(world: World, org: Organization, now: dt.datetime) -> int:
    """Members, open invitations and creations in progress: what counts against ``max_accounts``."""
    live = world.live.get((org.id, INVITE))
    invitations = 0 if live is None else live.count_live(now)
    creating = [r for r in world.pending_account_requests if r.org_id == org.id]
    return len(org.members) + invitations + len(creations_in_progress(creating))


def refuse_when_full(world: World, used: int) -> None:
    """``ACCOUNT_NUMBER_LIMIT_EXCEEDED`` when ``used`` slots leave no room for one more account."""
    if used >= world.limits.max_accounts:
        raise errors.account_limit_exceeded()


def invitations_in_last_day(world: World, org: Organization, now: dt.datetime) -> int:
    """Invitations requested in the 24 hours before ``now`` (or later, when the clock went back),
    accepted ones excepted: those sent after ``now`` - 24 h less those of them accepted. Both lists are
    in list order, which is by request time."""
    since = now - _DAY
    sent = world.sent_by_action.get((org.id, INVITE))
    if sent is None:
        return 0
    accepted = world.accepted.get((org.id, INVITE))
    taken = 0 if accepted is None else accepted.count_after(since, key=_requested)
    return sent.count_after(since, key=_requested) - taken


_requested: Callable[[Handshake], dt.datetime] = operator.attrgetter("requested_at")
