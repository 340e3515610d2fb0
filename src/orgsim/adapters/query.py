"""The query protocol's parameters (STS): a form-encoded request decoded into API parameters.

Shared by every transport that receives query-protocol requests: botocore's in-process hook decodes
the body botocore built, the HTTP server the body (and query string) a client sent. The decoding
follows the operation's input shape: nested structures are dotted keys, lists are
``Name.member.N`` (or the member's own name), numbers and booleans arrive as text. A value that does
not read as its type stays text, and the input check refuses it as the service would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import parse_qsl

from botocore.model import Shape, StructureShape

_MISSING: Final = object()
_INTEGER = re.compile(r"[+-]?[0-9]+")


def query_pairs(text: str) -> list[tuple[str, str]]:
    """The key/value pairs of a form-encoded text, blank values kept."""
    return parse_qsl(text, keep_blank_values=True)


def query_params(input_shape: Shape | None, pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The API parameters ``pairs`` carry for an operation whose input is ``input_shape``. A repeated
    key: the first one counts. Keys the shape does not name are ignored (``Action``, ``Version``)."""
    if input_shape is None:
        return {}
    flat = _Flat()
    for key, value in pairs:
        flat.add(key, value)
    decoded = _structure(input_shape, flat, "")
    return decoded if isinstance(decoded, dict) else {}


class _Flat(dict[str, str]):
    """The query's keys and values (a repeated key: the first one counts), plus every dotted
    prefix of every key, so that asking whether anything lies under a prefix costs O(1)."""

    def __init__(self) -> None:
        super().__init__()
        self.prefixes: set[str] = set()

    def add(self, key: str, value: str) -> None:
        self.setdefault(key, value)
        parts = key.split(".")
        for end in range(1, len(parts) + 1):
            self.prefixes.add(".".join(parts[:end]))

    def has_under(self, prefix: str) -> bool:
        """Whether ``prefix`` is a key or the dotted start of one."""
        return prefix in self.prefixes


def _name(shape: Shape, default: str) -> str:
    name = shape.serialization.get("name", default)
    return name if isinstance(name, str) else default


def _decode(shape: Shape, flat: _Flat, key: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, flat, key + ".")
    if kind == "list":
        if flat.get(key) == "":
            return []
        item_prefix = f"{key}.{_name(shape.member, 'member')}."
        items = []
        index = 1
        while flat.has_under(f"{item_prefix}{index}"):
            items.append(_decode(shape.member, flat, f"{item_prefix}{index}"))
            index += 1
        return items if items else _MISSING
    if key not in flat:
        return _MISSING
    text = flat[key]
    if kind in ("integer", "long"):
        # A text that is not a number stays a text; the validator refuses it as the wrong type.
        return int(text) if _INTEGER.fullmatch(text) else text
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    return text


def _structure(shape: Shape, flat: _Flat, prefix: str) -> Any:
    assert isinstance(shape, StructureShape)
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        value = _decode(member, flat, prefix + _name(member, name))
        if value is not _MISSING:
            out[name] = value
    if not out and prefix and not flat.has_under(prefix[:-1]):
        return _MISSING
    return out
