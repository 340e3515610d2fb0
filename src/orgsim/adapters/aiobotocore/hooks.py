"""Putting aiobotocore's layers in place, once per process (the layers of the package docstring)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from aiobotocore import hooks as aio_hooks
from aiobotocore.client import AioBaseClient
from aiobotocore.endpoint import AioEndpoint

from ..botocore import answer as botocore_answer
from ..botocore.hooks import MARK, SERVICES, calling, failing_closed, refuse_unless_local
from .answer import answer
from .credentials import shut_while_simulating

_lock = threading.Lock()
_installed = False


def install() -> None:
    """Put the layers in place, once per process. Idempotent and cheap after the first call."""
    global _installed
    with _lock:
        if _installed:
            return
        # aiobotocore registers an async stand-in for each botocore handler it maps: ours is ``answer``.
        aio_hooks._HANDLER_MAPPING[botocore_answer.answer] = answer
        _wrap_make_api_call()
        _wrap_send()
        shut_while_simulating()
        _installed = True


def installed() -> bool:
    return _installed


def is_async_client(client: Any) -> bool:
    return isinstance(client, AioBaseClient)


def patch_client(client: AioBaseClient) -> None:
    """Give an aiobotocore client built before orgsim was installed its handlers (done on first use)."""
    service = client.meta.service_model.service_name
    if service in SERVICES:
        client.meta.events.register(f"before-call.{service}", answer, unique_id="orgsim.answer")
    setattr(client, MARK, True)


def _wrap_make_api_call() -> None:
    original: Callable[..., Any] = AioBaseClient._make_api_call

    @functools.wraps(original)
    async def _make_api_call(self: AioBaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        token = failing_closed(self, operation_name, patch_client)
        if token is None:
            return await original(self, operation_name, api_params)
        try:
            return await original(self, operation_name, api_params)
        finally:
            calling.reset(token)

    AioBaseClient._make_api_call = _make_api_call


def _wrap_send() -> None:
    original: Callable[..., Any] = AioEndpoint._send

    @functools.wraps(original)
    async def _send(self: AioEndpoint, request: Any) -> Any:
        refuse_unless_local(self, request)
        return await original(self, request)

    AioEndpoint._send = _send
