"""TagResource, UntagResource, ListTagsForResource, and the tags given with requests (behaviour.md, "Tagging resources")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config

import orgsim
from support import World, aws_error

FIFTY = [{"Key": f"k{n}", "Value": str(n)} for n in range(50)]


@pytest.fixture
def resources(world: World) -> dict[str, str]:
    """One resource of each taggable kind the organization has."""
    (root,) = world.mgmt.list_roots()["Roots"]
    ou = world.mgmt.create_organizational_unit(ParentId=root["Id"], Name="Prod")["OrganizationalUnit"]
    return {"account": world.join(), "management": world.mgmt_id, "root": root["Id"], "ou": ou["Id"]}


def tags_of(world: World, resource_id: str) -> list[dict[str, str]]:
    return world.mgmt.list_tags_for_resource(ResourceId=resource_id)["Tags"]  # type: ignore[no-any-return]


KINDS = ["account", "management", "root", "ou"]


@pytest.mark.parametrize("kind", KINDS)
def test_tag_untag_and_list(world: World, resources: dict[str, str], kind: str) -> None:
    resource = resources[kind]
    assert tags_of(world, resource) == []
    answer = world.mgmt.tag_resource(ResourceId=resource, Tags=[{"Key": "b", "Value": "1"}, {"Key": "a", "Value": ""}])
    assert set(answer) == {"ResponseMetadata"}
    # An existing key gets its value replaced; the order is the order keys were first set.
    world.mgmt.tag_resource(ResourceId=resource, Tags=[{"Key": "b", "Value": "2"}, {"Key": "B", "Value": "3"}])
    assert tags_of(world, resource) == [
        {"Key": "b", "Value": "2"},
        {"Key": "a", "Value": ""},
        {"Key": "B", "Value": "3"},
    ]
    answer = world.mgmt.untag_resource(ResourceId=resource, TagKeys=["b", "not-there"])
    assert set(answer) == {"ResponseMetadata"}
    assert tags_of(world, resource) == [{"Key": "a", "Value": ""}, {"Key": "B", "Value": "3"}]


@pytest.mark.parametrize("kind", KINDS)
def test_at_most_fifty_tags_counted_after_the_merge(world: World, resources: dict[str, str], kind: str) -> None:
    resource = resources[kind]
    world.mgmt.tag_resource(ResourceId=resource, Tags=FIFTY[:49])
    # Replacing values and adding the 50th is fine ...
    world.mgmt.tag_resource(ResourceId=resource, Tags=[{"Key": "k0", "Value": "new"}, FIFTY[49]])
    # ... the 51st is not, and a refused request changes nothing.
    with aws_error(world.mgmt, "ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED"):
        world.mgmt.tag_resource(ResourceId=resource, Tags=[{"Key": "k1", "Value": "changed"}, {"Key": "extra", "Value": "x"}])
    found = tags_of(world, resource)
    assert len(found) == 50
    assert {"Key": "k1", "Value": "1"} in found and {"Key": "k0", "Value": "new"} in found


def test_bad_tags_are_refused_whole(world: World, resources: dict[str, str]) -> None:
    account = resources["account"]
    world.mgmt.tag_resource(ResourceId=account, Tags=[{"Key": "keep", "Value": "1"}])
    for tags, reason in (
        ([{"Key": "x", "Value": "1"}, {"Key": "x", "Value": "2"}], "DUPLICATE_TAG_KEY"),
        ([{"Key": "fine", "Value": "1"}, {"Key": "aws:cloudformation", "Value": "2"}], "INVALID_SYSTEM_TAGS_PARAMETER"),
        ([{"Key": "AWS:Shout", "Value": "2"}], "INVALID_SYSTEM_TAGS_PARAMETER"),
        ([{"Key": "semi;colon", "Value": "2"}], "INVALID_PATTERN"),
        ([{"Key": "k", "Value": "semi;colon"}], "INVALID_PATTERN"),
        ([{"Key": "k" * 129, "Value": "2"}], "MAX_LENGTH_EXCEEDED"),
        ([{"Key": "k", "Value": "v" * 257}], "MAX_LENGTH_EXCEEDED"),
    ):
        with aws_error(world.mgmt, "InvalidInputException", reason):
            world.mgmt.tag_resource(ResourceId=account, Tags=tags)
    with aws_error(world.mgmt, "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER"):
        world.mgmt.untag_resource(ResourceId=account, TagKeys=["keep", "Aws:x"])
    assert tags_of(world, account) == [{"Key": "keep", "Value": "1"}]


def test_unicode_letters_numbers_and_spaces_are_allowed(world: World, resources: dict[str, str]) -> None:
    tags = [{"Key": "\u00e9quipe \u2167", "Value": "\u30c1\u30fc\u30e0 \u0661\u0662 _.:/=+-@"}]
    world.mgmt.tag_resource(ResourceId=resources["ou"], Tags=tags)
    assert tags_of(world, resources["ou"]) == tags


def test_empty_lists_change_nothing(orgsim: orgsim.Simulation, world: World, resources: dict[str, str]) -> None:
    unchecked = orgsim.session(world.mgmt_id).client("organizations", config=Config(parameter_validation=False))
    unchecked.tag_resource(ResourceId=resources["root"], Tags=[])
    unchecked.untag_resource(ResourceId=resources["root"], TagKeys=[])
    assert tags_of(world, resources["root"]) == []


def test_what_is_not_the_callers_is_not_found(orgsim: orgsim.Simulation, world: World, resources: dict[str, str]) -> None:
    other = orgsim.session("999999999999").client("organizations")
    other.create_organization()
    (their_root,) = other.list_roots()["Roots"]
    stranger = orgsim.seed_account().id
    # Other organizations' resources, accounts in none, unknown ids, and kinds not simulated.
    foreign = [their_root["Id"], "999999999999", stranger, "ou-zzzz-zzzzzzzz", "p-examplepolicy", "rp-abcd"]
    if their_root["Id"] == resources["root"]:
        foreign.remove(their_root["Id"])
    for resource in foreign:
        for call in (
            lambda r: world.mgmt.tag_resource(ResourceId=r, Tags=[{"Key": "k", "Value": "v"}]),
            lambda r: world.mgmt.untag_resource(ResourceId=r, TagKeys=["k"]),
            lambda r: world.mgmt.list_tags_for_resource(ResourceId=r),
        ):
            with aws_error(world.mgmt, "TargetNotFoundException"):
                call(resource)
    for malformed in ("ou-abcd", "12345678901", "arn:aws:organizations::123456789012:root/o-x/r-abcd"):
        with aws_error(world.mgmt, "InvalidInputException", "INVALID_PATTERN"):
            world.mgmt.list_tags_for_resource(ResourceId=malformed)


def test_members_may_not_tag(world: World, resources: dict[str, str]) -> None:
    member = world.client(resources["account"])
    calls: list[Callable[[], Any]] = [
        lambda: member.tag_resource(ResourceId=resources["account"], Tags=[{"Key": "k", "Value": "v"}]),
        lambda: member.untag_resource(ResourceId=resources["account"], TagKeys=["k"]),
        lambda: member.list_tags_for_resource(ResourceId=resources["account"]),
    ]
    for call in calls:
        with aws_error(member, "AccessDeniedException"):
            call()


def test_the_list_has_one_page_and_refuses_tokens(world: World, resources: dict[str, str]) -> None:
    world.mgmt.tag_resource(ResourceId=resources["root"], Tags=FIFTY)
    answer = world.mgmt.list_tags_for_resource(ResourceId=resources["root"])
    assert len(answer["Tags"]) == 50 and "NextToken" not in answer
    pages = list(world.mgmt.get_paginator("list_tags_for_resource").paginate(ResourceId=resources["root"]))
    assert [len(p["Tags"]) for p in pages] == [50]
    foreign = world.mgmt.list_children(ParentId=resources["root"], ChildType="ACCOUNT", MaxResults=1)["NextToken"]
    for token in ("garbage", foreign):
        with aws_error(world.mgmt, "InvalidInputException", "INVALID_NEXT_TOKEN"):
            world.mgmt.list_tags_for_resource(ResourceId=resources["root"], NextToken=token)


# -- tags given with requests -----------------------------------------------------------------------


def test_an_ou_gets_its_tags_when_it_is_created(world: World, resources: dict[str, str]) -> None:
    tags = [{"Key": "env", "Value": "prod"}, {"Key": "cost", "Value": ""}]
    ou = world.mgmt.create_organizational_unit(ParentId=resources["root"], Name="Tagged", Tags=tags)["OrganizationalUnit"]
    assert tags_of(world, ou["Id"]) == tags


@pytest.mark.parametrize(
    ("tags", "code", "reason"),
    [
        ([{"Key": "x", "Value": "1"}, {"Key": "x", "Value": "2"}], "InvalidInputException", "DUPLICATE_TAG_KEY"),
        ([{"Key": "aws:x", "Value": "1"}], "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER"),
        ([*FIFTY, {"Key": "k50", "Value": "x"}], "ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED"),
    ],
)
def test_a_bad_tag_creates_no_ou(world: World, resources: dict[str, str], tags: list[dict[str, str]], code: str, reason: str) -> None:
    with aws_error(world.mgmt, code, reason):
        world.mgmt.create_organizational_unit(ParentId=resources["root"], Name="Tagged", Tags=tags)
    ous = world.mgmt.list_organizational_units_for_parent(ParentId=resources["root"])["OrganizationalUnits"]
    assert [o["Name"] for o in ous] == ["Prod"]


def test_invitation_tags_land_when_the_invitation_is_accepted(world: World) -> None:
    tags = [{"Key": "from", "Value": "invite"}]
    accepted, declined, canceled = world.new_account(), world.new_account(), world.new_account()
    handshakes = {a: world.invite(a, Tags=tags) for a in (accepted, declined, canceled)}
    world.client(declined).decline_handshake(HandshakeId=handshakes[declined]["Id"])
    world.mgmt.cancel_handshake(HandshakeId=handshakes[canceled]["Id"])
    world.client(accepted).accept_handshake(HandshakeId=handshakes[accepted]["Id"])
    assert tags_of(world, accepted) == tags
    # The others join later by a fresh invitation without tags: nothing of the old ones comes with it.
    world.join(declined)
    world.join(canceled)
    assert tags_of(world, declined) == tags_of(world, canceled) == []


def test_an_expired_invitation_brings_no_tags(world: World, freezer: Any) -> None:
    freezer.move_to("2024-01-01")
    account = world.new_account()
    world.invite(account, Tags=[{"Key": "from", "Value": "invite"}])
    freezer.tick(dt.timedelta(days=16))
    world.join(account)
    assert tags_of(world, account) == []


@pytest.mark.orgsim(create_account_delay_seconds=0)
def test_created_accounts_get_their_tags_when_created(world: World) -> None:
    tags = [{"Key": "factory", "Value": "yes"}]
    ok = world.mgmt.create_account(Email="ok@example.com", AccountName="Ok", Tags=tags)["CreateAccountStatus"]
    done = world.mgmt.describe_create_account_status(CreateAccountRequestId=ok["Id"])["CreateAccountStatus"]
    assert tags_of(world, done["AccountId"]) == tags
    # A request that fails attaches nothing anywhere.
    failed = world.mgmt.create_account(Email="ok@example.com", AccountName="Again", Tags=tags)["CreateAccountStatus"]
    status = world.mgmt.describe_create_account_status(CreateAccountRequestId=failed["Id"])["CreateAccountStatus"]
    assert status["State"] == "FAILED" and "AccountId" not in status
    with aws_error(world.mgmt, "ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED"):
        world.mgmt.create_account(Email="many@example.com", AccountName="Many", Tags=[*FIFTY, {"Key": "x", "Value": ""}])
    assert len(world.mgmt.list_create_account_status()["CreateAccountStatuses"]) == 2
