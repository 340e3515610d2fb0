"""Attaching and detaching policies, and the lists of both sides (behaviour.md, "Attaching policies")."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from support import World, aws_error
from support.governance import (
    FULL_AWS_ACCESS,
    RCP,
    RCP_FULL_AWS_ACCESS,
    SCP,
    TAG,
    create_policy,
    needs_type,
    policies_of,
    root_id,
    targets_of,
)

import orgsim


def make_ou(world: World, name: str = "OU", parent: str | None = None) -> str:
    created = world.mgmt.create_organizational_unit(ParentId=parent or root_id(world), Name=name)
    return created["OrganizationalUnit"]["Id"]  # type: ignore[no-any-return]


def test_attach_to_the_root_an_ou_an_account_and_the_management_account(world: World) -> None:
    member = world.join()
    root = root_id(world)
    ou = make_ou(world)
    policy = create_policy(world.mgmt, "Guard")
    for target in (ou, member, root, world.mgmt_id):
        assert world.mgmt.attach_policy(PolicyId=policy, TargetId=target)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert targets_of(world.mgmt, policy) == [ou, member, root, world.mgmt_id]
    targets = world.mgmt.list_targets_for_policy(PolicyId=policy)["Targets"]
    org = world.org
    assert targets == [
        {"TargetId": ou, "Arn": f"arn:aws:organizations::{world.mgmt_id}:ou/{org['Id']}/{ou}", "Name": "OU", "Type": "ORGANIZATIONAL_UNIT"},
        {
            "TargetId": member,
            "Arn": f"arn:aws:organizations::{world.mgmt_id}:account/{org['Id']}/{member}",
            "Name": world.sim.account(member).name,
            "Type": "ACCOUNT",
        },
        {"TargetId": root, "Arn": f"arn:aws:organizations::{world.mgmt_id}:root/{org['Id']}/{root}", "Name": "Root", "Type": "ROOT"},
        {
            "TargetId": world.mgmt_id,
            "Arn": f"arn:aws:organizations::{world.mgmt_id}:account/{org['Id']}/{world.mgmt_id}",
            "Name": world.sim.account(world.mgmt_id).name,
            "Type": "ACCOUNT",
        },
    ]


def test_lists_of_a_target_show_direct_attachments_only(world: World) -> None:
    member = world.join()
    ou = make_ou(world)
    world.mgmt.move_account(AccountId=member, SourceParentId=root_id(world), DestinationParentId=ou)
    on_ou = create_policy(world.mgmt, "OnOU")
    world.mgmt.attach_policy(PolicyId=on_ou, TargetId=ou)
    assert policies_of(world.mgmt, ou) == [FULL_AWS_ACCESS, on_ou]
    assert policies_of(world.mgmt, member) == [FULL_AWS_ACCESS]
    summary = world.mgmt.list_policies_for_target(TargetId=ou, Filter=SCP)["Policies"][1]
    assert summary == world.mgmt.describe_policy(PolicyId=on_ou)["Policy"]["PolicySummary"]


def test_attach_checks_in_order(orgsim: orgsim.Simulation, world: World) -> None:
    member = world.join()
    policy = create_policy(world.mgmt, "Guard")
    tagging = create_policy(world.mgmt, "Tags", TAG)
    with aws_error(world.mgmt, "PolicyNotFoundException"):
        world.mgmt.attach_policy(PolicyId="p-0123456789", TargetId="ou-zzzz-zzzzzzzz")
    with aws_error(world.mgmt, "TargetNotFoundException"):
        world.mgmt.attach_policy(PolicyId=policy, TargetId="ou-zzzz-zzzzzzzz")
    with aws_error(world.mgmt, "PolicyTypeNotEnabledException"):
        world.mgmt.attach_policy(PolicyId=tagging, TargetId=member)
    with aws_error(world.mgmt, "DuplicatePolicyAttachmentException"):
        world.mgmt.attach_policy(PolicyId=FULL_AWS_ACCESS, TargetId=member)
    for n in range(9):  # p-FullAWSAccess is the tenth
        world.mgmt.attach_policy(PolicyId=create_policy(world.mgmt, f"P{n}"), TargetId=member)
    with aws_error(world.mgmt, "DuplicatePolicyAttachmentException"):
        world.mgmt.attach_policy(PolicyId=FULL_AWS_ACCESS, TargetId=member)
    with aws_error(world.mgmt, "ConstraintViolationException", "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"):
        world.mgmt.attach_policy(PolicyId=policy, TargetId=member)
    assert len(policies_of(world.mgmt, member)) == 10
    # The limit counts direct attachments per target: the root takes more.
    world.mgmt.attach_policy(PolicyId=policy, TargetId=root_id(world))


@pytest.mark.orgsim(legacy_scp_limits=True)
def test_legacy_limits_allow_five_scps_per_target(world: World) -> None:
    member = world.join()
    for n in range(4):
        world.mgmt.attach_policy(PolicyId=create_policy(world.mgmt, f"P{n}"), TargetId=member)
    with aws_error(world.mgmt, "ConstraintViolationException", "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"):
        world.mgmt.attach_policy(PolicyId=create_policy(world.mgmt, "Sixth"), TargetId=member)


def test_management_types_have_their_own_limits(world: World) -> None:
    root = root_id(world)
    world.mgmt.enable_policy_type(RootId=root, PolicyType="AISERVICES_OPT_OUT_POLICY")
    made = [create_policy(world.mgmt, f"Opt{n}", "AISERVICES_OPT_OUT_POLICY", content="{}") for n in range(6)]
    for policy in made[:5]:
        world.mgmt.attach_policy(PolicyId=policy, TargetId=root)
    with aws_error(world.mgmt, "ConstraintViolationException", "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"):
        world.mgmt.attach_policy(PolicyId=made[5], TargetId=root)
    # No minimum: every one of them may go.
    for policy in made[:5]:
        world.mgmt.detach_policy(PolicyId=policy, TargetId=root)
    assert policies_of(world.mgmt, root, "AISERVICES_OPT_OUT_POLICY") == []


def test_targets_must_be_of_the_organization(orgsim: orgsim.Simulation, world: World) -> None:
    other = orgsim.session("999999999999").client("organizations")
    other.create_organization()
    other_root = other.list_roots()["Roots"][0]["Id"]
    foreign_ou = other.create_organizational_unit(ParentId=other_root, Name="Theirs")["OrganizationalUnit"]["Id"]
    policy = create_policy(world.mgmt, "Guard")
    for target in (other_root, foreign_ou, "999999999999", "555555555555"):
        with aws_error(world.mgmt, "TargetNotFoundException"):
            world.mgmt.attach_policy(PolicyId=policy, TargetId=target)
        with aws_error(world.mgmt, "TargetNotFoundException"):
            world.mgmt.detach_policy(PolicyId=policy, TargetId=target)
        with aws_error(world.mgmt, "TargetNotFoundException"):
            world.mgmt.list_policies_for_target(TargetId=target, Filter=SCP)


@pytest.mark.parametrize("target", ["r-ab", "1234", "ou-abcd", "account-123456789012", "ou-abcd-abcdefgh-x"])
def test_a_target_id_has_its_own_reason(orgsim: orgsim.Simulation, world: World, target: str) -> None:
    client = orgsim.session(world.mgmt_id).client("organizations", config=Config(parameter_validation=False))
    for call, params in (
        (client.attach_policy, {"PolicyId": FULL_AWS_ACCESS}),
        (client.detach_policy, {"PolicyId": FULL_AWS_ACCESS}),
        (client.list_policies_for_target, {"Filter": SCP}),
    ):
        with aws_error(client, "InvalidInputException", "INVALID_PATTERN_TARGET_ID"):
            call(TargetId=target, **params)


def test_detach_checks_in_order(world: World) -> None:
    member = world.join()
    policy = create_policy(world.mgmt, "Guard")
    with aws_error(world.mgmt, "PolicyNotFoundException"):
        world.mgmt.detach_policy(PolicyId="p-0123456789", TargetId="ou-zzzz-zzzzzzzz")
    with aws_error(world.mgmt, "TargetNotFoundException"):
        world.mgmt.detach_policy(PolicyId=policy, TargetId="ou-zzzz-zzzzzzzz")
    with aws_error(world.mgmt, "PolicyNotAttachedException"):
        world.mgmt.detach_policy(PolicyId=policy, TargetId=member)
    # The last SCP of a target stays: attach the replacement first.
    with aws_error(world.mgmt, "ConstraintViolationException", "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"):
        world.mgmt.detach_policy(PolicyId=FULL_AWS_ACCESS, TargetId=member)
    world.mgmt.attach_policy(PolicyId=policy, TargetId=member)
    world.mgmt.detach_policy(PolicyId=FULL_AWS_ACCESS, TargetId=member)
    assert policies_of(world.mgmt, member) == [policy]
    with aws_error(world.mgmt, "ConstraintViolationException", "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"):
        world.mgmt.detach_policy(PolicyId=policy, TargetId=member)
    assert targets_of(world.mgmt, FULL_AWS_ACCESS) == [root_id(world), world.mgmt_id]


@needs_type(RCP)
def test_the_rcp_default_never_goes(world: World) -> None:
    member = world.join()
    world.mgmt.enable_policy_type(RootId=root_id(world), PolicyType=RCP)
    mine = create_policy(world.mgmt, "DenyS3", RCP)
    world.mgmt.attach_policy(PolicyId=mine, TargetId=member)
    with aws_error(world.mgmt, "InvalidInputException", "NON_DETACHABLE_POLICY"):
        world.mgmt.detach_policy(PolicyId=RCP_FULL_AWS_ACCESS, TargetId=member)
    world.mgmt.detach_policy(PolicyId=mine, TargetId=member)
    assert policies_of(world.mgmt, member, RCP) == [RCP_FULL_AWS_ACCESS]
    # Five per target, the default included.
    for n in range(4):
        world.mgmt.attach_policy(PolicyId=create_policy(world.mgmt, f"R{n}", RCP), TargetId=member)
    with aws_error(world.mgmt, "ConstraintViolationException", "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"):
        world.mgmt.attach_policy(PolicyId=mine, TargetId=member)


def test_a_type_not_enabled_lists_nothing(world: World) -> None:
    assert world.mgmt.list_policies_for_target(TargetId=root_id(world), Filter=TAG)["Policies"] == []


def test_list_policies_for_target_pages(world: World) -> None:
    root = root_id(world)
    made = [create_policy(world.mgmt, f"P{n}") for n in range(4)]
    for policy in made:
        world.mgmt.attach_policy(PolicyId=policy, TargetId=root)
    first = world.mgmt.list_policies_for_target(TargetId=root, Filter=SCP, MaxResults=3)
    assert [p["Id"] for p in first["Policies"]] == [FULL_AWS_ACCESS, *made[:2]]
    world.mgmt.detach_policy(PolicyId=made[2], TargetId=root)
    world.mgmt.attach_policy(PolicyId=made[2], TargetId=root)  # now last
    second = world.mgmt.list_policies_for_target(TargetId=root, Filter=SCP, MaxResults=3, NextToken=first["NextToken"])
    assert [p["Id"] for p in second["Policies"]] == [made[3], made[2]]
    assert "NextToken" not in second
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_NEXT_TOKEN"):
        world.mgmt.list_policies_for_target(TargetId=world.mgmt_id, Filter=SCP, NextToken=first["NextToken"])


def test_list_targets_for_policy_pages_in_attachment_order(orgsim: orgsim.Simulation) -> None:
    seeded = orgsim.seed_organization(members=8)
    client = orgsim.session(seeded.management.id).client("organizations")
    root = seeded.organization.root_id
    expected = [root, seeded.management.id, *(m.id for m in seeded.members)]
    pages = list(client.get_paginator("list_targets_for_policy").paginate(
        PolicyId=FULL_AWS_ACCESS, PaginationConfig={"PageSize": 3}
    ))
    assert [len(p["Targets"]) for p in pages] == [3, 3, 3, 1]
    assert [t["TargetId"] for p in pages for t in p["Targets"]] == expected
    # A target that arrives between two pages comes last; one that goes is not shown.
    first = client.list_targets_for_policy(PolicyId=FULL_AWS_ACCESS, MaxResults=2)
    ou = client.create_organizational_unit(ParentId=root, Name="Late")["OrganizationalUnit"]["Id"]
    client.remove_account_from_organization(AccountId=seeded.members[0].id)
    rest: list[Any] = []
    token = first["NextToken"]
    while token:
        page = client.list_targets_for_policy(PolicyId=FULL_AWS_ACCESS, MaxResults=2, NextToken=token)
        rest += [t["TargetId"] for t in page["Targets"]]
        token = page.get("NextToken")
    assert rest == [*(m.id for m in seeded.members[1:]), ou]


def test_list_targets_of_an_unknown_policy(world: World) -> None:
    with aws_error(world.mgmt, "PolicyNotFoundException"):
        world.mgmt.list_targets_for_policy(PolicyId="p-0123456789")
    assert targets_of(world.mgmt, create_policy(world.mgmt, "Unattached")) == []


def test_who_may_attach_and_list(orgsim: orgsim.Simulation, world: World) -> None:
    member_id = world.join()
    member = world.client(member_id)
    standalone = orgsim.session("555555555555").client("organizations")
    for client, code in ((member, "AccessDeniedException"), (standalone, "AWSOrganizationsNotInUseException")):
        with aws_error(client, code):
            client.attach_policy(PolicyId=FULL_AWS_ACCESS, TargetId=member_id)
        with aws_error(client, code):
            client.detach_policy(PolicyId=FULL_AWS_ACCESS, TargetId=member_id)
        with aws_error(client, code):
            client.list_policies_for_target(TargetId=member_id, Filter=SCP)
        with aws_error(client, code):
            client.list_targets_for_policy(PolicyId=FULL_AWS_ACCESS)
