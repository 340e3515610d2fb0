"""``python -m orgsim demo [billing]``: a scripted story under a simulated clock, printed as a timeline.

An organization is created (consolidated billing only) and invites three accounts. Alice accepts,
and the management account files her under a new Engineering OU and tags her. Bob declines, Carol ignores her invitation until it expires after 15 days; 30 days after that it is
purged. Then the organization enables all features: Alice, the one invited member, approves, the
service sends the management account the final confirmation, and accepting it switches the feature set. Everything runs
in-process with boto3 clients against the simulation; the clock is a ``ManualClock``, so no time
patching library is needed and no real time passes. The timeline is built from ``sim.calls``.

The second story (``demo billing``, botocore 1.41.1 or newer) is a billing transfer: a reseller's
organization invites two customers' organizations to let it pay their bills from the first of next
month. One accepts; the other never answers, and its invitation expires the day before the start.
Later the customer withdraws the transfer at the end of a month (a leap-year February), and can delete
its organization only once the transfer has ended.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any, TextIO

from . import timeline
from .clock import ManualClock
from .report import display_names
from .service.routes import missing_from_model
from .simulation import Simulation, simulate
from .snapshots import shown_handshakes

MANAGEMENT = "111111111111"
PEOPLE = {"Alice": "222222222222", "Bob": "333333333333", "Carol": "444444444444"}
START = dt.datetime(2024, 1, 1, 9, 0, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)


class _Story:
    """Runs the steps and remembers where each one starts in the call log."""

    def __init__(self, sim: Simulation, clock: ManualClock, origin: dt.datetime = START) -> None:
        self.sim = sim
        self.clock = clock
        self.origin = origin
        self.captions: dict[int, str] = {}

    def step(self, day: int, caption: str, *, minutes: int = 0) -> None:
        self.clock.move_to(self.origin + day * DAY + dt.timedelta(minutes=minutes))
        self.captions[len(self.sim.calls)] = f"-- Day {day}: {caption}"

    def client(self, account_id: str) -> Any:
        return self.sim.session(account_id).client("organizations")


def run_story(sim: Simulation, clock: ManualClock) -> dict[int, str]:
    """The story itself; returns the captions keyed by the index of the first call of each step."""
    story = _Story(sim, clock)
    sim.seed_account(MANAGEMENT, name="Management", email="management@example.com")
    for name, account_id in PEOPLE.items():
        sim.seed_account(account_id, name=name, email=f"{name.lower()}@example.com")
    mgmt = story.client(MANAGEMENT)

    story.step(0, "the management account creates an organization and invites Alice, Bob and Carol")
    mgmt.create_organization(FeatureSet="CONSOLIDATED_BILLING")
    invitations = {
        name: mgmt.invite_account_to_organization(
            Target={"Id": account_id, "Type": "ACCOUNT"}, Notes=f"Welcome aboard, {name}!"
        )["Handshake"]["Id"]
        for name, account_id in PEOPLE.items()
    }

    story.step(1, "Alice finds her invitation and accepts it", minutes=60)
    alice = story.client(PEOPLE["Alice"])
    (received,) = alice.list_handshakes_for_account()["Handshakes"]
    alice.accept_handshake(HandshakeId=received["Id"])

    story.step(1, "the management account files Alice under a new Engineering OU and tags her", minutes=90)
    (root,) = mgmt.list_roots()["Roots"]
    engineering = mgmt.create_organizational_unit(ParentId=root["Id"], Name="Engineering")["OrganizationalUnit"]
    mgmt.move_account(AccountId=PEOPLE["Alice"], SourceParentId=root["Id"], DestinationParentId=engineering["Id"])
    mgmt.tag_resource(ResourceId=PEOPLE["Alice"], Tags=[{"Key": "team", "Value": "engineering"}])
    mgmt.list_accounts_for_parent(ParentId=engineering["Id"])

    story.step(2, "Bob declines", minutes=30)
    story.client(PEOPLE["Bob"]).decline_handshake(HandshakeId=invitations["Bob"])

    story.step(15, "Carol never answered: 15 days after it was sent, her invitation has EXPIRED")
    mgmt.list_handshakes_for_organization()

    story.step(16, "Carol tries to accept anyway: an expired invitation can't be accepted")
    carol = story.client(PEOPLE["Carol"])
    try:
        carol.accept_handshake(HandshakeId=invitations["Carol"])
    except carol.exceptions.InvalidHandshakeTransitionException:
        pass

    story.step(45, "30 days after it expired, Carol's invitation is purged (as are the answered ones)")
    try:
        mgmt.describe_handshake(HandshakeId=invitations["Carol"])
    except mgmt.exceptions.HandshakeNotFoundException:
        pass
    mgmt.list_handshakes_for_organization()
    mgmt.list_accounts()

    story.step(46, "the management account asks every invited member to approve all features")
    mgmt.enable_all_features()

    story.step(47, "Alice approves; the service sends the management account the final confirmation")
    (request,) = alice.list_handshakes_for_account(Filter={"ActionType": "ENABLE_ALL_FEATURES"})["Handshakes"]
    alice.accept_handshake(HandshakeId=request["Id"])

    story.step(47, "the management account accepts the confirmation: the organization has all features", minutes=30)
    (confirmation,) = mgmt.list_handshakes_for_account(Filter={"ActionType": "APPROVE_ALL_FEATURES"})["Handshakes"]
    mgmt.accept_handshake(HandshakeId=confirmation["Id"])
    mgmt.describe_organization()
    return story.captions


RESELLER = "555555555555"
CUSTOMERS = {"Initech": "666666666666", "Globex": "777777777777"}
BILLING_START = dt.datetime(2024, 1, 10, 9, 0, tzinfo=dt.timezone.utc)
UTC = dt.timezone.utc


def run_billing_story(sim: Simulation, clock: ManualClock) -> dict[int, str]:
    """The billing-transfer story; returns the captions keyed by the index of the first call of each step."""
    story = _Story(sim, clock, BILLING_START)
    sim.seed_account(RESELLER, name="Reseller", email="billing@reseller.example.com")
    for name, account_id in CUSTOMERS.items():
        sim.seed_account(account_id, name=name, email=f"finance@{name.lower()}.example.com")
    reseller = story.client(RESELLER)
    initech, globex = (story.client(account_id) for account_id in CUSTOMERS.values())

    story.step(0, "the reseller and two customers each run an organization")
    for client in (reseller, initech, globex):
        client.create_organization()

    story.step(0, "the reseller asks to pay both customers' bills from the first of next month", minutes=30)
    invitations = {
        name: reseller.invite_organization_to_transfer_responsibility(
            Type="BILLING",
            Target={"Id": account_id, "Type": "ACCOUNT"},
            StartTimestamp=dt.datetime(2024, 2, 1, tzinfo=UTC),
            SourceName=f"{name} consolidated bill",
            Notes="We take over your AWS bill from February.",
        )["Handshake"]
        for name, account_id in CUSTOMERS.items()
    }
    transfer_ids = {
        name: next(r["Value"] for r in handshake["Resources"] if r["Type"] == "RESPONSIBILITY_TRANSFER")
        for name, handshake in invitations.items()
    }

    story.step(0, "a start in the middle of a month is refused", minutes=45)
    try:
        reseller.invite_organization_to_transfer_responsibility(
            Type="BILLING",
            Target={"Id": CUSTOMERS["Globex"], "Type": "ACCOUNT"},
            StartTimestamp=dt.datetime(2024, 2, 15, tzinfo=UTC),
            SourceName="Globex consolidated bill",
        )
    except reseller.exceptions.InvalidInputException:
        pass

    story.step(2, "Initech finds the invitation and accepts it: the transfer is ACCEPTED")
    (received,) = initech.list_handshakes_for_account(Filter={"ActionType": "TRANSFER_RESPONSIBILITY"})["Handshakes"]
    initech.accept_handshake(HandshakeId=received["Id"])

    story.step(21, "Globex never answered: its invitation expired at midnight, a day before the start")
    reseller.list_inbound_responsibility_transfers(Type="BILLING")
    try:
        globex.accept_handshake(HandshakeId=invitations["Globex"]["Id"])
    except globex.exceptions.InvalidHandshakeTransitionException:
        pass

    story.step(22, "February 1: the reseller now pays Initech's bill")
    initech.describe_responsibility_transfer(Id=transfer_ids["Initech"])

    story.step(36, "Initech withdraws the transfer at the end of February (a leap year: the 29th)")
    initech.terminate_responsibility_transfer(
        Id=transfer_ids["Initech"], EndTimestamp=dt.datetime(2024, 2, 29, 23, 59, 59, 999000, tzinfo=UTC)
    )
    try:
        reseller.terminate_responsibility_transfer(Id=transfer_ids["Initech"])
    except reseller.exceptions.ResponsibilityTransferAlreadyInStatusException:
        pass
    try:
        initech.delete_organization()
    except initech.exceptions.ConstraintViolationException:
        pass

    story.step(51, "March 1: the transfer has ended, and Initech can delete its organization")
    initech.delete_organization()
    reseller.list_inbound_responsibility_transfers(Type="BILLING")
    return story.captions


def _print_timeline(
    out: TextIO, sim: Simulation, captions: dict[int, str], events: list[timeline.TimeEvent], origin: dt.datetime
) -> None:
    names = display_names(sim.accounts)
    calls = list(sim.calls)
    width = timeline.operation_width(calls)
    print(timeline.header(origin=origin, width=width), file=out)
    captioned: set[int] = set()
    for index, item in timeline.merged(calls, events):
        # A step's caption goes before its first call, and before what the clock did at that moment.
        if index in captions and index not in captioned and item.time >= calls[index].time:
            print(captions[index], file=out)
            captioned.add(index)
        print(timeline.entry_line(item, names, origin, width=width), file=out)


def billing(out: TextIO | None = None) -> int:
    """``python -m orgsim demo billing``: the billing-transfer story."""
    out = out or sys.stdout
    missing = missing_from_model("InviteOrganizationToTransferResponsibility")
    if missing is not None:
        print(f"The billing story simulates billing transfers, and {missing}.", file=out)
        return 1
    clock = ManualClock(BILLING_START)
    with simulate(clock=clock, default_account_id=RESELLER, seed="orgsim-demo-billing") as sim:
        captions = run_billing_story(sim, clock)
        # Every handshake the story's calls showed: the purged ones too, which the world forgot.
        shown = shown_handshakes(sim.calls, sim.now())
        events = sorted(timeline.time_events(shown) + timeline.transfer_events(sim.transfers))
        transfers = sim.transfers
        names = display_names(sim.accounts)
        last_day = (sim.now() - BILLING_START).days

    print("orgsim demo: a billing transfer story over 51 simulated days, answered in-process by orgsim", file=out)
    print("(boto3 clients, no AWS account, no network; the timeline below is built from sim.calls)\n", file=out)
    _print_timeline(out, sim, captions, events, BILLING_START)
    print(f"\nEvery billing transfer, as of day {last_day}:", file=out)
    for t in transfers:
        source = names.get(t.source_account_id, t.source_account_id)
        ends = f" to {t.end_timestamp:%Y-%m-%d %H:%M:%S.%f}"[:-3] if t.end_timestamp else ""
        print(
            f"  {t.id}  {source:<8} billed to {names.get(t.inviter_account_id, t.inviter_account_id)}"
            f"  {t.status:<9}  from {t.start_timestamp:%Y-%m-%d}{ends}",
            file=out,
        )
    return 0

def main(out: TextIO | None = None) -> int:
    out = out or sys.stdout
    clock = ManualClock(START)
    with simulate(clock=clock, default_account_id=MANAGEMENT, seed="orgsim-demo") as sim:
        captions = run_story(sim, clock)
        accounts = {a.id: a for a in sim.accounts}
        names = display_names(accounts.values())
        org = sim.organization()
        # Every handshake the story's calls showed: the purged ones too, which the world forgot.
        handshakes = shown_handshakes(sim.calls, sim.now())

    print("orgsim demo: an AWS Organizations story over 47 simulated days, answered in-process by orgsim", file=out)
    print("(boto3 clients, no AWS account, no network; the timeline below is built from sim.calls)\n", file=out)
    _print_timeline(out, sim, captions, timeline.time_events(handshakes, accounts.values()), START)

    members = ", ".join(f"{names.get(i, i)} ({i})" for i in org.member_ids)
    print(f"\nOrganization {org.id} ends with {len(org.member_ids)} accounts: {members}", file=out)
    print(f"Organization {org.id} has feature set {org.feature_set}, and this tree:", file=out)

    def who(account_ids: tuple[str, ...]) -> str:
        shown = []
        for i in account_ids:
            tags = ", ".join(f"{k}={v}" for k, v in accounts[i].tags.items())
            shown.append(f"{names.get(i, i)} ({i})" + (f" tagged {tags}" if tags else ""))
        return ", ".join(shown) or "no accounts"

    print(f"  root {org.root.id}: {who(org.root.account_ids)}", file=out)
    for ou in org.organizational_units:
        print(f"  {'  ' * ou.depth}OU {ou.name} ({ou.id}): {who(ou.account_ids)}", file=out)
    print(f"Every handshake, as of day {(sim.now() - START).days}:", file=out)
    for h in handshakes:
        recipient = names.get(h.recipient.id, h.recipient.id) if h.recipient else "(all invited members)"
        shown = "purged, no longer visible through the API" if h.purged else "still visible"
        print(f"  {h.id}  {h.action:<20} to {recipient:<21} {h.state:<9} ({shown})", file=out)
    return 0
