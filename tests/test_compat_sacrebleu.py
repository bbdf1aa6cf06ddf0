"""ngramkit.compat.sacrebleu: sacrebleu's own argument layout (reference streams), fields, str()
and format(), compared with sacrebleu itself; and the errors where sacrebleu silently truncates."""
from __future__ import annotations

import json

import pytest

from ngramkit.compat import sacrebleu as ours

sacrebleu = pytest.importorskip("sacrebleu")

HYPS = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
STREAMS = [["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
           ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."]]


def strip_version(text: str) -> str:
    return text.replace("ngramkit-" + __import__("ngramkit").__version__, sacrebleu.__version__)


def test_readme_example_bleu():
    a, b = ours.corpus_bleu(HYPS, STREAMS), sacrebleu.corpus_bleu(HYPS, STREAMS)
    assert a.score == b.score == 48.530827009929865
    for field in ("counts", "totals", "precisions", "bp", "sys_len", "ref_len", "ratio", "prec_str"):
        assert getattr(a, field) == getattr(b, field), field
    assert str(a) == str(b) and repr(a) == repr(b)
    assert a.format(width=4) == b.format(width=4)
    assert a.format(score_only=True) == b.format(score_only=True)


@pytest.mark.parametrize("kwargs", [dict(), dict(lowercase=True, tokenize="intl"), dict(tokenize="char"),
                                    dict(smooth_method="floor", smooth_value=0.2), dict(use_effective_order=True)])
def test_corpus_bleu_options(kwargs):
    assert ours.corpus_bleu(HYPS, STREAMS, **kwargs).score == sacrebleu.corpus_bleu(HYPS, STREAMS, **kwargs).score


def test_metric_classes_and_signatures(dialogsum):
    hyp, refs = dialogsum
    for cls_kwargs in (dict(), dict(tokenize="zh", lowercase=True), dict(smooth_method="add-k")):
        mine, theirs = ours.BLEU(**cls_kwargs), sacrebleu.BLEU(**cls_kwargs)
        with pytest.raises(ValueError, match="Number of references unknown"):
            mine.get_signature()
        a, b = mine.corpus_score(hyp, refs), theirs.corpus_score(hyp, refs)
        assert a.score == b.score
        assert strip_version(str(mine.get_signature())) == str(theirs.get_signature())
        assert strip_version(mine.get_signature().format(short=True)) == theirs.get_signature().format(short=True)
        sig = str(mine.get_signature())
        assert strip_version(a.format(signature=sig, is_json=True)) == b.format(signature=str(theirs.get_signature()),
                                                                                is_json=True)
        assert mine.sentence_score(hyp[0], [r[0] for r in refs]).score == \
            theirs.sentence_score(hyp[0], [r[0] for r in refs]).score
    mine, theirs = ours.CHRF(word_order=2), sacrebleu.CHRF(word_order=2)
    a, b = mine.corpus_score(hyp, refs), theirs.corpus_score(hyp, refs)
    assert (a.score, a.name, str(a)) == (b.score, b.name, str(b))
    assert strip_version(str(mine.get_signature())) == str(theirs.get_signature())
    assert mine.sentence_score(hyp[3], [refs[0][3]]).score == theirs.sentence_score(hyp[3], [refs[0][3]]).score


def test_cached_references():
    mine, theirs = ours.BLEU(references=STREAMS), sacrebleu.BLEU(references=STREAMS)
    assert mine.corpus_score(HYPS, None).score == theirs.corpus_score(HYPS, None).score


def test_sentence_functions_and_chrf():
    assert ours.sentence_bleu(HYPS[0], [STREAMS[0][0]]).score == sacrebleu.sentence_bleu(HYPS[0], [STREAMS[0][0]]).score
    assert ours.corpus_chrf(HYPS, STREAMS).score == sacrebleu.corpus_chrf(HYPS, STREAMS).score
    assert ours.corpus_chrf(HYPS, STREAMS, remove_whitespace=False).score == \
        sacrebleu.corpus_chrf(HYPS, STREAMS, remove_whitespace=False).score
    assert ours.sentence_chrf(HYPS[1], [STREAMS[1][1]]).score == sacrebleu.sentence_chrf(HYPS[1], [STREAMS[1][1]]).score
    assert ours.raw_corpus_bleu(HYPS, STREAMS).score == sacrebleu.raw_corpus_bleu(HYPS, STREAMS).score


def test_none_and_empty_references():
    streams = [["a b c", "d e f"], [None, ""]]
    assert ours.corpus_bleu(["a b c", "d e"], streams).score == sacrebleu.corpus_bleu(["a b c", "d e"], streams).score


def test_layout_mistakes_raise_instead_of_truncating():
    per_hypothesis = [[r] for r in STREAMS[0]]  # the common mistake: one list per hypothesis
    with pytest.raises(ValueError, match="zip"):
        ours.corpus_bleu(HYPS, per_hypothesis)
    with pytest.raises(ValueError, match="2 segments but there are 3 hypotheses"):
        ours.corpus_bleu(HYPS, [STREAMS[0][:2]])
    with pytest.raises(TypeError, match="reference streams"):
        ours.corpus_bleu(HYPS, "a reference")
    with pytest.raises(ValueError, match="no reference"):
        ours.corpus_bleu(["a"], [[None]])
    with pytest.raises(ValueError, match="tokenize"):
        ours.BLEU(tokenize="13b")


def test_metrics_module_like_sacrebleus():
    from ngramkit.compat.sacrebleu.metrics import BLEU, CHRF

    assert BLEU().corpus_score(HYPS, STREAMS).score == sacrebleu.metrics.BLEU().corpus_score(HYPS, STREAMS).score
    assert CHRF().corpus_score(HYPS, STREAMS).score == sacrebleu.metrics.CHRF().corpus_score(HYPS, STREAMS).score


@pytest.mark.parametrize("seed", [None, "7"])
@pytest.mark.parametrize("metric", ["BLEU", "CHRF"])
def test_corpus_score_bootstrap_interval_equals_sacrebleus(dialogsum, monkeypatch, seed, metric):
    """corpus_score(n_bootstrap=N): sacrebleu's resamples (SACREBLEU_SEED, default 12345), its
    mean and half-width (numpy float32 for chrF, as sacrebleu's), str/JSON and signature."""
    import sacrebleu.metrics as theirs_metrics

    from ngramkit.compat.sacrebleu import metrics as ours_metrics

    if seed is None:
        monkeypatch.delenv("SACREBLEU_SEED", raising=False)
    else:
        monkeypatch.setenv("SACREBLEU_SEED", seed)
    hyp, refs = dialogsum
    kwargs = {"word_order": 2} if metric == "CHRF" else {"tokenize": "intl"}
    theirs, mine = getattr(theirs_metrics, metric)(**kwargs), getattr(ours_metrics, metric)(**kwargs)
    a = theirs.corpus_score(hyp[:250], [r[:250] for r in refs[:2]], n_bootstrap=150)
    b = mine.corpus_score(hyp[:250], [r[:250] for r in refs[:2]], n_bootstrap=150)
    assert (a.score, a._mean, a._ci) == (b.score, b._mean, b._ci)
    assert type(a._mean) is type(b._mean)
    sig_a, sig_b = str(theirs.get_signature()), str(mine.get_signature())
    assert sig_a.rsplit("|version:", 1)[0] == sig_b.rsplit("|version:", 1)[0]
    assert a.format(signature=sig_a).replace(sig_a, "") == b.format(signature=sig_b).replace(sig_b, "")
    assert json.loads(a.format(is_json=True, signature=sig_a))["confidence"] == \
        json.loads(b.format(is_json=True, signature=sig_b))["confidence"]
