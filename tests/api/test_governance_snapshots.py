"""Snapshots and seeding of what governs an organization: policies and where they are attached,
policy types, trusted access, delegated administrators, the delegation policy."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from support.governance import FULL_AWS_ACCESS, SCP, SECURITYHUB, TAG, policies_of, targets_of

import orgsim

ALICE, BOB = "222222222222", "333333333333"
DENY_LEAVING = {"Statement": {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}}


@pytest.fixture
def clock() -> orgsim.ManualClock:
    return orgsim.ManualClock("2030-01-01T00:00:00Z")


@pytest.fixture
def sim(clock: orgsim.ManualClock) -> orgsim.Simulation:
    with orgsim.simulate(clock=clock) as simulation:
        yield simulation  # type: ignore[misc]


def test_seeding_policies_attachments_access_and_administrators(sim: orgsim.Simulation) -> None:
    seeded = sim.seed_organization(
        members=[ALICE],
        organizational_units={"Workloads/Prod": [BOB]},
        policies={
            "DenyLeaving": {"content": DENY_LEAVING, "targets": ["Workloads", ALICE], "description": "stay"},
            "CostCenter": {
                "type": TAG,
                "content": '{"tags": {"cc": {"tag_key": {"@@assign": "CostCenter"}}}}',
                "targets": ["/"],
                "tags": {"team": "finance"},
            },
        },
        trusted_access=["config.amazonaws.com"],
        delegated_administrators={ALICE: SECURITYHUB},
    )
    org = seeded.organization
    deny, cost = seeded.policies["DenyLeaving"], seeded.policies["CostCenter"]
    assert (deny.type, deny.description, json.loads(deny.content), deny.aws_managed) == (SCP, "stay", DENY_LEAVING, False)
    assert (cost.type, dict(cost.tags)) == (TAG, {"team": "finance"})
    workloads = seeded.organizational_units["Workloads"].id
    assert org.root.policy_types == (("SERVICE_CONTROL_POLICY", "ENABLED"), ("TAG_POLICY", "ENABLED"))
    assert org.policies_for(workloads) == (FULL_AWS_ACCESS, deny.id)
    assert org.policies_for(ALICE) == (FULL_AWS_ACCESS, deny.id)
    assert org.policies_for(org.root_id) == (FULL_AWS_ACCESS, cost.id)
    assert org.targets_for(deny.id) == (workloads, ALICE)
    assert org.policy(FULL_AWS_ACCESS).aws_managed and org.policy(deny.id) == deny
    assert list(org.enabled_service_principals) == ["config.amazonaws.com", SECURITYHUB]
    assert dict(org.delegated_administrators) == {ALICE: {SECURITYHUB: sim.now()}}
    # The API shows the same world.
    client = sim.session(seeded.management.id).client("organizations")
    assert policies_of(client, workloads) == [FULL_AWS_ACCESS, deny.id]
    assert targets_of(client, cost.id) == [org.root_id]
    assert client.list_delegated_services_for_account(AccountId=ALICE)["DelegatedServices"][0]["ServicePrincipal"] == SECURITYHUB
    assert sim.calls.operations == ["ListPoliciesForTarget", "ListTargetsForPolicy", "ListDelegatedServicesForAccount"]


def test_seeding_policies_follows_the_rules(sim: orgsim.Simulation) -> None:
    with pytest.raises(ValueError, match="cannot create the policy 'Bad'.*MalformedPolicyDocument"):
        sim.seed_organization(policies={"Bad": {"content": {"Statement": []}}})


def test_seeding_refuses_what_the_api_would(sim: orgsim.Simulation) -> None:
    with pytest.raises(ValueError, match="UNRECOGNIZED_SERVICE_PRINCIPAL"):
        sim.seed_organization(trusted_access=["example.amazonaws.com"])


def test_seeding_a_delegated_administrator_joins_it(sim: orgsim.Simulation) -> None:
    seeded = sim.seed_organization(delegated_administrators={BOB: [SECURITYHUB, "config.amazonaws.com"]})
    assert [m.id for m in seeded.members] == [BOB]
    assert list(seeded.organization.delegated_administrators[BOB]) == [SECURITYHUB, "config.amazonaws.com"]


@pytest.mark.parametrize(
    ("policies", "message"),
    [
        ({"P": {"targets": ["/"]}}, "at least its 'content'"),
        ({"P": {"content": "{}", "target": ["/"]}}, "unknown keys"),
        ({"P": {"content": "{}", "type": TAG, "targets": "/"}}, "not a single string"),
    ],
)
def test_seeding_policies_needs_well_formed_specs(sim: orgsim.Simulation, policies: dict[str, object], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        sim.seed_organization(policies=policies)  # type: ignore[arg-type]


def test_snapshots_of_policies_are_immutable_and_taken_when_asked(sim: orgsim.Simulation) -> None:
    seeded = sim.seed_organization(policies={"P": {"content": DENY_LEAVING, "targets": ["/"]}})
    client = sim.session(seeded.management.id).client("organizations")
    policy = seeded.policies["P"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.name = "Q"  # type: ignore[misc]
    with pytest.raises(TypeError):
        seeded.organization.attachments["x"] = ()  # type: ignore[index]
    client.update_policy(PolicyId=policy.id, Name="Q")
    client.put_resource_policy(Content='{"Statement": {"Effect": "Allow", "Principal": "111111111111", "Action": "organizations:ListRoots"}}')
    assert seeded.organization.policy(policy.id).name == "P"
    now = sim.organization()
    assert now.policy(policy.id).name == "Q"
    assert now.resource_policy is not None and now.resource_policy.id.startswith("rp-")
    with pytest.raises(KeyError):
        now.policy("p-0123456789")


def test_the_delegation_date_is_the_registration(sim: orgsim.Simulation, clock: orgsim.ManualClock) -> None:
    sim.seed_organization(members=[ALICE], trusted_access=[SECURITYHUB])
    clock.advance(hours=2)
    client = sim.session(sim.default_account_id).client("organizations")
    client.register_delegated_administrator(AccountId=ALICE, ServicePrincipal=SECURITYHUB)
    assert sim.organization().delegated_administrators[ALICE][SECURITYHUB] == dt.datetime(2030, 1, 1, 2, tzinfo=dt.timezone.utc)
