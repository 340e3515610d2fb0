"""Each operation's input check, built from botocore's model: what the real service refuses.

botocore checks only required members, types and minimums before sending, and not at all when a
client is built with ``parameter_validation=False``. The service judges what arrives (behaviour.md,
"Input"): a value of the wrong JSON type never gets past the deserializer and comes back as
``SerializationException``; lengths, values, enums and patterns give ``InvalidInputException`` with a
``Reason``. Query-protocol services (STS) answer every malformed input with ``ValidationError``.

The checks are read from the installed model when an operation is first called: one small function
per shape, composed as the shapes nest, members checked in the model's order.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from typing import Any

from botocore.model import Shape, StructureShape

from ..domain.errors import PATTERN_MISMATCH, Rejected, invalid_input
from .botocore_model import service_model
from .java_regex import java_pattern

Check = Callable[[Any], None]

#: The reasons the service sends for some shapes instead of the general ``INVALID_ENUM`` and
#: ``INVALID_PATTERN`` (behaviour.md, "Input"): its enum has reasons of their own for them.
_REASON_FOR: dict[tuple[str, str], str] = {
    ("PolicyType", "INVALID_ENUM"): "INVALID_ENUM_POLICY_TYPE",
    ("EffectivePolicyType", "INVALID_ENUM"): "INVALID_ENUM_POLICY_TYPE",
    ("PolicyId", "INVALID_PATTERN"): "INVALID_SYNTAX_POLICY_ID",
    ("PolicyTargetId", "INVALID_PATTERN"): "INVALID_PATTERN_TARGET_ID",
}

#: Patterns that match anything: no need to run them.
_MATCH_ANYTHING = frozenset({r"[\s\S]*"})
_TIMESTAMP_TYPES = (dt.datetime, int, float, str)


class JsonErrors:
    """How a JSON-protocol service (Organizations) refuses bad input: ``SerializationException`` for a
    value of the wrong type, ``InvalidInputException`` with a ``Reason`` for a broken rule."""

    def wrong_type(self, path: str, description: str) -> Rejected:
        return Rejected("SerializationException", f"Expected {description} for {path}.")

    def broken(self, path: str, reason: str, message: str, constraint: str) -> Rejected:
        return invalid_input(reason, message)

    def value_path(self, path: str, name: str) -> str:
        return f"{path}.{name}"


class QueryErrors(JsonErrors):
    """The query protocol (STS): every malformed input is a ``ValidationError``, worded as AWS words it."""

    def wrong_type(self, path: str, description: str) -> Rejected:
        return Rejected("ValidationError", f"1 validation error detected: Value at '{path}' must be {description}")

    def broken(self, path: str, reason: str, message: str, constraint: str) -> Rejected:
        return Rejected(
            "ValidationError", f"1 validation error detected: Value at '{path}' failed to satisfy constraint: {constraint}"
        )

    def value_path(self, path: str, name: str) -> str:
        lower = name[:1].lower() + name[1:]
        return f"{path}.{lower}" if path else lower


@functools.cache
def validator(service: str, operation: str) -> Check:
    """A function that raises ``Rejected`` for input the real service would refuse."""
    model = service_model(service)
    op = model.operation_model(operation)
    if op.input_shape is None:
        return _accept
    if model.protocol == "query":
        return check_for(op.input_shape, "", QueryErrors())
    return check_for(op.input_shape, op.input_shape.name, JsonErrors())


def _accept(value: Any) -> None:
    return None


def check_for(shape: Shape, path: str, errors: JsonErrors) -> Check:
    """The check of a value of ``shape`` found at ``path``, refusing bad values as ``errors`` words it."""
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, path, errors)
    if kind == "list":
        return _list(shape, path, errors)
    if kind == "string":
        return _string(shape, path, errors)
    if kind in ("integer", "long"):
        return _integer(shape, path, errors)
    if kind == "boolean":
        return _typed(lambda v: isinstance(v, bool), path, "a boolean", errors)
    if kind == "timestamp":
        return _typed(lambda v: isinstance(v, _TIMESTAMP_TYPES) and not isinstance(v, bool), path, "a timestamp", errors)
    if kind == "map":
        return _typed(lambda v: isinstance(v, dict), path, "a map", errors)
    return _accept  # blobs, documents: accepted as they come


def _typed(fits: Callable[[Any], bool], path: str, description: str, errors: JsonErrors) -> Check:
    def check(value: Any) -> None:
        if not fits(value):
            raise errors.wrong_type(path, description)

    return check


def _structure(shape: Shape, path: str, errors: JsonErrors) -> Check:
    assert isinstance(shape, StructureShape)
    required = set(shape.required_members)
    members = []
    for name, member in shape.members.items():
        where = errors.value_path(path, name)
        missing = (
            (where, "INPUT_REQUIRED", f"You must provide a value for {name}.", "Member must not be null")
            if name in required
            else None
        )
        members.append((name, check_for(member, where, errors), missing))
    label = path or shape.name

    def check(value: Any) -> None:
        # The decoded body: JSON objects are dicts, query structures too.
        if not isinstance(value, dict):
            raise errors.wrong_type(label, "a structure")
        for name, check_member, missing in members:
            item = value.get(name)
            if item is not None:
                check_member(item)
            elif missing is not None:
                raise errors.broken(*missing)

    return check


def _list(shape: Shape, path: str, errors: JsonErrors) -> Check:
    low, high, below, above = _limits(shape, path, _ITEMS)
    check_item = check_for(shape.member, f"{path}.member", errors)
    empty = (path, "INVALID_LIST_MEMBER", f"You provided a list with an empty member ({path}).", "Member must not be null")

    def check(value: Any) -> None:
        if not isinstance(value, (list, tuple)):
            raise errors.wrong_type(path, "a list")
        if len(value) < low:
            raise errors.broken(*below)
        if len(value) > high:
            raise errors.broken(*above)
        for item in value:
            if item is None:
                raise errors.broken(*empty)
            check_item(item)

    return check


def _string(shape: Shape, path: str, errors: JsonErrors) -> Check:
    low, high, below, above = _limits(shape, path, _LENGTH)
    enum = frozenset(shape.enum) if shape.enum else None
    off_list = (
        path,
        _REASON_FOR.get((shape.name, "INVALID_ENUM"), "INVALID_ENUM"),
        f"You specified an invalid value for {path}.",
        f"Member must satisfy enum value set: [{', '.join(sorted(enum or ()))}]",
    )
    raw_pattern = shape.metadata.get("pattern")
    pattern = java_pattern(raw_pattern) if raw_pattern and raw_pattern not in _MATCH_ANYTHING else None
    mismatch = (
        path,
        _REASON_FOR.get((shape.name, "INVALID_PATTERN"), "INVALID_PATTERN"),
        PATTERN_MISMATCH,
        f"Member must satisfy regular expression pattern: {raw_pattern}",
    )

    def check(value: Any) -> None:
        if not isinstance(value, str):
            raise errors.wrong_type(path, "a string")
        if len(value) < low:
            raise errors.broken(*below)
        if len(value) > high:
            raise errors.broken(*above)
        if enum is not None and value not in enum:
            raise errors.broken(*off_list)
        if pattern is not None and pattern.fullmatch(value) is None:
            raise errors.broken(*mismatch)

    return check


def _integer(shape: Shape, path: str, errors: JsonErrors) -> Check:
    low, high, below, above = _limits(shape, path, _VALUE)

    def check(value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise errors.wrong_type(path, "an integer")
        if value < low:
            raise errors.broken(*below)
        if value > high:
            raise errors.broken(*above)

    return check


_Refusal = tuple[str, str, str, str]


def _limits(shape: Shape, path: str, wording: _Wording) -> tuple[float, float, _Refusal, _Refusal]:
    """The shape's min and max for a measure (a length, or the value itself), infinite where it sets
    none, and the refusals for a measure below and above them."""
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low == 0 and wording is not _VALUE:
        low = None  # a minimum length of 0 refuses nothing
    return (
        -math.inf if low is None else low,
        math.inf if high is None else high,
        _filled(wording.below, low, path),
        _filled(wording.above, high, path),
    )


def _filled(words: tuple[str, str, str], bound: Any, path: str) -> _Refusal:
    reason, message, constraint = words
    return path, reason, message.format(bound=bound, path=path), constraint.format(bound=bound)


class _Wording:
    """How the errors for a measure below its minimum and above its maximum read: (reason, message,
    constraint), with ``{bound}`` and ``{path}`` to fill in."""

    def __init__(self, below: tuple[str, str, str], above: tuple[str, str, str]) -> None:
        self.below = below
        self.above = above


_LONGER = "Member must have length greater than or equal to {bound}"
_SHORTER = "Member must have length less than or equal to {bound}"
_ITEMS = _Wording(
    ("MIN_LENGTH_EXCEEDED", "You provided fewer than {bound} items for {path}.", _LONGER),
    ("MAX_LENGTH_EXCEEDED", "You provided more than {bound} items for {path}.", _SHORTER),
)
_LENGTH = _Wording(
    ("MIN_LENGTH_EXCEEDED", "You provided a value shorter than {bound} for {path}.", _LONGER),
    ("MAX_LENGTH_EXCEEDED", "You provided a value longer than {bound} for {path}.", _SHORTER),
)
_VALUE = _Wording(
    (
        "MIN_VALUE_EXCEEDED",
        "You provided a value smaller than {bound} for {path}.",
        "Member must have value greater than or equal to {bound}",
    ),
    (
        "MAX_VALUE_EXCEEDED",
        "You provided a value larger than {bound} for {path}.",
        "Member must have value less than or equal to {bound}",
    ),
)
