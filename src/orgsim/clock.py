"""Clocks: where a simulation reads "now".

By default a simulation reads ``datetime.now(timezone.utc)`` at every call, so freezegun,
pytest-freezer and time-machine move it. ``simulate(clock=...)`` takes any function returning a
``datetime`` instead; ``ManualClock`` is one that moves only when told, for scripts and for tests
that would rather not patch the global clock.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

Clock = Callable[[], dt.datetime]

_UTC = dt.timezone.utc


def system_clock() -> dt.datetime:
    """The current time in UTC. ``dt.datetime`` is looked up at call time, so time patchers are seen."""
    return dt.datetime.now(_UTC)


def as_utc(when: dt.datetime | str) -> dt.datetime:
    """A timezone-aware UTC datetime; naive values and ISO strings without an offset are taken as UTC
    (behaviour.md, "Time")."""
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
    if not isinstance(when, dt.datetime):
        raise TypeError(f"expected a datetime or an ISO 8601 string, not {when!r}")
    if when.tzinfo is None:
        return when.replace(tzinfo=_UTC)
    return when.astimezone(_UTC)


def utc_clock(clock: Clock) -> Clock:
    """``clock``, with whatever it returns turned into an aware UTC datetime."""

    def read() -> dt.datetime:
        return as_utc(clock())

    return read


class ManualClock:
    """A clock that stands still until moved: ``simulate(clock=ManualClock("2024-01-01"))``.

    ``advance(days=15)`` and ``move_to(...)`` move it; calling it returns the current time.
    """

    def __init__(self, start: dt.datetime | str = "2024-01-01T00:00:00Z") -> None:
        self._now = as_utc(start)
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        return self._now

    def now(self) -> dt.datetime:
        return self._now

    def advance(
        self,
        delta: dt.timedelta | None = None,
        *,
        days: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
    ) -> dt.datetime:
        """Move forward (or back, with a negative delta) and return the new time."""
        step = (delta or dt.timedelta()) + dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        with self._lock:
            self._now += step
            return self._now

    def move_to(self, when: dt.datetime | str) -> dt.datetime:
        """Jump to ``when`` and return it."""
        with self._lock:
            self._now = as_utc(when)
            return self._now

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()!r})"
