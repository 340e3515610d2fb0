"""Request members turned into domain values."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from typing import Any

from ..domain.errors import Rejected
from ..domain.model import Party, Tags
from .context import Params

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def tags(params: Params) -> Tags:
    """The request's ``Tags`` as (key, value) pairs, in the order given (a missing value is empty)."""
    return tuple((tag["Key"], tag.get("Value", "")) for tag in params.get("Tags") or ())


def party(member: Params) -> Party:
    """A ``HandshakeParty`` member (``Target``)."""
    return Party(member["Id"], member["Type"])


def timestamp(value: Any, name: str) -> dt.datetime:
    """A timestamp member as the service reads it, in UTC to the millisecond (later digits are
    dropped). JSON carries epoch seconds (whole ones from botocore before 1.44, fractions after); a
    value that is no time at all is refused as the deserializer refuses it."""
    try:
        if isinstance(value, dt.datetime):
            aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
            return aware.astimezone(dt.timezone.utc).replace(microsecond=aware.microsecond // 1000 * 1000)
        if isinstance(value, str) and not _is_number(value):
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return timestamp(parsed, name)
        if isinstance(value, (int, float, str)) and not isinstance(value, bool):
            # The shortest decimal form of a float is what the JSON text said: exact arithmetic on it.
            seconds = Decimal(repr(value) if isinstance(value, float) else value)
            if not seconds.is_finite():
                raise ValueError(value)
            return _EPOCH + dt.timedelta(milliseconds=math.floor(seconds * 1000))
    except (ValueError, OverflowError, InvalidOperation):
        pass
    raise Rejected("SerializationException", f"Expected a timestamp for {name}.")


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True
