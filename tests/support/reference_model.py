"""A small reference model of the handshake rules, written from the spec, not from orgsim's code.

It predicts the answer to every call the state machine makes: either an error (code and Reason) or
success, and how the world changes. Spec sections: 5 (check order), 6.1-6.7 and 6.10 (operations),
7 (transition table), 8 (expiry and 30-day retention), 11 (quotas), A9, A11, A12, A15.

Time semantics (behaviour.md, "When the clock goes back"): EXPIRED and the purge follow from the
clock, and once the world has been brought to a moment (``settle``, before every call) what time did
by then stays done: an expired handshake stays EXPIRED and a purged one stays gone, whichever way the
clock moves afterwards. States a handshake was moved to by a call (ACCEPTED, DECLINED, CANCELED)
never change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

INVITE_LIFETIME = dt.timedelta(days=15)
RETENTION = dt.timedelta(days=30)
DAY = dt.timedelta(days=1)

OPEN, ACCEPTED, DECLINED, CANCELED, EXPIRED = "OPEN", "ACCEPTED", "DECLINED", "CANCELED", "EXPIRED"
TERMINAL = frozenset({ACCEPTED, DECLINED, CANCELED, EXPIRED})
TARGET_STATE = {"accept": ACCEPTED, "decline": DECLINED, "cancel": CANCELED}


@dataclass(frozen=True)
class Expected:
    """What a call should answer: success, or an error code with its Reason (None if it has none)."""

    error: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def __str__(self) -> str:
        return "success" if self.ok else f"{self.error}({self.reason})" if self.reason else str(self.error)


SUCCESS = Expected()


def fail(code: str, reason: str | None = None) -> Expected:
    return Expected(code, reason)


@dataclass
class RefAccount:
    id: str
    email: str
    org: str | None = None


@dataclass
class RefOrg:
    id: str
    management: str
    feature_set: str
    members: set[str] = field(default_factory=set)


@dataclass
class RefHandshake:
    id: str
    org: str
    target_type: str  # ACCOUNT or EMAIL
    target_id: str  # exactly as invited
    notes: str | None
    feature_set: str
    requested: dt.datetime
    #: Set when a call ended it, or when the world was settled past its expiry (then EXPIRED).
    final: str | None = None
    ended: dt.datetime | None = None
    #: Set when the world was settled past the end of its retention period: gone for good.
    purged: bool = False

    @property
    def expires(self) -> dt.datetime:
        return self.requested + INVITE_LIFETIME

    def state(self, now: dt.datetime) -> str:
        if self.final is not None:
            return self.final
        return EXPIRED if now >= self.expires else OPEN

    def terminal_since(self, now: dt.datetime) -> dt.datetime | None:
        if self.final is not None:
            return self.ended
        return self.expires if now >= self.expires else None

    def visible(self, now: dt.datetime) -> bool:
        if self.purged:
            return False
        since = self.terminal_since(now)
        return since is None or now < since + RETENTION

    def settle(self, now: dt.datetime) -> None:
        """What time has done by ``now`` is done for good."""
        if self.final is None and now >= self.expires:
            self.final, self.ended = EXPIRED, self.expires
        if self.ended is not None and now >= self.ended + RETENTION:
            self.purged = True


class Reference:
    """The world as the rules say it should be."""

    def __init__(self, max_accounts: int, max_invitations_per_day: int) -> None:
        self.max_accounts = max_accounts
        self.max_invitations_per_day = max_invitations_per_day
        self.accounts: dict[str, RefAccount] = {}
        self.orgs: dict[str, RefOrg] = {}
        self.handshakes: dict[str, RefHandshake] = {}  # in creation order

    def settle(self, now: dt.datetime) -> None:
        """The world brought up to ``now`` (every call, and every look at the world, does this first)."""
        for h in self.handshakes.values():
            h.settle(now)

    # -- lookups ------------------------------------------------------------------------------

    def add_account(self, account_id: str, email: str) -> None:
        self.accounts[account_id] = RefAccount(account_id, email)

    def org_of(self, account_id: str) -> RefOrg | None:
        account = self.accounts.get(account_id)
        return self.orgs[account.org] if account is not None and account.org is not None else None

    def by_email(self, email: str) -> RefAccount | None:
        return next((a for a in self.accounts.values() if a.email.lower() == email.lower()), None)

    def recipient(self, h: RefHandshake) -> str | None:
        if h.target_type == "ACCOUNT":
            return h.target_id
        found = self.by_email(h.target_id)
        return found.id if found is not None else None

    def target_key(self, target_type: str, target_id: str) -> str:
        """Two invitations name the same account when their keys are equal (A15)."""
        if target_type == "ACCOUNT":
            return target_id
        found = self.by_email(target_id)
        return found.id if found is not None else "email:" + target_id.lower()

    def can_see(self, caller: str, h: RefHandshake) -> bool:
        account = self.accounts.get(caller)
        in_sender_org = account is not None and account.org == h.org
        return in_sender_org or self.recipient(h) == caller

    def sent_by(self, org_id: str) -> list[RefHandshake]:
        return _listed(h for h in self.handshakes.values() if h.org == org_id)

    def received_by(self, caller: str, now: dt.datetime) -> list[RefHandshake]:
        return _listed(h for h in self.handshakes.values() if self.recipient(h) == caller and h.visible(now))

    def _management(self, caller: str) -> tuple[RefOrg | None, Expected]:
        org = self.org_of(caller)
        if org is None:
            return None, fail("AWSOrganizationsNotInUseException")
        if org.management != caller:
            return None, fail("AccessDeniedException")
        return org, SUCCESS

    # -- predictions (no changes) ---------------------------------------------------------------

    def expect_invite(self, caller: str, target_type: str, target_id: str, now: dt.datetime) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        key = self.target_key(target_type, target_id)
        if key in org.members:
            return fail("HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION")
        live = [h for h in self.sent_by(org.id) if h.state(now) == OPEN]
        if any(self.target_key(h.target_type, h.target_id) == key for h in live):
            return fail("DuplicateHandshakeException")
        if len(org.members) + len(live) >= self.max_accounts:
            return fail("HandshakeConstraintViolationException", "ACCOUNT_NUMBER_LIMIT_EXCEEDED")
        recent = [h for h in self.sent_by(org.id) if h.requested > now - DAY and h.state(now) != ACCEPTED]
        if len(recent) >= self.max_invitations_per_day:
            return fail("HandshakeConstraintViolationException", "HANDSHAKE_RATE_LIMIT_EXCEEDED")
        return SUCCESS

    def expect_respond(self, caller: str, handshake_id: str, response: str, now: dt.datetime) -> Expected:
        h = self.handshakes.get(handshake_id)
        if h is None or not h.visible(now) or not self.can_see(caller, h):
            return fail("HandshakeNotFoundException")
        if response == "cancel":
            org = self.orgs.get(h.org)
            if org is None or org.management != caller:
                return fail("AccessDeniedException")
        elif self.recipient(h) != caller:
            return fail("AccessDeniedException")
        current = h.state(now)
        if current == TARGET_STATE[response]:
            return fail("HandshakeAlreadyInStateException")
        if current != OPEN:
            return fail("InvalidHandshakeTransitionException")
        if response == "accept":
            own = self.org_of(caller)
            if own is not None:
                if own.management == caller:
                    return fail("MasterCannotLeaveOrganizationException")
                return fail("HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION")
            if len(self.orgs[h.org].members) >= self.max_accounts:
                return fail("HandshakeConstraintViolationException", "ACCOUNT_NUMBER_LIMIT_EXCEEDED")
        return SUCCESS

    def expect_describe(self, caller: str, handshake_id: str, now: dt.datetime) -> Expected:
        h = self.handshakes.get(handshake_id)
        if h is None or not h.visible(now) or not self.can_see(caller, h):
            return fail("HandshakeNotFoundException")
        return SUCCESS

    def expect_leave(self, caller: str) -> Expected:
        org = self.org_of(caller)
        if org is None:
            return fail("AWSOrganizationsNotInUseException")
        if org.management == caller:
            return fail("MasterCannotLeaveOrganizationException")
        return SUCCESS

    def expect_remove(self, caller: str, account_id: str) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        if account_id == org.management:
            return fail("ConstraintViolationException", "ACCOUNT_CANNOT_LEAVE_ORGANIZATION")
        if account_id not in org.members:
            return fail("AccountNotFoundException")
        return SUCCESS

    def expect_describe_account(self, caller: str, account_id: str) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        if account_id not in org.members:
            return fail("AccountNotFoundException")
        return SUCCESS

    def expect_create_org(self, caller: str) -> Expected:
        if self.org_of(caller) is not None:
            return fail("AlreadyInOrganizationException")
        return SUCCESS

    def expect_delete_org(self, caller: str) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        if len(org.members) > 1:
            return fail("OrganizationNotEmptyException")
        return SUCCESS

    def expect_member_of_some_org(self, caller: str) -> Expected:
        return SUCCESS if self.org_of(caller) is not None else fail("AWSOrganizationsNotInUseException")

    def expect_management(self, caller: str) -> Expected:
        return self._management(caller)[1]

    # -- changes, applied after the service answered with success -------------------------------

    def invite(
        self, handshake_id: str, caller: str, target_type: str, target_id: str, notes: str | None, now: dt.datetime
    ) -> RefHandshake:
        org = self.org_of(caller)
        assert org is not None
        h = RefHandshake(handshake_id, org.id, target_type, target_id, notes, org.feature_set, now)
        self.handshakes[handshake_id] = h
        return h

    def respond(self, caller: str, handshake_id: str, response: str, now: dt.datetime) -> None:
        h = self.handshakes[handshake_id]
        h.final, h.ended = TARGET_STATE[response], now
        if response == "accept":
            self.orgs[h.org].members.add(caller)
            self.accounts[caller].org = h.org

    def leave(self, caller: str) -> None:
        org = self.org_of(caller)
        assert org is not None
        org.members.discard(caller)
        self.accounts[caller].org = None

    def remove(self, caller: str, account_id: str) -> None:
        self.leave(account_id)

    def create_org(self, caller: str, org_id: str, feature_set: str) -> None:
        self.orgs[org_id] = RefOrg(org_id, caller, feature_set, {caller})
        self.accounts[caller].org = org_id

    def delete_org(self, caller: str, now: dt.datetime) -> None:
        org = self.org_of(caller)
        assert org is not None
        for h in self.sent_by(org.id):
            if h.final is None:  # open ones are canceled (expired ones are final already)
                h.final, h.ended = CANCELED, now
        del self.orgs[org.id]
        self.accounts[caller].org = None


def _listed(handshakes: Iterable[RefHandshake]) -> list[RefHandshake]:
    """In list order: by RequestedTimestamp, then Id (spec section 9)."""
    return sorted(handshakes, key=lambda h: (h.requested, h.id))
