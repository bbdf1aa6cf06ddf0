"""ngramkit.compat.evaluate.rouge against rouge-score driven exactly as HF evaluate's rouge script
drives it (evaluate cannot fetch its metric scripts offline, so its `_compute` body is replayed here:
RougeScorer, score_multi when references[0] is a list, BootstrapAggregator -> mid.fmeasure)."""
from __future__ import annotations

import numpy as np
import pytest

from ngramkit.compat.evaluate import rouge

rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
scoring = pytest.importorskip("rouge_score.scoring")


def evaluate_reference(predictions, references, rouge_types=None, use_aggregator=True, use_stemmer=False,
                       tokenizer=None):
    """The body of evaluate's metrics/rouge/rouge.py `_compute`, calling rouge-score."""
    if rouge_types is None:
        rouge_types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    multi_ref = isinstance(references[0], list)
    if tokenizer is not None:
        func = tokenizer

        class Tokenizer:
            def tokenize(self, text):
                return func(text)

        tokenizer = Tokenizer()
    scorer = rouge_scorer.RougeScorer(rouge_types=rouge_types, use_stemmer=use_stemmer, tokenizer=tokenizer)
    aggregator = scoring.BootstrapAggregator() if use_aggregator else None
    scores = []
    for ref, pred in zip(references, predictions):
        score = scorer.score_multi(ref, pred) if multi_ref else scorer.score(ref, pred)
        if use_aggregator:
            aggregator.add_scores(score)
        else:
            scores.append(score)
    if use_aggregator:
        result = aggregator.aggregate()
        return {key: result[key].mid.fmeasure for key in result}
    return {key: [s[key].fmeasure for s in scores] for key in scores[0]}


@pytest.mark.parametrize("use_stemmer", [False, True])
@pytest.mark.parametrize("multi", [False, True])
def test_aggregated_equals_evaluate(dialogsum, use_stemmer, multi):
    hyp, refs = dialogsum
    predictions = hyp[:200]
    references = [list(x) for x in zip(*(r[:200] for r in refs))] if multi else refs[0][:200]
    np.random.seed(1234)
    expected = evaluate_reference(predictions, references, use_stemmer=use_stemmer)
    got = rouge(predictions, references, use_stemmer=use_stemmer, seed=1234)
    assert got == expected
    assert list(got) == list(expected)
    assert all(type(v) is type(expected[k]) for k, v in got.items())


def test_per_example_lists_equal_evaluate(dialogsum):
    hyp, refs = dialogsum
    expected = evaluate_reference(hyp, refs[1], use_aggregator=False, rouge_types=["rouge1", "rougeL", "rougeLsum"])
    got = rouge(hyp, refs[1], use_aggregator=False, rouge_types=["rouge1", "rougeL", "rougeLsum"])
    assert got == expected


def test_custom_tokenizer_callable_is_honoured():
    predictions = ["Привет мир, как дела", "日本 語 テキスト", ""]
    references = ["Привет мир", "日本 語", "x"]
    expected = evaluate_reference(predictions, references, use_aggregator=False, tokenizer=str.split)
    assert rouge(predictions, references, use_aggregator=False, tokenizer=str.split) == expected


def test_seed_restores_global_rng_and_unseeded_uses_it():
    predictions, references = ["a b c", "b c d", "x y"], ["a b", "c d", "y z"]
    np.random.seed(5)
    expected = evaluate_reference(predictions, references)
    np.random.seed(5)
    assert rouge(predictions, references) == expected  # unseeded: draws from the global RNG as it stands
    state = np.random.get_state()[1].copy()
    rouge(predictions, references, seed=99)
    assert np.array_equal(np.random.get_state()[1], state)


def test_length_mismatch_raises():
    with pytest.raises(ValueError, match="differ in length"):
        rouge(["a"], ["a", "b"])
