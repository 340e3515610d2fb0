"""Effective policies: DescribeEffectivePolicy, approximated, and the two validation lists, always
empty (behaviour.md, "Effective policies")."""

from __future__ import annotations

import json

import pytest
from botocore.config import Config
from support import World, aws_error
from support.governance import SCP, TAG, create_policy, delegate, needs_operation, root_id

import orgsim


def effective(client: object, **params: str) -> dict[str, object]:
    found = client.describe_effective_policy(PolicyType=TAG, **params)["EffectivePolicy"]  # type: ignore[attr-defined]
    return {**found, "PolicyContent": json.loads(found["PolicyContent"])}


@pytest.mark.orgsim(clock=orgsim.ManualClock("2030-01-01"))
def test_policies_from_the_root_down_to_the_account(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim)
    member = world.join()
    root = root_id(world)
    ou = world.mgmt.create_organizational_unit(ParentId=root, Name="Team")["OrganizationalUnit"]["Id"]
    world.mgmt.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou)
    world.mgmt.enable_policy_type(RootId=root, PolicyType=TAG)
    on_root = {
        "tags": {
            "costcenter": {"tag_key": {"@@assign": "CostCenter"}, "tag_value": {"@@assign": ["100", "200"]}},
            "owner": {"tag_key": {"@@assign": "Owner"}},
        }
    }
    on_ou = {"tags": {"costcenter": {"tag_value": {"@@append": ["300"]}}, "project": {"tag_key": {"@@assign": "Project"}}}}
    on_account = {"tags": {"costcenter": {"tag_value": {"@@remove": ["100"]}, "enforced_for": {"@@assign": ["ec2:instance"]}}}}
    for target, content in ((root, on_root), (ou, on_ou)):
        policy = create_policy(world.mgmt, f"On {target}", TAG, content=json.dumps(content))
        world.mgmt.attach_policy(PolicyId=policy, TargetId=target)
    orgsim.clock.advance(hours=1)  # type: ignore[attr-defined]
    last = create_policy(world.mgmt, "On the account", TAG, content=json.dumps(on_account))
    world.mgmt.attach_policy(PolicyId=last, TargetId=member)
    changed = orgsim.now()
    found = effective(world.mgmt, TargetId=member)
    assert found == {
        "PolicyContent": {
            "tags": {
                "costcenter": {"tag_key": "CostCenter", "tag_value": ["200", "300"], "enforced_for": ["ec2:instance"]},
                "owner": {"tag_key": "Owner"},
                "project": {"tag_key": "Project"},
            }
        },
        "LastUpdatedTimestamp": changed,
        "TargetId": member,
        "PolicyType": TAG,
    }
    # The management account is right under the root: the root's policy alone.
    assert effective(world.mgmt)["PolicyContent"] == {
        "tags": {"costcenter": {"tag_key": "CostCenter", "tag_value": ["100", "200"]}, "owner": {"tag_key": "Owner"}}
    }


def test_a_later_assign_wins(world: World) -> None:
    member = world.join()
    root = root_id(world)
    world.mgmt.enable_policy_type(RootId=root, PolicyType=TAG)
    for target, value in ((root, "Root"), (member, "Mine")):
        content = json.dumps({"tags": {"team": {"tag_key": {"@@assign": value}}}})
        world.mgmt.attach_policy(PolicyId=create_policy(world.mgmt, value, TAG, content=content), TargetId=target)
    assert effective(world.mgmt, TargetId=member)["PolicyContent"] == {"tags": {"team": {"tag_key": "Mine"}}}


def test_who_may_ask_for_whom(orgsim: orgsim.Simulation, world: World) -> None:
    member, other, admin = world.join(), world.join(), world.join()
    root = root_id(world)
    world.mgmt.enable_policy_type(RootId=root, PolicyType=TAG)
    world.mgmt.attach_policy(PolicyId=create_policy(world.mgmt, "Tags", TAG), TargetId=root)
    delegate(world, admin)
    assert effective(world.client(member))["TargetId"] == member  # itself, by default
    assert effective(world.client(member), TargetId=member)["TargetId"] == member
    with aws_error(world.client(member), "AccessDeniedException"):
        world.client(member).describe_effective_policy(PolicyType=TAG, TargetId=other)
    assert effective(world.client(admin), TargetId=other)["TargetId"] == other
    assert effective(world.mgmt, TargetId=other)["TargetId"] == other
    with aws_error(world.mgmt, "TargetNotFoundException"):
        world.mgmt.describe_effective_policy(PolicyType=TAG, TargetId="999999999999")
    standalone = orgsim.session("555555555555").client("organizations")
    with aws_error(standalone, "AWSOrganizationsNotInUseException"):
        standalone.describe_effective_policy(PolicyType=TAG)


def test_only_accounts_have_an_effective_policy(world: World) -> None:
    root = root_id(world)
    ou = world.mgmt.create_organizational_unit(ParentId=root, Name="Team")["OrganizationalUnit"]["Id"]
    for target in (root, ou):
        with aws_error(world.mgmt, "InvalidInputException", "TARGET_NOT_SUPPORTED"):
            world.mgmt.describe_effective_policy(PolicyType=TAG, TargetId=target)


def test_nothing_in_force(world: World) -> None:
    with aws_error(world.mgmt, "EffectivePolicyNotFoundException"):
        world.mgmt.describe_effective_policy(PolicyType=TAG)  # the type is not enabled
    world.mgmt.enable_policy_type(RootId=root_id(world), PolicyType=TAG)
    with aws_error(world.mgmt, "EffectivePolicyNotFoundException"):
        world.mgmt.describe_effective_policy(PolicyType=TAG)  # nothing attached


def test_authorization_policies_have_no_effective_policy(orgsim: orgsim.Simulation, world: World) -> None:
    client = orgsim.session(world.mgmt_id).client("organizations", config=Config(parameter_validation=False))
    with aws_error(client, "InvalidInputException", "INVALID_ENUM_POLICY_TYPE"):
        client.describe_effective_policy(PolicyType=SCP)


@needs_operation("ListAccountsWithInvalidEffectivePolicy")
def test_no_account_has_an_invalid_effective_policy(world: World) -> None:
    admin = world.join()
    delegate(world, admin)
    for client in (world.mgmt, world.client(admin)):
        answer = client.list_accounts_with_invalid_effective_policy(PolicyType=TAG)
        assert (answer["Accounts"], answer["PolicyType"], "NextToken" in answer) == ([], TAG, False)
    member = world.client(world.join())
    with aws_error(member, "AccessDeniedException"):
        member.list_accounts_with_invalid_effective_policy(PolicyType=TAG)


@needs_operation("ListEffectivePolicyValidationErrors")
@pytest.mark.orgsim(clock=orgsim.ManualClock("2030-01-01"))
def test_no_effective_policy_has_validation_errors(orgsim: orgsim.Simulation, world: World) -> None:
    member = world.join()
    answer = world.mgmt.list_effective_policy_validation_errors(AccountId=member, PolicyType=TAG)
    assert answer["AccountId"] == member and answer["PolicyType"] == TAG
    assert answer["Path"] == f"{world.org['Id']}/{root_id(world)}/{member}/"
    assert answer["EffectivePolicyValidationErrors"] == []
    assert answer["EvaluationTimestamp"] == orgsim.now()
    with aws_error(world.mgmt, "AccountNotFoundException"):
        world.mgmt.list_effective_policy_validation_errors(AccountId="999999999999", PolicyType=TAG)
    with aws_error(world.client(member), "AccessDeniedException"):
        world.client(member).list_effective_policy_validation_errors(AccountId=member, PolicyType=TAG)
