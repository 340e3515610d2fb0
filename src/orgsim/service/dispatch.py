"""The service facade: one entry point that takes a request and gives an outcome."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from ..domain.errors import Rejected
from ..domain.ids import IdGenerator
from ..domain.world import Limits, World
from ..errors import UnsimulatedOperation
from . import accounts, all_features  # noqa: F401  (importing them adds their operations to organizations')
from . import organizations, sts
from .call import Call, Handler, Params
from .faults import Faults
from .identity import Identities
from .input_checks import validator
from .log import CallLog, RecordedCall
from .pagination import Tokens
from .render import Output, fresh

HANDLERS: dict[str, dict[str, Handler]] = {
    "organizations": organizations.OPERATIONS,
    "sts": sts.OPERATIONS,
}


_new_record = tuple.__new__


class Route(NamedTuple):
    """How the simulation answers one operation: its service's handlers and the operation's input check.
    The handler itself is looked up at every call, so that one replaced in ``HANDLERS`` takes effect."""

    service: str
    operation: str
    handlers: dict[str, Handler]
    check: Callable[[Any], None]


_ROUTES: dict[str, dict[str, Route]] = {service: {} for service in HANDLERS}
_NO_ROUTES: dict[str, Route] = {}


def route(service: str, operation: str) -> Route | None:
    """The route for ``operation``, or None when orgsim does not simulate it. Made on first use
    (compiling an operation's input check reads botocore's model) and kept."""
    found = _ROUTES.get(service, _NO_ROUTES).get(operation)
    if found is None:
        handlers = HANDLERS.get(service, {})
        if operation not in handlers:
            return None
        found = _ROUTES[service][operation] = Route(service, operation, handlers, validator(service, operation))
    return found


class Outcome(NamedTuple):
    """What one call produced: the output structure (None on error) and the call's record."""

    output: dict[str, Any] | None
    record: RecordedCall


class SimulatedAWS:
    """The simulated services behind one simulation. Thread-safe: one call at a time."""

    def __init__(
        self,
        *,
        seed: int | str | None,
        default_account_id: str,
        limits: Limits,
        clock: Callable[[], dt.datetime],
        call_log_limit: int | None = None,
    ) -> None:
        self.ids = IdGenerator(seed)
        self.world = World(self.ids, limits)
        self.identities = Identities(self.ids, default_account_id)
        self.tokens = Tokens(self.ids.secret(32).encode())
        self.lock = threading.RLock()
        self.clock = clock
        self.calls = CallLog(call_log_limit)
        self.faults = Faults(self.lock)
        #: The simulated time of the latest call or inspection: "the world as the test last saw it".
        self.last_seen: dt.datetime | None = None

    def now(self) -> dt.datetime:
        """The simulated clock, to the millisecond (the wire carries milliseconds; so do our timestamps)."""
        return whole_milliseconds(self.clock())

    def observe(self) -> dt.datetime:
        """The simulated time for a look at the world from outside a call (snapshots, seeding).
        Remembered as ``last_seen``. Call with ``lock`` held."""
        now = self.now()
        self.world.settle(now)
        self.last_seen = now
        return now

    def answer(self, route: Route, params: Params, access_key_id: str | None) -> Outcome:
        """Answer one call (its ``route`` from ``route()``) and record it in ``calls``. Raises
        ``UnsimulatedOperation``, unrecorded, when the route's handler has been taken out since."""
        service, operation, handlers, check = route
        handler = handlers.get(operation)
        if handler is None:
            raise UnsimulatedOperation(service, operation)
        with self.lock:
            now = self.clock()
            extra = now.microsecond % 1000  # whole_milliseconds(now), inline: this runs on every call
            if extra:
                now -= _SUB_MILLISECOND[extra]
            self.last_seen = now
            request_id = self.ids.request_id()
            world = self.world
            if world.pending_account_requests:
                world.settle(now)
            identity = self.identities.resolve(access_key_id)
            kept: Output | None = None
            error: Rejected | None = None
            injected = False
            try:
                if self.faults.active:
                    error = self.faults.answer(service, operation, identity.account_id, now)
                    injected = error is not None
                if error is None:
                    check(params)
                    call = _new_record(Call, (operation, world, self.identities, self.tokens, identity, now))
                    kept = handler(call, params)
            except Rejected as rejected:
                error = rejected
            # tuple.__new__ skips the named tuple's Python-level __new__: a third cheaper, same record.
            record = _new_record(
                RecordedCall,
                (now, service, operation, identity.account_id, identity.arn, params, kept, error, request_id, injected),
            )
            self.calls.record(record)
            # The caller's output is its own: a rendering of what the log keeps, or a copy of it
            # (fresh(), with the handshake outputs' render() called here: one frame less on every call).
            if kept is None:
                output = None
            elif type(kept) is dict:
                output = fresh(kept)
            else:
                output = kept.render()  # type: ignore[union-attr]
            return _new_record(Outcome, (output, record))


_SUB_MILLISECOND = tuple(dt.timedelta(microseconds=n) for n in range(1000))


def whole_milliseconds(now: dt.datetime) -> dt.datetime:
    """``now`` without its sub-millisecond part: the wire carries milliseconds, so do our timestamps.

    The same value and type as ``now.replace(microsecond=now.microsecond // 1000 * 1000)``, at a
    tenth of its cost (``replace`` with keywords takes over a microsecond).
    """
    extra = now.microsecond % 1000
    return now - _SUB_MILLISECOND[extra] if extra else now
