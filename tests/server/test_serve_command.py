"""``python -m orgsim serve``: its flags come from ``orgsim.Options``; what it prints; its exits."""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import signal
import socket
import subprocess
import sys
import typing
from pathlib import Path

import pytest

import orgsim
from orgsim import serve_command
from orgsim.__main__ import main
from support.http import body_of, http_bytes, send_raw, signed, status_of

SRC = Path(orgsim.__file__).resolve().parents[1]
README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    serve_command.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["serve", *argv])


def test_every_option_a_command_line_can_carry_is_a_flag() -> None:
    flags = {flag.name: flag for flag in serve_command.option_flags()}
    hints = typing.get_type_hints(orgsim.Options)
    for field in dataclasses.fields(orgsim.Options):
        carried = field.name not in serve_command.NOT_FLAGS and "Callable" not in str(hints[field.name])
        assert (field.name in flags) == carried, field.name
    assert "clock" not in flags and "passthrough" not in flags
    assert all(flag.help and flag.help != flag.name.replace("_", " ") for flag in flags.values()), "a flag without its comment"


def test_flags_read_as_their_options_types() -> None:
    args = _parse(
        "--default-account-id", "210987654321", "--max-accounts", "3", "--seed", "7", "--create-account-delay-seconds", "0.5",
        "--allow-invites-during-enable-all-features", "--call-log-limit", "5",
    )  # fmt: skip
    assert (args.default_account_id, args.max_accounts, args.seed, args.create_account_delay_seconds) == ("210987654321", 3, 7, 0.5)
    assert args.allow_invites_during_enable_all_features is True and args.call_log_limit == 5
    assert _parse("--seed", "abc").seed == "abc"
    assert _parse().max_accounts is None  # unset: the option's own default applies
    with pytest.raises(SystemExit):
        _parse("--max-accounts", "many")


def test_the_default_port_is_documented_and_clashes_with_neither_localstack_nor_moto() -> None:
    assert serve_command.DEFAULT_PORT not in (4566, 5000) and not 4510 <= serve_command.DEFAULT_PORT <= 4559
    assert f"{serve_command.DEFAULT_PORT}" in README.split("## From the AWS CLI, Terraform and other languages", 1)[1]
    assert _parse().port == serve_command.DEFAULT_PORT


def test_a_bad_option_value_exits_2_naming_it() -> None:
    err = io.StringIO()
    assert serve_command.run(_parse("--max-accounts", "0"), io.StringIO(), err) == 2
    assert "max_accounts must be a positive integer" in err.getvalue()
    err = io.StringIO()
    assert serve_command.run(_parse("--port", "70000"), io.StringIO(), err) == 2
    assert "--port must be" in err.getvalue()


@pytest.mark.allow_hosts(["127.0.0.1"])
def test_a_port_in_use_exits_1_saying_so() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        out, err = io.StringIO(), io.StringIO()
        assert serve_command.run(_parse("--port", str(taken.getsockname()[1])), out, err) == 1
    assert "cannot listen on 127.0.0.1:" in err.getvalue() and "already in use" in err.getvalue()
    assert out.getvalue() == ""
    with pytest.raises(orgsim.NoActiveSimulation):
        orgsim.current()


_BROKEN = """
import sys
from orgsim.service.simulated_aws import SimulatedAWS

def broken(self, *args):
    raise RuntimeError("a bug in orgsim")

SimulatedAWS.answer = broken
from orgsim.__main__ import main
sys.exit(main(["serve", "--port", "0"]))
"""


@pytest.mark.allow_hosts(["127.0.0.1"])
def test_a_failure_inside_orgsim_is_printed_and_the_server_keeps_serving() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", _BROKEN],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().rsplit(" ", 1)[1].strip()
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSOrganizationsV20161128.ListAccounts"}
        headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=SOMEKEY/20240101/us-east-1/organizations/aws4_request, SignedHeaders=host, Signature=00"
        for _ in range(2):
            raw = send_raw(url, http_bytes("POST", url + "/", headers, b"{}"))
            assert status_of(raw) == 500 and b"InternalFailure" in body_of(raw)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert err.count("RuntimeError: a bug in orgsim") == 2
    assert err.count("POST organizations.ListAccounts -> 500 InternalFailure") == 2


def test_the_command_is_listed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "serve a simulation over HTTP for the AWS CLI and other SDKs" in capsys.readouterr().out


@pytest.mark.allow_hosts(["127.0.0.1"])
def test_serves_until_sigterm_then_exits_0(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "orgsim", "serve", "--port", "0", "--default-account-id", "210987654321", "--quiet"],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = first.split(" at ", 1)[1].strip()
        exports = [process.stdout.readline().rstrip("\n") for _ in range(6)]
        assert exports[:2] == [f"export AWS_ENDPOINT_URL_ORGANIZATIONS={url}", f"export AWS_ENDPOINT_URL_STS={url}"]
        assert exports[2].startswith("export AWS_ACCESS_KEY_ID=AKIA")
        assert exports[4] == "export AWS_DEFAULT_REGION=us-east-1"
        # Any key acts as the default account.
        method, target, headers, body = signed(None, "sts", body=b"Action=GetCallerIdentity&Version=2011-06-15", url=url + "/")
        headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=SOMEKEY/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00"
        headers["X-Amz-Date"] = "20240101T000000Z"
        raw = send_raw(url, http_bytes(method, target, headers, body))
        assert status_of(raw) == 200 and b"<Account>210987654321</Account>" in body_of(raw)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert err.strip() == "orgsim serve: stopped by SIGTERM; answered 1 calls"  # --quiet: no request lines


@pytest.mark.allow_hosts(["127.0.0.1"])
def test_another_host_is_served_with_a_warning() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "orgsim", "serve", "--port", "0", "--host", "0.0.0.0"],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("orgsim is serving AWS Organizations and STS at http://127.0.0.1:")
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "orgsim serve: warning: orgsim is serving on 0.0.0.0, which other machines may reach" in err
