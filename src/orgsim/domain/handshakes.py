"""Handshakes of every kind: sending one, who may see it, and answering it (accept, decline, cancel).

What an answer does depends on the handshake's action; ``rules.standard()`` maps each action to its
``ResponseRules`` (``invitations``, ``all_features``).
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass

from . import errors
from .model import LIVE_STATES, RETENTION, Account, Handshake, Organization, Party, Resource, Tags
from .store import World
from .transitions import Response, check_transition

__all__ = ["Answer", "Response", "ResponseRules", "can_see", "find_shown", "respond", "send", "settle"]


def handshake_arn(org: Organization, action: str, handshake_id: str) -> str:
    return f"arn:aws:organizations::{org.management_account_id}:handshake/{org.id}/{action.lower()}/{handshake_id}"


def send(
    world: World,
    org: Organization,
    action: str,
    *,
    parties: tuple[Party, ...],
    resources: tuple[Resource, ...],
    now: dt.datetime,
    expires_at: dt.datetime,
    recipient_account_id: str | None = None,
    recipient_email: str | None = None,
    parent_id: str | None = None,
    tags: Tags = (),
) -> Handshake:
    """Make a new handshake from ``org`` (id, ARN, place in every list) and store it."""
    handshake_id = world.ids.handshake_id()
    handshake = Handshake(
        seq=world.next_seq(),
        id=handshake_id,
        arn=handshake_arn(org, action, handshake_id),
        action=action,
        org_id=org.id,
        parties=parties,
        resources=resources,
        requested_at=now,
        expires_at=expires_at,
        recipient_account_id=recipient_account_id,
        recipient_email=recipient_email,
        parent_id=parent_id,
        tags=tags,
    )
    world.store(handshake, org)
    return handshake


def settle(world: World, now: dt.datetime) -> dt.datetime | None:
    """What time has done to handshakes by ``now``, made permanent: live ones past their expiry are
    EXPIRED, and those whose retention period has ended are purged: the world forgets them, so that
    neither comes back when the clock goes back (behaviour.md, "When the clock goes back", "Purged
    handshakes"). Returns when the next handshake is due."""
    timers = world.handshake_timers
    while timers and timers[0][0] <= now:
        handshake = world.handshakes.get(heapq.heappop(timers)[1])
        if handshake is None:
            continue  # purged at an earlier timer of its own
        if handshake.stored_state in LIVE_STATES:
            world.expire(handshake)
        ended = handshake.ended_at
        assert ended is not None  # terminal by now
        gone_at = ended + RETENTION
        if gone_at <= now:
            world.purge(handshake)
        else:
            heapq.heappush(timers, (gone_at, handshake.id))
    return timers[0][0] if timers else None


def find_shown(world: World, caller: Account, handshake_id: str, now: dt.datetime) -> tuple[Handshake, str]:
    """The handshake and the state it shows at ``now``, if ``caller`` may see it: the sender
    organization's accounts and the recipient, until its retention period is over (behaviour.md,
    "Who may call what")."""
    handshake = world.handshakes.get(handshake_id)
    if handshake is not None:
        state = handshake.shown_state(now)
        if state is not None and (caller.org_id == handshake.org_id or handshake.is_addressed_to(caller)):
            return handshake, state
    raise errors.handshake_not_found()


def respond(world: World, caller: Account, handshake_id: str, response: Response, now: dt.datetime) -> Handshake:
    """AcceptHandshake, DeclineHandshake and CancelHandshake: find, check the party, then the
    transition, then apply what the handshake's action does (behaviour.md, "Who may call what")."""
    handshake, state = find_shown(world, caller, handshake_id, now)
    rules = world.rules.answers[handshake.action]
    answer = Answer(world, handshake, caller, response, now)
    rules.check_party(answer)
    target_state = check_transition(state, response)
    rules.apply(answer, target_state)
    return handshake


@dataclass(frozen=True, slots=True)
class Answer:
    """One accept, decline or cancel being applied: who answers which handshake, and when."""

    world: World
    handshake: Handshake
    caller: Account
    response: Response
    now: dt.datetime


class ResponseRules:
    """Who may answer a kind of handshake, and what an answer does. One instance per action.

    By default the recipient accepts or declines and the sender's management account cancels; a
    caller that may see the handshake but not answer it is refused with ``AccessDeniedException``
    (behaviour.md, "Who may call what").
    """

    def check_party(self, answer: Answer) -> None:
        handshake, caller = answer.handshake, answer.caller
        if answer.response == "cancel":
            org = answer.world.organizations.get(handshake.org_id)
            if org is None or org.management_account_id != caller.id:
                raise errors.access_denied()
        elif not handshake.is_addressed_to(caller):
            raise errors.access_denied()

    def apply(self, answer: Answer, target_state: str) -> None:
        answer.world.end(answer.handshake, target_state, answer.now)
