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
from .domain import handshakes, membership, transfers
from .domain.invitations import invite
from .domain.errors import Rejected
from .domain.model import ACCOUNT, ALL, BILLING, EMAIL, Account, Organization, Party, ResponsibilityTransfer
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
