"""Domain records as the response structures of the service model, and the one output type.

A handler returns its response structure (``Output``): dicts, lists and scalars, where each handshake
is a ``ShownHandshake`` pair, the handshake's record and the state the response showed (the only
tuples an output holds). Everything else about a handshake
is fixed when it is sent, so the leaf is all the call log needs to keep, and ``render`` builds the
structure from it whenever someone reads the response. Every other part of an output is made when the
call is answered, so the log shows what the response showed even after the world has changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain import tree
from ..domain.model import (
    ACCOUNT,
    ALL,
    ORGANIZATIONAL_UNIT,
    ROOT,
    STATUS_OF,
    Account,
    Handshake,
    Organization,
    OrganizationalUnit,
    Policy,
    Resource,
    ResourcePolicy,
    ResponsibilityTransfer,
    Root,
)
from ..domain.store import World
from .botocore_model import member_names
from .context import Output


#: A handshake in an output: its record, and the state the response showed.
ShownHandshake = tuple[Handshake, str]


def shown(handshake: Handshake, now: dt.datetime) -> ShownHandshake:
    """The handshake as a response at ``now`` shows it."""
    return handshake, handshake.state(now)


def render(output: Output) -> dict[str, Any]:
    """The response structure of ``output``, every dict and list in it new: changing a response never
    changes the call log, nor the reverse."""
    return _copied(output)  # type: ignore[no-any-return]


def _copied(value: Any) -> Any:
    """A new structure for ``value``: containers copied, handshake pairs built, scalars kept (they are
    immutable). Only containers cost a call, so a long list of accounts costs one per account."""
    if isinstance(value, dict):
        return {key: _copied(item) if isinstance(item, _CONTAINERS) else item for key, item in value.items()}
    if isinstance(value, list):
        return [
            handshake(*item) if isinstance(item, tuple) else _copied(item) if isinstance(item, _CONTAINERS) else item
            for item in value
        ]
    if isinstance(value, tuple):
        return handshake(*value)
    return value


_CONTAINERS = (dict, list, tuple)


def handshake(h: Handshake, state: str) -> dict[str, Any]:
    """The handshake as a response shows it when it is in ``state``."""
    parties = []
    for p in h.parties:
        parties.append({"Id": p.id, "Type": p.type})
    return {
        "Id": h.id,
        "Arn": h.arn,
        "Parties": parties,
        "State": state,
        "RequestedTimestamp": h.requested_at,
        "ExpirationTimestamp": h.expires_at,
        "Action": h.action,
        "Resources": _resources(h.resources),
    }


def _resources(resources: tuple[Resource, ...]) -> list[dict[str, Any]]:
    out = []
    for r in resources:
        if r.children:
            out.append({"Value": r.value, "Type": r.type, "Resources": _resources(r.children)})
        else:
            out.append({"Value": r.value, "Type": r.type})
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
        "AvailablePolicyTypes": (
            [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}] if org.feature_set == ALL else []
        ),
    }


def account(a: Account, org: Organization) -> dict[str, Any]:
    full = {
        "Id": a.id,
        "Arn": account_arn(org, a.id),
        "Email": a.email,
        "Name": a.name,
        "Status": STATUS_OF[a.state],
        "State": a.state,
        "Paths": [tree.account_path(org, a)],
        "JoinedMethod": a.joined_method,
        "JoinedTimestamp": a.joined_at,
    }
    # Older botocore models lack State and Paths: answer with what the installed model knows.
    known = member_names("organizations", "Account")
    return {k: v for k, v in full.items() if k in known}


def root(org: Organization) -> dict[str, Any]:
    r = org.root
    return {
        "Id": r.id,
        "Arn": r.arn,
        "Name": r.name,
        "PolicyTypes": [{"Type": kind, "Status": status} for kind, status in r.policy_types.items()],
    }


def organizational_unit(ou: OrganizationalUnit) -> dict[str, Any]:
    out = {"Id": ou.id, "Arn": ou.arn, "Name": ou.name}
    # Older botocore models lack Path.
    if "Path" in member_names("organizations", "OrganizationalUnit"):
        out["Path"] = ou.path
    return out


def parent(p: tree.Parent) -> dict[str, Any]:
    return {"Id": p.id, "Type": ORGANIZATIONAL_UNIT if isinstance(p, OrganizationalUnit) else ROOT}


def tags(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in pairs]


def transfer(t: ResponsibilityTransfer, status: str, side: str, world: World) -> dict[str, Any]:
    """The transfer as ``side`` (``inbound``: the inviter, ``outbound``: the source) sees it in
    ``status``: with its own account, organization and direction in the ARN, and the name only for
    the inviter (behaviour.md, "Billing transfers")."""
    if side == "inbound":
        viewer_account, viewer_org = t.inviter_account_id, t.inviter_org_id
    else:
        viewer_account, viewer_org = t.source_account_id, t.source_org_id
    out: dict[str, Any] = {
        "Arn": f"arn:aws:organizations::{viewer_account}:transfer/{viewer_org}/{t.type.lower()}/{side}/{t.id}"
    }
    if side == "inbound":
        out["Name"] = t.name
    out["Id"] = t.id
    out["Type"] = t.type
    out["Status"] = status
    out["Source"] = _participant(world, t.source_account_id)
    out["Target"] = _participant(world, t.inviter_account_id)
    out["StartTimestamp"] = t.start
    if t.end is not None:
        out["EndTimestamp"] = t.end
    out["ActiveHandshakeId"] = t.handshake.id
    return out


def _participant(world: World, account_id: str) -> dict[str, Any]:
    return {"ManagementAccountId": account_id, "ManagementAccountEmail": world.accounts[account_id].email}


# -- what governs an organization -------------------------------------------------------------------


def policy_summary(p: Policy) -> dict[str, Any]:
    return {
        "Id": p.id,
        "Arn": p.arn,
        "Name": p.name,
        "Description": p.description,
        "Type": p.type,
        "AwsManaged": p.aws_managed,
    }


def policy(p: Policy) -> dict[str, Any]:
    return {"PolicySummary": policy_summary(p), "Content": p.content}


def policy_target(target: Root | OrganizationalUnit | Account, org: Organization) -> dict[str, Any]:
    """A root, OU or account as the targets of a policy list it."""
    if isinstance(target, Account):
        return {"TargetId": target.id, "Arn": account_arn(org, target.id), "Name": target.name, "Type": ACCOUNT}
    kind = ORGANIZATIONAL_UNIT if isinstance(target, OrganizationalUnit) else ROOT
    return {"TargetId": target.id, "Arn": target.arn, "Name": target.name, "Type": kind}


def delegated_administrator(a: Account, org: Organization, since: dt.datetime) -> dict[str, Any]:
    full = account(a, org)
    full.pop("Paths", None)
    full["DelegationEnabledDate"] = since
    # Older botocore models lack State: answer with what the installed model knows.
    known = member_names("organizations", "DelegatedAdministrator")
    return {k: v for k, v in full.items() if k in known}


def resource_policy(p: ResourcePolicy) -> dict[str, Any]:
    return {"ResourcePolicySummary": {"Id": p.id, "Arn": p.arn}, "Content": p.content}
