"""Organizations and who belongs to them: create and delete, join and part, leave and remove.

Who may do what follows the roles of (behaviour.md, "Who may call what"): the management account
manages, members belong, standalone accounts belong to nothing. A delegated administrator is a
member that may also read what the management account reads, and a delegation policy may let a
member make some of the management account's calls (``administered_by``, ``authorize``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from . import errors, tree
from .errors import Rejected
from .model import ALL, CANCELED, EXPIRED, INVITED, LIVE_STATES, Account, Organization, Request
from .store import World

#: The reads a delegated administrator may make, besides the ones every member may make
#: (behaviour.md, "Delegated administrators").
DELEGATED_READS = frozenset(
    {
        "DescribeAccount",
        "DescribeCreateAccountStatus",
        "DescribeOrganizationalUnit",
        "DescribePolicy",
        "DescribeResourcePolicy",
        "ListAWSServiceAccessForOrganization",
        "ListAccounts",
        "ListAccountsForParent",
        "ListAccountsWithInvalidEffectivePolicy",
        "ListChildren",
        "ListCreateAccountStatus",
        "ListDelegatedAdministrators",
        "ListDelegatedServicesForAccount",
        "ListEffectivePolicyValidationErrors",
        "ListHandshakesForOrganization",
        "ListOrganizationalUnitsForParent",
        "ListParents",
        "ListPolicies",
        "ListPoliciesForTarget",
        "ListRoots",
        "ListTagsForResource",
        "ListTargetsForPolicy",
    }
)
#: The writes a delegation policy may grant a member (behaviour.md, "Delegation policies").
DELEGABLE_WRITES = frozenset(
    {
        "AttachPolicy",
        "CreatePolicy",
        "DeletePolicy",
        "DetachPolicy",
        "DisablePolicyType",
        "EnablePolicyType",
        "TagResource",
        "UntagResource",
        "UpdatePolicy",
    }
)


def organization_of(world: World, account: Account) -> Organization:
    """The caller's organization; standalone callers get ``AWSOrganizationsNotInUseException``."""
    if account.org_id is None:
        raise errors.not_in_use()
    return world.organizations[account.org_id]


def managed_by(world: World, account: Account) -> Organization:
    """The organization ``account`` manages; members are refused, standalone accounts too."""
    org = organization_of(world, account)
    if org.management_account_id != account.id:
        raise errors.access_denied()
    return org


def administered_by(world: World, account: Account, action: str) -> Organization:
    """The organization whose management account, or a member allowed to make this call, ``account``
    is: a delegated administrator for the reads, or a member a delegation policy names for
    ``action`` (judged here by the caller and the action only; ``authorize`` judges the rest once
    what the call names is found). Others are refused; standalone accounts too."""
    org = organization_of(world, account)
    if org.management_account_id == account.id:
        return org
    if action in DELEGATED_READS and account.id in org.delegated_administrators:
        return org
    request = Request(action)
    if any(grant(world, org, account, request) for grant in world.rules.grants):
        return org
    raise errors.access_denied()


def authorize(world: World, org: Organization, account: Account, request: Request) -> None:
    """Refuse a member whose delegation does not cover what the call names (the management account
    may do anything ``administered_by`` let it start)."""
    if org.management_account_id == account.id:
        return
    if not any(grant(world, org, account, request) for grant in world.rules.grants):
        raise errors.access_denied()


def is_administrator(org: Organization, account: Account) -> bool:
    """The management account, or a registered delegated administrator."""
    return org.management_account_id == account.id or account.id in org.delegated_administrators


def member_accounts(world: World, org: Organization) -> Iterable[Account]:
    """The members, the management account included, in the order they joined."""
    accounts = world.accounts
    return (accounts[i] for i in org.members)


def describe_account(world: World, caller: Account, account_id: str) -> tuple[Account, Organization]:
    org = administered_by(world, caller, "DescribeAccount")
    if account_id not in org.members:
        raise errors.account_not_found()
    return world.accounts[account_id], org


def create_organization(world: World, caller: Account, feature_set: str | None, now: dt.datetime) -> Organization:
    if caller.org_id is not None:
        raise Rejected(
            "AlreadyInOrganizationException",
            "This account is already a member of an organization. An account can belong to only one organization at a time.",
        )
    org_id = world.ids.organization_id()
    feature_set = feature_set or ALL
    root = tree.new_root(world, org_id, caller.id, feature_set)
    org = Organization(
        id=org_id,
        arn=f"arn:aws:organizations::{caller.id}:organization/{org_id}",
        root_id=root.id,
        feature_set=feature_set,
        management_account_id=caller.id,
        root=root,
    )
    world.organizations[org_id] = org
    for step in world.rules.parent_created:
        step(world, org, root, now)
    # The management account is listed as INVITED, as in the service's own examples
    # (behaviour.md, "Who may call what").
    join(world, caller, org, INVITED, now)
    return org


def delete_organization(world: World, caller: Account, now: dt.datetime) -> None:
    """DeleteOrganization: refused while other accounts belong to it; its live handshakes end
    (behaviour.md, "Who may call what")."""
    org = managed_by(world, caller)
    if len(org.members) > 1:
        raise Rejected(
            "OrganizationNotEmptyException",
            "The organization still contains accounts other than the management account. Remove them first.",
        )
    for check in world.rules.delete_checks:
        check(world, org, now)
    for handshake in world.live_sent(org.id):
        if handshake.state(now) == EXPIRED:
            # It stays expired for good: moving the clock back must not revive an invitation
            # from an organization that no longer exists (behaviour.md, "Time").
            world.end(handshake, EXPIRED, handshake.expires_at)
        else:
            world.end(handshake, CANCELED, now)
    # Its root, OUs and their tags go with it.
    part(world, caller, org)
    world.forget_shared(org)
    del world.organizations[org.id]


def join(world: World, account: Account, org: Organization, method: str, now: dt.datetime) -> None:
    """Make ``account`` a member of ``org``, directly in its root."""
    account.org_id = org.id
    account.joined_method = method
    account.joined_at = now
    account.join_seq = world.next_seq()
    org.members.add(account.id, account.join_seq)
    tree.place(world, account, org.root)
    for step in world.rules.joined:
        step(world, account, org, now)


def part(world: World, account: Account, org: Organization) -> None:
    """Take ``account`` out of ``org`` and its root or OU: it is standalone again and its tags are gone
    (behaviour.md, "Tags")."""
    tree.unplace(org, account)
    org.members.remove(account.id)
    account.org_id = None
    account.joined_method = None
    account.joined_at = None
    account.tags.clear()


def leave(world: World, caller: Account, now: dt.datetime) -> None:
    org = organization_of(world, caller)
    if org.management_account_id == caller.id:
        raise Rejected(
            "MasterCannotLeaveOrganizationException",
            "You can't remove a management account from an organization. Delete the organization instead.",
        )
    _part_member(world, caller, org, now)


def remove(world: World, caller: Account, account_id: str, now: dt.datetime) -> None:
    """RemoveAccountFromOrganization. The management account is refused with a constraint, not
    with the error LeaveOrganization gives it (behaviour.md, "Who may call what")."""
    org = managed_by(world, caller)
    if account_id == org.management_account_id:
        raise errors.constraint(
            "ACCOUNT_CANNOT_LEAVE_ORGANIZATION",
            "You attempted to remove the management account from the organization.",
        )
    if account_id not in org.members:
        raise errors.account_not_found()
    _part_member(world, world.accounts[account_id], org, now)


def _part_member(world: World, account: Account, org: Organization, now: dt.datetime) -> None:
    for check in world.rules.leave_checks:
        check(world, account, org, now)
    depart(world, account, org, now)


def depart(world: World, account: Account, org: Organization, now: dt.datetime) -> None:
    """A member leaves ``org`` (it left, was removed, or its closure ended), with what follows from that."""
    part(world, account, org)
    for hook in world.rules.after_leave:
        hook(world, account, org, now)
