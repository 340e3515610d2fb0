"""Opaque, tamper-evident NextToken values and pages that cost the same however long the list
(behaviour.md, "Lists")."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from ..domain.errors import Rejected, invalid_input

T = TypeVar("T")
S = TypeVar("S")

#: Items on a page when the request sets no MaxResults: the model's maximum (behaviour.md, "Lists").
DEFAULT_PAGE_SIZE = 20


def invalid_token() -> Rejected:
    return invalid_input("INVALID_NEXT_TOKEN", "The NextToken value you provided is not valid.")


class Tokens:
    """Mints and reads tokens. A token names the listing it belongs to (operation, caller,
    filter) and the position after which the next page starts; a token from another listing,
    another simulation or with a changed byte is refused.

    A position is the sort key of the last item returned (a string without ``:``), not an index,
    so items that are added, removed or change state between pages shift nothing."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, payload: bytes) -> bytes:
        return hashlib.blake2s(payload, key=self._secret, digest_size=12).digest()

    def mint(self, scope: str, position: str) -> str:
        payload = f"{position}:{scope}".encode()
        return base64.urlsafe_b64encode(self._mac(payload) + payload).decode("ascii")

    def read(self, token: str, scope: str) -> str:
        try:
            raw = base64.urlsafe_b64decode(token.encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raise invalid_token() from None
        mac, payload = raw[:12], raw[12:]
        if not hmac.compare_digest(mac, self._mac(payload)):
            raise invalid_token()
        position, _, token_scope = payload.decode().partition(":")
        if token_scope != scope:
            raise invalid_token()
        return position


class PageRequest(NamedTuple):
    """A list request's paging, read from its input: the listing its tokens belong to, where its page
    starts and how long it is. Reading it is part of input validation: it comes before the caller's
    membership and role are checked."""

    scope: str
    after: str | None
    limit: int

    @classmethod
    def read(cls, tokens: Tokens, params: Mapping[str, Any], scope: str) -> PageRequest:
        token = params.get("NextToken")
        after = tokens.read(token, scope) if token is not None else None
        return cls(scope, after, params.get("MaxResults") or DEFAULT_PAGE_SIZE)

    def page(
        self, tokens: Tokens, items: Sequence[T], position: Callable[[T], str], show: Callable[[T], S | None]
    ) -> tuple[list[T], list[S], str | None]:
        """The page, what it shows, and the NextToken to send (None on the last page). See ``page``."""
        kept, shown, more = page(items, position, self.after, self.limit, show)
        return kept, shown, None if more is None else tokens.mint(self.scope, more)


    def take(self, tokens: Tokens, items: Iterator[T], position: Callable[[T], str]) -> tuple[list[T], str | None]:
        """The page from ``items``, which start right after the request's position (an index gives
        them from there), and the NextToken to send (None when nothing is left)."""
        kept: list[T] = []
        for item in items:
            if len(kept) == self.limit:
                return kept, tokens.mint(self.scope, position(kept[-1]))
            kept.append(item)
        return kept, None


def with_token(output: dict[str, Any], token: str | None) -> dict[str, Any]:
    """``output`` with ``NextToken`` added when there is one (left out on the last page)."""
    if token is not None:
        output["NextToken"] = token
    return output


def page(
    items: Sequence[T],
    position: Callable[[T], str],
    after: str | None,
    limit: int,
    show: Callable[[T], S | None],
) -> tuple[list[T], list[S], str | None]:
    """Up to ``limit`` items whose position is greater than ``after`` (all, when None), and what ``show``
    made of each; ``show`` returns None for an item the list leaves out.

    ``items`` are sorted by ``position``. Returns the page's items, what they show (the same length),
    and the position to continue after, or None when nothing shown remains.
    """
    start = 0 if after is None else bisect_right(items, after, key=position)
    kept: list[T] = []
    shown: list[S] = []
    for index in range(start, len(items)):
        item = items[index]
        seen = show(item)
        if seen is not None:
            if len(kept) == limit:
                return kept, shown, position(kept[-1])
            kept.append(item)
            shown.append(seen)
    return kept, shown, None
