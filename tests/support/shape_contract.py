"""The shape contract: every simulated response checked against botocore's service model.

The output shape for answers, the error shape for modeled errors, and the operation's declared error
list, judged by the caller's botocore. ``check_shape`` is registered for every client (conftest.py);
a violation raises at the call and is kept for the test's teardown, in case the code under test
swallowed the exception.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from botocore.model import OperationModel, Shape, StructureShape
from botocore.validate import validate_parameters

from orgsim.adapters.botocore.response import SimulatedResponse
from orgsim.service.java_regex import java_pattern

#: Codes a protocol sends for malformed input that botocore's models do not list: JSON's
#: SerializationException, the query protocol's ValidationError (behaviour.md, "Input").
UNMODELED_CODES = {"json": frozenset({"SerializationException"}), "query": frozenset({"ValidationError"})}


#: Errors that newer botocore models declare for an operation and older ones (1.34) do not. The
#: service sends them whatever model the client has, and botocore still raises the modeled class
#: (its exception factory covers every error shape of the service, not just the operation's).
LATER_DECLARED = {
    ("organizations", "AcceptHandshake"): frozenset({"ConstraintViolationException", "MasterCannotLeaveOrganizationException"}),
    ("organizations", "DeleteOrganization"): frozenset({"ConstraintViolationException"}),
    ("organizations", "EnableAllFeatures"): frozenset({"ConstraintViolationException"}),
}


#: Enum values newer botocore models have that older ones with the same operations lack (the billing
#: transfer reasons that 1.44 added to models that have had the transfer operations since 1.41.1). The
#: service sends them whatever model the client has, and botocore does not check enums in what it
#: receives, so a client on an older model sees the value as a plain string.
LATER_ENUM_VALUES = {
    "ConstraintViolationExceptionReason": frozenset({"TRANSFER_RESPONSIBILITY_UPDATE_NOT_ALLOWED"}),
    "HandshakeConstraintViolationExceptionReason": frozenset({"TARGET_ACCOUNT_VALIDATION_FAILURE"}),
    "InvalidInputExceptionReason": frozenset({"END_DATE_TOO_LATE"}),
}


#: Patterns of the model that real responses break, judged as real responses need: customer policy
#: ids are ``p-`` and 8 characters (the ``PolicyId`` pattern allows 8 to 128), but the model's
#: ``PolicyArn`` pattern wants 10 to 32 after ``p-`` (behaviour.md, "Policies").
PATTERN_ERRATA = {
    "PolicyArn": (
        r"^(arn:aws:organizations::\d{12}:policy\/o-[a-z0-9]{10,32}\/[0-9a-z_]+\/p-[0-9a-z]{10,32})|",
        r"^(arn:aws:organizations::\d{12}:policy\/o-[a-z0-9]{10,32}\/[0-9a-z_]+\/p-[0-9a-z]{8,32})|",
    ),
}


def declared_errors(model: OperationModel) -> dict[str, StructureShape]:
    """The error shapes an operation may answer with, by code: those its model lists, plus the
    ones newer models list that this (older) botocore knows as error shapes of the service."""
    # Keyed by the code on the wire: query-protocol errors (STS) name it in the shape's metadata.
    found = {shape.metadata.get("error", {}).get("code", shape.name): shape for shape in model.error_shapes}
    service = model.service_model
    for code in LATER_DECLARED.get((service.service_name, model.name), ()):
        if code not in found and code in service.shape_names:
            found[code] = service.shape_for(code)
    return found


class ShapeViolation(AssertionError):
    """A simulated response does not fit botocore's service model."""


#: What violated the contract since the last ``take_violations``.
_violations: list[str] = []
_lock = threading.Lock()


def take_violations() -> list[str]:
    """The violations recorded since the last call, and forget them."""
    with _lock:
        found = list(_violations)
        _violations.clear()
    return found


def _problems(value: Any, shape: Shape, path: str) -> list[str]:
    """What botocore's own validator does not check: enums, maxima, patterns, timestamps' zones."""
    kind = shape.type_name
    found: list[str] = []
    meta = shape.metadata
    if kind == "structure" and isinstance(value, dict):
        assert isinstance(shape, StructureShape)
        for name, item in value.items():
            if name in shape.members:
                found += _problems(item, shape.members[name], f"{path}.{name}")
    elif kind == "list" and isinstance(value, list):
        if "max" in meta and len(value) > meta["max"]:
            found.append(f"{path}: {len(value)} items, more than {meta['max']}")
        for i, item in enumerate(value):
            found += _problems(item, shape.member, f"{path}[{i}]")
    elif kind == "string" and isinstance(value, str):
        if "max" in meta and len(value) > meta["max"]:
            found.append(f"{path}: longer than {meta['max']}")
        if getattr(shape, "enum", None) and value not in shape.enum and value not in LATER_ENUM_VALUES.get(shape.name, ()):
            found.append(f"{path}: {value!r} is not one of {shape.enum}")
        pattern = meta.get("pattern")
        if pattern and shape.name in PATTERN_ERRATA:
            wrong, right = PATTERN_ERRATA[shape.name]
            pattern = pattern.replace(wrong, right)
        if pattern and java_pattern(pattern).fullmatch(value) is None:
            found.append(f"{path}: {value!r} does not match {pattern}")
    elif kind in ("integer", "long") and isinstance(value, int):
        if "max" in meta and value > meta["max"]:
            found.append(f"{path}: {value} larger than {meta['max']}")
    elif kind == "timestamp":
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            found.append(f"{path}: {value!r} is not a timezone-aware datetime, as botocore's parser returns")
    return found


def _against(body: dict[str, Any], shape: Shape | None, label: str) -> list[str]:
    if shape is None:
        return [f"{label}: {body!r} for a shape that has no members"] if body else []
    found: list[str] = []
    try:
        validate_parameters(body, shape)
    except Exception as exc:  # ParamValidationError lists every problem in its message
        found.append(f"{label}: {exc}")
    return found + [f"{label}: {p}" for p in _problems(body, shape, shape.name)]


def shape_problems(http_response: Any, parsed: dict[str, Any], model: OperationModel) -> list[str]:
    """Everything wrong with one answer, judged by the caller's botocore model."""
    label = f"{model.service_model.service_name}.{model.name}"
    found: list[str] = []
    meta = parsed.get("ResponseMetadata")
    status = getattr(http_response, "status_code", None)
    if not isinstance(meta, dict) or not isinstance(meta.get("RequestId"), str) or not meta["RequestId"]:
        found.append(f"{label}: ResponseMetadata.RequestId missing")
    elif meta.get("HTTPStatusCode") != status:
        found.append(f"{label}: HTTPStatusCode {meta.get('HTTPStatusCode')} but the response says {status}")
    body = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
    if "Error" not in body:
        if status != 200:
            found.append(f"{label}: status {status} without an Error")
        return found + _against(body, model.output_shape, label)
    error = body.pop("Error")
    code, message = error.get("Code"), error.get("Message")
    if not isinstance(code, str) or not isinstance(message, str) or not message:
        return [*found, f"{label}: Error needs a Code and a Message, got {error!r}"]
    expected_status = 500 if code == "ServiceException" else 400
    if status != expected_status:
        found.append(f"{label}: {code} sent with status {status}, not {expected_status}")
    declared = declared_errors(model)
    if code not in declared:
        if code not in UNMODELED_CODES.get(model.service_model.protocol, frozenset()):
            found.append(f"{label}: {code} is not an error this operation declares")
        elif body:
            found.append(f"{label}: unmodeled {code} carries members {sorted(body)}")
        return found
    shape = declared[code]
    assert isinstance(shape, StructureShape)
    if "Message" in shape.members and body.get("Message") != message:
        found.append(f"{label}: {code} top-level Message {body.get('Message')!r} differs from {message!r}")
    if "Reason" in shape.members and "Reason" not in body:
        found.append(f"{label}: {code} without its Reason")
    return found + _against(body, shape, f"{label} {code}")


def check_shape(http_response: Any, parsed: dict[str, Any], model: OperationModel, **kwargs: Any) -> None:
    """An ``after-call`` handler: raise ``ShapeViolation`` for an answer of orgsim's that does not fit."""
    if not isinstance(http_response, SimulatedResponse):
        return  # answered by something else (a Stubber with passthrough, moto): not orgsim's contract
    found = shape_problems(http_response, parsed, model)
    if found:
        with _lock:
            _violations.extend(found)
        raise ShapeViolation("response does not fit botocore's model:\n" + "\n".join(found))
