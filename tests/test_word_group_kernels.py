"""The word-metric text paths at their size edges, against sacrebleu and rouge-score: BLEU's bit-set
matching (hypothesis and references of 1, 2 or 4 64-bit words of positions, and the hashed path
past them), per-group word ids (words longer than the 16 bytes a slot holds), and ROUGE with a
sacrebleu tokenizer, which lowers ASCII texts in C++ and only the others with str.lower()."""
from __future__ import annotations

import random

import pytest

sacrebleu = pytest.importorskip("sacrebleu")
rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")

import ngramkit  # noqa: E402
from sacrebleu.metrics import BLEU  # noqa: E402
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a  # noqa: E402
from sacrebleu.tokenizers.tokenizer_intl import TokenizerV14International  # noqa: E402

# few distinct words, so that long n-grams repeat; two share their first 16 bytes
WORDS = ["a", "b", "c", "der", "die", "Haus,", "3.5", "x-y", "verantwortungsvollen", "verantwortungsvollere", "&amp;"]


def text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def edge_cases():
    rng = random.Random(23)
    lengths = [0, 1, 63, 64, 65, 127, 128, 129, 255, 256, 257, 400]
    cases = []
    for lh in lengths:
        for n_refs in (1, 2, 3):
            refs = [text(rng, rng.choice(lengths)) for _ in range(n_refs)]
            cases.append((text(rng, lh), refs))
    # reference positions exactly at the word edges: ref_tokens + n_refs - 1 in {64, 65, 128, 129, 256, 257}
    for total in (64, 65, 128, 129, 256, 257):
        for n_refs in (1, 2, 4):
            sizes = [(total - (n_refs - 1)) // n_refs] * n_refs
            sizes[-1] += total - (n_refs - 1) - sum(sizes)
            cases.append((text(rng, 60), [text(rng, s) for s in sizes]))
    return cases


@pytest.mark.parametrize("tokenize", ["13a", "none", "intl"])
def test_bleu_statistics_at_bitset_edges(tokenize):
    cases = edge_cases()
    metric = BLEU(tokenize=tokenize)
    for hyp, refs in cases:
        ours = ngramkit.bleu([hyp], [refs], tokenize=tokenize)
        theirs = metric.corpus_score([hyp], [[r] for r in refs])
        assert (ours.counts, ours.totals, ours.sys_len, ours.ref_len) == \
            (theirs.counts, theirs.totals, theirs.sys_len, theirs.ref_len), (hyp, refs)
        assert ours.score == theirs.score


def test_sentence_bleu_at_bitset_edges():
    cases = [(h, refs[0]) for h, refs in edge_cases()]
    metric = BLEU(effective_order=True)
    ours = ngramkit.sentence_bleu([h for h, _ in cases], [r for _, r in cases], threads=2)
    assert ours.tolist() == [metric.sentence_score(h, [r]).score for h, r in cases]


class Lowered:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def tokenize(self, s):
        return self.tokenizer(s.lower()).split()


@pytest.mark.parametrize("name, tokenizer", [("13a", Tokenizer13a()), ("intl", TokenizerV14International())])
def test_rouge_sacrebleu_tokenizers_lower_ascii_and_other_texts(name, tokenizer):
    preds = ["The HOUSE &QUOT;Zum Löwen&QUOT; <SKIPPED> costs 3.5 EUR.", "ÀB CD-\nEF, GH.", "İSTANBUL Σ ΣΑΣ.",
             "Plain ASCII: A-B, C.D; E&AMP;F", "", "ＡＢＣ full width", "MIXED case ascii Only"]
    refs = ["the house \"zum löwen\" costs 3.5 eur.", "àb cdef, gh.", "istanbul σ σας.", "plain ascii: a-b, c.d; e&f",
            "x", "abc full width", "mixed CASE ASCII only"]
    types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    scorer = rouge_scorer.RougeScorer(types, tokenizer=Lowered(tokenizer))
    for threads in (1, 2):
        ours = ngramkit.rouge(preds, refs, types, tokenize=name, threads=threads)
        for i, (p, r) in enumerate(zip(preds, refs)):
            want = scorer.score(r, p)
            for t in types:
                assert (ours[t].precision[i], ours[t].recall[i], ours[t].fmeasure[i]) == tuple(want[t]), (t, i)
