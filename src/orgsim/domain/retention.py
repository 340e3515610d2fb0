"""Handshakes leave the API 30 days after they end, and the world then forgets them (behaviour.md,
"Purged handshakes").

Whether a response shows a handshake is derived from the clock (``Handshake.shown_state``); this step
only frees what no response can show any more, so it changes no answer. It runs from ``World.settle``
when the next departure (``World.next_departure``) is due.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable

from .model import RETENTION, Handshake
from .store import World


def settle(world: World, now: dt.datetime) -> dt.datetime | None:
    """Forget every handshake that left the API by ``now``; return when the next one leaves."""
    since = now - RETENTION  # what entered its retention period by then has left
    gone = world.expiring.pop_through(since, key=_expiry) + world.ended.pop_through(since, key=_ended)
    if gone:
        world.forget(gone)
    return world.next_departure()


_expiry: Callable[[Handshake], dt.datetime] = operator.attrgetter("expires_at")
_ended: Callable[[Handshake], dt.datetime] = operator.attrgetter("ended_at")
