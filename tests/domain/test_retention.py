"""Purged handshakes leave the world and every index, and a long simulation keeps only what the API
can still show (behaviour.md, "Purged handshakes"). Pure domain: no boto3."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator

import pytest

from orgsim.domain import all_features, invitations, membership, rules, transfers
from orgsim.domain.handshakes import respond
from orgsim.domain.ids import IdGenerator
from orgsim.domain.limits import Limits
from orgsim.domain.model import (
    ACCOUNT,
    BILLING,
    CONSOLIDATED_BILLING,
    EMAIL,
    RETENTION,
    Handshake,
    Organization,
    Party,
    in_list_order,
)
from orgsim.domain.store import World

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)


@pytest.fixture
def world() -> World:
    return World(IdGenerator("retention"), Limits(max_accounts=100, max_invitations_per_day=50), rules.standard())


def _indexed(world: World) -> Iterator[Handshake]:
    """Every handshake any index of the world refers to."""
    yield from world.handshakes.values()
    for org in world.organizations.values():
        yield from org.handshakes
    for index in (world.sent_by_action, *world.received.values(), world.children, world.accepted):
        for items in index.values():
            yield from items
    for live in world.live.values():
        yield from live.by_expiry
        yield from live.unaddressed


def _alive(org: Organization) -> list[Handshake]:
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, Handshake) and o.org_id == org.id]


def test_a_long_simulation_keeps_no_purged_handshake(world: World) -> None:
    # Two years of days: 5 invitations from a pool, 3 accepted (and removed again the next day), one
    # declined, one ignored until it expires; now and then all features are asked for and canceled.
    boss = world.create_account("111111111111", None, None)
    org = membership.create_organization(world, boss, CONSOLIDATED_BILLING, NOW)
    pool = [world.create_account(f"{n:012d}", None, None) for n in range(222222222222, 222222222222 + 100)]
    now, joined, sent = NOW, [], 0
    for day in range(2 * 365):
        world.settle(now)
        for member in joined:
            membership.remove(world, boss, member.id, now)
        joined = []
        invited = [pool[(5 * day + k) % len(pool)] for k in range(5)]
        handshakes = [invitations.invite(world, boss, Party(a.id, ACCOUNT), None, (), now) for a in invited]
        sent += len(handshakes)
        for account, handshake in zip(invited[:3], handshakes):
            respond(world, account, handshake.id, "accept", now)
            joined.append(account)
        respond(world, invited[3], handshakes[3].id, "decline", now)
        if day % 50 == 0:
            for member in joined:
                membership.remove(world, boss, member.id, now)
            joined = []
            respond(world, boss, all_features.enable_all_features(world, boss, now).id, "cancel", now)
        now += DAY
    world.settle(now)

    alive = _alive(org)
    assert sent > 3000 and 0 < len(alive) < 5 * 46 + 10
    # Nothing the API no longer shows is kept anywhere: not in the world, not in an index, not at all.
    assert all(h.shown_state(now) is not None for h in alive)
    assert {id(h) for h in _indexed(world)} <= {id(h) for h in alive}


def test_a_purge_takes_a_handshake_out_of_every_list(world: World) -> None:
    boss = world.create_account("111111111111", None, None)
    org = membership.create_organization(world, boss, None, NOW)
    member = world.create_account("222222222222", "member@example.com", None)
    by_id = invitations.invite(world, boss, Party(member.id, ACCOUNT), None, (), NOW)
    respond(world, boss, by_id.id, "cancel", NOW)
    by_email = invitations.invite(world, boss, Party("member@example.com", EMAIL), None, (), NOW + DAY)
    assert list(_indexed(world))

    world.settle(NOW + RETENTION - dt.timedelta(seconds=1))
    assert world.handshakes.keys() == {by_id.id, by_email.id}
    world.settle(NOW + RETENTION)  # the canceled one leaves the API; the open one is still visible
    assert world.handshakes.keys() == {by_email.id}
    assert {h.id for h in _indexed(world)} == {by_email.id}

    world.settle(by_email.expires_at)  # expired for good: no longer live, still shown
    assert world.live == {} and {h.id for h in _indexed(world)} == {by_email.id}
    world.settle(by_email.expires_at + RETENTION)
    assert not list(_indexed(world))
    assert len(org.handshakes) == 0 and world.live == {} and world.received == {}


def test_many_handshakes_leaving_at_once_leave_the_lists_in_order(world: World) -> None:
    boss = world.create_account("111111111111", None, None)
    org = membership.create_organization(world, boss, None, NOW)
    early = [invitations.invite(world, boss, Party(f"{n:012d}", ACCOUNT), None, (), NOW) for n in range(1, 41)]
    later = [invitations.invite(world, boss, Party(f"{n:012d}", ACCOUNT), None, (), NOW + DAY) for n in range(41, 61)]
    for handshake in early[::2]:
        respond(world, boss, handshake.id, "cancel", NOW)
    # By expiry; those that expire at once in the order sent.
    assert list(world.live[org.id, "INVITE"].by_expiry) == early[1::2] + later
    world.settle(NOW + RETENTION)  # the 20 canceled ones, at once; every other one has expired
    kept = early[1::2] + later
    assert list(org.handshakes) == sorted(kept, key=in_list_order)
    assert world.live == {}
    world.settle(early[1].expires_at + RETENTION)  # the 20 that expired first
    assert list(org.handshakes) == sorted(later, key=in_list_order)


def test_an_answer_given_after_the_clock_went_back_is_purged_once(world: World) -> None:
    # Answered 20 days before its request: its retention ends before its expiry, so it has two
    # timers (the end of its retention, and its expiry); the first forgets it, the second finds nothing.
    boss = world.create_account("111111111111", None, None)
    org = membership.create_organization(world, boss, None, NOW)
    handshake = invitations.invite(world, boss, Party("222222222222", ACCOUNT), None, (), NOW)
    respond(world, boss, handshake.id, "cancel", NOW - 20 * DAY)
    world.settle(NOW - 20 * DAY + RETENTION)
    assert handshake.purged and not list(_indexed(world))
    world.settle(handshake.expires_at + RETENTION)
    assert not list(_indexed(world)) and len(org.handshakes) == 0


def test_a_purged_transfer_invitation_leaves_the_indexes_and_stays_with_its_transfer(world: World) -> None:
    payer_boss = world.create_account("111111111111", None, None)
    payer = membership.create_organization(world, payer_boss, None, NOW)
    customer_boss = world.create_account("222222222222", None, None)
    membership.create_organization(world, customer_boss, None, NOW)
    start = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    target = Party(customer_boss.id, ACCOUNT)
    transfer = transfers.invite(world, payer_boss, BILLING, target, start, "bill", None, (), NOW)
    handshake = transfer.handshake
    assert list(world.sent_by_action[payer.id, "TRANSFER_RESPONSIBILITY"]) == [handshake]
    assert world.received_by(customer_boss, "TRANSFER_RESPONSIBILITY") == [[handshake]]
    assert world.live[payer.id, "TRANSFER_RESPONSIBILITY"].addressed_to(customer_boss.id) == (handshake,)
    respond(world, customer_boss, handshake.id, "decline", NOW)
    assert (payer.id, "TRANSFER_RESPONSIBILITY") not in world.live

    world.settle(NOW + RETENTION)
    assert handshake.purged and not list(_indexed(world))
    # The transfer keeps the record it follows: still DECLINED, and gone from the API like its invitation.
    assert transfer.status(NOW + RETENTION) == "DECLINED"
    assert transfer.shown_status(NOW + RETENTION) is None
