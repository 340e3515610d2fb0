"""Shared test setup.

Every response orgsim gives is checked against botocore's output shape (or, for a modeled error,
its error shape), the way botocore's Stubber checks canned answers. A test that triggers a
response the model would not allow fails, even if it asserts nothing about that response.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore import handlers
from botocore.exceptions import ParamValidationError
from botocore.validate import validate_parameters

_problems: list[str] = []


def _fits_model(model: Any, parsed: dict[str, Any], **kwargs: Any) -> None:
    body = {key: value for key, value in parsed.items() if key != "ResponseMetadata"}
    error = body.pop("Error", None)
    if error is None:
        shape = model.output_shape
        if shape is None:
            if body:
                _problems.append(f"{model.name} has no output, but got {sorted(body)}")
            return
    else:
        try:
            shape = model.service_model.shape_for(error["Code"])
        except Exception:
            # Unmodeled codes (SerializationException, STS ValidationError) have no members.
            return
    try:
        validate_parameters(body, shape)
    except ParamValidationError as exc:
        _problems.append(f"{model.name}: {exc}")


def pytest_configure(config: pytest.Config) -> None:
    for service in ("organizations", "sts"):
        entry = (f"after-call.{service}", _fits_model)
        if entry not in handlers.BUILTIN_HANDLERS:
            handlers.BUILTIN_HANDLERS.append(entry)


@pytest.fixture(autouse=True)
def _responses_fit_the_model() -> Iterator[None]:
    _problems.clear()
    yield
    found, _problems[:] = list(_problems), []
    assert not found, "orgsim answered outside botocore's shapes:\n" + "\n".join(found)
