"""An example ``conftest.py`` for testing code that manages AWS Organizations invitations with orgsim.

Copy it to ``tests/conftest.py`` and change the account ids to taste. It needs
``pip install pytest-orgsim pytest-freezer`` (the ``orgsim`` fixture and marker come with pytest-orgsim;
``freezer`` comes from pytest-freezer). orgsim's own test suite runs this file, so it stays correct.

What it gives your tests:
- every test that uses orgsim runs with the same defaults (see ``ORGSIM_DEFAULTS``); a test can still
  pass its own ``@pytest.mark.orgsim(...)``;
- ``organization``: an organization with one member and one pending invitation, built at a frozen
  instant (``frozen``), so expiry dates are predictable;
- ``management_client``, ``member_client``, ``invitee_client``: boto3 Organizations clients that act as
  those accounts.
"""

from __future__ import annotations

from typing import Any

import pytest

from orgsim import SeededOrganization, Simulation

MANAGEMENT = "111111111111"
MEMBER = "222222222222"
INVITEE = "333333333333"

#: Options for every test that uses orgsim and has no ``orgsim`` marker of its own.
ORGSIM_DEFAULTS: dict[str, Any] = {"default_account_id": MANAGEMENT, "max_accounts": 5}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marker defaults: give ORGSIM_DEFAULTS to tests that use orgsim without a marker."""
    for item in items:
        uses_orgsim = "orgsim" in getattr(item, "fixturenames", ())
        if uses_orgsim and item.get_closest_marker("orgsim") is None:
            item.add_marker(pytest.mark.orgsim(**ORGSIM_DEFAULTS))


@pytest.fixture
def frozen(freezer: Any) -> Any:
    """Time stands still at a known instant. Move it with ``frozen.tick(timedelta(days=16))`` or
    ``frozen.move_to("2024-02-01")``; orgsim reads the clock at every call, so expiry follows."""
    freezer.move_to("2024-01-01T09:00:00Z")
    return freezer


@pytest.fixture
def organization(orgsim: Simulation, frozen: Any) -> SeededOrganization:
    """An organization run by MANAGEMENT, with MEMBER already in it and an OPEN invitation to INVITEE."""
    return orgsim.seed_organization(MANAGEMENT, members=[MEMBER], invitations=[INVITEE])


@pytest.fixture
def management_client(orgsim: Simulation, organization: SeededOrganization) -> Any:
    return orgsim.session(MANAGEMENT).client("organizations")


@pytest.fixture
def member_client(orgsim: Simulation, organization: SeededOrganization) -> Any:
    return orgsim.session(MEMBER).client("organizations")


@pytest.fixture
def invitee_client(orgsim: Simulation, organization: SeededOrganization) -> Any:
    return orgsim.session(INVITEE).client("organizations")
