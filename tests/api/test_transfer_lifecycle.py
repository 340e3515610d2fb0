"""A billing transfer's life: the invitation answered or expiring, the transfer described, listed,
renamed and withdrawn, retention, and what it blocks (behaviour.md, "Billing transfers")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.config import Config

import orgsim
from support import aws_error
from support.billing import OTHER, PAYER, SOURCE, Billing, has_reason, needs_transfers, new_sim, transfer_id, utc

pytestmark = needs_transfers

NOW = utc(2024, 1, 15, 10, 0, 0)
MS = dt.timedelta(milliseconds=1)
DAY = dt.timedelta(days=1)
FEB_END = utc(2024, 3, 1) - MS  # a leap year: February 29, 23:59:59.999
MAR_END = utc(2024, 4, 1) - MS


@pytest.fixture
def clock() -> orgsim.ManualClock:
    return orgsim.ManualClock(NOW)


@pytest.fixture
def billing(clock: orgsim.ManualClock) -> Iterator[Billing]:
    with new_sim(clock, default_account_id=PAYER) as sim:
        yield Billing.build(sim, clock)


def status(billing: Billing, rt: str, by: str = PAYER) -> str:
    return billing.describe(rt, by)["Status"]  # type: ignore[no-any-return]


def handshake_state(billing: Billing, handshake_id: str, by: str = PAYER) -> str:
    return billing.client(by).describe_handshake(HandshakeId=handshake_id)["Handshake"]["State"]  # type: ignore[no-any-return]


# -- answers ---------------------------------------------------------------------------------------


def test_accepting_accepts_the_transfer_and_attaches_its_tags(billing: Billing) -> None:
    handshake = billing.invite(start=utc(2024, 2, 1), Tags=[{"Key": "cost-center", "Value": "42"}])
    rt = transfer_id(handshake)
    assert billing.sim.transfer(rt).tags == {}
    assert billing.payer.list_tags_for_resource(ResourceId=rt)["Tags"] == []
    accepted = billing.source.accept_handshake(HandshakeId=handshake["Id"])["Handshake"]
    assert accepted["State"] == "ACCEPTED"
    assert billing.sim.calls.last.changes == (
        orgsim.Change(handshake["Id"], "OPEN", "ACCEPTED"),
        orgsim.Change(rt, "REQUESTED", "ACCEPTED"),
    )
    assert billing.sim.calls.last.transfer_id == rt
    assert status(billing, rt) == status(billing, rt, SOURCE) == "ACCEPTED"
    assert billing.sim.transfer(rt).tags == {"cost-center": "42"}
    # ACCEPTED before and after the start: there is no status for "running".
    billing.clock.move_to(utc(2024, 2, 1) - MS)
    assert status(billing, rt) == "ACCEPTED"
    billing.clock.move_to(utc(2024, 6, 1))
    assert status(billing, rt) == "ACCEPTED"


@pytest.mark.parametrize(("answer", "by", "final"), [("decline", SOURCE, "DECLINED"), ("cancel", PAYER, "CANCELED")])
def test_declining_and_canceling_end_the_transfer_too(billing: Billing, answer: str, by: str, final: str) -> None:
    handshake = billing.invite()
    rt = transfer_id(handshake)
    getattr(billing.client(by), f"{answer}_handshake")(HandshakeId=handshake["Id"])
    assert billing.sim.calls.last.changes == (
        orgsim.Change(handshake["Id"], "OPEN", final),
        orgsim.Change(rt, "REQUESTED", final),
    )
    assert status(billing, rt) == status(billing, rt, SOURCE) == final
    assert billing.sim.transfer(rt).ended_timestamp == NOW
    assert billing.sim.transfer(rt).tags == {}


def test_the_invitation_expires_a_day_before_the_start_and_the_transfer_with_it(billing: Billing) -> None:
    handshake = billing.invite(start=utc(2024, 2, 1))
    rt = transfer_id(handshake)
    billing.clock.move_to(utc(2024, 1, 31) - MS)  # the last millisecond
    assert (handshake_state(billing, handshake["Id"]), status(billing, rt)) == ("OPEN", "REQUESTED")
    billing.clock.move_to(utc(2024, 1, 31))
    assert (handshake_state(billing, handshake["Id"]), status(billing, rt)) == ("EXPIRED", "EXPIRED")
    assert billing.sim.transfer(rt).ended_timestamp == utc(2024, 1, 31)
    with aws_error(billing.source, "InvalidHandshakeTransitionException"):
        billing.source.accept_handshake(HandshakeId=handshake["Id"])
    # What time did stays done: moving the clock back does not bring the invitation back.
    billing.clock.move_to(utc(2024, 1, 31) - MS)
    assert (handshake_state(billing, handshake["Id"]), status(billing, rt)) == ("EXPIRED", "EXPIRED")
    with aws_error(billing.source, "InvalidHandshakeTransitionException"):
        billing.source.accept_handshake(HandshakeId=handshake["Id"])


def test_accepting_in_the_last_millisecond(billing: Billing) -> None:
    handshake = billing.invite(start=utc(2024, 3, 1))
    billing.clock.move_to(utc(2024, 2, 29) - MS)  # leap year: it expires on the 29th
    billing.source.accept_handshake(HandshakeId=handshake["Id"])
    assert status(billing, transfer_id(handshake)) == "ACCEPTED"


def test_who_may_answer(billing: Billing) -> None:
    handshake = billing.invite()
    for client in (billing.payer, billing.client(billing.payer_member)):
        with aws_error(client, "AccessDeniedException"):
            client.accept_handshake(HandshakeId=handshake["Id"])
        with aws_error(client, "AccessDeniedException"):
            client.decline_handshake(HandshakeId=handshake["Id"])
    with aws_error(billing.source, "AccessDeniedException"):
        billing.source.cancel_handshake(HandshakeId=handshake["Id"])
    with aws_error(billing.client(billing.payer_member), "AccessDeniedException"):
        billing.client(billing.payer_member).cancel_handshake(HandshakeId=handshake["Id"])
    member = billing.client(billing.source_member)
    with aws_error(member, "HandshakeNotFoundException"):
        member.accept_handshake(HandshakeId=handshake["Id"])
    assert status(billing, transfer_id(handshake)) == "REQUESTED"


@pytest.mark.parametrize(
    ("first", "then", "error"),
    [
        ("accept", "accept", "HandshakeAlreadyInStateException"),
        ("accept", "decline", "InvalidHandshakeTransitionException"),
        ("accept", "cancel", "InvalidHandshakeTransitionException"),
        ("decline", "accept", "InvalidHandshakeTransitionException"),
        ("decline", "decline", "HandshakeAlreadyInStateException"),
        ("cancel", "accept", "InvalidHandshakeTransitionException"),
        ("cancel", "cancel", "HandshakeAlreadyInStateException"),
    ],
)
def test_the_handshake_transition_table(billing: Billing, first: str, then: str, error: str) -> None:
    handshake = billing.invite()
    actor = {"accept": billing.source, "decline": billing.source, "cancel": billing.payer}
    getattr(actor[first], f"{first}_handshake")(HandshakeId=handshake["Id"])
    before = status(billing, transfer_id(handshake))
    with aws_error(actor[then], error):
        getattr(actor[then], f"{then}_handshake")(HandshakeId=handshake["Id"])
    assert status(billing, transfer_id(handshake)) == before


def test_a_withdrawn_transfers_invitation_stays_accepted(billing: Billing) -> None:
    handshake = billing.invite(start=utc(2024, 2, 1))
    billing.source.accept_handshake(HandshakeId=handshake["Id"])
    billing.clock.move_to(utc(2024, 2, 5))
    billing.source.terminate_responsibility_transfer(Id=transfer_id(handshake))
    with aws_error(billing.source, "HandshakeAlreadyInStateException"):
        billing.source.accept_handshake(HandshakeId=handshake["Id"])
    with aws_error(billing.payer, "InvalidHandshakeTransitionException"):
        billing.payer.cancel_handshake(HandshakeId=handshake["Id"])


def test_one_payer_at_a_time(billing: Billing) -> None:
    rival = "555555555555"
    billing.sim.seed_organization(rival)
    first = billing.invite(start=utc(2024, 2, 1))
    second = billing.invite(by=rival, start=utc(2024, 3, 1))
    billing.source.accept_handshake(HandshakeId=first["Id"])
    with aws_error(billing.source, "ConstraintViolationException", "RESPONSIBILITY_TRANSFER_MAX_OUTBOUND_QUOTA_VIOLATION"):
        billing.source.accept_handshake(HandshakeId=second["Id"])
    assert handshake_state(billing, second["Id"], SOURCE) == "OPEN"
    # Withdrawing frees the slot at once, although the transfer runs to the end of the month.
    billing.clock.move_to(utc(2024, 2, 10))
    billing.source.terminate_responsibility_transfer(Id=transfer_id(first))
    billing.source.accept_handshake(HandshakeId=second["Id"])
    assert status(billing, transfer_id(second), SOURCE) == "ACCEPTED"


# -- describing and listing -------------------------------------------------------------------------


def test_describing(billing: Billing) -> None:
    rt = transfer_id(billing.invite())
    billing.sim.seed_organization(OTHER)
    for account, error in (
        (OTHER, "ResponsibilityTransferNotFoundException"),
        (billing.payer_member, "AccessDeniedException"),
        (billing.source_member, "AccessDeniedException"),
        (billing.sim.seed_account().id, "AWSOrganizationsNotInUseException"),
    ):
        with aws_error(billing.client(account), error):
            billing.describe(rt, account)
    with aws_error(billing.payer, "ResponsibilityTransferNotFoundException"):
        billing.describe("rt-0000000000", PAYER)
    unchecked = billing.sim.session(PAYER).client("organizations", config=Config(parameter_validation=False))
    for bad in ("rt-ABCDEFGH", "rt-1234567", "h-12345678", ""):
        with aws_error(unchecked, "InvalidInputException", "INVALID_PATTERN"):
            unchecked.describe_responsibility_transfer(Id=bad)


def test_the_inbound_list_narrowed_to_one_transfer(billing: Billing) -> None:
    mine = transfer_id(billing.invite())
    billing.sim.seed_organization(OTHER)
    outbound = transfer_id(billing.invite(PAYER, by=OTHER))  # PAYER's bill, to OTHER
    (found,) = billing.payer.list_inbound_responsibility_transfers(Type="BILLING", Id=mine)["ResponsibilityTransfers"]
    assert found == billing.describe(mine)
    for wanted in (outbound, "rt-zzzzzzzz"):
        with aws_error(billing.payer, "ResponsibilityTransferNotFoundException"):
            billing.payer.list_inbound_responsibility_transfers(Type="BILLING", Id=wanted)
    with aws_error(billing.source, "ResponsibilityTransferNotFoundException"):
        billing.source.list_inbound_responsibility_transfers(Type="BILLING", Id=mine)


def test_lists_page_by_hand_in_creation_order(billing: Billing) -> None:
    assert not billing.payer.can_paginate("list_inbound_responsibility_transfers")
    assert not billing.payer.can_paginate("list_outbound_responsibility_transfers")
    managers = [f"4{n:011d}" for n in range(5)]
    expected = []
    for n, account in enumerate(managers):
        billing.sim.seed_organization(account)
        billing.clock.move_to(NOW + n * dt.timedelta(minutes=1))
        expected.append(transfer_id(billing.invite(account)))
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        page = billing.payer.list_inbound_responsibility_transfers(
            Type="BILLING", MaxResults=2, **({"NextToken": token} if token else {})
        )
        pages += 1
        assert len(page["ResponsibilityTransfers"]) <= 2
        seen += [t["Id"] for t in page["ResponsibilityTransfers"]]
        token = page.get("NextToken")
        if token is None:
            break
    assert (seen, pages) == (expected, 3)
    first = billing.payer.list_inbound_responsibility_transfers(Type="BILLING", MaxResults=1)
    with aws_error(billing.payer, "InvalidInputException", "INVALID_NEXT_TOKEN"):
        billing.payer.list_outbound_responsibility_transfers(Type="BILLING", NextToken=first["NextToken"])
    with aws_error(billing.payer, "InvalidInputException", "INVALID_NEXT_TOKEN"):
        billing.payer.list_inbound_responsibility_transfers(Type="BILLING", NextToken="garbage")
    with aws_error(billing.payer, "InvalidInputException", "MAX_VALUE_EXCEEDED"):
        billing.payer.list_inbound_responsibility_transfers(Type="BILLING", MaxResults=21)


def test_lists_are_for_management_accounts(billing: Billing) -> None:
    for operation in ("list_inbound_responsibility_transfers", "list_outbound_responsibility_transfers"):
        with aws_error(billing.client(billing.payer_member), "AccessDeniedException"):
            getattr(billing.client(billing.payer_member), operation)(Type="BILLING")
        loner = billing.sim.seed_account().id
        with aws_error(billing.client(loner), "AWSOrganizationsNotInUseException"):
            getattr(billing.client(loner), operation)(Type="BILLING")


# -- retention -------------------------------------------------------------------------------------


def listed(billing: Billing, by: str = PAYER) -> list[str]:
    client = billing.client(by)
    side = "inbound" if by == PAYER else "outbound"
    return [t["Id"] for t in getattr(client, f"list_{side}_responsibility_transfers")(Type="BILLING")["ResponsibilityTransfers"]]


@pytest.mark.parametrize("ending", ["decline", "cancel", "expire"])
def test_ended_invitations_are_shown_for_thirty_days(billing: Billing, ending: str) -> None:
    handshake = billing.invite(start=utc(2024, 2, 1))
    rt = transfer_id(handshake)
    ended = NOW
    if ending == "decline":
        billing.source.decline_handshake(HandshakeId=handshake["Id"])
    elif ending == "cancel":
        billing.payer.cancel_handshake(HandshakeId=handshake["Id"])
    else:
        ended = utc(2024, 1, 31)
    billing.clock.move_to(ended + 30 * DAY - MS)
    assert listed(billing) == listed(billing, SOURCE) == [rt]
    assert billing.sim.transfer(rt).purge_timestamp == ended + 30 * DAY
    billing.clock.move_to(ended + 30 * DAY)
    assert listed(billing) == listed(billing, SOURCE) == []
    with aws_error(billing.payer, "ResponsibilityTransferNotFoundException"):
        billing.describe(rt)
    assert billing.sim.transfer(rt).purged


def test_an_accepted_transfer_outlives_its_handshake(billing: Billing) -> None:
    handshake = billing.invite(start=utc(2024, 2, 1))
    billing.source.accept_handshake(HandshakeId=handshake["Id"])
    billing.clock.move_to(NOW + 30 * DAY)
    with aws_error(billing.source, "HandshakeNotFoundException"):
        billing.source.describe_handshake(HandshakeId=handshake["Id"])
    billing.clock.move_to(NOW + 400 * DAY)
    assert listed(billing) == [transfer_id(handshake)]
    assert billing.describe(transfer_id(handshake))["ActiveHandshakeId"] == handshake["Id"]


def test_a_withdrawn_transfer_is_shown_until_thirty_days_after_its_end(billing: Billing) -> None:
    rt = billing.accepted(start=utc(2024, 2, 1))
    billing.clock.move_to(utc(2024, 2, 3))
    billing.payer.terminate_responsibility_transfer(Id=rt, EndTimestamp=MAR_END)
    billing.clock.move_to(MAR_END + 30 * DAY - MS)
    assert listed(billing) == listed(billing, SOURCE) == [rt]
    billing.clock.move_to(MAR_END + 30 * DAY)
    assert listed(billing) == listed(billing, SOURCE) == []


# -- withdrawing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("by", [PAYER, SOURCE])
def test_either_side_withdraws_an_accepted_transfer(billing: Billing, by: str) -> None:
    rt = billing.accepted(start=utc(2024, 2, 1))
    billing.clock.move_to(utc(2024, 2, 15, 12))
    shown = billing.client(by).terminate_responsibility_transfer(Id=rt, EndTimestamp=FEB_END)["ResponsibilityTransfer"]
    assert billing.sim.calls.last.changes == (orgsim.Change(rt, "ACCEPTED", "WITHDRAWN"),)
    assert billing.sim.calls.last.transfer_id == rt
    assert shown == billing.describe(rt, by)
    assert (shown["Status"], shown["EndTimestamp"]) == ("WITHDRAWN", FEB_END)
    assert ("Name" in shown) == (by == PAYER)
    assert billing.describe(rt, SOURCE if by == PAYER else PAYER)["EndTimestamp"] == FEB_END
    for client in (billing.payer, billing.source):
        with aws_error(client, "ResponsibilityTransferAlreadyInStatusException"):
            client.terminate_responsibility_transfer(Id=rt)
    assert billing.sim.transfer(rt).end_timestamp == FEB_END


def test_without_an_end_date_it_ends_with_this_month(billing: Billing) -> None:
    rt = billing.accepted(start=utc(2024, 2, 1))
    billing.clock.move_to(utc(2024, 2, 29, 23, 59, 59))
    assert billing.source.terminate_responsibility_transfer(Id=rt)["ResponsibilityTransfer"]["EndTimestamp"] == FEB_END


END = "InvalidInputException"


@pytest.mark.parametrize(
    ("now", "end", "reason"),
    [
        (utc(2024, 2, 15), FEB_END, None),
        (utc(2024, 2, 15), MAR_END, None),
        (utc(2024, 2, 29, 23, 59, 59), FEB_END, None),
        (utc(2024, 2, 29, 23, 59, 59), MAR_END, None),
        # A leap year's February ends on the 29th, not the 28th.
        (utc(2024, 2, 15), utc(2024, 2, 29) - MS, "END_DATE_NOT_END_OF_MONTH"),
        (utc(2024, 2, 15), FEB_END - dt.timedelta(seconds=1), "END_DATE_NOT_END_OF_MONTH"),
        (utc(2024, 2, 15), utc(2024, 3, 1), "END_DATE_NOT_END_OF_MONTH"),
        (utc(2024, 2, 15), utc(2024, 3, 15), "END_DATE_NOT_END_OF_MONTH"),
        (utc(2024, 2, 15), utc(2024, 2, 1) - MS, "END_DATE_TOO_EARLY"),
        (utc(2024, 2, 15), utc(2023, 12, 1) - MS, "END_DATE_TOO_EARLY"),
        (utc(2024, 2, 15), utc(2024, 5, 1) - MS, "END_DATE_TOO_LATE"),
        (utc(2024, 3, 1), FEB_END, "END_DATE_TOO_EARLY"),
        (utc(2024, 3, 1), MAR_END, None),
        (utc(2024, 3, 1), utc(2024, 5, 1) - MS, None),
        # Over a year's end, and a February of 28 days.
        (utc(2024, 12, 10), utc(2025, 1, 1) - MS, None),
        (utc(2024, 12, 10), utc(2025, 2, 1) - MS, None),
        (utc(2024, 12, 10), utc(2025, 3, 1) - MS, "END_DATE_TOO_LATE"),
        (utc(2025, 1, 31, 23, 59, 59), utc(2025, 3, 1) - MS, None),
        (utc(2025, 1, 20), utc(2025, 2, 28, 23, 59, 59), None),
        (utc(2025, 1, 20), utc(2025, 2, 27) - MS, "END_DATE_NOT_END_OF_MONTH"),
    ],
)
def test_end_dates(billing: Billing, now: dt.datetime, end: dt.datetime, reason: str | None) -> None:
    rt = billing.accepted(start=utc(2024, 2, 1))
    billing.clock.move_to(now)
    if reason is None:
        shown = billing.payer.terminate_responsibility_transfer(Id=rt, EndTimestamp=end)["ResponsibilityTransfer"]
        assert shown["EndTimestamp"] == end.replace(microsecond=999_000)
    else:
        with aws_error(billing.payer, END, reason):
            billing.payer.terminate_responsibility_transfer(Id=rt, EndTimestamp=end)
        assert status(billing, rt) == "ACCEPTED"


def test_any_instant_of_the_last_second_names_the_month_end(billing: Billing) -> None:
    # botocore before 1.44 sends whole seconds: 23:59:59.999 arrives as 23:59:59.
    rt = billing.accepted(start=utc(2024, 2, 1))
    billing.clock.move_to(utc(2024, 2, 10))
    shown = billing.payer.terminate_responsibility_transfer(Id=rt, EndTimestamp=utc(2024, 2, 29, 23, 59, 59))
    assert shown["ResponsibilityTransfer"]["EndTimestamp"] == FEB_END


def test_a_transfer_cannot_end_before_it_starts(billing: Billing) -> None:
    rt = billing.accepted(start=utc(2024, 3, 1))
    billing.clock.move_to(utc(2024, 1, 20))
    for end in (None, utc(2024, 2, 1) - MS, FEB_END):
        with aws_error(billing.source, END, "END_DATE_TOO_EARLY"):
            billing.source.terminate_responsibility_transfer(Id=rt, **({"EndTimestamp": end} if end else {}))
    billing.clock.move_to(utc(2024, 2, 10))
    assert billing.source.terminate_responsibility_transfer(Id=rt, EndTimestamp=MAR_END)["ResponsibilityTransfer"]["EndTimestamp"] == MAR_END


@pytest.mark.parametrize("ending", [None, "decline", "cancel", "expire"])
def test_only_accepted_transfers_are_withdrawn(billing: Billing, ending: str | None) -> None:
    handshake = billing.invite(start=utc(2024, 2, 1))
    if ending == "decline":
        billing.source.decline_handshake(HandshakeId=handshake["Id"])
    elif ending == "cancel":
        billing.payer.cancel_handshake(HandshakeId=handshake["Id"])
    elif ending == "expire":
        billing.clock.move_to(utc(2024, 1, 31))
    for client in (billing.payer, billing.source):
        with aws_error(client, "InvalidResponsibilityTransferTransitionException"):
            client.terminate_responsibility_transfer(Id=transfer_id(handshake))


def test_withdrawing_someone_elses_transfer(billing: Billing) -> None:
    rt = billing.accepted()
    billing.sim.seed_organization(OTHER)
    billing.clock.move_to(utc(2024, 2, 10))
    with aws_error(billing.client(OTHER), "ResponsibilityTransferNotFoundException"):
        billing.client(OTHER).terminate_responsibility_transfer(Id=rt)
    with aws_error(billing.client(billing.source_member), "AccessDeniedException"):
        billing.client(billing.source_member).terminate_responsibility_transfer(Id=rt)


# -- renaming --------------------------------------------------------------------------------------


def test_the_payer_renames_requested_and_accepted_transfers(billing: Billing) -> None:
    handshake = billing.invite(start=utc(2024, 2, 1))
    rt = transfer_id(handshake)
    shown = billing.payer.update_responsibility_transfer(Id=rt, Name="Renamed")["ResponsibilityTransfer"]
    assert (shown["Name"], shown["Status"]) == ("Renamed", "REQUESTED")
    billing.source.accept_handshake(HandshakeId=handshake["Id"])
    assert billing.payer.update_responsibility_transfer(Id=rt, Name="Again")["ResponsibilityTransfer"]["Name"] == "Again"
    assert billing.sim.calls.last.changes == ()  # a new name is no transition
    assert billing.describe(rt)["Name"] == "Again"
    assert "Name" not in billing.describe(rt, SOURCE)
    with aws_error(billing.source, "AccessDeniedException"):
        billing.source.update_responsibility_transfer(Id=rt, Name="Mine")
    unchecked = billing.sim.session(PAYER).client("organizations", config=Config(parameter_validation=False))
    for bad, reason in (("", "MIN_LENGTH_EXCEEDED"), ("x" * 129, "MAX_LENGTH_EXCEEDED"), ("\u00e9t\u00e9", "INVALID_PATTERN")):
        with aws_error(unchecked, "InvalidInputException", reason):
            unchecked.update_responsibility_transfer(Id=rt, Name=bad)


@pytest.mark.parametrize("ending", ["decline", "cancel", "expire", "withdraw"])
def test_ended_transfers_cannot_be_renamed(billing: Billing, ending: str) -> None:
    handshake = billing.invite(start=utc(2024, 2, 1))
    rt = transfer_id(handshake)
    if ending == "decline":
        billing.source.decline_handshake(HandshakeId=handshake["Id"])
    elif ending == "cancel":
        billing.payer.cancel_handshake(HandshakeId=handshake["Id"])
    elif ending == "expire":
        billing.clock.move_to(utc(2024, 1, 31))
    else:
        billing.source.accept_handshake(HandshakeId=handshake["Id"])
        billing.clock.move_to(utc(2024, 2, 2))
        billing.source.terminate_responsibility_transfer(Id=rt)
    # A reason only newer models list; the service sends it whatever model the client has.
    with aws_error(billing.payer, "ConstraintViolationException", "TRANSFER_RESPONSIBILITY_UPDATE_NOT_ALLOWED"):
        billing.payer.update_responsibility_transfer(Id=rt, Name="Too late")
    assert billing.describe(rt)["Name"] == "Source bill"


# -- what a transfer blocks ------------------------------------------------------------------------


def empty_organizations(clock: orgsim.ManualClock) -> Iterator[Billing]:
    with new_sim(clock, default_account_id=PAYER) as sim:
        sim.seed_organization(PAYER)
        sim.seed_organization(SOURCE)
        payer, source = (sim.organization(o.id) for o in sim.organizations)
        yield Billing(sim, clock, payer.id, source.id, "", "")


@pytest.fixture
def empty(clock: orgsim.ManualClock) -> Iterator[Billing]:
    yield from empty_organizations(clock)


ACTIVE = ("ConstraintViolationException", "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS")


@pytest.mark.parametrize("side", [PAYER, SOURCE])
def test_no_organization_is_deleted_while_an_invitation_is_open(empty: Billing, side: str) -> None:
    handshake = empty.invite(start=utc(2024, 2, 1))
    with aws_error(empty.client(side), *ACTIVE):
        empty.client(side).delete_organization()
    empty.clock.move_to(utc(2024, 1, 31))  # expired
    empty.client(side).delete_organization()
    assert empty.sim.transfer(transfer_id(handshake)).status == "EXPIRED"


@pytest.mark.parametrize("side", [PAYER, SOURCE])
def test_no_organization_is_deleted_until_its_transfer_has_ended(empty: Billing, side: str) -> None:
    rt = empty.accepted(start=utc(2024, 2, 1))
    empty.clock.move_to(utc(2024, 2, 10))
    with aws_error(empty.client(side), *ACTIVE):
        empty.client(side).delete_organization()
    empty.source.terminate_responsibility_transfer(Id=rt)
    empty.clock.move_to(FEB_END)
    with aws_error(empty.client(side), *ACTIVE):
        empty.client(side).delete_organization()
    empty.clock.move_to(utc(2024, 3, 1))
    empty.client(side).delete_organization()


def test_an_organization_with_members_is_refused_for_that_first(billing: Billing) -> None:
    billing.invite()
    with aws_error(billing.payer, "OrganizationNotEmptyException"):
        billing.payer.delete_organization()


@pytest.mark.parametrize("answer", ["decline", "cancel"])
def test_an_answered_invitation_blocks_nothing(empty: Billing, answer: str) -> None:
    handshake = empty.invite()
    getattr(empty.source if answer == "decline" else empty.payer, f"{answer}_handshake")(HandshakeId=handshake["Id"])
    empty.source.delete_organization()
    empty.payer.delete_organization()


def test_an_expired_invitation_of_a_deleted_organization_stays_expired(empty: Billing) -> None:
    handshake = empty.invite(start=utc(2024, 2, 1))
    empty.clock.move_to(utc(2024, 1, 31))
    empty.payer.delete_organization()
    empty.clock.move_to(NOW)
    assert empty.sim.transfer(transfer_id(handshake)).status == "EXPIRED"
    with aws_error(empty.source, "InvalidHandshakeTransitionException"):
        empty.source.accept_handshake(HandshakeId=handshake["Id"])


# -- tags, faults, the call log --------------------------------------------------------------------


def test_the_inviter_tags_a_transfer_through_the_tag_operations(billing: Billing) -> None:
    handshake = billing.invite(Tags=[{"Key": "team", "Value": "finops"}])
    rt = transfer_id(handshake)
    # A requested transfer has no tags yet: the invitation's are attached when it is accepted.
    assert billing.payer.list_tags_for_resource(ResourceId=rt)["Tags"] == []
    billing.source.accept_handshake(HandshakeId=handshake["Id"])
    assert billing.payer.list_tags_for_resource(ResourceId=rt)["Tags"] == [{"Key": "team", "Value": "finops"}]
    billing.payer.tag_resource(ResourceId=rt, Tags=[{"Key": "cost-centre", "Value": "42"}])
    billing.payer.untag_resource(ResourceId=rt, TagKeys=["team"])
    assert billing.payer.list_tags_for_resource(ResourceId=rt)["Tags"] == [{"Key": "cost-centre", "Value": "42"}]
    assert dict(billing.sim.transfer(rt).tags) == {"cost-centre": "42"}
    # Only the inviter's organization has the transfer to tag; a member is no management account.
    with aws_error(billing.source, "TargetNotFoundException"):
        billing.source.list_tags_for_resource(ResourceId=rt)
    member = billing.client(billing.payer_member)
    with aws_error(member, "AccessDeniedException"):
        member.tag_resource(ResourceId=rt, Tags=[{"Key": "k", "Value": "v"}])
    with aws_error(billing.payer, "TargetNotFoundException"):
        billing.payer.list_tags_for_resource(ResourceId="rt-zzzzzzzz")


@pytest.mark.parametrize(
    ("operation", "error", "reason"),
    [
        ("AcceptHandshake", "HandshakeConstraintViolationException", "UNUSED_PREPAYMENT_BALANCE"),
        ("AcceptHandshake", "HandshakeConstraintViolationException", "PAST_DUE_INVOICE"),
        ("AcceptHandshake", "ConstraintViolationException", "TRANSFER_RESPONSIBILITY_SOURCE_DELETION_IN_PROGRESS"),
        ("InviteOrganizationToTransferResponsibility", "ConstraintViolationException", "UNSUPPORTED_PRICING"),
        ("InviteOrganizationToTransferResponsibility", "HandshakeConstraintViolationException", "LEGACY_PERMISSIONS_STILL_IN_USE"),
        ("InviteOrganizationToTransferResponsibility", "InvalidInputException", "INVALID_START_DATE"),
        ("TerminateResponsibilityTransfer", "InvalidInputException", "INVALID_END_DATE"),
        ("DescribeResponsibilityTransfer", "UnsupportedAPIEndpointException", None),
    ],
)
def test_what_only_aws_internals_decide_is_injected(billing: Billing, operation: str, error: str, reason: str | None) -> None:
    if reason is not None and not has_reason(error, reason):
        pytest.skip(f"the installed model has no {reason}")
    handshake = billing.invite(start=utc(2024, 2, 1))
    rt = transfer_id(handshake)
    billing.sim.fail(operation, error, reason=reason, times=1)
    calls = {
        "AcceptHandshake": lambda: billing.source.accept_handshake(HandshakeId=handshake["Id"]),
        "InviteOrganizationToTransferResponsibility": lambda: billing.invite(OTHER),
        "TerminateResponsibilityTransfer": lambda: billing.source.terminate_responsibility_transfer(Id=rt),
        "DescribeResponsibilityTransfer": lambda: billing.describe(rt),
    }
    client = billing.source if operation in ("AcceptHandshake", "TerminateResponsibilityTransfer") else billing.payer
    with aws_error(client, error, reason):
        calls[operation]()
    assert billing.sim.calls.last.injected
    assert status(billing, rt) == "REQUESTED"


def test_timeline_and_report_show_transfers(billing: Billing) -> None:
    handshake = billing.invite(start=utc(2024, 2, 1))
    rt = transfer_id(handshake)
    billing.source.accept_handshake(HandshakeId=handshake["Id"])
    billing.sim.seed_organization(OTHER)
    expiring = billing.invite(OTHER, start=utc(2024, 2, 1))
    billing.clock.move_to(utc(2024, 2, 10))
    billing.payer.terminate_responsibility_transfer(Id=rt)
    report = billing.sim.report()
    assert "Billing transfers (2):" in report
    (line,) = [row for row in report.splitlines() if row.startswith(f"  {rt}")]
    assert f"{billing.source_org} ({SOURCE}) billed to {billing.payer_org} ({PAYER})" in line
    assert "WITHDRAWN" in line and "ends 2024-02-29 23:59:59" in line
    (terminated,) = [row for row in report.splitlines() if "TerminateResponsibilityTransfer" in row]
    assert rt in terminated and terminated.endswith("ACCEPTED -> WITHDRAWN")
    (accepted,) = [row for row in report.splitlines() if "AcceptHandshake" in row]
    assert accepted.endswith(f"{rt} REQUESTED -> ACCEPTED; OPEN -> ACCEPTED")
    (expired,) = [row for row in report.splitlines() if "(expired)" in row and transfer_id(expiring) in row]
    assert "2024-01-31 00:00:00" in expired and expired.endswith("REQUESTED -> EXPIRED")


def test_a_long_source_name_and_notes_are_kept(billing: Billing) -> None:
    name = "~" * 128
    rt = transfer_id(billing.invite(SourceName=name, Notes="n" * 1024))
    assert billing.describe(rt)["Name"] == name
