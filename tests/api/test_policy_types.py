"""Policy types on the root: EnablePolicyType, DisablePolicyType, and what each does to attachments
(behaviour.md, "Policy types")."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from support import World, aws_error
from support.governance import (
    BACKUP,
    FULL_AWS_ACCESS,
    POLICY_TYPES,
    RCP,
    RCP_FULL_AWS_ACCESS,
    SCP,
    SECURITYHUB,
    TAG,
    create_policy,
    needs_type,
    policies_of,
    root_id,
    targets_of,
)

import orgsim
from orgsim.domain.policies import SERVICE_OF_TYPE


def test_an_organization_with_all_features_starts_with_scps_and_full_aws_access(world: World) -> None:
    root = world.mgmt.list_roots()["Roots"][0]
    assert root["PolicyTypes"] == [{"Type": SCP, "Status": "ENABLED"}]
    assert world.mgmt.describe_organization()["Organization"]["AvailablePolicyTypes"] == [
        {"Type": SCP, "Status": "ENABLED"}
    ]
    assert targets_of(world.mgmt, FULL_AWS_ACCESS) == [root["Id"], world.mgmt_id]


# Types tied to a service need its trusted access first (test_types_tied_to_a_service_need_trusted_access).
FREE_TYPES = [t for t in POLICY_TYPES if t != SCP and t not in SERVICE_OF_TYPE]


@pytest.mark.parametrize("policy_type", FREE_TYPES)
def test_enable_every_type_of_the_model(world: World, policy_type: str) -> None:
    member = world.join()
    root = root_id(world)
    ou = world.mgmt.create_organizational_unit(ParentId=root, Name="OU")["OrganizationalUnit"]["Id"]
    answer = world.mgmt.enable_policy_type(RootId=root, PolicyType=policy_type)["Root"]
    assert answer["Id"] == root
    assert answer["PolicyTypes"] == [{"Type": SCP, "Status": "ENABLED"}, {"Type": policy_type, "Status": "ENABLED"}]
    assert world.mgmt.list_roots()["Roots"][0]["PolicyTypes"] == answer["PolicyTypes"]
    if policy_type == RCP:
        # Its AWS-managed policy goes everywhere: the root, the OUs, then the accounts.
        assert targets_of(world.mgmt, RCP_FULL_AWS_ACCESS) == [root, ou, world.mgmt_id, member]
        assert policies_of(world.mgmt, member, RCP) == [RCP_FULL_AWS_ACCESS]
    else:
        assert policies_of(world.mgmt, member, policy_type) == []
    with aws_error(world.mgmt, "PolicyTypeAlreadyEnabledException"):
        world.mgmt.enable_policy_type(RootId=root, PolicyType=policy_type)


def test_scps_are_already_enabled(world: World) -> None:
    with aws_error(world.mgmt, "PolicyTypeAlreadyEnabledException"):
        world.mgmt.enable_policy_type(RootId=root_id(world), PolicyType=SCP)


def test_consolidated_billing_has_no_policy_types(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim, feature_set="CONSOLIDATED_BILLING")
    root = root_id(world)
    assert world.mgmt.describe_organization()["Organization"]["AvailablePolicyTypes"] == []
    with aws_error(world.mgmt, "PolicyTypeNotAvailableForOrganizationException"):
        world.mgmt.enable_policy_type(RootId=root, PolicyType=SCP)
    # The feature set is judged before the root: even an unknown root gets the same answer.
    with aws_error(world.mgmt, "PolicyTypeNotAvailableForOrganizationException"):
        world.mgmt.enable_policy_type(RootId="r-zzzz", PolicyType=TAG)
    with aws_error(world.mgmt, "PolicyTypeNotEnabledException"):
        world.mgmt.disable_policy_type(RootId=root, PolicyType=SCP)
    assert targets_of_or_none(world, FULL_AWS_ACCESS) is None


def targets_of_or_none(world: World, policy_id: str) -> list[str] | None:
    try:
        return targets_of(world.mgmt, policy_id)
    except world.mgmt.exceptions.PolicyNotFoundException:
        return None


def test_finishing_all_features_enables_nothing(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim, feature_set="CONSOLIDATED_BILLING")
    parent = world.mgmt.enable_all_features()["Handshake"]
    world.mgmt.accept_handshake(HandshakeId=parent["Id"])
    root = root_id(world)
    assert world.mgmt.list_roots()["Roots"][0]["PolicyTypes"] == []
    assert world.mgmt.describe_organization()["Organization"]["AvailablePolicyTypes"] == [
        {"Type": SCP, "Status": "ENABLED"}
    ]
    assert targets_of(world.mgmt, FULL_AWS_ACCESS) == []
    world.mgmt.enable_policy_type(RootId=root, PolicyType=SCP)
    assert targets_of(world.mgmt, FULL_AWS_ACCESS) == [root, world.mgmt_id]


def test_an_unknown_root_is_not_found(orgsim: orgsim.Simulation, world: World) -> None:
    other = orgsim.session("999999999999").client("organizations")
    other.create_organization()
    foreign = other.list_roots()["Roots"][0]["Id"]
    for root in ("r-zzzz", foreign):
        with aws_error(world.mgmt, "RootNotFoundException"):
            world.mgmt.enable_policy_type(RootId=root, PolicyType=TAG)
        with aws_error(world.mgmt, "RootNotFoundException"):
            world.mgmt.disable_policy_type(RootId=root, PolicyType=SCP)


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"RootId": "root-1", "PolicyType": TAG}, "INVALID_PATTERN"),
        ({"RootId": "r-ab", "PolicyType": TAG}, "INVALID_PATTERN"),
        ({"RootId": "r-abcd", "PolicyType": "SCP"}, "INVALID_ENUM_POLICY_TYPE"),
    ],
)
def test_input_is_checked_first(orgsim: orgsim.Simulation, world: World, params: dict[str, Any], reason: str) -> None:
    client = orgsim.session(world.mgmt_id).client("organizations", config=Config(parameter_validation=False))
    for operation in (client.enable_policy_type, client.disable_policy_type):
        with aws_error(client, "InvalidInputException", reason):
            operation(**params)


def test_who_may_enable_and_disable(orgsim: orgsim.Simulation, world: World) -> None:
    member = world.client(world.join())
    standalone = orgsim.session("555555555555").client("organizations")
    root = root_id(world)
    for call in (member.enable_policy_type, member.disable_policy_type):
        with aws_error(member, "AccessDeniedException"):
            call(RootId=root, PolicyType=TAG)
    for call in (standalone.enable_policy_type, standalone.disable_policy_type):
        with aws_error(standalone, "AWSOrganizationsNotInUseException"):
            call(RootId=root, PolicyType=TAG)


def test_disabling_detaches_every_policy_of_the_type_and_deletes_none(world: World) -> None:
    member = world.join()
    root = root_id(world)
    custom = create_policy(world.mgmt, "Deny")
    world.mgmt.attach_policy(PolicyId=custom, TargetId=member)
    tagging = _enabled_tag_policy(world, root, member)
    answer = world.mgmt.disable_policy_type(RootId=root, PolicyType=SCP)["Root"]
    assert answer["PolicyTypes"] == [{"Type": TAG, "Status": "ENABLED"}]
    assert targets_of(world.mgmt, FULL_AWS_ACCESS) == []
    assert targets_of(world.mgmt, custom) == []
    assert policies_of(world.mgmt, member) == []
    assert world.mgmt.describe_policy(PolicyId=custom)["Policy"]["PolicySummary"]["Name"] == "Deny"
    # Other types keep theirs; the deprecated AvailablePolicyTypes stays as it was.
    assert targets_of(world.mgmt, tagging) == [member]
    assert world.mgmt.describe_organization()["Organization"]["AvailablePolicyTypes"] == [
        {"Type": SCP, "Status": "ENABLED"}
    ]
    # Attaching needs the type; detaching finds nothing attached.
    with aws_error(world.mgmt, "PolicyTypeNotEnabledException"):
        world.mgmt.attach_policy(PolicyId=custom, TargetId=member)
    with aws_error(world.mgmt, "PolicyNotAttachedException"):
        world.mgmt.detach_policy(PolicyId=custom, TargetId=member)
    with aws_error(world.mgmt, "PolicyTypeNotEnabledException"):
        world.mgmt.disable_policy_type(RootId=root, PolicyType=SCP)
    # Enabled again: only the AWS-managed policy, everywhere; the old attachments are lost.
    world.mgmt.enable_policy_type(RootId=root, PolicyType=SCP)
    assert targets_of(world.mgmt, FULL_AWS_ACCESS) == [root, world.mgmt_id, member]
    assert targets_of(world.mgmt, custom) == []


def _enabled_tag_policy(world: World, root: str, member: str) -> str:
    world.mgmt.enable_policy_type(RootId=root, PolicyType=TAG)
    tagging = create_policy(world.mgmt, "Tags", TAG)
    world.mgmt.attach_policy(PolicyId=tagging, TargetId=member)
    return tagging


@needs_type(BACKUP)
def test_disabling_a_management_type_detaches_its_policies(world: World) -> None:
    root = root_id(world)
    world.mgmt.enable_policy_type(RootId=root, PolicyType=BACKUP)
    backup = create_policy(world.mgmt, "Backup", BACKUP, content='{"plans": {}}')
    world.mgmt.attach_policy(PolicyId=backup, TargetId=root)
    world.mgmt.disable_policy_type(RootId=root, PolicyType=BACKUP)
    assert targets_of(world.mgmt, backup) == []
    assert targets_of(world.mgmt, FULL_AWS_ACCESS) == [root, world.mgmt_id]
    world.mgmt.delete_policy(PolicyId=backup)


@needs_type("SECURITYHUB_POLICY")
@pytest.mark.parametrize("policy_type", sorted(t for t in SERVICE_OF_TYPE if t in POLICY_TYPES))
def test_types_tied_to_a_service_need_trusted_access(world: World, policy_type: str) -> None:
    root = root_id(world)
    service = SERVICE_OF_TYPE[policy_type]
    with aws_error(world.mgmt, "ConstraintViolationException", "SERVICE_ACCESS_NOT_ENABLED"):
        world.mgmt.enable_policy_type(RootId=root, PolicyType=policy_type)
    world.mgmt.enable_aws_service_access(ServicePrincipal=service)
    world.mgmt.enable_policy_type(RootId=root, PolicyType=policy_type)
    with aws_error(world.mgmt, "ConstraintViolationException", "POLICY_TYPE_ENABLED_FOR_THIS_SERVICE"):
        world.mgmt.disable_aws_service_access(ServicePrincipal=service)
    world.mgmt.disable_policy_type(RootId=root, PolicyType=policy_type)
    world.mgmt.disable_aws_service_access(ServicePrincipal=service)


@needs_type("SECURITYHUB_POLICY")
def test_the_service_is_checked_after_the_state(world: World) -> None:
    root = root_id(world)
    world.mgmt.enable_aws_service_access(ServicePrincipal=SECURITYHUB)
    world.mgmt.enable_policy_type(RootId=root, PolicyType="SECURITYHUB_POLICY")
    # Enabled already: that is the answer, whatever trusted access says.
    with aws_error(world.mgmt, "PolicyTypeAlreadyEnabledException"):
        world.mgmt.enable_policy_type(RootId=root, PolicyType="SECURITYHUB_POLICY")


def test_a_policy_type_newer_than_the_model_is_not_simulated(world: World) -> None:
    # The domain knows more types than the oldest model: the installed model decides.
    newer = [t for t in ("RESOURCE_CONTROL_POLICY", "GUARDDUTY_POLICY") if t not in POLICY_TYPES]
    if not newer:
        pytest.skip("this botocore's model has every type the domain knows of")
    client = world.sim.session(world.mgmt_id).client("organizations", config=Config(parameter_validation=False))
    with aws_error(client, "InvalidInputException", "INVALID_ENUM_POLICY_TYPE"):
        client.enable_policy_type(RootId=root_id(world), PolicyType=newer[0])
    if "RESOURCE_CONTROL_POLICY" not in POLICY_TYPES:
        with aws_error(client, "PolicyNotFoundException"):
            client.describe_policy(PolicyId=RCP_FULL_AWS_ACCESS)
