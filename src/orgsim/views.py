"""Read-only snapshots of the simulated world, for assertions in tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .domain import model


@dataclass(frozen=True)
class Account:
    """An account as it was when the snapshot was taken."""

    id: str
    email: str
    name: str
    organization_id: str | None
    joined_method: str | None
    joined_timestamp: dt.datetime | None

    @classmethod
    def of(cls, account: model.Account) -> Account:
        return cls(
            account.id, account.email, account.name, account.org_id, account.joined_method, account.joined_at
        )
