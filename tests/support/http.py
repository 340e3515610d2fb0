"""Clients of orgsim's HTTP adapter for the tests.

- ``wsgi_client``: a real boto3 client (botocore's own signing, serializing, parsing and retries)
  whose requests go to the WSGI application in the test process, without a socket: orgsim's
  in-process answer is taken off the client, and a ``before-send`` handler hands the prepared
  request to the application. Its answers are checked against botocore's model like every other.
- ``call_app``: one WSGI request, built by hand, for what no SDK sends.
- ``send_raw``: bytes over a loopback socket, for what only a socket can show (truncation, stalls).
- ``signed``: a request signed with botocore's SigV4 signer, as raw parts.
- ``aws_cli``: the AWS CLI executable the CLI tests use, or a clean skip.
"""

from __future__ import annotations

import functools
import io
import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.config import Config
from botocore.credentials import ReadOnlyCredentials

from orgsim.adapters.botocore.answer import answer
from orgsim.adapters.botocore.hooks import MARK
from orgsim.adapters.http.app import FRONT_ERRORS, Application
from orgsim.sessions import _botocore_session

from .shape_contract import shape_problems

ENDPOINT = "http://orgsim.test:8599"
TARGET_PREFIX = "AWSOrganizationsV20161128"
#: The codes only the front end sends (not the services' models).
FRONT_CODES = frozenset(code for _, json_code, query_code in FRONT_ERRORS.values() for code in (json_code, query_code))


@dataclass
class AppResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def environ_for(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    content_length: str | None = None,
    stream: Any = None,
) -> dict[str, Any]:
    parts = urlsplit(url)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": unquote(parts.path) or "/",
        "QUERY_STRING": parts.query,
        "SERVER_NAME": parts.hostname or "localhost",
        "SERVER_PORT": str(parts.port or 80),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": stream if stream is not None else io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "CONTENT_LENGTH": str(len(body)) if content_length is None else content_length,
        "HTTP_HOST": parts.netloc,
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if key == "CONTENT_TYPE":
                environ[key] = value
            continue
        environ["HTTP_" + key] = value
    return environ


def call_app(app: Application, environ: dict[str, Any]) -> AppResponse:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"] = int(status.split()[0])
        seen["headers"] = {name.lower(): value for name, value in headers}

    body = b"".join(app(environ, start_response))
    assert int(seen["headers"]["content-length"]) == len(body)
    return AppResponse(seen["status"], seen["headers"], body)


def request(
    app: Application,
    method: str = "POST",
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
    url: str = ENDPOINT + "/",
    **environ: Any,
) -> AppResponse:
    return call_app(app, environ_for(method, url, headers or {}, body, **environ))


def signed(
    credentials: ReadOnlyCredentials | None,
    service: str,
    *,
    target: str | None = None,
    body: bytes = b"{}",
    url: str = ENDPOINT + "/",
    method: str = "POST",
    extra_headers: Mapping[str, str] | None = None,
    signer: type[SigV4Auth] = SigV4Auth,
) -> tuple[str, str, dict[str, str], bytes]:
    """(method, url, headers, body) of a request signed as botocore signs it (unsigned without credentials)."""
    headers = dict(extra_headers or {})
    if target is not None:
        headers["X-Amz-Target"] = f"{TARGET_PREFIX}.{target}"
        headers.setdefault("Content-Type", "application/x-amz-json-1.1")
    else:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    aws_request = AWSRequest(method=method, url=url, headers=headers, data=body)
    if credentials is not None:
        signer(credentials, service, "us-east-1").add_auth(aws_request)
    prepared = aws_request.prepare()
    return prepared.method, prepared.url, {k: _text(v) for k, v in prepared.headers.items()}, prepared.body or b""


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def signed_app_request(app: Application, credentials: ReadOnlyCredentials | None, service: str, **kwargs: Any) -> AppResponse:
    method, url, headers, body = signed(credentials, service, **kwargs)
    return call_app(app, environ_for(method, url, headers, body))


# -- a boto3 client answered by the WSGI application ------------------------------------------------


class _RawBody:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Iterable[bytes]:
        yield self._body


def _send_to(app: Application, request: Any, **kwargs: Any) -> AWSResponse:
    body = request.body or b""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode("utf-8")
    headers = {name: _text(value) for name, value in request.headers.items()}
    response = call_app(app, environ_for(request.method, request.url, headers, body))
    return AWSResponse(request.url, response.status, response.headers, _RawBody(response.body))


def _check_shape(http_response: Any, parsed: dict[str, Any], model: Any, **kwargs: Any) -> None:
    """The shape contract, for the answers of the services (the front end's own errors are not theirs)."""
    if parsed.get("Error", {}).get("Code") in FRONT_CODES:
        return
    found = shape_problems(http_response, parsed, model)
    if found:
        raise AssertionError("an answer over HTTP does not fit botocore's model:\n" + "\n".join(found))


def wsgi_client(
    app: Application,
    service: str,
    credentials: ReadOnlyCredentials | None = None,
    *,
    config: Config | None = None,
) -> Any:
    """A boto3 client whose requests the WSGI application answers (see the module docstring)."""
    session = boto3.Session(
        aws_access_key_id=None if credentials is None else credentials.access_key,
        aws_secret_access_key=None if credentials is None else credentials.secret_key,
        aws_session_token=None if credentials is None else credentials.token,
        region_name="us-east-1",
        botocore_session=_botocore_session(),  # sharing one model loader: a client in milliseconds
    )
    client = session.client(service, endpoint_url=ENDPOINT, config=config or Config(retries={"mode": "standard"}))
    events = client.meta.events
    events.unregister(f"before-call.{service}", answer)
    setattr(client, MARK, True)  # nothing puts the in-process answer back on first use
    events.register(f"before-send.{service}", functools.partial(_send_to, app))
    events.register(f"after-call.{service}", _check_shape)
    return client


# -- raw sockets --------------------------------------------------------------------------------------


def send_raw(endpoint_url: str, data: bytes, *, half_close: bool = True, timeout: float = 10.0) -> bytes:
    """Send ``data`` over a new connection and read everything the server sends back."""
    parts = urlsplit(endpoint_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as connection:
        connection.sendall(data)
        if half_close:
            connection.shutdown(socket.SHUT_WR)
        received = b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                return received
            received += chunk


def http_bytes(method: str, url: str, headers: Mapping[str, str], body: bytes) -> bytes:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{name}: {value}" for name, value in headers.items() if name.lower() != "host"]
    if not any(name.lower() == "content-length" for name in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def status_of(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1])


def body_of(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[1]


# -- the AWS CLI ----------------------------------------------------------------------------------------


def aws_cli() -> str:
    """The AWS CLI to run: ``ORGSIM_AWS_CLI`` (CI sets it to a venv of its own), else ``aws`` on the PATH.
    Skips the test when there is none, or when it does not run (a shim of another Python, say)."""
    found = _working_aws_cli()
    if found is None:
        pytest.skip("the AWS CLI is not installed (set ORGSIM_AWS_CLI to an aws executable)")
    return found


@functools.cache
def _working_aws_cli() -> str | None:
    found = os.environ.get("ORGSIM_AWS_CLI") or shutil.which("aws")
    if not found or not os.access(found, os.X_OK):
        return None
    try:
        done = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found if done.returncode == 0 else None
