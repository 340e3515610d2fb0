"""conftest_example.py at the repository root works as a user's conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "conftest_example.py"

USER_TESTS = '''
import datetime as dt

import pytest


def cancel_pending_invitations(client):
    """Code under test: cancel every OPEN invitation the organization sent."""
    paginator = client.get_paginator("list_handshakes_for_organization")
    for page in paginator.paginate(Filter={"ActionType": "INVITE"}):
        for handshake in page["Handshakes"]:
            if handshake["State"] == "OPEN":
                client.cancel_handshake(HandshakeId=handshake["Id"])


def test_member_sees_the_organization(member_client, organization):
    assert member_client.describe_organization()["Organization"]["Id"] == organization.id


def test_invitee_accepts(invitee_client, management_client, organization):
    (invitation,) = invitee_client.list_handshakes_for_account()["Handshakes"]
    invitee_client.accept_handshake(HandshakeId=invitation["Id"])
    assert len(management_client.list_accounts()["Accounts"]) == 3


def test_invitation_expires_after_15_days(invitee_client, frozen, organization):
    frozen.tick(dt.timedelta(days=15))
    (invitation,) = invitee_client.list_handshakes_for_account()["Handshakes"]
    assert invitation["State"] == "EXPIRED"
    assert invitation["RequestedTimestamp"] == dt.datetime(2024, 1, 1, 9, tzinfo=dt.timezone.utc)


def test_code_under_test_cancels_exactly_one_invitation(management_client, orgsim, organization):
    cancel_pending_invitations(management_client)
    cancels = orgsim.calls.filter("CancelHandshake")
    assert len(cancels) == 1
    assert cancels[0].handshake_id == organization.invitations[0].id


def test_marker_defaults_apply(orgsim):
    assert orgsim.default_account_id == "111111111111"
    assert orgsim.options.max_accounts == 5


@pytest.mark.orgsim(default_account_id="999999999999")
def test_a_test_marker_wins_over_the_defaults(orgsim):
    assert orgsim.default_account_id == "999999999999"
'''


def test_conftest_example_runs_as_a_users_conftest(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(EXAMPLE.read_text())
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)
