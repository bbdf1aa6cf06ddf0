"""ngramkit.accumulator: any split into batches, any merge, state_dict round trips and summed
states give the one-shot API's scores bit for bit (the one-shot API is tested against
rouge-score / sacrebleu elsewhere)."""
from __future__ import annotations

import pickle
import random

import numpy as np
import pytest

import ngramkit

WORDS = "the a cat dog sat on mat ran fast slow red blue . , !".split()


def _corpus(n: int, seed: int = 0):
    rng = random.Random(seed)
    text = lambda: " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 14)))  # noqa: E731
    hyps = [text() for _ in range(n)]
    refs = [[text() for _ in range(rng.randint(1, 3))] for _ in range(n)]
    return hyps, refs


def _one_shot(metric, hyps, refs, options):
    fn = getattr(ngramkit, metric)
    result = fn(hyps, refs, **options)
    return result.mean() if metric == "rouge" else result


def _same(metric, got, want):
    if metric == "rouge":
        assert got == want  # dicts of Score: float equality, bit for bit
    else:
        assert got.score == want.score
        assert got.to_dict() == want.to_dict()


def _splits(n, rng):
    cuts = sorted(rng.sample(range(1, n), rng.randint(1, 6)))
    return list(zip([0, *cuts], [*cuts, n]))


CASES = [("rouge", {}), ("rouge", {"rouge_types": ["rouge1", "rougeLsum"], "use_stemmer": True}),
         ("bleu", {}), ("bleu", {"smooth_method": "floor"}), ("chrf", {}), ("chrf", {"word_order": 2}),
         ("ter", {}), ("ter", {"normalized": True})]


@pytest.mark.parametrize("metric,options", CASES)
def test_batches_and_merges_equal_one_shot(metric, options):
    hyps, refs = _corpus(300)
    want = _one_shot(metric, hyps, refs, options)
    rng = random.Random(1)
    for _ in range(3):
        parts = []
        for a, b in _splits(len(hyps), rng):
            acc = ngramkit.accumulator(metric, **options)
            acc.update(hyps[a:b], refs[a:b])
            parts.append(acc)
        merged = parts[0]
        for p in parts[1:]:
            merged.merge(p)
        _same(metric, merged.compute(), want)
    single = ngramkit.accumulator(metric, **options)
    for a, b in _splits(len(hyps), rng):
        single.update(hyps[a:b], refs[a:b])
    _same(metric, single.compute(), want)


@pytest.mark.parametrize("metric", ["rouge", "bleu", "chrf", "ter"])
def test_summed_state_dicts_equal_one_shot(metric):
    """What a sum all-reduce does: every worker's state_dict summed, loaded into a fresh one."""
    hyps, refs = _corpus(257, seed=3)
    n = len(hyps)
    bounds = [(0, 40), (40, 41), (41, 200), (200, n)]
    extra = {"n_total": n} if metric in ("rouge", "ter") else {}
    states = []
    for a, b in reversed(bounds):  # the order of the sum does not matter
        acc = ngramkit.accumulator(metric, first_row=a, **extra) if extra else ngramkit.accumulator(metric)
        acc.update(hyps[a:b], refs[a:b])
        states.append(acc.state_dict())
    summed = {k: sum(s[k] for s in states) for k in states[0]}
    for value in summed.values():
        assert isinstance(value, np.ndarray)
    target = ngramkit.accumulator(metric, **extra)
    target.load_state_dict(summed)
    _same(metric, target.compute(), _one_shot(metric, hyps, refs, {}))


@pytest.mark.parametrize("metric", ["rouge", "bleu", "chrf", "ter"])
def test_state_round_trip_reset_pickle_and_token_ids(metric):
    hyps, refs = _corpus(50, seed=5)
    acc = ngramkit.accumulator(metric)
    acc.update(hyps[:20], refs[:20])
    clone = pickle.loads(pickle.dumps(acc))
    restored = ngramkit.accumulator(metric)
    restored.load_state_dict(acc.state_dict())
    for a in (acc, clone, restored):
        a.update(hyps[20:], refs[20:])
        _same(metric, a.compute(), _one_shot(metric, hyps, refs, {}))
    acc.reset()
    _same(metric, acc.compute(), _one_shot(metric, [], [], {}))
    if metric in ("rouge", "bleu"):  # token ids
        ids = [[1, 2, 3, 2], [4, 5], []]
        rids = [[1, 2, 2], [5, 4, 5], [7]]
        acc.update(ids[:1], rids[:1])
        acc.update(ids[1:], rids[1:])
        _same(metric, acc.compute(), _one_shot(metric, ids, rids, {}))


def test_nrefs_label_and_bad_input():
    acc = ngramkit.accumulator("bleu")
    acc.update(["a b"], [["a b", "a"]])
    acc.update(["c d"], [["c", "d"]])
    assert acc.compute().signature.info["nrefs"] == 2
    acc.update(["c d"], [["c"]])
    assert acc.compute().signature.info["nrefs"] == "var"
    with pytest.raises(ValueError, match="metric"):
        ngramkit.accumulator("meteor")
    with pytest.raises(ValueError, match="n_total"):
        ngramkit.accumulator("bleu", n_total=3)
    with pytest.raises(ValueError, match="merge"):
        ngramkit.accumulator("chrf").merge(ngramkit.accumulator("chrf", word_order=2))
    acc = ngramkit.accumulator("ter", n_total=2)
    with pytest.raises(ValueError, match="n_total"):
        acc.update(["a", "b", "c"], ["a", "b", "c"])
    with pytest.raises(ValueError, match="n_total"):
        acc.compute()


@pytest.mark.parametrize("metric", ["rouge", "bleu", "ter"])
def test_padded_token_batches(metric):
    """Batches as a training loop holds them: padded id arrays, 0 the pad id."""
    rng = np.random.default_rng(0)
    hyps = rng.integers(0, 12, size=(64, 20))
    refs = rng.integers(0, 12, size=(64, 18))
    acc = ngramkit.accumulator(metric)
    for start in range(0, 64, 16):
        acc.update(ngramkit.TokenBatch.from_padded(hyps[start:start + 16], pad_id=0),
                   ngramkit.TokenBatch.from_padded(refs[start:start + 16], pad_id=0))
    lists = lambda a: [[int(t) for t in row if t != 0] for row in a]  # noqa: E731
    _same(metric, acc.compute(), _one_shot(metric, lists(hyps), lists(refs), {}))


@pytest.mark.parametrize("metric", ["wer", "cer"])
def test_error_rates_batches_merges_and_summed_states(metric):
    """WER / CER (one reference per prediction): batches, merges and summed state dicts equal
    the one-shot result, whose numbers are tested against jiwer in test_wer.py."""
    hyps, refs = _corpus(200, seed=3)
    refs = [r[0] for r in refs]
    want = getattr(ngramkit, metric)(hyps, refs)
    parts = []
    for a, b in _splits(len(hyps), random.Random(2)):
        acc = ngramkit.accumulator(metric)
        acc.update(hyps[a:b], refs[a:b])
        parts.append(acc)
    states = [p.state_dict() for p in parts]  # before the merge below changes parts[0]
    merged = parts[0]
    for p in parts[1:]:
        merged.merge(p)
    _same(metric, merged.compute(), want)
    summed = ngramkit.accumulator(metric)
    for state in states:
        summed.load_state_dict(state, add=True)
    _same(metric, summed.compute(), want)
