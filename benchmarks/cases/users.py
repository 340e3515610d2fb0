"""What a test suite feels: making clients, setting a test up, and a realistic test from start to end.

- Client creation: ``sim.session(account).client("organizations")`` inside a running simulation, next
  to ``boto3.client("organizations")`` (boto3's default session, which it keeps) and the same call
  inside moto's ``mock_aws`` (whose start gives boto3 a new default session).
- Fixture setup per test: what the ``orgsim`` fixture does (start a fresh simulation, stop it) plus one
  client, next to ``with mock_aws():`` plus one client.
- The realistic test: create an organization, invite 6 accounts, accept 5 of them from each member's
  own client, page the handshakes, let the sixth expire (16 calls, 6 clients), simulation included.
"""

from __future__ import annotations

import boto3

import orgsim

from ..method import Case, Settings, frozen_setup, interleave, ratio
from ..report import Row, Section
from . import MANAGEMENT, REGION

MEMBERS = [f"{n:012d}" for n in range(222222222222, 222222222222 + 6)]


def realistic_test() -> None:
    """The test of the issue that asked for this: 16 calls from 6 clients, in a fresh simulation."""
    clock = orgsim.ManualClock("2024-01-01")
    with orgsim.simulate(clock=clock, seed="realistic") as sim:
        mgmt = sim.session(MANAGEMENT).client("organizations")
        mgmt.create_organization()
        sent = [
            mgmt.invite_account_to_organization(Target={"Id": account, "Type": "ACCOUNT"})["Handshake"]["Id"]
            for account in MEMBERS
        ]
        for account, handshake_id in zip(MEMBERS[:5], sent):
            sim.session(account).client("organizations").accept_handshake(HandshakeId=handshake_id)
        page = mgmt.list_handshakes_for_organization(MaxResults=4)
        rest = mgmt.list_handshakes_for_organization(MaxResults=4, NextToken=page["NextToken"])
        assert len(page["Handshakes"]) + len(rest["Handshakes"]) == 6
        clock.advance(days=16)
        assert mgmt.describe_handshake(HandshakeId=sent[5])["Handshake"]["State"] == "EXPIRED"
        assert len(mgmt.list_accounts()["Accounts"]) == 6
    assert len(sim.calls) == 16


def orgsim_fixture() -> None:
    with orgsim.simulate(seed="fixture") as sim:
        sim.session(MANAGEMENT).client("organizations")


def moto_fixture() -> None:
    import moto

    with moto.mock_aws():
        boto3.client("organizations", region_name=REGION)


def measure(settings: Settings) -> list[Section]:
    import moto

    sections = []
    rounds, batch = settings.scaled(rounds=0.5, batch=0.5)

    # -- client creation
    sim = orgsim.simulate(seed="clients").start()
    mock = moto.mock_aws()
    account = MEMBERS[0]
    try:
        plain = Case("boto3.client", lambda: boto3.client("organizations", region_name=REGION))
        in_moto = Case("moto", lambda: boto3.client("organizations", region_name=REGION),
                       enter=mock.start, leave=mock.stop)
        ours = Case("orgsim", lambda: sim.session(account).client("organizations"))
        session_only = Case("orgsim session", lambda: sim.session(account))
        fresh = Case("boto3.Session().client",
                     lambda: boto3.Session(region_name=REGION).client("organizations"))
        with frozen_setup():
            interleave([plain, in_moto, ours, session_only, fresh], rounds, batch)
    finally:
        sim.stop()
    r = ratio(ours, plain)
    sections.append(Section(
        "Client creation",
        "Each row makes one Organizations client. boto3.client uses boto3's default session (made once, then\n"
        "kept); inside `mock_aws` that is a new default session per mock, made on the batch's untimed first\n"
        "call. `sim.session(a)` runs inside a started simulation.",
        [
            Row("boto3.client(\"organizations\")", plain.micros, "1.00 x boto3.client"),
            Row("boto3.client inside moto's mock_aws", in_moto.micros, f"{ratio(in_moto, plain):.2f} x boto3.client"),
            Row("sim.session(a).client(\"organizations\")", ours.micros, f"{r:.2f} x boto3.client",
                "<= 1.00 x boto3.client", r <= 1.0),
            Row("sim.session(a) alone", session_only.micros, f"{ratio(session_only, plain):.2f} x boto3.client"),
            Row("boto3.Session().client(\"organizations\") (a new session each time)", fresh.micros,
                f"{ratio(fresh, plain):.2f} x boto3.client"),
        ],
    ))

    # -- a test's setup, and a whole test
    rounds, batch = settings.scaled(rounds=0.4, batch=0.3)
    fixture_ours = Case("orgsim fixture", orgsim_fixture)
    fixture_moto = Case("moto fixture", moto_fixture)
    test = Case("realistic test", realistic_test)
    client = Case("boto3.client", lambda: boto3.client("organizations", region_name=REGION))
    with frozen_setup():
        interleave([fixture_ours, fixture_moto, test, client], rounds, batch)
    sections.append(Section(
        "A test's setup, and a realistic test",
        "Fixture setup: start a fresh simulation (what the `orgsim` fixture does) and make one client, then\n"
        "stop; moto: `with mock_aws():` and one client. The realistic test creates an organization, invites 6\n"
        "accounts, accepts 5 from each member's own client, pages the handshakes and lets the sixth expire:\n"
        "16 calls, 6 clients, in a fresh simulation. \"x boto3.client\" compares with making one client from\n"
        "boto3's default session in the same rounds, which makes runs on different days comparable.",
        [
            Row("fixture setup + one client: orgsim", fixture_ours.micros,
                f"{ratio(fixture_ours, fixture_moto):.2f} x moto, {ratio(fixture_ours, client):.1f} x boto3.client"),
            Row("fixture setup + one client: moto", fixture_moto.micros,
                f"{ratio(fixture_moto, client):.1f} x boto3.client"),
            Row("realistic test (16 calls, 6 clients)", test.micros, f"{ratio(test, client):.1f} x boto3.client"),
        ],
    ))
    return sections
