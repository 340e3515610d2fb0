"""What every handler is given: the world, the caller, the moment of the call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..domain.model import Account
from ..domain.world import World
from .identity import Identities, Identity
from .pagination import Tokens
from .render import Output


@dataclass
class Call:
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
