"""NextToken values and pages, without a client."""

from __future__ import annotations

import base64
import hashlib

import pytest

from orgsim.domain.errors import Rejected
from orgsim.domain.sorted_list import SortedList
from orgsim.service.pagination import PageRequest, Tokens, page

SECRET = b"s" * 32


@pytest.mark.parametrize("position", ["00000000000000000001/h-0123456789", "000000000042", ""])
def test_a_token_is_the_urlsafe_base64_of_its_mac_and_payload(position: str) -> None:
    token = Tokens(SECRET).mint("ListAccounts:123456789012", position)
    payload = f"{position}:ListAccounts:123456789012".encode()
    mac = hashlib.blake2s(payload, key=SECRET, digest_size=12).digest()
    assert token == base64.urlsafe_b64encode(mac + payload).decode("ascii")
    assert Tokens(SECRET).read(token, "ListAccounts:123456789012") == position


def test_a_page_merges_its_sources_and_says_whether_more_is_shown() -> None:
    odd, even = [1, 3, 5, 7], [2, 4, 6]
    shown, more = page([odd, even], lambda n: n, 4, lambda n: n * 10 if n != 3 else None)
    assert shown == [(1, 10), (2, 20), (4, 40), (5, 50)] and more
    shown, more = page([odd], lambda n: n, 4, lambda n: None if n > 3 else n)
    assert shown == [(1, 1), (3, 3)] and not more


def test_a_page_starts_after_its_tokens_position_in_plain_and_sorted_lists() -> None:
    tokens = Tokens(SECRET)
    token = tokens.mint("scope", "b")
    request = PageRequest.read(tokens, {"NextToken": token, "MaxResults": 2}, "scope")
    chunked: SortedList[str] = SortedList(lambda s: s)
    for letter in "dacbe":
        chunked.add(letter)
    assert list(request.rest(["a", "b", "c", "d"], lambda s: s)) == ["c", "d"]
    assert list(request.rest(chunked, lambda s: s)) == ["c", "d", "e"]
    with pytest.raises(Rejected):
        list(request.rest(chunked, lambda s: s, start=int))  # a position its reader refuses
