"""The API parameters as the real service would receive them: decoded from the serialised request.

Taking the parameters from the request botocore built, rather than from what the caller passed,
matters when botocore's parameter validation is off: botocore's serialisers turn a tuple into a JSON
list, a number into a query-string text, ``None`` into ``null`` (JSON) or the text ``None`` (query),
and the service judges what arrives, not what was meant (behaviour.md, "Input").
"""

from __future__ import annotations

import json
import sys
from typing import Any, Final

from botocore.awsrequest import AWSRequest
from botocore.model import OperationModel

from ..query import query_pairs, query_params


def api_params(model: OperationModel, request_dict: dict[str, Any]) -> dict[str, Any]:
    """The request's parameters, decoded the way the service's protocol decodes them."""
    body = request_dict.get("body")
    if model.service_model.protocol == "query":
        return _from_query(model, body)
    if isinstance(body, _BYTES):
        body = body.decode("utf-8")
    if not isinstance(body, str) or not body:
        return {}
    loaded = _JSON.decode(body)
    return loaded if isinstance(loaded, dict) else {}


_BYTES: Final = (bytes, bytearray)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, with one copy of each member name: every request repeats them, and the call log
    keeps every request's parameters (the names were a tenth of what a logged invitation kept).
    Interned strings go when nothing refers to them any more, so names that are no member never pile up."""
    intern = sys.intern
    decoded = {}
    for key, value in pairs:
        decoded[intern(key)] = value
    return decoded


_JSON: Final = json.JSONDecoder(object_pairs_hook=_object)


def _from_query(model: OperationModel, body: Any) -> dict[str, Any]:
    if isinstance(body, dict):
        # Encoded exactly as botocore encodes it when it prepares the request for sending.
        body = AWSRequest(method="POST", url="https://localhost/", data=body).prepare().body
    if isinstance(body, _BYTES):
        body = body.decode("utf-8")
    if not isinstance(body, str) or model.input_shape is None:
        return {}
    return query_params(model.input_shape, query_pairs(body))
