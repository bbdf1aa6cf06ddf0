# SPDX-License-Identifier: Apache-2.0
"""Paired significance tests over per-pair statistics, reproducing ``sacrebleu.significance``.

sacrebleu's ``PairedTest`` draws from ``numpy.random.default_rng(seed)`` (seed 12345 unless
``SACREBLEU_SEED`` says otherwise):

* paired bootstrap (``"bs"``): ``idx = rng.choice(n, size=(n_samples, n))``; every resample's
  statistics are summed (as float32) and finalized; the p-value compares
  ``|Δ_resample| - mean(|Δ_resample|)`` with the observed ``|Δ|``; the system's mean and 95%
  half-width come from the sorted resample scores (:func:`estimate_ci`).
* approximate randomization (``"ar"``): ``rng.integers(2, size=(n_samples, n), dtype=bool)`` swap
  masks mix baseline and system statistics (exact integer sums); the p-value counts trials whose
  ``|a - b|`` exceeds the observed ``|Δ|``.

The compiled kernels (``csrc/stats/resample.hpp``) produce the same index and mask streams (numpy's PCG64
and its bounded/bool draws) and sum the statistics without materialising the
``(n_samples, n_pairs)`` matrix. Each resample's sums are finalized here in Python by the metric's
own formula, fed the same numpy types sacrebleu feeds it, so every number is sacrebleu's.

Statistics come in two kinds:

``"sacrebleu"`` (BLEU, chrF, TER)
    per-pair statistics (integers; TER's are float64); bootstrap sums are float32 in draw order, as
    sacrebleu's ``np.array(stats, dtype='float32')[idx].sum(0)``; randomization sums are exact
    int64 (float64 in pair order for TER: exact for one or two references, whose average lengths
    are multiples of 1/2; sacrebleu's own sums there are BLAS matrix products).
``"mean"`` (ROUGE)
    float64 per-pair scores; a resample's score is the float64 sum in draw (or pair) order divided
    by the number of pairs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np

from ..ingest.arguments import check_n_samples
from ..ingest.threads import resolve_threads

__all__ = ["DEFAULT_SAMPLES", "DEFAULT_SEED", "MetricStatistics", "TestOutcome", "estimate_ci", "p_value",
           "paired_test"]

#: sacrebleu's default seed (``SACREBLEU_SEED``) and resample counts of ``PairedTest``.
DEFAULT_SEED = 12345
DEFAULT_SAMPLES = {"bs": 1000, "ar": 10000}


@dataclass
class MetricStatistics:
    """One metric's per-pair statistics for every system (the first is the baseline).

    ``statistics``: per system an array (n_pairs, k): int64 for ``kind="sacrebleu"``, float64 for
    ``kind="mean"``. ``finalize(row)`` turns one summed row into the score as sacrebleu does
    (sacrebleu kinds; a bootstrap row is float32); ``finalize_exact(rows)``, if given, scores many
    exact int64 rows (n, k) at once, equal to ``finalize`` on each row as a list of ints (the
    randomization test's sums). ``scores`` are the observed corpus scores per system.
    """

    name: str
    kind: str
    statistics: list
    scores: list
    finalize: Optional[Callable] = None
    finalize_exact: Optional[Callable] = None


@dataclass
class TestOutcome:
    """Per system (baseline first): ``p_value`` (NaN for the baseline), ``mean`` and ``ci``
    (``None`` for approximate randomization)."""

    p_value: list
    mean: list
    ci: list


def estimate_ci(scores: np.ndarray) -> tuple:
    """sacrebleu's ``estimate_ci``: the mean of the resample scores and the half-width of the
    interval between the sorted scores at ``n // 40`` and ``n - n // 40 - 1`` (95%)."""
    ordered = np.sort(scores)
    n = len(ordered)
    lower_idx = n // 40
    upper_idx = n - lower_idx - 1
    return ordered.mean(), 0.5 * (ordered[upper_idx] - ordered[lower_idx])


def p_value(sample_statistics: np.ndarray, observed: float) -> float:
    """``(count(sample > observed) + 1) / (n + 1)`` (multeval's rule, as sacrebleu)."""
    count = np.sum(sample_statistics > observed).item()
    return (count + 1) / (len(sample_statistics) + 1)


def generator_state(seed: Optional[int]) -> tuple:
    """The PCG64 state of ``numpy.random.default_rng(seed)`` as the kernels take it."""
    state = np.random.default_rng(seed).bit_generator.state
    words, inc = state["state"]["state"], state["state"]["inc"]
    mask = (1 << 64) - 1
    return (words >> 64, words & mask, inc >> 64, inc & mask, bool(state["has_uint32"]), int(state["uinteger"]))


def _stacked(metrics: Sequence[MetricStatistics], kind: str, n_systems: int, n: int, dtype):
    """(per metric its first column or None, one C-contiguous (n, k_total) array of ``dtype``):
    the statistics of every metric of one kind side by side, systems inner."""
    starts = []
    total = 0
    for m in metrics:
        starts.append(total if m.kind == kind else None)
        total += m.statistics[0].shape[1] * n_systems if m.kind == kind else 0
    out = np.empty((n, total), dtype=dtype)
    for m, start in zip(metrics, starts):
        if start is None:
            continue
        width = m.statistics[0].shape[1]
        for s in range(n_systems):
            out[:, start + s * width : start + (s + 1) * width] = m.statistics[s]
    return starts, out


def bootstrap_scores(metrics, n_samples: int, seed, threads=None) -> list:
    """Per metric, per system: the scores of the ``n_samples`` bootstrap resamples (sacrebleu's
    ``_bootstrap_resample`` draws): a list of what ``finalize`` returned (sacrebleu kinds) or a
    float64 array (means)."""
    from .. import _core

    n_systems = len(metrics[0].statistics)
    n = metrics[0].statistics[0].shape[0]
    starts32, f32 = _stacked(metrics, "sacrebleu", n_systems, n, np.float32)
    starts64, f64 = _stacked(metrics, "mean", n_systems, n, np.float64)
    sums32, sums64, _ = _core.bootstrap_resample_sums(generator_state(seed), n_samples, f32, f64,
                                                      resolve_threads(threads))
    del f32, f64
    out = []
    for m, start32, start64 in zip(metrics, starts32, starts64):
        width = m.statistics[0].shape[1]
        per_system = []
        for s in range(n_systems):
            if m.kind == "sacrebleu":  # the finalized values as they come (floats, or numpy float32 for chrF)
                cols = sums32[:, start32 + s * width : start32 + (s + 1) * width]
                per_system.append([m.finalize(row) for row in cols])
            else:
                per_system.append(sums64[:, start64 + s * width] / n)
        out.append(per_system)
    return out


def _randomization(metrics, n_samples: int, seed, threads: int) -> list:
    """Per metric, per non-baseline system: the array of ``|score_a - score_b|`` per trial."""
    from .. import _core

    state = generator_state(seed)
    out = []
    for m in metrics:
        # integer statistics sum exactly as int64; float ones (TER's average lengths) as float64, as
        # sacrebleu's matrix products do
        exact_ints = m.kind == "sacrebleu" and m.statistics[0].dtype.kind in "iu"
        dtype = np.int64 if exact_ints else np.float64
        baseline = np.ascontiguousarray(m.statistics[0], dtype=dtype)
        systems = np.ascontiguousarray(np.stack(m.statistics[1:]), dtype=dtype)
        a, b = _core.randomization_resample_sums(state, n_samples, baseline, systems, threads)
        n = baseline.shape[0]
        per_system = []
        for s in range(systems.shape[0]):
            if m.kind == "sacrebleu" and m.finalize_exact is not None:
                scores_a, scores_b = m.finalize_exact(a[:, s]), m.finalize_exact(b[:, s])
            elif m.kind == "sacrebleu":
                # sacrebleu finalizes sum_of_lists(x[None]): a list of numpy int64 scalars
                scores_a = np.array([m.finalize(list(row)) for row in a[:, s]])
                scores_b = np.array([m.finalize(list(row)) for row in b[:, s]])
            else:
                scores_a, scores_b = a[:, s, 0] / n, b[:, s, 0] / n
            per_system.append(np.abs(np.array(scores_a) - np.array(scores_b)))
        out.append(per_system)
    return out


def paired_test(metrics: Sequence[MetricStatistics], test: str, n_samples: Optional[int] = None,
                seed: Optional[int] = DEFAULT_SEED, threads=None) -> list:
    """Run one paired test for every metric and system; returns one :class:`TestOutcome` per metric.

    ``n_samples=None`` (or 0) takes sacrebleu's default for the test (1000 for ``"bs"``, 10000 for
    ``"ar"``); ``seed=None`` draws fresh entropy (not reproducible). The baseline is system 0.
    """
    n_threads = resolve_threads(threads)
    n_samples = check_n_samples(n_samples or DEFAULT_SAMPLES[test])
    outcomes = []
    if test == "bs":
        for m, resampled in zip(metrics, bootstrap_scores(metrics, n_samples, seed, n_threads)):
            resampled = [np.array(scores) for scores in resampled]
            baseline = resampled[0]
            p_values, means, cis = [float("nan")], [], []
            for s, sys_scores in enumerate(resampled):
                mean, ci = estimate_ci(sys_scores)
                means.append(float(mean))
                cis.append(float(ci))
                if s == 0:
                    continue
                observed = abs(m.scores[0] - m.scores[s])
                sample_diffs = np.abs(sys_scores - baseline)
                p_values.append(p_value(sample_diffs - sample_diffs.mean(), observed))
            outcomes.append(TestOutcome(p_values, means, cis))
    else:
        for m, diffs in zip(metrics, _randomization(metrics, n_samples, seed, n_threads)):
            p_values = [float("nan")] + [p_value(d, abs(m.scores[0] - m.scores[s + 1])) for s, d in enumerate(diffs)]
            outcomes.append(TestOutcome(p_values, [None] * len(p_values), [None] * len(p_values)))
    return outcomes
