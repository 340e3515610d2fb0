"""Policies: the types enabled on the root, the policies themselves, where they are attached, and
the content each type accepts (behaviour.md, "Policy types", "Policies" and "Attaching policies").

A policy is bookkeeping. Nothing here grants or refuses any other call: orgsim evaluates neither IAM
nor service control policies.

Attachments are indexed both ways on the organization (``Organization.attachments`` per target,
``Organization.targets`` per policy), so that attaching, detaching and paging through the targets of
``p-FullAWSAccess`` cost the same in an organization of ten accounts as in one of ten thousand.
The AWS-managed policies are shared by every organization; what is attached where is the
organization's own.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from typing import Any, Final

from . import errors, tree
from .errors import Rejected
from .ids import is_account_id
from .membership import administered_by, authorize, is_administrator, organization_of
from .model import ALL, Account, Attached, Organization, OrganizationalUnit, Policy, Request, Root
from .ordered import OrderedIds
from .store import World
from .tags import check_tags

SERVICE_CONTROL_POLICY: Final = tree.SERVICE_CONTROL_POLICY
RESOURCE_CONTROL_POLICY: Final = "RESOURCE_CONTROL_POLICY"
ENABLED: Final = tree.ENABLED
#: The authorization policy types; every other type is a management policy type, whose effective
#: policy DescribeEffectivePolicy computes.
AUTHORIZATION_TYPES: Final = frozenset({SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY})
#: Every policy type the domain knows (the service offers those its API has).
KNOWN_TYPES: Final = (
    SERVICE_CONTROL_POLICY,
    RESOURCE_CONTROL_POLICY,
    "TAG_POLICY",
    "BACKUP_POLICY",
    "AISERVICES_OPT_OUT_POLICY",
    "CHATBOT_POLICY",
    "DECLARATIVE_POLICY_EC2",
    "SECURITYHUB_POLICY",
    "SECURITYHUB_CSPM_POLICY",
    "INSPECTOR_POLICY",
    "UPGRADE_ROLLOUT_POLICY",
    "BEDROCK_POLICY",
    "S3_POLICY",
    "NETWORK_SECURITY_DIRECTOR_POLICY",
    "GUARDDUTY_POLICY",
)
#: Policy types that can be enabled only while trusted access for a service is enabled.
SERVICE_OF_TYPE: Final = {
    "SECURITYHUB_POLICY": "securityhub.amazonaws.com",
    "SECURITYHUB_CSPM_POLICY": "securityhub.amazonaws.com",
    "INSPECTOR_POLICY": "inspector2.amazonaws.com",
    "GUARDDUTY_POLICY": "guardduty.amazonaws.com",
}


def _pretty(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2)


FULL_AWS_ACCESS: Final = Policy(
    id="p-FullAWSAccess",
    arn="arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
    name="FullAWSAccess",
    description="Allows access to every operation",
    type=SERVICE_CONTROL_POLICY,
    content=_pretty({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    aws_managed=True,
)
RCP_FULL_AWS_ACCESS: Final = Policy(
    id="p-RCPFullAWSAccess",
    arn="arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess",
    name="RCPFullAWSAccess",
    description="Allows access to every resource",
    type=RESOURCE_CONTROL_POLICY,
    content=_pretty(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
        }
    ),
    aws_managed=True,
)
#: The AWS-managed policy of each type that has one: attached to the root, every OU and every
#: account while its type is enabled.
DEFAULTS: Final = {SERVICE_CONTROL_POLICY: FULL_AWS_ACCESS, RESOURCE_CONTROL_POLICY: RCP_FULL_AWS_ACCESS}
MANAGED: Final = {policy.id: policy for policy in DEFAULTS.values()}

Target = Root | OrganizationalUnit | Account

MALFORMED = "The provided policy document doesn't meet the requirements of the specified policy type."


# -- finding things ---------------------------------------------------------------------------------


def offered(world: World, policy_type: str) -> bool:
    """Whether the simulated API has this policy type (newer types exist only in newer models)."""
    return policy_type in world.rules.policy_types


def _require_type(world: World, policy_type: str) -> None:
    if not offered(world, policy_type):
        raise errors.invalid_policy_type()


def find_policy(world: World, org: Organization, policy_id: str) -> Policy | None:
    """The organization's policy with this id, or an AWS-managed one (in an organization with all
    features, of a type the API has); None otherwise."""
    found = org.policies.get(policy_id)
    if found is not None:
        return found
    managed = MANAGED.get(policy_id)
    if managed is not None and org.feature_set == ALL and offered(world, managed.type):
        return managed
    return None


def _policy(world: World, org: Organization, policy_id: str) -> Policy:
    found = find_policy(world, org, policy_id)
    if found is None:
        raise errors.policy_not_found()
    return found


def find_target(world: World, org: Organization, target_id: str) -> Target | None:
    """The root, OU or member account with this id; None for any other id."""
    if is_account_id(target_id):
        return world.accounts[target_id] if target_id in org.members else None
    return tree.find_parent(org, target_id)


def _target(world: World, org: Organization, target_id: str) -> Target:
    found = find_target(world, org, target_id)
    if found is None:
        raise errors.policy_target_not_found()
    return found


def attached_to(org: Organization, target_id: str, policy_type: str) -> list[tuple[str, Attached]]:
    """The policies of ``policy_type`` attached directly to a target, in attachment order."""
    return [(pid, a) for pid, a in org.attachments.get(target_id, {}).items() if a.policy_type == policy_type]


def _count(org: Organization, target_id: str, policy_type: str) -> int:
    return sum(1 for a in org.attachments.get(target_id, {}).values() if a.policy_type == policy_type)


def targets_in_order(org: Organization) -> Iterator[str]:
    """Every possible target: the root, the OUs in creation order, the members in joining order."""
    yield org.root.id
    yield from org.organizational_units
    yield from org.members


# -- policy types on the root -----------------------------------------------------------------------


def enable_type(world: World, caller: Account, root_id: str, policy_type: str, now: dt.datetime) -> Organization:
    """EnablePolicyType: enabled at once; the type's AWS-managed policy (if it has one) is attached
    to the root, every OU and every account."""
    _require_type(world, policy_type)
    org = administered_by(world, caller, "EnablePolicyType")
    if org.feature_set != ALL:
        raise errors.policy_type_not_available()
    if root_id != org.root.id:
        raise errors.root_not_found()
    authorize(world, org, caller, Request("EnablePolicyType", (root_id,), policy_type))
    if policy_type in org.root.policy_types:
        raise Rejected("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled.")
    service = SERVICE_OF_TYPE.get(policy_type)
    if service is not None and service not in org.service_access:
        raise errors.constraint(
            "SERVICE_ACCESS_NOT_ENABLED",
            f"You need to enable trusted access for {service} before you enable this policy type.",
        )
    org.root.policy_types[policy_type] = ENABLED
    default = DEFAULTS.get(policy_type)
    if default is not None:
        for target_id in list(targets_in_order(org)):
            _attach(world, org, default, target_id, now)
    return org


def disable_type(world: World, caller: Account, root_id: str, policy_type: str) -> Organization:
    """DisablePolicyType: every policy of the type is detached from everything; none is deleted."""
    _require_type(world, policy_type)
    org = administered_by(world, caller, "DisablePolicyType")
    if root_id != org.root.id:
        raise errors.root_not_found()
    authorize(world, org, caller, Request("DisablePolicyType", (root_id,), policy_type))
    if policy_type not in org.root.policy_types:
        raise _type_not_enabled()
    for policy_id in [*org.policies_by_type.get(policy_type, ()), *_default_ids(policy_type)]:
        for target_id in list(org.targets.get(policy_id, ())):
            _detach(org, policy_id, target_id)
    del org.root.policy_types[policy_type]
    return org


def _default_ids(policy_type: str) -> list[str]:
    default = DEFAULTS.get(policy_type)
    return [] if default is None else [default.id]


def _type_not_enabled() -> Rejected:
    return Rejected("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")


# -- policies ---------------------------------------------------------------------------------------


def create(
    world: World,
    caller: Account,
    name: str,
    description: str,
    policy_type: str,
    content: str,
    tags: Sequence[tuple[str, str]],
    now: dt.datetime,
) -> Policy:
    """CreatePolicy. The type need not be enabled: attaching the policy needs that."""
    check_tags(tags)
    _require_type(world, policy_type)
    org = administered_by(world, caller, "CreatePolicy")
    authorize(world, org, caller, Request("CreatePolicy", (), policy_type))
    if org.feature_set != ALL:
        raise errors.policy_type_not_available()
    _check_content(world, policy_type, content)
    if _name_taken(org, policy_type, name):
        raise _duplicate()
    limits = world.limits.policy_type(policy_type)
    same_type = org.policies_by_type.setdefault(policy_type, OrderedIds())
    if len(same_type) >= limits.max_policies:
        raise errors.constraint(
            "POLICY_NUMBER_LIMIT_EXCEEDED", f"An organization can have at most {limits.max_policies} policies of this type."
        )
    policy_id = world.ids.policy_id()
    while policy_id in org.policies:
        policy_id = world.ids.policy_id()
    policy = Policy(
        id=policy_id,
        arn=f"arn:aws:organizations::{org.management_account_id}:policy/{org.id}/{policy_type.lower()}/{policy_id}",
        name=name,
        description=description,
        type=policy_type,
        content=content,
        seq=world.next_seq(),
        updated_at=now,
        tags=dict(tags),
    )
    org.policies[policy_id] = policy
    same_type.add(policy_id, policy.seq)
    org.policy_names[(policy_type, name)] = policy_id
    return policy


def update(
    world: World,
    caller: Account,
    policy_id: str,
    name: str | None,
    description: str | None,
    content: str | None,
    now: dt.datetime,
) -> Policy:
    """UpdatePolicy: what is given changes, the rest stays; the type never changes."""
    org = administered_by(world, caller, "UpdatePolicy")
    policy = _policy(world, org, policy_id)
    authorize(world, org, caller, Request("UpdatePolicy", (policy_id,), policy.type))
    if policy.aws_managed:
        raise _immutable()
    if content is not None:
        _check_content(world, policy.type, content)
    if name is not None and name != policy.name and _name_taken(org, policy.type, name):
        raise _duplicate()
    if name is not None and name != policy.name:
        del org.policy_names[(policy.type, policy.name)]
        org.policy_names[(policy.type, name)] = policy.id
        policy.name = name
    if description is not None:
        policy.description = description
    if content is not None:
        policy.content = content
    policy.updated_at = now
    return policy


def delete(world: World, caller: Account, policy_id: str) -> None:
    """DeletePolicy: only a customer policy attached nowhere; its tags go with it."""
    org = administered_by(world, caller, "DeletePolicy")
    policy = _policy(world, org, policy_id)
    authorize(world, org, caller, Request("DeletePolicy", (policy_id,), policy.type))
    if policy.aws_managed:
        raise _immutable()
    if org.targets.get(policy_id):
        raise Rejected("PolicyInUseException", "The policy is attached to one or more entities. Detach it first.")
    del org.policies[policy_id]
    org.policies_by_type[policy.type].remove(policy_id)
    del org.policy_names[(policy.type, policy.name)]


def describe(world: World, caller: Account, policy_id: str) -> Policy:
    org = administered_by(world, caller, "DescribePolicy")
    return _policy(world, org, policy_id)


def of_type(world: World, caller: Account, policy_type: str) -> tuple[Organization, OrderedIds, Policy | None]:
    """What ListPolicies shows: the organization's policies of the type (in creation order), then the
    type's AWS-managed policy, enabled or not. An organization with consolidated billing only has none."""
    _require_type(world, policy_type)
    org = administered_by(world, caller, "ListPolicies")
    if org.feature_set != ALL:
        return org, OrderedIds(), None
    return org, org.policies_by_type.get(policy_type) or OrderedIds(), DEFAULTS.get(policy_type)


def _check_content(world: World, policy_type: str, content: str) -> None:
    """The content must be what the type accepts, then fit the type's size."""
    check_content(policy_type, content)
    limit = world.limits.policy_type(policy_type).max_content
    if len(content) > limit:
        raise errors.constraint("POLICY_CONTENT_LIMIT_EXCEEDED", "You have exceeded the maximum policy size.")


def _name_taken(org: Organization, policy_type: str, name: str) -> bool:
    """Names are unique per type, exactly, the AWS-managed policy's name included."""
    default = DEFAULTS.get(policy_type)
    return (policy_type, name) in org.policy_names or (default is not None and default.name == name)


def _duplicate() -> Rejected:
    return Rejected("DuplicatePolicyException", "A policy with the specified name and type already exists.")


def _immutable() -> Rejected:
    return errors.invalid_input("IMMUTABLE_POLICY", "You can't change or delete an AWS managed policy.")


# -- attachments ------------------------------------------------------------------------------------


def attach(world: World, caller: Account, policy_id: str, target_id: str, now: dt.datetime) -> None:
    """AttachPolicy. Checked in this order: the policy, the target, the type enabled, a duplicate,
    the type's maximum per target."""
    org = administered_by(world, caller, "AttachPolicy")
    policy = _policy(world, org, policy_id)
    _target(world, org, target_id)
    authorize(world, org, caller, Request("AttachPolicy", (policy_id, target_id), policy.type))
    if policy.type not in org.root.policy_types:
        raise _type_not_enabled()
    if policy_id in org.attachments.get(target_id, {}):
        raise Rejected("DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target.")
    limit = world.limits.policy_type(policy.type).max_per_target
    if _count(org, target_id, policy.type) >= limit:
        raise errors.constraint(
            "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", "You have attached the maximum number of policies to the specified target."
        )
    _attach(world, org, policy, target_id, now)


def detach(world: World, caller: Account, policy_id: str, target_id: str) -> None:
    """DetachPolicy. A target keeps at least its type's minimum; ``p-RCPFullAWSAccess`` never goes."""
    org = administered_by(world, caller, "DetachPolicy")
    policy = _policy(world, org, policy_id)
    _target(world, org, target_id)
    authorize(world, org, caller, Request("DetachPolicy", (policy_id, target_id), policy.type))
    if policy_id not in org.attachments.get(target_id, {}):
        raise Rejected("PolicyNotAttachedException", "The policy isn't attached to the specified target.")
    if policy is RCP_FULL_AWS_ACCESS:
        raise errors.invalid_input("NON_DETACHABLE_POLICY", "You can't detach this AWS managed policy.")
    minimum = world.limits.policy_type(policy.type).min_per_target
    if _count(org, target_id, policy.type) - 1 < minimum:
        raise errors.constraint(
            "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            "A target must keep at least one policy of this type: attach the replacement before you detach this one.",
        )
    _detach(org, policy_id, target_id)


def for_target(world: World, caller: Account, target_id: str, policy_type: str) -> list[tuple[Policy, Attached]]:
    """ListPoliciesForTarget: the policies of the type attached directly to the target, in
    attachment order (none while the type is not enabled)."""
    _require_type(world, policy_type)
    org = administered_by(world, caller, "ListPoliciesForTarget")
    _target(world, org, target_id)
    found = []
    for policy_id, attached in attached_to(org, target_id, policy_type):
        policy = find_policy(world, org, policy_id)
        assert policy is not None, f"{policy_id} is attached to {target_id} but exists nowhere"
        found.append((policy, attached))
    return found


def targets_of(world: World, caller: Account, policy_id: str) -> tuple[Organization, OrderedIds]:
    """ListTargetsForPolicy: the targets the policy is attached to, in attachment order."""
    org = administered_by(world, caller, "ListTargetsForPolicy")
    _policy(world, org, policy_id)
    return org, org.targets.get(policy_id) or OrderedIds()


def _attach(world: World, org: Organization, policy: Policy, target_id: str, now: dt.datetime) -> None:
    seq = world.next_seq()
    org.attachments.setdefault(target_id, {})[policy.id] = Attached(seq, now, policy.type)
    org.targets.setdefault(policy.id, OrderedIds()).add(target_id, seq)


def _detach(org: Organization, policy_id: str, target_id: str) -> None:
    attached = org.attachments[target_id]
    del attached[policy_id]
    if not attached:
        del org.attachments[target_id]
    targets = org.targets[policy_id]
    targets.remove(target_id)
    if not targets:
        del org.targets[policy_id]


def _detach_everything(org: Organization, target_id: str) -> None:
    for policy_id in list(org.attachments.get(target_id, ())):
        _detach(org, policy_id, target_id)


# -- what happens to the tree (composed in ``rules``) -----------------------------------------------


def _attach_defaults(world: World, org: Organization, target_id: str, now: dt.datetime) -> None:
    for policy_type in org.root.policy_types:
        default = DEFAULTS.get(policy_type)
        if default is not None:
            _attach(world, org, default, target_id, now)


def account_joined(world: World, account: Account, org: Organization, now: dt.datetime) -> None:
    """A new member starts with the AWS-managed policy of each enabled type that has one."""
    _attach_defaults(world, org, account.id, now)


def parent_created(world: World, org: Organization, parent: tree.Parent, now: dt.datetime) -> None:
    """So does a new OU (and the root of a new organization)."""
    _attach_defaults(world, org, parent.id, now)


def parent_deleted(world: World, org: Organization, parent: tree.Parent) -> None:
    """An OU that goes takes its attachments with it."""
    _detach_everything(org, parent.id)


def member_left(world: World, account: Account, org: Organization, now: dt.datetime) -> None:
    """A member that leaves loses its attachments: if it joins again, it starts with the defaults."""
    _detach_everything(org, account.id)


def policy_tags(world: World, org: Organization, resource_id: str, now: dt.datetime) -> dict[str, str] | None:
    """A customer policy's tags (the AWS-managed ones cannot be tagged)."""
    policy = org.policies.get(resource_id)
    return None if policy is None else policy.tags


# -- the content each type accepts ------------------------------------------------------------------


def check_content(policy_type: str, content: str) -> None:
    """``MalformedPolicyDocumentException`` unless ``content`` is a JSON object that the type's
    grammar accepts (behaviour.md, "Policies"): a service control policy has statements that allow or
    deny actions and name no principal; a resource control policy's statements deny, and name a
    principal; a management policy is any JSON object."""
    document = json_object(content)
    if document is None:
        raise _malformed()
    if policy_type in AUTHORIZATION_TYPES:
        _check_statements(document, resource_control=policy_type == RESOURCE_CONTROL_POLICY)


def json_object(content: str) -> dict[str, Any] | None:
    """``content`` parsed, when it is a JSON object (``NaN`` and ``Infinity`` are not JSON)."""
    try:
        document = json.loads(content, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_statements(document: dict[str, Any], *, resource_control: bool) -> None:
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise _malformed()
    for statement in statements:
        if not isinstance(statement, dict):
            raise _malformed()
        effect = statement.get("Effect")
        if effect not in ("Allow", "Deny") or (resource_control and effect != "Deny"):
            raise _malformed()
        if ("Action" in statement) == ("NotAction" in statement):
            raise _malformed()
        if not _texts(statement.get("Action", statement.get("NotAction"))):
            raise _malformed()
        names_principal = "Principal" in statement or "NotPrincipal" in statement
        if names_principal != resource_control:
            raise _malformed()


def _texts(value: object) -> bool:
    """A non-empty text, or a non-empty list of them."""
    if isinstance(value, str):
        return bool(value)
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)


def _malformed() -> Rejected:
    return Rejected("MalformedPolicyDocumentException", MALFORMED)


# -- effective policies -----------------------------------------------------------------------------


def effective(
    world: World, caller: Account, policy_type: str, target_id: str | None
) -> tuple[str, str, dt.datetime]:
    """DescribeEffectivePolicy: the management policy of ``policy_type`` in force for an account,
    approximated (behaviour.md, "Effective policies"). Returns the content, the account, and when it
    last changed."""
    _require_management_type(world, policy_type)
    if target_id is not None and not is_account_id(target_id):
        raise errors.invalid_input("TARGET_NOT_SUPPORTED", "You can get the effective policy of an account only.")
    org = organization_of(world, caller)
    account_id = caller.id if target_id is None else target_id
    if account_id != caller.id and not is_administrator(org, caller):
        raise errors.access_denied()
    if account_id not in org.members:
        raise errors.policy_target_not_found()
    layers: list[tuple[Policy, Attached]] = []
    for step in _path(world, org, world.accounts[account_id]):
        for policy_id, attached in attached_to(org, step, policy_type):
            policy = find_policy(world, org, policy_id)
            assert policy is not None
            layers.append((policy, attached))
    if not layers:
        raise Rejected("EffectivePolicyNotFoundException", "We can't find an effective policy of that type for the account.")
    merged: Any = None
    for policy, _ in layers:
        merged = inherit(merged, json.loads(policy.content))
    changed = max(max(attached.at, policy.updated_at or attached.at) for policy, attached in layers)
    return json.dumps(merged, separators=(",", ":")), account_id, changed


def _path(world: World, org: Organization, account: Account) -> list[str]:
    """The root, each OU down to the account, and the account."""
    steps = [account.id]
    parent = tree.parent_of_account(org, account)
    while isinstance(parent, OrganizationalUnit):
        steps.append(parent.id)
        found = tree.find_parent(org, parent.parent_id)
        assert found is not None
        parent = found
    steps.append(parent.id)
    return steps[::-1]


def inherit(inherited: Any, policy: Any) -> Any:
    """``policy`` applied over what its parents' policies made: objects merge key by key, ``@@assign``
    replaces, ``@@append`` adds to a list, ``@@remove`` takes from one, anything else given replaces
    what was inherited; the other ``@@`` operators are dropped."""
    if not isinstance(policy, dict):
        return policy
    value = inherited
    if "@@assign" in policy:
        value = _resolved(policy["@@assign"])
    if "@@append" in policy:
        value = _union(_as_list(value), _as_list(_resolved(policy["@@append"])))
    if "@@remove" in policy:
        removed = _as_list(_resolved(policy["@@remove"]))
        value = [item for item in _as_list(value) if item not in removed]
    children = {key: item for key, item in policy.items() if not key.startswith("@@")}
    if children or not any(key.startswith("@@") for key in policy):
        merged = dict(value) if isinstance(value, dict) else {}
        for key, item in children.items():
            merged[key] = inherit(merged.get(key), item)
        value = merged
    return value


def _resolved(value: Any) -> Any:
    return inherit(None, value) if isinstance(value, dict) else value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _union(first: list[Any], second: list[Any]) -> list[Any]:
    merged = list(first)
    for item in second:
        if item not in merged:
            merged.append(item)
    return merged


def accounts_with_invalid_effective_policy(world: World, caller: Account, policy_type: str) -> list[Account]:
    """ListAccountsWithInvalidEffectivePolicy: none. orgsim does not validate effective policies."""
    _require_management_type(world, policy_type)
    administered_by(world, caller, "ListAccountsWithInvalidEffectivePolicy")
    return []


def effective_policy_validation_errors(
    world: World, caller: Account, account_id: str, policy_type: str
) -> tuple[Organization, Account]:
    """ListEffectivePolicyValidationErrors: the member (its errors are none: see above)."""
    _require_management_type(world, policy_type)
    org = administered_by(world, caller, "ListEffectivePolicyValidationErrors")
    if account_id not in org.members:
        raise errors.account_not_found()
    return org, world.accounts[account_id]


def _require_management_type(world: World, policy_type: str) -> None:
    if policy_type in AUTHORIZATION_TYPES:
        raise errors.invalid_policy_type()
    _require_type(world, policy_type)
