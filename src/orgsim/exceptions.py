"""Exceptions orgsim raises itself (as opposed to the modeled AWS errors it answers with)."""

from __future__ import annotations


class OrgsimError(Exception):
    """Base class of orgsim's own errors."""


class NoActiveSimulation(OrgsimError, RuntimeError):
    """``orgsim.current()`` was called while no simulation is active."""


class UnsimulatedOperation(OrgsimError, NotImplementedError):
    """A call to an operation orgsim does not simulate, made while a simulation is active.

    Raised instead of letting the request reach AWS. Pass ``passthrough=True`` to ``simulate`` to let
    another handler (moto, a Stubber) answer such operations.
    """

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            f"orgsim does not simulate {service}.{operation}; the call was stopped before it could reach AWS. "
            "Use simulate(passthrough=True) to let moto or a botocore Stubber answer it."
        )
        self.service = service
        self.operation = operation


class RealAWSRequestBlocked(OrgsimError):
    """A request for a simulated service was about to be sent over the network while a simulation is active."""

    def __init__(self, method: str, url: str) -> None:
        super().__init__(
            f"orgsim blocked a real request to AWS while a simulation is active: {method} {url}. "
            "Nothing answered it in-process (a client with its own handlers, or passthrough with no mock behind it)."
        )
        self.method = method
        self.url = url


class BotocoreTooOld(OrgsimError, RuntimeError):
    """Something orgsim was asked for needs operations that the installed botocore's model lacks
    (billing transfers need botocore 1.41.1 or newer). The message names the version needed."""
