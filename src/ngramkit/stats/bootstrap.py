# SPDX-License-Identifier: Apache-2.0
"""Bootstrap confidence intervals for corpus-level scores.

Given per-pair scores (one row per prediction, columns precision, recall,
F-measure), :func:`bootstrap_interval` resamples the rows with replacement,
takes the column means of every resample and reports percentiles of those
means, exactly as ``rouge_score.scoring.BootstrapAggregator`` does.

Two resampling engines:

``method="fast"`` (default)
    The compiled kernel: one seeded xoshiro256** stream per resample,
    resamples spread over threads. The result is a pure function of
    ``(scores, n_samples, seed)`` — the same on every run, for any
    ``threads``. ``seed=None`` means :data:`DEFAULT_SEED`. Statistically
    equivalent to rouge-score's bootstrap, not the same draws.
``method="rouge_score"``
    Bit-identical to rouge-score 0.1.2: the same draws from NumPy's global
    legacy RNG (``np.random``), the same per-resample ``np.mean``, the same
    percentiles. Slower, single-threaded, and it advances (or, with a
    ``seed``, reseeds) the global RNG just like rouge-score.

Only numpy is imported here; the compiled module is imported when first
needed, and a pure-numpy implementation of the fast engine takes over if it is
unavailable (it uses NumPy's PCG64, so its draws differ from the kernel's).
"""

from __future__ import annotations

import numbers
from typing import Optional, Union

import numpy as np

from ..ingest.arguments import check_n_samples
from ..ingest.threads import resolve_threads
from .scores import AggregateScore, Score

__all__ = ["DEFAULT_SEED", "bootstrap_interval", "bootstrap_means", "mean_score"]

#: Seed used by ``method="fast"`` when ``seed=None``: results are reproducible by default.
DEFAULT_SEED = 0

_METHODS = ("fast", "rouge_score")
# Upper bound on row indices drawn at once (int64: 32 MiB) by the rouge_score engine.
_INDEX_CHUNK = 1 << 22


# ----------------------------------------------------------------------------- validation

def _as_score_matrix(scores) -> tuple[np.ndarray, bool]:
    """(n, 3) or (n,) numeric, finite, non-empty -> C-contiguous float64 (n, k) and is-1-D."""
    try:
        arr = np.asarray(scores)
    except (TypeError, ValueError) as exc:  # ragged nested lists and the like
        raise ValueError(f"scores: expected an array of shape (n_pairs, 3) or (n_pairs,): {exc}") from None
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"scores: expected real numbers, got an array of dtype {arr.dtype}")
    if arr.ndim == 1:
        one_column = True
        arr = arr.reshape(-1, 1)
    elif arr.ndim == 2 and arr.shape[1] == 3:
        one_column = False
    else:
        raise ValueError(f"scores: expected shape (n_pairs, 3) or (n_pairs,), got {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError("scores: must hold at least one pair, got 0")
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise ValueError("scores: all values must be finite (found NaN or infinity)")
    return arr, one_column


def _check_confidence_interval(confidence_interval) -> float:
    if isinstance(confidence_interval, bool) or not isinstance(confidence_interval, numbers.Real):
        raise ValueError(f"confidence_interval: expected a number in [0, 1], got {confidence_interval!r}")
    ci = float(confidence_interval)
    if not 0.0 <= ci <= 1.0:  # also rejects NaN
        raise ValueError(f"confidence_interval: must be in [0, 1], got {confidence_interval!r}")
    return ci


def _check_n_samples(value) -> int:
    """:func:`~ngramkit.ingest.arguments.check_n_samples`, raising ValueError for every bad value
    as the other arguments here do (rouge-score's BootstrapAggregator raises ValueError too)."""
    try:
        return check_n_samples(value)
    except TypeError as err:
        raise ValueError(str(err)) from None


def _check_seed(seed, upper: int, what: str) -> Optional[int]:
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < upper:
        raise ValueError(f"seed: expected None or an int in [0, {what}), got {seed!r}")
    return int(seed)


# ----------------------------------------------------------------------------- engines

def _percentile_bounds(sample_means: np.ndarray, confidence_interval) -> np.ndarray:
    """(3, k) low/mid/high rows, computed exactly as rouge-score does (same q, same rounding)."""
    percentile_delta = (1 - confidence_interval) / 2
    q = 100 * np.array([percentile_delta, 0.5, 1 - percentile_delta])
    return np.percentile(sample_means, q, axis=0)


def _rouge_score_percentiles(matrix: np.ndarray, confidence_interval, n_samples) -> np.ndarray:
    """``rouge_score.scoring.BootstrapAggregator._bootstrap_resample(matrix)``, bit for bit.

    rouge-score calls ``np.random.choice(np.arange(n), size=n)`` once per
    resample. Legacy ``RandomState.choice`` without ``p`` is
    ``randint(0, n, size)``, and each bounded draw consumes whole 32-bit MT19937
    outputs with no state carried between calls, so one ``randint`` call for a
    block of resamples yields the same indices and leaves the generator in the
    same state (checked by the tests against rouge-score itself). The mean of
    every resample is still taken by ``np.mean(matrix[idx, :], axis=0)`` on an
    array of the same shape and layout as rouge-score's, so the summation order
    is the same by construction (for a C-ordered (n, 3) array NumPy sums the
    rows one after another, not pairwise).
    """
    sample_mean = np.zeros((n_samples, matrix.shape[1]))
    n = matrix.shape[0]
    block = max(1, _INDEX_CHUNK // n)
    for start in range(0, n_samples, block):
        stop = min(n_samples, start + block)
        indices = np.random.randint(0, n, size=(stop - start, n))
        for j in range(stop - start):
            sample_mean[start + j, :] = np.mean(matrix[indices[j], :], axis=0)
    return _percentile_bounds(sample_mean, confidence_interval)


def _compiled_bootstrap_means():
    try:
        from .. import _core
    except ImportError:
        return None
    return getattr(_core, "bootstrap_means", None)


def _numpy_bootstrap_means(values: np.ndarray, n_samples: int, seed: int) -> np.ndarray:
    """Pure-numpy fast engine (fallback and test reference): same estimator, NumPy's PCG64 draws.

    Resample means are ``bincount(draws) . values / n``; the draws come from one
    ``np.random.default_rng(seed)`` stream, one ``integers`` call per resample.
    The dot product uses ``np.einsum`` (NumPy's own loop, not BLAS), so the
    result does not depend on the BLAS build or its thread count.
    """
    n, k = values.shape
    columns = np.ascontiguousarray(values.T)
    rng = np.random.default_rng(seed)
    out = np.empty((n_samples, k))
    for s in range(n_samples):
        counts = np.bincount(rng.integers(0, n, size=n), minlength=n).astype(np.float64)
        out[s] = np.einsum("ij,j->i", columns, counts) / n
    return out


def bootstrap_means(scores, *, n_samples: int = 1000, seed: Optional[int] = None,
                    threads: Optional[int] = None) -> np.ndarray:
    """Column means of ``n_samples`` bootstrap resamples of the rows of ``scores``.

    The raw material of :func:`bootstrap_interval` (``method="fast"``), for
    users who want other statistics of the bootstrap distribution. Returns
    float64 of shape ``(n_samples, 3)``, or ``(n_samples,)`` for 1-D ``scores``.
    Resample ``s`` depends only on ``(scores, seed, s)``: not on ``threads``,
    and a run with more samples extends a run with fewer.
    """
    values, one_column = _as_score_matrix(scores)
    n_samples = _check_n_samples(n_samples)
    seed = _check_seed(seed, 1 << 64, "2**64")
    threads = resolve_threads(threads)
    means = _fast_means(values, n_samples, DEFAULT_SEED if seed is None else seed, threads)
    return means[:, 0] if one_column else means


def _fast_means(values: np.ndarray, n_samples: int, seed: int, threads: int) -> np.ndarray:
    kernel = _compiled_bootstrap_means()
    if kernel is None:
        return _numpy_bootstrap_means(values, n_samples, seed)
    # More threads than resamples would idle (and must fit the kernel's C int).
    return kernel(values, n_samples, seed, min(threads, n_samples, 1 << 16))


# ----------------------------------------------------------------------------- public API

def bootstrap_interval(scores, *, n_samples: int = 1000, confidence_interval: float = 0.95,
                       seed: Optional[int] = None, method: str = "fast",
                       threads: Optional[int] = None) -> AggregateScore:
    """Bootstrap confidence interval of the mean of per-pair scores.

    Args:
      scores: float array of shape ``(n_pairs, 3)`` with columns precision,
        recall, fmeasure (e.g. ``RougeScores.as_matrix()`` or a list of
        ``Score``), or of shape ``(n_pairs,)`` for a single column. At least
        one pair; all values finite.
      n_samples: number of bootstrap resamples (rouge-score's default, 1000).
      confidence_interval: in [0, 1]; 0.95 reports the 2.5th and 97.5th
        percentiles of the resample means as ``low`` and ``high``.
      seed: ``method="fast"``: None means :data:`DEFAULT_SEED` (0), so results
        are reproducible; any int in ``[0, 2**64)`` selects another stream.
        ``method="rouge_score"``: None uses NumPy's global RNG as it stands (as
        rouge-score does); an int in ``[0, 2**32)`` first calls
        ``np.random.seed(seed)`` — this reseeds the *global* RNG, which
        affects any other code that draws from ``np.random``.
      method: ``"fast"`` (compiled, multi-threaded, seeded) or
        ``"rouge_score"`` (bit-identical to
        ``rouge_score.scoring.BootstrapAggregator`` for the same global RNG
        state).
      threads: worker threads for ``method="fast"``; None uses every CPU
        available to the process. Results do not depend on it. Ignored by
        ``method="rouge_score"``.

    Returns:
      ``AggregateScore(low, mid, high)`` whose entries are ``Score`` tuples (or
      floats for 1-D ``scores``). As in rouge-score, ``mid`` is the *median of
      the bootstrap means* (the 50th percentile), not the sample mean — kept for
      compatibility; the two are close but rarely equal. Use
      :func:`mean_score` for the plain mean. Each column is summarized on its
      own, so ``mid.fmeasure`` is not the F-measure of ``mid.precision`` and
      ``mid.recall``.

    Raises:
      ValueError: naming the offending argument.
    """
    if not isinstance(method, str) or method not in _METHODS:
        raise ValueError(f"method: expected one of {list(_METHODS)}, got {method!r}")
    values, one_column = _as_score_matrix(scores)
    n_samples = _check_n_samples(n_samples)
    ci = _check_confidence_interval(confidence_interval)
    threads = resolve_threads(threads)
    if method == "rouge_score":
        seed = _check_seed(seed, 1 << 32, "2**32")
        if seed is not None:
            np.random.seed(seed)
        bounds = _rouge_score_percentiles(values, confidence_interval, n_samples)
    else:
        seed = _check_seed(seed, 1 << 64, "2**64")
        means = _fast_means(values, n_samples, DEFAULT_SEED if seed is None else seed, threads)
        bounds = _percentile_bounds(means, ci)
    if one_column:
        return AggregateScore(*(float(bounds[j, 0]) for j in range(3)))
    return AggregateScore(*(Score(*(float(x) for x in bounds[j])) for j in range(3)))


def mean_score(scores) -> Union[Score, float]:
    """Plain sample mean of per-pair scores: a ``Score`` (or a float for 1-D ``scores``).

    Each column is averaged as a 1-D array (NumPy's pairwise summation), so the
    result equals ``np.mean([s.fmeasure for s in per_pair])`` and
    ``RougeScores.mean()``.
    """
    values, one_column = _as_score_matrix(scores)
    means = [float(np.mean(np.ascontiguousarray(values[:, c]))) for c in range(values.shape[1])]
    return means[0] if one_column else Score(*means)
