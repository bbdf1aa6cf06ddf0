"""The Poisson bootstrap (csrc/stats/poisson_bootstrap.hpp, ngramkit.stats.poisson_bootstrap): the weights against
an independent Python implementation of the documented generator, Poisson(1) sanity, invariance to
chunking and threads, BLEU / chrF / ROUGE resample numbers against slow exact oracles, errors."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from ngramkit import _core
from ngramkit.metrics.bleu import bleu
from ngramkit.metrics.chrf import chrf
from ngramkit.metrics.rouge import rouge
from ngramkit.pipelines.streaming import StreamScorer

ALL = ["rouge", "bleu", "chrf"]
M64 = 2 ** 64 - 1


# ---- the oracle: the generator as documented, in plain Python ------------------------------------
def _mix(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def _thresholds() -> list[int]:
    """floor(2^64 * P(X <= k)), X ~ Poisson(1), k = 0..19, from exact rationals (e^-1 by its series)."""
    e_inv = sum(Fraction((-1) ** j, math.factorial(j)) for j in range(60))  # error < 1/60!
    cdf, out = Fraction(0), []
    for k in range(20):
        cdf += e_inv / math.factorial(k)
        out.append(math.floor(cdf * 2 ** 64))
    return out


THRESHOLDS = _thresholds()
G = 0x9E3779B97F4A7C15


def oracle_weight(seed: int, r: int, i: int) -> int:
    a = _mix((seed + (r + 1) * G) & M64)
    b = _mix(((i + 1) * G) & M64)
    u = _mix(a ^ b)
    return sum(u >= t for t in THRESHOLDS)


@pytest.mark.parametrize("seed, first", [(0, 0), (12345, 10 ** 12), (2 ** 64 - 1, 2 ** 40 + 3)])
def test_weights_equal_the_documented_generator(seed, first):
    got = _core.poisson_bootstrap_weights(seed, 7, first, 300)
    want = [[oracle_weight(seed, r, first + i) for i in range(300)] for r in range(7)]
    assert got.tolist() == want


def test_weights_are_poisson_1():
    w = _core.poisson_bootstrap_weights(99, 1, 0, 10 ** 6).astype(np.float64).ravel()
    # mean and variance of 10^6 Poisson(1) draws: standard errors 0.001 and ~0.0022; 8 sigma
    assert abs(w.mean() - 1) < 0.008
    assert abs(w.var() - 1) < 0.018
    counts = np.bincount(w.astype(np.int64), minlength=5)[:5]
    expected = [1e6 * math.exp(-1) / math.factorial(k) for k in range(5)]
    for c, e in zip(counts, expected):
        assert abs(c - e) < 8 * math.sqrt(e)


@pytest.fixture(scope="module")
def pairs(dialogsum):
    hyp, refs = dialogsum
    return hyp, refs[0]


def summary(hyp, ref, size, metrics=ALL, bootstrap=40, seed=3, threads=None, options=None):
    options = options or {m: {"threads": threads} for m in metrics}
    scorer = StreamScorer(metrics, len(hyp), options, bootstrap=bootstrap, seed=seed)
    for i in range(0, len(hyp), size):
        scorer.add(hyp[i:i + size], ref[i:i + size])
    return scorer.summary()


def test_the_section_does_not_depend_on_chunks_or_threads(pairs):
    hyp, ref = pairs
    whole = summary(hyp, ref, len(hyp))
    boot = whole["bootstrap"]
    assert (boot["n_samples"], boot["seed"], boot["method"]) == (40, 3, "poisson")
    assert set(boot) >= {"rouge", "bleu", "chrf"}
    for t in boot["rouge"]:
        for f in ("precision", "recall", "fmeasure"):
            v = boot["rouge"][t][f]
            assert v["low"] <= v["mean"] <= v["high"]
    for size in (1, 7, 500):
        assert summary(hyp, ref, size) == whole
    assert summary(hyp, ref, 123, threads=1) == summary(hyp, ref, 123, threads=2) == whole


def test_merged_scorers_in_any_order_give_the_same_section(pairs):
    hyp, ref = pairs
    whole = summary(hyp, ref, len(hyp))
    bounds = [0, 1, 130, 131, 400, 500]
    parts = []
    for lo, hi in zip(bounds, bounds[1:]):
        s = StreamScorer(ALL, len(hyp), {}, first_row=lo, bootstrap=40, seed=3)
        s.add(hyp[lo:hi], ref[lo:hi])
        parts.append(s)
    merged = StreamScorer(ALL, len(hyp), {}, bootstrap=40, seed=3)
    for s in reversed(parts):
        merged.merge(s)
    assert merged.summary() == whole


def test_seed_changes_the_interval(pairs):
    hyp, ref = pairs
    a = summary(hyp[:200], ref[:200], 200, ["bleu"], seed=1)["bootstrap"]["bleu"]
    b = summary(hyp[:200], ref[:200], 200, ["bleu"], seed=2)["bootstrap"]["bleu"]
    assert a != b


def _weights(seed, n_samples, n):
    return _core.poisson_bootstrap_weights(seed, n_samples, 0, n).astype(np.int64)


@pytest.mark.parametrize("metric", ["bleu", "chrf"])
def test_bleu_chrf_resamples_equal_a_python_oracle(pairs, metric):
    hyp, ref = pairs
    B, seed = 30, 11
    result = (bleu if metric == "bleu" else chrf)(hyp, ref)
    w = _weights(seed, B, len(hyp))
    stats = result.statistics.tolist()
    scores = []
    for r in range(B):
        row = [sum(int(w[r, i]) * stats[i][j] for i in range(len(stats))) for j in range(len(stats[0]))]
        scores.append(result.finalize_row(row))
    got = summary(hyp, ref, 77, [metric], bootstrap=B, seed=seed)["bootstrap"][metric]["score"]
    low, high = np.percentile(scores, [2.5, 97.5])
    assert got == {"low": float(low), "mean": float(np.mean(scores)), "high": float(high)}


def test_rouge_means_equal_exact_fractions(pairs):
    hyp, ref = pairs
    B, seed = 20, 5
    result = rouge(hyp, ref)
    w = _weights(seed, B, len(hyp))
    got = summary(hyp, ref, 64, ["rouge"], bootstrap=B, seed=seed)["bootstrap"]["rouge"]
    for t in result:
        for f in ("precision", "recall", "fmeasure"):
            values = getattr(result[t], f).tolist()
            assert all(v == 0 or abs(v) >= 2 ** -36 for v in values)  # the range where the sums are exact
            means = []
            for r in range(B):
                total = sum(int(x) for x in w[r])
                means.append(float(sum(Fraction(v) * int(x) for v, x in zip(values, w[r])) / total))
            low, high = np.percentile(means, [2.5, 97.5])
            assert got[t][f] == {"low": float(low), "mean": float(np.mean(means)), "high": float(high)}


def test_kernel_sums_against_direct_arithmetic():
    rng = np.random.default_rng(0)
    n, B = 600, 9
    stats = rng.integers(0, 1000, (n, 3), dtype=np.int64)
    values = rng.random((n, 2)) * 2 - 1
    values[::5] = 0.0
    values[1::7] = 2.0 ** -60  # below the exact range: still deterministic
    s, v, w = _core.poisson_bootstrap_sums(17, stats, values, 4, B, 2)
    weights = _core.poisson_bootstrap_weights(4, B, 17, n).astype(np.int64)
    assert np.array_equal(s, weights @ stats)
    assert np.array_equal(w, weights.sum(axis=1))
    for r in range(B):
        for j in range(2):
            fixed = [round(Fraction(x) * 2 ** 88) for x in values[:, j].tolist()]
            want = sum(int(a) * b for a, b in zip(weights[r], fixed))
            got = int(v[r, j, 0]) + (int(v[r, j, 1]) << 64)
            got -= (1 << 128) if got >= (1 << 127) else 0
            assert got == want
    # chunked calls add up to the same sums
    halves = [_core.poisson_bootstrap_sums(17 + a, stats[a:b], values[a:b], 4, B, 1) for a, b in ((0, 250), (250, n))]
    assert np.array_equal(halves[0][0] + halves[1][0], s)


def test_bad_input():
    ok_s, ok_v = np.zeros((3, 2), np.int64), np.zeros((3, 1))
    with pytest.raises(ValueError, match="values"):
        _core.poisson_bootstrap_sums(0, ok_s, np.full((3, 1), np.nan), 0, 2, 1)
    with pytest.raises(ValueError, match="values"):
        _core.poisson_bootstrap_sums(0, ok_s, np.full((3, 1), 1.5), 0, 2, 1)
    with pytest.raises(ValueError, match="non-negative"):
        _core.poisson_bootstrap_sums(0, -np.ones((3, 2), np.int64), ok_v, 0, 2, 1)
    with pytest.raises(ValueError, match="rows"):
        _core.poisson_bootstrap_sums(0, ok_s, np.zeros((2, 1)), 0, 2, 1)
    with pytest.raises(TypeError, match="int64"):
        _core.poisson_bootstrap_sums(0, ok_s.astype(np.int32), ok_v, 0, 2, 1)
    with pytest.raises(ValueError, match="n_samples"):
        _core.poisson_bootstrap_sums(0, ok_s, ok_v, 0, 0, 1)
    with pytest.raises(ValueError, match="too large"):
        _core.poisson_bootstrap_sums(0, np.full((3, 2), 2 ** 62, np.int64), ok_v, 0, 2, 1)
    with pytest.raises(ValueError, match="bootstrap"):
        StreamScorer(ALL, 1, {}, bootstrap=-1)
    with pytest.raises(ValueError, match="seed"):
        StreamScorer(ALL, 1, {}, bootstrap=2, seed=-1)
    with pytest.raises(ValueError, match="at least one pair"):
        StreamScorer(["bleu"], 0, {}, bootstrap=2).summary()
    a, b = StreamScorer(["bleu"], 2, {}, bootstrap=2, seed=1), StreamScorer(["bleu"], 2, {}, bootstrap=2, seed=2)
    with pytest.raises(ValueError, match="seed"):
        a.merge(b)


def _cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "ngramkit", "score", *args], capture_output=True, text=True,
                          input=stdin)


def test_cli(tmp_path, pairs):
    hyp, ref = pairs
    (tmp_path / "h.txt").write_text("\n".join(hyp[:60]) + "\n")
    (tmp_path / "r.txt").write_text("\n".join(ref[:60]) + "\n")
    files = ["--hyp", str(tmp_path / "h.txt"), "--ref", str(tmp_path / "r.txt"), "--format", "json"]
    out = [json.loads(_cli(*files, "--bootstrap", "25", "--seed", "8", "--chunk-size", c).stdout) for c in ("7", "60")]
    assert out[0] == out[1] == summary(hyp[:60], ref[:60], 60, bootstrap=25, seed=8)
    for bad in (["--bootstrap", "-1"], ["--bootstrap", "3", "--seed", "-2"]):
        p = _cli(*files, *bad)
        assert p.returncode == 2 and "non-negative" in p.stderr.strip().splitlines()[0]  # then the --help pointer
    (tmp_path / "e.txt").write_text("")
    p = _cli("--hyp", str(tmp_path / "e.txt"), "--ref", str(tmp_path / "e.txt"), "--bootstrap", "5")
    assert p.returncode == 2 and "at least one pair" in p.stderr
    p = _cli(*files[:4], "--bootstrap", "5")
    assert p.returncode == 0 and "bootstrap: 5 Poisson resamples" in p.stdout
