"""Attachments are indexed both ways, so that what a call costs does not grow with the organization:
a page of the targets of ``p-FullAWSAccess`` in an organization of 10,000 accounts looks at the page
only, and attaching, detaching and a new member's defaults touch one target and one policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from orgsim.domain import membership, policies
from orgsim.domain.limits import Limits
from orgsim.domain.model import CREATED, Organization
from orgsim.domain.ordered import OrderedIds
from orgsim.service.operations import policies as handlers
from orgsim.service.routes import route
from orgsim.service.simulated_aws import SimulatedAWS

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
SIZE = 10_000


@pytest.fixture(scope="module")
def large() -> tuple[SimulatedAWS, Organization]:
    aws = SimulatedAWS(seed="large", default_account_id="123456789012", limits=Limits(max_accounts=SIZE), clock=lambda: NOW)
    world = aws.world
    management = world.create_account("123456789012", None, None)
    org = membership.create_organization(world, management, None, NOW)
    for _ in range(SIZE - 1):
        membership.join(world, world.create_account(None, None, None), org, CREATED, NOW)
    return aws, org


def answer(aws: SimulatedAWS, operation: str, **params: Any) -> dict[str, Any]:
    found = route("organizations", operation)
    assert found is not None
    output, record = aws.answer(found, params, None)
    assert record.error is None, record.error
    assert output is not None
    return output


def test_every_account_has_the_default(large: tuple[SimulatedAWS, Organization]) -> None:
    _, org = large
    assert len(org.targets[policies.FULL_AWS_ACCESS.id]) == SIZE + 1  # the root too


def test_a_page_of_targets_looks_at_the_page_only(
    large: tuple[SimulatedAWS, Organization], monkeypatch: pytest.MonkeyPatch
) -> None:
    aws, org = large
    looked_at: list[str] = []
    find = handlers.find_target

    def counting(world: Any, organization: Organization, target_id: str) -> Any:
        looked_at.append(target_id)
        return find(world, organization, target_id)

    def no_scan(self: OrderedIds) -> Any:
        raise AssertionError("the whole index was read")

    members = list(org.members)  # an OrderedIds too: read before reading whole indexes is refused
    monkeypatch.setattr(handlers, "find_target", counting)
    monkeypatch.setattr(OrderedIds, "__iter__", no_scan)
    # Start from the middle: a token after the 5,000th member.
    seq = org.targets[policies.FULL_AWS_ACCESS.id].seq(members[5_000])
    token = aws.tokens.mint(f"ListTargetsForPolicy:123456789012:{policies.FULL_AWS_ACCESS.id}", f"{seq:012d}")
    page = answer(aws, "ListTargetsForPolicy", PolicyId="p-FullAWSAccess", MaxResults=20, NextToken=token)
    assert [t["TargetId"] for t in page["Targets"]] == members[5_001:5_021]
    assert looked_at == members[5_001:5_021]


def test_attaching_touches_one_target_and_one_policy(
    large: tuple[SimulatedAWS, Organization], monkeypatch: pytest.MonkeyPatch
) -> None:
    aws, org = large
    policy = answer(aws, "CreatePolicy", Name="Guard", Description="", Type="SERVICE_CONTROL_POLICY",
                    Content='{"Statement": {"Effect": "Deny", "Action": "*"}}')["Policy"]["PolicySummary"]["Id"]
    member = list(org.members)[-1]

    def no_scan(self: OrderedIds) -> Any:
        raise AssertionError("the whole index was read")

    monkeypatch.setattr(OrderedIds, "__iter__", no_scan)
    answer(aws, "AttachPolicy", PolicyId=policy, TargetId=member)
    answer(aws, "DetachPolicy", PolicyId="p-FullAWSAccess", TargetId=member)
    assert list(org.attachments[member]) == [policy]
    answer(aws, "AttachPolicy", PolicyId="p-FullAWSAccess", TargetId=member)
    answer(aws, "DetachPolicy", PolicyId=policy, TargetId=member)
    answer(aws, "DeletePolicy", PolicyId=policy)
    assert list(org.attachments[member]) == ["p-FullAWSAccess"]
