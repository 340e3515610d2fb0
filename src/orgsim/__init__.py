"""orgsim: an in-process simulator of AWS Organizations handshakes for boto3."""

from __future__ import annotations

from .adapters.botocore_hooks import install, patch_client
from .clock import ManualClock
from .errors import NoActiveSimulation, OrgsimError, RealAWSRequestBlocked, UnsimulatedOperation
from .options import Options
from .seeding import SeededOrganization
from .service.faults import Fault
from .service.log import CallList, CallLog, RecordedCall
from .simulation import Simulation, current, simulate
from .views import Account, Handshake, Organization, Party

__all__ = [
    "Account",
    "CallList",
    "CallLog",
    "Fault",
    "Handshake",
    "ManualClock",
    "NoActiveSimulation",
    "Options",
    "Organization",
    "OrgsimError",
    "Party",
    "RealAWSRequestBlocked",
    "RecordedCall",
    "SeededOrganization",
    "Simulation",
    "UnsimulatedOperation",
    "current",
    "install",
    "patch_client",
    "simulate",
]
