"""While a server runs, the environment points AWS clients at it: ``AWS_ENDPOINT_URL_<SERVICE>`` for
every simulated service, which botocore (and so the AWS CLI) and the other SDKs read.

Several servers may run at once: the variables name the latest one still running, and the values
they had before the first server started come back when the last one stops, in whatever order the
servers stop. (The fake credentials beside them are the simulation's, ``adapters.environment``.)
"""

from __future__ import annotations

import functools
import os
import threading

from ...service.botocore_model import service_model
from ...service.routes import simulated


@functools.cache
def variables() -> tuple[str, ...]:
    """The variables, one per simulated service, named after its service id as botocore names them."""
    return tuple(
        "AWS_ENDPOINT_URL_" + service_model(service).service_id.upper().replace(" ", "_") for service in simulated()
    )


_lock = threading.Lock()
#: (owner, endpoint url) of every server running, in the order they started.
_serving: list[tuple[object, str]] = []
_saved: dict[str, str | None] = {}


def point_at(owner: object, endpoint_url: str) -> None:
    """Point the variables at ``endpoint_url``, the endpoint of ``owner`` (a server that just started)."""
    with _lock:
        if not _serving:
            _saved.clear()
            _saved.update({name: os.environ.get(name) for name in variables()})
        _serving.append((owner, endpoint_url))
        _apply(endpoint_url)


def release(owner: object) -> None:
    """``owner`` stopped: point at the latest server still running, or restore the saved values."""
    with _lock:
        remaining = [entry for entry in _serving if entry[0] is not owner]
        if len(remaining) == len(_serving):
            return
        _serving[:] = remaining
        if _serving:
            _apply(_serving[-1][1])
            return
        for name, value in _saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        _saved.clear()


def _apply(endpoint_url: str) -> None:
    for name in variables():
        os.environ[name] = endpoint_url
