"""The resource-based delegation policy: Put, Describe and DeleteResourcePolicy, and the calls it
lets members make (behaviour.md, "Delegation policies")."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from support import World, aws_error
from support.governance import BACKUP, SCP, TAG, create_policy, delegate, grant, needs_reason, root_id, tag_policy

import orgsim


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(account_id: str, actions: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": actions, "Resource": "*", **extra}


def test_put_describe_replace_delete(world: World) -> None:
    member = world.join()
    content = document(allow(member, "organizations:ListRoots"))
    put = world.mgmt.put_resource_policy(Content=content, Tags=[{"Key": "team", "Value": "sec"}])["ResourcePolicy"]
    summary = put["ResourcePolicySummary"]
    assert re.fullmatch(r"rp-[a-z0-9]{8}", summary["Id"])
    assert summary["Arn"] == f"arn:aws:organizations::{world.mgmt_id}:resourcepolicy/{world.org['Id']}/{summary['Id']}"
    assert put["Content"] == content
    assert world.mgmt.describe_resource_policy()["ResourcePolicy"] == put
    assert world.mgmt.list_tags_for_resource(ResourceId=summary["Id"])["Tags"] == [{"Key": "team", "Value": "sec"}]
    replaced = world.mgmt.put_resource_policy(Content=document(allow(member, "organizations:List*")))["ResourcePolicy"]
    assert replaced["ResourcePolicySummary"] == summary
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_LIST_MEMBER"):
        world.mgmt.put_resource_policy(Content=content, Tags=[{"Key": "k", "Value": "v"}])
    assert world.mgmt.describe_resource_policy()["ResourcePolicy"] == replaced
    world.mgmt.delete_resource_policy()
    with aws_error(world.mgmt, "ResourcePolicyNotFoundException"):
        world.mgmt.describe_resource_policy()
    with aws_error(world.mgmt, "ResourcePolicyNotFoundException"):
        world.mgmt.delete_resource_policy()
    with aws_error(world.mgmt, "TargetNotFoundException"):
        world.mgmt.list_tags_for_resource(ResourceId=summary["Id"])


BAD_CONTENT = {
    "not JSON": ("{", "INVALID_RESOURCE_POLICY_JSON"),
    "no statement": ('{"Version": "2012-10-17"}', "INVALID_RESOURCE_POLICY_JSON"),
    "no effect": (json.dumps({"Statement": {"Principal": "111111111111", "Action": "organizations:ListRoots"}}), "INVALID_RESOURCE_POLICY_JSON"),
    "no action": (json.dumps({"Statement": {"Effect": "Allow", "Principal": "111111111111"}}), "INVALID_RESOURCE_POLICY_JSON"),
    "an action of another service": (document(allow("111111111111", "s3:GetObject")), "UNSUPPORTED_ACTION_IN_RESOURCE_POLICY"),
    "an action not delegable": (document(allow("111111111111", "organizations:CreateAccount")), "UNSUPPORTED_ACTION_IN_RESOURCE_POLICY"),
    "a wildcard matching nothing delegable": (document(allow("111111111111", "organizations:Invite*")), "UNSUPPORTED_ACTION_IN_RESOURCE_POLICY"),
    "a resource of another service": (
        document(allow("111111111111", "organizations:ListRoots", Resource="arn:aws:s3:::bucket")),
        "UNSUPPORTED_RESOURCE_IN_RESOURCE_POLICY",
    ),
    "a policy type that does not exist": (
        document(allow("111111111111", "organizations:CreatePolicy", Condition={"StringEquals": {"organizations:PolicyType": "NOPE"}})),
        "UNSUPPORTED_POLICY_TYPE_IN_RESOURCE_POLICY",
    ),
    "too long": ('{"a": "' + "x" * 40_000 + '"}', "MAX_LENGTH_EXCEEDED"),
}


@pytest.mark.parametrize(("content", "reason"), BAD_CONTENT.values(), ids=BAD_CONTENT.keys())
def test_content_aws_refuses(world: World, content: str, reason: str) -> None:
    with aws_error(world.mgmt, "InvalidInputException", reason):
        world.mgmt.put_resource_policy(Content=content)
    with aws_error(world.mgmt, "ResourcePolicyNotFoundException"):
        world.mgmt.describe_resource_policy()


@needs_reason("INVALID_PRINCIPAL")
@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, "arn:aws:iam::111111111111:user/bob", {"Service": "s3.amazonaws.com"}, None])
def test_principals_must_be_accounts(world: World, principal: Any) -> None:
    statement = {"Effect": "Allow", "Action": "organizations:ListRoots", "Resource": "*"}
    if principal is not None:
        statement["Principal"] = principal
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_PRINCIPAL"):
        world.mgmt.put_resource_policy(Content=document(statement))


def test_who_may_manage_the_delegation_policy(orgsim: orgsim.Simulation, world: World) -> None:
    admin_id, member_id = world.join(), world.join()
    delegate(world, admin_id)
    content = document(allow(member_id, "organizations:ListRoots"))
    for client in (world.client(admin_id), world.client(member_id)):
        with aws_error(client, "AccessDeniedException"):
            client.put_resource_policy(Content=content)
        with aws_error(client, "AccessDeniedException"):
            client.delete_resource_policy()
    world.mgmt.put_resource_policy(Content=content)
    assert world.client(admin_id).describe_resource_policy()["ResourcePolicy"]["Content"] == content
    with aws_error(world.client(member_id), "AccessDeniedException"):
        world.client(member_id).describe_resource_policy()  # granted ListRoots, not this
    standalone = orgsim.session("555555555555").client("organizations")
    with aws_error(standalone, "AWSOrganizationsNotInUseException"):
        standalone.describe_resource_policy()


def test_consolidated_billing_has_no_delegation_policy(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim, feature_set="CONSOLIDATED_BILLING")
    for call, params in (
        (world.mgmt.put_resource_policy, {"Content": document(allow("111111111111", "organizations:ListRoots"))}),
        (world.mgmt.describe_resource_policy, {}),
        (world.mgmt.delete_resource_policy, {}),
    ):
        with aws_error(world.mgmt, "ConstraintViolationException", "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE"):
            call(**params)


# -- what a delegation policy grants -------------------------------------------------------------------

#: The User Guide's example: a member fully manages backup policies.
def backup_managers(account_id: str) -> str:
    actions = [
        "organizations:AttachPolicy",
        "organizations:CreatePolicy",
        "organizations:DeletePolicy",
        "organizations:DescribeAccount",
        "organizations:DescribeOrganization",
        "organizations:DescribeOrganizationalUnit",
        "organizations:DescribePolicy",
        "organizations:DetachPolicy",
        "organizations:DisablePolicyType",
        "organizations:EnablePolicyType",
        "organizations:ListAccounts",
        "organizations:ListAccountsForParent",
        "organizations:ListChildren",
        "organizations:ListOrganizationalUnitsForParent",
        "organizations:ListParents",
        "organizations:ListPolicies",
        "organizations:ListPoliciesForTarget",
        "organizations:ListRoots",
        "organizations:ListTagsForResource",
        "organizations:ListTargetsForPolicy",
        "organizations:TagResource",
        "organizations:UntagResource",
        "organizations:UpdatePolicy",
    ]
    condition = {"StringLikeIfExists": {"organizations:PolicyType": ["BACKUP_POLICY"]}}
    return document(allow(account_id, actions, Condition=condition))


def test_the_user_guides_backup_delegation(world: World) -> None:
    member = world.join()
    world.mgmt.put_resource_policy(Content=backup_managers(member))
    admin = world.client(member)
    root = admin.list_roots()["Roots"][0]["Id"]  # granted reads work without a registration
    admin.enable_policy_type(RootId=root, PolicyType=BACKUP)
    backup = create_policy(admin, "Backups", BACKUP, content='{"plans": {}}')
    admin.attach_policy(PolicyId=backup, TargetId=member)
    admin.tag_resource(ResourceId=backup, Tags=[{"Key": "by", "Value": "delegate"}])
    admin.update_policy(PolicyId=backup, Description="nightly")
    admin.detach_policy(PolicyId=backup, TargetId=member)
    admin.delete_policy(PolicyId=backup)
    # Other policy types are not theirs, nor are the calls the policy does not name.
    with aws_error(admin, "AccessDeniedException"):
        create_policy(admin, "Mine", SCP)
    with aws_error(admin, "AccessDeniedException"):
        admin.enable_policy_type(RootId=root, PolicyType=TAG)
    scp_id = create_policy(world.mgmt, "Guard", SCP)
    for call in (admin.update_policy, admin.delete_policy):
        with aws_error(admin, "AccessDeniedException"):
            call(PolicyId=scp_id, **({"Name": "x"} if call == admin.update_policy else {}))
    with aws_error(admin, "AccessDeniedException"):
        admin.attach_policy(PolicyId=scp_id, TargetId=member)
    with aws_error(admin, "AccessDeniedException"):
        admin.list_delegated_administrators()
    with aws_error(admin, "AccessDeniedException"):
        admin.create_organizational_unit(ParentId=root, Name="Not theirs")
    # An account the policy does not name gets nothing.
    other = world.client(world.join())
    with aws_error(other, "AccessDeniedException"):
        other.list_roots()


def test_the_order_of_the_checks_for_a_member(world: World) -> None:
    member = world.join()
    admin = world.client(member)
    # Not named at all: refused before anything is looked up.
    with aws_error(admin, "AccessDeniedException"):
        admin.describe_policy(PolicyId="p-0123456789")
    with aws_error(admin, "AccessDeniedException"):
        admin.attach_policy(PolicyId="p-0123456789", TargetId=member)
    world.mgmt.put_resource_policy(Content=backup_managers(member))
    # Named for the action: what the call names is looked up, then judged.
    with aws_error(admin, "PolicyNotFoundException"):
        admin.attach_policy(PolicyId="p-0123456789", TargetId=member)
    with aws_error(admin, "AccessDeniedException"):
        admin.attach_policy(PolicyId="p-FullAWSAccess", TargetId=member)


def test_deny_wins(world: World) -> None:
    member = world.join()
    deny = {"Effect": "Deny", "Principal": member, "Action": "organizations:AttachPolicy", "Resource": "*"}
    world.mgmt.put_resource_policy(Content=document(allow(member, "organizations:*Policy"), deny))
    admin = world.client(member)
    policy = create_policy(admin, "Mine")
    with aws_error(admin, "AccessDeniedException"):
        admin.attach_policy(PolicyId=policy, TargetId=member)
    admin.delete_policy(PolicyId=policy)


def test_resources_restrict_what_may_be_touched(world: World) -> None:
    member = world.join()
    root = root_id(world)
    team = world.mgmt.create_organizational_unit(ParentId=root, Name="Team")["OrganizationalUnit"]
    other = world.mgmt.create_organizational_unit(ParentId=root, Name="Other")["OrganizationalUnit"]
    policy = create_policy(world.mgmt, "Guard")
    org = world.org["Id"]
    resources = [team["Arn"], f"arn:aws:organizations::{world.mgmt_id}:policy/{org}/service_control_policy/*"]
    world.mgmt.put_resource_policy(
        Content=document(allow(member, ["organizations:AttachPolicy", "organizations:DetachPolicy"], Resource=resources))
    )
    admin = world.client(member)
    admin.attach_policy(PolicyId=policy, TargetId=team["Id"])
    with aws_error(admin, "AccessDeniedException"):
        admin.attach_policy(PolicyId=policy, TargetId=other["Id"])
    with aws_error(admin, "AccessDeniedException"):
        admin.detach_policy(PolicyId="p-FullAWSAccess", TargetId=team["Id"])  # an AWS-managed ARN
    admin.detach_policy(PolicyId=policy, TargetId=team["Id"])


@pytest.mark.parametrize(
    "principal",
    ["111111111111", {"AWS": "111111111111"}, "arn:aws:iam::111111111111:root", ["222222222222", "111111111111"]],
)
def test_the_forms_of_a_principal(orgsim: orgsim.Simulation, world: World, principal: Any) -> None:
    orgsim.seed_account("111111111111")
    member = world.join("111111111111")
    world.mgmt.put_resource_policy(
        Content=document({"Effect": "Allow", "Principal": principal, "Action": "organizations:ListRoots", "Resource": "*"})
    )
    assert world.client(member).list_roots()["Roots"][0]["Id"] == root_id(world)


@pytest.mark.parametrize(
    ("operator", "values", "allowed"),
    [
        ("StringEquals", ["TAG_POLICY"], [TAG]),
        ("StringNotEquals", ["TAG_POLICY"], [SCP]),
        ("StringLike", ["*_POLICY"], [TAG, SCP]),
        ("StringNotLike", ["SERVICE_*"], [TAG]),
        ("NumericEquals", ["1"], []),  # a condition orgsim does not evaluate never holds
    ],
)
def test_policy_type_conditions(world: World, operator: str, values: list[str], allowed: list[str]) -> None:
    member = world.join()
    condition = {operator: {"organizations:PolicyType": values}}
    world.mgmt.put_resource_policy(Content=document(allow(member, "organizations:CreatePolicy", Condition=condition)))
    admin = world.client(member)
    for policy_type in (TAG, SCP):
        if policy_type in allowed:
            create_policy(admin, f"By {operator}", policy_type)
        else:
            with aws_error(admin, "AccessDeniedException"):
                create_policy(admin, f"By {operator}", policy_type)


def test_a_condition_on_the_policy_type_and_a_call_without_one(world: World) -> None:
    member, other = world.join(), world.join()
    # StringEquals needs the key; ...IfExists does not: tagging an account has no policy type.
    for operator, allowed in (("StringEquals", False), ("StringEqualsIfExists", True)):
        condition = {operator: {"organizations:PolicyType": TAG}}
        world.mgmt.put_resource_policy(Content=document(allow(member, "organizations:TagResource", Condition=condition)))
        admin = world.client(member)
        if allowed:
            admin.tag_resource(ResourceId=other, Tags=[{"Key": "k", "Value": "v"}])
        else:
            with aws_error(admin, "AccessDeniedException"):
                admin.tag_resource(ResourceId=other, Tags=[{"Key": "k", "Value": "v"}])


def test_a_grant_needs_a_member_and_the_policy(world: World) -> None:
    member = world.join()
    grant(world, member, "organizations:ListRoots")
    client = world.client(member)
    assert client.list_roots()["Roots"]
    world.mgmt.delete_resource_policy()
    with aws_error(client, "AccessDeniedException"):
        client.list_roots()
    grant(world, member, "organizations:ListRoots")
    client.leave_organization()  # not a delegated administrator: it may leave
    with aws_error(client, "AWSOrganizationsNotInUseException"):
        client.list_roots()
    world.join(member)
    assert client.list_roots()["Roots"]  # the grant names the account, which is a member again


def test_a_registered_administrator_writes_only_what_the_policy_grants(world: World) -> None:
    member = world.join()
    delegate(world, member)
    admin = world.client(member)
    with aws_error(admin, "AccessDeniedException"):
        create_policy(admin, "Tags", TAG, content=tag_policy())
    grant(world, member, "organizations:CreatePolicy")
    assert create_policy(admin, "Tags", TAG, content=tag_policy())
    # A grant does not make it listed as a delegated administrator of another service.
    assert [a["Id"] for a in world.mgmt.list_delegated_administrators()["DelegatedAdministrators"]] == [member]


def test_a_grant_alone_lists_no_delegated_administrator(world: World) -> None:
    member = world.join()
    grant(world, member, ["organizations:ListRoots", "organizations:ListDelegatedAdministrators"])
    assert world.client(member).list_delegated_administrators()["DelegatedAdministrators"] == []
