"""ngramkit.integrations.transformers with transformers' EvalPrediction and a tokenizer built
locally with `tokenizers` (no hub, no torch). Skipped without transformers (not in the ``test``
extra: ~2 min of pip install here; ``pip install 'ngramkit[transformers]'``). The text factories are
checked against the official examples' code paths run with rouge-score / sacrebleu themselves."""
from __future__ import annotations

import random
import re

import numpy as np
import pytest

transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

import sacrebleu  # noqa: E402
from rouge_score import rouge_scorer, scoring  # noqa: E402
from transformers import EvalPrediction, PreTrainedTokenizerFast  # noqa: E402

import ngramkit  # noqa: E402
from ngramkit.integrations import transformers as nk  # noqa: E402

WORDS = "the a cat dog sat on mat ran fast slow red blue it was . , !".split()
SPECIAL = ["<pad>", "</s>", "<unk>"]


@pytest.fixture(scope="module")
def tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {w: i for i, w in enumerate(SPECIAL + WORDS)}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")


def _eval_prediction(tokenizer, n=60, seed=0):
    """Generated ids (eos, then pad) and labels (eos, then -100), as Seq2SeqTrainer hands them over."""
    rng = random.Random(seed)
    texts = lambda: [" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 15))) for _ in range(n)]  # noqa: E731
    preds, labels = texts(), texts()
    eos, pad = tokenizer.eos_token_id, tokenizer.pad_token_id

    def padded(rows, filler):
        ids = [tokenizer(t, add_special_tokens=False)["input_ids"] + [eos] for t in rows]
        width = max(map(len, ids)) + 2
        return np.array([row + [filler] * (width - len(row)) for row in ids], dtype=np.int64), ids

    pred_array, pred_ids = padded(preds, pad)
    label_array, label_ids = padded(labels, -100)
    return EvalPrediction(predictions=pred_array, label_ids=label_array), pred_ids, label_ids


def _strip(rows, eos):
    return [[t for t in row if t != eos] for row in rows]


def test_rouge_and_bleu_on_ids(tokenizer):
    ep, pred_ids, label_ids = _eval_prediction(tokenizer)
    eos = tokenizer.eos_token_id
    got = nk.rouge_on_ids(tokenizer.pad_token_id, ignore_ids=tokenizer.all_special_ids)(ep)
    want = ngramkit.rouge(_strip(pred_ids, eos), _strip(label_ids, eos))
    assert got == {**{t: round(want[t].mean().fmeasure * 100, 4) for t in ("rouge1", "rouge2", "rougeL")},
                   "gen_len": float(np.mean([len(r) for r in pred_ids]))}
    # the same pairs as text through rouge-score, which drops punctuation: ids without the
    # punctuation marks' ids score alike
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"])
    decoded = [tokenizer.batch_decode(a, skip_special_tokens=True) for a in (ep.predictions, np.where(
        ep.label_ids != -100, ep.label_ids, tokenizer.pad_token_id))]
    scores = [scorer.score(r, p) for p, r in zip(*decoded)]
    punctuation = tokenizer.convert_tokens_to_ids([".", ",", "!"])
    unrounded = nk.rouge_on_ids(tokenizer.pad_token_id, ignore_ids=[eos, *punctuation], digits=None)(ep)
    for t in ("rouge1", "rouge2", "rougeL"):
        assert unrounded[t] == np.mean([s[t].fmeasure for s in scores]) * 100
    bleu = nk.bleu_on_ids(tokenizer.pad_token_id, ignore_ids=[eos])((ep.predictions, ep.label_ids))
    assert bleu["bleu"] == round(ngramkit.bleu(_strip(pred_ids, eos), _strip(label_ids, eos)).score, 4)
    with_tuple = nk.bleu_on_ids(tokenizer.pad_token_id, ignore_ids=[eos])(((ep.predictions, None), ep.label_ids))
    assert with_tuple == bleu


def _sentences(text):
    return [s for s in re.split(r"(?<=[.!])\s+", text) if s]


def test_summarization_metrics_equal_the_example(tokenizer):
    ep, _, _ = _eval_prediction(tokenizer, seed=1)
    got = nk.summarization_metrics(tokenizer, seed=3, split_sentences=_sentences)(ep)
    # run_summarization.py's compute_metrics, with evaluate's rouge spelled out in rouge-score
    preds = np.where(ep.predictions != -100, ep.predictions, tokenizer.pad_token_id)
    labels = np.where(ep.label_ids != -100, ep.label_ids, tokenizer.pad_token_id)
    decoded_preds = ["\n".join(_sentences(p.strip())) for p in tokenizer.batch_decode(preds, skip_special_tokens=True)]
    decoded_labels = ["\n".join(_sentences(x.strip()))
                      for x in tokenizer.batch_decode(labels, skip_special_tokens=True)]
    types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    scorer = rouge_scorer.RougeScorer(types, use_stemmer=True)
    aggregator = scoring.BootstrapAggregator()
    for ref, pred in zip(decoded_labels, decoded_preds):
        aggregator.add_scores(scorer.score(ref, pred))
    state = np.random.get_state()
    np.random.seed(3)
    result = {k: v.mid.fmeasure for k, v in aggregator.aggregate().items()}
    np.random.set_state(state)
    want = {k: round(v * 100, 4) for k, v in result.items()}
    want["gen_len"] = np.mean([np.count_nonzero(p != tokenizer.pad_token_id) for p in preds])
    assert got == want


def test_translation_metrics_equal_the_example(tokenizer):
    ep, _, _ = _eval_prediction(tokenizer, seed=2)
    got = nk.translation_metrics(tokenizer)(ep)
    preds = np.where(ep.predictions != -100, ep.predictions, tokenizer.pad_token_id)
    labels = np.where(ep.label_ids != -100, ep.label_ids, tokenizer.pad_token_id)
    decoded_preds = [p.strip() for p in tokenizer.batch_decode(preds, skip_special_tokens=True)]
    decoded_labels = [[x.strip()] for x in tokenizer.batch_decode(labels, skip_special_tokens=True)]
    score = sacrebleu.corpus_bleu(decoded_preds, list(zip(*decoded_labels))).score
    gen_len = np.mean([np.count_nonzero(p != tokenizer.pad_token_id) for p in preds])
    assert got == {"bleu": round(score, 4), "gen_len": round(gen_len, 4)}


def test_old_transformers_names_the_extra(monkeypatch):
    import importlib.metadata

    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda d: "4.1.0" if d == "transformers" else real(d))
    with pytest.raises(ImportError, match=r"transformers>=4\.26.*ngramkit\[transformers\].*found transformers 4\.1"):
        nk.rouge_on_ids(0)
