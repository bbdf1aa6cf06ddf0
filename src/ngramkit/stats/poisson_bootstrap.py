"""Poisson bootstrap keyed by global pair index: confidence intervals that do not depend on how the
pairs were split (chunks, files, Dask partitions, threads).

Resample ``r`` gives pair ``i`` (its 0-based position among all pairs) a weight ``w[r, i] ~
Poisson(1)`` that is a pure function of ``(seed, r, i)`` (counter-based: splitmix64 mixing, then an
inverse CDF by integer comparison against ``floor(2**64 * P(X <= k))``; the exact formula is in
``csrc/stats/poisson_bootstrap.hpp``). Per resample only integers are summed:

* BLEU / chrF: ``sum_i w[r, i] * statistics[i]`` (int64), finalized with the result's
  ``finalize_row`` exactly like the corpus score;
* ROUGE: ``sum_i w[r, i] * round(value_i * 2**88)`` (int128 fixed point: exact for every per-pair
  precision / recall / F1 that is 0 or at least 2**-36, i.e. every ROUGE value of texts under ~10^10
  tokens) and ``sum_i w[r, i]``; the resample mean is their quotient, correctly rounded to float64.

Partial sums of any split add up to the same integers, so the interval is bit-identical for any
partitioning. The interval reported is numpy.percentile's (linear interpolation) 2.5th and 97.5th
percentiles of the ``n_samples`` resample scores, with their mean. Statistically this is the
bootstrap (Poisson(1) weights approximate the multinomial counts of sacrebleu's resampling for
large corpora); the numbers differ from sacrebleu's ``--confidence``, which draws with numpy's
PCG64 and is not partition-invariant.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..ingest.arguments import MAX_RESAMPLES

DEFAULT_SEED = 12345
FIXED_POINT_BITS = 88
#: Above this many weight units per resample the int128 ROUGE sums could overflow (|sum| <= W * 2^88).
MAX_WEIGHT_TOTAL = 2 ** 39
CONFIDENCE = 0.95


def check_bootstrap(n_samples, seed) -> tuple[int, int]:
    """Validated ``(n_samples, seed)``: ``n_samples`` a non-negative int (0: no bootstrap), ``seed``
    an int in [0, 2**64) (``None``: :data:`DEFAULT_SEED`)."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral) or n_samples < 0:
        raise ValueError(f"bootstrap: expected a non-negative number of resamples, got {n_samples!r}")
    if n_samples > MAX_RESAMPLES:
        raise ValueError(f"bootstrap: at most {MAX_RESAMPLES:,} resamples, got {n_samples:,}")
    if seed is None:
        seed = DEFAULT_SEED
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2 ** 64:
        raise ValueError(f"seed: expected an integer in [0, 2**64), got {seed!r}")
    return int(n_samples), int(seed)


def _add128(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]):
    """(low uint64, high int64) + (low, high): two's complement int128 addition with carry."""
    low = a[0] + b[0]
    carry = (low < a[0]).astype(np.int64)
    return low, a[1] + b[1] + carry


class PoissonSums:
    """Resample sums of the pairs fed so far: ``stats`` int64 (B, k), ROUGE-style values as int128
    (``low`` uint64 / ``high`` int64, (B, m)), ``weights`` int64 (B,). Adding and merging never
    mutate arrays another object may hold."""

    def __init__(self, n_samples: int, seed: int):
        self.n_samples, self.seed = check_bootstrap(n_samples, seed)
        if self.n_samples < 1:
            raise ValueError("bootstrap: expected at least one resample")
        self.stats: np.ndarray | None = None
        self.values: tuple[np.ndarray, np.ndarray] | None = None
        self.weights: np.ndarray | None = None

    def add(self, first_row: int, stats: np.ndarray, values: np.ndarray, threads: int) -> None:
        """Take in pairs ``first_row ..`` : int64 (n, k) statistics and float64 (n, m) values in [-1, 1]."""
        from .. import _core

        s, v, w = _core.poisson_bootstrap_sums(int(first_row), np.ascontiguousarray(stats, dtype=np.int64),
                                               np.ascontiguousarray(values, dtype=np.float64), self.seed,
                                               self.n_samples, int(threads))
        self._combine(s, (v[:, :, 0], v[:, :, 1].view(np.int64)), w)

    def _combine(self, stats, values, weights) -> None:
        if self.stats is None:
            self.stats, self.values, self.weights = stats, values, weights
        else:
            if stats.shape != self.stats.shape or values[0].shape != self.values[0].shape:
                raise ValueError("bootstrap: the pairs were scored with different metrics or options")
            self.stats = self.stats + stats
            self.values = _add128(self.values, values)
            self.weights = self.weights + weights
        # the statistics are non-negative: a negative sum can only be an int64 overflow
        if (self.stats < 0).any() or (self.weights >= MAX_WEIGHT_TOTAL).any():
            raise OverflowError("bootstrap: too many pairs for exact resample sums")

    def merge(self, other: "PoissonSums") -> "PoissonSums":
        if (other.n_samples, other.seed) != (self.n_samples, self.seed):
            raise ValueError("bootstrap: cannot merge resamples of different n_samples / seed")
        if other.stats is not None:
            self._combine(other.stats, other.values, other.weights)
        return self

    def means(self) -> list[list[float]]:
        """Per resample, each value column's weighted mean (sum / weights), correctly rounded
        (NaN for a resample whose weights are all zero)."""
        low, high = self.values
        out = []
        for r in range(self.n_samples):
            total = int(self.weights[r]) << FIXED_POINT_BITS
            row = [(int(h) << 64) + int(lo) for lo, h in zip(low[r].tolist(), high[r].tolist())]
            out.append([x / total if total else float("nan") for x in row])
        return out


def interval(scores) -> dict:
    """``{"low", "mean", "high"}`` of resample scores: numpy.percentile (linear interpolation) at
    2.5 and 97.5, and the mean (``None`` where a resample had no weight at all)."""
    scores = np.asarray(scores, dtype=np.float64)
    low, high = np.percentile(scores, [50 * (1 - CONFIDENCE), 50 * (1 + CONFIDENCE)])
    out = {"low": float(low), "mean": float(np.mean(scores)), "high": float(high)}
    return {k: None if np.isnan(v) else v for k, v in out.items()}
