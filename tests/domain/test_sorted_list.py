"""SortedList behaves as a plain sorted list would, whatever its chunks (a property test with tiny chunks)."""

from __future__ import annotations

from bisect import bisect_right

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orgsim.domain import sorted_list
from orgsim.domain.sorted_list import SortedList


class Item:
    """Unique by identity, sorted by ``key``: what the world keeps (handshakes) looks like this."""

    def __init__(self, key: int) -> None:
        self.key = key

    def __repr__(self) -> str:
        return f"Item({self.key})"


def _key(item: Item) -> tuple[int, int]:
    return item.key, id(item)  # unique, like every key the world uses


def _coarse(item: Item) -> int:
    return item.key


operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 40)),
        st.tuples(st.just("remove"), st.integers(0, 1000)),
        st.tuples(st.just("pop"), st.integers(-1, 41)),
    ),
    max_size=120,
)


@pytest.fixture(autouse=True)
def tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sorted_list, "CHUNK", 2)


@given(operations, st.integers(-1, 41))
def test_it_keeps_what_a_sorted_list_keeps(steps: list[tuple[str, int]], probe: int) -> None:
    ours: SortedList[Item] = SortedList(_key)
    reference: list[Item] = []
    for action, value in steps:
        if action == "add":
            item = Item(value)
            ours.add(item)
            reference.append(item)
            reference.sort(key=_key)
        elif action == "remove" and reference:
            item = reference.pop(value % len(reference))
            ours.remove(item)
        elif action == "pop":
            cut = bisect_right(reference, value, key=_coarse)
            assert ours.pop_through(value, key=_coarse) == reference[:cut]
            del reference[:cut]
        assert list(ours) == reference and len(ours) == len(reference)
        assert ours.first() is (reference[0] if reference else None)
    cut = bisect_right(reference, probe, key=_coarse)
    assert list(ours.after(probe, key=_coarse)) == reference[cut:]
    assert ours.count_after(probe, key=_coarse) == len(reference) - cut
    assert list(ours.after(None)) == reference
    if reference:
        middle = reference[len(reference) // 2]
        assert list(ours.after(_key(middle))) == reference[len(reference) // 2 + 1 :]


def test_removing_what_is_not_there_is_an_error() -> None:
    ours: SortedList[Item] = SortedList(_key)
    ours.add(Item(1))
    with pytest.raises(ValueError, match="not in the list"):
        ours.remove(Item(1))
