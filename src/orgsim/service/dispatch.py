"""The service facade: one entry point that takes a request and gives an outcome."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..domain.errors import Rejected
from ..domain.ids import IdGenerator
from ..domain.world import Limits, World
from ..errors import UnsimulatedOperation
from . import organizations, sts
from .call import Call, Handler, Params
from .identity import Identities
from .pagination import Tokens
from .schema import validator

HANDLERS: dict[str, dict[str, Handler]] = {
    "organizations": organizations.OPERATIONS,
    "sts": sts.OPERATIONS,
}


@dataclass
class Outcome:
    """What one call produced: an output structure or a modeled error."""

    request_id: str
    output: dict[str, Any] | None = None
    error: Rejected | None = None


class SimulatedAWS:
    """The simulated services behind one simulation. Thread-safe: one call at a time."""

    def __init__(
        self,
        *,
        seed: int | str | None,
        default_account_id: str,
        limits: Limits,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.ids = IdGenerator(seed)
        self.world = World(self.ids, limits)
        self.identities = Identities(self.ids, default_account_id)
        self.tokens = Tokens(self.ids.secret(32).encode())
        self.lock = threading.RLock()
        self.clock = clock

    def simulates(self, service: str, operation: str) -> bool:
        return operation in HANDLERS.get(service, {})

    def handle(self, service: str, operation: str, params: Params, access_key_id: str | None) -> Outcome:
        """Answer one call. Raises ``UnsimulatedOperation`` for operations orgsim does not have."""
        handler = HANDLERS.get(service, {}).get(operation)
        if handler is None:
            raise UnsimulatedOperation(service, operation)
        with self.lock:
            now = whole_milliseconds(self.clock())
            outcome = Outcome(self.ids.request_id())
            try:
                validator(service, operation)(params)
                call = Call(
                    operation, self.world, self.identities, self.tokens, self.identities.resolve(access_key_id), now
                )
                outcome.output = handler(call, params)
            except Rejected as rejected:
                outcome.error = rejected
            return outcome


_SUB_MILLISECOND = tuple(dt.timedelta(microseconds=n) for n in range(1000))


def whole_milliseconds(now: dt.datetime) -> dt.datetime:
    """``now`` without its sub-millisecond part: the wire carries milliseconds, so do our timestamps.

    The same value and type as ``now.replace(microsecond=now.microsecond // 1000 * 1000)``, at a
    tenth of its cost (``replace`` with keywords takes over a microsecond).
    """
    extra = now.microsecond % 1000
    return now - _SUB_MILLISECOND[extra] if extra else now
