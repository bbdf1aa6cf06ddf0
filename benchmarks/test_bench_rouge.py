"""ngramkit vs rouge-score 0.1.2 vs rouge-score-rs on real data; see README.md in this folder.

Every benchmark first checks, outside the timed region, that ngramkit's per-pair scores on the
workload are bit-identical to rouge-score's (once per workload), so a fast but wrong kernel fails
instead of looking good. Nothing here asserts anything about time.
"""
from __future__ import annotations

import pytest

GROUPS = {
    "dialogsum_text": "1 dialogsum text r1/r2/rL",
    "dialogsum_ids": "2 dialogsum token ids",
    "long_rougeL": "3 long texts rougeL",
    "dialogsum_stem": "4 dialogsum stemmer",
    "realsumm_lsum": "5 realsumm rougeLsum",
}
PEER_OF = {"dialogsum_ids": "dialogsum_text"}  # the peers have no token-id input: compare with their text run
PEER_WORKLOADS = ["dialogsum_text", "long_rougeL", "dialogsum_stem", "realsumm_lsum"]
# rouge-score is pure Python (rougeL is a quadratic DP): few pairs, few rounds.
ROUGE_SCORE_ROUNDS = {"dialogsum_text": 3, "long_rougeL": 2, "dialogsum_stem": 3, "realsumm_lsum": 2}

_verified: set = set()


def verify(workload) -> None:
    """ngramkit == rouge-score on every timed pair, with 1 and 2 threads and every input kind."""
    if workload.key in _verified:
        return
    sources = ["text"] + (["ids", "lists"] if workload.ids is not None else [])
    for source in sources:
        for threads in (1, 2):
            workload.assert_exact(workload.run_ngramkit(threads, source), f"ngramkit ({source}, {threads} threads)")
    _verified.add(workload.key)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("key", list(GROUPS))
def test_ngramkit(benchmark, workloads, record_pairs, key, threads):
    w = workloads[key]
    verify(w)
    source = "ids" if w.ids is not None else "text"
    benchmark.group = GROUPS[key]
    benchmark.name = f"ngramkit {source} {threads}thr"
    record_pairs(f"ngramkit ({source})", threads, w.pairs, GROUPS[PEER_OF.get(key, key)])
    benchmark(w.run_ngramkit, threads, source)


@pytest.mark.parametrize("source", ["text", "lists"])
def test_ngramkit_ids_other_inputs(benchmark, workloads, record_pairs, source):
    """Token-id group, for comparison: the same pairs as text, and as Python list[list[int]]."""
    w = workloads["dialogsum_ids"]
    verify(w)
    benchmark.group = GROUPS[w.key]
    benchmark.name = f"ngramkit {source} 1thr"
    record_pairs(f"ngramkit ({source})", 1, w.pairs, GROUPS["dialogsum_text"])
    benchmark(w.run_ngramkit, 1, source)


@pytest.mark.parametrize("key", PEER_WORKLOADS)
def test_rouge_score(benchmark, workloads, record_pairs, key):
    w = workloads[key]
    verify(w)
    scorer = w.rouge_score_scorer()
    targets, predictions = w.baseline_inputs()

    def run():
        return [scorer.score(t, p) for t, p in zip(targets, predictions)]

    benchmark.group = GROUPS[key]
    benchmark.name = f"rouge-score ({len(targets)} pairs)"
    record_pairs("rouge-score", 1, len(targets))
    benchmark.pedantic(run, rounds=ROUGE_SCORE_ROUNDS[key], iterations=1, warmup_rounds=0)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("key", PEER_WORKLOADS)
def test_rouge_score_rs(benchmark, workloads, record_pairs, rs_worker, key, threads):
    """score_batch; 1 thread in this process (conftest sets RAYON_NUM_THREADS=1), 2 threads in a
    worker process started with RAYON_NUM_THREADS=2 (rayon reads it once per process)."""
    pytest.importorskip("rouge_score_rs")
    w = workloads[key]
    verify(w)
    scorer = w.rs_scorer()
    w.assert_rs_exact(scorer.score_batch(w.references, w.predictions))  # the peer is exact too
    benchmark.group = GROUPS[key]
    benchmark.name = f"rouge-score-rs {threads}thr"
    record_pairs("rouge-score-rs", threads, w.pairs)
    if threads == 1:
        benchmark(scorer.score_batch, w.references, w.predictions)
        return
    worker = rs_worker(w, threads)
    try:
        worker.run()  # warm up: starts the worker's thread pool
        benchmark(worker.run)
    finally:
        worker.close()

