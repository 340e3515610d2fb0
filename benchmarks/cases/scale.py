"""Costs as worlds grow: each curve measures one call in worlds of 100, 1,000 and 10,000 handshakes
(or member accounts, for the tree's curves).

A curve is a name, a ``build(size)`` that makes (untimed) a world of that size in a simulation of its
own and returns the ``Probe`` to time in it, and a target for the largest size over the smallest. The
sizes of a curve are interleaved like every other group; each size's calls run in the context that
started its simulation, so each is answered by its own world. To add a curve, append to ``CURVES``.

Seeding is timed whole: ``sim.seed_organization(invitations=n)`` in a fresh simulation.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orgsim

from ..method import Case, Settings, frozen_setup, interleave, interleave_whole, ratio
from ..report import Row, Section
from . import MANAGEMENT

#: Limits high enough that no size ever meets them.
BIG = {"max_accounts": 10_000_000, "max_invitations_per_day": 10_000_000}
START = "2024-01-01T00:00:00Z"
#: Long enough for an invitation to expire (15 days) and be purged (30 more).
PAST_PURGE = dt.timedelta(days=46)


@dataclass
class Probe:
    """What a curve times in one world: ``call``, after ``prepare`` (untimed) before each call."""

    sim: orgsim.Simulation
    call: Callable[[], Any]
    prepare: Callable[[], Any] | None = None


@dataclass(frozen=True)
class Curve:
    name: str
    build: Callable[[int], Probe]
    #: The largest size's cost over the smallest's must stay at most this (None: reported only).
    target: float | None = 1.2


# -- worlds ----------------------------------------------------------------------------------------

_ids = itertools.count(300_000_000_000)


def fresh_account_id() -> str:
    """An account id no world has seen yet (made up, not seeded: it becomes known when invited)."""
    return f"{next(_ids):012d}"


def open_invitations(size: int) -> tuple[orgsim.Simulation, Any]:
    """An organization with ``size`` open invitations, seeded."""
    sim = orgsim.simulate(clock=orgsim.ManualClock(START), seed=f"open-{size}", **BIG).start()
    sim.seed_organization(MANAGEMENT, invitations=size)
    return sim, sim.session(MANAGEMENT).client("organizations")


def purged_then_open(size: int, open_count: int = 40) -> tuple[orgsim.Simulation, Any]:
    """An organization that sent ``size`` invitations long enough ago that they are purged, then
    ``open_count`` more."""
    clock = orgsim.ManualClock(START)
    sim = orgsim.simulate(clock=clock, seed=f"purged-{size}", **BIG).start()
    sim.seed_organization(MANAGEMENT, invitations=size)
    clock.advance(PAST_PURGE)
    client = sim.session(MANAGEMENT).client("organizations")
    for _ in range(open_count):
        client.invite_account_to_organization(Target={"Id": fresh_account_id(), "Type": "ACCOUNT"})
    sim.calls.clear()
    return sim, client


# -- the curves ------------------------------------------------------------------------------------


def invite_with_live(size: int) -> Probe:
    """One more invitation into an organization with ``size`` open ones."""
    sim, client = open_invitations(size)
    return _one_more_invitation(sim, client)


def invite_with_purged(size: int) -> Probe:
    """One more invitation into an organization whose ``size`` earlier invitations were purged."""
    sim, client = purged_then_open(size, open_count=0)
    return _one_more_invitation(sim, client)


def _one_more_invitation(sim: orgsim.Simulation, client: Any) -> Probe:
    """The previous call's invitation is canceled (untimed) first, so the organization keeps the same
    number of open invitations."""
    last: list[str] = []

    def prepare() -> None:
        if last:
            client.cancel_handshake(HandshakeId=last.pop())

    def call() -> None:
        target = {"Id": fresh_account_id(), "Type": "ACCOUNT"}
        last.append(client.invite_account_to_organization(Target=target)["Handshake"]["Id"])

    return Probe(sim, call, prepare)


def first_page(size: int) -> Probe:
    sim, client = open_invitations(size)
    return Probe(sim, lambda: client.list_handshakes_for_organization())


def middle_page(size: int) -> Probe:
    sim, client = open_invitations(size)
    token = middle_token(lambda **kw: client.list_handshakes_for_organization(**kw), size)
    return Probe(sim, lambda: client.list_handshakes_for_organization(NextToken=token))


def middle_token(list_page: Callable[..., Any], size: int) -> str:
    """A NextToken to the page after the first half of ``size`` handshakes."""
    half = size // 2
    step = min(20, half)
    token = None
    for _ in range(half // step):
        kwargs: dict[str, Any] = {"MaxResults": step}
        if token is not None:
            kwargs["NextToken"] = token
        token = list_page(**kwargs)["NextToken"]
    assert token is not None
    return token


def filter_matching_nothing(size: int) -> Probe:
    sim, client = open_invitations(size)

    def call() -> None:
        assert not client.list_handshakes_for_organization(Filter={"ActionType": "APPROVE_ALL_FEATURES"})["Handshakes"]

    return Probe(sim, call)


def first_page_after_purge(size: int) -> Probe:
    sim, client = purged_then_open(size)
    return Probe(sim, lambda: client.list_handshakes_for_organization())


def received(size: int) -> tuple[orgsim.Simulation, Any]:
    """An account that ``size`` organizations invited (one open invitation each)."""
    sim = orgsim.simulate(clock=orgsim.ManualClock(START), seed=f"received-{size}", **BIG).start()
    invitee = fresh_account_id()
    for _ in range(size):
        sim.seed_organization(sim.seed_account().id, invitations=[invitee])
    return sim, sim.session(invitee).client("organizations")


def account_first_page(size: int) -> Probe:
    sim, client = received(size)
    return Probe(sim, lambda: client.list_handshakes_for_account())


def account_middle_page(size: int) -> Probe:
    sim, client = received(size)
    token = middle_token(lambda **kw: client.list_handshakes_for_account(**kw), size)
    return Probe(sim, lambda: client.list_handshakes_for_account(NextToken=token))


def account_filter_matching_nothing(size: int) -> Probe:
    sim, client = received(size)

    def call() -> None:
        assert not client.list_handshakes_for_account(Filter={"ActionType": "ENABLE_ALL_FEATURES"})["Handshakes"]

    return Probe(sim, call)


def organization_of(size: int) -> tuple[orgsim.Simulation, Any, str]:
    """An organization of ``size`` member accounts besides its management account, all in its root,
    seeded; and its root's id."""
    sim = orgsim.simulate(clock=orgsim.ManualClock(START), seed=f"members-{size}", **BIG).start()
    sim.seed_organization(MANAGEMENT, members=size)
    client = sim.session(MANAGEMENT).client("organizations")
    return sim, client, client.list_roots()["Roots"][0]["Id"]


def accounts_first_page(size: int) -> Probe:
    sim, client, _ = organization_of(size)
    return Probe(sim, lambda: client.list_accounts())


def accounts_middle_page(size: int) -> Probe:
    sim, client, _ = organization_of(size)
    token = middle_token(lambda **kw: client.list_accounts(**kw), size)
    return Probe(sim, lambda: client.list_accounts(NextToken=token))


def children_middle_page(size: int) -> Probe:
    sim, client, root_id = organization_of(size)

    def list_page(**kwargs: Any) -> Any:
        return client.list_children(ParentId=root_id, ChildType="ACCOUNT", **kwargs)

    token = middle_token(list_page, size)
    return Probe(sim, lambda: list_page(NextToken=token))


def move_account(size: int) -> Probe:
    """One account of the middle of the root moves to an OU and back, one move per call."""
    sim, client, root_id = organization_of(size)
    ou = client.create_organizational_unit(ParentId=root_id, Name="Moved")["OrganizationalUnit"]["Id"]
    token = middle_token(lambda **kw: client.list_accounts(**kw), size)
    moving = client.list_accounts(NextToken=token, MaxResults=1)["Accounts"][0]["Id"]
    where = [root_id, ou]

    def call() -> None:
        client.move_account(AccountId=moving, SourceParentId=where[0], DestinationParentId=where[1])
        where.reverse()

    return Probe(sim, call)


CURVES: list[Curve] = [
    Curve("InviteAccountToOrganization, with that many open invitations", invite_with_live),
    Curve("InviteAccountToOrganization, after that many were purged", invite_with_purged),
    Curve("ListHandshakesForOrganization, first page", first_page),
    Curve("ListHandshakesForOrganization, page in the middle", middle_page),
    Curve("ListHandshakesForOrganization, a filter that matches nothing", filter_matching_nothing),
    Curve("ListHandshakesForOrganization, first page after that many were purged", first_page_after_purge),
    Curve("ListHandshakesForAccount, first page (invited by that many organizations)", account_first_page),
    Curve("ListHandshakesForAccount, page in the middle", account_middle_page),
    Curve("ListHandshakesForAccount, a filter that matches nothing", account_filter_matching_nothing),
    Curve("ListAccounts, first page (that many members)", accounts_first_page),
    Curve("ListAccounts, page in the middle", accounts_middle_page),
    Curve("ListChildren (accounts of the root), page in the middle", children_middle_page),
    Curve("MoveAccount between the root and an OU", move_account),
]

#: Seeding 10,000 invitations must take less than this many seconds.
SEEDING_TARGET_SECONDS = 3.0


def measure(settings: Settings) -> list[Section]:
    rounds, batch = settings.scaled(rounds=0.4, batch=0.5)
    rows: list[Row] = []
    for curve in CURVES:
        rows += measure_curve(curve, settings.sizes, rounds, batch)
    note = (
        "Each curve times one call in worlds of each size, interleaved; \"x @ smallest\" is the median over\n"
        "rounds of the cost at that size over the cost at the smallest size. Worlds are built with\n"
        "`sim.seed_organization`. Purged: invitations sent 46 days earlier (15 days to expire, 30 more to\n"
        "leave the API). The invitation curves cancel the previous call's invitation, untimed, so that\n"
        "the number of open ones stays the same. The tree's curves: an organization of that many member\n"
        "accounts in its root; MoveAccount moves one of them (from the middle of the root's list) to an\n"
        "OU and back, a move per call."
    )
    sections = [Section("Scale: one call as the world grows", note, rows)]
    sections.append(Section(
        "Scale: seeding",
        "`sim.seed_organization(invitations=n)` in a fresh simulation, timed whole (median of rounds).",
        measure_seeding(settings),
    ))
    return sections


def measure_curve(curve: Curve, sizes: tuple[int, ...], rounds: int, batch: int) -> list[Row]:
    probes: list[Probe] = []
    cases: list[Case] = []
    try:
        for size in sizes:
            context = contextvars.Context()
            probe = context.run(curve.build, size)
            probes.append(probe)
            cases.append(_in_context(f"{curve.name} @ {size}", context, probe))
        with frozen_setup():
            interleave(cases, rounds, batch)
    finally:
        for probe in probes:
            probe.sim.stop()
    rows = []
    for size, case in zip(sizes, cases):
        r = ratio(case, cases[0])
        row = Row(f"{curve.name}: {size:,}", case.micros, f"{r:.2f} x @ {sizes[0]:,}")
        if size == sizes[-1] and curve.target is not None:
            row.target, row.passed = f"<= {curve.target:.2f} x", r <= curve.target
        rows.append(row)
    return rows


def _in_context(name: str, context: contextvars.Context, probe: Probe) -> Case:
    call, prepare = probe.call, probe.prepare
    return Case(
        name,
        lambda: context.run(call),
        prepare=None if prepare is None else (lambda: context.run(prepare)),
    )


def measure_seeding(settings: Settings) -> list[Row]:
    current: list[orgsim.Simulation] = []

    def fresh() -> None:
        while current:
            current.pop().stop()
        current.append(orgsim.simulate(clock=orgsim.ManualClock(START), seed="seeding", **BIG).start())

    def seeder(size: int) -> Case:
        return Case(f"seed {size}", lambda: current[0].seed_organization(MANAGEMENT, invitations=size), prepare=fresh)

    cases = [seeder(size) for size in settings.sizes]
    try:
        interleave_whole(cases, max(2, settings.rounds // 30))
    finally:
        while current:
            current.pop().stop()
    rows = []
    smallest = settings.sizes[0]
    for size, case in zip(settings.sizes, cases):
        per_invitation = ratio(case, cases[0]) * smallest / size
        rows.append(Row(f"seed_organization(invitations={size:,}), per invitation", case.micros / size,
                        f"{per_invitation:.2f} x @ {smallest:,}"))
    largest, total = settings.sizes[-1], cases[-1].median
    row = Row(f"seed_organization(invitations={largest:,}), whole", None, f"{total:.2f} s")
    if largest >= 10_000:
        row.target, row.passed = f"< {SEEDING_TARGET_SECONDS:.0f} s", total < SEEDING_TARGET_SECONDS
    rows.append(row)
    return rows
