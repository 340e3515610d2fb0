"""A laptop-like ``~/.aws`` in a temporary HOME: what a developer's machine holds when they run the tests.

Three profiles whose credential providers would each reach outside the process:

- ``sso``: an SSO profile (``sso-session``) with a cached, unexpired token: its provider reads the token
  cache and calls the SSO portal;
- ``process``: a ``credential_process`` profile: its provider runs a program, which here notes each run
  in a file (``Laptop.process_runs``) and hands out ``PROCESS_KEY``;
- ``role``: an assume-role profile over static keys (``base``): its provider calls STS AssumeRole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

PROFILES = ("sso", "process", "role")
PROCESS_KEY = "AKIAPROCESSPROVIDED0"
BASE_KEY = "AKIABASEPROFILEKEY00"
ROLE_ACCOUNT = "444455556666"
SSO_ACCOUNT = "777788889999"
SSO_SESSION = "laptop"


@dataclass
class Laptop:
    home: Path
    runs_file: Path

    @property
    def process_runs(self) -> int:
        """How many times the ``credential_process`` program ran."""
        return len(self.runs_file.read_text().splitlines()) if self.runs_file.exists() else 0


def laptop_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, expires_in: dt.timedelta) -> Laptop:
    """Make the HOME and point the process at it, as a shell on a laptop would (no AWS_* variables);
    the process credentials expire ``expires_in`` from now (real time)."""
    laptop = make_laptop(tmp_path, expires_in=expires_in)
    use(laptop, monkeypatch)
    return laptop


def use(laptop: Laptop, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the process at ``laptop``'s HOME, with no AWS_* variables, until the test ends."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(laptop.home))


def make_laptop(tmp_path: Path, *, expires_in: dt.timedelta) -> Laptop:
    """The HOME, under ``tmp_path``."""
    home = tmp_path / "home"
    aws = home / ".aws"
    (aws / "sso" / "cache").mkdir(parents=True)
    runs = tmp_path / "process-runs.txt"
    program = tmp_path / "credential_process.py"
    expiration = (dt.datetime.now(dt.timezone.utc) + expires_in).strftime("%Y-%m-%dT%H:%M:%SZ")
    program.write_text(
        textwrap.dedent(
            f"""
            import json
            with open({str(runs)!r}, "a") as out:
                out.write("ran\\n")
            print(json.dumps({{"Version": 1, "AccessKeyId": {PROCESS_KEY!r},
                               "SecretAccessKey": "process-secret", "SessionToken": "process-token",
                               "Expiration": {expiration!r}}}))
            """
        )
    )
    (aws / "config").write_text(
        textwrap.dedent(
            f"""
            [default]
            region = us-east-1

            [profile sso]
            sso_session = {SSO_SESSION}
            sso_account_id = {SSO_ACCOUNT}
            sso_role_name = Administrator
            region = us-east-1

            [sso-session {SSO_SESSION}]
            sso_start_url = https://laptop.awsapps.com/start
            sso_region = us-east-1
            sso_registration_scopes = sso:account:access

            [profile process]
            credential_process = {sys.executable} {program}
            region = us-east-1

            [profile role]
            role_arn = arn:aws:iam::{ROLE_ACCOUNT}:role/Administrator
            source_profile = base
            region = us-east-1
            """
        )
    )
    (aws / "credentials").write_text(
        f"[base]\naws_access_key_id = {BASE_KEY}\naws_secret_access_key = base-secret\n"
    )
    cache_key = hashlib.sha1(SSO_SESSION.encode()).hexdigest()
    token_expiry = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    (aws / "sso" / "cache" / f"{cache_key}.json").write_text(
        json.dumps(
            {
                "startUrl": "https://laptop.awsapps.com/start",
                "region": "us-east-1",
                "accessToken": "cached-sso-access-token",
                "expiresAt": token_expiry,
            }
        )
    )
    return Laptop(home, runs)
