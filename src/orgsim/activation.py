"""Which simulation answers a call, and who is watching simulations start.

A simulation answers the callers of the context that started it: the thread, or the asyncio task,
and what that context runs (``asyncio.to_thread`` and ``contextvars.copy_context().run`` copy it). A
caller whose context started no simulation still running (a plain ``threading.Thread`` started inside
a ``with`` block, an executor's worker) is answered by the innermost simulation running anywhere in
the process: the one started last. Standard library only: the pytest plugin imports it.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any


class Active:
    """One started simulation, as the transports see it: what answers, and whether it still does."""

    __slots__ = ("aws", "owner", "passthrough", "running")

    def __init__(self, aws: Any, owner: object, *, passthrough: bool) -> None:
        #: The ``SimulatedAWS`` that answers.
        self.aws = aws
        #: The ``Simulation`` that started it.
        self.owner = owner
        self.passthrough = passthrough
        self.running = False


#: The simulations this context started, innermost last. Stopped ones are skipped.
_entered: contextvars.ContextVar[tuple[Active, ...]] = contextvars.ContextVar("orgsim_entered", default=())
#: Every running simulation in the process, in the order they started.
_running: list[Active] = []
_lock = threading.RLock()
_watchers: list[list[object]] = []


def start(active: Active, *, on_first: Callable[[], None]) -> None:
    """Make ``active`` answer this context's callers; ``on_first`` runs when nothing else is running."""
    with _lock:
        if not _running:
            on_first()
        _running.append(active)
        active.running = True
        _entered.set((*_entered.get(), active))
        for watcher in _watchers:
            if not any(owner is active.owner for owner in watcher):
                watcher.append(active.owner)


def stop(active: Active, *, on_last: Callable[[], None]) -> None:
    """``active`` answers nobody any more, whatever context it was started in; ``on_last`` runs when
    it was the last one running."""
    with _lock:
        if not active.running:
            return
        active.running = False
        _running.remove(active)
        entered = _entered.get()
        if active in entered:
            _entered.set(tuple(a for a in entered if a is not active))
        if not _running:
            on_last()


def answering() -> Active | None:
    """The simulation that answers a call made now, from this context (see the module's docstring)."""
    for active in reversed(_entered.get()):
        if active.running:
            return active
    try:
        return _running[-1]
    except IndexError:
        return None


def any_running() -> bool:
    """Whether any simulation runs in this process (what the fail-closed layers ask)."""
    return bool(_running)


def watch() -> list[object]:
    """Start collecting every simulation started from now on, in this process, into the returned list."""
    started: list[object] = []
    with _lock:
        _watchers.append(started)
    return started


def unwatch(started: list[object]) -> None:
    with _lock:
        _watchers[:] = [w for w in _watchers if w is not started]
