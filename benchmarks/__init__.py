"""orgsim's benchmark: what a simulated call and a test suite cost, next to botocore, its Stubber and moto.

Run from the root of a checkout (``pip install -e '.[bench]'`` brings moto):

    python -m benchmarks                                  all groups (several minutes)
    python -m benchmarks --markdown benchmarks/RESULTS.md  also write the tables
    python -m benchmarks --quick                          everything, tiny: checks the script, not the code
    python -m benchmarks --only calls,scale               some groups (see ``benchmarks.cases.GROUPS``)

``python benchmarks/run.py`` is the same, from anywhere. The checkout's ``src`` goes first on
``sys.path`` (and on ``PYTHONPATH`` for the fresh processes), so the numbers are this tree's; ``--src
DIR`` measures another (``--sizes 100,1000`` keeps an older tree's quadratic seeding short).

- ``method``: how figures are made (interleaved rounds, medians of pairwise ratios, CPU time of fresh
  processes);
- ``cases``: what is measured, one module per group;
- ``report``: the tables, and the machine and versions they came from.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Source:
    """Where the measured orgsim comes from."""

    path: Path = REPO / "src"

    def use(self, path: Path) -> None:
        self.path = path
        sys.path.insert(0, str(path))


SOURCE = Source()
