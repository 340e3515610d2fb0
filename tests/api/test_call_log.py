"""Simulation.calls: every answered call, with caller, parameters and outcome."""

from __future__ import annotations

import datetime as dt

import pytest

import orgsim
from orgsim import RecordedCall

MEMBER = "222222222222"


def _invite(sim: orgsim.Simulation, account_id: str = MEMBER) -> str:
    mgmt = sim.session(sim.default_account_id).client("organizations")
    handshake = mgmt.invite_account_to_organization(Target={"Id": account_id, "Type": "ACCOUNT"})["Handshake"]
    return str(handshake["Id"])


def test_records_every_call_with_caller_params_and_result(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    mgmt.create_organization(FeatureSet="ALL")
    handshake_id = _invite(orgsim)

    assert orgsim.calls.operations == ["CreateOrganization", "InviteAccountToOrganization"]
    invite = orgsim.calls.last
    assert isinstance(invite, RecordedCall)
    assert invite.service == "organizations"
    assert invite.account_id == orgsim.default_account_id
    assert invite.caller_arn == f"arn:aws:iam::{orgsim.default_account_id}:root"
    assert invite.params == {"Target": {"Id": MEMBER, "Type": "ACCOUNT"}}
    assert invite.ok and invite.error is None and invite.error_code is None
    assert invite.output is not None and invite.output["Handshake"]["Id"] == handshake_id
    assert invite.handshake_id == handshake_id
    assert invite.handshake_state == "OPEN"
    assert invite.time.tzinfo is not None


def test_records_errors_with_code_and_reason(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    mgmt.create_organization()
    with pytest.raises(mgmt.exceptions.HandshakeConstraintViolationException):
        mgmt.invite_account_to_organization(Target={"Id": orgsim.default_account_id, "Type": "ACCOUNT"})

    failed = orgsim.calls.last
    assert not failed.ok
    assert failed.output is None
    assert failed.error_code == "HandshakeConstraintViolationException"
    assert failed.error_reason == "ALREADY_IN_AN_ORGANIZATION"
    assert failed.injected is False
    assert orgsim.calls.errors.operations == ["InviteAccountToOrganization"]


def test_request_id_matches_what_the_caller_saw(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    response = mgmt.create_organization()
    assert orgsim.calls.last.request_id == response["ResponseMetadata"]["RequestId"]


def test_filter_answers_questions_about_the_code_under_test(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    mgmt.create_organization()
    first, second = _invite(orgsim, "222222222222"), _invite(orgsim, "333333333333")
    mgmt.cancel_handshake(HandshakeId=second)
    with pytest.raises(mgmt.exceptions.HandshakeAlreadyInStateException):
        mgmt.cancel_handshake(HandshakeId=second)

    cancels = orgsim.calls.filter("cancel_handshake")
    assert len(cancels) == 2
    assert len(orgsim.calls.filter("CancelHandshake", ok=True)) == 1
    assert orgsim.calls.filter("CancelHandshake", ok=True)[0].handshake_id == second
    assert len(orgsim.calls.filter(handshake_id=first)) == 1
    assert len(orgsim.calls.filter(error="HandshakeAlreadyInStateException")) == 1
    assert len(orgsim.calls.filter(account_id=MEMBER)) == 0
    assert len(orgsim.calls.filter(service="sts")) == 0


def test_caller_identity_follows_assumed_roles(orgsim: orgsim.Simulation) -> None:
    sts = orgsim.session(orgsim.default_account_id).client("sts")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole", RoleSessionName="tests")[
        "Credentials"
    ]
    import boto3

    member = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-east-1",
    ).client("organizations")
    member.list_handshakes_for_account()

    assume, listing = orgsim.calls
    assert (assume.service, assume.operation, assume.account_id) == ("sts", "AssumeRole", orgsim.default_account_id)
    assert listing.account_id == MEMBER
    assert listing.caller_arn.startswith(f"arn:aws:sts::{MEMBER}:assumed-role/OrganizationAccountAccessRole/")


def test_log_is_a_read_only_sequence(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    mgmt.create_organization()
    mgmt.describe_organization()
    calls = orgsim.calls
    assert len(calls) == 2 and bool(calls)
    assert calls[0].operation == "CreateOrganization" and calls[-1].operation == "DescribeOrganization"
    assert calls[1:].operations == ["DescribeOrganization"]
    assert [c.operation for c in reversed(calls)] == ["DescribeOrganization", "CreateOrganization"]
    assert calls == list(calls)
    with pytest.raises(AttributeError):
        calls[0].operation = "Other"  # type: ignore[misc]
    assert "DescribeOrganization" in repr(calls)


def test_clear_forgets_what_was_recorded(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    mgmt.create_organization()
    orgsim.calls.clear()
    assert len(orgsim.calls) == 0
    with pytest.raises(IndexError):
        orgsim.calls.last
    mgmt.describe_organization()
    assert orgsim.calls.operations == ["DescribeOrganization"]


def test_time_is_the_simulated_clock_to_the_millisecond() -> None:
    clock = orgsim.ManualClock("2030-05-01T12:00:00.123456Z")
    with orgsim.simulate(clock=clock) as sim:
        mgmt = sim.session(sim.default_account_id).client("organizations")
        mgmt.create_organization()
        clock.advance(days=2)
        mgmt.describe_organization()
    start = dt.datetime(2030, 5, 1, 12, 0, 0, 123000, tzinfo=dt.timezone.utc)
    assert [c.time for c in sim.calls] == [start, start + dt.timedelta(days=2)]


def test_call_log_limit_keeps_the_latest_calls() -> None:
    with orgsim.simulate(call_log_limit=2) as sim:
        mgmt = sim.session(sim.default_account_id).client("organizations")
        mgmt.create_organization()
        for _ in range(3):
            mgmt.describe_organization()
        mgmt.list_accounts()
        assert sim.calls.operations == ["DescribeOrganization", "ListAccounts"]


def test_call_log_limit_zero_records_nothing() -> None:
    with orgsim.simulate(call_log_limit=0) as sim:
        sim.session(sim.default_account_id).client("organizations").create_organization()
        assert len(sim.calls) == 0


def test_log_stays_readable_after_the_simulation_stops() -> None:
    with orgsim.simulate() as sim:
        sim.session(sim.default_account_id).client("organizations").create_organization()
    assert sim.calls.operations == ["CreateOrganization"]


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_call_log_limit_is_validated(bad: object) -> None:
    with pytest.raises(ValueError, match="call_log_limit"):
        orgsim.simulate(call_log_limit=bad)


def test_responses_and_the_log_never_share_structures(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    created = mgmt.create_organization()
    org_id = created["Organization"]["Id"]
    created["Organization"]["Id"] = "changed by the caller"
    created["Organization"]["AvailablePolicyTypes"].clear()
    handshake_id = _invite(orgsim)
    record = orgsim.calls[0]
    assert record.output is not None
    assert record.output["Organization"]["Id"] == org_id
    assert record.output["Organization"]["AvailablePolicyTypes"] != []
    # Reading the log hands out copies too: changing one changes neither the log nor the next read.
    record.output["Organization"]["Id"] = "changed by a reader"
    assert record.output["Organization"]["Id"] == org_id
    invited = orgsim.calls[-1].output
    assert invited is not None
    invited["Handshake"]["Parties"].clear()
    assert orgsim.calls[-1].output["Handshake"]["Id"] == handshake_id  # type: ignore[index]
    assert len(orgsim.calls[-1].output["Handshake"]["Parties"]) == 2  # type: ignore[index]


def test_records_the_transitions_each_call_made(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    mgmt.create_organization(FeatureSet="CONSOLIDATED_BILLING")
    member_id = orgsim.seed_account().id
    member = orgsim.session(member_id).client("organizations")
    invited = mgmt.invite_account_to_organization(Target={"Id": member_id, "Type": "ACCOUNT"})["Handshake"]["Id"]
    pending = mgmt.invite_account_to_organization(Target={"Id": "333333333333", "Type": "ACCOUNT"})["Handshake"]["Id"]
    member.accept_handshake(HandshakeId=invited)
    parent = mgmt.enable_all_features()["Handshake"]["Id"]
    (child,) = member.list_handshakes_for_account(Filter={"ActionType": "ENABLE_ALL_FEATURES"})["Handshakes"]
    member.accept_handshake(HandshakeId=child["Id"])

    assert all(call.changes == () for call in orgsim.calls.filter("InviteAccountToOrganization"))  # no transition
    accepts = [call for call in orgsim.calls if call.operation == "AcceptHandshake"]
    assert accepts[0].changes == (orgsim_change(invited, "OPEN", "ACCEPTED"),)
    # EnableAllFeatures cancels the pending invitation; the second acceptance opens the parent.
    (enable,) = orgsim.calls.filter("enable_all_features")
    assert enable.changes == (orgsim_change(pending, "OPEN", "CANCELED"),)
    assert accepts[1].changes == (
        orgsim_change(child["Id"], "OPEN", "ACCEPTED"),
        orgsim_change(parent, "REQUESTED", "OPEN"),
    )
    assert all(call.changes == () for call in orgsim.calls.filter("ListHandshakesForAccount"))


def orgsim_change(id_: str, before: str, after: str) -> orgsim.Change:
    return orgsim.Change(id_, before, after)


@pytest.mark.parametrize("name", ["enable_aws_service_access", "EnableAWSServiceAccess"])
def test_operation_names_come_from_the_model(orgsim: orgsim.Simulation, name: str) -> None:
    # Title-casing the method name would give EnableAwsServiceAccess, which no model has.
    assert orgsim.calls.filter(name) == []
    with pytest.raises(ValueError, match="no_such_operation"):
        orgsim.calls.filter("no_such_operation")
