"""How calls reach the simulation, and that nothing leaves the process.

Every test runs with sockets blocked (pytest-socket, ``--disable-socket`` in addopts) and botocore's
HTTP send refused and recorded (the ``network_attempts`` fixture of conftest.py, which fails any test
that leaves an attempt behind). These tests show that every kind of client is answered while a
simulation runs, that what orgsim does not answer fails closed in-process, that nothing is
intercepted after it stops (but the clients it answered keep failing closed), and that the process
environment is faked and restored.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from pytest_socket import SocketBlockedError
from support import World

import orgsim
from orgsim import RealAWSRequestBlocked, UnsimulatedOperation
from orgsim.adapters.botocore.hooks import MARK
from orgsim.domain import handshakes

SRC = Path(orgsim.__file__).resolve().parent.parent
FAKE = {"aws_access_key_id": "AKIAEXAMPLEEXAMPLE00", "aws_secret_access_key": "not-a-real-secret"}
REGION = "us-east-1"
REFUSED = "tried to reach the network"


def _bare_client(service: str = "organizations") -> BaseClient:
    """A client with explicit (fake) credentials, so building it needs nothing from the environment."""
    return boto3.Session(region_name=REGION, **FAKE).client(service)


# -- the guards themselves ------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_sockets_are_blocked_in_every_test() -> None:
    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


def test_botocore_http_sends_are_refused_and_recorded(network_attempts: list[str]) -> None:
    with pytest.raises(AssertionError, match=REFUSED):
        _bare_client().describe_organization()
    assert network_attempts == ["POST https://organizations.us-east-1.amazonaws.com/"]
    network_attempts.clear()  # expected: the fixture fails tests that leave attempts behind


# -- every kind of client is answered -------------------------------------------------------------


def test_clients_built_before_the_simulation_are_answered(network_attempts: list[str]) -> None:
    early = _bare_client()
    boto3.setup_default_session(region_name=REGION, **FAKE)
    try:
        early_default = boto3.client("organizations")
        with orgsim.simulate():
            early.create_organization()
            assert early_default.describe_organization()["Organization"]["MasterAccountId"] == "123456789012"
    finally:
        boto3.DEFAULT_SESSION = None
    assert network_attempts == []


def test_clients_built_before_orgsim_was_imported_are_answered(tmp_path: Path) -> None:
    """In a fresh interpreter: the default session and its clients exist before orgsim installs anything."""
    script = tmp_path / "early.py"
    script.write_text(
        textwrap.dedent(
            """
            import boto3
            boto3.setup_default_session(aws_access_key_id="AKIAEXAMPLEKEY", aws_secret_access_key="s",
                                        region_name="us-east-1")
            early = boto3.client("organizations")
            early_sts = boto3.client("sts")

            import orgsim
            from orgsim.adapters.botocore import hooks
            assert not hooks.installed()
            with orgsim.simulate():
                org = early.create_organization()["Organization"]
                assert org["MasterAccountId"] == "123456789012", org
                assert early_sts.get_caller_identity()["Account"] == "123456789012"
                late = boto3.client("organizations")
                assert late.describe_organization()["Organization"]["Id"] == org["Id"]
            print("OK")
            """
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "OK"


def test_clients_built_and_used_in_other_threads_are_answered(network_attempts: list[str]) -> None:
    results: list[str] = []
    made: dict[str, Any] = {}
    errors: list[BaseException] = []

    def work(sim: orgsim.Simulation) -> None:
        try:
            results.append(sim.session("210987654321").client("sts").get_caller_identity()["Account"])
            made.setdefault("client", boto3.Session(region_name=REGION).client("organizations"))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    with orgsim.simulate() as sim:
        threads = [threading.Thread(target=work, args=(sim,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert results == ["210987654321"] * 4
        # A client built in another thread answers in this one too.
        made["client"].create_organization()
    assert network_attempts == []


def test_a_session_without_builtin_handlers_is_answered(network_attempts: list[str]) -> None:
    session = botocore.session.Session(include_builtin_handlers=False)
    client = session.create_client("organizations", region_name=REGION, **FAKE)
    sts = session.create_client("sts", region_name=REGION, **FAKE)
    with orgsim.simulate():
        assert not getattr(client, MARK, False)  # no hooks from BUILTIN_HANDLERS
        client.create_organization()
        assert client.describe_organization()["Organization"]["MasterAccountId"] == "123456789012"
        assert sts.get_caller_identity()["Account"] == "123456789012"
        late = botocore.session.Session(include_builtin_handlers=False).create_client(
            "organizations", region_name=REGION, **FAKE
        )
        assert late.describe_organization()["Organization"]["MasterAccountId"] == "123456789012"
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
        boto3.Session().client("organizations").create_organization()
    assert network_attempts == []


# -- what orgsim does not answer fails closed -----------------------------------------------------


@pytest.mark.parametrize(
    ("service", "operation", "kwargs", "name"),
    [
        ("organizations", "create_gov_cloud_account", {"Email": "gov@example.com", "AccountName": "gov"}, "CreateGovCloudAccount"),
        ("sts", "get_access_key_info", {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE"}, "GetAccessKeyInfo"),
        ("sts", "decode_authorization_message", {"EncodedMessage": "encoded"}, "DecodeAuthorizationMessage"),
        ("sts", "get_session_token", {}, "GetSessionToken"),
    ],
)
def test_an_unsimulated_operation_raises_and_names_itself(
    orgsim: orgsim.Simulation, network_attempts: list[str], service: str, operation: str, kwargs: dict[str, Any], name: str
) -> None:
    client = orgsim.session(orgsim.default_account_id).client(service)
    with pytest.raises(UnsimulatedOperation) as info:
        getattr(client, operation)(**kwargs)
    assert name in str(info.value)
    assert info.value.operation == name
    assert not isinstance(info.value, ClientError)
    assert network_attempts == []


def test_passthrough_lets_a_stubber_answer_unsimulated_operations() -> None:
    with orgsim.simulate(passthrough=True) as sim:
        client = sim.session("123456789012").client("organizations")
        with Stubber(client) as stubber:
            stubber.add_response("create_gov_cloud_account", {"CreateAccountStatus": {"State": "IN_PROGRESS"}})
            gov = client.create_gov_cloud_account(Email="gov@example.com", AccountName="gov")
            assert gov["CreateAccountStatus"] == {"State": "IN_PROGRESS"}


def test_passthrough_with_nothing_behind_it_is_stopped_by_the_backstop(network_attempts: list[str]) -> None:
    with orgsim.simulate(passthrough=True) as sim:
        client = sim.session(sim.default_account_id).client("organizations")
        with pytest.raises(RealAWSRequestBlocked, match="organizations.us-east-1.amazonaws.com"):
            client.create_gov_cloud_account(Email="gov@example.com", AccountName="gov")
        # Simulated operations are still answered.
        client.create_organization()
    assert network_attempts == []


def test_a_stubber_on_a_client_takes_precedence(orgsim: orgsim.Simulation) -> None:
    client = orgsim.session("123456789012").client("organizations")
    client.create_organization()
    stubber = Stubber(client)
    stubber.add_client_error("describe_organization", "AccessDeniedException", "stubbed")
    with stubber, pytest.raises(client.exceptions.AccessDeniedException):
        client.describe_organization()
    assert client.describe_organization()["Organization"]["MasterAccountId"] == "123456789012"


def test_other_services_are_refused_in_process(orgsim: orgsim.Simulation, network_attempts: list[str]) -> None:
    # Nothing answers S3 in-process here: refused before any lookup (more in test_fail_closed.py).
    with pytest.raises(RealAWSRequestBlocked, match=r"s3\.ListBuckets"):
        _bare_client("s3").list_buckets()
    assert network_attempts == []


# -- dormant after stop ---------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["organizations", "sts"])
def test_nothing_is_intercepted_after_the_simulation_stops(network_attempts: list[str], service: str) -> None:
    client, untouched = _bare_client(service), _bare_client(service)

    def call(c: BaseClient) -> Any:
        return c.list_handshakes_for_account() if service == "organizations" else c.get_caller_identity()

    with orgsim.simulate() as sim:
        inside = sim.session(sim.default_account_id).client(service)
        call(inside)
        call(client)
    assert network_attempts == []
    # Stopped: a client the simulation never saw goes to botocore's HTTP layer (refused by the test guard).
    with pytest.raises(AssertionError, match=REFUSED):
        call(untouched)
    assert len(network_attempts) == 1
    host = network_attempts[0].split("/")[2]
    # botocore before 1.36 sends STS to the global endpoint by default, later ones to the regional one.
    assert host in {"organizations.us-east-1.amazonaws.com", "sts.amazonaws.com", "sts.us-east-1.amazonaws.com"}
    network_attempts.clear()
    # The clients it answered keep failing closed, in-process.
    for stale in (client, inside):
        with pytest.raises(RealAWSRequestBlocked, match="stopped"):
            call(stale)
    assert network_attempts == []


# -- the process environment ----------------------------------------------------------------------


def test_environment_credentials_are_faked_and_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.delenv("AWS_CONFIG_FILE", raising=False)
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)
    before = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}

    with orgsim.simulate():
        assert os.environ["AWS_ACCESS_KEY_ID"] != "AKIAREALKEY"
        assert os.environ["AWS_SECRET_ACCESS_KEY"] != "real-secret"
        for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE"):
            assert name not in os.environ
        assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
        credentials = boto3.Session().get_credentials()
        assert credentials is not None
        assert credentials.access_key == os.environ["AWS_ACCESS_KEY_ID"]
        assert credentials.token is None
        assert credentials.method == "env"
        with orgsim.simulate():  # nested: the outer restore still brings back the originals
            pass
        assert os.environ["AWS_ACCESS_KEY_ID"] != "AKIAREALKEY"

    after = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    assert after == before


def test_environment_is_restored_when_the_body_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    with pytest.raises(ZeroDivisionError), orgsim.simulate():
        1 / 0  # noqa: B018
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAREALKEY"


# -- answers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("round_", range(5))
def test_racing_answers_have_exactly_one_winner(
    orgsim: orgsim.Simulation, monkeypatch: pytest.MonkeyPatch, round_: int
) -> None:
    # Widen the window between checking a handshake's state and changing it, so that without the
    # simulation's lock the threads would interleave there (and several would "win").
    check_transition = handshakes.check_transition

    def slow_check(*args: Any) -> Any:
        target = check_transition(*args)
        time.sleep(0.002)
        return target

    monkeypatch.setattr(handshakes, "check_transition", slow_check)
    world = World.build(orgsim)
    handshake = world.invite()
    target = handshake["Parties"][1]["Id"]
    # botocore clients are thread-safe: the threads share one client per party.
    recipient = world.client(target)
    calls = {
        "accept": recipient.accept_handshake,
        "decline": recipient.decline_handshake,
        "cancel": world.mgmt.cancel_handshake,
    }
    callers = [(action, calls[action]) for action in ("accept", "decline", "cancel") * 4]
    barrier = threading.Barrier(len(callers))
    wins: list[tuple[str, str]] = []
    losses: list[str] = []
    unexpected: list[BaseException] = []

    def race(action: str, call: Any) -> None:
        barrier.wait()
        try:
            state = call(HandshakeId=handshake["Id"])["Handshake"]["State"]
        except ClientError as e:
            losses.append(e.response["Error"]["Code"])
        except BaseException as e:  # pragma: no cover - reported below
            unexpected.append(e)
        else:
            wins.append((action, state))

    threads = [threading.Thread(target=race, args=caller) for caller in callers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert unexpected == []
    assert len(wins) == 1, wins
    assert len(losses) == len(callers) - 1
    assert set(losses) <= {"HandshakeAlreadyInStateException", "InvalidHandshakeTransitionException"}
    final = world.mgmt.describe_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"]
    assert final == wins[0][1] == {"accept": "ACCEPTED", "decline": "DECLINED", "cancel": "CANCELED"}[wins[0][0]]
    members = {a["Id"] for a in world.mgmt.list_accounts()["Accounts"]}
    assert (target in members) == (final == "ACCEPTED")


def test_success_responses_carry_response_metadata(orgsim: orgsim.Simulation) -> None:
    response = orgsim.session("123456789012").client("organizations").create_organization()
    metadata = response["ResponseMetadata"]
    assert metadata["HTTPStatusCode"] == 200
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", metadata["RequestId"])
    assert metadata["HTTPHeaders"]["x-amzn-requestid"] == metadata["RequestId"]
    assert metadata["RetryAttempts"] == 0
    other = orgsim.session("123456789012").client("organizations").describe_organization()
    assert other["ResponseMetadata"]["RequestId"] != metadata["RequestId"]
