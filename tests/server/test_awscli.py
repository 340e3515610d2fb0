"""The real AWS CLI (v1, in a virtual environment of its own: it pins botocore) in child processes,
against ``sim.serve()`` and against ``python -m orgsim serve``. The CLI finds the server through the
environment orgsim sets while serving; it is given no endpoint flag.

Skipped when no AWS CLI is installed (``ORGSIM_AWS_CLI`` names one; CI builds it).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.credentials import ReadOnlyCredentials

import orgsim
from support.http import aws_cli

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

MGMT, MEMBER, OTHER = "111111111111", "222222222222", "333333333333"
ROLE = f"arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole"
SRC = Path(orgsim.__file__).resolve().parents[1]


class CLI:
    """Runs ``aws`` with the environment of this process (orgsim's), as one account's keys."""

    def __init__(self, executable: str) -> None:
        self.executable = executable

    def __call__(
        self, *args: str, as_: ReadOnlyCredentials | None = None, env: dict[str, str] | None = None, exit_code: int = 0
    ) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, **(env or {})}
        environment.pop("PYTHONPATH", None)  # the CLI's own Python, nothing of ours
        if as_ is not None:
            environment.update(AWS_ACCESS_KEY_ID=as_.access_key, AWS_SECRET_ACCESS_KEY=as_.secret_key)
            if as_.token:
                environment["AWS_SESSION_TOKEN"] = as_.token
            else:
                environment.pop("AWS_SESSION_TOKEN", None)
        output = () if "--output" in args else ("--output", "json")
        done = subprocess.run(
            [self.executable, *args, *output, "--cli-read-timeout", "30"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == exit_code, f"aws {' '.join(args)} exited {done.returncode}:\n{done.stderr}"
        return done

    def json(self, *args: str, **kwargs: Any) -> Any:
        return json.loads(self(*args, **kwargs).stdout)


@pytest.fixture
def cli() -> CLI:
    return CLI(aws_cli())


@pytest.fixture
def clock() -> orgsim.ManualClock:
    return orgsim.ManualClock("2024-01-01T09:00:00Z")


@pytest.fixture
def sim(clock: orgsim.ManualClock) -> Iterator[orgsim.Simulation]:
    with orgsim.simulate(default_account_id=MGMT, clock=clock) as sim, sim.serve() as server:
        yield sim
        assert not server.failures, server.failures[0]


def _modeled_error(done: subprocess.CompletedProcess[str], code: str, operation: str) -> str:
    prefix = f"An error occurred ({code}) when calling the {operation} operation: "
    assert prefix in done.stderr, done.stderr
    return done.stderr.split(prefix, 1)[1].strip()


def test_invite_accept_and_list(cli: CLI, sim: orgsim.Simulation) -> None:
    mgmt, member = sim.credentials(MGMT), sim.credentials(MEMBER)
    organization = cli.json("organizations", "create-organization", as_=mgmt)["Organization"]
    assert organization["MasterAccountId"] == MGMT
    handshake = cli.json(
        "organizations", "invite-account-to-organization", "--target", f"Id={MEMBER},Type=ACCOUNT", "--notes", "welcome", as_=mgmt
    )["Handshake"]
    assert handshake["State"] == "OPEN"
    pending = cli.json("organizations", "list-handshakes-for-account", as_=member)["Handshakes"]
    assert [h["Id"] for h in pending] == [handshake["Id"]]
    accepted = cli.json("organizations", "accept-handshake", "--handshake-id", handshake["Id"], as_=member)["Handshake"]
    assert accepted["State"] == "ACCEPTED"
    accounts = cli.json("organizations", "list-accounts", as_=mgmt)["Accounts"]
    assert sorted(a["Id"] for a in accounts) == [MGMT, MEMBER]
    assert cli.json("organizations", "describe-organization", as_=member)["Organization"]["Id"] == organization["Id"]
    # The CLI's --query and text output work on what the server sent.
    text = cli("organizations", "list-accounts", "--query", "Accounts[].Id", "--output", "text", as_=mgmt).stdout
    assert sorted(text.split()) == [MGMT, MEMBER]
    assert [c.operation for c in sim.calls] == [
        "CreateOrganization",
        "InviteAccountToOrganization",
        "ListHandshakesForAccount",
        "AcceptHandshake",
        "ListAccounts",
        "DescribeOrganization",
        "ListAccounts",
    ]
    assert [c.account_id for c in sim.calls.filter("AcceptHandshake")] == [MEMBER]


def test_assume_role_then_act_as_the_member(cli: CLI, sim: orgsim.Simulation) -> None:
    seeded = sim.seed_organization(MGMT, invitations=[MEMBER])
    assumed = cli.json("sts", "assume-role", "--role-arn", ROLE, "--role-session-name", "ops", as_=sim.credentials(MGMT))
    credentials = assumed["Credentials"]
    as_member = ReadOnlyCredentials(credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])
    identity = cli.json("sts", "get-caller-identity", as_=as_member)
    assert identity["Account"] == MEMBER and identity["Arn"].endswith(":assumed-role/OrganizationAccountAccessRole/ops")
    accepted = cli.json("organizations", "accept-handshake", "--handshake-id", seeded.invitations[0].id, as_=as_member)
    assert accepted["Handshake"]["State"] == "ACCEPTED"
    assert sim.calls.last.caller_arn == identity["Arn"]
    # Without the session token the key is refused.
    without_token = ReadOnlyCredentials(as_member.access_key, as_member.secret_key, None)
    done = cli("sts", "get-caller-identity", as_=without_token, exit_code=255)
    assert _modeled_error(done, "InvalidClientTokenId", "GetCallerIdentity") == "The security token included in the request is invalid."


def test_modeled_errors_exit_255_with_their_message(cli: CLI, sim: orgsim.Simulation) -> None:
    mgmt = sim.credentials(MGMT)
    done = cli("organizations", "describe-organization", as_=mgmt, exit_code=255)
    assert _modeled_error(done, "AWSOrganizationsNotInUseException", "DescribeOrganization") == "Your account is not a member of an organization."
    cli("organizations", "create-organization", as_=mgmt)
    cli("organizations", "invite-account-to-organization", "--target", f"Id={MEMBER},Type=ACCOUNT", as_=mgmt)
    done = cli("organizations", "invite-account-to-organization", "--target", f"Id={MEMBER},Type=ACCOUNT", as_=mgmt, exit_code=255)
    _modeled_error(done, "DuplicateHandshakeException", "InviteAccountToOrganization")
    done = cli("organizations", "invite-account-to-organization", "--target", "Id=nope,Type=ACCOUNT", as_=mgmt, exit_code=255)
    _modeled_error(done, "InvalidInputException", "InviteAccountToOrganization")
    assert sim.calls.last.error_reason == "INVALID_PATTERN"
    done = cli("organizations", "create-gov-cloud-account", "--email", "gov@example.com", "--account-name", "Gov", as_=mgmt, exit_code=255)
    assert "orgsim does not simulate Organizations.CreateGovCloudAccount" in _modeled_error(
        done, "NotImplemented", "CreateGovCloudAccount"
    )
    forged = ReadOnlyCredentials(mgmt.access_key, "not-the-secret", None)
    done = cli("organizations", "list-accounts", as_=forged, exit_code=255)
    _modeled_error(done, "InvalidSignatureException", "ListAccounts")
    done = cli("organizations", "list-accounts", "--no-sign-request", exit_code=255)
    _modeled_error(done, "MissingAuthenticationTokenException", "ListAccounts")
    # The CLI's own checks come first: nothing reaches the server.
    calls = len(sim.calls)
    cli("sts", "assume-role", "--role-arn", ROLE, "--role-session-name", "x", exit_code=255)
    assert len(sim.calls) == calls


def test_expiry_after_advancing_the_manual_clock(cli: CLI, sim: orgsim.Simulation, clock: orgsim.ManualClock) -> None:
    seeded = sim.seed_organization(MGMT, invitations=[MEMBER])
    handshake_id = seeded.invitations[0].id
    clock.advance(days=15, seconds=-1)
    assert cli.json("organizations", "describe-handshake", "--handshake-id", handshake_id)["Handshake"]["State"] == "OPEN"
    clock.advance(seconds=1)
    assert cli.json("organizations", "describe-handshake", "--handshake-id", handshake_id)["Handshake"]["State"] == "EXPIRED"
    done = cli("organizations", "accept-handshake", "--handshake-id", handshake_id, as_=sim.credentials(MEMBER), exit_code=255)
    assert _modeled_error(done, "InvalidHandshakeTransitionException", "AcceptHandshake") == "You can't accept a handshake that is EXPIRED."
    clock.advance(days=30)
    done = cli("organizations", "describe-handshake", "--handshake-id", handshake_id, exit_code=255)
    _modeled_error(done, "HandshakeNotFoundException", "DescribeHandshake")


def test_the_clis_retries_consume_faults(cli: CLI, sim: orgsim.Simulation) -> None:
    sim.fail("CreateOrganization", "TooManyRequestsException", times=2)
    cli("organizations", "create-organization")  # its default retry mode retries throttling
    assert [(c.injected, c.ok) for c in sim.calls] == [(True, False), (True, False), (False, True)]


# -- python -m orgsim serve, end to end ------------------------------------------------------------------


def _start_serve(*flags: str) -> tuple[subprocess.Popen[str], list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "orgsim", "serve", "--port", "0", *flags],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = [process.stdout.readline()]
    while not lines[-1].startswith("# Stop with"):
        line = process.stdout.readline()
        assert line, "serve stopped printing before it said how to stop it"
        lines.append(line)
    return process, [line.rstrip("\n") for line in lines]


def _exported(lines: list[str]) -> dict[str, str]:
    return dict(line[len("export ") :].split("=", 1) for line in lines if line.startswith("export "))


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_serve_command_end_to_end(cli: CLI, stop_with: signal.Signals) -> None:
    process, lines = _start_serve("--default-account-id", MGMT, "--max-accounts", "2")
    try:
        url = lines[0].rsplit(" ", 1)[1]
        assert lines[0] == f"orgsim is serving AWS Organizations and STS at {url}" and url.startswith("http://127.0.0.1:")
        exported = _exported(lines)
        assert exported["AWS_ENDPOINT_URL_ORGANIZATIONS"] == exported["AWS_ENDPOINT_URL_STS"] == url
        env = {name: value for name, value in exported.items()}
        assert cli.json("sts", "get-caller-identity", env=env)["Account"] == MGMT
        cli("organizations", "create-organization", env=env)
        cli("organizations", "invite-account-to-organization", "--target", f"Id={MEMBER},Type=ACCOUNT", env=env)
        done = cli("organizations", "invite-account-to-organization", "--target", f"Id={OTHER},Type=ACCOUNT", env=env, exit_code=255)
        _modeled_error(done, "HandshakeConstraintViolationException", "InviteAccountToOrganization")  # --max-accounts 2
    finally:
        process.send_signal(stop_with)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert f"stopped by {stop_with.name}; answered 4 calls" in err
    assert "sts.GetCallerIdentity as 111111111111 -> 200 OK" in err
    assert "organizations.InviteAccountToOrganization as 111111111111 -> 400 HandshakeConstraintViolationException" in err


def test_the_readme_example_runs(cli: CLI) -> None:
    readme = (SRC.parent / "README.md").read_text()
    section = readme.split("## From the AWS CLI, Terraform and other languages", 1)[1].split("\n## ", 1)[0]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    env = {**os.environ, "PYTHONPATH": str(SRC), "PATH": f"{Path(cli.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-c", example], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("http://127.0.0.1:")
