"""A plain-text picture of a simulated world: what the failure report and ``Simulation.report`` show."""
# Organizations are drawn as their tree: the accounts right under the root first, then each OU with
# what is in it, indented one step per level. Each root, OU and account shows the policies attached
# to it when they are more (or other) than the AWS-managed defaults every target gets; the
# organization's policy types, policies, trusted access and delegated administrators follow the tree.

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from . import snapshots, timeline
from .domain.policies import DEFAULTS
from .service.simulated_aws import SimulatedAWS


def world_report(aws: SimulatedAWS, *, last_calls: int = 10, now: dt.datetime | None = None) -> str:
    """Organizations with their tree of OUs and members, accounts in no organization, every handshake
    (those the world holds, and the purged ones the call log still shows), armed faults and the last
    calls, with handshake states as of ``now`` (default: when the world was last seen)."""
    with aws.lock:
        if now is None:
            now = aws.last_seen or aws.now()
            when = "the last simulated call or inspection" if aws.last_seen else "the simulation clock"
        else:
            when = "the time asked for"
        world = aws.world
        accounts = {a.id: snapshots.Account.of(a) for a in world.accounts.values()}
        organizations = snapshots.organizations(world)
        calls = list(aws.calls)
        # The purged ones the calls showed too: what time did to them is part of the story.
        handshakes = snapshots.handshakes(world, now, calls)
        transfers = snapshots.transfers(world, now)
        faults = aws.faults.armed()

    names = display_names(accounts.values())
    out = [f"Simulated world at {timeline.format_time(now)} UTC ({when})", ""]

    out.append(f"Organizations ({len(organizations)}):")
    for org in organizations:
        out.append(
            f"  {org.id}  feature set {org.feature_set}  management {org.management_account_id}"
            f"  root {org.root.id}{_tags(org.root.tags)}{_policies(org, org.root.id)}"
        )
        units = {ou.id: ou for ou in org.organizational_units}
        out.extend(_tree(org, units, org.root.account_ids, org.root.organizational_unit_ids, accounts, names, "    "))
        out.extend(_governance(org, names))
    standalone = [a for a in accounts.values() if a.organization_id is None]
    if standalone:
        out.append(f"Accounts in no organization ({len(standalone)}):")
        out.extend(f"  {a.id}  {names.get(a.id, ''):<16}  {a.email}" for a in standalone)

    out.append(f"Handshakes ({len(handshakes)}):")
    for h in handshakes:
        recipient = h.recipient
        to = f"{recipient.type} {recipient.id}" if recipient else "(organization)"
        state = h.state + (" (purged)" if h.purged else "")
        out.append(
            f"  {h.id}  {h.action:<20}  {h.organization_id} -> {to:<34}  {state:<18}"
            f"  requested {timeline.format_time(h.requested_timestamp)}"
            f"  expires {timeline.format_time(h.expiration_timestamp)}"
        )

    if transfers:
        out.append(f"Billing transfers ({len(transfers)}):")
        for t in transfers:
            status = t.status + (" (purged)" if t.purged else "")
            ends = f"  ends {timeline.format_time(t.end_timestamp)}" if t.end_timestamp else ""
            out.append(
                f"  {t.id}  {t.type}  {t.source_organization_id} ({t.source_account_id}) billed to "
                f"{t.inviter_organization_id} ({t.inviter_account_id})  {status:<18}"
                f"  starts {timeline.format_time(t.start_timestamp)}{ends}  invitation {t.handshake_id}"
            )

    if faults:
        out.append(f"Faults armed ({len(faults)}):")
        out.extend(f"  {fault!r}" for fault in faults)

    shown = calls[-last_calls:] if last_calls > 0 else []
    out.append(f"Last {len(shown)} of {len(calls)} calls:" if shown else f"Calls: {len(calls)}")
    if shown:
        # What time did between the first shown call and the last one, in place.
        happened = sorted(timeline.time_events(handshakes, accounts.values()) + timeline.transfer_events(transfers))
        events = [e for e in happened if e.time > shown[0].time]
        width = timeline.operation_width(shown)
        out.append("  " + timeline.header(width=width))
        out.extend("  " + timeline.entry_line(item, names, width=width) for _, item in timeline.merged(shown, events))
    return "\n".join(out) + "\n"


def _tree(
    org: snapshots.Organization,
    units: Mapping[str, snapshots.OrganizationalUnit],
    account_ids: Iterable[str],
    ou_ids: Iterable[str],
    accounts: dict[str, snapshots.Account],
    names: dict[str, str],
    indent: str,
) -> list[str]:
    """The lines for a root's or an OU's accounts, then for each of its OUs and what is in it."""
    lines = []
    for account_id in account_ids:
        account = accounts[account_id]
        role = "management" if account_id == org.management_account_id else "member"
        joined = timeline.format_time(account.joined_timestamp) if account.joined_timestamp else "?"
        state = "" if account.state == "ACTIVE" else f"  {account.state}"
        lines.append(
            f"{indent}{account_id}  {names.get(account_id, ''):<16}  {role:<10}  {account.joined_method or '?'} {joined}"
            f"{state}{_tags(account.tags)}{_policies(org, account_id)}"
        )
    for ou_id in ou_ids:
        ou = units[ou_id]
        lines.append(f"{indent}{ou.id}  OU {ou.name!r}{_tags(ou.tags)}{_policies(org, ou.id)}")
        lines.extend(_tree(org, units, ou.account_ids, ou.organizational_unit_ids, accounts, names, indent + "  "))
    return lines


def _governance(org: snapshots.Organization, names: dict[str, str]) -> list[str]:
    """The lines about what governs the organization: its policy types and policies, trusted access,
    delegated administrators and the delegation policy (none when it has none of them)."""
    lines = []
    if org.root.policy_types:
        lines.append("    policy types " + ", ".join(f"{kind} {status}" for kind, status in org.root.policy_types))
    for policy in org.policies:
        count = len(org.targets_for(policy.id))
        lines.append(
            f"    policy {policy.id}  {policy.type:<24}  {policy.name!r}  attached to {count} target{'' if count == 1 else 's'}"
            f"{_tags(policy.tags)}"
        )
    if org.enabled_service_principals:
        lines.append("    trusted access " + ", ".join(org.enabled_service_principals))
    for account_id, services in org.delegated_administrators.items():
        name = f" {names[account_id]}" if account_id in names else ""
        lines.append(f"    delegated administrator {account_id}{name} for " + ", ".join(services))
    if org.resource_policy is not None:
        lines.append(f"    delegation policy {org.resource_policy.id}")
    return lines


def _policies(org: snapshots.Organization, target_id: str) -> str:
    """The policies attached to a target, by name, unless they are just the defaults."""
    attached = org.policies_for(target_id)
    defaults = {DEFAULTS[kind].id for kind, _ in org.root.policy_types if kind in DEFAULTS}
    if set(attached) == defaults:
        return ""
    shown = [org.policy(policy_id).name for policy_id in attached]
    return "  policies " + (", ".join(shown) if shown else "none")


def _tags(tags: Mapping[str, str]) -> str:
    return "  tags " + ", ".join(f"{k}={v}" for k, v in tags.items()) if tags else ""


def display_names(accounts: Iterable[snapshots.Account]) -> dict[str, str]:
    """Names worth showing next to account ids (not the generated ``Account <id>`` ones)."""
    return {a.id: a.name for a in accounts if a.name != f"Account {a.id}"}
