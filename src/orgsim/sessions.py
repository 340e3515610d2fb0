"""boto3 sessions whose clients act as an account of the simulation.

A new boto3 session costs several times a client (botocore registers its ~140 built-in handlers one
by one, and every cache starts empty), and a test makes one per account it plays. So the session
``Simulation.session`` hands out is a ``boto3.Session`` that makes its clients from one prepared,
warm botocore session per thread, passing its own keys to each client. Nothing of the shared session
is ever changed on its behalf: the keys go to each client, the region is the same for all.

The first time anything else of the session is used (its ``events``, ``resource``, ``_session``, any
attribute a ``boto3.Session`` has beyond those below), it gets a botocore session of its own, as a
plain ``boto3.Session`` would have had from the start, and makes its clients from that one from then
on: what is registered on a session's events applies to its own clients only, as in boto3.

The shared session is per thread because botocore sessions are not thread-safe; a session handed to
another thread makes that thread's clients from that thread's shared session. It is made again when
``botocore.handlers.BUILTIN_HANDLERS`` changed (moto appends to it when imported), so clients always
carry what a new session would.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any

import boto3
import botocore.credentials
import botocore.loaders
import botocore.session
from botocore import handlers as botocore_handlers

from .service.identity import IssuedCredentials

REGION = "us-east-1"


def session_for(credentials: IssuedCredentials) -> boto3.Session:
    """A boto3 session signing with ``credentials``, in the region every simulated service lives in."""
    return SimulatedSession(credentials)


class SimulatedSession(boto3.Session):  # type: ignore[misc]  # boto3 ships no types
    """A ``boto3.Session`` acting as one account of a simulation (see the module's docstring)."""

    def __init__(self, credentials: IssuedCredentials) -> None:
        # boto3.Session.__init__ is not called: it would build a botocore session, which is what this
        # class avoids until something needs one (``__getattr__``).
        self._issued = credentials
        self._own: boto3.Session | None = None

    def client(
        self,
        service_name: str,
        region_name: str | None = None,
        api_version: str | None = None,
        use_ssl: bool = True,
        verify: bool | str | None = None,
        endpoint_url: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        config: Any = None,
        **more: Any,
    ) -> Any:
        """A client, as ``boto3.Session.client`` makes it; with this session's keys unless others are given."""
        if self._own is not None:
            return self._own.client(
                service_name, region_name, api_version, use_ssl, verify, endpoint_url,
                aws_access_key_id, aws_secret_access_key, aws_session_token, config, **more,
            )
        if aws_access_key_id is None and aws_secret_access_key is None and aws_session_token is None:
            issued = self._issued
            aws_access_key_id = issued.access_key_id
            aws_secret_access_key = issued.secret_access_key
            aws_session_token = issued.session_token
        # Like boto3.Session.client, which leaves out what the botocore it runs on may not know.
        more = {k: v for k, v in more.items() if v is not None}
        return _shared_session().create_client(
            service_name,
            region_name=region_name,
            api_version=api_version,
            use_ssl=use_ssl,
            verify=verify,
            endpoint_url=endpoint_url,
            aws_access_key_id=aws_access_key_id,
            aws_secret_access_key=aws_secret_access_key,
            aws_session_token=aws_session_token,
            config=config,
            **more,
        )

    def get_credentials(self) -> botocore.credentials.Credentials:
        if self._own is not None:
            return self._own.get_credentials()
        issued = self._issued
        return botocore.credentials.Credentials(
            issued.access_key_id, issued.secret_access_key, issued.session_token, method="explicit"
        )

    @property
    def region_name(self) -> str:
        return REGION if self._own is None else str(self._own.region_name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(region_name={self.region_name!r})"

    def __getattr__(self, name: str) -> Any:
        # Only called for what the instance lacks: everything of a boto3.Session beyond the above.
        if name.startswith("__") or name in ("_issued", "_own"):
            raise AttributeError(name)
        return getattr(self._own_session(), name)

    def _own_session(self) -> boto3.Session:
        if self._own is None:
            issued = self._issued
            self._own = boto3.Session(
                aws_access_key_id=issued.access_key_id,
                aws_secret_access_key=issued.secret_access_key,
                aws_session_token=issued.session_token,
                region_name=REGION,
                botocore_session=_botocore_session(),
            )
        return self._own


class _Shared(threading.local):
    session: botocore.session.Session | None = None
    #: ``BUILTIN_HANDLERS`` as it was when ``session`` was made.
    handlers: tuple[Any, ...] = ()


_shared = _Shared()


def _shared_session() -> botocore.session.Session:
    """This thread's prepared botocore session (made again when the built-in handlers changed)."""
    builtin = tuple(botocore_handlers.BUILTIN_HANDLERS)
    if _shared.session is None or _shared.handlers != builtin:
        session = _botocore_session()
        # Never the user's config files: every client of it is answered by the simulation.
        session.set_config_variable("config_file", os.devnull)
        session.set_config_variable("credentials_file", os.devnull)
        boto3.Session(region_name=REGION, botocore_session=session)  # boto3's user agent and handlers
        _shared.session, _shared.handlers = session, builtin
    return _shared.session


@functools.cache
def _shared_loader() -> botocore.loaders.Loader:
    return botocore.loaders.create_loader()


def _botocore_session() -> botocore.session.Session:
    """A fresh botocore session that shares one model loader with every other session handed out.

    Each new session otherwise reads and parses the service models again (tens of milliseconds per
    client); a loader caches what it has read, and boto3 already shares one between the clients of a
    session, so sharing it between sessions is no different.
    """
    session = botocore.session.Session()
    session.register_component("data_loader", _shared_loader())
    return session
