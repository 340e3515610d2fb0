"""Putting the handlers in place, once per process (the three layers of the package docstring)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, Final

from botocore import handlers as botocore_handlers
from botocore.client import BaseClient
from botocore.endpoint import Endpoint

from ... import activation
from ...exceptions import RealAWSRequestBlocked
from .answer import answer

SERVICES: Final = ("organizations", "sts")
#: Set on client classes (and patched clients) that carry the handlers.
MARK: Final = "_orgsim_hooked"

_lock = threading.Lock()
_installed = False


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


def _wrap_make_api_call() -> None:
    original: Callable[..., Any] = BaseClient._make_api_call

    @functools.wraps(original)
    def _make_api_call(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        if activation.any_running() and not getattr(self, MARK, False):
            patch_client(self)
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = _make_api_call


def _wrap_send() -> None:
    original: Callable[..., Any] = Endpoint._send

    @functools.wraps(original)
    def _send(self: Endpoint, request: Any) -> Any:
        if activation.any_running() and getattr(self, "_endpoint_prefix", None) in SERVICES:
            raise RealAWSRequestBlocked(request.method, request.url)
        return original(self, request)

    Endpoint._send = _send
