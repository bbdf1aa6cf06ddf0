"""ngramkit.bleu / sentence_bleu against sacrebleu itself: real WMT and DialogSum data, every
tokenizer and smoothing method, the organisers' official WMT23 scores, edge cases, token ids,
thread and partition invariance, and a pure-Python oracle for the id kernel."""
from __future__ import annotations

import csv
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ngramkit
from ngramkit.metrics.bleu import BleuResult

import oracle

sacrebleu = pytest.importorskip("sacrebleu")
from sacrebleu.metrics.bleu import BLEU  # noqa: E402

NATIVE = ["13a", "intl", "zh", "char", "none"]
WMT23_PAIRS = {"en-de": ("de", "13a"), "en-zh": ("zh", "zh"), "en-ja": ("ja", "char")}


def sacre_corpus(hyps, ref_streams, **kwargs):
    return BLEU(**kwargs).corpus_score(hyps, ref_streams)


def assert_same_corpus(ours: BleuResult, theirs):
    assert ours.score == theirs.score
    assert list(ours.counts) == list(theirs.counts)
    assert list(ours.totals) == list(theirs.totals)
    assert ours.precisions == theirs.precisions
    assert ours.bp == theirs.bp
    assert (ours.sys_len, ours.ref_len, ours.ratio) == (theirs.sys_len, theirs.ref_len, theirs.ratio)


# --------------------------------------------------------------------------------------------
# real data
# --------------------------------------------------------------------------------------------
def test_wmt23_every_system_official_tokenizer(wmt23):
    for pair, (ref, systems) in wmt23.items():
        tok = WMT23_PAIRS[pair][1]
        for name, hyp in systems.items():
            ours = ngramkit.bleu(hyp, ref, tokenize=tok)
            assert_same_corpus(ours, sacre_corpus(hyp, [ref], tokenize=tok))


@pytest.mark.parametrize("tok", NATIVE)
def test_wmt23_every_tokenizer_corpus_and_sentence(wmt23, tok):
    for pair, (ref, systems) in wmt23.items():
        name, hyp = next(iter(systems.items()))
        assert_same_corpus(ngramkit.bleu(hyp, ref, tokenize=tok), sacre_corpus(hyp, [ref], tokenize=tok))
        ours = ngramkit.sentence_bleu(hyp, ref, tokenize=tok)
        metric = BLEU(tokenize=tok, effective_order=True)
        theirs = [metric.sentence_score(h, [r]).score for h, r in zip(hyp, ref)]
        assert ours.tolist() == theirs, (pair, name)


def test_wmt23_official_scores(shared_data, wmt23):
    """The organisers' BLEU rows, with the tokenizer the data README names for each pair."""
    rows = list(csv.DictReader((shared_data / "wmt23" / "scores" / "automatic-scores.tsv").open(), delimiter="\t"))
    checked = 0
    for row in rows:
        if not row["metric"].startswith("bleu"):
            continue
        ref, systems = wmt23[row["pair"]]
        ours = ngramkit.bleu(systems[row["system"]], ref, tokenize=WMT23_PAIRS[row["pair"]][1])
        assert f"{ours.score:.6f}" == f"{float(row['score']):.6f}", row
        checked += 1
    assert checked == 30


def test_wmt24_several_references(wmt24):
    """Each system scored against the reference and the other systems as extra references."""
    ref, systems = wmt24
    names = sorted(systems)
    hyp = systems[names[0]]
    streams = [ref] + [systems[n] for n in names[1:]]
    per_hyp = [list(r) for r in zip(*streams)]
    for tok in ("char", "13a"):
        assert_same_corpus(ngramkit.bleu(hyp, per_hyp, tokenize=tok), sacre_corpus(hyp, streams, tokenize=tok))
    ours = ngramkit.sentence_bleu(hyp, per_hyp, tokenize="char")
    metric = BLEU(tokenize="char", effective_order=True)
    assert ours.tolist() == [metric.sentence_score(h, list(r)).score for h, r in zip(hyp, per_hyp)]


@pytest.mark.parametrize("smooth_method,smooth_value", [("exp", None), ("floor", None), ("floor", 0.3),
                                                        ("add-k", None), ("add-k", 2), ("add-k", 0.5),
                                                        ("none", None)])
@pytest.mark.parametrize("effective_order", [False, True])
def test_dialogsum_smoothing(dialogsum, smooth_method, smooth_value, effective_order):
    hyp, refs = dialogsum
    per_hyp = [list(r) for r in zip(*refs)]
    kwargs = dict(smooth_method=smooth_method, smooth_value=smooth_value, effective_order=effective_order)
    for lowercase in (False, True):
        ours = ngramkit.bleu(hyp, per_hyp, lowercase=lowercase, **kwargs)
        metric = BLEU(lowercase=lowercase, **kwargs)
        assert_same_corpus(ours, metric.corpus_score(hyp, refs))
        assert ours.signature.format().rsplit("|", 1)[0] == metric.get_signature().format().rsplit("|", 1)[0]
        assert ours.signature.format(short=True).rsplit("|", 1)[0] == \
            metric.get_signature().format(short=True).rsplit("|", 1)[0]
    one_ref = ngramkit.sentence_bleu(hyp[:200], refs[0][:200], **kwargs)
    metric = BLEU(**kwargs)
    assert one_ref.tolist() == [metric.sentence_score(h, [r]).score for h, r in zip(hyp[:200], refs[0])]


def test_max_ngram_order(dialogsum):
    hyp, refs = dialogsum
    for order in (1, 2, 3, 6, 9):
        ours = ngramkit.bleu(hyp, refs[0], max_ngram_order=order)
        assert_same_corpus(ours, sacre_corpus(hyp, [refs[0]], max_ngram_order=order))
        theirs = BLEU(max_ngram_order=order, effective_order=True)
        assert ngramkit.sentence_bleu(hyp[:100], refs[0][:100], max_ngram_order=order).tolist() == \
            [theirs.sentence_score(h, [r]).score for h, r in zip(hyp[:100], refs[0])]


# --------------------------------------------------------------------------------------------
# edge cases, against sacrebleu
# --------------------------------------------------------------------------------------------
EDGE_PAIRS = [
    ("", ["a b c"]),
    ("a b c", [""]),
    ("", [""]),
    ("a", ["a"]),
    ("a a a a", ["a"]),
    ("The cat sat", ["The cat sat on the mat"]),
    ("a cat sat on the mat today", ["The cat sat on the mat"]),
    ("x y z w v", ["a b c d e"]),                       # zero matches at every order
    ("the cat x y", ["the cat sat on"]),                # matches at orders 1-2 only
    ("a b c d e", ["a b c d e f g", "a b c"]),         # ties in length distance -> shorter
    ("a b c d e", ["a b c", "a b c d e f g"]),
    ("a b c d e", ["a b", "a b c d e f g h", "a b c d e f g h"]),
    ("   ", ["   "]),
    ("Hello, world!  It's 1,000.50 dollars-ish (really).", ["Hello world, it is 1,000.50 dollars."]),
    ("İSTANBUL is a very big city today.", ["istanbul is a very big city today."]),
]


@pytest.mark.parametrize("hyp,refs", EDGE_PAIRS)
@pytest.mark.parametrize("smooth_method", ["exp", "floor", "add-k", "none"])
def test_edge_pairs(hyp, refs, smooth_method):
    for effective_order in (False, True):
        for lowercase in (False, True):
            kwargs = dict(smooth_method=smooth_method, effective_order=effective_order, lowercase=lowercase)
            theirs = BLEU(**kwargs)
            ours = ngramkit.bleu([hyp], [refs], **kwargs)
            assert_same_corpus(ours, theirs.corpus_score([hyp], [[r] for r in refs]))
            assert ngramkit.sentence_bleu([hyp], [refs], **kwargs).tolist() == [theirs.sentence_score(hyp, refs).score]


@pytest.mark.parametrize("tok", ["13a", "intl"])
def test_adversarial_texts_across_block_boundaries(tok):
    """13a and intl find words as spans of the text, 64 bytes at a time (csrc/text/sacrebleu_spans.hpp),
    and fall back to the tokenizer's output string for markup and malformed text: texts of 0-300
    bytes mixing both paths in one group, upper case kept (lowercase=False) and lowered, against
    sacrebleu's corpus and sentence scores."""
    import random

    pieces = ["a", "Z", "7", "0", ".", ",", "-", " ", "\t", "'", "(", "$", "/", "<", "&", "é", "É", "„", "“", "€",
              "²", "٣", "\u00a0", "\u3000", "中", "¿", "×", "😀", "İ", "word", "WORD", "1.5", "x.,y", "...", "3-", "&amp;",
              "<skipped>", "-\n", "A.B", "1,000.5", "e.g.", "U.S.A."]
    rng = random.Random(tok)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 90))) for _ in range(300)]
    hyps, refs = texts[:150], texts[150:]
    for lowercase in (False, True):
        theirs = BLEU(tokenize=tok, lowercase=lowercase)
        assert_same_corpus(ngramkit.bleu(hyps, refs, tokenize=tok, lowercase=lowercase),
                           theirs.corpus_score(hyps, [refs]))
        sentence = BLEU(tokenize=tok, lowercase=lowercase, effective_order=True)
        assert ngramkit.sentence_bleu(hyps, refs, tokenize=tok, lowercase=lowercase).tolist() == \
            [sentence.sentence_score(h, [r]).score for h, r in zip(hyps, refs)]


def test_thousands_of_references():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    hyp = " ".join(rng.choice(words, 40))
    refs = [" ".join(rng.choice(words, int(rng.integers(0, 60)))) for _ in range(3000)]
    ours = ngramkit.bleu([hyp], [refs])
    assert_same_corpus(ours, BLEU().corpus_score([hyp], [[r] for r in refs]))
    assert ngramkit.sentence_bleu([hyp], [refs])[0] == BLEU(effective_order=True).sentence_score(hyp, refs).score


def test_variable_reference_counts_signature():
    result = ngramkit.bleu(["a b c", "d e f"], [["a b c"], ["d e", "d e f g"]])
    assert result.signature.info["nrefs"] == "var"
    theirs = BLEU().corpus_score(["a b c", "d e f"], [["a b c", "d e"], [None, "d e f g"]])
    assert_same_corpus(result, theirs)


# --------------------------------------------------------------------------------------------
# token ids
# --------------------------------------------------------------------------------------------
def random_rows(rng, n, vocab, max_len):
    return [rng.integers(0, vocab, int(rng.integers(0, max_len))).tolist() for _ in range(n)]


def test_ids_equal_text_none_tokenizer():
    rng = np.random.default_rng(1)
    hyps = random_rows(rng, 300, 12, 25)
    refs = [random_rows(rng, int(rng.integers(1, 4)), 12, 25) for _ in hyps]
    as_text = lambda row: " ".join(map(str, row))  # noqa: E731
    ours = ngramkit.bleu(hyps, refs)
    theirs = ngramkit.bleu([as_text(h) for h in hyps], [[as_text(r) for r in rs] for rs in refs], tokenize="none")
    assert np.array_equal(ours.statistics, theirs.statistics)
    width = max(len(r) for r in refs)
    streams = [[as_text(rs[k]) if k < len(rs) else None for rs in refs] for k in range(width)]
    assert_same_corpus(ours, BLEU(tokenize="none").corpus_score([as_text(h) for h in hyps], streams))
    batch = ngramkit.TokenBatch.from_lists(hyps)
    assert np.array_equal(ngramkit.bleu(batch, refs).statistics, ours.statistics)
    assert ours.signature.info["tok"] == "ids"


def test_ids_from_padded_and_arrow():
    pa = pytest.importorskip("pyarrow")
    hyps = [[5, 9, 2, 7], [1, 2, 3], []]
    refs = [[5, 9, 2, 7, 7], [1, 2], [4]]
    expected = ngramkit.bleu(hyps, refs).statistics
    padded = np.array([[5, 9, 2, 7], [1, 2, 3, 0], [0, 0, 0, 0]])
    assert np.array_equal(ngramkit.bleu(ngramkit.TokenBatch.from_padded(padded, lengths=[4, 3, 0]), refs).statistics,
                          expected)
    assert np.array_equal(ngramkit.bleu(pa.array(hyps), pa.array(refs)).statistics, expected)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(0, 5), max_size=12),
                          st.lists(st.lists(st.integers(0, 5), max_size=12), min_size=1, max_size=4)),
                max_size=8),
       st.integers(1, 6))
def test_id_kernel_matches_oracle(pairs, order):
    hyps = [h for h, _ in pairs]
    refs = [r for _, r in pairs]
    stats = ngramkit.bleu(hyps, refs, max_ngram_order=order).statistics
    assert stats.tolist() == [oracle.bleu_stats(h, r, order) for h, r in pairs]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(0, 4), min_size=0, max_size=90),
                          st.lists(st.lists(st.integers(0, 4), max_size=70), min_size=1, max_size=3)),
                min_size=1, max_size=4),
       st.integers(1, 7), st.booleans())
def test_long_pairs_match_oracle(pairs, order, large_ids):
    """Pairs past 64 positions take the hashing path (the bit-mask path covers short ones); ids
    above the direct-indexing limit take the dense-id path."""
    offset = 2**30 if large_ids else 0
    hyps = [[t + offset for t in h] for h, _ in pairs]
    refs = [[[t + offset for t in r] for r in rs] for _, rs in pairs]
    stats = ngramkit.bleu(hyps, refs, max_ngram_order=order).statistics
    assert stats.tolist() == [oracle.bleu_stats(h, r, order) for h, r in zip(hyps, refs)]


def test_thread_and_partition_invariance(dialogsum):
    hyp, refs = dialogsum
    per_hyp = [list(r) for r in zip(*refs)]
    base = ngramkit.bleu(hyp, per_hyp, threads=1)
    for threads in (2, 3, 8):
        assert np.array_equal(ngramkit.bleu(hyp, per_hyp, threads=threads).statistics, base.statistics)
    parts = [ngramkit.bleu(hyp[a:b], per_hyp[a:b]) for a, b in ((0, 1), (1, 200), (200, 200), (200, 500))]
    combined = parts[0].combine(*parts[1:])
    assert combined.score == base.score and np.array_equal(combined.statistics, base.statistics)
    assert BleuResult.from_statistics(base.statistics, base.config, 3).score == base.score


def uneven_groups(hyp, refs):
    """1, 2 or 3 references per hypothesis (cycling), and sacrebleu's reference streams of them
    (None where a hypothesis has fewer)."""
    per_hyp = [list(r)[: 1 + i % 3] for i, r in enumerate(zip(*refs))]
    return per_hyp, [[group[k] if k < len(group) else None for group in per_hyp] for k in range(3)]


def test_chunks_written_in_place(dialogsum, monkeypatch):
    """Texts reach the kernel CHUNK_SIZE predictions at a time, each chunk written into its rows of
    one statistics array: chunks of 7 over uneven reference groups give sacrebleu's numbers."""
    hyp, refs = dialogsum
    per_hyp, ref_streams = uneven_groups(hyp, refs)
    monkeypatch.setattr(sys.modules["ngramkit.metrics.bleu"], "CHUNK_SIZE", 7)
    ours = ngramkit.bleu(hyp, per_hyp, threads=2)
    assert_same_corpus(ours, sacre_corpus(hyp, ref_streams))
    assert ours.signature.info["nrefs"] == "var"
    metric = BLEU(effective_order=True)
    want = [metric.sentence_score(h, group).score for h, group in zip(hyp, per_hyp)]
    assert ngramkit.sentence_bleu(hyp, per_hyp, threads=2).tolist() == want


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,error,match", [
    (dict(tokenize="13b"), ValueError, "tokenize"),
    (dict(tokenize=13), TypeError, "tokenize"),
    (dict(smooth_method="add-one"), ValueError, "smooth_method"),
    (dict(smooth_value="0.1", smooth_method="floor"), TypeError, "smooth_value"),
    (dict(smooth_value=float("nan"), smooth_method="floor"), ValueError, "smooth_value"),
    (dict(max_ngram_order=0), ValueError, "max_ngram_order"),
    (dict(max_ngram_order=True), TypeError, "max_ngram_order"),
    (dict(max_ngram_order=2.0), TypeError, "max_ngram_order"),
    (dict(threads=0), ValueError, "threads"),
])
def test_bad_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        ngramkit.bleu(["a b"], ["a b"], **kwargs)


def test_bad_layouts():
    with pytest.raises(ValueError, match="differ in length: 2 predictions, 1 references"):
        ngramkit.bleu(["a", "b"], ["a"])
    with pytest.raises(TypeError, match="hypotheses"):
        ngramkit.bleu("a b", ["a b"])
    with pytest.raises(TypeError, match=r"hypotheses\[1\]"):
        ngramkit.bleu(["a", None], ["a", "b"])
    with pytest.raises(ValueError, match=r"references\[0\]: no references"):
        ngramkit.bleu(["a"], [[]])
    with pytest.raises(TypeError, match="text .*token ids|token ids"):
        ngramkit.bleu(["a b"], [[1, 2]])
    with pytest.raises(ValueError, match="tokenize: applies to text"):
        ngramkit.bleu([[1, 2]], [[1, 2]], tokenize="13a")
    with pytest.raises(ValueError, match="lowercase: applies to text"):
        ngramkit.bleu([[1, 2]], [[1, 2]], lowercase=True)
    with pytest.raises(ValueError, match="negative"):
        ngramkit.bleu([[1, -2]], [[1, 2]])


def test_trailing_whitespace_of_every_kind():
    """sacrebleu rstrip()s each segment before tokenizing: every Python whitespace code point, and
    non-space multi-byte characters that must stay, at the end of hypotheses and references."""
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    tails = spaces + ["\u200b", "\ufeff", "é", "\u3001", "x\u00a0\u3000", "-\n", "-\u2028", "a-\u0085"]
    hyps = [f"the cat sat{t}" for t in tails] + [f"the{t}cat sat on{t}" for t in tails]
    refs = [f"the cat sat on{t}" for t in reversed(tails)] * 2
    for tok in ("13a", "none", "char", "intl", "zh"):
        ours = ngramkit.sentence_bleu(hyps, refs, tokenize=tok)
        metric = BLEU(tokenize=tok, effective_order=True)
        assert ours.tolist() == [metric.sentence_score(h, [r]).score for h, r in zip(hyps, refs)], tok
        assert_same_corpus(ngramkit.bleu(hyps, refs, tokenize=tok), BLEU(tokenize=tok).corpus_score(hyps, [refs]))
