"""Transports: how requests reach the simulated service. One package per client library (``botocore``,
``aiobotocore``), plus the process environment every simulation shares (``environment``). They know
the client libraries and nothing of the service's rules: each hands a route, the decoded parameters
and the caller's access key to ``SimulatedAWS.answer``.

``install`` puts every transport in place whose library the process has loaded; it runs when a
simulation starts, so aiobotocore (or aioboto3) must be imported before the simulation it is used in.
"""

from __future__ import annotations

import sys
from typing import Any


def install() -> None:
    """Install botocore's transport, and aiobotocore's once it is imported. Idempotent and cheap."""
    from .botocore import hooks

    hooks.install()
    if "aiobotocore" in sys.modules:
        from .aiobotocore import hooks as aio_hooks

        aio_hooks.install()


def patch_client(client: Any) -> None:
    """Give a client built before orgsim was installed its handlers (done for you on first use)."""
    install()
    if "aiobotocore" in sys.modules:
        from .aiobotocore import hooks as aio_hooks

        if aio_hooks.is_async_client(client):
            aio_hooks.patch_client(client)
            return
    from .botocore import hooks

    hooks.patch_client(client)
