"""Policies: CreatePolicy, UpdatePolicy, DeletePolicy, DescribePolicy, ListPolicies, and the content
and quotas of each type (behaviour.md, "Policies")."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.config import Config
from support import World, aws_error
from support.governance import (
    BACKUP,
    FULL_AWS_ACCESS,
    MANAGEMENT_TYPES,
    RCP,
    RCP_FULL_AWS_ACCESS,
    SCP,
    TAG,
    create_policy,
    listed_policies,
    needs_type,
    rcp,
    root_id,
    scp,
    tag_policy,
)

import orgsim

NO_VALIDATION = Config(parameter_validation=False)


def test_create_a_policy(world: World) -> None:
    content = '{ "Statement" : { "Effect": "Deny", "Action": "s3:*", "Resource": "*" } }\n'
    created = world.mgmt.create_policy(Name="DenyS3", Description="no S3", Type=SCP, Content=content)["Policy"]
    summary = created["PolicySummary"]
    org = world.org
    assert re.fullmatch(r"p-[a-z0-9]{8}", summary["Id"])
    assert summary == {
        "Id": summary["Id"],
        "Arn": f"arn:aws:organizations::{world.mgmt_id}:policy/{org['Id']}/service_control_policy/{summary['Id']}",
        "Name": "DenyS3",
        "Description": "no S3",
        "Type": SCP,
        "AwsManaged": False,
    }
    assert created["Content"] == content  # exactly as sent, whitespace and all
    assert world.mgmt.describe_policy(PolicyId=summary["Id"])["Policy"] == created


def test_the_aws_managed_policies(world: World) -> None:
    policy = world.mgmt.describe_policy(PolicyId=FULL_AWS_ACCESS)["Policy"]
    assert policy["PolicySummary"] == {
        "Id": FULL_AWS_ACCESS,
        "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
        "Name": "FullAWSAccess",
        "Description": "Allows access to every operation",
        "Type": SCP,
        "AwsManaged": True,
    }
    assert json.loads(policy["Content"]) == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    assert policy["Content"].startswith('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n')


@needs_type(RCP)
def test_the_rcp_default(world: World) -> None:
    policy = world.mgmt.describe_policy(PolicyId=RCP_FULL_AWS_ACCESS)["Policy"]
    assert policy["PolicySummary"]["Name"] == "RCPFullAWSAccess"
    assert policy["PolicySummary"]["Arn"] == "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess"
    assert json.loads(policy["Content"])["Statement"] == [
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    ]


def test_consolidated_billing_has_no_policies(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim, feature_set="CONSOLIDATED_BILLING")
    with aws_error(world.mgmt, "PolicyTypeNotAvailableForOrganizationException"):
        create_policy(world.mgmt)
    assert listed_policies(world.mgmt) == []
    with aws_error(world.mgmt, "PolicyNotFoundException"):
        world.mgmt.describe_policy(PolicyId=FULL_AWS_ACCESS)


def test_a_policy_of_a_type_not_enabled_can_be_made_not_attached(world: World) -> None:
    tagging = create_policy(world.mgmt, "Tags", TAG)
    with aws_error(world.mgmt, "PolicyTypeNotEnabledException"):
        world.mgmt.attach_policy(PolicyId=tagging, TargetId=root_id(world))


MALFORMED_SCPS = {
    "not JSON": "Statement: deny",
    "an array": "[]",
    "a number": "5",
    "NaN": '{"Statement": NaN}',
    "no statement": '{"Version": "2012-10-17"}',
    "empty statements": '{"Statement": []}',
    "a text statement": '{"Statement": "deny"}',
    "a list of texts": '{"Statement": ["deny"]}',
    "no effect": '{"Statement": {"Action": "*"}}',
    "lower-case effect": '{"Statement": {"Effect": "deny", "Action": "*"}}',
    "no action": '{"Statement": {"Effect": "Deny", "Resource": "*"}}',
    "action and not-action": '{"Statement": {"Effect": "Deny", "Action": "*", "NotAction": "s3:*"}}',
    "empty actions": '{"Statement": {"Effect": "Deny", "Action": []}}',
    "a number as action": '{"Statement": {"Effect": "Deny", "Action": 5}}',
    "a principal": '{"Statement": {"Effect": "Deny", "Action": "*", "Principal": "*"}}',
    "a not-principal": '{"Statement": {"Effect": "Deny", "Action": "*", "NotPrincipal": {"AWS": "*"}}}',
    "deep nesting": "[" * 100_000,
}
GOOD_SCPS = {
    "one statement": '{"Statement": {"Effect": "Allow", "Action": "*"}}',
    "not-action": '{"Statement": [{"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*"}]}',
    "conditions": scp(Condition={"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}),
}


@pytest.mark.parametrize("content", MALFORMED_SCPS.values(), ids=MALFORMED_SCPS.keys())
def test_a_service_control_policy_must_follow_its_grammar(world: World, content: str) -> None:
    with aws_error(world.mgmt, "MalformedPolicyDocumentException"):
        create_policy(world.mgmt, content=content)
    assert listed_policies(world.mgmt) == [FULL_AWS_ACCESS]


@pytest.mark.parametrize("content", GOOD_SCPS.values(), ids=GOOD_SCPS.keys())
def test_service_control_policies_the_grammar_accepts(world: World, content: str) -> None:
    assert create_policy(world.mgmt, content=content)


@needs_type(RCP)
@pytest.mark.parametrize(
    ("content", "accepted"),
    [
        (rcp(), True),
        (json.dumps({"Statement": {"Effect": "Deny", "Principal": {"AWS": "*"}, "NotAction": "s3:Get*"}}), True),
        (json.dumps({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*"}}), False),
        (json.dumps({"Statement": {"Effect": "Deny", "Action": "*"}}), False),
        ("[]", False),
    ],
)
def test_a_resource_control_policy_denies_and_names_a_principal(world: World, content: str, accepted: bool) -> None:
    if accepted:
        assert create_policy(world.mgmt, policy_type=RCP, content=content)
    else:
        with aws_error(world.mgmt, "MalformedPolicyDocumentException"):
            create_policy(world.mgmt, policy_type=RCP, content=content)


@pytest.mark.parametrize("policy_type", MANAGEMENT_TYPES)
def test_a_management_policy_is_any_json_object(world: World, policy_type: str) -> None:
    assert create_policy(world.mgmt, "Any", policy_type, content="{}")
    for content in ("[]", '"text"', "{", '{"a": Infinity}'):
        with aws_error(world.mgmt, "MalformedPolicyDocumentException"):
            create_policy(world.mgmt, "Other", policy_type, content=content)


def _padded(size: int) -> str:
    """A valid SCP of exactly ``size`` characters (spaces count)."""
    body = scp()
    return body[:-1] + " " * (size - len(body)) + body[-1]


def test_the_size_of_a_service_control_policy(world: World) -> None:
    assert create_policy(world.mgmt, "Largest", content=_padded(10_240))
    with aws_error(world.mgmt, "ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED"):
        create_policy(world.mgmt, "TooLarge", content=_padded(10_241))
    # The grammar is judged before the size.
    with aws_error(world.mgmt, "MalformedPolicyDocumentException"):
        create_policy(world.mgmt, "Junk", content="x" * 20_000)


@pytest.mark.orgsim(legacy_scp_limits=True)
def test_the_legacy_size_of_a_service_control_policy(world: World) -> None:
    assert create_policy(world.mgmt, "Largest", content=_padded(5_120))
    with aws_error(world.mgmt, "ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED"):
        create_policy(world.mgmt, "TooLarge", content=_padded(5_121))


@pytest.mark.parametrize(("policy_type", "limit"), [("AISERVICES_OPT_OUT_POLICY", 2_500), (TAG, 10_000)])
def test_the_size_of_a_management_policy(world: World, policy_type: str, limit: int) -> None:
    fits = '{"a": "' + "x" * (limit - 9) + '"}'
    assert len(fits) == limit
    assert create_policy(world.mgmt, "Fits", policy_type, content=fits)
    with aws_error(world.mgmt, "ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED"):
        create_policy(world.mgmt, "Over", policy_type, content=fits[:-2] + 'x"}')


def test_names_are_unique_per_type_exactly(world: World) -> None:
    create_policy(world.mgmt, "Guard")
    with aws_error(world.mgmt, "DuplicatePolicyException"):
        create_policy(world.mgmt, "Guard")
    assert create_policy(world.mgmt, "guard")
    assert create_policy(world.mgmt, "Guard", TAG)
    # The AWS-managed policy's name is taken too, in its type only.
    with aws_error(world.mgmt, "DuplicatePolicyException"):
        create_policy(world.mgmt, "FullAWSAccess")
    assert create_policy(world.mgmt, "FullAWSAccess", TAG)


def test_an_organization_holds_a_limited_number_of_policies_per_type(world: World) -> None:
    for n in range(1_000):
        create_policy(world.mgmt, f"P{n}", TAG, content="{}")
    with aws_error(world.mgmt, "ConstraintViolationException", "POLICY_NUMBER_LIMIT_EXCEEDED"):
        create_policy(world.mgmt, "One more", TAG, content="{}")
    assert create_policy(world.mgmt, "Another type")  # an SCP: 10,000 allowed


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"Name": "n" * 129}, "MAX_LENGTH_EXCEEDED"),
        ({"Description": "d" * 513}, "MAX_LENGTH_EXCEEDED"),
        ({"Type": "SCP"}, "INVALID_ENUM_POLICY_TYPE"),
        ({"Description": None}, "INPUT_REQUIRED"),
        ({"Name": ""}, "MIN_LENGTH_EXCEEDED"),
        ({"Tags": [{"Key": "aws:x", "Value": "v"}]}, "INVALID_SYSTEM_TAGS_PARAMETER"),
    ],
)
def test_create_policy_input(orgsim: orgsim.Simulation, world: World, params: dict[str, Any], reason: str) -> None:
    client = orgsim.session(world.mgmt_id).client("organizations", config=NO_VALIDATION)
    full = {"Name": "P", "Description": "", "Type": SCP, "Content": scp(), **params}
    with aws_error(client, "InvalidInputException", reason):
        client.create_policy(**{k: v for k, v in full.items() if v is not None})
    assert listed_policies(world.mgmt) == [FULL_AWS_ACCESS]


def test_tags_given_with_a_policy(world: World) -> None:
    tags = [{"Key": "team", "Value": "sec"}]
    policy = create_policy(world.mgmt, Tags=tags)
    assert world.mgmt.list_tags_for_resource(ResourceId=policy)["Tags"] == tags
    too_many = [{"Key": f"k{n}", "Value": ""} for n in range(51)]
    with aws_error(world.mgmt, "ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED"):
        create_policy(world.mgmt, "Tagged", Tags=too_many)
    assert listed_policies(world.mgmt) == [policy, FULL_AWS_ACCESS]
    world.mgmt.tag_resource(ResourceId=policy, Tags=[{"Key": "env", "Value": "prod"}])
    world.mgmt.untag_resource(ResourceId=policy, TagKeys=["team"])
    assert world.mgmt.list_tags_for_resource(ResourceId=policy)["Tags"] == [{"Key": "env", "Value": "prod"}]
    for managed in (FULL_AWS_ACCESS, "p-0123456789"):
        with aws_error(world.mgmt, "TargetNotFoundException"):
            world.mgmt.tag_resource(ResourceId=managed, Tags=[{"Key": "k", "Value": "v"}])
        with aws_error(world.mgmt, "TargetNotFoundException"):
            world.mgmt.list_tags_for_resource(ResourceId=managed)


# -- UpdatePolicy -------------------------------------------------------------------------------------


def test_update_changes_what_is_given(world: World) -> None:
    policy = create_policy(world.mgmt, "Before", Description="first")
    member = world.join()
    world.mgmt.attach_policy(PolicyId=policy, TargetId=member)
    renamed = world.mgmt.update_policy(PolicyId=policy, Name="After")["Policy"]
    assert renamed["PolicySummary"]["Name"] == "After"
    assert renamed["PolicySummary"]["Description"] == "first"
    assert renamed["Content"] == scp()
    content = scp(action=["ec2:*", "rds:*"])
    changed = world.mgmt.update_policy(PolicyId=policy, Description="", Content=content)["Policy"]
    assert changed["PolicySummary"] == {**renamed["PolicySummary"], "Description": ""}
    assert changed["Content"] == content
    assert world.mgmt.describe_policy(PolicyId=policy)["Policy"] == changed
    # The name is free again, and the policy stays attached.
    assert create_policy(world.mgmt, "Before")
    assert world.mgmt.list_targets_for_policy(PolicyId=policy)["Targets"][0]["TargetId"] == member


def test_update_checks(world: World) -> None:
    policy = create_policy(world.mgmt, "Mine")
    create_policy(world.mgmt, "Theirs")
    assert world.mgmt.update_policy(PolicyId=policy, Name="Mine")["Policy"]["PolicySummary"]["Name"] == "Mine"
    with aws_error(world.mgmt, "DuplicatePolicyException"):
        world.mgmt.update_policy(PolicyId=policy, Name="Theirs")
    with aws_error(world.mgmt, "MalformedPolicyDocumentException"):
        world.mgmt.update_policy(PolicyId=policy, Content='{"Statement": []}')
    with aws_error(world.mgmt, "ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED"):
        world.mgmt.update_policy(PolicyId=policy, Content=_padded(10_241))
    with aws_error(world.mgmt, "PolicyNotFoundException"):
        world.mgmt.update_policy(PolicyId="p-0123456789", Name="X")
    with aws_error(world.mgmt, "InvalidInputException", "IMMUTABLE_POLICY"):
        world.mgmt.update_policy(PolicyId=FULL_AWS_ACCESS, Name="Mine")
    assert world.mgmt.describe_policy(PolicyId=policy)["Policy"]["PolicySummary"]["Name"] == "Mine"


@pytest.mark.parametrize("policy_id", ["p-short", "policy-12345678", "p-" + "a" * 129, "p-abc.defgh"])
def test_a_policy_id_has_its_own_reason(orgsim: orgsim.Simulation, world: World, policy_id: str) -> None:
    client = orgsim.session(world.mgmt_id).client("organizations", config=NO_VALIDATION)
    reason = "MAX_LENGTH_EXCEEDED" if len(policy_id) > 130 else "INVALID_SYNTAX_POLICY_ID"
    for call in (client.describe_policy, client.delete_policy, client.update_policy, client.list_targets_for_policy):
        with aws_error(client, "InvalidInputException", reason):
            call(PolicyId=policy_id)


# -- DeletePolicy -------------------------------------------------------------------------------------


def test_delete_only_a_policy_attached_nowhere(world: World) -> None:
    policy = create_policy(world.mgmt, "Guard", Tags=[{"Key": "k", "Value": "v"}])
    root = root_id(world)
    world.mgmt.attach_policy(PolicyId=policy, TargetId=root)
    with aws_error(world.mgmt, "PolicyInUseException"):
        world.mgmt.delete_policy(PolicyId=policy)
    world.mgmt.detach_policy(PolicyId=policy, TargetId=root)
    assert world.mgmt.delete_policy(PolicyId=policy)["ResponseMetadata"]["HTTPStatusCode"] == 200
    with aws_error(world.mgmt, "PolicyNotFoundException"):
        world.mgmt.describe_policy(PolicyId=policy)
    with aws_error(world.mgmt, "TargetNotFoundException"):
        world.mgmt.list_tags_for_resource(ResourceId=policy)
    with aws_error(world.mgmt, "PolicyNotFoundException"):
        world.mgmt.delete_policy(PolicyId=policy)
    assert create_policy(world.mgmt, "Guard")  # its name is free again


def test_aws_managed_policies_cannot_be_deleted(world: World) -> None:
    with aws_error(world.mgmt, "InvalidInputException", "IMMUTABLE_POLICY"):
        world.mgmt.delete_policy(PolicyId=FULL_AWS_ACCESS)


def test_another_organizations_policy_is_not_found(orgsim: orgsim.Simulation, world: World) -> None:
    other = orgsim.session("999999999999").client("organizations")
    other.create_organization()
    theirs = create_policy(other, "Theirs")
    for call in (world.mgmt.describe_policy, world.mgmt.delete_policy, world.mgmt.list_targets_for_policy):
        with aws_error(world.mgmt, "PolicyNotFoundException"):
            call(PolicyId=theirs)
    with aws_error(world.mgmt, "PolicyNotFoundException"):
        world.mgmt.attach_policy(PolicyId=theirs, TargetId=root_id(world))


# -- ListPolicies -------------------------------------------------------------------------------------


def test_list_policies_customer_ones_first_then_the_aws_managed_one(world: World) -> None:
    made = [create_policy(world.mgmt, f"P{n}") for n in range(5)]
    tagging = create_policy(world.mgmt, "Tags", TAG)
    assert listed_policies(world.mgmt) == [*made, FULL_AWS_ACCESS]
    assert listed_policies(world.mgmt, TAG) == [tagging]
    summaries = world.mgmt.list_policies(Filter=SCP)["Policies"]
    assert summaries[0] == world.mgmt.describe_policy(PolicyId=made[0])["Policy"]["PolicySummary"]
    assert "Content" not in summaries[0]


def test_list_policies_pages_skip_nobody(world: World) -> None:
    made = [create_policy(world.mgmt, f"P{n}") for n in range(3)]
    first = world.mgmt.list_policies(Filter=SCP, MaxResults=2)
    assert [p["Id"] for p in first["Policies"]] == made[:2]
    world.mgmt.delete_policy(PolicyId=made[0])
    later = create_policy(world.mgmt, "Later")
    second = world.mgmt.list_policies(Filter=SCP, MaxResults=2, NextToken=first["NextToken"])
    assert [p["Id"] for p in second["Policies"]] == [made[2], later]
    third = world.mgmt.list_policies(Filter=SCP, MaxResults=2, NextToken=second["NextToken"])
    assert [p["Id"] for p in third["Policies"]] == [FULL_AWS_ACCESS]
    assert "NextToken" not in third
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_NEXT_TOKEN"):
        world.mgmt.list_policies(Filter=TAG, NextToken=first["NextToken"])


@needs_type(RCP)
def test_the_aws_managed_policy_is_listed_while_its_type_is_not_enabled(world: World) -> None:
    assert listed_policies(world.mgmt, RCP) == [RCP_FULL_AWS_ACCESS]
    assert world.mgmt.describe_policy(PolicyId=RCP_FULL_AWS_ACCESS)["Policy"]["PolicySummary"]["Type"] == RCP


@needs_type(BACKUP)
def test_management_types_have_no_aws_managed_policy(world: World) -> None:
    assert listed_policies(world.mgmt, BACKUP) == []


def test_reading_policies_needs_an_administrator(orgsim: orgsim.Simulation, world: World) -> None:
    member = world.client(world.join())
    standalone = orgsim.session("555555555555").client("organizations")
    for client, code in ((member, "AccessDeniedException"), (standalone, "AWSOrganizationsNotInUseException")):
        with aws_error(client, code):
            client.list_policies(Filter=SCP)
        with aws_error(client, code):
            client.describe_policy(PolicyId=FULL_AWS_ACCESS)
        with aws_error(client, code):
            create_policy(client)
        with aws_error(client, code):
            client.update_policy(PolicyId=FULL_AWS_ACCESS, Name="x")
        with aws_error(client, code):
            client.delete_policy(PolicyId=FULL_AWS_ACCESS)


def test_the_json_of_a_tag_policy_is_kept_as_given(world: World) -> None:
    content = tag_policy(value=["100", "200"])
    policy = create_policy(world.mgmt, "Tags", TAG, content=content)
    assert world.mgmt.describe_policy(PolicyId=policy)["Policy"]["Content"] == content
