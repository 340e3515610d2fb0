"""The HTTP adapter's protocols, through the WSGI application in this process (no socket): boto3
clients whose requests the application answers (``support.http.wsgi_client``), and requests built by
hand for what no SDK sends.

What a client sees over HTTP must be what it sees in-process: the same answers, errors, ``Reason``s,
request ids, call log and faults, with the front end's own errors (signatures, bodies, unknown
operations) added as AWS sends them.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.config import Config
from botocore.credentials import ReadOnlyCredentials
from botocore.exceptions import ClientError
from freezegun import freeze_time

import orgsim
from orgsim.adapters.http.app import Application, unsigned_operations
from orgsim.service.botocore_model import service_model
from orgsim.service.routes import route
from support import aws_error
from support.http import (
    ENDPOINT,
    TARGET_PREFIX,
    AppResponse,
    environ_for,
    call_app,
    request,
    signed,
    signed_app_request,
    wsgi_client,
)

MGMT, MEMBER, OTHER = "111111111111", "222222222222", "333333333333"
ROLE = f"arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole"
STS_NS = "{https://sts.amazonaws.com/doc/2011-06-15/}"


@pytest.fixture
def sim() -> Iterator[orgsim.Simulation]:
    with orgsim.simulate(default_account_id=MGMT, seed="protocols", clock=orgsim.ManualClock("2024-01-01")) as sim:
        yield sim


@pytest.fixture
def app(sim: orgsim.Simulation) -> Iterator[Application]:
    application = Application(sim._require())
    yield application
    assert not application.failures, application.failures[0]


def _clock(sim: orgsim.Simulation) -> orgsim.ManualClock:
    clock = sim.options.clock
    assert isinstance(clock, orgsim.ManualClock)
    return clock


def _over_http(app: Application, sim: orgsim.Simulation) -> Callable[[str, str], Any]:
    return functools.cache(lambda account_id, service: wsgi_client(app, service, sim.credentials(account_id)))


def _in_process(sim: orgsim.Simulation) -> Callable[[str, str], Any]:
    return functools.cache(lambda account_id, service: sim.session(account_id).client(service))


# -- the same answers as in-process ----------------------------------------------------------------


def _story(client: Callable[[str, str], Any]) -> list[Any]:
    """Every simulated operation kind, successes and modeled errors, as seen by the caller."""
    seen: list[Any] = []

    def call(account_id: str, service: str, operation: str, **params: Any) -> Any:
        try:
            response = getattr(client(account_id, service), operation)(**params)
        except ClientError as error:
            response = error.response
        response = {key: value for key, value in response.items() if key != "ResponseMetadata"}
        seen.append((operation, response))
        return response

    mgmt, member = MGMT, MEMBER
    call(mgmt, "organizations", "describe_organization")  # AWSOrganizationsNotInUseException
    call(mgmt, "organizations", "create_organization", FeatureSet="CONSOLIDATED_BILLING")
    invite = call(mgmt, "organizations", "invite_account_to_organization", Target={"Id": member, "Type": "ACCOUNT"}, Notes="hi")
    call(mgmt, "organizations", "invite_account_to_organization", Target={"Id": member, "Type": "ACCOUNT"})  # duplicate
    call(mgmt, "organizations", "invite_account_to_organization", Target={"Id": "x@example.com", "Type": "EMAIL"})
    call(mgmt, "organizations", "invite_account_to_organization", Target={"Id": "nope", "Type": "ACCOUNT"})  # Reason
    call(mgmt, "organizations", "list_handshakes_for_organization", MaxResults=1)
    call(mgmt, "organizations", "list_handshakes_for_organization", Filter={"ActionType": "INVITE"})
    call(member, "organizations", "list_handshakes_for_account")
    call(member, "organizations", "describe_handshake", HandshakeId=invite["Handshake"]["Id"])
    call(member, "organizations", "accept_handshake", HandshakeId=invite["Handshake"]["Id"])
    call(member, "organizations", "accept_handshake", HandshakeId=invite["Handshake"]["Id"])  # already
    call(mgmt, "organizations", "describe_handshake", HandshakeId="h-" + "0" * 32)  # not found
    call(mgmt, "organizations", "list_accounts")
    call(mgmt, "organizations", "describe_account", AccountId=member)
    created = call(mgmt, "organizations", "create_account", Email="new@example.com", AccountName="New")
    call(mgmt, "organizations", "describe_create_account_status", CreateAccountRequestId=created["CreateAccountStatus"]["Id"])
    call(mgmt, "organizations", "list_create_account_status")
    call(mgmt, "organizations", "enable_all_features")
    call(member, "organizations", "list_handshakes_for_account", Filter={"ActionType": "APPROVE_ALL_FEATURES"})
    call(mgmt, "organizations", "remove_account_from_organization", AccountId=member)
    call(mgmt, "sts", "get_caller_identity")
    assumed = call(mgmt, "sts", "assume_role", RoleArn=ROLE, RoleSessionName="admin", DurationSeconds=900)
    call(mgmt, "sts", "assume_role", RoleArn="arn:aws:iam::12:role/not-an-account", RoleSessionName="admin")
    call(mgmt, "sts", "assume_role", RoleArn=ROLE, RoleSessionName="no spaces!")  # ValidationError (pattern)
    seen.append(("assumed", assumed["Credentials"]["AccessKeyId"]))
    return seen


def test_every_answer_over_http_is_the_answer_in_process() -> None:
    def run(over_http: bool) -> tuple[list[Any], list[Any]]:
        with orgsim.simulate(default_account_id=MGMT, seed="same", clock=orgsim.ManualClock("2024-01-01")) as sim:
            app = Application(sim._require())
            seen = _story(_over_http(app, sim) if over_http else _in_process(sim))
            assert not app.failures
            log = [(c.operation, c.account_id, dict(c.params), c.output, c.error_code, c.error_reason, c.request_id) for c in sim.calls]
            return seen, log

    in_process, in_process_log = run(over_http=False)
    over_http, over_http_log = run(over_http=True)
    assert over_http == in_process
    assert over_http_log == in_process_log
    errors = [response["Error"]["Code"] for _, response in in_process if isinstance(response, dict) and "Error" in response]
    assert errors == [
        "AWSOrganizationsNotInUseException",
        "DuplicateHandshakeException",
        "InvalidInputException",
        "HandshakeAlreadyInStateException",
        "HandshakeNotFoundException",
        "ValidationError",
        "ValidationError",
    ]


def test_the_request_id_header_is_the_call_logs(app: Application, sim: orgsim.Simulation) -> None:
    response = signed_app_request(app, sim.credentials(MGMT), "organizations", target="DescribeOrganization")
    assert response.status == 400
    assert response.headers["x-amzn-requestid"] == sim.calls.last.request_id
    response = signed_app_request(app, sim.credentials(MGMT), "sts", body=b"Action=GetCallerIdentity&Version=2011-06-15")
    assert response.status == 200
    assert response.headers["x-amzn-requestid"] == sim.calls.last.request_id
    assert ET.fromstring(response.body).findtext(f"{STS_NS}ResponseMetadata/{STS_NS}RequestId") == sim.calls.last.request_id


# -- the wire formats ------------------------------------------------------------------------------


def test_json_answers_carry_epoch_timestamps_to_the_millisecond(app: Application, sim: orgsim.Simulation) -> None:
    _clock(sim).advance(dt.timedelta(milliseconds=123))
    mgmt = sim.credentials(MGMT)
    assert signed_app_request(app, mgmt, "organizations", target="CreateOrganization").status == 200
    body = json.dumps({"Target": {"Id": MEMBER, "Type": "ACCOUNT"}}).encode()
    response = signed_app_request(app, mgmt, "organizations", target="InviteAccountToOrganization", body=body)
    assert response.status == 200
    assert response.headers["content-type"] == "application/x-amz-json-1.1"
    handshake = response.json()["Handshake"]
    assert handshake["RequestedTimestamp"] == dt.datetime(2024, 1, 1, 0, 0, 0, 123000, dt.timezone.utc).timestamp()
    assert handshake["ExpirationTimestamp"] - handshake["RequestedTimestamp"] == 15 * 86400
    assert handshake["State"] == "OPEN" and handshake["Parties"][1] == {"Id": MEMBER, "Type": "ACCOUNT"}


def test_json_errors_are_type_message_and_reason(app: Application, sim: orgsim.Simulation) -> None:
    mgmt = sim.credentials(MGMT)
    signed_app_request(app, mgmt, "organizations", target="CreateOrganization")
    body = json.dumps({"Target": {"Id": "nope", "Type": "ACCOUNT"}}).encode()
    response = signed_app_request(app, mgmt, "organizations", target="InviteAccountToOrganization", body=body)
    assert response.status == 400
    assert response.json() == {
        "__type": "InvalidInputException",
        "Message": "You provided a value that does not match the required pattern.",
        "Reason": "INVALID_PATTERN",
    }
    assert sim.calls.last.error_reason == "INVALID_PATTERN"
    assert response.headers["x-amzn-errortype"] == "InvalidInputException"


def test_an_injected_error_carries_its_other_members(app: Application, sim: orgsim.Simulation) -> None:
    sim.fail("ListAccounts", "TooManyRequestsException", times=1)
    response = signed_app_request(app, sim.credentials(MGMT), "organizations", target="ListAccounts")
    assert response.status == 400
    body = response.json()
    assert body["__type"] == "TooManyRequestsException" and body["Type"] == "Throttling" and body["Message"]


def test_a_service_exception_is_a_500(app: Application, sim: orgsim.Simulation) -> None:
    sim.fail("ListAccounts", "ServiceException", times=1)
    organizations = wsgi_client(app, "organizations", sim.credentials(MGMT), config=Config(retries={"total_max_attempts": 1}))
    with pytest.raises(ClientError) as raised:
        organizations.list_accounts()
    assert raised.value.response["Error"]["Code"] == "ServiceException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_query_answers_and_errors_are_xml(app: Application, sim: orgsim.Simulation) -> None:
    mgmt = sim.credentials(MGMT)
    body = f"Action=AssumeRole&Version=2011-06-15&RoleArn={ROLE}&RoleSessionName=ops".encode()
    response = signed_app_request(app, mgmt, "sts", body=body)
    assert response.status == 200 and response.headers["content-type"] == "text/xml"
    root = ET.fromstring(response.body)
    assert root.tag == f"{STS_NS}AssumeRoleResponse"
    credentials = root.find(f"{STS_NS}AssumeRoleResult/{STS_NS}Credentials")
    assert credentials is not None
    assert credentials.findtext(f"{STS_NS}Expiration") == "2024-01-01T01:00:00Z"
    assert credentials.findtext(f"{STS_NS}AccessKeyId", "").startswith("ASIA")
    response = signed_app_request(app, mgmt, "sts", body=b"Action=AssumeRole&Version=2011-06-15&RoleArn=x&RoleSessionName=ops")
    assert response.status == 400
    error = ET.fromstring(response.body)
    assert error.tag == f"{STS_NS}ErrorResponse"
    assert [child.tag for child in error.find(f"{STS_NS}Error")] == [f"{STS_NS}{name}" for name in ("Type", "Code", "Message")]  # type: ignore[union-attr]
    assert error.findtext(f"{STS_NS}Error/{STS_NS}Type") == "Sender"
    assert error.findtext(f"{STS_NS}Error/{STS_NS}Code") == "ValidationError"
    assert error.findtext(f"{STS_NS}RequestId") == sim.calls.last.request_id


def test_query_parameters_may_come_in_the_query_string(app: Application, sim: orgsim.Simulation) -> None:
    response = signed_app_request(
        app, sim.credentials(OTHER), "sts", method="GET", body=b"", url=ENDPOINT + "/?Action=GetCallerIdentity&Version=2011-06-15"
    )
    assert response.status == 200
    assert ET.fromstring(response.body).findtext(f"{STS_NS}GetCallerIdentityResult/{STS_NS}Account") == OTHER


def test_the_call_log_has_the_decoded_parameters(app: Application, sim: orgsim.Simulation) -> None:
    sts = wsgi_client(app, "sts", sim.credentials(MGMT))
    sts.assume_role(RoleArn=ROLE, RoleSessionName="ops", DurationSeconds=1800)
    assert sim.calls.last.params == {"RoleArn": ROLE, "RoleSessionName": "ops", "DurationSeconds": 1800}


# -- identity: the signature -------------------------------------------------------------------------


def test_issued_keys_act_as_their_account_and_others_as_the_default(app: Application, sim: orgsim.Simulation) -> None:
    assert wsgi_client(app, "sts", sim.credentials(MEMBER)).get_caller_identity()["Account"] == MEMBER
    stranger = ReadOnlyCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)
    assert wsgi_client(app, "sts", stranger).get_caller_identity()["Account"] == MGMT
    assert [c.account_id for c in sim.calls] == [MEMBER, MGMT]


def test_a_wrong_secret_is_refused_and_recorded(app: Application, sim: orgsim.Simulation) -> None:
    issued = sim.credentials(MEMBER)
    forged = ReadOnlyCredentials(issued.access_key, "not-the-secret", None)
    organizations = wsgi_client(app, "organizations", forged)
    with pytest.raises(ClientError) as raised:
        organizations.list_accounts()
    assert raised.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as raised:
        wsgi_client(app, "sts", forged).get_caller_identity()
    assert raised.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert raised.value.response["Error"]["Type"] == "Sender"
    assert [(c.operation, c.account_id, c.error_code) for c in sim.calls] == [
        ("ListAccounts", MEMBER, "InvalidSignatureException"),
        ("GetCallerIdentity", MEMBER, "SignatureDoesNotMatch"),
    ]
    assert not sim.calls.last.injected


def test_a_tampered_body_does_not_match_its_signature(app: Application, sim: orgsim.Simulation) -> None:
    method, url, headers, body = signed(sim.credentials(MGMT), "organizations", target="DescribeAccount", body=b'{"AccountId":"111111111111"}')
    response = call_app(app, environ_for(method, url, headers, body.replace(b"1111", b"2222")))
    assert response.status == 403 and response.json()["__type"] == "InvalidSignatureException"


def test_the_signing_time_is_never_judged(app: Application, sim: orgsim.Simulation) -> None:
    with freeze_time("1999-12-31"):  # the client signs in 1999, the simulated clock says 2024
        assert wsgi_client(app, "sts", sim.credentials(MEMBER)).get_caller_identity()["Account"] == MEMBER


def test_temporary_keys_need_their_own_session_token(app: Application, sim: orgsim.Simulation) -> None:
    assumed = wsgi_client(app, "sts", sim.credentials(MGMT)).assume_role(RoleArn=ROLE, RoleSessionName="ops")["Credentials"]
    good = ReadOnlyCredentials(assumed["AccessKeyId"], assumed["SecretAccessKey"], assumed["SessionToken"])
    member = wsgi_client(app, "sts", good).get_caller_identity()
    assert member["Account"] == MEMBER and member["Arn"].endswith(":assumed-role/OrganizationAccountAccessRole/ops")
    for token, service, code in [
        (None, "organizations", "UnrecognizedClientException"),
        ("FwoGZXIvYXdzEanotherone", "organizations", "UnrecognizedClientException"),
        (None, "sts", "InvalidClientTokenId"),
    ]:
        client = wsgi_client(app, service, ReadOnlyCredentials(good.access_key, good.secret_key, token))
        with pytest.raises(ClientError) as raised:
            client.list_accounts() if service == "organizations" else client.get_caller_identity()
        assert raised.value.response["Error"]["Code"] == code
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_long_term_keys_with_a_session_token_are_refused(app: Application, sim: orgsim.Simulation) -> None:
    issued = sim.credentials(MEMBER)
    client = wsgi_client(app, "sts", ReadOnlyCredentials(issued.access_key, issued.secret_key, "a-token"))
    with pytest.raises(ClientError) as raised:
        client.get_caller_identity()
    assert raised.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_an_unsigned_request_is_refused(app: Application, sim: orgsim.Simulation) -> None:
    organizations = wsgi_client(app, "organizations", config=Config(signature_version=UNSIGNED))
    with pytest.raises(ClientError) as raised:
        organizations.list_accounts()
    assert raised.value.response["Error"]["Code"] == "MissingAuthenticationTokenException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    sts = wsgi_client(app, "sts", config=Config(signature_version=UNSIGNED))
    with pytest.raises(ClientError) as raised:
        sts.get_caller_identity()
    assert raised.value.response["Error"]["Code"] == "MissingAuthenticationToken"
    assert [(c.error_code, c.account_id) for c in sim.calls] == [
        ("MissingAuthenticationTokenException", MGMT),  # the default account: it names no key
        ("MissingAuthenticationToken", MGMT),
    ]


def test_the_operations_aws_serves_unsigned_are_data(app: Application, sim: orgsim.Simulation) -> None:
    model = service_model("sts")
    marked = {name for name in model.operation_names if model.operation_model(name).auth_type == "none"}
    expected = unsigned_operations("sts")
    assert expected == {"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"} | marked  # older models mark none
    assert unsigned_operations("organizations") == frozenset()
    for name in sorted(expected):
        body = f"Action={name}&Version=2011-06-15".encode()
        response = signed_app_request(app, None, "sts", body=body)
        # Not refused for its missing signature: 501 while orgsim does not simulate it, otherwise
        # answered (here: refused for its missing input).
        if route("sts", name) is None:
            assert response.status == 501, response.text
        else:
            assert response.status == 400 and b"<Code>ValidationError</Code>" in response.body, response.text


def test_a_malformed_authorization_header_is_an_incomplete_signature(app: Application, sim: orgsim.Simulation) -> None:
    for header, code in [
        ("AWS4-HMAC-SHA256 Credential=AKIA/20240101/us-east-1", "IncompleteSignatureException"),
        ("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00", "IncompleteSignatureException"),
        ("Basic dXNlcjpwYXNz", "IncompleteSignatureException"),
    ]:
        response = request(
            app,
            headers={"X-Amz-Target": f"{TARGET_PREFIX}.ListAccounts", "Authorization": header, "Content-Type": "application/x-amz-json-1.1"},
            body=b"{}",
        )
        assert (response.status, response.json()["__type"]) == (400, code)


class _SigningUserAgent(SigV4Auth):
    """A signer that signs ``user-agent`` too, as some SDKs do (botocore leaves it out)."""

    def headers_to_sign(self, request: Any) -> Any:
        headers = super().headers_to_sign(request)
        headers["user-agent"] = request.headers["User-Agent"]
        return headers


def test_every_header_the_client_signed_is_checked(app: Application, sim: orgsim.Simulation) -> None:
    credentials = sim.credentials(MEMBER)
    method, url, headers, body = signed(
        credentials, "organizations", target="ListAccounts", extra_headers={"User-Agent": "other-sdk/1.0"}, signer=_SigningUserAgent
    )
    assert "user-agent" in headers["Authorization"]
    response = call_app(app, environ_for(method, url, headers, body))
    assert response.json()["__type"] == "AWSOrganizationsNotInUseException"  # accepted, answered as the member
    headers["User-Agent"] = "changed/2.0"
    response = call_app(app, environ_for(method, url, headers, body))
    assert response.json()["__type"] == "InvalidSignatureException"


def test_a_presigned_request_is_verified_too(app: Application, sim: orgsim.Simulation) -> None:
    sts = wsgi_client(app, "sts", sim.credentials(MEMBER))
    url = sts.generate_presigned_url("get_caller_identity", Params={}, ExpiresIn=60, HttpMethod="GET")
    response = request(app, "GET", url=url)
    assert response.status == 200, response.text
    assert ET.fromstring(response.body).findtext(f"{STS_NS}GetCallerIdentityResult/{STS_NS}Account") == MEMBER
    response = request(app, "GET", url=url.replace("X-Amz-Signature=", "X-Amz-Signature=0"))
    assert response.status == 403
    assert ET.fromstring(response.body).findtext(f"{STS_NS}Error/{STS_NS}Code") == "SignatureDoesNotMatch"


# -- requests the front end refuses ----------------------------------------------------------------------


def _json_request(app: Application, sim: orgsim.Simulation, target: str, body: bytes) -> AppResponse:
    return signed_app_request(app, sim.credentials(MGMT), "organizations", target=target, body=body)


@pytest.mark.parametrize(
    "body", [b"{", b"[]", b'"text"', b"\xff\xfe", b'{"MaxResults": NaN}', b"[" * 100_000, b'{"MaxResults": 1' + b"0" * 5000 + b"}"]
)
def test_a_body_that_is_not_a_json_object_is_a_serialization_exception(app: Application, sim: orgsim.Simulation, body: bytes) -> None:
    response = _json_request(app, sim, "ListAccounts", body)
    assert (response.status, response.json()["__type"]) == (400, "SerializationException")
    assert response.json()["message"]
    assert (sim.calls.last.operation, sim.calls.last.error_code) == ("ListAccounts", "SerializationException")


def test_an_empty_json_body_is_an_empty_request(app: Application, sim: orgsim.Simulation) -> None:
    response = _json_request(app, sim, "DescribeOrganization", b"")
    assert response.json()["__type"] == "AWSOrganizationsNotInUseException"


@pytest.mark.parametrize("target", ["AWSOrganizationsV20161128.Nope", "Other.ListAccounts", "ListAccounts", ""])
def test_an_unknown_target_is_an_unknown_operation(app: Application, sim: orgsim.Simulation, target: str) -> None:
    response = request(app, headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"}, body=b"{}")
    assert (response.status, response.json()["__type"]) == (400, "UnknownOperationException")
    assert not sim.calls


def test_an_unknown_or_missing_action_is_refused_in_xml(app: Application, sim: orgsim.Simulation) -> None:
    for body, code in [(b"Action=Nope&Version=2011-06-15", "InvalidAction"), (b"Version=2011-06-15", "MissingAction"), (b"", "MissingAction")]:
        response = signed_app_request(app, sim.credentials(MGMT), "sts", body=body)
        assert response.status == 400
        assert ET.fromstring(response.body).findtext(f"{STS_NS}Error/{STS_NS}Code") == code
    assert not sim.calls


def test_an_operation_orgsim_does_not_simulate_is_501_naming_it(app: Application, sim: orgsim.Simulation) -> None:
    organizations = wsgi_client(app, "organizations", sim.credentials(MGMT))
    with pytest.raises(ClientError) as raised:
        organizations.create_gov_cloud_account(Email="gov@example.com", AccountName="Gov")
    error = raised.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["Error"]["Code"] == "NotImplemented"
    assert "Organizations.CreateGovCloudAccount" in error["Error"]["Message"]
    with pytest.raises(ClientError) as raised:
        wsgi_client(app, "sts", sim.credentials(MGMT)).get_session_token()
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "STS.GetSessionToken" in raised.value.response["Error"]["Message"]
    assert not sim.calls


def test_other_methods_are_refused(app: Application, sim: orgsim.Simulation) -> None:
    response = request(app, "GET", headers={"X-Amz-Target": f"{TARGET_PREFIX}.ListAccounts"})
    assert (response.status, response.json()["__type"]) == (405, "MethodNotAllowed")
    response = request(app, "DELETE", url=ENDPOINT + "/?Action=GetCallerIdentity")
    assert response.status == 405 and b"<Code>MethodNotAllowed</Code>" in response.body


def test_bodies_too_large_truncated_or_badly_framed(sim: orgsim.Simulation) -> None:
    app = Application(sim._require(), max_body=1000)
    headers = {"X-Amz-Target": f"{TARGET_PREFIX}.ListAccounts", "Content-Type": "application/x-amz-json-1.1"}
    too_large = request(app, headers=headers, body=b"{}", content_length="1001")
    assert (too_large.status, too_large.json()["__type"]) == (413, "RequestEntityTooLarge")
    truncated = request(app, headers=headers, body=b"{}", content_length="20")
    assert (truncated.status, truncated.json()["__type"]) == (400, "IncompleteBody")
    assert "2 of the 20 bytes" in truncated.json()["message"]
    for length in ("ten", "-1"):
        framed = request(app, headers=headers, body=b"{}", content_length=length)
        assert (framed.status, framed.json()["__type"]) == (400, "BadRequest")
    chunked = {**headers, "Transfer-Encoding": "chunked"}
    assert request(app, headers=chunked, body=b"2\r\n{}\r\n0\r\n\r\n", content_length="").json()["__type"] == "MissingAuthenticationTokenException"
    assert request(app, headers=chunked, body=b"5\r\n{}", content_length="").json()["__type"] == "IncompleteBody"
    assert request(app, headers=chunked, body=b"zz\r\n", content_length="").json()["__type"] == "BadRequest"
    assert request(app, headers=chunked, body=b"800\r\n" + b" " * 2048, content_length="").json()["__type"] == "RequestEntityTooLarge"
    gzip = {**headers, "Transfer-Encoding": "gzip"}
    assert request(app, headers=gzip, body=b"", content_length="").json()["__type"] == "BadRequest"
    # Only the one request whose body could be read reached the service's front door.
    assert sim.calls.operations == ["ListAccounts"] and not app.failures


def test_a_chunked_body_is_read(app: Application, sim: orgsim.Simulation) -> None:
    method, url, headers, body = signed(sim.credentials(MEMBER), "organizations", target="DescribeOrganization")
    headers["Transfer-Encoding"] = "chunked"
    framed = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    response = call_app(app, environ_for(method, url, headers, framed, content_length=""))
    assert response.json()["__type"] == "AWSOrganizationsNotInUseException"


def test_a_failure_inside_orgsim_is_an_internal_failure_and_kept(
    app: Application, sim: orgsim.Simulation, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(sim._require(), "answer", broken)
    response = signed_app_request(app, sim.credentials(MGMT), "organizations", target="ListAccounts")
    assert (response.status, response.json()["__type"]) == (500, "InternalFailure")
    assert len(app.failures) == 1 and "RuntimeError: a bug" in app.failures[0]
    app.failures.clear()
    monkeypatch.undo()
    assert signed_app_request(app, sim.credentials(MGMT), "organizations", target="ListAccounts").status == 400


# -- faults and the clock ---------------------------------------------------------------------------


def test_faults_count_requests_as_received_so_retries_consume_them(app: Application, sim: orgsim.Simulation) -> None:
    organizations = wsgi_client(app, "organizations", sim.credentials(MGMT), config=Config(retries={"mode": "standard", "max_attempts": 3}))
    sim.fail("CreateOrganization", "TooManyRequestsException", times=2)
    organizations.create_organization()  # botocore retries the throttled answers
    assert [(c.operation, c.injected, c.ok) for c in sim.calls] == [
        ("CreateOrganization", True, False),
        ("CreateOrganization", True, False),
        ("CreateOrganization", False, True),
    ]
    sim.fail("ListAccounts", "AccessDeniedException", times=1)
    with aws_error(organizations, "AccessDeniedException"):
        organizations.list_accounts()


def test_the_simulated_clock_moves_answers_over_http(app: Application, sim: orgsim.Simulation) -> None:
    clock = _clock(sim)
    mgmt = wsgi_client(app, "organizations", sim.credentials(MGMT))
    mgmt.create_organization()
    handshake = mgmt.invite_account_to_organization(Target={"Id": MEMBER, "Type": "ACCOUNT"})["Handshake"]
    clock.advance(days=16)
    assert mgmt.describe_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"] == "EXPIRED"


def test_freezegun_in_the_hosting_process_is_the_servers_clock() -> None:
    with freeze_time("2024-03-01") as frozen, orgsim.simulate(default_account_id=MGMT) as sim:
        app = Application(sim._require())
        mgmt = wsgi_client(app, "organizations", sim.credentials(MGMT))
        mgmt.create_organization()
        handshake = mgmt.invite_account_to_organization(Target={"Id": MEMBER, "Type": "ACCOUNT"})["Handshake"]
        assert handshake["RequestedTimestamp"] == dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc)
        frozen.tick(dt.timedelta(days=15))
        assert mgmt.describe_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"] == "EXPIRED"
        assert sim.calls.last.time == dt.datetime(2024, 3, 16, tzinfo=dt.timezone.utc)
