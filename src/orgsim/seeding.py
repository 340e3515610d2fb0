"""Build a starting world in one call: an organization, its members and pending invitations.

Everything goes through the same domain operations the API uses (create the organization, invite,
accept), at the simulation's current time, so limits apply and the state is exactly what the calls
would have produced: members joined as INVITED, and their accepted invitations are in the
organization's handshake history for the usual 30 days. Seeding is not recorded in the call log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from . import snapshots
from .domain import handshakes, membership
from .domain.invitations import invite
from .domain.errors import Rejected
from .domain.model import ACCOUNT, ALL, EMAIL, Account, Party
from .domain.store import World


@dataclass(frozen=True)
class SeededOrganization:
    """What ``Simulation.seed_organization`` built, as snapshots taken right after."""

    organization: snapshots.Organization
    management: snapshots.Account
    #: The members besides the management account, in the order given.
    members: tuple[snapshots.Account, ...]
    #: The pending (OPEN) invitations, in the order given.
    invitations: tuple[snapshots.Handshake, ...]

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
) -> SeededOrganization:
    management = _explicit_account(world, management_account_id)
    try:
        org = membership.create_organization(world, management, feature_set, now)
    except Rejected as rejected:
        raise ValueError(f"account {management.id} cannot create an organization: {rejected}") from None

    joined: list[Account] = []
    for account_id in _names(world, members):
        member = _explicit_account(world, account_id)
        try:
            invitation = invite(world, management, Party(member.id, ACCOUNT), None, (), now)
            handshakes.respond(world, member, invitation.id, "accept", now)
        except Rejected as rejected:
            raise ValueError(f"account {member.id} cannot join the organization: {rejected}") from None
        joined.append(member)

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
    )


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
