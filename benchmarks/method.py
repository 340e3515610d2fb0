"""How the benchmark measures: interleaved rounds, medians of pairwise ratios, CPU time of fresh processes.

The machines this runs on are noisy (2 cores shared with other work), so nothing is compared across
time: every figure that is compared is a ratio (or a difference) between cases measured in the same
round, and the reported value is its median over the rounds.

- A round runs one batch of every case of a group, in a new random order each round, so that no case
  always follows the same neighbour. A batch is ``batch`` timed calls after one untimed call (the case
  before it may have evicted this one's code and data from the CPU caches).
- What a case needs before each call (a fresh organization, an invitation to accept) is made untimed
  by its ``prepare``; ``enter`` and ``leave`` run around a batch (starting and stopping a mock).
- Long-lived setup (big organizations, moto, botocore's models) is frozen out of the garbage collector's
  full passes while a group runs (``frozen_setup``); what each call allocates is collected as usual.
- Costs of a whole process (imports, the pytest plugin) are CPU times of fresh processes, medians of
  ``runs``, which a busy machine disturbs far less than wall time.
"""

from __future__ import annotations

import contextlib
import gc
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Settings:
    """How long to measure. ``quick`` shrinks everything to a smoke run whose numbers mean nothing."""

    rounds: int = 150
    batch: int = 10
    runs: int = 21
    quick: bool = False
    #: The sizes of every scale curve.
    sizes: tuple[int, ...] = (100, 1_000, 10_000)

    @classmethod
    def smoke(cls) -> Settings:
        return cls(rounds=2, batch=2, runs=2, quick=True, sizes=(20, 40, 60))

    def scaled(self, rounds: float = 1.0, batch: float = 1.0) -> tuple[int, int]:
        """Rounds and batch for a group whose calls cost more than a few hundred µs (at least 2 each)."""
        return max(2, round(self.rounds * rounds)), max(2, round(self.batch * batch))


@dataclass
class Case:
    """One timed operation: ``call`` is timed, ``prepare`` runs untimed before every call, ``enter`` and
    ``leave`` around a batch. ``samples`` holds one figure per round: the batch's mean seconds per call."""

    name: str
    call: Callable[[], Any]
    prepare: Callable[[], Any] | None = None
    enter: Callable[[], Any] | None = None
    leave: Callable[[], Any] | None = None
    samples: list[float] = field(default_factory=list)

    def run_batch(self, size: int) -> None:
        prepare, call, clock = self.prepare, self.call, time.perf_counter
        if self.enter is not None:
            self.enter()
        try:
            if prepare is not None:
                prepare()
            call()  # untimed: brings this case's code back into the caches
            total = 0.0
            for _ in range(size):
                if prepare is not None:
                    prepare()
                start = clock()
                call()
                total += clock() - start
        finally:
            if self.leave is not None:
                self.leave()
        self.samples.append(total / size)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def micros(self) -> float:
        return self.median * 1e6


def interleave(cases: Sequence[Case], rounds: int, batch: int, *, seed: int = 5) -> None:
    """Round-robin over ``cases``: a warm-up batch each (caches, compiled checks, first-call imports;
    not kept), then ``rounds`` rounds of one batch each, in a new random order every round."""
    for case in cases:
        case.run_batch(max(2, batch // 4))
        case.samples.clear()
    order = list(cases)
    shuffle = random.Random(seed).shuffle
    for _ in range(rounds):
        shuffle(order)
        for case in order:
            case.run_batch(batch)


def ratio(case: Case, base: Case) -> float:
    """Median over rounds of ``case`` / ``base`` measured in the same round."""
    return statistics.median(a / b for a, b in zip(case.samples, base.samples, strict=True))


def added_micros(case: Case, base: Case) -> float:
    """Median over rounds of what ``case`` costs beyond ``base`` in the same round, in µs."""
    return statistics.median(a - b for a, b in zip(case.samples, base.samples, strict=True)) * 1e6


@contextlib.contextmanager
def frozen_setup() -> Iterator[None]:
    """Keep what exists now out of the collector's full passes until the block ends."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def interleave_whole(cases: Sequence[Case], rounds: int, *, seed: int = 5) -> None:
    """Round-robin for operations long enough (tens of milliseconds and more) that caches do not
    matter: each round times one call of every case (after its ``prepare``), in a new random order."""
    order = list(cases)
    shuffle = random.Random(seed).shuffle
    clock = time.perf_counter
    for _ in range(rounds):
        shuffle(order)
        for case in order:
            if case.prepare is not None:
                case.prepare()
            start = clock()
            case.call()
            case.samples.append(clock() - start)


# -- fresh processes -------------------------------------------------------------------------------


def child_env(src: str) -> dict[str, str]:
    """The environment of a fresh process that imports orgsim from ``src``, with no pytest plugins
    forced on it."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_PLUGINS", None)
    return env


def cpu_of_snippet(code: str, runs: int, env: dict[str, str]) -> float:
    """The median of what ``code`` prints (a CPU time it measured itself) over ``runs`` fresh processes."""
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def cpu_of_process(argv: list[str], cwd: str, env: dict[str, str]) -> float:
    """User + system CPU time of one run of ``argv`` in a fresh process (wall time where the platform
    has no ``resource`` module)."""
    try:
        import resource
    except ImportError:
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
        return time.perf_counter() - start
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
