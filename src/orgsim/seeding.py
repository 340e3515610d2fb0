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
from .domain import handshakes, membership
from .domain.organizational_units import create as create_organizational_unit, move_account
from .domain.invitations import invite
from .domain.errors import Rejected
from .domain.model import ACCOUNT, ALL, EMAIL, Account, Organization, OrganizationalUnit, Party
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
