"""Helpers for the tests of policies, trusted access and delegated administrators."""

from __future__ import annotations

import json
from typing import Any

import pytest

from orgsim.service.botocore_model import has_operation, service_model

from . import World

SCP = "SERVICE_CONTROL_POLICY"
RCP = "RESOURCE_CONTROL_POLICY"
TAG = "TAG_POLICY"
BACKUP = "BACKUP_POLICY"
FULL_AWS_ACCESS = "p-FullAWSAccess"
RCP_FULL_AWS_ACCESS = "p-RCPFullAWSAccess"
SECURITYHUB = "securityhub.amazonaws.com"
STACKSETS = "member.org.stacksets.cloudformation.amazonaws.com"

#: The policy types of the installed botocore model (older ones have fewer).
POLICY_TYPES = tuple(service_model("organizations").shape_for("PolicyType").enum)
MANAGEMENT_TYPES = tuple(service_model("organizations").shape_for("EffectivePolicyType").enum)
INVALID_INPUT_REASONS = frozenset(service_model("organizations").shape_for("InvalidInputExceptionReason").enum)
CONSTRAINT_REASONS = frozenset(service_model("organizations").shape_for("ConstraintViolationExceptionReason").enum)


def needs_type(policy_type: str) -> pytest.MarkDecorator:
    """Skip a test where the installed model lacks the policy type."""
    return pytest.mark.skipif(policy_type not in POLICY_TYPES, reason=f"this botocore's model has no {policy_type}")


def needs_operation(operation: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not has_operation("organizations", operation), reason=f"this botocore's model has no {operation}"
    )


def needs_reason(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        reason not in INVALID_INPUT_REASONS | CONSTRAINT_REASONS, reason=f"this botocore's model has no reason {reason}"
    )


def scp(effect: str = "Deny", action: Any = "s3:*", **extra: Any) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": action, "Resource": "*", **extra}]})


def rcp(action: Any = "s3:*") -> str:
    statement = {"Effect": "Deny", "Principal": "*", "Action": action, "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def tag_policy(key: str = "costcenter", value: Any = None) -> str:
    rule: dict[str, Any] = {"tag_key": {"@@assign": key}}
    if value is not None:
        rule["tag_value"] = {"@@assign": value}
    return json.dumps({"tags": {key.lower(): rule}})


def root_id(world: World) -> str:
    return world.mgmt.list_roots()["Roots"][0]["Id"]  # type: ignore[no-any-return]


def create_policy(
    client: Any, name: str = "Policy", policy_type: str = SCP, content: str | None = None, **kwargs: Any
) -> str:
    if content is None:
        content = scp() if policy_type == SCP else rcp() if policy_type == RCP else tag_policy()
    created = client.create_policy(Name=name, Description=kwargs.pop("Description", ""), Type=policy_type, Content=content, **kwargs)
    return created["Policy"]["PolicySummary"]["Id"]  # type: ignore[no-any-return]


def policies_of(client: Any, target_id: str, policy_type: str = SCP) -> list[str]:
    pages = client.get_paginator("list_policies_for_target").paginate(TargetId=target_id, Filter=policy_type)
    return [p["Id"] for page in pages for p in page["Policies"]]


def targets_of(client: Any, policy_id: str) -> list[str]:
    pages = client.get_paginator("list_targets_for_policy").paginate(PolicyId=policy_id)
    return [t["TargetId"] for page in pages for t in page["Targets"]]


def listed_policies(client: Any, policy_type: str = SCP) -> list[str]:
    pages = client.get_paginator("list_policies").paginate(Filter=policy_type)
    return [p["Id"] for page in pages for p in page["Policies"]]


def delegate(world: World, account_id: str, principal: str = SECURITYHUB) -> None:
    """Make a member a delegated administrator for ``principal`` (trusted access enabled first)."""
    world.mgmt.enable_aws_service_access(ServicePrincipal=principal)
    world.mgmt.register_delegated_administrator(AccountId=account_id, ServicePrincipal=principal)


def grant(world: World, account_id: str, actions: Any, **statement: Any) -> None:
    """A delegation policy with one Allow statement for ``account_id``."""
    body = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": actions, "Resource": "*"}
    body.update(statement)
    world.mgmt.put_resource_policy(Content=json.dumps({"Version": "2012-10-17", "Statement": [body]}))
