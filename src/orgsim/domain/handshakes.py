"""Invitations and the answers to them: who may send, see, accept, decline and cancel."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import errors
from .errors import Rejected
from .model import (
    ACCEPTED,
    ACCOUNT,
    EMAIL,
    INVITE,
    INVITE_LIFETIME,
    INVITED,
    LIVE_STATES,
    ORGANIZATION,
    Account,
    Handshake,
    Organization,
    Party,
    Resource,
)
from .transitions import Response, check_transition

__all__ = ["Response", "can_see", "find_shown", "invite", "respond"]
from .world import World

_ACCOUNT_ID = re.compile(r"[0-9]{12}")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+", re.ASCII)
MAX_TAGS = 50
_DAY = dt.timedelta(days=1)


def handshake_arn(org: Organization, action: str, handshake_id: str) -> str:
    return (
        f"arn:aws:organizations::{org.management_account_id}:handshake/"
        f"{org.id}/{action.lower()}/{handshake_id}"
    )


def check_tags(tags: Sequence[tuple[str, str]]) -> None:
    """Rules on invitation tags beyond what the service model states."""
    seen: set[str] = set()
    for key, _ in tags:
        if key in seen:
            raise errors.invalid_input("DUPLICATE_TAG_KEY", "You provided the same tag key more than once.")
        seen.add(key)
        if key.lower().startswith("aws:"):
            raise errors.invalid_input(
                "INVALID_SYSTEM_TAGS_PARAMETER",
                "Tag keys that begin with 'aws:' are reserved for system use.",
            )
    if len(tags) > MAX_TAGS:
        raise errors.constraint("MAX_TAG_LIMIT_EXCEEDED", f"You can attach at most {MAX_TAGS} tags to an account.")


def invite(
    world: World,
    caller: Account,
    target: Party,
    notes: str | None,
    tags: Sequence[tuple[str, str]],
    now: dt.datetime,
) -> Handshake:
    """InviteAccountToOrganization (spec 6.1)."""
    if target.type == ORGANIZATION:
        raise errors.invalid_input(
            "INVALID_PARTY_TYPE_TARGET", "You can invite only an account, by its id or its email address."
        )
    if target.type == ACCOUNT and not _ACCOUNT_ID.fullmatch(target.id):
        raise errors.invalid_input("INVALID_PATTERN", "You provided a value that does not match the required pattern.")
    if target.type == EMAIL and not _EMAIL.fullmatch(target.id):
        raise errors.invalid_input("INVALID_EMAIL_ADDRESS_TARGET", "You provided an invalid email address.")
    check_tags(tags)
    org = world.managed_by(caller)
    for check in INVITE_CHECKS:
        check(world, org, now)

    # An account that was never used is in no organization; it comes to exist when it first calls.
    recipient = world.accounts.get(target.id) if target.type == ACCOUNT else world.account_by_email(target.id)
    if recipient is not None and recipient.org_id == org.id:
        raise errors.handshake_constraint(
            "ALREADY_IN_AN_ORGANIZATION", "The account is already a member of this organization."
        )
    for pending in _live_invites(org, now):
        if _same_target(world, pending, target, recipient):
            raise Rejected(
                "DuplicateHandshakeException",
                "An open invitation to this account already exists. Cancel it or wait for an answer.",
            )
    open_invites = sum(1 for _ in _live_invites(org, now))
    if len(org.members) + open_invites >= world.limits.max_accounts:
        raise errors.handshake_constraint(
            "ACCOUNT_NUMBER_LIMIT_EXCEEDED", "You have exceeded the allowed number of AWS accounts."
        )
    if _sent_in_last_day(org, now) >= world.limits.max_invitations_per_day:
        raise errors.handshake_constraint(
            "HANDSHAKE_RATE_LIMIT_EXCEEDED",
            "You have sent too many invitations in the last 24 hours. Try again later.",
        )

    resources = [_sender_resource(world, org), Resource(target.type, target.id)]
    if notes is not None:
        resources.append(Resource("NOTES", notes))
    return send(
        world,
        org,
        INVITE,
        parties=(Party(org.id, ORGANIZATION), target),
        resources=tuple(resources),
        now=now,
        expires_at=now + INVITE_LIFETIME,
        recipient_account_id=target.id if target.type == ACCOUNT else None,
        recipient_email=target.id.lower() if target.type == EMAIL else None,
        tags=tuple(tags),
    )


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
    tags: tuple[tuple[str, str], ...] = (),
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


def _sent_in_last_day(org: Organization, now: dt.datetime) -> int:
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


def _sender_resource(world: World, org: Organization) -> Resource:
    """The ORGANIZATION resource of an invitation, with the management account's email and name and
    the feature set as they are now. Resources are immutable, so invitations share equal ones."""
    management = world.accounts[org.management_account_id]
    resource = Resource(
        ORGANIZATION,
        org.id,
        (
            Resource("MASTER_EMAIL", management.email),
            Resource("MASTER_NAME", management.name),
            Resource("ORGANIZATION_FEATURE_SET", org.feature_set),
        ),
    )
    return world.shared_resources.setdefault(resource, resource)


def _live_invites(org: Organization, now: dt.datetime) -> list[Handshake]:
    return [h for h in org.handshakes if h.action == INVITE and h.state(now) in LIVE_STATES]


def _same_target(world: World, pending: Handshake, target: Party, recipient: Account | None) -> bool:
    """Two invitations name the same account when the ids match or an email resolves to it (A15)."""
    if pending.parties[1] == target:
        return True
    if target.type == EMAIL and pending.recipient_email == target.id.lower():
        return True
    if recipient is None:
        return False
    if pending.recipient_account_id is not None:
        return pending.recipient_account_id == recipient.id
    return pending.recipient_email == recipient.email.lower()


def find_shown(world: World, caller: Account, handshake_id: str, now: dt.datetime) -> tuple[Handshake, str]:
    """The handshake and the state it shows at ``now``, if ``caller`` may see it: the sender
    organization's accounts and the recipient (A12), until its retention period is over."""
    handshake = world.handshakes.get(handshake_id)
    if handshake is not None:
        state = handshake.shown_state(now)
        if state is not None and can_see(handshake, caller):
            return handshake, state
    raise errors.handshake_not_found()


def can_see(handshake: Handshake, caller: Account) -> bool:
    return caller.org_id == handshake.org_id or handshake.is_addressed_to(caller)


def respond(world: World, caller: Account, handshake_id: str, response: Response, now: dt.datetime) -> Handshake:
    """AcceptHandshake, DeclineHandshake and CancelHandshake (spec 6.2-6.4, section 7)."""
    handshake, state = find_shown(world, caller, handshake_id, now)
    rules = RULES[handshake.action]
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
    """Who may answer a kind of handshake, and what an answer does. One instance per action."""

    def check_party(self, answer: Answer) -> None:
        handshake, caller = answer.handshake, answer.caller
        if answer.response == "cancel":
            org = answer.world.organizations.get(handshake.org_id)
            if org is None or org.management_account_id != caller.id:
                raise errors.access_denied()
        elif not handshake.is_addressed_to(caller):
            raise errors.access_denied()

    def apply(self, answer: Answer, target_state: str) -> None:
        answer.handshake.finish(target_state, answer.now)


class InviteRules(ResponseRules):
    def apply(self, answer: Answer, target_state: str) -> None:
        world, handshake, caller, now = answer.world, answer.handshake, answer.caller, answer.now
        if answer.response == "accept":
            org = world.organizations[handshake.org_id]
            if caller.org_id is not None:
                current = world.organizations[caller.org_id]
                if current.management_account_id == caller.id:
                    raise Rejected(
                        "MasterCannotLeaveOrganizationException",
                        "A management account can't join another organization. Delete its organization first.",
                    )
                raise errors.handshake_constraint(
                    "ALREADY_IN_AN_ORGANIZATION",
                    "The account is already a member of an organization. It must leave before it can accept.",
                )
            if len(org.members) >= world.limits.max_accounts:
                raise errors.handshake_constraint(
                    "ACCOUNT_NUMBER_LIMIT_EXCEEDED", "You have exceeded the allowed number of AWS accounts."
                )
            world.join(caller, org, INVITED, now)
            caller.tags.update(handshake.tags)
        handshake.finish(target_state, now)


#: How each action is answered. Other modules register the actions they add.
RULES: dict[str, ResponseRules] = {INVITE: InviteRules()}
#: Checks run before an invitation is sent; each may raise ``Rejected``.
INVITE_CHECKS: list[Callable[[World, Organization, dt.datetime], None]] = []
