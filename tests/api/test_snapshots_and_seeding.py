"""Read-only snapshots of the world, and building a starting world in one call."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

import orgsim

ALICE, BOB, CAROL = "222222222222", "333333333333", "444444444444"


@pytest.fixture
def clock() -> orgsim.ManualClock:
    return orgsim.ManualClock("2024-01-01T00:00:00Z")


@pytest.fixture
def sim(clock: orgsim.ManualClock) -> orgsim.Simulation:
    with orgsim.simulate(clock=clock) as simulation:
        yield simulation  # type: ignore[misc]


def test_seeded_world_is_what_the_api_shows(sim: orgsim.Simulation) -> None:
    seeded = sim.seed_organization(members=[ALICE, BOB], invitations=[CAROL, "dave@example.com"])

    mgmt = sim.session(sim.default_account_id).client("organizations")
    org = mgmt.describe_organization()["Organization"]
    assert org["Id"] == seeded.id == seeded.organization.id
    assert org["MasterAccountId"] == sim.default_account_id == seeded.management.id
    listed = {a["Id"]: a["JoinedMethod"] for a in mgmt.list_accounts()["Accounts"]}
    assert listed == {sim.default_account_id: "INVITED", ALICE: "INVITED", BOB: "INVITED"}
    assert [m.id for m in seeded.members] == [ALICE, BOB]

    open_ids = {
        h["Id"]
        for h in mgmt.list_handshakes_for_organization()["Handshakes"]
        if h["State"] == "OPEN"
    }
    assert open_ids == {h.id for h in seeded.invitations}
    carol = sim.session(CAROL).client("organizations")
    assert [h["Id"] for h in carol.list_handshakes_for_account()["Handshakes"]] == [seeded.invitations[0].id]
    assert seeded.invitations[1].recipient == orgsim.Party("dave@example.com", "EMAIL")
    # Seeding is not part of the call log: only the calls above are.
    assert sim.calls.operations == [
        "DescribeOrganization",
        "ListAccounts",
        "ListHandshakesForOrganization",
        "ListHandshakesForAccount",
    ]


def test_seeding_follows_the_rules(sim: orgsim.Simulation) -> None:
    with pytest.raises(ValueError, match="ACCOUNT_NUMBER_LIMIT_EXCEEDED"):
        sim.seed_organization(members=10)


def test_seeding_refuses_a_management_account_already_in_an_organization(sim: orgsim.Simulation) -> None:
    sim.seed_organization()
    with pytest.raises(ValueError, match="AlreadyInOrganizationException"):
        sim.seed_organization()


def test_seeding_with_counts_creates_new_accounts(sim: orgsim.Simulation) -> None:
    seeded = sim.seed_organization(ALICE, feature_set="CONSOLIDATED_BILLING", members=2, invitations=1)
    assert seeded.management.id == ALICE
    assert seeded.organization.feature_set == "CONSOLIDATED_BILLING"
    assert len({m.id for m in seeded.members}) == 2
    assert seeded.organization.member_ids == (ALICE, *(m.id for m in seeded.members))
    assert seeded.invitations[0].state == "OPEN"
    assert sim.account(seeded.invitations[0].recipient.id).organization_id is None  # type: ignore[union-attr]


def test_existing_accounts_keep_their_details(sim: orgsim.Simulation) -> None:
    sim.seed_account(ALICE, name="Alice", email="alice@example.com")
    seeded = sim.seed_organization(members=[ALICE])
    assert (seeded.members[0].name, seeded.members[0].email) == ("Alice", "alice@example.com")


def test_handshake_state_is_derived_at_the_current_clock(sim: orgsim.Simulation, clock: orgsim.ManualClock) -> None:
    seeded = sim.seed_organization(invitations=[ALICE])
    handshake_id = seeded.invitations[0].id
    snapshot = sim.handshake(handshake_id)
    assert (snapshot.state, snapshot.ended_timestamp, snapshot.purged) == ("OPEN", None, False)
    assert snapshot.expiration_timestamp - snapshot.requested_timestamp == dt.timedelta(days=15)

    clock.advance(days=15)
    expired = sim.handshake(handshake_id)
    assert expired.state == "EXPIRED"
    assert expired.ended_timestamp == expired.expiration_timestamp
    assert snapshot.state == "OPEN"  # a snapshot does not change afterwards

    clock.advance(days=30 - 1)
    assert not sim.handshake(handshake_id).purged
    clock.advance(days=1)
    # 30 days after it expired the API shows it no more, and the world forgets it.
    with pytest.raises(KeyError, match="purged"):
        sim.handshake(handshake_id)
    assert sim.handshakes == ()


def test_snapshots_are_immutable_and_complete(sim: orgsim.Simulation) -> None:
    seeded = sim.seed_organization(members=[ALICE])
    mgmt = sim.session(sim.default_account_id).client("organizations")
    h = mgmt.invite_account_to_organization(Target={"Id": BOB, "Type": "ACCOUNT"}, Notes="hi")["Handshake"]
    mgmt.cancel_handshake(HandshakeId=h["Id"])

    view = sim.handshake(h["Id"])
    assert (view.action, view.state, view.notes, view.organization_id) == ("INVITE", "CANCELED", "hi", seeded.id)
    assert view.parties == (orgsim.Party(seeded.id, "ORGANIZATION"), orgsim.Party(BOB, "ACCOUNT"))
    assert view.ended_timestamp is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.state = "OPEN"  # type: ignore[misc]

    assert [a.id for a in sim.accounts if a.organization_id == seeded.id] == [sim.default_account_id, ALICE]
    assert sim.organizations == (sim.organization(seeded.id),)
    assert sim.organization() == seeded.organization
    # Oldest first: Alice's accepted invitation (from seeding), then Bob's canceled one.
    assert [(x.recipient, x.state) for x in sim.handshakes] == [
        (orgsim.Party(ALICE, "ACCOUNT"), "ACCEPTED"),
        (orgsim.Party(BOB, "ACCOUNT"), "CANCELED"),
    ]


def test_lookups_of_unknown_things_fail_clearly(sim: orgsim.Simulation) -> None:
    with pytest.raises(KeyError):
        sim.account("999999999999")
    with pytest.raises(KeyError):
        sim.handshake("h-00000000")
    with pytest.raises(LookupError, match="0 organizations"):
        sim.organization()
    with pytest.raises(KeyError):
        sim.organization("o-aaaaaaaaaa")
    # Looking does not create anything.
    assert sim.accounts == ()


def test_world_api_needs_a_started_simulation() -> None:
    sim = orgsim.simulate()
    with pytest.raises(RuntimeError, match="not been started"):
        sim.handshakes
    with pytest.raises(RuntimeError, match="not been started"):
        sim.calls


@pytest.mark.parametrize(
    ("details", "refused"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "two words@example.com"}, "email"),
        ({"email": "a" * 60 + "@example.com"}, "email"),  # over the model's 64 characters
        ({"name": ""}, "name"),
        ({"name": "n" * 129}, "name"),
    ],
)
def test_created_accounts_have_details_aws_accepts(sim: orgsim.Simulation, details: dict[str, str], refused: str) -> None:
    with pytest.raises(ValueError, match=f"is not a valid account {refused}: "):
        sim.seed_account(**details)
    assert sim.accounts == ()


def test_created_account_details_show_in_responses(sim: orgsim.Simulation) -> None:
    member = sim.seed_account(email="Dev.Team+1@example.com", name="dev team")
    sim.seed_organization(members=[member.id])
    client = sim.session(sim.default_account_id).client("organizations")
    shown = client.describe_account(AccountId=member.id)["Account"]
    assert (shown["Email"], shown["Name"]) == ("Dev.Team+1@example.com", "dev team")


def test_the_old_seeding_names_still_work_and_say_which_to_use(sim: orgsim.Simulation) -> None:
    with pytest.warns(DeprecationWarning, match="use Simulation.seed_account"):
        account = sim.create_account("210987654321")
    with pytest.warns(DeprecationWarning, match="use Simulation.seed_organization"):
        seeded = sim.create_organization(account.id)
    assert seeded.management.id == account.id
    assert sim.organization(seeded.id).management_account_id == account.id


# -- the organization tree ---------------------------------------------------------------------------


def test_snapshots_show_the_tree(sim: orgsim.Simulation) -> None:
    seeded = sim.seed_organization(members=[ALICE, BOB])
    mgmt = sim.session(sim.default_account_id).client("organizations")
    (root,) = mgmt.list_roots()["Roots"]
    ou = mgmt.create_organizational_unit(ParentId=root["Id"], Name="Prod", Tags=[{"Key": "env", "Value": "prod"}])
    ou_id = ou["OrganizationalUnit"]["Id"]
    team = mgmt.create_organizational_unit(ParentId=ou_id, Name="Team")["OrganizationalUnit"]["Id"]
    mgmt.move_account(AccountId=ALICE, SourceParentId=root["Id"], DestinationParentId=ou_id)
    mgmt.tag_resource(ResourceId=ALICE, Tags=[{"Key": "owner", "Value": "alice"}])
    mgmt.tag_resource(ResourceId=root["Id"], Tags=[{"Key": "level", "Value": "top"}])

    org = sim.organization()
    assert org.root.id == org.root_id == root["Id"]
    assert (org.root.arn, org.root.name) == (root["Arn"], "Root")
    assert org.root.policy_types == (("SERVICE_CONTROL_POLICY", "ENABLED"),)
    assert dict(org.root.tags) == {"level": "top"}
    assert org.root.account_ids == (sim.default_account_id, BOB)
    assert org.root.organizational_unit_ids == (ou_id,)
    prod = org.organizational_unit(ou_id)
    assert (prod.name, prod.parent_id, prod.depth, dict(prod.tags)) == ("Prod", root["Id"], 1, {"env": "prod"})
    assert prod.path == f"{seeded.id}/{root['Id']}/{ou_id}/"
    assert (prod.account_ids, prod.organizational_unit_ids) == ((ALICE,), (team,))
    assert org.organizational_unit(team).depth == 2
    assert [o.id for o in org.organizational_units] == [ou_id, team]
    alice = sim.account(ALICE)
    assert (alice.parent_id, dict(alice.tags), alice.state, alice.status) == (ou_id, {"owner": "alice"}, "ACTIVE", "ACTIVE")
    assert sim.account(BOB).parent_id == root["Id"]
    with pytest.raises(KeyError):
        org.organizational_unit("ou-zzzz-zzzzzzzz")
    # Snapshots do not follow the world, and their tags can't be changed.
    mgmt.untag_resource(ResourceId=ALICE, TagKeys=["owner"])
    assert dict(alice.tags) == {"owner": "alice"}
    with pytest.raises(TypeError):
        alice.tags["x"] = "y"  # type: ignore[index]


def test_seeding_creates_ous_and_places_members(sim: orgsim.Simulation) -> None:
    seeded = sim.seed_organization(
        members=[ALICE],
        organizational_units={"Workloads/Prod": [BOB, ALICE], "Workloads/Dev": 2, "Sandbox": []},
    )
    units = seeded.organizational_units
    assert list(units) == ["Workloads", "Workloads/Prod", "Workloads/Dev", "Sandbox"]
    workloads, prod, dev = units["Workloads"], units["Workloads/Prod"], units["Workloads/Dev"]
    assert (prod.parent_id, dev.parent_id) == (workloads.id, workloads.id)
    assert prod.account_ids == (BOB, ALICE)
    assert len(dev.account_ids) == 2 and units["Sandbox"].account_ids == ()
    # Every member counts once, in the order it joined; the tree is what the API shows.
    assert [m.id for m in seeded.members] == [ALICE, BOB, *dev.account_ids]
    assert all(m.organization_id == seeded.id for m in seeded.members)
    mgmt = sim.session(sim.default_account_id).client("organizations")
    assert mgmt.list_parents(ChildId=ALICE)["Parents"] == [{"Id": prod.id, "Type": "ORGANIZATIONAL_UNIT"}]
    children = mgmt.list_children(ParentId=workloads.id, ChildType="ORGANIZATIONAL_UNIT")["Children"]
    assert [c["Id"] for c in children] == [prod.id, dev.id]
    assert sim.organization().organizational_units == tuple(units.values())


def test_seeding_takes_a_list_of_ou_paths(sim: orgsim.Simulation) -> None:
    seeded = sim.seed_organization(organizational_units=iter(["A/B/C", "A/D"]))
    assert list(seeded.organizational_units) == ["A", "A/B", "A/B/C", "A/D"]
    assert seeded.organizational_units["A/B/C"].depth == 3


@pytest.mark.parametrize(
    ("units", "refused"),
    [
        ({"A/B/C/D/E/F": []}, "OU_DEPTH_LIMIT_EXCEEDED"),
        ({"X" * 129: []}, "is not a valid OU name: "),
        ({"A//B": []}, "an OU path is names joined by '/'"),
        ({"": []}, "an OU path is names joined by '/'"),
        ({"A": ["999999999999"], "B": ["999999999999"], "C": 20}, "ACCOUNT_NUMBER_LIMIT_EXCEEDED"),
    ],
)
def test_seeding_ous_follows_the_rules(sim: orgsim.Simulation, units: dict[str, object], refused: str) -> None:
    with pytest.raises(ValueError, match=refused):
        sim.seed_organization(organizational_units=units)  # type: ignore[arg-type]


def test_seeding_ous_refuses_a_single_string(sim: orgsim.Simulation) -> None:
    with pytest.raises(TypeError, match="not a single string"):
        sim.seed_organization(organizational_units="Workloads/Prod")
