"""The organization tree: ListRoots, the OU operations, ListChildren, ListParents, ListAccountsForParent
and where accounts are through their lifecycle (structure spec sections 0-3 and 6)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.config import Config

import orgsim
from orgsim.service.botocore_model import member_names
from support import ACCOUNT_MEMBERS, World, aws_error

#: Older botocore models have no OrganizationalUnit.Path.
OU_HAS_PATH = "Path" in member_names("organizations", "OrganizationalUnit")

ROOT_ID = re.compile(r"^r-[0-9a-z]{4}$")
OU_ID = re.compile(r"^ou-(?P<root>[0-9a-z]{4})-[0-9a-z]{8}$")
UNKNOWN_OU = "ou-zzzz-zzzzzzzz"
UNKNOWN_ROOT = "r-zzzz"
MANY = pytest.mark.orgsim(max_accounts=40, max_invitations_per_day=100)


def root_of(world: World) -> dict[str, Any]:
    (root,) = world.mgmt.list_roots()["Roots"]
    return root  # type: ignore[no-any-return]


def create_ou(world: World, parent_id: str, name: str, **kwargs: Any) -> dict[str, Any]:
    return world.mgmt.create_organizational_unit(ParentId=parent_id, Name=name, **kwargs)["OrganizationalUnit"]  # type: ignore[no-any-return]


def parent_of(world: World, child_id: str) -> dict[str, str]:
    (parent,) = world.mgmt.list_parents(ChildId=child_id)["Parents"]
    return parent  # type: ignore[no-any-return]


def children(world: World, parent_id: str, child_type: str = "ACCOUNT") -> list[str]:
    pages = world.mgmt.get_paginator("list_children").paginate(ParentId=parent_id, ChildType=child_type)
    found = [c for page in pages for c in page["Children"]]
    assert all(c["Type"] == child_type for c in found)
    return [c["Id"] for c in found]


def expect_path(account: dict[str, Any], path: str) -> None:
    """``Paths`` where the installed model has it; older models know no such member."""
    if "Paths" in ACCOUNT_MEMBERS:
        assert account["Paths"] == [path]
    else:
        assert "Paths" not in account


def path_of(world: World, account_id: str) -> str:
    """Where the account is, as ``Paths`` shows it, worked out from ListParents (every model has it)."""
    steps = [account_id]
    child = account_id
    while True:
        parent = parent_of(world, child)
        steps.append(parent["Id"])
        if parent["Type"] == "ROOT":
            break
        child = parent["Id"]
    return "/".join([world.org["Id"], *reversed(steps)]) + "/"


# -- roots -------------------------------------------------------------------------------------------


def test_an_organization_has_one_root_made_with_it(world: World) -> None:
    root = root_of(world)
    assert ROOT_ID.match(root["Id"])
    assert root["Name"] == "Root"
    assert root["Arn"] == f"arn:aws:organizations::{world.mgmt_id}:root/{world.org['Id']}/{root['Id']}"
    # Service control policies start enabled in an organization with all features.
    assert root["PolicyTypes"] == [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
    # The management account is in it.
    assert children(world, root["Id"]) == [world.mgmt_id]
    assert parent_of(world, world.mgmt_id) == {"Id": root["Id"], "Type": "ROOT"}
    expect_path(world.mgmt.describe_account(AccountId=world.mgmt_id)["Account"], f"{world.org['Id']}/{root['Id']}/{world.mgmt_id}/")


def test_consolidated_billing_enables_no_policy_type_and_all_features_changes_nothing(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim, "CONSOLIDATED_BILLING")
    assert root_of(world)["PolicyTypes"] == []
    # With no invited member, the request is OPEN at once; accepting it finishes the migration.
    parent = world.mgmt.enable_all_features()["Handshake"]
    world.mgmt.accept_handshake(HandshakeId=parent["Id"])
    assert world.mgmt.describe_organization()["Organization"]["FeatureSet"] == "ALL"
    assert root_of(world)["PolicyTypes"] == []


def test_each_organization_has_its_own_root(orgsim: orgsim.Simulation) -> None:
    first = World.build(orgsim)
    other = orgsim.session("999999999999").client("organizations")
    other.create_organization()
    (theirs,) = other.list_roots()["Roots"]
    assert theirs["Arn"].startswith("arn:aws:organizations::999999999999:root/o-")
    assert theirs["Arn"] != root_of(first)["Arn"]


def test_list_roots_pages_and_tokens(world: World) -> None:
    pages = list(world.mgmt.get_paginator("list_roots").paginate(PaginationConfig={"PageSize": 1}))
    assert [len(p["Roots"]) for p in pages] == [1]
    assert "NextToken" not in pages[0]
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_NEXT_TOKEN"):
        world.mgmt.list_roots(NextToken="not-a-token")
    with aws_error(world.mgmt, "InvalidInputException", "MAX_VALUE_EXCEEDED"):
        world.mgmt.list_roots(MaxResults=21)


# -- creating, describing, renaming and deleting OUs ----------------------------------------------------


def test_create_an_ou_under_the_root_and_under_an_ou(world: World) -> None:
    root = root_of(world)
    prod = create_ou(world, root["Id"], "Prod")
    match = OU_ID.match(prod["Id"])
    assert match and match["root"] == root["Id"][2:]
    org_id = world.org["Id"]
    expected = {
        "Id": prod["Id"],
        "Arn": f"arn:aws:organizations::{world.mgmt_id}:ou/{org_id}/{prod['Id']}",
        "Name": "Prod",
        "Path": f"{org_id}/{root['Id']}/{prod['Id']}/",
    }
    if not OU_HAS_PATH:
        del expected["Path"]
    assert prod == expected
    team = create_ou(world, prod["Id"], "Team \u2728 / with any characters")
    if OU_HAS_PATH:
        assert team["Path"] == f"{org_id}/{root['Id']}/{prod['Id']}/{team['Id']}/"
    else:
        assert "Path" not in team
    assert world.mgmt.describe_organizational_unit(OrganizationalUnitId=team["Id"])["OrganizationalUnit"] == team
    assert parent_of(world, team["Id"]) == {"Id": prod["Id"], "Type": "ORGANIZATIONAL_UNIT"}
    assert parent_of(world, prod["Id"]) == {"Id": root["Id"], "Type": "ROOT"}


def test_ou_ids_are_unique(world: World) -> None:
    root_id = root_of(world)["Id"]
    ids = {create_ou(world, root_id, f"OU {n}")["Id"] for n in range(30)}
    assert len(ids) == 30


def test_sibling_names_are_unique_exactly(world: World) -> None:
    root_id = root_of(world)["Id"]
    prod = create_ou(world, root_id, "Prod")
    with aws_error(world.mgmt, "DuplicateOrganizationalUnitException"):
        create_ou(world, root_id, "Prod")
    # Case matters, and another parent may reuse the name.
    create_ou(world, root_id, "prod")
    create_ou(world, prod["Id"], "Prod")
    assert len(children(world, root_id, "ORGANIZATIONAL_UNIT")) == 2


def test_parent_must_be_a_root_or_ou_of_the_organization(orgsim: orgsim.Simulation, world: World) -> None:
    other = orgsim.session("999999999999").client("organizations")
    other.create_organization()
    (their_root,) = other.list_roots()["Roots"]
    their_ou = other.create_organizational_unit(ParentId=their_root["Id"], Name="Theirs")["OrganizationalUnit"]
    my_root = root_of(world)["Id"]
    for parent_id in (UNKNOWN_ROOT, UNKNOWN_OU, their_ou["Id"], f"ou-{my_root[2:]}-zzzzzzzz"):
        with aws_error(world.mgmt, "ParentNotFoundException"):
            create_ou(world, parent_id, "Lost")
    if their_root["Id"] != my_root:
        with aws_error(world.mgmt, "ParentNotFoundException"):
            create_ou(world, their_root["Id"], "Lost")
    for malformed in ("r-AB12", "ou-abcd", "123456789012", "r-abcd/ou-abcd-abcdefgh", "ou-abcd-abcdefgh "):
        with aws_error(world.mgmt, "InvalidInputException", "INVALID_PATTERN"):
            create_ou(world, malformed, "Lost")
    assert children(world, my_root, "ORGANIZATIONAL_UNIT") == []


def test_ous_nest_five_levels_deep(world: World) -> None:
    parent = root_of(world)["Id"]
    for level in range(1, 6):
        parent = create_ou(world, parent, f"Level {level}")["Id"]
    with aws_error(world.mgmt, "ConstraintViolationException", "OU_DEPTH_LIMIT_EXCEEDED"):
        create_ou(world, parent, "Level 6")
    assert children(world, parent, "ORGANIZATIONAL_UNIT") == []
    # An account can still live at the deepest level.
    member = world.join()
    world.mgmt.move_account(AccountId=member, SourceParentId=root_of(world)["Id"], DestinationParentId=parent)
    assert path_of(world, member).count("/ou-") == 5


def test_an_organization_holds_at_most_1000_ous(world: World) -> None:
    root_id = root_of(world)["Id"]
    first = create_ou(world, root_id, "Parent")["Id"]
    for n in range(999):
        create_ou(world, first if n % 2 else root_id, f"OU {n}")
    with aws_error(world.mgmt, "ConstraintViolationException", "OU_NUMBER_LIMIT_EXCEEDED"):
        create_ou(world, first, "One too many")
    # Room again once one is deleted.
    world.mgmt.delete_organizational_unit(OrganizationalUnitId=children(world, first, "ORGANIZATIONAL_UNIT")[0])
    create_ou(world, first, "One too many")


def test_the_limits_are_checked_in_order(world: World) -> None:
    # Parent first, then the name, then the depth.
    parent = root_of(world)["Id"]
    for level in range(1, 6):
        parent = create_ou(world, parent, "Same")["Id"]
    with aws_error(world.mgmt, "ParentNotFoundException"):
        create_ou(world, UNKNOWN_OU, "Same")
    create_ou_under_deepest = world.mgmt.list_parents(ChildId=parent)["Parents"][0]["Id"]
    with aws_error(world.mgmt, "DuplicateOrganizationalUnitException"):
        create_ou(world, create_ou_under_deepest, "Same")
    with aws_error(world.mgmt, "ConstraintViolationException", "OU_DEPTH_LIMIT_EXCEEDED"):
        create_ou(world, parent, "Same")


def test_rename_an_ou(world: World) -> None:
    root_id = root_of(world)["Id"]
    prod = create_ou(world, root_id, "Prod")
    create_ou(world, root_id, "Dev")
    child = create_ou(world, prod["Id"], "Child")
    renamed = world.mgmt.update_organizational_unit(OrganizationalUnitId=prod["Id"], Name="Production")
    assert renamed["OrganizationalUnit"] == {**prod, "Name": "Production"}
    assert children(world, prod["Id"], "ORGANIZATIONAL_UNIT") == [child["Id"]]
    # The old name is free again; a sibling's is not.
    create_ou(world, root_id, "Prod")
    with aws_error(world.mgmt, "DuplicateOrganizationalUnitException"):
        world.mgmt.update_organizational_unit(OrganizationalUnitId=prod["Id"], Name="Dev")
    # Its own name, or no name at all: success, nothing changes.
    same = world.mgmt.update_organizational_unit(OrganizationalUnitId=prod["Id"], Name="Production")
    assert same["OrganizationalUnit"]["Name"] == "Production"
    unnamed = world.mgmt.update_organizational_unit(OrganizationalUnitId=prod["Id"])
    assert unnamed["OrganizationalUnit"] == {**prod, "Name": "Production"}
    with aws_error(world.mgmt, "OrganizationalUnitNotFoundException"):
        world.mgmt.update_organizational_unit(OrganizationalUnitId=UNKNOWN_OU, Name="X")


def test_delete_only_an_empty_ou(world: World) -> None:
    root_id = root_of(world)["Id"]
    prod = create_ou(world, root_id, "Prod", Tags=[{"Key": "env", "Value": "prod"}])
    child = create_ou(world, prod["Id"], "Child")
    with aws_error(world.mgmt, "OrganizationalUnitNotEmptyException"):
        world.mgmt.delete_organizational_unit(OrganizationalUnitId=prod["Id"])
    member = world.join()
    world.mgmt.move_account(AccountId=member, SourceParentId=root_id, DestinationParentId=child["Id"])
    with aws_error(world.mgmt, "OrganizationalUnitNotEmptyException"):
        world.mgmt.delete_organizational_unit(OrganizationalUnitId=child["Id"])
    world.mgmt.move_account(AccountId=member, SourceParentId=child["Id"], DestinationParentId=root_id)

    deleted = world.mgmt.delete_organizational_unit(OrganizationalUnitId=child["Id"])
    assert set(deleted) == {"ResponseMetadata"}
    world.mgmt.delete_organizational_unit(OrganizationalUnitId=prod["Id"])
    for gone in (prod["Id"], child["Id"]):
        with aws_error(world.mgmt, "OrganizationalUnitNotFoundException"):
            world.mgmt.describe_organizational_unit(OrganizationalUnitId=gone)
        with aws_error(world.mgmt, "OrganizationalUnitNotFoundException"):
            world.mgmt.delete_organizational_unit(OrganizationalUnitId=gone)
        with aws_error(world.mgmt, "TargetNotFoundException"):
            world.mgmt.list_tags_for_resource(ResourceId=gone)  # its tags went with it
        with aws_error(world.mgmt, "ChildNotFoundException"):
            world.mgmt.list_parents(ChildId=gone)
    assert children(world, root_id, "ORGANIZATIONAL_UNIT") == []
    # The name can be used again.
    create_ou(world, root_id, "Prod")


def test_describe_an_unknown_ou(world: World) -> None:
    with aws_error(world.mgmt, "OrganizationalUnitNotFoundException"):
        world.mgmt.describe_organizational_unit(OrganizationalUnitId=UNKNOWN_OU)
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_PATTERN"):
        world.mgmt.describe_organizational_unit(OrganizationalUnitId="r-abcd")


# -- reading the tree ----------------------------------------------------------------------------------


def test_lists_show_direct_children_only(world: World) -> None:
    root_id = root_of(world)["Id"]
    prod = create_ou(world, root_id, "Prod")
    team = create_ou(world, prod["Id"], "Team")
    in_root, in_prod, in_team = world.join(), world.join(), world.join()
    world.mgmt.move_account(AccountId=in_prod, SourceParentId=root_id, DestinationParentId=prod["Id"])
    world.mgmt.move_account(AccountId=in_team, SourceParentId=root_id, DestinationParentId=team["Id"])

    assert children(world, root_id) == [world.mgmt_id, in_root]
    assert children(world, root_id, "ORGANIZATIONAL_UNIT") == [prod["Id"]]
    assert children(world, prod["Id"]) == [in_prod]
    assert children(world, prod["Id"], "ORGANIZATIONAL_UNIT") == [team["Id"]]
    assert children(world, team["Id"]) == [in_team]
    assert children(world, team["Id"], "ORGANIZATIONAL_UNIT") == []

    listed = world.mgmt.list_organizational_units_for_parent(ParentId=prod["Id"])["OrganizationalUnits"]
    assert listed == [team]
    for parent_id, expected in ((root_id, [world.mgmt_id, in_root]), (prod["Id"], [in_prod]), (team["Id"], [in_team])):
        accounts = world.mgmt.list_accounts_for_parent(ParentId=parent_id)["Accounts"]
        assert [a["Id"] for a in accounts] == expected
        # Full Account objects, like DescribeAccount's.
        for account in accounts:
            assert account == world.mgmt.describe_account(AccountId=account["Id"])["Account"]
    # ListAccounts stays flat, OU accounts included.
    assert {a["Id"] for a in world.mgmt.list_accounts()["Accounts"]} == {world.mgmt_id, in_root, in_prod, in_team}


def test_paths_and_parents_agree(world: World) -> None:
    root_id = root_of(world)["Id"]
    prod = create_ou(world, root_id, "Prod")
    team = create_ou(world, prod["Id"], "Team")
    member = world.join()
    world.mgmt.move_account(AccountId=member, SourceParentId=root_id, DestinationParentId=team["Id"])
    expected = f"{world.org['Id']}/{root_id}/{prod['Id']}/{team['Id']}/{member}/"
    assert path_of(world, member) == expected
    expect_path(world.mgmt.describe_account(AccountId=member)["Account"], expected)
    (listed,) = [a for a in world.mgmt.list_accounts()["Accounts"] if a["Id"] == member]
    expect_path(listed, expected)


def test_unknown_parents_and_children(orgsim: orgsim.Simulation, world: World) -> None:
    stranger = orgsim.seed_account().id
    for call in (
        lambda p: world.mgmt.list_children(ParentId=p, ChildType="ACCOUNT"),
        lambda p: world.mgmt.list_organizational_units_for_parent(ParentId=p),
        lambda p: world.mgmt.list_accounts_for_parent(ParentId=p),
    ):
        for parent_id in (UNKNOWN_ROOT, UNKNOWN_OU):
            with aws_error(world.mgmt, "ParentNotFoundException"):
                call(parent_id)
    for child_id in (UNKNOWN_OU, stranger, "999999999999"):
        with aws_error(world.mgmt, "ChildNotFoundException"):
            world.mgmt.list_parents(ChildId=child_id)
    # A root is never a child.
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_PATTERN"):
        world.mgmt.list_parents(ChildId=root_of(world)["Id"])


def test_child_type_must_be_one_of_the_enum(orgsim: orgsim.Simulation, world: World) -> None:
    unchecked = orgsim.session(world.mgmt_id).client("organizations", config=Config(parameter_validation=False))
    with aws_error(unchecked, "InvalidInputException", "INVALID_ENUM"):
        unchecked.list_children(ParentId=root_of(world)["Id"], ChildType="ROOT")


@MANY
def test_every_list_paginator_works(world: World) -> None:
    root_id = root_of(world)["Id"]
    prod = create_ou(world, root_id, "Prod")
    ous = [create_ou(world, prod["Id"], f"Team {n}")["Id"] for n in range(7)]
    members = [world.join() for _ in range(9)]
    for member in members[:5]:
        world.mgmt.move_account(AccountId=member, SourceParentId=root_id, DestinationParentId=prod["Id"])

    def paginate(name: str, key: str, size: int | None, **kwargs: Any) -> list[list[Any]]:
        config = {} if size is None else {"PaginationConfig": {"PageSize": size}}
        return [page[key] for page in world.mgmt.get_paginator(name).paginate(**kwargs, **config)]

    pages = paginate("list_children", "Children", 2, ParentId=prod["Id"], ChildType="ORGANIZATIONAL_UNIT")
    assert [len(p) for p in pages] == [2, 2, 2, 1]
    assert [c["Id"] for p in pages for c in p] == ous
    pages = paginate("list_children", "Children", 3, ParentId=prod["Id"], ChildType="ACCOUNT")
    assert [c["Id"] for p in pages for c in p] == members[:5]
    pages = paginate("list_organizational_units_for_parent", "OrganizationalUnits", 3, ParentId=prod["Id"])
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [o["Id"] for p in pages for o in p] == ous
    pages = paginate("list_accounts_for_parent", "Accounts", 2, ParentId=root_id)
    assert [a["Id"] for p in pages for a in p] == [world.mgmt_id, *members[5:]]
    assert [len(p) for p in pages] == [2, 2, 1]
    pages = paginate("list_parents", "Parents", 1, ChildId=members[0])
    assert pages == [[{"Id": prod["Id"], "Type": "ORGANIZATIONAL_UNIT"}]]
    pages = paginate("list_roots", "Roots", 1)
    assert [[r["Id"] for r in p] for p in pages] == [[root_id]]
    pages = paginate("list_tags_for_resource", "Tags", None, ResourceId=members[0])
    assert pages == [[]]


@MANY
def test_a_page_skips_nobody_when_children_move_between_pages(world: World) -> None:
    root_id = root_of(world)["Id"]
    prod = create_ou(world, root_id, "Prod")["Id"]
    members = [world.join() for _ in range(6)]
    first = world.mgmt.list_children(ParentId=root_id, ChildType="ACCOUNT", MaxResults=3)
    assert [c["Id"] for c in first["Children"]] == [world.mgmt_id, *members[:2]]
    # One already listed leaves, one not yet listed leaves, one comes back at the end.
    world.mgmt.move_account(AccountId=members[0], SourceParentId=root_id, DestinationParentId=prod)
    world.mgmt.move_account(AccountId=members[3], SourceParentId=root_id, DestinationParentId=prod)
    world.mgmt.move_account(AccountId=members[0], SourceParentId=prod, DestinationParentId=root_id)
    rest = world.mgmt.list_children(ParentId=root_id, ChildType="ACCOUNT", NextToken=first["NextToken"], MaxResults=20)
    assert [c["Id"] for c in rest["Children"]] == [members[2], members[4], members[5], members[0]]
    assert "NextToken" not in rest


def test_a_token_belongs_to_its_listing(world: World) -> None:
    root_id = root_of(world)["Id"]
    prod = create_ou(world, root_id, "Prod")["Id"]
    for n in range(3):
        create_ou(world, root_id, f"OU {n}")
    token = world.mgmt.list_children(ParentId=root_id, ChildType="ORGANIZATIONAL_UNIT", MaxResults=1)["NextToken"]
    for other in (
        lambda: world.mgmt.list_children(ParentId=root_id, ChildType="ACCOUNT", NextToken=token),
        lambda: world.mgmt.list_children(ParentId=prod, ChildType="ORGANIZATIONAL_UNIT", NextToken=token),
        lambda: world.mgmt.list_organizational_units_for_parent(ParentId=root_id, NextToken=token),
        lambda: world.mgmt.list_parents(ChildId=prod, NextToken=token),
    ):
        with aws_error(world.mgmt, "InvalidInputException", "INVALID_NEXT_TOKEN"):
            other()


# -- where accounts are through their lifecycle -----------------------------------------------------------


def test_members_start_in_the_root_and_leave_their_ou_when_they_go(orgsim: orgsim.Simulation, world: World) -> None:
    root_id = root_of(world)["Id"]
    prod = create_ou(world, root_id, "Prod")["Id"]
    member = world.join()
    assert parent_of(world, member) == {"Id": root_id, "Type": "ROOT"}
    world.mgmt.move_account(AccountId=member, SourceParentId=root_id, DestinationParentId=prod)
    world.mgmt.tag_resource(ResourceId=member, Tags=[{"Key": "team", "Value": "a"}])

    world.client(member).leave_organization()
    assert children(world, prod) == []
    assert member not in children(world, root_id)
    with aws_error(world.mgmt, "ChildNotFoundException"):
        world.mgmt.list_parents(ChildId=member)
    with aws_error(world.mgmt, "TargetNotFoundException"):
        world.mgmt.list_tags_for_resource(ResourceId=member)
    assert orgsim.account(member).parent_id is None
    assert dict(orgsim.account(member).tags) == {}

    # Joining again starts over: in the root, untagged.
    world.join(member)
    assert parent_of(world, member) == {"Id": root_id, "Type": "ROOT"}
    assert world.mgmt.list_tags_for_resource(ResourceId=member)["Tags"] == []


def test_a_removed_member_leaves_its_ou(world: World) -> None:
    root_id = root_of(world)["Id"]
    prod = create_ou(world, root_id, "Prod")["Id"]
    member = world.join()
    world.mgmt.move_account(AccountId=member, SourceParentId=root_id, DestinationParentId=prod)
    world.mgmt.remove_account_from_organization(AccountId=member)
    assert children(world, prod) == []
    # Now empty, the OU can go.
    world.mgmt.delete_organizational_unit(OrganizationalUnitId=prod)


@pytest.mark.orgsim(create_account_delay_seconds=0)
def test_a_created_account_starts_in_the_root(world: World) -> None:
    status = world.mgmt.create_account(Email="new@example.com", AccountName="New")["CreateAccountStatus"]
    created = world.mgmt.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
    assert created["State"] == "SUCCEEDED"
    assert parent_of(world, created["AccountId"]) == {"Id": root_of(world)["Id"], "Type": "ROOT"}


def test_delete_organization_takes_its_ous_and_tags_with_it(orgsim: orgsim.Simulation, world: World) -> None:
    root_id = root_of(world)["Id"]
    world.mgmt.tag_resource(ResourceId=root_id, Tags=[{"Key": "k", "Value": "v"}])
    world.mgmt.tag_resource(ResourceId=world.mgmt_id, Tags=[{"Key": "k", "Value": "v"}])
    prod = create_ou(world, root_id, "Prod", Tags=[{"Key": "k", "Value": "v"}])
    create_ou(world, prod["Id"], "Team")
    world.mgmt.delete_organization()
    assert orgsim.organizations == ()
    assert orgsim.account(world.mgmt_id).parent_id is None
    assert dict(orgsim.account(world.mgmt_id).tags) == {}

    world.mgmt.create_organization()
    new_root = root_of(world)["Id"]
    assert children(world, new_root, "ORGANIZATIONAL_UNIT") == []
    assert world.mgmt.list_tags_for_resource(ResourceId=new_root)["Tags"] == []
    assert world.mgmt.list_tags_for_resource(ResourceId=world.mgmt_id)["Tags"] == []
    with aws_error(world.mgmt, "OrganizationalUnitNotFoundException"):
        world.mgmt.describe_organizational_unit(OrganizationalUnitId=prod["Id"])
