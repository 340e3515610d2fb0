"""The rule set a ``World`` follows, composed in this one place.

Each area of the service adds steps to shared moments (every call, a member leaving, an invitation
being sent) and rules for the handshakes it sends. They are listed here, in the order they run, so
that a reader sees every rule the simulation applies, and a world built from the domain alone
(``World(ids, limits, standard())``) is the same world the service uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from . import account_creation, all_features, closing, handshakes, invitations, transfers, tree
from .handshakes import ResponseRules
from .model import APPROVE_ALL_FEATURES, ENABLE_ALL_FEATURES, INVITE, TRANSFER_RESPONSIBILITY, Account, Organization
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


def standard() -> Rules:
    """Every rule of the simulated service."""
    return Rules(
        settle=(handshakes.settle, transfers.settle, account_creation.settle, closing.settle),
        leave_checks=(closing.refuse_leaving_while_closing, account_creation.check_wait_period),
        after_leave=(all_features.member_left,),
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
        },
        delete_checks=(transfers.refuse_deletion_while_in_progress,),
    )
