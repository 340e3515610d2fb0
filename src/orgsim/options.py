"""The options of ``orgsim.simulate`` and of the ``orgsim`` marker: what a simulation is configured with.

The quotas and delays are the domain's (``orgsim.domain.limits.Limits``): their defaults come from
there and ``limits()`` hands them back by name. Standard library only: the pytest plugin reads the
option names from here to describe its marker.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .domain.ids import is_account_id
from .domain.limits import Limits

_DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Options:
    #: The identity of every caller whose credentials orgsim did not issue.
    default_account_id: str = "123456789012"
    #: Accounts per organization, the management account included; open invitations count.
    max_accounts: int = _DEFAULT_LIMITS.max_accounts
    #: Invitations per organization in a rolling 24 hours; accepted ones do not count.
    max_invitations_per_day: int = _DEFAULT_LIMITS.max_invitations_per_day
    #: Seed for every generated id; the same seed gives the same ids. None draws a random one.
    seed: int | str | None = None
    #: Let operations orgsim does not simulate go to the next handler (moto, a Stubber) instead of failing.
    passthrough: bool = False
    #: Let InviteAccountToOrganization through while enable-all-features is pending (refused by default).
    allow_invites_during_enable_all_features: bool = _DEFAULT_LIMITS.allow_invites_during_enable_all_features
    #: Seconds (on the clock) a CreateAccount request stays IN_PROGRESS before it succeeds or fails.
    create_account_delay_seconds: float = _DEFAULT_LIMITS.create_account_delay_seconds
    #: Days a created account must stay in its organization before it can leave or be removed.
    created_account_wait_days: float = _DEFAULT_LIMITS.created_account_wait_days
    #: Seconds (on the clock) a closed account stays PENDING_CLOSURE before it is CLOSED.
    close_account_delay_seconds: float = _DEFAULT_LIMITS.close_account_delay_seconds
    #: Billing transfers an organization may have sent and not lost (open invitations and accepted
    #: transfers); AWS's own default is 0.
    max_inbound_transfers: int = _DEFAULT_LIMITS.max_inbound_transfers
    #: The longest chain of accepted billing transfers (AWS: 1, or 2 on request).
    max_transfer_chain_length: int = _DEFAULT_LIMITS.max_transfer_chain_length
    #: Service control policies with their quotas before 15 May 2026: 5 per target and 5,120
    #: characters, instead of 10 and 10,240.
    legacy_scp_limits: bool = _DEFAULT_LIMITS.legacy_scp_limits
    #: Service principals that trusted access and delegated administrators accept besides the ones
    #: orgsim knows (``"reporting.trustedadvisor.amazonaws.com"``, say).
    extra_service_principals: tuple[str, ...] = _DEFAULT_LIMITS.extra_service_principals
    #: Where "now" comes from: a function returning a datetime (naive means UTC), e.g. ``ManualClock()``.
    #: None reads ``datetime.now(timezone.utc)`` at every call, which freezegun and time-machine move.
    clock: Callable[[], dt.datetime] | None = None
    #: Keep only the most recent calls in ``Simulation.calls`` (0 records nothing); None keeps all.
    call_log_limit: int | None = None

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every option's name, in declaration order."""
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> Options:
        unknown = sorted(set(kwargs) - set(cls.names()))
        if unknown:
            raise TypeError(
                f"unknown orgsim option{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
                f"Valid options: {', '.join(sorted(cls.names()))}"
            )
        options = cls(**kwargs)
        options.check()
        return options

    def limits(self) -> Limits:
        """The domain's quotas and delays, as these options set them (the others at their defaults)."""
        names = self.names()
        given = {f.name: getattr(self, f.name) for f in dataclasses.fields(Limits) if f.name in names}
        given["extra_service_principals"] = tuple(self.extra_service_principals)
        return Limits(**given)

    def check(self) -> None:
        """ValueError for a value no simulation can run with, naming the option."""
        if not is_account_id(self.default_account_id):
            raise ValueError(f"default_account_id must be 12 digits, not {self.default_account_id!r}")
        for name in ("max_accounts", "max_invitations_per_day", "max_transfer_chain_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, not {value!r}")
        inbound = self.max_inbound_transfers
        if isinstance(inbound, bool) or not isinstance(inbound, int) or inbound < 0:
            raise ValueError(f"max_inbound_transfers must be a non-negative integer, not {inbound!r}")
        for name in ("passthrough", "allow_invites_during_enable_all_features", "legacy_scp_limits"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise ValueError(f"{name} must be True or False, not {value!r}")
        for name in ("create_account_delay_seconds", "created_account_wait_days", "close_account_delay_seconds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e9:
                raise ValueError(f"{name} must be a number of at least 0, not {value!r}")
        principals = self.extra_service_principals
        if not isinstance(principals, (list, tuple)) or not all(
            isinstance(p, str) and _SERVICE_PRINCIPAL.fullmatch(p) for p in principals
        ):
            raise ValueError(
                "extra_service_principals must be a list of service principals (1 to 128 letters, digits and "
                f"+=,.@_-, like 'config.amazonaws.com'), not {principals!r}"
            )
        if self.clock is not None and not callable(self.clock):
            raise ValueError(f"clock must be a function returning a datetime, not {self.clock!r}")
        limit = self.call_log_limit
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise ValueError(f"call_log_limit must be None or a non-negative integer, not {limit!r}")


#: What a service principal looks like (the model's ``ServicePrincipal`` shape).
_SERVICE_PRINCIPAL = re.compile(r"[\w+=,.@-]{1,128}", re.ASCII)
