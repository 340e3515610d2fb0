"""The organization tree: its root, the OUs, where every member account is, and the paths.

Two indexes keep every question about the tree as cheap in a large organization as in a small one:
each root and OU holds its direct children (``Children``: accounts and OUs, in the order they
arrived), and each account and OU holds its parent's id. Nothing here checks who is asking; the
operations that do are in ``organizational_units`` (behaviour.md, "The organization tree").
"""

from __future__ import annotations

import datetime as dt

from .model import ALL, Account, Organization, OrganizationalUnit, Root
from .store import World

Parent = Root | OrganizationalUnit

SERVICE_CONTROL_POLICY = "SERVICE_CONTROL_POLICY"
ENABLED = "ENABLED"


def new_root(world: World, org_id: str, management_account_id: str, feature_set: str) -> Root:
    """The root of a new organization, with the policy types enabled on it at creation."""
    root_id = world.ids.root_id()
    return Root(
        id=root_id,
        arn=f"arn:aws:organizations::{management_account_id}:root/{org_id}/{root_id}",
        path=f"{org_id}/{root_id}/",
        policy_types=initial_policy_types(feature_set),
    )


def initial_policy_types(feature_set: str) -> dict[str, str]:
    """Service control policies start enabled on the root of an organization with all features, and
    nothing is enabled in one with consolidated billing only (behaviour.md, "The organization tree")."""
    return {SERVICE_CONTROL_POLICY: ENABLED} if feature_set == ALL else {}


def find_parent(org: Organization, parent_id: str | None) -> Parent | None:
    """The organization's root or OU with this id; None for any other id (another organization's too)."""
    if parent_id == org.root.id:
        return org.root
    if parent_id is None:
        return None
    return org.organizational_units.get(parent_id)


def parent_of_account(org: Organization, account: Account) -> Parent:
    """Where a member account is."""
    parent = find_parent(org, account.parent_id)
    assert parent is not None, f"{account.id} is in no root or OU of {org.id}"
    return parent


def place(world: World, account: Account, parent: Parent) -> None:
    """Put an account (in no root or OU yet) into ``parent``, last in its list of accounts."""
    parent.children.accounts.add(account.id, world.next_seq())
    account.parent_id = parent.id


def unplace(org: Organization, account: Account) -> None:
    """Take an account out of its root or OU."""
    parent_of_account(org, account).children.accounts.remove(account.id)
    account.parent_id = None


def account_path(org: Organization, account: Account) -> str:
    """``<org-id>/<root-id>/<ou-id>/.../<account-id>/``: where the account is."""
    return f"{parent_of_account(org, account).path}{account.id}/"


def depth(parent: Parent) -> int:
    """How deep ``parent`` is: 0 for the root, 1 for an OU right under it."""
    return parent.depth if isinstance(parent, OrganizationalUnit) else 0


# -- where each kind of taggable resource keeps its tags (composed in ``rules``) --------------------


def account_tags(world: World, org: Organization, resource_id: str, now: dt.datetime) -> dict[str, str] | None:
    """A member account's tags."""
    return world.accounts[resource_id].tags if resource_id in org.members else None


def root_tags(world: World, org: Organization, resource_id: str, now: dt.datetime) -> dict[str, str] | None:
    return org.root.tags if resource_id == org.root.id else None


def organizational_unit_tags(world: World, org: Organization, resource_id: str, now: dt.datetime) -> dict[str, str] | None:
    ou = org.organizational_units.get(resource_id)
    return None if ou is None else ou.tags
