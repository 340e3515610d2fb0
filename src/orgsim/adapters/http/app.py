"""The WSGI application: one HTTP request in, the simulated service's answer out, as AWS sends it.

The steps, in order (behaviour.md, "Server mode"):

1. the body is read, within a size limit and a time limit (``413``, ``400``);
2. the service and operation are found: Organizations by ``X-Amz-Target`` (JSON 1.1), STS by the
   ``Action`` parameter of a form body or query string (query protocol). An operation the service's
   model does not have is refused (``UnknownOperationException``, ``InvalidAction``); one orgsim does
   not simulate gets ``501`` naming it;
3. the signature says who is calling (``auth``);
4. the body is decoded into the API parameters (JSON, or the query decoding shared with the
   in-process adapter);
5. the simulation answers (``SimulatedAWS.answer``: faults, input checks, the handler, the call log),
   and the answer is serialized from botocore's shapes (``encode``).

A request refused at steps 3 or 4 is recorded in the call log with the error it got. Nothing a
client sends can make the application raise: whatever goes wrong inside orgsim is answered with
``500 InternalFailure`` and kept in ``failures``.
"""

from __future__ import annotations

import functools
import json
import threading
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from botocore.model import OperationModel, ServiceModel, Shape

from ...domain.errors import Rejected
from ...service.botocore_model import service_model
from ...service.call_log import RecordedCall
from ...service.routes import Route, route, simulated
from ...service.simulated_aws import SimulatedAWS
from ..query import query_pairs, query_params
from . import auth
from .encode import JSON_CONTENT_TYPE, XML_CONTENT_TYPE, json_body, json_error, xml_body, xml_error

#: The largest request body read (bytes): far above any request the models allow (a policy document
#: of a million characters, escaped), far below what would strain the host.
MAX_BODY: Final = 16 * 1024 * 1024

# The front end's own errors, sent before a service sees the request: the status and the code in
# each protocol (JSON 1.1, query), as AWS's front end names them.
FRONT_ERRORS: Final[Mapping[str, tuple[int, str, str]]] = {
    auth.MISSING: (403, "MissingAuthenticationTokenException", "MissingAuthenticationToken"),
    auth.INCOMPLETE: (400, "IncompleteSignatureException", "IncompleteSignature"),
    auth.MISMATCH: (403, "InvalidSignatureException", "SignatureDoesNotMatch"),
    auth.BAD_TOKEN: (403, "UnrecognizedClientException", "InvalidClientTokenId"),
    "unknown-operation": (400, "UnknownOperationException", "InvalidAction"),
    "missing-action": (400, "UnknownOperationException", "MissingAction"),
    "unsimulated": (501, "NotImplemented", "NotImplemented"),
    "method": (405, "MethodNotAllowed", "MethodNotAllowed"),
    "too-large": (413, "RequestEntityTooLarge", "RequestEntityTooLarge"),
    "incomplete-body": (400, "IncompleteBody", "IncompleteBody"),
    "timeout": (400, "RequestTimeout", "RequestTimeout"),
    "bad-request": (400, "BadRequest", "BadRequest"),
    "internal": (500, "InternalFailure", "InternalFailure"),
}

JSON: Final = "json"
QUERY: Final = "query"
#: Where the WSGI environ keeps the (service, operation) a request was found to be for.
_OPERATION: Final = "orgsim.operation"


@dataclass(frozen=True)
class Exchange:
    """One request and what it got, for whoever watches the server (the ``serve`` command prints it)."""

    method: str
    service: str | None
    operation: str | None
    status: int
    #: The error code, None for a success.
    error_code: str | None
    #: The account the call acted as (None when the request never got that far).
    account_id: str | None
    request_id: str
    #: The call log's record, for a request that reached the simulation.
    record: RecordedCall | None


class Application:
    """A WSGI application answering AWS Organizations and STS requests from one simulation."""

    def __init__(
        self,
        aws: SimulatedAWS,
        *,
        max_body: int = MAX_BODY,
        on_exchange: Callable[[Exchange], None] | None = None,
    ) -> None:
        self.aws = aws
        self.max_body = max_body
        self.on_exchange = on_exchange
        #: Tracebacks of failures inside orgsim (each answered with ``500 InternalFailure``).
        self.failures: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            reply = self._answer(environ)
        except Exception:  # a bug of orgsim's: answer, keep serving, and keep the traceback
            text = traceback.format_exc()
            with self._lock:
                self.failures.append(text)
            service, operation = environ.get(_OPERATION, (None, None))
            reply = _front_reply(
                JSON if "HTTP_X_AMZ_TARGET" in environ else QUERY,
                "internal",
                "orgsim failed to answer this request; the server's failures list has the traceback.",
                service=service,
                operation=operation,
            )
        start_response(reply.status_line, reply.headers)
        if self.on_exchange is not None:
            try:
                self.on_exchange(reply.exchange(str(environ.get("REQUEST_METHOD", ""))))
            except Exception:
                with self._lock:
                    self.failures.append(traceback.format_exc())
        return [reply.body]

    # -- the steps ----------------------------------------------------------------------------------

    def _answer(self, environ: dict[str, Any]) -> _Reply:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        headers = _headers(environ)
        protocol = JSON if "x-amz-target" in headers or _is_json(headers) else QUERY
        try:
            body = _read_body(environ, self.max_body)
        except _Front as front:
            return _front_reply(protocol, front.kind, front.message)
        query = query_pairs(str(environ.get("QUERY_STRING", "")))
        if protocol == JSON:
            found = _json_operation(method, headers)
            pairs: list[tuple[str, str]] = []
        else:
            pairs = list(query)
            if method == "POST":
                pairs += query_pairs(body.decode("utf-8", errors="replace"))
            found = _query_operation(method, pairs, headers)
        if isinstance(found, _Front):
            return _front_reply(protocol, found.kind, found.message)
        service, operation_model = found
        environ[_OPERATION] = (service, operation_model.name)
        chosen = route(service, operation_model.name)
        if chosen is None:
            return _front_reply(
                protocol,
                "unsimulated",
                f"orgsim does not simulate {operation_model.service_model.service_id}.{operation_model.name}: "
                "this server answers only the operations orgsim simulates.",
                service=service,
                operation=operation_model.name,
            )
        received = auth.Received(
            method,
            _host(environ, headers),
            str(environ.get("PATH_INFO", "") or "/"),
            query,
            headers,
            body,
        )
        return self._call(protocol, chosen, operation_model, received, pairs)

    def _call(
        self,
        protocol: str,
        chosen: Route,
        operation_model: OperationModel,
        received: auth.Received,
        pairs: list[tuple[str, str]],
    ) -> _Reply:
        aws = self.aws
        params: Mapping[str, Any]
        undecodable: Rejected | None = None
        if protocol == JSON:
            try:
                params = _json_params(received.body)
            except Rejected as rejected:
                params, undecodable = {}, rejected
        else:
            params = query_params(operation_model.input_shape, pairs)
        try:
            with aws.lock:
                access_key_id = auth.authenticate(
                    received, aws.identities, unsigned_allowed=operation_model.name in unsigned_operations(chosen.service)
                )
        except auth.Refused as refused:
            status, json_code, query_code = FRONT_ERRORS[refused.kind]
            code = json_code if protocol == JSON else query_code
            record = aws.refuse(chosen, params, refused.access_key_id, Rejected(code, refused.message))
            return _error_reply(protocol, operation_model, status, code, refused.message, None, {}, record)
        if undecodable is not None:
            record = aws.refuse(chosen, params, access_key_id, undecodable)
            return _error_reply(protocol, operation_model, 400, undecodable.code, undecodable.message, None, {}, record)
        output, record = aws.answer(chosen, params, access_key_id)
        error = record.error
        if error is not None:
            # Client errors are 400 and the service's own failure 500 (behaviour.md, "Server mode").
            status = 500 if error.code == "ServiceException" else 400
            members: dict[str, Any] = dict(error.members or {})
            if error.reason is not None:
                members["Reason"] = error.reason
            shape = error_shapes(chosen.service).get(error.code)
            return _error_reply(protocol, operation_model, status, error.code, error.message, shape, members, record)
        assert output is not None
        if protocol == JSON:
            body = json_body(operation_model.output_shape, output)
            content_type = JSON_CONTENT_TYPE
        else:
            body = xml_body(operation_model, output, record.request_id)
            content_type = XML_CONTENT_TYPE
        return _Reply(200, content_type, body, record.request_id, record=record)


# -- which operation ------------------------------------------------------------------------------


@functools.cache
def _directory() -> tuple[Mapping[str, str], Mapping[str, str]]:
    """The simulated services by JSON target prefix, and by signing name for the query protocol."""
    by_target: dict[str, str] = {}
    by_signing_name: dict[str, str] = {}
    for service in simulated():
        model = service_model(service)
        if model.protocol == JSON:
            by_target[str(model.metadata["targetPrefix"])] = service
        elif model.protocol == QUERY:
            by_signing_name[str(model.signing_name)] = service
    return by_target, by_signing_name


def _json_operation(method: str, headers: Mapping[str, str]) -> tuple[str, OperationModel] | _Front:
    target = headers.get("x-amz-target", "")
    prefix, _, name = target.rpartition(".")
    service = _directory()[0].get(prefix)
    if service is None or not name:
        return _Front("unknown-operation", f"The X-Amz-Target {target!r} names no operation this server knows.")
    model = service_model(service)
    if name not in model.operation_names:
        return _Front("unknown-operation", f"{model.service_id} has no operation {name!r}.")
    if method != "POST":
        return _Front("method", f"{model.service_id} answers POST requests, not {method}.")
    return service, model.operation_model(name)


def _query_operation(
    method: str, pairs: list[tuple[str, str]], headers: Mapping[str, str]
) -> tuple[str, OperationModel] | _Front:
    if method not in ("GET", "POST"):
        return _Front("method", f"This server answers GET and POST requests, not {method}.")
    service = _directory()[1].get(_signing_name(headers)) or _query_service().service_name
    model = service_model(service)
    action = next((value for key, value in pairs if key == "Action"), None)
    if not action:
        return _Front("missing-action", "Missing Action: the request names no Action.")
    if action not in model.operation_names:
        return _Front(
            "unknown-operation", f"Could not find operation {action} for version {model.api_version}."
        )
    return service, model.operation_model(action)


def _query_service() -> ServiceModel:
    """The query-protocol service a request that names none is for (STS, the only one)."""
    return service_model(next(iter(_directory()[1].values())))


def _signing_name(headers: Mapping[str, str]) -> str:
    """The service a signed request's credential scope names ('' when it names none)."""
    scope = headers.get("authorization", "").partition("Credential=")[2].split(",", 1)[0].split("/")
    return scope[3] if len(scope) == 5 else ""


#: The operations AWS serves without a signature (the token in the request is the credential). Newer
#: botocore models mark them (auth type ``none``), and ``unsigned_operations`` adds whatever else a
#: model marks; older models (1.34) do not, so they are listed here too.
UNSIGNED: Final[Mapping[str, frozenset[str]]] = {
    "sts": frozenset({"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}),
}


@functools.cache
def unsigned_operations(service: str) -> frozenset[str]:
    """The operations of ``service`` that AWS serves unsigned: ``UNSIGNED`` and those the model marks."""
    model = service_model(service)
    found = set(UNSIGNED.get(service, frozenset()))
    for name in model.operation_names:
        operation = model.operation_model(name)
        if operation.auth_type == "none" or "smithy.api#noAuth" in (getattr(operation, "auth", None) or ()):
            found.add(name)
    return frozenset(found)


@functools.cache
def error_shapes(service: str) -> Mapping[str, Shape]:
    """The service's error shapes by the code they carry on the wire."""
    model: ServiceModel = service_model(service)
    return {shape.metadata.get("error", {}).get("code", shape.name): shape for shape in model.error_shapes}


# -- the request ------------------------------------------------------------------------------------


class _Front(Exception):
    """A request refused before any service sees it: ``kind`` is a key of ``FRONT_ERRORS``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _headers(environ: Mapping[str, Any]) -> dict[str, str]:
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = str(value)
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        value = environ.get(key)
        if value:
            headers[key.replace("_", "-").lower()] = str(value)
    return headers


def _is_json(headers: Mapping[str, str]) -> bool:
    return headers.get("content-type", "").startswith("application/x-amz-json")


def _host(environ: Mapping[str, Any], headers: Mapping[str, str]) -> str:
    host = headers.get("host")
    if host:
        return host
    name, port = str(environ.get("SERVER_NAME", "localhost")), str(environ.get("SERVER_PORT", "80"))
    return name if port == "80" else f"{name}:{port}"


def _read_body(environ: Mapping[str, Any], limit: int) -> bytes:
    stream = environ.get("wsgi.input")
    encoding = str(environ.get("HTTP_TRANSFER_ENCODING", "")).strip().lower()
    try:
        if encoding:
            if encoding != "chunked":
                raise _Front("bad-request", f"Transfer-Encoding {encoding!r} is not supported; send chunked or a Content-Length.")
            if environ.get("wsgi.input_terminated"):
                return _read_to_end(stream, limit)
            return _read_chunked(stream, limit)
        text = str(environ.get("CONTENT_LENGTH", "") or "").strip()
        if not text:
            return b""
        if not text.isdigit():
            raise _Front("bad-request", f"Content-Length {text!r} is not a number of bytes.")
        length = int(text)
        if length > limit:
            raise _Front("too-large", f"The request body of {length} bytes is larger than the {limit} bytes this server reads.")
        body = _read(stream, length) if length else b""
        if len(body) < length:
            raise _Front(
                "incomplete-body",
                f"The request body ended after {len(body)} of the {length} bytes its Content-Length announced.",
            )
        return body
    except TimeoutError:
        raise _Front("timeout", "The request body did not arrive in time.") from None
    except (ConnectionError, OSError, ValueError):
        raise _Front("incomplete-body", "The connection broke while the request body was read.") from None


def _read(stream: Any, length: int) -> bytes:
    data = b""
    while len(data) < length:
        chunk = stream.read(length - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _read_to_end(stream: Any, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _Front("too-large", f"The request body is larger than the {limit} bytes this server reads.")
    return bytes(data)


def _read_chunked(stream: Any, limit: int) -> bytes:
    data = b""
    while True:
        line = stream.readline(1026)
        if not line.endswith(b"\n"):
            raise _Front("incomplete-body", "The chunked request body ended in the middle of a chunk size.")
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise _Front("bad-request", f"{size_text!r} is not a chunk size.") from None
        if size == 0:
            while stream.readline(65537).strip():  # trailers, up to the empty line
                pass
            return data
        if len(data) + size > limit:
            raise _Front("too-large", f"The request body is larger than the {limit} bytes this server reads.")
        chunk = _read(stream, size)
        if len(chunk) < size:
            raise _Front("incomplete-body", "The chunked request body ended in the middle of a chunk.")
        data += chunk
        stream.readline(3)  # the CRLF after the chunk


def _json_params(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        loaded = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Rejected("SerializationException", f"The request body is not valid JSON: {exc}") from None
    if not isinstance(loaded, dict):
        raise Rejected("SerializationException", "Start of structure or map found where not expected: the body must be a JSON object.")
    return loaded


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


# -- the reply --------------------------------------------------------------------------------------


_REASONS: Final = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
}


@dataclass
class _Reply:
    status: int
    content_type: str
    body: bytes
    request_id: str
    error_code: str | None = None
    record: RecordedCall | None = None
    service: str | None = None
    operation: str | None = None

    @property
    def status_line(self) -> str:
        return f"{self.status} {_REASONS.get(self.status, 'Error')}"

    @property
    def headers(self) -> list[tuple[str, str]]:
        headers = [
            ("Content-Type", self.content_type),
            ("Content-Length", str(len(self.body))),
            ("x-amzn-RequestId", self.request_id),
        ]
        if self.error_code is not None and self.content_type == JSON_CONTENT_TYPE:
            headers.append(("x-amzn-ErrorType", self.error_code))
        return headers

    def exchange(self, method: str) -> Exchange:
        record = self.record
        return Exchange(
            method,
            record.service if record is not None else self.service,
            record.operation if record is not None else self.operation,
            self.status,
            self.error_code,
            record.account_id if record is not None else None,
            self.request_id,
            record,
        )


def _front_reply(
    protocol: str, kind: str, message: str, *, service: str | None = None, operation: str | None = None
) -> _Reply:
    """A front-end error, which no call log records: its request id is made up here."""
    status, json_code, query_code = FRONT_ERRORS[kind]
    request_id = str(uuid.uuid4())
    if protocol == JSON:
        body = json_error(json_code, message, None, {})
        reply = _Reply(status, JSON_CONTENT_TYPE, body, request_id, json_code)
    else:
        body = xml_error(_query_service(), query_code, message, status, None, {}, request_id)
        reply = _Reply(status, XML_CONTENT_TYPE, body, request_id, query_code)
    reply.service, reply.operation = service, operation
    return reply


def _error_reply(
    protocol: str,
    operation_model: OperationModel,
    status: int,
    code: str,
    message: str,
    shape: Shape | None,
    members: Mapping[str, Any],
    record: RecordedCall,
) -> _Reply:
    if protocol == JSON:
        body = json_error(code, message, shape, members)
        return _Reply(status, JSON_CONTENT_TYPE, body, record.request_id, code, record)
    body = xml_error(operation_model.service_model, code, message, status, shape, members, record.request_id)
    return _Reply(status, XML_CONTENT_TYPE, body, record.request_id, code, record)
