"""Delegated administrators: registering, deregistering, the lists, and what a registration changes
(behaviour.md, "Delegated administrators")."""

from __future__ import annotations

import datetime as dt

import pytest
from support import ACCOUNT_MEMBERS, World, aws_error
from support.governance import SECURITYHUB, STACKSETS, delegate, needs_reason

import orgsim

CONFIG = "config.amazonaws.com"


def admins(client: object, principal: str | None = None) -> list[dict[str, object]]:
    params = {} if principal is None else {"ServicePrincipal": principal}
    pages = client.get_paginator("list_delegated_administrators").paginate(**params)  # type: ignore[attr-defined]
    return [a for page in pages for a in page["DelegatedAdministrators"]]


def services(client: object, account_id: str) -> list[tuple[str, dt.datetime]]:
    pages = client.get_paginator("list_delegated_services_for_account").paginate(AccountId=account_id)  # type: ignore[attr-defined]
    return [(s["ServicePrincipal"], s["DelegationEnabledDate"]) for page in pages for s in page["DelegatedServices"]]


@pytest.mark.orgsim(clock=orgsim.ManualClock("2030-01-01"))
def test_register_and_list(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim)
    member = world.join()
    joined = orgsim.now()
    world.mgmt.enable_aws_service_access(ServicePrincipal=SECURITYHUB)
    world.mgmt.enable_aws_service_access(ServicePrincipal=CONFIG)
    orgsim.clock.advance(hours=1)  # type: ignore[attr-defined]
    assert world.mgmt.register_delegated_administrator(AccountId=member, ServicePrincipal=CONFIG)[
        "ResponseMetadata"
    ]["HTTPStatusCode"] == 200
    first = orgsim.now()
    orgsim.clock.advance(hours=1)  # type: ignore[attr-defined]
    world.mgmt.register_delegated_administrator(AccountId=member, ServicePrincipal=SECURITYHUB)
    second = orgsim.now()
    account = world.mgmt.describe_account(AccountId=member)["Account"]
    expected = {k: v for k, v in account.items() if k != "Paths"}
    assert admins(world.mgmt) == [{**expected, "DelegationEnabledDate": first}]  # the earliest registration
    assert admins(world.mgmt, SECURITYHUB) == [{**expected, "DelegationEnabledDate": second}]
    assert admins(world.mgmt, "ram.amazonaws.com") == []
    assert admins(world.mgmt, "example.amazonaws.com") == []  # unknown: nothing, not an error
    assert services(world.mgmt, member) == [(CONFIG, first), (SECURITYHUB, second)]
    assert account["JoinedTimestamp"] == joined
    if "State" in ACCOUNT_MEMBERS:
        assert admins(world.mgmt)[0]["State"] == "ACTIVE"


def test_register_checks_in_order(orgsim: orgsim.Simulation, world: World) -> None:
    member = world.join()
    standalone = orgsim.seed_account().id
    with aws_error(world.mgmt, "InvalidInputException", "UNRECOGNIZED_SERVICE_PRINCIPAL"):
        world.mgmt.register_delegated_administrator(AccountId=standalone, ServicePrincipal="example.amazonaws.com")
    for account in (standalone, "999999999999"):
        with aws_error(world.mgmt, "AccountNotFoundException"):
            world.mgmt.register_delegated_administrator(AccountId=account, ServicePrincipal=SECURITYHUB)
    with aws_error(world.mgmt, "ConstraintViolationException", "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR"):
        world.mgmt.register_delegated_administrator(AccountId=world.mgmt_id, ServicePrincipal=SECURITYHUB)
    with aws_error(world.mgmt, "ConstraintViolationException", "SERVICE_ACCESS_NOT_ENABLED"):
        world.mgmt.register_delegated_administrator(AccountId=member, ServicePrincipal=SECURITYHUB)
    delegate(world, member)
    with aws_error(world.mgmt, "AccountAlreadyRegisteredException"):
        world.mgmt.register_delegated_administrator(AccountId=member, ServicePrincipal=SECURITYHUB)
    with aws_error(world.mgmt, "ConstraintViolationException", "DELEGATED_ADMINISTRATOR_EXISTS_FOR_THIS_SERVICE"):
        world.mgmt.register_delegated_administrator(AccountId=world.join(), ServicePrincipal=SECURITYHUB)
    assert [a["Id"] for a in admins(world.mgmt)] == [member]


@needs_reason("CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR")
@pytest.mark.orgsim(clock=orgsim.ManualClock("2030-01-01"))
def test_a_closed_account_cannot_be_registered(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim)
    member = world.join()
    world.mgmt.enable_aws_service_access(ServicePrincipal=SECURITYHUB)
    world.mgmt.close_account(AccountId=member)
    # Closing (PENDING_CLOSURE) is not closed yet.
    world.mgmt.register_delegated_administrator(AccountId=member, ServicePrincipal=SECURITYHUB)
    world.mgmt.deregister_delegated_administrator(AccountId=member, ServicePrincipal=SECURITYHUB)
    orgsim.clock.advance(seconds=5)  # type: ignore[attr-defined]
    with aws_error(world.mgmt, "ConstraintViolationException", "CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR"):
        world.mgmt.register_delegated_administrator(AccountId=member, ServicePrincipal=SECURITYHUB)


@pytest.mark.orgsim(max_accounts=8)
def test_stacksets_takes_five_delegated_administrators(world: World) -> None:
    world.mgmt.enable_aws_service_access(ServicePrincipal=STACKSETS)
    members = [world.join() for _ in range(6)]
    for member in members[:5]:
        world.mgmt.register_delegated_administrator(AccountId=member, ServicePrincipal=STACKSETS)
    with aws_error(world.mgmt, "ConstraintViolationException", "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED"):
        world.mgmt.register_delegated_administrator(AccountId=members[5], ServicePrincipal=STACKSETS)
    assert [a["Id"] for a in admins(world.mgmt, STACKSETS)] == members[:5]
    page = world.mgmt.list_delegated_administrators(MaxResults=2)
    rest = world.mgmt.list_delegated_administrators(MaxResults=20, NextToken=page["NextToken"])
    assert [a["Id"] for a in page["DelegatedAdministrators"] + rest["DelegatedAdministrators"]] == members[:5]


def test_deregister(world: World) -> None:
    member = world.join()
    delegate(world, member)
    with aws_error(world.mgmt, "AccountNotFoundException"):
        world.mgmt.deregister_delegated_administrator(AccountId="999999999999", ServicePrincipal=SECURITYHUB)
    with aws_error(world.mgmt, "AccountNotRegisteredException"):
        world.mgmt.deregister_delegated_administrator(AccountId=member, ServicePrincipal=CONFIG)
    with aws_error(world.mgmt, "InvalidInputException", "UNRECOGNIZED_SERVICE_PRINCIPAL"):
        world.mgmt.deregister_delegated_administrator(AccountId=member, ServicePrincipal="example.amazonaws.com")
    # Trusted access need not be on.
    world.mgmt.disable_aws_service_access(ServicePrincipal=SECURITYHUB)
    world.mgmt.deregister_delegated_administrator(AccountId=member, ServicePrincipal=SECURITYHUB)
    assert admins(world.mgmt) == []
    with aws_error(world.mgmt, "AccountNotRegisteredException"):
        world.mgmt.list_delegated_services_for_account(AccountId=member)
    with aws_error(world.mgmt, "AccountNotRegisteredException"):
        world.mgmt.deregister_delegated_administrator(AccountId=member, ServicePrincipal=SECURITYHUB)


def test_the_last_service_gone_ends_the_reads(world: World) -> None:
    member = world.join()
    delegate(world, member)
    world.mgmt.enable_aws_service_access(ServicePrincipal=CONFIG)
    world.mgmt.register_delegated_administrator(AccountId=member, ServicePrincipal=CONFIG)
    client = world.client(member)
    world.mgmt.deregister_delegated_administrator(AccountId=member, ServicePrincipal=SECURITYHUB)
    assert [a["Id"] for a in client.list_accounts()["Accounts"]][0] == world.mgmt_id
    world.mgmt.deregister_delegated_administrator(AccountId=member, ServicePrincipal=CONFIG)
    with aws_error(client, "AccessDeniedException"):
        client.list_accounts()


def test_services_of_an_account(world: World) -> None:
    with aws_error(world.mgmt, "AccountNotFoundException"):
        world.mgmt.list_delegated_services_for_account(AccountId="999999999999")
    with aws_error(world.mgmt, "AccountNotRegisteredException"):
        world.mgmt.list_delegated_services_for_account(AccountId=world.mgmt_id)


def test_a_delegated_administrator_stays_until_deregistered(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim)
    leaver, removed = world.join(), world.join()
    delegate(world, leaver)
    world.mgmt.enable_aws_service_access(ServicePrincipal=CONFIG)
    world.mgmt.register_delegated_administrator(AccountId=removed, ServicePrincipal=CONFIG)
    with aws_error(world.client(leaver), "ConstraintViolationException", "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG"):
        world.client(leaver).leave_organization()
    with aws_error(world.mgmt, "ConstraintViolationException", "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG"):
        world.mgmt.remove_account_from_organization(AccountId=removed)
    world.mgmt.deregister_delegated_administrator(AccountId=removed, ServicePrincipal=CONFIG)
    world.mgmt.remove_account_from_organization(AccountId=removed)


@pytest.mark.orgsim(clock=orgsim.ManualClock("2030-01-01"), create_account_delay_seconds=1)
def test_the_delegation_is_judged_before_the_waiting_period(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim)
    world.mgmt.create_account(Email="new@example.com", AccountName="New")
    orgsim.clock.advance(seconds=1)  # type: ignore[attr-defined]
    created = world.mgmt.list_create_account_status()["CreateAccountStatuses"][0]["AccountId"]
    delegate(world, created)
    with aws_error(world.mgmt, "ConstraintViolationException", "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG"):
        world.mgmt.remove_account_from_organization(AccountId=created)
    world.mgmt.deregister_delegated_administrator(AccountId=created, ServicePrincipal=SECURITYHUB)
    with aws_error(world.mgmt, "ConstraintViolationException", "WAIT_PERIOD_ACTIVE"):
        world.mgmt.remove_account_from_organization(AccountId=created)


@pytest.mark.orgsim(clock=orgsim.ManualClock("2030-01-01"))
def test_a_closed_administrator_goes_with_its_registrations(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim)
    member = world.join()
    delegate(world, member)
    world.mgmt.close_account(AccountId=member)
    orgsim.clock.advance(days=1)  # type: ignore[attr-defined]
    assert [a["Id"] for a in admins(world.mgmt)] == [member]  # closed, still in the organization
    with aws_error(world.client(member), "AccessDeniedException"):
        world.client(member).list_accounts()  # a closed account can do nothing
    orgsim.clock.advance(days=90)  # type: ignore[attr-defined]
    assert admins(world.mgmt) == []
    assert orgsim.account(member).organization_id is None


def test_consolidated_billing_has_no_delegated_administrators(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim, feature_set="CONSOLIDATED_BILLING")
    member = world.join()
    for call in (world.mgmt.register_delegated_administrator, world.mgmt.deregister_delegated_administrator):
        with aws_error(world.mgmt, "ConstraintViolationException", "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE"):
            call(AccountId=member, ServicePrincipal=SECURITYHUB)
    assert admins(world.mgmt) == []
    assert services(world.mgmt, member) == []


def test_a_delegated_administrator_reads_like_the_management_account(world: World) -> None:
    member, other = world.join(), world.join()
    root = world.mgmt.list_roots()["Roots"][0]["Id"]
    ou = world.mgmt.create_organizational_unit(ParentId=root, Name="Team")["OrganizationalUnit"]["Id"]
    world.mgmt.move_account(AccountId=other, SourceParentId=root, DestinationParentId=ou)
    world.mgmt.tag_resource(ResourceId=other, Tags=[{"Key": "team", "Value": "a"}])
    delegate(world, member)
    admin = world.client(member)
    assert admin.list_accounts()["Accounts"] == world.mgmt.list_accounts()["Accounts"]
    assert admin.list_roots()["Roots"] == world.mgmt.list_roots()["Roots"]
    assert admin.list_children(ParentId=ou, ChildType="ACCOUNT")["Children"] == [{"Id": other, "Type": "ACCOUNT"}]
    assert admin.list_parents(ChildId=other)["Parents"] == [{"Id": ou, "Type": "ORGANIZATIONAL_UNIT"}]
    assert admin.list_tags_for_resource(ResourceId=other)["Tags"] == [{"Key": "team", "Value": "a"}]
    assert admin.list_handshakes_for_organization()["Handshakes"] == world.mgmt.list_handshakes_for_organization()["Handshakes"]
    assert admin.list_delegated_administrators()["DelegatedAdministrators"][0]["Id"] == member
    # ... and changes nothing.
    with aws_error(admin, "AccessDeniedException"):
        admin.tag_resource(ResourceId=other, Tags=[{"Key": "team", "Value": "b"}])
    with aws_error(admin, "AccessDeniedException"):
        admin.move_account(AccountId=other, SourceParentId=ou, DestinationParentId=root)
