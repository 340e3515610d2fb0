"""Build a starting world in one call: an organization, its OUs, its members, pending invitations,
policies and where they are attached, trusted access and delegated administrators.

Everything goes through the same domain operations the API uses (create the organization, invite,
accept, create OUs, move accounts, enable policy types, create and attach policies, enable trusted
access, register delegated administrators), at the simulation's current time, so limits apply and
the state is exactly what the calls would have produced: members joined as INVITED, and their
accepted invitations are in the organization's handshake history for the usual 30 days. Seeding is
not recorded in the call log.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import snapshots
from .domain import delegation, handshakes, membership, policies as domain_policies, transfers, trusted_access as access
from .domain.organizational_units import create as create_organizational_unit, move_account
from .domain.invitations import invite
from .domain.errors import Rejected
from .domain.ids import is_account_id
from .domain.model import (
    ACCOUNT,
    ALL,
    BILLING,
    EMAIL,
    Account,
    Organization,
    OrganizationalUnit,
    Party,
    Policy,
    ResponsibilityTransfer,
)
from .domain.store import World

#: What ``organizational_units`` takes: OU paths (``"Workloads/Prod"``), or each path with the
#: accounts to place in it (ids, or a number of new accounts).
OrganizationalUnits = Mapping[str, "int | Iterable[str]"] | Iterable[str]
#: What ``policies`` takes: each policy's name to ``{"content": ..., "type": ..., "targets": [...],
#: "description": ..., "tags": {...}}`` (only ``content`` is required; ``type`` defaults to
#: ``SERVICE_CONTROL_POLICY``; a target is ``"/"`` for the root, an OU path, or an account id).
Policies = Mapping[str, Mapping[str, Any]]
#: What ``delegated_administrators`` takes: each account to its service principal or principals.
DelegatedAdministrators = Mapping[str, "str | Iterable[str]"]
_POLICY_KEYS = frozenset({"content", "type", "targets", "description", "tags"})


@dataclass(frozen=True)
class SeededOrganization:
    """What ``Simulation.seed_organization`` built, as snapshots taken right after."""

    organization: snapshots.Organization
    management: snapshots.Account
    #: The members besides the management account, in the order given.
    members: tuple[snapshots.Account, ...]
    #: The pending (OPEN) invitations, in the order given.
    invitations: tuple[snapshots.Handshake, ...]
    #: The OUs, by the path given (every OU on the way included: ``"Workloads"`` for
    #: ``"Workloads/Prod"``).
    organizational_units: Mapping[str, snapshots.OrganizationalUnit] = field(default_factory=dict)
    #: The policies, by the name given.
    policies: Mapping[str, snapshots.Policy] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.organization.id


def seed_organization(
    world: World,
    now: dt.datetime,
    management_account_id: str,
    *,
    feature_set: str = ALL,
    members: int | Iterable[str] = (),
    invitations: int | Iterable[str] = (),
    organizational_units: OrganizationalUnits = (),
    policies: Policies | None = None,
    trusted_access: Iterable[str] = (),
    delegated_administrators: DelegatedAdministrators | None = None,
) -> SeededOrganization:
    placements = _placements(organizational_units)
    policy_specs = _policy_specs(policies or {})
    registrations = _registrations(delegated_administrators or {})
    principals = [*_texts("trusted_access", trusted_access), *(p for _, ps in registrations for p in ps)]
    management = _explicit_account(world, management_account_id)
    try:
        org = membership.create_organization(world, management, feature_set, now)
    except Rejected as rejected:
        raise ValueError(f"account {management.id} cannot create an organization: {rejected}") from None

    joined: list[Account] = []
    for account_id in _names(world, members):
        joined.append(_join(world, org, management, account_id, now))

    units: dict[str, OrganizationalUnit] = {}
    for path, accounts in placements:
        ou = _organizational_unit(world, org, management, path, units, now)
        for account_id in _names(world, accounts):
            member = world.accounts.get(account_id)
            if member is None or member.org_id != org.id:
                member = _join(world, org, management, account_id, now)
                joined.append(member)
            assert member.parent_id is not None
            try:
                move_account(world, management, member.id, member.parent_id, ou.id)
            except Rejected as rejected:
                raise ValueError(f"cannot place account {member.id} in {path}: {rejected}") from None

    for principal in dict.fromkeys(principals):
        try:
            access.enable(world, management, principal, now)
        except Rejected as rejected:
            raise ValueError(f"cannot enable trusted access for {principal}: {rejected}") from None
    for account_id, services in registrations:
        member = world.accounts.get(account_id)
        if member is None or member.org_id != org.id:
            member = _join(world, org, management, account_id, now)
            joined.append(member)
        for principal in services:
            try:
                delegation.register(world, management, member.id, principal, now)
            except Rejected as rejected:
                raise ValueError(f"cannot register {member.id} as a delegated administrator for {principal}: {rejected}") from None

    made: dict[str, Policy] = {}
    for name, spec in policy_specs:
        made[name] = _policy(world, org, management, name, spec, units, joined, now)

    pending = []
    for target in _names(world, invitations):
        if "@" in target:
            party = Party(target, EMAIL)
        else:
            party = Party(_explicit_account(world, target).id, ACCOUNT)
        try:
            pending.append(invite(world, management, party, None, (), now))
        except Rejected as rejected:
            raise ValueError(f"cannot invite {target}: {rejected}") from None

    return SeededOrganization(
        organization=snapshots.Organization.of(org),
        management=snapshots.Account.of(management),
        members=tuple(snapshots.Account.of(a) for a in joined),
        invitations=tuple(snapshots.Handshake.of(h, now) for h in pending),
        organizational_units={path: snapshots.OrganizationalUnit.of(ou) for path, ou in units.items()},
        policies={name: snapshots.Policy.of(policy) for name, policy in made.items()},
    )


def _policy_specs(spec: Policies) -> list[tuple[str, Mapping[str, Any]]]:
    if not isinstance(spec, Mapping):
        raise TypeError("policies maps each policy's name to its content, type and targets")
    found = []
    for name, details in spec.items():
        if not isinstance(details, Mapping) or "content" not in details:
            raise TypeError(f"policy {name!r}: give a mapping with at least its 'content'")
        unknown = set(details) - _POLICY_KEYS
        if unknown:
            raise TypeError(f"policy {name!r}: unknown keys {sorted(unknown)}; the keys are {sorted(_POLICY_KEYS)}")
        found.append((name, details))
    return found


def _registrations(spec: DelegatedAdministrators) -> list[tuple[str, list[str]]]:
    if not isinstance(spec, Mapping):
        raise TypeError("delegated_administrators maps each account id to its service principal or principals")
    return [(account_id, [services] if isinstance(services, str) else list(services)) for account_id, services in spec.items()]


def _texts(what: str, values: Iterable[str]) -> list[str]:
    if isinstance(values, str):
        raise TypeError(f"pass a list to {what}, not a single string")
    return list(values)


def _policy(
    world: World,
    org: Organization,
    management: Account,
    name: str,
    spec: Mapping[str, Any],
    units: dict[str, OrganizationalUnit],
    joined: list[Account],
    now: dt.datetime,
) -> Policy:
    """A policy made, its type enabled first if it is not, and attached to its targets in order."""
    policy_type = spec.get("type", domain_policies.SERVICE_CONTROL_POLICY)
    content = spec["content"]
    if not isinstance(content, str):
        content = json.dumps(content)
    tags = tuple((str(k), str(v)) for k, v in (spec.get("tags") or {}).items())
    try:
        if policy_type not in org.root.policy_types:
            domain_policies.enable_type(world, management, org.root.id, policy_type, now)
        policy = domain_policies.create(world, management, name, spec.get("description", ""), policy_type, content, tags, now)
    except Rejected as rejected:
        raise ValueError(f"cannot create the policy {name!r}: {rejected}") from None
    targets = spec.get("targets") or ()
    for target in _texts(f"the targets of policy {name!r}", targets):
        target_id = _target(world, org, management, target, units, joined, now)
        try:
            domain_policies.attach(world, management, policy.id, target_id, now)
        except Rejected as rejected:
            raise ValueError(f"cannot attach the policy {name!r} to {target}: {rejected}") from None
    return policy


def _target(
    world: World,
    org: Organization,
    management: Account,
    target: str,
    units: dict[str, OrganizationalUnit],
    joined: list[Account],
    now: dt.datetime,
) -> str:
    """The id of a policy's target: ``"/"`` the root, an account id (joining it if need be), or an OU path."""
    if target == "/":
        return org.root.id
    if is_account_id(target):
        member = world.accounts.get(target)
        if member is None or member.org_id != org.id:
            member = _join(world, org, management, target, now)
            joined.append(member)
        return member.id
    return _organizational_unit(world, org, management, target, units, now).id


def _join(world: World, org: Organization, management: Account, account_id: str, now: dt.datetime) -> Account:
    member = _explicit_account(world, account_id)
    try:
        invitation = invite(world, management, Party(member.id, ACCOUNT), None, (), now)
        handshakes.respond(world, member, invitation.id, "accept", now)
    except Rejected as rejected:
        raise ValueError(f"account {member.id} cannot join the organization: {rejected}") from None
    return member


def _placements(spec: OrganizationalUnits) -> list[tuple[str, int | Iterable[str]]]:
    """(OU path, accounts to place there) in the order given."""
    if isinstance(spec, str):
        raise TypeError("pass a list of OU paths or a mapping of paths to accounts, not a single string")
    if isinstance(spec, Mapping):
        return list(spec.items())
    return [(path, ()) for path in spec]


def _organizational_unit(
    world: World,
    org: Organization,
    management: Account,
    path: str,
    units: dict[str, OrganizationalUnit],
    now: dt.datetime,
) -> OrganizationalUnit:
    """The OU at ``path`` (names joined by ``/``), made with every OU on the way that is not there yet."""
    if not isinstance(path, str) or not path.strip("/") or "//" in path.strip("/"):
        raise ValueError(f"an OU path is names joined by '/', like 'Workloads/Prod', not {path!r}")
    parent_id = org.root.id
    walked: list[str] = []
    ou: OrganizationalUnit | None = None
    for name in path.strip("/").split("/"):
        walked.append(name)
        key = "/".join(walked)
        ou = units.get(key)
        if ou is None:
            try:
                ou = create_organizational_unit(world, management, parent_id, name, (), now)
            except Rejected as rejected:
                raise ValueError(f"cannot create the OU {key}: {rejected}") from None
            units[key] = ou
        parent_id = ou.id
    assert ou is not None
    return ou


def _names(world: World, spec: int | Iterable[str]) -> list[str]:
    """Account ids (or emails) as given, or that many new accounts."""
    if isinstance(spec, int):
        if spec < 0:
            raise ValueError(f"a number of accounts can't be negative: {spec}")
        return [world.create_account(None, None, None).id for _ in range(spec)]
    if isinstance(spec, str):
        raise TypeError("pass a list of account ids, not a single string")
    return list(spec)


def _explicit_account(world: World, account_id: str) -> Account:
    """The account with this id, created if the simulation has not seen it yet."""
    found = world.accounts.get(account_id)
    if found is not None and not found.implicit:
        return found
    return world.create_account(account_id, None, None)


def seed_transfer(
    world: World,
    now: dt.datetime,
    inviter: str,
    source: str,
    *,
    start: dt.datetime | None,
    name: str | None,
    tags: tuple[tuple[str, str], ...],
    accepted: bool,
) -> ResponsibilityTransfer:
    """A billing transfer from the organization ``source`` to ``inviter`` (each an organization id or
    its management account's id), invited at ``now`` through the same rules as the API and accepted
    unless ``accepted`` is False. ``start`` defaults to the first start date still open."""
    payer, billed = _organization(world, inviter, "inviter"), _organization(world, source, "source")
    if start is None:
        start = transfers.month_start(now, 1)
        if now >= start - transfers.ACCEPT_DEADLINE:
            start = transfers.month_start(now, 2)
    management = world.accounts[payer.management_account_id]
    target = Party(billed.management_account_id, ACCOUNT)
    try:
        transfer = transfers.invite(
            world, management, BILLING, target, start, name or f"Bill of {billed.id}", None, tags, now
        )
        if accepted:
            recipient = world.accounts[billed.management_account_id]
            handshakes.respond(world, recipient, transfer.handshake.id, "accept", now)
    except Rejected as rejected:
        raise ValueError(f"cannot seed a transfer from {billed.id} to {payer.id}: {rejected}") from None
    return transfer


def _organization(world: World, name: str, role: str) -> Organization:
    """The organization with this id, or the one this account manages."""
    found = world.organizations.get(name)
    if found is not None:
        return found
    account = world.accounts.get(name)
    if account is not None and account.org_id is not None:
        org = world.organizations[account.org_id]
        if org.management_account_id == account.id:
            return org
    raise ValueError(f"the {role} {name!r} is neither an organization nor the management account of one")
