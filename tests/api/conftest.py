"""The scene most API tests start from: an organization with all features, managed by the default
account, in the test's own simulation. A test module that needs another scene defines its own
``world`` fixture, which takes precedence."""

from __future__ import annotations

import pytest
from support import World

import orgsim


@pytest.fixture
def world(orgsim: orgsim.Simulation) -> World:
    return World.build(orgsim)
