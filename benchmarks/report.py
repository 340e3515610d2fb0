"""What a run reports: rows grouped in sections, as a console table or markdown, with the machine named."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Row:
    """One line of the results. ``micros`` is a cost per call (None for rows that are only a ratio or a
    size); ``versus`` says what it is compared with ("1.18 x floor", "+13.2 µs over the floor")."""

    case: str
    micros: float | None
    versus: str
    target: str = ""
    passed: bool | None = None

    @property
    def result(self) -> str:
        return "" if self.passed is None else ("PASS" if self.passed else "FAIL")


@dataclass
class Section:
    title: str
    #: What the rows mean and how they were made, in a sentence or two (markdown only).
    note: str
    rows: list[Row]


def target_row(case: str, micros: float | None, value: float, limit: float, *, unit: str, at_most: bool = True,
               fmt: str = "{:.2f}") -> Row:
    """A row whose ``value`` must stay at most (or at least) ``limit``."""
    passed = value <= limit if at_most else value >= limit
    sign = "<=" if at_most else ">="
    return Row(case, micros, f"{fmt.format(value)}{unit}", f"{sign} {fmt.format(limit)}{unit}", passed)


def failures(sections: Sequence[Section]) -> list[str]:
    return [f"{s.title}: {r.case}" for s in sections for r in s.rows if r.passed is False]


def console(sections: Sequence[Section]) -> str:
    header = ("case", "µs/call", "vs", "target", "result")
    out: list[str] = []
    for section in sections:
        cells = [header, *((r.case, _micros(r), r.versus, r.target, r.result) for r in section.rows)]
        widths = [max(len(c[i]) for c in cells) for i in range(5)]
        out += ["", f"== {section.title}"]
        for index, c in enumerate(cells):
            out.append("  ".join(c[i].rjust(widths[i]) if i in (1, 2) else c[i].ljust(widths[i]) for i in range(5)))
            if index == 0:
                out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown(sections: Sequence[Section], machine_lines: Sequence[str], command: str) -> str:
    lines = ["# Benchmark results", "", "Machine:", "", *[f"- {m}" for m in machine_lines], "",
             f"Command: `{command}`", "",
             "How to read it: see `benchmarks/method.py`. Every ratio and every \"µs added\" is the median over",
             "interleaved rounds of the two cases measured in the same round; µs/call is the median of the",
             "batches' means.", ""]
    for section in sections:
        lines += [f"## {section.title}", "", section.note, "",
                  "| case | µs/call | vs | target | result |", "|---|---:|---:|---|---|"]
        lines += [f"| {r.case} | {_micros(r)} | {r.versus} | {r.target} | {r.result} |" for r in section.rows]
        lines.append("")
    return "\n".join(lines)


def _micros(row: Row) -> str:
    return "" if row.micros is None else f"{row.micros:,.1f}"


def machine(src: Path, repo: Path) -> list[str]:
    """The CPU, the OS, the versions measured and the source they came from."""
    import boto3
    import botocore

    cpu = platform.processor() or "unknown"
    try:
        info: dict[str, str] = {}
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            info.setdefault(key.strip(), value.strip())
        cpu = info.get("model name", cpu)
        if "cpu MHz" in info:
            cpu += f" at {float(info['cpu MHz']):,.0f} MHz"
    except OSError:
        pass
    try:
        import moto

        moto_version = moto.__version__
    except ImportError:
        moto_version = "not installed"
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average at the start {:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg())
    return [
        f"orgsim: {source_version(src, repo)}",
        f"CPU: {cpu}, {os.cpu_count()} logical cores{load}",
        f"OS: {platform.platform()}",
        f"Python {platform.python_version()} ({platform.python_implementation()}), botocore {botocore.__version__},"
        f" boto3 {boto3.__version__}, moto {moto_version}",
    ]


def source_version(src: Path, repo: Path) -> str:
    """The last commit that changed ``src`` (and whether it has uncommitted changes), when in git."""
    if not src.resolve().is_relative_to(repo.resolve()):
        return f"sources in {src}"
    try:
        def git(*args: str) -> str:
            return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()

        commit = git("log", "-1", "--format=%h", "--", str(src))
        dirty = git("status", "--porcelain", "--", str(src))
    except (OSError, subprocess.CalledProcessError):
        return f"sources in {src}"
    return f"src at {commit}" + (" (with uncommitted changes)" if dirty else "")
