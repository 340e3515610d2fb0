"""The response serializers are generic: for the output shape of every simulated operation (read
from the route table via ``routes.simulated()``, so operations added later are covered too, where the
installed model has them) and for every error shape, any value
the shape allows is serialized so that botocore's own parser reads back exactly that value."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape
from botocore.parsers import create_parser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgsim.adapters.http.encode import json_body, json_error, xml_body, xml_error
from orgsim.service.botocore_model import service_model
from orgsim.service.routes import simulated

OPERATIONS = [(service, name) for service, names in simulated().items() for name in names]
# Text as services send it: any character XML 1.0 can carry (AWS's values never hold others).
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF]))),
    max_size=12,
)
TIMES = st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.timezone.utc)).map(
    lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000)
)


def values(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if depth > 4:
            return st.just({})
        return st.fixed_dictionaries({}, optional={name: values(member, depth + 1) for name, member in shape.members.items()})
    if kind == "list":
        assert isinstance(shape, ListShape)
        return st.lists(values(shape.member, depth + 1), min_size=1, max_size=3)
    if kind == "map":
        assert isinstance(shape, MapShape)
        return st.dictionaries(TEXT.filter(bool), values(shape.value, depth + 1), min_size=1, max_size=3)
    if kind == "string":
        return st.sampled_from(shape.enum) if shape.enum else TEXT
    if kind in ("integer", "long"):
        return st.integers(-(2**31), 2**31 - 1)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return TIMES
    if kind == "blob":
        return st.binary(min_size=1, max_size=12)
    if kind in ("float", "double"):
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    raise AssertionError(f"a shape type the tests do not know: {kind}")


def _parse(protocol: str, body: bytes, shape: Shape | None, status: int = 200) -> dict[str, Any]:
    """What botocore makes of a response: for an error, the generic parse and then the error
    shape's members (as its endpoint adds them)."""
    parser = create_parser(protocol)
    response = {"body": body, "headers": {}, "status_code": status}
    parsed: dict[str, Any] = parser.parse(response, None if status >= 300 else shape)
    if status >= 300 and shape is not None:
        parsed.update(parser.parse(response, shape))
    parsed.pop("ResponseMetadata", None)
    return parsed


def _roundtrip(operation: OperationModel, value: dict[str, Any]) -> dict[str, Any]:
    protocol = operation.service_model.protocol
    if protocol == "json":
        return _parse("json", json_body(operation.output_shape, value), operation.output_shape)
    return _parse("query", xml_body(operation, value, "request-id"), operation.output_shape)


@pytest.mark.parametrize(("service", "name"), OPERATIONS)
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_output_reads_back_as_itself(service: str, name: str, data: st.DataObject) -> None:
    operation = service_model(service).operation_model(name)
    if operation.output_shape is None:
        assert _roundtrip(operation, {}) == {}
        return
    value = data.draw(values(operation.output_shape), label="output")
    assert _roundtrip(operation, value) == value


@pytest.mark.parametrize("service", sorted(simulated()))
@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_error_reads_back_with_its_code_message_and_members(service: str, data: st.DataObject) -> None:
    model = service_model(service)
    shape = data.draw(st.sampled_from(model.error_shapes), label="error")
    assert isinstance(shape, StructureShape)
    code = shape.metadata.get("error", {}).get("code", shape.name)
    message = data.draw(TEXT.filter(lambda text: text.strip() == text and text), label="message")
    members = {
        name: data.draw(values(member), label=name)
        for name, member in shape.members.items()
        if name.lower() != "message" and member.type_name == "string"
    }
    if model.protocol == "json":
        parsed = _parse("json", json_error(code, message, shape, members), shape, 400)
        assert parsed.pop("Error") == {"Code": code, "Message": message}
        expected = {**members, **({"Message": message} if "Message" in shape.members else {})}
        assert {k: v for k, v in parsed.items() if k in shape.members} == expected
    else:
        parsed = _parse("query", xml_error(model, code, message, 400, shape, members, "request-id"), shape, 400)
        assert parsed["Error"]["Code"] == code and parsed["Error"]["Message"] == message
        assert parsed["Error"]["Type"] == "Sender"
        for name, value in members.items():
            assert parsed["Error"][name] == value
