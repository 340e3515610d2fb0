"""Answer Organizations and STS calls in-process, at botocore's ``before-call`` event.

Installed once per process and dormant while nothing is active. Three layers, so that no request
for a simulated service leaves the process while a simulation is active:

1. ``BUILTIN_HANDLERS``: every botocore session created from now on carries our handlers.
2. A one-time wrapper around ``BaseClient._make_api_call`` gives clients that were built earlier
   (``boto3.DEFAULT_SESSION``'s, or a session without built-in handlers) the same handlers on first use.
3. A backstop around ``Endpoint._send`` refuses anything for these services that still got that far.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, Final

from botocore import handlers as botocore_handlers
from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.client import BaseClient
from botocore.credentials import RefreshableCredentials
from botocore.endpoint import Endpoint
from botocore.model import OperationModel, ServiceModel, StructureShape

from ..errors import RealAWSRequestBlocked, UnsimulatedOperation
from ..service.dispatch import Outcome, SimulatedAWS, route
from .wire import api_params

SERVICES: Final = ("organizations", "sts")
_MARK: Final = "_orgsim_hooked"

_target: SimulatedAWS | None = None
_passthrough = False
_install_lock = threading.Lock()
_installed = False


def activate(target: SimulatedAWS, *, passthrough: bool) -> None:
    """Route calls to ``target`` until ``deactivate``. Installs the hooks on first use."""
    global _target, _passthrough
    install()
    _passthrough = passthrough
    _target = target


def deactivate() -> None:
    global _target
    _target = None


def install() -> None:
    """Put the hooks in place, once per process. Idempotent and cheap after the first call."""
    global _installed
    with _install_lock:
        if _installed:
            return
        for service in SERVICES:
            botocore_handlers.BUILTIN_HANDLERS.append((f"creating-client-class.{service}", _mark_client_class))
            botocore_handlers.BUILTIN_HANDLERS.append((f"before-call.{service}", _answer))
        _wrap_make_api_call()
        _wrap_send()
        _installed = True


def patch_client(client: BaseClient) -> None:
    """Give a client built before orgsim was installed our handlers (done for you on first use)."""
    service = client.meta.service_model.service_name
    if service in SERVICES:
        client.meta.events.register(f"before-call.{service}", _answer, unique_id="orgsim.answer")
    setattr(client, _MARK, True)


def _mark_client_class(class_attributes: dict[str, Any], **kwargs: Any) -> None:
    class_attributes[_MARK] = True


def _answer(
    model: OperationModel,
    params: dict[str, Any],
    request_signer: Any = None,
    context: dict[str, Any] | None = None,
    **kwargs: Any,
) -> tuple[AWSResponse, dict[str, Any]] | None:
    target = _target
    if target is None:
        return None
    service_model = model.service_model
    found = route(service_model.service_name, model.name)
    if found is None:
        if _passthrough:
            return None
        raise UnsimulatedOperation(service_model.service_id, model.name)
    # What the service would receive: the serialised request, decoded as its protocol decodes it.
    try:
        received = api_params(model, params)
    except UnicodeEncodeError:
        # A query-string request that cannot be encoded (a lone surrogate) can never be sent:
        # botocore itself raises this when it prepares the request, right after this event,
        # before anything is sent (and the backstop would stop it if it ever did get that far).
        return None
    outcome = target.answer(found, received, _access_key_id(request_signer))
    return _to_botocore(outcome, service_model)


def _access_key_id(request_signer: Any) -> str | None:
    """The caller's access key id. Keys already held are read without a refresh (which could reach a
    real provider, or fail under a frozen clock); an expired key still names the same principal."""
    credentials = getattr(request_signer, "_credentials", None)
    if credentials is None:
        return None
    if isinstance(credentials, RefreshableCredentials):
        key = credentials._access_key
        if key is None:
            # Deferred credentials (botocore's assume-role provider builds these) hold no key until
            # first used. Signing would fetch it at this point of a real call, so fetch it here;
            # without it every such caller would pass for the default account.
            key = credentials.get_frozen_credentials().access_key
    else:
        key = getattr(credentials, "access_key", None)
    return key if isinstance(key, str) else None


class _HTTPResponse(AWSResponse):  # type: ignore[misc]  # botocore ships no types
    """botocore's ``AWSResponse``, whose case-insensitive ``HeadersDict`` is built on first read.

    Building it costs about 3 µs, a few per cent of a whole call, and only a handler of the
    ``after-call`` event ever reads it. ``AWSResponse.__init__`` is not called: it would build it.
    The attributes that are the same for every response are class attributes.
    """

    url = None
    raw = None
    _content = None
    _headers: Any = None

    def __init__(self, status_code: int, headers: dict[str, str]) -> None:
        self.status_code = status_code
        self._plain_headers = headers

    @property
    def headers(self) -> Any:
        if self._headers is None:
            self._headers = HeadersDict(self._plain_headers)
        return self._headers

    @headers.setter
    def headers(self, value: Any) -> None:
        self._headers = value


def _to_botocore(outcome: Outcome, service_model: ServiceModel) -> tuple[AWSResponse, dict[str, Any]]:
    output, record = outcome
    request_id = record.request_id
    protocol = service_model.protocol
    headers = {"x-amzn-requestid": request_id, "content-type": _CONTENT_TYPE[protocol]}
    error = record.error
    if error is None:
        assert output is not None
        # HTTPHeaders shares the response's dict: the response keeps it only to build its HeadersDict.
        output["ResponseMetadata"] = {
            "RequestId": request_id, "HTTPStatusCode": 200, "HTTPHeaders": headers, "RetryAttempts": 0
        }
        # _HTTPResponse(200, headers), without a Python-level __init__ call: every success makes one.
        response = _new_object(_HTTPResponse)
        response.status_code = 200
        response._plain_headers = headers
        return response, output
    status = 500 if error.code == "ServiceException" else 400
    parsed: dict[str, Any] = {
        "Error": {"Code": error.code, "Message": error.message},
        "ResponseMetadata": _metadata(request_id, status, headers),
    }
    if protocol == "query":
        parsed["Error"]["Type"] = "Sender"
    members = _error_members(service_model, error.code)
    if "Message" in members:
        parsed["Message"] = error.message
    if "Reason" in members and error.reason is not None:
        parsed["Reason"] = error.reason
    if error.members:
        parsed.update((k, v) for k, v in error.members.items() if k in members)
    return _HTTPResponse(status, headers), parsed


_new_object = object.__new__
_CONTENT_TYPE: Final = {"json": "application/x-amz-json-1.1", "query": "text/xml"}


def _metadata(request_id: str, status: int, headers: dict[str, str]) -> dict[str, Any]:
    return {"RequestId": request_id, "HTTPStatusCode": status, "HTTPHeaders": headers, "RetryAttempts": 0}


def _error_members(service_model: ServiceModel, code: str) -> frozenset[str]:
    """The members the error shape ``code`` has in the caller's model (empty when unmodeled)."""
    key = (service_model.service_name, code)
    found = _ERROR_MEMBERS.get(key)
    if found is None:
        try:
            shape = service_model.shape_for(code)
        except Exception:  # botocore raises NoShapeFoundError for unmodeled codes
            found = frozenset()
        else:
            found = frozenset(shape.members) if isinstance(shape, StructureShape) else frozenset()
        _ERROR_MEMBERS[key] = found
    return found


_ERROR_MEMBERS: dict[tuple[str, str], frozenset[str]] = {}


def _wrap_make_api_call() -> None:
    original: Callable[..., Any] = BaseClient._make_api_call

    @functools.wraps(original)
    def _make_api_call(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        if _target is not None and not getattr(self, _MARK, False):
            patch_client(self)
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = _make_api_call


def _wrap_send() -> None:
    original: Callable[..., Any] = Endpoint._send

    @functools.wraps(original)
    def _send(self: Endpoint, request: Any) -> Any:
        if _target is not None and getattr(self, "_endpoint_prefix", None) in SERVICES:
            raise RealAWSRequestBlocked(request.method, request.url)
        return original(self, request)

    Endpoint._send = _send
