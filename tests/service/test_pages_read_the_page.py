"""A page of ListAccounts or ListChildren reads its page of the index and no more, and MoveAccount
reads none of it, however large the organization (behaviour.md, "Lists"). Counted, not timed: the
indexes are swapped for ones that count what is read from them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import orgsim
from orgsim.domain.ordered import OrderedIds

MANAGEMENT = "111111111111"
MEMBERS = 600  # a few blocks of the index


class CountingIds(OrderedIds):
    """An ``OrderedIds`` that counts the entries read from it, by iteration or from a position."""

    __slots__ = ()
    reads = 0

    def after(self, seq: int | None) -> Iterator[tuple[int, str]]:
        for entry in super().after(seq):
            CountingIds.reads += 1
            yield entry

    def __iter__(self) -> Iterator[str]:
        for item in super().__iter__():
            CountingIds.reads += 1
            yield item


def counting(index: OrderedIds) -> None:
    index.__class__ = CountingIds


def reads(call: Any) -> tuple[Any, int]:
    CountingIds.reads = 0
    result = call()
    return result, CountingIds.reads


@pytest.fixture
def big() -> Iterator[tuple[orgsim.Simulation, Any, str]]:
    with orgsim.simulate(default_account_id=MANAGEMENT, max_accounts=MEMBERS + 10) as sim:
        sim.seed_organization(MANAGEMENT, members=MEMBERS)
        client = sim.session(MANAGEMENT).client("organizations")
        root_id = client.list_roots()["Roots"][0]["Id"]
        yield sim, client, root_id


def _organization(sim: orgsim.Simulation) -> Any:
    world = sim._aws.world  # type: ignore[union-attr]
    (org,) = world.organizations.values()
    return org


def test_a_list_accounts_page_reads_only_that_page(big: tuple[orgsim.Simulation, Any, str]) -> None:
    sim, client, _ = big
    org = _organization(sim)
    counting(org.members)
    first, read = reads(lambda: client.list_accounts(MaxResults=20))
    assert len(first["Accounts"]) == 20 and read == 21  # the page, and one more to know there is more
    token = first["NextToken"]
    for _ in range(MEMBERS // 40):
        token = client.list_accounts(MaxResults=20, NextToken=token)["NextToken"]
    middle, read = reads(lambda: client.list_accounts(MaxResults=20, NextToken=token))
    assert len(middle["Accounts"]) == 20 and read == 21
    start = 20 * (1 + MEMBERS // 40)  # past the first page and the ones the loop read
    assert [a["Id"] for a in middle["Accounts"]] == list(org.members)[start : start + 20]


def test_a_list_children_page_reads_only_that_page(big: tuple[orgsim.Simulation, Any, str]) -> None:
    sim, client, root_id = big
    org = _organization(sim)
    counting(org.root.children.accounts)
    first, read = reads(lambda: client.list_children(ParentId=root_id, ChildType="ACCOUNT", MaxResults=20))
    assert len(first["Children"]) == 20 and read == 21
    token = first["NextToken"]
    for _ in range(MEMBERS // 40):
        token = client.list_children(ParentId=root_id, ChildType="ACCOUNT", MaxResults=20, NextToken=token)["NextToken"]
    middle, read = reads(
        lambda: client.list_children(ParentId=root_id, ChildType="ACCOUNT", MaxResults=20, NextToken=token)
    )
    assert len(middle["Children"]) == 20 and read == 21


def test_moving_an_account_reads_neither_list_of_members(big: tuple[orgsim.Simulation, Any, str]) -> None:
    sim, client, root_id = big
    ou = client.create_organizational_unit(ParentId=root_id, Name="Big")["OrganizationalUnit"]["Id"]
    org = _organization(sim)
    moving = list(org.members)[MEMBERS // 2]
    for index in (org.members, org.root.children.accounts, org.organizational_units[ou].children.accounts):
        counting(index)
    _, read = reads(lambda: client.move_account(AccountId=moving, SourceParentId=root_id, DestinationParentId=ou))
    assert read == 0
    _, read = reads(lambda: client.move_account(AccountId=moving, SourceParentId=ou, DestinationParentId=root_id))
    assert read == 0
    assert list(org.root.children.accounts)[-1] == moving  # back at the end of the root's accounts
