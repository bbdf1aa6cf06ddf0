"""ngramkit.rouge(..., tokenize=NAME) against rouge-score with a custom tokenizer that applies
sacrebleu's NAME tokenizer to the lowercased text: ROUGE in any language (Korean, Chinese,
Japanese), where rouge-score's own tokenizer keeps only [a-z0-9]."""
from __future__ import annotations

import json

import numpy as np
import pytest

import ngramkit

rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
pytest.importorskip("sacrebleu")
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a  # noqa: E402
from sacrebleu.tokenizers.tokenizer_char import TokenizerChar  # noqa: E402
from sacrebleu.tokenizers.tokenizer_intl import TokenizerV14International  # noqa: E402
from sacrebleu.tokenizers.tokenizer_none import NoneTokenizer  # noqa: E402
from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh  # noqa: E402

SACREBLEU_TOKENIZERS = {"13a": Tokenizer13a, "intl": TokenizerV14International, "zh": TokenizerZh,
                        "char": TokenizerChar, "none": NoneTokenizer}
TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


class LowercasedSacrebleu:
    """rouge-score's custom tokenizer interface: sacrebleu's tokenizer on text.lower(), split."""

    def __init__(self, name):
        self.tokenizer = SACREBLEU_TOKENIZERS[name]()

    def tokenize(self, text):
        return self.tokenizer(text.lower()).split()


def reference_scores(preds, refs, name, types=TYPES):
    scorer = rouge_scorer.RougeScorer(types, tokenizer=LowercasedSacrebleu(name))
    return [scorer.score(r, p) for p, r in zip(preds, refs)]


def assert_same(ours, theirs, types=TYPES):
    for t in types:
        assert ours[t].precision.tolist() == [s[t].precision for s in theirs], t
        assert ours[t].recall.tolist() == [s[t].recall for s in theirs], t
        assert ours[t].fmeasure.tolist() == [s[t].fmeasure for s in theirs], t


@pytest.fixture(scope="module")
def korean(shared_data):
    lines = (shared_data / "korean" / "nsmc_reviews.sampleA.jsonl").read_text(encoding="utf-8").splitlines()
    reviews = [json.loads(line)["review"] for line in lines]
    return reviews[0::2][:1000], reviews[1::2][:1000]


@pytest.fixture(scope="module")
def wmt23_zh_ja(shared_data):
    root = shared_data / "wmt23" / "txt"
    out = {}
    for pair, lang, system in (("en-zh", "zh", "GPT4-5shot"), ("en-ja", "ja", "ONLINE-B")):
        ref = (root / "references" / f"generaltest2023.{pair}.ref.refA.{lang}").read_text(encoding="utf-8").split("\n")
        hyp = (root / "system-outputs" / f"generaltest2023.{pair}.hyp.{system}.{lang}").read_text(encoding="utf-8").split("\n")
        out[lang] = (hyp[:600], ref[:600])
    return out


@pytest.mark.parametrize("name", list(SACREBLEU_TOKENIZERS))
def test_korean_reviews(korean, name):
    preds, refs = korean
    assert_same(ngramkit.rouge(preds, refs, TYPES, tokenize=name), reference_scores(preds, refs, name))


@pytest.mark.parametrize("name", ["zh", "char", "intl", "13a"])
def test_chinese_and_japanese(wmt23_zh_ja, name):
    for hyp, ref in wmt23_zh_ja.values():
        assert_same(ngramkit.rouge(hyp, ref, TYPES, tokenize=name), reference_scores(hyp, ref, name))


def test_multi_sentence_and_edge_texts():
    preds = ["Erste Zeile.\nZweite-\nZeile", "", "\n\n", "a-\nb c", "北京欢迎你。\n上海", "İSTANBUL &amp; Co."]
    refs = ["erste zeile\nzweite zeile", "x", "\n", "ab c", "北京欢迎您\n上海 欢迎", "istanbul & co."]
    for name in SACREBLEU_TOKENIZERS:
        assert_same(ngramkit.rouge(preds, refs, TYPES, tokenize=name), reference_scores(preds, refs, name))
        only_lsum = ngramkit.rouge(preds, refs, ["rougeLsum"], tokenize=name)
        assert_same(only_lsum, reference_scores(preds, refs, name, ["rougeLsum"]), ["rougeLsum"])


@pytest.mark.parametrize("name", ["13a", "intl"])
def test_adversarial_texts_across_block_boundaries(name):
    """13a and intl find tokens 64 bytes at a time (csrc/text/sacrebleu_spans.hpp): runs of digits
    and [.,], '-' after digits, symbols and punctuation of several bytes, Unicode spaces and
    digits, markup, upper case of every kind, in texts of 0-300 bytes (blocks cut anywhere)."""
    import random

    pieces = ["a", "Z", "7", "0", ".", ",", "-", " ", "\n", "\t", "'", "(", "$", "/", "<", "&", "é", "É", "„", "“",
              "€", "²", "٣", "\u00a0", "\u3000", "中", "¿", "×", "÷", "😀", "İ", "Σ", "word", "1.5", "x.,y", "...", "3-", "&amp;",
              "<skipped>", "-\n", "A.B", "1,000.5", "e.g.", "U.S.A."]
    rng = random.Random(name)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 90))) for _ in range(400)]
    preds, refs = texts[:200], texts[200:]
    assert_same(ngramkit.rouge(preds, refs, TYPES, tokenize=name), reference_scores(preds, refs, name))
    self_scores = ngramkit.rouge(preds, preds, ["rouge1"], tokenize=name)["rouge1"].fmeasure
    assert self_scores.tolist() == [s["rouge1"].fmeasure for s in reference_scores(preds, preds, name, ["rouge1"])]


def test_multi_reference_best(korean):
    preds, refs = korean
    groups = [[r, p[::-1]] for p, r in zip(preds[:200], refs[:200])]
    ours = ngramkit.rouge(preds[:200], groups, ["rouge1", "rougeL"], tokenize="char")
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"], tokenizer=LowercasedSacrebleu("char"))
    theirs = [scorer.score_multi(g, p) for p, g in zip(preds[:200], groups)]
    assert_same(ours, theirs, ["rouge1", "rougeL"])


def test_identical_korean_texts_score_one(korean):
    preds, _ = korean
    result = ngramkit.rouge(preds[:50], preds[:50], ["rouge1"], tokenize="char")
    nonempty = np.array([bool(p.strip()) for p in preds[:50]])
    assert (result["rouge1"].fmeasure[nonempty] == 1.0).all()


def test_tokenize_errors():
    with pytest.raises(ValueError, match="tokenize"):
        ngramkit.rouge(["a"], ["a"], tokenize="13b")
    with pytest.raises(ValueError, match="use_stemmer"):
        ngramkit.rouge(["a"], ["a"], tokenize="13a", use_stemmer=True)
    with pytest.raises(ValueError, match="tokenize"):
        ngramkit.rouge([[1, 2]], [[1, 2]], tokenize="13a")
