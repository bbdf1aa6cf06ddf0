"""Tokenizers that need external models (ja-mecab, ko-mecab, flores101/200) run through
sacrebleu's own tokenizer: equal to sacrebleu where its extras are installed (the test extra
installs sacrebleu[ja]), and a clear ImportError naming what to install where they are not."""
from __future__ import annotations

import re

import pytest

import ngramkit

sacrebleu = pytest.importorskip("sacrebleu")


@pytest.fixture(scope="module")
def wmt23_ja(shared_data):
    root = shared_data / "wmt23" / "txt"
    ref = (root / "references" / "generaltest2023.en-ja.ref.refA.ja").read_text(encoding="utf-8").split("\n")
    hyp = (root / "system-outputs" / "generaltest2023.en-ja.hyp.GPT4-5shot.ja").read_text(encoding="utf-8").split("\n")
    return hyp[:300], ref[:300]


def test_ja_mecab_bleu_and_rouge_equal_sacrebleu(wmt23_ja):
    pytest.importorskip("MeCab", reason="sacrebleu[ja] (mecab-python3, ipadic) is not installed")
    hyp, ref = wmt23_ja
    ours = ngramkit.bleu(hyp, ref, tokenize="ja-mecab")
    theirs = sacrebleu.BLEU(tokenize="ja-mecab")
    assert ours.score == theirs.corpus_score(hyp, [ref]).score
    assert ours.signature.format().rsplit("|", 1)[0] == theirs.get_signature().format().rsplit("|", 1)[0]
    sentence = sacrebleu.BLEU(tokenize="ja-mecab", effective_order=True)
    assert ngramkit.sentence_bleu(hyp[:50], ref[:50], tokenize="ja-mecab").tolist() == \
        [sentence.sentence_score(h, [r]).score for h, r in zip(hyp[:50], ref)]

    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    from sacrebleu.tokenizers.tokenizer_ja_mecab import TokenizerJaMecab

    class Lowercased:
        tokenizer = TokenizerJaMecab()

        def tokenize(self, text):
            return self.tokenizer(text.lower()).split()

    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"], tokenizer=Lowercased())
    expected = [scorer.score(r, h) for h, r in zip(hyp[:100], ref)]
    got = ngramkit.rouge(hyp[:100], ref[:100], ["rouge1", "rougeL"], tokenize="ja-mecab")
    for t in ("rouge1", "rougeL"):
        assert got[t].fmeasure.tolist() == [s[t].fmeasure for s in expected]


@pytest.mark.parametrize("name,extra", [("ja-mecab", "ngramkit[ja]"), ("ko-mecab", "ngramkit[ko]"),
                                        ("flores200", "ngramkit[flores]")])
def test_missing_extras_name_what_to_install(monkeypatch, name, extra):
    import sacrebleu.metrics.bleu as sacre_bleu

    def unavailable(tokenizer_name):
        def load():
            raise RuntimeError("extra dependencies are not installed\nmore detail")
        return load

    monkeypatch.setattr(sacre_bleu, "_get_tokenizer", unavailable)
    with pytest.raises(ImportError, match=rf"tokenize='{name}'.*extra dependencies are not installed.*{re.escape(extra)}"):
        ngramkit.bleu(["a"], ["a"], tokenize=name)
    with pytest.raises(ImportError, match=re.escape(extra)):
        ngramkit.rouge(["a"], ["a"], tokenize=name)
