"""One pair per call, as most rouge-score users call it: ``RougeScorer.score(target, prediction)``
in a Python loop over DialogSum (rouge1/2/L, with and without the stemmer), against rouge-score's
and rouge-score-rs's ``score()``; and ``ngramkit.rouge([prediction], [reference])``.

Every loop's results are first checked equal to rouge-score's (outside the timed region).
Per-pair time = the benchmark's time / PAIRS. Nothing here asserts anything about time.

    pytest benchmarks/test_bench_per_call.py --benchmark-only --benchmark-group-by=group
"""
from __future__ import annotations

import pytest

from conftest import DIALOGSUM, R12L, _lines

PAIRS = 500  # the DialogSum test split: BART output vs the first human summary


@pytest.fixture(scope="module")
def pairs():
    hyp = _lines(DIALOGSUM / "bart_baseline.test.hyp.txt")[:PAIRS]
    ref = _lines(DIALOGSUM / "test.ref1.txt")[:PAIRS]
    return list(zip(ref, hyp))


def _scorers(use_stemmer):
    from rouge_score import rouge_scorer as rs

    from ngramkit.compat.rouge_score import rouge_scorer as nk

    return nk.RougeScorer(list(R12L), use_stemmer=use_stemmer), rs.RougeScorer(list(R12L), use_stemmer=use_stemmer)


@pytest.mark.parametrize("use_stemmer", [False, True])
@pytest.mark.parametrize("package", ["ngramkit", "rouge-score", "rouge-score-rs"])
def test_score_loop(benchmark, pairs, package, use_stemmer):
    ours, reference = _scorers(use_stemmer)
    expected = [reference.score(t, p) for t, p in pairs]
    if package == "ngramkit":
        scorer = ours
    elif package == "rouge-score":
        scorer = reference
    else:
        rsrs = pytest.importorskip("rouge_score_rs.rouge_scorer")
        scorer = rsrs.RougeScorer(list(R12L), use_stemmer=use_stemmer)
    got = [scorer.score(t, p) for t, p in pairs]
    if package != "rouge-score-rs":  # the peer's Score type differs; compare the numbers
        assert got == expected
    else:
        assert [{k: tuple(v) for k, v in d.items()} for d in got] == [
            {k: tuple(v) for k, v in d.items()} for d in expected]

    def run():
        for t, p in pairs:
            scorer.score(t, p)

    benchmark.group = f"per call: score() loop, {PAIRS} DialogSum pairs, stem={use_stemmer}"
    benchmark.name = package
    if package == "rouge-score":
        benchmark.pedantic(run, rounds=3, iterations=1, warmup_rounds=0)
    else:
        benchmark(run)


def test_rouge_one_pair_loop(benchmark, pairs):
    import ngramkit

    _, reference = _scorers(False)
    for t, p in pairs:
        result = ngramkit.rouge([p], [t], list(R12L), threads=1)
        expected = reference.score(t, p)
        for name in R12L:
            assert tuple(result[name][0]) == tuple(expected[name]) or (
                expected[name].fmeasure == 0 and result[name][0].fmeasure == 0)

    def run():
        for t, p in pairs:
            ngramkit.rouge([p], [t], list(R12L), threads=1)

    benchmark.group = f"per call: ngramkit.rouge([p], [r]) loop, {PAIRS} DialogSum pairs"
    benchmark.name = "ngramkit.rouge"
    benchmark(run)
