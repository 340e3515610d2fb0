"""CloseAccount: the checks, PENDING_CLOSURE then CLOSED, 90 days in the organization, then gone
(behaviour.md, "Closing accounts")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import orgsim
from support import ACCOUNT_MEMBERS, World, aws_error

START = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
DELAY = dt.timedelta(seconds=30)
RETENTION = dt.timedelta(days=90)
MS = dt.timedelta(milliseconds=1)

pytestmark = pytest.mark.orgsim(close_account_delay_seconds=DELAY.total_seconds(), max_accounts=6)


@pytest.fixture
def world(orgsim: orgsim.Simulation, freezer: Any) -> World:
    freezer.move_to(START)
    return World.build(orgsim)


def shown(world: World, account_id: str) -> tuple[str, str | None]:
    """``(Status, State)`` as DescribeAccount shows them (no State where the model has none)."""
    account = world.mgmt.describe_account(AccountId=account_id)["Account"]
    if "State" in ACCOUNT_MEMBERS:
        return account["Status"], account["State"]
    assert "State" not in account
    return account["Status"], None


def state(status: str, state: str) -> tuple[str, str | None]:
    return status, state if "State" in ACCOUNT_MEMBERS else None


def listed(world: World) -> list[str]:
    return [a["Id"] for a in world.mgmt.list_accounts()["Accounts"]]


def test_closing_then_closed_then_gone(orgsim: orgsim.Simulation, world: World, freezer: Any) -> None:
    (root,) = world.mgmt.list_roots()["Roots"]
    ou = world.mgmt.create_organizational_unit(ParentId=root["Id"], Name="Old")["OrganizationalUnit"]["Id"]
    member = world.join()
    world.mgmt.move_account(AccountId=member, SourceParentId=root["Id"], DestinationParentId=ou)
    world.mgmt.tag_resource(ResourceId=member, Tags=[{"Key": "k", "Value": "v"}])

    answer = world.mgmt.close_account(AccountId=member)
    assert set(answer) == {"ResponseMetadata"}
    assert shown(world, member) == state("PENDING_CLOSURE", "PENDING_CLOSURE")
    freezer.tick(DELAY - MS)
    assert shown(world, member) == state("PENDING_CLOSURE", "PENDING_CLOSURE")
    freezer.tick(MS)
    assert shown(world, member) == state("SUSPENDED", "CLOSED")
    closed_at = START + DELAY

    # For 90 days it stays: listed, in its OU with its tags, and it blocks what an account blocks.
    freezer.move_to(closed_at + RETENTION - MS)
    assert member in listed(world)
    assert [a["Id"] for a in world.mgmt.list_accounts_for_parent(ParentId=ou)["Accounts"]] == [member]
    assert world.mgmt.list_tags_for_resource(ResourceId=member)["Tags"] == [{"Key": "k", "Value": "v"}]
    with aws_error(world.mgmt, "OrganizationalUnitNotEmptyException"):
        world.mgmt.delete_organizational_unit(OrganizationalUnitId=ou)
    with aws_error(world.mgmt, "OrganizationNotEmptyException"):
        world.mgmt.delete_organization()
    snapshot = orgsim.account(member)
    assert (snapshot.state, snapshot.status, snapshot.parent_id) == ("CLOSED", "SUSPENDED", ou)
    assert snapshot.close_requested_timestamp == START and snapshot.closed_timestamp == closed_at
    assert snapshot.purged_timestamp is None

    # Then it is gone, with its tags; the OU and the organization can be deleted.
    freezer.move_to(closed_at + RETENTION)
    assert listed(world) == [world.mgmt_id]
    with aws_error(world.mgmt, "AccountNotFoundException"):
        world.mgmt.describe_account(AccountId=member)
    with aws_error(world.mgmt, "AccountNotFoundException"):
        world.mgmt.move_account(AccountId=member, SourceParentId=ou, DestinationParentId=root["Id"])
    with aws_error(world.mgmt, "TargetNotFoundException"):
        world.mgmt.list_tags_for_resource(ResourceId=member)
    with aws_error(world.mgmt, "ChildNotFoundException"):
        world.mgmt.list_parents(ChildId=member)
    assert world.mgmt.list_children(ParentId=ou, ChildType="ACCOUNT")["Children"] == []
    snapshot = orgsim.account(member)
    assert (snapshot.organization_id, snapshot.parent_id, dict(snapshot.tags)) == (None, None, {})
    assert snapshot.state == "CLOSED" and snapshot.purged_timestamp == closed_at + RETENTION
    world.mgmt.delete_organizational_unit(OrganizationalUnitId=ou)
    world.mgmt.delete_organization()


def test_time_moved_back_undoes_nothing(world: World, freezer: Any) -> None:
    member = world.join()
    world.mgmt.close_account(AccountId=member)
    freezer.tick(DELAY)
    assert shown(world, member) == state("SUSPENDED", "CLOSED")
    freezer.move_to(START - dt.timedelta(days=1))
    assert shown(world, member) == state("SUSPENDED", "CLOSED")
    freezer.move_to(START + DELAY + RETENTION)
    assert listed(world) == [world.mgmt_id]
    freezer.move_to(START)
    assert listed(world) == [world.mgmt_id]


def test_a_closed_account_counts_against_the_quota_until_it_is_gone(world: World, freezer: Any) -> None:
    members = [world.join() for _ in range(5)]  # the organization is full: 6 accounts
    world.mgmt.close_account(AccountId=members[0])
    freezer.tick(DELAY)
    with aws_error(world.mgmt, "HandshakeConstraintViolationException", "ACCOUNT_NUMBER_LIMIT_EXCEEDED"):
        world.invite()
    freezer.tick(RETENTION)
    world.invite()


def test_the_checks_come_in_order(orgsim: orgsim.Simulation, world: World) -> None:
    members = [world.join() for _ in range(4)]
    stranger = orgsim.seed_account().id
    with aws_error(world.mgmt, "AccountNotFoundException"):
        world.mgmt.close_account(AccountId=stranger)
    with aws_error(world.mgmt, "ConstraintViolationException", "CANNOT_CLOSE_MANAGEMENT_ACCOUNT"):
        world.mgmt.close_account(AccountId=world.mgmt_id)
    world.mgmt.close_account(AccountId=members[0])
    with aws_error(world.mgmt, "ConflictException"):
        world.mgmt.close_account(AccountId=members[0])
    world.mgmt.close_account(AccountId=members[1])
    world.mgmt.close_account(AccountId=members[2])
    # Three closures in progress at once at most; the ones in progress are still refused as such.
    with aws_error(world.mgmt, "ConstraintViolationException", "CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED"):
        world.mgmt.close_account(AccountId=members[3])
    with aws_error(world.mgmt, "ConflictException"):
        world.mgmt.close_account(AccountId=members[0])
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_PATTERN"):
        world.mgmt.close_account(AccountId="1234")
    # Who may close: the management account only.
    with aws_error(world.client(members[3]), "AccessDeniedException"):
        world.client(members[3]).close_account(AccountId=members[3])
    with aws_error(world.client(stranger), "AWSOrganizationsNotInUseException"):
        world.client(stranger).close_account(AccountId=members[3])


def test_a_closed_account_is_already_closed(world: World, freezer: Any) -> None:
    member = world.join()
    world.mgmt.close_account(AccountId=member)
    freezer.tick(DELAY)
    with aws_error(world.mgmt, "AccountAlreadyClosedException"):
        world.mgmt.close_account(AccountId=member)
    # Once done, closures no longer count as in progress.
    for other in [world.join() for _ in range(3)]:
        world.mgmt.close_account(AccountId=other)


def test_only_an_organization_with_all_features_closes_accounts(orgsim: orgsim.Simulation, freezer: Any) -> None:
    freezer.move_to(START)
    world = World.build(orgsim, "CONSOLIDATED_BILLING")
    member = world.join()
    # Checked first: even an unknown account gets this answer.
    for account_id in (member, "999999999999", world.mgmt_id):
        with aws_error(world.mgmt, "ConstraintViolationException", "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE"):
            world.mgmt.close_account(AccountId=account_id)


@pytest.mark.orgsim(close_account_delay_seconds=DELAY.total_seconds(), max_accounts=260, max_invitations_per_day=300)
def test_closures_per_30_days_are_limited(orgsim: orgsim.Simulation, freezer: Any) -> None:
    # 252 accounts: a fifth is 50, so the quota is the minimum, 250 closures in a rolling 30 days.
    freezer.move_to(START)
    members = [m.id for m in orgsim.seed_organization(members=251).members]
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    for n, member in enumerate(members[:250]):
        if n and n % 3 == 0:
            freezer.tick(DELAY)  # three at a time
        mgmt.close_account(AccountId=member)
    freezer.tick(DELAY)
    with aws_error(mgmt, "ConstraintViolationException", "CLOSE_ACCOUNT_QUOTA_EXCEEDED"):
        mgmt.close_account(AccountId=members[250])
    # The first closures leave the window 30 days after they were made.
    freezer.move_to(START + dt.timedelta(days=30) - MS)
    with aws_error(mgmt, "ConstraintViolationException", "CLOSE_ACCOUNT_QUOTA_EXCEEDED"):
        mgmt.close_account(AccountId=members[250])
    freezer.move_to(START + dt.timedelta(days=30))
    mgmt.close_account(AccountId=members[250])


def test_closing_or_closed_accounts_can_neither_leave_nor_be_removed(world: World, freezer: Any) -> None:
    closing, closed = world.join(), world.join()
    world.mgmt.close_account(AccountId=closed)
    freezer.tick(DELAY)
    world.mgmt.close_account(AccountId=closing)
    for account_id in (closing, closed):
        with aws_error(world.mgmt, "ConstraintViolationException", "ACCOUNT_CANNOT_LEAVE_ORGANIZATION"):
            world.mgmt.remove_account_from_organization(AccountId=account_id)
    with aws_error(world.client(closing), "ConstraintViolationException", "ACCOUNT_CANNOT_LEAVE_ORGANIZATION"):
        world.client(closing).leave_organization()
    with aws_error(world.client(closed), "AccessDeniedException"):
        world.client(closed).leave_organization()
    assert set(listed(world)) == {world.mgmt_id, closing, closed}


def test_a_closed_account_can_call_nothing(orgsim: orgsim.Simulation, world: World, freezer: Any) -> None:
    member = world.join()
    client = world.client(member)
    other = orgsim.session("999999999999").client("organizations")
    other.create_organization()
    invitation = other.invite_account_to_organization(Target={"Id": member, "Type": "ACCOUNT"})["Handshake"]

    world.mgmt.close_account(AccountId=member)
    # While it is being closed it acts as before ...
    assert client.describe_organization()["Organization"]["Id"] == world.org["Id"]
    with aws_error(client, "HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION"):
        client.accept_handshake(HandshakeId=invitation["Id"])
    freezer.tick(DELAY)
    # ... once closed, it can do nothing, not even accept the invitation waiting for it.
    for call in (
        client.describe_organization,
        client.list_handshakes_for_account,
        lambda: client.accept_handshake(HandshakeId=invitation["Id"]),
        lambda: client.describe_handshake(HandshakeId=invitation["Id"]),
        client.create_organization,
    ):
        with aws_error(client, "AccessDeniedException"):
            call()
    # The invitation stays open for its sender, and expires as usual.
    assert other.describe_handshake(HandshakeId=invitation["Id"])["Handshake"]["State"] == "OPEN"
    freezer.move_to(START + dt.timedelta(days=15))
    assert other.describe_handshake(HandshakeId=invitation["Id"])["Handshake"]["State"] == "EXPIRED"
    # Gone from its organization, it still can't do anything.
    freezer.move_to(START + DELAY + RETENTION)
    with aws_error(client, "AccessDeniedException"):
        client.create_organization()


def test_inviting_a_closed_member_is_inviting_a_member(world: World, freezer: Any) -> None:
    member = world.join()
    world.mgmt.close_account(AccountId=member)
    freezer.tick(DELAY)
    with aws_error(world.mgmt, "HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION"):
        world.invite(member)


def test_closing_and_closed_accounts_can_be_moved(world: World, freezer: Any) -> None:
    (root,) = world.mgmt.list_roots()["Roots"]
    ou = world.mgmt.create_organizational_unit(ParentId=root["Id"], Name="Closed")["OrganizationalUnit"]["Id"]
    closing, closed = world.join(), world.join()
    world.mgmt.close_account(AccountId=closed)
    freezer.tick(DELAY)
    world.mgmt.close_account(AccountId=closing)
    for account_id in (closing, closed):
        world.mgmt.move_account(AccountId=account_id, SourceParentId=root["Id"], DestinationParentId=ou)
    assert [c["Id"] for c in world.mgmt.list_children(ParentId=ou, ChildType="ACCOUNT")["Children"]] == [closing, closed]


def test_the_call_log_shows_the_closure_and_only_that(orgsim: orgsim.Simulation, world: World, freezer: Any) -> None:
    member = world.join()
    orgsim.calls.clear()
    world.mgmt.close_account(AccountId=member)
    freezer.tick(DELAY)
    world.mgmt.describe_account(AccountId=member)
    close, describe = orgsim.calls
    assert close.changes == (orgsim_change(member, "ACTIVE", "PENDING_CLOSURE"),)
    # The clock closed it: that is not the next call's change.
    assert describe.changes == ()


def orgsim_change(account_id: str, before: str, after: str) -> Any:
    return orgsim.Change(account_id, before, after)


@pytest.mark.orgsim(close_account_delay_seconds=0)
def test_with_no_delay_the_account_is_closed_at_the_next_call(world: World) -> None:
    member = world.join()
    world.mgmt.close_account(AccountId=member)
    assert shown(world, member) == state("SUSPENDED", "CLOSED")
