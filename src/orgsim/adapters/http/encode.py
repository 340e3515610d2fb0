"""Response bodies as the services send them, serialized from botocore's shapes (read at run time).

Nothing here knows an operation: a response structure is walked along the operation's output shape
(or an error's shape), so every operation the simulation answers, today's and later ones, is
serialized the same way. Members the shape does not have are left out, as the wire cannot carry them.

- JSON 1.1 (Organizations): members by name, timestamps as epoch seconds (to the millisecond),
  blobs in base64; errors ``{"__type": code, "Message": ..., "Reason": ...}``.
- Query (STS): ``<OpResponse><OpResult>...</OpResult><ResponseMetadata><RequestId>``, members by
  their serialized names, lists as ``member`` elements, timestamps in ISO 8601; errors
  ``<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>``.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import json
from collections.abc import Mapping
from typing import Any, Final
from xml.sax.saxutils import escape

from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

JSON_CONTENT_TYPE: Final = "application/x-amz-json-1.1"
XML_CONTENT_TYPE: Final = "text/xml"
_UTC = dt.timezone.utc
#: What a timestamp looks like when its shape does not say: each protocol's default.
_TIMESTAMP_DEFAULT: Final = {"json": "unixtimestamp", "query": "iso8601"}


# -- JSON 1.1 ---------------------------------------------------------------------------------------


def json_body(shape: Shape | None, value: Mapping[str, Any]) -> bytes:
    """A JSON 1.1 response body: ``value`` serialized along ``shape`` (an operation's output)."""
    encoded = {} if shape is None else _json(shape, value)
    return json.dumps(encoded, separators=(",", ":")).encode("ascii")


def json_error(code: str, message: str, shape: Shape | None, members: Mapping[str, Any]) -> bytes:
    """A JSON 1.1 error body. A modeled error carries its shape's members (``Message``, ``Reason``,
    ``Type``); an error the model does not know carries ``message``, as AWS's front end sends it."""
    body: dict[str, Any] = {"__type": code}
    if isinstance(shape, StructureShape):
        body.update(_json(shape, {**members, **_message_for(shape, message)}))
    else:
        body["message"] = message
    return json.dumps(body, separators=(",", ":")).encode("ascii")


def _json(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        out = {}
        for name, member in shape.members.items():
            item = value.get(name) if isinstance(value, Mapping) else None
            if item is not None:
                out[_wire_name(member, name)] = _json(member, item)
        return out
    if kind == "list":
        assert isinstance(shape, ListShape)
        return [_json(shape.member, item) for item in value]
    if kind == "map":
        assert isinstance(shape, MapShape)
        return {str(key): _json(shape.value, item) for key, item in value.items()}
    if kind == "timestamp":
        return _timestamp(shape, value, "json")
    if kind == "blob":
        return _blob(value)
    return value


# -- query (XML) ------------------------------------------------------------------------------------


def xml_body(operation: OperationModel, value: Mapping[str, Any], request_id: str) -> bytes:
    """A query-protocol response body for ``operation``, with its request id."""
    name = operation.name
    namespace = _namespace(operation.service_model)
    shape = operation.output_shape
    result = ""
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper", f"{name}Result")
        result = _xml(wrapper, shape, value)
    return (
        f'<{name}Response{namespace}>{result}'
        f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata>"
        f"</{name}Response>"
    ).encode("utf-8")


def xml_error(
    service: ServiceModel,
    code: str,
    message: str,
    status: int,
    shape: Shape | None,
    members: Mapping[str, Any],
    request_id: str,
) -> bytes:
    """A query-protocol error body: ``Type`` (``Sender`` for the caller's mistakes, ``Receiver`` for
    the service's), ``Code``, ``Message``, then the error shape's other members."""
    namespace = _namespace(service)
    extra = ""
    if isinstance(shape, StructureShape):
        lower = {name.lower() for name in ("Type", "Code", "Message")}
        for name, member in shape.members.items():
            item = members.get(name)
            if item is not None and name.lower() not in lower:
                extra += _xml(_wire_name(member, name), member, item)
    kind = "Receiver" if status >= 500 else "Sender"
    return (
        f"<ErrorResponse{namespace}><Error><Type>{kind}</Type><Code>{escape(code)}</Code>"
        f"<Message>{_text(message)}</Message>{extra}</Error>"
        f"<RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
    ).encode("utf-8")


def _namespace(service: ServiceModel) -> str:
    namespace = service.metadata.get("xmlNamespace")
    return f' xmlns="{escape(namespace)}"' if isinstance(namespace, str) else ""


def _xml(tag: str, shape: Shape, value: Any) -> str:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        inner = ""
        for name, member in shape.members.items():
            item = value.get(name) if isinstance(value, Mapping) else None
            if item is not None:
                inner += _xml(_wire_name(member, name), member, item)
        return f"<{tag}>{inner}</{tag}>"
    if kind == "list":
        assert isinstance(shape, ListShape)
        if shape.serialization.get("flattened"):
            return "".join(_xml(tag, shape.member, item) for item in value)
        item_tag = _wire_name(shape.member, "member")
        return f"<{tag}>" + "".join(_xml(item_tag, shape.member, item) for item in value) + f"</{tag}>"
    if kind == "map":
        assert isinstance(shape, MapShape)
        key_tag = _wire_name(shape.key, "key")
        value_tag = _wire_name(shape.value, "value")
        entries = [
            _xml(key_tag, shape.key, key) + _xml(value_tag, shape.value, item) for key, item in value.items()
        ]
        if shape.serialization.get("flattened"):
            return "".join(f"<{tag}>{entry}</{tag}>" for entry in entries)
        return f"<{tag}>" + "".join(f"<entry>{entry}</entry>" for entry in entries) + f"</{tag}>"
    if kind == "timestamp":
        text = str(_timestamp(shape, value, "query"))
    elif kind == "boolean":
        text = "true" if value else "false"
    elif kind == "blob":
        text = _blob(value)
    else:
        text = str(value)
    return f"<{tag}>{_text(text)}</{tag}>"


def _text(text: str) -> str:
    # A carriage return would be read back as a newline: keep it as a character reference.
    return escape(text).replace("\r", "&#xD;")


# -- shared -----------------------------------------------------------------------------------------


def _wire_name(shape: Shape, default: str) -> str:
    name = shape.serialization.get("name", default)
    return name if isinstance(name, str) else default


def _message_for(shape: StructureShape, message: str) -> dict[str, str]:
    """The message under the member name the error shape uses for it (``Message`` or ``message``)."""
    for name in shape.members:
        if name.lower() == "message":
            return {name: message}
    return {}


def _timestamp(shape: Shape, value: Any, protocol: str) -> Any:
    if not isinstance(value, dt.datetime):
        return value
    when = value.astimezone(_UTC) if value.tzinfo is not None else value.replace(tzinfo=_UTC)
    style = str(shape.serialization.get("timestampFormat", _TIMESTAMP_DEFAULT[protocol])).lower()
    if style == "unixtimestamp":
        return round(when.timestamp(), 3)
    if style == "rfc822":
        return email.utils.format_datetime(when, usegmt=True)
    millis = when.microsecond // 1000
    fraction = f".{millis:03d}" if millis else ""
    return when.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def _blob(value: Any) -> str:
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return base64.b64encode(raw).decode("ascii")
