"""The quotas and delays of the simulated service: one place for their names, defaults and meaning
(behaviour.md, "Quotas").

``orgsim.Options`` takes its defaults from here and hands the values back by the same names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    #: Accounts per organization, the management account included; open invitations count.
    max_accounts: int = 10
    #: Invitations per organization in a rolling 24 hours; accepted ones do not count.
    max_invitations_per_day: int = 20
    #: Let InviteAccountToOrganization through while enable-all-features is pending (refused by default).
    allow_invites_during_enable_all_features: bool = False
    #: Seconds (on the clock) a CreateAccount request stays IN_PROGRESS before it succeeds or fails.
    create_account_delay_seconds: float = 5.0
    #: Days a created account must stay in its organization before it can leave or be removed.
    created_account_wait_days: float = 7.0

    @property
    def create_account_delay(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.create_account_delay_seconds)

    @property
    def created_account_wait(self) -> dt.timedelta:
        return dt.timedelta(days=self.created_account_wait_days)
