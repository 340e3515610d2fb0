"""Domain records to the response structures of the service model."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from ..domain.model import ALL, Account, Handshake, Organization, Resource
from ..domain.world import World
from .schema import member_names

_POLICY_TYPES_ALL = ({"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"},)


class OneHandshake(NamedTuple):
    """An output that is one handshake (``{"Handshake": ...}``), as the handshake's record and the state
    the response shows. What the call log keeps; the caller gets ``render()``, a fresh structure."""

    handshake: Handshake
    state: str

    def render(self) -> dict[str, Any]:
        return {"Handshake": handshake_in_state(self.handshake, self.state)}


class HandshakeList(NamedTuple):
    """An output that lists handshakes (``{"Handshakes": [...], "NextToken": ...}``), kept the same way:
    the handshakes, and the state each showed. Lists, not tuples: nothing changes them once made."""

    handshakes: list[Handshake]
    states: list[str]
    next_token: str | None

    def render(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Handshakes": [handshake_in_state(h, s) for h, s in zip(self.handshakes, self.states)]}
        if self.next_token is not None:
            out["NextToken"] = self.next_token
        return out


#: What a handler returns: a response structure, or one of the compact forms above.
Output = dict[str, Any] | OneHandshake | HandshakeList


def one_handshake(h: Handshake, now: dt.datetime) -> OneHandshake:
    return _new(OneHandshake, (h, h.state(now)))


def shown_handshake(found: tuple[Handshake, str]) -> OneHandshake:
    """A (handshake, state) pair as an output."""
    return _new(OneHandshake, found)


#: Makes a named tuple from a tuple without the Python-level ``__new__`` it generates (a third cheaper).
_new = tuple.__new__


def handshake_in_state(h: Handshake, state: str) -> dict[str, Any]:
    """The handshake as a response shows it when it is in ``state`` (everything else never changes).

    A page of handshakes spends most of its time here, so the common shapes (two parties, resources
    at most two levels deep) are built without a loop or a call per item.
    """
    parties = h.parties
    if len(parties) == 2:
        first, second = parties
        shown = [{"Id": first.id, "Type": first.type}, {"Id": second.id, "Type": second.type}]
    else:
        shown = [{"Id": p.id, "Type": p.type} for p in parties]
    return {
        "Id": h.id,
        "Arn": h.arn,
        "Parties": shown,
        "State": state,
        "RequestedTimestamp": h.requested_at,
        "ExpirationTimestamp": h.expires_at,
        "Action": h.action,
        "Resources": _resources(h.resources),
    }


def _resources(resources: tuple[Resource, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in resources:
        children = r.children
        if not children:
            out.append({"Value": r.value, "Type": r.type})
            continue
        inner: list[dict[str, Any]] = []
        for c in children:
            if c.children:
                inner.append({"Value": c.value, "Type": c.type, "Resources": _resources(c.children)})
            else:
                inner.append({"Value": c.value, "Type": c.type})
        out.append({"Value": r.value, "Type": r.type, "Resources": inner})
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
