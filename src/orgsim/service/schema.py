"""botocore's service models as orgsim reads them: shapes, patterns, and how a service refuses input.

botocore checks only required members, types and minimums before sending, and not at all when a
client is built with ``parameter_validation=False``. The server checks the rest: lengths, patterns and
enums give ``InvalidInputException`` with a ``Reason``; a value of the wrong JSON type never gets past
the deserializer and comes back as ``SerializationException``. Query-protocol services (STS) answer
every malformed input with ``ValidationError`` instead. ``input_checks`` compiles the checks.
"""

from __future__ import annotations

import functools
import re

from botocore.loaders import Loader
from botocore.model import ServiceModel, StructureShape

from ..domain.errors import Rejected, invalid_input

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


class JsonErrors:
    """How a protocol refuses bad input. JSON (Organizations): ``SerializationException`` for a value
    of the wrong type, ``InvalidInputException`` with a ``Reason`` for a broken rule."""

    def wrong_type(self, path: str, description: str) -> Rejected:
        return serialization_error(f"Expected {description} for {path}.")

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


#: How a protocol refuses bad input (``JsonErrors`` or ``QueryErrors``).
ErrorDialect = JsonErrors
