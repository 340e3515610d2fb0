"""Each operation's input check, compiled from botocore's model into one Python function.

The service judges what arrives as the real one does (see ``schema``): a value of the wrong type,
a missing required member, a length, value, enum or pattern rule broken. The rules are read from the
installed model when an operation is first called, and written out as the source of one function per
operation: a check runs on every call, and one function with every member's rules inline costs a
fraction of a chain of closures, one per member (the nesting of calls is what costs, in place).

The generated source holds only local names and integer bounds. Every other object (paths, patterns,
enums, the functions that make the errors) comes from the function's namespace, under names made here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from botocore.model import OperationModel, Shape, StructureShape

from ..domain.errors import Rejected
from .schema import ErrorDialect, JsonErrors, QueryErrors, java_pattern, service_model

Check = Callable[[Any], None]

_PATTERN_MESSAGE = "You provided a value that does not match the required pattern."
#: Patterns that match anything: no need to run them.
_MATCH_ANYTHING = frozenset({r"[\s\S]*"})


@functools.cache
def validator(service: str, operation: str) -> Check:
    """A function that raises ``Rejected`` for input the real service would refuse."""
    model = service_model(service)
    op: OperationModel = model.operation_model(operation)
    if op.input_shape is None:
        return _accept_anything
    if model.protocol == "query":
        return compile_check(op.input_shape, "", QueryErrors())
    return compile_check(op.input_shape, op.input_shape.name, JsonErrors())


def _accept_anything(value: Any) -> None:
    return None


def compile_check(shape: Shape, path: str, errors: ErrorDialect) -> Check:
    """The check of a value of ``shape`` found at ``path``, refusing bad values as ``errors`` words it."""
    source = _Source(errors)
    source.value(shape, path, "value", 1)
    return source.function()


class _Source:
    """The lines of one check function, and the objects its lines refer to by name."""

    def __init__(self, errors: ErrorDialect) -> None:
        self.errors = errors
        self.lines = ["def check(value):"]
        self.namespace: dict[str, Any] = {"Mapping": Mapping, "_TIMESTAMP_TYPES": (dt.datetime, int, float, str)}
        self.locals = 0

    def function(self) -> Check:
        if len(self.lines) == 1:
            self.lines.append("    pass")
        exec("\n".join(self.lines), self.namespace)  # noqa: S102  (source made here; see the module docstring)
        check: Check = self.namespace["check"]
        return check

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def name_for(self, obj: Any, hint: str = "k") -> str:
        """A name in the namespace for ``obj``; ``hint`` (one of ours, never the model's) reads in the source."""
        name = f"_{hint}{len(self.namespace)}"
        self.namespace[name] = obj
        return name

    def number(self, bound: Any) -> str:
        """A bound from the model, as source: a literal for an int (all of them, today), else a name."""
        return str(bound) if type(bound) is int else self.name_for(bound)

    def fresh_local(self) -> str:
        self.locals += 1
        return f"v{self.locals}"

    def refuse(self, depth: int, condition: str, error: functools.partial[Rejected]) -> None:
        """Raise ``error()`` when ``condition`` holds."""
        reason = error.args[1] if error.func == self.errors.broken else "wrong_type"
        self.emit(depth, f"if {condition}:")
        self.emit(depth + 1, f"raise {self.name_for(error, reason.lower())}()")

    # -- one value of each kind -------------------------------------------------------------

    def value(self, shape: Shape, path: str, var: str, depth: int) -> None:
        kind = shape.type_name
        if kind == "structure":
            self.structure(shape, path, var, depth)
        elif kind == "list":
            self.list(shape, path, var, depth)
        elif kind == "string":
            self.string(shape, path, var, depth)
        elif kind in ("integer", "long"):
            self.integer(shape, path, var, depth)
        elif kind == "boolean":
            self.refuse(depth, f"not isinstance({var}, bool)", self.wrong_type(path, "a boolean"))
        elif kind == "timestamp":
            self.refuse(
                depth,
                f"isinstance({var}, bool) or not isinstance({var}, _TIMESTAMP_TYPES)",
                self.wrong_type(path, "a timestamp"),
            )
        elif kind == "map":
            self.refuse(depth, f"not isinstance({var}, dict)", self.wrong_type(path, "a map"))
        # Anything else (blobs, documents) is accepted as it comes.

    def wrong_type(self, path: str, description: str) -> functools.partial[Rejected]:
        return functools.partial(self.errors.wrong_type, path, description)

    def broken(self, path: str, reason: str, message: str, constraint: str) -> functools.partial[Rejected]:
        return functools.partial(self.errors.broken, path, reason, message, constraint)

    def structure(self, shape: Shape, path: str, var: str, depth: int) -> None:
        assert isinstance(shape, StructureShape)
        # Asking the Mapping ABC costs more than the rest of a small structure's check: dicts skip it.
        self.refuse(
            depth,
            f"type({var}) is not dict and not isinstance({var}, Mapping)",
            self.wrong_type(path or shape.name, "a structure"),
        )
        required = set(shape.required_members)
        for name, member in shape.members.items():
            where = self.errors.value_path(path, name)
            item = self.fresh_local()
            self.emit(depth, f"{item} = {var}.get({self.name_for(name, 'member')})")
            if name in required:
                missing = self.broken(
                    where, "INPUT_REQUIRED", f"You must provide a value for {name}.", "Member must not be null"
                )
                self.refuse(depth, f"{item} is None", missing)
                self.value(member, where, item, depth)
            else:
                start = len(self.lines)
                self.emit(depth, f"if {item} is not None:")
                self.value(member, where, item, depth + 1)
                if len(self.lines) == start + 1:  # nothing to check in it: no block at all
                    del self.lines[start:]

    def list(self, shape: Shape, path: str, var: str, depth: int) -> None:
        self.refuse(depth, f"not isinstance({var}, (list, tuple))", self.wrong_type(path, "a list"))
        self.limits(shape, path, f"len({var})", _ITEMS, depth)
        item = self.fresh_local()
        self.emit(depth, f"for {item} in {var}:")
        empty = self.broken(
            path, "INVALID_LIST_MEMBER", f"You provided a list with an empty member ({path}).", "Member must not be null"
        )
        self.refuse(depth + 1, f"{item} is None", empty)
        self.value(shape.member, f"{path}.member", item, depth + 1)

    def string(self, shape: Shape, path: str, var: str, depth: int) -> None:
        self.refuse(depth, f"not isinstance({var}, str)", self.wrong_type(path, "a string"))
        self.limits(shape, path, f"len({var})", _LENGTH, depth)
        if shape.enum:
            enum = frozenset(shape.enum)
            off_list = self.broken(
                path,
                "INVALID_ENUM",
                f"You specified an invalid value for {path}.",
                f"Member must satisfy enum value set: [{', '.join(sorted(enum))}]",
            )
            self.refuse(depth, f"{var} not in {self.name_for(enum, 'enum')}", off_list)
        raw_pattern = shape.metadata.get("pattern")
        if raw_pattern and raw_pattern not in _MATCH_ANYTHING:
            matches = self.name_for(java_pattern(raw_pattern).fullmatch, "pattern")
            mismatch = self.broken(
                path, "INVALID_PATTERN", _PATTERN_MESSAGE, f"Member must satisfy regular expression pattern: {raw_pattern}"
            )
            self.refuse(depth, f"{matches}({var}) is None", mismatch)

    def integer(self, shape: Shape, path: str, var: str, depth: int) -> None:
        self.refuse(
            depth, f"isinstance({var}, bool) or not isinstance({var}, int)", self.wrong_type(path, "an integer")
        )
        self.limits(shape, path, var, _VALUE, depth)

    def limits(self, shape: Shape, path: str, measured: str, wording: _Wording, depth: int) -> None:
        """Refuse ``measured`` (a length, or the value itself) outside the shape's min and max."""
        for bound, comparison, (reason, message, constraint) in (
            (shape.metadata.get("min"), "<", wording.below),
            (shape.metadata.get("max"), ">", wording.above),
        ):
            if bound is None or (bound == 0 and comparison == "<" and wording is not _VALUE):
                continue  # no rule, or a minimum length of 0, which refuses nothing
            error = self.broken(
                path, reason, message.format(bound=bound, path=path), constraint.format(bound=bound)
            )
            self.refuse(depth, f"{measured} {comparison} {self.number(bound)}", error)


class _Wording(NamedTuple):
    """How the errors for a value below its minimum and above its maximum read: (reason, message,
    constraint), with ``{bound}`` and ``{path}`` to fill in."""

    below: tuple[str, str, str]
    above: tuple[str, str, str]


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
