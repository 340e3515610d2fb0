"""Opaque, tamper-evident NextToken values and pages that cost the same however long the list
(behaviour.md, "Lists")."""

from __future__ import annotations

import base64
import binascii
import hashlib
import heapq
import hmac
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from ..domain.errors import Rejected, invalid_input
from ..domain.sorted_list import SortedList

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

    def rest(
        self,
        items: Sequence[T] | SortedList[T],
        key: Callable[[T], Any],
        start: Callable[[str], Any] | None = None,
    ) -> Iterable[T]:
        """The items of ``items`` (sorted by ``key``) from where this page starts, found by bisection:
        a page costs the same however long the list. ``start`` reads the token's position as a value
        of ``key`` (it is one already when None); a position it cannot read is an invalid token."""
        if self.after is None:
            return items
        try:
            value = self.after if start is None else start(self.after)
        except ValueError:
            raise invalid_token() from None
        if isinstance(items, SortedList):
            return items.after(value)
        return _from(items, bisect_right(items, value, key=key))

    def page(
        self,
        tokens: Tokens,
        sources: Sequence[Iterable[T]],
        key: Callable[[T], Any],
        position: Callable[[T], str],
        show: Callable[[T], S | None],
    ) -> tuple[list[tuple[T, S]], str | None]:
        """The page, each item with what it shows, and the NextToken to send (None on the last page):
        see ``page``. ``position`` writes an item's place in the list as the token carries it."""
        shown, more = page(sources, key, self.limit, show)
        return shown, None if not more else tokens.mint(self.scope, position(shown[-1][0]))

    def take(self, tokens: Tokens, items: Iterable[T], position: Callable[[T], str]) -> tuple[list[T], str | None]:
        """The page from ``items``, which start right after the request's position (an index, or
        ``rest``, gives them from there), and the NextToken to send (None when nothing is left)."""
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
    sources: Sequence[Iterable[T]],
    key: Callable[[T], Any],
    limit: int,
    show: Callable[[T], S | None],
) -> tuple[list[tuple[T, S]], bool]:
    """Up to ``limit`` items, each with what ``show`` made of it; ``show`` returns None for an item the
    list leaves out.

    ``sources`` are each sorted by ``key`` and start where the page does (``PageRequest.rest``); the
    listing is all of them merged. Returns the page, and whether anything shown remains after it.
    """
    candidates = sources[0] if len(sources) == 1 else heapq.merge(*sources, key=key)
    shown: list[tuple[T, S]] = []
    for item in candidates:
        seen = show(item)
        if seen is not None:
            if len(shown) == limit:
                return shown, True
            shown.append((item, seen))
    return shown, False


def _from(items: Sequence[T], start: int) -> Iterator[T]:
    for index in range(start, len(items)):
        yield items[index]
