"""Read-only snapshots of the simulated world, for assertions in tests.

A snapshot is taken when you ask for it (``sim.handshakes``, ``sim.handshake(id)``, ...) and does not
change afterwards; a handshake's ``state`` is derived from the simulated clock at that moment, so
it reads EXPIRED once the expiry has passed, exactly as the API would answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .domain import model
from .domain.model import Party
from .domain.store import World

__all__ = ["Account", "Handshake", "Organization", "Party"]


@dataclass(frozen=True)
class Account:
    """An account as it was when the snapshot was taken."""

    id: str
    email: str
    name: str
    organization_id: str | None
    joined_method: str | None
    joined_timestamp: dt.datetime | None

    @classmethod
    def of(cls, account: model.Account) -> Account:
        return cls(
            account.id, account.email, account.name, account.org_id, account.joined_method, account.joined_at
        )


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

    @classmethod
    def of(cls, org: model.Organization) -> Organization:
        return cls(org.id, org.arn, org.feature_set, org.management_account_id, org.root_id, tuple(org.members))


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
    #: True once it has been terminal for 30 days: the API no longer shows it.
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


def handshakes(world: World, now: dt.datetime) -> tuple[Handshake, ...]:
    ordered = sorted(world.handshakes.values(), key=lambda h: h.seq)
    return tuple(Handshake.of(h, now) for h in ordered)


def handshake(world: World, handshake_id: str, now: dt.datetime) -> Handshake:
    found = world.handshakes.get(handshake_id)
    if found is None:
        raise KeyError(f"the simulation never had a handshake {handshake_id!r}")
    return Handshake.of(found, now)
