"""Trusted access: which AWS services may work with the organization (behaviour.md, "Trusted access").

Bookkeeping only: enabling access creates no service-linked role and lets no service do anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from . import errors
from .membership import administered_by, managed_by
from .model import ALL, Account, Organization, Since
from .policies import SERVICE_OF_TYPE
from .store import World

#: The service principals trusted access and delegated administrators accept (the option
#: ``extra_service_principals`` adds more).
KNOWN_SERVICE_PRINCIPALS: Final = frozenset(
    f"{name}.amazonaws.com"
    for name in (
        "access-analyzer",
        "account",
        "auditmanager",
        "backup",
        "cloudtrail",
        "compute-optimizer",
        "config",
        "controltower",
        "detective",
        "devops-guru",
        "ds",
        "fms",
        "guardduty",
        "health",
        "inspector2",
        "ipam",
        "license-manager",
        "macie",
        "member.org.stacksets.cloudformation",
        "ram",
        "securityhub",
        "servicecatalog",
        "servicequotas",
        "sso",
        "ssm",
        "storage-lens.s3",
        "tagpolicies.tag",
        "wellarchitected",
    )
)


def check_principal(world: World, org: Organization, service_principal: str) -> None:
    """Only an organization with all features works with services, and only with services AWS has:
    an unknown principal is refused (behaviour.md, "Trusted access")."""
    if org.feature_set != ALL:
        raise errors.not_in_all_features_mode()
    if service_principal not in KNOWN_SERVICE_PRINCIPALS and service_principal not in world.limits.extra_service_principals:
        raise errors.unrecognized_service_principal()


def enable(world: World, caller: Account, service_principal: str, now: dt.datetime) -> None:
    """EnableAWSServiceAccess; enabling it again changes nothing (it keeps its first date)."""
    org = managed_by(world, caller)
    check_principal(world, org, service_principal)
    if service_principal not in org.service_access:
        org.service_access[service_principal] = Since(world.next_seq(), now)


def disable(world: World, caller: Account, service_principal: str) -> None:
    """DisableAWSServiceAccess; refused while a policy type that needs the service is enabled.
    Disabling it again changes nothing; its delegated administrators stay registered."""
    org = managed_by(world, caller)
    check_principal(world, org, service_principal)
    for policy_type, service in SERVICE_OF_TYPE.items():
        if service == service_principal and policy_type in org.root.policy_types:
            raise errors.constraint(
                "POLICY_TYPE_ENABLED_FOR_THIS_SERVICE",
                f"Disable the policy type {policy_type} before you disable trusted access for {service_principal}.",
            )
    org.service_access.pop(service_principal, None)


def enabled(world: World, caller: Account) -> list[tuple[str, Since]]:
    """ListAWSServiceAccessForOrganization: the services with trusted access, in enabling order."""
    org = administered_by(world, caller, "ListAWSServiceAccessForOrganization")
    return list(org.service_access.items())
