"""Domain records to the response structures of the service model."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, NamedTuple

from ..domain.model import ALL, Account, Handshake, Layout, Organization
from ..domain.world import World
from .schema import member_names

_POLICY_TYPES_ALL = ({"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"},)


class OneHandshake(NamedTuple):
    """An output that is one handshake (``{"Handshake": ...}``), as the handshake's record and the state
    the response shows. What the call log keeps; the caller gets ``render()``, a fresh structure."""

    handshake: Handshake
    state: str

    def render(self) -> dict[str, Any]:
        h = self.handshake
        build = _BUILDERS.get(h.layout) or _builder_for(h.layout)  # handshake_in_state, one frame less
        return {"Handshake": build(h, self.state)}


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


def fresh(output: Output) -> dict[str, Any]:
    """A structure of the caller's own for what a handler returned (which the call log keeps): every
    dict and list in it new, so that changing a response never changes the log, nor the reverse."""
    if type(output) is dict:
        return _copied(output)  # type: ignore[no-any-return]
    return output.render()  # type: ignore[union-attr]


def _copied(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {key: _copied(item) for key, item in value.items()}
    if kind is list:
        return [_copied(item) for item in value]
    return value  # strings, numbers, datetimes: immutable


def one_handshake(h: Handshake, now: dt.datetime) -> OneHandshake:
    return _new(OneHandshake, (h, h.state(now)))


#: A (handshake, state) pair as an output. A partial of ``tuple.__new__``: no Python frame at all.
shown_handshake: Callable[[tuple[Handshake, str]], OneHandshake] = functools.partial(tuple.__new__, OneHandshake)


#: Makes a named tuple from a tuple without the Python-level ``__new__`` it generates (a third cheaper).
_new = tuple.__new__


def handshake_in_state(h: Handshake, state: str) -> dict[str, Any]:
    """The handshake as a response shows it when it is in ``state`` (everything else never changes)."""
    build = _BUILDERS.get(h.layout) or _builder_for(h.layout)
    return build(h, state)


#: A page of handshakes spends most of its time building their structures, so each layout of
#: parties and resources gets a function that builds its structure in one expression, without a
#: loop or a call per party or resource: a fifth faster than walking the tree. Made on first use.
_BUILDERS: dict[Layout, Callable[[Handshake, str], dict[str, Any]]] = {}


def _builder_for(layout: Layout) -> Callable[[Handshake, str], dict[str, Any]]:
    build = _BUILDERS[layout] = _builder(layout)
    return build


def _builder(layout: Layout) -> Callable[[Handshake, str], dict[str, Any]]:
    """Compile the function that renders handshakes of ``layout``. Its source holds only names made
    here from the layout's numbers; every value is read from the handshake when it runs."""
    parties, tree = layout
    lines = ["def build(h, state):"]
    party_names = [f"p{i}" for i in range(parties)]
    if party_names:
        lines.append(f"    {', '.join(party_names)}, = h.parties")
    shown_parties = ", ".join(f'{{"Id": {p}.id, "Type": {p}.type}}' for p in party_names)
    shown_resources = _resource_list(tree, "h.resources", "r", lines)
    lines.append(
        f'    return {{"Id": h.id, "Arn": h.arn, "Parties": [{shown_parties}], "State": state,'
        ' "RequestedTimestamp": h.requested_at, "ExpirationTimestamp": h.expires_at, "Action": h.action,'
        f' "Resources": {shown_resources}}}'
    )
    namespace: dict[str, Any] = {}
    exec("\n".join(lines), namespace)  # noqa: S102  (generated from integers only; see above)
    built: Callable[[Handshake, str], dict[str, Any]] = namespace["build"]
    return built


def _resource_list(tree: tuple[Any, ...], source: str, prefix: str, lines: list[str]) -> str:
    """Add the lines that unpack the resources at ``source`` into locals; return their list display."""
    if not tree:
        return "[]"
    names = [f"{prefix}{i}" for i in range(len(tree))]
    lines.append(f"    {', '.join(names)}, = {source}")
    shown = []
    for name, children in zip(names, tree):
        if children:
            inner = _resource_list(children, f"{name}.children", f"{name}_", lines)
            shown.append(f'{{"Value": {name}.value, "Type": {name}.type, "Resources": {inner}}}')
        else:
            shown.append(f'{{"Value": {name}.value, "Type": {name}.type}}')
    return f"[{', '.join(shown)}]"


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
