"""Fault injection: make chosen calls fail with chosen modeled errors (``Simulation.fail``).

A fault names the operations it applies to (or every Organizations operation), the error and how
long it lasts: a number of matching calls, a window of simulated time, both, or until cancelled.
The error must be modeled by botocore for each named operation, so that botocore raises the same
exception class real AWS would cause. Matching calls are answered at ``before-call`` like every
other simulated answer, so botocore's retry handler never sees them: a fault of ``times=2`` fails
exactly two calls, including throttling errors botocore would otherwise retry (behaviour.md,
"Fault injection").
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Collection, Iterable, Mapping
from typing import Final

from botocore.model import OperationModel, Shape, StructureShape

from ..domain.errors import Rejected
from .botocore_model import api_name, service_model

#: The message AWS Organizations was seen sending with TooManyRequestsException.
_THROTTLED: Final = (
    "AWS Organizations can't complete your request because another request is already in progress. Try again later."
)
#: TooManyRequestsException's ``Type``: a free-form string in the model, never seen in public output
#: (behaviour.md, "Fault injection").
DEFAULT_THROTTLING_TYPE: Final = "Throttling"
_TAG = re.compile(r"<[^>]+>")


class Fault:
    """One armed fault, as returned by ``Simulation.fail``. ``cancel()`` disarms it."""

    def __init__(
        self,
        registry: Faults,
        service: str,
        operations: frozenset[str] | None,
        account_id: str | None,
        error: Rejected,
        times: int | None,
        start: dt.datetime,
        until: dt.datetime | None,
    ) -> None:
        self._registry = registry
        #: The service whose calls fail.
        self.service = service
        #: The operations that fail; None means every operation of the service.
        self.operations = operations
        #: Only calls made as this account fail (None: every caller).
        self.account_id = account_id
        self._error = error
        #: Calls still to fail; None means no count limit.
        self.remaining = times
        #: The simulated time the fault was armed at, and the end of its window (exclusive).
        self.start = start
        self.until = until
        #: How many calls it has failed so far.
        self.hits = 0
        self._cancelled = False

    @property
    def error_code(self) -> str:
        return self._error.code

    @property
    def active(self) -> bool:
        """False once cancelled or used up (a window that has passed is noticed at the next call)."""
        return not self._cancelled and self.remaining != 0

    def cancel(self) -> None:
        """Disarm the fault; calls after this succeed again."""
        self._registry.remove(self)

    def _matches(self, service: str, operation: str, account_id: str, now: dt.datetime) -> bool:
        return (
            service == self.service
            and (self.operations is None or operation in self.operations)
            and (self.account_id is None or account_id == self.account_id)
            and now >= self.start
        )

    def _fire(self) -> Rejected:
        self.hits += 1
        if self.remaining is not None:
            self.remaining -= 1
        error = self._error
        # A fresh exception each time, so tracebacks do not pile up on one instance.
        return Rejected(error.code, error.message, error.reason, error.members)

    def __repr__(self) -> str:
        what = "every operation" if self.operations is None else ", ".join(sorted(self.operations))
        limits = []
        if self.remaining is not None:
            limits.append(f"{self.remaining} more")
        if self.until is not None:
            limits.append(f"until {self.until.isoformat()}")
        who = f" for {self.account_id}" if self.account_id else ""
        state = "" if self.active else " (inactive)"
        error = self.error_code + (f"/{self._error.reason}" if self._error.reason else "")
        return f"<Fault {self.service} {what}{who} -> {error} ({', '.join(limits) or 'until cancelled'}){state}>"


class Faults:
    """The faults armed on one simulation. Guarded by the simulation's lock."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        #: The armed faults, oldest first. Read-only for others; the dispatcher tests it for emptiness.
        self.active: list[Fault] = []

    def armed(self) -> tuple[Fault, ...]:
        with self._lock:
            return tuple(self.active)

    def add(self, fault: Fault) -> None:
        with self._lock:
            self.active.append(fault)

    def remove(self, fault: Fault) -> None:
        with self._lock:
            fault._cancelled = True
            if fault in self.active:
                self.active.remove(fault)

    def clear(self) -> None:
        with self._lock:
            for fault in self.active:
                fault._cancelled = True
            self.active.clear()

    def answer(self, service: str, operation: str, account_id: str, now: dt.datetime) -> Rejected | None:
        """The injected error for this call, if an armed fault matches it (the oldest first)."""
        for fault in list(self.active):
            if fault.until is not None and now >= fault.until:
                self.remove(fault)
                continue
            if fault._matches(service, operation, account_id, now):
                error = fault._fire()
                if fault.remaining == 0:
                    self.remove(fault)
                return error
        return None


def resolve_operations(
    operation: str | Iterable[str] | None, simulated: Mapping[str, Collection[str]]
) -> tuple[str, frozenset[str] | None]:
    """The service and the API names of ``operation`` (one name, several, or None for all of Organizations)."""
    if operation is None:
        return "organizations", None
    names = [operation] if isinstance(operation, str) else list(operation)
    if not names:
        raise ValueError("name at least one operation, or pass None for every Organizations operation")
    services: set[str] = set()
    resolved: set[str] = set()
    for raw in names:
        name = api_name(raw, simulated)
        service = None if name is None else next((s for s, ops in simulated.items() if name in ops), None)
        if name is None or service is None:
            raise ValueError(
                f"orgsim does not simulate an operation named {raw!r}; it simulates: "
                + ", ".join(sorted(op for ops in simulated.values() for op in ops))
            )
        services.add(service)
        resolved.add(name)
    if len(services) > 1:
        raise ValueError("one fault applies to the operations of one service; arm one fault per service")
    return services.pop(), frozenset(resolved)


def build_error(
    service: str,
    operations: frozenset[str] | None,
    error: str | type[BaseException],
    reason: str | None,
    message: str | None,
    members: Mapping[str, str] | None,
) -> Rejected:
    """The modeled error a fault answers with, checked against botocore's model of ``service``."""
    code = error if isinstance(error, str) else error.__name__
    model = service_model(service)
    shape = _error_shape(model.error_shapes, code)
    if shape is None:
        raise ValueError(
            f"{code!r} is not an error of {model.service_id} in botocore's model; known errors: "
            + ", ".join(sorted(s.name for s in model.error_shapes))
        )
    for name in sorted(operations or ()):
        op = model.operation_model(name)
        if _error_shape(op.error_shapes, code) is None:
            raise ValueError(f"botocore's model does not list {shape.name} for {name}; it lists: {_errors_of(op)}")
    assert isinstance(shape, StructureShape)
    wire_code: str = shape.metadata.get("error", {}).get("code", shape.name)
    fields = dict(members or {})
    unknown = sorted(set(fields) - set(shape.members))
    if unknown or "Message" in fields or "Reason" in fields:
        raise ValueError(
            f"{shape.name} has no member(s) {', '.join(unknown or ['Message/Reason (pass message= or reason=)'])}; "
            f"its members are {', '.join(shape.members)}"
        )
    if reason is not None:
        reason_shape = shape.members.get("Reason")
        if reason_shape is None:
            raise ValueError(f"{shape.name} has no Reason member")
        if reason_shape.enum and reason not in reason_shape.enum:
            raise ValueError(f"{reason!r} is not a Reason of {shape.name}; valid: {', '.join(reason_shape.enum)}")
    if "Type" in shape.members and "Type" not in fields:
        fields["Type"] = DEFAULT_THROTTLING_TYPE
    return Rejected(wire_code, message if message is not None else _default_message(shape), reason, fields or None)


def _error_shape(shapes: Iterable[Shape], code: str) -> Shape | None:
    for shape in shapes:
        if shape.name == code or shape.metadata.get("error", {}).get("code") == code:
            return shape
    return None


def _errors_of(op: OperationModel) -> str:
    return ", ".join(sorted(s.name for s in op.error_shapes))


def _default_message(shape: Shape) -> str:
    if shape.name == "TooManyRequestsException":
        return _THROTTLED
    first = (shape.documentation or "").split("</p>", 1)[0]
    text = " ".join(_TAG.sub("", first).split())
    return text or shape.name
