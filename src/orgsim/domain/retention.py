"""Handshakes leave the API 30 days after they end, and the world then forgets them (behaviour.md,
"Purged handshakes").

Whether a response shows a handshake is derived from the clock (``Handshake.shown_state``); this step
only frees what no response can show any more, so it changes no answer. It runs from ``World.settle``
when the next departure (``World.next_departure``) is due.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right

from .model import RETENTION, Handshake
from .store import World


def settle(world: World, now: dt.datetime) -> dt.datetime | None:
    """Forget every handshake that left the API by ``now``; return when the next one leaves."""
    since = now - RETENTION  # what entered its retention period by then has left
    expired = bisect_right(world.expiring, since, key=_expiry)
    ended = bisect_right(world.ended, since, key=_ended)
    if expired or ended:
        gone = world.expiring[:expired] + world.ended[:ended]
        del world.expiring[:expired]
        del world.ended[:ended]
        world.forget(gone)
    return world.next_departure()


def _expiry(handshake: Handshake) -> dt.datetime:
    return handshake.expires_at


def _ended(handshake: Handshake) -> dt.datetime:
    assert handshake.ended_at is not None
    return handshake.ended_at
