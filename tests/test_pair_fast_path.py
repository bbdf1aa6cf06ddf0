"""The one-pair fast path (``_core.RougePairScorer``) behind ``RougeScorer.score`` and
``ngramkit.rouge([p], [r])``: the same kernel as the batch path, the same numbers, bit for bit,
equal to rouge-score, and the same argument checks."""
from __future__ import annotations

import os
import pickle
import sys
import random

import numpy as np
import pytest
from rouge_score import rouge_scorer

import ngramkit
from ngramkit.compat.rouge_score import rouge_scorer as compat_scorer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_rouge_score_parity import EDGE_TEXTS  # noqa: E402

ALL_TYPES = ["rouge1", "rouge2", "rouge3", "rougeL", "rougeLsum"]
rng = random.Random(11)
LONG = " ".join(rng.choice(["alpha", "beta", "gamma", "delta", "the", "of"]) for _ in range(4000))
ADVERSARIAL = EDGE_TEXTS + [LONG, LONG[:20000] + "\n" + LONG[:9000], "x " * 70, "k" * 100, "\u212a" * 3 + " K k"]


def _batch_equals_fast(predictions, references, types, use_stemmer):
    """rouge() on one pair (fast path) equals the batch path (a tuple input takes it) bit for bit."""
    for p, r in zip(predictions, references):
        fast = ngramkit.rouge([p], [r], types, use_stemmer=use_stemmer, threads=1)
        batch = ngramkit.rouge((p,), (r,), types, use_stemmer=use_stemmer, threads=1)
        assert list(fast) == list(batch)
        assert str(fast.signature) == str(batch.signature)
        for name in types:
            for field in ("precision", "recall", "fmeasure", "statistics"):
                a, b = getattr(fast[name], field), getattr(batch[name], field)
                assert a.dtype == b.dtype and a.shape == b.shape, (name, field)
                assert np.array_equal(a, b), (p, r, name, field)
                assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_dialogsum_score_loop_equals_rouge_score_and_batch(dialogsum, use_stemmer):
    hyp, refs = dialogsum
    ref = rouge_scorer.RougeScorer(ALL_TYPES, use_stemmer=use_stemmer)
    ours = compat_scorer.RougeScorer(ALL_TYPES, use_stemmer=use_stemmer)
    assert ours._pair is not None
    got = [ours.score(t, p) for t, p in zip(refs[0], hyp)]
    assert got == [ref.score(t, p) for t, p in zip(refs[0], hyp)]
    assert got == ours.score_batch(refs[0], hyp, threads=1)
    _batch_equals_fast(hyp[:200], refs[1][:200], ALL_TYPES, use_stemmer)


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_adversarial_strings(use_stemmer):
    ref = rouge_scorer.RougeScorer(ALL_TYPES, use_stemmer=use_stemmer)
    ours = compat_scorer.RougeScorer(ALL_TYPES, use_stemmer=use_stemmer)
    texts = ADVERSARIAL
    for target in texts:
        for prediction in texts[::3]:
            got, exp = ours.score(target, prediction), ref.score(target, prediction)
            assert got == exp and repr(got) == repr(exp) and list(got) == list(exp)
    _batch_equals_fast([p for p in texts for _ in texts[::4]], [t for _ in texts for t in texts[::4]],
                       ALL_TYPES, use_stemmer)


def test_vocabulary_reset_and_threads_do_not_change_scores():
    ours = compat_scorer.RougeScorer(["rouge1", "rougeL"])
    ref = rouge_scorer.RougeScorer(["rouge1", "rougeL"])
    # more distinct tokens than the cached tokenizer keeps before starting afresh
    words = [f"w{k}" for k in range(300_000)]
    for k in range(0, len(words), 5000):
        t, p = " ".join(words[k : k + 40]), " ".join(words[k + 20 : k + 70])
        assert ours.score(t, p) == ref.score(t, p)
    from concurrent.futures import ThreadPoolExecutor

    pairs = [(EDGE_TEXTS[i % len(EDGE_TEXTS)], EDGE_TEXTS[(3 * i) % len(EDGE_TEXTS)]) for i in range(400)]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda tp: ours.score(*tp), pairs))
    assert got == [ref.score(t, p) for t, p in pairs]


def test_arguments_checked_as_before():
    ours = compat_scorer.RougeScorer(["rouge1"])
    with pytest.raises(TypeError, match="target: expected str, got NoneType"):
        ours.score(None, "a")
    with pytest.raises(TypeError, match="prediction: expected str, got int"):
        ours.score("a", 3)
    with pytest.raises(TypeError, match="target: bytes are not supported"):
        ours.score(b"a", "a")
    with pytest.raises(TypeError, match="target: expected str"):
        ours.score(None, None)  # the target is named first, as rouge-score checks it first
    with pytest.raises(ValueError, match="threads"):
        ngramkit.rouge(["a"], ["a"], threads=0)
    with pytest.raises(ValueError, match="multi_reference"):
        ngramkit.rouge(["a"], ["a"], multi_reference="worst")
    with pytest.raises(ValueError, match="rouge_types"):
        ngramkit.rouge(["a"], ["a"], ["rouge0"])
    with pytest.raises(ValueError, match="rouge_types"):
        ngramkit.rouge(["a"], ["a"], ["rougeX"])
    with pytest.raises(TypeError, match="rouge_types"):
        ngramkit.rouge(["a"], ["a"], [["rouge1"]])


def test_scorer_and_results_pickle():
    ours = pickle.loads(pickle.dumps(compat_scorer.RougeScorer(["rouge1", "rougeL"], use_stemmer=True)))
    assert ours.score("running dogs", "the dogs ran") == rouge_scorer.RougeScorer(
        ["rouge1", "rougeL"], use_stemmer=True).score("running dogs", "the dogs ran")
    result = ngramkit.rouge(["a b c"], ["a c"])
    again = pickle.loads(pickle.dumps(result["rouge1"]))
    assert np.array_equal(again.fmeasure, result["rouge1"].fmeasure)
    s = ngramkit.rouge(["a b c"], ["a c"])["rougeL"]
    s.fmeasure = np.array([0.5])
    assert s.fmeasure[0] == 0.5 and s.precision[0] == 2 / 3
