"""What policies, trusted access and registrations do to the operations simulated before them:
joining, creating OUs and accounts, moving, leaving, closing, deleting (behaviour.md, "Attaching policies")."""

from __future__ import annotations

import pytest
from support import World, aws_error
from support.governance import (
    FULL_AWS_ACCESS,
    RCP,
    RCP_FULL_AWS_ACCESS,
    SCP,
    SECURITYHUB,
    create_policy,
    delegate,
    listed_policies,
    needs_type,
    policies_of,
    root_id,
    targets_of,
)

import orgsim


@pytest.mark.orgsim(clock=orgsim.ManualClock("2030-01-01"), create_account_delay_seconds=1)
def test_new_targets_get_the_defaults_of_the_enabled_types(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim)
    root = root_id(world)
    enabled = [SCP]
    if RCP in world.mgmt.meta.service_model.shape_for("PolicyType").enum:
        world.mgmt.enable_policy_type(RootId=root, PolicyType=RCP)
        enabled.append(RCP)
    ou = world.mgmt.create_organizational_unit(ParentId=root, Name="OU")["OrganizationalUnit"]["Id"]
    invited = world.join()
    world.mgmt.create_account(Email="new@example.com", AccountName="New")
    orgsim.clock.advance(seconds=1)  # type: ignore[attr-defined]
    created = world.mgmt.list_create_account_status()["CreateAccountStatuses"][0]["AccountId"]
    defaults = {SCP: FULL_AWS_ACCESS, RCP: RCP_FULL_AWS_ACCESS}
    for target in (ou, invited, created):
        for policy_type in enabled:
            assert policies_of(world.mgmt, target, policy_type) == [defaults[policy_type]]
    assert targets_of(world.mgmt, FULL_AWS_ACCESS) == [root, world.mgmt_id, ou, invited, created]


def test_a_move_keeps_direct_attachments(world: World) -> None:
    member = world.join()
    root = root_id(world)
    ou = world.mgmt.create_organizational_unit(ParentId=root, Name="OU")["OrganizationalUnit"]["Id"]
    policy = create_policy(world.mgmt, "Guard")
    world.mgmt.attach_policy(PolicyId=policy, TargetId=member)
    world.mgmt.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou)
    assert policies_of(world.mgmt, member) == [FULL_AWS_ACCESS, policy]


@pytest.mark.parametrize("how", ["leave", "remove"])
def test_leaving_removes_attachments_and_a_rejoin_starts_with_the_defaults(world: World, how: str) -> None:
    member = world.join()
    policy = create_policy(world.mgmt, "Guard")
    world.mgmt.attach_policy(PolicyId=policy, TargetId=member)
    world.mgmt.detach_policy(PolicyId=FULL_AWS_ACCESS, TargetId=member)
    if how == "leave":
        world.client(member).leave_organization()
    else:
        world.mgmt.remove_account_from_organization(AccountId=member)
    assert targets_of(world.mgmt, policy) == []
    assert member not in targets_of(world.mgmt, FULL_AWS_ACCESS)
    world.mgmt.delete_policy(PolicyId=policy)  # attached nowhere any more
    world.join(member)
    assert policies_of(world.mgmt, member) == [FULL_AWS_ACCESS]


def test_deleting_an_ou_takes_its_attachments_with_it(world: World) -> None:
    root = root_id(world)
    ou = world.mgmt.create_organizational_unit(ParentId=root, Name="OU")["OrganizationalUnit"]["Id"]
    policy = create_policy(world.mgmt, "Guard")
    world.mgmt.attach_policy(PolicyId=policy, TargetId=ou)
    world.mgmt.delete_organizational_unit(OrganizationalUnitId=ou)
    assert targets_of(world.mgmt, policy) == []
    assert targets_of(world.mgmt, FULL_AWS_ACCESS) == [root, world.mgmt_id]
    with aws_error(world.mgmt, "TargetNotFoundException"):
        world.mgmt.list_policies_for_target(TargetId=ou, Filter=SCP)


def test_deleting_the_organization_takes_everything_with_it(orgsim: orgsim.Simulation, world: World) -> None:
    member = world.join()
    create_policy(world.mgmt, "Guard", Tags=[{"Key": "k", "Value": "v"}])
    delegate(world, member)
    world.mgmt.put_resource_policy(
        Content='{"Statement": {"Effect": "Allow", "Principal": "111111111111", "Action": "organizations:ListRoots"}}'
    )
    world.mgmt.deregister_delegated_administrator(AccountId=member, ServicePrincipal=SECURITYHUB)
    world.mgmt.remove_account_from_organization(AccountId=member)
    world.mgmt.delete_organization()
    world.mgmt.create_organization()
    assert listed_policies(world.mgmt) == [FULL_AWS_ACCESS]
    assert world.mgmt.list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []
    assert world.mgmt.list_delegated_administrators()["DelegatedAdministrators"] == []
    with aws_error(world.mgmt, "ResourcePolicyNotFoundException"):
        world.mgmt.describe_resource_policy()
    assert targets_of(world.mgmt, FULL_AWS_ACCESS) == [root_id(world), world.mgmt_id]


def test_a_delegated_administrator_keeps_the_organization_from_being_deleted(world: World) -> None:
    member = world.join()
    delegate(world, member)
    with aws_error(world.mgmt, "OrganizationNotEmptyException"):
        world.mgmt.delete_organization()


@pytest.mark.orgsim(clock=orgsim.ManualClock("2030-01-01"))
def test_a_closed_account_keeps_its_attachments_until_it_is_gone(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim)
    member = world.join()
    policy = create_policy(world.mgmt, "Guard")
    world.mgmt.attach_policy(PolicyId=policy, TargetId=member)
    world.mgmt.close_account(AccountId=member)
    orgsim.clock.advance(days=1)  # type: ignore[attr-defined]
    assert policies_of(world.mgmt, member) == [FULL_AWS_ACCESS, policy]
    orgsim.clock.advance(days=90)  # type: ignore[attr-defined]
    assert targets_of(world.mgmt, policy) == []


def test_enabling_all_features_enables_no_policy_type(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim, feature_set="CONSOLIDATED_BILLING")
    world.mgmt.accept_handshake(HandshakeId=world.mgmt.enable_all_features()["Handshake"]["Id"])
    member = world.join()
    assert policies_of(world.mgmt, member) == []
    assert world.mgmt.list_roots()["Roots"][0]["PolicyTypes"] == []


@needs_type(RCP)
def test_disabling_rcps_takes_the_default_from_new_targets_too(world: World) -> None:
    root = root_id(world)
    world.mgmt.enable_policy_type(RootId=root, PolicyType=RCP)
    world.mgmt.disable_policy_type(RootId=root, PolicyType=RCP)
    member = world.join()
    assert policies_of(world.mgmt, member, RCP) == []
    assert targets_of(world.mgmt, RCP_FULL_AWS_ACCESS) == []
