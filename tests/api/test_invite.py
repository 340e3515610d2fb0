"""InviteAccountToOrganization: who may call it, its validation, its output and its constraints (behaviour.md, "Invitations")."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from freezegun import freeze_time

import orgsim
from support import World, aws_error

NOW = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


def _by_type(items: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {item["Type"]: item for item in items}


# -- output ---------------------------------------------------------------------------------------


def test_account_invitation_has_the_documented_shape(orgsim: orgsim.Simulation) -> None:
    target = orgsim.seed_account(email="target@example.com", name="Target").id
    with freeze_time(NOW):
        world = World.build(orgsim)
        mgmt_email = world.org["MasterAccountEmail"]
        handshake = world.invite(target, Notes="Welcome aboard")

    org_id = world.org["Id"]
    assert re.fullmatch(r"h-[0-9a-z]{8,32}", handshake["Id"])
    assert handshake["Arn"] == f"arn:aws:organizations::{world.mgmt_id}:handshake/{org_id}/invite/{handshake['Id']}"
    assert handshake["Action"] == "INVITE"
    assert handshake["State"] == "OPEN"
    assert handshake["Parties"] == [{"Id": org_id, "Type": "ORGANIZATION"}, {"Id": target, "Type": "ACCOUNT"}]
    assert handshake["RequestedTimestamp"] == NOW
    assert handshake["ExpirationTimestamp"] == NOW + dt.timedelta(days=15)

    resources = _by_type(handshake["Resources"])
    assert set(resources) == {"ORGANIZATION", "ACCOUNT", "NOTES"}
    organization = resources["ORGANIZATION"]
    assert organization["Value"] == org_id
    assert _by_type(organization["Resources"]) == {  # type: ignore[arg-type]
        "MASTER_EMAIL": {"Type": "MASTER_EMAIL", "Value": mgmt_email},
        "MASTER_NAME": {"Type": "MASTER_NAME", "Value": f"Account {world.mgmt_id}"},
        "ORGANIZATION_FEATURE_SET": {"Type": "ORGANIZATION_FEATURE_SET", "Value": "ALL"},
    }
    assert resources["ACCOUNT"] == {"Type": "ACCOUNT", "Value": target}
    assert resources["NOTES"] == {"Type": "NOTES", "Value": "Welcome aboard"}


def test_email_invitation_names_the_email_as_given(world: World) -> None:
    handshake = world.mgmt.invite_account_to_organization(Target={"Id": "Diego@Example.com", "Type": "EMAIL"})[
        "Handshake"
    ]
    assert handshake["Parties"][1] == {"Id": "Diego@Example.com", "Type": "EMAIL"}
    resources = _by_type(handshake["Resources"])
    assert resources["EMAIL"] == {"Type": "EMAIL", "Value": "Diego@Example.com"}
    assert "NOTES" not in resources


def test_invitation_without_notes_has_no_notes_resource(world: World) -> None:
    handshake = world.invite()
    assert [r["Type"] for r in handshake["Resources"]] == ["ORGANIZATION", "ACCOUNT"]


def test_invitation_advertises_the_organizations_feature_set(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim, feature_set="CONSOLIDATED_BILLING")
    organization = _by_type(world.invite()["Resources"])["ORGANIZATION"]
    features = _by_type(organization["Resources"])["ORGANIZATION_FEATURE_SET"]  # type: ignore[arg-type]
    assert features["Value"] == "CONSOLIDATED_BILLING"


def test_invitation_is_visible_to_sender_and_recipient(world: World) -> None:
    handshake = world.invite()
    target = handshake["Parties"][1]["Id"]
    sent = world.mgmt.list_handshakes_for_organization()["Handshakes"]
    received = world.client(target).list_handshakes_for_account()["Handshakes"]
    assert sent == [handshake]
    assert received == [handshake]
    assert world.client(target).describe_handshake(HandshakeId=handshake["Id"])["Handshake"] == handshake


def test_an_account_never_created_can_be_invited(world: World) -> None:
    # No "not found" error is modeled for this operation: a well-formed id exists implicitly.
    handshake = world.invite("999988887777")
    assert handshake["State"] == "OPEN"
    joined = world.client("999988887777").accept_handshake(HandshakeId=handshake["Id"])["Handshake"]
    assert joined["State"] == "ACCEPTED"


# -- who may call it ------------------------------------------------------------------------------


def test_standalone_caller_is_not_in_an_organization(orgsim: orgsim.Simulation) -> None:
    client = orgsim.session("111111111111").client("organizations")
    with aws_error(client, "AWSOrganizationsNotInUseException") as info:
        client.invite_account_to_organization(Target={"Id": "222222222222", "Type": "ACCOUNT"})
    assert info.value.response["Message"] == "Your account is not a member of an organization."


def test_member_may_not_invite(world: World) -> None:
    member = world.client(world.join())
    with aws_error(member, "AccessDeniedException"):
        member.invite_account_to_organization(Target={"Id": "222222222222", "Type": "ACCOUNT"})


def test_input_is_validated_before_membership(orgsim: orgsim.Simulation) -> None:
    client = orgsim.session("111111111111").client("organizations")
    with aws_error(client, "InvalidInputException", "INVALID_ENUM"):
        client.invite_account_to_organization(Target={"Id": "222222222222", "Type": "PERSON"})


# -- validation -----------------------------------------------------------------------------------

TAG = {"Key": "team", "Value": "blue"}
ACCT = {"Id": "222222222222", "Type": "ACCOUNT"}
INVALID = "InvalidInputException"


def _target(party_id: str, party_type: str) -> dict[str, object]:
    return {"Target": {"Id": party_id, "Type": party_type}}


def _tags(*tags: dict[str, str]) -> dict[str, object]:
    return {"Target": ACCT, "Tags": list(tags)}


@pytest.mark.parametrize(
    ("kwargs", "code", "reason"),
    [
        pytest.param(_target("222222222222", "PERSON"), INVALID, "INVALID_ENUM", id="type-not-in-enum"),
        pytest.param(_target("o-abcdefghij", "ORGANIZATION"), INVALID, "INVALID_PARTY_TYPE_TARGET", id="org-target"),
        pytest.param(_target("12345", "ACCOUNT"), INVALID, "INVALID_PATTERN", id="short-account-id"),
        pytest.param(_target("12345678901a", "ACCOUNT"), INVALID, "INVALID_PATTERN", id="letter-in-account-id"),
        pytest.param(_target("diego@example.com", "ACCOUNT"), INVALID, "INVALID_PATTERN", id="email-as-account-id"),
        pytest.param(_target("not-an-email", "EMAIL"), INVALID, "INVALID_EMAIL_ADDRESS_TARGET", id="bad-email"),
        pytest.param(_target("a b@example.com", "EMAIL"), INVALID, "INVALID_EMAIL_ADDRESS_TARGET", id="space-in-email"),
        pytest.param(_target("a" * 53 + "@example.com", "EMAIL"), INVALID, "MAX_LENGTH_EXCEEDED", id="target-65-chars"),
        pytest.param({"Target": ACCT, "Notes": "n" * 1025}, INVALID, "MAX_LENGTH_EXCEEDED", id="notes-1025-chars"),
        pytest.param(_tags(TAG, {"Key": "team", "Value": "red"}), INVALID, "DUPLICATE_TAG_KEY", id="duplicate-tag-key"),
        pytest.param(_tags({"Key": "aws:owner", "Value": "x"}), INVALID, "INVALID_SYSTEM_TAGS_PARAMETER", id="aws-key"),
        pytest.param(_tags({"Key": "bad!key", "Value": "x"}), INVALID, "INVALID_PATTERN", id="tag-key-pattern"),
        pytest.param(_tags({"Key": "k", "Value": "semi;colon"}), INVALID, "INVALID_PATTERN", id="tag-value-pattern"),
        pytest.param(_tags({"Key": "k" * 129, "Value": "x"}), INVALID, "MAX_LENGTH_EXCEEDED", id="tag-key-129-chars"),
        pytest.param(_tags({"Key": "k", "Value": "v" * 257}), INVALID, "MAX_LENGTH_EXCEEDED", id="tag-value-257-chars"),
        pytest.param(
            _tags(*({"Key": f"k{i}", "Value": ""} for i in range(51))),
            "ConstraintViolationException",
            "MAX_TAG_LIMIT_EXCEEDED",
            id="51-tags",
        ),
    ],
)
def test_invalid_invitations_are_refused_and_nothing_is_sent(
    world: World, kwargs: dict[str, object], code: str, reason: str
) -> None:
    with aws_error(world.mgmt, code, reason):
        world.mgmt.invite_account_to_organization(**kwargs)
    assert world.mgmt.list_handshakes_for_organization()["Handshakes"] == []


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"Notes": "n" * 1024}, id="notes-1024-chars"),
        pytest.param({"Notes": ""}, id="empty-notes"),
        pytest.param({"Tags": [{"Key": f"k{i}", "Value": ""} for i in range(50)]}, id="50-tags"),
        pytest.param({"Tags": [{"Key": "k" * 128, "Value": "v" * 256}]}, id="longest-tag"),
        pytest.param({"Tags": [{"Key": "Équipe nº 1 _.:/=+-@", "Value": "ünïcode 42"}]}, id="unicode-tag"),
    ],
)
def test_limits_are_inclusive(world: World, kwargs: dict[str, object]) -> None:
    assert world.invite(**kwargs)["State"] == "OPEN"


def test_tags_are_attached_when_the_invitation_is_accepted(world: World) -> None:
    target = world.new_account()
    handshake = world.invite(target, Tags=[{"Key": "team", "Value": "blue"}, {"Key": "cost", "Value": ""}])
    world.client(target).accept_handshake(HandshakeId=handshake["Id"])
    aws = orgsim.current()._require()
    assert aws.world.accounts[target].tags == {"team": "blue", "cost": ""}


# -- who can be invited ---------------------------------------------------------------------------


def test_a_member_of_this_organization_cannot_be_invited(world: World) -> None:
    member = world.join()
    with aws_error(world.mgmt, "HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION"):
        world.invite(member)


def test_the_management_account_cannot_invite_itself(world: World) -> None:
    with aws_error(world.mgmt, "HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION"):
        world.invite(world.mgmt_id)
    with aws_error(world.mgmt, "HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION"):
        world.mgmt.invite_account_to_organization(Target={"Id": world.org["MasterAccountEmail"], "Type": "EMAIL"})


def test_a_member_cannot_be_invited_by_its_email_either(world: World) -> None:
    member = world.sim.seed_account(email="member@example.com")
    world.join(member.id)
    with aws_error(world.mgmt, "HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION"):
        world.mgmt.invite_account_to_organization(Target={"Id": "MEMBER@example.com", "Type": "EMAIL"})


def test_a_member_of_another_organization_may_be_invited_but_must_leave_to_accept(world: World) -> None:
    other_mgmt = world.sim.session("333333333333").client("organizations")
    other_mgmt.create_organization()
    target = world.new_account()
    invite_other = other_mgmt.invite_account_to_organization(Target={"Id": target, "Type": "ACCOUNT"})["Handshake"]
    member = world.client(target)
    member.accept_handshake(HandshakeId=invite_other["Id"])

    handshake = world.invite(target)  # allowed: migration tooling invites first, then moves the account
    with aws_error(member, "HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION"):
        member.accept_handshake(HandshakeId=handshake["Id"])
    assert member.describe_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"] == "OPEN"

    member.leave_organization()
    assert member.accept_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"] == "ACCEPTED"
    assert member.describe_organization()["Organization"]["Id"] == world.org["Id"]


def test_a_management_account_elsewhere_cannot_accept(world: World) -> None:
    other = world.client("333333333333")
    other.create_organization()
    handshake = world.invite("333333333333")
    with aws_error(other, "MasterCannotLeaveOrganizationException"):
        other.accept_handshake(HandshakeId=handshake["Id"])
    other.delete_organization()
    assert other.accept_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"] == "ACCEPTED"


# -- duplicates -----------------------------------------------------------------------------------


def test_second_open_invitation_to_the_same_account_is_a_duplicate(world: World) -> None:
    target = world.new_account()
    world.invite(target)
    with aws_error(world.mgmt, "DuplicateHandshakeException"):
        world.invite(target)
    assert len(world.mgmt.list_handshakes_for_organization()["Handshakes"]) == 1


def test_email_invitations_compare_case_insensitively(world: World) -> None:
    world.mgmt.invite_account_to_organization(Target={"Id": "diego@example.com", "Type": "EMAIL"})
    with aws_error(world.mgmt, "DuplicateHandshakeException"):
        world.mgmt.invite_account_to_organization(Target={"Id": "DIEGO@example.COM", "Type": "EMAIL"})


@pytest.mark.parametrize("first", ["EMAIL", "ACCOUNT"])
def test_email_and_id_of_one_account_are_duplicates(world: World, first: str) -> None:
    # An invitation by email and another by id name the same account when the email resolves to it.
    account = world.sim.seed_account(email="diego@example.com")
    forms = {"EMAIL": {"Id": "diego@example.com", "Type": "EMAIL"}, "ACCOUNT": {"Id": account.id, "Type": "ACCOUNT"}}
    second = "ACCOUNT" if first == "EMAIL" else "EMAIL"
    world.mgmt.invite_account_to_organization(Target=forms[first])
    with aws_error(world.mgmt, "DuplicateHandshakeException"):
        world.mgmt.invite_account_to_organization(Target=forms[second])


def test_an_email_no_account_owns_is_not_a_duplicate_of_an_id(world: World) -> None:
    target = world.new_account()
    world.invite(target)
    other = world.mgmt.invite_account_to_organization(Target={"Id": "nobody@example.com", "Type": "EMAIL"})
    assert other["Handshake"]["State"] == "OPEN"


@pytest.mark.parametrize("ending", ["cancel", "decline"])
def test_a_finished_invitation_does_not_block_a_new_one(world: World, ending: str) -> None:
    target = world.new_account()
    first = world.invite(target)
    if ending == "cancel":
        world.mgmt.cancel_handshake(HandshakeId=first["Id"])
    else:
        world.client(target).decline_handshake(HandshakeId=first["Id"])
    second = world.invite(target)
    assert second["Id"] != first["Id"]


def test_two_organizations_may_invite_the_same_account(world: World) -> None:
    target = world.new_account()
    world.invite(target)
    other = world.client("333333333333")
    other.create_organization()
    second = other.invite_account_to_organization(Target={"Id": target, "Type": "ACCOUNT"})["Handshake"]
    assert second["State"] == "OPEN"


def test_after_accepting_one_invitation_the_other_stays_open_but_cannot_be_accepted(world: World) -> None:
    target = world.new_account()
    mine = world.invite(target)
    other = world.client("333333333333")
    other.create_organization()
    theirs = other.invite_account_to_organization(Target={"Id": target, "Type": "ACCOUNT"})["Handshake"]
    member = world.client(target)
    member.accept_handshake(HandshakeId=mine["Id"])
    assert member.describe_handshake(HandshakeId=theirs["Id"])["Handshake"]["State"] == "OPEN"
    with aws_error(member, "HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION"):
        member.accept_handshake(HandshakeId=theirs["Id"])


# -- quotas ---------------------------------------------------------------------------------------


@pytest.mark.orgsim(max_accounts=3)
def test_open_invitations_count_against_the_account_quota(world: World) -> None:
    world.join()  # management + 1 member
    pending = world.invite()  # + 1 open invitation = 3
    with aws_error(world.mgmt, "HandshakeConstraintViolationException", "ACCOUNT_NUMBER_LIMIT_EXCEEDED") as info:
        world.invite()
    assert info.value.response["Message"] == "You have exceeded the allowed number of AWS accounts."
    world.mgmt.cancel_handshake(HandshakeId=pending["Id"])  # frees the slot
    assert world.invite()["State"] == "OPEN"


@pytest.mark.orgsim(max_accounts=2)
@pytest.mark.parametrize("release", ["decline", "expire"])
def test_declined_and_expired_invitations_release_their_slot(world: World, release: str) -> None:
    with freeze_time(NOW) as frozen:
        pending = world.invite()
        with aws_error(world.mgmt, "HandshakeConstraintViolationException", "ACCOUNT_NUMBER_LIMIT_EXCEEDED"):
            world.invite()
        if release == "decline":
            world.client(pending["Parties"][1]["Id"]).decline_handshake(HandshakeId=pending["Id"])
        else:
            frozen.tick(dt.timedelta(days=15))
        assert world.invite()["State"] == "OPEN"


@pytest.mark.orgsim(max_accounts=2)
def test_members_count_against_the_account_quota(world: World) -> None:
    member = world.join()
    with aws_error(world.mgmt, "HandshakeConstraintViolationException", "ACCOUNT_NUMBER_LIMIT_EXCEEDED"):
        world.invite()
    world.mgmt.remove_account_from_organization(AccountId=member)
    assert world.invite()["State"] == "OPEN"


@pytest.mark.orgsim(max_invitations_per_day=3, max_accounts=50)
def test_rate_limit_counts_canceled_but_not_accepted_invitations(world: World) -> None:
    with freeze_time(NOW):
        canceled = world.invite()
        world.mgmt.cancel_handshake(HandshakeId=canceled["Id"])
        world.invite()
        world.join()  # accepted: does not count
        world.invite()  # third counting invitation
        with aws_error(world.mgmt, "HandshakeConstraintViolationException", "HANDSHAKE_RATE_LIMIT_EXCEEDED"):
            world.invite()


@pytest.mark.orgsim(max_invitations_per_day=2, max_accounts=50)
def test_rate_limit_is_a_rolling_24_hours(world: World) -> None:
    with freeze_time(NOW) as frozen:
        world.invite()
        frozen.tick(dt.timedelta(hours=12))
        world.invite()
        frozen.tick(dt.timedelta(hours=11, minutes=59))
        with aws_error(world.mgmt, "HandshakeConstraintViolationException", "HANDSHAKE_RATE_LIMIT_EXCEEDED"):
            world.invite()
        frozen.tick(dt.timedelta(minutes=1))  # the first invitation is now 24 hours old
        world.invite()
        with aws_error(world.mgmt, "HandshakeConstraintViolationException", "HANDSHAKE_RATE_LIMIT_EXCEEDED"):
            world.invite()


@pytest.mark.orgsim(max_invitations_per_day=1, max_accounts=50)
def test_rate_limit_is_per_organization(world: World) -> None:
    world.invite()
    other = world.client("333333333333")
    other.create_organization()
    assert other.invite_account_to_organization(Target={"Id": "444444444444", "Type": "ACCOUNT"})["Handshake"]
