"""A streamed mean equal bit for bit to ``numpy.mean`` of the whole column.

``numpy.mean`` of a contiguous float64 array is ``sum / n`` where the sum is numpy's *pairwise*
summation: the array is halved (the first half rounded down to a multiple of 8) until a piece
holds at most 128 values, each piece is summed with 8 running accumulators, and the pieces are
added back up the same tree. The tree depends only on ``n``, so when ``n`` is known in advance the
leaves can be summed as their values stream past (each with ``numpy.add.reduce`` itself) and the
tree folded at the end: the same floating-point operations in the same order as numpy's. Memory is
one float per leaf and column (n / 64 at most) plus one partial leaf.
"""
from __future__ import annotations

import numpy as np

_BLOCK = 128  # numpy's PW_BLOCKSIZE


def _leaf_lengths(n: int, out: list[int]) -> None:
    stack = [n]
    while stack:  # depth-first, left before right, like numpy's recursion
        m = stack.pop()
        if m <= _BLOCK:
            out.append(m)
            continue
        half = m // 2
        half -= half % 8
        stack.append(m - half)
        stack.append(half)


def _fold(n: int, leaves: list[np.ndarray], position: list[int]) -> np.ndarray:
    if n <= _BLOCK:
        position[0] += 1
        return leaves[position[0] - 1]
    half = n // 2
    half -= half % 8
    left = _fold(half, leaves, position)
    return left + _fold(n - half, leaves, position)


class ExactMean:
    """Means of ``width`` float64 columns fed in row blocks, equal to ``np.mean`` of each column.

    Parameters
    ----------
    n_total : the number of rows that will be fed (must be known up front: it fixes the tree).
    width : number of columns.
    """

    def __init__(self, n_total: int, width: int):
        self.n_total, self.width = int(n_total), int(width)
        self._lengths: list[int] = []
        _leaf_lengths(self.n_total, self._lengths) if self.n_total else None
        self._sums: list[np.ndarray] = []
        self._pending = np.empty((self.width, 0))
        self.n_seen = 0

    def add(self, columns: np.ndarray) -> None:
        """Feed the next rows: float64 array (width, m), one row per column."""
        columns = np.asarray(columns, dtype=np.float64).reshape(self.width, -1)
        self.n_seen += columns.shape[1]
        if self.n_seen > self.n_total:
            raise ValueError(f"ExactMean: fed {self.n_seen} rows, expected {self.n_total}")
        data = np.concatenate([self._pending, columns], axis=1) if self._pending.shape[1] else columns
        start = 0
        while len(self._sums) < len(self._lengths):
            length = self._lengths[len(self._sums)]
            if data.shape[1] - start < length:
                break
            self._sums.append(np.add.reduce(np.ascontiguousarray(data[:, start:start + length]), axis=1))
            start += length
        self._pending = np.array(data[:, start:])

    def mean(self) -> np.ndarray:
        """float64 (width,): each column's mean (NaN when there were no rows, as np.mean gives)."""
        if self.n_seen != self.n_total:
            raise ValueError(f"ExactMean: fed {self.n_seen} rows, expected {self.n_total}")
        if not self.n_total:
            return np.full(self.width, np.nan)
        total = _fold(self.n_total, self._sums, [0])
        return total / self.n_total
