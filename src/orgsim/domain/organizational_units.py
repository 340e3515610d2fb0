"""What callers do with the organization tree: OUs (create, rename, delete, describe), reading the
tree, and moving accounts (behaviour.md, "The organization tree" and "Moving accounts").

Only the management account may change the tree; it and the delegated administrators may read it
(behaviour.md, "Delegated administrators"). Other members are refused, standalone accounts are in
no organization.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from . import errors, tree
from .errors import Rejected
from .membership import administered_by, managed_by
from .model import Account, Children, Organization, OrganizationalUnit
from .store import World
from .tags import check_tags
from .tree import Parent


def create(
    world: World, caller: Account, parent_id: str, name: str, tags: Sequence[tuple[str, str]], now: dt.datetime
) -> OrganizationalUnit:
    """CreateOrganizationalUnit: a new OU under the root or an OU, last among its siblings."""
    check_tags(tags)
    org = managed_by(world, caller)
    parent = tree.find_parent(org, parent_id)
    if parent is None:
        raise errors.parent_not_found()
    if name in parent.children.names:
        raise errors.duplicate_organizational_unit()
    depth = tree.depth(parent) + 1
    limits = world.limits
    if depth > limits.max_organizational_unit_depth:
        raise errors.constraint(
            "OU_DEPTH_LIMIT_EXCEEDED",
            f"You can nest OUs at most {limits.max_organizational_unit_depth} levels deep.",
        )
    if len(org.organizational_units) >= limits.max_organizational_units:
        raise errors.constraint(
            "OU_NUMBER_LIMIT_EXCEEDED", f"An organization can have at most {limits.max_organizational_units} OUs."
        )
    ou_id = world.ids.organizational_unit_id(org.root.id)
    while ou_id in org.organizational_units:
        ou_id = world.ids.organizational_unit_id(org.root.id)
    ou = OrganizationalUnit(
        id=ou_id,
        arn=f"arn:aws:organizations::{org.management_account_id}:ou/{org.id}/{ou_id}",
        name=name,
        parent_id=parent.id,
        depth=depth,
        path=f"{parent.path}{ou_id}/",
        tags=dict(tags),
    )
    org.organizational_units[ou_id] = ou
    parent.children.organizational_units.add(ou_id, world.next_seq())
    parent.children.names[name] = ou_id
    for step in world.rules.parent_created:
        step(world, org, ou, now)
    return ou


def describe(world: World, caller: Account, ou_id: str) -> OrganizationalUnit:
    return _find(administered_by(world, caller, "DescribeOrganizationalUnit"), ou_id)


def rename(world: World, caller: Account, ou_id: str, name: str | None) -> OrganizationalUnit:
    """UpdateOrganizationalUnit. No name, or the OU's own, changes nothing."""
    org = managed_by(world, caller)
    ou = _find(org, ou_id)
    if name is None or name == ou.name:
        return ou
    siblings = _siblings(org, ou)
    if name in siblings.names:
        raise errors.duplicate_organizational_unit()
    del siblings.names[ou.name]
    siblings.names[name] = ou.id
    ou.name = name
    return ou


def delete(world: World, caller: Account, ou_id: str) -> None:
    """DeleteOrganizationalUnit: only an empty OU (no account, closed ones included, and no OU) goes;
    its tags go with it."""
    org = managed_by(world, caller)
    ou = _find(org, ou_id)
    if not ou.children.empty():
        raise Rejected(
            "OrganizationalUnitNotEmptyException",
            "The OU is not empty. Move its accounts elsewhere and delete its child OUs first.",
        )
    for step in world.rules.parent_deleted:
        step(world, org, ou)
    siblings = _siblings(org, ou)
    siblings.organizational_units.remove(ou.id)
    del siblings.names[ou.name]
    del org.organizational_units[ou.id]


def _find(org: Organization, ou_id: str) -> OrganizationalUnit:
    ou = org.organizational_units.get(ou_id)
    if ou is None:
        raise errors.organizational_unit_not_found()
    return ou


def _siblings(org: Organization, ou: OrganizationalUnit) -> Children:
    parent = tree.find_parent(org, ou.parent_id)
    assert parent is not None
    return parent.children


def children_of(world: World, caller: Account, parent_id: str, operation: str) -> tuple[Organization, Parent]:
    """The root or OU whose children a list (``operation``: ListChildren, ListAccountsForParent, ...) shows."""
    org = administered_by(world, caller, operation)
    parent = tree.find_parent(org, parent_id)
    if parent is None:
        raise errors.parent_not_found()
    return org, parent


def parent_of(world: World, caller: Account, child_id: str) -> Parent:
    """ListParents: where a member account or an OU is."""
    org = administered_by(world, caller, "ListParents")
    if child_id in org.members:
        return tree.parent_of_account(org, world.accounts[child_id])
    ou = org.organizational_units.get(child_id)
    if ou is None:
        raise errors.child_not_found()
    parent = tree.find_parent(org, ou.parent_id)
    assert parent is not None
    return parent


def move_account(world: World, caller: Account, account_id: str, source_id: str, destination_id: str) -> None:
    """MoveAccount. The checks come in this order: the account, the source, the destination, then
    whether the source is where the account is and the destination is somewhere else."""
    org = managed_by(world, caller)
    if account_id not in org.members:
        raise errors.account_not_found()
    source = tree.find_parent(org, source_id)
    if source is None:
        raise _source_not_found()
    destination = tree.find_parent(org, destination_id)
    if destination is None:
        raise Rejected(
            "DestinationParentNotFoundException",
            "We can't find the destination root or OU with the ParentId that you specified.",
        )
    account = world.accounts[account_id]
    if account.parent_id != source.id:
        raise _source_not_found()
    if destination is source:
        raise Rejected("DuplicateAccountException", "That account is already present in the specified destination.")
    tree.unplace(org, account)
    tree.place(world, account, destination)


def _source_not_found() -> Rejected:
    return Rejected(
        "SourceParentNotFoundException", "We can't find a source root or OU with the ParentId that you specified."
    )
