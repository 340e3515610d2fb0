"""Credentials while a simulation runs: who the caller is, and botocore's credential chain kept shut.

No provider of botocore's chain (shared files, ``credential_process``, SSO, assume-role profiles,
container and instance metadata) runs while a simulation is active (README, "How identity works"):

- resolving a session's credentials reads only the process environment, which orgsim has faked;
  where the chain would not read the environment (a session with an explicit profile) the caller
  gets the fake keys, and so acts as the default account. What this hands out is not kept by the
  session, so that after the simulation the session resolves its own credentials again;
- credentials the chain resolved earlier are neither refreshed nor fetched for the first time: they
  act by the key they hold now, and deferred ones that hold none yet sign with the fake keys.

Refreshable credentials a test builds itself (any refresh function from outside botocore) are left
alone: their calls to AWS are answered or refused like any other.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, Final

from botocore.credentials import (
    CredentialResolver,
    Credentials,
    EnvProvider,
    ReadOnlyCredentials,
    RefreshableCredentials,
)
from botocore.session import Session

from ... import activation
from ..environment import FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY

#: ``held_key``'s answer for deferred credentials the test built, which hold no key until fetched.
FETCH: Final = object()
#: The modules whose refresh functions are the credential chain's (botocore's and aiobotocore's providers).
_CHAIN_PACKAGES: Final = frozenset({"botocore", "aiobotocore"})
FAKE_FROZEN: Final = ReadOnlyCredentials(FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY, None)


class ShutChainCredentials(Credentials):  # type: ignore[misc]  # botocore ships no types
    """What resolving credentials gives while a simulation runs and the environment holds none the
    chain would read: the fake keys, which act as the default account."""

    def __init__(self) -> None:
        super().__init__(FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY, method="orgsim")


def access_key_id(request_signer: Any) -> str | None:
    """The caller's access key id, read without a refresh (which could run a real provider, or fail
    under a frozen clock); an expired key still names the same principal
    (behaviour.md, "Identity (STS)")."""
    credentials: Any = getattr(request_signer, "_credentials", None)
    key = held_key(credentials)
    if key is FETCH:
        # Deferred credentials the test built hold no key until first used. Signing would fetch it
        # at this point of a real call, so fetch it here; without it such callers would pass for
        # the default account.
        frozen = credentials.get_frozen_credentials()
        if inspect.isawaitable(frozen):
            # An async client's credentials reached the sync handler, which cannot wait for them.
            getattr(frozen, "close", lambda: None)()
            return None
        key = frozen.access_key
    return key if isinstance(key, str) else None


def held_key(credentials: Any) -> object:
    """The access key id ``credentials`` hold now (None: none), or ``FETCH`` for deferred credentials
    the test built that hold none yet. Never refreshes; the chain's deferred credentials are never
    fetched (they act as the default account)."""
    if credentials is None:
        return None
    if isinstance(credentials, RefreshableCredentials):
        key = credentials._access_key
        if key is None and not made_by_chain(credentials):
            return FETCH
        return key
    return getattr(credentials, "access_key", None)


def made_by_chain(credentials: Any) -> bool:
    """Whether refreshable ``credentials`` come from a provider of the credential chain (their refresh
    function is botocore's or aiobotocore's), rather than from the test itself."""
    refresh = getattr(credentials, "_refresh_using", None)
    while isinstance(refresh, functools.partial):
        refresh = refresh.func
    module = getattr(refresh, "__module__", None)
    return isinstance(module, str) and module.split(".", 1)[0] in _CHAIN_PACKAGES


def environment_only(providers: list[Any], env_provider: type[Any] = EnvProvider) -> Any:
    """The first credentials the chain's environment providers find, else the fake keys."""
    for provider in providers:
        if isinstance(provider, env_provider):
            found = provider.load()
            if found is not None:
                return found
    return ShutChainCredentials()


def shut_while_simulating() -> None:
    """Keep the chain shut while any simulation runs (installed once per process, dormant otherwise)."""
    load: Callable[..., Any] = CredentialResolver.load_credentials

    @functools.wraps(load)
    def load_credentials(self: CredentialResolver) -> Any:
        if activation.any_running():
            return environment_only(self.providers)
        return load(self)

    get: Callable[..., Any] = Session.get_credentials

    @functools.wraps(get)
    def get_credentials(self: Session) -> Any:
        credentials = get(self)
        if isinstance(credentials, ShutChainCredentials):
            self._credentials = None  # the session resolves its own credentials again later
        return credentials

    refresh: Callable[..., Any] = RefreshableCredentials._refresh

    @functools.wraps(refresh)
    def _refresh(self: RefreshableCredentials) -> None:
        if activation.any_running() and made_by_chain(self):
            return
        refresh(self)

    frozen: Callable[..., Any] = RefreshableCredentials.get_frozen_credentials

    @functools.wraps(frozen)
    def get_frozen_credentials(self: RefreshableCredentials) -> Any:
        if activation.any_running() and made_by_chain(self):
            return held_frozen(self)
        return frozen(self)

    CredentialResolver.load_credentials = load_credentials
    Session.get_credentials = get_credentials
    RefreshableCredentials._refresh = _refresh
    RefreshableCredentials.get_frozen_credentials = get_frozen_credentials


def held_frozen(credentials: Any) -> Any:
    """What chain-made refreshable credentials hold now, without a refresh (the fake keys when they
    hold none yet)."""
    held = getattr(credentials, "_frozen_credentials", None)
    if held is None or held.access_key is None:
        return FAKE_FROZEN
    return held
