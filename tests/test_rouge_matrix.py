"""ROUGE score matrices and the near-duplicate filter against rouge-score: real data slices,
adversarial texts, token ids, every measure; errors name the argument. Fast (seconds)."""
import random

import numpy as np
import pytest

from conftest import SHARED_DATA, read_lines

rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")

from ngramkit import near_duplicates, pairwise  # noqa: E402
from ngramkit.pipelines.rouge_matrix import rouge_matrix  # noqa: E402

TYPES = ["rouge1", "rouge2", "rouge3", "rouge4", "rouge9", "rougeL", "rougeLsum"]
MEASURES = ["precision", "recall", "fmeasure"]

ADVERSARIAL = [
    "", " ", "!!! ... ???", "\n", "\n\n\n", "the the the the the the", "the", "a b a b a b a b",
    "The cats were running; the cat runs.", "running runner runs ran\nrunning", "İstanbul KELVIN \u212a 42",
    "naïve café — über", "one\n\ntwo three\n!!!\nfour", "the cat sat on the mat", "mat the on sat cat the",
    "x " * 70, "x y " * 40 + "\nz x", "1 2 3 4 5 6 7 8 9 10 11 12",
]


def _want(hyps, refs, names, measure, **scorer_options):
    scorer = rouge_scorer.RougeScorer(names, **scorer_options)
    cells = [[scorer.score(target=r, prediction=h) for r in refs] for h in hyps]
    return {name: np.array([[getattr(c[name], measure) for c in row] for row in cells], dtype=np.float64).reshape(
        len(hyps), len(refs)) for name in names}


def _dialogsum(n_hyp, n_ref):
    d = SHARED_DATA / "dialogsum"
    if not d.is_dir():
        pytest.skip("shared data not found")
    return read_lines(d / "bart_baseline.test.hyp.txt")[:n_hyp], read_lines(d / "test.ref1.txt")[:n_ref]


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_cells_equal_rouge_score_on_dialogsum(use_stemmer):
    hyps, refs = _dialogsum(9, 11)
    for measure in MEASURES:
        want = _want(hyps, refs, TYPES, measure, use_stemmer=use_stemmer)
        for name in TYPES:
            got = rouge_matrix(hyps, refs, name, measure=measure, use_stemmer=use_stemmer)
            assert got.shape == (9, 11) and got.dtype == np.float64
            assert (got == want[name]).all(), (name, measure)


def test_rouge_lsum_cells_on_multi_sentence_summaries(realsumm_pairs):
    outs = [o for o, _ in realsumm_pairs[:6]]
    refs = [r for _, r in realsumm_pairs[:6]]
    want = _want(outs, refs, ["rougeLsum", "rougeL"], "fmeasure")
    for name in ("rougeLsum", "rougeL"):
        assert (rouge_matrix(outs, refs, name) == want[name]).all(), name


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_cells_equal_rouge_score_on_adversarial_texts(use_stemmer):
    for measure in MEASURES:
        want = _want(ADVERSARIAL, ADVERSARIAL, TYPES, measure, use_stemmer=use_stemmer)
        for name in TYPES:
            assert (rouge_matrix(ADVERSARIAL, ADVERSARIAL, name, measure=measure, use_stemmer=use_stemmer)
                    == want[name]).all(), (name, measure)
            # the texts against themselves: the same cells, diagonal included
            assert (rouge_matrix(ADVERSARIAL, None, name, measure=measure, use_stemmer=use_stemmer)
                    == want[name]).all(), (name, measure)


def test_token_ids_equal_rouge_score_on_words():
    rng = random.Random(7)
    rows = [[rng.randrange(6) for _ in range(rng.randrange(0, 80))] for _ in range(14)]
    words = [" ".join(f"w{t}" for t in row) for row in rows]
    for name in ("rouge1", "rouge2", "rouge5", "rougeL"):
        want = _want(words, words[3:], [name], "fmeasure")[name]
        assert (rouge_matrix(rows, rows[3:], name) == want).all(), name
        assert (rouge_matrix([np.array(r, dtype=np.int64) for r in rows], rows[3:], name) == want).all(), name
    # a separator id splits rougeLsum sentences, as newlines do in text
    sep = 5
    texts = ["\n".join(" ".join(f"w{t}" for t in part) for part in _split(row, sep)) for row in rows]
    want = _want(texts, texts, ["rougeLsum", "rouge2"], "recall")
    for name in ("rougeLsum", "rouge2"):
        assert (rouge_matrix(rows, None, name, measure="recall", sentence_separator=sep) == want[name]).all(), name


def _split(row, sep):
    parts, cur = [], []
    for t in row:
        if t == sep:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    return parts + [cur]


def test_sacrebleu_tokenizer_equals_rouge_score_with_that_tokenizer():
    sacrebleu_tok = pytest.importorskip("sacrebleu.tokenizers.tokenizer_13a")
    tok13a = sacrebleu_tok.Tokenizer13a()

    class T:
        def tokenize(self, text):
            return tok13a(text.lower()).split()

    texts = ["Das ist gut-\nes Haus.", "Hello, World! It's 3.5 km.", "", "a-\nb c\nd", "Über  alles... 'quoted'"]
    for name in ("rouge1", "rougeL", "rougeLsum"):
        want = _want(texts, texts, [name], "fmeasure", tokenizer=T())[name]
        assert (rouge_matrix(texts, texts, name, tokenize="13a") == want).all(), name


def test_threads_and_pairwise_agree():
    hyps, refs = _dialogsum(40, 30)
    one = rouge_matrix(hyps, refs, "rougeL", threads=1)
    assert (rouge_matrix(hyps, refs, "rougeL", threads=3) == one).all()
    assert (pairwise(hyps, refs, "rougeL") == one).all()
    assert (pairwise(hyps, refs, "rouge2", measure="precision", use_stemmer=True)
            == rouge_matrix(hyps, refs, "rouge2", measure="precision", use_stemmer=True)).all()
    assert pairwise([], refs, "rougeL").shape == (0, 30) and rouge_matrix(hyps, [], "rouge1").shape == (40, 0)


def _instructions(n):
    """Short texts from DialogSum with exact and near duplicates mixed in."""
    hyps, refs = _dialogsum(400, 400)
    rng = random.Random(3)
    base = [" ".join(t.split()[:14]) for t in hyps + refs if t.strip()]
    texts = []
    while len(texts) < n:
        roll = rng.random()
        if texts and roll < 0.15:
            texts.append(rng.choice(texts))  # an exact repeat
        elif texts and roll < 0.35:
            words = rng.choice(texts).split()
            if words:
                del words[rng.randrange(len(words))]
            texts.append(" ".join(words + [rng.choice(["now", "please", "Then"])]))
        else:
            texts.append(rng.choice(base))
    return texts


def _oracle_filter(tokens, threshold, score):
    kept, best = [], []
    for i, t in enumerate(tokens):
        top = max((score(tokens[k], t) for k in kept), default=0.0)
        best.append(top)
        if not kept or not top > threshold:
            kept.append(i)
    return kept, best


def test_near_duplicates_equal_a_rouge_score_loop():
    texts = _instructions(220)
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
    tokens = [scorer._tokenizer.tokenize(t) for t in texts]  # as self-instruct / Alpaca: tokenized once
    lcs_f = lambda target, prediction: rouge_scorer._score_lcs(target, prediction).fmeasure  # noqa: E731
    want_kept, want_best = _oracle_filter(tokens, 0.7, lcs_f)
    assert 0 < len(want_kept) < len(texts) - 20
    for threads in (1, 2):
        kept, best = near_duplicates(texts, threads=threads)
        assert kept.tolist() == want_kept and best.tolist() == want_best
    # a threshold equal to a score that occurs: that score is kept (self-instruct's `> threshold`)
    tie = sorted(b for b in want_best if 0.3 < b < 0.9)[len(want_kept) // 4]
    kept, best = near_duplicates(texts, threshold=tie)
    assert kept.tolist() == _oracle_filter(tokens, tie, lcs_f)[0]


def test_near_duplicates_other_rouge_types_and_ids():
    texts = _instructions(90)
    for name, measure, stem in (("rouge1", "fmeasure", True), ("rouge2", "precision", False),
                                ("rougeLsum", "recall", False)):
        scorer = rouge_scorer.RougeScorer([name], use_stemmer=stem)
        cell = lambda target, prediction: getattr(scorer.score(target, prediction)[name], measure)  # noqa: E731
        want = _oracle_filter(texts, 0.5, cell)
        kept, best = near_duplicates(texts, 0.5, name, measure=measure, use_stemmer=stem)
        assert (kept.tolist(), best.tolist()) == want, name
    vocab = {}
    rows = [[vocab.setdefault(w, len(vocab)) for w in t.lower().split()] for t in texts]
    kept, best = near_duplicates(rows, 0.6)
    words = [" ".join(f"w{t}" for t in r) for r in rows]
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    want = _oracle_filter(words, 0.6, lambda t, p: scorer.score(t, p)["rougeL"].fmeasure)
    assert (kept.tolist(), best.tolist()) == want


def test_near_duplicates_long_texts_use_the_unigram_bound_exactly():
    rng = random.Random(11)
    vocab = [f"w{i}" for i in range(40)]
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randrange(40, 100))) for _ in range(22)]
    texts += [t + " extra" for t in texts[:5]]
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    want = _oracle_filter(texts, 0.45, lambda t, p: scorer.score(t, p)["rougeL"].fmeasure)
    kept, best = near_duplicates(texts, 0.45, threads=2)
    assert (kept.tolist(), best.tolist()) == want


def test_near_duplicates_bleu_keeps_the_pairwise_path():
    sacrebleu = pytest.importorskip("sacrebleu")
    texts = _instructions(25)
    want = _oracle_filter(texts, 40.0, lambda t, p: sacrebleu.sentence_bleu(p, [t]).score)
    kept, best = near_duplicates(texts, 40.0, "bleu")
    assert kept.tolist() == want[0]
    np.testing.assert_allclose(best, want[1], rtol=0, atol=1e-9)


def test_bad_input_names_the_argument():
    with pytest.raises(TypeError, match="threshold"):
        near_duplicates(["a"], threshold="0.7")
    with pytest.raises(ValueError, match="threshold"):
        near_duplicates(["a"], threshold=float("nan"))
    with pytest.raises(ValueError, match="metric"):
        near_duplicates(["a"], metric="rougeX")
    with pytest.raises(TypeError, match="word_order"):
        near_duplicates(["a"], metric="rougeL", word_order=2)
    with pytest.raises(ValueError, match="measure"):
        rouge_matrix(["a"], ["b"], measure="f1")
    with pytest.raises(ValueError, match="rouge_type"):
        rouge_matrix(["a"], ["b"], "rouge10")
    with pytest.raises(ValueError, match="use_stemmer"):
        rouge_matrix([[1, 2]], [[2]], use_stemmer=True)
    with pytest.raises(ValueError, match="tokenize"):
        rouge_matrix([[1, 2]], [[2]], tokenize="13a")
    with pytest.raises(TypeError, match="references"):
        rouge_matrix(["a b"], [[1, 2]])
    with pytest.raises(ValueError, match="hypotheses"):
        rouge_matrix([[1, -2]], [[2]])
    with pytest.raises(ValueError, match="references"):
        rouge_matrix([[1]], [[2, -5]])
    with pytest.raises(TypeError, match="hypotheses"):
        rouge_matrix(["a", None], ["b"])
    with pytest.raises(TypeError, match="hypotheses"):
        rouge_matrix("abc", ["b"])
    with pytest.raises(ValueError, match="threads"):
        rouge_matrix(["a"], ["b"], threads=0)
    with pytest.raises(ValueError, match="sentence_separator"):
        rouge_matrix(["a"], ["b"], sentence_separator=3)
    with pytest.raises(TypeError, match="texts"):
        near_duplicates({"a", "b"}, metric="chrf")


def test_bounded_memory_lcs_forms_give_the_same_cells():
    from ngramkit import _core

    rng = random.Random(5)
    vocab = [f"w{i}" for i in range(30)]
    texts = ["\n".join(" ".join(rng.choice(vocab) for _ in range(rng.randrange(20, 50))) for _ in range(3))
             for _ in range(5)]
    want = _want(texts, texts[1:], ["rougeL", "rougeLsum"], "fmeasure")
    old = _core._set_lcs_memory_limits(1, 1)  # compact match masks, checkpointed traceback
    try:
        for name in ("rougeL", "rougeLsum"):
            assert (rouge_matrix(texts, texts[1:], name) == want[name]).all(), name
        kept, best = near_duplicates(texts, 0.2)
    finally:
        _core._set_lcs_memory_limits(*old)
    assert (kept.tolist(), best.tolist()) == _oracle_filter(
        texts, 0.2, lambda t, p: rouge_scorer.RougeScorer(["rougeL"]).score(t, p)["rougeL"].fmeasure)
