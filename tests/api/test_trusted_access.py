"""Trusted access: EnableAWSServiceAccess, DisableAWSServiceAccess, ListAWSServiceAccessForOrganization
(behaviour.md, "Trusted access")."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.config import Config
from support import World, aws_error
from support.governance import SECURITYHUB, STACKSETS, delegate

import orgsim
from orgsim.domain.trusted_access import KNOWN_SERVICE_PRINCIPALS


def enabled(client: object) -> list[tuple[str, dt.datetime]]:
    pages = client.get_paginator("list_aws_service_access_for_organization").paginate()  # type: ignore[attr-defined]
    return [(e["ServicePrincipal"], e["DateEnabled"]) for page in pages for e in page["EnabledServicePrincipals"]]


@pytest.mark.orgsim(clock=orgsim.ManualClock("2030-01-01"))
def test_enable_lists_in_enabling_order_and_again_changes_nothing(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim)
    start = orgsim.now()
    assert enabled(world.mgmt) == []
    world.mgmt.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
    orgsim.clock.advance(hours=1)  # type: ignore[attr-defined]
    world.mgmt.enable_aws_service_access(ServicePrincipal=SECURITYHUB)
    world.mgmt.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")  # keeps its first date
    later = start + dt.timedelta(hours=1)
    assert enabled(world.mgmt) == [("config.amazonaws.com", start), (SECURITYHUB, later)]


@pytest.mark.parametrize("principal", sorted(KNOWN_SERVICE_PRINCIPALS))
def test_every_known_principal_can_be_enabled_and_disabled(world: World, principal: str) -> None:
    world.mgmt.enable_aws_service_access(ServicePrincipal=principal)
    assert [p for p, _ in enabled(world.mgmt)] == [principal]
    world.mgmt.disable_aws_service_access(ServicePrincipal=principal)
    assert enabled(world.mgmt) == []


@pytest.mark.parametrize(
    "principal", ["stacksets.cloudformation.amazonaws.com", "example.amazonaws.com", "securityhub", "SecurityHub.amazonaws.com"]
)
def test_unknown_principals_are_refused(world: World, principal: str) -> None:
    for call in (world.mgmt.enable_aws_service_access, world.mgmt.disable_aws_service_access):
        with aws_error(world.mgmt, "InvalidInputException", "UNRECOGNIZED_SERVICE_PRINCIPAL"):
            call(ServicePrincipal=principal)
    assert enabled(world.mgmt) == []


def test_the_stacksets_principal_is_the_member_org_one(world: World) -> None:
    world.mgmt.enable_aws_service_access(ServicePrincipal=STACKSETS)
    assert [p for p, _ in enabled(world.mgmt)] == [STACKSETS]


@pytest.mark.orgsim(extra_service_principals=["reporting.trustedadvisor.amazonaws.com"])
def test_extra_principals_are_accepted(world: World) -> None:
    world.mgmt.enable_aws_service_access(ServicePrincipal="reporting.trustedadvisor.amazonaws.com")
    assert [p for p, _ in enabled(world.mgmt)] == ["reporting.trustedadvisor.amazonaws.com"]


def test_extra_principals_must_look_like_principals() -> None:
    for bad in (["has space.amazonaws.com"], "config.amazonaws.com", [""], [5]):
        with pytest.raises(ValueError, match="extra_service_principals"):
            orgsim.simulate(extra_service_principals=bad)


@pytest.mark.parametrize(("principal", "reason"), [("a b", "INVALID_PATTERN"), ("a" * 129, "MAX_LENGTH_EXCEEDED")])
def test_principal_input(orgsim: orgsim.Simulation, world: World, principal: str, reason: str) -> None:
    client = orgsim.session(world.mgmt_id).client("organizations", config=Config(parameter_validation=False))
    for call in (client.enable_aws_service_access, client.disable_aws_service_access):
        with aws_error(client, "InvalidInputException", reason):
            call(ServicePrincipal=principal)


def test_disabling_access_not_enabled_changes_nothing(world: World) -> None:
    world.mgmt.disable_aws_service_access(ServicePrincipal=SECURITYHUB)
    assert enabled(world.mgmt) == []


def test_disabling_access_keeps_delegated_administrators(world: World) -> None:
    member = world.join()
    delegate(world, member)
    world.mgmt.disable_aws_service_access(ServicePrincipal=SECURITYHUB)
    admins = world.mgmt.list_delegated_administrators(ServicePrincipal=SECURITYHUB)["DelegatedAdministrators"]
    assert [a["Id"] for a in admins] == [member]


def test_consolidated_billing_has_no_trusted_access(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim, feature_set="CONSOLIDATED_BILLING")
    for call in (world.mgmt.enable_aws_service_access, world.mgmt.disable_aws_service_access):
        with aws_error(world.mgmt, "ConstraintViolationException", "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE"):
            call(ServicePrincipal=SECURITYHUB)
    # The feature set is judged before the principal.
    with aws_error(world.mgmt, "ConstraintViolationException", "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE"):
        world.mgmt.enable_aws_service_access(ServicePrincipal="example.amazonaws.com")
    assert enabled(world.mgmt) == []


def test_who_may_change_and_read_trusted_access(orgsim: orgsim.Simulation, world: World) -> None:
    admin_id, member_id = world.join(), world.join()
    delegate(world, admin_id)
    admin, member = world.client(admin_id), world.client(member_id)
    standalone = orgsim.session("555555555555").client("organizations")
    for client, code in ((admin, "AccessDeniedException"), (member, "AccessDeniedException"), (standalone, "AWSOrganizationsNotInUseException")):
        for call in (client.enable_aws_service_access, client.disable_aws_service_access):
            with aws_error(client, code):
                call(ServicePrincipal=SECURITYHUB)
    assert [p for p, _ in enabled(admin)] == [SECURITYHUB]
    for client, code in ((member, "AccessDeniedException"), (standalone, "AWSOrganizationsNotInUseException")):
        with aws_error(client, code):
            client.list_aws_service_access_for_organization()


def test_the_list_pages(world: World) -> None:
    principals = sorted(KNOWN_SERVICE_PRINCIPALS)[:5]
    for principal in principals:
        world.mgmt.enable_aws_service_access(ServicePrincipal=principal)
    first = world.mgmt.list_aws_service_access_for_organization(MaxResults=2)
    assert [e["ServicePrincipal"] for e in first["EnabledServicePrincipals"]] == principals[:2]
    world.mgmt.disable_aws_service_access(ServicePrincipal=principals[2])
    second = world.mgmt.list_aws_service_access_for_organization(MaxResults=2, NextToken=first["NextToken"])
    assert [e["ServicePrincipal"] for e in second["EnabledServicePrincipals"]] == principals[3:]
    assert "NextToken" not in second
