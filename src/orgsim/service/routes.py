"""The operations orgsim answers: one explicit table from (service, API name) to its handler.

A ``Route`` is what the simulated service needs to answer one operation: the handler and the
operation's input check (built from botocore's model on first use, then kept). An operation newer
than the installed botocore's model (the table lists them all) is simulated only where the model has
it: ``route`` and ``simulated`` leave it out elsewhere.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import NamedTuple

import botocore
from botocore import xform_name

from .context import Handler
from .botocore_model import has_operation
from .operations import accounts, delegation, handshakes, organizations, policies, sts, tags, transfers, tree
from .validation import Check, validator

HANDLERS: Mapping[str, Mapping[str, Handler]] = {
    "organizations": {
        "CreateOrganization": organizations.create_organization,
        "DescribeOrganization": organizations.describe_organization,
        "DeleteOrganization": organizations.delete_organization,
        "InviteAccountToOrganization": handshakes.invite_account,
        "AcceptHandshake": handshakes.accept_handshake,
        "DeclineHandshake": handshakes.decline_handshake,
        "CancelHandshake": handshakes.cancel_handshake,
        "DescribeHandshake": handshakes.describe_handshake,
        "ListHandshakesForAccount": handshakes.list_handshakes_for_account,
        "ListHandshakesForOrganization": handshakes.list_handshakes_for_organization,
        "EnableAllFeatures": handshakes.enable_all_features,
        "ListAccounts": accounts.list_accounts,
        "DescribeAccount": accounts.describe_account,
        "LeaveOrganization": accounts.leave_organization,
        "RemoveAccountFromOrganization": accounts.remove_account,
        "CreateAccount": accounts.create_account,
        "DescribeCreateAccountStatus": accounts.describe_create_account_status,
        "ListCreateAccountStatus": accounts.list_create_account_status,
        "CloseAccount": accounts.close_account,
        "ListRoots": tree.list_roots,
        "CreateOrganizationalUnit": tree.create_organizational_unit,
        "UpdateOrganizationalUnit": tree.update_organizational_unit,
        "DeleteOrganizationalUnit": tree.delete_organizational_unit,
        "DescribeOrganizationalUnit": tree.describe_organizational_unit,
        "ListOrganizationalUnitsForParent": tree.list_organizational_units_for_parent,
        "ListChildren": tree.list_children,
        "ListParents": tree.list_parents,
        "ListAccountsForParent": tree.list_accounts_for_parent,
        "MoveAccount": tree.move_account,
        "TagResource": tags.tag_resource,
        "UntagResource": tags.untag_resource,
        "ListTagsForResource": tags.list_tags_for_resource,
        "EnablePolicyType": policies.enable_policy_type,
        "DisablePolicyType": policies.disable_policy_type,
        "CreatePolicy": policies.create_policy,
        "UpdatePolicy": policies.update_policy,
        "DeletePolicy": policies.delete_policy,
        "DescribePolicy": policies.describe_policy,
        "ListPolicies": policies.list_policies,
        "AttachPolicy": policies.attach_policy,
        "DetachPolicy": policies.detach_policy,
        "ListPoliciesForTarget": policies.list_policies_for_target,
        "ListTargetsForPolicy": policies.list_targets_for_policy,
        "DescribeEffectivePolicy": policies.describe_effective_policy,
        "ListAccountsWithInvalidEffectivePolicy": policies.list_accounts_with_invalid_effective_policy,
        "ListEffectivePolicyValidationErrors": policies.list_effective_policy_validation_errors,
        "EnableAWSServiceAccess": delegation.enable_aws_service_access,
        "DisableAWSServiceAccess": delegation.disable_aws_service_access,
        "ListAWSServiceAccessForOrganization": delegation.list_aws_service_access,
        "RegisterDelegatedAdministrator": delegation.register_delegated_administrator,
        "DeregisterDelegatedAdministrator": delegation.deregister_delegated_administrator,
        "ListDelegatedAdministrators": delegation.list_delegated_administrators,
        "ListDelegatedServicesForAccount": delegation.list_delegated_services_for_account,
        "PutResourcePolicy": delegation.put_resource_policy,
        "DescribeResourcePolicy": delegation.describe_resource_policy,
        "DeleteResourcePolicy": delegation.delete_resource_policy,
        # Simulated where the installed botocore's model has them (see NEWER_OPERATIONS).
        "InviteOrganizationToTransferResponsibility": transfers.invite_organization,
        "DescribeResponsibilityTransfer": transfers.describe,
        "ListInboundResponsibilityTransfers": transfers.list_inbound,
        "ListOutboundResponsibilityTransfers": transfers.list_outbound,
        "TerminateResponsibilityTransfer": transfers.terminate,
        "UpdateResponsibilityTransfer": transfers.update,
    },
    "sts": {
        "GetCallerIdentity": sts.get_caller_identity,
        "AssumeRole": sts.assume_role,
        "AssumeRoleWithWebIdentity": sts.assume_role_with_web_identity,
    },
}

#: Operations of ``HANDLERS`` that only newer botocore models have, with the first botocore release
#: whose model has them. orgsim answers them only where the installed model has them.
NEWER_OPERATIONS: Mapping[str, str] = {
    operation: "1.41.1"
    for operation in (
        "InviteOrganizationToTransferResponsibility",
        "DescribeResponsibilityTransfer",
        "ListInboundResponsibilityTransfers",
        "ListOutboundResponsibilityTransfers",
        "TerminateResponsibilityTransfer",
        "UpdateResponsibilityTransfer",
    )
}


class Route(NamedTuple):
    """How the simulation answers one operation."""

    service: str
    operation: str
    handler: Handler
    check: Check


@functools.cache
def route(service: str, operation: str) -> Route | None:
    """The route for ``operation`` of ``service``, or None when orgsim does not simulate it."""
    handler = HANDLERS.get(service, {}).get(operation)
    if handler is None or not has_operation(service, operation):
        return None
    return Route(service, operation, handler, validator(service, operation))


def simulated() -> dict[str, tuple[str, ...]]:
    """The operations orgsim simulates with the installed botocore, by service."""
    return {
        service: tuple(op for op in operations if has_operation(service, op)) for service, operations in HANDLERS.items()
    }


def missing_from_model(name: str) -> str | None:
    """Why an operation orgsim simulates cannot be used with the installed botocore (its model lacks
    it), for ``name`` as the API or boto3 names it; None when it can, or is not one of them."""
    for operation, first in NEWER_OPERATIONS.items():
        if name in (operation, xform_name(operation)) and not has_operation("organizations", operation):
            return (
                f"{operation} needs botocore {first} or newer: the installed botocore {botocore.__version__} "
                "has no such operation in its model"
            )
    return None
