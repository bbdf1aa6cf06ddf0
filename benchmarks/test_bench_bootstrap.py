"""Bootstrap confidence intervals: ngramkit's seeded kernel vs rouge-score's BootstrapAggregator.

Same resample count (1000) and confidence level (0.95). rouge-score draws from NumPy's global RNG
one resample at a time; ngramkit's fast mode spreads seeded resamples over threads. ngramkit's
rouge_score mode is checked equal to BootstrapAggregator before timing. Nothing asserts on time.
"""
from __future__ import annotations

import numpy as np
import pytest

import ngramkit

scoring = pytest.importorskip("rouge_score.scoring")

N_RESAMPLES = 1000


def _scores(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.random((n, 3))


def _rouge_score_aggregate(matrix: np.ndarray):
    agg = scoring.BootstrapAggregator(n_samples=N_RESAMPLES)
    for p, r, f in matrix:
        agg.add_scores({"rouge1": scoring.Score(p, r, f)})
    return agg.aggregate()["rouge1"]


def test_rouge_score_mode_equals_bootstrap_aggregator():
    matrix = _scores(2000)
    np.random.seed(3)
    expected = _rouge_score_aggregate(matrix)
    np.random.seed(3)
    got = ngramkit.bootstrap_interval(matrix, n_samples=N_RESAMPLES, method="rouge_score")
    assert tuple(map(tuple, got)) == tuple(map(tuple, expected))


@pytest.mark.parametrize("threads", [1, 2])
def test_fast_1m_pairs(benchmark, threads):
    matrix = _scores(1_000_000)
    benchmark.group = "bootstrap 1000 resamples x 1M pairs"
    benchmark.name = f"ngramkit fast {threads}thr"
    benchmark.pedantic(ngramkit.bootstrap_interval, args=(matrix,),
                       kwargs={"n_samples": N_RESAMPLES, "seed": 0, "threads": threads}, rounds=2, iterations=1)


@pytest.mark.parametrize("n_pairs", [10_000])
def test_fast_vs_aggregator_10k(benchmark, n_pairs):
    matrix = _scores(n_pairs)
    benchmark.group = "bootstrap 1000 resamples x 10k pairs"
    benchmark.name = "ngramkit fast 1thr"
    benchmark(ngramkit.bootstrap_interval, matrix, n_samples=N_RESAMPLES, seed=0, threads=1)


def test_rouge_score_aggregator_10k(benchmark):
    matrix = _scores(10_000)
    benchmark.group = "bootstrap 1000 resamples x 10k pairs"
    benchmark.name = "rouge-score BootstrapAggregator"
    benchmark.pedantic(_rouge_score_aggregate, args=(matrix,), rounds=2, iterations=1)
