"""BLEU and chrF: ngramkit vs sacrebleu (and nltk, fast-bleu) on real data, single thread; see
mt_workloads.py. Each group first checks ngramkit's scores equal to sacrebleu's on the workload
(outside the timed region). The pairs/s summary at the end gives the ratios; nothing asserts time.
"""
from __future__ import annotations

import pytest

import mt_workloads as mt

_checked: set = set()


@pytest.fixture(scope="module")
def mt_loads():
    if not mt.data_available():
        pytest.skip(f"benchmark data not found under {mt.DATA}")
    return mt.load()


def checked(workload):
    if workload.key not in _checked:
        mt.check_exact(workload)
        _checked.add(workload.key)
    return workload


RUNNERS = {
    "corpus BLEU": [("ngramkit", mt.ngramkit_bleu), ("sacrebleu", mt.sacrebleu_bleu), ("nltk", mt.nltk_bleu),
                    ("fast-bleu", mt.fast_bleu_sentences), ("ngramkit ids", mt.ngramkit_bleu_ids)],
    "sentence BLEU": [("ngramkit", mt.ngramkit_sentence_bleu), ("sacrebleu", mt.sacrebleu_sentence_bleu)],
    "chrF": [("ngramkit", lambda w: mt.ngramkit_chrf(w, 0)), ("sacrebleu", lambda w: mt.sacrebleu_chrf(w, 0))],
    "chrF++": [("ngramkit", lambda w: mt.ngramkit_chrf(w, 2)), ("sacrebleu", lambda w: mt.sacrebleu_chrf(w, 2))],
}
CASES = [(metric, name, fn) for metric, runners in RUNNERS.items() for name, fn in runners]


@pytest.mark.parametrize("key", ["dialogsum", "wmt23_de"])
@pytest.mark.parametrize("metric,package,runner", CASES, ids=[f"{m}-{p}" for m, p, _ in CASES])
def test_mt(benchmark, mt_loads, record_pairs, key, metric, package, runner):
    if package == "fast-bleu" and not mt.fast_bleu_available():
        pytest.skip("fast-bleu is not installed")
    w = checked(mt_loads[key])
    mt.tokenized_13a(key), mt.token_ids(key)  # built outside the timed region
    benchmark.group = f"{metric} {key}"
    benchmark.name = package
    record_pairs(package, 1, w.pairs)
    if package.startswith("ngramkit"):
        benchmark(runner, w)
    else:
        benchmark.pedantic(runner, args=(w,), rounds=2, iterations=1)
