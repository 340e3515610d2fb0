"""An outcome of the simulated service as botocore expects it from ``before-call``:
``(http_response, parsed)``, where ``parsed`` is what botocore's parser would have made of the body."""

from __future__ import annotations

import functools
from typing import Any, Final

from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.model import ServiceModel, StructureShape

from ...service.botocore_model import service_model
from ...service.simulated_aws import Outcome

_CONTENT_TYPE: Final = {"json": "application/x-amz-json-1.1", "query": "text/xml"}


class SimulatedResponse(AWSResponse):  # type: ignore[misc]  # botocore ships no types
    """The HTTP response of an answer orgsim made (so that ``after-call`` handlers can tell).

    Its case-insensitive ``headers`` are made when first read: only an ``after-call`` handler ever
    reads them, and making them on every call costs several per cent of a call.
    """

    url = None
    raw = None
    _content: bytes | None = None

    def __init__(self, status_code: int, headers: dict[str, str]) -> None:
        self.status_code = status_code
        self._plain_headers = headers
        self._headers: HeadersDict | None = None

    @property
    def headers(self) -> HeadersDict:
        if self._headers is None:
            self._headers = HeadersDict(self._plain_headers)
        return self._headers

    @headers.setter
    def headers(self, value: HeadersDict) -> None:
        self._headers = value


def to_botocore(
    outcome: Outcome, service_model: ServiceModel, response: type[SimulatedResponse] = SimulatedResponse
) -> tuple[AWSResponse, dict[str, Any]]:
    """``outcome`` as a ``before-call`` handler returns it; ``response`` is the HTTP response's class
    (aiobotocore's clients want an awaitable body)."""
    output, record = outcome
    protocol = service_model.protocol
    headers = {"x-amzn-requestid": record.request_id, "content-type": _CONTENT_TYPE[protocol]}
    error = record.error
    if error is None:
        assert output is not None
        output["ResponseMetadata"] = _metadata(record.request_id, 200, headers)
        return response(200, headers), output
    # 400 for every error but ServiceException (behaviour.md, "Input").
    status = 500 if error.code == "ServiceException" else 400
    parsed: dict[str, Any] = {
        "Error": {"Code": error.code, "Message": error.message},
        "ResponseMetadata": _metadata(record.request_id, status, headers),
    }
    if protocol == "query":
        parsed["Error"]["Type"] = "Sender"
    members = error_members(service_model.service_name, error.code)
    if "Message" in members:
        parsed["Message"] = error.message
    if "Reason" in members and error.reason is not None:
        parsed["Reason"] = error.reason
    if error.members:
        parsed.update((k, v) for k, v in error.members.items() if k in members)
    return response(status, headers), parsed


def _metadata(request_id: str, status: int, headers: dict[str, str]) -> dict[str, Any]:
    return {"RequestId": request_id, "HTTPStatusCode": status, "HTTPHeaders": dict(headers), "RetryAttempts": 0}


@functools.cache
def error_members(service: str, code: str) -> frozenset[str]:
    """The members the error shape ``code`` has in the installed model (empty when unmodeled)."""
    model = service_model(service)
    if code not in model.shape_names:
        return frozenset()
    shape = model.shape_for(code)
    return frozenset(shape.members) if isinstance(shape, StructureShape) else frozenset()
