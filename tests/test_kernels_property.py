"""Property tests: ngramkit's id kernels against the pure-Python oracle (tests/oracle.py).

The oracle is itself checked against rouge-score 0.1.2's private helpers and ``score_multi``
first (and against hand-worked examples), so every expected value here comes from code that
is independent of ngramkit.
"""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402

import ngramkit  # noqa: E402
from ngramkit import TokenBatch, _core  # noqa: E402

ALL_CODES = list(range(1, 12))  # rouge1..rouge9, rougeL (10), rougeLsum (11)
ALL_NAMES = [f"rouge{n}" for n in range(1, 10)] + ["rougeL", "rougeLsum"]
NAME_OF = dict(zip(ALL_CODES, ALL_NAMES))
INT32_MAX = 2**31 - 1

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.data_too_large])


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def flat(rows):
    """(int32 ids, int64 offsets) of a list of id rows."""
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(r) for r in rows])
    ids = np.fromiter((t for r in rows for t in r), dtype=np.int64, count=int(offsets[-1]))
    assert ids.size == 0 or (ids.min() >= 0 and ids.max() <= INT32_MAX)
    return ids.astype(np.int32), offsets


def core(preds, refs, codes, groups=None, separator=-1, threads=1):
    if groups is None:
        assert len(preds) == len(refs)
        groups = range(len(preds) + 1)
    return _core.rouge_ids(*flat(preds), *flat(refs), np.asarray(list(groups), dtype=np.int64),
                           list(codes), separator, threads)


def expected(preds, refs, codes, groups=None, separator=None):
    if groups is None:
        groups = list(range(len(preds) + 1))
    triples = oracle.batch_stats(preds, refs, groups, codes, separator)
    return np.array(triples, dtype=np.int64).reshape(len(triples), len(codes), 3)


def bits(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a).tobytes()


def result_bytes(result) -> dict:
    return {name: (bits(s.precision), bits(s.recall), bits(s.fmeasure),
                   None if s.statistics is None else bits(s.statistics),
                   None if s.reference_index is None else bits(s.reference_index))
            for name, s in result.items()}


# --------------------------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------------------------
@st.composite
def vocabulary(draw):
    """Either a small vocabulary 0..k-1 (k in 2..6: repeats everywhere) or a few large ids,
    including ids that agree in their low bits (truncation would make them collide)."""
    kind = draw(st.sampled_from(["small", "large", "aliasing"]))
    if kind == "small":
        return list(range(draw(st.integers(2, 6))))
    if kind == "large":
        return draw(st.lists(st.integers(0, INT32_MAX), min_size=2, max_size=6, unique=True))
    base = draw(st.integers(0, 2**16 - 1))
    pool = [base, base + 2**16, base + 2**24, base + 2**30, INT32_MAX, 0]
    return sorted(set(pool))[: draw(st.integers(2, 6))]


@st.composite
def seqs(draw, vocab, max_size=300):
    """Lengths spread evenly over 0..max_size (plain st.lists would favour short lists); a third of
    the rows are runs of repeated tokens (long runs leave whole 64-bit LCS words untouched, so
    carries must cross them)."""
    n = draw(st.integers(0, max_size))
    if draw(st.integers(0, 2)) == 0:
        row: list = []
        while len(row) < n:
            row.extend([draw(st.sampled_from(vocab))] * draw(st.integers(1, 100)))
        return row[:n]
    return draw(st.lists(st.sampled_from(vocab), min_size=n, max_size=n))


@st.composite
def pair_batches(draw, max_pairs=4, max_size=300):
    vocab = draw(vocabulary())
    n = draw(st.integers(1, max_pairs))
    preds = [draw(seqs(vocab, max_size)) for _ in range(n)]
    refs = [draw(seqs(vocab, max_size)) for _ in range(n)]
    return preds, refs


# --------------------------------------------------------------------------------------------
# 1. the oracle is right: hand-worked examples and rouge-score's own helpers
# --------------------------------------------------------------------------------------------
A, B, C = 1, 2, 3
W = {f"w{i}": i for i in range(1, 10)}


def test_oracle_hand_worked_examples():
    # rouge-score README-style clipping: target "the the the", prediction "the" -> P 1, R 1/3
    assert oracle.rouge_n_stats([7], [7, 7, 7], 1) == (1, 1, 3)
    assert oracle.score((1, 1, 3)) == (1.0, 1 / 3, 2 * 1.0 * (1 / 3) / (1.0 + 1 / 3))
    # bigrams: pred a b a b, ref a b -> one clipped "a b" match; 3 pred bigrams, 1 ref bigram
    assert oracle.rouge_n_stats([A, B, A, B], [A, B], 2) == (1, 3, 1)
    assert oracle.rouge_n_stats([A], [A], 2) == (0, 0, 0)
    assert oracle.lcs_length([A, B, C, B, C, A], [C, A, B]) == 2
    assert oracle.lcs_length([], [A]) == 0
    # tie rule: at (2, 2) of ref [a b] vs can [b a], t[2][1] == t[1][2] == 1 -> step in ref,
    # so the LCS read back is "a" (ref index 0), not "b" (ref index 1)
    assert oracle.backtrack_lcs_indices([A, B], [B, A]) == [0]
    assert oracle.backtrack_lcs_indices([A, B, C], [A, B, C]) == [0, 1, 2]
    # anchors.md §1.6: score("a b c\nb c a", "c a b") -> rougeLsum P 1.0, R 0.5; rougeL P 2/3, R 1/3
    assert oracle.rouge_lsum_stats([[C, A, B]], [[A, B, C], [B, C, A]]) == (3, 3, 6)
    assert oracle.pair_stats([C, A, B], [A, B, C, 0, B, C, A], [10, 11], separator=0) == [(2, 3, 6), (3, 3, 6)]
    # anchors.md §1.6: target "w1 w2 w3 w4 w5", prediction "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5" -> P .4, R .8
    ref = [[1, 2, 3, 4, 5]]
    pred = [[1, 2, 6, 7, 8], [1, 3, 8, 9, 5]]
    assert oracle.rouge_lsum_stats(pred, ref) == (4, 10, 5)
    assert oracle.score((4, 10, 5))[:2] == (0.4, 0.8)
    # separators: dropped everywhere, empty sentences vanish
    assert oracle.split_on([0, 0, A, 0, 0, B, C, 0], 0) == [[A], [B, C]]
    assert oracle.split_on([], None) == []
    # score_multi: equal F (2/3 both) -> the first reference wins
    assert oracle.best_reference([(2, 4, 2), (4, 4, 8)]) == 0
    assert oracle.best_reference([(4, 4, 8), (2, 4, 2)]) == 0
    assert oracle.best_reference([(0, 4, 8), (1, 4, 2)]) == 1


@st.composite
def sentence_lists(draw, vocab, max_sents=4, max_len=25):
    return draw(st.lists(st.lists(st.sampled_from(vocab), max_size=max_len), max_size=max_sents))


@FAST
@given(data=st.data())
def test_oracle_matches_rouge_score_private_helpers(data):
    rs = pytest.importorskip("rouge_score.rouge_scorer")
    vocab = list(range(data.draw(st.integers(2, 5), label="k")))
    pred_sents = data.draw(sentence_lists(vocab), label="pred")
    ref_sents = data.draw(sentence_lists(vocab), label="ref")
    pred = [t for s in pred_sents for t in s]
    ref = [t for s in ref_sents for t in s]

    for n in range(1, 10):
        got = oracle.score(oracle.rouge_n_stats(pred, ref, n))
        want = rs._score_ngrams(rs._create_ngrams(ref, n), rs._create_ngrams(pred, n))
        assert got == tuple(want), n
        # hit count is recoverable exactly: recall * ref_total
        assert oracle.rouge_n_stats(pred, ref, n)[0] == sum((rs._create_ngrams(ref, n) & rs._create_ngrams(pred, n)).values())

    table = oracle.lcs_table(ref, pred)
    assert table == rs._lcs_table(ref, pred)
    assert oracle.lcs_length(pred, ref) == oracle.lcs_length(ref, pred) == table[-1][-1]
    assert oracle.score(oracle.rouge_l_stats(pred, ref)) == tuple(rs._score_lcs(ref, pred))
    assert oracle.backtrack_lcs_indices(ref, pred) == rs._backtrack_norec(table, ref, pred)
    for r in ref_sents:
        for c in pred_sents:
            assert oracle.backtrack_lcs_indices(r, c) == rs._backtrack_norec(rs._lcs_table(r, c), r, c)

    got = oracle.score(oracle.rouge_lsum_stats(pred_sents, ref_sents))
    assert got == tuple(rs._summary_level_lcs(ref_sents, pred_sents))
    # and the same with empty sentences removed (what a separator id produces)
    assert oracle.rouge_lsum_stats([s for s in pred_sents if s], [s for s in ref_sents if s]) == \
        oracle.rouge_lsum_stats(pred_sents, ref_sents)


def _as_text(sentences):
    return "\n".join(" ".join(f"w{t}" for t in s) for s in sentences)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_oracle_best_reference_matches_score_multi(data):
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    vocab = list(range(data.draw(st.integers(2, 4), label="k")))
    pred = data.draw(sentence_lists(vocab, 3, 6), label="pred")
    refs = data.draw(st.lists(sentence_lists(vocab, 3, 6), min_size=1, max_size=5), label="refs")
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"])
    want = scorer.score_multi([_as_text(r) for r in refs], _as_text(pred))
    for name, code in [("rouge1", 1), ("rouge2", 2), ("rougeL", 10), ("rougeLsum", 11)]:
        triples = [oracle.pair_stats(_ids_with_sep(pred), _ids_with_sep(r), [code], separator=SEP)[0] for r in refs]
        best = oracle.best_reference(triples)
        assert oracle.score(triples[best]) == tuple(want[name]), name


SEP = 99


def _ids_with_sep(sentences):
    row = []
    for s in sentences:
        row.extend(s)
        row.append(SEP)
    return row


# --------------------------------------------------------------------------------------------
# 2. kernels vs oracle
# --------------------------------------------------------------------------------------------
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batch=pair_batches(), threads=st.sampled_from([1, 2]))
def test_core_all_types_match_oracle(batch, threads):
    preds, refs = batch
    got = core(preds, refs, ALL_CODES, threads=threads)
    np.testing.assert_array_equal(got, expected(preds, refs, ALL_CODES))


@FAST
@given(batch=pair_batches(max_pairs=3, max_size=120),
       codes=st.lists(st.sampled_from(ALL_CODES), min_size=1, max_size=11, unique=True))
def test_core_type_subsets_and_order_match_oracle(batch, codes):
    preds, refs = batch
    np.testing.assert_array_equal(core(preds, refs, codes), expected(preds, refs, codes))


@FAST
@given(batch=pair_batches(max_pairs=5, max_size=150),
       names=st.lists(st.sampled_from(ALL_NAMES), min_size=1, max_size=4, unique=True),
       ctor=st.sampled_from(["lists", "numpy", "tokenbatch_lists", "padded"]))
def test_rouge_api_on_token_batches_matches_oracle(batch, names, ctor):
    preds, refs = batch
    if ctor == "lists":
        p, r = preds, refs
    elif ctor == "numpy":
        p, r = TokenBatch.from_numpy(*flat(preds)), TokenBatch.from_numpy(*flat(refs))
    elif ctor == "tokenbatch_lists":
        p, r = TokenBatch.from_lists(preds), TokenBatch.from_lists(refs)
    else:  # right-padded int64 with explicit lengths
        def padded(rows):
            width = max([len(x) for x in rows] + [1])
            arr = np.full((len(rows), width), 12345, dtype=np.int64)
            for i, x in enumerate(rows):
                arr[i, : len(x)] = x
            return TokenBatch.from_padded(arr, lengths=[len(x) for x in rows])
        p, r = padded(preds), padded(refs)
    codes = [oracle.TYPE_CODES[n] for n in names]
    result = ngramkit.rouge(p, r, rouge_types=names, threads=2)
    assert list(result) == names
    want = expected(preds, refs, codes)
    for t, name in enumerate(names):
        s = result[name]
        np.testing.assert_array_equal(s.statistics, want[:, t, :])
        for i in range(len(preds)):
            assert (s.precision[i], s.recall[i], s.fmeasure[i]) == oracle.score(tuple(want[i, t])), (name, i)


# -- LCS across 64-bit word boundaries -------------------------------------------------------
BOUNDARY_LENGTHS = [1, 2, 63, 64, 65, 127, 128, 129]


@pytest.mark.parametrize("la", BOUNDARY_LENGTHS)
@pytest.mark.parametrize("lb", BOUNDARY_LENGTHS)
def test_lcs_word_boundaries_random(la, lb):
    rng = np.random.default_rng(1000 * la + lb)
    preds, refs = [], []
    for k in (2, 3, 5, 40):
        preds.append(rng.integers(0, k, la).tolist())
        refs.append(rng.integers(0, k, lb).tolist())
    codes = [1, 2, 10, 11]
    np.testing.assert_array_equal(core(preds, refs, codes, threads=2), expected(preds, refs, codes))


@pytest.mark.parametrize("n", [63, 64, 65, 127, 128, 129, 1000])
def test_lcs_word_boundaries_hand_worked(n):
    ident = list(range(n))
    # identical -> n; constant vs constant -> min; reversed distinct -> 1; disjoint -> 0;
    # a shifted copy -> n - 1; every other token -> half
    cases = [
        (ident, ident, n),
        ([5] * n, [5] * (n + 1), n),
        ([5] * (n + 1), [5] * n, n),
        (ident, ident[::-1], 1),
        (ident, [n + 1 + i for i in range(n)], 0),
        (ident, ident[1:] + [n + 7], n - 1),
        (ident, ident[::2], len(ident[::2])),
        (ident[::2], ident, len(ident[::2])),
    ]
    preds = [c[0] for c in cases]
    refs = [c[1] for c in cases]
    got = core(preds, refs, [10, 11])
    for i, (p, r, lcs) in enumerate(cases):
        assert got[i, 0].tolist() == [lcs, len(p), len(r)], i
    # one sentence each: the union LCS is the LCS itself (clipping never bites for one sentence)
    np.testing.assert_array_equal(got[:, 1, 0], got[:, 0, 0])


@pytest.mark.parametrize("words", [1, 2, 3, 5])
def test_lcs_carry_crosses_full_words(words):
    """Hand-worked: a = Z Y^(64*words-1) X, b = X Z W^(len(a)+1) (W absent from a).

    The LCS is 1. In the bit-parallel recurrence over a (the shorter side), reading X zeroes the
    bit of X; reading Z then carries out of word 0 through every all-ones word up to X's word,
    where it must move that zero bit. Dropping a carry that passes through an all-ones word gives 2.
    """
    X, Y, Z, W = 1, 2, 3, 4
    a = [Z] + [Y] * (64 * words - 1) + [X]
    b = [X, Z] + [W] * (len(a) + 1)
    assert oracle.lcs_length(a, b) == 1
    got = core([a, b], [b, a], [10, 11])
    assert got[:, 0, 0].tolist() == [1, 1]   # rougeL, either side as prediction
    assert got[:, 1, 0].tolist() == [1, 1]   # rougeLsum (the traceback uses the same rows)
    # and as several sentences: the union-LCS traceback runs per sentence pair
    sep = 9
    pred, ref = [W, sep] + a + [sep, Y, Z], b + [sep, Y]
    np.testing.assert_array_equal(core([pred], [ref], [10, 11], separator=sep),
                                  expected([pred], [ref], [10, 11], separator=sep))


@pytest.mark.parametrize(
    "la,lb,k",
    [(1000, 1000, 3), (1001, 1100, 2), (1025, 700, 6), (2000, 63, 4), (64, 2000, 4), (1200, 1300, 60)],
)
def test_lcs_long_inputs(la, lb, k):
    rng = np.random.default_rng(la * 7 + lb + k)
    p = rng.integers(0, k, la).tolist()
    r = rng.integers(0, k, lb).tolist()
    got = core([p], [r], [10, 1])
    assert got[0, 0].tolist() == [oracle.lcs_length(p, r), la, lb]
    assert got[0, 1].tolist() == list(oracle.rouge_n_stats(p, r, 1))


@pytest.mark.parametrize("sent_len", [63, 64, 65, 128, 129, 300])
def test_lsum_long_sentences(sent_len):
    rng = np.random.default_rng(sent_len)
    sep = 1000
    def row():
        out = []
        for _ in range(3):
            out.extend(rng.integers(0, 4, int(rng.integers(sent_len - 2, sent_len + 3))).tolist())
            out.append(sep)
        return out
    preds = [row() for _ in range(2)]
    refs = [row() for _ in range(2)]
    codes = [10, 11]
    np.testing.assert_array_equal(core(preds, refs, codes, separator=sep), expected(preds, refs, codes, separator=sep))


# -- partial overlap: tokens found on one side only -----------------------------------------------
@st.composite
def partly_shared_pairs(draw, max_len=260):
    """Pairs drawn from a shared vocabulary plus words of their own side only, in proportions from
    all-shared to nearly disjoint: the kernels leave one-sided tokens out of the n-gram tables and
    the LCS, which must not change a count. Long enough to pass the 64-token short-pair kernel."""
    shared = list(range(draw(st.integers(1, 12))))
    own_p = list(range(100, 100 + draw(st.integers(1, 30))))
    own_r = list(range(200, 200 + draw(st.integers(1, 30))))
    n = draw(st.integers(1, 3))
    preds, refs = [], []
    for _ in range(n):
        for own, rows in ((own_p, preds), (own_r, refs)):
            share = draw(st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]))
            length = draw(st.integers(0, max_len))
            flips = draw(st.lists(st.floats(0, 1), min_size=length, max_size=length))
            picks = draw(st.lists(st.integers(0, 10**6), min_size=length, max_size=length))
            rows.append([shared[x % len(shared)] if f < share else own[x % len(own)] for f, x in zip(flips, picks)])
    return preds, refs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batch=partly_shared_pairs())
def test_partly_shared_pairs_match_oracle_ids_and_text(batch):
    preds, refs = batch
    codes = [1, 2, 3, 4, 10, 11]
    want = expected(preds, refs, codes)
    np.testing.assert_array_equal(core(preds, refs, codes), want)
    # the text path interns words to ids below the vocabulary size and renumbers through an array
    as_text = [" ".join(f"w{t}" for t in row) for row in preds], [" ".join(f"w{t}" for t in row) for row in refs]
    names = [NAME_OF[c] for c in codes]
    result = ngramkit.rouge(*as_text, rouge_types=names, threads=1)
    for t, name in enumerate(names):
        np.testing.assert_array_equal(result[name].statistics, want[:, t, :])
    # rouge2 as the highest order (rouge1/2/L, the common request) counts bigrams in a direct table
    np.testing.assert_array_equal(core(preds, refs, [1, 2, 10]), want[:, [0, 1, 4], :])
    result = ngramkit.rouge(*as_text, rouge_types=["rouge2"], threads=1)
    np.testing.assert_array_equal(result["rouge2"].statistics, want[:, 1, :])


@pytest.mark.parametrize("shared_tokens", [511, 512, 513, 900])
def test_many_shared_tokens_match_oracle(shared_tokens):
    """Around the number of distinct shared tokens up to which bigrams are counted in a direct
    table (beyond it, the hash table): every order and the LCS equal the oracle's."""
    rng = np.random.default_rng(shared_tokens)
    vocab = np.arange(shared_tokens)
    pred = np.concatenate([rng.permutation(vocab), rng.choice(vocab, 300), [5000, 5001]]).tolist()
    ref = np.concatenate([rng.choice(vocab, 200), rng.permutation(vocab), [6000]]).tolist()
    ref[10:14] = pred[20:24]  # a shared 4-gram
    codes = [1, 2, 3, 4, 10]
    want = expected([pred], [ref], codes)
    np.testing.assert_array_equal(core([pred], [ref], codes), want)
    text = [" ".join(f"w{t}" for t in pred)], [" ".join(f"w{t}" for t in ref)]
    result = ngramkit.rouge(*text, rouge_types=[NAME_OF[c] for c in codes], threads=1)
    for t, c in enumerate(codes):
        np.testing.assert_array_equal(result[NAME_OF[c]].statistics, want[:, t, :])
    # rouge2 alone takes the direct table when it can
    np.testing.assert_array_equal(core([pred], [ref], [2]), want[:, 1:2, :])


# -- rougeLsum with sentence separators -------------------------------------------------------
@st.composite
def separated_rows(draw, vocab, sep, max_sents=6, max_len=40):
    """A row of sentences joined by `sep`, with empty sentences (consecutive separators) and
    separators at either end."""
    sents = draw(st.lists(st.lists(st.sampled_from(vocab), max_size=max_len), max_size=max_sents))
    row = [sep] * draw(st.integers(0, 2))
    for i, s in enumerate(sents):
        if i:
            row.extend([sep] * draw(st.integers(1, 3)))
        row.extend(s)
    row.extend([sep] * draw(st.integers(0, 2)))
    return row


@st.composite
def separated_batches(draw):
    where = draw(st.sampled_from(["outside", "zero", "int32max", "inside"]))
    k = draw(st.integers(2, 6))
    if where == "outside":
        vocab, sep = list(range(k)), k
    elif where == "zero":
        vocab, sep = list(range(1, k + 1)), 0
    elif where == "int32max":
        vocab, sep = [INT32_MAX - 1 - i for i in range(k)], INT32_MAX
    else:  # the separator is also a vocabulary id: every occurrence splits
        vocab, sep = list(range(k)), 0
    n = draw(st.integers(1, 4))
    preds = [draw(separated_rows(vocab, sep)) for _ in range(n)]
    refs = [draw(separated_rows(vocab, sep)) for _ in range(n)]
    return preds, refs, sep


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batch=separated_batches())
def test_lsum_with_separators_matches_oracle(batch):
    preds, refs, sep = batch
    codes = [1, 2, 3, 10, 11]
    want = expected(preds, refs, codes, separator=sep)
    np.testing.assert_array_equal(core(preds, refs, codes, separator=sep), want)
    result = ngramkit.rouge(preds, refs, rouge_types=["rouge1", "rouge2", "rouge3", "rougeL", "rougeLsum"],
                            sentence_separator=sep, threads=1)
    for t, name in enumerate(["rouge1", "rouge2", "rouge3", "rougeL", "rougeLsum"]):
        np.testing.assert_array_equal(result[name].statistics, want[:, t, :])


def test_lsum_separator_hand_worked():
    a, b, c, s = 1, 2, 3, 9
    # anchors.md §1.6: reference "a b c\nb c a", prediction "c a b":
    # rougeL (2, 3, 6) -> P 2/3, R 1/3; rougeLsum (3, 3, 6) -> P 1, R 0.5
    got = core([[c, a, b]], [[a, b, c, s, b, c, a]], [10, 11, 1], separator=s)
    assert got[0].tolist() == [[2, 3, 6], [3, 3, 6], [3, 3, 6]]
    # separators at the ends and doubled change nothing
    got2 = core([[s, c, a, b, s, s]], [[s, s, a, b, c, s, s, s, b, c, a, s]], [10, 11, 1], separator=s)
    assert got2.tolist() == got.tolist()
    # without a separator the id is an ordinary token (and rougeLsum == rougeL for one sentence)
    got3 = core([[c, a, b]], [[a, b, c, s, b, c, a]], [10, 11], separator=-1)
    assert got3[0].tolist() == [[2, 3, 7], [2, 3, 7]]
    # rouge2 spans a dropped separator: "b s c" has bigram (b, c) once the separator is dropped
    assert core([[b, s, c]], [[b, c]], [2], separator=s)[0, 0].tolist() == [1, 1, 1]
    # only separators -> no tokens at all
    assert core([[s, s]], [[a]], [1, 10, 11], separator=s)[0].tolist() == [[0, 0, 1], [0, 0, 1], [0, 0, 1]]


# -- multiple references ----------------------------------------------------------------------
@st.composite
def multi_ref_batches(draw):
    vocab = list(range(draw(st.integers(2, 4))))
    n = draw(st.integers(1, 6))
    preds = [draw(seqs(vocab, 8)) for _ in range(n)]
    groups = [draw(st.lists(seqs(vocab, 8), min_size=1, max_size=4)) for _ in range(n)]
    return preds, groups


@settings(max_examples=100, deadline=None)
@given(batch=multi_ref_batches())
def test_multi_reference_best_picks_first_max_f(batch):
    preds, groups = batch
    names = ALL_NAMES
    codes = ALL_CODES
    result = ngramkit.rouge(preds, groups, rouge_types=names, multi_reference="best", threads=1)
    flat_refs = [r for g in groups for r in g]
    offsets = np.concatenate([[0], np.cumsum([len(g) for g in groups])])
    per_ref = expected(preds, flat_refs, codes, groups=offsets.tolist())
    np.testing.assert_array_equal(core(preds, flat_refs, codes, groups=offsets), per_ref)
    for t, name in enumerate(names):
        s = result[name]
        for i in range(len(preds)):
            triples = [tuple(x) for x in per_ref[offsets[i]:offsets[i + 1], t].tolist()]
            best = oracle.best_reference(triples)
            assert s.statistics[i].tolist() == list(triples[best]), (name, i)
            assert (s.precision[i], s.recall[i], s.fmeasure[i]) == oracle.score(triples[best]), (name, i)
            if len(triples) > 1:
                assert s.reference_index is not None and s.reference_index[i] == best, (name, i)


def test_multi_reference_tie_takes_first_hand_worked():
    pred = [1, 2, 3, 4]
    short = [1, 2]                       # P 2/4, R 2/2 -> F 2/3
    long = [1, 2, 3, 4, 5, 6, 7, 8]      # P 4/4, R 4/8 -> F 2/3 (the same float)
    worse = [9]                          # F 0
    for refs, want_p, want_idx in [([short, long], 0.5, 0), ([long, short], 1.0, 0),
                                   ([worse, long, short], 1.0, 1), ([worse, short, long], 0.5, 1)]:
        r = ngramkit.rouge([pred], [refs], rouge_types=["rouge1"])["rouge1"]
        assert r.precision[0] == want_p
        assert r.fmeasure[0] == oracle.score((2, 4, 2))[2] == oracle.score((4, 4, 8))[2]
        assert r.reference_index[0] == want_idx
    # per type independently: rouge1 prefers `a`, rouge2 prefers `b`
    pred = [1, 2, 3]
    a = [3, 2, 1]          # rouge1 3/3, rouge2 0
    b = [1, 2, 7]          # rouge1 2/3, rouge2 1/2
    r = ngramkit.rouge([pred], [[a, b]], rouge_types=["rouge1", "rouge2"])
    assert r["rouge1"].reference_index[0] == 0 and r["rouge2"].reference_index[0] == 1
    assert r["rouge1"].statistics[0].tolist() == [3, 3, 3]
    assert r["rouge2"].statistics[0].tolist() == [1, 2, 2]


# --------------------------------------------------------------------------------------------
# 3. invariance: threads, chunking, order
# --------------------------------------------------------------------------------------------
def random_corpus(seed, n=700, max_len=150, sep=None):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 7))
    def row():
        length = int(rng.integers(0, max_len + 1)) if rng.random() < 0.9 else 0
        out = rng.integers(0, k, length).tolist()
        if sep is not None:
            for pos in sorted(rng.integers(0, length + 1, int(rng.integers(0, 4))).tolist(), reverse=True):
                out.insert(pos, sep)
        return out
    preds = [row() for _ in range(n)]
    groups = [[row() for _ in range(int(rng.integers(1, 4)))] for _ in range(n)]
    return preds, groups


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_core_identical_for_thread_counts(seed):
    sep = 77
    preds, groups = random_corpus(seed, sep=sep)
    flat_refs = [r for g in groups for r in g]
    offsets = np.concatenate([[0], np.cumsum([len(g) for g in groups])])
    base = core(preds, flat_refs, ALL_CODES, groups=offsets, separator=sep, threads=1)
    for threads in (2, 3, 7):
        assert bits(core(preds, flat_refs, ALL_CODES, groups=offsets, separator=sep, threads=threads)) == bits(base)
    # spot-check against the oracle so the common result is also the right one
    for i in range(0, len(preds), 97):
        for j in range(offsets[i], offsets[i + 1]):
            assert base[j].tolist() == [list(t) for t in oracle.pair_stats(preds[i], flat_refs[j], ALL_CODES, sep)]


@pytest.mark.parametrize("seed", [3, 4])
def test_rouge_identical_for_threads_chunks_and_order(seed):
    sep = 77
    preds, groups = random_corpus(seed, n=500, sep=sep)
    kw = dict(rouge_types=ALL_NAMES, sentence_separator=sep)
    full = ngramkit.rouge(preds, groups, threads=1, **kw)
    want = result_bytes(full)
    for threads in (2, 3, 7):
        assert result_bytes(ngramkit.rouge(preds, groups, threads=threads, **kw)) == want

    # chunks of 41 pairs, concatenated
    parts = [ngramkit.rouge(preds[i:i + 41], groups[i:i + 41], threads=3, **kw) for i in range(0, len(preds), 41)]
    for name in ALL_NAMES:
        for attr in ("precision", "recall", "fmeasure", "statistics", "reference_index"):
            joined = np.concatenate([getattr(p[name], attr) for p in parts])
            assert bits(joined) == bits(getattr(full[name], attr)), (name, attr)

    # permuted pair order, un-permuted results
    perm = np.random.default_rng(seed).permutation(len(preds))
    shuffled = ngramkit.rouge([preds[i] for i in perm], [groups[i] for i in perm], threads=7, **kw)
    inverse = np.argsort(perm)
    for name in ALL_NAMES:
        for attr in ("precision", "recall", "fmeasure", "statistics", "reference_index"):
            assert bits(getattr(shuffled[name], attr)[inverse]) == bits(getattr(full[name], attr)), (name, attr)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batch=pair_batches(max_pairs=8, max_size=80), data=st.data())
def test_statistics_are_per_pair_under_any_split(batch, data):
    """Any split point of a small batch gives the same per-pair statistics (and the oracle's)."""
    preds, refs = batch
    assume(len(preds) >= 2)
    cut = data.draw(st.integers(1, len(preds) - 1), label="cut")
    whole = core(preds, refs, ALL_CODES, threads=2)
    left = core(preds[:cut], refs[:cut], ALL_CODES, threads=3)
    right = core(preds[cut:], refs[cut:], ALL_CODES, threads=7)
    assert bits(np.concatenate([left, right])) == bits(whole)
    np.testing.assert_array_equal(whole, expected(preds, refs, ALL_CODES))


# The short-pair form (shorter side <= 64 tokens, longer <= 1024, no rougeLsum): equality masks
# instead of renumbering and tables; around both limits, against the oracle.
@st.composite
def short_pair_batches(draw):
    vocab = draw(vocabulary())
    n = draw(st.integers(1, 3))
    short = [draw(seqs(vocab, 66)) for _ in range(n)]
    other = [draw(seqs(vocab, draw(st.sampled_from([70, 1030])))) for _ in range(n)]
    return (short, other) if draw(st.booleans()) else (other, short)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batch=short_pair_batches(),
       codes=st.lists(st.sampled_from([c for c in ALL_CODES if c != _core.ROUGE_LSUM]), min_size=1, max_size=10,
                      unique=True))
def test_short_pair_form_matches_oracle(batch, codes):
    preds, refs = batch
    np.testing.assert_array_equal(core(preds, refs, codes), expected(preds, refs, codes))
