"""What every handler is given: the world, the caller, the moment of the call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ..domain.model import Account
from ..domain.world import World
from .identity import Identities, Identity
from .pagination import Tokens
from .render import Output


class Call(NamedTuple):
    """One call being answered. A named tuple: dispatch makes one per call, with ``tuple.__new__``."""

    operation: str
    world: World
    identities: Identities
    tokens: Tokens
    identity: Identity
    now: dt.datetime

    @property
    def caller(self) -> Account:
        return self.world.account(self.identity.account_id)


Params = Mapping[str, Any]
Handler = Callable[[Call, Params], Output]
