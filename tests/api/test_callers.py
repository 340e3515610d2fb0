"""Who may call each operation: the management account, a member, a standalone account, or a
member registered as a delegated administrator (behaviour.md, "Who may call what").

One table: operation x caller -> "OK" or the modeled error the service answers with
(``Code:REASON`` for the errors with a reason). The delegated administrator has no delegation
policy: it may read, not write (test_delegation_policy.py covers the writes a policy grants).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

import orgsim
from orgsim.service.botocore_model import has_operation
from orgsim.service.routes import simulated
from support import World, aws_error
from support.governance import FULL_AWS_ACCESS, SECURITYHUB, create_policy, delegate
from support.reference_model import month_first


@dataclass
class Scene:
    world: World
    member_id: str
    other_member_id: str
    standalone_id: str
    invitation: dict[str, Any]
    root_id: str
    ou_id: str
    delegated_id: str
    policy_id: str
    attached_id: str
    request_id: str
    #: A billing transfer the management account invited another organization to (None where the
    #: installed model has no transfers).
    transfer_id: str | None


#: Management accounts of two other organizations: one already invited to a billing transfer, one
#: that the table's InviteOrganizationToTransferResponsibility invites.
TRANSFER_SOURCE, TRANSFER_TARGET = "777777777777", "888888888888"


def _invite_transfer(client: Any, sim: orgsim.Simulation, target: str) -> Any:
    return client.invite_organization_to_transfer_responsibility(
        Type="BILLING",
        Target={"Id": target, "Type": "ACCOUNT"},
        StartTimestamp=month_first(sim.now(), 2),  # the month after next
        SourceName="Bill",
    )


@pytest.fixture
def scene(orgsim: orgsim.Simulation) -> Scene:
    world = World.build(orgsim)
    member_id = world.join()
    other_member_id = world.join()
    delegated_id = world.join()
    invitation = world.invite()
    (root,) = world.mgmt.list_roots()["Roots"]
    ou = world.mgmt.create_organizational_unit(ParentId=root["Id"], Name="Existing")["OrganizationalUnit"]
    delegate(world, delegated_id)
    world.mgmt.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
    policy_id = create_policy(world.mgmt, "Existing")
    attached_id = create_policy(world.mgmt, "Attached")
    world.mgmt.attach_policy(PolicyId=attached_id, TargetId=ou["Id"])
    # A delegation policy that names nobody here.
    world.mgmt.put_resource_policy(Content=_NOBODY)
    request_id = world.mgmt.create_account(Email="new@example.com", AccountName="New")["CreateAccountStatus"]["Id"]
    transfer = None
    if has_operation("organizations", "InviteOrganizationToTransferResponsibility"):
        orgsim.seed_organization(TRANSFER_SOURCE)
        orgsim.seed_organization(TRANSFER_TARGET)
        handshake = _invite_transfer(world.mgmt, orgsim, TRANSFER_SOURCE)["Handshake"]
        transfer = next(r["Value"] for r in handshake["Resources"] if r["Type"] == "RESPONSIBILITY_TRANSFER")
    return Scene(
        world,
        member_id,
        other_member_id,
        "555555555555",
        invitation,
        root["Id"],
        ou["Id"],
        delegated_id,
        policy_id,
        attached_id,
        request_id,
        transfer,
    )


_NOBODY = json.dumps(
    {"Statement": {"Effect": "Allow", "Principal": "666666666666", "Action": "organizations:DescribeOrganization", "Resource": "*"}}
)


Call = Callable[[Any, Scene], Any]

CALLS: dict[str, Call] = {
    "CreateOrganization": lambda c, s: c.create_organization(),
    "DescribeOrganization": lambda c, s: c.describe_organization(),
    "DeleteOrganization": lambda c, s: c.delete_organization(),
    "InviteAccountToOrganization": lambda c, s: c.invite_account_to_organization(
        Target={"Id": "666666666666", "Type": "ACCOUNT"}
    ),
    "DescribeHandshake": lambda c, s: c.describe_handshake(HandshakeId=s.invitation["Id"]),
    "CancelHandshake": lambda c, s: c.cancel_handshake(HandshakeId=s.invitation["Id"]),
    "ListHandshakesForAccount": lambda c, s: c.list_handshakes_for_account(),
    "ListHandshakesForOrganization": lambda c, s: c.list_handshakes_for_organization(),
    "ListAccounts": lambda c, s: c.list_accounts(),
    "DescribeAccount": lambda c, s: c.describe_account(AccountId=s.other_member_id),
    "LeaveOrganization": lambda c, s: c.leave_organization(),
    "RemoveAccountFromOrganization": lambda c, s: c.remove_account_from_organization(AccountId=s.other_member_id),
    "CloseAccount": lambda c, s: c.close_account(AccountId=s.other_member_id),
    "ListRoots": lambda c, s: c.list_roots(),
    "CreateOrganizationalUnit": lambda c, s: c.create_organizational_unit(ParentId=s.root_id, Name="New"),
    "UpdateOrganizationalUnit": lambda c, s: c.update_organizational_unit(OrganizationalUnitId=s.ou_id, Name="Renamed"),
    "DeleteOrganizationalUnit": lambda c, s: c.delete_organizational_unit(OrganizationalUnitId=s.ou_id),
    "DescribeOrganizationalUnit": lambda c, s: c.describe_organizational_unit(OrganizationalUnitId=s.ou_id),
    "ListOrganizationalUnitsForParent": lambda c, s: c.list_organizational_units_for_parent(ParentId=s.root_id),
    "ListChildren": lambda c, s: c.list_children(ParentId=s.root_id, ChildType="ACCOUNT"),
    "ListParents": lambda c, s: c.list_parents(ChildId=s.other_member_id),
    "ListAccountsForParent": lambda c, s: c.list_accounts_for_parent(ParentId=s.root_id),
    "MoveAccount": lambda c, s: c.move_account(
        AccountId=s.other_member_id, SourceParentId=s.root_id, DestinationParentId=s.ou_id
    ),
    "TagResource": lambda c, s: c.tag_resource(ResourceId=s.other_member_id, Tags=[{"Key": "k", "Value": "v"}]),
    "UntagResource": lambda c, s: c.untag_resource(ResourceId=s.other_member_id, TagKeys=["k"]),
    "ListTagsForResource": lambda c, s: c.list_tags_for_resource(ResourceId=s.other_member_id),
    "CreateAccount": lambda c, s: c.create_account(Email="other@example.com", AccountName="Other"),
    "DescribeCreateAccountStatus": lambda c, s: c.describe_create_account_status(CreateAccountRequestId=s.request_id),
    "ListCreateAccountStatus": lambda c, s: c.list_create_account_status(),
    "EnableAllFeatures": lambda c, s: c.enable_all_features(),
    "EnablePolicyType": lambda c, s: c.enable_policy_type(RootId=s.root_id, PolicyType="TAG_POLICY"),
    "DisablePolicyType": lambda c, s: c.disable_policy_type(RootId=s.root_id, PolicyType="SERVICE_CONTROL_POLICY"),
    "CreatePolicy": lambda c, s: create_policy(c, "New") and {"ResponseMetadata": {"HTTPStatusCode": 200}},
    "UpdatePolicy": lambda c, s: c.update_policy(PolicyId=s.policy_id, Name="Renamed"),
    "DeletePolicy": lambda c, s: c.delete_policy(PolicyId=s.policy_id),
    "DescribePolicy": lambda c, s: c.describe_policy(PolicyId=s.policy_id),
    "ListPolicies": lambda c, s: c.list_policies(Filter="SERVICE_CONTROL_POLICY"),
    "AttachPolicy": lambda c, s: c.attach_policy(PolicyId=s.policy_id, TargetId=s.other_member_id),
    "DetachPolicy": lambda c, s: c.detach_policy(PolicyId=s.attached_id, TargetId=s.ou_id),
    "ListPoliciesForTarget": lambda c, s: c.list_policies_for_target(TargetId=s.root_id, Filter="SERVICE_CONTROL_POLICY"),
    "ListTargetsForPolicy": lambda c, s: c.list_targets_for_policy(PolicyId=FULL_AWS_ACCESS),
    "DescribeEffectivePolicy": lambda c, s: c.describe_effective_policy(PolicyType="TAG_POLICY"),
    "EnableAWSServiceAccess": lambda c, s: c.enable_aws_service_access(ServicePrincipal="ram.amazonaws.com"),
    "DisableAWSServiceAccess": lambda c, s: c.disable_aws_service_access(ServicePrincipal="config.amazonaws.com"),
    "ListAWSServiceAccessForOrganization": lambda c, s: c.list_aws_service_access_for_organization(),
    "RegisterDelegatedAdministrator": lambda c, s: c.register_delegated_administrator(
        AccountId=s.other_member_id, ServicePrincipal="config.amazonaws.com"
    ),
    "DeregisterDelegatedAdministrator": lambda c, s: c.deregister_delegated_administrator(
        AccountId=s.delegated_id, ServicePrincipal=SECURITYHUB
    ),
    "ListDelegatedAdministrators": lambda c, s: c.list_delegated_administrators(),
    "ListDelegatedServicesForAccount": lambda c, s: c.list_delegated_services_for_account(AccountId=s.delegated_id),
    "PutResourcePolicy": lambda c, s: c.put_resource_policy(Content=_NOBODY),
    "DescribeResourcePolicy": lambda c, s: c.describe_resource_policy(),
    "DeleteResourcePolicy": lambda c, s: c.delete_resource_policy(),
}
# Only in newer botocore models.
NEWER_CALLS: dict[str, Call] = {
    "InviteOrganizationToTransferResponsibility": lambda c, s: _invite_transfer(c, s.world.sim, TRANSFER_TARGET),
    "DescribeResponsibilityTransfer": lambda c, s: c.describe_responsibility_transfer(Id=s.transfer_id),
    "ListInboundResponsibilityTransfers": lambda c, s: c.list_inbound_responsibility_transfers(Type="BILLING"),
    "ListOutboundResponsibilityTransfers": lambda c, s: c.list_outbound_responsibility_transfers(Type="BILLING"),
    "UpdateResponsibilityTransfer": lambda c, s: c.update_responsibility_transfer(Id=s.transfer_id, Name="Renamed"),
    # Still REQUESTED: the management account may call it, and is told the transfer cannot end yet.
    "TerminateResponsibilityTransfer": lambda c, s: c.terminate_responsibility_transfer(Id=s.transfer_id),
    "ListAccountsWithInvalidEffectivePolicy": lambda c, s: c.list_accounts_with_invalid_effective_policy(
        PolicyType="TAG_POLICY"
    ),
    "ListEffectivePolicyValidationErrors": lambda c, s: c.list_effective_policy_validation_errors(
        AccountId=s.other_member_id, PolicyType="TAG_POLICY"
    ),
}
CALLS.update({name: call for name, call in NEWER_CALLS.items() if has_operation("organizations", name)})

NOT_IN_USE = "AWSOrganizationsNotInUseException"
DENIED = "AccessDeniedException"
NO_EFFECTIVE = "EffectivePolicyNotFoundException"
#: The usual answers of an operation of the management account's, and of a read a delegated
#: administrator may make.
MANAGEMENT_ONLY = ("OK", DENIED, NOT_IN_USE, DENIED)
ADMINISTRATORS = ("OK", DENIED, NOT_IN_USE, "OK")

#: operation -> (management, member, standalone, delegated administrator)
EXPECTED: dict[str, tuple[str, str, str, str]] = {
    "CreateOrganization": ("AlreadyInOrganizationException", "AlreadyInOrganizationException", "OK", "AlreadyInOrganizationException"),
    "DescribeOrganization": ("OK", "OK", NOT_IN_USE, "OK"),
    "DeleteOrganization": ("OrganizationNotEmptyException", DENIED, NOT_IN_USE, DENIED),
    "InviteAccountToOrganization": MANAGEMENT_ONLY,
    "DescribeHandshake": ("OK", "OK", "HandshakeNotFoundException", "OK"),
    "CancelHandshake": ("OK", DENIED, "HandshakeNotFoundException", DENIED),
    "ListHandshakesForAccount": ("OK", "OK", "OK", "OK"),
    "ListHandshakesForOrganization": ADMINISTRATORS,
    "ListAccounts": ADMINISTRATORS,
    "DescribeAccount": ADMINISTRATORS,
    "LeaveOrganization": (
        "MasterCannotLeaveOrganizationException",
        "OK",
        NOT_IN_USE,
        "ConstraintViolationException:CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG",
    ),
    "RemoveAccountFromOrganization": MANAGEMENT_ONLY,
    "CloseAccount": MANAGEMENT_ONLY,
    "CreateAccount": MANAGEMENT_ONLY,
    "DescribeCreateAccountStatus": ADMINISTRATORS,
    "ListCreateAccountStatus": ADMINISTRATORS,
    "EnableAllFeatures": (
        "HandshakeConstraintViolationException:ORGANIZATION_ALREADY_HAS_ALL_FEATURES",
        DENIED,
        NOT_IN_USE,
        DENIED,
    ),
    "ListRoots": ADMINISTRATORS,
    "CreateOrganizationalUnit": MANAGEMENT_ONLY,
    "UpdateOrganizationalUnit": MANAGEMENT_ONLY,
    "DeleteOrganizationalUnit": MANAGEMENT_ONLY,
    "DescribeOrganizationalUnit": ADMINISTRATORS,
    "ListOrganizationalUnitsForParent": ADMINISTRATORS,
    "ListChildren": ADMINISTRATORS,
    "ListParents": ADMINISTRATORS,
    "ListAccountsForParent": ADMINISTRATORS,
    "MoveAccount": MANAGEMENT_ONLY,
    # Writes a delegation policy may grant; without one, the management account's.
    "TagResource": MANAGEMENT_ONLY,
    "UntagResource": MANAGEMENT_ONLY,
    "ListTagsForResource": ADMINISTRATORS,
    "EnablePolicyType": MANAGEMENT_ONLY,
    "DisablePolicyType": MANAGEMENT_ONLY,
    "CreatePolicy": MANAGEMENT_ONLY,
    "UpdatePolicy": MANAGEMENT_ONLY,
    "DeletePolicy": MANAGEMENT_ONLY,
    "AttachPolicy": MANAGEMENT_ONLY,
    "DetachPolicy": MANAGEMENT_ONLY,
    "DescribePolicy": ADMINISTRATORS,
    "ListPolicies": ADMINISTRATORS,
    "ListPoliciesForTarget": ADMINISTRATORS,
    "ListTargetsForPolicy": ADMINISTRATORS,
    # Any member, for itself (TAG_POLICY is not enabled, so none is in force).
    "DescribeEffectivePolicy": (NO_EFFECTIVE, NO_EFFECTIVE, NOT_IN_USE, NO_EFFECTIVE),
    "ListAccountsWithInvalidEffectivePolicy": ADMINISTRATORS,
    "ListEffectivePolicyValidationErrors": ADMINISTRATORS,
    "EnableAWSServiceAccess": MANAGEMENT_ONLY,
    "DisableAWSServiceAccess": MANAGEMENT_ONLY,
    "ListAWSServiceAccessForOrganization": ADMINISTRATORS,
    "RegisterDelegatedAdministrator": MANAGEMENT_ONLY,
    "DeregisterDelegatedAdministrator": MANAGEMENT_ONLY,
    "ListDelegatedAdministrators": ADMINISTRATORS,
    "ListDelegatedServicesForAccount": ADMINISTRATORS,
    "PutResourcePolicy": MANAGEMENT_ONLY,
    "DescribeResourcePolicy": ADMINISTRATORS,
    "DeleteResourcePolicy": MANAGEMENT_ONLY,
    # Billing transfers are the management account's alone, delegated administrators included.
    "InviteOrganizationToTransferResponsibility": MANAGEMENT_ONLY,
    "DescribeResponsibilityTransfer": MANAGEMENT_ONLY,
    "ListInboundResponsibilityTransfers": MANAGEMENT_ONLY,
    "ListOutboundResponsibilityTransfers": MANAGEMENT_ONLY,
    "UpdateResponsibilityTransfer": MANAGEMENT_ONLY,
    "TerminateResponsibilityTransfer": ("InvalidResponsibilityTransferTransitionException", DENIED, NOT_IN_USE, DENIED),
}
EXPECTED = {operation: outcomes for operation, outcomes in EXPECTED.items() if operation in CALLS}
ROLES = ("management", "member", "standalone", "delegated")

CASES = [
    pytest.param(operation, role, outcome, id=f"{operation}-{role}")
    for operation, outcomes in EXPECTED.items()
    for role, outcome in zip(ROLES, outcomes)
]


def test_the_table_is_complete() -> None:
    assert set(EXPECTED) == set(CALLS)
    # Accept and Decline belong to the recipient, whatever its role: see test_respond.py.
    assert set(CALLS) | {"AcceptHandshake", "DeclineHandshake"} == set(simulated()["organizations"])


@pytest.mark.parametrize(("operation", "role", "outcome"), CASES)
def test_who_may_call(scene: Scene, operation: str, role: str, outcome: str) -> None:
    account_id = {
        "management": scene.world.mgmt_id,
        "member": scene.member_id,
        "standalone": scene.standalone_id,
        "delegated": scene.delegated_id,
    }[role]
    client = scene.world.client(account_id)
    call = CALLS[operation]
    if outcome == "OK":
        response = call(client, scene)
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    else:
        code, _, reason = outcome.partition(":")
        with aws_error(client, code, reason or None):
            call(client, scene)
