"""The sessions ``sim.session(account)`` hands out: boto3 sessions whose clients act as that account,
made from a shared, prepared botocore session per thread, and isolated from each other all the same."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore import handlers as botocore_handlers

import orgsim

ACCOUNTS = [f"{n:012d}" for n in range(111111111111, 111111111111 + 8)]


def _account_of(client: Any) -> str:
    return str(client.get_caller_identity()["Account"])


def test_a_session_is_a_boto3_session_whose_clients_act_as_its_account() -> None:
    with orgsim.simulate() as sim:
        session = sim.session(ACCOUNTS[0])
        assert isinstance(session, boto3.Session)
        assert session.region_name == "us-east-1"
        assert _account_of(session.client("sts")) == ACCOUNTS[0]
        assert session.client("sts").meta.region_name == "us-east-1"
        keys = session.get_credentials()
        assert keys.access_key == session.client("sts")._request_signer._credentials.access_key


def test_clients_of_different_sessions_act_as_their_own_accounts() -> None:
    with orgsim.simulate() as sim:
        clients = [sim.session(a).client("sts") for a in ACCOUNTS]
        assert [_account_of(c) for c in clients] == ACCOUNTS


def test_keys_given_to_a_client_win_over_the_sessions() -> None:
    with orgsim.simulate() as sim:
        other = sim.session(ACCOUNTS[1]).get_credentials()
        client = sim.session(ACCOUNTS[0]).client(
            "sts", aws_access_key_id=other.access_key, aws_secret_access_key=other.secret_key
        )
        assert _account_of(client) == ACCOUNTS[1]


def test_what_is_registered_on_a_sessions_events_applies_to_its_own_clients_only() -> None:
    seen: list[str] = []

    def note(**kwargs: Any) -> None:
        seen.append(kwargs["event_name"])

    with orgsim.simulate() as sim:
        mine = sim.session(ACCOUNTS[0])
        mine.events.register("before-call.sts.GetCallerIdentity", note)
        assert _account_of(mine.client("sts")) == ACCOUNTS[0]
        assert seen == ["before-call.sts.GetCallerIdentity"]
        # Another session, and clients made afterwards from the shared botocore session, never see it.
        assert _account_of(sim.session(ACCOUNTS[1]).client("sts")) == ACCOUNTS[1]
        assert _account_of(boto3.client("sts", region_name="us-east-1")) == sim.default_account_id
        assert seen == ["before-call.sts.GetCallerIdentity"]
        assert _account_of(mine.client("sts")) == ACCOUNTS[0]
        assert len(seen) == 2


def test_the_rest_of_boto3_sessions_api_works() -> None:
    with orgsim.simulate() as sim:
        session = sim.session(ACCOUNTS[0])
        assert "organizations" in session.get_available_services()
        assert session.profile_name == "default"
        assert "us-east-1" in repr(session)
        # Once it has a botocore session of its own, its clients come from that one, as the same account.
        assert _account_of(session.client("sts")) == ACCOUNTS[0]
        assert session.get_credentials().access_key == session.client("sts")._request_signer._credentials.access_key


def test_a_new_built_in_handler_reaches_clients_made_afterwards() -> None:
    # moto appends its handler to BUILTIN_HANDLERS when imported, possibly after orgsim made sessions.
    seen: list[str] = []

    def note(**kwargs: Any) -> None:
        seen.append(kwargs["event_name"])

    entry = ("before-call.sts.GetCallerIdentity", note)
    with orgsim.simulate() as sim:
        _account_of(sim.session(ACCOUNTS[0]).client("sts"))
        botocore_handlers.BUILTIN_HANDLERS.append(entry)
        try:
            assert _account_of(sim.session(ACCOUNTS[0]).client("sts")) == ACCOUNTS[0]
        finally:
            botocore_handlers.BUILTIN_HANDLERS.remove(entry)
        assert seen == ["before-call.sts.GetCallerIdentity"]
        _account_of(sim.session(ACCOUNTS[0]).client("sts"))
        assert len(seen) == 1


def _in_threads(count: int, work: Callable[[int], str]) -> list[str]:
    barrier = threading.Barrier(count)

    def run(index: int) -> str:
        barrier.wait()
        return work(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_threads_make_sessions_and_clients_at_the_same_time() -> None:
    with orgsim.simulate() as sim:

        def work(index: int) -> str:
            account = ACCOUNTS[index]
            for _ in range(5):
                client = sim.session(account).client("sts")
                assert _account_of(client) == account
            return account

        assert _in_threads(len(ACCOUNTS), work) == ACCOUNTS


def test_one_session_used_by_several_threads_makes_each_thread_its_clients() -> None:
    with orgsim.simulate() as sim:
        shared = sim.session(ACCOUNTS[0])
        org = shared.client("organizations")
        org.create_organization()

        def work(index: int) -> str:
            clients = [shared.client("organizations") for _ in range(5)]
            return str({c.describe_organization()["Organization"]["MasterAccountId"] for c in clients})

        assert set(_in_threads(6, work)) == {str({ACCOUNTS[0]})}


@pytest.mark.parametrize("touch", ["events", "_session", "resource_factory"])
def test_reaching_into_a_session_gives_it_a_botocore_session_of_its_own(touch: str) -> None:
    with orgsim.simulate() as sim:
        first, second = sim.session(ACCOUNTS[0]), sim.session(ACCOUNTS[1])
        getattr(first, touch)
        assert first._session is not second._session
        assert _account_of(first.client("sts")) == ACCOUNTS[0]
        assert _account_of(second.client("sts")) == ACCOUNTS[1]
