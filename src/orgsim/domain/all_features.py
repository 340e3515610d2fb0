"""Enabling all features: the request, the members' approvals and the management account's final word.

The model of (behaviour.md, "Enabling all features"): EnableAllFeatures creates a parent ENABLE_ALL_FEATURES handshake
(REQUESTED, no account recipient) and one ENABLE_ALL_FEATURES child (OPEN) per member that joined
by invitation. Once every child that still matters is ACCEPTED the parent turns OPEN and the service
sends an APPROVE_ALL_FEATURES handshake to the management account. The management account finishes
by accepting either that confirmation or the OPEN parent; the other one follows.

A child "still matters" while its account is a member of the organization and the child was not
canceled: children of accounts that left or were removed are ignored, whatever their state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from . import errors, quotas
from .handshakes import Answer, ResponseRules, send
from .membership import managed_by, member_accounts
from .model import (
    ACCEPTED,
    ACCOUNT,
    ALL,
    APPROVE_ALL_FEATURES,
    CANCELED,
    ENABLE_ALL_FEATURES,
    ENABLE_ALL_FEATURES_LIFETIME,
    INVITED,
    LIVE_STATES,
    OPEN,
    ORGANIZATION,
    PARENT_HANDSHAKE,
    REQUESTED,
    Account,
    Handshake,
    Organization,
    Party,
    Resource,
)
from .store import World

#: Above this many accounts the standard migration is refused (the operation's documented limit;
#: behaviour.md, "Quotas").
MAX_MIGRATION_ACCOUNTS = 5000


def enable_all_features(world: World, caller: Account, now: dt.datetime) -> Handshake:
    """EnableAllFeatures. Returns the parent handshake: REQUESTED, or OPEN at once when no member
    joined by invitation (behaviour.md, "Enabling all features")."""
    org = managed_by(world, caller)
    if org.feature_set == ALL:
        raise errors.handshake_constraint(
            "ORGANIZATION_ALREADY_HAS_ALL_FEATURES", "This organization has already enabled all features."
        )
    if pending_request(world, org, now) is not None:
        raise errors.handshake_constraint(
            "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION",
            "A request to enable all features is already pending. Finish or cancel it first.",
        )
    if len(org.members) > MAX_MIGRATION_ACCOUNTS:
        raise errors.constraint(
            "ALL_FEATURES_MIGRATION_ORGANIZATION_SIZE_LIMIT_EXCEEDED",
            f"Organizations with more than {MAX_MIGRATION_ACCOUNTS} accounts can't use the standard migration.",
        )
    # Pending invitations are canceled; new ones are refused while the request runs.
    for handshake in quotas.live_invitations(world, org, now):
        world.end(handshake, CANCELED, now)

    parent = send(
        world,
        org,
        ENABLE_ALL_FEATURES,
        parties=(Party(org.id, ORGANIZATION),),
        resources=(Resource(ORGANIZATION, org.id),),
        now=now,
        expires_at=now + ENABLE_ALL_FEATURES_LIFETIME,
    )
    parent.stored_state = REQUESTED
    for member in member_accounts(world, org):
        if member.joined_method == INVITED and member.id != org.management_account_id:
            send(
                world,
                org,
                ENABLE_ALL_FEATURES,
                parties=(Party(org.id, ORGANIZATION), Party(member.id, ACCOUNT)),
                resources=(
                    Resource(PARENT_HANDSHAKE, parent.id),
                    Resource(ORGANIZATION, org.id),
                    Resource(ACCOUNT, member.id),
                ),
                now=now,
                expires_at=parent.expires_at,
                recipient_account_id=member.id,
                parent_id=parent.id,
            )
    # With no invited member there is nobody to wait for: OPEN at once, confirmation sent.
    _reevaluate(world, org, parent, now)
    return parent


def pending_request(world: World, org: Organization, now: dt.datetime) -> Handshake | None:
    """The organization's live (REQUESTED or OPEN) parent ENABLE_ALL_FEATURES handshake, if any: among
    its live ENABLE_ALL_FEATURES handshakes, the ones addressed to nobody (children have a member)."""
    if org.feature_set == ALL:
        return None
    live = world.live.get((org.id, ENABLE_ALL_FEATURES))
    if live is None:
        return None
    for handshake in reversed(live.unaddressed):
        if handshake.state(now) in LIVE_STATES:
            return handshake
    return None


def _related(world: World, parent: Handshake) -> list[Handshake]:
    """The parent's children and its confirmation, in list order."""
    return world.children.get(parent.id, [])


def _children(world: World, parent: Handshake) -> Iterator[Handshake]:
    return (h for h in _related(world, parent) if h.action == ENABLE_ALL_FEATURES)


def _confirmation(world: World, parent: Handshake) -> Handshake | None:
    return next((h for h in _related(world, parent) if h.action == APPROVE_ALL_FEATURES), None)


def _reevaluate(world: World, org: Organization, parent: Handshake, now: dt.datetime) -> None:
    """REQUESTED -> OPEN once every child that still matters is ACCEPTED; then send the confirmation."""
    if parent.state(now) != REQUESTED:
        return
    for child in _children(world, parent):
        if child.stored_state == CANCELED or child.recipient_account_id not in org.members:
            continue
        if child.state(now) != ACCEPTED:
            return
    world.move(parent, OPEN, now)
    management = org.management_account_id
    send(
        world,
        org,
        APPROVE_ALL_FEATURES,
        parties=(Party(org.id, ORGANIZATION), Party(management, ACCOUNT)),
        resources=(Resource(PARENT_HANDSHAKE, parent.id), Resource(ORGANIZATION, org.id)),
        now=now,
        expires_at=parent.expires_at,
        recipient_account_id=management,
        parent_id=parent.id,
    )


def _finish_together(world: World, org: Organization, parent: Handshake, state: str, now: dt.datetime) -> None:
    """Accepting (or declining) the OPEN parent or its confirmation ends both the same way."""
    for handshake in (parent, _confirmation(world, parent)):
        if handshake is not None and handshake.state(now) in LIVE_STATES:
            world.end(handshake, state, now)
    if state == ACCEPTED:
        # Policy types are not switched on: that is EnablePolicyType's job.
        org.feature_set = ALL


class EnableAllFeaturesRules(ResponseRules):
    """The parent (answered by the management account) and the per-member children. Nobody cancels
    a child, and a declined child keeps the parent REQUESTED (behaviour.md, "Enabling all features")."""

    def check_party(self, answer: Answer) -> None:
        handshake, caller = answer.handshake, answer.caller
        org = answer.world.organizations.get(handshake.org_id)
        is_management = org is not None and org.management_account_id == caller.id
        if handshake.parent_id is None:
            # Only the management account acts on the parent: it finalises, declines or cancels it.
            if not is_management:
                raise errors.access_denied()
        elif answer.response == "cancel" or not handshake.is_addressed_to(caller):
            # A child is answered by its member only. It ends with its parent (cancel the parent
            # instead); canceling one child alone would skip that member's approval.
            raise errors.access_denied()

    def apply(self, answer: Answer, target_state: str) -> None:
        world, handshake, now = answer.world, answer.handshake, answer.now
        org = world.organizations[handshake.org_id]
        if handshake.parent_id is None:
            if answer.response == "cancel":
                world.end(handshake, CANCELED, now)
                for related in _related(world, handshake):
                    if related.state(now) in LIVE_STATES:
                        world.end(related, CANCELED, now)
            else:
                _finish_together(world, org, handshake, target_state, now)
            return
        world.end(handshake, target_state, now)
        if target_state == ACCEPTED:
            parent = world.handshakes[handshake.parent_id]
            _reevaluate(world, org, parent, now)
        # DECLINED keeps the parent REQUESTED until the account leaves or is removed.


class ApproveAllFeaturesRules(ResponseRules):
    """The confirmation the service sends to the management account; nobody cancels it
    (behaviour.md, "Enabling all features")."""

    def check_party(self, answer: Answer) -> None:
        # The service sent it, so nobody may cancel it; only its recipient may answer it.
        if answer.response == "cancel" or not answer.handshake.is_addressed_to(answer.caller):
            raise errors.access_denied()

    def apply(self, answer: Answer, target_state: str) -> None:
        world, handshake = answer.world, answer.handshake
        assert handshake.parent_id is not None
        org = world.organizations[handshake.org_id]
        _finish_together(world, org, world.handshakes[handshake.parent_id], target_state, answer.now)


def refuse_invites_while_pending(world: World, org: Organization, now: dt.datetime) -> None:
    """No invitations while a request to enable all features is pending, unless the option allows them."""
    if not world.limits.allow_invites_during_enable_all_features and pending_request(world, org, now) is not None:
        raise errors.handshake_constraint(
            "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES",
            "You can't invite accounts while a request to enable all features is pending.",
        )


def member_left(world: World, account: Account, org: Organization, now: dt.datetime) -> None:
    """A member left or was removed: its pending child is CANCELED and the parent re-evaluated."""
    parent = pending_request(world, org, now)
    if parent is None:
        return
    for child in _children(world, parent):
        if child.recipient_account_id == account.id and child.state(now) in LIVE_STATES:
            world.end(child, CANCELED, now)
    _reevaluate(world, org, parent, now)
