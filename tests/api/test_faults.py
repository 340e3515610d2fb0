"""Simulation.fail: chosen calls fail with chosen modeled errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.exceptions import ClientError

import orgsim

MEMBER = "222222222222"


@pytest.fixture
def invited(orgsim: orgsim.Simulation) -> tuple[Any, Any, str]:
    seeded = orgsim.seed_organization(invitations=[MEMBER])
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    member = orgsim.session(MEMBER).client("organizations")
    return mgmt, member, seeded.invitations[0].id


def test_next_two_calls_fail_then_the_third_succeeds(orgsim: orgsim.Simulation, invited: tuple[Any, Any, str]) -> None:
    _, member, handshake_id = invited
    fault = orgsim.fail("AcceptHandshake", "ConcurrentModificationException", times=2)

    for _ in range(2):
        with pytest.raises(member.exceptions.ConcurrentModificationException) as raised:
            member.accept_handshake(HandshakeId=handshake_id)
        assert raised.value.response["Error"]["Message"]
        assert raised.value.response["Message"] == raised.value.response["Error"]["Message"]
    assert member.accept_handshake(HandshakeId=handshake_id)["Handshake"]["State"] == "ACCEPTED"

    assert fault.hits == 2 and fault.remaining == 0 and not fault.active
    assert orgsim.faults == ()
    attempts = orgsim.calls.filter("AcceptHandshake")
    assert [c.injected for c in attempts] == [True, True, False]
    assert [c.error_code for c in attempts] == ["ConcurrentModificationException"] * 2 + [None]


def test_injected_errors_are_not_retried_by_botocore(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    mgmt.create_organization()
    orgsim.fail("DescribeOrganization", "TooManyRequestsException", times=1)
    # botocore would retry throttling; a fault answers at before-call, so the first call just fails.
    with pytest.raises(mgmt.exceptions.TooManyRequestsException) as raised:
        mgmt.describe_organization()
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert raised.value.response["Type"]
    assert mgmt.describe_organization()["Organization"]


def test_a_window_of_simulated_time_fails_every_call() -> None:
    clock = orgsim.ManualClock("2024-03-01T12:00:00Z")
    with orgsim.simulate(clock=clock) as sim:
        mgmt = sim.session(sim.default_account_id).client("organizations")
        mgmt.create_organization()
        fault = sim.fail(None, "TooManyRequestsException", for_=dt.timedelta(minutes=5))

        for step in (0, 2, 2):  # 12:00, 12:02, 12:04
            clock.advance(minutes=step)
            with pytest.raises(mgmt.exceptions.TooManyRequestsException):
                mgmt.list_accounts()
        with pytest.raises(mgmt.exceptions.TooManyRequestsException):
            mgmt.list_handshakes_for_organization()
        clock.advance(minutes=1)  # 12:05: the window has closed
        assert mgmt.list_accounts()["Accounts"]
        assert fault.hits == 4
        assert sim.faults == ()


def test_window_moves_with_freezegun(orgsim: orgsim.Simulation) -> None:
    freezegun = pytest.importorskip("freezegun")
    with freezegun.freeze_time("2024-03-01 12:00:00") as frozen:
        mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
        mgmt.create_organization()
        orgsim.fail("ListAccounts", "ServiceException", for_=dt.timedelta(minutes=5))
        frozen.tick(dt.timedelta(minutes=4, seconds=59))
        with pytest.raises(mgmt.exceptions.ServiceException) as raised:
            mgmt.list_accounts()
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        frozen.tick(dt.timedelta(seconds=1))
        assert mgmt.list_accounts()["Accounts"]


def test_reason_is_filled_and_checked_against_the_model(
    orgsim: orgsim.Simulation, invited: tuple[Any, Any, str]
) -> None:
    _, member, handshake_id = invited
    orgsim.fail(
        "accept_handshake", "HandshakeConstraintViolationException", reason="PAYMENT_INSTRUMENT_REQUIRED", times=1
    )
    with pytest.raises(member.exceptions.HandshakeConstraintViolationException) as raised:
        member.accept_handshake(HandshakeId=handshake_id)
    assert raised.value.response["Reason"] == "PAYMENT_INSTRUMENT_REQUIRED"
    assert orgsim.calls.last.error_reason == "PAYMENT_INSTRUMENT_REQUIRED"


def test_message_and_extra_members_can_be_chosen(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    orgsim.fail("CreateOrganization", "TooManyRequestsException", message="slow down", members={"Type": "Custom"})
    with pytest.raises(ClientError) as raised:
        mgmt.create_organization()
    assert raised.value.response["Error"] == {"Code": "TooManyRequestsException", "Message": "slow down"}
    assert raised.value.response["Type"] == "Custom"


def test_only_the_named_account_is_affected(orgsim: orgsim.Simulation, invited: tuple[Any, Any, str]) -> None:
    mgmt, member, _ = invited
    orgsim.fail("ListHandshakesForAccount", "AccessDeniedException", account_id=MEMBER)
    assert mgmt.list_handshakes_for_account()["Handshakes"] == []
    with pytest.raises(member.exceptions.AccessDeniedException):
        member.list_handshakes_for_account()


def test_exception_classes_are_accepted_as_the_error(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    orgsim.fail("CreateOrganization", mgmt.exceptions.AccessDeniedException, times=1)
    with pytest.raises(mgmt.exceptions.AccessDeniedException):
        mgmt.create_organization()


def test_sts_faults_use_the_wire_error_code(orgsim: orgsim.Simulation) -> None:
    sts = orgsim.session(orgsim.default_account_id).client("sts")
    orgsim.fail("AssumeRole", "MalformedPolicyDocumentException", times=1)
    with pytest.raises(sts.exceptions.MalformedPolicyDocumentException):
        sts.assume_role(RoleArn=f"arn:aws:iam::{MEMBER}:role/Admin", RoleSessionName="tests")
    assert orgsim.calls.last.error_code == "MalformedPolicyDocument"
    # A fault on every Organizations operation leaves STS alone.
    orgsim.fail(None, "ServiceException")
    assert sts.get_caller_identity()["Account"] == orgsim.default_account_id


def test_cancel_and_clear_disarm_faults(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    mgmt.create_organization()
    first = orgsim.fail("DescribeOrganization", "ServiceException")
    orgsim.fail("ListAccounts", "ServiceException")
    assert len(orgsim.faults) == 2
    first.cancel()
    assert mgmt.describe_organization()["Organization"]
    orgsim.clear_faults()
    assert mgmt.list_accounts()["Accounts"]
    assert orgsim.faults == ()
    assert "ListAccounts" in repr(first) or "DescribeOrganization" in repr(first)


def test_the_oldest_matching_fault_answers_first(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    orgsim.fail("CreateOrganization", "AccessDeniedException", times=1)
    orgsim.fail(None, "ServiceException", times=1)
    codes = []
    for _ in range(3):
        try:
            mgmt.create_organization()
            codes.append("ok")
        except ClientError as error:
            codes.append(error.response["Error"]["Code"])
    assert codes == ["AccessDeniedException", "ServiceException", "ok"]


@pytest.mark.parametrize(
    ("operation", "error", "kwargs", "message"),
    [
        ("AcceptHandshake", "NoSuchThingException", {}, "not an error of Organizations"),
        ("AcceptHandshake", "DuplicateHandshakeException", {}, "does not list DuplicateHandshakeException"),
        ("CreateGovCloudAccount", "ServiceException", {}, "does not simulate"),
        (["AcceptHandshake", "AssumeRole"], "ServiceException", {}, "one service"),
        ([], "ServiceException", {}, "at least one operation"),
        ("AcceptHandshake", "ConcurrentModificationException", {"reason": "X"}, "no Reason member"),
        ("AcceptHandshake", "HandshakeConstraintViolationException", {"reason": "NOPE"}, "not a Reason"),
        ("AcceptHandshake", "ServiceException", {"times": 0}, "times"),
        ("AcceptHandshake", "ServiceException", {"for_": dt.timedelta(0)}, "for_"),
        ("AcceptHandshake", "TooManyRequestsException", {"members": {"Colour": "red"}}, "no member"),
        ("AcceptHandshake", "ServiceException", {"members": {"Message": "x"}}, "message="),
    ],
)
def test_bad_faults_are_refused_with_a_helpful_message(
    orgsim: orgsim.Simulation, operation: Any, error: str, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        orgsim.fail(operation, error, **kwargs)
    assert orgsim.faults == ()


def test_faults_on_the_tree_operations(orgsim: orgsim.Simulation) -> None:
    seeded = orgsim.seed_organization(members=[MEMBER], organizational_units=["Prod"])
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    prod = seeded.organizational_units["Prod"].id
    orgsim.fail(["MoveAccount", "create_organizational_unit"], "ConcurrentModificationException", times=2)
    orgsim.fail("CloseAccount", "ConstraintViolationException", reason="CLOSE_ACCOUNT_QUOTA_EXCEEDED", times=1)
    with pytest.raises(mgmt.exceptions.ConcurrentModificationException):
        mgmt.move_account(AccountId=MEMBER, SourceParentId=seeded.organization.root_id, DestinationParentId=prod)
    with pytest.raises(mgmt.exceptions.ConcurrentModificationException):
        mgmt.create_organizational_unit(ParentId=prod, Name="Team")
    with pytest.raises(mgmt.exceptions.ConstraintViolationException) as quota:
        mgmt.close_account(AccountId=MEMBER)
    assert quota.value.response["Reason"] == "CLOSE_ACCOUNT_QUOTA_EXCEEDED"
    # Nothing happened; the next calls are answered as usual.
    assert orgsim.account(MEMBER).parent_id == seeded.organization.root_id
    assert orgsim.account(MEMBER).state == "ACTIVE"
    mgmt.move_account(AccountId=MEMBER, SourceParentId=seeded.organization.root_id, DestinationParentId=prod)
    assert [c.injected for c in orgsim.calls] == [True, True, True, False]


def test_a_ci_job_whose_token_is_refused(orgsim: orgsim.Simulation) -> None:
    sts = orgsim.session(orgsim.default_account_id).client("sts")
    orgsim.fail("AssumeRoleWithWebIdentity", "InvalidIdentityTokenException", times=1)
    with pytest.raises(sts.exceptions.InvalidIdentityTokenException):
        sts.assume_role_with_web_identity(
            RoleArn="arn:aws:iam::222222222222:role/CI", RoleSessionName="ci", WebIdentityToken="token"
        )
    sts.assume_role_with_web_identity(RoleArn="arn:aws:iam::222222222222:role/CI", RoleSessionName="ci", WebIdentityToken="token")


def test_move_account_faults_are_checked_against_its_errors(orgsim: orgsim.Simulation) -> None:
    with pytest.raises(ValueError, match="does not list DuplicateOrganizationalUnitException for MoveAccount"):
        orgsim.fail("MoveAccount", "DuplicateOrganizationalUnitException")
