"""The README stays true: the quick-start commands and the options table."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import orgsim

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _fenced_blocks(text: str) -> list[list[str]]:
    return [block.strip("\n").splitlines() for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, re.M | re.S)]


def test_quick_start_is_exactly_two_one_line_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert _fenced_blocks(quick_start) == [
        ["python3 -m pip install -e . && python3 -m orgsim demo"],
        ['python3 -m pip install -e ".[test]" && python3 -m pytest -n auto'],
    ]


def test_options_table_lists_every_option() -> None:
    section = README.split("## Options", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `(\w+)` \|", section, re.M)
    missing = [f.name for f in dataclasses.fields(orgsim.Options) if f.name not in documented]
    assert not missing, f"options missing from the README's table: {missing}"


def test_performance_section_points_at_the_benchmarks() -> None:
    assert "## Performance" in README
    assert "benchmarks/" in README.split("## Performance", 1)[1]


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, re.M | re.S)


def test_code_examples_call_the_simulation_sim_not_orgsim() -> None:
    # In a test that asks for the fixture, ``orgsim`` is the simulation and shadows the module: the
    # examples keep ``orgsim.`` for the module and call the simulation ``sim``.
    misread = sorted(
        {
            f"orgsim.{name}"
            for block in _python_blocks(README)
            for name in re.findall(r"\borgsim\.(\w+)", block)
            if name not in orgsim.__all__ and not hasattr(orgsim, name)
        }
    )
    assert not misread, f"README examples use the module name for simulation attributes: {misread}"


def test_async_test_examples_show_what_runs_them() -> None:
    for block in _python_blocks(README):
        for test in re.finditer(r"^async def test_\w+", block, re.M):
            before = block[: test.start()].rstrip().splitlines()[-3:]
            assert any("@pytest.mark.anyio" in line or "@pytest.mark.asyncio" in line for line in before), (
                "an async test in the README without the marker of an async plugin: " + test.group()
            )


def test_the_test_command_says_how_long_it_takes() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"takes about [\d.]+ minutes? on \d cores", quick_start)


def test_the_fail_closed_guarantees_are_stated() -> None:
    for promise in (
        "RealAWSRequestBlocked",  # what is refused, and how
        "loopback",  # what is let through
        "ProfileNotFound",  # profiles made inside a simulation
        "No provider of botocore's credential chain runs",
        "keeps failing closed",  # clients and paginators after a simulation
        "ClockOutOfRange",
    ):
        assert promise in README, promise
