r"""The service models' patterns are Java regular expressions; this translates them into Python's.

Java's ``\d``, ``\w`` and ``\s`` are ASCII-only, but Unicode-aware in Python's ``re``, which would let a
value such as twelve Arabic-Indic digits through ``^\d{12}$`` (behaviour.md, "Input"). ``\p{L}`` and ``\p{N}`` (letters,
numbers) have no Python spelling inside a character class, but every pattern that uses them also
allows ``_``, so Python's Unicode ``\w`` (letters, numbers and ``_``) stands for them. ``\p{Z}`` is the
Unicode separators. ``[\s\S]`` (anything) means the same in both.
"""

from __future__ import annotations

import functools
import re

_JAVA_SPACE = r"\t\n\x0b\x0c\r "
_IN_CLASS: dict[str, str] = {
    r"\d": "0-9",
    r"\w": "a-zA-Z0-9_",
    r"\s": _JAVA_SPACE,
    r"\p{L}": r"\w",
    r"\p{N}": r"\w",
    r"\p{Z}": r" \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000",
}
_OUTSIDE: dict[str, str] = {
    r"\d": "[0-9]",
    r"\D": "[^0-9]",
    r"\w": "[a-zA-Z0-9_]",
    r"\W": "[^a-zA-Z0-9_]",
    r"\s": f"[{_JAVA_SPACE}]",
    r"\S": f"[^{_JAVA_SPACE}]",
    **{name: f"[{body}]" for name, body in _IN_CLASS.items() if name.startswith(r"\p")},
}
_ESCAPE = re.compile(r"\\p\{[A-Za-z]+\}|\\.", re.DOTALL)


@functools.cache
def java_pattern(pattern: str) -> re.Pattern[str]:
    """The Python pattern that matches what the Java ``pattern`` matches."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        if pattern.startswith(r"[\s\S]", i):
            out.append(r"[\s\S]")
            i += 6
            continue
        char = pattern[i]
        if char == "\\":
            match = _ESCAPE.match(pattern, i)
            assert match is not None
            token = match.group()
            out.append((_IN_CLASS if in_class else _OUTSIDE).get(token, token))
            i = match.end()
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            i += 1
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            if pattern.startswith("]", i):  # a leading ] is a literal
                out.append(r"\]")
                i += 1
            continue
        if char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return re.compile("".join(out))
