"""Readable lines from the call log: time, caller, operation, handshake, and what changed.

Used by the demo and by the failure report. A handshake's state change is worked out from the
responses seen so far: ``OPEN -> ACCEPTED`` when a call returns a handshake in a new state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from .service.log import RecordedCall

_TERMINAL = frozenset({"ACCEPTED", "DECLINED", "CANCELED", "EXPIRED"})


def format_time(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S")


def timeline(
    calls: Iterable[RecordedCall],
    *,
    names: Mapping[str, str] | None = None,
    origin: dt.datetime | None = None,
) -> list[str]:
    """One line per call. ``names`` maps account ids to display names; with ``origin`` each line also
    shows the day number counted from it."""
    states: dict[str, str] = {}
    return [line(call, states, names or {}, origin) for call in calls]


def header(*, origin: dt.datetime | None = None) -> str:
    day = " day" if origin is not None else ""
    return f"{'time (UTC)':<19}{day}  {'caller':<26}  {'operation':<30}  {'handshake':<34}  outcome"


def line(
    call: RecordedCall, states: dict[str, str], names: Mapping[str, str], origin: dt.datetime | None = None
) -> str:
    """The line for ``call``; ``states`` (handshake id -> last state seen) is updated."""
    day = f" {(call.time - origin).days:>3}" if origin is not None else ""
    name = names.get(call.account_id, "")
    caller = f"{call.account_id} {name}"[:26]
    handshake_id = call.handshake_id or "-"
    return (
        f"{format_time(call.time)}{day}  {caller:<26}  {call.operation:<30}  {handshake_id:<34}  "
        f"{outcome(call, states)}"
    )


def outcome(call: RecordedCall, states: dict[str, str]) -> str:
    """What the call did, in a few words."""
    error = call.error
    if error is not None:
        text = error.code + (f" ({error.reason})" if error.reason else "")
        if call.injected:
            text += " [injected]"
        before = states.get(call.handshake_id or "")
        if error.code == "HandshakeNotFoundException" and before in _TERMINAL:
            return f"{before} -> gone: {text}"
        return text
    output: Mapping[str, Any] = call.output or {}
    if "Handshake" in output:
        return _change(output["Handshake"], states)
    if "Handshakes" in output:
        found = output["Handshakes"]
        changes = [f"{h['Id']} {c}" for h in found if "->" in (c := _change(h, states))]
        return f"{len(found)} handshake{'s' if len(found) != 1 else ''}" + "".join(f"; {c}" for c in changes)
    if "Organization" in output:
        org = output["Organization"]
        return f"organization {org.get('Id')} ({org.get('FeatureSet')})"
    if "Accounts" in output:
        return f"{len(output['Accounts'])} accounts"
    if "Account" in output and isinstance(output["Account"], Mapping):
        return f"account {output['Account'].get('Id')}"
    if "AssumedRoleUser" in output:
        return f"now acting as {output['AssumedRoleUser'].get('Arn')}"
    if "Arn" in output:
        return str(output["Arn"])
    return "ok"


def track(call: RecordedCall, states: dict[str, str]) -> None:
    """Update ``states`` with the handshake states ``call`` returned, without formatting anything."""
    output = call.output
    if not output:
        return
    if "Handshake" in output:
        handshake = output["Handshake"]
        states[handshake.get("Id", "")] = handshake.get("State", "?")
    for handshake in output.get("Handshakes", ()):
        states[handshake.get("Id", "")] = handshake.get("State", "?")


def _change(handshake: Mapping[str, Any], states: dict[str, str]) -> str:
    handshake_id = str(handshake.get("Id", ""))
    state = str(handshake.get("State", "?"))
    before = states.get(handshake_id)
    states[handshake_id] = state
    if before is None or before == state:
        return state
    return f"{before} -> {state}"
