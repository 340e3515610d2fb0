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
