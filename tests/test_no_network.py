"""No network, ever.

Every test runs with sockets blocked (pytest-socket, ``--disable-socket`` in addopts) and botocore's
HTTP send refused and recorded (the ``network_attempts`` fixture in conftest.py, which fails any test
that leaves an attempt behind). These tests show that while a simulation is active every way of
reaching Organizations or STS fails closed in-process, and that nothing is intercepted after it stops.
"""

from __future__ import annotations

import os
import socket
import threading
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.client import BaseClient
from pytest_socket import SocketBlockedError

import orgsim
from orgsim import UnsimulatedOperation
from orgsim.adapters import botocore_hooks

FAKE = {"aws_access_key_id": "AKIAEXAMPLEEXAMPLE00", "aws_secret_access_key": "not-a-real-secret"}
REGION = "us-east-1"


def _bare_client(service: str = "organizations", **extra: Any) -> BaseClient:
    """A client with explicit (fake) credentials, so building it needs nothing from the environment."""
    return boto3.Session(region_name=REGION, **FAKE).client(service, **extra)


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_sockets_are_blocked_in_every_test() -> None:
    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


def test_botocore_http_sends_are_refused_and_recorded(network_attempts: list[str]) -> None:
    client = _bare_client()
    with pytest.raises(AssertionError, match="tried to reach the network"):
        client.describe_organization()
    assert network_attempts == ["POST https://organizations.us-east-1.amazonaws.com/"]
    network_attempts.clear()  # expected: the fixture fails tests that leave attempts behind


@pytest.mark.parametrize(
    ("service", "call"),
    [
        ("organizations", lambda c: c.list_roots()),
        ("organizations", lambda c: c.list_policies(Filter="SERVICE_CONTROL_POLICY")),
        ("sts", lambda c: c.get_session_token()),
    ],
)
def test_an_unsimulated_operation_fails_closed(
    orgsim: orgsim.Simulation, network_attempts: list[str], service: str, call: Any
) -> None:
    client = orgsim.session(orgsim.default_account_id).client(service)
    with pytest.raises(UnsimulatedOperation):
        call(client)
    assert network_attempts == []


def test_passthrough_with_nothing_behind_it_is_stopped_by_the_backstop(network_attempts: list[str]) -> None:
    with orgsim.simulate(passthrough=True) as sim:
        client = sim.session(sim.default_account_id).client("organizations")
        with pytest.raises(orgsim.RealAWSRequestBlocked, match="organizations.us-east-1.amazonaws.com"):
            client.list_roots()
    assert network_attempts == []


def test_a_client_created_before_activation_is_answered(network_attempts: list[str]) -> None:
    early = _bare_client()
    early_default = boto3.client("organizations", region_name=REGION, **FAKE)
    with orgsim.simulate():
        early.create_organization()
        assert early_default.describe_organization()["Organization"]["MasterAccountId"] == "123456789012"
    assert network_attempts == []


def test_a_client_created_before_orgsim_was_installed_is_answered(pytester: pytest.Pytester) -> None:
    # A fresh process: the client exists before orgsim ever put a hook in place.
    pytester.makepyfile(
        test_early="""
import boto3
from orgsim.adapters import botocore_hooks

EARLY = boto3.Session(region_name="us-east-1", aws_access_key_id="AKIAEXAMPLEEXAMPLE00",
                      aws_secret_access_key="x").client("organizations")
INSTALLED_AT_IMPORT = botocore_hooks._installed


def test_early(orgsim):
    assert not INSTALLED_AT_IMPORT
    EARLY.create_organization()
    assert EARLY.describe_organization()["Organization"]["MasterAccountId"] == orgsim.default_account_id
"""
    )
    from conftest import INNER_ARGS

    result = pytester.runpytest_subprocess(*INNER_ARGS)
    result.assert_outcomes(passed=1)


def test_a_client_created_in_another_thread_is_answered(network_attempts: list[str]) -> None:
    made: dict[str, Any] = {}
    errors: list[BaseException] = []

    def build_and_call() -> None:
        try:
            made["client"] = boto3.Session(region_name=REGION).client("organizations")
            made["org"] = made["client"].create_organization()["Organization"]["Id"]
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    with orgsim.simulate():
        thread = threading.Thread(target=build_and_call)
        thread.start()
        thread.join()
        assert errors == []
        # ... and the same client answers in this thread too.
        assert made["client"].describe_organization()["Organization"]["Id"] == made["org"]
    assert network_attempts == []


def test_a_session_without_builtin_handlers_is_answered(network_attempts: list[str]) -> None:
    session = botocore.session.Session(include_builtin_handlers=False)
    client = session.create_client("organizations", region_name=REGION, **FAKE)
    sts = session.create_client("sts", region_name=REGION, **FAKE)
    with orgsim.simulate():
        assert not getattr(client, botocore_hooks._MARK, False)  # no hooks from BUILTIN_HANDLERS
        client.create_organization()
        assert client.describe_organization()["Organization"]["MasterAccountId"] == "123456789012"
        assert sts.get_caller_identity()["Account"] == "123456789012"
    assert network_attempts == []


def test_a_session_without_builtin_handlers_created_while_active(network_attempts: list[str]) -> None:
    with orgsim.simulate():
        session = botocore.session.Session(include_builtin_handlers=False)
        client = session.create_client("organizations", region_name=REGION, **FAKE)
        with pytest.raises(client.exceptions.AWSOrganizationsNotInUseException):
            client.describe_organization()
    assert network_attempts == []


def test_no_credentials_anywhere_still_answers_without_probing(
    monkeypatch: pytest.MonkeyPatch, network_attempts: list[str], tmp_path: Any
) -> None:
    # Without the fake environment the credential chain would end at the instance metadata service.
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    with orgsim.simulate():
        client = boto3.Session().client("organizations")
        client.create_organization()
    assert network_attempts == []


@pytest.mark.parametrize("service", ["organizations", "sts"])
def test_nothing_is_intercepted_after_the_simulation_stops(network_attempts: list[str], service: str) -> None:
    client = _bare_client(service)
    with orgsim.simulate() as sim:
        inside = sim.session(sim.default_account_id).client(service)
        call = (lambda c: c.list_handshakes_for_account()) if service == "organizations" else (lambda c: c.get_caller_identity())
        call(inside)
        call(client)
    assert network_attempts == []
    # Stopped: the same clients now go to botocore's HTTP layer (refused by the test guard).
    for stale in (client, inside):
        with pytest.raises(AssertionError, match="tried to reach the network"):
            call(stale)
    assert len(network_attempts) == 2
    assert all(".amazonaws.com" in attempt for attempt in network_attempts)
    network_attempts.clear()


def test_the_environment_is_restored_after_the_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "someone")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    with orgsim.simulate():
        assert "AWS_PROFILE" not in os.environ
        assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
    assert os.environ["AWS_PROFILE"] == "someone"
    assert "AWS_ACCESS_KEY_ID" not in os.environ
