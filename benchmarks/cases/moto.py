"""What moto can do too, side by side: CreateOrganization, CreateAccount x5 and ListAccounts.

moto answers at botocore's ``before-send``, after orgsim would have answered at ``before-call``, so no
simulation runs while moto's cases run: each batch starts its own world (a simulation, or ``mock_aws``)
and stops it afterwards. orgsim's CreateAccount completes after no delay here (moto's succeeds at once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3

import orgsim

from ..method import Case, Settings, frozen_setup, interleave, ratio
from ..report import Row, Section
from . import MANAGEMENT, REGION


class Side:
    """One of the two, with a world started per batch and, for the scenario, per call."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.client: Any = None
        self._stop: Callable[[], None] | None = None

    def start(self) -> None:
        self.stop()
        if self.name == "orgsim":
            sim = orgsim.simulate(seed="moto-side", create_account_delay_seconds=0).start()
            self.client = sim.session(MANAGEMENT).client("organizations")
            self._stop = sim.stop
        else:
            import moto

            mock = moto.mock_aws()
            mock.start()
            self.client = boto3.client("organizations", region_name=REGION)
            self._stop = mock.stop

    def stop(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None

    def start_with_accounts(self) -> None:
        self.start()
        self.scenario_calls(list_accounts=False)

    def start_without_org(self) -> None:
        self.start()

    def no_org(self) -> None:
        try:
            self.client.delete_organization()
        except self.client.exceptions.AWSOrganizationsNotInUseException:
            pass

    def scenario_calls(self, *, list_accounts: bool = True) -> None:
        client = self.client
        client.create_organization()
        for n in range(5):
            client.create_account(Email=f"member{n}@example.com", AccountName=f"member{n}")
        if list_accounts:
            assert len(client.list_accounts()["Accounts"]) == 6


def measure(settings: Settings) -> list[Section]:
    cases: dict[tuple[str, str], Case] = {}
    for name in ("orgsim", "moto"):
        side = Side(name)
        cases[name, "scenario"] = Case(f"{name} scenario", side.scenario_calls, prepare=side.start, leave=side.stop)
        cases[name, "CreateOrganization"] = Case(
            f"{name} CreateOrganization", lambda s=side: s.client.create_organization(), prepare=side.no_org,
            enter=side.start_without_org, leave=side.stop,
        )
        cases[name, "DescribeOrganization"] = Case(
            f"{name} DescribeOrganization", lambda s=side: s.client.describe_organization(),
            enter=side.start_with_accounts, leave=side.stop,
        )
        cases[name, "ListAccounts"] = Case(
            f"{name} ListAccounts", lambda s=side: s.client.list_accounts(), enter=side.start_with_accounts,
            leave=side.stop,
        )
    rounds, batch = settings.scaled(rounds=0.4, batch=0.5)
    with frozen_setup():
        interleave(list(cases.values()), rounds, batch)
    rows = []
    labels = {
        "scenario": "fresh world: CreateOrganization + CreateAccount x5 + ListAccounts (7 calls)",
        "CreateOrganization": "CreateOrganization",
        "DescribeOrganization": "DescribeOrganization",
        "ListAccounts": "ListAccounts (6 accounts)",
    }
    for what, label in labels.items():
        ours, theirs = cases["orgsim", what], cases["moto", what]
        rows.append(Row(f"{label}: moto", theirs.micros, ""))
        speedup = ratio(theirs, ours)
        rows.append(Row(f"{label}: orgsim", ours.micros, f"moto / orgsim = {speedup:.1f}", ">= 5.0", speedup >= 5.0))
    note = (
        "Both answer in the same process. The fresh-world row starts a new simulation (or `mock_aws`) and\n"
        "makes its client untimed before every call; the others run in a world started per batch."
    )
    return [Section("What moto can do too", note, rows)]
