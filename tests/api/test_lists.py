"""ListHandshakesForAccount, ListHandshakesForOrganization and ListAccounts: filters, pages, tokens (behaviour.md, "Lists")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.exceptions import ParamValidationError

import orgsim
from support import World, aws_error, check_paths

T0 = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
MANY = pytest.mark.orgsim(max_accounts=100, max_invitations_per_day=100)
LIST_OPERATIONS = ["list_handshakes_for_organization", "list_handshakes_for_account", "list_accounts"]


@pytest.fixture
def world(orgsim: orgsim.Simulation, freezer: Any) -> World:
    # Every test here runs at a frozen moment, so that many handshakes share one timestamp.
    freezer.move_to(T0)
    return World.build(orgsim)


def _sort_key(handshake: dict[str, Any]) -> tuple[dt.datetime, str]:
    return handshake["RequestedTimestamp"], handshake["Id"]


def _pages(call: Any, result_key: str = "Handshakes", **kwargs: Any) -> list[list[dict[str, Any]]]:
    """Every page, following NextToken by hand; checks that the last page has no NextToken key at all."""
    pages = []
    token: str | None = None
    while True:
        response = call(**kwargs, **({"NextToken": token} if token else {}))
        pages.append(response[result_key])
        if "NextToken" not in response:
            return pages
        token = response["NextToken"]
        assert isinstance(token, str) and token


def _invite_many(world: World, count: int) -> list[dict[str, Any]]:
    return [world.invite() for _ in range(count)]


def _receive_many(world: World, account_id: str, count: int) -> list[dict[str, Any]]:
    """``count`` invitations addressed to one account: each earlier one is canceled first."""
    received = []
    for _ in range(count):
        if received:
            world.mgmt.cancel_handshake(HandshakeId=received[-1]["Id"])
        received.append(world.invite(account_id))
    return received


# -- pages ----------------------------------------------------------------------------------------


@MANY
@pytest.mark.parametrize(
    ("count", "page_size", "sizes"),
    [(25, 10, [10, 10, 5]), (20, 20, [20]), (21, None, [20, 1]), (0, 5, [0]), (6, 3, [3, 3])],
)
def test_organization_pages(world: World, count: int, page_size: int | None, sizes: list[int]) -> None:
    sent = _invite_many(world, count)
    kwargs = {} if page_size is None else {"MaxResults": page_size}
    pages = _pages(world.mgmt.list_handshakes_for_organization, **kwargs)
    assert [len(p) for p in pages] == sizes
    listed = [h for p in pages for h in p]
    assert listed == sorted(sent, key=_sort_key)


@MANY
def test_account_pages(world: World) -> None:
    target = world.new_account()
    received = _receive_many(world, target, 7)
    pages = _pages(world.client(target).list_handshakes_for_account, MaxResults=3)
    assert [len(p) for p in pages] == [3, 3, 1]
    listed_ids = [h["Id"] for p in pages for h in p]
    assert sorted(listed_ids) == sorted(h["Id"] for h in received)


@MANY
def test_order_is_by_requested_timestamp_then_id(world: World, freezer: Any) -> None:
    first = _invite_many(world, 3)  # same instant: ordered by id
    freezer.move_to(T0 - dt.timedelta(hours=1))
    earlier = _invite_many(world, 2)  # requested earlier, created later
    freezer.move_to(T0 + dt.timedelta(hours=1))
    later = _invite_many(world, 2)
    expected = sorted(first + earlier + later, key=_sort_key)
    assert [h["Id"] for h in expected[:2]] == sorted(h["Id"] for h in earlier)
    for size in (1, 2, 3, 20):
        pages = _pages(world.mgmt.list_handshakes_for_organization, MaxResults=size)
        assert [h["Id"] for p in pages for h in p] == [h["Id"] for h in expected]
    target = world.new_account()
    received = []
    for moment in (T0, T0 - dt.timedelta(hours=2), T0 + dt.timedelta(hours=2), T0):
        freezer.move_to(moment)
        if received:
            world.mgmt.cancel_handshake(HandshakeId=received[-1]["Id"])
        received.append(world.invite(target))
    pages = _pages(world.client(target).list_handshakes_for_account, MaxResults=1)
    assert [h["Id"] for p in pages for h in p] == [h["Id"] for h in sorted(received, key=_sort_key)]


@MANY
def test_order_is_stable_while_states_change(world: World) -> None:
    sent = _invite_many(world, 6)
    first = world.mgmt.list_handshakes_for_organization(MaxResults=3)
    for handshake in sent[:4]:
        world.mgmt.cancel_handshake(HandshakeId=handshake["Id"])
    rest = world.mgmt.list_handshakes_for_organization(MaxResults=3, NextToken=first["NextToken"])
    ids = [h["Id"] for h in first["Handshakes"] + rest["Handshakes"]]
    assert ids == [h["Id"] for h in sorted(sent, key=_sort_key)]
    assert "NextToken" not in rest


@MANY
def test_paginators_walk_every_page(world: World) -> None:
    sent = _invite_many(world, 23)
    paginator = world.mgmt.get_paginator("list_handshakes_for_organization")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["Handshakes"]) for p in pages] == [5, 5, 5, 5, 3]
    full = paginator.paginate(PaginationConfig={"PageSize": 4}).build_full_result()
    assert [h["Id"] for h in full["Handshakes"]] == [h["Id"] for h in sorted(sent, key=_sort_key)]
    limited = paginator.paginate(PaginationConfig={"MaxItems": 7, "PageSize": 3}).build_full_result()
    assert len(limited["Handshakes"]) == 7 and "NextToken" in limited
    resumed = paginator.paginate(
        PaginationConfig={"StartingToken": limited["NextToken"], "PageSize": 3}
    ).build_full_result()
    assert len(limited["Handshakes"]) + len(resumed["Handshakes"]) == 23


@MANY
def test_account_paginator_and_filtered_paginator(world: World) -> None:
    target = world.new_account()
    received = _receive_many(world, target, 5)
    paginator = world.client(target).get_paginator("list_handshakes_for_account")
    full = paginator.paginate(Filter={"ActionType": "INVITE"}, PaginationConfig={"PageSize": 2}).build_full_result()
    assert sorted(h["Id"] for h in full["Handshakes"]) == sorted(h["Id"] for h in received)


# -- MaxResults -----------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", LIST_OPERATIONS)
def test_max_results_over_twenty_is_invalid(world: World, operation: str) -> None:
    with aws_error(world.mgmt, "InvalidInputException", "MAX_VALUE_EXCEEDED"):
        getattr(world.mgmt, operation)(MaxResults=21)


@pytest.mark.parametrize("operation", LIST_OPERATIONS)
def test_max_results_below_one_is_stopped_by_botocore(world: World, operation: str) -> None:
    with pytest.raises(ParamValidationError):
        getattr(world.mgmt, operation)(MaxResults=0)


# -- NextToken ------------------------------------------------------------------------------------


def _token(world: World, **kwargs: Any) -> str:
    _invite_many(world, 3)
    response = world.mgmt.list_handshakes_for_organization(MaxResults=1, **kwargs)
    return response["NextToken"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "garbled",
    ["", "not a token", "AAAA", "x" * 5000, "%%%", "éé"],
)
def test_garbled_tokens_are_invalid(world: World, garbled: str) -> None:
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_NEXT_TOKEN"):
        world.mgmt.list_handshakes_for_organization(NextToken=garbled)


def test_tampered_token_is_invalid(world: World) -> None:
    token = _token(world)
    for index in (0, len(token) // 2, len(token) - 2):
        changed = token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1 :]
        with aws_error(world.mgmt, "InvalidInputException", "INVALID_NEXT_TOKEN"):
            world.mgmt.list_handshakes_for_organization(NextToken=changed)


def test_token_of_another_operation_is_invalid(world: World) -> None:
    token = _token(world)
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_NEXT_TOKEN"):
        world.mgmt.list_handshakes_for_account(NextToken=token)
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_NEXT_TOKEN"):
        world.mgmt.list_accounts(NextToken=token)


def test_token_of_another_filter_is_invalid(world: World) -> None:
    token = _token(world, Filter={"ActionType": "INVITE"})
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_NEXT_TOKEN"):
        world.mgmt.list_handshakes_for_organization(NextToken=token)
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_NEXT_TOKEN"):
        world.mgmt.list_handshakes_for_organization(NextToken=token, Filter={"ActionType": "ENABLE_ALL_FEATURES"})
    # The same filter again is fine.
    page = world.mgmt.list_handshakes_for_organization(NextToken=token, Filter={"ActionType": "INVITE"}, MaxResults=1)
    assert len(page["Handshakes"]) == 1


def test_token_of_another_caller_is_invalid(world: World) -> None:
    target = world.new_account()
    _receive_many(world, target, 3)
    token = world.client(target).list_handshakes_for_account(MaxResults=1)["NextToken"]
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_NEXT_TOKEN"):
        world.mgmt.list_handshakes_for_account(NextToken=token)


def test_token_of_another_simulation_is_invalid(world: World) -> None:
    token = _token(world)
    with orgsim.simulate() as other:
        client = other.session(other.default_account_id).client("organizations")
        client.create_organization()
        with aws_error(client, "InvalidInputException", "INVALID_NEXT_TOKEN"):
            client.list_handshakes_for_organization(NextToken=token)


# -- filters --------------------------------------------------------------------------------------


def test_filter_by_action_type(world: World) -> None:
    sent = _invite_many(world, 2)
    invites = world.mgmt.list_handshakes_for_organization(Filter={"ActionType": "INVITE"})["Handshakes"]
    assert invites == sorted(sent, key=_sort_key)
    other = world.mgmt.list_handshakes_for_organization(Filter={"ActionType": "ENABLE_ALL_FEATURES"})["Handshakes"]
    assert other == []


def test_empty_filter_does_not_filter(world: World) -> None:
    sent = _invite_many(world, 2)
    assert world.mgmt.list_handshakes_for_organization(Filter={})["Handshakes"] == sorted(sent, key=_sort_key)


def test_unknown_parent_gives_an_empty_list(world: World) -> None:
    _invite_many(world, 2)
    found = world.mgmt.list_handshakes_for_organization(Filter={"ParentHandshakeId": "h-0123456789abcdef"})
    assert found["Handshakes"] == [] and "NextToken" not in found


@pytest.mark.parametrize("operation", ["list_handshakes_for_organization", "list_handshakes_for_account"])
@pytest.mark.parametrize(
    ("selector", "reason"),
    [
        ({"ActionType": "INVITE", "ParentHandshakeId": "h-0123456789abcdef"}, "MAX_LIMIT_EXCEEDED_FILTER"),
        ({"ActionType": "INVITATION"}, "INVALID_ENUM"),
        ({"ParentHandshakeId": "h-BAD"}, "INVALID_PATTERN"),
        ({"ParentHandshakeId": "0123456789abcdef"}, "INVALID_PATTERN"),
    ],
)
def test_invalid_filters(world: World, operation: str, selector: dict[str, str], reason: str) -> None:
    with aws_error(world.mgmt, "InvalidInputException", reason):
        getattr(world.mgmt, operation)(Filter=selector)


# -- who sees what --------------------------------------------------------------------------------


def test_account_list_holds_only_what_the_caller_received(world: World) -> None:
    mine = world.invite("111111111111")
    world.invite("222222222222")
    by_email = world.mgmt.invite_account_to_organization(Target={"Id": "who@example.com", "Type": "EMAIL"})[
        "Handshake"
    ]
    world.sim.seed_account("666666666666", email="WHO@example.com")
    assert world.client("111111111111").list_handshakes_for_account()["Handshakes"] == [mine]
    assert world.client("666666666666").list_handshakes_for_account()["Handshakes"] == [by_email]
    assert world.mgmt.list_handshakes_for_account()["Handshakes"] == []  # the sender received nothing


def test_account_list_merges_id_and_email_invitations_in_order(world: World, freezer: Any) -> None:
    owner = world.sim.seed_account(email="owner@example.com")
    other = world.client("333333333333")
    other.create_organization()
    by_id = world.invite(owner.id)
    freezer.tick()
    by_email = other.invite_account_to_organization(Target={"Id": "owner@example.com", "Type": "EMAIL"})["Handshake"]
    listed = world.client(owner.id).list_handshakes_for_account(MaxResults=1)
    assert listed["Handshakes"] == [by_id]
    rest = world.client(owner.id).list_handshakes_for_account(MaxResults=1, NextToken=listed["NextToken"])
    assert rest["Handshakes"] == [by_email] and "NextToken" not in rest


def test_organization_list_is_for_the_management_account(world: World) -> None:
    world.invite()
    member = world.client(world.join())
    with aws_error(member, "AccessDeniedException"):
        member.list_handshakes_for_organization()
    standalone = world.client("555555555555")
    with aws_error(standalone, "AWSOrganizationsNotInUseException"):
        standalone.list_handshakes_for_organization()


def test_organization_list_holds_only_its_own_handshakes(world: World) -> None:
    mine = world.invite()
    other = world.client("333333333333")
    other.create_organization()
    theirs = other.invite_account_to_organization(Target={"Id": "444444444444", "Type": "ACCOUNT"})["Handshake"]
    assert world.mgmt.list_handshakes_for_organization()["Handshakes"] == [mine]
    assert other.list_handshakes_for_organization()["Handshakes"] == [theirs]


# -- ListAccounts ---------------------------------------------------------------------------------


@MANY
def test_list_accounts_pages_and_paginator(world: World) -> None:
    members = [world.join() for _ in range(6)]
    pages = _pages(world.mgmt.list_accounts, "Accounts", MaxResults=3)
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [a["Id"] for p in pages for a in p] == [world.mgmt_id, *members]
    full = world.mgmt.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 2}).build_full_result()
    assert [a["Id"] for a in full["Accounts"]] == [world.mgmt_id, *members]


@MANY
def test_list_accounts_pages_survive_a_member_leaving(world: World) -> None:
    members = [world.join() for _ in range(5)]
    first = world.mgmt.list_accounts(MaxResults=3)
    assert [a["Id"] for a in first["Accounts"]] == [world.mgmt_id, *members[:2]]
    world.client(members[0]).leave_organization()
    rest = world.mgmt.list_accounts(MaxResults=3, NextToken=first["NextToken"])
    assert [a["Id"] for a in rest["Accounts"]] == members[2:]


@pytest.mark.parametrize("caller", ["member", "standalone"])
def test_filters_are_validated_before_the_caller(world: World, caller: str) -> None:
    # Spec section 5: input validation comes before membership and role checks.
    client = world.client(world.join()) if caller == "member" else world.client("555555555555")
    both = {"ActionType": "INVITE", "ParentHandshakeId": "h-0123456789abcdef"}
    with aws_error(client, "InvalidInputException", "MAX_LIMIT_EXCEEDED_FILTER"):
        client.list_handshakes_for_organization(Filter=both)
    with aws_error(client, "InvalidInputException", "INVALID_NEXT_TOKEN"):
        client.list_handshakes_for_organization(NextToken="garbage")


def test_list_accounts_lists_members_only(world: World) -> None:
    members = [world.join(), world.join()]
    world.invite()  # invited but not accepted: not listed
    listed = world.mgmt.list_accounts()
    assert [a["Id"] for a in listed["Accounts"]] == [world.mgmt_id, *members]
    assert "NextToken" not in listed
    for account in listed["Accounts"]:
        assert account == world.mgmt.describe_account(AccountId=account["Id"])["Account"]
        assert account["Arn"] == f"arn:aws:organizations::{world.mgmt_id}:account/{world.org['Id']}/{account['Id']}"
        check_paths(account, world.org["Id"])


@pytest.mark.parametrize("caller", ["member", "standalone"])
def test_list_accounts_validates_its_token_before_the_caller(world: World, caller: str) -> None:
    client = world.client(world.join()) if caller == "member" else world.client("555555555555")
    with aws_error(client, "InvalidInputException", "INVALID_NEXT_TOKEN"):
        client.list_accounts(NextToken="garbage")
