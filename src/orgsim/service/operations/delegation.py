"""Trusted access, delegated administrators and the resource-based delegation policy."""

from __future__ import annotations

from typing import Any

from ...domain import delegation, trusted_access
from .. import inputs, render
from ..context import Call, Output, Params
from ..pagination import PageRequest, with_token


def enable_aws_service_access(call: Call, params: Params) -> Output:
    trusted_access.enable(call.world, call.caller, params["ServicePrincipal"], call.now)
    return {}


def disable_aws_service_access(call: Call, params: Params) -> Output:
    trusted_access.disable(call.world, call.caller, params["ServicePrincipal"])
    return {}


def list_aws_service_access(call: Call, params: Params) -> Output:
    request = PageRequest.read(call.tokens, params, f"{call.operation}:{call.identity.account_id}")
    enabled = trusted_access.enabled(call.world, call.caller)
    found, token = request.take(call.tokens, request.rest(enabled, _position), _position)
    shown = [{"ServicePrincipal": principal, "DateEnabled": since.at} for principal, since in found]
    return with_token({"EnabledServicePrincipals": shown}, token)


def register_delegated_administrator(call: Call, params: Params) -> Output:
    delegation.register(call.world, call.caller, params["AccountId"], params["ServicePrincipal"], call.now)
    return {}


def deregister_delegated_administrator(call: Call, params: Params) -> Output:
    delegation.deregister(call.world, call.caller, params["AccountId"], params["ServicePrincipal"])
    return {}


def list_delegated_administrators(call: Call, params: Params) -> Output:
    principal = params.get("ServicePrincipal")
    request = PageRequest.read(call.tokens, params, f"{call.operation}:{call.identity.account_id}:{principal}")
    org, found = delegation.administrators(call.world, call.caller, principal)
    page, token = request.take(call.tokens, request.rest(found, _position), _position)
    shown = [render.delegated_administrator(account, org, since) for account, _, since in page]
    return with_token({"DelegatedAdministrators": shown}, token)


def list_delegated_services_for_account(call: Call, params: Params) -> Output:
    account_id = params["AccountId"]
    request = PageRequest.read(call.tokens, params, f"{call.operation}:{call.identity.account_id}:{account_id}")
    services = delegation.services(call.world, call.caller, account_id)
    found, token = request.take(call.tokens, request.rest(services, _position), _position)
    shown = [{"ServicePrincipal": principal, "DelegationEnabledDate": since.at} for principal, since in found]
    return with_token({"DelegatedServices": shown}, token)


def put_resource_policy(call: Call, params: Params) -> Output:
    policy = delegation.put_resource_policy(call.world, call.caller, params["Content"], inputs.tags(params))
    return {"ResourcePolicy": render.resource_policy(policy)}


def describe_resource_policy(call: Call, params: Params) -> Output:
    return {"ResourcePolicy": render.resource_policy(delegation.describe_resource_policy(call.world, call.caller))}


def delete_resource_policy(call: Call, params: Params) -> Output:
    delegation.delete_resource_policy(call.world, call.caller)
    return {}


def _position(entry: tuple[Any, ...]) -> str:
    """Where an entry ``(name or account, its record with a seq, ...)`` is in its list."""
    return f"{entry[1].seq:012d}"
