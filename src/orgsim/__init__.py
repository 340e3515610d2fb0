"""orgsim: an in-process simulator of AWS Organizations handshakes for boto3."""

from __future__ import annotations

from .adapters.botocore_hooks import install, patch_client
from .errors import NoActiveSimulation, OrgsimError, RealAWSRequestBlocked, UnsimulatedOperation
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
