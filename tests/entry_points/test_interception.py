"""How calls reach the simulation: clients built before it, fail-closed for unsimulated operations,
dormant after stop, fake credentials in the environment, and one winner among racing answers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.endpoint import Endpoint
from botocore.exceptions import ClientError
from botocore.stub import Stubber

import orgsim
from orgsim import RealAWSRequestBlocked, UnsimulatedOperation
from orgsim.domain import handshakes
from support import World

SRC = Path(orgsim.__file__).resolve().parent.parent


class ReachedTheNetwork(Exception):
    """Raised by a stand-in for ``Endpoint._send``: the request got past every in-process handler."""


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace the HTTP layer: record each URL that would have been sent, then refuse it."""
    sent: list[str] = []

    def send(self: Endpoint, request: Any) -> Any:
        sent.append(request.url)
        raise ReachedTheNetwork(request.url)

    monkeypatch.setattr(Endpoint, "_send", send)
    return sent


def _static_session() -> boto3.Session:
    return boto3.Session(aws_access_key_id="AKIAEXAMPLEKEY", aws_secret_access_key="secret", region_name="us-east-1")


# -- coverage -------------------------------------------------------------------------------------


def test_client_built_before_the_simulation_is_covered(network: list[str]) -> None:
    client = _static_session().client("organizations")
    with orgsim.simulate():
        assert client.create_organization()["Organization"]["MasterAccountId"] == "123456789012"
    assert network == []


def test_default_session_client_built_before_the_simulation_is_covered(network: list[str]) -> None:
    boto3.setup_default_session(aws_access_key_id="AKIAEXAMPLEKEY", aws_secret_access_key="s", region_name="us-east-1")
    try:
        client = boto3.client("organizations")
        with orgsim.simulate():
            client.create_organization()
            assert client.describe_organization()["Organization"]["MasterAccountId"] == "123456789012"
    finally:
        boto3.DEFAULT_SESSION = None
    assert network == []


def test_clients_built_before_orgsim_was_imported_are_covered(tmp_path: Path) -> None:
    """In a fresh interpreter: the default session and a client exist before orgsim installs anything."""
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


def test_clients_built_in_other_threads_are_covered(orgsim: orgsim.Simulation, network: list[str]) -> None:
    results: list[str] = []

    def work() -> None:
        results.append(orgsim.session("210987654321").client("sts").get_caller_identity()["Account"])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["210987654321"] * 4
    assert network == []


# -- fail closed ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "kwargs", "name"),
    [
        ("list_policies", {"Filter": "SERVICE_CONTROL_POLICY"}, "ListPolicies"),
        ("describe_policy", {"PolicyId": "p-examplepolicyid111"}, "DescribePolicy"),
        ("list_delegated_administrators", {}, "ListDelegatedAdministrators"),
    ],
)
def test_unsimulated_operations_raise_and_name_the_operation(
    orgsim: orgsim.Simulation, network: list[str], operation: str, kwargs: dict[str, Any], name: str
) -> None:
    client = orgsim.session("123456789012").client("organizations")
    with pytest.raises(UnsimulatedOperation) as info:
        getattr(client, operation)(**kwargs)
    assert name in str(info.value)
    assert info.value.operation == name
    assert not isinstance(info.value, ClientError)
    assert network == []


def test_passthrough_lets_a_stubber_answer_unsimulated_operations() -> None:
    with orgsim.simulate(passthrough=True) as sim:
        client = sim.session("123456789012").client("organizations")
        with Stubber(client) as stubber:
            stubber.add_response("list_roots", {"Roots": []})
            assert client.list_roots()["Roots"] == []


def test_passthrough_with_nothing_behind_it_hits_the_backstop() -> None:
    with orgsim.simulate(passthrough=True) as sim:
        client = sim.session("123456789012").client("organizations")
        with pytest.raises(RealAWSRequestBlocked, match="organizations"):
            client.list_roots()
        # Simulated operations are still answered.
        client.create_organization()


def test_a_stubber_on_a_client_takes_precedence(orgsim: orgsim.Simulation) -> None:
    client = orgsim.session("123456789012").client("organizations")
    client.create_organization()
    stubber = Stubber(client)
    stubber.add_client_error("describe_organization", "AccessDeniedException", "stubbed")
    with stubber, pytest.raises(client.exceptions.AccessDeniedException):
        client.describe_organization()
    assert client.describe_organization()["Organization"]["MasterAccountId"] == "123456789012"


def test_other_services_are_left_alone(orgsim: orgsim.Simulation, network: list[str]) -> None:
    s3 = _static_session().client("s3")
    with pytest.raises(ReachedTheNetwork):
        s3.list_buckets()
    assert len(network) == 1 and "s3" in network[0]


# -- dormant after stop ---------------------------------------------------------------------------


def test_nothing_is_intercepted_after_stop(network: list[str]) -> None:
    client = _static_session().client("organizations")
    sts = _static_session().client("sts")
    with orgsim.simulate():
        client.create_organization()
        sts.get_caller_identity()
    assert network == []
    with pytest.raises(ReachedTheNetwork):
        client.describe_organization()
    with pytest.raises(ReachedTheNetwork):
        sts.get_caller_identity()
    fresh = _static_session().client("organizations")
    with pytest.raises(ReachedTheNetwork):
        fresh.list_roots()  # not UnsimulatedOperation: orgsim is not answering at all
    hosts = [url.split("/")[2] for url in network]
    # botocore before 1.36 sends STS to the global endpoint by default, later ones to the regional one.
    assert hosts[1] in ("sts.amazonaws.com", "sts.us-east-1.amazonaws.com")
    assert hosts[::2] == ["organizations.us-east-1.amazonaws.com"] * 2 and len(hosts) == 3


# -- credentials in the environment ---------------------------------------------------------------


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


# -- threads --------------------------------------------------------------------------------------


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
