"""Shared test setup: every simulated response is checked against botocore's output shapes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore import handlers
from botocore.validate import validate_parameters

_violations: list[str] = []


def _check_shape(http_response: Any, parsed: dict[str, Any], model: Any, **kwargs: Any) -> None:
    """As botocore's Stubber does for canned responses: the answer must fit the output shape."""
    body = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
    if "Error" in body:
        error = body.pop("Error")
        try:
            shape = model.service_model.shape_for(error["Code"])
        except Exception:
            return  # unmodeled codes (SerializationException, ValidationError) carry no members
        shape_to_check = shape
    else:
        shape_to_check = model.output_shape
        if shape_to_check is None:
            if body:
                _violations.append(f"{model.name}: output {body!r} for an operation without output")
            return
    try:
        validate_parameters(body, shape_to_check)
    except Exception as exc:  # ParamValidationError
        _violations.append(f"{model.name}: {exc}")


def pytest_configure(config: pytest.Config) -> None:
    for service in ("organizations", "sts"):
        handlers.BUILTIN_HANDLERS.append((f"after-call.{service}", _check_shape))


@pytest.fixture(autouse=True)
def _shape_contract() -> Iterator[None]:
    _violations.clear()
    yield
    found = list(_violations)
    _violations.clear()
    assert not found, "responses that do not fit botocore's output shapes:\n" + "\n".join(found)
