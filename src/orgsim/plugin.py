"""The pytest plugin: the ``orgsim`` and ``orgsim_server`` fixtures, the ``orgsim`` marker, and the
``orgsim`` section of failure reports.

Imports only pytest (and the standard library) until a test uses a simulation.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any, cast

import pytest

from . import activation

if TYPE_CHECKING:
    from .serving import Server
    from .simulation import Simulation

_STARTED = pytest.StashKey[list[object]]()
#: How many of the latest calls a failure report lists.
REPORT_CALLS = 15
#: The simulations started while the current test runs (the list ``_STARTED`` holds), and those of
#: them started by fixtures wider than a function, which may legitimately outlive it.
_watching: list[object] | None = None
_outliving: list[object] = []


def pytest_configure(config: pytest.Config) -> None:
    from .options import Options

    config.addinivalue_line(
        "markers",
        "orgsim(**options): run the test inside an orgsim simulation configured by these options "
        f"({', '.join(Options.names())}).",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A marked test gets the simulation even when it does not ask for the fixture.
    for item in items:
        if item.get_closest_marker("orgsim") is not None:
            fixturenames = getattr(item, "fixturenames", None)
            if fixturenames is not None and "orgsim" not in fixturenames:
                fixturenames.insert(0, "orgsim")


@pytest.fixture
def orgsim(request: pytest.FixtureRequest) -> Iterator[Simulation]:
    """A fresh, active simulation for this test, configured by its ``orgsim`` marker."""
    from .simulation import simulate

    options: dict[str, object] = {}
    marker = request.node.get_closest_marker("orgsim")
    if marker is not None:
        if marker.args:
            raise TypeError("the orgsim marker takes keyword options only, e.g. @pytest.mark.orgsim(max_accounts=4)")
        options.update(marker.kwargs)
    # Ids follow from the test, so a failure reproduces whatever worker or order ran it.
    options.setdefault("seed", request.node.nodeid)
    with simulate(**options) as sim:
        yield sim


@pytest.fixture
def orgsim_server(orgsim: Simulation) -> Iterator[Server]:
    """The test's ``orgsim`` simulation served over HTTP on a free loopback port, for clients outside
    the process: ``orgsim_server.endpoint_url``. While the test runs, ``AWS_ENDPOINT_URL_ORGANIZATIONS``
    and ``AWS_ENDPOINT_URL_STS`` point at it, so child processes (the AWS CLI) reach it with no flag.
    Under pytest-socket, allow loopback for the test: ``@pytest.mark.allow_hosts(["127.0.0.1"])``."""
    with orgsim.serve() as server:
        yield server


# -- failure report -------------------------------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, None]:
    # Every simulation started while this test runs (fixture, decorator, context manager) is
    # remembered for its report, and forgotten afterwards so that its world can be freed.
    global _watching
    started = item.stash[_STARTED] = activation.watch()
    _watching = started
    try:
        yield
    finally:
        _stop(_leaked(started))  # in case the teardown check below did not get to run
        _watching = None
        activation.unwatch(started)
        del item.stash[_STARTED]


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> Generator[None, Any, None]:
    # A simulation a module- or session-scoped fixture starts is stopped by that fixture, later.
    started = _watching
    before = len(started) if started is not None else 0
    yield
    if started is not None and fixturedef.scope != "function":
        _outliving.extend(started[before:])


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    # After every fixture of the test is finalised: a simulation the test started and left running
    # would answer the tests that follow. Stop it, and fail this test for it.
    leaked = _leaked(item.stash.get(_STARTED, []))
    if leaked:
        _stop(leaked)
        pytest.fail(
            f"this test left {len(leaked)} orgsim simulation{'s' if len(leaked) > 1 else ''} running (started "
            "with start() and never stopped, or a with block never left); orgsim stopped "
            f"{'them' if len(leaked) > 1 else 'it'} so that no later test is answered by "
            f"{'them' if len(leaked) > 1 else 'it'}. Stop what the test starts (sim.stop() in a finally, or a "
            "with block), or use the orgsim fixture or the decorator.",
            pytrace=False,
        )


def _leaked(started: list[object]) -> list[Simulation]:
    running = [cast("Simulation", sim) for sim in started if cast("Simulation", sim).active]
    outliving = [sim for sim in _outliving if cast("Simulation", sim).active]
    _outliving[:] = outliving
    return [sim for sim in running if not any(sim is other for other in outliving)]


def _stop(simulations: list[Simulation]) -> None:
    for sim in simulations:
        sim.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if not report.failed:
        return
    started = item.stash.get(_STARTED, None)
    for index, sim in enumerate(started or ()):
        title = "orgsim" if index == 0 else f"orgsim ({index + 1})"
        report.sections.append((title, _describe(sim)))


def _describe(sim: object) -> str:
    try:
        return cast("Simulation", sim).report(last_calls=REPORT_CALLS)
    except Exception as exc:  # never hide the test's own failure behind ours
        return f"orgsim could not describe the simulated world: {exc!r}\n"
