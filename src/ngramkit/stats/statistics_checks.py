"""Checks of per-pair statistics handed in from outside (``from_statistics``,
``scores_from_statistics``): shape, integer dtype, signs and each metric's invariants, so that
statistics no kernel could have produced raise ValueError naming ``statistics`` instead of
finalizing to a score such as BLEU 900."""
from __future__ import annotations

import numpy as np

INT64_MAX = np.iinfo(np.int64).max


def integer_statistics(statistics, width: int, ndim: int | None = 2) -> np.ndarray:
    """``statistics`` as C-contiguous int64 with ``width`` columns (last axis) and ``ndim`` axes
    (None: any number >= 1), all non-negative."""
    stats = np.asarray(statistics)
    shape = "(n, {})".format(width) if ndim == 2 else f"(..., {width})"
    if stats.dtype.kind not in "iu" or (ndim is not None and stats.ndim != ndim) or stats.ndim < 1 \
            or stats.shape[-1] != width:
        raise ValueError(f"statistics: expected an integer array of shape {shape}, got {stats.dtype} {stats.shape}")
    if stats.dtype.kind == "u" and stats.size and int(stats.max()) > INT64_MAX:
        raise ValueError("statistics: a value does not fit in int64")
    stats = np.ascontiguousarray(stats, dtype=np.int64)
    if stats.size and stats.min() < 0:
        row = np.argwhere(stats < 0)[0]
        raise ValueError(f"statistics: counts are non-negative, got {int(stats[tuple(row)])} at {tuple(int(i) for i in row)}")
    return stats


def check_at_most(stats: np.ndarray, small: int | slice, large: int | slice, what: str) -> None:
    """Raise unless ``stats[..., small] <= stats[..., large]`` everywhere; ``what`` says which
    invariant (e.g. ``"matches <= n-grams"``)."""
    bad = stats[..., small] > stats[..., large]
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"statistics: {what} is violated at {where}; these are not statistics a kernel produced")
