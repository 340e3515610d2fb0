"""``Simulation.serve`` over real loopback sockets: the lifecycle, the environment it sets, what a
socket can do to it (truncate, stall, flood, garble), concurrent clients, the ``orgsim_server``
fixture, and plain boto3 clients in a child process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

import orgsim
from orgsim.serving import ExposedServerWarning, Server
from support.http import TARGET_PREFIX, body_of, http_bytes, send_raw, signed, status_of

# Sockets on the loopback address only, for these tests alone (the suite blocks sockets).
pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

MGMT, MEMBER = "111111111111", "222222222222"
VARIABLES = ("AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_ENDPOINT_URL_STS")
CHILD = Path(__file__).with_name("boto3_child.py")
SRC = Path(orgsim.__file__).resolve().parents[1]


@pytest.fixture
def sim() -> Iterator[orgsim.Simulation]:
    with orgsim.simulate(default_account_id=MGMT) as sim:
        yield sim


def _free_to_bind(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _identity_request(server: Server, sim: orgsim.Simulation, account_id: str = MGMT) -> bytes:
    method, url, headers, body = signed(
        sim.credentials(account_id), "sts", body=b"Action=GetCallerIdentity&Version=2011-06-15", url=server.endpoint_url + "/"
    )
    return http_bytes(method, url, headers, body)


# -- lifecycle and environment -------------------------------------------------------------------


def test_serving_sets_the_endpoints_and_stopping_frees_the_port(sim: orgsim.Simulation) -> None:
    before = {name: os.environ.get(name) for name in VARIABLES}
    with sim.serve() as server:
        assert server.endpoint_url == f"http://127.0.0.1:{server.port}"
        assert {name: os.environ[name] for name in VARIABLES} == dict.fromkeys(VARIABLES, server.endpoint_url)
        port = server.port
        assert not _free_to_bind(port)
        raw = send_raw(server.endpoint_url, _identity_request(server, sim))
        assert status_of(raw) == 200 and f"<Account>{MGMT}</Account>".encode() in body_of(raw)
    assert not server.running
    assert {name: os.environ.get(name) for name in VARIABLES} == before
    assert _free_to_bind(port)
    with pytest.raises(orgsim.OrgsimError, match="not running"):
        server.endpoint_url


def test_two_servers_at_once_the_environment_names_the_latest(sim: orgsim.Simulation, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://before.example")
    monkeypatch.delenv("AWS_ENDPOINT_URL_ORGANIZATIONS", raising=False)
    first = sim.serve().start()
    second = sim.serve().start()
    third = sim.serve().start()
    assert os.environ["AWS_ENDPOINT_URL_STS"] == third.endpoint_url
    second.stop()  # not the latest: nothing changes
    assert os.environ["AWS_ENDPOINT_URL_STS"] == third.endpoint_url
    third.stop()
    assert os.environ["AWS_ENDPOINT_URL_ORGANIZATIONS"] == os.environ["AWS_ENDPOINT_URL_STS"] == first.endpoint_url
    first.stop()
    assert os.environ["AWS_ENDPOINT_URL_STS"] == "http://before.example"
    assert "AWS_ENDPOINT_URL_ORGANIZATIONS" not in os.environ
    first.stop()  # twice: nothing


def test_stopping_the_simulation_stops_its_servers() -> None:
    sim = orgsim.simulate().start()
    server = sim.serve().start()
    port = server.port
    sim.stop()
    assert not server.running and _free_to_bind(port)
    assert "AWS_ENDPOINT_URL_STS" not in os.environ or os.environ["AWS_ENDPOINT_URL_STS"] != f"http://127.0.0.1:{port}"


def test_serving_needs_an_active_simulation() -> None:
    sim = orgsim.simulate()
    with pytest.raises(orgsim.NoActiveSimulation, match="serving needs an active simulation"):
        sim.serve()
    with sim:
        server = sim.serve()
    with pytest.raises(orgsim.NoActiveSimulation, match="serving needs an active simulation"):
        server.start()


def test_a_decorating_simulation_serves_the_running_call() -> None:
    decorating = orgsim.simulate(default_account_id=MEMBER)

    @decorating
    def work() -> str:
        with decorating.serve() as server:
            raw = send_raw(server.endpoint_url, _identity_request(server, decorating, MEMBER))
            assert status_of(raw) == 200
            assert server.simulation is orgsim.current()
            return decorating.calls.last.account_id

    assert work() == MEMBER


def test_another_host_than_loopback_warns(sim: orgsim.Simulation) -> None:
    with pytest.warns(ExposedServerWarning, match="other machines may reach"), sim.serve(host="0.0.0.0") as server:
        assert server.endpoint_url.startswith("http://127.0.0.1:")
        assert status_of(send_raw(server.endpoint_url, _identity_request(server, sim))) == 200
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with sim.serve(host="localhost"):
            pass


def test_a_bad_port_is_refused_before_anything_listens(sim: orgsim.Simulation) -> None:
    with pytest.raises(ValueError, match="port must be"):
        sim.serve(port=70000)
    with sim.serve() as server, pytest.raises(OSError):
        sim.serve(port=server.port).start()


def test_in_process_clients_made_while_serving_are_still_answered_in_process(
    sim: orgsim.Simulation, network_attempts: list[str]
) -> None:
    seen: list[object] = []
    with Server(sim, on_exchange=seen.append) as server:
        client = boto3.client("sts", region_name="us-east-1")
        assert client.meta.endpoint_url == server.endpoint_url  # the environment points it at the server...
        assert client.get_caller_identity()["Account"] == MGMT  # ...but orgsim answers before it sends
        assert sim.session(MEMBER).client("organizations").meta.endpoint_url == server.endpoint_url
    assert not seen and not network_attempts
    assert sim.calls.operations == ["GetCallerIdentity"]


def test_passthrough_to_moto_needs_clients_built_before_serving(network_attempts: list[str]) -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), orgsim.simulate(passthrough=True) as sim:
        before = boto3.client("sts", region_name="us-east-1")
        with sim.serve() as server:
            during = boto3.client("sts", region_name="us-east-1")
            during.get_caller_identity()  # simulated: answered in-process
            # Left to moto, but pointed at the server: it goes over loopback to the server, not to
            # AWS (the suite's guard refuses botocore's HTTP send, so it stops there).
            with pytest.raises(AssertionError, match="tried to reach the network"):
                during.get_session_token()
            assert network_attempts == [f"POST {server.endpoint_url}/"]
            network_attempts.clear()
            # Built before serving: moto answers it.
            assert before.get_session_token()["Credentials"]["AccessKeyId"]
        assert sim.calls.operations == ["GetCallerIdentity"]


# -- what a socket can do ---------------------------------------------------------------------------


def test_garbled_truncated_and_stalled_requests_never_stop_the_server(sim: orgsim.Simulation) -> None:
    with Server(sim, request_timeout=0.5) as server:
        url = server.endpoint_url
        headers = {"X-Amz-Target": f"{TARGET_PREFIX}.ListAccounts", "Content-Type": "application/x-amz-json-1.1"}
        truncated = send_raw(url, http_bytes("POST", url + "/", {**headers, "Content-Length": "100"}, b"{}"))
        assert status_of(truncated) == 400 and json.loads(body_of(truncated))["__type"] == "IncompleteBody"
        too_large = send_raw(url, http_bytes("POST", url + "/", {**headers, "Content-Length": str(10**9)}, b""))
        assert status_of(too_large) == 413 and json.loads(body_of(too_large))["__type"] == "RequestEntityTooLarge"
        garbled = send_raw(url, b"NOT HTTP AT ALL\r\n\r\n")
        assert status_of(garbled) == 400 and b"<Code>BadRequest</Code>" in body_of(garbled)
        assert status_of(send_raw(url, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n")) == 414
        assert status_of(send_raw(url, b"POST / HTTP/1.1\r\n" + b"X-A: b\r\n" * 200 + b"\r\n")) == 431
        assert send_raw(url, b"", half_close=True) == b""  # connects and leaves
        # A client that stops sending mid-body is answered when the time limit passes...
        stalled = send_raw(url, http_bytes("POST", url + "/", {**headers, "Content-Length": "100"}, b"{"), half_close=False)
        assert status_of(stalled) == 400 and json.loads(body_of(stalled))["__type"] == "RequestTimeout"
        # ...and while one stalls, others are served.
        with socket.create_connection(("127.0.0.1", server.port)) as idle:
            idle.sendall(b"POST / HTTP/1.1\r\n")
            assert status_of(send_raw(url, _identity_request(server, sim))) == 200
        assert status_of(send_raw(url, _identity_request(server, sim))) == 200
        assert not server.failures
    assert sim.calls.operations == ["GetCallerIdentity"] * 2


def test_stop_does_not_wait_for_a_client_that_never_finishes(sim: orgsim.Simulation) -> None:
    server = Server(sim, request_timeout=60).start()
    with socket.create_connection(("127.0.0.1", server.port)) as idle:
        idle.sendall(b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n{")
        stopper = threading.Thread(target=server.stop)
        stopper.start()
        stopper.join(10)
        assert not stopper.is_alive() and not server.running


def test_concurrent_clients_are_all_answered_and_logged(sim: orgsim.Simulation) -> None:
    accounts = [f"{n:012d}" for n in range(1, 9)]
    requests = {account: _identity_request_for(sim, account) for account in accounts}
    results: dict[str, list[int]] = {account: [] for account in accounts}
    with sim.serve() as server:
        prepared = {account: requests[account](server) for account in accounts}

        def client(account: str) -> None:
            for _ in range(10):
                results[account].append(status_of(send_raw(server.endpoint_url, prepared[account])))

        threads = [threading.Thread(target=client, args=(account,)) for account in accounts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not server.failures
    assert all(statuses == [200] * 10 for statuses in results.values()), results
    assert sorted(c.account_id for c in sim.calls) == sorted(accounts * 10)
    assert len({c.request_id for c in sim.calls}) == 80


def _identity_request_for(sim: orgsim.Simulation, account_id: str) -> object:
    sim.credentials(account_id)  # issued before the threads start
    return lambda server: _identity_request(server, sim, account_id)


# -- the pytest fixture ---------------------------------------------------------------------------------


def test_the_orgsim_server_fixture_serves_the_tests_simulation(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import os, socket, pytest

        @pytest.mark.allow_hosts(["127.0.0.1"])
        @pytest.mark.orgsim(default_account_id="222222222222")
        def test_served(orgsim, orgsim_server):
            assert orgsim_server.simulation is orgsim
            assert os.environ["AWS_ENDPOINT_URL_ORGANIZATIONS"] == orgsim_server.endpoint_url
            with socket.create_connection(("127.0.0.1", orgsim_server.port)):
                pass
            test_served.port = orgsim_server.port

        @pytest.mark.allow_hosts(["127.0.0.1"])
        def test_after():
            assert "AWS_ENDPOINT_URL_ORGANIZATIONS" not in os.environ
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", test_served.port))
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider", "--disable-socket", "--allow-unix-socket")
    result.assert_outcomes(passed=2)


def test_http_calls_are_in_the_failure_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import http.client, pytest

        @pytest.mark.allow_hosts(["127.0.0.1"])
        def test_fails(orgsim_server):
            connection = http.client.HTTPConnection("127.0.0.1", orgsim_server.port)
            connection.request("POST", "/", body="Action=GetCallerIdentity&Version=2011-06-15",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
            assert connection.getresponse().status == 403
            assert False, "the test fails"
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider", "--disable-socket", "--allow-unix-socket")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*- orgsim -*", "*GetCallerIdentity*MissingAuthenticationToken*"])


# -- plain boto3 in another process ----------------------------------------------------------------------


def test_boto3_in_a_child_process_with_signature_checks(sim: orgsim.Simulation) -> None:
    with sim.serve() as server:
        mgmt, member = sim.credentials(MGMT), sim.credentials(MEMBER)
        given = {
            "endpoint_url": server.endpoint_url,
            "mgmt": [mgmt.access_key, mgmt.secret_key],
            "member": [member.access_key, member.secret_key],
        }
        env = {**os.environ, "PYTHONPATH": ""}  # plain boto3: nothing of orgsim in the child
        done = subprocess.run(
            [sys.executable, str(CHILD), json.dumps(given)], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        seen = json.loads(done.stdout)
        assert not server.failures
    assert seen["accounts"] == sorted([MGMT, MEMBER])
    assert seen["member_identity"] == MEMBER
    assert seen["assumed_identity"].endswith(":assumed-role/OrganizationAccountAccessRole/child")
    assert seen["assumed_handshakes"] == 1
    assert seen["errors"] == {
        "wrong_secret": ["InvalidSignatureException", 403],
        "wrong_secret_sts": ["SignatureDoesNotMatch", 403],
        "no_token": ["UnrecognizedClientException", 403],
        "duplicate": ["DuplicateHandshakeException", 400],
        "unsimulated": ["NotImplemented", 501],
    }
    assert seen["paginated"] == 3
    assert seen["orgsim_imported"] is False
    assert [c.account_id for c in sim.calls.filter("AcceptHandshake")] == [MEMBER]
