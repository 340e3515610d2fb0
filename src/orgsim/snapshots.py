"""Read-only snapshots of the simulated world, for assertions in tests.

A snapshot is taken when you ask for it (``sim.handshakes``, ``sim.handshake(id)``, ...) and does not
change afterwards; a handshake's ``state`` is derived from the simulated clock at that moment, so
it reads EXPIRED once the expiry has passed, exactly as the API would answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .domain import model, policies as domain_policies
from .domain.model import Party
from .domain.store import World
from .service.call_log import RecordedCall

__all__ = [
    "Account",
    "Handshake",
    "Organization",
    "OrganizationalUnit",
    "Party",
    "Policy",
    "ResourcePolicy",
    "Root",
    "Transfer",
]

_NO_TAGS: Mapping[str, str] = MappingProxyType({})


def _tags(tags: dict[str, str]) -> Mapping[str, str]:
    """A read-only copy, in the order the tags were first set."""
    return MappingProxyType(dict(tags)) if tags else _NO_TAGS


@dataclass(frozen=True)
class Account:
    """An account as it was when the snapshot was taken."""

    id: str
    email: str
    name: str
    organization_id: str | None
    joined_method: str | None
    joined_timestamp: dt.datetime | None
    #: The root or OU it is in, while it is a member.
    parent_id: str | None = None
    #: ``ACTIVE``, ``PENDING_CLOSURE`` or ``CLOSED`` (the API's ``State``; see ``status``).
    state: str = model.ACTIVE
    #: Its tags in its organization (none outside one).
    tags: Mapping[str, str] = field(default_factory=lambda: _NO_TAGS, hash=False)
    #: When CloseAccount was accepted for it, when it became CLOSED, and when it left its
    #: organization for good (90 days later); None until then.
    close_requested_timestamp: dt.datetime | None = None
    closed_timestamp: dt.datetime | None = None
    purged_timestamp: dt.datetime | None = None

    @property
    def status(self) -> str:
        """The older ``Status`` member the API shows next to ``State`` (SUSPENDED for a closed account)."""
        return model.STATUS_OF[self.state]

    @classmethod
    def of(cls, account: model.Account) -> Account:
        return cls(
            account.id,
            account.email,
            account.name,
            account.org_id,
            account.joined_method,
            account.joined_at,
            parent_id=account.parent_id,
            state=account.state,
            tags=_tags(account.tags),
            close_requested_timestamp=account.close_requested_at,
            closed_timestamp=account.closed_at,
            purged_timestamp=account.purged_at,
        )


@dataclass(frozen=True)
class Root:
    """An organization's root as it was when the snapshot was taken."""

    id: str
    arn: str
    name: str
    #: The policy types enabled on it, as ``(type, status)`` pairs.
    policy_types: tuple[tuple[str, str], ...]
    tags: Mapping[str, str] = field(hash=False)
    #: Its direct children, each kind in the order they arrived.
    account_ids: tuple[str, ...]
    organizational_unit_ids: tuple[str, ...]

    @classmethod
    def of(cls, root: model.Root) -> Root:
        children = root.children
        return cls(
            root.id,
            root.arn,
            root.name,
            tuple(root.policy_types.items()),
            _tags(root.tags),
            tuple(children.accounts),
            tuple(children.organizational_units),
        )


@dataclass(frozen=True)
class OrganizationalUnit:
    """An OU as it was when the snapshot was taken."""

    id: str
    arn: str
    name: str
    parent_id: str
    #: ``<org-id>/<root-id>/<ou-id>/.../``, as the API shows it.
    path: str
    #: 1 for an OU right under the root.
    depth: int
    tags: Mapping[str, str] = field(hash=False)
    #: Its direct children, each kind in the order they arrived.
    account_ids: tuple[str, ...]
    organizational_unit_ids: tuple[str, ...]

    @classmethod
    def of(cls, ou: model.OrganizationalUnit) -> OrganizationalUnit:
        children = ou.children
        return cls(
            ou.id,
            ou.arn,
            ou.name,
            ou.parent_id,
            ou.path,
            ou.depth,
            _tags(ou.tags),
            tuple(children.accounts),
            tuple(children.organizational_units),
        )


@dataclass(frozen=True)
class Policy:
    """A policy as it was when the snapshot was taken."""

    id: str
    arn: str
    name: str
    description: str
    #: ``SERVICE_CONTROL_POLICY``, ``TAG_POLICY``, ...
    type: str
    content: str
    aws_managed: bool
    tags: Mapping[str, str] = field(default_factory=lambda: _NO_TAGS, hash=False)

    @classmethod
    def of(cls, policy: model.Policy) -> Policy:
        return cls(
            policy.id,
            policy.arn,
            policy.name,
            policy.description,
            policy.type,
            policy.content,
            policy.aws_managed,
            _tags(policy.tags),
        )


@dataclass(frozen=True)
class ResourcePolicy:
    """The organization's resource-based delegation policy as it was when the snapshot was taken."""

    id: str
    arn: str
    content: str
    tags: Mapping[str, str] = field(default_factory=lambda: _NO_TAGS, hash=False)


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Organization:
    """An organization as it was when the snapshot was taken."""

    id: str
    arn: str
    feature_set: str
    management_account_id: str
    root_id: str
    #: Every member, the management account included, in the order they joined.
    member_ids: tuple[str, ...]
    #: The root, with its children.
    root: Root
    #: Every OU, in the order they were created.
    organizational_units: tuple[OrganizationalUnit, ...]
    #: Its own (customer) policies, in the order they were created.
    policies: tuple[Policy, ...] = ()
    #: Each root, OU or account with policies attached directly, to their ids in attachment order
    #: (AWS-managed ones included).
    attachments: Mapping[str, tuple[str, ...]] = field(default_factory=_empty, hash=False)
    #: The same the other way: each attached policy to its targets, in attachment order.
    targets: Mapping[str, tuple[str, ...]] = field(default_factory=_empty, hash=False)
    #: The service principals with trusted access, each to when it was enabled, in that order.
    enabled_service_principals: Mapping[str, dt.datetime] = field(default_factory=_empty, hash=False)
    #: Each delegated administrator to its services, each to when it was registered for it.
    delegated_administrators: Mapping[str, Mapping[str, dt.datetime]] = field(default_factory=_empty, hash=False)
    #: The resource-based delegation policy, if there is one.
    resource_policy: ResourcePolicy | None = None

    def organizational_unit(self, ou_id: str) -> OrganizationalUnit:
        """The OU with this id; KeyError if the organization has none."""
        for ou in self.organizational_units:
            if ou.id == ou_id:
                return ou
        raise KeyError(f"organization {self.id} has no OU {ou_id!r}")

    def policy(self, policy_id: str) -> Policy:
        """The organization's policy with this id, or an AWS-managed one; KeyError for any other id."""
        for policy in self.policies:
            if policy.id == policy_id:
                return policy
        managed = domain_policies.MANAGED.get(policy_id)
        if managed is not None:
            return Policy.of(managed)
        raise KeyError(f"organization {self.id} has no policy {policy_id!r}")

    def policies_for(self, target_id: str) -> tuple[str, ...]:
        """The ids of the policies attached directly to a root, OU or account, in attachment order."""
        return self.attachments.get(target_id, ())

    def targets_for(self, policy_id: str) -> tuple[str, ...]:
        """The roots, OUs and accounts a policy is attached to, in attachment order."""
        return self.targets.get(policy_id, ())

    @classmethod
    def of(cls, org: model.Organization) -> Organization:
        resource_policy = org.resource_policy
        return cls(
            org.id,
            org.arn,
            org.feature_set,
            org.management_account_id,
            org.root_id,
            tuple(org.members),
            Root.of(org.root),
            tuple(OrganizationalUnit.of(ou) for ou in org.organizational_units.values()),
            policies=tuple(Policy.of(p) for p in org.policies.values()),
            attachments=MappingProxyType({target: tuple(ids) for target, ids in org.attachments.items()}),
            targets=MappingProxyType({policy_id: tuple(ids) for policy_id, ids in org.targets.items()}),
            enabled_service_principals=MappingProxyType({p: since.at for p, since in org.service_access.items()}),
            delegated_administrators=MappingProxyType(
                {
                    account_id: MappingProxyType({p: since.at for p, since in d.services.items()})
                    for account_id, d in org.delegated_administrators.items()
                }
            ),
            resource_policy=None
            if resource_policy is None
            else ResourcePolicy(resource_policy.id, resource_policy.arn, resource_policy.content, _tags(resource_policy.tags)),
        )


@dataclass(frozen=True)
class Handshake:
    """A handshake as the API would show it at the moment of the snapshot, plus what the API hides."""

    id: str
    arn: str
    action: str
    #: The state at the moment of the snapshot (EXPIRED once the expiry has passed).
    state: str
    #: The organization that sent it.
    organization_id: str
    parties: tuple[Party, ...]
    requested_timestamp: dt.datetime
    expiration_timestamp: dt.datetime
    #: When it entered its terminal state (its expiry, for an EXPIRED one); None while it is live.
    ended_timestamp: dt.datetime | None
    #: True once it has been terminal for 30 days: the API no longer shows it, and the world forgets it
    #: (so only a snapshot of a handshake the call log kept, as in the failure report, says True).
    purged: bool
    #: The parent handshake, for the per-member requests of enable-all-features.
    parent_id: str | None
    #: The ``NOTES`` resource, if the invitation had notes.
    notes: str | None
    #: For an EXPIRED handshake, the state it was in when it expired (OPEN, or REQUESTED).
    expired_from: str | None = None

    @property
    def purge_timestamp(self) -> dt.datetime | None:
        """When the API stops showing it (its retention period after it ended); None while it is live."""
        return None if self.ended_timestamp is None else self.ended_timestamp + model.RETENTION

    @property
    def recipient(self) -> Party | None:
        """The party the handshake is addressed to (None when it has only the organization party)."""
        return next((p for p in self.parties if p.type != model.ORGANIZATION), None)

    @classmethod
    def of(cls, h: model.Handshake, now: dt.datetime) -> Handshake:
        notes = next((r.value for r in h.resources if r.type == model.NOTES), None)
        state = h.state(now)
        if state != model.EXPIRED:
            expired_from = None
        elif h.stored_state in model.LIVE_STATES:
            expired_from = h.stored_state  # expired by the clock, not yet settled
        else:
            expired_from = h.expired_from
        return cls(
            id=h.id,
            arn=h.arn,
            action=h.action,
            state=state,
            organization_id=h.org_id,
            parties=h.parties,
            requested_timestamp=h.requested_at,
            expiration_timestamp=h.expires_at,
            ended_timestamp=h.terminal_since(now),
            purged=not h.visible(now),
            parent_id=h.parent_id,
            notes=notes,
            expired_from=expired_from,
        )


def accounts(world: World) -> tuple[Account, ...]:
    return tuple(Account.of(a) for a in world.accounts.values())


def account(world: World, account_id: str) -> Account:
    found = world.accounts.get(account_id)
    if found is None:
        raise KeyError(f"the simulation has no account {account_id!r}")
    return Account.of(found)


def organizations(world: World) -> tuple[Organization, ...]:
    return tuple(Organization.of(o) for o in world.organizations.values())


def organization(world: World, organization_id: str | None) -> Organization:
    if organization_id is None:
        if len(world.organizations) != 1:
            raise LookupError(
                f"the simulation has {len(world.organizations)} organizations; name the one you want by its id"
            )
        return Organization.of(next(iter(world.organizations.values())))
    found = world.organizations.get(organization_id)
    if found is None:
        raise KeyError(f"the simulation has no organization {organization_id!r}")
    return Organization.of(found)


def handshakes(world: World, now: dt.datetime, shown_by: Iterable[RecordedCall] = ()) -> tuple[Handshake, ...]:
    """Every handshake the world holds, oldest first; with ``shown_by``, also those the calls showed
    that the world has forgotten since (purged)."""
    records = dict(world.handshakes)
    for call in shown_by:
        for record in call.shown_handshakes():
            records.setdefault(record.id, record)
    return tuple(Handshake.of(h, now) for h in sorted(records.values(), key=_seq))


def shown_handshakes(calls: Iterable[RecordedCall], now: dt.datetime) -> tuple[Handshake, ...]:
    """Every handshake the calls' responses showed, oldest first, as of ``now``: the purged ones too,
    since the call log keeps what it showed."""
    records: dict[str, model.Handshake] = {}
    for call in calls:
        for record in call.shown_handshakes():
            records.setdefault(record.id, record)
    return tuple(Handshake.of(h, now) for h in sorted(records.values(), key=_seq))


def _seq(handshake: model.Handshake) -> int:
    return handshake.seq


def handshake(world: World, handshake_id: str, now: dt.datetime) -> Handshake:
    found = world.handshakes.get(handshake_id)
    if found is None:
        raise KeyError(
            f"the simulation has no handshake {handshake_id!r}: it never had one, or it was purged"
            " (30 days after a handshake ends the API stops showing it, and the world forgets it)"
        )
    return Handshake.of(found, now)


@dataclass(frozen=True)
class Transfer:
    """A billing (responsibility) transfer as it was at the moment of the snapshot, with its status
    derived from the clock then (EXPIRED once its invitation has expired)."""

    id: str
    type: str
    #: The name the inviter gave it (only the inviter's responses show it).
    name: str
    status: str
    #: The organization that manages and pays the other's bill (the transfer's ``Target``), and its
    #: management account.
    inviter_organization_id: str
    inviter_account_id: str
    #: The organization whose bill moves (the transfer's ``Source``), and its management account.
    source_organization_id: str
    source_account_id: str
    start_timestamp: dt.datetime
    #: Set when it was withdrawn: the last millisecond of the month it ends in.
    end_timestamp: dt.datetime | None
    #: The TRANSFER_RESPONSIBILITY handshake that invited to it (``ActiveHandshakeId``).
    handshake_id: str
    requested_timestamp: dt.datetime
    #: When its invitation expires (a day before the start).
    expiration_timestamp: dt.datetime
    #: When it entered a terminal status (its invitation's expiry, for an EXPIRED one); None while
    #: REQUESTED or ACCEPTED.
    ended_timestamp: dt.datetime | None
    #: When the API stops showing it; None while it stays visible.
    purge_timestamp: dt.datetime | None
    #: True once the API no longer shows it.
    purged: bool
    #: The tags attached to it (the invitation's tags, from its acceptance on).
    tags: Mapping[str, str]

    @classmethod
    def of(cls, t: model.ResponsibilityTransfer, now: dt.datetime) -> Transfer:
        return cls(
            id=t.id,
            type=t.type,
            name=t.name,
            status=t.status(now),
            inviter_organization_id=t.inviter_org_id,
            inviter_account_id=t.inviter_account_id,
            source_organization_id=t.source_org_id,
            source_account_id=t.source_account_id,
            start_timestamp=t.start,
            end_timestamp=t.end,
            handshake_id=t.handshake.id,
            requested_timestamp=t.requested_at,
            expiration_timestamp=t.expires_at,
            ended_timestamp=t.terminal_since(now),
            purge_timestamp=t.visible_until(now),
            purged=t.shown_status(now) is None,
            tags=MappingProxyType(dict(t.tags)),
        )


def transfers(world: World, now: dt.datetime) -> tuple[Transfer, ...]:
    ordered = sorted(world.transfers.values(), key=lambda t: t.seq)
    return tuple(Transfer.of(t, now) for t in ordered)


def transfer(world: World, transfer_id: str, now: dt.datetime) -> Transfer:
    found = world.transfers.get(transfer_id)
    if found is None:
        raise KeyError(f"the simulation never had a transfer {transfer_id!r}")
    return Transfer.of(found, now)
