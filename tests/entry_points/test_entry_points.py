"""orgsim.simulate as decorator (sync and async), context manager, async context manager and start/stop;
orgsim.current(); options; every simulation starts empty."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import boto3
import pytest

import orgsim
from orgsim import NoActiveSimulation, Simulation


def _org_client() -> Any:
    # Built with the ambient (faked) credentials: the caller is the default account.
    return boto3.client("organizations", region_name="us-east-1")


def _has_organization() -> bool:
    client = _org_client()
    try:
        client.describe_organization()
    except client.exceptions.AWSOrganizationsNotInUseException:
        return False
    return True


def test_current_without_a_simulation_is_a_clear_error() -> None:
    with pytest.raises(NoActiveSimulation, match="no orgsim simulation is active"):
        orgsim.current()
    assert issubclass(NoActiveSimulation, RuntimeError)
    assert issubclass(NoActiveSimulation, orgsim.OrgsimError)


def test_context_manager() -> None:
    with orgsim.simulate() as sim:
        assert isinstance(sim, Simulation)
        assert orgsim.current() is sim and sim.active
        _org_client().create_organization()
        assert _has_organization()
    assert not sim.active
    with pytest.raises(NoActiveSimulation):
        orgsim.current()


def test_decorator_on_a_sync_function() -> None:
    seen: list[Simulation] = []

    @orgsim.simulate(default_account_id="000011112222")
    def work(x: int, *, y: int) -> int:
        sim = orgsim.current()
        seen.append(sim)
        assert sim.default_account_id == "000011112222"
        assert not _has_organization()  # each call starts empty
        _org_client().create_organization()
        return x + y

    assert work.__name__ == "work"
    assert work(1, y=2) == 3
    assert work(3, y=4) == 7
    assert len(seen) == 2 and seen[0] is not seen[1]
    with pytest.raises(NoActiveSimulation):
        orgsim.current()


@orgsim.simulate(max_accounts=3)
def test_decorator_on_a_test_that_uses_fixtures(tmp_path: Any) -> None:
    # functools.wraps keeps the signature, so pytest still injects fixtures into a decorated test.
    assert tmp_path.is_dir()
    assert orgsim.current().options.max_accounts == 3


def test_decorator_stops_the_simulation_when_the_function_raises() -> None:
    @orgsim.simulate()
    def boom() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        boom()
    with pytest.raises(NoActiveSimulation):
        orgsim.current()


def test_decorator_on_an_async_function() -> None:
    @orgsim.simulate(default_account_id="000011112222")
    async def work(x: int) -> str:
        sim = orgsim.current()
        assert not _has_organization()
        await asyncio.sleep(0)
        org = _org_client().create_organization()["Organization"]
        assert orgsim.current() is sim
        return f"{x}:{org['MasterAccountId']}"

    assert asyncio.iscoroutinefunction(work)
    assert asyncio.run(work(1)) == "1:000011112222"
    assert asyncio.run(work(2)) == "2:000011112222"  # fresh again
    with pytest.raises(NoActiveSimulation):
        orgsim.current()


def test_async_with() -> None:
    async def main() -> str:
        async with orgsim.simulate() as sim:
            assert orgsim.current() is sim
            return _org_client().create_organization()["Organization"]["MasterAccountId"]  # type: ignore[no-any-return]

    assert asyncio.run(main()) == "123456789012"
    with pytest.raises(NoActiveSimulation):
        orgsim.current()


def test_start_and_stop() -> None:
    sim = orgsim.simulate()
    assert not sim.active
    assert sim.start() is sim
    try:
        assert orgsim.current() is sim
        with pytest.raises(RuntimeError, match="already active"):
            sim.start()
        _org_client().create_organization()
    finally:
        sim.stop()
    sim.stop()  # idempotent
    with pytest.raises(NoActiveSimulation):
        orgsim.current()


def test_a_restarted_simulation_starts_empty() -> None:
    sim = orgsim.simulate()
    with sim:
        _org_client().create_organization()
        sim.seed_account("210987654321")
    with sim:
        assert not _has_organization()
        sim.seed_account("210987654321")  # not a duplicate: the world is new


def test_every_simulation_starts_empty() -> None:
    with orgsim.simulate():
        _org_client().create_organization()
    with orgsim.simulate():
        assert not _has_organization()


def test_nested_simulations_are_separate_worlds() -> None:
    with orgsim.simulate() as outer:
        _org_client().create_organization()
        with orgsim.simulate() as inner:
            assert orgsim.current() is inner
            assert not _has_organization()
        assert orgsim.current() is outer
        assert _has_organization()


def test_session_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not been started"):
        orgsim.simulate().session("123456789012")


@pytest.mark.parametrize("options", [{"max_acounts": 3}, {"seed": 1, "colour": "red", "size": 2}])
def test_unknown_options_are_an_error(options: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="unknown orgsim option") as info:
        orgsim.simulate(**options)
    for name in options:
        if name != "seed":
            assert name in str(info.value)


@pytest.mark.parametrize(
    "options",
    [
        {"default_account_id": "12345"},
        {"default_account_id": 123456789012},
        {"max_accounts": 0},
        {"max_accounts": "10"},
        {"max_accounts": True},
        {"max_invitations_per_day": -1},
        {"passthrough": "yes"},
    ],
)
def test_bad_option_values_are_an_error(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        orgsim.simulate(**options)


def test_default_options() -> None:
    sim = orgsim.simulate()
    assert sim.default_account_id == "123456789012"
    assert sim.options.max_accounts == 10
    assert sim.options.max_invitations_per_day == 20


def test_seed_makes_ids_repeat() -> None:
    def run() -> tuple[str, str]:
        with orgsim.simulate(seed=7) as sim:
            org = _org_client().create_organization()["Organization"]["Id"]
            return org, sim.seed_account().id

    assert run() == run()


# -- create_account -------------------------------------------------------------------------------


def test_seed_account(orgsim: orgsim.Simulation) -> None:
    account = orgsim.seed_account("210987654321", email="a@example.com", name="A")
    assert (account.id, account.email, account.name) == ("210987654321", "a@example.com", "A")
    assert account.organization_id is None and account.joined_method is None
    generated = orgsim.seed_account()
    assert generated.id.isdigit() and len(generated.id) == 12
    assert generated.email and generated.name
    with pytest.raises(ValueError, match="already exists"):
        orgsim.seed_account("210987654321")
    with pytest.raises(ValueError, match="already belongs"):
        orgsim.seed_account(email="A@example.com")
    with pytest.raises(ValueError, match="12 digits"):
        orgsim.seed_account("2109")


def test_an_implicit_account_can_be_created_later_with_details(orgsim: orgsim.Simulation) -> None:
    client = orgsim.session("210987654321").client("organizations")
    client.create_organization()
    account = orgsim.seed_account("210987654321", email="late@example.com", name="Late")
    assert account.organization_id is not None
    assert client.describe_organization()["Organization"]["MasterAccountEmail"] == "late@example.com"


def test_implicit_accounts_never_share_an_email(orgsim: orgsim.Simulation) -> None:
    taken = orgsim.seed_account("222222222222", email="aws+111111111111@example.com")
    mgmt = orgsim.session("333333333333").client("organizations")
    mgmt.create_organization()
    # 111111111111 comes into being implicitly; the email its generated address would have is taken.
    mgmt.invite_account_to_organization(Target={"Id": "111111111111", "Type": "ACCOUNT"})
    by_email = mgmt.invite_account_to_organization(Target={"Id": taken.email, "Type": "EMAIL"})["Handshake"]
    owner = orgsim.session(taken.id).client("organizations")
    assert [h["Id"] for h in owner.list_handshakes_for_account()["Handshakes"]] == [by_email["Id"]]
    implicit = orgsim.session("111111111111").client("organizations")
    assert by_email["Id"] not in [h["Id"] for h in implicit.list_handshakes_for_account()["Handshakes"]]


def test_credentials_do_not_outlive_their_simulation() -> None:
    with orgsim.simulate() as first:
        client = first.session("210987654321").client("sts")
        assert client.get_caller_identity()["Account"] == "210987654321"
    with orgsim.simulate(default_account_id="000011112222"):
        # Keys the first simulation issued mean nothing to the second: the caller is its default account.
        assert client.get_caller_identity()["Account"] == "000011112222"


def test_a_decorating_simulation_stands_for_the_running_call() -> None:
    sim = orgsim.simulate(default_account_id="000011112222")
    runs: list[Simulation] = []

    @sim
    def work() -> str:
        runs.append(orgsim.current())
        client = sim.session("000011112222").client("organizations")  # through the decorating object
        org_id: str = client.create_organization()["Organization"]["Id"]
        assert sim.organizations[0].id == org_id
        assert [c.operation for c in sim.calls] == ["CreateOrganization"]
        return org_id

    first, second = work(), work()
    assert first != second  # each call had a fresh simulation of its own
    assert runs[0] is not runs[1] and runs[0] is not sim
    with pytest.raises(RuntimeError, match="decorates functions"):
        sim.session("000011112222")  # between calls there is nothing to stand for


def test_a_decorating_simulation_stands_for_the_running_async_call() -> None:
    sim = orgsim.simulate()

    @sim
    async def work() -> int:
        sim.seed_organization(members=2)
        await asyncio.sleep(0)
        return len(sim.accounts)

    assert asyncio.run(work()) == 3
    assert asyncio.run(work()) == 3  # fresh again: the first call's accounts are gone


def test_a_decorated_call_in_another_thread_needs_current() -> None:
    sim = orgsim.simulate()
    errors: list[BaseException] = []

    @sim
    def work() -> None:
        def elsewhere() -> None:
            try:
                sim.session("111111111111")
            except RuntimeError as error:
                errors.append(error)
            assert orgsim.current().active

        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()

    work()
    assert len(errors) == 1 and "orgsim.current()" in str(errors[0])


# -- the decorator on generators and classes --------------------------------------------------------


def test_a_decorated_generator_keeps_its_simulation_for_its_whole_life() -> None:
    @orgsim.simulate(default_account_id="000011112222")
    def accounts() -> Any:
        sim = orgsim.current()
        _org_client().create_organization()
        received = yield sim
        assert orgsim.current() is sim  # still its own simulation after the pause
        yield _org_client().describe_organization()["Organization"]["MasterAccountId"] + received
        return "done"

    steps = accounts()
    with pytest.raises(NoActiveSimulation):
        orgsim.current()  # nothing runs before the first step
    sim = next(steps)
    assert orgsim.current() is sim and sim.active  # paused between steps: still active
    assert steps.send("!") == "000011112222!"
    with pytest.raises(StopIteration) as finished:
        next(steps)
    assert finished.value.value == "done"
    assert not sim.active
    with pytest.raises(NoActiveSimulation):
        orgsim.current()


def test_a_decorated_generator_closed_early_stops_its_simulation() -> None:
    @orgsim.simulate()
    def forever() -> Any:
        while True:
            yield orgsim.current()

    steps = forever()
    sim = next(steps)
    steps.close()
    assert not sim.active
    with pytest.raises(NoActiveSimulation):
        orgsim.current()


def test_a_decorated_async_generator_keeps_its_simulation_for_its_whole_life() -> None:
    @orgsim.simulate()
    async def pages() -> Any:
        sim = orgsim.current()
        _org_client().create_organization()
        for _ in range(3):
            await asyncio.sleep(0)
            got = yield sim
            assert got is None or got == "hello"
            assert orgsim.current() is sim

    async def main() -> tuple[list[Simulation], bool, bool]:
        seen = []
        async for sim in pages():
            seen.append(sim)
            assert sim.active and _has_organization()  # between steps too
        gen = pages()
        first = await gen.__anext__()
        assert await gen.asend("hello") is first
        await gen.aclose()
        return seen, seen[0].active, first.active

    seen, still_active, closed_active = asyncio.run(main())
    assert len(seen) == 3 and len(set(map(id, seen))) == 1
    assert not still_active and not closed_active
    with pytest.raises(NoActiveSimulation):
        orgsim.current()


def test_an_exception_thrown_into_a_decorated_async_generator_reaches_it() -> None:
    caught: list[str] = []

    @orgsim.simulate()
    async def guarded() -> Any:
        try:
            yield 1
        except KeyError as error:
            caught.append(str(error))
            yield 2

    async def main() -> int:
        gen = guarded()
        await gen.__anext__()
        value: int = await gen.athrow(KeyError("boom"))
        await gen.aclose()
        return value

    assert asyncio.run(main()) == 2
    assert caught == ["'boom'"]


def test_a_decorated_class_runs_each_test_method_in_its_own_simulation() -> None:
    class Base:
        def test_inherited(self) -> Simulation:
            return orgsim.current()

    @orgsim.simulate(max_accounts=4)
    class TestSomething(Base):
        def setup_method(self) -> None:
            self.outside = _no_simulation()

        def test_one(self) -> Simulation:
            _org_client().create_organization()
            return orgsim.current()

        async def test_async(self) -> Simulation:
            await asyncio.sleep(0)
            return orgsim.current()

        @staticmethod
        def test_static() -> int:
            return orgsim.current().options.max_accounts

        @classmethod
        def test_class(cls) -> str:
            return cls.__name__ + str(orgsim.current().options.max_accounts)

        def helper(self) -> bool:
            return _no_simulation()

    instance = TestSomething()
    instance.setup_method()
    assert instance.outside  # set-up runs outside the simulation
    first, second = instance.test_one(), instance.test_one()
    assert first is not second and first.options.max_accounts == 4
    assert asyncio.run(instance.test_async()).options.max_accounts == 4
    assert instance.test_inherited().options.max_accounts == 4
    assert Base().test_inherited is not None and _no_simulation()
    assert TestSomething.test_static() == 4
    assert TestSomething.test_class() == "TestSomething4"
    assert instance.helper()  # not a test method: left alone
    assert _no_simulation()


def _no_simulation() -> bool:
    try:
        orgsim.current()
    except NoActiveSimulation:
        return True
    return False


def test_pytest_collects_the_tests_of_a_decorated_class(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import orgsim

        class Base:
            def test_inherited(self):
                assert orgsim.current().options.max_accounts == 4

        @orgsim.simulate(max_accounts=4)
        class TestDecorated(Base):
            def setup_method(self):
                self.sims = []
                try:
                    orgsim.current()
                except orgsim.NoActiveSimulation:
                    self.outside = True

            def test_one(self, tmp_path):
                assert self.outside and tmp_path.is_dir()
                assert orgsim.current().options.max_accounts == 4

            def test_two(self):
                assert orgsim.current().active
        """
    )
    pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider").assert_outcomes(passed=3)
