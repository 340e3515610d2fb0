"""docs/behaviour.md stays the place the code points at: every pointer names a heading that exists,
and the README links the file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "orgsim"
BEHAVIOUR = ROOT / "docs" / "behaviour.md"
README = ROOT / "README.md"

#: A pointer as comments and docstrings write it: ``(behaviour.md, "Time")``. The name may follow
#: on the next line of a comment or docstring.
_POINTER = re.compile(r'behaviour\.md,\s*(?:#\s*)?"([^"\n]+)"')
_MENTION = re.compile(r"behaviour\.md")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)


def headings(markdown: str) -> set[str]:
    return {match.group(1) for match in _HEADING.finditer(markdown)}


def pointers(sources: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(where, section) for every pointer in ``sources`` ((name, text) pairs)."""
    return [(name, match.group(1)) for name, text in sources for match in _POINTER.finditer(text)]


def unreadable_mentions(sources: Iterable[tuple[str, str]]) -> list[str]:
    """The sources that mention behaviour.md more often than they point at a section of it: a
    mention this test cannot check (say ``behaviour.md ("Time")``) would otherwise go unchecked."""
    return [name for name, text in sources if len(_MENTION.findall(text)) != len(_POINTER.findall(text))]


def dangling(sources: Iterable[tuple[str, str]], markdown: str) -> list[tuple[str, str]]:
    """The pointers that name no heading of ``markdown``."""
    known = headings(markdown)
    return [(name, section) for name, section in pointers(sources) if section not in known]


def _sources() -> list[tuple[str, str]]:
    """orgsim's code and its tests (but this file, whose examples are not pointers)."""
    paths = sorted(SOURCE.rglob("*.py")) + sorted((ROOT / "tests").rglob("*.py"))
    return [(str(path.relative_to(ROOT)), path.read_text()) for path in paths if path != Path(__file__)]


def test_every_pointer_in_the_source_names_a_heading_of_behaviour_md() -> None:
    sources = _sources()
    found = pointers(sources)
    assert len(found) >= 20, f"expected the source to point at behaviour.md throughout, found {found}"
    missing = dangling(sources, BEHAVIOUR.read_text())
    assert not missing, f"pointers to sections docs/behaviour.md does not have: {missing}"


def test_every_mention_of_behaviour_md_in_the_source_is_a_pointer_this_test_reads() -> None:
    unreadable = unreadable_mentions(_sources())
    assert not unreadable, f'write pointers as (behaviour.md, "Section") in {unreadable}'


def test_a_missing_heading_is_reported() -> None:
    markdown = "# How orgsim behaves\n\n## Time\n\n### Moving the clock backwards\n"
    sources = [
        ("a.py", '"""Expiry (behaviour.md, "Time")."""'),
        ("b.py", '# the clock going back (behaviour.md,\n# "Moving the clock backwards")'),
        ("c.py", '"""Answers (behaviour.md,\n"Handshakes")."""'),
    ]
    assert dangling(sources, markdown) == [("c.py", "Handshakes")]
    assert dangling(sources, markdown + "\n## Handshakes\n") == []


def test_a_mention_without_a_section_is_reported() -> None:
    sources = [("a.py", '# see behaviour.md ("Time")'), ("b.py", '# (behaviour.md, "Time")')]
    assert unreadable_mentions(sources) == ["a.py"]


def test_the_sections_the_code_relies_on_exist() -> None:
    known = headings(BEHAVIOUR.read_text())
    for section in (
        "Who may call what",
        "Input",
        "Handshakes",
        "Invitations",
        "Enabling all features",
        "Created accounts",
        "Quotas",
        "Tags",
        "Lists",
        "Time",
        "Identity (STS)",
    ):
        assert section in known, section


def test_the_readme_links_behaviour_md() -> None:
    assert "](docs/behaviour.md)" in README.read_text()
