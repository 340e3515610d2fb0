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
