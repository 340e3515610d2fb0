"""CreateOrganization, DescribeOrganization, DeleteOrganization."""

from __future__ import annotations

from ...domain import membership
from .. import render
from ..context import Call, Output, Params


def create_organization(call: Call, params: Params) -> Output:
    org = membership.create_organization(call.world, call.caller, params.get("FeatureSet"), call.now)
    return {"Organization": render.organization(org, call.world)}


def describe_organization(call: Call, params: Params) -> Output:
    org = membership.organization_of(call.world, call.caller)
    return {"Organization": render.organization(org, call.world)}


def delete_organization(call: Call, params: Params) -> Output:
    membership.delete_organization(call.world, call.caller, call.now)
    return {}
