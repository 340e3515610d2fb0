"""CreateOrganization, DescribeOrganization, DeleteOrganization, LeaveOrganization,
RemoveAccountFromOrganization, ListAccounts and DescribeAccount (behaviour.md, "Organizations and their accounts")."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from freezegun import freeze_time

import orgsim
from support import World, aws_error, check_paths

T0 = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


# -- CreateOrganization / DescribeOrganization ----------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "feature_set", "policy_types"),
    [
        ({}, "ALL", [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]),
        ({"FeatureSet": "ALL"}, "ALL", [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]),
        ({"FeatureSet": "CONSOLIDATED_BILLING"}, "CONSOLIDATED_BILLING", []),
    ],
)
def test_create_organization(
    orgsim: orgsim.Simulation, kwargs: dict[str, str], feature_set: str, policy_types: list[object]
) -> None:
    account = orgsim.seed_account("210987654321", email="boss@example.com", name="Boss")
    client = orgsim.session(account.id).client("organizations")
    org = client.create_organization(**kwargs)["Organization"]
    assert re.fullmatch(r"o-[a-z0-9]{10,32}", org["Id"])
    assert org == {
        "Id": org["Id"],
        "Arn": f"arn:aws:organizations::210987654321:organization/{org['Id']}",
        "FeatureSet": feature_set,
        "MasterAccountArn": f"arn:aws:organizations::210987654321:account/{org['Id']}/210987654321",
        "MasterAccountId": "210987654321",
        "MasterAccountEmail": "boss@example.com",
        "AvailablePolicyTypes": policy_types,
    }
    assert client.describe_organization()["Organization"] == org


def test_the_creator_is_the_only_account(world: World) -> None:
    with freeze_time(T0):
        client = world.sim.session("210987654321").client("organizations")
        org = client.create_organization()["Organization"]
    [account] = client.list_accounts()["Accounts"]
    assert account["Id"] == "210987654321"
    assert account["JoinedMethod"] == "INVITED"  # as in the service's own examples
    assert account["JoinedTimestamp"] == T0
    check_paths(account, org["Id"])


def test_create_organization_rejects_an_unknown_feature_set(orgsim: orgsim.Simulation) -> None:
    client = orgsim.session("210987654321").client("organizations")
    with aws_error(client, "InvalidInputException", "INVALID_ENUM"):
        client.create_organization(FeatureSet="SOME")
    with aws_error(client, "AWSOrganizationsNotInUseException"):
        client.describe_organization()


@pytest.mark.parametrize("who", ["management", "member"])
def test_an_account_in_an_organization_cannot_create_another(world: World, who: str) -> None:
    client = world.mgmt if who == "management" else world.client(world.join())
    with aws_error(client, "AlreadyInOrganizationException"):
        client.create_organization()


def test_members_may_describe_their_organization(world: World) -> None:
    member = world.client(world.join())
    assert member.describe_organization()["Organization"] == world.org


def test_standalone_accounts_have_no_organization(orgsim: orgsim.Simulation) -> None:
    client = orgsim.session("210987654321").client("organizations")
    with aws_error(client, "AWSOrganizationsNotInUseException") as info:
        client.describe_organization()
    assert info.value.response["Message"] == "Your account is not a member of an organization."


def test_organizations_get_distinct_ids(orgsim: orgsim.Simulation) -> None:
    clients = [orgsim.session(f"21098765432{i}").client("organizations") for i in range(5)]
    ids = {client.create_organization()["Organization"]["Id"] for client in clients}
    assert len(ids) == 5


# -- DeleteOrganization ---------------------------------------------------------------------------


def test_delete_organization_leaves_the_management_account_standalone(world: World) -> None:
    world.mgmt.delete_organization()
    with aws_error(world.mgmt, "AWSOrganizationsNotInUseException"):
        world.mgmt.describe_organization()
    new = world.mgmt.create_organization()["Organization"]
    assert new["Id"] != world.org["Id"]


def test_delete_organization_with_members_is_refused(world: World) -> None:
    member = world.join()
    with aws_error(world.mgmt, "OrganizationNotEmptyException"):
        world.mgmt.delete_organization()
    world.mgmt.remove_account_from_organization(AccountId=member)
    world.mgmt.delete_organization()


def test_open_invitations_do_not_block_deletion(world: World) -> None:
    world.invite()
    world.mgmt.delete_organization()


def test_only_the_management_account_may_delete(world: World) -> None:
    member = world.client(world.join())
    with aws_error(member, "AccessDeniedException"):
        member.delete_organization()
    standalone = world.client("555555555555")
    with aws_error(standalone, "AWSOrganizationsNotInUseException"):
        standalone.delete_organization()


# -- LeaveOrganization ----------------------------------------------------------------------------


def test_a_member_leaves(world: World) -> None:
    member_id = world.join()
    member = world.client(member_id)
    member.leave_organization()
    with aws_error(member, "AWSOrganizationsNotInUseException"):
        member.describe_organization()
    assert [a["Id"] for a in world.mgmt.list_accounts()["Accounts"]] == [world.mgmt_id]
    with aws_error(world.mgmt, "AccountNotFoundException"):
        world.mgmt.describe_account(AccountId=member_id)
    assert world.invite(member_id)["State"] == "OPEN"  # it can be invited again


def test_leaving_drops_the_accounts_tags(world: World) -> None:
    target = world.new_account()
    handshake = world.invite(target, Tags=[{"Key": "team", "Value": "blue"}])
    member = world.client(target)
    member.accept_handshake(HandshakeId=handshake["Id"])
    member.leave_organization()
    aws = world.sim._require()
    assert aws.world.accounts[target].tags == {}


def test_the_management_account_cannot_leave(world: World) -> None:
    with aws_error(world.mgmt, "MasterCannotLeaveOrganizationException"):
        world.mgmt.leave_organization()


def test_a_standalone_account_cannot_leave(orgsim: orgsim.Simulation) -> None:
    client = orgsim.session("210987654321").client("organizations")
    with aws_error(client, "AWSOrganizationsNotInUseException"):
        client.leave_organization()


# -- RemoveAccountFromOrganization ----------------------------------------------------------------


def test_the_management_account_removes_a_member(world: World) -> None:
    member_id = world.join()
    world.mgmt.remove_account_from_organization(AccountId=member_id)
    with aws_error(world.client(member_id), "AWSOrganizationsNotInUseException"):
        world.client(member_id).describe_organization()
    with aws_error(world.mgmt, "AccountNotFoundException"):
        world.mgmt.remove_account_from_organization(AccountId=member_id)


def test_removing_the_management_account_is_a_constraint_violation(world: World) -> None:
    with aws_error(world.mgmt, "ConstraintViolationException", "ACCOUNT_CANNOT_LEAVE_ORGANIZATION"):
        world.mgmt.remove_account_from_organization(AccountId=world.mgmt_id)


@pytest.mark.parametrize("account_id", ["210987654321", None])
def test_removing_a_non_member_is_account_not_found(world: World, account_id: str | None) -> None:
    if account_id is None:
        account_id = world.invite()["Parties"][1]["Id"]  # invited is not a member yet
    with aws_error(world.mgmt, "AccountNotFoundException") as info:
        world.mgmt.remove_account_from_organization(AccountId=account_id)
    assert info.value.response["Message"] == "You specified an account that doesn't exist."


def test_removing_a_member_of_another_organization_is_account_not_found(world: World) -> None:
    other = world.client("333333333333")
    other.create_organization()
    with aws_error(world.mgmt, "AccountNotFoundException"):
        world.mgmt.remove_account_from_organization(AccountId="333333333333")


def test_only_the_management_account_may_remove(world: World) -> None:
    first, second = world.join(), world.join()
    member = world.client(first)
    with aws_error(member, "AccessDeniedException") as info:
        member.remove_account_from_organization(AccountId=second)
    assert info.value.response["Message"] == "You don't have permissions to access this resource."
    standalone = world.client("555555555555")
    with aws_error(standalone, "AWSOrganizationsNotInUseException"):
        standalone.remove_account_from_organization(AccountId=second)


@pytest.mark.parametrize(
    ("operation", "account_id", "reason"),
    [
        ("remove_account_from_organization", "12345", "INVALID_PATTERN"),
        ("remove_account_from_organization", "abcdefghijkl", "INVALID_PATTERN"),
        ("remove_account_from_organization", "1234567890123", "MAX_LENGTH_EXCEEDED"),
        ("describe_account", "12345", "INVALID_PATTERN"),
        ("describe_account", "1234567890123", "MAX_LENGTH_EXCEEDED"),
    ],
)
def test_account_ids_are_validated(world: World, operation: str, account_id: str, reason: str) -> None:
    with aws_error(world.mgmt, "InvalidInputException", reason):
        getattr(world.mgmt, operation)(AccountId=account_id)


# -- DescribeAccount (ListAccounts: test_lists.py) ---------------------------------------------------------------


@pytest.mark.parametrize("operation", ["list_accounts", "describe_account"])
def test_accounts_are_for_the_management_account(world: World, operation: str) -> None:
    member = world.client(world.join())
    kwargs = {"AccountId": world.mgmt_id} if operation == "describe_account" else {}
    with aws_error(member, "AccessDeniedException"):
        getattr(member, operation)(**kwargs)
    standalone = world.client("555555555555")
    with aws_error(standalone, "AWSOrganizationsNotInUseException"):
        getattr(standalone, operation)(**kwargs)


def test_describe_account_of_a_stranger_is_not_found(world: World) -> None:
    with aws_error(world.mgmt, "AccountNotFoundException"):
        world.mgmt.describe_account(AccountId="210987654321")
