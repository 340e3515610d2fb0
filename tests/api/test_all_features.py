"""Enabling all features (behaviour.md, "Enabling all features")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory

import orgsim

START = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
NINETY_DAYS = dt.timedelta(days=90)
HANDSHAKE_ID = re.compile(r"^h-[0-9a-z]{8,32}$")


@dataclass
class Org:
    sim: orgsim.Simulation
    clock: FrozenDateTimeFactory
    mgmt: Any
    org_id: str
    invited: list[str]
    created: list[str]
    clients: dict[str, Any] = field(default_factory=dict)

    def client(self, account_id: str) -> Any:
        # Building a client is the slow part of a test; one per account is enough.
        if account_id not in self.clients:
            self.clients[account_id] = self.sim.session(account_id).client("organizations")
        return self.clients[account_id]

    def invite(self, account_id: str) -> str:
        h = self.mgmt.invite_account_to_organization(Target={"Id": account_id, "Type": "ACCOUNT"})["Handshake"]
        return str(h["Id"])

    def join(self, name: str) -> str:
        account_id = self.sim.seed_account(name=name).id
        self.client(account_id).accept_handshake(HandshakeId=self.invite(account_id))
        self.invited.append(account_id)
        return account_id

    def create(self, name: str) -> str:
        request = self.mgmt.create_account(Email=f"{name.lower()}@example.com", AccountName=name)
        self.clock.tick(dt.timedelta(minutes=5))
        status = self.mgmt.describe_create_account_status(CreateAccountRequestId=request["CreateAccountStatus"]["Id"])
        assert status["CreateAccountStatus"]["State"] == "SUCCEEDED"
        account_id = str(status["CreateAccountStatus"]["AccountId"])
        self.created.append(account_id)
        return account_id

    def children(self, parent_id: str) -> list[dict[str, Any]]:
        pages = self.mgmt.get_paginator("list_handshakes_for_organization").paginate(
            Filter={"ParentHandshakeId": parent_id}
        )
        return [h for page in pages for h in page["Handshakes"]]

    def child_of(self, parent_id: str, account_id: str) -> dict[str, Any]:
        (child,) = [
            h
            for h in self.children(parent_id)
            if h["Action"] == "ENABLE_ALL_FEATURES" and h["Parties"][1]["Id"] == account_id
        ]
        return child

    def confirmations(self) -> list[dict[str, Any]]:
        return list(
            self.mgmt.list_handshakes_for_account(Filter={"ActionType": "APPROVE_ALL_FEATURES"})["Handshakes"]
        )

    def state(self, handshake_id: str) -> str:
        return str(self.mgmt.describe_handshake(HandshakeId=handshake_id)["Handshake"]["State"])

    def feature_set(self) -> str:
        return str(self.mgmt.describe_organization()["Organization"]["FeatureSet"])


def build(sim: orgsim.Simulation, clock: FrozenDateTimeFactory, invited: int = 2, created: int = 1) -> Org:
    mgmt = sim.session(sim.default_account_id).client("organizations")
    org_id = mgmt.create_organization(FeatureSet="CONSOLIDATED_BILLING")["Organization"]["Id"]
    org = Org(sim, clock, mgmt, org_id, [], [], {sim.default_account_id: mgmt})
    for i in range(invited):
        org.join(f"Invited{i}")
    for i in range(created):
        org.create(f"Created{i}")
    clock.tick(dt.timedelta(hours=1))
    return org


@pytest.fixture
def clock() -> Iterator[FrozenDateTimeFactory]:
    with freeze_time(START) as frozen:
        yield frozen


@pytest.fixture
def org(orgsim: orgsim.Simulation, clock: FrozenDateTimeFactory) -> Org:
    return build(orgsim, clock)


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str | None]:
    response = excinfo.value.response
    return response["Error"]["Code"], response.get("Reason")


# -- the whole process ---------------------------------------------------------------------------


def test_parent_is_requested_with_a_90_day_lifetime_and_names_only_the_organization(org: Org) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    parent = org.mgmt.enable_all_features()["Handshake"]

    assert HANDSHAKE_ID.match(parent["Id"])
    assert parent["Action"] == "ENABLE_ALL_FEATURES"
    assert parent["State"] == "REQUESTED"
    assert parent["Arn"] == (
        f"arn:aws:organizations::{org.sim.default_account_id}:handshake/{org.org_id}/enable_all_features/{parent['Id']}"
    )
    assert parent["Parties"] == [{"Id": org.org_id, "Type": "ORGANIZATION"}]
    assert parent["Resources"] == [{"Type": "ORGANIZATION", "Value": org.org_id}]
    assert parent["RequestedTimestamp"] == now
    assert parent["ExpirationTimestamp"] == now + NINETY_DAYS


def test_every_invited_member_gets_one_child_and_nobody_else_does(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    children = org.children(parent["Id"])

    assert sorted(c["Parties"][1]["Id"] for c in children) == sorted(org.invited)
    for child in children:
        member = child["Parties"][1]["Id"]
        assert child["Action"] == "ENABLE_ALL_FEATURES"
        assert child["State"] == "OPEN"
        assert child["Parties"] == [{"Id": org.org_id, "Type": "ORGANIZATION"}, {"Id": member, "Type": "ACCOUNT"}]
        assert child["Resources"] == [
            {"Type": "PARENT_HANDSHAKE", "Value": parent["Id"]},
            {"Type": "ORGANIZATION", "Value": org.org_id},
            {"Type": "ACCOUNT", "Value": member},
        ]
        assert child["ExpirationTimestamp"] == parent["ExpirationTimestamp"]
        assert f"/{org.org_id}/enable_all_features/{child['Id']}" in child["Arn"]
        # The member sees its own child, and only that.
        received = org.client(member).list_handshakes_for_account(Filter={"ActionType": "ENABLE_ALL_FEATURES"})
        assert [h["Id"] for h in received["Handshakes"]] == [child["Id"]]
    # The created member and the management account receive nothing; the parent has no recipient.
    for account_id in (org.created[0], org.sim.default_account_id):
        received = org.client(account_id).list_handshakes_for_account()["Handshakes"]
        assert [h for h in received if h["Action"] != "INVITE"] == []


def test_whole_process_finalised_through_the_confirmation(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    first, second = org.invited

    accepted = org.client(first).accept_handshake(HandshakeId=org.child_of(parent["Id"], first)["Id"])
    assert accepted["Handshake"]["State"] == "ACCEPTED"
    assert org.state(parent["Id"]) == "REQUESTED"
    assert org.confirmations() == []

    org.clock.tick(dt.timedelta(days=3))
    sent_at = dt.datetime.now(dt.timezone.utc)
    org.client(second).accept_handshake(HandshakeId=org.child_of(parent["Id"], second)["Id"])
    assert org.state(parent["Id"]) == "OPEN"
    (confirmation,) = org.confirmations()
    assert confirmation["Action"] == "APPROVE_ALL_FEATURES"
    assert confirmation["State"] == "OPEN"
    assert confirmation["Parties"] == [
        {"Id": org.org_id, "Type": "ORGANIZATION"},
        {"Id": org.sim.default_account_id, "Type": "ACCOUNT"},
    ]
    assert confirmation["Resources"] == [
        {"Type": "PARENT_HANDSHAKE", "Value": parent["Id"]},
        {"Type": "ORGANIZATION", "Value": org.org_id},
    ]
    assert confirmation["RequestedTimestamp"] == sent_at
    assert confirmation["ExpirationTimestamp"] == parent["ExpirationTimestamp"]
    assert f"/{org.org_id}/approve_all_features/{confirmation['Id']}" in confirmation["Arn"]
    # The ParentHandshakeId filter returns the children and the confirmation, not the parent.
    assert {h["Id"] for h in org.children(parent["Id"])} == {
        org.child_of(parent["Id"], first)["Id"],
        org.child_of(parent["Id"], second)["Id"],
        confirmation["Id"],
    }
    assert org.feature_set() == "CONSOLIDATED_BILLING"

    done = org.mgmt.accept_handshake(HandshakeId=confirmation["Id"])["Handshake"]

    assert done["State"] == "ACCEPTED"
    assert org.state(parent["Id"]) == "ACCEPTED"
    assert org.feature_set() == "ALL"
    described = org.client(org.created[0]).describe_organization()["Organization"]
    assert described["FeatureSet"] == "ALL"
    assert described["AvailablePolicyTypes"] == [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
    # Later invitations advertise the new feature set, and inviting works again.
    newcomer = org.sim.seed_account(name="Newcomer").id
    invite = org.mgmt.describe_handshake(HandshakeId=org.invite(newcomer))["Handshake"]
    org_resource = next(r for r in invite["Resources"] if r["Type"] == "ORGANIZATION")
    assert {"Type": "ORGANIZATION_FEATURE_SET", "Value": "ALL"} in org_resource["Resources"]
    with pytest.raises(ClientError) as excinfo:
        org.mgmt.enable_all_features()
    assert error_of(excinfo) == ("HandshakeConstraintViolationException", "ORGANIZATION_ALREADY_HAS_ALL_FEATURES")


def test_whole_process_finalised_through_the_open_parent(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    for member in org.invited:
        org.client(member).accept_handshake(HandshakeId=org.child_of(parent["Id"], member)["Id"])
    (confirmation,) = org.confirmations()

    done = org.mgmt.accept_handshake(HandshakeId=parent["Id"])["Handshake"]

    assert done["State"] == "ACCEPTED"
    assert org.state(confirmation["Id"]) == "ACCEPTED"
    assert org.feature_set() == "ALL"
    with pytest.raises(ClientError) as excinfo:
        org.mgmt.accept_handshake(HandshakeId=confirmation["Id"])
    assert error_of(excinfo)[0] == "HandshakeAlreadyInStateException"


@pytest.mark.parametrize("via", ["parent", "confirmation"])
def test_without_invited_members_the_parent_is_open_at_once(
    orgsim: orgsim.Simulation, clock: FrozenDateTimeFactory, via: str
) -> None:
    org = build(orgsim, clock, invited=0, created=1)

    parent = org.mgmt.enable_all_features()["Handshake"]

    assert parent["State"] == "OPEN"
    assert [c["Action"] for c in org.children(parent["Id"])] == ["APPROVE_ALL_FEATURES"]
    (confirmation,) = org.confirmations()
    org.mgmt.accept_handshake(HandshakeId=parent["Id"] if via == "parent" else confirmation["Id"])
    assert org.feature_set() == "ALL"
    assert org.state(parent["Id"]) == org.state(confirmation["Id"]) == "ACCEPTED"


def test_declining_the_confirmation_ends_the_request_without_changing_the_feature_set(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    for member in org.invited:
        org.client(member).accept_handshake(HandshakeId=org.child_of(parent["Id"], member)["Id"])
    (confirmation,) = org.confirmations()

    declined = org.mgmt.decline_handshake(HandshakeId=confirmation["Id"])["Handshake"]

    assert declined["State"] == "DECLINED"
    assert org.state(parent["Id"]) == "DECLINED"
    assert org.feature_set() == "CONSOLIDATED_BILLING"
    assert org.mgmt.enable_all_features()["Handshake"]["State"] == "REQUESTED"


def test_declining_the_open_parent_declines_the_confirmation_too(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    for member in org.invited:
        org.client(member).accept_handshake(HandshakeId=org.child_of(parent["Id"], member)["Id"])
    (confirmation,) = org.confirmations()

    org.mgmt.decline_handshake(HandshakeId=parent["Id"])

    assert org.state(confirmation["Id"]) == "DECLINED"
    assert org.feature_set() == "CONSOLIDATED_BILLING"


# -- wrong parties and wrong states ------------------------------------------------------------------


def test_the_parent_cannot_be_answered_while_requested(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    for answer in (org.mgmt.accept_handshake, org.mgmt.decline_handshake):
        with pytest.raises(ClientError) as excinfo:
            answer(HandshakeId=parent["Id"])
        assert error_of(excinfo)[0] == "InvalidHandshakeTransitionException"
    assert org.state(parent["Id"]) == "REQUESTED"


def test_wrong_parties_are_denied(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    first, second = org.invited
    first_child = org.child_of(parent["Id"], first)
    member = org.client(first)
    denied = [
        (org.mgmt.accept_handshake, first_child["Id"]),  # management accepting a member's child
        (org.mgmt.decline_handshake, first_child["Id"]),
        (org.mgmt.cancel_handshake, first_child["Id"]),  # children end with their parent only
        (org.client(second).accept_handshake, first_child["Id"]),  # another member's child
        (member.cancel_handshake, first_child["Id"]),
        (member.accept_handshake, parent["Id"]),  # a member acting on the parent
        (member.cancel_handshake, parent["Id"]),
        (org.client(org.created[0]).decline_handshake, parent["Id"]),
    ]
    for call, handshake_id in denied:
        with pytest.raises(ClientError) as excinfo:
            call(HandshakeId=handshake_id)
        assert error_of(excinfo)[0] == "AccessDeniedException", (call, handshake_id)

    org.client(first).accept_handshake(HandshakeId=first_child["Id"])
    org.client(second).accept_handshake(HandshakeId=org.child_of(parent["Id"], second)["Id"])
    (confirmation,) = org.confirmations()
    for call in (member.accept_handshake, member.decline_handshake, org.mgmt.cancel_handshake):
        with pytest.raises(ClientError) as excinfo:
            call(HandshakeId=confirmation["Id"])
        assert error_of(excinfo)[0] == "AccessDeniedException", call
    assert org.state(confirmation["Id"]) == "OPEN"
    assert org.feature_set() == "CONSOLIDATED_BILLING"


def test_accounts_outside_the_organization_cannot_see_the_handshakes(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    outsider = org.client(org.sim.seed_account(name="Outsider").id)
    for handshake_id in (parent["Id"], org.child_of(parent["Id"], org.invited[0])["Id"]):
        with pytest.raises(ClientError) as excinfo:
            outsider.describe_handshake(HandshakeId=handshake_id)
        assert error_of(excinfo)[0] == "HandshakeNotFoundException"


def test_enable_all_features_errors(orgsim: orgsim.Simulation, clock: FrozenDateTimeFactory) -> None:
    standalone = orgsim.session(orgsim.seed_account(name="Alone").id).client("organizations")
    with pytest.raises(ClientError) as excinfo:
        standalone.enable_all_features()
    assert error_of(excinfo)[0] == "AWSOrganizationsNotInUseException"

    org = build(orgsim, clock, invited=1, created=0)
    with pytest.raises(ClientError) as excinfo:
        org.client(org.invited[0]).enable_all_features()
    assert error_of(excinfo)[0] == "AccessDeniedException"

    parent = org.mgmt.enable_all_features()["Handshake"]
    with pytest.raises(ClientError) as excinfo:
        org.mgmt.enable_all_features()
    assert error_of(excinfo) == (
        "HandshakeConstraintViolationException",
        "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION",
    )
    org.client(org.invited[0]).accept_handshake(HandshakeId=org.child_of(parent["Id"], org.invited[0])["Id"])
    assert org.state(parent["Id"]) == "OPEN"
    with pytest.raises(ClientError) as excinfo:  # still pending while OPEN
        org.mgmt.enable_all_features()
    assert error_of(excinfo)[1] == "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION"


def test_an_organization_created_with_all_features_cannot_enable_them_again(orgsim: orgsim.Simulation) -> None:
    mgmt = orgsim.session(orgsim.default_account_id).client("organizations")
    mgmt.create_organization()
    with pytest.raises(ClientError) as excinfo:
        mgmt.enable_all_features()
    assert error_of(excinfo) == ("HandshakeConstraintViolationException", "ORGANIZATION_ALREADY_HAS_ALL_FEATURES")


# -- invitations ---------------------------------------------------------------------------------


def test_open_invitations_are_canceled_and_new_ones_refused_while_pending(org: Org) -> None:
    pending = org.invite(org.sim.seed_account(name="Pending").id)
    answered = org.sim.seed_account(name="Declines").id
    declined = org.invite(answered)
    org.client(answered).decline_handshake(HandshakeId=declined)

    parent = org.mgmt.enable_all_features()["Handshake"]

    assert org.state(pending) == "CANCELED"
    assert org.state(declined) == "DECLINED"
    late = org.sim.seed_account(name="Late").id
    with pytest.raises(ClientError) as excinfo:
        org.invite(late)
    assert error_of(excinfo) == ("HandshakeConstraintViolationException", "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES")

    org.mgmt.cancel_handshake(HandshakeId=parent["Id"])
    assert org.state(org.invite(late)) == "OPEN"


@pytest.mark.orgsim(allow_invites_during_enable_all_features=True)
def test_the_option_allows_invitations_and_newcomers_do_not_block(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    newcomer = org.join("Newcomer")  # invited and accepted while the request runs

    assert newcomer not in [c["Parties"][1]["Id"] for c in org.children(parent["Id"])]
    for member in org.invited[:2]:
        org.client(member).accept_handshake(HandshakeId=org.child_of(parent["Id"], member)["Id"])
    assert org.state(parent["Id"]) == "OPEN"


# -- cancellation, expiry, decline ---------------------------------------------------------------


def test_canceling_the_parent_cancels_open_children_and_allows_a_new_request(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    first, second = org.invited
    first_child = org.child_of(parent["Id"], first)["Id"]
    second_child = org.child_of(parent["Id"], second)["Id"]
    org.client(first).accept_handshake(HandshakeId=first_child)

    canceled = org.mgmt.cancel_handshake(HandshakeId=parent["Id"])["Handshake"]

    assert canceled["State"] == "CANCELED"
    assert org.state(first_child) == "ACCEPTED"
    assert org.state(second_child) == "CANCELED"
    with pytest.raises(ClientError) as excinfo:
        org.client(second).accept_handshake(HandshakeId=second_child)
    assert error_of(excinfo)[0] == "InvalidHandshakeTransitionException"
    with pytest.raises(ClientError) as excinfo:
        org.mgmt.cancel_handshake(HandshakeId=parent["Id"])
    assert error_of(excinfo)[0] == "HandshakeAlreadyInStateException"

    again = org.mgmt.enable_all_features()["Handshake"]
    assert again["Id"] != parent["Id"]
    assert again["State"] == "REQUESTED"
    new_children = org.children(again["Id"])
    assert sorted(c["Parties"][1]["Id"] for c in new_children) == sorted(org.invited)
    assert {c["Id"] for c in new_children}.isdisjoint({first_child, second_child})


def test_canceling_the_open_parent_cancels_the_confirmation(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    for member in org.invited:
        org.client(member).accept_handshake(HandshakeId=org.child_of(parent["Id"], member)["Id"])
    (confirmation,) = org.confirmations()

    org.mgmt.cancel_handshake(HandshakeId=parent["Id"])

    assert org.state(confirmation["Id"]) == "CANCELED"
    with pytest.raises(ClientError) as excinfo:
        org.mgmt.accept_handshake(HandshakeId=confirmation["Id"])
    assert error_of(excinfo)[0] == "InvalidHandshakeTransitionException"
    assert org.feature_set() == "CONSOLIDATED_BILLING"


def test_the_parent_and_its_open_children_expire_at_the_same_instant(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    first, second = org.invited
    first_child = org.child_of(parent["Id"], first)["Id"]
    second_child = org.child_of(parent["Id"], second)["Id"]
    # Accepted late enough to be within its 30-day retention at the expiry.
    org.clock.move_to(parent["ExpirationTimestamp"] - dt.timedelta(days=1))
    org.client(first).accept_handshake(HandshakeId=first_child)

    org.clock.move_to(parent["ExpirationTimestamp"] - dt.timedelta(milliseconds=1))
    assert (org.state(parent["Id"]), org.state(second_child)) == ("REQUESTED", "OPEN")

    org.clock.move_to(parent["ExpirationTimestamp"])
    assert (org.state(parent["Id"]), org.state(second_child)) == ("EXPIRED", "EXPIRED")
    assert org.state(first_child) == "ACCEPTED"
    listed = org.client(second).list_handshakes_for_account(Filter={"ActionType": "ENABLE_ALL_FEATURES"})
    assert [h["State"] for h in listed["Handshakes"]] == ["EXPIRED"]
    with pytest.raises(ClientError) as excinfo:
        org.client(second).accept_handshake(HandshakeId=second_child)
    assert error_of(excinfo)[0] == "InvalidHandshakeTransitionException"

    # The attempt is over: invitations and a new request are possible again.
    org.invite(org.sim.seed_account(name="After").id)
    assert org.mgmt.enable_all_features()["Handshake"]["State"] == "REQUESTED"


def test_an_open_parent_and_its_confirmation_expire_together(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    for member in org.invited:
        org.client(member).accept_handshake(HandshakeId=org.child_of(parent["Id"], member)["Id"])
    (confirmation,) = org.confirmations()

    org.clock.move_to(parent["ExpirationTimestamp"])

    assert org.state(parent["Id"]) == org.state(confirmation["Id"]) == "EXPIRED"
    with pytest.raises(ClientError) as excinfo:
        org.mgmt.accept_handshake(HandshakeId=confirmation["Id"])
    assert error_of(excinfo)[0] == "InvalidHandshakeTransitionException"
    assert org.feature_set() == "CONSOLIDATED_BILLING"


def test_a_decline_blocks_until_the_decliner_is_removed(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    first, second = org.invited
    org.client(first).accept_handshake(HandshakeId=org.child_of(parent["Id"], first)["Id"])
    declined_child = org.child_of(parent["Id"], second)["Id"]
    declined = org.client(second).decline_handshake(HandshakeId=declined_child)["Handshake"]
    assert declined["State"] == "DECLINED"
    with pytest.raises(ClientError) as excinfo:
        org.client(second).accept_handshake(HandshakeId=declined_child)
    assert error_of(excinfo)[0] == "InvalidHandshakeTransitionException"
    org.clock.tick(dt.timedelta(days=20))
    assert org.state(parent["Id"]) == "REQUESTED"
    assert org.confirmations() == []

    org.mgmt.remove_account_from_organization(AccountId=second)

    assert org.state(parent["Id"]) == "OPEN"
    assert org.state(declined_child) == "DECLINED"
    (confirmation,) = org.confirmations()
    org.mgmt.accept_handshake(HandshakeId=confirmation["Id"])
    assert org.feature_set() == "ALL"


def test_a_member_leaving_cancels_its_open_child_and_unblocks_the_parent(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    first, second = org.invited
    org.client(first).accept_handshake(HandshakeId=org.child_of(parent["Id"], first)["Id"])
    open_child = org.child_of(parent["Id"], second)["Id"]

    org.client(second).leave_organization()

    assert org.state(open_child) == "CANCELED"
    assert org.state(parent["Id"]) == "OPEN"
    assert len(org.confirmations()) == 1
    # The former member still sees its child, canceled, and can no longer answer it.
    former = org.client(second)
    assert former.describe_handshake(HandshakeId=open_child)["Handshake"]["State"] == "CANCELED"
    with pytest.raises(ClientError) as excinfo:
        former.accept_handshake(HandshakeId=open_child)
    assert error_of(excinfo)[0] == "InvalidHandshakeTransitionException"


def test_an_accepted_member_leaving_changes_nothing(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    first, _ = org.invited
    first_child = org.child_of(parent["Id"], first)["Id"]
    org.client(first).accept_handshake(HandshakeId=first_child)

    org.client(first).leave_organization()

    assert org.state(first_child) == "ACCEPTED"
    assert org.state(parent["Id"]) == "REQUESTED"


# -- listing -------------------------------------------------------------------------------------


def test_action_type_filter_works_for_every_action(org: Org) -> None:
    org.invite(org.sim.seed_account(name="Canceled later").id)
    parent = org.mgmt.enable_all_features()["Handshake"]
    for member in org.invited:
        org.client(member).accept_handshake(HandshakeId=org.child_of(parent["Id"], member)["Id"])

    def listed(action: str) -> list[str]:
        pages = org.mgmt.get_paginator("list_handshakes_for_organization").paginate(
            Filter={"ActionType": action}, PaginationConfig={"PageSize": 1}
        )
        return [h["Action"] for page in pages for h in page["Handshakes"]]

    assert listed("INVITE") == ["INVITE"] * 3
    assert listed("ENABLE_ALL_FEATURES") == ["ENABLE_ALL_FEATURES"] * 3  # the parent and two children
    assert listed("APPROVE_ALL_FEATURES") == ["APPROVE_ALL_FEATURES"]
    assert listed("ADD_ORGANIZATIONS_SERVICE_LINKED_ROLE") == []
    everything = org.mgmt.list_handshakes_for_organization()["Handshakes"]
    # Listed by RequestedTimestamp then Id (behaviour.md, "Lists"): the parent and its children share a timestamp.
    assert parent["Id"] in [h["Id"] for h in everything if h["Action"] == "ENABLE_ALL_FEATURES"]
    # The parent is in no account's list.
    for account_id in [org.sim.default_account_id, *org.invited, *org.created]:
        received = org.client(account_id).list_handshakes_for_account()["Handshakes"]
        assert parent["Id"] not in [h["Id"] for h in received]


def test_parent_filter_with_an_unknown_parent_is_empty(org: Org) -> None:
    org.mgmt.enable_all_features()
    assert org.children("h-" + "0" * 32) == []


def test_a_members_list_filters_by_action_and_by_parent(org: Org) -> None:
    member = org.invited[0]
    parent = org.mgmt.enable_all_features()["Handshake"]
    mine = org.child_of(parent["Id"], member)
    client = org.client(member)

    def listed(**selector: str) -> list[str]:
        pages = client.get_paginator("list_handshakes_for_account").paginate(
            Filter=selector, PaginationConfig={"PageSize": 1}
        )
        return [h["Id"] for page in pages for h in page["Handshakes"]]

    invitation = [h["Id"] for h in client.list_handshakes_for_account()["Handshakes"] if h["Action"] == "INVITE"]
    assert listed(ActionType="ENABLE_ALL_FEATURES") == [mine["Id"]]
    assert listed(ActionType="INVITE") == invitation and len(invitation) == 1
    assert listed(ActionType="APPROVE_ALL_FEATURES") == []
    # Of the parent's children, a member sees its own only; the parent itself is addressed to nobody.
    assert listed(ParentHandshakeId=parent["Id"]) == [mine["Id"]]
    assert listed(ParentHandshakeId=mine["Id"]) == []


def test_another_organizations_parent_filters_to_nothing(org: Org) -> None:
    parent = org.mgmt.enable_all_features()["Handshake"]
    assert len(org.children(parent["Id"])) == 2
    other_id = org.sim.seed_account().id
    other = org.client(other_id)
    other.create_organization(FeatureSet="CONSOLIDATED_BILLING")
    assert other.list_handshakes_for_organization(Filter={"ParentHandshakeId": parent["Id"]})["Handshakes"] == []
    assert other.list_handshakes_for_account(Filter={"ParentHandshakeId": parent["Id"]})["Handshakes"] == []
