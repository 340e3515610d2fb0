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
    """A request was about to leave the process for AWS, and orgsim refused it before any DNS lookup.

    While a simulation is active, every AWS request that nothing in-process answers (orgsim, moto, a
    botocore Stubber) is refused, whatever the service; requests to the loopback interface (moto's
    server, LocalStack on localhost) are let through. After a simulation stops, so is every request of
    a client (or paginator) that was used while it ran, and every request signed with the fake keys
    orgsim puts in the environment. ``service`` and ``operation`` name the call where known.
    """

    def __init__(
        self,
        method: str,
        url: str,
        *,
        service: str | None = None,
        operation: str | None = None,
        stopped: bool = False,
    ) -> None:
        call = ".".join(part for part in (service, operation) if part)
        what = f"{call} ({method} {url})" if call else f"{method} {url}"
        if stopped:
            why = (
                "after the simulation stopped, from a client (or paginator) used while it was active, or signed "
                "with the fake keys of its environment: such a client never reaches AWS. Make the call while "
                "the simulation is active."
            )
        else:
            why = (
                "while a simulation is active. Nothing in-process answered it: orgsim answers Organizations and "
                "STS (other services: moto's mock_aws or a botocore Stubber; passthrough needs one of them behind "
                "it), or point the client at a local endpoint (localhost)."
            )
        super().__init__(f"orgsim refused a request to AWS: {what}, {why}")
        self.method = method
        self.url = url
        self.service = service
        self.operation = operation
        self.stopped = stopped


class ClockOutOfRange(OrgsimError, ValueError):
    """The simulated clock reads a time orgsim cannot work with: too close to the first or the last
    moment a ``datetime`` can hold for what follows from it (expiries, retention) to be computed."""

    def __init__(self, now: object, earliest: object, latest: object) -> None:
        super().__init__(
            f"the simulated clock reads {now}, outside the range orgsim can simulate ({earliest} to {latest}): "
            "expiries and retention periods that follow from it would not fit in a datetime. "
            "Set the clock (freezegun, time-machine, ManualClock) to a time in that range."
        )
        self.now = now


class BotocoreTooOld(OrgsimError, RuntimeError):
    """Something orgsim was asked for needs operations that the installed botocore's model lacks
    (billing transfers need botocore 1.41.1 or newer). The message names the version needed."""
