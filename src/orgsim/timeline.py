"""Readable lines from the call log: time, caller, operation, handshake, and what changed.

Used by the demo and by the failure report. A call's line shows what the call answered and the
transitions it made, as the call log recorded them. What time alone does (an invitation expiring, a
handshake leaving the API 30 days after it ended, a closing account becoming CLOSED and leaving its
organization 90 days later) is shown on lines of its own, at the moment it happened, worked out from
the snapshots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from .service.call_log import RecordedCall
from .snapshots import Account, Handshake, Transfer

Names = Mapping[str, str]


class TimeEvent(NamedTuple):
    """Something the clock did: a handshake expired, or the API stopped showing it; an account's
    closure completed, or the closed account left its organization for good; a transfer expired or
    left the API."""

    time: dt.datetime
    #: The handshake's id, the account's, or the transfer's.
    handshake_id: str
    before: str
    after: str


_LABELS = {"gone": "(purged)", "EXPIRED": "(expired)", "CLOSED": "(closed)"}


def format_time(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S")


def time_events(handshakes: Iterable[Handshake], accounts: Iterable[Account] = ()) -> list[TimeEvent]:
    """Expiries and purges among ``handshakes``, closures and departures among ``accounts``
    (snapshots), in time order."""
    events = []
    for h in handshakes:
        if h.expired_from is not None:
            events.append(TimeEvent(h.expiration_timestamp, h.id, h.expired_from, "EXPIRED"))
        if h.purged and h.purge_timestamp is not None:
            events.append(TimeEvent(h.purge_timestamp, h.id, h.state, "gone"))
    for a in accounts:
        if a.closed_timestamp is not None:
            events.append(TimeEvent(a.closed_timestamp, a.id, "PENDING_CLOSURE", "CLOSED"))
        if a.purged_timestamp is not None:
            events.append(TimeEvent(a.purged_timestamp, a.id, "CLOSED", "gone"))
    return sorted(events)


def transfer_events(transfers: Iterable[Transfer]) -> list[TimeEvent]:
    """Expiries of transfer invitations and purges among ``transfers`` (snapshots), in time order."""
    events = []
    for t in transfers:
        if t.status == "EXPIRED":
            events.append(TimeEvent(t.expiration_timestamp, t.id, "REQUESTED", "EXPIRED"))
        if t.purged and t.purge_timestamp is not None:
            events.append(TimeEvent(t.purge_timestamp, t.id, t.status, "gone"))
    return sorted(events)


def merged(
    calls: Sequence[RecordedCall], events: Sequence[TimeEvent]
) -> Iterator[tuple[int, RecordedCall | TimeEvent]]:
    """Calls and time events in time order, each with the index of the call it comes before (or is):
    an event goes before the first call made at or after it. Events after the last call are left out."""
    pending = list(events)
    for index, call in enumerate(calls):
        while pending and pending[0].time <= call.time:
            yield index, pending.pop(0)
        yield index, call


def timeline(
    calls: Sequence[RecordedCall],
    handshakes: Iterable[Handshake] = (),
    *,
    names: Names | None = None,
    origin: dt.datetime | None = None,
) -> list[str]:
    """One line per call, and one per expiry or purge among ``handshakes`` before the last call.
    ``names`` maps account ids to display names; with ``origin`` each line also shows the day number
    counted from it."""
    width = operation_width(calls)
    return [entry_line(item, names or {}, origin, width=width) for _, item in merged(calls, time_events(handshakes))]


#: The operation column's least width; a longer operation name among the lines widens it.
OPERATION_WIDTH = 30


def operation_width(calls: Iterable[RecordedCall]) -> int:
    """The width of the operation column that holds every operation of ``calls``."""
    return max([OPERATION_WIDTH, *(len(call.operation) for call in calls)])


def header(*, origin: dt.datetime | None = None, width: int = OPERATION_WIDTH) -> str:
    day = " day" if origin is not None else ""
    return f"{'time (UTC)':<19}{day}  {'caller':<26}  {'operation':<{width}}  {'handshake':<34}  outcome"


def entry_line(
    item: RecordedCall | TimeEvent, names: Names, origin: dt.datetime | None = None, *, width: int = OPERATION_WIDTH
) -> str:
    if isinstance(item, TimeEvent):
        what = _LABELS.get(item.after, f"({item.after.lower()})")
        return _row(item.time, "(the clock)", what, item.handshake_id, f"{item.before} -> {item.after}", origin, width)
    return line(item, names, origin, width=width)


def line(call: RecordedCall, names: Names, origin: dt.datetime | None = None, *, width: int = OPERATION_WIDTH) -> str:
    """The line for ``call``."""
    caller = f"{call.account_id} {names.get(call.account_id, '')}"
    handshake_id = call.handshake_id or call.transfer_id or "-"
    return _row(call.time, caller, call.operation, handshake_id, outcome(call), origin, width)


def _row(
    when: dt.datetime, who: str, what: str, handshake_id: str, outcome: str, origin: dt.datetime | None, width: int
) -> str:
    day = f" {(when - origin).days:>3}" if origin is not None else ""
    return f"{format_time(when)}{day}  {who[:26]:<26}  {what:<{width}}  {handshake_id:<34}  {outcome}"


def outcome(call: RecordedCall) -> str:
    """What the call did, in a few words: the transitions it made to other handshakes, then its own."""
    own = call.handshake_id or call.transfer_id
    others = [f"{c.id} {c.before} -> {c.after}; " for c in call.changes if c.id != own]
    mine = next((f"{c.before} -> {c.after}" for c in call.changes if c.id == own), None)
    summary = _summary(call, mine)
    if others and summary == "ok":
        return "".join(others)[:-2]  # the changes say it all (CloseAccount)
    return "".join(others) + summary


def _summary(call: RecordedCall, change: str | None) -> str:
    error = call.error
    if error is not None:
        text = error.code + (f" ({error.reason})" if error.reason else "")
        return text + (" [injected]" if call.injected else "")
    if change is not None:
        return change
    state = call.handshake_state
    if state is not None:
        return state
    output: Mapping[str, Any] = call.output or {}
    if "Handshakes" in output:
        count = len(output["Handshakes"])
        return f"{count} handshake{'s' if count != 1 else ''}"
    tree = _tree_summary(call, output)
    if tree is not None:
        return tree
    if "ResponsibilityTransfers" in output:
        count = len(output["ResponsibilityTransfers"])
        return f"{count} transfer{'s' if count != 1 else ''}"
    if "ResponsibilityTransfer" in output:
        return str(output["ResponsibilityTransfer"].get("Status"))
    governance = _governance_summary(call, output)
    if governance is not None:
        return governance
    if "Organization" in output:
        org = output["Organization"]
        return f"organization {org.get('Id')} ({org.get('FeatureSet')})"
    if "Accounts" in output:
        return _plural(len(output["Accounts"]), "account")
    if "Account" in output and isinstance(output["Account"], Mapping):
        return f"account {output['Account'].get('Id')}"
    if "AssumedRoleUser" in output:
        return f"now acting as {output['AssumedRoleUser'].get('Arn')}"
    if "Arn" in output:
        return str(output["Arn"])
    return "ok"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _tree_summary(call: RecordedCall, output: Mapping[str, Any]) -> str | None:
    """What a call about the organization tree or tags did, when it did something worth a word."""
    params = call.params
    if call.operation == "MoveAccount":
        return f"{params.get('AccountId')} {params.get('SourceParentId')} -> {params.get('DestinationParentId')}"
    if "OrganizationalUnit" in output:
        ou = output["OrganizationalUnit"]
        return f"OU {ou.get('Id')} {ou.get('Name')!r}"
    if "Roots" in output:
        return ", ".join(f"root {r.get('Id')}" for r in output["Roots"]) or "no root"
    if "OrganizationalUnits" in output:
        return _plural(len(output["OrganizationalUnits"]), "OU")
    if "Children" in output:
        count = len(output["Children"])
        return f"{count} {'child' if count == 1 else 'children'}"
    if "Parents" in output:
        return ", ".join(f"in {p.get('Id')}" for p in output["Parents"])
    if "Tags" in output:
        return _plural(len(output["Tags"]), "tag")
    if call.operation in ("TagResource", "UntagResource"):
        keys = [t.get("Key") for t in params.get("Tags") or ()] if call.operation == "TagResource" else params.get("TagKeys")
        return f"{params.get('ResourceId')}: {', '.join(map(str, keys or ())) or 'no keys'}"
    return None


def _governance_summary(call: RecordedCall, output: Mapping[str, Any]) -> str | None:
    """What a call about policies, trusted access or delegated administrators did, in a few words."""
    params = call.params
    operation = call.operation
    if operation in ("AttachPolicy", "DetachPolicy"):
        verb = "attached to" if operation == "AttachPolicy" else "detached from"
        return f"{params.get('PolicyId')} {verb} {params.get('TargetId')}"
    if operation in ("EnableAWSServiceAccess", "DisableAWSServiceAccess"):
        return f"{'enabled' if operation.startswith('Enable') else 'disabled'} {params.get('ServicePrincipal')}"
    if operation in ("RegisterDelegatedAdministrator", "DeregisterDelegatedAdministrator"):
        return f"{params.get('AccountId')} for {params.get('ServicePrincipal')}"
    if "Root" in output:
        root = output["Root"]
        types = ", ".join(str(t.get("Type")) for t in root.get("PolicyTypes") or ()) or "no policy types"
        return f"root {root.get('Id')}: {types}"
    if "Policy" in output:
        summary = output["Policy"].get("PolicySummary") or {}
        return f"policy {summary.get('Id')} {summary.get('Name')!r}"
    if "EffectivePolicy" in output:
        found = output["EffectivePolicy"]
        return f"{found.get('PolicyType')} in force for {found.get('TargetId')}"
    if "ResourcePolicy" in output:
        return f"resource policy {(output['ResourcePolicy'].get('ResourcePolicySummary') or {}).get('Id')}"
    for key, word in (
        ("Policies", "policy"),
        ("Targets", "target"),
        ("EnabledServicePrincipals", "service"),
        ("DelegatedAdministrators", "delegated administrator"),
        ("DelegatedServices", "service"),
        ("EffectivePolicyValidationErrors", "validation error"),
    ):
        if key in output:
            count = len(output[key])
            return f"{count} {'policies' if word == 'policy' and count != 1 else word + ('' if count == 1 else 's')}"
    return None
