"""STS AssumeRoleWithWebIdentity: the CI / OIDC path (behaviour.md, "Web identities (STS)")."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config

import orgsim
from orgsim import UnsimulatedOperation
from support import World, aws_error

ROLE = "arn:aws:iam::222222222222:role/GitHubActions"
GITHUB = {
    "iss": "https://token.actions.githubusercontent.com",
    "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
    "aud": "sts.amazonaws.com",
}


def jwt(claims: Any) -> str:
    def part(value: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def unsigned_sts() -> Any:
    """The client a CI job builds: it has no credentials yet, and this call needs none."""
    return boto3.client("sts", region_name="us-east-1", config=Config(signature_version=UNSIGNED))


def assume(token: str, client: Any = None, **kwargs: Any) -> dict[str, Any]:
    sts = client or unsigned_sts()
    return sts.assume_role_with_web_identity(  # type: ignore[no-any-return]
        RoleArn=ROLE, RoleSessionName="ci-run-1", WebIdentityToken=token, **kwargs
    )


def test_credentials_act_as_the_roles_account(orgsim: orgsim.Simulation, freezer: Any) -> None:
    freezer.move_to("2024-07-01T08:00:00Z")
    answer = assume(jwt(GITHUB), DurationSeconds=900)
    creds = answer["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"]
    assert creds["Expiration"] == dt.datetime(2024, 7, 1, 8, 15, tzinfo=dt.timezone.utc)
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::222222222222:assumed-role/GitHubActions/ci-run-1"
    assert answer["AssumedRoleUser"]["AssumedRoleId"].endswith(":ci-run-1")
    assert answer["SubjectFromWebIdentityToken"] == GITHUB["sub"]
    assert answer["Provider"] == GITHUB["iss"]
    assert answer["Audience"] == "sts.amazonaws.com"

    session = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-east-1",
    )
    identity = session.client("sts").get_caller_identity()
    assert identity["Account"] == "222222222222"
    assert identity["Arn"] == answer["AssumedRoleUser"]["Arn"]
    # Organizations sees the role's account: here the management account of a new organization.
    created = session.client("organizations").create_organization()["Organization"]
    assert created["MasterAccountId"] == "222222222222"
    (call,) = orgsim.calls.filter("AssumeRoleWithWebIdentity")
    assert call.service == "sts" and call.ok


def test_a_signed_client_works_too(orgsim: orgsim.Simulation) -> None:
    sts = orgsim.session("111111111111").client("sts")
    assert assume(jwt(GITHUB), sts)["AssumedRoleUser"]["Arn"].startswith("arn:aws:sts::222222222222:")


def test_any_partition(orgsim: orgsim.Simulation) -> None:
    answer = unsigned_sts().assume_role_with_web_identity(
        RoleArn="arn:aws-cn:iam::333333333333:role/path/to/Deployer", RoleSessionName="cn", WebIdentityToken="opaque"
    )
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws-cn:sts::333333333333:assumed-role/Deployer/cn"


@pytest.mark.parametrize(
    ("claims", "subject", "provider", "audience"),
    [
        ({**GITHUB, "aud": ["first-client", "second"]}, GITHUB["sub"], GITHUB["iss"], "first-client"),
        ({"sub": "short"}, "orgsim-web-identity", "orgsim.invalid", "sts.amazonaws.com"),
        ({"sub": 12345678, "iss": ["x"]}, "orgsim-web-identity", "orgsim.invalid", "sts.amazonaws.com"),
        (["not", "an", "object"], "orgsim-web-identity", "orgsim.invalid", "sts.amazonaws.com"),
    ],
)
def test_what_the_token_says_is_echoed_when_it_says_it(
    orgsim: orgsim.Simulation, claims: Any, subject: str, provider: str, audience: str
) -> None:
    answer = assume(jwt(claims))
    assert (answer["SubjectFromWebIdentityToken"], answer["Provider"], answer["Audience"]) == (subject, provider, audience)


@pytest.mark.parametrize("token", ["opaque-token", "a.b.c", "a.!!!.c", "x" * 20000, "a." + "W" * 3000 + ".c"])
def test_a_token_that_is_no_jwt_is_not_verified(orgsim: orgsim.Simulation, token: str) -> None:
    answer = assume(token)
    assert answer["SubjectFromWebIdentityToken"] == "orgsim-web-identity"
    assert answer["Provider"] == "orgsim.invalid"


def test_provider_id_stands_in_for_a_missing_issuer(orgsim: orgsim.Simulation) -> None:
    assert assume("opaque-token", ProviderId="graph.facebook.com")["Provider"] == "graph.facebook.com"
    assert assume(jwt(GITHUB), ProviderId="graph.facebook.com")["Provider"] == GITHUB["iss"]


def test_a_deeply_nested_token_is_read_without_harm(orgsim: orgsim.Simulation) -> None:
    deep = "[" * 14000 + "]" * 14000
    payload = base64.urlsafe_b64encode(deep.encode()).decode()
    assert assume(f"e30.{payload[:19990]}.c")["Provider"] == "orgsim.invalid"


@pytest.mark.parametrize(
    "params",
    [
        {"RoleArn": "arn:aws:iam::222222222222:user/Someone"},
        {"RoleArn": "arn:aws:iam::2222:role/Short-account"},
        {"RoleSessionName": "has spaces"},
        {"WebIdentityToken": "abc"},
        {"DurationSeconds": 899},
        {"DurationSeconds": 43201},
    ],
)
def test_malformed_input_is_a_validation_error(orgsim: orgsim.Simulation, params: dict[str, Any]) -> None:
    sts = boto3.client(
        "sts", region_name="us-east-1", config=Config(signature_version=UNSIGNED, parameter_validation=False)
    )
    full = {"RoleArn": ROLE, "RoleSessionName": "ci", "WebIdentityToken": jwt(GITHUB), **params}
    with pytest.raises(sts.exceptions.ClientError) as refused:
        sts.assume_role_with_web_identity(**full)
    assert refused.value.response["Error"]["Code"] == "ValidationError"


def test_the_other_web_and_saml_calls_stay_unsimulated(orgsim: orgsim.Simulation) -> None:
    with pytest.raises(UnsimulatedOperation, match="AssumeRoleWithSAML"):
        unsigned_sts().assume_role_with_saml(
            RoleArn=ROLE, PrincipalArn="arn:aws:iam::222222222222:saml-provider/Idp", SAMLAssertion="x" * 4
        )


def test_web_identity_credentials_answer_organizations_calls_as_a_member(orgsim: orgsim.Simulation) -> None:
    world = World.build(orgsim)
    member = world.join("222222222222")
    creds = assume(jwt(GITHUB))["Credentials"]
    client = boto3.client(
        "organizations",
        region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    assert client.describe_organization()["Organization"]["Id"] == world.org["Id"]
    with aws_error(client, "AccessDeniedException"):
        client.list_roots()
    assert member == "222222222222"
