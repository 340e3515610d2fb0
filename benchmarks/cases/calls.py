"""Per call: orgsim next to botocore's own cost (the floor) and botocore's Stubber.

- floor: a client of the same kind answering from a trivial ``before-call`` handler (registered first,
  so it answers before anything else would) that returns a canned, already-parsed response: what
  orgsim answered to the same call. No in-process answer can cost less.
- Stubber: ``botocore.stub.Stubber`` with the same response queued (untimed) before each call.
- orgsim: a client from ``sim.session(...)``.

State a call needs (a fresh organization, an invitation to accept) is made untimed before each call,
and the floor and the Stubber run the same setup before theirs, so all three see the same caches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

import orgsim

from ..method import Case, Settings, added_micros, frozen_setup, interleave, ratio
from ..report import Row, Section
from . import MANAGEMENT, REGION

#: Per-call targets, on the newest botocore: orgsim's cost as a multiple of the floor's.
TARGETS = {"DescribeHandshake": 1.35, "ListHandshakesForOrganization": 2.2}
_LABELS = {"ListHandshakesForOrganization": "ListHandshakesForOrganization, page of 20"}
_RESPONSE = AWSResponse(None, 200, {}, None)


def plain_client(access_key: str) -> Any:
    return boto3.Session(
        aws_access_key_id=access_key, aws_secret_access_key="not-a-secret", region_name=REGION
    ).client("organizations")


class Floor:
    """A client that answers every call from a trivial before-call handler with a canned parsed response."""

    def __init__(self) -> None:
        self.canned: dict[str, dict[str, Any]] = {}
        self.client = plain_client("AKIAFLOORFLOORFLOOR0")
        self.client.meta.events.register_first("before-call.organizations", self._answer)

    def _answer(self, model: Any, **kwargs: Any) -> tuple[AWSResponse, dict[str, Any]]:
        return _RESPONSE, dict(self.canned[model.name])


class World:
    """What the orgsim cases call, in one simulation for the whole group. Organization A (the default
    account's) has 4 members and 50 open invitations; B is made afresh before every call that changes
    it; C's management account creates its organization (deleted again, untimed, before each call)."""

    def __init__(self) -> None:
        self.sim = orgsim.simulate(seed="benchmark", max_accounts=1_000_000, max_invitations_per_day=1_000_000)
        self.sim.start()
        sim = self.sim
        seeded = sim.seed_organization(MANAGEMENT, members=4, invitations=50)
        self.handshake_id = seeded.invitations[0].id
        self.mgmt = sim.session(MANAGEMENT).client("organizations")
        self.b_mgmt = sim.session(sim.seed_account().id).client("organizations")
        self.b_mgmt.create_organization()
        self.member_id = sim.seed_account().id
        self.member = sim.session(self.member_id).client("organizations")
        self.target = {"Id": self.member_id, "Type": "ACCOUNT"}
        self.pending = ""
        self.c_mgmt = sim.session(sim.seed_account().id).client("organizations")

    def fresh_b(self) -> None:
        """Organization B with no handshakes and no member but its management account."""
        try:
            self.member.leave_organization()
        except self.member.exceptions.AWSOrganizationsNotInUseException:
            pass
        self.b_mgmt.delete_organization()
        self.b_mgmt.create_organization()

    def fresh_b_with_invitation(self) -> None:
        self.fresh_b()
        self.pending = self.b_mgmt.invite_account_to_organization(Target=self.target)["Handshake"]["Id"]

    def no_org_c(self) -> None:
        try:
            self.c_mgmt.delete_organization()
        except self.c_mgmt.exceptions.AWSOrganizationsNotInUseException:
            pass

    def invite_and_accept(self) -> Any:
        handshake_id = self.b_mgmt.invite_account_to_organization(Target=self.target)["Handshake"]["Id"]
        return self.member.accept_handshake(HandshakeId=handshake_id)


def measure(settings: Settings) -> list[Section]:
    floor = Floor()
    stub_client = plain_client("AKIASTUBSTUBSTUBSTUB")
    stubber = Stubber(stub_client)
    stubber.activate()
    w = World()
    try:
        hid = w.handshake_id
        # operation -> (boto3 method, orgsim's call, untimed setup before each call, the call's parameters)
        ops: dict[str, tuple[str, Callable[[], Any], Callable[[], Any] | None, dict[str, Any]]] = {
            "DescribeHandshake": (
                "describe_handshake", lambda: w.mgmt.describe_handshake(HandshakeId=hid), None, {"HandshakeId": hid}
            ),
            "ListHandshakesForOrganization": (
                "list_handshakes_for_organization", lambda: w.mgmt.list_handshakes_for_organization(), None, {}
            ),
            "InviteAccountToOrganization": (
                "invite_account_to_organization",
                lambda: w.b_mgmt.invite_account_to_organization(Target=w.target),
                w.fresh_b,
                {"Target": w.target},
            ),
            "AcceptHandshake": (
                "accept_handshake",
                lambda: w.member.accept_handshake(HandshakeId=w.pending),
                w.fresh_b_with_invitation,
                {"HandshakeId": hid},
            ),
            "CreateOrganization": ("create_organization", lambda: w.c_mgmt.create_organization(), w.no_org_c, {}),
            "DescribeOrganization": ("describe_organization", lambda: w.mgmt.describe_organization(), None, {}),
            "ListAccounts": ("list_accounts", lambda: w.mgmt.list_accounts(), None, {}),
        }
        # The floor and the Stubber answer what orgsim answered to the same call.
        for op, (_, call, prepare, _) in ops.items():
            if prepare is not None:
                prepare()
            canned = call()
            canned["ResponseMetadata"] = {**canned["ResponseMetadata"], "RequestId": "floor"}
            floor.canned[op] = canned
        assert len(floor.canned["ListHandshakesForOrganization"]["Handshakes"]) == 20
        assert len(floor.canned["ListAccounts"]["Accounts"]) == 5
        assert floor.client.describe_organization()["ResponseMetadata"]["RequestId"] == "floor"

        def floor_call(method: str, params: dict[str, Any]) -> Callable[[], Any]:
            bound = getattr(floor.client, method)
            return lambda: bound(**params)

        def stub_case(op: str, method: str, params: dict[str, Any], setup: Callable[[], Any] | None) -> Case:
            body = {k: v for k, v in floor.canned[op].items() if k != "ResponseMetadata"}
            bound = getattr(stub_client, method)

            def prepare() -> None:
                if setup is not None:
                    setup()
                stubber.add_response(method, body)

            return Case(f"{op} Stubber", lambda: bound(**params), prepare=prepare)

        cases: dict[str, Case] = {}
        for op, (method, call, prepare, params) in ops.items():
            # The floor runs the untimed setup too: it changes nothing the floor reads, but it leaves
            # the same CPU caches behind.
            cases[f"{op} floor"] = Case(f"{op} floor", floor_call(method, params), prepare=prepare)
            cases[f"{op} Stubber"] = stub_case(op, method, params, prepare)
            cases[f"{op} orgsim"] = Case(f"{op} orgsim", call, prepare=prepare)
        invite_floor = floor_call("invite_account_to_organization", {"Target": w.target})
        accept_floor = floor_call("accept_handshake", {"HandshakeId": hid})

        def floor_cycle() -> None:
            invite_floor()
            accept_floor()

        cases["invite + accept floor"] = Case("invite + accept floor", floor_cycle, prepare=w.fresh_b)
        cases["invite + accept orgsim"] = Case("invite + accept orgsim", w.invite_and_accept, prepare=w.fresh_b)

        with frozen_setup():
            interleave(list(cases.values()), settings.rounds, settings.batch)
    finally:
        w.sim.stop()
        stubber.deactivate()

    rows: list[Row] = []
    for op in [*ops, "invite + accept"]:
        label = _LABELS.get(op, op)
        base = cases[f"{op} floor"]
        rows.append(Row(f"{label}: floor", base.micros, "1.00 x floor"))
        stub = cases.get(f"{op} Stubber")
        if stub is not None:
            rows.append(Row(f"{label}: Stubber", stub.micros,
                            f"{ratio(stub, base):.2f} x floor, {added_micros(stub, base):+.1f} µs"))
        ours = cases[f"{op} orgsim"]
        r = ratio(ours, base)
        row = Row(f"{label}: orgsim", ours.micros, f"{r:.2f} x floor, {added_micros(ours, base):+.1f} µs")
        if op in TARGETS:
            row.target, row.passed = f"<= {TARGETS[op]:.2f} x floor", r <= TARGETS[op]
        rows.append(row)
    note = (
        "The floor is botocore's own cost: the same kind of client answering from a trivial `before-call`\n"
        "handler with a canned response (what orgsim answered). \"+µs\" is what the Stubber or orgsim adds\n"
        "over the floor, measured in the same rounds. The page lists the first 20 of an organization's 54\n"
        "handshakes. Invite, accept and CreateOrganization run on an organization made afresh, untimed,\n"
        "before each call (the floor and the Stubber run the same setup)."
    )
    return [Section("Per call: orgsim next to botocore's floor and Stubber", note, rows)]
