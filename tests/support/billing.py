"""Helpers for the billing-transfer tests: whether the installed botocore has the operations, and a
scene of two organizations (a payer and the organization whose bill it may take over)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.serialize import create_serializer

import orgsim
from orgsim.service.botocore_model import has_operation, service_model

UTC = dt.timezone.utc
#: Whether the installed botocore's model has the billing transfer operations (1.41.1 and newer).
MODELED = has_operation("organizations", "InviteOrganizationToTransferResponsibility")
needs_transfers = pytest.mark.skipif(not MODELED, reason="the installed botocore's model has no billing transfers")

PAYER, SOURCE, OTHER = "111111111111", "222222222222", "333333333333"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def transfer_id(handshake: dict[str, Any]) -> str:
    """The transfer id, read from a TRANSFER_RESPONSIBILITY handshake the way real client code reads it."""
    return next(r["Value"] for r in handshake["Resources"] if r.get("Type") == "RESPONSIBILITY_TRANSFER")  # type: ignore[no-any-return]


def sends_milliseconds() -> bool:
    """Whether the installed botocore sends a timestamp's milliseconds (1.44 and newer), or whole seconds."""
    request = create_serializer("json", include_validation=False).serialize_to_request(
        {"Id": "rt-00000000", "EndTimestamp": utc(2024, 1, 31, 23, 59, 59).replace(microsecond=999_000)},
        service_model("organizations").operation_model("TerminateResponsibilityTransfer"),
    )
    return json.loads(request["body"])["EndTimestamp"] != int(json.loads(request["body"])["EndTimestamp"])


def has_reason(error: str, reason: str) -> bool:
    """Whether the installed model lists ``reason`` among ``error``'s reasons."""
    return reason in service_model("organizations").shape_for(f"{error}Reason").enum


@dataclass
class Billing:
    """A payer organization (managed by PAYER) and a source organization (managed by SOURCE), each
    with one member, and clients by account."""

    sim: orgsim.Simulation
    clock: orgsim.ManualClock
    payer_org: str
    source_org: str
    payer_member: str
    source_member: str
    _clients: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, sim: orgsim.Simulation, clock: orgsim.ManualClock) -> Billing:
        sim.seed_account(PAYER, name="Payer", email="payer@example.com")
        sim.seed_account(SOURCE, name="Source", email="source@example.com")
        payer = sim.seed_organization(PAYER, members=1)
        source = sim.seed_organization(SOURCE, members=1)
        return cls(sim, clock, payer.id, source.id, payer.members[0].id, source.members[0].id)

    def client(self, account_id: str) -> Any:
        found = self._clients.get(account_id)
        if found is None:
            found = self._clients[account_id] = self.sim.session(account_id).client("organizations")
        return found

    @property
    def payer(self) -> Any:
        return self.client(PAYER)

    @property
    def source(self) -> Any:
        return self.client(SOURCE)

    def next_start(self) -> dt.datetime:
        """The first of next month (the earliest start while more than a day is left)."""
        now = self.sim.now()
        index = now.year * 12 + now.month
        return utc(index // 12, index % 12 + 1, 1)

    def invite(self, target: str = SOURCE, *, by: str = PAYER, start: dt.datetime | None = None, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = {
            "Type": "BILLING",
            "Target": {"Id": target, "Type": "EMAIL" if "@" in target else "ACCOUNT"},
            "StartTimestamp": start or self.next_start(),
            "SourceName": "Source bill",
            **kwargs,
        }
        return self.client(by).invite_organization_to_transfer_responsibility(**params)["Handshake"]  # type: ignore[no-any-return]

    def accepted(self, target: str = SOURCE, *, by: str = PAYER, **kwargs: Any) -> str:
        """A transfer invited and accepted; returns its id."""
        handshake = self.invite(target, by=by, **kwargs)
        self.client(target).accept_handshake(HandshakeId=handshake["Id"])
        return transfer_id(handshake)

    def organization(self, management: str) -> str:
        """A new organization managed by ``management`` (seeded)."""
        return self.sim.seed_organization(management).id

    def describe(self, transfer: str, by: str = PAYER) -> dict[str, Any]:
        return self.client(by).describe_responsibility_transfer(Id=transfer)["ResponsibilityTransfer"]  # type: ignore[no-any-return]


def new_sim(clock: orgsim.ManualClock, **options: Any) -> orgsim.Simulation:
    options.setdefault("seed", "billing")
    return orgsim.simulate(clock=clock, **options)
