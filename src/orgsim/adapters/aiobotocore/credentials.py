"""aiobotocore's credentials while a simulation runs: as botocore's (``orgsim.adapters.botocore.credentials``),
for the classes aiobotocore overrides with async methods."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from aiobotocore._helpers import resolve_awaitable
from aiobotocore.credentials import AioCredentialResolver, AioRefreshableCredentials
from aiobotocore.session import AioSession
from botocore.credentials import EnvProvider

from ... import activation
from ..botocore.credentials import FAKE_FROZEN, FETCH, ShutChainCredentials, held_frozen, held_key, made_by_chain


class AioShutChainCredentials(ShutChainCredentials):
    """The fake keys, as aiobotocore's static credentials look (an awaitable ``get_frozen_credentials``)."""

    async def get_frozen_credentials(self) -> Any:
        return FAKE_FROZEN


async def access_key_id(request_signer: Any) -> str | None:
    """The caller's access key id, as botocore's transport reads it; deferred credentials the test
    built are fetched (awaited) the way signing would."""
    credentials: Any = getattr(request_signer, "_credentials", None)
    key = held_key(credentials)
    if key is FETCH:
        key = (await resolve_awaitable(credentials.get_frozen_credentials())).access_key
    return key if isinstance(key, str) else None


def shut_while_simulating() -> None:
    """aiobotocore's chain, kept shut while any simulation runs."""
    load: Callable[..., Any] = AioCredentialResolver.load_credentials

    @functools.wraps(load)
    async def load_credentials(self: AioCredentialResolver) -> Any:
        if not activation.any_running():
            return await load(self)
        for provider in self.providers:
            if isinstance(provider, EnvProvider):
                found = await resolve_awaitable(provider.load())
                if found is not None:
                    return found
        return AioShutChainCredentials()

    get: Callable[..., Any] = AioSession.get_credentials

    @functools.wraps(get)
    async def get_credentials(self: AioSession) -> Any:
        credentials = await get(self)
        if isinstance(credentials, ShutChainCredentials):
            self._credentials = None  # the session resolves its own credentials again later
        return credentials

    refresh: Callable[..., Any] = AioRefreshableCredentials._refresh

    @functools.wraps(refresh)
    async def _refresh(self: AioRefreshableCredentials) -> None:
        if activation.any_running() and made_by_chain(self):
            return
        await refresh(self)

    frozen: Callable[..., Any] = AioRefreshableCredentials.get_frozen_credentials

    @functools.wraps(frozen)
    async def get_frozen_credentials(self: AioRefreshableCredentials) -> Any:
        if activation.any_running() and made_by_chain(self):
            return held_frozen(self)
        return await frozen(self)

    AioCredentialResolver.load_credentials = load_credentials
    AioSession.get_credentials = get_credentials
    AioRefreshableCredentials._refresh = _refresh
    AioRefreshableCredentials.get_frozen_credentials = get_frozen_credentials
