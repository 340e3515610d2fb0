"""orgsim: an in-process simulator of AWS Organizations handshakes for boto3."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import NoActiveSimulation, OrgsimError, RealAWSRequestBlocked, UnsimulatedOperation

if TYPE_CHECKING:
    from .adapters.botocore_hooks import install, patch_client
    from .options import Options
    from .simulation import Simulation, current, simulate
    from .views import Account

__all__ = [
    "Account",
    "NoActiveSimulation",
    "Options",
    "OrgsimError",
    "RealAWSRequestBlocked",
    "Simulation",
    "UnsimulatedOperation",
    "current",
    "install",
    "patch_client",
    "simulate",
]

# These names bring in boto3 and botocore (about 100 ms). pytest imports this package for the plugin in
# every session, used or not, so they are imported on first access instead (PEP 562).
_LAZY: dict[str, str] = {
    "install": ".adapters.botocore_hooks",
    "patch_client": ".adapters.botocore_hooks",
    "Options": ".options",
    "Simulation": ".simulation",
    "current": ".simulation",
    "simulate": ".simulation",
    "Account": ".views",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups find it directly
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
