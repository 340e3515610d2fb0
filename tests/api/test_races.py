"""Races: many threads answering the same handshakes at once.

Exactly one answer wins per handshake; the losers get modeled errors; membership and quotas stay
consistent. The interpreter switches threads as often as it can while these run, and a barrier
releases every thread at once.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

import orgsim

MGMT = "123456789012"
OTHER_MGMT = "210987654321"
ACCOUNTS = [f"{100000000000 + i}" for i in range(1, 13)]
THREADS = 24


@pytest.fixture(autouse=True)
def _switch_often() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


class Clients:
    """One client per account (clients are thread-safe; building them from one session is not, so
    that is serialised)."""

    def __init__(self, sim: orgsim.Simulation) -> None:
        self.sim = sim
        self._session = boto3.Session(region_name="us-east-1")
        self._made: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, account_id: str) -> Any:
        with self._lock:
            if account_id not in self._made:
                creds = self.sim.session(account_id).get_credentials()
                self._made[account_id] = self._session.client(
                    "organizations", aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key
                )
            return self._made[account_id]


@pytest.fixture
def clients(orgsim: orgsim.Simulation) -> Clients:
    for account_id in ACCOUNTS:
        orgsim.seed_account(account_id, email=f"owner-{account_id}@example.com")
    made = Clients(orgsim)
    made(MGMT).create_organization()
    return made


def race(calls: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    """Run every call at once. Each result is ("ok", response) or (error code, Reason)."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> tuple[str, Any]:
        barrier.wait()
        try:
            return "ok", call()
        except ClientError as error:
            return error.response["Error"]["Code"], error.response.get("Reason")

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        # Any other exception (orgsim's own, or a shape violation) propagates from result().
        return [future.result() for future in [pool.submit(run, call) for call in calls]]


def winners(results: list[tuple[str, Any]]) -> list[Any]:
    return [r for code, r in results if code == "ok"]


def invite(clients: Clients, target: str, by: str = MGMT) -> str:
    handshake = clients(by).invite_account_to_organization(Target={"Id": target, "Type": "ACCOUNT"})["Handshake"]
    return str(handshake["Id"])


def member_ids(clients: Clients, mgmt: str = MGMT) -> set[str]:
    return {a["Id"] for a in clients(mgmt).list_accounts()["Accounts"]}


def test_accept_decline_and_cancel_race_for_each_handshake(clients: Clients) -> None:
    targets = ACCOUNTS[:8]
    handshakes = {target: invite(clients, target) for target in targets}
    calls: list[Callable[[], Any]] = []
    owner: list[str] = []
    for target, handshake_id in handshakes.items():
        recipient, sender = clients(target), clients(MGMT)
        for _ in range(3):
            calls += [
                lambda c=recipient, h=handshake_id: c.accept_handshake(HandshakeId=h),
                lambda c=recipient, h=handshake_id: c.decline_handshake(HandshakeId=h),
                lambda c=sender, h=handshake_id: c.cancel_handshake(HandshakeId=h),
            ]
            owner += [target] * 3
    results = race(calls)

    by_handshake: dict[str, list[tuple[str, Any]]] = {}
    for target, result in zip(owner, results):
        by_handshake.setdefault(target, []).append(result)
    members = member_ids(clients)
    for target, outcomes in by_handshake.items():
        won = winners(outcomes)
        assert len(won) == 1, (target, outcomes)
        final = won[0]["Handshake"]["State"]
        losers = Counter(code for code, _ in outcomes if code != "ok")
        assert set(losers) <= {"HandshakeAlreadyInStateException", "InvalidHandshakeTransitionException"}, losers
        # Whoever asked for the state it ended in (and lost) hears it is already there.
        assert losers["HandshakeAlreadyInStateException"] == 2
        seen = clients(MGMT).describe_handshake(HandshakeId=handshakes[target])["Handshake"]["State"]
        assert seen == final
        assert (target in members) == (final == "ACCEPTED")


def test_one_account_accepts_two_organizations_at_once(clients: Clients, orgsim: orgsim.Simulation) -> None:
    orgsim.seed_account(OTHER_MGMT)
    clients(OTHER_MGMT).create_organization()
    target = ACCOUNTS[0]
    offers = [invite(clients, target, by=MGMT), invite(clients, target, by=OTHER_MGMT)]
    me = clients(target)
    results = race([lambda h=h: me.accept_handshake(HandshakeId=h) for h in offers for _ in range(6)])
    assert len(winners(results)) == 1
    assert {r for r in results if r[0] != "ok"} <= {
        ("HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION"),
        ("HandshakeAlreadyInStateException", None),
    }
    in_first, in_second = target in member_ids(clients, MGMT), target in member_ids(clients, OTHER_MGMT)
    assert in_first != in_second


@pytest.mark.orgsim(max_accounts=5, max_invitations_per_day=100)
def test_invitations_racing_for_the_last_slots(clients: Clients) -> None:
    # The management account holds one of five slots: four invitations fit, whoever comes first.
    mgmt = clients(MGMT)
    results = race(
        [lambda t=t: mgmt.invite_account_to_organization(Target={"Id": t, "Type": "ACCOUNT"}) for t in ACCOUNTS]
    )
    assert len(winners(results)) == 4
    assert {r for r in results if r[0] != "ok"} == {
        ("HandshakeConstraintViolationException", "ACCOUNT_NUMBER_LIMIT_EXCEEDED")
    }
    listed = mgmt.list_handshakes_for_organization()["Handshakes"]
    assert len(listed) == 4


@pytest.mark.orgsim(max_accounts=100, max_invitations_per_day=5)
def test_invitations_racing_for_the_daily_quota(clients: Clients) -> None:
    mgmt = clients(MGMT)
    results = race(
        [lambda t=t: mgmt.invite_account_to_organization(Target={"Id": t, "Type": "ACCOUNT"}) for t in ACCOUNTS]
    )
    assert len(winners(results)) == 5
    assert {r for r in results if r[0] != "ok"} == {
        ("HandshakeConstraintViolationException", "HANDSHAKE_RATE_LIMIT_EXCEEDED")
    }


def test_the_same_invitation_sent_many_times_at_once(clients: Clients) -> None:
    mgmt = clients(MGMT)
    target = {"Id": ACCOUNTS[0], "Type": "ACCOUNT"}
    by_email = {"Id": f"OWNER-{ACCOUNTS[0]}@example.com", "Type": "EMAIL"}
    results = race(
        [lambda t=t: mgmt.invite_account_to_organization(Target=t) for t in [target, by_email] * (THREADS // 2)]
    )
    assert len(winners(results)) == 1
    assert {r for r in results if r[0] != "ok"} == {("DuplicateHandshakeException", None)}


def test_leave_and_remove_race(clients: Clients) -> None:
    joined = ACCOUNTS[:6]
    for target in joined:
        clients(target).accept_handshake(HandshakeId=invite(clients, target))
    calls: list[Callable[[], Any]] = []
    for target in joined:
        calls += [lambda c=clients(target): c.leave_organization()] * 3
        calls += [lambda t=target: clients(MGMT).remove_account_from_organization(AccountId=t)] * 3
    results = race(calls)
    for index, target in enumerate(joined):
        outcomes = results[index * 6 : index * 6 + 6]
        assert len(winners(outcomes)) == 1, outcomes
        assert {r for r in outcomes if r[0] != "ok"} <= {
            ("AWSOrganizationsNotInUseException", None),
            ("AccountNotFoundException", None),
        }
    assert member_ids(clients) == {MGMT}


@pytest.mark.orgsim(max_accounts=3, max_invitations_per_day=100)
def test_accepting_leaving_and_inviting_keep_the_quota(clients: Clients) -> None:
    # Three slots: the management account and two open invitations fill them.
    mgmt = clients(MGMT)
    c, d, e = ACCOUNTS[:3]
    pending = {c: invite(clients, c), d: invite(clients, d)}
    invite_e: Callable[[], Any] = lambda: mgmt.invite_account_to_organization(Target={"Id": e, "Type": "ACCOUNT"})
    results = race(
        [lambda t=t, h=h: clients(t).accept_handshake(HandshakeId=h) for t, h in pending.items() for _ in range(4)]
        + [invite_e] * 4
    )
    assert len(winners(results[:8])) == 2
    assert set(results[8:]) == {("HandshakeConstraintViolationException", "ACCOUNT_NUMBER_LIMIT_EXCEEDED")}
    assert member_ids(clients) == {MGMT, c, d}

    # Both members leave while the management account keeps inviting a third account.
    results = race([clients(c).leave_organization] * 3 + [clients(d).leave_organization] * 3 + [invite_e] * 6)
    assert len(winners(results[:3])) == len(winners(results[3:6])) == 1
    assert len(winners(results[6:])) <= 1
    assert {r for r in results[6:] if r[0] != "ok"} <= {
        ("HandshakeConstraintViolationException", "ACCOUNT_NUMBER_LIMIT_EXCEEDED"),
        ("DuplicateHandshakeException", None),
    }
    assert member_ids(clients) == {MGMT}
    open_invites = [h for h in mgmt.list_handshakes_for_organization()["Handshakes"] if h["State"] == "OPEN"]
    assert len(open_invites) == len(winners(results[6:]))


def test_accepting_while_the_organization_is_deleted(clients: Clients) -> None:
    target = ACCOUNTS[0]
    offer = invite(clients, target)
    me, mgmt = clients(target), clients(MGMT)
    results = race([lambda: me.accept_handshake(HandshakeId=offer)] * 4 + [mgmt.delete_organization] * 4)
    accepted, deleted = winners(results[:4]), winners(results[4:])
    assert len(accepted) + len(deleted) == 1, results
    state = me.describe_handshake(HandshakeId=offer)["Handshake"]["State"]
    if accepted:
        # The organization survived, with its new member.
        assert {r for r in results[4:]} == {("OrganizationNotEmptyException", None)}
        assert state == "ACCEPTED"
        assert me.describe_organization()["Organization"]["MasterAccountId"] == MGMT
    else:
        # The organization is gone and took its open invitation with it.
        assert {r for r in results[:4]} == {("InvalidHandshakeTransitionException", None)}
        assert {r for r in results[4:] if r[0] != "ok"} == {("AWSOrganizationsNotInUseException", None)}
        assert state == "CANCELED"
        with pytest.raises(me.exceptions.AWSOrganizationsNotInUseException):
            me.describe_organization()


def test_leaving_one_organization_while_accepting_another(clients: Clients, orgsim: orgsim.Simulation) -> None:
    orgsim.seed_account(OTHER_MGMT)
    clients(OTHER_MGMT).create_organization()
    target = ACCOUNTS[0]
    clients(target).accept_handshake(HandshakeId=invite(clients, target, by=MGMT))
    offer = invite(clients, target, by=OTHER_MGMT)
    me = clients(target)
    results = race([me.leave_organization] * 4 + [lambda: me.accept_handshake(HandshakeId=offer)] * 4)
    left, accepted = len(winners(results[:4])), len(winners(results[4:]))
    # It leaves A once; it may join B (only after leaving A) and may then leave B too.
    assert accepted <= 1
    assert left == 1 or (left == 2 and accepted == 1), results
    assert {r for r in results[4:] if r[0] != "ok"} <= {
        ("HandshakeConstraintViolationException", "ALREADY_IN_AN_ORGANIZATION"),
        ("HandshakeAlreadyInStateException", None),
    }
    in_other = accepted == 1 and left == 1
    assert (target in member_ids(clients, OTHER_MGMT)) == in_other
    assert target not in member_ids(clients, MGMT)
    if not in_other:
        with pytest.raises(me.exceptions.AWSOrganizationsNotInUseException):
            me.describe_organization()


# -- billing transfers ------------------------------------------------------------------------------

from support.billing import needs_transfers, transfer_id, utc  # noqa: E402

BILLING_START = utc(2024, 2, 1)


def invite_transfer(clients: Clients, payer: str, source: str) -> dict[str, Any]:
    return clients(payer).invite_organization_to_transfer_responsibility(  # type: ignore[no-any-return]
        Type="BILLING", Target={"Id": source, "Type": "ACCOUNT"}, StartTimestamp=BILLING_START, SourceName="bill"
    )["Handshake"]


@pytest.fixture
def payers(clients: Clients) -> list[str]:
    """Four more organizations, each managed by one of ACCOUNTS[:4]; the first pays for nobody yet."""
    for account_id in ACCOUNTS[:4]:
        clients(account_id).create_organization()
    return ACCOUNTS[:4]


@needs_transfers
@pytest.mark.orgsim(clock=orgsim.ManualClock("2024-01-10T12:00:00Z"))
def test_one_source_accepts_two_payers_at_once(clients: Clients, payers: list[str]) -> None:
    source = payers[0]
    offers = [invite_transfer(clients, payer, source) for payer in (MGMT, payers[1])]
    me = clients(source)
    results = race([lambda h=h: me.accept_handshake(HandshakeId=h["Id"]) for h in offers for _ in range(6)])
    (won,) = winners(results)
    assert {r for r in results if r[0] != "ok"} <= {
        ("ConstraintViolationException", "RESPONSIBILITY_TRANSFER_MAX_OUTBOUND_QUOTA_VIOLATION"),
        ("HandshakeAlreadyInStateException", None),
    }
    statuses = {
        h["Id"]: me.describe_responsibility_transfer(Id=transfer_id(h))["ResponsibilityTransfer"]["Status"] for h in offers
    }
    assert statuses[won["Handshake"]["Id"]] == "ACCEPTED"
    assert sorted(statuses.values()) == ["ACCEPTED", "REQUESTED"]


@needs_transfers
@pytest.mark.orgsim(clock=orgsim.ManualClock("2024-01-10T12:00:00Z"))
def test_accepting_and_canceling_race_for_each_transfer(clients: Clients, payers: list[str]) -> None:
    offers = {source: invite_transfer(clients, MGMT, source) for source in payers}
    calls: list[Callable[[], Any]] = []
    for source, handshake in offers.items():
        for _ in range(3):
            calls += [
                lambda c=clients(source), h=handshake["Id"]: c.accept_handshake(HandshakeId=h),
                lambda c=clients(MGMT), h=handshake["Id"]: c.cancel_handshake(HandshakeId=h),
            ]
    results = race(calls)
    for index, (source, handshake) in enumerate(offers.items()):
        outcomes = results[index * 6 : index * 6 + 6]
        (won,) = winners(outcomes)
        final = won["Handshake"]["State"]
        assert {code for code, _ in outcomes if code != "ok"} <= {
            "HandshakeAlreadyInStateException",
            "InvalidHandshakeTransitionException",
        }
        shown = clients(MGMT).describe_responsibility_transfer(Id=transfer_id(handshake))["ResponsibilityTransfer"]
        assert shown["Status"] == final  # ACCEPTED or CANCELED, as its handshake


@needs_transfers
@pytest.mark.orgsim(clock=orgsim.ManualClock("2024-01-10T12:00:00Z"))
def test_both_sides_withdraw_at_once(clients: Clients, payers: list[str]) -> None:
    offers = {source: invite_transfer(clients, MGMT, source) for source in payers}
    for source, handshake in offers.items():
        clients(source).accept_handshake(HandshakeId=handshake["Id"])
    clock = clients.sim.options.clock
    assert isinstance(clock, orgsim.ManualClock)
    clock.move_to(utc(2024, 2, 10))
    calls: list[Callable[[], Any]] = []
    for source, handshake in offers.items():
        rt = transfer_id(handshake)
        calls += [lambda c=clients(party), rt=rt: c.terminate_responsibility_transfer(Id=rt) for party in (MGMT, source)] * 3
    results = race(calls)
    for index in range(len(offers)):
        outcomes = results[index * 6 : index * 6 + 6]
        (won,) = winners(outcomes)
        assert won["ResponsibilityTransfer"]["Status"] == "WITHDRAWN"
        assert {r for r in outcomes if r[0] != "ok"} == {("ResponsibilityTransferAlreadyInStatusException", None)}
    withdrawn = clients.sim.calls.filter("TerminateResponsibilityTransfer", ok=True)
    assert len(withdrawn) == len(offers) and all(len(c.changes) == 1 for c in withdrawn)

