"""Billing transfers in snapshots and seeding, and what happens where botocore's model lacks them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

import orgsim
from orgsim.service import routes
from support.billing import MODELED, OTHER, PAYER, SOURCE, needs_transfers, new_sim, utc

NOW = utc(2024, 1, 15, 10)


@pytest.fixture
def sim() -> Iterator[orgsim.Simulation]:
    with new_sim(orgsim.ManualClock(NOW), default_account_id=PAYER) as simulation:
        yield simulation


@needs_transfers
def test_a_seeded_transfer_is_what_the_api_shows(sim: orgsim.Simulation) -> None:
    payer, source = sim.seed_organization(PAYER), sim.seed_organization(SOURCE)
    seeded = sim.seed_transfer(payer.id, SOURCE, name="Seeded bill", tags={"k": "v"})
    assert sim.calls.operations == []  # seeding is not logged
    assert seeded.status == "ACCEPTED"
    assert (seeded.inviter_organization_id, seeded.inviter_account_id) == (payer.id, PAYER)
    assert (seeded.source_organization_id, seeded.source_account_id) == (source.id, SOURCE)
    assert seeded.start_timestamp == utc(2024, 2, 1)
    assert seeded.expiration_timestamp == utc(2024, 1, 31)
    assert seeded.tags == {"k": "v"}
    assert (seeded.end_timestamp, seeded.ended_timestamp, seeded.purged) == (None, None, False)
    client = sim.session(PAYER).client("organizations")
    shown = client.describe_responsibility_transfer(Id=seeded.id)["ResponsibilityTransfer"]
    assert (shown["Status"], shown["Name"], shown["ActiveHandshakeId"]) == ("ACCEPTED", "Seeded bill", seeded.handshake_id)
    assert sim.handshake(seeded.handshake_id).state == "ACCEPTED"
    assert sim.transfers == (seeded,) and sim.transfer(seeded.id) == seeded
    with pytest.raises(KeyError):
        sim.transfer("rt-zzzzzzzz")


@needs_transfers
def test_seeding_an_invitation_only(sim: orgsim.Simulation) -> None:
    sim.seed_organization(PAYER)
    sim.seed_organization(SOURCE)
    seeded = sim.seed_transfer(PAYER, SOURCE, accepted=False, start="2024-03-01")
    assert (seeded.status, seeded.start_timestamp, seeded.tags) == ("REQUESTED", utc(2024, 3, 1), {})
    source = sim.session(SOURCE).client("organizations")
    (handshake,) = source.list_handshakes_for_account()["Handshakes"]
    assert handshake["Id"] == seeded.handshake_id and handshake["State"] == "OPEN"


@needs_transfers
def test_the_default_start_leaves_a_day_to_accept() -> None:
    clock = orgsim.ManualClock(utc(2024, 1, 31))
    with new_sim(clock) as sim:
        sim.seed_organization(PAYER)
        sim.seed_organization(SOURCE)
        assert sim.seed_transfer(PAYER, SOURCE, accepted=False).start_timestamp == utc(2024, 3, 1)
        clock.move_to(utc(2024, 1, 30, 23, 59, 59))
        sim.seed_organization(OTHER)
        assert sim.seed_transfer(PAYER, OTHER, accepted=False).start_timestamp == utc(2024, 2, 1)


@needs_transfers
def test_seeding_follows_the_rules(sim: orgsim.Simulation) -> None:
    sim.seed_organization(PAYER)
    sim.seed_organization(SOURCE)
    with pytest.raises(ValueError, match="neither an organization nor the management account"):
        sim.seed_transfer(PAYER, "999999999999")
    with pytest.raises(ValueError, match="START_DATE_NOT_BEGINNING_OF_MONTH"):
        sim.seed_transfer(PAYER, SOURCE, start=utc(2024, 2, 2))
    with pytest.raises(ValueError, match="SOURCE_AND_TARGET_CANNOT_MATCH"):
        sim.seed_transfer(PAYER, PAYER)
    with pytest.raises(ValueError, match="is not a valid transfer name: "):
        sim.seed_transfer(PAYER, SOURCE, name="caf\u00e9")
    with pytest.raises(ValueError, match="tag key"):
        sim.seed_transfer(PAYER, SOURCE, tags={"": "v"})
    sim.seed_transfer(PAYER, SOURCE)
    with pytest.raises(ValueError, match="RESPONSIBILITY_TRANSFER_ALREADY_EXISTS"):
        sim.seed_transfer(PAYER, SOURCE)


@needs_transfers
def test_helpers_say_which_botocore_they_need(sim: orgsim.Simulation, monkeypatch: pytest.MonkeyPatch) -> None:
    # What a model without the operations makes of them, seen with this model.
    newest = routes.has_operation
    monkeypatch.setattr(routes, "has_operation", lambda service, op: op not in routes.NEWER_OPERATIONS and newest(service, op))
    with pytest.raises(orgsim.BotocoreTooOld, match=r"needs botocore 1\.41\.1 or newer"):
        sim.seed_transfer(PAYER, SOURCE)
    with pytest.raises(orgsim.BotocoreTooOld, match=r"TerminateResponsibilityTransfer needs botocore 1\.41\.1"):
        sim.fail("terminate_responsibility_transfer", "ConcurrentModificationException")
    assert "InviteOrganizationToTransferResponsibility" not in routes.simulated()["organizations"]


@pytest.mark.skipif(MODELED, reason="the installed botocore's model has the billing transfers")
def test_without_the_operations_in_the_model(sim: orgsim.Simulation) -> None:
    with pytest.raises(orgsim.BotocoreTooOld, match=r"needs botocore 1\.41\.1 or newer: the installed botocore"):
        sim.seed_transfer(PAYER, SOURCE)
    with pytest.raises(orgsim.BotocoreTooOld, match="InviteOrganizationToTransferResponsibility needs botocore"):
        sim.fail("InviteOrganizationToTransferResponsibility", "ServiceException")
    assert set(routes.simulated()["organizations"]).isdisjoint(routes.NEWER_OPERATIONS)
    assert all(routes.route("organizations", op) is None for op in routes.NEWER_OPERATIONS)
    assert sim.transfers == ()
    # Everything else still works, and the report has no transfer section.
    sim.seed_organization(PAYER)
    assert "Billing transfers" not in sim.report()


def test_every_newer_operation_is_routed() -> None:
    assert set(routes.NEWER_OPERATIONS) <= set(routes.HANDLERS["organizations"])
    for operation in routes.NEWER_OPERATIONS:
        assert (routes.route("organizations", operation) is not None) == MODELED
    assert routes.missing_from_model("DescribeOrganization") is None
    assert (routes.missing_from_model("describe_responsibility_transfer") is None) == MODELED


@needs_transfers
def test_snapshots_are_taken_at_the_moment_asked() -> None:
    clock = orgsim.ManualClock(NOW)
    with new_sim(clock) as sim:
        sim.seed_organization(PAYER)
        sim.seed_organization(SOURCE)
        seeded = sim.seed_transfer(PAYER, SOURCE, accepted=False)
        clock.move_to(utc(2024, 1, 31))
        later = sim.transfer(seeded.id)
        assert (seeded.status, later.status) == ("REQUESTED", "EXPIRED")
        assert later.ended_timestamp == utc(2024, 1, 31)
        assert later.purge_timestamp == utc(2024, 1, 31) + dt.timedelta(days=30)
        clock.move_to(utc(2024, 3, 1))
        assert sim.transfer(seeded.id).purged
