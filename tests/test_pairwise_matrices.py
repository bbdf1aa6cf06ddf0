"""Count-once chrF / BLEU matrices (issue 21): cells equal sacrebleu's sentence scores bit for bit on
a WMT slice and adversarial texts; pools, padded layout, token ids, empty pools, bad input; MBR
with reference aggregation against plain-Python oracles written from the papers' definitions."""
from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest

sacrebleu = pytest.importorskip("sacrebleu")

from ngramkit import _core
from ngramkit.compat import fastchrf as compat_fastchrf
from ngramkit.pipelines.pairwise import mbr, pairwise, pairwise_pools

ADVERSARIAL = ["", " ", "\t\n ", "a", "ａ", "😀😀 😀", "the the the the the", "a a a a a a a a", "(hi)", "!!",
               "hi!",
               "!hi", "é e\u0301", "\u00a0x\u2028y\u3000z", "x\ud800y", "Ünïcödé, wörds; here.", "a.b,c"]


@pytest.fixture(scope="module")
def wmt_slice(wmt23):
    ref, systems = wmt23["en-de"]
    names = sorted(systems)[:3]
    rows = [i for i in range(len(ref)) if ref[i].strip()][:4]
    hyps = [systems[n][i] for i in rows for n in names]
    return hyps, [ref[i] for i in rows] + hyps[:3]


def _sacre_chrf(hyps, refs, **options):
    metric = sacrebleu.metrics.CHRF(**options)
    return np.array([[metric.sentence_score(h, [r]).score for r in refs] for h in hyps]).reshape(len(hyps), len(refs))


def _sacre_bleu(hyps, refs, **options):
    """sacrebleu's sentence_bleu: BLEU(effective_order=True, ...).sentence_score."""
    metric = sacrebleu.metrics.BLEU(**{"effective_order": True, **options})
    return np.array([[metric.sentence_score(h, [r]).score for r in refs] for h in hyps]).reshape(len(hyps), len(refs))


CHRF_OPTIONS = [{}, {"word_order": 2}, {"char_order": 3, "word_order": 1, "beta": 1}, {"lowercase": True},
                {"whitespace": True, "word_order": 2}, {"eps_smoothing": True},
                {"eps_smoothing": True, "word_order": 2},
                {"char_order": 0, "word_order": 2}]


@pytest.mark.parametrize("options", CHRF_OPTIONS)
def test_chrf_cells_equal_sacrebleu_on_wmt(wmt_slice, options):
    hyps, refs = wmt_slice
    assert np.array_equal(pairwise(hyps, refs, "chrf", **options), _sacre_chrf(hyps, refs, **options))
    assert np.array_equal(pairwise(hyps, None, "chrf", **options), _sacre_chrf(hyps, hyps, **options))


BLEU_OPTIONS = [{}, {"smooth_method": "floor"}, {"smooth_method": "floor", "smooth_value": 0.3},
                {"smooth_method": "add-k"}, {"smooth_method": "add-k", "smooth_value": 2}, {"smooth_method": "none"},
                {"tokenize": "intl"}, {"tokenize": "char"}, {"tokenize": "none"}, {"tokenize": "zh"},
                {"lowercase": True}, {"max_ngram_order": 2}, {"max_ngram_order": 6},
                {"effective_order": False}]


@pytest.mark.parametrize("options", BLEU_OPTIONS)
def test_bleu_cells_equal_sacrebleu_on_wmt(wmt_slice, options):
    hyps, refs = wmt_slice
    assert np.array_equal(pairwise(hyps, refs, "bleu", **options), _sacre_bleu(hyps, refs, **options))


def test_bleu_zh_on_chinese(wmt23):
    ref, systems = wmt23["en-zh"]
    hyps = [systems[n][3] for n in sorted(systems)[:4]] + [ref[3]]
    assert np.array_equal(pairwise(hyps, None, "bleu", tokenize="zh"), _sacre_bleu(hyps, hyps, tokenize="zh"))


def test_bleu_ja_mecab_through_sacrebleus_tokenizer(wmt23):
    pytest.importorskip("MeCab")
    ref, systems = wmt23["en-ja"]
    hyps = [systems[n][5] for n in sorted(systems)[:3]] + [ref[5]]
    assert np.array_equal(pairwise(hyps, None, "bleu", tokenize="ja-mecab"),
                          _sacre_bleu(hyps, hyps, tokenize="ja-mecab"))


@pytest.mark.parametrize("options", [{}, {"word_order": 2}, {"whitespace": True, "word_order": 2},
                                     {"eps_smoothing": True}, {"lowercase": True, "word_order": 1}])
def test_chrf_adversarial_texts(options):
    got = pairwise(ADVERSARIAL, None, "chrf", **options)
    assert np.array_equal(got, _sacre_chrf(ADVERSARIAL, ADVERSARIAL, **options))


@pytest.mark.parametrize("options", [{}, {"smooth_method": "floor"}, {"smooth_method": "add-k"},
                                     {"smooth_method": "none"}, {"tokenize": "char"}, {"tokenize": "intl"}])
def test_bleu_adversarial_texts(options):
    got = pairwise(ADVERSARIAL, None, "bleu", **options)
    assert np.array_equal(got, _sacre_bleu(ADVERSARIAL, ADVERSARIAL, **options))


def test_bleu_token_ids_equal_sacrebleu_on_the_same_words():
    rng = np.random.default_rng(0)
    ids = [rng.integers(0, 6, size=n).tolist() for n in (0, 1, 3, 7, 12, 12, 30)]
    words = [" ".join(f"w{i}" for i in row) for row in ids]
    want = _sacre_bleu(words, words, tokenize="none")
    assert np.array_equal(pairwise(ids, None, "bleu"), want)
    assert np.array_equal(pairwise(ids[:3], ids, "bleu"), want[:3])
    aggregated = mbr([ids[:4], ids[3:]], None, "bleu", aggregate=True, threads=2).utilities
    want = mbr([words[:4], words[3:]], None, "bleu", aggregate=True, tokenize="none", threads=1).utilities
    assert all(np.array_equal(a, b) for a, b in zip(aggregated, want))
    with pytest.raises(TypeError, match="chrF"):
        pairwise(ids, None, "chrf")
    with pytest.raises(ValueError, match="tokenize"):
        pairwise(ids, None, "bleu", tokenize="13a")


def test_pools_list_and_padded_equal_per_pool_matrices(wmt_slice):
    hyps, refs = wmt_slice
    pools, ref_pools = [hyps[:5], hyps[5:], hyps[2:3]], [refs[:2], refs, refs[1:4]]
    for metric in ("chrf", "bleu"):
        listed = pairwise_pools(pools, ref_pools, metric, threads=2)
        padded = pairwise_pools(pools, ref_pools, metric, threads=1, padded=True)
        assert padded.scores.shape == (3, max(map(len, pools)), len(refs))
        assert padded.n_hypotheses.tolist() == [5, len(hyps) - 5, 1]
        assert padded.n_references.tolist() == [2, len(refs), 3]
        for p, (h, r) in enumerate(zip(pools, ref_pools)):
            want = pairwise(h, r, metric)
            assert np.array_equal(listed[p], want)
            assert np.array_equal(padded.scores[p, : len(h), : len(r)], want)
            assert np.isnan(padded.scores[p, len(h):]).all() and np.isnan(padded.scores[p, :, len(r):]).all()
        many = pairwise_pools([hyps[k: k + 3] for k in range(9)], None, metric, threads=2)  # threads over pools
        assert all(np.array_equal(m, pairwise(hyps[k: k + 3], None, metric, threads=1)) for k, m in enumerate(many))


@pytest.mark.parametrize("metric", ["chrf", "bleu"])
def test_matrices_do_not_depend_on_the_threads(wmt_slice, metric):
    """Threads take whole pools and, once none is left, rows of the pools others counted: one
    large pool, pools of uneven sizes with empty ones between, and more threads than pools all
    give the one-thread matrices bit for bit (against themselves and against references)."""
    hyps, refs = wmt_slice
    large = hyps * 4
    layouts = [
        ([large], None),
        ([large], [refs]),
        ([hyps[:1], [], large, hyps[3:5], [], hyps], None),
        ([hyps[:2], large[:7], hyps], [refs[:3], refs, []]),
    ]
    for pools, ref_pools in layouts:
        want = pairwise_pools(pools, ref_pools, metric, threads=1)
        for threads in (2, 3, 8):
            got = pairwise_pools(pools, ref_pools, metric, threads=threads)
            assert all(np.array_equal(g, w) for g, w in zip(got, want)), (threads, [len(p) for p in pools])


def test_ctrl_c_interrupts_a_one_pool_matrix():
    """SIGINT during one large pool's matrix (two threads share its rows) raises KeyboardInterrupt
    from inside the kernel call, before half of the whole call's time (timed first, same run): a
    kernel that did not poll would raise only after all of it."""
    import time

    from sigint import interrupt_kernel_call

    rng = np.random.default_rng(0)
    words = [" ".join(f"w{k}" for k in rng.integers(0, 400, 40)) for _ in range(4000)]
    references = words[:2000]
    start = time.perf_counter()
    pairwise(words, references, "chrf", threads=2)
    whole = time.perf_counter() - start
    interrupted, interrupted_after, handled_in = interrupt_kernel_call(
        lambda: pairwise(words, references, "chrf", threads=2), "_core.pairwise_chrf(")
    assert interrupted
    assert len(handled_in) == 1
    assert interrupted_after < whole / 2, (interrupted_after, whole)
    assert pairwise(words[:3], None, "chrf").shape == (3, 3)  # usable afterwards


def test_empty_pools_give_empty_shapes():
    assert pairwise([], ["a b"], "chrf").shape == (0, 1)
    assert pairwise(["a b", "c"], [], "bleu").shape == (2, 0)
    assert pairwise([], None, "chrf").shape == (0, 0)
    listed = pairwise_pools([[], ["a"]], [["x", "y"], []], "chrf")
    assert [m.shape for m in listed] == [(0, 2), (1, 0)]
    padded = pairwise_pools([[], ["a"]], [["x", "y"], []], "bleu", padded=True)
    assert padded.scores.shape == (2, 1, 2) and np.isnan(padded.scores).all()
    assert pairwise_pools([], None, "chrf", padded=True).scores.shape == (0, 0, 0)


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="metric"):
        pairwise(["a"], None, "chrF3")
    with pytest.raises(TypeError, match="smooth_method: not an option of metric 'chrf'"):
        pairwise(["a"], None, "chrf", smooth_method="exp")
    with pytest.raises(TypeError, match="word_order: not an option of metric 'bleu'"):
        pairwise(["a"], None, "bleu", word_order=2)
    with pytest.raises(TypeError, match=r"hypotheses\[1\]\[0\]"):
        pairwise_pools([["a"], [None]], None, "chrf")
    with pytest.raises(TypeError, match=r"hypotheses\[0\]"):
        pairwise_pools(["abc"], None, "chrf")
    with pytest.raises(ValueError, match="references"):
        pairwise_pools([["a"]], [["b"], ["c"]], "bleu")
    with pytest.raises(TypeError, match="padded"):
        pairwise_pools([["a"]], padded="yes")
    with pytest.raises(ValueError, match="aggregate"):
        mbr([["a", "b"]], metric="rougeL", aggregate=True)
    with pytest.raises(ValueError, match=r"candidates\[1\]"):
        mbr([["a"], []])
    with pytest.raises(ValueError, match="char_order"):
        pairwise(["a"], None, "chrf", char_order=-1)


def test_kernel_buffers_are_validated():
    values, offsets = np.frombuffer(b"abcd", np.uint8).copy(), np.array([0, 2, 4], np.int64)
    pools = np.array([0, 2], np.int64)
    args = (values, offsets, pools, None, None, None, 6, 0, 4.0, False, False)
    with pytest.raises(ValueError, match="out"):
        _core.pairwise_chrf(*args, np.empty(3), np.zeros(1, np.int64), np.full(1, 2, np.int64), 1)
    with pytest.raises(ValueError, match="hypothesis_pools"):
        _core.pairwise_chrf(values, offsets, np.array([0, 3], np.int64), *args[3:], np.empty(9),
                            np.zeros(1, np.int64), np.full(1, 3, np.int64), 1)
    with pytest.raises(TypeError, match="out"):
        _core.pairwise_chrf(*args, np.empty(4, np.float32), np.zeros(1, np.int64), np.full(1, 2, np.int64), 1)
    with pytest.raises(ValueError, match="hypotheses"):
        _core.pairwise_bleu_ids(np.array([1, -2], np.int32), np.array([0, 2], np.int64), np.array([0, 1], np.int64),
                                None, None, None, 4, 3, 0.0, True, False, np.empty(1), np.zeros(1, np.int64),
                                np.ones(1, np.int64), 1)
    out = np.empty(4)
    _core.pairwise_chrf(*args, out, np.zeros(1, np.int64), np.full(1, 2, np.int64), 1)
    assert out.tolist() == pairwise(["ab", "cd"], None, "chrf").ravel().tolist()


# ---- reference aggregation: plain-Python oracles from the published definitions ----

def _char_ngrams(text: str, n: int, whitespace: bool = False) -> Counter:
    s = text if whitespace else "".join(text.split())
    return Counter(s[i: i + n] for i in range(len(s) - n + 1))


def _oracle_aggregate_chrf(hyp: str, refs: list[str], char_order: int = 6, beta: float = 2.0) -> float:
    """Vamvas & Sennrich (2024): chrF of the hypothesis against the mean of the references' n-gram
    count vectors, per order P = Σ min(h, r̄) / Σ h, R = Σ min(h, r̄) / Σ r̄; precision and recall
    averaged over the orders both sides have, then F_beta (sacrebleu's chrF without word n-grams)."""
    factor = beta ** 2
    precs, recs = [], []
    for n in range(1, char_order + 1):
        h = _char_ngrams(hyp, n)
        mean = Counter()
        for r in refs:
            for g, c in _char_ngrams(r, n).items():
                mean[g] += Fraction(c, len(refs))
        if sum(h.values()) and sum(mean.values()):
            match = sum(min(Fraction(c), mean[g]) for g, c in h.items())
            precs.append(float(match) / sum(h.values()))
            recs.append(float(match / sum(mean.values())))
    if not precs:
        return 0.0
    p, r = sum(precs) / len(precs), sum(recs) / len(recs)
    return 0.0 if p + r == 0 else 100 * (1 + factor) * p * r / (factor * p + r)


def _oracle_consensus_bleu(hyp: str, refs: list[str], max_order: int = 4) -> float:
    """DeNero et al. (2009): BLEU against expected n-gram counts E[c(g)] = mean over references and
    the expected reference length; clipped matches Σ min(c_h(g), E[c(g)]); brevity penalty
    exp(1 - E[len]/len) when shorter; geometric mean of the precisions, with sacrebleu's sentence
    defaults (exp smoothing of zero matches, effective order)."""
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

    tok = Tokenizer13a()
    h = tok(hyp.rstrip()).split()
    rs = [tok(r.rstrip()).split() for r in refs]
    ref_len = Fraction(sum(map(len, rs)), len(rs))
    logs, smooth = [], 1.0
    if not h:
        return 0.0
    matches_any = False
    for n in range(1, max_order + 1):
        total = len(h) - n + 1
        if total <= 0:
            break
        hc = Counter(tuple(h[i: i + n]) for i in range(total))
        expected = Counter()
        for r in rs:
            for g, c in Counter(tuple(r[i: i + n]) for i in range(len(r) - n + 1)).items():
                expected[g] += Fraction(c, len(rs))
        match = sum(min(Fraction(c), expected[g]) for g, c in hc.items())
        matches_any = matches_any or match > 0
        if match == 0:
            smooth *= 2
            logs.append(math.log(100 / (smooth * total)))
        else:
            logs.append(math.log(100 * float(match) / total))
    if not matches_any:
        return 0.0
    bp = 1.0 if len(h) >= ref_len else math.exp(1 - float(ref_len) / len(h))
    return bp * math.exp(sum(logs) / len(logs))


def test_mbr_aggregate_chrf_and_bleu_equal_the_oracles(wmt_slice):
    hyps, refs = wmt_slice
    pools, ref_pools = [hyps[:6], hyps[6:] + ADVERSARIAL[5:8]], [refs[:3], refs[2:] + ["", "a"]]
    chrf = mbr(pools, ref_pools, "chrf", aggregate=True)
    bleu = mbr(pools, ref_pools, "bleu", aggregate=True)
    for p in range(2):
        want = [_oracle_aggregate_chrf(h, ref_pools[p]) for h in pools[p]]
        np.testing.assert_allclose(chrf.utilities[p], want, rtol=1e-12, atol=1e-12)
        assert chrf.indices[p] == int(np.argmax(want))
        want = [_oracle_consensus_bleu(h, ref_pools[p]) for h in pools[p]]
        np.testing.assert_allclose(bleu.utilities[p], want, rtol=1e-12, atol=1e-12)
    self_pairs = mbr([hyps], None, "chrf", aggregate=True).utilities[0]
    np.testing.assert_allclose(self_pairs, [_oracle_aggregate_chrf(h, hyps) for h in hyps], rtol=1e-12)
    # one reference: aggregation is the sentence score itself
    one = mbr([hyps], [refs[:1]], "chrf", aggregate=True, word_order=2).utilities[0]
    np.testing.assert_allclose(one, pairwise(hyps, refs[:1], "chrf", word_order=2)[:, 0], rtol=1e-13)
    one = mbr([hyps], [refs[:1]], "bleu", aggregate=True, smooth_method="floor").utilities[0]
    np.testing.assert_allclose(one, pairwise(hyps, refs[:1], "bleu", smooth_method="floor")[:, 0], rtol=1e-13)


def test_mbr_without_aggregate_is_argmax_of_the_mean(wmt_slice):
    hyps, _ = wmt_slice
    result = mbr([hyps, hyps[:4]], metric="bleu")
    for p, pool in enumerate([hyps, hyps[:4]]):
        means = _sacre_bleu(pool, pool).mean(axis=1)
        np.testing.assert_allclose(result.utilities[p], means, rtol=1e-15)
        assert result.indices[p] == int(np.argmax(means))


def test_compat_fastchrf_shapes_and_values(wmt_slice):
    hyps, refs = wmt_slice
    got = compat_fastchrf.pairwise_chrf([hyps[:3], hyps[3:5]], [refs[:2], refs[:4]], char_order=4, beta=1.0)
    assert [len(got[0]), len(got[0][0]), len(got[1]), len(got[1][0])] == [3, 2, 2, 4]
    assert got[1] == _sacre_chrf(hyps[3:5], refs[:4], char_order=4, beta=1.0).tolist()
    spaced = compat_fastchrf.pairwise_chrf([hyps[:2]], [refs[:2]], remove_whitespace=False, eps_smoothing=True)
    assert spaced[0] == _sacre_chrf(hyps[:2], refs[:2], whitespace=True, eps_smoothing=True).tolist()
    agg = compat_fastchrf.aggregate_chrf([hyps[:3], ["x"]], [refs[:3], []])
    assert len(agg[0]) == 3 and agg[1] == [0.0]
    np.testing.assert_allclose(agg[0], [_oracle_aggregate_chrf(h, refs[:3]) for h in hyps[:3]], rtol=1e-12)
    fastchrf = pytest.importorskip("fastchrf")
    theirs = fastchrf.pairwise_chrf([hyps[:3], hyps[3:5]], [refs[:2], refs[:4]], 4, 1.0)
    for ours_pool, their_pool in zip(got, theirs):
        np.testing.assert_allclose(ours_pool, their_pool, rtol=1e-12)
    np.testing.assert_allclose(agg[0], fastchrf.aggregate_chrf([hyps[:3]], [refs[:3]])[0], rtol=1e-12)
