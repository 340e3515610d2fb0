"""orgsim: an in-process simulator of AWS Organizations handshakes for boto3."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .exceptions import (
    BotocoreTooOld,
    ClockOutOfRange,
    NoActiveSimulation,
    OrgsimError,
    RealAWSRequestBlocked,
    UnsimulatedOperation,
)

if TYPE_CHECKING:
    from .adapters import patch_client
    from .clock import ManualClock
    from .domain.model import Change
    from .options import Options
    from .seeding import SeededOrganization
    from .service.call_log import CallList, CallLog, RecordedCall
    from .service.faults import Fault
    from .serving import ExposedServerWarning, Server
    from .simulation import Simulation, current, simulate
    from .snapshots import (
        Account,
        Handshake,
        Organization,
        OrganizationalUnit,
        Party,
        Policy,
        ResourcePolicy,
        Root,
        Transfer,
    )

__all__ = [
    "Account",
    "BotocoreTooOld",
    "CallList",
    "CallLog",
    "Change",
    "ClockOutOfRange",
    "ExposedServerWarning",
    "Fault",
    "Handshake",
    "ManualClock",
    "NoActiveSimulation",
    "Options",
    "Organization",
    "OrganizationalUnit",
    "OrgsimError",
    "Party",
    "Policy",
    "RealAWSRequestBlocked",
    "RecordedCall",
    "ResourcePolicy",
    "Root",
    "SeededOrganization",
    "Server",
    "Simulation",
    "Transfer",
    "UnsimulatedOperation",
    "current",
    "patch_client",
    "simulate",
]

# These names bring in boto3 and botocore (about 100 ms). pytest imports this package for the plugin in
# every session, used or not, so they are imported on first access instead (PEP 562).
_LAZY: dict[str, str] = {
    "patch_client": ".adapters",
    "ManualClock": ".clock",
    "Change": ".domain.model",
    "Options": ".options",
    "SeededOrganization": ".seeding",
    "Fault": ".service.faults",
    "CallList": ".service.call_log",
    "CallLog": ".service.call_log",
    "RecordedCall": ".service.call_log",
    "ExposedServerWarning": ".serving",
    "Server": ".serving",
    "Simulation": ".simulation",
    "current": ".simulation",
    "simulate": ".simulation",
    "Account": ".snapshots",
    "Handshake": ".snapshots",
    "Organization": ".snapshots",
    "OrganizationalUnit": ".snapshots",
    "Party": ".snapshots",
    "Policy": ".snapshots",
    "ResourcePolicy": ".snapshots",
    "Root": ".snapshots",
    "Transfer": ".snapshots",
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
