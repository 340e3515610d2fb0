"""A small reference model of the rules orgsim follows, written from the behaviour references and
the decisions orgsim documents, not from its code.

It predicts the answer to every call the state machine makes: either an error (code and Reason) or
success, and how the world changes: who may call what and the order of the checks (behaviour.md,
"Who may call what"), the handshake operations, their transition table, expiry and retention
(behaviour.md, "Handshakes"), the quotas (behaviour.md, "Quotas"), the tree: roots, OUs with their
depth and sibling names, MoveAccount's check order, tags and closing accounts (behaviour.md,
"The organization tree"), billing transfers with their quotas, dates and chains (behaviour.md,
"Billing transfers"), and policy types, policies and their attachments, the defaults new targets
get and what leaving, deleting an OU and closing do to them (behaviour.md, "Attaching policies").

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
CLOSE_DELAY = dt.timedelta(seconds=5)
CLOSED_RETENTION = dt.timedelta(days=90)
MAX_DEPTH = 5
MAX_TAGS = 50
ACTIVE, PENDING_CLOSURE, CLOSED = "ACTIVE", "PENDING_CLOSURE", "CLOSED"
SCP, TAG = "SERVICE_CONTROL_POLICY", "TAG_POLICY"
FULL_AWS_ACCESS = "p-FullAWSAccess"
#: Direct attachments per target, at most and at least, by type (with legacy_scp_limits: 5).
MAX_ATTACHED = {SCP: 5, TAG: 10}
MIN_ATTACHED = {SCP: 1, TAG: 0}

OPEN, ACCEPTED, DECLINED, CANCELED, EXPIRED = "OPEN", "ACCEPTED", "DECLINED", "CANCELED", "EXPIRED"
REQUESTED, WITHDRAWN = "REQUESTED", "WITHDRAWN"
TRANSFER = "TRANSFER_RESPONSIBILITY"
MILLISECOND = dt.timedelta(milliseconds=1)
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
    #: The root or OU it is in, and when it arrived there (children are listed in arrival order).
    parent: str | None = None
    placed: int = 0
    tags: dict[str, str] = field(default_factory=dict)
    state: str = ACTIVE
    closes_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None


@dataclass
class RefOU:
    id: str
    name: str
    parent: str
    depth: int
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class RefOrg:
    id: str
    management: str
    feature_set: str
    members: set[str] = field(default_factory=set)
    root: str = ""
    root_tags: dict[str, str] = field(default_factory=dict)
    #: In creation order.
    ous: dict[str, RefOU] = field(default_factory=dict)
    #: The policy types enabled on the root, in the order enabled.
    policy_types: list[str] = field(default_factory=list)
    #: Customer policies by id, in creation order.
    policies: dict[str, RefPolicy] = field(default_factory=dict)
    #: Every direct attachment, (target, policy id), in attachment order.
    attachments: dict[tuple[str, str], None] = field(default_factory=dict)

    def parent_ids(self) -> list[str]:
        return [self.root, *self.ous]

    def policy_type(self, policy_id: str) -> str | None:
        """The type of a policy this organization can see (None: not found)."""
        if policy_id in self.policies:
            return self.policies[policy_id].type
        return SCP if policy_id == FULL_AWS_ACCESS and self.feature_set == "ALL" else None

    def attached(self, target: str, policy_type: str) -> list[str]:
        return [p for (t, p) in self.attachments if t == target and self.policy_type(p) == policy_type]

    def targets_of(self, policy_id: str) -> list[str]:
        return [t for (t, p) in self.attachments if p == policy_id]

    def drop_attachments(self, target: str) -> None:
        for key in [k for k in self.attachments if k[0] == target]:
            del self.attachments[key]

    def attach_defaults(self, target: str) -> None:
        if SCP in self.policy_types:
            self.attachments[(target, FULL_AWS_ACCESS)] = None


@dataclass
class RefPolicy:
    id: str
    name: str
    type: str


@dataclass
class RefHandshake:
    id: str
    org: str
    target_type: str  # ACCOUNT or EMAIL
    target_id: str  # exactly as invited
    notes: str | None
    feature_set: str
    requested: dt.datetime
    tags: dict[str, str] = field(default_factory=dict)
    #: Set when a call ended it, or when the world was settled past its expiry (then EXPIRED).
    final: str | None = None
    ended: dt.datetime | None = None
    #: Set when the world was settled past the end of its retention period: gone for good.
    purged: bool = False
    action: str = "INVITE"
    #: For a billing transfer invitation: the transfer's id, and its start (it expires a day before).
    transfer: str | None = None
    start: dt.datetime | None = None

    @property
    def expires(self) -> dt.datetime:
        if self.start is not None:
            return self.start - DAY
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


@dataclass
class RefTransfer:
    id: str
    handshake: RefHandshake
    #: The organization that pays (and its management account), and the one whose bill moves.
    inviter_org: str
    inviter: str
    source_org: str
    source: str
    name: str
    final: str | None = None
    ended: dt.datetime | None = None
    end: dt.datetime | None = None
    #: Set when the world was settled past the end of its retention period: gone for good.
    purged: bool = False

    @property
    def start(self) -> dt.datetime:
        assert self.handshake.start is not None
        return self.handshake.start

    def status(self, now: dt.datetime) -> str:
        if self.final is not None:
            return self.final
        return EXPIRED if self.handshake.state(now) == EXPIRED else REQUESTED

    def visible(self, now: dt.datetime) -> bool:
        if self.purged:
            return False
        status = self.status(now)
        if status == WITHDRAWN:
            assert self.end is not None
            return now < self.end + RETENTION
        if status in (DECLINED, CANCELED):
            assert self.ended is not None
            return now < self.ended + RETENTION
        if status == EXPIRED:
            return self.handshake.visible(now)
        return True

    def in_progress(self, now: dt.datetime) -> bool:
        status = self.status(now)
        return status in (REQUESTED, ACCEPTED) or (status == WITHDRAWN and self.end is not None and now <= self.end)


def month_first(moment: dt.datetime, months: int = 0) -> dt.datetime:
    """Midnight UTC on the first of the month ``months`` after ``moment``'s."""
    year, month = moment.year, moment.month + months
    while month > 12:
        year, month = year + 1, month - 12
    while month < 1:
        year, month = year - 1, month + 12
    return dt.datetime(year, month, 1, tzinfo=dt.timezone.utc)


def month_last(moment: dt.datetime, months: int = 0) -> dt.datetime:
    """The last millisecond of the month ``months`` after ``moment``'s."""
    return month_first(moment, months + 1) - MILLISECOND


class Reference:
    """The world as the rules say it should be."""

    def __init__(
        self, max_accounts: int, max_invitations_per_day: int, max_inbound_transfers: int = 1000, max_chain: int = 1
    ) -> None:
        self.max_accounts = max_accounts
        self.max_invitations_per_day = max_invitations_per_day
        self.max_inbound_transfers = max_inbound_transfers
        self.max_chain = max_chain
        self.accounts: dict[str, RefAccount] = {}
        self.orgs: dict[str, RefOrg] = {}
        self.handshakes: dict[str, RefHandshake] = {}  # in creation order
        self._placements = 0
        self.transfers: dict[str, RefTransfer] = {}  # in creation order
        #: Every account in the order of its latest join (the order targets of a new type's default take).
        self.joined: dict[str, None] = {}

    def settle(self, now: dt.datetime) -> None:
        """The world brought up to ``now`` (every call, and every look at the world, does this first):
        handshakes expire and are purged, transfers are purged, closures complete and closed accounts
        leave."""
        for h in self.handshakes.values():
            h.settle(now)
        for t in self.transfers.values():
            if not t.visible(now):
                t.purged = True
        self._settle_closures(now)

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
        """Two invitations name the same account when their keys are equal (behaviour.md, "Invitations")."""
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
        live = [h for h in self.sent_by(org.id) if h.action == "INVITE" and h.state(now) == OPEN]
        if any(self.target_key(h.target_type, h.target_id) == key for h in live):
            return fail("DuplicateHandshakeException")
        if len(org.members) + len(live) >= self.max_accounts:
            return fail("HandshakeConstraintViolationException", "ACCOUNT_NUMBER_LIMIT_EXCEEDED")
        # A purged invitation counts for nothing, even requested "after" a clock gone back.
        recent = [
            h
            for h in self.sent_by(org.id)
            if h.action == "INVITE" and h.requested > now - DAY and h.state(now) != ACCEPTED and not h.purged
        ]
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
        elif h.transfer is not None and response == "accept":
            # Only the management account of the organization invited accepts.
            own = self.org_of(caller)
            if own is None:
                return fail("AWSOrganizationsNotInUseException")
            if own.management != caller or own.id != self.transfers[h.transfer].source_org:
                return fail("AccessDeniedException")
        current = h.state(now)
        if current == TARGET_STATE[response]:
            return fail("HandshakeAlreadyInStateException")
        if current != OPEN:
            return fail("InvalidHandshakeTransitionException")
        if h.transfer is not None:
            if response == "accept":
                t = self.transfers[h.transfer]
                if any(
                    other.source_org == t.source_org and other.status(now) == ACCEPTED for other in self.transfers.values()
                ):
                    return fail("ConstraintViolationException", "RESPONSIBILITY_TRANSFER_MAX_OUTBOUND_QUOTA_VIOLATION")
                if self.chain_refused(t.inviter_org, t.source_org, now):
                    return fail("ConstraintViolationException", "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION")
            return SUCCESS
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
        return self._may_leave(caller)

    def _may_leave(self, account_id: str) -> Expected:
        if self.accounts[account_id].state != ACTIVE:
            return fail("ConstraintViolationException", "ACCOUNT_CANNOT_LEAVE_ORGANIZATION")
        return SUCCESS

    def expect_remove(self, caller: str, account_id: str) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        if account_id == org.management:
            return fail("ConstraintViolationException", "ACCOUNT_CANNOT_LEAVE_ORGANIZATION")
        if account_id not in org.members:
            return fail("AccountNotFoundException")
        return self._may_leave(account_id)

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

    def expect_delete_org(self, caller: str, now: dt.datetime) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        if len(org.members) > 1:
            return fail("OrganizationNotEmptyException")
        if any(org.id in (t.inviter_org, t.source_org) and t.in_progress(now) for t in self.transfers.values()):
            return fail("ConstraintViolationException", "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS")
        return SUCCESS

    def expect_member_of_some_org(self, caller: str) -> Expected:
        return SUCCESS if self.org_of(caller) is not None else fail("AWSOrganizationsNotInUseException")

    def expect_management(self, caller: str) -> Expected:
        return self._management(caller)[1]

    # -- changes, applied after the service answered with success -------------------------------

    def invite(
        self,
        handshake_id: str,
        caller: str,
        target_type: str,
        target_id: str,
        notes: str | None,
        now: dt.datetime,
        tags: dict[str, str] | None = None,
    ) -> RefHandshake:
        org = self.org_of(caller)
        assert org is not None
        h = RefHandshake(handshake_id, org.id, target_type, target_id, notes, org.feature_set, now, dict(tags or {}))
        self.handshakes[handshake_id] = h
        return h

    def respond(self, caller: str, handshake_id: str, response: str, now: dt.datetime) -> None:
        h = self.handshakes[handshake_id]
        h.final, h.ended = TARGET_STATE[response], now
        if h.transfer is not None:
            t = self.transfers[h.transfer]
            t.final = TARGET_STATE[response]
            if response != "accept":
                t.ended = now
            return
        if response == "accept":
            self._join(caller, self.orgs[h.org])
            self.accounts[caller].tags = dict(h.tags)

    def _join(self, account_id: str, org: RefOrg) -> None:
        org.members.add(account_id)
        self.joined.pop(account_id, None)
        self.joined[account_id] = None
        account = self.accounts[account_id]
        account.org = org.id
        self._place(account, org.root)
        org.attach_defaults(account_id)

    def _place(self, account: RefAccount, parent: str) -> None:
        self._placements += 1
        account.parent, account.placed = parent, self._placements

    def leave(self, caller: str) -> None:
        org = self.org_of(caller)
        assert org is not None
        org.members.discard(caller)
        org.drop_attachments(caller)
        account = self.accounts[caller]
        account.org, account.parent, account.tags = None, None, {}

    def remove(self, caller: str, account_id: str) -> None:
        self.leave(account_id)

    def create_org(self, caller: str, org_id: str, feature_set: str, root_id: str) -> None:
        org = self.orgs[org_id] = RefOrg(org_id, caller, feature_set, root=root_id)
        if feature_set == "ALL":
            org.policy_types.append(SCP)  # SCPs enabled, p-FullAWSAccess on the root
        org.attach_defaults(root_id)
        self._join(caller, org)

    def delete_org(self, caller: str, now: dt.datetime) -> None:
        org = self.org_of(caller)
        assert org is not None
        for h in self.sent_by(org.id):
            if h.final is None:  # open ones are canceled (expired ones are final already)
                h.final, h.ended = CANCELED, now
        del self.orgs[org.id]
        account = self.accounts[caller]
        account.org, account.parent, account.tags = None, None, {}


    # -- the organization tree, tags and closing (structure spec) --------------------------------

    def is_closed(self, account_id: str) -> bool:
        """A closed account's every Organizations call is refused (behaviour.md, "Closing accounts")."""
        account = self.accounts.get(account_id)
        return account is not None and account.state == CLOSED

    def _settle_closures(self, now: dt.datetime) -> None:
        """Closures complete, and closed accounts leave 90 days later. Neither is undone when the
        clock goes back."""
        for account in self.accounts.values():
            if account.state == PENDING_CLOSURE and account.closes_at is not None and account.closes_at <= now:
                account.state, account.closed_at = CLOSED, account.closes_at
            if (
                account.state == CLOSED
                and account.org is not None
                and account.closed_at is not None
                and account.closed_at + CLOSED_RETENTION <= now
            ):
                self.leave(account.id)

    def _parent_exists(self, org: RefOrg, parent_id: str) -> bool:
        return parent_id == org.root or parent_id in org.ous

    def depth_of(self, org: RefOrg, parent_id: str) -> int:
        return 0 if parent_id == org.root else org.ous[parent_id].depth

    def child_ous(self, org: RefOrg, parent_id: str) -> list[RefOU]:
        return [ou for ou in org.ous.values() if ou.parent == parent_id]

    def child_accounts(self, org: RefOrg, parent_id: str) -> list[str]:
        found = [self.accounts[a] for a in org.members if self.accounts[a].parent == parent_id]
        return [a.id for a in sorted(found, key=lambda a: a.placed)]

    def path_of(self, org: RefOrg, parent_id: str) -> str:
        """``<org>/<root>/<ou>/.../`` of a root or OU."""
        steps = []
        while parent_id != org.root:
            steps.append(parent_id)
            parent_id = org.ous[parent_id].parent
        return "/".join([org.id, org.root, *reversed(steps)]) + "/"

    def expect_parent(self, caller: str, parent_id: str) -> Expected:
        """The lists of a parent's children."""
        org, refused = self._management(caller)
        if org is None:
            return refused
        return SUCCESS if self._parent_exists(org, parent_id) else fail("ParentNotFoundException")

    def expect_create_ou(self, caller: str, parent_id: str, name: str) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        if not self._parent_exists(org, parent_id):
            return fail("ParentNotFoundException")
        if any(ou.name == name for ou in self.child_ous(org, parent_id)):
            return fail("DuplicateOrganizationalUnitException")
        if self.depth_of(org, parent_id) + 1 > MAX_DEPTH:
            return fail("ConstraintViolationException", "OU_DEPTH_LIMIT_EXCEEDED")
        return SUCCESS

    def create_ou(self, caller: str, ou_id: str, parent_id: str, name: str, tags: dict[str, str]) -> RefOU:
        org = self.org_of(caller)
        assert org is not None
        ou = org.ous[ou_id] = RefOU(ou_id, name, parent_id, self.depth_of(org, parent_id) + 1, dict(tags))
        org.attach_defaults(ou_id)
        return ou

    def expect_delete_ou(self, caller: str, ou_id: str) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        if ou_id not in org.ous:
            return fail("OrganizationalUnitNotFoundException")
        if self.child_ous(org, ou_id) or self.child_accounts(org, ou_id):
            return fail("OrganizationalUnitNotEmptyException")
        return SUCCESS

    def delete_ou(self, caller: str, ou_id: str) -> None:
        org = self.org_of(caller)
        assert org is not None
        del org.ous[ou_id]
        org.drop_attachments(ou_id)  # attachments do not stop it

    def expect_move(self, caller: str, account_id: str, source: str, destination: str) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        if account_id not in org.members:
            return fail("AccountNotFoundException")
        if not self._parent_exists(org, source):
            return fail("SourceParentNotFoundException")
        if not self._parent_exists(org, destination):
            return fail("DestinationParentNotFoundException")
        if self.accounts[account_id].parent != source:
            return fail("SourceParentNotFoundException")
        if destination == source:
            return fail("DuplicateAccountException")
        return SUCCESS

    def move(self, account_id: str, destination: str) -> None:
        self._place(self.accounts[account_id], destination)

    def tags_of(self, org: RefOrg, resource_id: str) -> dict[str, str] | None:
        if resource_id in org.members:
            return self.accounts[resource_id].tags
        if resource_id == org.root:
            return org.root_tags
        ou = org.ous.get(resource_id)
        return None if ou is None else ou.tags

    def expect_tags(self, caller: str, resource_id: str, adding: dict[str, str] | None = None) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        found = self.tags_of(org, resource_id)
        if found is None:
            return fail("TargetNotFoundException")
        if adding is not None and len(found.keys() | adding.keys()) > MAX_TAGS:
            return fail("ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED")
        return SUCCESS

    def tag(self, caller: str, resource_id: str, tags: dict[str, str]) -> None:
        org = self.org_of(caller)
        assert org is not None
        found = self.tags_of(org, resource_id)
        assert found is not None
        found.update(tags)

    def untag(self, caller: str, resource_id: str, keys: list[str]) -> None:
        org = self.org_of(caller)
        assert org is not None
        found = self.tags_of(org, resource_id)
        assert found is not None
        for key in keys:
            found.pop(key, None)

    def expect_close(self, caller: str, account_id: str) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        if org.feature_set != "ALL":
            return fail("ConstraintViolationException", "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE")
        if account_id not in org.members:
            return fail("AccountNotFoundException")
        if account_id == org.management:
            return fail("ConstraintViolationException", "CANNOT_CLOSE_MANAGEMENT_ACCOUNT")
        state = self.accounts[account_id].state
        if state == CLOSED:
            return fail("AccountAlreadyClosedException")
        if state == PENDING_CLOSURE:
            return fail("ConflictException")
        if sum(1 for a in org.members if self.accounts[a].state == PENDING_CLOSURE) >= 3:
            return fail("ConstraintViolationException", "CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED")
        return SUCCESS

    def close(self, account_id: str, now: dt.datetime) -> None:
        account = self.accounts[account_id]
        account.state, account.closes_at = PENDING_CLOSURE, now + CLOSE_DELAY

    # -- billing transfers ----------------------------------------------------------------------

    def payers_above(self, org_id: str, now: dt.datetime) -> list[str]:
        """Who pays for ``org_id``, who pays for that one, and so on (accepted transfers only)."""
        found: list[str] = []
        current = org_id
        while True:
            nxt = next(
                (t.inviter_org for t in self.transfers.values() if t.source_org == current and t.status(now) == ACCEPTED),
                None,
            )
            if nxt is None or nxt == org_id or nxt in found:
                return found
            found.append(nxt)
            current = nxt

    def levels_below(self, org_id: str, now: dt.datetime, visited: frozenset[str] = frozenset()) -> int:
        visited = visited | {org_id}
        return max(
            (
                1 + self.levels_below(t.source_org, now, visited)
                for t in self.transfers.values()
                if t.inviter_org == org_id and t.source_org not in visited and t.status(now) == ACCEPTED
            ),
            default=0,
        )

    def chain_refused(self, inviter_org: str, source_org: str, now: dt.datetime) -> bool:
        above = self.payers_above(inviter_org, now)
        return source_org in above or self.levels_below(source_org, now) + 1 + len(above) > self.max_chain

    def expect_transfer_invite(self, caller: str, target: str, start: dt.datetime, now: dt.datetime) -> Expected:
        if (start.hour, start.minute, start.second, start.microsecond) != (0, 0, 0, 0):
            return fail("InvalidInputException", "START_DATE_NOT_BEGINNING_OF_DAY")
        if start.day != 1:
            return fail("InvalidInputException", "START_DATE_NOT_BEGINNING_OF_MONTH")
        if start < month_first(now, 1) or now >= start - DAY:
            return fail("InvalidInputException", "START_DATE_TOO_EARLY")
        if start > month_first(now, 2):
            return fail("InvalidInputException", "START_DATE_TOO_LATE")
        org, refused = self._management(caller)
        if org is None:
            return refused
        source_org = self.org_of(target)
        if source_org is not None and source_org.id == org.id:
            return fail("HandshakeConstraintViolationException", "SOURCE_AND_TARGET_CANNOT_MATCH")
        if source_org is None or source_org.management != target:
            return fail("HandshakeConstraintViolationException", "TARGET_ACCOUNT_VALIDATION_FAILURE")
        between = [t for t in self.inbound(org.id) if t.source_org == source_org.id]
        if any(t.status(now) == REQUESTED for t in between):
            return fail("DuplicateHandshakeException")
        if any(t.status(now) == ACCEPTED for t in between):
            return fail("HandshakeConstraintViolationException", "RESPONSIBILITY_TRANSFER_ALREADY_EXISTS")
        if sum(1 for t in self.inbound(org.id) if t.status(now) in (REQUESTED, ACCEPTED)) >= self.max_inbound_transfers:
            return fail("ConstraintViolationException", "RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION")
        if self.chain_refused(org.id, source_org.id, now):
            return fail("ConstraintViolationException", "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION")
        return SUCCESS

    def inbound(self, org_id: str) -> list[RefTransfer]:
        return _in_order(t for t in self.transfers.values() if t.inviter_org == org_id)

    def outbound(self, org_id: str) -> list[RefTransfer]:
        return _in_order(t for t in self.transfers.values() if t.source_org == org_id)

    def expect_find_transfer(self, caller: str, transfer_id: str, now: dt.datetime) -> tuple[Expected, str | None]:
        """Whether ``caller`` may see the transfer, and from which side (``inbound``: the payer)."""
        org, refused = self._management(caller)
        if org is None:
            return refused, None
        t = self.transfers.get(transfer_id)
        if t is None or not t.visible(now) or org.id not in (t.inviter_org, t.source_org):
            return fail("ResponsibilityTransferNotFoundException"), None
        return SUCCESS, "inbound" if org.id == t.inviter_org else "outbound"

    def expect_terminate(
        self, caller: str, transfer_id: str, end: dt.datetime | None, now: dt.datetime
    ) -> tuple[Expected, dt.datetime]:
        """The answer, and the end date the transfer gets if it is withdrawn."""
        wanted = month_last(now)
        if end is not None:
            wanted = month_last(end)
            if end <= wanted - dt.timedelta(seconds=1):
                return fail("InvalidInputException", "END_DATE_NOT_END_OF_MONTH"), wanted
            if wanted < month_last(now):
                return fail("InvalidInputException", "END_DATE_TOO_EARLY"), wanted
            if wanted > month_last(now, 1):
                return fail("InvalidInputException", "END_DATE_TOO_LATE"), wanted
        found, _ = self.expect_find_transfer(caller, transfer_id, now)
        if not found.ok:
            return found, wanted
        t = self.transfers[transfer_id]
        if t.status(now) == WITHDRAWN:
            return fail("ResponsibilityTransferAlreadyInStatusException"), wanted
        if t.status(now) != ACCEPTED:
            return fail("InvalidResponsibilityTransferTransitionException"), wanted
        if wanted < t.start:
            return fail("InvalidInputException", "END_DATE_TOO_EARLY"), wanted
        return SUCCESS, wanted

    def expect_rename(self, caller: str, transfer_id: str, now: dt.datetime) -> Expected:
        found, side = self.expect_find_transfer(caller, transfer_id, now)
        if not found.ok:
            return found
        if side != "inbound":
            return fail("AccessDeniedException")
        if self.transfers[transfer_id].status(now) not in (REQUESTED, ACCEPTED):
            return fail("ConstraintViolationException", "TRANSFER_RESPONSIBILITY_UPDATE_NOT_ALLOWED")
        return SUCCESS

    def invite_transfer(
        self, handshake_id: str, transfer_id: str, caller: str, target: str, start: dt.datetime, now: dt.datetime
    ) -> RefTransfer:
        org, source_org = self.org_of(caller), self.org_of(target)
        assert org is not None and source_org is not None
        h = RefHandshake(
            handshake_id, org.id, "ACCOUNT", target, None, org.feature_set, now,
            action=TRANSFER, transfer=transfer_id, start=start,
        )
        self.handshakes[handshake_id] = h
        t = RefTransfer(transfer_id, h, org.id, caller, source_org.id, target, "bill")
        self.transfers[transfer_id] = t
        return t

    def terminate(self, transfer_id: str, end: dt.datetime, now: dt.datetime) -> None:
        t = self.transfers[transfer_id]
        t.final, t.ended, t.end = WITHDRAWN, now, end


    # -- policies (governance spec) ---------------------------------------------------------------

    def is_target(self, org: RefOrg, target: str) -> bool:
        return target == org.root or target in org.ous or target in org.members

    def expect_enable_type(self, caller: str, root: str, policy_type: str) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        if org.feature_set != "ALL":
            return fail("PolicyTypeNotAvailableForOrganizationException")
        if root != org.root:
            return fail("RootNotFoundException")
        if policy_type in org.policy_types:
            return fail("PolicyTypeAlreadyEnabledException")
        return SUCCESS

    def enable_type(self, caller: str, policy_type: str) -> None:
        org = self.org_of(caller)
        assert org is not None
        org.policy_types.append(policy_type)
        if policy_type == SCP:  # the default goes everywhere: root, OUs, then members as they joined
            for target in [org.root, *org.ous, *self.members_in_order(org)]:
                org.attachments[(target, FULL_AWS_ACCESS)] = None

    def members_in_order(self, org: RefOrg) -> list[str]:
        return [a for a in self.joined if a in org.members]

    def expect_disable_type(self, caller: str, root: str, policy_type: str) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        if root != org.root:
            return fail("RootNotFoundException")
        if policy_type not in org.policy_types:
            return fail("PolicyTypeNotEnabledException")
        return SUCCESS

    def disable_type(self, caller: str, policy_type: str) -> None:
        org = self.org_of(caller)
        assert org is not None
        org.policy_types.remove(policy_type)
        for key in [k for k in org.attachments if org.policy_type(k[1]) == policy_type]:
            del org.attachments[key]

    def expect_create_policy(self, caller: str, name: str, policy_type: str, malformed: bool) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        if org.feature_set != "ALL":
            return fail("PolicyTypeNotAvailableForOrganizationException")
        if malformed:
            return fail("MalformedPolicyDocumentException")
        taken = any(p.name == name and p.type == policy_type for p in org.policies.values())
        if taken or (policy_type == SCP and name == "FullAWSAccess"):
            return fail("DuplicatePolicyException")
        return SUCCESS

    def create_policy(self, caller: str, policy_id: str, name: str, policy_type: str) -> None:
        org = self.org_of(caller)
        assert org is not None
        org.policies[policy_id] = RefPolicy(policy_id, name, policy_type)

    def expect_delete_policy(self, caller: str, policy_id: str) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        if org.policy_type(policy_id) is None:
            return fail("PolicyNotFoundException")
        if policy_id == FULL_AWS_ACCESS:
            return fail("InvalidInputException", "IMMUTABLE_POLICY")
        if org.targets_of(policy_id):
            return fail("PolicyInUseException")
        return SUCCESS

    def delete_policy(self, caller: str, policy_id: str) -> None:
        org = self.org_of(caller)
        assert org is not None
        del org.policies[policy_id]

    def expect_attach(self, caller: str, policy_id: str, target: str) -> Expected:
        """The order of the checks: the policy, the target, the type enabled, a duplicate, the maximum."""
        org, refused = self._management(caller)
        if org is None:
            return refused
        policy_type = org.policy_type(policy_id)
        if policy_type is None:
            return fail("PolicyNotFoundException")
        if not self.is_target(org, target):
            return fail("TargetNotFoundException")
        if policy_type not in org.policy_types:
            return fail("PolicyTypeNotEnabledException")
        if (target, policy_id) in org.attachments:
            return fail("DuplicatePolicyAttachmentException")
        if len(org.attached(target, policy_type)) >= MAX_ATTACHED[policy_type]:
            return fail("ConstraintViolationException", "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")
        return SUCCESS

    def attach(self, caller: str, policy_id: str, target: str) -> None:
        org = self.org_of(caller)
        assert org is not None
        org.attachments[(target, policy_id)] = None

    def expect_detach(self, caller: str, policy_id: str, target: str) -> Expected:
        org, refused = self._management(caller)
        if org is None:
            return refused
        policy_type = org.policy_type(policy_id)
        if policy_type is None:
            return fail("PolicyNotFoundException")
        if not self.is_target(org, target):
            return fail("TargetNotFoundException")
        if (target, policy_id) not in org.attachments:
            return fail("PolicyNotAttachedException")
        if len(org.attached(target, policy_type)) - 1 < MIN_ATTACHED[policy_type]:
            return fail("ConstraintViolationException", "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")
        return SUCCESS

    def detach(self, caller: str, policy_id: str, target: str) -> None:
        org = self.org_of(caller)
        assert org is not None
        del org.attachments[(target, policy_id)]

    def expect_policy_read(self, caller: str, policy_id: str | None = None, target: str | None = None) -> Expected:
        """DescribePolicy, ListTargetsForPolicy (a policy), ListPoliciesForTarget (a target)."""
        org, refused = self._management(caller)
        if org is None:
            return refused
        if policy_id is not None and org.policy_type(policy_id) is None:
            return fail("PolicyNotFoundException")
        if target is not None and not self.is_target(org, target):
            return fail("TargetNotFoundException")
        return SUCCESS


def _in_order(transfers: Iterable[RefTransfer]) -> list[RefTransfer]:
    return sorted(transfers, key=lambda t: (t.handshake.requested, t.id))


def _listed(handshakes: Iterable[RefHandshake]) -> list[RefHandshake]:
    """In list order: by RequestedTimestamp, then Id (behaviour.md, "Lists")."""
    return sorted(handshakes, key=lambda h: (h.requested, h.id))
