"""Everything of botocore's that orgsim relies on and botocore does not promise, pinned.

CI runs this suite against the oldest botocore the project declares and the newest; a botocore
release that moves one of these breaks a test here first, with a message that names it.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from typing import Any

import boto3
import botocore
import botocore.session
import pytest
from botocore import handlers
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.client import BaseClient
from botocore.credentials import Credentials, RefreshableCredentials
from botocore.endpoint import Endpoint
from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel

import orgsim
from orgsim.adapters.botocore import answer, hooks, install

FAKE = {"aws_access_key_id": "AKIAEXAMPLEEXAMPLE00", "aws_secret_access_key": "not-a-real-secret"}
_METADATA = {"RequestId": "r", "HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0}


def _client(service: str, session: Any = None) -> Any:
    session = session or botocore.session.get_session()
    return session.create_client(service, region_name="us-east-1", **FAKE)


def test_botocore_is_in_the_declared_range() -> None:
    major, minor, *_ = (int(part) for part in botocore.__version__.split(".")[:3])
    assert (major, minor) >= (1, 34), botocore.__version__


# -- installation: BUILTIN_HANDLERS and the two class-level wrappers ------------------------------


def test_builtin_handlers_is_a_list_that_sessions_copy_when_created() -> None:
    assert isinstance(handlers.BUILTIN_HANDLERS, list)
    assert all(isinstance(entry, tuple) and len(entry) in (2, 3) for entry in handlers.BUILTIN_HANDLERS)
    seen: list[str] = []

    def spy(**kwargs: Any) -> None:
        seen.append(kwargs["event_name"])

    earlier = botocore.session.Session()
    entry = ("before-parameter-build.organizations", spy)
    handlers.BUILTIN_HANDLERS.append(entry)
    try:
        later = botocore.session.Session()
    finally:
        handlers.BUILTIN_HANDLERS.remove(entry)
    with orgsim.simulate():
        _client("organizations", earlier).list_handshakes_for_account()
        assert seen == []
        _client("organizations", later).list_handshakes_for_account()
    assert seen == ["before-parameter-build.organizations.ListHandshakesForAccount"]


def test_orgsim_is_in_builtin_handlers_once_installed() -> None:
    install()
    events = {entry[0]: entry[1] for entry in handlers.BUILTIN_HANDLERS}
    assert events["before-call.organizations"] is answer.answer
    assert events["before-call.sts"] is answer.answer
    assert events["creating-client-class.organizations"] is hooks.mark_client_class


def test_make_api_call_and_send_exist_with_the_signatures_orgsim_wraps() -> None:
    install()
    make_api_call = inspect.unwrap(BaseClient._make_api_call)
    assert list(inspect.signature(make_api_call).parameters) == ["self", "operation_name", "api_params"]
    assert BaseClient._make_api_call is not make_api_call, "orgsim's healing wrapper is in place"
    send = inspect.unwrap(Endpoint._send)
    assert list(inspect.signature(send).parameters) == ["self", "request"]
    assert Endpoint._send is not send, "orgsim's backstop is in place"


@pytest.mark.parametrize(("service", "prefix"), [("organizations", "organizations"), ("sts", "sts")])
def test_endpoints_carry_their_prefix(service: str, prefix: str) -> None:
    endpoint = _client(service)._endpoint
    assert isinstance(endpoint, Endpoint)
    assert endpoint._endpoint_prefix == prefix


def test_send_receives_a_prepared_request_with_method_and_url() -> None:
    # The backstop reads both from the request Endpoint._send is given.
    with orgsim.simulate(passthrough=True):
        with pytest.raises(orgsim.RealAWSRequestBlocked) as blocked:
            _client("organizations").create_gov_cloud_account(Email="gov@example.com", AccountName="gov")
    assert blocked.value.method == "POST"
    assert blocked.value.url == "https://organizations.us-east-1.amazonaws.com/"


# -- events: names, order and keyword arguments ---------------------------------------------------


def test_service_ids_hyphenize_to_the_event_names() -> None:
    for service in ("organizations", "sts"):
        model = botocore.session.get_session().get_service_model(service)
        assert model.service_id.hyphenize() == service


def test_event_kwargs_orgsim_uses() -> None:
    session = botocore.session.Session()
    seen: dict[str, dict[str, Any]] = {}

    def spy(**kwargs: Any) -> Any:
        seen[kwargs["event_name"].split(".")[0]] = kwargs
        if kwargs["event_name"].startswith("before-call"):
            return AWSResponse(None, 200, {}, None), {"ResponseMetadata": _METADATA}
        return None

    session.register("creating-client-class.organizations", spy)
    session.register("before-call.organizations", spy)
    session.register("after-call.organizations", spy)
    client = _client("organizations", session)
    client.describe_handshake(HandshakeId="h-0123456789")

    assert isinstance(seen["creating-client-class"]["class_attributes"], dict)
    before = seen["before-call"]
    assert isinstance(before["model"], OperationModel) and before["model"].name == "DescribeHandshake"
    assert json.loads(before["params"]["body"]) == {"HandshakeId": "h-0123456789"}
    assert isinstance(before["params"]["body"], bytes)
    assert isinstance(before["context"], dict)
    assert before["request_signer"]._credentials.access_key == FAKE["aws_access_key_id"]
    after = seen["after-call"]
    assert set(after) >= {"http_response", "parsed", "model", "context", "event_name"}


def test_the_query_protocol_body_is_a_flat_dict_at_before_call() -> None:
    session = botocore.session.Session()
    bodies: list[Any] = []

    def spy(params: dict[str, Any], **kwargs: Any) -> Any:
        bodies.append(params["body"])
        return AWSResponse(None, 200, {}, None), {"ResponseMetadata": _METADATA}

    session.register("before-call.sts", spy)
    _client("sts", session).assume_role(
        RoleArn="arn:aws:iam::111111111111:role/R", RoleSessionName="s1", DurationSeconds=900, TransitiveTagKeys=["a"]
    )
    assert bodies[0] == {
        "Action": "AssumeRole",
        "Version": "2011-06-15",
        "RoleArn": "arn:aws:iam::111111111111:role/R",
        "RoleSessionName": "s1",
        "DurationSeconds": 900,
        "TransitiveTagKeys.member.1": "a",
    }
    prepared = AWSRequest(method="POST", url="https://localhost/", data={"A": 1, "B": None, "C": ["x", "y"]}).prepare()
    assert prepared.body == "A=1&B=None&C=x&C=y"


def test_a_before_call_answer_short_circuits_and_error_codes_become_modeled_exceptions() -> None:
    session = botocore.session.Session()

    def answer(**kwargs: Any) -> Any:
        parsed = {
            "Error": {"Code": "HandshakeNotFoundException", "Message": "m"},
            "Message": "m",
            "ResponseMetadata": {"RequestId": "r", "HTTPStatusCode": 400, "HTTPHeaders": {}, "RetryAttempts": 0},
        }
        return AWSResponse(None, 400, {}, None), parsed

    session.register("before-call.organizations", answer)
    client = _client("organizations", session)
    with pytest.raises(client.exceptions.HandshakeNotFoundException) as caught:
        client.describe_handshake(HandshakeId="h-0123456789")
    assert caught.value.response["Message"] == "m"
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 0


# -- credentials: read without refreshing ---------------------------------------------------------


def test_request_signer_holds_the_credentials() -> None:
    client = _client("organizations")
    assert isinstance(client._request_signer._credentials, Credentials)
    assert client._request_signer._credentials.access_key == FAKE["aws_access_key_id"]


def test_refreshable_credentials_keep_the_key_in_access_key_without_refreshing() -> None:
    refreshed: list[int] = []

    def refresh() -> dict[str, Any]:
        refreshed.append(1)
        raise AssertionError("refreshed")

    expired = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)).isoformat()
    creds = RefreshableCredentials.create_from_metadata(
        {"access_key": "ASIAREFRESHABLE00000", "secret_key": "s", "token": "t", "expiry_time": expired},
        refresh_using=refresh,
        method="test",
    )
    assert creds._access_key == "ASIAREFRESHABLE00000"
    assert refreshed == []


def test_expired_refreshable_credentials_are_identified_without_refreshing() -> None:
    # What users hit with assume-role credentials under frozen time: orgsim must not refresh them.
    def refresh() -> dict[str, Any]:
        raise AssertionError("orgsim refreshed the caller's credentials")

    with orgsim.simulate() as sim:
        keys = sim.session("111111111111").get_credentials()
        creds = RefreshableCredentials.create_from_metadata(
            {
                "access_key": keys.access_key,
                "secret_key": keys.secret_key,
                "token": "t",
                "expiry_time": "2000-01-01T00:00:00Z",
            },
            refresh_using=refresh,
            method="test",
        )
        client = _client("sts")
        client._request_signer._credentials = creds
        assert client.get_caller_identity()["Account"] == "111111111111"


def test_the_chains_providers_refresh_with_botocores_functions(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # orgsim tells the chain's refreshable credentials from a test's by where the refresh function lives.
    from support.laptop import laptop_home

    from orgsim.adapters.botocore.credentials import made_by_chain

    laptop_home(tmp_path, monkeypatch, expires_in=dt.timedelta(hours=1))
    for profile in ("sso", "process", "role"):
        resolved = boto3.Session(profile_name=profile).get_credentials()  # outside a simulation: the chain runs
        assert isinstance(resolved, RefreshableCredentials), profile
        assert made_by_chain(resolved), (profile, resolved._refresh_using)
    own = RefreshableCredentials.create_from_metadata(
        {"access_key": "ASIAOWN", "secret_key": "s", "token": "t", "expiry_time": "2000-01-01T00:00:00Z"},
        refresh_using=lambda: {},
        method="test",
    )
    assert not made_by_chain(own)


def test_the_credential_chain_surfaces_orgsim_wraps() -> None:
    from botocore.credentials import CredentialResolver, DeferredRefreshableCredentials, EnvProvider

    install()
    for owner, name, parameters in (
        (CredentialResolver, "load_credentials", ["self"]),
        (botocore.session.Session, "get_credentials", ["self"]),
        (RefreshableCredentials, "_refresh", ["self"]),
        (RefreshableCredentials, "get_frozen_credentials", ["self"]),
    ):
        method = getattr(owner, name)
        assert method is not inspect.unwrap(method), f"orgsim's wrapper of {owner.__name__}.{name} is in place"
        assert list(inspect.signature(inspect.unwrap(method)).parameters) == parameters, name
    resolver = botocore.session.get_session().get_component("credential_provider")
    assert any(isinstance(p, EnvProvider) for p in resolver.providers)
    deferred = DeferredRefreshableCredentials(refresh_using=lambda: {}, method="test")
    assert deferred._frozen_credentials is None and deferred._access_key is None
    assert botocore.session.get_session()._credentials is None  # where a session keeps what it resolved


# -- models ---------------------------------------------------------------------------------------


def test_the_models_orgsim_reads() -> None:
    loader = Loader()
    organizations = ServiceModel(loader.load_service_model("organizations", "service-2"), "organizations")
    sts = ServiceModel(loader.load_service_model("sts", "service-2"), "sts")
    assert organizations.protocol == "json"
    assert sts.protocol == "query"
    op = organizations.operation_model("AcceptHandshake")
    assert {shape.name for shape in op.error_shapes} >= {"HandshakeNotFoundException", "InvalidInputException"}
    assert "Reason" in organizations.shape_for("InvalidInputException").members
    assert organizations.shape_for("HandshakeId").metadata["pattern"] == "^h-[0-9a-z]{8,32}$"


def test_boto3_sessions_build_on_botocore_sessions() -> None:
    session = boto3.Session(region_name="us-east-1", **FAKE)
    assert isinstance(session._session, botocore.session.Session)


def test_an_error_the_operation_does_not_declare_in_an_older_model_is_still_its_class() -> None:
    # botocore 1.34's AcceptHandshake does not list MasterCannotLeaveOrganizationException (newer
    # models do); the service sends it anyway, and botocore must still raise the modeled class.
    with orgsim.simulate() as sim:
        mgmt = sim.session(sim.default_account_id).client("organizations")
        mgmt.create_organization()
        sim.seed_account("210987654321")
        other = sim.session("210987654321").client("organizations")
        other.create_organization()
        offer = mgmt.invite_account_to_organization(Target={"Id": "210987654321", "Type": "ACCOUNT"})
        with pytest.raises(other.exceptions.MasterCannotLeaveOrganizationException) as caught:
            other.accept_handshake(HandshakeId=offer["Handshake"]["Id"])
        assert caught.value.response["Error"]["Code"] == "MasterCannotLeaveOrganizationException"
