"""Input validation driven by botocore's service models, as the real service validates on its side.

botocore checks only required members, types and minimums before sending, and not at all when a
client is built with ``parameter_validation=False``. The server checks the rest: lengths, patterns and
enums give ``InvalidInputException`` with a ``Reason``; a value of the wrong JSON type never gets past
the deserializer and comes back as ``SerializationException``. Query-protocol services (STS) answer
every malformed input with ``ValidationError`` instead.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from ..domain.errors import Rejected, invalid_input

Check = Callable[[Any], None]

_PATTERN_MESSAGE = "You provided a value that does not match the required pattern."


@functools.cache
def service_model(name: str) -> ServiceModel:
    loader = Loader()
    return ServiceModel(loader.load_service_model(name, "service-2"), service_name=name)


def member_names(service: str, shape_name: str) -> frozenset[str]:
    """The members a structure has in the installed botocore (older versions lack newer ones)."""
    return _member_names(service, shape_name)


@functools.cache
def _member_names(service: str, shape_name: str) -> frozenset[str]:
    shape = service_model(service).shape_for(shape_name)
    assert isinstance(shape, StructureShape)
    return frozenset(shape.members)


def enum_values(service: str, shape_name: str) -> tuple[str, ...]:
    return tuple(service_model(service).shape_for(shape_name).enum)


@functools.cache
def validator(service: str, operation: str) -> Check:
    """A function that raises ``Rejected`` for input the real service would refuse."""
    model = service_model(service)
    op: OperationModel = model.operation_model(operation)
    if op.input_shape is None:
        return _accept_anything
    if model.protocol == "query":
        return _compile(op.input_shape, "", _QueryErrors())
    return _compile(op.input_shape, op.input_shape.name, _Errors())


def _accept_anything(value: Any) -> None:
    return None


def serialization_error(message: str) -> Rejected:
    return Rejected("SerializationException", message)


_JAVA_SPACE = r"\t\n\x0b\x0c\r "
#: Java's classes: ``\d``, ``\w`` and ``\s`` are ASCII-only there, but Unicode-aware in Python's
#: ``re``, which would let a value such as twelve Arabic-Indic digits through ``^\d{12}$``.
#: ``\p{L}`` and ``\p{N}`` (letters, numbers) have no Python spelling inside a character class, but
#: every pattern that uses them also allows ``_``, so Python's Unicode ``\w`` (letters, numbers and
#: ``_``) stands for them. ``\p{Z}`` is the Unicode separators.
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
    r"""Translate one of the models' Java regular expressions into Python's dialect.

    ``[\s\S]`` (anything) is kept as it is: it means the same in both.
    """
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


class _Errors:
    """How a protocol refuses bad input. JSON (Organizations): ``SerializationException`` for a value
    of the wrong type, ``InvalidInputException`` with a ``Reason`` for a broken rule."""

    def wrong_type(self, path: str, description: str) -> Rejected:
        return serialization_error(f"Expected {description} for {path}.")

    def broken(self, path: str, reason: str, message: str, constraint: str) -> Rejected:
        return invalid_input(reason, message)

    def value_path(self, path: str, name: str) -> str:
        return f"{path}.{name}"


class _QueryErrors(_Errors):
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


def _compile(shape: Shape, path: str, errors: _Errors) -> Check:
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
        return _typed(bool, "a boolean", path, errors)
    if kind == "timestamp":
        return _timestamp(path, errors)
    if kind == "map":
        return _typed(dict, "a map", path, errors)
    return _accept_anything


def _typed(kind: type, description: str, path: str, errors: _Errors) -> Check:
    def check(value: Any) -> None:
        if not isinstance(value, kind):
            raise errors.wrong_type(path, description)

    return check


def _timestamp(path: str, errors: _Errors) -> Check:
    def check(value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (dt.datetime, int, float, str)):
            raise errors.wrong_type(path, "a timestamp")

    return check


def _structure(shape: Shape, path: str, errors: _Errors) -> Check:
    assert isinstance(shape, StructureShape)
    required = set(shape.required_members)
    members = [
        (name, errors.value_path(path, name), name in required) for name in shape.members
    ]
    checks = [_compile(shape.members[name], where, errors) for name, where, _ in members]

    def check(value: Any) -> None:
        # Asking the Mapping ABC costs more than the rest of a small structure's check: dicts skip it.
        if type(value) is not dict and not isinstance(value, Mapping):
            raise errors.wrong_type(path or shape.name, "a structure")
        for (name, where, is_required), sub in zip(members, checks):
            item = value.get(name)
            if item is None:
                if is_required:
                    raise errors.broken(
                        where, "INPUT_REQUIRED", f"You must provide a value for {name}.", "Member must not be null"
                    )
                continue
            sub(item)

    return check


def _list(shape: Shape, path: str, errors: _Errors) -> Check:
    member = _compile(shape.member, f"{path}.member", errors)
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")

    def check(value: Any) -> None:
        if not isinstance(value, (list, tuple)):  # a tuple of types: a union would be made at every call
            raise errors.wrong_type(path, "a list")
        if low is not None and len(value) < low:
            raise errors.broken(
                path,
                "MIN_LENGTH_EXCEEDED",
                f"You provided fewer than {low} items for {path}.",
                f"Member must have length greater than or equal to {low}",
            )
        if high is not None and len(value) > high:
            raise errors.broken(
                path,
                "MAX_LENGTH_EXCEEDED",
                f"You provided more than {high} items for {path}.",
                f"Member must have length less than or equal to {high}",
            )
        for item in value:
            if item is None:
                raise errors.broken(
                    path,
                    "INVALID_LIST_MEMBER",
                    f"You provided a list with an empty member ({path}).",
                    "Member must not be null",
                )
            member(item)

    return check


def _string(shape: Shape, path: str, errors: _Errors) -> Check:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    raw_pattern = shape.metadata.get("pattern")
    pattern = java_pattern(raw_pattern).fullmatch if raw_pattern and raw_pattern != r"[\s\S]*" else None
    enum = frozenset(shape.enum) if shape.enum else None
    # Bounds that always hold when the model sets none: one chained comparison checks both.
    shortest = 0 if low is None else low
    longest = sys.maxsize if high is None else high

    def check(value: Any) -> None:
        if not isinstance(value, str):
            raise errors.wrong_type(path, "a string")
        if not shortest <= len(value) <= longest:
            raise _length_error(value)
        if enum is not None and value not in enum:
            raise errors.broken(
                path,
                "INVALID_ENUM",
                f"You specified an invalid value for {path}.",
                f"Member must satisfy enum value set: [{', '.join(sorted(enum))}]",
            )
        if pattern is not None and pattern(value) is None:
            raise errors.broken(
                path, "INVALID_PATTERN", _PATTERN_MESSAGE, f"Member must satisfy regular expression pattern: {raw_pattern}"
            )

    def _length_error(value: str) -> Rejected:
        if len(value) < shortest:
            return errors.broken(
                path,
                "MIN_LENGTH_EXCEEDED",
                f"You provided a value shorter than {low} for {path}.",
                f"Member must have length greater than or equal to {low}",
            )
        return errors.broken(
            path,
            "MAX_LENGTH_EXCEEDED",
            f"You provided a value longer than {high} for {path}.",
            f"Member must have length less than or equal to {high}",
        )

    return check


def _integer(shape: Shape, path: str, errors: _Errors) -> Check:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")

    def check(value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise errors.wrong_type(path, "an integer")
        if low is not None and value < low:
            raise errors.broken(
                path,
                "MIN_VALUE_EXCEEDED",
                f"You provided a value smaller than {low} for {path}.",
                f"Member must have value greater than or equal to {low}",
            )
        if high is not None and value > high:
            raise errors.broken(
                path,
                "MAX_VALUE_EXCEEDED",
                f"You provided a value larger than {high} for {path}.",
                f"Member must have value less than or equal to {high}",
            )

    return check
