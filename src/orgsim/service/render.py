"""Domain records to the response structures of the service model."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain.model import ALL, Account, Handshake, Organization, Resource
from ..domain.world import World
from .schema import member_names

_POLICY_TYPES_ALL = ({"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"},)


def handshake(h: Handshake, now: dt.datetime) -> dict[str, Any]:
    return handshake_in_state(h, h.state(now))


def handshake_in_state(h: Handshake, state: str) -> dict[str, Any]:
    """The handshake as a response shows it when it is in ``state`` (everything else never changes)."""
    return {
        "Id": h.id,
        "Arn": h.arn,
        "Parties": [{"Id": p.id, "Type": p.type} for p in h.parties],
        "State": state,
        "RequestedTimestamp": h.requested_at,
        "ExpirationTimestamp": h.expires_at,
        "Action": h.action,
        "Resources": _resources(h.resources),
    }


def _resources(resources: tuple[Resource, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in resources:
        item: dict[str, Any] = {"Value": r.value, "Type": r.type}
        if r.children:
            item["Resources"] = _resources(r.children)
        out.append(item)
    return out


def account_arn(org: Organization, account_id: str) -> str:
    return f"arn:aws:organizations::{org.management_account_id}:account/{org.id}/{account_id}"


def organization(org: Organization, world: World) -> dict[str, Any]:
    management = world.accounts[org.management_account_id]
    return {
        "Id": org.id,
        "Arn": org.arn,
        "FeatureSet": org.feature_set,
        "MasterAccountArn": account_arn(org, management.id),
        "MasterAccountId": management.id,
        "MasterAccountEmail": management.email,
        "AvailablePolicyTypes": [dict(p) for p in _POLICY_TYPES_ALL] if org.feature_set == ALL else [],
    }


def account(a: Account, org: Organization) -> dict[str, Any]:
    full = {
        "Id": a.id,
        "Arn": account_arn(org, a.id),
        "Email": a.email,
        "Name": a.name,
        "Status": "ACTIVE",
        "State": "ACTIVE",
        "Paths": [f"{org.id}/{org.root_id}/{a.id}/"],
        "JoinedMethod": a.joined_method,
        "JoinedTimestamp": a.joined_at,
    }
    # Older botocore models lack State and Paths: answer with what the installed model knows.
    known = member_names("organizations", "Account")
    if full.keys() <= known:  # the installed model has them all: nothing to filter
        return full
    return {k: v for k, v in full.items() if k in known}
