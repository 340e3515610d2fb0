"""Expiry and retention follow the clock at every call (behaviour.md, "Time"), whichever library moves it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from freezegun import freeze_time

import orgsim
from support import World, aws_error

T0 = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)
SECOND = dt.timedelta(seconds=1)


def _state(client: Any, handshake_id: str) -> str:
    return client.describe_handshake(HandshakeId=handshake_id)["Handshake"]["State"]  # type: ignore[no-any-return]


def _listed(world: World, handshake: dict[str, Any]) -> tuple[bool, bool]:
    recipient = world.client(handshake["Parties"][1]["Id"])
    by_org = [h["Id"] for h in world.mgmt.list_handshakes_for_organization()["Handshakes"]]
    by_account = [h["Id"] for h in recipient.list_handshakes_for_account()["Handshakes"]]
    return handshake["Id"] in by_org, handshake["Id"] in by_account


def test_an_open_invitation_expires_fifteen_days_after_it_was_requested(world: World) -> None:
    with freeze_time(T0) as frozen:
        handshake = world.invite()
        frozen.move_to(T0 + 15 * DAY - SECOND)
        assert _state(world.mgmt, handshake["Id"]) == "OPEN"
        frozen.tick(SECOND)
        assert _state(world.mgmt, handshake["Id"]) == "EXPIRED"
        listed = world.mgmt.list_handshakes_for_organization()["Handshakes"]
        assert [h["State"] for h in listed] == ["EXPIRED"]
        # The timestamps do not move: only the state is derived from the clock.
        assert listed[0]["ExpirationTimestamp"] == handshake["ExpirationTimestamp"] == T0 + 15 * DAY


def test_an_answered_invitation_never_expires(world: World) -> None:
    with freeze_time(T0) as frozen:
        handshake = world.invite()
        world.client(handshake["Parties"][1]["Id"]).decline_handshake(HandshakeId=handshake["Id"])
        frozen.tick(20 * DAY)
        assert _state(world.mgmt, handshake["Id"]) == "DECLINED"


@pytest.mark.parametrize("ending", ["accept", "decline", "cancel"])
def test_answered_handshakes_vanish_thirty_days_after_the_answer(world: World, ending: str) -> None:
    with freeze_time(T0) as frozen:
        handshake = world.invite()
        frozen.tick(3 * DAY)  # the clock of retention starts at the answer, not at the request
        if ending == "cancel":
            world.mgmt.cancel_handshake(HandshakeId=handshake["Id"])
        else:
            getattr(world.client(handshake["Parties"][1]["Id"]), f"{ending}_handshake")(HandshakeId=handshake["Id"])
        frozen.move_to(T0 + 33 * DAY - SECOND)
        assert _listed(world, handshake) == (True, True)
        world.mgmt.describe_handshake(HandshakeId=handshake["Id"])
        frozen.tick(SECOND)
        assert _listed(world, handshake) == (False, False)
        with aws_error(world.mgmt, "HandshakeNotFoundException"):
            world.mgmt.describe_handshake(HandshakeId=handshake["Id"])


def test_an_expired_invitation_vanishes_thirty_days_after_its_expiration(world: World) -> None:
    with freeze_time(T0) as frozen:
        handshake = world.invite()
        frozen.move_to(T0 + 45 * DAY - SECOND)
        assert _listed(world, handshake) == (True, True)
        assert _state(world.mgmt, handshake["Id"]) == "EXPIRED"
        frozen.tick(SECOND)
        assert _listed(world, handshake) == (False, False)
        recipient = world.client(handshake["Parties"][1]["Id"])
        with aws_error(recipient, "HandshakeNotFoundException"):
            recipient.describe_handshake(HandshakeId=handshake["Id"])
        with aws_error(recipient, "HandshakeNotFoundException"):
            recipient.accept_handshake(HandshakeId=handshake["Id"])


def test_an_open_invitation_is_never_purged_before_it_expires(world: World) -> None:
    with freeze_time(T0) as frozen:
        handshake = world.invite()
        frozen.tick(14 * DAY)
        assert _listed(world, handshake) == (True, True)


def test_what_time_did_stays_done_when_the_clock_goes_back(world: World) -> None:
    with freeze_time(T0) as frozen:
        expired, answered = world.invite(), world.invite()
        member = world.client(answered["Parties"][1]["Id"])
        invitee = world.client(expired["Parties"][1]["Id"])
        frozen.move_to(T0 + DAY)
        member.decline_handshake(HandshakeId=answered["Id"])
        frozen.move_to(T0 + 16 * DAY)
        assert _state(world.mgmt, expired["Id"]) == "EXPIRED"
        frozen.move_to(T0 + 32 * DAY)  # 30 days after the answer: gone
        assert _listed(world, answered) == (False, False)
        # Back before the expiry, even before the requests: EXPIRED stays EXPIRED, gone stays gone.
        frozen.move_to(T0 - DAY)
        assert _state(world.mgmt, expired["Id"]) == "EXPIRED"
        with aws_error(invitee, "InvalidHandshakeTransitionException"):
            invitee.accept_handshake(HandshakeId=expired["Id"])
        assert _listed(world, answered) == (False, False)
        with aws_error(member, "HandshakeNotFoundException"):
            member.describe_handshake(HandshakeId=answered["Id"])
        # The snapshots keep what the API still shows; the purged one the world forgot, and the
        # failure report shows it from the call log, as it was.
        assert world.sim.handshake(expired["Id"]).state == "EXPIRED"
        with pytest.raises(KeyError, match="purged"):
            world.sim.handshake(answered["Id"])
        (line,) = [line for line in world.sim.report().splitlines() if line.startswith(f"  {answered['Id']}")]
        assert "DECLINED (purged)" in line


def test_a_clock_gone_back_still_dates_new_records_by_itself(world: World) -> None:
    with freeze_time(T0 + 10 * DAY) as frozen:
        later = world.invite()
        frozen.move_to(T0)
        earlier = world.invite()
        assert earlier["RequestedTimestamp"] == T0
        # Lists sort by the request time: the invitation sent after the clock went back comes first.
        listed = [h["Id"] for h in world.mgmt.list_handshakes_for_organization()["Handshakes"]]
        assert listed == [earlier["Id"], later["Id"]]
        # Not yet expired where the clock reads: both are still OPEN, and may be answered.
        recipient = world.client(later["Parties"][1]["Id"])
        assert recipient.accept_handshake(HandshakeId=later["Id"])["Handshake"]["State"] == "ACCEPTED"
        frozen.move_to(T0 + 16 * DAY)
        assert _state(world.mgmt, earlier["Id"]) == "EXPIRED"
        assert _state(world.mgmt, later["Id"]) == "ACCEPTED"
        frozen.move_to(T0 + 31 * DAY)  # 30 days after the answer given at T0
        assert _listed(world, later) == (False, False)


def test_what_the_snapshots_saw_stays_done_too(world: World) -> None:
    with freeze_time(T0) as frozen:
        handshake = world.invite()
        frozen.move_to(T0 + 16 * DAY)
        assert world.sim.handshake(handshake["Id"]).state == "EXPIRED"  # a look at the world, no call
        frozen.move_to(T0)
        assert _state(world.mgmt, handshake["Id"]) == "EXPIRED"
        assert world.sim.handshake(handshake["Id"]).expired_from == "OPEN"


def test_a_purged_handshake_stays_gone_when_the_clock_moves_back(world: World) -> None:
    with freeze_time(T0) as frozen:
        handshake = world.invite()
        target = handshake["Parties"][1]["Id"]
        frozen.move_to(T0 + 46 * DAY)
        assert _listed(world, handshake) == (False, False)
        # The call above found it purged, and the world forgot it: going back does not revive it.
        frozen.move_to(T0 + DAY)
        assert _listed(world, handshake) == (False, False)
        with aws_error(world.mgmt, "HandshakeNotFoundException"):
            world.mgmt.describe_handshake(HandshakeId=handshake["Id"])
        assert world.invite(target)["State"] == "OPEN"  # nor does it count as an open invitation


@pytest.mark.orgsim(max_invitations_per_day=1)
def test_a_purged_invitation_no_longer_counts_in_the_24_hour_quota(world: World) -> None:
    with freeze_time(T0) as frozen:
        world.invite()
        with aws_error(world.mgmt, "HandshakeConstraintViolationException", "HANDSHAKE_RATE_LIMIT_EXCEEDED"):
            world.invite()
        frozen.move_to(T0 + 46 * DAY)
        world.mgmt.describe_organization()  # the world sees it purged, and forgets it
        # Back before its request: it would count as one requested "after" now, had it not gone.
        frozen.move_to(T0 - dt.timedelta(hours=1))
        assert world.invite()["State"] == "OPEN"


def test_a_handshake_no_call_saw_purged_comes_back_with_the_clock(world: World) -> None:
    with freeze_time(T0) as frozen:
        handshake = world.invite()
        frozen.move_to(T0 + 46 * DAY)
        frozen.move_to(T0 + DAY)  # no call in between: nothing was purged
        assert _state(world.mgmt, handshake["Id"]) == "OPEN"


def test_an_expired_duplicate_no_longer_blocks(world: World) -> None:
    target = world.new_account()
    with freeze_time(T0) as frozen:
        world.invite(target)
        frozen.tick(15 * DAY)
        assert world.invite(target)["State"] == "OPEN"


def test_freezegun_tick_drives_expiry(world: World) -> None:
    with freeze_time(T0, tick=True):
        handshake = world.invite()
        later = world.invite()
    assert T0 <= handshake["RequestedTimestamp"] <= later["RequestedTimestamp"]
    assert handshake["ExpirationTimestamp"] == handshake["RequestedTimestamp"] + 15 * DAY
    with freeze_time(handshake["ExpirationTimestamp"] - dt.timedelta(milliseconds=1)):
        assert _state(world.mgmt, handshake["Id"]) == "OPEN"
    with freeze_time(handshake["ExpirationTimestamp"]):
        assert _state(world.mgmt, handshake["Id"]) == "EXPIRED"


def test_freezegun_decorator_drives_expiry(world: World) -> None:
    @freeze_time(T0)
    def invite() -> dict[str, Any]:
        return world.invite()

    @freeze_time(T0 + 16 * DAY)
    def state(handshake_id: str) -> str:
        return _state(world.mgmt, handshake_id)

    assert state(invite()["Id"]) == "EXPIRED"


def test_pytest_freezer_fixture_drives_expiry(world: World, freezer: Any) -> None:
    freezer.move_to(T0)
    handshake = world.invite()
    assert handshake["RequestedTimestamp"] == T0
    freezer.tick(15 * DAY)
    assert _state(world.mgmt, handshake["Id"]) == "EXPIRED"
    freezer.move_to(T0 + 45 * DAY)
    with aws_error(world.mgmt, "HandshakeNotFoundException"):
        world.mgmt.describe_handshake(HandshakeId=handshake["Id"])


def test_time_machine_travel_and_shift_drive_expiry(world: World) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        handshake = world.invite()
        assert handshake["RequestedTimestamp"] == T0
        assert handshake["ExpirationTimestamp"] == T0 + 15 * DAY
        traveller.shift(15 * DAY - SECOND)
        assert _state(world.mgmt, handshake["Id"]) == "OPEN"
        traveller.shift(SECOND)
        assert _state(world.mgmt, handshake["Id"]) == "EXPIRED"
        traveller.move_to(T0 + 45 * DAY)
        assert _listed(world, handshake) == (False, False)
        traveller.move_to(T0)  # backwards: gone for good
        assert _listed(world, handshake) == (False, False)


def test_time_machine_fixture_drives_expiry(world: World, time_machine: Any) -> None:
    time_machine.move_to(T0, tick=False)
    handshake = world.invite()
    time_machine.shift(15 * DAY)
    assert _state(world.mgmt, handshake["Id"]) == "EXPIRED"


def test_a_naive_frozen_time_is_taken_as_utc(world: World) -> None:
    with freeze_time("2024-03-01 12:00:00"):
        handshake = world.invite()
    assert handshake["RequestedTimestamp"] == T0


def test_timestamps_carry_milliseconds_like_the_wire(world: World) -> None:
    with freeze_time(T0 + dt.timedelta(microseconds=123456)):
        handshake = world.invite()
    assert handshake["RequestedTimestamp"] == T0 + dt.timedelta(milliseconds=123)
    assert handshake["RequestedTimestamp"].tzinfo is not None


@pytest.mark.parametrize("when", ["9999-12-25T00:00:00Z", "9999-09-01T00:00:00Z", "0001-01-01T12:00:00Z"])
def test_a_clock_outside_what_a_datetime_can_follow_is_a_clear_error(when: str) -> None:
    clock = orgsim.ManualClock(T0)
    with orgsim.simulate(clock=clock) as sim:
        world = World.build(sim)
        clock.move_to(when)
        with pytest.raises(orgsim.ClockOutOfRange, match="outside the range") as info:
            world.invite()  # was: OverflowError from the domain, computing the expiry
        assert not isinstance(info.value, OverflowError)
        with pytest.raises(orgsim.ClockOutOfRange):
            sim.handshakes  # noqa: B018
        clock.move_to(T0)
        assert world.invite()["State"] == "OPEN"  # nothing was left half done
    assert [c.operation for c in sim.calls] == ["CreateOrganization", "InviteAccountToOrganization"]


@pytest.mark.orgsim(clock=orgsim.ManualClock("2024-03-01T12:00:00Z"))
def test_the_markers_manual_clock_is_the_simulations_clock(orgsim: orgsim.Simulation) -> None:
    clock = orgsim.clock
    assert isinstance(clock, type(orgsim.options.clock)) and clock is orgsim.options.clock
    world = World.build(orgsim)
    handshake = world.invite()
    assert handshake["RequestedTimestamp"] == T0
    clock.advance(days=15)  # type: ignore[attr-defined]  # a ManualClock, as the marker set it
    assert _state(world.mgmt, handshake["Id"]) == "EXPIRED"


def test_without_a_clock_option_the_simulation_reads_the_system_clock() -> None:
    from orgsim.clock import system_clock

    sim = orgsim.simulate()
    assert sim.clock is system_clock
    with freeze_time(T0):
        assert sim.clock() == T0
