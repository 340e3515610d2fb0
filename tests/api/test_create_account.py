"""CreateAccount, DescribeCreateAccountStatus, ListCreateAccountStatus and the waiting period (behaviour.md, "Created accounts")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory

import orgsim

START = dt.datetime(2024, 6, 1, 9, 30, tzinfo=dt.timezone.utc)
DELAY = dt.timedelta(seconds=30)
REQUEST_ID = re.compile(r"^car-[a-z0-9]{32}$")


@pytest.fixture
def clock() -> Iterator[FrozenDateTimeFactory]:
    with freeze_time(START) as frozen:
        yield frozen


@pytest.fixture
def mgmt(orgsim: orgsim.Simulation, clock: FrozenDateTimeFactory) -> Any:
    client = orgsim.session(orgsim.default_account_id).client("organizations")
    client.create_organization(FeatureSet="CONSOLIDATED_BILLING")
    return client


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str | None]:
    response = excinfo.value.response
    return response["Error"]["Code"], response.get("Reason")


def describe(mgmt: Any, request_id: str) -> dict[str, Any]:
    return dict(mgmt.describe_create_account_status(CreateAccountRequestId=request_id)["CreateAccountStatus"])


def create(mgmt: Any, name: str, email: str | None = None, **extra: Any) -> dict[str, Any]:
    email = email or f"{name.lower()}@example.com"
    return dict(mgmt.create_account(Email=email, AccountName=name, **extra)["CreateAccountStatus"])


def account_ids(mgmt: Any) -> list[str]:
    return [a["Id"] for a in mgmt.list_accounts()["Accounts"]]


pytestmark = pytest.mark.orgsim(create_account_delay_seconds=DELAY.total_seconds())


# -- asynchronous completion -----------------------------------------------------------------------


def test_create_account_answers_in_progress(mgmt: Any) -> None:
    status = create(mgmt, "Builder")

    assert REQUEST_ID.match(status["Id"])
    assert status == {
        "Id": status["Id"],
        "AccountName": "Builder",
        "State": "IN_PROGRESS",
        "RequestedTimestamp": START,
    }
    assert describe(mgmt, status["Id"]) == status


def test_the_request_succeeds_once_the_delay_has_passed(
    orgsim: orgsim.Simulation, mgmt: Any, clock: FrozenDateTimeFactory
) -> None:
    status = create(mgmt, "Builder", "Builder@Example.com")

    clock.tick(DELAY - dt.timedelta(milliseconds=1))
    assert describe(mgmt, status["Id"])["State"] == "IN_PROGRESS"
    assert account_ids(mgmt) == [orgsim.default_account_id]

    clock.tick(dt.timedelta(milliseconds=1))
    # Nobody asked for the status: the account is there anyway.
    accounts = mgmt.list_accounts()["Accounts"]
    assert len(accounts) == 2
    created = accounts[1]
    assert created["JoinedMethod"] == "CREATED"
    assert created["JoinedTimestamp"] == START + DELAY
    assert created["Email"] == "Builder@Example.com"
    assert created["Name"] == "Builder"

    done = describe(mgmt, status["Id"])
    assert done == {
        "Id": status["Id"],
        "AccountName": "Builder",
        "State": "SUCCEEDED",
        "RequestedTimestamp": START,
        "CompletedTimestamp": START + DELAY,
        "AccountId": created["Id"],
    }
    # The new account is a member like any other.
    member = orgsim.session(created["Id"]).client("organizations")
    assert member.describe_organization()["Organization"]["MasterAccountId"] == orgsim.default_account_id
    assert mgmt.describe_account(AccountId=created["Id"])["Account"]["JoinedMethod"] == "CREATED"


@pytest.mark.orgsim(create_account_delay_seconds=0)
def test_without_delay_the_next_call_sees_the_account(mgmt: Any) -> None:
    status = create(mgmt, "Instant")
    assert status["State"] == "IN_PROGRESS"
    assert describe(mgmt, status["Id"])["State"] == "SUCCEEDED"


def test_the_completion_time_does_not_depend_on_when_it_is_observed(
    mgmt: Any, clock: FrozenDateTimeFactory
) -> None:
    first = create(mgmt, "First")
    clock.tick(dt.timedelta(seconds=10))
    second = create(mgmt, "Second")
    clock.tick(dt.timedelta(days=3))

    assert describe(mgmt, first["Id"])["CompletedTimestamp"] == START + DELAY
    assert describe(mgmt, second["Id"])["CompletedTimestamp"] == START + dt.timedelta(seconds=10) + DELAY
    joined = [a["JoinedTimestamp"] for a in mgmt.list_accounts()["Accounts"][1:]]
    assert joined == [START + DELAY, START + dt.timedelta(seconds=10) + DELAY]


# -- failures --------------------------------------------------------------------------------------


def test_an_email_any_account_uses_fails_the_request(
    orgsim: orgsim.Simulation, mgmt: Any, clock: FrozenDateTimeFactory
) -> None:
    orgsim.seed_account(email="taken@example.com")
    management_email = mgmt.describe_organization()["Organization"]["MasterAccountEmail"]
    first = create(mgmt, "Twin", "twin@example.com")
    requests = [
        create(mgmt, "Taken", "TAKEN@example.com"),  # a standalone account's, in another case
        create(mgmt, "Mgmt", management_email),
        create(mgmt, "Twin again", "twin@example.com"),  # a creation still in progress
    ]
    assert [r["State"] for r in requests] == ["IN_PROGRESS"] * 3

    clock.tick(DELAY)

    assert describe(mgmt, first["Id"])["State"] == "SUCCEEDED"
    for request in requests:
        failed = describe(mgmt, request["Id"])
        assert failed["State"] == "FAILED"
        assert failed["FailureReason"] == "EMAIL_ALREADY_EXISTS"
        assert failed["CompletedTimestamp"] == START + DELAY
        assert "AccountId" not in failed
    assert len(account_ids(mgmt)) == 2


def test_an_email_taken_while_in_progress_fails_the_request(
    orgsim: orgsim.Simulation, mgmt: Any, clock: FrozenDateTimeFactory
) -> None:
    request = create(mgmt, "Slow", "slow@example.com")
    orgsim.seed_account(email="slow@example.com")
    clock.tick(DELAY)
    assert describe(mgmt, request["Id"])["FailureReason"] == "EMAIL_ALREADY_EXISTS"


@pytest.mark.orgsim(max_accounts=4, create_account_delay_seconds=30)
def test_members_open_invitations_and_creations_in_progress_fill_the_organization(
    orgsim: orgsim.Simulation, mgmt: Any, clock: FrozenDateTimeFactory
) -> None:
    invited = orgsim.seed_account().id
    mgmt.invite_account_to_organization(Target={"Id": invited, "Type": "ACCOUNT"})
    first = create(mgmt, "First")  # management + invitation + this = 3 of 4
    second = create(mgmt, "Second")  # 4 of 4
    third = create(mgmt, "Third")  # no room left
    with pytest.raises(ClientError) as excinfo:  # a creation in progress holds its slot against invitations
        mgmt.invite_account_to_organization(Target={"Id": orgsim.seed_account().id, "Type": "ACCOUNT"})
    assert error_of(excinfo) == ("HandshakeConstraintViolationException", "ACCOUNT_NUMBER_LIMIT_EXCEEDED")

    clock.tick(DELAY)

    assert [describe(mgmt, r["Id"])["State"] for r in (first, second)] == ["SUCCEEDED", "SUCCEEDED"]
    failed = describe(mgmt, third["Id"])
    assert (failed["State"], failed["FailureReason"]) == ("FAILED", "ACCOUNT_LIMIT_EXCEEDED")
    assert len(account_ids(mgmt)) == 3
    # The failed request held nothing: its email is free again.
    assert create(mgmt, "Third retry", "third@example.com")["State"] == "IN_PROGRESS"


# -- input and callers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "code", "reason"),
    [
        ({"Email": "not-an-email"}, "InvalidInputException", "INVALID_PATTERN"),
        ({"Email": "x" * 60 + "@example.com"}, "InvalidInputException", "MAX_LENGTH_EXCEEDED"),
        ({"AccountName": "n" * 51}, "InvalidInputException", "MAX_LENGTH_EXCEEDED"),
        ({"AccountName": "Caf\u00e9"}, "InvalidInputException", "INVALID_PATTERN"),
        ({"RoleName": "no spaces allowed"}, "InvalidInputException", "INVALID_PATTERN"),
        ({"IamUserAccessToBilling": "SOMETIMES"}, "InvalidInputException", "INVALID_ENUM"),
        ({"Tags": [{"Key": "k", "Value": "a"}, {"Key": "k", "Value": "b"}]}, "InvalidInputException", "DUPLICATE_TAG_KEY"),
        ({"Tags": [{"Key": "aws:owner", "Value": "me"}]}, "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER"),
        ({"Tags": [{"Key": "bad#key", "Value": "v"}]}, "InvalidInputException", "INVALID_PATTERN"),
        ({"Tags": [{"Key": f"k{i}", "Value": ""} for i in range(51)]}, "ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED"),
    ],
)
def test_invalid_input_is_refused(mgmt: Any, params: dict[str, Any], code: str, reason: str) -> None:
    request = {"Email": "valid@example.com", "AccountName": "Valid", **params}
    with pytest.raises(ClientError) as excinfo:
        mgmt.create_account(**request)
    assert error_of(excinfo) == (code, reason)
    assert mgmt.list_create_account_status()["CreateAccountStatuses"] == []


def test_valid_optional_input_is_accepted(mgmt: Any, clock: FrozenDateTimeFactory) -> None:
    status = create(
        mgmt,
        "Full",
        RoleName="Admin+Role=1,a.b@c-d_e",
        IamUserAccessToBilling="DENY",
        Tags=[{"Key": "team", "Value": "core"}, {"Key": "cost:centre", "Value": ""}],
    )
    clock.tick(DELAY)
    assert describe(mgmt, status["Id"])["State"] == "SUCCEEDED"


def test_only_the_management_account_may_call(orgsim: orgsim.Simulation, mgmt: Any, clock: FrozenDateTimeFactory) -> None:
    request = create(mgmt, "Member")
    clock.tick(DELAY)
    member = orgsim.session(describe(mgmt, request["Id"])["AccountId"]).client("organizations")
    standalone = orgsim.session(orgsim.seed_account().id).client("organizations")
    calls = [
        lambda c: c.create_account(Email="other@example.com", AccountName="Other"),
        lambda c: c.describe_create_account_status(CreateAccountRequestId=request["Id"]),
        lambda c: c.list_create_account_status(),
    ]
    for call in calls:
        for client, code in ((member, "AccessDeniedException"), (standalone, "AWSOrganizationsNotInUseException")):
            with pytest.raises(ClientError) as excinfo:
                call(client)
            assert error_of(excinfo)[0] == code


def test_describe_unknown_and_malformed_ids(orgsim: orgsim.Simulation, mgmt: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        mgmt.describe_create_account_status(CreateAccountRequestId="car-" + "0" * 32)
    assert error_of(excinfo)[0] == "CreateAccountStatusNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        mgmt.describe_create_account_status(CreateAccountRequestId="req-123456789")
    assert error_of(excinfo) == ("InvalidInputException", "INVALID_PATTERN")

    # Another organization's request is not found either.
    other_id = orgsim.seed_account().id
    other = orgsim.session(other_id).client("organizations")
    other.create_organization()
    theirs = create(other, "Theirs")
    with pytest.raises(ClientError) as excinfo:
        mgmt.describe_create_account_status(CreateAccountRequestId=theirs["Id"])
    assert error_of(excinfo)[0] == "CreateAccountStatusNotFoundException"
    assert mgmt.list_create_account_status()["CreateAccountStatuses"] == []


# -- listing ---------------------------------------------------------------------------------------


def test_list_filters_by_state_and_paginates(mgmt: Any, clock: FrozenDateTimeFactory) -> None:
    done = [create(mgmt, f"Done{i}") for i in range(3)]
    failed = create(mgmt, "Failed", "done0@example.com")
    clock.tick(DELAY)
    running = [create(mgmt, f"Running{i}") for i in range(2)]

    def listed(**kwargs: Any) -> list[str]:
        pages = mgmt.get_paginator("list_create_account_status").paginate(
            PaginationConfig={"PageSize": 2}, **kwargs
        )
        return [s["Id"] for page in pages for s in page["CreateAccountStatuses"]]

    ids = lambda requests: [r["Id"] for r in requests]  # noqa: E731
    assert listed() == ids([*done, failed, *running])
    assert listed(States=["SUCCEEDED"]) == ids(done)
    assert listed(States=["FAILED", "IN_PROGRESS"]) == ids([failed, *running])
    assert listed(States=[]) == listed()

    first_page = mgmt.list_create_account_status(MaxResults=1)
    assert [s["Id"] for s in first_page["CreateAccountStatuses"]] == ids(done[:1])
    assert "NextToken" in first_page
    last = mgmt.list_create_account_status(States=["IN_PROGRESS"])
    assert "NextToken" not in last


def test_list_rejects_bad_tokens_and_sizes(mgmt: Any) -> None:
    for i in range(3):
        create(mgmt, f"Some{i}")
    token = mgmt.list_create_account_status(MaxResults=1)["NextToken"]
    bad_calls: list[dict[str, Any]] = [
        {"NextToken": "garbage"},
        {"NextToken": token, "States": ["SUCCEEDED"]},  # minted for another filter
        {"NextToken": token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]},
    ]
    for params in bad_calls:
        with pytest.raises(ClientError) as excinfo:
            mgmt.list_create_account_status(**params)
        assert error_of(excinfo) == ("InvalidInputException", "INVALID_NEXT_TOKEN"), params
    with pytest.raises(ClientError) as excinfo:
        mgmt.list_create_account_status(MaxResults=21)
    assert error_of(excinfo) == ("InvalidInputException", "MAX_VALUE_EXCEEDED")
    with pytest.raises(ClientError) as excinfo:
        mgmt.list_create_account_status(States=["DONE"])
    assert error_of(excinfo) == ("InvalidInputException", "INVALID_ENUM")
    second = mgmt.list_create_account_status(MaxResults=1, NextToken=token)["CreateAccountStatuses"]
    assert [s["AccountName"] for s in second] == ["Some1"]


# -- leaving ---------------------------------------------------------------------------------------


@pytest.mark.orgsim(created_account_wait_days=2, create_account_delay_seconds=30)
def test_a_created_account_must_wait_before_leaving_or_being_removed(
    orgsim: orgsim.Simulation, mgmt: Any, clock: FrozenDateTimeFactory
) -> None:
    requests = [create(mgmt, "Leaver"), create(mgmt, "Removed")]
    clock.tick(DELAY)
    leaver_id, removed_id = (describe(mgmt, r["Id"])["AccountId"] for r in requests)
    leaver = orgsim.session(leaver_id).client("organizations")

    clock.tick(dt.timedelta(days=2) - dt.timedelta(milliseconds=1))
    with pytest.raises(ClientError) as excinfo:
        leaver.leave_organization()
    assert error_of(excinfo) == ("ConstraintViolationException", "WAIT_PERIOD_ACTIVE")
    with pytest.raises(ClientError) as excinfo:
        mgmt.remove_account_from_organization(AccountId=removed_id)
    assert error_of(excinfo) == ("ConstraintViolationException", "WAIT_PERIOD_ACTIVE")
    assert set(account_ids(mgmt)) == {orgsim.default_account_id, leaver_id, removed_id}

    clock.tick(dt.timedelta(milliseconds=1))
    leaver.leave_organization()
    mgmt.remove_account_from_organization(AccountId=removed_id)
    assert account_ids(mgmt) == [orgsim.default_account_id]
    with pytest.raises(ClientError) as excinfo:
        leaver.describe_organization()
    assert error_of(excinfo)[0] == "AWSOrganizationsNotInUseException"


def test_invited_accounts_may_leave_at_once(orgsim: orgsim.Simulation, mgmt: Any) -> None:
    invited = orgsim.seed_account().id
    handshake = mgmt.invite_account_to_organization(Target={"Id": invited, "Type": "ACCOUNT"})["Handshake"]
    member = orgsim.session(invited).client("organizations")
    member.accept_handshake(HandshakeId=handshake["Id"])
    member.leave_organization()
    assert account_ids(mgmt) == [orgsim.default_account_id]


# -- with enabling all features ---------------------------------------------------------------------


def test_accounts_may_be_created_while_all_features_are_pending_and_are_not_asked(
    orgsim: orgsim.Simulation, mgmt: Any, clock: FrozenDateTimeFactory
) -> None:
    invited = orgsim.seed_account().id
    handshake = mgmt.invite_account_to_organization(Target={"Id": invited, "Type": "ACCOUNT"})["Handshake"]
    member = orgsim.session(invited).client("organizations")
    member.accept_handshake(HandshakeId=handshake["Id"])
    parent = mgmt.enable_all_features()["Handshake"]

    request = create(mgmt, "During")
    clock.tick(DELAY)
    created_id = describe(mgmt, request["Id"])["AccountId"]
    assert created_id in account_ids(mgmt)
    children = mgmt.list_handshakes_for_organization(Filter={"ParentHandshakeId": parent["Id"]})["Handshakes"]
    assert [c["Parties"][1]["Id"] for c in children] == [invited]

    member.accept_handshake(HandshakeId=children[0]["Id"])
    assert mgmt.describe_handshake(HandshakeId=parent["Id"])["Handshake"]["State"] == "OPEN"


# -- options ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"create_account_delay_seconds": -1},
        {"create_account_delay_seconds": True},
        {"created_account_wait_days": "7"},
        {"allow_invites_during_enable_all_features": 1},
    ],
)
def test_bad_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        orgsim.simulate(**options)
