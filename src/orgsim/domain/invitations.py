"""InviteAccountToOrganization and what accepting an invitation does (behaviour.md, "Invitations")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from . import errors, quotas
from .errors import Rejected
from .handshakes import Answer, ResponseRules, send
from .ids import is_account_id
from .membership import join, managed_by
from .model import (
    ACCOUNT,
    EMAIL,
    INVITE,
    INVITE_LIFETIME,
    INVITED,
    LIVE_STATES,
    NOTES,
    ORGANIZATION,
    Account,
    Handshake,
    Organization,
    Party,
    Resource,
)
from .store import World
from .tags import check_tags

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+", re.ASCII)


def invite(
    world: World,
    caller: Account,
    target: Party,
    notes: str | None,
    tags: Sequence[tuple[str, str]],
    now: dt.datetime,
) -> Handshake:
    """Send an INVITE handshake from the caller's organization to ``target``."""
    check_target(target)
    check_tags(tags)
    org = managed_by(world, caller)
    for check in world.rules.invite_checks:
        check(world, org, now)

    # An account that was never used is in no organization; it comes to exist when it first calls
    # (behaviour.md, "Invitations").
    recipient = world.accounts.get(target.id) if target.type == ACCOUNT else world.account_by_email(target.id)
    if recipient is not None and recipient.org_id == org.id:
        raise errors.handshake_constraint(
            "ALREADY_IN_AN_ORGANIZATION", "The account is already a member of this organization."
        )
    if _open_invitation_to(world, org, target, recipient, now):
        raise Rejected(
            "DuplicateHandshakeException",
            "An open invitation to this account already exists. Cancel it or wait for an answer.",
        )
    quotas.refuse_when_full(world, quotas.account_slots_used(world, org, now))
    if quotas.invitations_in_last_day(world, org, now) >= world.limits.max_invitations_per_day:
        raise errors.handshake_constraint(
            "HANDSHAKE_RATE_LIMIT_EXCEEDED", "You have sent too many invitations in the last 24 hours. Try again later."
        )

    resources = [_sender_resource(world, org), Resource(target.type, target.id)]
    if notes is not None:
        resources.append(Resource(NOTES, notes))
    return send(
        world,
        org,
        INVITE,
        parties=(world.shared(Party(org.id, ORGANIZATION), org), target),
        resources=tuple(resources),
        now=now,
        expires_at=now + INVITE_LIFETIME,
        recipient_account_id=target.id if target.type == ACCOUNT else None,
        recipient_email=target.id.lower() if target.type == EMAIL else None,
        tags=tuple(tags),
    )


def check_target(target: Party) -> None:
    """An invitation goes to an account, named by a well-formed id or email address."""
    if target.type == ORGANIZATION:
        raise errors.invalid_input(
            "INVALID_PARTY_TYPE_TARGET", "You can invite only an account, by its id or its email address."
        )
    if target.type == ACCOUNT and not is_account_id(target.id):
        raise errors.invalid_input("INVALID_PATTERN", errors.PATTERN_MISMATCH)
    if target.type == EMAIL and not _EMAIL.fullmatch(target.id):
        raise errors.invalid_input("INVALID_EMAIL_ADDRESS_TARGET", "You provided an invalid email address.")


def _sender_resource(world: World, org: Organization) -> Resource:
    """The ORGANIZATION resource of an invitation, with the management account's email and name and
    the feature set as they are now (behaviour.md, "Invitations"). Resources are immutable, so
    invitations share equal ones."""
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
    return world.shared(resource, org)


def _open_invitation_to(
    world: World, org: Organization, target: Party, recipient: Account | None, now: dt.datetime
) -> bool:
    """Whether ``org`` has an open invitation naming the same account: by the same id or email, or by
    the other of the two when the target resolves to a known account (behaviour.md, "Invitations")."""
    live = world.live.get((org.id, INVITE))
    if live is None:
        return False
    names = [target.id if target.type == ACCOUNT else target.id.lower()]
    if recipient is not None:
        names.append(recipient.email.lower() if target.type == ACCOUNT else recipient.id)
    return any(h.state(now) in LIVE_STATES for name in names for h in live.addressed_to(name))


class InviteRules(ResponseRules):
    """Accepting an invitation makes the caller a member, with the invitation's tags."""

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
            # The invitation's own slot turns into the member's: only members count here
            # (behaviour.md, "Quotas").
            quotas.refuse_when_full(world, len(org.members))
            join(world, caller, org, INVITED, now)
            caller.tags.update(handshake.tags)
        world.end(handshake, target_state, now)
