"""The service facade: the simulated AWS behind one simulation, answering one call at a time.

Every transport (botocore's hooks, the HTTP server) turns a request into a route, the decoded
parameters and the caller's access key id, and hands them to ``SimulatedAWS.answer``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from ..domain import rules
from ..domain.errors import Rejected
from ..domain.ids import IdGenerator
from ..domain.limits import Limits
from ..domain.store import World
from ..exceptions import ClockOutOfRange
from .botocore_model import policy_types
from .call_log import CallLog, RecordedCall
from .context import Call, Output, Params
from .faults import Faults
from .identity import Identities
from .pagination import Tokens
from .render import render
from .routes import Route


#: What one call produced: the response structure (None on error) and the call's record.
Outcome = tuple[dict[str, Any] | None, RecordedCall]


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
        # The policy types are the installed model's: newer models have more (behaviour.md, "Policy types").
        self.world = World(self.ids, limits, rules.standard(policy_types=policy_types()))
        self.identities = Identities(self.ids, default_account_id)
        self.tokens = Tokens(self.ids.secret(32).encode())
        self.lock = threading.RLock()
        self.clock = clock
        self.calls = CallLog(call_log_limit)
        self.faults = Faults(self.lock)
        #: The simulated time of the latest call or inspection: "the world as the test last saw it".
        self.last_seen: dt.datetime | None = None

    def now(self) -> dt.datetime:
        """The simulated clock, to the millisecond (the wire carries milliseconds; so do our timestamps;
        behaviour.md, "Time"). ``ClockOutOfRange`` when it reads a time the world cannot work with."""
        now = self.clock()
        now -= _MICROSECONDS[now.microsecond % 1000]
        world = self.world
        if not world.earliest <= now <= world.latest:
            raise ClockOutOfRange(now, world.earliest, world.latest)
        return now

    def observe(self) -> dt.datetime:
        """The simulated time for a look at the world from outside a call (snapshots, seeding), with
        the world brought up to it. Remembered as ``last_seen``. Call with ``lock`` held."""
        now = self.now()
        self.world.settle(now)
        self.last_seen = now
        return now

    def answer(self, route: Route, params: Params, access_key_id: str | None) -> Outcome:
        """Answer one call of ``route`` and record it in ``calls``."""
        with self.lock:
            now = self.clock()
            now -= _MICROSECONDS[now.microsecond % 1000]  # self.now(), one call less on every call
            world = self.world
            if not world.earliest <= now <= world.latest:
                raise ClockOutOfRange(now, world.earliest, world.latest)
            world.settle(now)
            self.last_seen = now
            request_id = self.ids.request_id()
            identity = self.identities.resolve(access_key_id)
            output: Output | None = None
            error = None
            if self.faults.active:
                error = self.faults.answer(route.service, route.operation, identity.account_id, now)
            injected = error is not None
            if error is None:
                try:
                    route.check(params)
                    call = Call(route.operation, self.world, self.identities, self.tokens, identity, now)
                    output = route.handler(call, params)
                except Rejected as rejected:
                    error = rejected
            record = RecordedCall(
                now,
                route.service,
                route.operation,
                identity.account_id,
                identity.arn,
                params,
                output,
                error,
                request_id,
                injected,
                self.world.take_changes(),
            )
            self.calls.record(record)
            return (None if output is None else render(output)), record

    def refuse(self, route: Route, params: Params, access_key_id: str | None, error: Rejected) -> RecordedCall:
        """Record a call its transport refused before the service could judge it (a signature that
        does not match, a body that does not decode): logged like any other call, with the error the
        caller received, as the account the request claimed to come from. No fault answers it."""
        with self.lock:
            now = self.now()
            self.world.settle(now)
            self.last_seen = now
            identity = self.identities.resolve(access_key_id)
            record = RecordedCall(
                now,
                route.service,
                route.operation,
                identity.account_id,
                identity.arn,
                params,
                None,
                error,
                self.ids.request_id(),
                False,
                self.world.take_changes(),
            )
            self.calls.record(record)
            return record


#: The sub-millisecond parts a time can have, to take away (``replace`` with keywords costs ten times more).
_MICROSECONDS = tuple(dt.timedelta(microseconds=n) for n in range(1000))
