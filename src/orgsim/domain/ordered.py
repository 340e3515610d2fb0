"""Ids kept in the order they were added, where adding, removing and reading a page from any position
cost the same however many there are."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from operator import itemgetter

#: Entries per block: small enough that removing from the middle of one is a short move.
_BLOCK = 256
_seq_of = itemgetter(0)


class OrderedIds:
    """Ids, each added with a sequence number larger than every earlier one, in that order.

    A plain list would make removal cost as much as the list is long, and a dict cannot be read
    from the middle. So the entries ``(seq, id)`` are kept in blocks of at most ``_BLOCK``; a block
    that empties is dropped. Finding a position is a binary search over the blocks' last numbers,
    then one inside a block.
    """

    __slots__ = ("_seqs", "_blocks", "_lasts")

    def __init__(self) -> None:
        self._seqs: dict[str, int] = {}
        self._blocks: list[list[tuple[int, str]]] = []
        #: The last (largest) sequence number of each block.
        self._lasts: list[int] = []

    def __len__(self) -> int:
        return len(self._seqs)

    def __bool__(self) -> bool:
        return bool(self._seqs)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._seqs

    def __iter__(self) -> Iterator[str]:
        for block in self._blocks:
            for _, item_id in block:
                yield item_id

    def __repr__(self) -> str:
        return f"OrderedIds({list(self)!r})"

    def add(self, item_id: str, seq: int) -> None:
        """Add ``item_id`` at the end. ``seq`` must be larger than every number added before."""
        if item_id in self._seqs:
            raise ValueError(f"{item_id} is already here")
        if self._lasts and seq <= self._lasts[-1]:
            raise ValueError(f"{seq} does not come after {self._lasts[-1]}")
        self._seqs[item_id] = seq
        if not self._blocks or len(self._blocks[-1]) >= _BLOCK:
            self._blocks.append([])
            self._lasts.append(seq)
        self._blocks[-1].append((seq, item_id))
        self._lasts[-1] = seq

    def remove(self, item_id: str) -> None:
        """Take ``item_id`` out. KeyError when it is not here."""
        seq = self._seqs.pop(item_id)
        index = bisect_left(self._lasts, seq)
        block = self._blocks[index]
        del block[bisect_left(block, seq, key=_seq_of)]
        if not block:
            del self._blocks[index]
            del self._lasts[index]
        else:
            self._lasts[index] = block[-1][0]

    def seq(self, item_id: str) -> int:
        """The number ``item_id`` was added with."""
        return self._seqs[item_id]

    def after(self, seq: int | None) -> Iterator[tuple[int, str]]:
        """``(seq, id)`` for every id added with a number larger than ``seq`` (all, when None), in order."""
        blocks = self._blocks
        if seq is None:
            if not blocks:
                return
            index, start = 0, 0
        else:
            index = bisect_right(self._lasts, seq)
            if index == len(blocks):
                return
            start = bisect_right(blocks[index], seq, key=_seq_of)
        first = blocks[index]
        for position in range(start, len(first)):
            yield first[position]
        for position in range(index + 1, len(blocks)):
            yield from blocks[position]
