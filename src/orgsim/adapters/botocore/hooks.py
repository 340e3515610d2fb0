"""Putting the handlers in place, once per process (the layers of the package docstring)."""

from __future__ import annotations

import contextvars
import functools
import ipaddress
import threading
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import urlsplit

from botocore import handlers as botocore_handlers
from botocore.client import BaseClient
from botocore.endpoint import Endpoint

from ... import activation
from ...exceptions import RealAWSRequestBlocked
from ..environment import FAKE_ACCESS_KEY_ID
from .answer import answer
from .credentials import shut_while_simulating

SERVICES: Final = ("organizations", "sts")
#: Set on client classes (and patched clients) that carry the handlers.
MARK: Final = "_orgsim_hooked"
#: Set on clients called while a simulation ran: they never reach AWS afterwards.
SEEN: Final = "_orgsim_seen"

_lock = threading.Lock()
_installed = False

#: The operation a client is calling, while that call must fail closed (see ``refuse_unless_local``).
calling: contextvars.ContextVar[str | None] = contextvars.ContextVar("orgsim_calling", default=None)


def install() -> None:
    """Put the hooks in place, once per process. Idempotent and cheap after the first call."""
    global _installed
    with _lock:
        if _installed:
            return
        for service in SERVICES:
            botocore_handlers.BUILTIN_HANDLERS.append((f"creating-client-class.{service}", mark_client_class))
            botocore_handlers.BUILTIN_HANDLERS.append((f"before-call.{service}", answer))
        _wrap_make_api_call()
        _wrap_send()
        shut_while_simulating()
        _installed = True


def installed() -> bool:
    return _installed


def patch_client(client: BaseClient) -> None:
    """Give a client built before orgsim was installed its handlers (done for you on first use)."""
    service = client.meta.service_model.service_name
    if service in SERVICES:
        client.meta.events.register(f"before-call.{service}", answer, unique_id="orgsim.answer")
    setattr(client, MARK, True)


def mark_client_class(class_attributes: dict[str, Any], **kwargs: Any) -> None:
    class_attributes[MARK] = True


def failing_closed(client: Any, operation_name: str, patch: Callable[[Any], None]) -> contextvars.Token[str | None] | None:
    """Called as one API call of ``client`` starts. While a simulation runs, heal the client (``patch``)
    and remember it was seen. When the call must fail closed (while a simulation runs, and for a client
    seen by one), name its operation for the backstop and return the token to reset afterwards."""
    seen = client.__dict__  # not getattr: a client answers unknown attributes through an event
    if activation.any_running():
        if not getattr(client, MARK, False):
            patch(client)
        seen[SEEN] = True
    elif SEEN not in seen:
        return None
    return calling.set(operation_name)


def refuse_unless_local(endpoint: Any, request: Any) -> None:
    """The backstop, where a request is about to be sent over HTTP (nothing in-process answered it).

    While a simulation runs, everything is refused but requests to the loopback interface (moto's
    server, LocalStack on localhost). Afterwards, so is every request of a client called while one
    ran, and every request signed with the fake keys of orgsim's environment."""
    operation = calling.get()
    running = activation.any_running()
    if not running and operation is None and not _signed_with_fake_keys(request):
        return
    if _is_loopback(request.url):
        return
    raise RealAWSRequestBlocked(
        request.method,
        request.url,
        service=getattr(endpoint, "_endpoint_prefix", None),
        operation=operation,
        stopped=not running,
    )


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _signed_with_fake_keys(request: Any) -> bool:
    authorization = request.headers.get("Authorization") or b""
    if isinstance(authorization, str):
        authorization = authorization.encode()
    return _FAKE_KEY in authorization


_FAKE_KEY: Final = FAKE_ACCESS_KEY_ID.encode()


def _wrap_make_api_call() -> None:
    original: Callable[..., Any] = BaseClient._make_api_call

    @functools.wraps(original)
    def _make_api_call(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        token = failing_closed(self, operation_name, patch_client)
        if token is None:
            return original(self, operation_name, api_params)
        try:
            return original(self, operation_name, api_params)
        finally:
            calling.reset(token)

    BaseClient._make_api_call = _make_api_call


def _wrap_send() -> None:
    original: Callable[..., Any] = Endpoint._send

    @functools.wraps(original)
    def _send(self: Endpoint, request: Any) -> Any:
        refuse_unless_local(self, request)
        return original(self, request)

    Endpoint._send = _send
