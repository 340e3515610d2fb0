"""The tree's index, the closure quota and the pluggable tag kinds, from the domain alone."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orgsim.domain import closing, membership, organizational_units, rules, tags
from orgsim.domain.errors import Rejected
from orgsim.domain.ids import IdGenerator
from orgsim.domain.limits import Limits
from orgsim.domain.model import Account, Organization
from orgsim.domain.ordered import OrderedIds
from orgsim.domain.store import World

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def world_with(members: int, limits: Limits | None = None, standard: rules.Rules | None = None) -> tuple[World, Account, Organization]:
    world = World(IdGenerator("tree"), limits or Limits(max_accounts=members + 1), standard or rules.standard())
    management = world.create_account("111111111111", None, None)
    org = membership.create_organization(world, management, None, NOW)
    for _ in range(members):
        membership.join(world, world.create_account(None, None, None), org, "INVITED", NOW)
    return world, management, org


# -- the children index ------------------------------------------------------------------------------


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 40)), max_size=400), st.integers(0, 1200))
def test_ordered_ids_behave_like_a_list_in_arrival_order(steps: list[tuple[bool, int]], after: int) -> None:
    index, reference, seq = OrderedIds(), [], 0
    for add, n in steps:
        item = f"id-{n}"
        if add and item not in index:
            seq += 1
            index.add(item, seq)
            reference.append((seq, item))
        elif not add and item in index:
            index.remove(item)
            reference = [entry for entry in reference if entry[1] != item]
    assert list(index) == [item for _, item in reference]
    assert len(index) == len(reference) and bool(index) == bool(reference)
    assert list(index.after(None)) == reference
    assert list(index.after(after)) == [entry for entry in reference if entry[0] > after]


def test_ordered_ids_across_many_blocks() -> None:
    index = OrderedIds()
    for n in range(1, 2001):
        index.add(str(n), n)
    for n in range(1, 2001, 3):
        index.remove(str(n))
    for n in range(300, 900):
        if str(n) in index:
            index.remove(str(n))
    expected = [n for n in range(1, 2001) if (n - 1) % 3 and not 300 <= n < 900]
    assert [int(i) for i in index] == expected
    assert [seq for seq, _ in index.after(299)][:3] == [n for n in expected if n > 299][:3]
    assert list(index.after(2000)) == []
    assert index.seq("2000") == 2000


def test_ordered_ids_refuse_what_would_break_the_order() -> None:
    index = OrderedIds()
    index.add("a", 5)
    with pytest.raises(ValueError):
        index.add("a", 6)
    with pytest.raises(ValueError):
        index.add("b", 5)
    with pytest.raises(KeyError):
        index.remove("c")


# -- the closure quota -------------------------------------------------------------------------------


@pytest.mark.parametrize(("members", "quota"), [(1, 250), (1250, 250), (1254, 250), (1300, 260), (5000, 1000), (9000, 1000)])
def test_the_closure_quota_is_a_fifth_of_the_members_within_bounds(members: int, quota: int) -> None:
    assert closing.closure_quota(Limits(), members) == quota


def test_a_large_organization_may_close_a_fifth_of_its_accounts() -> None:
    world, management, org = world_with(1299, Limits(max_accounts=1300, close_account_delay_seconds=0))
    members = [a for a in org.members if a != management.id]
    now = NOW
    for n, account_id in enumerate(members[:260]):
        closing.close_account(world, management, account_id, now)
        now += dt.timedelta(seconds=1)
        world.settle(now)
    with pytest.raises(Rejected) as refused:
        closing.close_account(world, management, members[260], now)
    assert refused.value.reason == "CLOSE_ACCOUNT_QUOTA_EXCEEDED"


def test_settle_returns_when_the_next_closure_or_departure_is_due() -> None:
    world, management, org = world_with(2, Limits(close_account_delay_seconds=10))
    first, second = [a for a in org.members if a != management.id]
    closing.close_account(world, management, first, NOW)
    closing.close_account(world, management, second, NOW + dt.timedelta(seconds=5))
    assert closing.settle(world, NOW + dt.timedelta(seconds=10)) == NOW + dt.timedelta(seconds=15)
    assert world.accounts[first].state == "CLOSED"
    assert closing.settle(world, NOW + dt.timedelta(seconds=15)) == NOW + dt.timedelta(days=90, seconds=10)
    assert closing.settle(world, NOW + dt.timedelta(days=90, seconds=15)) is None
    assert list(org.members) == [management.id]


def test_an_account_gone_after_its_closure_leaves_like_any_member() -> None:
    left: list[str] = []
    standard = rules.standard()
    noting = dataclasses.replace(standard, after_leave=(*standard.after_leave, lambda w, a, o, now: left.append(a.id)))
    world, management, org = world_with(1, Limits(close_account_delay_seconds=0), noting)
    (member,) = [a for a in org.members if a != management.id]
    closing.close_account(world, management, member, NOW)
    world.settle(NOW + dt.timedelta(days=89))
    assert left == []
    world.settle(NOW + dt.timedelta(days=90))
    assert left == [member]


# -- what can be tagged is composed in rules ---------------------------------------------------------------


def test_a_new_kind_of_taggable_resource_plugs_in() -> None:
    # A kind another area adds later: it says where such a resource keeps its tags.
    kept: dict[str, dict[str, str]] = {"x-0123456789": {}}
    standard = rules.standard()
    with_kind = dataclasses.replace(
        standard, taggable={**standard.taggable, "x-": lambda world, org, resource_id, now: kept.get(resource_id)}
    )
    world, management, _ = world_with(0, standard=with_kind)
    tags.tag_resource(world, management, "x-0123456789", [("k", "v")], NOW)
    assert tags.list_tags(world, management, "x-0123456789", NOW) == [("k", "v")]
    assert kept == {"x-0123456789": {"k": "v"}}
    with pytest.raises(Rejected) as missing:
        tags.list_tags(world, management, "x-9999999999", NOW)
    assert missing.value.code == "TargetNotFoundException"
    # Without the plug, the kind is not found.
    plain, plain_management, _ = world_with(0)
    with pytest.raises(Rejected) as unknown:
        tags.list_tags(plain, plain_management, "x-0123456789", NOW)
    assert unknown.value.code == "TargetNotFoundException"


@pytest.mark.parametrize(
    ("resource_id", "kind"),
    [("123456789012", "account"), ("r-ab12", "r-"), ("ou-ab12-abcdefgh", "ou-"), ("p-FullAWSAccess", "p-"), ("rt-abc", "rt-")],
)
def test_resource_kinds(resource_id: str, kind: str) -> None:
    assert tags.resource_kind(resource_id) == kind


def test_the_ou_limits_come_from_the_limits() -> None:
    world, management, org = world_with(0, Limits(max_organizational_units=2, max_organizational_unit_depth=1))
    first = organizational_units.create(world, management, org.root.id, "A", (), NOW)
    with pytest.raises(Rejected) as deep:
        organizational_units.create(world, management, first.id, "B", (), NOW)
    assert deep.value.reason == "OU_DEPTH_LIMIT_EXCEEDED"
    organizational_units.create(world, management, org.root.id, "B", (), NOW)
    with pytest.raises(Rejected) as many:
        organizational_units.create(world, management, org.root.id, "C", (), NOW)
    assert many.value.reason == "OU_NUMBER_LIMIT_EXCEEDED"
