"""A list kept sorted by a key, in chunks, so that adding or removing an item anywhere costs the same
however long it is.

A plain sorted list moves every later item on each insertion or removal: under a frozen clock every
new handshake sorts among the others sent at the same instant (by id), so an organization that sent
10,000 of them moved 5,000 on average for each new one. Here an item moves at most a chunk's worth.
Keys must be unique (every index keys handshakes by something that includes their id or seq).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterator
from itertools import chain, islice
from typing import Any, Generic, TypeVar

T = TypeVar("T")

#: Chunks are split in two when they grow past twice this.
CHUNK = 256


class SortedList(Generic[T]):
    __slots__ = ("_chunks", "_firsts", "_key", "_len")

    def __init__(self, key: Callable[[T], Any]) -> None:
        self._key = key
        self._chunks: list[list[T]] = []
        #: The first item of each chunk.
        self._firsts: list[T] = []
        self._len = 0

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[T]:
        return chain.from_iterable(self._chunks)

    def __repr__(self) -> str:
        return f"SortedList({list(self)!r})"

    def _chunk_of(self, value: Any, key: Callable[[T], Any]) -> int:
        """The chunk where items of key ``value`` go: the last one whose first item is not above it."""
        return max(bisect_right(self._firsts, value, key=key) - 1, 0)

    def add(self, item: T) -> None:
        key = self._key
        if not self._chunks:
            self._chunks.append([item])
            self._firsts.append(item)
            self._len = 1
            return
        index = self._chunk_of(key(item), key)
        chunk = self._chunks[index]
        if key(chunk[-1]) < key(item):
            chunk.append(item)  # the clock running forward: always this
        else:
            insort(chunk, item, key=key)
            self._firsts[index] = chunk[0]
        self._len += 1
        if len(chunk) > 2 * CHUNK:
            self._chunks[index : index + 1] = [chunk[:CHUNK], chunk[CHUNK:]]
            self._firsts.insert(index + 1, chunk[CHUNK])

    def remove(self, item: T) -> None:
        key = self._key
        value = key(item)
        index = self._chunk_of(value, key)
        chunk = self._chunks[index]
        position = bisect_left(chunk, value, key=key)
        if position == len(chunk) or chunk[position] is not item:
            raise ValueError(f"{item!r} is not in the list")
        del chunk[position]
        self._len -= 1
        if not chunk:
            del self._chunks[index]
            del self._firsts[index]
        elif position == 0:
            self._firsts[index] = chunk[0]

    def first(self) -> T | None:
        return self._chunks[0][0] if self._chunks else None

    def _position(self, value: Any, key: Callable[[T], Any] | None) -> tuple[int, int]:
        """Where the items above ``value`` start: (chunk, index in it). ``key`` may be coarser than the
        list's own (``expires_at`` for a list by expiry and seq), as long as the order agrees with it."""
        key = key or self._key
        index = self._chunk_of(value, key)
        if index == len(self._chunks):
            return index, 0
        return index, bisect_right(self._chunks[index], value, key=key)

    def after(self, value: Any, key: Callable[[T], Any] | None = None) -> Iterator[T]:
        """The items whose key is above ``value`` (all of them when None), in order."""
        if value is None:
            return iter(self)
        index, position = self._position(value, key)
        if index == len(self._chunks):
            return iter(())
        return chain(islice(self._chunks[index], position, None), chain.from_iterable(self._chunks[index + 1 :]))

    def count_after(self, value: Any, key: Callable[[T], Any] | None = None) -> int:
        """How many items have a key above ``value``: counted from the nearer end."""
        index, position = self._position(value, key)
        chunks = self._chunks
        if index == len(chunks):
            return 0
        if 2 * index < len(chunks):
            return self._len - position - sum(len(c) for c in chunks[:index])
        return len(chunks[index]) - position + sum(len(c) for c in chunks[index + 1 :])

    def pop_through(self, value: Any, key: Callable[[T], Any] | None = None) -> list[T]:
        """Take out and return the items whose key is not above ``value``, in order."""
        index, position = self._position(value, key)
        taken = [item for chunk in self._chunks[:index] for item in chunk]
        if index < len(self._chunks):
            taken += self._chunks[index][:position]
            del self._chunks[index][:position]
            if not self._chunks[index]:
                index += 1
        del self._chunks[:index]
        del self._firsts[:index]
        if self._chunks:
            self._firsts[0] = self._chunks[0][0]
        self._len -= len(taken)
        return taken
