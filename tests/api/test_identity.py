"""Who is calling: sessions orgsim issues, STS AssumeRole into any partition, and the default account."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import boto3
import pytest
from botocore.credentials import DeferredRefreshableCredentials, ReadOnlyCredentials, RefreshableCredentials
from botocore.exceptions import ClientError
from botocore.session import get_session
from freezegun import freeze_time

import orgsim
from orgsim import UnsimulatedOperation
from support import World

T0 = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


def _assume(sts: Any, role_arn: str, **kwargs: Any) -> boto3.Session:
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="orgsim-test", **kwargs)["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name="us-east-1",
    )


def test_a_session_acts_as_its_account(orgsim: orgsim.Simulation) -> None:
    identity = orgsim.session("210987654321").client("sts").get_caller_identity()
    assert identity["Account"] == "210987654321"
    assert identity["Arn"] == "arn:aws:iam::210987654321:root"
    assert identity["UserId"] == "210987654321"


def test_sessions_for_different_accounts_are_independent(orgsim: orgsim.Simulation) -> None:
    first = orgsim.session("111111111111").client("sts")
    second = orgsim.session("222222222222").client("sts")
    again = orgsim.session("111111111111").client("sts")
    assert [c.get_caller_identity()["Account"] for c in (first, second, again)] == [
        "111111111111",
        "222222222222",
        "111111111111",
    ]


@pytest.mark.parametrize("account_id", ["12345", "1234567890123", "abcdefghijkl", 123456789012])
def test_session_needs_a_twelve_digit_id(orgsim: orgsim.Simulation, account_id: Any) -> None:
    with pytest.raises(ValueError, match="12 digits"):
        orgsim.session(account_id)


def test_callers_with_foreign_credentials_are_the_default_account(orgsim: orgsim.Simulation) -> None:
    foreign = boto3.Session(aws_access_key_id="AKIAFOREIGN", aws_secret_access_key="x", region_name="us-east-1")
    assert foreign.client("sts").get_caller_identity()["Account"] == "123456789012"
    ambient = boto3.client("sts", region_name="us-east-1")  # credentials from the (faked) environment
    assert ambient.get_caller_identity()["Account"] == "123456789012"
    assert orgsim.default_account_id == "123456789012"


@pytest.mark.orgsim(default_account_id="000011112222")
def test_default_account_id_option(orgsim: orgsim.Simulation) -> None:
    assert orgsim.default_account_id == "000011112222"
    client = boto3.client("organizations", region_name="us-east-1")
    org = client.create_organization()["Organization"]
    assert org["MasterAccountId"] == "000011112222"
    assert boto3.client("sts", region_name="us-east-1").get_caller_identity()["Account"] == "000011112222"


def test_assume_role_acts_as_the_roles_account(orgsim: orgsim.Simulation) -> None:
    sts = orgsim.session("111111111111").client("sts")
    with freeze_time(T0):
        response = sts.assume_role(
            RoleArn="arn:aws:iam::222222222222:role/OrganizationAccountAccessRole",
            RoleSessionName="deploy",
            DurationSeconds=900,
        )
    credentials = response["Credentials"]
    assert credentials["Expiration"] == T0 + dt.timedelta(seconds=900)
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", credentials["AccessKeyId"])
    assert response["AssumedRoleUser"]["Arn"] == (
        "arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/deploy"
    )
    assert response["AssumedRoleUser"]["AssumedRoleId"].endswith(":deploy")
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name="us-east-1",
    )
    identity = session.client("sts").get_caller_identity()
    assert identity["Account"] == "222222222222"
    assert identity["Arn"] == response["AssumedRoleUser"]["Arn"]
    assert identity["UserId"] == response["AssumedRoleUser"]["AssumedRoleId"]


def test_assume_role_default_duration_is_an_hour(orgsim: orgsim.Simulation) -> None:
    with freeze_time(T0):
        credentials = orgsim.session("111111111111").client("sts").assume_role(
            RoleArn="arn:aws:iam::222222222222:role/r", RoleSessionName="s1"
        )["Credentials"]
    assert credentials["Expiration"] == T0 + dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("partition", "region"),
    [("aws", "us-east-1"), ("aws-us-gov", "us-gov-west-1"), ("aws-cn", "cn-north-1")],
)
def test_assume_role_in_any_partition(orgsim: orgsim.Simulation, partition: str, region: str) -> None:
    sts = boto3.Session(region_name=region).client("sts")
    credentials = sts.assume_role(
        RoleArn=f"arn:{partition}:iam::222222222222:role/path/to/Admin", RoleSessionName="gov"
    )["Credentials"]
    assumed = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    ).client("sts")
    identity = assumed.get_caller_identity()
    assert identity["Account"] == "222222222222"
    assert identity["Arn"] == f"arn:{partition}:sts::222222222222:assumed-role/Admin/gov"


def test_role_chaining(orgsim: orgsim.Simulation) -> None:
    first = _assume(orgsim.session("111111111111").client("sts"), "arn:aws:iam::222222222222:role/a")
    second = _assume(first.client("sts"), "arn:aws:iam::333333333333:role/b")
    assert second.client("sts").get_caller_identity()["Account"] == "333333333333"


def test_accept_through_the_organization_access_role(orgsim: orgsim.Simulation) -> None:
    """The usual automation: invite, assume OrganizationAccountAccessRole in the target, accept there."""
    world = World.build(orgsim)
    target = world.new_account()
    handshake = world.invite(target)
    sts = orgsim.session(world.mgmt_id).client("sts")
    member = _assume(sts, f"arn:aws:iam::{target}:role/OrganizationAccountAccessRole").client("organizations")
    pending = member.list_handshakes_for_account(Filter={"ActionType": "INVITE"})["Handshakes"]
    assert [h["Id"] for h in pending] == [handshake["Id"]]
    assert member.accept_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"] == "ACCEPTED"
    assert member.describe_organization()["Organization"]["Id"] == world.org["Id"]


@pytest.mark.parametrize(
    "role_arn",
    [
        "arn:aws:iam::2222222222:role/too-short-account",
        "arn:aws:iam::222222222222:user/not-a-role",
        "arn:aws:s3:::bucket-name-here",
        "not an arn at all, no sir",
    ],
)
def test_assume_role_refuses_malformed_role_arns(orgsim: orgsim.Simulation, role_arn: str) -> None:
    sts = orgsim.session("111111111111").client("sts")
    with pytest.raises(ClientError) as info:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="s1")
    assert info.value.response["Error"]["Code"] == "ValidationError"
    assert info.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"RoleSessionName": "has spaces"},
        {"RoleSessionName": "x" * 65},
        {"RoleSessionName": "ok", "DurationSeconds": 43201},
    ],
)
def test_assume_role_input_errors_are_sts_validation_errors(orgsim: orgsim.Simulation, kwargs: dict[str, Any]) -> None:
    # STS has no InvalidInputException: it answers bad input with the unmodeled ValidationError.
    sts = orgsim.session("111111111111").client("sts")
    with pytest.raises(ClientError) as info:
        sts.assume_role(RoleArn="arn:aws:iam::222222222222:role/r", **kwargs)
    assert info.value.response["Error"]["Code"] == "ValidationError"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_other_sts_operations_fail_closed(orgsim: orgsim.Simulation) -> None:
    sts = orgsim.session("111111111111").client("sts")
    with pytest.raises(UnsimulatedOperation, match="GetSessionToken"):
        sts.get_session_token()


def _refreshing_session(sts: Any, role_arn: str, *, deferred: bool) -> boto3.Session:
    """Auto-refreshing assumed-role credentials, as botocore's own assume-role provider builds them."""

    def fetch() -> dict[str, str]:
        credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="refreshing")["Credentials"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    if deferred:
        credentials = DeferredRefreshableCredentials(refresh_using=fetch, method="assume-role")
    else:
        credentials = RefreshableCredentials.create_from_metadata(fetch(), fetch, "sts-assume-role")
    botocore_session = get_session()
    botocore_session._credentials = credentials
    return boto3.Session(botocore_session=botocore_session, region_name="us-east-1")


@pytest.mark.parametrize("deferred", [False, True], ids=["refreshable", "deferred"])
def test_refreshable_assumed_role_credentials_act_as_the_role_account(
    orgsim: orgsim.Simulation, deferred: bool
) -> None:
    sts = orgsim.session("111111111111").client("sts")
    with freeze_time(T0) as frozen:
        session = _refreshing_session(sts, "arn:aws:iam::222222222222:role/r", deferred=deferred)
        client = session.client("sts")
        assert client.get_caller_identity()["Account"] == "222222222222"
        frozen.tick(dt.timedelta(hours=5))  # long expired: still the role's account
        assert client.get_caller_identity()["Account"] == "222222222222"


def test_credentials_are_the_keys_the_accounts_sessions_sign_with(orgsim: orgsim.Simulation) -> None:
    keys = orgsim.credentials("111111111111")
    assert isinstance(keys, ReadOnlyCredentials) and keys.token is None
    assert keys.access_key.startswith("AKIA") and keys == orgsim.credentials("111111111111")
    frozen = orgsim.session("111111111111").get_credentials().get_frozen_credentials()
    assert (frozen.access_key, frozen.secret_key, frozen.token) == (keys.access_key, keys.secret_key, keys.token)
    other = orgsim.credentials("222222222222")
    assert other.access_key != keys.access_key
    sts = boto3.client(
        "sts", region_name="us-east-1", aws_access_key_id=other.access_key, aws_secret_access_key=other.secret_key
    )
    assert sts.get_caller_identity()["Account"] == "222222222222"
    with pytest.raises(ValueError, match="12 digits"):
        orgsim.credentials("12345")
