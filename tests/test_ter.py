"""ngramkit.ter / sentence_ter and the Tercom tokenizer against sacrebleu itself: WMT23/WMT24
segments under every option combination with one, two and a variable number of references,
Chinese/Japanese with asian_support, adversarial pairs (many shifts, repetition, beyond the beam
and the shift distance, empty texts), token ids, thread and chunk invariance, bad input.

sacrebleu's TER is slow on long segments, so real data is restricted to short segments (sacrebleu
computes every expected value; nothing here is compared with our own output alone)."""
from __future__ import annotations

import itertools
import sys

import numpy as np
import pytest

import ngramkit
from ngramkit import _core
from ngramkit.ingest.inputs import text_buffers
from ngramkit.metrics.ter import TerConfig, TerResult

sacrebleu = pytest.importorskip("sacrebleu")
from sacrebleu.metrics.ter import TER  # noqa: E402
from sacrebleu.tokenizers.tokenizer_ter import TercomTokenizer  # noqa: E402

OPTION_NAMES = ("normalized", "no_punct", "asian_support", "case_sensitive")
ALL_OPTIONS = [dict(zip(OPTION_NAMES, values)) for values in itertools.product((False, True), repeat=4)]


def option_id(options: dict) -> str:
    return "-".join(name for name, on in options.items() if on) or "default"


def streams_of(per_hyp):
    """sacrebleu's reference streams of per-hypothesis reference lists (None where one has fewer)."""
    width = max(len(group) for group in per_hyp)
    return [[group[k] if k < len(group) else None for group in per_hyp] for k in range(width)]


def sacrebleu_ter(metric, hyps, per_hyp):
    """sacrebleu's corpus TERScore and the sentence scores of every pair, from one pass of its
    segment statistics (what corpus_score and sentence_score compute: its TER is slow)."""
    stats = metric._extract_corpus_statistics(hyps, streams_of(per_hyp))
    return metric._aggregate_and_compute(stats), [metric._aggregate_and_compute([row]).score for row in stats]


def assert_equal_sacrebleu(hyps, per_hyp, options, threads=2):
    """Corpus result, str(), signature and sentence TER of every pair equal sacrebleu's."""
    metric = TER(**options)
    theirs, sentences = sacrebleu_ter(metric, hyps, per_hyp)
    ours = ngramkit.ter(hyps, per_hyp, threads=threads, **options)
    assert (ours.score, ours.num_edits, ours.ref_length) == (theirs.score, theirs.num_edits, theirs.ref_length)
    assert str(ours) == str(theirs)
    assert ours.signature.format().rsplit("|", 1)[0] == metric.get_signature().format().rsplit("|", 1)[0]
    assert ours.signature.format(short=True).rsplit("|", 1)[0] == \
        metric.get_signature().format(short=True).rsplit("|", 1)[0]
    assert ngramkit.sentence_ter(hyps, per_hyp, threads=threads, **options).tolist() == sentences
    return ours


def short_pairs(ref, hyp, max_chars, count, *extra):
    """Indices of the first `count` segments whose hypothesis and references (ref, *extra) are
    non-empty and shorter than max_chars."""
    keep = [i for i in range(len(ref))
            if all(0 < len(lines[i]) < max_chars for lines in (ref, hyp, *extra))]
    return keep[:count]


# --------------------------------------------------------------------------------------------
# real data
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("options", ALL_OPTIONS, ids=option_id)
def test_wmt23_en_de_every_option_one_and_two_references(wmt23, options):
    ref, systems = wmt23["en-de"]
    names = sorted(systems)
    hyp, other = systems[names[0]], systems[names[1]]
    keep = short_pairs(ref, hyp, 300, 50, other)
    hyps = [hyp[i] for i in keep]
    assert_equal_sacrebleu(hyps, [[ref[i]] for i in keep], options)
    assert_equal_sacrebleu(hyps, [[ref[i], other[i]] for i in keep], options)


@pytest.mark.parametrize("pair", ["en-zh", "en-ja"])
@pytest.mark.parametrize("options", [o for o in ALL_OPTIONS if o["normalized"] or o["no_punct"]], ids=option_id)
def test_wmt23_chinese_japanese(wmt23, pair, options):
    """With asian_support (and normalized) CJK text splits into characters: short segments only."""
    ref, systems = wmt23[pair]
    hyp = systems[sorted(systems)[0]]
    keep = short_pairs(ref, hyp, 40 if options["asian_support"] else 300, 20)
    assert_equal_sacrebleu([hyp[i] for i in keep], [[ref[i]] for i in keep], options)


def test_wmt23_every_system_default(wmt23):
    for pair, (ref, systems) in wmt23.items():
        for name, hyp in systems.items():
            keep = short_pairs(ref, hyp, 300 if pair == "en-de" else 60, 30)
            assert_equal_sacrebleu([hyp[i] for i in keep], [[ref[i]] for i in keep], {})


def test_wmt24_variable_references(wmt24):
    """1, 2 or 3 references per hypothesis (the reference, then other systems' outputs)."""
    ref, systems = wmt24
    names = sorted(systems)
    hyp = systems[names[0]]
    others = [systems[n] for n in names[1:3]]
    keep = short_pairs(ref, hyp, 50, 30, *others)
    per_hyp = [[ref[i]] + [o[i] for o in others][: j % 3] for j, i in enumerate(keep)]
    ours = assert_equal_sacrebleu([hyp[i] for i in keep], per_hyp, dict(normalized=True, asian_support=True))
    assert ours.signature.info["nrefs"] == "var"


# --------------------------------------------------------------------------------------------
# the Tercom tokenizer
# --------------------------------------------------------------------------------------------
TOKENIZER_TEXTS = [
    "", "   ", "Hello, World!", "It's John's car -- isn't it?", "the U.S.A.'s 1,000.50 $ (really) ...",
    "a&quot;b &amp; c &lt;tag&gt; &apos;x&apos; &#39; &amp;amp;", "<skipped> line\nbreak\r\ntab\tend",
    "!!!???...,,,;;;:::---", "3.14 -2,5 1.000,00 a.b.c 12:30 5-6", "Ünïcödé İSTANBUL Straße ΣΑΣ ǅ",
    "中文，测试。“引号”（括号）", "日本語のテキスト、です。「かぎ」", "한국어 텍스트입니다.", "ｆｕｌｌ－ｗｉｄｔｈ！？",
    "mixed中文English混合text123", "tokyo's 東京's", "end with space   ", "—…–·•‐‑", "e.g. i.e. etc.",
    "can't won't y'all 'quoted' \"double\"", "https://example.com/a?b=c&d=e", "x\u00a0y\u3000z\u200bw",
]


@pytest.mark.parametrize("options", ALL_OPTIONS, ids=option_id)
def test_tercom_tokenizer(wmt23, options):
    ref, systems = wmt23["en-zh"]
    texts = TOKENIZER_TEXTS + ref[:40] + wmt23["en-de"][0][:40] + wmt23["en-ja"][0][:40]
    theirs = TercomTokenizer(**options)
    lower = not options["case_sensitive"]
    ours = _core.tercom_tokenize(*text_buffers([t.lower() if lower else t for t in texts], "texts"),
                                 options["normalized"], options["no_punct"], options["asian_support"])
    assert [o.split() for o in ours] == [theirs(t).split() for t in texts]


# --------------------------------------------------------------------------------------------
# adversarial pairs
# --------------------------------------------------------------------------------------------
WORDS = "the quick brown fox jumps over the lazy dog while a cat sleeps on the warm mat near the door".split()
ADVERSARIAL = [
    # sacrebleu tokenizes a reference twice and the normalized tokenizer is not idempotent here:
    # "x-'s-'s." -> "x-'s-'s ." -> "x-'s- 's .", so a text against itself can score above 0
    ("the x-'s-'s. end", ["the x-'s-'s. end"]),
    ("Ⅻ. Ⅻ. ٣. Ⅻ.", ["Ⅻ-'s-'s-'s. Ⅻ.", "Ⅻ. cat. Ⅻ."]),
    ("", ["a b c"]),
    ("a b c", [""]),
    ("", [""]),
    ("   ", ["  "]),
    ("a", ["a"]),
    (" ".join(WORDS), [" ".join(WORDS)]),                                  # identical
    (" ".join(reversed(WORDS)), [" ".join(WORDS)]),                        # reversed
    (" ".join(WORDS[7:] + WORDS[:7]), [" ".join(WORDS)]),                  # rotated
    ("a a a a a a a a", ["a"]),
    ("the the the cat cat the", ["the cat the cat the the"]),
    ("b a b a b a b a b a c", ["a b a b a b a b a b"]),
    ("x", [" ".join(WORDS * 8)]),                                          # very unequal lengths: widened beam
    (" ".join(WORDS * 8), ["x"]),
    ("quick brown", [" ".join(WORDS * 3), "the fox"]),
    ("Hello,, world!!! ...??? ;-) (a) [b] {c}", ["Hello, world! ... ? ;-) (a) [b] {c}"]),
    ("a&quot;b &amp; c &lt;d&gt; it&apos;s", ["a\"b & c <d> it's"]),
    ("John's dog's toy isn't Mary's", ["John 's dog 's toy is n't Mary 's"]),
    ("The CAT Sat", ["the cat sat", "THE CAT SAT"]),
    ("3.14 is pi, 1,000 is big-ish", ["3.14 is pi , 1,000 is big - ish"]),
    ("我爱北京天安门。", ["我爱北京，天安门！"]),
    ("東京は日本の首都です", ["日本の首都は東京です"]),
    ("new line\nin the middle\r\n", ["new line in the middle"]),
]


@pytest.mark.parametrize("options", ALL_OPTIONS, ids=option_id)
def test_adversarial_pairs(options):
    hyps = [h for h, _ in ADVERSARIAL]
    assert_equal_sacrebleu(hyps, [refs for _, refs in ADVERSARIAL], options)
    metric = TER(**options)
    for hyp, refs in ADVERSARIAL:  # sacrebleu's public API, each pair as a corpus of its own
        assert ngramkit.ter([hyp], [refs], **options).score == metric.corpus_score([hyp], [[r] for r in refs]).score
        assert ngramkit.sentence_ter([hyp], [refs], **options)[0] == metric.sentence_score(hyp, refs).score


def words(n, start=0):
    return [f"w{i}" for i in range(start, start + n)]


SHIFTS = [  # (hypothesis words, reference words): many shifts, beyond the beam (25) and distance (50)
    (words(20, 10) + words(10), words(30)),                                 # rotated
    ([words(30)[i ^ 1] for i in range(30)], words(30)),                     # adjacent swaps
    (words(30)[::2] + words(30)[1::2], words(30)),
    (words(40, 20) + words(20), words(60)),                                 # rotated, past the beam
    (words(60)[::-1], words(60)),                                           # reversed
    (words(5, 55) + words(55), words(60)),                                  # a block 55 words away
    (words(10) + ["w11", "w10"] + words(106, 12) + ["w119", "w118"], words(120)),
    (words(3) * 40, (words(3) + ["x"]) * 25),                               # repeated words
]


def test_shift_search():
    hyps = [" ".join(h) for h, _ in SHIFTS]
    assert_equal_sacrebleu(hyps, [[" ".join(r)] for _, r in SHIFTS], {})


def test_degenerate_repetition():
    """A phrase repeated 200 times (shift candidates capped at 1000)."""
    hyp = "the cat sat on the mat . " * 200
    refs = ["a cat sat on a mat . " * 200, "the cat sat on the mat today . " * 30]
    for per_hyp in ([refs[:1]], [refs[1:]], [refs]):
        assert_equal_sacrebleu([hyp], per_hyp, {}, threads=1)


# --------------------------------------------------------------------------------------------
# token ids
# --------------------------------------------------------------------------------------------
def as_text(row) -> str:
    return " ".join(map(str, row))


def random_id_pairs(seed=3, n=50):
    rng = np.random.default_rng(seed)
    hyps, refs = [], []
    for _ in range(n):
        vocab = int(rng.choice([3, 8, 40]))
        hyps.append(rng.integers(0, vocab, int(rng.integers(0, 30))).tolist())
        refs.append([rng.integers(0, vocab, int(rng.integers(0, 30))).tolist() for _ in range(int(rng.integers(1, 4)))])
    return hyps, refs


def test_ids_equal_sacrebleu_on_id_words():
    hyps, refs = random_id_pairs()
    theirs, want = sacrebleu_ter(TER(), [as_text(h) for h in hyps], [[as_text(r) for r in rs] for rs in refs])
    inputs = [
        (hyps, refs),
        ([np.array(h, dtype=np.int64) for h in hyps], [[np.array(r, dtype=np.int32) for r in rs] for rs in refs]),
        (ngramkit.TokenBatch.from_lists(hyps), refs),
    ]
    for h, r in inputs:
        ours = ngramkit.ter(h, r)
        assert (ours.score, ours.num_edits, ours.ref_length) == (theirs.score, theirs.num_edits, theirs.ref_length)
        assert ours.signature.info["tok"] == "ids"
        assert ngramkit.sentence_ter(h, r).tolist() == want


def test_ids_one_reference_each_and_padded():
    hyps, refs = random_id_pairs(seed=4, n=40)
    one = [rs[0] for rs in refs]
    theirs = TER().corpus_score([as_text(h) for h in hyps], [[as_text(r) for r in one]])
    width = max(len(h) for h in hyps)
    padded = np.array([h + [0] * (width - len(h)) for h in hyps])
    batch = ngramkit.TokenBatch.from_padded(padded, lengths=[len(h) for h in hyps])
    for h in (hyps, batch):
        assert ngramkit.ter(h, one).score == theirs.score


def test_ids_large_and_repeated():
    big = 2**31 - 1
    hyps = [[big, 5, big, 5] * 30, [7] * 60, []]
    refs = [[5, big] * 50, [7, 8] * 40, [1]]
    theirs = TER().corpus_score([as_text(h) for h in hyps], [[as_text(r) for r in refs]])
    assert ngramkit.ter(hyps, refs).score == theirs.score


# --------------------------------------------------------------------------------------------
# threads and chunks
# --------------------------------------------------------------------------------------------
def test_threads_and_chunks(wmt23, monkeypatch):
    ref, systems = wmt23["en-de"]
    hyp = systems[sorted(systems)[1]]
    keep = short_pairs(ref, hyp, 300, 60)
    hyps, per_hyp = [hyp[i] for i in keep], [[ref[i]] for i in keep]
    theirs = TER(normalized=True).corpus_score(hyps, [[ref[i] for i in keep]])
    base = ngramkit.ter(hyps, per_hyp, normalized=True, threads=1)
    assert base.score == theirs.score
    for threads in (2, 3):
        assert np.array_equal(ngramkit.ter(hyps, per_hyp, normalized=True, threads=threads).statistics, base.statistics)
    monkeypatch.setattr(sys.modules["ngramkit.metrics.ter"], "CHUNK_SIZE", 7)
    chunked = ngramkit.ter(hyps, per_hyp, normalized=True, threads=3)
    assert np.array_equal(chunked.statistics, base.statistics) and chunked.score == theirs.score
    parts = [ngramkit.ter(hyps[a:b], per_hyp[a:b], normalized=True) for a, b in ((0, 1), (1, 20), (20, 20), (20, 60))]
    combined = parts[0].combine(*parts[1:])
    assert combined.score == theirs.score and np.array_equal(combined.statistics, base.statistics)
    assert TerResult.from_statistics(base.statistics, base.config).score == theirs.score


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", OPTION_NAMES)
@pytest.mark.parametrize("value,error", [("yes", TypeError), (2, ValueError), (None, TypeError), (1.0, TypeError)])
def test_bad_option_types(name, value, error):
    """Booleans as everywhere (ingest.arguments.check_bool): a bool, numpy bool or 0/1; another int
    is a wrong value (ValueError), anything else a wrong type (TypeError)."""
    with pytest.raises(error, match=name):
        ngramkit.ter(["a b"], ["a b"], **{name: value})
    with pytest.raises(error, match=name):
        ngramkit.sentence_ter(["a b"], ["a b"], **{name: value})


@pytest.mark.parametrize("name", OPTION_NAMES)
def test_options_with_ids(name):
    with pytest.raises(ValueError, match=name):
        ngramkit.ter([[1, 2]], [[1, 2]], **{name: True})
    with pytest.raises(ValueError, match=name):
        ngramkit.sentence_ter([[1, 2]], [[1, 2]], **{name: True})


@pytest.mark.parametrize("hyps,refs,error,match", [
    (None, ["a"], TypeError, "hypotheses"),
    (["a"], None, TypeError, "references"),
    ("a b", ["a b"], TypeError, "hypotheses"),
    ([b"a b"], ["a b"], TypeError, "hypotheses"),
    (["a b"], [b"a b"], TypeError, "references"),
    (["a", None], ["a", "b"], TypeError, r"hypotheses\[1\]"),
    (["a", "b"], ["a", None], TypeError, r"references\[1\]"),
    (["a", "b"], ["a"], ValueError, "differ in length"),
    (["a"], [[]], ValueError, r"references\[0\]"),
    (["a b"], [[1, 2]], TypeError, "token ids"),
    ([[1, -2]], [[1, 2]], ValueError, "negative"),
])
def test_bad_inputs(hyps, refs, error, match):
    for fn in (ngramkit.ter, ngramkit.sentence_ter):
        with pytest.raises(error, match=match):
            fn(hyps, refs)


@pytest.mark.parametrize("threads", [0, -1, "2", 1.5])
def test_bad_threads(threads):
    with pytest.raises((TypeError, ValueError), match="threads"):
        ngramkit.ter(["a"], ["a"], threads=threads)


@pytest.mark.parametrize("stats,match", [
    (np.zeros((3, 3)), "shape"),
    (np.zeros(4), "shape"),
    (np.array([["a", "b"]]), "numeric"),
    (np.array([[1.0, -1.0]]), "non-negative"),
    (np.array([[-1.0, 2.0]]), "non-negative"),
    (np.array([[np.nan, 2.0]]), "finite"),
    (np.array([[1.0, np.inf]]), "finite"),
    (np.array([[1.5, 2.0]]), "whole"),
])
def test_from_statistics_validation(stats, match):
    with pytest.raises(ValueError, match=match):
        TerResult.from_statistics(stats)


def test_from_statistics_values():
    stats = [[3, 4.5], [0, 2.0], [2, 0.0]]
    theirs = TER()._compute_score_from_stats([5, 6.5])
    ours = TerResult.from_statistics(stats, TerConfig())
    assert (ours.score, ours.num_edits, ours.ref_length) == (theirs.score, theirs.num_edits, theirs.ref_length)
    assert str(ours) == str(theirs) == "TER = 76.92"
    assert TerResult.from_statistics(np.zeros((0, 2))).score == TER()._compute_score_from_stats([0, 0.0]).score
