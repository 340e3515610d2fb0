"""Identifiers in the real formats, drawn from one seeded generator per simulation (behaviour.md,
"Who may call what")."""

from __future__ import annotations

import random
import re
import string

_LOWER_ALNUM = string.ascii_lowercase + string.digits
_UPPER_ALNUM = string.ascii_uppercase + string.digits
_ACCOUNT_ID = re.compile(r"[0-9]{12}")


def is_account_id(value: object) -> bool:
    """Whether ``value`` is an AWS account id: twelve ASCII digits."""
    return isinstance(value, str) and _ACCOUNT_ID.fullmatch(value) is not None


class IdGenerator:
    """Makes every id a simulation hands out. The same seed gives the same ids."""

    def __init__(self, seed: int | str | None) -> None:
        self._rng = random.Random(seed)
        self._request_prefix: str | None = None
        self._requests = 0

    def _hex(self, n: int) -> str:
        return format(self._rng.getrandbits(4 * n), f"0{n}x")

    def _pick(self, alphabet: str, n: int) -> str:
        return "".join(self._rng.choices(alphabet, k=n))

    def handshake_id(self) -> str:
        return "h-" + self._hex(32)

    def organization_id(self) -> str:
        return "o-" + self._pick(_LOWER_ALNUM, 10)

    def root_id(self) -> str:
        return "r-" + self._pick(_LOWER_ALNUM, 4)

    def organizational_unit_id(self, root_id: str) -> str:
        """``ou-`` + the root id without ``r-`` + ``-`` + 8 random characters."""
        return f"ou-{root_id[2:]}-{self._pick(_LOWER_ALNUM, 8)}"

    def account_id(self) -> str:
        return str(self._rng.randrange(100_000_000_000, 1_000_000_000_000))

    def transfer_id(self) -> str:
        return "rt-" + self._pick(_LOWER_ALNUM, 8)

    def policy_id(self) -> str:
        """``p-`` + 8 lowercase letters or digits, the form real policy ids have."""
        return "p-" + self._pick(_LOWER_ALNUM, 8)

    def resource_policy_id(self) -> str:
        return "rp-" + self._pick(_LOWER_ALNUM, 8)

    def create_account_request_id(self) -> str:
        return "car-" + self._hex(32)

    def request_id(self) -> str:
        """A UUID-shaped id: a random prefix drawn once, then a counter (cheap, and unique per simulation)."""
        self._requests += 1
        if self._request_prefix is None:
            h = self._hex(20)
            self._request_prefix = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-"
        return f"{self._request_prefix}{self._requests:012x}"

    def access_key_id(self, prefix: str) -> str:
        return prefix + self._pick(_UPPER_ALNUM, 20 - len(prefix))

    def secret(self, n: int = 40) -> str:
        return self._pick(string.ascii_letters + string.digits, n)
