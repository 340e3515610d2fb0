"""The flows real tools run, end to end, written the way those tools write them: each ``tool_*``
function only knows boto3 (structure spec: the issue's tool-shaped flows)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import boto3
import pytest

import orgsim
from support import ACCOUNT_MEMBERS

MANAGEMENT, NEW_MANAGEMENT, MEMBER = "111111111111", "444444444444", "222222222222"


def assumed_session(sts: Any, account_id: str, role: str = "OrganizationAccountAccessRole") -> boto3.Session:
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/{role}", RoleSessionName="tool")["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-east-1",
    )


def find_ou(org: Any, parent_id: str, name: str) -> str | None:
    for page in org.get_paginator("list_organizational_units_for_parent").paginate(ParentId=parent_id):
        for ou in page["OrganizationalUnits"]:
            if ou["Name"] == name:
                return ou["Id"]  # type: ignore[no-any-return]
    return None


def ensure_ou_path(org: Any, path: str) -> str:
    """Create ``A/B/C`` under the root if missing, as landing-zone tools do; returns the last OU's id."""
    parent = org.list_roots()["Roots"][0]["Id"]
    for name in path.split("/"):
        found = find_ou(org, parent, name)
        parent = found or org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]
    return parent


def current_parent(org: Any, account_id: str) -> str:
    return org.list_parents(ChildId=account_id)["Parents"][0]["Id"]  # type: ignore[no-any-return]


# -- the flows ----------------------------------------------------------------------------------------


def tool_onboard(management: boto3.Session, account_id: str, ou_path: str, tags: dict[str, str]) -> None:
    """Invite an account, accept from inside it (through AssumeRole), file it under an OU, tag it."""
    org = management.client("organizations")
    handshake = org.invite_account_to_organization(Target={"Id": account_id, "Type": "ACCOUNT"})["Handshake"]
    member = assumed_session(management.client("sts"), account_id).client("organizations")
    member.accept_handshake(HandshakeId=handshake["Id"])
    root = org.list_roots()["Roots"][0]["Id"]
    ou = ensure_ou_path(org, ou_path)
    org.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=ou)
    org.tag_resource(ResourceId=account_id, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])


def test_invite_accept_file_and_tag(orgsim: orgsim.Simulation) -> None:
    orgsim.seed_organization(MANAGEMENT)
    management = orgsim.session(MANAGEMENT)
    tool_onboard(management, MEMBER, "Workloads/Prod", {"owner": "team-a", "cost-center": "42"})

    org = management.client("organizations")
    prod = ensure_ou_path(org, "Workloads/Prod")  # already there: nothing new is made
    accounts = [a for p in org.get_paginator("list_accounts_for_parent").paginate(ParentId=prod) for a in p["Accounts"]]
    assert [a["Id"] for a in accounts] == [MEMBER]
    if "Paths" in ACCOUNT_MEMBERS:
        workloads = current_parent(org, prod)
        root = current_parent(org, workloads)
        org_id = org.describe_organization()["Organization"]["Id"]
        assert accounts[0]["Paths"] == [f"{org_id}/{root}/{workloads}/{prod}/{MEMBER}/"]
    tags = org.list_tags_for_resource(ResourceId=MEMBER)["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {"owner": "team-a", "cost-center": "42"}
    assert len(orgsim.organization().organizational_units) == 2
    # The member's acceptance went through the assumed role.
    (accept,) = orgsim.calls.filter("AcceptHandshake")
    assert accept.caller_arn == f"arn:aws:sts::{MEMBER}:assumed-role/OrganizationAccountAccessRole/tool"


def tool_migrate(old: boto3.Session, new: boto3.Session, account_id: str, ou_path: str) -> None:
    """Move a member from an organization with consolidated billing only to a new one with all
    features: build the OU tree in the new one, invite, leave the old one, accept, file it."""
    new_org = new.client("organizations")
    target_ou = ensure_ou_path(new_org, ou_path)
    handshake = new_org.invite_account_to_organization(
        Target={"Id": account_id, "Type": "ACCOUNT"}, Tags=[{"Key": "migrated-from", "Value": "legacy"}]
    )["Handshake"]
    member = assumed_session(old.client("sts"), account_id).client("organizations")
    member.leave_organization()
    member.accept_handshake(HandshakeId=handshake["Id"])
    new_org.move_account(
        AccountId=account_id, SourceParentId=current_parent(new_org, account_id), DestinationParentId=target_ou
    )


def test_migrate_from_consolidated_billing_to_a_new_organization(orgsim: orgsim.Simulation) -> None:
    orgsim.seed_organization(MANAGEMENT, feature_set="CONSOLIDATED_BILLING", members=[MEMBER])
    old = orgsim.session(MANAGEMENT)
    old.client("organizations").tag_resource(ResourceId=MEMBER, Tags=[{"Key": "old", "Value": "tag"}])
    new = orgsim.session(NEW_MANAGEMENT)
    new.client("organizations").create_organization(FeatureSet="ALL")

    tool_migrate(old, new, MEMBER, "Migrated/Legacy")

    new_org = new.client("organizations")
    legacy = ensure_ou_path(new_org, "Migrated/Legacy")
    assert current_parent(new_org, MEMBER) == legacy
    # The invitation's tags landed on acceptance; the old organization's did not come along.
    assert new_org.list_tags_for_resource(ResourceId=MEMBER)["Tags"] == [{"Key": "migrated-from", "Value": "legacy"}]
    assert [a["Id"] for a in old.client("organizations").list_accounts()["Accounts"]] == [MANAGEMENT]
    assert orgsim.account(MEMBER).parent_id == legacy
    assert new_org.list_roots()["Roots"][0]["PolicyTypes"] == [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]


def tool_account_factory(management: boto3.Session, email: str, name: str, ou_path: str, retire: str) -> str:
    """Vend an account: CreateAccount with tags, poll until it is done, file it, close an old one."""
    org = management.client("organizations")
    request = org.create_account(
        Email=email, AccountName=name, Tags=[{"Key": "vended-by", "Value": "factory"}]
    )["CreateAccountStatus"]
    while request["State"] == "IN_PROGRESS":
        time.sleep(1)  # the clock is frozen and ticks on every sleep
        request = org.describe_create_account_status(CreateAccountRequestId=request["Id"])["CreateAccountStatus"]
    assert request["State"] == "SUCCEEDED", request
    account_id: str = request["AccountId"]
    org.move_account(
        AccountId=account_id, SourceParentId=current_parent(org, account_id), DestinationParentId=ensure_ou_path(org, ou_path)
    )
    org.close_account(AccountId=retire)
    while org.describe_account(AccountId=retire)["Account"]["Status"] == "PENDING_CLOSURE":
        time.sleep(1)
    return account_id


@pytest.mark.orgsim(create_account_delay_seconds=3, close_account_delay_seconds=4)
def test_account_factory(orgsim: orgsim.Simulation, freezer: Any) -> None:
    freezer.move_to("2024-09-02T10:00:00Z")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "sleep", lambda seconds: freezer.tick(dt.timedelta(seconds=seconds)))
        orgsim.seed_organization(MANAGEMENT, members=[MEMBER])
        management = orgsim.session(MANAGEMENT)
        created = tool_account_factory(management, "vended@example.com", "Vended", "Sandbox", retire=MEMBER)

    org = management.client("organizations")
    sandbox = ensure_ou_path(org, "Sandbox")
    assert current_parent(org, created) == sandbox
    assert org.list_tags_for_resource(ResourceId=created)["Tags"] == [{"Key": "vended-by", "Value": "factory"}]
    retired = org.describe_account(AccountId=MEMBER)["Account"]
    assert retired["Status"] == "SUSPENDED"
    if "State" in ACCOUNT_MEMBERS:
        assert retired["State"] == "CLOSED"
    polls = orgsim.calls.filter("DescribeCreateAccountStatus")
    assert [c.output["CreateAccountStatus"]["State"] for c in polls if c.output] == ["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"]
