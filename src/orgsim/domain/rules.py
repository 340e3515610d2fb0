"""The rule set a ``World`` follows, composed in this one place.

Each area of the service adds steps to shared moments (every call, a member leaving, an invitation
being sent) and rules for the handshakes it sends. They are listed here, in the order they run, so
that a reader sees every rule the simulation applies, and a world built from the domain alone
(``World(ids, limits, standard())``) is the same world the service uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from . import account_creation, all_features, closing, delegation, handshakes, invitations, policies, transfers, tree
from .handshakes import ResponseRules
from .model import APPROVE_ALL_FEATURES, ENABLE_ALL_FEATURES, INVITE, TRANSFER_RESPONSIBILITY, Account, Organization, Request
from .store import World
from .tags import ACCOUNT_KIND

#: Completes what is due by ``now``; returns when it next has work (None: nothing waits).
Settle = Callable[[World, dt.datetime], dt.datetime | None]
MemberStep = Callable[[World, Account, Organization, dt.datetime], None]
InviteCheck = Callable[[World, Organization, dt.datetime], None]
#: The tags of the resource with this id in the organization (the caller's) at ``now``, or None when
#: the organization has no such resource.
TagFinder = Callable[[World, Organization, str, dt.datetime], dict[str, str] | None]
OrganizationCheck = Callable[[World, Organization, dt.datetime], None]
#: A root or an OU that was just created, or is about to go.
ParentStep = Callable[[World, Organization, tree.Parent, dt.datetime], None]
ParentGone = Callable[[World, Organization, tree.Parent], None]
#: Whether a member (not the management account) may make a request of the management account's.
Grant = Callable[[World, Organization, Account, Request], bool]


@dataclass(frozen=True)
class Rules:
    #: Work that completes with time, brought up to date when due (in this order; see ``World.settle``).
    settle: tuple[Settle, ...]
    #: Checks before a member leaves or is removed; each may refuse with ``Rejected``.
    leave_checks: tuple[MemberStep, ...]
    #: Steps after a member has left or been removed (the account is already standalone).
    after_leave: tuple[MemberStep, ...]
    #: Checks before an invitation is sent, after the caller's role; each may refuse.
    invite_checks: tuple[InviteCheck, ...]
    #: How each handshake action is answered (accept, decline, cancel).
    answers: Mapping[str, ResponseRules]
    #: What can be tagged: for each kind of id (``tags.resource_kind``: ``account``, ``r-``, ``ou-``,
    #: ...), where a resource of that kind keeps its tags. Other kinds are not found.
    taggable: Mapping[str, TagFinder]
    #: Checks before an organization is deleted, after it was found empty; each may refuse.
    delete_checks: tuple[OrganizationCheck, ...]
    #: Steps after an account joined an organization (it is in the root already).
    joined: tuple[MemberStep, ...] = ()
    #: Steps after a root (with its organization) or an OU was created, and before an OU is deleted.
    parent_created: tuple[ParentStep, ...] = ()
    parent_deleted: tuple[ParentGone, ...] = ()
    #: What may let a member make a call of the management account's (``membership.administered_by``).
    grants: tuple[Grant, ...] = ()
    #: The policy types the simulated API has (newer service models have more).
    policy_types: tuple[str, ...] = policies.KNOWN_TYPES


def standard(policy_types: Iterable[str] | None = None) -> Rules:
    """Every rule of the simulated service; ``policy_types`` are the policy types its API has (by
    default every type the domain knows)."""
    return Rules(
        settle=(handshakes.settle, transfers.settle, account_creation.settle, closing.settle),
        leave_checks=(
            delegation.refuse_leaving_while_delegated,
            closing.refuse_leaving_while_closing,
            account_creation.check_wait_period,
        ),
        after_leave=(all_features.member_left, policies.member_left, delegation.member_left),
        invite_checks=(all_features.refuse_invites_while_pending,),
        answers={
            INVITE: invitations.InviteRules(),
            ENABLE_ALL_FEATURES: all_features.EnableAllFeaturesRules(),
            APPROVE_ALL_FEATURES: all_features.ApproveAllFeaturesRules(),
            TRANSFER_RESPONSIBILITY: transfers.TransferRules(),
        },
        taggable={
            ACCOUNT_KIND: tree.account_tags,
            "r-": tree.root_tags,
            "ou-": tree.organizational_unit_tags,
            "rt-": transfers.transfer_tags,
            "p-": policies.policy_tags,
            "rp-": delegation.resource_policy_tags,
        },
        delete_checks=(transfers.refuse_deletion_while_in_progress,),
        joined=(policies.account_joined,),
        parent_created=(policies.parent_created,),
        parent_deleted=(policies.parent_deleted,),
        grants=(delegation.grants,),
        policy_types=policies.KNOWN_TYPES if policy_types is None else tuple(policy_types),
    )
