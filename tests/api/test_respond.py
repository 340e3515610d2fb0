"""AcceptHandshake, DeclineHandshake, CancelHandshake and DescribeHandshake (behaviour.md, "Answering a handshake")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from freezegun import freeze_time

from support import ACCOUNT_MEMBERS, World, aws_error, check_paths

NOW = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


def _answer(world: World, handshake: dict[str, Any], action: str) -> Any:
    """Call ``action`` as the party entitled to it: the recipient accepts/declines, the sender cancels."""
    if action == "cancel":
        return world.mgmt.cancel_handshake
    return getattr(world.client(handshake["Parties"][1]["Id"]), f"{action}_handshake")


def _put_in_state(world: World, handshake: dict[str, Any], state: str, advance: Callable[[dt.timedelta], None]) -> None:
    if state == "ACCEPTED":
        _answer(world, handshake, "accept")(HandshakeId=handshake["Id"])
    elif state == "DECLINED":
        _answer(world, handshake, "decline")(HandshakeId=handshake["Id"])
    elif state == "CANCELED":
        _answer(world, handshake, "cancel")(HandshakeId=handshake["Id"])
    elif state == "EXPIRED":
        advance(dt.timedelta(days=15))
    else:
        assert state == "OPEN"


# Spec section 7, rows OPEN..EXPIRED: the outcome of each answer from each state.
# A state name means success into that state; an exception name means that error.
MATRIX = {
    ("OPEN", "accept"): "ACCEPTED",
    ("OPEN", "decline"): "DECLINED",
    ("OPEN", "cancel"): "CANCELED",
    ("ACCEPTED", "accept"): "HandshakeAlreadyInStateException",
    ("ACCEPTED", "decline"): "InvalidHandshakeTransitionException",
    ("ACCEPTED", "cancel"): "InvalidHandshakeTransitionException",
    ("DECLINED", "accept"): "InvalidHandshakeTransitionException",
    ("DECLINED", "decline"): "HandshakeAlreadyInStateException",
    ("DECLINED", "cancel"): "InvalidHandshakeTransitionException",
    ("CANCELED", "accept"): "InvalidHandshakeTransitionException",
    ("CANCELED", "decline"): "InvalidHandshakeTransitionException",
    ("CANCELED", "cancel"): "HandshakeAlreadyInStateException",
    ("EXPIRED", "accept"): "InvalidHandshakeTransitionException",
    ("EXPIRED", "decline"): "InvalidHandshakeTransitionException",
    ("EXPIRED", "cancel"): "InvalidHandshakeTransitionException",
}


@pytest.mark.parametrize(("state", "action"), sorted(MATRIX), ids=lambda v: str(v))
def test_transition_matrix(world: World, state: str, action: str) -> None:
    expected = MATRIX[(state, action)]
    with freeze_time(NOW) as frozen:
        handshake = world.invite()
        _put_in_state(world, handshake, state, frozen.tick)
        call = _answer(world, handshake, action)
        if expected.endswith("Exception"):
            client = call.__self__
            with aws_error(client, expected):
                call(HandshakeId=handshake["Id"])
            after = world.mgmt.describe_handshake(HandshakeId=handshake["Id"])["Handshake"]
            assert after["State"] == state  # a refused answer changes nothing
        else:
            answered = call(HandshakeId=handshake["Id"])["Handshake"]
            assert answered["State"] == expected
            assert {k: v for k, v in answered.items() if k != "State"} == {
                k: v for k, v in handshake.items() if k != "State"
            }
            assert world.mgmt.describe_handshake(HandshakeId=handshake["Id"])["Handshake"] == answered


@pytest.mark.parametrize("action", ["accept", "decline", "cancel", "describe"])
def test_purged_handshakes_are_not_found(world: World, action: str) -> None:
    with freeze_time(NOW) as frozen:
        handshake = world.invite()
        world.mgmt.cancel_handshake(HandshakeId=handshake["Id"])
        frozen.tick(dt.timedelta(days=30))
        client = world.client(handshake["Parties"][1]["Id"]) if action != "cancel" else world.mgmt
        with aws_error(client, "HandshakeNotFoundException"):
            getattr(client, f"{action}_handshake")(HandshakeId=handshake["Id"])


# -- who may answer -------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_the_sender_cannot_accept_or_decline(world: World, action: str) -> None:
    handshake = world.invite()
    with aws_error(world.mgmt, "AccessDeniedException"):
        getattr(world.mgmt, f"{action}_handshake")(HandshakeId=handshake["Id"])


def test_the_recipient_cannot_cancel(world: World) -> None:
    handshake = world.invite()
    recipient = world.client(handshake["Parties"][1]["Id"])
    with aws_error(recipient, "AccessDeniedException"):
        recipient.cancel_handshake(HandshakeId=handshake["Id"])


@pytest.mark.parametrize("action", ["accept", "decline", "cancel"])
def test_other_members_of_the_sender_see_but_may_not_answer(world: World, action: str) -> None:
    member = world.client(world.join())
    handshake = world.invite()
    assert member.describe_handshake(HandshakeId=handshake["Id"])["Handshake"]["Id"] == handshake["Id"]
    with aws_error(member, "AccessDeniedException"):
        getattr(member, f"{action}_handshake")(HandshakeId=handshake["Id"])


@pytest.mark.parametrize("action", ["accept", "decline", "cancel", "describe"])
def test_unrelated_accounts_cannot_find_the_handshake(world: World, action: str) -> None:
    handshake = world.invite()
    stranger = world.client("555555555555")
    with aws_error(stranger, "HandshakeNotFoundException"):
        getattr(stranger, f"{action}_handshake")(HandshakeId=handshake["Id"])


@pytest.mark.parametrize("action", ["accept", "decline", "cancel", "describe"])
def test_members_of_another_organization_cannot_find_it(world: World, action: str) -> None:
    handshake = world.invite()
    other = world.client("333333333333")
    other.create_organization()
    with aws_error(other, "HandshakeNotFoundException"):
        getattr(other, f"{action}_handshake")(HandshakeId=handshake["Id"])


def test_party_is_checked_before_state(world: World) -> None:
    handshake = world.invite()
    world.client(handshake["Parties"][1]["Id"]).accept_handshake(HandshakeId=handshake["Id"])
    with aws_error(world.mgmt, "AccessDeniedException"):
        world.mgmt.accept_handshake(HandshakeId=handshake["Id"])


# -- input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["accept", "decline", "cancel", "describe"])
@pytest.mark.parametrize(
    ("handshake_id", "reason"),
    [
        ("h-short", "INVALID_PATTERN"),
        ("H-ABCDEFGHIJ", "INVALID_PATTERN"),
        ("x-0123456789", "INVALID_PATTERN"),
        ("h-0123456789abcdef0123456789abcdef0", "MAX_LENGTH_EXCEEDED"),
    ],
)
def test_malformed_ids_are_invalid_input(world: World, action: str, handshake_id: str, reason: str) -> None:
    with aws_error(world.mgmt, "InvalidInputException", reason):
        getattr(world.mgmt, f"{action}_handshake")(HandshakeId=handshake_id)


@pytest.mark.parametrize("action", ["accept", "decline", "cancel", "describe"])
def test_unknown_well_formed_id_is_not_found(world: World, action: str) -> None:
    with aws_error(world.mgmt, "HandshakeNotFoundException"):
        getattr(world.mgmt, f"{action}_handshake")(HandshakeId="h-0123456789abcdef")


# -- effects --------------------------------------------------------------------------------------


def test_accepting_makes_the_account_a_member(world: World) -> None:
    target = world.sim.seed_account(email="member@example.com", name="Member")
    with freeze_time(NOW) as frozen:
        handshake = world.invite(target.id)
        frozen.tick(dt.timedelta(hours=5))
        member = world.client(target.id)
        member.accept_handshake(HandshakeId=handshake["Id"])

    org = world.org
    assert member.describe_organization()["Organization"] == org
    account = world.mgmt.describe_account(AccountId=target.id)["Account"]
    check_paths(account, org["Id"])
    expected = {
        "Id": target.id,
        "Arn": f"arn:aws:organizations::{world.mgmt_id}:account/{org['Id']}/{target.id}",
        "Email": "member@example.com",
        "Name": "Member",
        "Status": "ACTIVE",
        "State": "ACTIVE",
        "Paths": account.get("Paths"),
        "JoinedMethod": "INVITED",
        "JoinedTimestamp": NOW + dt.timedelta(hours=5),
    }
    assert account == {key: value for key, value in expected.items() if key in ACCOUNT_MEMBERS}
    listed = {a["Id"]: a for a in world.mgmt.list_accounts()["Accounts"]}
    assert listed[target.id] == account


def test_declining_or_canceling_changes_no_membership(world: World) -> None:
    declined = world.invite()
    canceled = world.invite()
    world.client(declined["Parties"][1]["Id"]).decline_handshake(HandshakeId=declined["Id"])
    world.mgmt.cancel_handshake(HandshakeId=canceled["Id"])
    assert [a["Id"] for a in world.mgmt.list_accounts()["Accounts"]] == [world.mgmt_id]
    for handshake in (declined, canceled):
        with aws_error(world.client(handshake["Parties"][1]["Id"]), "AWSOrganizationsNotInUseException"):
            world.client(handshake["Parties"][1]["Id"]).describe_organization()


def test_email_invitation_is_answered_by_the_account_owning_the_email(world: World) -> None:
    owner = world.sim.seed_account(email="Owner@Example.com")
    handshake = world.mgmt.invite_account_to_organization(Target={"Id": "owner@example.com", "Type": "EMAIL"})[
        "Handshake"
    ]
    client = world.client(owner.id)
    assert client.list_handshakes_for_account()["Handshakes"] == [handshake]
    accepted = client.accept_handshake(HandshakeId=handshake["Id"])["Handshake"]
    assert accepted["State"] == "ACCEPTED"
    assert accepted["Parties"] == handshake["Parties"]  # the target stays as it was invited
    assert client.describe_organization()["Organization"]["Id"] == world.org["Id"]


def test_email_invitation_reaches_an_account_created_later(world: World) -> None:
    handshake = world.mgmt.invite_account_to_organization(Target={"Id": "late@example.com", "Type": "EMAIL"})[
        "Handshake"
    ]
    late = world.sim.seed_account(email="late@example.com")
    assert world.client(late.id).accept_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"] == "ACCEPTED"


def test_a_standalone_recipient_may_describe_list_and_decline(world: World) -> None:
    handshake = world.invite()
    recipient = world.client(handshake["Parties"][1]["Id"])
    assert recipient.describe_handshake(HandshakeId=handshake["Id"])["Handshake"] == handshake
    assert recipient.list_handshakes_for_account()["Handshakes"] == [handshake]
    assert recipient.decline_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"] == "DECLINED"


def test_a_former_member_still_sees_its_accepted_invitation(world: World) -> None:
    handshake = world.invite()
    member_id = handshake["Parties"][1]["Id"]
    member = world.client(member_id)
    member.accept_handshake(HandshakeId=handshake["Id"])
    member.leave_organization()
    assert member.describe_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"] == "ACCEPTED"


def test_deleting_the_organization_cancels_its_open_invitations(world: World) -> None:
    handshake = world.invite()
    recipient = world.client(handshake["Parties"][1]["Id"])
    world.mgmt.delete_organization()
    assert recipient.describe_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"] == "CANCELED"
    with aws_error(recipient, "InvalidHandshakeTransitionException"):
        recipient.accept_handshake(HandshakeId=handshake["Id"])
