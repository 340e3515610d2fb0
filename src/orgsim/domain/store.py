"""Every record of one simulated world, the indexes that find them, and the changes a call makes.

The store knows nothing of who may do what: that is ``membership``, ``invitations``, ``handshakes``
and the other modules of the domain, and ``rules`` composes what varies between them.

Every question the domain and the service ask of the handshakes has an index here, so that no call
costs more as the simulated history grows: lists in list order per organization, per organization and
action, per recipient and action, per parent; the live ones per organization and action (with those
addressed to nobody); the accepted ones (for the 24-hour invitation count); and when each one leaves
the API (``handshake_timers``: ``handshakes.settle`` expires a handshake and, at the end of its
retention period, makes the world forget it). Per-organization lists are ``SortedList``s, which cost
the same to change however long they grow; a recipient's and a parent's are plain lists.
"""

from __future__ import annotations

import datetime as dt
import heapq
import operator
from bisect import bisect_left, insort
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from .ids import IdGenerator, is_account_id
from .limits import Limits
from .model import (
    ACCEPTED,
    ENABLE_ALL_FEATURES_LIFETIME,
    EXPIRED,
    INVITE_LIFETIME,
    LIVE_STATES,
    RETENTION,
    Account,
    AccountRequest,
    Change,
    Handshake,
    Organization,
    ResponsibilityTransfer,
    in_list_order,
)
from .sorted_list import SortedList

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
        #: In list order (``in_list_order``): what an organization sent, per (organization id, action);
        #: what a recipient received, per action and recipient, the recipient being an account id or a
        #: lower-cased email (see ``recipient``); and a parent's children, per parent id.
        self.sent_by_action: dict[tuple[str, str], SortedList[Handshake]] = {}
        self.received: dict[str, dict[str, list[Handshake]]] = {}
        self.children: dict[str, list[Handshake]] = {}
        #: Live as stored (REQUESTED or OPEN: live, or past their expiry until the world is settled
        #: past it), per (organization id, action).
        self.live: dict[tuple[str, str], LiveHandshakes] = {}
        #: The ACCEPTED ones, in list order, per (organization id, action).
        self.accepted: dict[tuple[str, str], SortedList[Handshake]] = {}
        #: Every CreateAccount request by id, and those still IN_PROGRESS in completion order.
        self.account_requests: dict[str, AccountRequest] = {}
        self.pending_account_requests: list[AccountRequest] = []
        #: Accounts in PENDING_CLOSURE in the order their closure completes, and closed accounts in
        #: the order they leave their organization for good (``closing``).
        self.pending_closures: list[Account] = []
        self.pending_purges: list[Account] = []
        #: One instance of each distinct immutable value an organization's handshakes share (resource
        #: trees, parties), per organization id.
        self._shared: dict[str, dict[Any, Any]] = {}
        #: When time next does something to a handshake, earliest first: ``(when, handshake id)``. Each
        #: handshake enters at its expiry; what is due then (expiring it, or forgetting it at the end of
        #: its retention period) is ``handshakes.settle``'s work.
        self.handshake_timers: list[tuple[dt.datetime, str]] = []
        #: Responsibility transfers by id, and by the organization on each side in list order
        #: (``order_key``): the inviter's (inbound) and the source's (outbound).
        self.transfers: dict[str, ResponsibilityTransfer] = {}
        self.inbound_transfers: dict[str, list[ResponsibilityTransfer]] = {}
        self.outbound_transfers: dict[str, list[ResponsibilityTransfer]] = {}
        #: What each organization's transfers stand at now, by organization id (see ``transfers_of``).
        self.transfer_standing: dict[str, TransferStanding] = {}
        #: When a transfer may leave the API, earliest first: ``(when, transfer id)`` (``transfers.settle``).
        self.transfer_timers: list[tuple[dt.datetime, str]] = []
        #: The transitions made since ``take_changes`` was last called (by the current call).
        self.changes: list[Change] = []
        #: The clock readings the world can work with: everything it computes from "now" (a day back
        #: for quotas; expiries, the end of retention and the delays ahead) must fit in a datetime.
        self.earliest = _FIRST + _DAY
        try:
            self.latest = _LAST - (
                max(INVITE_LIFETIME, ENABLE_ALL_FEATURES_LIFETIME)
                + RETENTION
                + limits.create_account_delay
                + limits.created_account_wait
                + _DAY
            )
        except OverflowError:  # delays longer than the calendar: no reading works
            self.latest = _FIRST
        #: The earliest time some work completes with time (see ``settle``); None: none is waiting.
        self._due: dt.datetime | None = None
        self._seq = 0

    def settle(self, now: dt.datetime) -> None:
        """Bring the work that completes with time up to ``now``. Run before every call and every
        look at the world; costs one comparison until something is due. Nothing runs in the
        background (behaviour.md, "Time")."""
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
        was_live = handshake.stored_state in LIVE_STATES
        if was_live:
            self._no_longer_live(handshake)
        handshake.stored_state = state
        handshake.ended_at = now
        if state == ACCEPTED:
            _sorted(self.accepted, (handshake.org_id, handshake.action)).add(handshake)
        if before != state:
            self.changes.append(Change(handshake.id, before, state))
        if was_live and now + RETENTION < handshake.expires_at:
            # Its timer (at its expiry) would come after its retention ends: only when the clock
            # went back further than the lifetime before the answer.
            self.schedule(handshake, now + RETENTION)

    def expire(self, handshake: Handshake) -> None:
        """The world has reached a live handshake's expiry: it is EXPIRED for good, since then. Not a
        change any call made (time did it), so not noted."""
        self._no_longer_live(handshake)
        handshake.expired_from = handshake.stored_state
        handshake.stored_state = EXPIRED
        handshake.ended_at = handshake.expires_at

    def schedule(self, handshake: Handshake, at: dt.datetime) -> None:
        """Something is due for ``handshake`` at ``at`` (see ``handshake_timers``)."""
        heapq.heappush(self.handshake_timers, (at, handshake.id))
        self.wake(at)

    def schedule_transfer(self, transfer: ResponsibilityTransfer, at: dt.datetime) -> None:
        """``transfer`` may leave the API at ``at`` (see ``transfer_timers``)."""
        heapq.heappush(self.transfer_timers, (at, transfer.id))
        self.wake(at)

    def set_state(self, account: Account, state: str) -> None:
        """Put an account into another ``State``, noting the change."""
        before = account.state
        account.state = state
        if before != state:
            self.changes.append(Change(account.id, before, state))

    def note(self, record_id: str, before: str, after: str) -> None:
        """Note a transition of a record other than a handshake (a transfer's status)."""
        if before != after:
            self.changes.append(Change(record_id, before, after))

    def take_changes(self) -> tuple[Change, ...]:
        """The changes noted since the last call of this, oldest first; forgets them."""
        if not self.changes:
            return ()
        taken = tuple(self.changes)
        self.changes.clear()
        return taken

    # -- accounts --------------------------------------------------------------------------

    def account(self, account_id: str) -> Account:
        """The account with this id; a well-formed id that was never created exists implicitly
        (behaviour.md, "Who may call what")."""
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

    def shared(self, value: T, org: Organization) -> T:
        """The one instance of ``value`` (immutable: a resource tree, a party) that ``org``'s handshakes
        share. Forgotten with the organization (``forget_shared``); its handshakes keep theirs."""
        found: T = self._shared.setdefault(org.id, {}).setdefault(value, value)
        return found

    def forget_shared(self, org: Organization) -> None:
        self._shared.pop(org.id, None)

    def store(self, handshake: Handshake, org: Organization) -> None:
        """Record a new handshake. Every list stays sorted by ``in_list_order``: when the clock moved
        backwards, a new handshake sorts before older ones (an append while time moves forward;
        behaviour.md, "Time")."""
        self.handshakes[handshake.id] = handshake
        action = handshake.action
        self.actions.add(action)
        org.handshakes.add(handshake)
        _sorted(self.sent_by_action, (org.id, action)).add(handshake)
        to = recipient(handshake)
        if to is not None:
            _insert(self.received.setdefault(action, {}).setdefault(to, []), handshake)
        if handshake.parent_id is not None:
            _insert(self.children.setdefault(handshake.parent_id, []), handshake)
        if handshake.stored_state in LIVE_STATES:
            live = self.live.get((org.id, action))
            if live is None:
                live = self.live[org.id, action] = LiveHandshakes()
            live.add(handshake)
        self.schedule(handshake, handshake.expires_at)

    def live_sent(self, org_id: str) -> list[Handshake]:
        """Every handshake ``org_id`` sent that is live as stored (REQUESTED or OPEN), in list order."""
        found: list[Handshake] = []
        for action in self.actions:
            live = self.live.get((org_id, action))
            if live is not None:
                found += live.by_expiry
        return sorted(found, key=in_list_order)

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

    def purge(self, handshake: Handshake) -> None:
        """The world has reached the end of a terminal handshake's retention period: no response shows
        it again, and the world forgets it (out of ``handshakes`` and every index; behaviour.md,
        "Purged handshakes"). Whoever still holds the record (the call log, a transfer) keeps it,
        marked ``purged``. Not a change any call made, so not noted."""
        assert handshake.stored_state not in LIVE_STATES  # expired first
        handshake.purged = True
        del self.handshakes[handshake.id]
        org_id, action = handshake.org_id, handshake.action
        org = self.organizations.get(org_id)
        if org is not None:  # a deleted organization's list went with it
            org.handshakes.remove(handshake)
        _drop(self.sent_by_action, (org_id, action), handshake)
        to = recipient(handshake)
        received = self.received.get(action)
        if to is not None and received is not None:
            _remove(received, to, handshake)
            if not received:
                del self.received[action]
        if handshake.parent_id is not None:
            _remove(self.children, handshake.parent_id, handshake)
        if handshake.stored_state == ACCEPTED:
            _drop(self.accepted, (org_id, action), handshake)

    def _no_longer_live(self, handshake: Handshake) -> None:
        key = (handshake.org_id, handshake.action)
        live = self.live[key]
        live.discard(handshake)
        if not live.by_expiry:
            del self.live[key]

    # -- responsibility transfers ----------------------------------------------------------

    def store_transfer(self, transfer: ResponsibilityTransfer) -> None:
        """Record a new transfer in both organizations' lists, kept sorted by ``order_key``, and
        among the invitations each side has open."""
        self.transfers[transfer.id] = transfer
        insort(self.inbound_transfers.setdefault(transfer.inviter_org_id, []), transfer, key=_transfer_order)
        insort(self.outbound_transfers.setdefault(transfer.source_org_id, []), transfer, key=_transfer_order)
        standing = self.transfer_standing
        insort(standing.setdefault(transfer.inviter_org_id, TransferStanding()).sent, transfer, key=_transfer_expiry)
        insort(standing.setdefault(transfer.source_org_id, TransferStanding()).received, transfer, key=_transfer_expiry)
        self.schedule_transfer(transfer, transfer.expires_at + RETENTION)

    def transfers_of(self, org_id: str) -> TransferStanding:
        """What the organization's billing transfers stand at. Asking changes nothing: an organization
        that never had a transfer gets an empty standing of its own, not kept (every organization a
        transfer changes has had one since it was stored)."""
        found = self.transfer_standing.get(org_id)
        return found if found is not None else TransferStanding()


class LiveHandshakes:
    """The handshakes one organization sent with one action that are live as stored (REQUESTED or
    OPEN): live, or past their expiry (EXPIRED is derived from the clock) until the world is settled
    past it (``World.expire``)."""

    __slots__ = ("by_expiry", "by_recipient", "unaddressed")

    def __init__(self) -> None:
        self.by_expiry: SortedList[Handshake] = SortedList(by_expiry)
        #: By ``recipient``, in the order sent (tuples: there is hardly ever more than one).
        self.by_recipient: dict[str, tuple[Handshake, ...]] = {}
        #: Those addressed to nobody in particular (a request to enable all features), in the order sent.
        self.unaddressed: list[Handshake] = []

    def __repr__(self) -> str:
        return f"LiveHandshakes({list(self.by_expiry)!r}, unaddressed={self.unaddressed!r})"

    def add(self, handshake: Handshake) -> None:
        self.by_expiry.add(handshake)
        to = recipient(handshake)
        if to is None:
            self.unaddressed.append(handshake)
        else:
            self.by_recipient[to] = (*self.by_recipient.get(to, ()), handshake)

    def discard(self, handshake: Handshake) -> None:
        self.by_expiry.remove(handshake)
        to = recipient(handshake)
        if to is None:
            self.unaddressed.remove(handshake)
            return
        others = tuple(h for h in self.by_recipient[to] if h is not handshake)
        if others:
            self.by_recipient[to] = others
        else:
            del self.by_recipient[to]

    def addressed_to(self, to: str) -> tuple[Handshake, ...]:
        """Those addressed to ``to`` (see ``recipient``): ask each its state at the time you need."""
        return self.by_recipient.get(to, ())

    def live(self, now: dt.datetime) -> list[Handshake]:
        """Those still live at ``now``, by expiry."""
        return list(self.by_expiry.after(now, key=_expiry))

    def count_live(self, now: dt.datetime) -> int:
        return self.by_expiry.count_after(now, key=_expiry)


def recipient(handshake: Handshake) -> str | None:
    """Whom a handshake is addressed to, as the indexes key it: the account id, or the lower-cased
    email (an email always has an ``@``, an account id never), or None."""
    return handshake.recipient_account_id or handshake.recipient_email


#: The key of lists by expiry (unique: seq breaks ties).
by_expiry: Callable[[Handshake], tuple[dt.datetime, int]] = operator.attrgetter("expires_at", "seq")
_expiry: Callable[[Handshake], dt.datetime] = operator.attrgetter("expires_at")


def _sorted(index: dict[tuple[str, str], SortedList[Handshake]], key: tuple[str, str]) -> SortedList[Handshake]:
    found = index.get(key)
    if found is None:
        found = index[key] = SortedList(in_list_order)
    return found


def _drop(index: dict[tuple[str, str], SortedList[Handshake]], key: tuple[str, str], handshake: Handshake) -> None:
    items = index[key]
    items.remove(handshake)
    if not items:
        del index[key]


def _insert(items: list[Handshake], handshake: Handshake) -> None:
    """Into a plain list in list order: an append while the clock runs forward."""
    if items and in_list_order(items[-1]) > in_list_order(handshake):
        insort(items, handshake, key=in_list_order)
    else:
        items.append(handshake)


def _remove(index: dict[str, list[Handshake]], key: str, handshake: Handshake) -> None:
    items = index[key]
    position = bisect_left(items, in_list_order(handshake), key=in_list_order)
    assert items[position] is handshake
    del items[position]
    if not items:
        del index[key]
@dataclass(eq=False)
class TransferStanding:
    """One organization's billing transfers as the rules ask about them, so that no rule walks the
    organization's whole history (behaviour.md, "Billing transfers")."""

    #: Invitations it sent and received that nobody answered, by expiry (expired ones included until
    #: answered: they are skipped by their status).
    sent: list[ResponsibilityTransfer] = field(default_factory=list)
    received: list[ResponsibilityTransfer] = field(default_factory=list)
    #: Its accepted transfers as the payer, by id, and the accepted transfer that pays for it.
    paying_for: dict[str, ResponsibilityTransfer] = field(default_factory=dict)
    paid_by: ResponsibilityTransfer | None = None
    #: The accepted transfers that end at it, directly or through chains.
    paid_through: int = 0
    #: The latest end date of its withdrawn transfers, either side.
    withdrawn_until: dt.datetime | None = None


_FIRST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
_LAST = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
_DAY = dt.timedelta(days=1)


def _transfer_order(transfer: ResponsibilityTransfer) -> str:
    return transfer.order_key


def _transfer_expiry(transfer: ResponsibilityTransfer) -> tuple[dt.datetime, str]:
    return transfer.expires_at, transfer.order_key
