"""Accounts, organizations, their roots and organizational units, handshakes, and what governs an
organization (policies, trusted access, delegated administrators) as plain records, and the
constants they use."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from .ordered import OrderedIds
from .sorted_list import SortedList

_TIME_ORIGIN: Final = dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)

# Handshake states (wire values).
REQUESTED: Final = "REQUESTED"
OPEN: Final = "OPEN"
ACCEPTED: Final = "ACCEPTED"
DECLINED: Final = "DECLINED"
CANCELED: Final = "CANCELED"
EXPIRED: Final = "EXPIRED"
LIVE_STATES: Final = frozenset({REQUESTED, OPEN})

# Handshake actions.
INVITE: Final = "INVITE"
ENABLE_ALL_FEATURES: Final = "ENABLE_ALL_FEATURES"
APPROVE_ALL_FEATURES: Final = "APPROVE_ALL_FEATURES"
TRANSFER_RESPONSIBILITY: Final = "TRANSFER_RESPONSIBILITY"

# Party and resource types.
ACCOUNT: Final = "ACCOUNT"
EMAIL: Final = "EMAIL"
ORGANIZATION: Final = "ORGANIZATION"
NOTES: Final = "NOTES"
PARENT_HANDSHAKE: Final = "PARENT_HANDSHAKE"

# Feature sets and joined methods.
ALL: Final = "ALL"
CONSOLIDATED_BILLING: Final = "CONSOLIDATED_BILLING"
INVITED: Final = "INVITED"
CREATED: Final = "CREATED"

# CreateAccount request states.
IN_PROGRESS: Final = "IN_PROGRESS"
SUCCEEDED: Final = "SUCCEEDED"
FAILED: Final = "FAILED"

# Account states (the ``State`` member; ``Status`` is derived from it, see ``STATUS_OF``).
ACTIVE: Final = "ACTIVE"
PENDING_CLOSURE: Final = "PENDING_CLOSURE"
CLOSED: Final = "CLOSED"
SUSPENDED: Final = "SUSPENDED"
PENDING_ACTIVATION: Final = "PENDING_ACTIVATION"
#: States in which an account can no longer act (behaviour.md, "Closing accounts").
CLOSED_STATES: Final = frozenset({CLOSED, SUSPENDED})
#: The older ``Status`` member, for each ``State``: a closed account shows SUSPENDED there.
STATUS_OF: Final = {
    ACTIVE: ACTIVE,
    PENDING_ACTIVATION: ACTIVE,
    PENDING_CLOSURE: PENDING_CLOSURE,
    CLOSED: SUSPENDED,
    SUSPENDED: SUSPENDED,
}

# Kinds of parent and child in the organization tree (wire values).
ROOT: Final = "ROOT"
ORGANIZATIONAL_UNIT: Final = "ORGANIZATIONAL_UNIT"

#: Terminal handshakes stay visible this long after entering their terminal state (behaviour.md, "Time").
RETENTION: Final = dt.timedelta(days=30)
#: How long an invitation, and a request to enable all features, stay live (behaviour.md, "Time").
INVITE_LIFETIME: Final = dt.timedelta(days=15)
ENABLE_ALL_FEATURES_LIFETIME: Final = dt.timedelta(days=90)

Tags = tuple[tuple[str, str], ...]


class Change(NamedTuple):
    """One state transition a call made, as it happened: ``Change("h-…", "OPEN", "ACCEPTED")``."""

    #: The id of what changed: a handshake id, or an account id for an account's ``State``.
    id: str
    before: str
    after: str


@dataclass(eq=False)
class Account:
    """An AWS account. ``org_id`` is None while it belongs to no organization."""

    id: str
    email: str
    name: str
    #: Known only because it made a call, not created explicitly (behaviour.md, "Who may call what").
    implicit: bool = False
    org_id: str | None = None
    joined_method: str | None = None
    joined_at: dt.datetime | None = None
    #: Increases with every join; lists of members are ordered by it.
    join_seq: int = 0
    tags: dict[str, str] = field(default_factory=dict)
    #: The root or OU the account is in while it is a member; None otherwise.
    parent_id: str | None = None
    #: The ``State`` member: ACTIVE until it is closed (behaviour.md, "Closing accounts").
    state: str = ACTIVE
    #: When CloseAccount was accepted for it, when the closure completes (PENDING_CLOSURE until
    #: then) and when it completed (CLOSED since).
    close_requested_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    #: When a closed account left its organization for good, 90 days after it closed.
    purged_at: dt.datetime | None = None


@dataclass(eq=False)
class Children:
    """The direct children of a root or an OU, each in the order it arrived there (the index of
    children per parent; the parent per child is the child's own ``parent_id``)."""

    accounts: OrderedIds = field(default_factory=OrderedIds)
    organizational_units: OrderedIds = field(default_factory=OrderedIds)
    #: The child OUs' names, each to its OU's id: names are unique among siblings.
    names: dict[str, str] = field(default_factory=dict)

    def empty(self) -> bool:
        return not self.accounts and not self.organizational_units


@dataclass(eq=False)
class Root:
    """The one root of an organization, created with it."""

    id: str
    arn: str
    #: ``<org-id>/<root-id>/``: where the paths of everything below it start.
    path: str
    name: str = "Root"
    #: The policy types enabled on the root, by type, with their status, in the order enabled.
    policy_types: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    children: Children = field(default_factory=Children)


@dataclass(eq=False)
class OrganizationalUnit:
    """An OU. It never moves (the API has no call for that), so its depth and path are fixed."""

    id: str
    arn: str
    name: str
    parent_id: str
    #: 1 for an OU directly under the root.
    depth: int
    #: ``<org-id>/<root-id>/<ou-id>/.../<ou-id>/``, its own id last.
    path: str
    tags: dict[str, str] = field(default_factory=dict)
    children: Children = field(default_factory=Children)


@dataclass(eq=False)
class Organization:
    id: str
    arn: str
    root_id: str
    feature_set: str
    management_account_id: str
    root: Root
    #: Member account ids (the management account included) in the order they joined, each with its
    #: ``join_seq``: a page of ListAccounts reads only its page (behaviour.md, "Lists").
    members: OrderedIds = field(default_factory=OrderedIds)
    #: Every OU, by id, in creation order.
    organizational_units: dict[str, OrganizationalUnit] = field(default_factory=dict)
    #: Members in PENDING_CLOSURE, and when each CloseAccount was accepted (in time order).
    closing: dict[str, None] = field(default_factory=dict)
    closure_requests: list[dt.datetime] = field(default_factory=list)
    #: Handshakes the organization sent that the world holds, in list order (``in_list_order``).
    handshakes: SortedList[Handshake] = field(default_factory=lambda: SortedList(in_list_order))
    #: CreateAccount requests the organization made, in creation order.
    account_requests: list[AccountRequest] = field(default_factory=list)
    #: Its own (customer) policies by id, in creation order; the AWS-managed ones belong to no
    #: organization (behaviour.md, "Policies").
    policies: dict[str, Policy] = field(default_factory=dict)
    #: Each type's customer policies, in creation order, and each ``(type, name)`` to its policy's id.
    policies_by_type: dict[str, OrderedIds] = field(default_factory=dict)
    policy_names: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Direct attachments, indexed both ways: each target (root, OU or member account) to the
    #: policies attached to it, in attachment order; each policy (AWS-managed ones included) to its
    #: targets, in attachment order, by the same sequence numbers.
    attachments: dict[str, dict[str, Attached]] = field(default_factory=dict)
    targets: dict[str, OrderedIds] = field(default_factory=dict)
    #: Trusted access: each service principal to when it was enabled, in enabling order.
    service_access: dict[str, Since] = field(default_factory=dict)
    #: Delegated administrators, in the order of their first registration, each with its services.
    delegated_administrators: dict[str, Delegation] = field(default_factory=dict)
    #: The resource-based delegation policy, when there is one.
    resource_policy: ResourcePolicy | None = None


@dataclass(frozen=True, slots=True)
class Party:
    id: str
    type: str


@dataclass(frozen=True, slots=True)
class Resource:
    type: str
    value: str
    children: tuple[Resource, ...] = ()


@dataclass(eq=False, slots=True)
class Handshake:
    """A handshake. Its public state is derived from the stored one and ``now``.

    The stored state is REQUESTED, OPEN or a terminal state set by an explicit transition; EXPIRED is
    derived from the clock (behaviour.md, "Time") until the world is settled past the expiry, which
    stores it, so that it stays EXPIRED when the clock goes back; so does the end of the retention
    period (``purged``; behaviour.md, "When the clock goes back"). Everything but the stored state,
    ``ended_at``, ``expired_from`` and ``purged`` is fixed when the handshake is sent.
    """

    seq: int
    id: str
    arn: str
    action: str
    org_id: str
    parties: tuple[Party, ...]
    resources: tuple[Resource, ...]
    requested_at: dt.datetime
    expires_at: dt.datetime
    #: The account the handshake is addressed to, when addressed by id.
    recipient_account_id: str | None = None
    #: The lower-cased email the handshake is addressed to, when addressed by email.
    recipient_email: str | None = None
    parent_id: str | None = None
    tags: Tags = ()
    stored_state: str = OPEN
    ended_at: dt.datetime | None = None
    #: The live state it was in when the world saw it expire (``stored_state`` is EXPIRED from then on).
    expired_from: str | None = None
    #: Set once the world has seen its retention period end: no response shows it again, and the
    #: world has forgotten it (``World.purge``).
    purged: bool = False

    def state(self, now: dt.datetime) -> str:
        state = self.stored_state
        if state in LIVE_STATES and now >= self.expires_at:
            return EXPIRED
        return state

    def terminal_since(self, now: dt.datetime) -> dt.datetime | None:
        """When the handshake entered its terminal state, or None while it is live."""
        if self.stored_state in LIVE_STATES:
            return self.expires_at if now >= self.expires_at else None
        return self.ended_at

    def shown_state(self, now: dt.datetime) -> str | None:
        """The state responses show at ``now``; None once the handshake has been terminal for the
        retention period and no response shows it any more. (``state`` and ``terminal_since`` in one
        step: every listed handshake asks it.)"""
        if self.purged:
            return None
        state = self.stored_state
        if state in LIVE_STATES:
            if now < self.expires_at:
                return state
            return EXPIRED if now < self.expires_at + RETENTION else None
        ended = self.ended_at
        return state if ended is None or now < ended + RETENTION else None

    def visible(self, now: dt.datetime) -> bool:
        """False once the handshake has been terminal for the retention period."""
        return self.shown_state(now) is not None

    def is_addressed_to(self, account: Account) -> bool:
        if self.recipient_account_id is not None:
            return self.recipient_account_id == account.id
        return self.recipient_email is not None and self.recipient_email == account.email.lower()


@dataclass(eq=False)
class AccountRequest:
    """A CreateAccount request. IN_PROGRESS until ``completes_at``, then SUCCEEDED or FAILED."""

    seq: int
    id: str
    org_id: str
    email: str
    name: str
    requested_at: dt.datetime
    completes_at: dt.datetime
    tags: Tags = ()
    #: The failure already known when the request was made, reported once it completes.
    doomed_by: str | None = None
    state: str = IN_PROGRESS
    account_id: str | None = None
    failure_reason: str | None = None


#: The key of every list of handshakes: by RequestedTimestamp, then Id (behaviour.md, "Lists"). Here
#: and in the other keys of sorted lists, an attrgetter: bisections call it a dozen times per change,
#: and it makes no Python frame.
in_list_order: Final[Callable[[Handshake], tuple[dt.datetime, str]]] = operator.attrgetter("requested_at", "id")


def list_position(handshake: Handshake) -> str:
    """Where ``handshake`` is in every list, as text (what a NextToken carries); ``from_list_position``
    reads it back as a value of ``in_list_order``."""
    micros = (handshake.requested_at - _TIME_ORIGIN) // _MICROSECOND
    return f"{micros:020d}/{handshake.id}"


def from_list_position(position: str) -> tuple[dt.datetime, str]:
    """The ``in_list_order`` value of a ``list_position``; ValueError if it is not one."""
    micros, slash, handshake_id = position.partition("/")
    if not slash or not micros.isdigit():
        raise ValueError(f"not a list position: {position!r}")
    return _TIME_ORIGIN + int(micros) * _MICROSECOND, handshake_id


_MICROSECOND: Final = dt.timedelta(microseconds=1)
# Responsibility transfers (behaviour.md, "Billing transfers"): the type, and the one status that is
# not also a handshake state.
BILLING: Final = "BILLING"
WITHDRAWN: Final = "WITHDRAWN"


@dataclass(eq=False, slots=True)
class ResponsibilityTransfer:
    """A responsibility (billing) transfer. Its public status is derived from the stored one and ``now``,
    and from what time has done to it (``purged``; behaviour.md, "When the clock goes back").

    The inviter is the organization that will manage and pay the other one's bill (the transfer's
    ``Target``); the source is the organization whose bill moves (the transfer's ``Source``). While
    the stored status is REQUESTED the status follows the invitation ``handshake``: EXPIRED once the
    handshake is. Every other status is set by an explicit transition.
    """

    seq: int
    id: str
    type: str
    name: str
    inviter_org_id: str
    inviter_account_id: str
    source_org_id: str
    source_account_id: str
    start: dt.datetime
    handshake: Handshake
    requested_at: dt.datetime
    #: The tags given with the invitation; attached (to ``tags``) when it is accepted.
    invite_tags: Tags = ()
    stored_status: str = REQUESTED
    #: When a call put it in a terminal status (DECLINED, CANCELED, WITHDRAWN).
    ended_at: dt.datetime | None = None
    #: The EndTimestamp set when it was withdrawn.
    end: dt.datetime | None = None
    tags: dict[str, str] = field(default_factory=dict)
    #: Set when the world was settled past the end of its retention period: gone for good.
    purged: bool = False
    #: Where it sorts in the lists: by creation time, then Id (as handshakes do, ``list_position``).
    order_key: str = field(init=False)

    def __post_init__(self) -> None:
        micros = (self.requested_at - _TIME_ORIGIN) // dt.timedelta(microseconds=1)
        self.order_key = f"{micros:020d}/{self.id}"

    @property
    def expires_at(self) -> dt.datetime:
        """When the invitation expires (its handshake's expiry)."""
        return self.handshake.expires_at

    def status(self, now: dt.datetime) -> str:
        stored = self.stored_status
        if stored == REQUESTED and self.handshake.state(now) == EXPIRED:
            return EXPIRED
        return stored

    def terminal_since(self, now: dt.datetime) -> dt.datetime | None:
        """When it entered a terminal status (its invitation's expiry, for an EXPIRED one); None while
        REQUESTED or ACCEPTED."""
        stored = self.stored_status
        if stored == REQUESTED:
            return self.handshake.terminal_since(now)
        if stored == ACCEPTED:
            return None
        return self.ended_at

    def visible_until(self, now: dt.datetime) -> dt.datetime | None:
        """When responses stop showing it: the retention period after it ended, and for a withdrawn
        one after its EndTimestamp; None while it stays visible for good (REQUESTED, ACCEPTED)."""
        if self.stored_status == WITHDRAWN and self.end is not None:
            return self.end + RETENTION
        since = self.terminal_since(now)
        return None if since is None else since + RETENTION

    def shown_status(self, now: dt.datetime) -> str | None:
        """The status responses show at ``now``; None once it is past its retention period."""
        if self.purged:
            return None
        until = self.visible_until(now)
        return self.status(now) if until is None or now < until else None


# -- what governs an organization --------------------------------------------------------------------


@dataclass(eq=False)
class Policy:
    """A policy: a customer one belongs to its organization; the AWS-managed ones are shared and
    never change (behaviour.md, "Policies")."""

    id: str
    arn: str
    name: str
    description: str
    type: str
    content: str
    aws_managed: bool = False
    #: Orders the policies of one type by creation (0 for the AWS-managed ones).
    seq: int = 0
    #: When it was created or its content last changed (None for the AWS-managed ones).
    updated_at: dt.datetime | None = None
    tags: dict[str, str] = field(default_factory=dict)


class Attached(NamedTuple):
    """One direct attachment of a policy to a target."""

    #: Orders the attachments of a target, and the targets of a policy.
    seq: int
    at: dt.datetime
    #: The policy's type (kept here so that counting a target's attachments per type looks nothing up).
    policy_type: str


class Since(NamedTuple):
    """When something was switched on (trusted access for a service, a registration), and where it
    sorts among its kind."""

    seq: int
    at: dt.datetime


@dataclass(eq=False)
class Delegation:
    """A member registered as a delegated administrator: for which services, since when."""

    #: Orders the delegated administrators by their first registration.
    seq: int
    #: Each service principal it is registered for, in registration order.
    services: dict[str, Since] = field(default_factory=dict)


@dataclass(eq=False)
class ResourcePolicy:
    """The organization's resource-based delegation policy (behaviour.md, "Delegation policies")."""

    id: str
    arn: str
    content: str
    #: The statements, as checked when the policy was put.
    statements: tuple[Statement, ...]
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a delegation policy, normalised: every element a tuple of texts."""

    allow: bool
    #: The accounts it names (twelve-digit ids).
    principals: frozenset[str]
    #: Action globs (``organizations:Attach*``), lower-cased; ``not_action`` when given as NotAction.
    actions: tuple[str, ...]
    not_action: bool
    #: Resource globs (``*`` when absent); ``not_resource`` when given as NotResource.
    resources: tuple[str, ...]
    not_resource: bool
    #: Conditions on ``organizations:PolicyType``: (operator, values) pairs; ``unknown`` when a
    #: condition names another key or an operator orgsim does not evaluate.
    policy_type_conditions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    unknown_condition: bool = False


class Request(NamedTuple):
    """What a member asks to do, as the delegation rules judge it."""

    #: The operation (``AttachPolicy``).
    action: str
    #: The ids of what the call acts on (a policy, a target, the root). None: not known yet, so
    #: only the caller and the action are judged (behaviour.md, "Delegation policies").
    resource_ids: tuple[str, ...] | None = None
    #: The policy type the call concerns, when it concerns one.
    policy_type: str | None = None
