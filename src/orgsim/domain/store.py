"""Every record of one simulated world, the indexes that find them, and the changes a call makes.

The store knows nothing of who may do what: that is ``membership``, ``invitations``, ``handshakes``
and the other modules of the domain, and ``rules`` composes what varies between them.

Every question the domain and the service ask of the handshakes has an index here, so that no call
costs more as the simulated history grows: lists in list order per organization, per organization and
action, per recipient and action, per parent; the live ones per organization and action (with their
recipients); the accepted ones (for the 24-hour invitation count); and when each one leaves the API
(for ``retention``, which makes the world forget it then).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .ids import IdGenerator, is_account_id
from .limits import Limits
from .model import ACCEPTED, LIVE_STATES, RETENTION, Account, AccountRequest, Change, Handshake, Organization

if TYPE_CHECKING:
    from .rules import Rules

T = TypeVar("T")


class World:
    """Every account, organization and handshake of one simulation."""

    def __init__(self, ids: IdGenerator, limits: Limits, rules: Rules) -> None:
        self.ids = ids
        self.limits = limits
        self.rules = rules
        self.accounts: dict[str, Account] = {}
        self.organizations: dict[str, Organization] = {}
        #: Every handshake the API may still show (or answer), by id; the purged ones are gone.
        self.handshakes: dict[str, Handshake] = {}
        self._by_email: dict[str, Account] = {}
        #: Every action a stored handshake has had: the keys of the per-action indexes.
        self.actions: set[str] = set()
        #: In list order (``order_key``): what an organization sent, per (organization id, action);
        #: what a recipient received, per action and recipient, the recipient being an account id or a
        #: lower-cased email (see ``recipient``); and a parent's children, per parent id.
        self.sent_by_action: dict[tuple[str, str], list[Handshake]] = {}
        self.received: dict[str, dict[str, list[Handshake]]] = {}
        self.children: dict[str, list[Handshake]] = {}
        #: Live as stored (REQUESTED or OPEN: live, or expired and not purged yet), per (organization
        #: id, action).
        self.live: dict[tuple[str, str], LiveHandshakes] = {}
        #: The ACCEPTED ones, in list order, per (organization id, action).
        self.accepted: dict[tuple[str, str], list[Handshake]] = {}
        #: When handshakes leave the API (``retention``): those live as stored, by ``expires_at``, and
        #: those that ended, by ``ended_at``; each leaves ``RETENTION`` after that time.
        self.expiring: list[Handshake] = []
        self.ended: list[Handshake] = []
        #: Every CreateAccount request by id, and those still IN_PROGRESS in completion order.
        self.account_requests: dict[str, AccountRequest] = {}
        self.pending_account_requests: list[AccountRequest] = []
        #: One instance of each distinct immutable value handshakes share (resource trees, parties).
        self._shared: dict[Any, Any] = {}
        #: The transitions made since ``take_changes`` was last called (by the current call).
        self.changes: list[Change] = []
        #: The earliest time some work completes with time (see ``settle``); None: none is waiting.
        self._due: dt.datetime | None = None
        self._seq = 0

    def settle(self, now: dt.datetime) -> None:
        """Bring the work that completes with time up to ``now``. Run before every call and every
        look at the world; costs one comparison until something is due."""
        if self._due is None or now < self._due:
            return
        self._due = None
        for step in self.rules.settle:
            upcoming = step(self, now)
            if upcoming is not None:
                self.wake(upcoming)

    def wake(self, at: dt.datetime) -> None:
        """Work completes at ``at``: settle from then on."""
        if self._due is None or at < self._due:
            self._due = at

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    # -- changes ---------------------------------------------------------------------------

    def move(self, handshake: Handshake, state: str, now: dt.datetime) -> None:
        """Put a live handshake into another live state (a parent REQUESTED -> OPEN), noting the change."""
        before = handshake.state(now)
        handshake.stored_state = state
        if before != state:
            self.changes.append(Change(handshake.id, before, state))

    def end(self, handshake: Handshake, state: str, now: dt.datetime) -> None:
        """Put a handshake into the terminal ``state`` as of ``now``, noting the change."""
        before = handshake.state(now)
        if handshake.stored_state in LIVE_STATES:
            self._no_longer_live([handshake])
            _remove_by(self.expiring, [handshake], _expiry)
        handshake.stored_state = state
        handshake.ended_at = now
        _insert_by(self.ended, handshake, _ended)
        if state == ACCEPTED:
            _insert_by(self.accepted.setdefault((handshake.org_id, handshake.action), []), handshake, _order)
        self.wake(now + RETENTION)
        if before != state:
            self.changes.append(Change(handshake.id, before, state))

    def take_changes(self) -> tuple[Change, ...]:
        """The changes noted since the last call of this, oldest first; forgets them."""
        if not self.changes:
            return ()
        taken = tuple(self.changes)
        self.changes.clear()
        return taken

    # -- accounts --------------------------------------------------------------------------

    def account(self, account_id: str) -> Account:
        """The account with this id; a well-formed id that was never created exists implicitly."""
        found = self.accounts.get(account_id)
        if found is None:
            found = self._add_account(account_id, None, None, implicit=True)
        return found

    def create_account(self, account_id: str | None, email: str | None, name: str | None) -> Account:
        """A new account (a new id when ``account_id`` is None). ValueError for a taken id or email."""
        if account_id is None:
            account_id = self.ids.account_id()
            while account_id in self.accounts:
                account_id = self.ids.account_id()
        elif not is_account_id(account_id):
            raise ValueError(f"an AWS account id is 12 digits, not {account_id!r}")
        existing = self.accounts.get(account_id)
        if existing is not None and not existing.implicit:
            raise ValueError(f"account {account_id} already exists")
        if email is not None:
            owner = self._by_email.get(email.lower())
            if owner is not None and owner.id != account_id:
                raise ValueError(f"email {email!r} already belongs to account {owner.id}")
        if existing is not None:
            # Used before it was created explicitly: keep its history, take the new details.
            if email is not None:
                del self._by_email[existing.email.lower()]
                existing.email = email
                self._by_email[email.lower()] = existing
            if name is not None:
                existing.name = name
            existing.implicit = False
            return existing
        return self._add_account(account_id, email, name, implicit=False)

    def _add_account(self, account_id: str, email: str | None, name: str | None, *, implicit: bool) -> Account:
        account = Account(
            id=account_id,
            email=email or self._generated_email(account_id),
            name=name or f"Account {account_id}",
            implicit=implicit,
        )
        self.accounts[account_id] = account
        self._by_email[account.email.lower()] = account
        return account

    def _generated_email(self, account_id: str) -> str:
        """An address no account has: an email belongs to one account only."""
        email = f"aws+{account_id}@example.com"
        n = 1
        while email.lower() in self._by_email:
            n += 1
            email = f"aws+{account_id}-{n}@example.com"
        return email

    def account_by_email(self, email: str) -> Account | None:
        return self._by_email.get(email.lower())

    # -- handshakes ------------------------------------------------------------------------

    def shared(self, value: T) -> T:
        """The one instance of ``value`` (immutable: a resource tree, a party) that handshakes share."""
        found: T = self._shared.setdefault(value, value)
        return found

    def store(self, handshake: Handshake, org: Organization) -> None:
        """Record a new handshake. Every list stays sorted by ``order_key``: when the clock moved
        backwards, a new handshake sorts before older ones (an append while time moves forward)."""
        self.handshakes[handshake.id] = handshake
        action = handshake.action
        self.actions.add(action)
        _insert_by(org.handshakes, handshake, _order)
        _insert_by(self.sent_by_action.setdefault((org.id, action), []), handshake, _order)
        to = recipient(handshake)
        if to is not None:
            _insert_by(self.received.setdefault(action, {}).setdefault(to, []), handshake, _order)
        if handshake.parent_id is not None:
            _insert_by(self.children.setdefault(handshake.parent_id, []), handshake, _order)
        if handshake.stored_state in LIVE_STATES:
            live = self.live.get((org.id, action))
            if live is None:
                live = self.live[org.id, action] = LiveHandshakes()
            live.add(handshake)
            _insert_by(self.expiring, handshake, _expiry)
            self.wake(handshake.expires_at + RETENTION)
        else:  # stored already ended: nothing does this, but it would leave like the others
            _insert_by(self.ended, handshake, _ended)
            self.wake(handshake.leaves_api_at())

    def live_sent(self, org_id: str) -> list[Handshake]:
        """Every handshake ``org_id`` sent that is live as stored (REQUESTED or OPEN), in list order."""
        found = []
        for action in self.actions:
            live = self.live.get((org_id, action))
            if live is not None:
                found += live.by_expiry
        return sorted(found, key=_order)

    def received_by(self, account: Account, action: str | None) -> list[list[Handshake]]:
        """The lists of what ``account`` received, by its id and by its email, with ``action`` (any
        action when None); each in list order."""
        found = []
        for each in self.received.values() if action is None else (self.received.get(action, {}),):
            for to in (account.id, account.email.lower()):
                items = each.get(to)
                if items:
                    found.append(items)
        return found

    def next_departure(self) -> dt.datetime | None:
        """When the next handshake leaves the API (None: none will until one ends or is sent)."""
        first = self.expiring[0].expires_at if self.expiring else None
        if self.ended:
            ended = _ended(self.ended[0])
            first = ended if first is None or ended < first else first
        return None if first is None else first + RETENTION

    def forget(self, gone: list[Handshake]) -> None:
        """Take handshakes that left the API out of the world and out of every index (``expiring``
        and ``ended`` excepted: ``retention`` takes them from there)."""
        # Each list loses all its leavers in one go (see ``_remove_all``); emptied keys go too.
        leaving: dict[int, tuple[dict[Any, list[Handshake]], Any, list[Handshake]]] = {}

        def drop(index: dict[Any, list[Handshake]], key: Any, handshake: Handshake) -> None:
            items = index.get(key)
            if items is not None:
                leaving.setdefault(id(items), (index, key, []))[2].append(handshake)

        sent: dict[str, list[Handshake]] = {}
        expired: list[Handshake] = []
        for handshake in gone:
            del self.handshakes[handshake.id]
            org_id, action = handshake.org_id, handshake.action
            if org_id in self.organizations:  # a deleted organization's list went with it
                sent.setdefault(org_id, []).append(handshake)
            drop(self.sent_by_action, (org_id, action), handshake)
            to = recipient(handshake)
            if to is not None and action in self.received:
                drop(self.received[action], to, handshake)
            if handshake.parent_id is not None:
                drop(self.children, handshake.parent_id, handshake)
            if handshake.stored_state == ACCEPTED:
                drop(self.accepted, (org_id, action), handshake)
            elif handshake.stored_state in LIVE_STATES:
                expired.append(handshake)
        self._no_longer_live(expired)
        for org_id, handshakes in sent.items():
            _remove_by(self.organizations[org_id].handshakes, handshakes, _order)
        for index, key, handshakes in leaving.values():
            items = index[key]
            _remove_by(items, handshakes, _order)
            if not items:
                del index[key]
        for action in [a for a, by_recipient in self.received.items() if not by_recipient]:
            del self.received[action]

    def _no_longer_live(self, handshakes: list[Handshake]) -> None:
        by_key: dict[tuple[str, str], list[Handshake]] = {}
        for handshake in handshakes:
            by_key.setdefault((handshake.org_id, handshake.action), []).append(handshake)
        for key, leaving in by_key.items():
            live = self.live[key]
            live.discard_all(leaving)
            if not live.by_expiry:
                del self.live[key]


class LiveHandshakes:
    """The handshakes one organization sent with one action that are live as stored (REQUESTED or
    OPEN): live, or past their expiry (EXPIRED is derived from the clock) and not purged yet."""

    __slots__ = ("by_expiry", "unaddressed")

    def __init__(self) -> None:
        #: Sorted by ``expires_at``.
        self.by_expiry: list[Handshake] = []
        #: Those addressed to nobody in particular (a request to enable all features), in the order sent.
        self.unaddressed: list[Handshake] = []

    def add(self, handshake: Handshake) -> None:
        _insert_by(self.by_expiry, handshake, _expiry)
        if recipient(handshake) is None:
            self.unaddressed.append(handshake)

    def discard_all(self, handshakes: list[Handshake]) -> None:
        _remove_by(self.by_expiry, handshakes, _expiry)
        if self.unaddressed:
            self.unaddressed = [h for h in self.unaddressed if h not in handshakes]

    def live(self, now: dt.datetime) -> list[Handshake]:
        """Those still live at ``now``, by expiry."""
        items = self.by_expiry
        return items[bisect_right(items, now, key=_expiry):]

    def count_live(self, now: dt.datetime) -> int:
        items = self.by_expiry
        return len(items) - bisect_right(items, now, key=_expiry)


def recipient(handshake: Handshake) -> str | None:
    """Whom a handshake is addressed to, as the indexes key it: the account id, or the lower-cased
    email (an email always has an ``@``, an account id never), or None."""
    return handshake.recipient_account_id or handshake.recipient_email


def _order(handshake: Handshake) -> str:
    return handshake.order_key


def _expiry(handshake: Handshake) -> dt.datetime:
    return handshake.expires_at


def _ended(handshake: Handshake) -> dt.datetime:
    assert handshake.ended_at is not None
    return handshake.ended_at


def _insert_by(items: list[Handshake], handshake: Handshake, key: Callable[[Handshake], Any]) -> None:
    """Into a list sorted by ``key``, after those with an equal key: an append while the clock runs forward."""
    if items and key(items[-1]) > key(handshake):
        insort(items, handshake, key=key)
    else:
        items.append(handshake)


def _remove_by(items: list[Handshake], gone: list[Handshake], key: Callable[[Handshake], Any]) -> None:
    """Take ``gone`` out of a list sorted by ``key``: one by one when they are few, in one pass when
    they are many (a month of handshakes leaving at once)."""
    if len(gone) <= 16:
        for handshake in gone:
            index = bisect_left(items, key(handshake), key=key)
            while items[index] is not handshake:  # past others with the same key
                index += 1
            del items[index]
    else:
        leaving = set(gone)
        items[:] = [h for h in items if h not in leaving]
