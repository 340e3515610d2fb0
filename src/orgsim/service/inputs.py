"""Request members turned into domain values."""

from __future__ import annotations

from ..domain.model import Party, Tags
from .context import Params


def tags(params: Params) -> Tags:
    """The request's ``Tags`` as (key, value) pairs, in the order given (a missing value is empty)."""
    return tuple((tag["Key"], tag.get("Value", "")) for tag in params.get("Tags") or ())


def party(member: Params) -> Party:
    """A ``HandshakeParty`` member (``Target``)."""
    return Party(member["Id"], member["Type"])
