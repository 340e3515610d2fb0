"""Which simulations started while someone was watching (the pytest plugin, during one test).

Standard library only, so the plugin can use it without importing boto3.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_watchers: list[list[object]] = []


def watch() -> list[object]:
    """Start collecting every simulation started from now on, in this process, into the returned list."""
    started: list[object] = []
    with _lock:
        _watchers.append(started)
    return started


def unwatch(started: list[object]) -> None:
    with _lock:
        _watchers[:] = [w for w in _watchers if w is not started]


def started(simulation: object) -> None:
    with _lock:
        for watcher in _watchers:
            if not any(s is simulation for s in watcher):
                watcher.append(simulation)
