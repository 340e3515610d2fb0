"""The call log: one small immutable record per call the simulation answered.

A record holds the params mapping exactly as the service decoded it (not a copy: treat it as
read-only), the output as its handler returned it (see ``render``: handshakes are kept as their record
and the state shown, everything else as it was shown), the error, and the transitions the call made
as the domain noted them. ``output`` is rebuilt, as a fresh copy, each time it is read. Which calls
are recorded: (behaviour.md, "The call log").
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, overload

from ..domain.errors import Rejected
from ..domain.model import Change
from ..domain.model import Handshake as HandshakeRecord
from .botocore_model import api_name
from .render import ShownHandshake, render

#: The services whose operations the log can hold.
_SERVICES = ("organizations", "sts")


class RecordedCall(NamedTuple):
    """One call, as the simulation answered it.

    Exactly one of ``output`` and ``error`` is set. ``error`` is the modeled AWS error the caller
    received (``.code``, ``.message``, ``.reason``); ``injected`` tells whether a fault made by
    ``Simulation.fail`` produced it.
    """

    #: The simulated clock when the call was answered (UTC, millisecond precision).
    time: dt.datetime
    #: ``"organizations"`` or ``"sts"``.
    service: str
    #: The API operation name, e.g. ``"AcceptHandshake"``.
    operation: str
    #: The account the caller acted as.
    account_id: str
    #: The caller's principal ARN (``arn:aws:iam::<account>:root`` or an assumed-role ARN).
    caller_arn: str
    #: The request parameters as botocore passed them (not a copy).
    params: Mapping[str, Any]
    #: What the log keeps of the response (see ``output``); None when the call failed.
    stored_output: dict[str, Any] | None
    #: The modeled error the call failed with, or None when it succeeded.
    error: Rejected | None
    #: The ``ResponseMetadata.RequestId`` the caller saw.
    request_id: str
    #: True when the error was injected by ``Simulation.fail``.
    injected: bool = False
    #: The transitions the call made, in order: ``Change("h-…", "OPEN", "ACCEPTED")``.
    changes: tuple[Change, ...] = ()

    @property
    def output(self) -> Mapping[str, Any] | None:
        """The response members (without ``ResponseMetadata``), or None when the call failed. A fresh
        copy at each read: changing it changes neither the log nor what the caller received."""
        stored = self.stored_output
        return None if stored is None else render(stored)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def error_code(self) -> str | None:
        return None if self.error is None else self.error.code

    @property
    def error_reason(self) -> str | None:
        return None if self.error is None else self.error.reason

    @property
    def handshake_id(self) -> str | None:
        """The handshake the call named or returned, if any."""
        named = self.params.get("HandshakeId")
        if isinstance(named, str):
            return named
        shown = self._shown_handshake()
        return None if shown is None else shown[0].id

    @property
    def handshake_state(self) -> str | None:
        """The ``State`` of the handshake in the response, if the response has one."""
        shown = self._shown_handshake()
        return None if shown is None else shown[1]

    def shown_handshakes(self) -> list[HandshakeRecord]:
        """The records of every handshake the response showed (the call log keeps them, so they
        outlive their purge from the world)."""
        found: list[HandshakeRecord] = []
        if self.stored_output is not None:
            _collect(self.stored_output, found)
        return found
    @property
    def transfer_id(self) -> str | None:
        """The billing transfer the call named or returned, or whose invitation it named or returned."""
        named = self.params.get("Id")
        if isinstance(named, str) and named.startswith("rt-"):
            return named
        stored = self.stored_output or {}
        shown = stored.get("ResponsibilityTransfer")
        if isinstance(shown, dict) and isinstance(shown.get("Id"), str):
            return str(shown["Id"])
        handshake = self._shown_handshake()
        if handshake is not None:
            for resource in handshake[0].resources:
                if resource.type == "RESPONSIBILITY_TRANSFER":
                    return resource.value
        return None

    def _shown_handshake(self) -> ShownHandshake | None:
        found = self.stored_output.get("Handshake") if self.stored_output is not None else None
        return found if isinstance(found, tuple) else None


def _collect(value: Any, found: list[HandshakeRecord]) -> None:
    # Handshakes are the only tuples an output holds (see ``render``).
    if isinstance(value, tuple):
        found.append(value[0])
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect(item, found)


def operation_name(name: str) -> str:
    """``accept_handshake`` or ``AcceptHandshake`` -> ``AcceptHandshake``, as botocore's model names
    the operations. ValueError for a name no simulated service has."""
    found = api_name(name, _SERVICES)
    if found is None:
        raise ValueError(f"neither Organizations nor STS has an operation named {name!r}")
    return found


class CallList(Sequence[RecordedCall]):
    """A read-only list of recorded calls with helpers for assertions."""

    def __init__(self, calls: Iterable[RecordedCall] = ()) -> None:
        self._calls: Sequence[RecordedCall] = tuple(calls)

    def _snapshot(self) -> Sequence[RecordedCall]:
        return self._calls

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[RecordedCall]:
        return iter(self._snapshot())

    @overload
    def __getitem__(self, index: int) -> RecordedCall: ...

    @overload
    def __getitem__(self, index: slice) -> CallList: ...

    def __getitem__(self, index: int | slice) -> RecordedCall | CallList:
        if isinstance(index, slice):
            return CallList(tuple(self._snapshot())[index])
        return self._calls[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CallList):
            return tuple(self) == tuple(other)
        if isinstance(other, list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self)} calls: {', '.join(self.operations)}>"

    @property
    def operations(self) -> list[str]:
        """The operation names, in call order."""
        return [call.operation for call in self._snapshot()]

    @property
    def last(self) -> RecordedCall:
        """The most recent call. Raises IndexError when there is none."""
        if not self._calls:
            raise IndexError("no calls were recorded")
        return self._calls[-1]

    @property
    def errors(self) -> CallList:
        """The calls that failed."""
        return CallList(call for call in self._snapshot() if call.error is not None)

    def filter(
        self,
        operation: str | None = None,
        *,
        service: str | None = None,
        account_id: str | None = None,
        handshake_id: str | None = None,
        error: str | None = None,
        ok: bool | None = None,
    ) -> CallList:
        """The calls that match every criterion given.

        ``operation`` takes the API name or boto3's method name (``"CancelHandshake"`` or
        ``"cancel_handshake"``); ``error`` is an error code; ``ok=True`` keeps the successful calls.
        """
        wanted = operation_name(operation) if operation is not None else None

        def keep(call: RecordedCall) -> bool:
            return (
                (wanted is None or call.operation == wanted)
                and (service is None or call.service == service)
                and (account_id is None or call.account_id == account_id)
                and (handshake_id is None or call.handshake_id == handshake_id)
                and (error is None or call.error_code == error)
                and (ok is None or call.ok == ok)
            )

        return CallList(call for call in self._snapshot() if keep(call))


class CallLog(CallList):
    """Every call one simulation answered, oldest first (``Simulation.calls``).

    ``limit`` keeps only the most recent calls (``call_log_limit`` option); 0 records nothing.
    """

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self._log: deque[RecordedCall] = deque(maxlen=limit)
        self._calls = self._log
        #: Appends a record; bound once so that recording costs one method call.
        self.record: Callable[[RecordedCall], None] = self._log.append if limit != 0 else _discard

    def _snapshot(self) -> Sequence[RecordedCall]:
        # A tuple taken in one step, so another thread's append never breaks iteration.
        return tuple(self._log)

    def clear(self) -> None:
        """Forget every recorded call (e.g. after the setup part of a test)."""
        self._log.clear()


def _discard(call: RecordedCall) -> None:
    return None
