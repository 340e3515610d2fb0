"""Build a starting world in one call: an organization, its OUs, its members and pending invitations.

Everything goes through the same domain operations the API uses (create the organization, invite,
accept, create OUs, move accounts), at the simulation's current time, so limits apply and the state
is exactly what the calls would have produced: members joined as INVITED, and their accepted
invitations are in the organization's handshake history for the usual 30 days. Seeding is not
recorded in the call log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from . import snapshots
from .domain import handshakes, membership, transfers
from .domain.organizational_units import create as create_organizational_unit, move_account
from .domain.invitations import invite
from .domain.errors import Rejected
from .domain.model import (
    ACCOUNT,
    ALL,
    BILLING,
    EMAIL,
    Account,
    Organization,
    OrganizationalUnit,
    Party,
    ResponsibilityTransfer,
)
from .domain.store import World

#: What ``organizational_units`` takes: OU paths (``"Workloads/Prod"``), or each path with the
#: accounts to place in it (ids, or a number of new accounts).
OrganizationalUnits = Mapping[str, "int | Iterable[str]"] | Iterable[str]


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
) -> SeededOrganization:
    placements = _placements(organizational_units)
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
        ou = _organizational_unit(world, org, management, path, units)
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
    )


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
    world: World, org: Organization, management: Account, path: str, units: dict[str, OrganizationalUnit]
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
                ou = create_organizational_unit(world, management, parent_id, name, ())
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
