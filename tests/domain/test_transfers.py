"""Billing transfers in the domain alone: month arithmetic, the date rules, and the quota on what one
organization may pay for through chains (no boto3)."""

from __future__ import annotations

import datetime as dt

import pytest

from orgsim.domain import handshakes, membership, rules, transfers
from orgsim.domain.errors import Rejected
from orgsim.domain.ids import IdGenerator
from orgsim.domain.limits import Limits
from orgsim.domain.model import ACCOUNT, BILLING, Party
from orgsim.domain.store import World

UTC = dt.timezone.utc
NOW = dt.datetime(2024, 1, 15, 10, tzinfo=UTC)
MS = dt.timedelta(milliseconds=1)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("moment", "later", "start", "end"),
    [
        (utc(2024, 1, 15), 0, utc(2024, 1, 1), utc(2024, 2, 1) - MS),
        (utc(2024, 1, 15), 1, utc(2024, 2, 1), utc(2024, 3, 1) - MS),
        (utc(2024, 12, 31, 23, 59, 59), 1, utc(2025, 1, 1), utc(2025, 2, 1) - MS),
        (utc(2024, 11, 1), 2, utc(2025, 1, 1), utc(2025, 2, 1) - MS),
        (utc(2024, 1, 1), -1, utc(2023, 12, 1), utc(2024, 1, 1) - MS),
        (utc(2023, 12, 5), 14, utc(2025, 2, 1), utc(2025, 3, 1) - MS),
    ],
)
def test_month_arithmetic(moment: dt.datetime, later: int, start: dt.datetime, end: dt.datetime) -> None:
    assert transfers.month_start(moment, later) == start
    assert transfers.month_end(moment, later) == end


@pytest.mark.parametrize(("year", "day"), [(2024, 29), (2023, 28), (2000, 29), (1900, 28), (2100, 28)])
def test_february_ends_on_its_last_day(year: int, day: int) -> None:
    assert transfers.month_end(utc(year, 2, 10)) == utc(year, 2, day, 23, 59, 59) + dt.timedelta(microseconds=999_000)


def reason(check: object) -> str | None:
    try:
        check()  # type: ignore[operator]
    except Rejected as rejected:
        return rejected.reason
    return None


def test_a_start_date_fails_on_its_first_broken_rule() -> None:
    assert reason(lambda: transfers.check_start(utc(2030, 7, 9, 1), NOW)) == "START_DATE_NOT_BEGINNING_OF_DAY"
    assert reason(lambda: transfers.check_start(utc(2030, 7, 9), NOW)) == "START_DATE_NOT_BEGINNING_OF_MONTH"
    assert reason(lambda: transfers.check_start(utc(2030, 7, 1), NOW)) == "START_DATE_TOO_LATE"
    assert reason(lambda: transfers.check_start(utc(2020, 7, 1), NOW)) == "START_DATE_TOO_EARLY"
    assert reason(lambda: transfers.check_start(utc(2024, 2, 1), NOW)) is None


def test_the_end_of_a_month_is_its_whole_last_second() -> None:
    last = transfers.month_end(NOW)
    for end in (last, last - dt.timedelta(milliseconds=999)):
        assert transfers.check_end(end, NOW) == last
    assert reason(lambda: transfers.check_end(last - dt.timedelta(seconds=1), NOW)) == "END_DATE_NOT_END_OF_MONTH"
    assert reason(lambda: transfers.check_end(last + MS, NOW)) == "END_DATE_NOT_END_OF_MONTH"


# -- what one organization pays for --------------------------------------------------------------


def world_with(count: int, **limits: int) -> tuple[World, list[str]]:
    """A world of ``count`` organizations; returns their management account ids."""
    world = World(IdGenerator("transfers"), Limits(**limits), rules.standard())  # type: ignore[arg-type]
    managers = [f"{100000000000 + n}" for n in range(count)]
    for account_id in managers:
        membership.create_organization(world, world.create_account(account_id, None, None), None, NOW)
    return world, managers


def transfer(world: World, payer: str, source: str) -> None:
    """``payer`` pays for ``source`` from next month: invited and accepted."""
    sent = transfers.invite(
        world, world.accounts[payer], BILLING, Party(source, ACCOUNT), utc(2024, 2, 1), "bill", None, (), NOW
    )
    handshakes.respond(world, world.accounts[source], sent.handshake.id, "accept", NOW)


def test_one_organization_pays_for_at_most_a_thousand() -> None:
    world, (payer, *sources) = world_with(1002, max_inbound_transfers=5000)
    for source in sources[:1000]:
        transfer(world, payer, source)
    with pytest.raises(Rejected) as refused:
        transfer(world, payer, sources[1000])
    assert refused.value.reason == "RESPONSIBILITY_TRANSFER_MAX_TRANSFERS_QUOTA_VIOLATION"


def test_what_is_paid_through_a_chain_counts_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transfers, "MAX_AGGREGATE_TRANSFERS", 3)
    world, (top, middle, a, b, c) = world_with(5, max_transfer_chain_length=2)
    transfer(world, middle, a)
    transfer(world, middle, b)
    transfer(world, top, middle)  # top pays for middle, and through it for a and b: 3
    with pytest.raises(Rejected) as refused:
        transfer(world, middle, c)  # a fourth, inherited by top
    assert refused.value.reason == "RESPONSIBILITY_TRANSFER_MAX_TRANSFERS_QUOTA_VIOLATION"
    with pytest.raises(Rejected) as refused:
        transfer(world, top, c)
    assert refused.value.reason == "RESPONSIBILITY_TRANSFER_MAX_TRANSFERS_QUOTA_VIOLATION"


def test_a_transfer_is_noted_as_it_changes() -> None:
    world, (payer, source) = world_with(2)
    sent = transfers.invite(
        world, world.accounts[payer], BILLING, Party(source, ACCOUNT), utc(2024, 3, 1), "bill", None, (), NOW
    )
    assert world.take_changes() == ()
    handshakes.respond(world, world.accounts[source], sent.handshake.id, "decline", NOW)
    assert [c.id for c in world.take_changes()] == [sent.handshake.id, sent.id]


def test_a_refused_invitation_leaves_no_trace() -> None:
    world, (payer, source, third) = world_with(3)
    transfer(world, payer, source)
    before = repr(vars(world))
    with pytest.raises(Rejected) as refused:
        transfers.invite(world, world.accounts[third], BILLING, Party(payer, ACCOUNT), utc(2024, 2, 1), "x", None, (), NOW)
    assert refused.value.reason == "RESPONSIBILITY_TRANSFER_MAX_LEVEL_VIOLATION"
    assert repr(vars(world)) == before
