"""What every handler is given: the world, the caller, the moment of the call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ..domain.closing import refuse_closed_caller
from ..domain.model import Account
from ..domain.store import World
from .identity import Identities, Identity
from .pagination import Tokens

Params = Mapping[str, Any]
#: A response structure as the call log keeps it (see ``render``).
Output = dict[str, Any]


class Call(NamedTuple):
    """One call being answered."""

    operation: str
    world: World
    identities: Identities
    tokens: Tokens
    identity: Identity
    now: dt.datetime

    @property
    def caller(self) -> Account:
        """The calling account; a closed account is refused whatever it calls."""
        account = self.world.account(self.identity.account_id)
        refuse_closed_caller(account)
        return account


Handler = Callable[[Call, Params], Output]
