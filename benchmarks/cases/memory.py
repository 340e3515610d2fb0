"""Memory: what a live handshake keeps (call log included), what a purged one leaves behind, and a
simulation that runs for simulated years with a bounded call log.

Figures are tracemalloc's count of live allocations after garbage collection.
"""

from __future__ import annotations

import datetime as dt
import gc
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager

import orgsim

from ..method import Settings
from ..report import Row, Section
from . import MANAGEMENT

PER_HANDSHAKE_TARGET = 2048
#: What a purged handshake may leave behind (a handshake is freed; this allows for a dict's slack).
PURGED_TARGET = 64


@contextmanager
def traced() -> Iterator[None]:
    """Trace allocations while the block runs (read them with ``mark``)."""
    gc.collect()
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()


def mark() -> int:
    """The bytes allocated and still alive after a full collection."""
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def per_handshake(count: int) -> list[Row]:
    clock = orgsim.ManualClock("2024-01-01")
    limit = count + 10
    with orgsim.simulate(clock=clock, seed="memory", max_accounts=limit, max_invitations_per_day=limit) as sim:
        mgmt = sim.session(MANAGEMENT).client("organizations")
        mgmt.create_organization()
        targets = [sim.seed_account().id for _ in range(count + 5)]
        invite = mgmt.invite_account_to_organization
        for account_id in targets[:5]:  # warm-up: compiled checks, caches
            invite(Target={"Id": account_id, "Type": "ACCOUNT"})
        with traced():
            before = mark()
            for account_id in targets[5:]:
                invite(Target={"Id": account_id, "Type": "ACCOUNT"})
            live = (mark() - before) / count
            # 46 days on, every one of them has expired and left the API; forget the calls that showed them.
            clock.advance(days=46)
            mgmt.describe_organization()
            sim.calls.clear()
            left = (mark() - before) / count
    return [
        Row(f"per live handshake, call log on ({count:,} invitations)", None, f"{live:,.0f} bytes",
            f"<= {PER_HANDSHAKE_TARGET:,} bytes", live <= PER_HANDSHAKE_TARGET),
        Row("left per handshake once purged, call log cleared", None, f"{left:,.0f} bytes",
            f"<= {PURGED_TARGET} bytes", left <= PURGED_TARGET),
    ]


def long_simulation(days: int) -> list[Row]:
    """Every simulated day the organization invites 5 accounts of a pool of 200: 3 accept (and are
    removed the next day), 1 declines, 1 never answers. The call log keeps the last 1,000 calls."""
    pool = [f"{n:012d}" for n in range(400000000000, 400000000200)]
    clock = orgsim.ManualClock("2024-01-01")
    sizes: dict[int, int] = {}
    checkpoints = {days // 3, days}
    with orgsim.simulate(clock=clock, seed="long", call_log_limit=1000, max_accounts=100) as sim:
        mgmt = sim.session(MANAGEMENT).client("organizations")
        mgmt.create_organization()
        clients = {a: sim.session(a).client("organizations") for a in pool}
        joined: list[str] = []
        with traced():
            for day in range(1, days + 1):
                for account_id in joined:
                    mgmt.remove_account_from_organization(AccountId=account_id)
                joined.clear()
                invited = [pool[(5 * day + k) % len(pool)] for k in range(5)]
                ids = [
                    mgmt.invite_account_to_organization(Target={"Id": a, "Type": "ACCOUNT"})["Handshake"]["Id"]
                    for a in invited
                ]
                for account_id, handshake_id in zip(invited[:3], ids):
                    clients[account_id].accept_handshake(HandshakeId=handshake_id)
                    joined.append(account_id)
                clients[invited[3]].decline_handshake(HandshakeId=ids[3])
                clock.advance(dt.timedelta(days=1))
                if day in checkpoints:
                    sizes[day] = mark()
    first, last = sizes[days // 3], sizes[days]
    growth = last / first
    return [
        Row(f"a long simulation after {days // 3:,} simulated days", None, f"{first / 1024:,.0f} KiB"),
        Row(f"the same simulation after {days:,} days", None, f"{last / 1024:,.0f} KiB, {growth:.2f} x",
            "<= 1.10 x", growth <= 1.10),
    ]


def measure(settings: Settings) -> list[Section]:
    rows = per_handshake(100 if settings.quick else 2_000)
    rows += long_simulation(90 if settings.quick else 3 * 365)
    note = (
        "tracemalloc's count after garbage collection. Per live handshake: invitations through the API, the\n"
        "call log keeping every call. Once purged: the same world 46 days later (expired, then 30 days of\n"
        "retention), with the call log cleared. The long simulation: every day 5 invitations from a pool\n"
        "of 200 accounts, 3 accepted (removed again the next day), 1 declined, 1 left to expire, with\n"
        "`call_log_limit=1000`; measured after a third of the days and at the end."
    )
    return [Section("Memory", note, rows)]
