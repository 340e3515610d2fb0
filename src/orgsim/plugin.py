"""The pytest plugin: the ``orgsim`` fixture and marker. Imports only pytest until a test uses it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .simulation import Simulation


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "orgsim(**options): run the test inside an orgsim simulation configured by these options "
        "(max_accounts, max_invitations_per_day, default_account_id, seed, passthrough, "
        "allow_invites_during_enable_all_features, create_account_delay_seconds, created_account_wait_days).",
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
