"""Nothing leaves the process and no real credential is read while a simulation is active, on a machine
set up as a developer's laptop is (``support.laptop``: SSO, ``credential_process`` and assume-role
profiles), and a client a simulation answered never reaches AWS afterwards.

Sockets are blocked and botocore's HTTP send is refused and recorded (conftest.py), so a request that
gets through fails the test even when the code under test swallows the error.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from freezegun import freeze_time
from support.laptop import BASE_KEY, PROCESS_KEY, PROFILES, ROLE_ACCOUNT, SSO_ACCOUNT, Laptop, laptop_home

import orgsim
from orgsim import RealAWSRequestBlocked

DEFAULT = "123456789012"
FAKE = {"aws_access_key_id": "AKIAEXAMPLEEXAMPLE00", "aws_secret_access_key": "not-a-real-secret"}
REFUSED = "tried to reach the network"


@pytest.fixture
def laptop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Laptop:
    return laptop_home(tmp_path, monkeypatch, expires_in=dt.timedelta(hours=1))


def _identity(client: BaseClient) -> str:
    return client.get_caller_identity()["Account"]  # type: ignore[no-any-return]


# -- 1. sessions made before the simulation run no credential provider inside it -------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_a_profile_session_made_earlier_runs_no_provider_inside(
    laptop: Laptop, network_attempts: list[str], profile: str
) -> None:
    session = boto3.Session(profile_name=profile)  # at import time, say: the config is read now
    with orgsim.simulate() as sim:
        assert _identity(session.client("sts")) == DEFAULT
        session.client("organizations").create_organization()
        assert sim.organization().management_account_id == DEFAULT
    assert [c.operation for c in sim.calls] == ["GetCallerIdentity", "CreateOrganization"]  # no AssumeRole
    assert laptop.process_runs == 0
    assert network_attempts == []


@pytest.mark.parametrize("profile", PROFILES)
def test_credentials_resolved_before_the_simulation_act_by_their_key_without_a_refresh(
    laptop: Laptop, network_attempts: list[str], profile: str
) -> None:
    session = boto3.Session(profile_name=profile)
    sts = session.client("sts")  # resolves the credentials: the process runs now, before the simulation
    runs = laptop.process_runs
    with orgsim.simulate() as sim, freeze_time(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)):
        # Two days on, the process's credentials are long expired: a refresh would run it again.
        assert _identity(sts) == DEFAULT
        assert _identity(session.client("sts")) == DEFAULT
    assert [c.operation for c in sim.calls] == ["GetCallerIdentity"] * 2
    assert laptop.process_runs == runs == (1 if profile == "process" else 0)
    assert network_attempts == []


def test_a_process_key_resolved_before_the_simulation_is_the_default_account(laptop: Laptop) -> None:
    sts = boto3.Session(profile_name="process").client("sts")
    with orgsim.simulate(default_account_id="000011112222") as sim:
        assert _identity(sts) == "000011112222"
    assert sim.calls.last.account_id == "000011112222"
    assert sts._request_signer._credentials._access_key == PROCESS_KEY  # held, not replaced


def test_after_the_simulation_a_profile_session_resolves_its_own_credentials_again(laptop: Laptop) -> None:
    session = boto3.Session(profile_name="process")
    with orgsim.simulate():
        inside = session.get_credentials()
        assert inside is not None and inside.access_key != PROCESS_KEY  # the fake keys: nothing ran
    assert laptop.process_runs == 0
    after = session.get_credentials()
    assert after is not None and after.get_frozen_credentials().access_key == PROCESS_KEY
    assert laptop.process_runs == 1


def test_profiles_made_inside_the_simulation_are_not_found(laptop: Laptop) -> None:
    from botocore.exceptions import ProfileNotFound

    with orgsim.simulate():
        # The config files point at an empty file while a simulation runs (README, "How identity works").
        with pytest.raises(ProfileNotFound):
            boto3.Session(profile_name="sso")


def test_a_refresh_the_test_builds_inside_the_simulation_still_runs(laptop: Laptop) -> None:
    from botocore.credentials import DeferredRefreshableCredentials
    from botocore.session import get_session

    with orgsim.simulate() as sim:
        issued = sim.session("210987654321").client("sts")

        def fetch() -> dict[str, str]:
            made = issued.assume_role(RoleArn=f"arn:aws:iam::{ROLE_ACCOUNT}:role/r", RoleSessionName="test")
            credentials = made["Credentials"]
            return {
                "access_key": credentials["AccessKeyId"],
                "secret_key": credentials["SecretAccessKey"],
                "token": credentials["SessionToken"],
                "expiry_time": credentials["Expiration"].isoformat(),
            }

        botocore_session = get_session()
        botocore_session._credentials = DeferredRefreshableCredentials(refresh_using=fetch, method="test")
        client = boto3.Session(botocore_session=botocore_session, region_name="us-east-1").client("sts")
        assert _identity(client) == ROLE_ACCOUNT


def test_keys_given_explicitly_keep_their_meaning(laptop: Laptop) -> None:
    with orgsim.simulate() as sim:
        credentials = sim.session("210987654321").get_credentials()
        assert credentials is not None
        explicit = boto3.Session(
            aws_access_key_id=credentials.access_key,
            aws_secret_access_key=credentials.secret_key,
            region_name="us-east-1",
        )
        assert _identity(explicit.client("sts")) == "210987654321"
        stranger = boto3.Session(aws_access_key_id=BASE_KEY, aws_secret_access_key="x", region_name="us-east-1")
        assert _identity(stranger.client("sts")) == DEFAULT


def test_the_sso_token_is_not_read_inside_the_simulation(laptop: Laptop, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore import utils

    read: list[str] = []
    load = utils.SSOTokenLoader.__call__

    def spy(self: Any, *args: Any, **kwargs: Any) -> Any:
        read.append("token")
        return load(self, *args, **kwargs)

    monkeypatch.setattr(utils.SSOTokenLoader, "__call__", spy)
    session = boto3.Session(profile_name="sso")
    client = session.client("organizations")
    with orgsim.simulate():
        client.create_organization()
        assert session.client("sts").get_caller_identity()["Account"] not in (SSO_ACCOUNT,)
    assert read == []


# -- 2. every other request is refused before any lookup -------------------------------------------


@pytest.mark.parametrize(
    ("service", "call", "operation"),
    [
        ("s3", lambda c: c.list_buckets(), "ListBuckets"),
        ("iam", lambda c: c.list_users(), "ListUsers"),
        ("account", lambda c: c.get_contact_information(), "GetContactInformation"),
        ("ec2", lambda c: c.describe_regions(), "DescribeRegions"),
    ],
)
def test_other_services_are_refused_naming_the_service_and_operation(
    orgsim: orgsim.Simulation, network_attempts: list[str], service: str, call: Any, operation: str
) -> None:
    client = boto3.client(service, region_name="us-east-1")
    with pytest.raises(RealAWSRequestBlocked) as refused:
        call(client)
    assert refused.value.operation == operation
    assert refused.value.service == client.meta.service_model.endpoint_prefix
    assert f"{refused.value.service}.{operation}" in str(refused.value)
    assert "moto" in str(refused.value)
    assert network_attempts == []


def test_a_resource_is_refused_too(orgsim: orgsim.Simulation, network_attempts: list[str]) -> None:
    with pytest.raises(RealAWSRequestBlocked, match="s3.ListBuckets"):
        list(boto3.resource("s3", region_name="us-east-1").buckets.all())
    assert network_attempts == []


def test_a_client_made_earlier_with_real_keys_is_refused(network_attempts: list[str]) -> None:
    s3 = boto3.Session(region_name="us-east-1", **FAKE).client("s3")
    with orgsim.simulate(), pytest.raises(RealAWSRequestBlocked):
        s3.list_buckets()
    assert network_attempts == []


@pytest.mark.parametrize("host", ["127.0.0.1:4566", "localhost:5000", "[::1]:5000"])
def test_requests_to_the_loopback_interface_are_let_through(network_attempts: list[str], host: str) -> None:
    with orgsim.simulate():
        local = boto3.client("s3", region_name="us-east-1", endpoint_url=f"http://{host}")
        with pytest.raises(AssertionError, match=REFUSED):  # reached botocore's HTTP layer: let through
            local.list_buckets()
    assert len(network_attempts) == 1 and network_attempts[0].startswith(f"GET http://{host}/")
    network_attempts.clear()


def test_moto_keeps_serving_other_services(network_attempts: list[str]) -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), orgsim.simulate() as sim:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="orgsim-and-moto")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["orgsim-and-moto"]
        boto3.client("organizations", region_name="us-east-1").create_organization()
        assert [c.operation for c in sim.calls] == ["CreateOrganization"]  # moto never saw it
    assert network_attempts == []


# -- 3. a client the simulation answered never reaches AWS afterwards -------------------------------


def test_a_paginator_stopped_midway_does_not_reach_aws(network_attempts: list[str]) -> None:
    sim = orgsim.simulate().start()
    try:
        sim.seed_organization(invitations=3)
        client = sim.session(sim.default_account_id).client("organizations")
        pages = iter(client.get_paginator("list_handshakes_for_organization").paginate(PaginationConfig={"PageSize": 1}))
        assert len(next(pages)["Handshakes"]) == 1
    finally:
        sim.stop()
    with pytest.raises(RealAWSRequestBlocked, match="stopped") as refused:
        next(pages)
    assert refused.value.stopped and refused.value.operation == "ListHandshakesForOrganization"
    with pytest.raises(RealAWSRequestBlocked):
        client.describe_organization()  # the client too, for good
    assert network_attempts == []


def test_a_client_made_inside_and_first_called_after_is_refused_for_its_fake_keys(
    network_attempts: list[str],
) -> None:
    with orgsim.simulate():
        later = boto3.client("s3", region_name="us-east-1")  # signs with the fake environment keys
    with pytest.raises(RealAWSRequestBlocked, match="fake keys"):
        later.list_buckets()
    assert network_attempts == []
