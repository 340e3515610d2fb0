"""The cases, in groups. Each group is a module with ``measure(settings) -> list[Section]`` and is listed
in ``GROUPS`` below, in the order a run measures and reports them.

To add a case, add it to the group it belongs to; a new scale curve is one ``Curve`` in
``scale.CURVES`` (a function that builds a world of a given size and returns what to time in it).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..method import Settings
    from ..report import Section

#: The default account of orgsim and of moto.
MANAGEMENT = "123456789012"
REGION = "us-east-1"

#: The groups: modules of ``benchmarks.cases``, imported when the group runs (after ``sys.path`` is set).
GROUPS = (
    "calls",  # per call: orgsim, botocore's floor and Stubber
    "users",  # what a test suite feels: client creation, fixture setup, a realistic test
    "moto",  # the operations moto has, side by side
    "scale",  # invite, list pages and seeding at 100 / 1,000 / 10,000
    "memory",  # bytes per handshake, purged ones freed, a long simulation
    "processes",  # import time and the plugin's cost in fresh processes
)


def measurer(group: str) -> Callable[[Settings], list[Section]]:
    module = import_module(f"{__name__}.{group}")
    measure: Callable[[Settings], list[Section]] = module.measure
    return measure
