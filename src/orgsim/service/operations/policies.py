"""Policy types on the root, policies, their attachments, and effective policies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...domain import policies, tree
from ...domain.model import Policy
from ...domain.policies import find_target
from .. import inputs, render
from ..context import Call, Output, Params
from ..pagination import PageRequest, with_token

#: Where the AWS-managed policy sorts in ListPolicies: after every customer policy.
_MANAGED = "managed"


def enable_policy_type(call: Call, params: Params) -> Output:
    org = policies.enable_type(call.world, call.caller, params["RootId"], params["PolicyType"], call.now)
    return {"Root": render.root(org)}


def disable_policy_type(call: Call, params: Params) -> Output:
    org = policies.disable_type(call.world, call.caller, params["RootId"], params["PolicyType"])
    return {"Root": render.root(org)}


def create_policy(call: Call, params: Params) -> Output:
    policy = policies.create(
        call.world,
        call.caller,
        params["Name"],
        params["Description"],
        params["Type"],
        params["Content"],
        inputs.tags(params),
        call.now,
    )
    return {"Policy": render.policy(policy)}


def update_policy(call: Call, params: Params) -> Output:
    policy = policies.update(
        call.world,
        call.caller,
        params["PolicyId"],
        params.get("Name"),
        params.get("Description"),
        params.get("Content"),
        call.now,
    )
    return {"Policy": render.policy(policy)}


def delete_policy(call: Call, params: Params) -> Output:
    policies.delete(call.world, call.caller, params["PolicyId"])
    return {}


def describe_policy(call: Call, params: Params) -> Output:
    return {"Policy": render.policy(policies.describe(call.world, call.caller, params["PolicyId"]))}


def list_policies(call: Call, params: Params) -> Output:
    policy_type = params["Filter"]
    request = PageRequest.read(call.tokens, params, f"ListPolicies:{call.identity.account_id}:{policy_type}")
    org, customer, managed = policies.of_type(call.world, call.caller, policy_type)

    def entries() -> Iterator[tuple[str, Policy]]:
        # A position is a policy's creation number, so policies made or deleted between two pages
        # make the next page skip nobody; the AWS-managed policy comes last.
        if request.after == _MANAGED:
            return
        after = None if request.after is None else int(request.after)
        for seq, policy_id in customer.after(after):
            yield f"{seq:012d}", org.policies[policy_id]
        if managed is not None:
            yield _MANAGED, managed

    found, token = request.take(call.tokens, entries(), _position)
    return with_token({"Policies": [render.policy_summary(p) for _, p in found]}, token)


def attach_policy(call: Call, params: Params) -> Output:
    policies.attach(call.world, call.caller, params["PolicyId"], params["TargetId"], call.now)
    return {}


def detach_policy(call: Call, params: Params) -> Output:
    policies.detach(call.world, call.caller, params["PolicyId"], params["TargetId"])
    return {}


def list_policies_for_target(call: Call, params: Params) -> Output:
    target_id, policy_type = params["TargetId"], params["Filter"]
    scope = f"ListPoliciesForTarget:{call.identity.account_id}:{target_id}:{policy_type}"
    request = PageRequest.read(call.tokens, params, scope)
    attached = policies.for_target(call.world, call.caller, target_id, policy_type)
    found, token = request.take(call.tokens, request.rest(attached, _attached), _attached)
    return with_token({"Policies": [render.policy_summary(p) for p, _ in found]}, token)


def list_targets_for_policy(call: Call, params: Params) -> Output:
    policy_id = params["PolicyId"]
    request = PageRequest.read(call.tokens, params, f"ListTargetsForPolicy:{call.identity.account_id}:{policy_id}")
    org, targets = policies.targets_of(call.world, call.caller, policy_id)
    # The index gives the page from the request's position on: no walk over the targets before it.
    after = None if request.after is None else int(request.after)
    found, token = request.take(call.tokens, ((f"{seq:012d}", i) for seq, i in targets.after(after)), _position)
    shown = []
    for _, target_id in found:
        target = find_target(call.world, org, target_id)
        assert target is not None, f"{policy_id} is attached to {target_id}, which {org.id} does not have"
        shown.append(render.policy_target(target, org))
    return with_token({"Targets": shown}, token)


def describe_effective_policy(call: Call, params: Params) -> Output:
    policy_type = params["PolicyType"]
    content, account_id, changed = policies.effective(call.world, call.caller, policy_type, params.get("TargetId"))
    return {
        "EffectivePolicy": {
            "PolicyContent": content,
            "LastUpdatedTimestamp": changed,
            "TargetId": account_id,
            "PolicyType": policy_type,
        }
    }


def list_accounts_with_invalid_effective_policy(call: Call, params: Params) -> Output:
    policy_type = params["PolicyType"]
    PageRequest.read(call.tokens, params, f"{call.operation}:{call.identity.account_id}:{policy_type}")
    policies.accounts_with_invalid_effective_policy(call.world, call.caller, policy_type)
    return {"Accounts": [], "PolicyType": policy_type}


def list_effective_policy_validation_errors(call: Call, params: Params) -> Output:
    account_id, policy_type = params["AccountId"], params["PolicyType"]
    scope = f"{call.operation}:{call.identity.account_id}:{account_id}:{policy_type}"
    PageRequest.read(call.tokens, params, scope)
    org, account = policies.effective_policy_validation_errors(call.world, call.caller, account_id, policy_type)
    return {
        "AccountId": account.id,
        "PolicyType": policy_type,
        "Path": tree.account_path(org, account),
        "EvaluationTimestamp": call.now,
        "EffectivePolicyValidationErrors": [],
    }


def _position(entry: tuple[str, object]) -> str:
    return entry[0]


def _attached(entry: tuple[Any, Any]) -> str:
    """Where a ``(policy, attachment)`` entry is in a target's list."""
    return f"{entry[1].seq:012d}"
