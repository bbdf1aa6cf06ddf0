"""Many Python threads calling the API at once get the same results as serial calls (the kernels
release the GIL and keep per-call state only; no shared workspace between calls)."""
from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import ngramkit

rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
sacrebleu = pytest.importorskip("sacrebleu")

TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


def _batches(n_batches=24, seed=5):
    rng = random.Random(seed)
    words = "the a cat dog sat ran on mat running barked İ 3.14 don't".split()

    def text():
        return "\n".join(" ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
                         for _ in range(rng.randint(1, 3)))

    out = []
    for _ in range(n_batches):
        n = rng.randint(1, 40)
        out.append(([text() for _ in range(n)], [[text() for _ in range(rng.randint(1, 3))] for _ in range(n)]))
    return out


def _call(kind, preds, refs, threads):
    if kind == "rouge":
        r = ngramkit.rouge(preds, refs, TYPES, use_stemmer=True, threads=threads)
        return np.concatenate([r[t].as_matrix() for t in TYPES], axis=1)
    if kind == "rouge_ids":
        batch, _ = ngramkit.tokenize(preds + [g[0] for g in refs])
        r = ngramkit.rouge(batch.slice(0, len(preds)), batch.slice(len(preds), 2 * len(preds)), TYPES[:3],
                           threads=threads)
        return np.concatenate([r[t].as_matrix() for t in TYPES[:3]], axis=1)
    if kind == "bleu":
        return np.append(ngramkit.sentence_bleu(preds, refs, threads=threads), ngramkit.bleu(preds, refs).score)
    return np.append(ngramkit.sentence_chrf(preds, refs, threads=threads), ngramkit.chrf(preds, refs).score)


@pytest.mark.parametrize("kind", ["rouge", "rouge_ids", "bleu", "chrf"])
def test_many_python_threads_equal_serial_calls(kind):
    batches = _batches()
    serial = [_call(kind, p, r, 1) for p, r in batches]
    start = threading.Barrier(8)

    def job(i):
        if i < 8:
            start.wait()  # the first eight calls start together
        p, r = batches[i % len(batches)]
        return i, _call(kind, p, r, 1 + i % 3)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(job, range(4 * len(batches))))
    for i, got in results:
        want = serial[i % len(batches)]
        assert got.tobytes() == want.tobytes(), f"{kind}: call {i} differs from the serial call"


def test_concurrent_results_equal_the_reference_packages():
    """The concurrent results themselves are the reference packages' numbers."""
    batches = _batches(8, seed=9)
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=True)
    with ThreadPoolExecutor(max_workers=8) as pool:
        rouge_results = list(pool.map(lambda b: ngramkit.rouge(b[0], b[1], TYPES, use_stemmer=True), batches))
        bleu_results = list(pool.map(lambda b: ngramkit.bleu(b[0], b[1]).score, batches))
    for (preds, refs), got, bleu in zip(batches, rouge_results, bleu_results):
        for i, (p, rs) in enumerate(zip(preds, refs)):
            expected = scorer.score_multi(rs, p)
            for t in TYPES:
                assert tuple(got[t][i]) == tuple(expected[t])
        width = max(len(g) for g in refs)
        streams = [[g[k] if k < len(g) else None for g in refs] for k in range(width)]
        assert bleu == sacrebleu.metrics.BLEU().corpus_score(preds, streams).score
