"""The API parameters as the real service would receive them: decoded from the serialised request.

Taking the parameters from the request botocore built, rather than from what the caller passed,
matters when botocore's parameter validation is off: botocore's serialisers turn a tuple into a JSON
list, a number into a query-string text, ``None`` into ``null`` (JSON) or the text ``None`` (query),
and the service judges what arrives, not what was meant (behaviour.md, "Input").
"""

from __future__ import annotations

import json
import re
from typing import Any, Final
from urllib.parse import parse_qsl

from botocore.awsrequest import AWSRequest
from botocore.model import OperationModel, Shape, StructureShape

_MISSING: Final = object()
_INTEGER = re.compile(r"[+-]?[0-9]+")


def api_params(model: OperationModel, request_dict: dict[str, Any]) -> dict[str, Any]:
    """The request's parameters, decoded the way the service's protocol decodes them."""
    body = request_dict.get("body")
    if model.service_model.protocol == "query":
        return _from_query(model, body)
    if isinstance(body, _BYTES):
        body = body.decode("utf-8")
    if not isinstance(body, str) or not body:
        return {}
    loaded = json.loads(body)
    return loaded if isinstance(loaded, dict) else {}


_BYTES: Final = (bytes, bytearray)


def _from_query(model: OperationModel, body: Any) -> dict[str, Any]:
    if isinstance(body, dict):
        # Encoded exactly as botocore encodes it when it prepares the request for sending.
        body = AWSRequest(method="POST", url="https://localhost/", data=body).prepare().body
    if isinstance(body, _BYTES):
        body = body.decode("utf-8")
    if not isinstance(body, str) or model.input_shape is None:
        return {}
    flat = _Flat()
    for key, value in parse_qsl(body, keep_blank_values=True):
        flat.add(key, value)
    decoded = _structure(model.input_shape, flat, "")
    return decoded if isinstance(decoded, dict) else {}


class _Flat(dict[str, str]):
    """The query's keys and values (a repeated key: the first one counts), plus every dotted
    prefix of every key, so that asking whether anything lies under a prefix costs O(1)."""

    def __init__(self) -> None:
        super().__init__()
        self.prefixes: set[str] = set()

    def add(self, key: str, value: str) -> None:
        self.setdefault(key, value)
        parts = key.split(".")
        for end in range(1, len(parts) + 1):
            self.prefixes.add(".".join(parts[:end]))

    def has_under(self, prefix: str) -> bool:
        """Whether ``prefix`` is a key or the dotted start of one."""
        return prefix in self.prefixes


def _name(shape: Shape, default: str) -> str:
    name = shape.serialization.get("name", default)
    return name if isinstance(name, str) else default


def _decode(shape: Shape, flat: _Flat, key: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, flat, key + ".")
    if kind == "list":
        if flat.get(key) == "":
            return []
        item_prefix = f"{key}.{_name(shape.member, 'member')}."
        items = []
        index = 1
        while flat.has_under(f"{item_prefix}{index}"):
            items.append(_decode(shape.member, flat, f"{item_prefix}{index}"))
            index += 1
        return items if items else _MISSING
    if key not in flat:
        return _MISSING
    text = flat[key]
    if kind in ("integer", "long"):
        # A text that is not a number stays a text; the validator refuses it as the wrong type.
        return int(text) if _INTEGER.fullmatch(text) else text
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    return text


def _structure(shape: Shape, flat: _Flat, prefix: str) -> Any:
    assert isinstance(shape, StructureShape)
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        value = _decode(member, flat, prefix + _name(member, name))
        if value is not _MISSING:
            out[name] = value
    if not out and prefix and not flat.has_under(prefix[:-1]):
        return _MISSING
    return out
