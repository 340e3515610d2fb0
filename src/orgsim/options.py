"""The options of ``orgsim.simulate`` and of the ``orgsim`` marker."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

_ACCOUNT_ID = re.compile(r"[0-9]{12}")


@dataclass(frozen=True)
class Options:
    #: The identity of every caller whose credentials orgsim did not issue.
    default_account_id: str = "123456789012"
    #: Accounts per organization, the management account included; open invitations count.
    max_accounts: int = 10
    #: Invitations per organization in a rolling 24 hours; accepted ones do not count.
    max_invitations_per_day: int = 20
    #: Seed for every generated id; the same seed gives the same ids. None draws a random one.
    seed: int | str | None = None
    #: Let operations orgsim does not simulate go to the next handler (moto, a Stubber) instead of failing.
    passthrough: bool = False

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> Options:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise TypeError(
                f"unknown orgsim option{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
                f"Valid options: {', '.join(sorted(known))}"
            )
        options = cls(**kwargs)
        options.check()
        return options

    def check(self) -> None:
        if not isinstance(self.default_account_id, str) or not _ACCOUNT_ID.fullmatch(self.default_account_id):
            raise ValueError(f"default_account_id must be 12 digits, not {self.default_account_id!r}")
        for name in ("max_accounts", "max_invitations_per_day"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, not {value!r}")
        if not isinstance(self.passthrough, bool):
            raise ValueError(f"passthrough must be True or False, not {self.passthrough!r}")
