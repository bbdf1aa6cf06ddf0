"""A streamed mean equal bit for bit to ``numpy.mean`` of the whole column.

``numpy.mean`` of a contiguous float64 array is ``sum / n`` where the sum is numpy's *pairwise*
summation: the array is halved (the first half rounded down to a multiple of 8) until a piece
holds at most 128 values, each piece is summed with 8 running accumulators, and the pieces are
added back up the same tree. The tree depends only on ``n``, so when ``n`` is known in advance the
leaves can be summed as their values stream past (each with ``numpy.add.reduce`` itself) and the
tree folded at the end: the same floating-point operations in the same order as numpy's. Memory is
one float per leaf and column (n / 64 at most) plus the partial leaves at the ends of each range.
Consecutive ranges of rows may be accumulated apart (processes, machines) and merged.
"""
from __future__ import annotations

import numpy as np

_BLOCK = 128  # numpy's PW_BLOCKSIZE


def _fold(n: int, leaves: list[np.ndarray], position: list[int]) -> np.ndarray:
    if n <= _BLOCK:
        position[0] += 1
        return leaves[position[0] - 1]
    half = n // 2
    half -= half % 8
    left = _fold(half, leaves, position)
    return left + _fold(n - half, leaves, position)


def _leaves_in(n: int, lo: int, hi: int):
    """(start, length) of the leaves of the tree over ``n`` rows that meet rows [lo, hi), in row
    order. Only the subtrees that meet the range are visited: O(log n + leaves in range)."""
    stack = [(0, n)]
    while stack:
        start, m = stack.pop()
        if start >= hi or start + m <= lo:
            continue
        if m <= _BLOCK:
            yield start, m
            continue
        half = m // 2
        half -= half % 8
        stack.append((start + half, m - half))
        stack.append((start, half))


class ExactMean:
    """Means of ``width`` float64 columns fed in row blocks, equal to ``np.mean`` of each column.

    Rows may be fed by several accumulators, each over its own consecutive range of rows
    (``first_row`` onwards: a chunk of a file, a partition of a Dask DataFrame), and the
    accumulators merged in any order (:meth:`merge`): a leaf is summed once all its rows are
    present, by one ``numpy.add.reduce`` over them in row order, so the result never depends on
    how the rows were split.

    Parameters
    ----------
    n_total : the number of rows of the whole column (must be known up front: it fixes the tree).
    width : number of columns.
    first_row : the global index of the first row this accumulator is fed.
    """

    def __init__(self, n_total: int, width: int, first_row: int = 0):
        self.n_total, self.width = int(n_total), int(width)
        self.first_row = int(first_row)
        if not 0 <= self.first_row <= self.n_total:
            raise ValueError(f"ExactMean: first_row {self.first_row} outside [0, {self.n_total}]")
        self._sums: dict[int, np.ndarray] = {}  # leaf start -> column sums (width,)
        self._parts: dict[int, list[tuple[int, np.ndarray]]] = {}  # incomplete leaf -> [(row, (width, k))]
        self.n_seen = 0

    def add(self, columns: np.ndarray) -> None:
        """Feed the next rows: float64 array (width, m), one row per column."""
        columns = np.asarray(columns, dtype=np.float64).reshape(self.width, -1)
        lo = self.first_row + self.n_seen
        hi = lo + columns.shape[1]
        if hi > self.n_total:
            raise ValueError(f"ExactMean: fed {hi - self.first_row} rows from row {self.first_row}, "
                             f"expected {self.n_total} in all")
        self.n_seen += columns.shape[1]
        for start, length in _leaves_in(self.n_total, lo, hi):
            a, b = max(start, lo), min(start + length, hi)
            self._put(start, length, a, columns[:, a - lo:b - lo])

    def _put(self, start: int, length: int, row: int, piece: np.ndarray) -> None:
        if start in self._sums or (piece.shape[1] == length and start in self._parts):
            raise ValueError(f"ExactMean: rows {row}..{row + piece.shape[1] - 1} were fed twice")
        if piece.shape[1] == length:
            self._sums[start] = np.add.reduce(np.ascontiguousarray(piece), axis=1)
            return
        parts = self._parts.setdefault(start, [])
        end = row + piece.shape[1]
        if any(r < end and row < r + p.shape[1] for r, p in parts):
            raise ValueError(f"ExactMean: rows {row}..{end - 1} were fed twice")
        parts.append((row, np.array(piece)))
        if sum(p.shape[1] for _, p in parts) < length:
            return
        parts.sort(key=lambda part: part[0])
        del self._parts[start]
        self._sums[start] = np.add.reduce(np.ascontiguousarray(np.concatenate([p for _, p in parts], axis=1)), axis=1)

    def merge(self, other: "ExactMean") -> "ExactMean":
        """Take in the rows another accumulator of the same column was fed (a disjoint range);
        returns ``self``."""
        if (other.n_total, other.width) != (self.n_total, self.width):
            raise ValueError(f"ExactMean.merge: ({other.n_total}, {other.width}) rows/columns, "
                             f"expected ({self.n_total}, {self.width})")
        for start, total in other._sums.items():
            if start in self._sums or start in self._parts:
                raise ValueError(f"ExactMean.merge: rows from {start} were fed twice")
            self._sums[start] = total
        for start, parts in other._parts.items():
            length = next(m for _, m in _leaves_in(self.n_total, start, start + 1))
            for row, piece in parts:
                self._put(start, length, row, piece)
        self.first_row = min(self.first_row, other.first_row)
        self.n_seen += other.n_seen
        return self

    def mean(self) -> np.ndarray:
        """float64 (width,): each column's mean (NaN when there were no rows, as np.mean gives)."""
        if self.n_seen != self.n_total or self._parts:
            raise ValueError(f"ExactMean: fed {self.n_seen} rows, expected {self.n_total}")
        if not self.n_total:
            return np.full(self.width, np.nan)
        total = _fold(self.n_total, [self._sums[s] for s in sorted(self._sums)], [0])
        return total / self.n_total
