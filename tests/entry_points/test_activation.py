"""Which simulation answers: the one the caller's context (thread, asyncio task) started; a context
that started none falls back to the innermost simulation running in the process."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from typing import Any

import pytest

import orgsim

CALLS = 50


def _org_id(sim: orgsim.Simulation, account_id: str) -> str:
    return sim.session(account_id).client("organizations").describe_organization()["Organization"]["Id"]


def test_decorated_coroutines_gathered_together_answer_from_their_own_worlds() -> None:
    first, second = orgsim.simulate(seed="first"), orgsim.simulate(seed="second")
    seen: dict[str, list[str]] = {"first": [], "second": []}
    counts: dict[str, int] = {}

    def story(name: str, sim: orgsim.Simulation) -> Any:
        async def run() -> None:
            client = sim.session("111111111111").client("organizations")
            created = client.create_organization()["Organization"]["Id"]
            for _ in range(CALLS):
                seen[name].append(client.describe_organization()["Organization"]["Id"])
                await asyncio.sleep(0)  # let the other task run between any two calls
            assert set(seen[name]) == {created}
            counts[name] = len(sim.calls)

        return run

    async def both() -> None:
        await asyncio.gather(first(story("first", first))(), second(story("second", second))())

    asyncio.run(both())
    assert counts == {"first": CALLS + 1, "second": CALLS + 1}
    assert set(seen["first"]).isdisjoint(seen["second"])


def test_threads_inside_their_own_simulations_answer_from_their_own_worlds() -> None:
    barrier = threading.Barrier(2)
    results: dict[int, tuple[str, set[str], int]] = {}
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            with orgsim.simulate(seed=f"thread {n}") as sim:
                client = sim.session("111111111111").client("organizations")
                barrier.wait()  # both simulations are running from here on
                created = client.create_organization()["Organization"]["Id"]
                barrier.wait()
                ids = {client.describe_organization()["Organization"]["Id"] for _ in range(CALLS)}
                barrier.wait()
                results[n] = (created, ids, len(sim.calls))
        except BaseException as error:  # reported in the test's thread
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for created, ids, count in results.values():
        assert ids == {created}
        assert count == CALLS + 1
    assert results[1][0] != results[2][0]


def test_a_thread_started_without_a_context_falls_back_to_the_innermost_simulation() -> None:
    with orgsim.simulate(seed="outer") as outer, orgsim.simulate(seed="inner") as inner:
        inner.session("111111111111").client("organizations").create_organization()
        answered: list[str] = []

        def plain_thread() -> None:
            answered.append(_org_id(orgsim.current(), "111111111111"))

        thread = threading.Thread(target=plain_thread)
        thread.start()
        thread.join()
        assert orgsim.current() is inner
        assert answered == [inner.organization().id]
        assert len(inner.calls) == 2 and len(outer.calls) == 0


def test_a_copied_context_keeps_its_simulation_in_another_thread() -> None:
    with orgsim.simulate(seed="outer") as outer:
        context = contextvars.copy_context()
        with orgsim.simulate(seed="inner") as inner:
            result: list[orgsim.Simulation] = []
            thread = threading.Thread(target=lambda: result.append(context.run(orgsim.current)))
            thread.start()
            thread.join()
            assert result == [outer]
            assert orgsim.current() is inner


def test_nested_simulations_answer_from_the_innermost_then_the_outer_again() -> None:
    with orgsim.simulate(seed="outer") as outer:
        client = outer.session("111111111111").client("organizations")
        client.create_organization()
        with orgsim.simulate(seed="inner") as inner:
            assert orgsim.current() is inner
            with pytest.raises(client.exceptions.AWSOrganizationsNotInUseException):
                client.describe_organization()  # the inner world has no organization
        assert orgsim.current() is outer
        client.describe_organization()
    assert [len(outer.calls), len(inner.calls)] == [2, 1]
    with pytest.raises(orgsim.NoActiveSimulation):
        orgsim.current()


def test_the_outer_simulations_keys_mean_nothing_to_the_inner_one() -> None:
    with orgsim.simulate(seed="outer") as outer:
        member = outer.session("210987654321").client("sts")
        assert member.get_caller_identity()["Account"] == "210987654321"
        with orgsim.simulate(seed="inner", default_account_id="000011112222") as inner:
            # Answered by the inner simulation, which never issued these keys: its default account.
            assert member.get_caller_identity()["Account"] == "000011112222"
            assert inner.calls.last.account_id == "000011112222"
        assert member.get_caller_identity()["Account"] == "210987654321"
    assert [c.account_id for c in outer.calls] == ["210987654321", "210987654321"]


def test_stop_from_another_task_stops_it_for_every_caller() -> None:
    sim = orgsim.simulate().start()

    async def stopper() -> None:
        sim.stop()

    async def main() -> bool:
        await asyncio.gather(stopper())
        return sim.active

    assert asyncio.run(main()) is False
    with pytest.raises(orgsim.NoActiveSimulation):
        orgsim.current()


def test_start_and_stop_without_a_with_block() -> None:
    sim = orgsim.simulate()
    assert not sim.active
    sim.start()
    try:
        assert sim.active and orgsim.current() is sim
        with pytest.raises(RuntimeError, match="already active"):
            sim.start()
    finally:
        sim.stop()
    assert not sim.active
    sim.stop()  # stopping twice does nothing
    with pytest.raises(orgsim.NoActiveSimulation):
        orgsim.current()


def test_stop_from_another_thread_stops_it_for_every_caller() -> None:
    sim = orgsim.simulate().start()
    thread = threading.Thread(target=sim.stop)
    thread.start()
    thread.join()
    assert not sim.active
    with pytest.raises(orgsim.NoActiveSimulation):
        orgsim.current()


def test_each_call_of_a_decorated_function_gets_its_own_simulation() -> None:
    sim = orgsim.simulate()
    worlds: list[orgsim.Simulation] = []

    @sim
    def body() -> int:
        worlds.append(orgsim.current())
        sim.session("111111111111").client("organizations").create_organization()
        return len(sim.calls)

    assert [body(), body()] == [1, 1]
    assert worlds[0] is not worlds[1] and not any(w.active for w in worlds)


def test_each_call_of_a_decorated_coroutine_gets_its_own_simulation() -> None:
    sim = orgsim.simulate()

    @sim
    async def body(n: int) -> tuple[int, str]:
        client = sim.session("111111111111").client("organizations")
        client.create_organization()
        await asyncio.sleep(0)
        return len(sim.calls), client.describe_organization()["Organization"]["Id"]

    async def both() -> list[tuple[int, str]]:
        return list(await asyncio.gather(body(1), body(2)))

    (count_1, org_1), (count_2, org_2) = asyncio.run(both())
    assert count_1 == count_2 == 1
    assert org_1 != org_2
