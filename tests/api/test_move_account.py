"""MoveAccount: the order of its checks and what a move changes (behaviour.md, "Moving accounts")."""

from __future__ import annotations

from typing import Any

import pytest

import orgsim
from support import ACCOUNT_MEMBERS, World, aws_error


@pytest.fixture
def tree(world: World) -> dict[str, str]:
    """A root with two OUs and a member in the root."""
    (root,) = world.mgmt.list_roots()["Roots"]
    ids = {"root": root["Id"], "member": world.join()}
    for name in ("prod", "dev"):
        ids[name] = world.mgmt.create_organizational_unit(ParentId=root["Id"], Name=name)["OrganizationalUnit"]["Id"]
    return ids


def move(world: World, account: str, source: str, destination: str) -> dict[str, Any]:
    return world.mgmt.move_account(AccountId=account, SourceParentId=source, DestinationParentId=destination)  # type: ignore[no-any-return]


def test_a_move_shows_everywhere_at_once(world: World, tree: dict[str, str]) -> None:
    member = tree["member"]
    world.mgmt.tag_resource(ResourceId=member, Tags=[{"Key": "team", "Value": "a"}])
    answer = move(world, member, tree["root"], tree["prod"])
    assert set(answer) == {"ResponseMetadata"}  # no output

    assert world.mgmt.list_parents(ChildId=member)["Parents"] == [{"Id": tree["prod"], "Type": "ORGANIZATIONAL_UNIT"}]
    assert [c["Id"] for c in world.mgmt.list_children(ParentId=tree["prod"], ChildType="ACCOUNT")["Children"]] == [member]
    assert member not in [c["Id"] for c in world.mgmt.list_children(ParentId=tree["root"], ChildType="ACCOUNT")["Children"]]
    (listed,) = world.mgmt.list_accounts_for_parent(ParentId=tree["prod"])["Accounts"]
    assert listed["Id"] == member
    if "Paths" in ACCOUNT_MEMBERS:
        assert listed["Paths"] == [f"{world.org['Id']}/{tree['root']}/{tree['prod']}/{member}/"]
    # Tags stay.
    assert world.mgmt.list_tags_for_resource(ResourceId=member)["Tags"] == [{"Key": "team", "Value": "a"}]

    move(world, member, tree["prod"], tree["dev"])
    move(world, member, tree["dev"], tree["root"])
    assert world.mgmt.list_parents(ChildId=member)["Parents"] == [{"Id": tree["root"], "Type": "ROOT"}]


def test_the_management_account_may_be_moved(world: World, tree: dict[str, str]) -> None:
    move(world, world.mgmt_id, tree["root"], tree["prod"])
    assert world.mgmt.list_parents(ChildId=world.mgmt_id)["Parents"][0]["Id"] == tree["prod"]
    # It still manages the organization.
    assert world.mgmt.describe_organization()["Organization"]["MasterAccountId"] == world.mgmt_id


def test_the_checks_come_in_order(orgsim: orgsim.Simulation, world: World, tree: dict[str, str]) -> None:
    member, root, prod, dev = tree["member"], tree["root"], tree["prod"], tree["dev"]
    stranger = orgsim.seed_account().id
    unknown = "ou-zzzz-zzzzzzzz"
    # 1. Patterns, before anything else.
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_PATTERN"):
        move(world, "12345", unknown, unknown)
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_PATTERN"):
        move(world, stranger, "root", unknown)
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_PATTERN"):
        move(world, stranger, unknown, member)
    # 2. The account must be a member, whatever the parents say.
    with aws_error(world.mgmt, "AccountNotFoundException"):
        move(world, stranger, unknown, unknown)
    # 3. The source must be a root or OU of the organization ...
    with aws_error(world.mgmt, "SourceParentNotFoundException"):
        move(world, member, unknown, unknown)
    # 4. ... then the destination ...
    with aws_error(world.mgmt, "DestinationParentNotFoundException"):
        move(world, member, prod, unknown)
    # 5. ... then the source must be where the account is ...
    with aws_error(world.mgmt, "SourceParentNotFoundException"):
        move(world, member, prod, root)
    with aws_error(world.mgmt, "SourceParentNotFoundException"):
        move(world, member, prod, prod)
    # 6. ... and the destination somewhere else.
    with aws_error(world.mgmt, "DuplicateAccountException"):
        move(world, member, root, root)
    assert world.mgmt.list_parents(ChildId=member)["Parents"][0]["Id"] == root
    # Only the management account moves accounts.
    with aws_error(world.client(member), "AccessDeniedException"):
        world.client(member).move_account(AccountId=member, SourceParentId=root, DestinationParentId=dev)
    with aws_error(world.client(stranger), "AWSOrganizationsNotInUseException"):
        world.client(stranger).move_account(AccountId=member, SourceParentId=root, DestinationParentId=dev)


def test_another_organizations_parents_are_not_found(orgsim: orgsim.Simulation, world: World, tree: dict[str, str]) -> None:
    other = orgsim.session("999999999999").client("organizations")
    other.create_organization()
    (their_root,) = other.list_roots()["Roots"]
    theirs = other.create_organizational_unit(ParentId=their_root["Id"], Name="prod")["OrganizationalUnit"]["Id"]
    with aws_error(world.mgmt, "SourceParentNotFoundException"):
        move(world, tree["member"], theirs, tree["prod"])
    with aws_error(world.mgmt, "DestinationParentNotFoundException"):
        move(world, tree["member"], tree["root"], theirs)
    # Nor can anyone move another organization's account.
    with aws_error(other, "AccountNotFoundException"):
        other.move_account(AccountId=tree["member"], SourceParentId=tree["root"], DestinationParentId=theirs)
