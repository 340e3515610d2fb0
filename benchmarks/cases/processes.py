"""Costs of a whole process: importing orgsim, and the pytest plugin in a session that never uses it.

CPU times of fresh processes (medians), which a busy machine disturbs far less than wall time. The
plugin's cost compares sessions with and without ``-p orgsim.plugin`` (what its entry point loads),
with other plugins' autoloading off (their start-up varies by more than the target from one session to
the next), in pairs.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from .. import SOURCE
from ..method import Settings, child_env, cpu_of_process, cpu_of_snippet
from ..report import Row, Section

_IMPORT = """
import time, boto3
start = time.process_time()
import orgsim
orgsim.simulate  # the public API resolved, however the package loads it
print(time.process_time() - start)
"""

_PLUGIN_IMPORT = """
import time, pytest
start = time.process_time()
import orgsim.plugin
print(time.process_time() - start)
"""

PLUGIN_TARGET_SECONDS = 0.020


def plugin_cost(runs: int, env: dict[str, str]) -> Row:
    env = {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "test_trivial.py").write_text("def test_nothing():\n    assert 1 + 1 == 2\n")
        Path(tmp, "pytest.ini").write_text("[pytest]\n")
        without = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_trivial.py"]
        with_plugin = [*without, "-p", "orgsim.plugin"]
        added: list[float] = []
        alone: list[float] = []
        for _ in range(runs):
            base = cpu_of_process(without, tmp, env)
            added.append(cpu_of_process(with_plugin, tmp, env) - base)
            alone.append(base)
    cost = statistics.median(added)
    return Row(
        f"plugin in a pytest session that never uses it (median of {runs} pairs)", None,
        f"{cost * 1e3:+.1f} ms (of {statistics.median(alone) * 1e3:.0f} ms)",
        f"<= {PLUGIN_TARGET_SECONDS * 1e3:.0f} ms", cost <= PLUGIN_TARGET_SECONDS,
    )


def measure(settings: Settings) -> list[Section]:
    env = child_env(str(SOURCE.path))
    runs = settings.runs
    rows = [
        Row(f"import orgsim after boto3 (median of {runs})", None, f"{cpu_of_snippet(_IMPORT, runs, env) * 1e3:.1f} ms"),
        Row(f"import orgsim.plugin after pytest (median of {runs})", None,
            f"{cpu_of_snippet(_PLUGIN_IMPORT, runs, env) * 1e3:.1f} ms"),
        plugin_cost(runs, env),
    ]
    note = "CPU times of fresh processes. The plugin's row compares pytest sessions with other plugins' autoloading\noff, with and without `-p orgsim.plugin`, in pairs."
    return [Section("Imports and the plugin", note, rows)]
