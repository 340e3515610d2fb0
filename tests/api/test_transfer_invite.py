"""InviteOrganizationToTransferResponsibility: the invitation, its dates, who may be invited, the
duplicates, quotas and chains (behaviour.md, "Billing transfers")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.config import Config

import orgsim
from support import aws_error
from support.billing import OTHER, PAYER, SOURCE, Billing, needs_transfers, new_sim, sends_milliseconds, transfer_id, utc

pytestmark = needs_transfers

NOW = utc(2024, 1, 15, 10, 0, 0)
MS = dt.timedelta(milliseconds=1)


@pytest.fixture
def clock() -> orgsim.ManualClock:
    return orgsim.ManualClock(NOW)


@pytest.fixture
def billing(clock: orgsim.ManualClock) -> Iterator[Billing]:
    with new_sim(clock, default_account_id=PAYER) as sim:
        yield Billing.build(sim, clock)


def invite_at(billing: Billing, when: dt.datetime, start: dt.datetime, target: str = SOURCE) -> dict[str, Any]:
    billing.clock.move_to(when)
    return billing.invite(target, start=start)


# -- the handshake and the transfer ---------------------------------------------------------------


def test_the_invitation_is_an_open_handshake_with_the_transfer_on_top(billing: Billing) -> None:
    handshake = billing.invite(start=utc(2024, 2, 1), Notes="take our bill")
    rt = transfer_id(handshake)
    assert re.fullmatch(r"rt-[0-9a-z]{8,32}", rt)
    assert handshake["Action"] == "TRANSFER_RESPONSIBILITY"
    assert handshake["State"] == "OPEN"
    assert re.fullmatch(
        rf"arn:aws:organizations::{PAYER}:handshake/{billing.payer_org}/transfer_responsibility/{handshake['Id']}",
        handshake["Arn"],
    )
    assert handshake["Parties"] == [
        {"Id": billing.payer_org, "Type": "ORGANIZATION"},
        {"Id": SOURCE, "Type": "ACCOUNT"},
    ]
    assert handshake["RequestedTimestamp"] == NOW
    assert handshake["ExpirationTimestamp"] == utc(2024, 1, 31)  # a day before the start
    assert handshake["Resources"] == [
        {
            "Type": "RESPONSIBILITY_TRANSFER",
            "Value": rt,
            "Resources": [
                {"Type": "TRANSFER_TYPE", "Value": "BILLING"},
                {"Type": "TRANSFER_START_TIMESTAMP", "Value": "2024-02-01T00:00:00.000Z"},
            ],
        },
        {
            "Type": "ORGANIZATION",
            "Value": billing.payer_org,
            "Resources": [
                {"Type": "MANAGEMENT_ACCOUNT", "Value": PAYER},
                {"Type": "MANAGEMENT_EMAIL", "Value": "payer@example.com"},
                {"Type": "MANAGEMENT_NAME", "Value": "Payer"},
            ],
        },
        {"Type": "ACCOUNT", "Value": SOURCE},
        {"Type": "NOTES", "Value": "take our bill"},
    ]


def test_the_transfer_is_requested_and_each_side_sees_its_own_view(billing: Billing) -> None:
    handshake = billing.invite(start=utc(2024, 3, 1))
    rt = transfer_id(handshake)
    common = {
        "Id": rt,
        "Type": "BILLING",
        "Status": "REQUESTED",
        "Source": {"ManagementAccountId": SOURCE, "ManagementAccountEmail": "source@example.com"},
        "Target": {"ManagementAccountId": PAYER, "ManagementAccountEmail": "payer@example.com"},
        "StartTimestamp": utc(2024, 3, 1),
        "ActiveHandshakeId": handshake["Id"],
    }
    inbound = billing.describe(rt, PAYER)
    assert inbound == {
        "Arn": f"arn:aws:organizations::{PAYER}:transfer/{billing.payer_org}/billing/inbound/{rt}",
        "Name": "Source bill",
        **common,
    }
    outbound = billing.describe(rt, SOURCE)
    assert outbound == {"Arn": f"arn:aws:organizations::{SOURCE}:transfer/{billing.source_org}/billing/outbound/{rt}", **common}
    assert billing.payer.list_inbound_responsibility_transfers(Type="BILLING")["ResponsibilityTransfers"] == [inbound]
    assert billing.source.list_outbound_responsibility_transfers(Type="BILLING")["ResponsibilityTransfers"] == [outbound]
    assert billing.payer.list_outbound_responsibility_transfers(Type="BILLING")["ResponsibilityTransfers"] == []
    assert billing.source.list_inbound_responsibility_transfers(Type="BILLING")["ResponsibilityTransfers"] == []


def test_the_handshake_is_listed_and_filtered_like_every_handshake(billing: Billing) -> None:
    billing.sim.seed_account(OTHER)
    invitation = billing.payer.invite_account_to_organization(Target={"Id": OTHER, "Type": "ACCOUNT"})["Handshake"]
    handshake = billing.invite()
    listed = billing.payer.list_handshakes_for_organization()["Handshakes"]
    assert [h["Id"] for h in listed if h["Id"] in (invitation["Id"], handshake["Id"])] == [invitation["Id"], handshake["Id"]]
    only = billing.payer.list_handshakes_for_organization(Filter={"ActionType": "TRANSFER_RESPONSIBILITY"})["Handshakes"]
    assert only == [handshake]
    invites = billing.payer.list_handshakes_for_organization(Filter={"ActionType": "INVITE"})["Handshakes"]
    assert handshake["Id"] not in [h["Id"] for h in invites]
    assert billing.source.list_handshakes_for_account()["Handshakes"] == [handshake]
    assert billing.source.list_handshakes_for_account(Filter={"ActionType": "TRANSFER_RESPONSIBILITY"})["Handshakes"] == [handshake]
    for client in (billing.payer, billing.source):
        assert client.describe_handshake(HandshakeId=handshake["Id"])["Handshake"] == handshake
    # The source's other accounts do not see it; the payer's do, as for every handshake it sends.
    with aws_error(billing.client(billing.source_member), "HandshakeNotFoundException"):
        billing.client(billing.source_member).describe_handshake(HandshakeId=handshake["Id"])
    assert billing.client(billing.payer_member).describe_handshake(HandshakeId=handshake["Id"])["Handshake"] == handshake


def test_a_target_named_by_email_is_kept_as_given(billing: Billing) -> None:
    handshake = billing.invite("Source@Example.com")
    assert handshake["Parties"][1] == {"Id": "Source@Example.com", "Type": "EMAIL"}
    assert {"Type": "EMAIL", "Value": "Source@Example.com"} in handshake["Resources"]
    assert billing.source.list_handshakes_for_account()["Handshakes"] == [handshake]
    billing.source.accept_handshake(HandshakeId=handshake["Id"])
    assert billing.describe(transfer_id(handshake), SOURCE)["Status"] == "ACCEPTED"


# -- start dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "start", "reason"),
    [
        # Next month and the month after are the two dates open.
        (NOW, utc(2024, 2, 1), None),
        (NOW, utc(2024, 3, 1), None),
        # The time of day first, then the day of the month, then the range.
        (NOW, utc(2024, 2, 1, 12), "START_DATE_NOT_BEGINNING_OF_DAY"),
        (NOW, utc(2024, 2, 1, 0, 0, 1), "START_DATE_NOT_BEGINNING_OF_DAY"),
        (NOW, utc(2024, 2, 2), "START_DATE_NOT_BEGINNING_OF_MONTH"),
        (NOW, utc(2024, 2, 15, 12), "START_DATE_NOT_BEGINNING_OF_DAY"),
        (NOW, utc(2025, 2, 2), "START_DATE_NOT_BEGINNING_OF_MONTH"),
        (NOW, utc(2024, 1, 1), "START_DATE_TOO_EARLY"),
        (NOW, utc(2023, 12, 1), "START_DATE_TOO_EARLY"),
        (NOW, utc(1970, 1, 1), "START_DATE_TOO_EARLY"),
        (NOW, utc(2024, 4, 1), "START_DATE_TOO_LATE"),
        (NOW, utc(2025, 2, 1), "START_DATE_TOO_LATE"),
        # The first of the current month is in the past, even on that very day.
        (utc(2024, 2, 1), utc(2024, 2, 1), "START_DATE_TOO_EARLY"),
        (utc(2024, 2, 1), utc(2024, 3, 1), None),
        (utc(2024, 2, 1), utc(2024, 4, 1), None),
        # A day must be left to accept: the invitation expires a day before the start.
        (utc(2024, 1, 30, 23, 59, 59), utc(2024, 2, 1), None),
        (utc(2024, 1, 31), utc(2024, 2, 1), "START_DATE_TOO_EARLY"),
        (utc(2024, 1, 31, 23, 59, 59), utc(2024, 2, 1), "START_DATE_TOO_EARLY"),
        (utc(2024, 1, 31), utc(2024, 3, 1), None),
        (utc(2024, 1, 31), utc(2024, 4, 1), "START_DATE_TOO_LATE"),
        # Over a year's end.
        (utc(2024, 12, 15), utc(2025, 1, 1), None),
        (utc(2024, 12, 15), utc(2025, 2, 1), None),
        (utc(2024, 12, 15), utc(2025, 3, 1), "START_DATE_TOO_LATE"),
        (utc(2024, 12, 15), utc(2024, 12, 1), "START_DATE_TOO_EARLY"),
        (utc(2024, 11, 30), utc(2025, 1, 1), None),
        # A leap-year February has a 29th: the last day to invite for March 1 is the 28th.
        (utc(2024, 2, 28, 23, 59, 59), utc(2024, 3, 1), None),
        (utc(2024, 2, 29), utc(2024, 3, 1), "START_DATE_TOO_EARLY"),
        (utc(2024, 2, 29, 12), utc(2024, 4, 1), None),
        (utc(2023, 2, 27, 23, 59, 59), utc(2023, 3, 1), None),
        (utc(2023, 2, 28), utc(2023, 3, 1), "START_DATE_TOO_EARLY"),
    ],
)
def test_start_dates(billing: Billing, now: dt.datetime, start: dt.datetime, reason: str | None) -> None:
    billing.clock.move_to(now)
    if reason is None:
        handshake = billing.invite(start=start)
        assert handshake["ExpirationTimestamp"] == start - dt.timedelta(days=1) > now
        assert billing.describe(transfer_id(handshake))["StartTimestamp"] == start
    else:
        with aws_error(billing.payer, "InvalidInputException", reason):
            billing.invite(start=start)
        assert billing.sim.transfers == ()


def test_a_start_a_millisecond_past_midnight(billing: Billing) -> None:
    # botocore before 1.44 sends whole seconds, so the millisecond never reaches the service.
    start = utc(2024, 2, 1) + MS
    if sends_milliseconds():
        with aws_error(billing.payer, "InvalidInputException", "START_DATE_NOT_BEGINNING_OF_DAY"):
            billing.invite(start=start)
    else:
        assert billing.describe(transfer_id(billing.invite(start=start)))["StartTimestamp"] == utc(2024, 2, 1)


def test_dates_are_checked_before_the_caller(billing: Billing) -> None:
    member = billing.client(billing.payer_member)
    with aws_error(member, "InvalidInputException", "START_DATE_TOO_LATE"):
        member.invite_organization_to_transfer_responsibility(
            Type="BILLING", Target={"Id": SOURCE, "Type": "ACCOUNT"}, StartTimestamp=utc(2030, 1, 1), SourceName="x"
        )
    with aws_error(member, "AccessDeniedException"):
        billing.invite(by=billing.payer_member)


# -- input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"Target": {"Id": "o-abcdefghij", "Type": "ORGANIZATION"}}, "INVALID_PARTY_TYPE_TARGET"),
        ({"Target": {"Id": "12345", "Type": "ACCOUNT"}}, "INVALID_PATTERN"),
        ({"Target": {"Id": "not an email", "Type": "EMAIL"}}, "INVALID_EMAIL_ADDRESS_TARGET"),
        ({"SourceName": "x" * 129}, "MAX_LENGTH_EXCEEDED"),
        ({"SourceName": "caf\u00e9"}, "INVALID_PATTERN"),
        ({"Notes": "n" * 1025}, "MAX_LENGTH_EXCEEDED"),
        ({"Type": "SHIPPING"}, "INVALID_ENUM"),
        ({"Tags": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]}, "DUPLICATE_TAG_KEY"),
        ({"Tags": [{"Key": "aws:x", "Value": "1"}]}, "INVALID_SYSTEM_TAGS_PARAMETER"),
    ],
)
def test_bad_input(billing: Billing, change: dict[str, Any], reason: str) -> None:
    params = {
        "Type": "BILLING",
        "Target": {"Id": SOURCE, "Type": "ACCOUNT"},
        "StartTimestamp": utc(2024, 2, 1),
        "SourceName": "bill",
        **change,
    }
    client = billing.sim.session(PAYER).client("organizations", config=Config(parameter_validation=False))
    with aws_error(client, "InvalidInputException", reason):
        client.invite_organization_to_transfer_responsibility(**params)
    assert billing.sim.transfers == ()


def test_at_most_fifty_tags(billing: Billing) -> None:
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    with aws_error(billing.payer, "ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED"):
        billing.invite(Tags=tags)
    billing.invite(Tags=tags[:50])


# -- who may be invited ------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [PAYER, "payer@example.com", "member"])
def test_an_organization_cannot_transfer_its_bill_to_itself(billing: Billing, target: str) -> None:
    target = billing.payer_member if target == "member" else target
    with aws_error(billing.payer, "HandshakeConstraintViolationException", "SOURCE_AND_TARGET_CANNOT_MATCH"):
        billing.invite(target)


@pytest.mark.parametrize("target", ["member", "standalone", "unknown", "nobody@example.com"])
def test_only_the_management_account_of_an_organization_can_be_invited(billing: Billing, target: str) -> None:
    if target == "member":
        target = billing.source_member
    elif target == "standalone":
        target = billing.sim.seed_account().id
    elif target == "unknown":
        target = "999999999999"
    with aws_error(billing.payer, "HandshakeConstraintViolationException", "TARGET_ACCOUNT_VALIDATION_FAILURE"):
        billing.invite(target)
    assert billing.sim.handshakes[-1].action != "TRANSFER_RESPONSIBILITY"


def test_members_and_standalone_accounts_cannot_invite(billing: Billing) -> None:
    with aws_error(billing.client(billing.payer_member), "AccessDeniedException"):
        billing.invite(by=billing.payer_member)
    loner = billing.sim.seed_account().id
    with aws_error(billing.client(loner), "AWSOrganizationsNotInUseException"):
        billing.invite(by=loner)


# -- duplicates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("again", [SOURCE, "SOURCE@example.com"])
def test_one_open_invitation_per_pair(billing: Billing, again: str) -> None:
    first = billing.invite(start=utc(2024, 2, 1))
    with aws_error(billing.payer, "DuplicateHandshakeException"):
        billing.invite(again, start=utc(2024, 3, 1))
    billing.source.decline_handshake(HandshakeId=first["Id"])
    second = billing.invite(again)
    billing.payer.cancel_handshake(HandshakeId=second["Id"])
    billing.invite(again)


def test_an_expired_invitation_is_no_duplicate(billing: Billing) -> None:
    billing.invite(start=utc(2024, 2, 1))
    billing.clock.move_to(utc(2024, 1, 31))
    billing.invite(start=utc(2024, 3, 1))


def test_a_running_transfer_refuses_another_invitation_until_withdrawn(billing: Billing) -> None:
    rt = billing.accepted(start=utc(2024, 2, 1))
    with aws_error(billing.payer, "HandshakeConstraintViolationException", "RESPONSIBILITY_TRANSFER_ALREADY_EXISTS"):
        billing.invite(start=utc(2024, 3, 1))
    billing.clock.move_to(utc(2024, 2, 10))
    billing.source.terminate_responsibility_transfer(Id=rt)
    billing.invite(start=utc(2024, 3, 1))


# -- quotas -----------------------------------------------------------------------------------------


def organizations(billing: Billing, count: int) -> list[str]:
    """Management accounts of ``count`` new organizations."""
    managers = []
    for n in range(count):
        account = f"4{n:011d}"
        billing.sim.seed_organization(account)
        managers.append(account)
    return managers


def test_the_inbound_quota_counts_open_invitations_and_accepted_transfers(clock: orgsim.ManualClock) -> None:
    with new_sim(clock, default_account_id=PAYER, max_inbound_transfers=3) as sim:
        billing = Billing.build(sim, clock)
        a, b, c, d = organizations(billing, 4)
        declined, canceled, accepted = (billing.invite(x, start=utc(2024, 3, 1)) for x in (a, b, c))
        full = ("ConstraintViolationException", "RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION")
        with aws_error(billing.payer, *full):
            billing.invite(d)
        billing.client(c).accept_handshake(HandshakeId=accepted["Id"])
        with aws_error(billing.payer, *full):
            billing.invite(d)
        # Declining and canceling give the slot back.
        billing.client(a).decline_handshake(HandshakeId=declined["Id"])
        expiring = billing.invite(d, start=utc(2024, 2, 1))
        billing.payer.cancel_handshake(HandshakeId=canceled["Id"])
        billing.invite(a, start=utc(2024, 3, 1))
        with aws_error(billing.payer, *full):
            billing.invite(b)
        # So does expiry, and so does withdrawing.
        billing.clock.move_to(expiring["ExpirationTimestamp"] - dt.timedelta(milliseconds=1))
        with aws_error(billing.payer, *full):
            billing.invite(b, start=utc(2024, 3, 1))
        billing.clock.move_to(expiring["ExpirationTimestamp"])
        pending_b = billing.invite(b, start=utc(2024, 3, 1))
        with aws_error(billing.payer, *full):
            billing.invite(SOURCE, start=utc(2024, 3, 1))
        billing.clock.move_to(utc(2024, 2, 10))
        billing.client(c).terminate_responsibility_transfer(Id=transfer_id(accepted), EndTimestamp=utc(2024, 4, 1) - MS)
        billing.invite(SOURCE, start=utc(2024, 3, 1))
        assert pending_b["State"] == "OPEN"


def test_the_aws_default_of_no_inbound_transfers(clock: orgsim.ManualClock) -> None:
    with new_sim(clock, default_account_id=PAYER, max_inbound_transfers=0) as sim:
        billing = Billing.build(sim, clock)
        with aws_error(billing.payer, "ConstraintViolationException", "RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION"):
            billing.invite()


def test_the_inbound_quota_is_per_organization(clock: orgsim.ManualClock) -> None:
    with new_sim(clock, default_account_id=PAYER, max_inbound_transfers=1) as sim:
        billing = Billing.build(sim, clock)
        (other,) = organizations(billing, 1)
        billing.invite()
        billing.invite(SOURCE, by=other)


# -- chains -----------------------------------------------------------------------------------------

LEVEL = ("ConstraintViolationException", "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION")


def test_a_payer_that_is_paid_for_cannot_pay_for_others_by_default(billing: Billing) -> None:
    top, below = organizations(billing, 2)
    billing.accepted(start=utc(2024, 2, 1))  # PAYER pays for SOURCE
    with aws_error(billing.client(top), *LEVEL):
        billing.invite(PAYER, by=top)  # top would pay for PAYER, which pays for SOURCE
    with aws_error(billing.client(SOURCE), *LEVEL):
        billing.invite(below, by=SOURCE)  # SOURCE would pay for below, and PAYER for SOURCE
    # Paying for two organizations side by side is no chain.
    billing.accepted(below, start=utc(2024, 2, 1))


def test_longer_chains_when_allowed(clock: orgsim.ManualClock) -> None:
    with new_sim(clock, default_account_id=PAYER, max_transfer_chain_length=2) as sim:
        billing = Billing.build(sim, clock)
        top, above, below = organizations(billing, 3)
        billing.accepted(start=utc(2024, 2, 1))  # SOURCE -> PAYER
        billing.accepted(PAYER, by=top, start=utc(2024, 2, 1))  # SOURCE -> PAYER -> top: 2 levels
        with aws_error(billing.client(above), *LEVEL):
            billing.invite(top, by=above)  # a third level above
        with aws_error(billing.source, *LEVEL):
            billing.invite(below, by=SOURCE)  # a third level below


def test_the_chain_is_checked_again_on_acceptance(clock: orgsim.ManualClock) -> None:
    with new_sim(clock, default_account_id=PAYER, max_transfer_chain_length=2) as sim:
        billing = Billing.build(sim, clock)
        top, above = organizations(billing, 2)
        billing.accepted(start=utc(2024, 2, 1))  # SOURCE -> PAYER
        pending = billing.invite(PAYER, by=top)  # PAYER -> top would make 2 levels: allowed
        billing.accepted(top, by=above, start=utc(2024, 2, 1))  # meanwhile top -> above
        with aws_error(billing.payer, *LEVEL):
            billing.payer.accept_handshake(HandshakeId=pending["Id"])  # SOURCE -> PAYER -> top -> above
        assert billing.payer.describe_handshake(HandshakeId=pending["Id"])["Handshake"]["State"] == "OPEN"
        assert billing.describe(transfer_id(pending), by=top)["Status"] == "REQUESTED"


def test_no_loops(clock: orgsim.ManualClock) -> None:
    with new_sim(clock, default_account_id=PAYER, max_transfer_chain_length=5) as sim:
        billing = Billing.build(sim, clock)
        billing.accepted(start=utc(2024, 2, 1))  # PAYER pays for SOURCE
        with aws_error(billing.source, *LEVEL):
            billing.invite(PAYER, by=SOURCE)  # SOURCE would pay for PAYER
