"""Delegated administrators and the resource-based delegation policy (behaviour.md,
"Delegated administrators").

Registering a member as a delegated administrator for a service lets it make the reads of
``membership.DELEGATED_READS``, and keeps it in the organization until it is deregistered. The
delegation policy lets the members it names make the calls it allows: ``grants`` is the rule
``membership.administered_by`` and ``membership.authorize`` consult (composed in ``rules``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any, Final

from . import errors, trusted_access
from .errors import Rejected
from .ids import is_account_id
from .limits import MAX_RESOURCE_POLICY_CONTENT
from .membership import DELEGABLE_WRITES, DELEGATED_READS, administered_by, managed_by
from .model import (
    ALL,
    CLOSED_STATES,
    Account,
    Delegation,
    Organization,
    Request,
    ResourcePolicy,
    Since,
    Statement,
)
from .policies import find_policy, json_object
from .store import World
from .tags import check_tags

#: What any member may call: a delegation policy may name these too.
EVERY_MEMBER: Final = frozenset({"DescribeOrganization", "DescribeHandshake", "ListHandshakesForAccount", "DescribeEffectivePolicy"})
#: The actions a delegation policy may allow or deny, lower-cased with their service prefix.
DELEGABLE_ACTIONS: Final = frozenset(f"organizations:{a.lower()}" for a in DELEGATED_READS | DELEGABLE_WRITES | EVERY_MEMBER)
#: The condition operators judged on ``organizations:PolicyType`` (each also with ``IfExists``).
_OPERATORS: Final = ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")
_POLICY_TYPE_KEY: Final = "organizations:policytype"
_ROOT_USER = re.compile(r"arn:aws[a-z-]*:iam::([0-9]{12}):root")


# -- registering and listing delegated administrators -----------------------------------------------


def register(world: World, caller: Account, account_id: str, service_principal: str, now: dt.datetime) -> None:
    """RegisterDelegatedAdministrator."""
    org = managed_by(world, caller)
    trusted_access.check_principal(world, org, service_principal)
    if account_id not in org.members:
        raise errors.account_not_found()
    if account_id == org.management_account_id:
        raise errors.constraint(
            "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
            "You cannot register management account/yourself as delegated administrator for your organization.",
        )
    if world.accounts[account_id].state in CLOSED_STATES:
        raise errors.constraint(
            "CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR",
            "You can't register a closed or suspended account as a delegated administrator.",
        )
    if service_principal not in org.service_access:
        raise errors.constraint(
            "SERVICE_ACCESS_NOT_ENABLED", f"You need to enable trusted access for {service_principal} first."
        )
    delegation = org.delegated_administrators.get(account_id)
    if delegation is not None and service_principal in delegation.services:
        raise Rejected(
            "AccountAlreadyRegisteredException",
            "The provided account is already a delegated administrator for your organization.",
        )
    limit = world.limits.delegated_administrators(service_principal)
    if len(administrators_for(org, service_principal)) >= limit:
        if limit == 1:
            raise errors.constraint(
                "DELEGATED_ADMINISTRATOR_EXISTS_FOR_THIS_SERVICE",
                "This service already has a delegated administrator. Deregister it first.",
            )
        raise errors.constraint(
            "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED",
            f"This service can have at most {limit} delegated administrators.",
        )
    if delegation is None:
        delegation = org.delegated_administrators[account_id] = Delegation(world.next_seq())
    delegation.services[service_principal] = Since(world.next_seq(), now)


def deregister(world: World, caller: Account, account_id: str, service_principal: str) -> None:
    """DeregisterDelegatedAdministrator. Its last service gone, the account reads no more than any member."""
    org = managed_by(world, caller)
    trusted_access.check_principal(world, org, service_principal)
    if account_id not in org.members:
        raise errors.account_not_found()
    delegation = org.delegated_administrators.get(account_id)
    if delegation is None or service_principal not in delegation.services:
        raise _not_registered()
    del delegation.services[service_principal]
    if not delegation.services:
        del org.delegated_administrators[account_id]


def administrators_for(org: Organization, service_principal: str) -> list[str]:
    return [a for a, d in org.delegated_administrators.items() if service_principal in d.services]


def administrators(
    world: World, caller: Account, service_principal: str | None
) -> tuple[Organization, list[tuple[Account, Delegation, dt.datetime]]]:
    """ListDelegatedAdministrators: each account once, in the order it was first registered, with
    when it was registered for the service (or, unfiltered, its earliest registration)."""
    org = administered_by(world, caller, "ListDelegatedAdministrators")
    found = []
    for account_id, delegation in org.delegated_administrators.items():
        if service_principal is None:
            since = min(s.at for s in delegation.services.values())
        elif service_principal in delegation.services:
            since = delegation.services[service_principal].at
        else:
            continue
        found.append((world.accounts[account_id], delegation, since))
    return org, found


def services(world: World, caller: Account, account_id: str) -> list[tuple[str, Since]]:
    """ListDelegatedServicesForAccount: the services the account is registered for, in order."""
    org = administered_by(world, caller, "ListDelegatedServicesForAccount")
    if account_id not in org.members:
        raise errors.account_not_found()
    if org.feature_set != ALL:
        return []
    delegation = org.delegated_administrators.get(account_id)
    if delegation is None:
        raise _not_registered()
    return list(delegation.services.items())


def _not_registered() -> Rejected:
    return Rejected(
        "AccountNotRegisteredException", "The specified account is not a delegated administrator for this AWS service."
    )


def refuse_leaving_while_delegated(world: World, account: Account, org: Organization, now: dt.datetime) -> None:
    """A delegated administrator stays until it is deregistered from every service."""
    if account.id in org.delegated_administrators:
        raise errors.constraint(
            "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG",
            "You can't remove a delegated administrator from the organization. Deregister it first.",
        )


def member_left(world: World, account: Account, org: Organization, now: dt.datetime) -> None:
    """A closed account gone for good takes its registrations with it."""
    org.delegated_administrators.pop(account.id, None)


# -- the resource-based delegation policy -----------------------------------------------------------


def put_resource_policy(
    world: World, caller: Account, content: str, tags: Sequence[tuple[str, str]]
) -> ResourcePolicy:
    """PutResourcePolicy: creates the policy, or replaces its content (its id and ARN stay)."""
    check_tags(tags)
    org = managed_by(world, caller)
    if org.feature_set != ALL:
        raise errors.not_in_all_features_mode()
    statements = parse(world, content)
    existing = org.resource_policy
    if existing is not None:
        if tags:
            raise errors.invalid_input(
                "INVALID_LIST_MEMBER", "You can give tags only when you create the resource policy, not when you replace it."
            )
        existing.content = content
        existing.statements = statements
        return existing
    policy_id = world.ids.resource_policy_id()
    org.resource_policy = ResourcePolicy(
        id=policy_id,
        arn=f"arn:aws:organizations::{org.management_account_id}:resourcepolicy/{org.id}/{policy_id}",
        content=content,
        statements=statements,
        tags=dict(tags),
    )
    return org.resource_policy


def describe_resource_policy(world: World, caller: Account) -> ResourcePolicy:
    org = administered_by(world, caller, "DescribeResourcePolicy")
    return _resource_policy(org)


def delete_resource_policy(world: World, caller: Account) -> None:
    org = managed_by(world, caller)
    _resource_policy(org)
    org.resource_policy = None


def _resource_policy(org: Organization) -> ResourcePolicy:
    if org.feature_set != ALL:
        raise errors.not_in_all_features_mode()
    if org.resource_policy is None:
        raise Rejected("ResourcePolicyNotFoundException", "We can't find a resource policy for this organization.")
    return org.resource_policy


def resource_policy_tags(world: World, org: Organization, resource_id: str, now: dt.datetime) -> dict[str, str] | None:
    policy = org.resource_policy
    return policy.tags if policy is not None and policy.id == resource_id else None


def parse(world: World, content: str) -> tuple[Statement, ...]:
    """The statements of a delegation policy; ``InvalidInputException`` with the reason for what
    AWS would refuse in it (behaviour.md, "Delegation policies")."""
    if len(content) > MAX_RESOURCE_POLICY_CONTENT:
        raise errors.invalid_input("MAX_LENGTH_EXCEEDED", "The resource policy is too long.")
    document = json_object(content)
    raw = None if document is None else document.get("Statement")
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(s, dict) for s in raw):
        raise _invalid("INVALID_RESOURCE_POLICY_JSON", "The resource policy is not valid JSON with at least one statement.")
    return tuple(_statement(world, s) for s in raw)


def _statement(world: World, raw: dict[str, Any]) -> Statement:
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise _invalid("INVALID_RESOURCE_POLICY_JSON", "Each statement's Effect must be Allow or Deny.")
    principals = _principals(raw.get("Principal"))
    if ("Action" in raw) == ("NotAction" in raw):
        raise _invalid("INVALID_RESOURCE_POLICY_JSON", "Each statement needs an Action or a NotAction.")
    actions = _texts(raw.get("Action", raw.get("NotAction")))
    if actions is None:
        raise _invalid("INVALID_RESOURCE_POLICY_JSON", "An Action must be a text or a list of texts.")
    lowered = tuple(a.lower() for a in actions)
    for action in lowered:
        if not any(_glob(supported, action) for supported in DELEGABLE_ACTIONS):
            raise _invalid("UNSUPPORTED_ACTION_IN_RESOURCE_POLICY", "The resource policy names an action you can't delegate.")
    if "Resource" in raw and "NotResource" in raw:
        raise _invalid("INVALID_RESOURCE_POLICY_JSON", "A statement can't have both Resource and NotResource.")
    resources = _texts(raw.get("Resource", raw.get("NotResource", "*")))
    if resources is None:
        raise _invalid("INVALID_RESOURCE_POLICY_JSON", "A Resource must be a text or a list of texts.")
    for resource in resources:
        if resource != "*" and not resource.startswith("arn:aws:organizations::"):
            raise _invalid("UNSUPPORTED_RESOURCE_IN_RESOURCE_POLICY", "The resource policy names a resource that is not an Organizations resource.")
    conditions, unknown = _conditions(world, raw.get("Condition"))
    return Statement(
        allow=effect == "Allow",
        principals=principals,
        actions=lowered,
        not_action="NotAction" in raw,
        resources=resources,
        not_resource="NotResource" in raw,
        policy_type_conditions=conditions,
        unknown_condition=unknown,
    )


def _principals(raw: Any) -> frozenset[str]:
    """The accounts a statement names: ids, ``arn:aws:iam::<id>:root``, alone, in a list, or under ``AWS``."""
    if isinstance(raw, dict) and set(raw) == {"AWS"}:
        raw = raw["AWS"]
    values = _texts(raw)
    if values is None:
        raise _invalid("INVALID_PRINCIPAL", "The resource policy must name member accounts as principals.")
    found = set()
    for value in values:
        match = _ROOT_USER.fullmatch(value)
        if match is not None:
            found.add(match.group(1))
        elif is_account_id(value):
            found.add(value)
        else:
            raise _invalid("INVALID_PRINCIPAL", "The resource policy must name member accounts as principals.")
    return frozenset(found)


def _conditions(world: World, raw: Any) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], bool]:
    """The conditions on ``organizations:PolicyType``, and whether any other condition is present."""
    if raw is None:
        return (), False
    if not isinstance(raw, dict):
        raise _invalid("INVALID_RESOURCE_POLICY_JSON", "A Condition must be an object.")
    found: list[tuple[str, tuple[str, ...]]] = []
    unknown = False
    for operator, tests in raw.items():
        if not isinstance(tests, dict):
            raise _invalid("INVALID_RESOURCE_POLICY_JSON", "Each condition operator takes an object of keys.")
        base = operator.removesuffix("IfExists")
        for key, value in tests.items():
            if not isinstance(key, str) or key.lower() != _POLICY_TYPE_KEY:
                unknown = True
                continue
            if base not in _OPERATORS:
                unknown = True
                continue
            values = _texts(value)
            if values is None:
                raise _invalid("INVALID_RESOURCE_POLICY_JSON", "A condition's values must be texts.")
            for policy_type in values:
                if not ("*" in policy_type or "?" in policy_type or policy_type in world.rules.policy_types):
                    raise _invalid(
                        "UNSUPPORTED_POLICY_TYPE_IN_RESOURCE_POLICY", "The resource policy names a policy type that doesn't exist."
                    )
            found.append((operator, values))
    return tuple(found), unknown


def _texts(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _invalid(reason: str, message: str) -> Rejected:
    return errors.invalid_input(reason, message)


# -- what the delegation policy grants (composed in ``rules``) --------------------------------------


def grants(world: World, org: Organization, account: Account, request: Request) -> bool:
    """Whether the delegation policy lets ``account``, a member, make ``request``: some ``Allow``
    statement names it, the action, every resource the call names and the policy type, and no
    ``Deny`` statement matches. With ``request.resource_ids`` None only the principal and the action
    are judged (behaviour.md, "Delegation policies")."""
    policy = org.resource_policy
    if policy is None or account.id not in org.members or account.id == org.management_account_id:
        return False
    action = f"organizations:{request.action.lower()}"
    applicable = [s for s in policy.statements if account.id in s.principals and _matches_action(s, action)]
    if request.resource_ids is None:
        return any(s.allow for s in applicable)
    arns = [_arn(world, org, resource_id) for resource_id in request.resource_ids]
    policy_type = request.policy_type or _policy_type_of(world, org, request.resource_ids)
    applicable = [s for s in applicable if _conditions_hold(s, policy_type)]
    for statement in applicable:
        if not statement.allow and (not arns or any(_matches_resource(statement, arn) for arn in arns)):
            return False
    allows = [s for s in applicable if s.allow]
    if not arns:
        return bool(allows)
    return all(any(_matches_resource(s, arn) for s in allows) for arn in arns)


def _matches_action(statement: Statement, action: str) -> bool:
    matched = any(_glob(action, pattern) for pattern in statement.actions)
    return matched != statement.not_action


def _matches_resource(statement: Statement, arn: str) -> bool:
    matched = any(_glob(arn, pattern, fold=False) for pattern in statement.resources)
    return matched != statement.not_resource


def _conditions_hold(statement: Statement, policy_type: str | None) -> bool:
    """Every condition on the policy type holds; a condition orgsim does not evaluate never does."""
    if statement.unknown_condition:
        return False
    for operator, values in statement.policy_type_conditions:
        if_exists = operator.endswith("IfExists")
        base = operator.removesuffix("IfExists")
        negated = base in ("StringNotEquals", "StringNotLike")
        if policy_type is None:
            # A missing key satisfies ...IfExists and the negated operators, as in IAM.
            if if_exists or negated:
                continue
            return False
        if base in ("StringLike", "StringNotLike"):
            matched = any(_glob(policy_type, value, fold=False) for value in values)
        else:
            matched = policy_type in values
        if matched == negated:
            return False
    return True


def _policy_type_of(world: World, org: Organization, resource_ids: Iterable[str]) -> str | None:
    for resource_id in resource_ids:
        if resource_id.startswith("p-"):
            policy = find_policy(world, org, resource_id)
            if policy is not None:
                return policy.type
    return None


def _arn(world: World, org: Organization, resource_id: str) -> str:
    """The ARN of a root, OU, account or policy of the organization (resource ids are checked before)."""
    if is_account_id(resource_id):
        return f"arn:aws:organizations::{org.management_account_id}:account/{org.id}/{resource_id}"
    if resource_id == org.root.id:
        return org.root.arn
    ou = org.organizational_units.get(resource_id)
    if ou is not None:
        return ou.arn
    policy = find_policy(world, org, resource_id)
    if policy is not None:
        return policy.arn
    if org.resource_policy is not None and org.resource_policy.id == resource_id:
        return org.resource_policy.arn
    return resource_id


def _glob(text: str, pattern: str, *, fold: bool = True) -> bool:
    """IAM's wildcards: ``*`` any run of characters, ``?`` one; action names ignore letter case."""
    return _compiled(pattern, fold).fullmatch(text) is not None


_GLOBS: dict[tuple[str, bool], re.Pattern[str]] = {}


def _compiled(pattern: str, fold: bool) -> re.Pattern[str]:
    key = (pattern, fold)
    found = _GLOBS.get(key)
    if found is None:
        body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in re.sub(r"\*+", "*", pattern))
        found = _GLOBS[key] = re.compile(body, re.IGNORECASE | re.DOTALL if fold else re.DOTALL)
        if len(_GLOBS) > 4096:
            _GLOBS.clear()
    return found
