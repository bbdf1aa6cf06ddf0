"""The chrF / chrF++ kernel (_core.chrf_text, _core.chrf_f_score) against sacrebleu's CHRF itself.

Every expected value comes from calling sacrebleu on the same input: per-segment statistics from
``CHRF._extract_corpus_statistics``, sentence scores from ``sentence_score`` (or ``_compute_f_score``
of those statistics, which is what ``sentence_score`` returns), corpus scores from ``corpus_score``
(or ``_aggregate_and_compute`` of those statistics, which is the rest of ``corpus_score``, to
extract them once). Scores are compared with ``==``.
"""
from __future__ import annotations

import json
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ngramkit import _core
from ngramkit.ingest.inputs import text_buffers

sacrebleu_chrf = pytest.importorskip("sacrebleu.metrics.chrf")
CHRF = sacrebleu_chrf.CHRF

CHRF_PLAIN = dict(char_order=6, word_order=0)
CHRF_PP = dict(char_order=6, word_order=2)


def lines(path):
    """Lines of a UTF-8 file split on "\\n" only (texts may hold U+2028, U+0085, "\\r")."""
    text = path.read_text(encoding="utf-8")
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n")


# --------------------------------------------------------------------------------------------
# running both sides
# --------------------------------------------------------------------------------------------
def kernel(hyps, refs, char_order=6, word_order=0, beta=2, whitespace=False, eps_smoothing=False, threads=1):
    """refs[i]: the references of hyps[i]. Returns (stats, sentence scores, chosen reference)."""
    pb, po = text_buffers(list(hyps), "predictions")
    rb, ro = text_buffers([r for group in refs for r in group], "references")
    groups = np.zeros(len(hyps) + 1, dtype=np.int64)
    groups[1:] = np.cumsum([len(g) for g in refs])
    return _core.chrf_text(pb, po, rb, ro, groups, char_order, word_order, float(beta**2), whitespace,
                           eps_smoothing, threads)


def streams(refs):
    """sacrebleu's layout (one stream per reference position), None where a segment has fewer."""
    width = max(len(g) for g in refs)
    return [[g[k] if k < len(g) else None for g in refs] for k in range(width)]


def check_against_sacrebleu(hyps, refs, check_choice=False, label="", call_corpus_score=False, **config):
    """Statistics, sentence scores and corpus score of every segment equal to sacrebleu's."""
    metric = CHRF(**config)
    expected = metric._extract_corpus_statistics(hyps, streams(refs))
    stats, scores, chosen = kernel(hyps, refs, **config)
    width = 3 * (metric.char_order + metric.word_order)
    assert stats.shape == (len(hyps), width)
    for i, exp in enumerate(expected):
        assert stats[i].tolist() == exp, f"{label} segment {i}: {hyps[i]!r} vs {refs[i]!r}"
        assert scores[i] == metric._compute_f_score(exp), f"{label} segment {i}"
    if call_corpus_score:
        corpus = metric.corpus_score(hyps, streams(refs)).score
    else:
        corpus = metric._aggregate_and_compute(expected).score
    assert _core.chrf_f_score(stats.sum(axis=0), metric.char_order, metric.word_order, float(metric.beta**2),
                              metric.eps_smoothing) == corpus, label
    if check_choice:
        # the first reference with the strictly greatest sentence F, each scored alone by sacrebleu
        per_ref = [metric._extract_corpus_statistics(hyps, [[g[k] if k < len(g) else "" for g in refs]])
                   for k in range(max(len(g) for g in refs))]
        for i, group in enumerate(refs):
            f = [metric._compute_f_score(per_ref[k][i]) for k in range(len(group))]
            assert chosen[i] == f.index(max(f)), f"{label} segment {i}"
            assert stats[i].tolist() == per_ref[chosen[i]][i]
    return stats, scores, chosen


# --------------------------------------------------------------------------------------------
# real data
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def wmt(shared_data):
    """{name: (system output lines, reference lines)}: two systems per WMT23 pair, two WMT24 en-ja."""
    out = {}
    root = shared_data / "wmt23" / "txt"
    for pair in ("en-de", "en-ja", "en-zh"):
        ref = lines(next((root / "references").glob(f"generaltest2023.{pair}.ref.*")))
        systems = sorted((root / "system-outputs").glob(f"generaltest2023.{pair}.hyp.*"))
        for path in [s for s in systems if "GPT4" in s.name] + [systems[0]]:
            out[f"wmt23 {pair} {path.name.split('.')[-2]}"] = (lines(path), ref)
    root = shared_data / "wmt24" / "txt"
    ref = lines(root / "references" / "en-ja.refA.txt")
    for name in ("GPT-4", "Team-J"):
        out[f"wmt24 en-ja {name}"] = (lines(root / "system-outputs" / "en-ja" / f"{name}.txt"), ref)
    for hyp, ref in out.values():
        assert len(hyp) == len(ref)
    return out


@pytest.fixture(scope="module")
def korean(shared_data):
    """Consecutive NSMC reviews paired as (hypothesis, reference)."""
    with open(shared_data / "korean" / "nsmc_reviews.sampleA.jsonl", encoding="utf-8") as f:
        reviews = [json.loads(line)["review"] for line in f if line.strip()]
    n = len(reviews) // 2
    return reviews[0:2 * n:2], [[r] for r in reviews[1:2 * n:2]]


def test_wmt_systems_chrf(wmt):
    for name, (hyp, ref) in wmt.items():
        check_against_sacrebleu(hyp, [[r] for r in ref], label=name, call_corpus_score="GPT" in name, **CHRF_PLAIN)


def test_wmt_systems_chrf_plus_plus(wmt):
    for name, (hyp, ref) in list(wmt.items())[::2]:
        check_against_sacrebleu(hyp, [[r] for r in ref], label=name, **CHRF_PP)


@pytest.mark.parametrize("config", [CHRF_PLAIN, CHRF_PP], ids=["chrF", "chrF++"])
def test_dialogsum_sentence_scores_one_and_three_references(dialogsum, config):
    hyp, refs = dialogsum
    metric = CHRF(**config)
    check_against_sacrebleu(hyp, [[r] for r in refs[0]], **config)
    three = [list(t) for t in zip(*refs)]
    _, scores, _ = check_against_sacrebleu(hyp, three, **config)
    assert scores.tolist() == [metric.sentence_score(h, g).score for h, g in zip(hyp, three)]


@pytest.mark.parametrize("beta", [1, 2, 3, 0.5])
@pytest.mark.parametrize("whitespace", [False, True])
@pytest.mark.parametrize("eps_smoothing", [False, True])
@pytest.mark.parametrize("orders", [(6, 0), (6, 2), (0, 2)], ids=["chrF", "chrF++", "words-only"])
def test_dialogsum_options(dialogsum, beta, whitespace, eps_smoothing, orders):
    hyp, refs = dialogsum
    sample = slice(0, 60)
    check_against_sacrebleu(hyp[sample], [list(t) for t in zip(*refs)][sample], check_choice=True,
                            char_order=orders[0], word_order=orders[1], beta=beta, whitespace=whitespace,
                            eps_smoothing=eps_smoothing)


@pytest.mark.parametrize("whitespace", [False, True])
def test_korean_pairs(korean, whitespace):
    hyp, refs = korean
    for config in (CHRF_PLAIN, CHRF_PP):
        check_against_sacrebleu(hyp, refs, whitespace=whitespace, **config)


def test_lowercase_by_the_caller(dialogsum):
    hyp, refs = dialogsum
    metric = CHRF(lowercase=True, word_order=2)
    _, scores, _ = kernel([h.lower() for h in hyp[:100]], [[r.lower()] for r in refs[0][:100]], word_order=2)
    assert scores.tolist() == [metric.sentence_score(h, [r]).score for h, r in zip(hyp[:100], refs[0][:100])]


def test_thread_count_does_not_change_results(dialogsum, korean):
    hyp, refs = dialogsum
    hyps = hyp + korean[0]
    groups = [list(t) for t in zip(*refs)] + korean[1]
    for config in (CHRF_PLAIN, CHRF_PP):
        one = kernel(hyps, groups, threads=1, **config)
        for threads in (2, 7):
            other = kernel(hyps, groups, threads=threads, **config)
            for a, b in zip(one, other):
                assert np.array_equal(a, b)


# --------------------------------------------------------------------------------------------
# adversarial inputs
# --------------------------------------------------------------------------------------------
ADVERSARIAL = [
    ("", ""), ("", "b"), ("a", ""), ("a", "a"), ("aa", "ab"), ("a b c", "abc"),
    ("   ", "   "), (" \t\n", "a"), ("a", " \u3000 "), ("\x85\u2028x\x1c", "x\u200by"),
    ("(hi)", "(hi"), ('"a."', '"a.'), (".", "."), (". , ;", ".,;"), ("!!", "!"), ("a.", "a ."),
    ("(hi) there.", "(hi there ."), ("x", "xx"), ("aaaaaaaaaa", "aaaa"), ("ab" * 40, "ba" * 30),
    ("über café", "uber cafe"), ("日本語のテキスト", "日本語テキスト"), ("😀😀 😀", "😀 😀"),
    ("a\ud800b", "a\ud800b \udfff"), ("\ud83d\ude00", "\U0001F600"), ("é", "e\u0301"),
    ("(« guillemets »)", "« guillemets »"), ("...", ".."), ("a-b-c", "a - b - c"),
    ("\r\n", "\r"), ("tab\tsep", "tab sep"), ("ÿ", "\xff"),
]


@pytest.mark.parametrize("orders", [(6, 0), (6, 2), (0, 2), (1, 0), (3, 1), (0, 1), (10, 4)])
@pytest.mark.parametrize("whitespace", [False, True])
@pytest.mark.parametrize("eps_smoothing", [False, True])
def test_adversarial_pairs(orders, whitespace, eps_smoothing):
    hyps = [h for h, _ in ADVERSARIAL] + [r for _, r in ADVERSARIAL]
    refs = [[r] for _, r in ADVERSARIAL] + [[h] for h, _ in ADVERSARIAL]
    config = dict(char_order=orders[0], word_order=orders[1], whitespace=whitespace, eps_smoothing=eps_smoothing)
    check_against_sacrebleu(hyps, refs, **config)
    # every adversarial text as a reference of every other: many references, many ties
    every = [h for h, _ in ADVERSARIAL]
    check_against_sacrebleu(every, [every] * len(every), check_choice=True, **config)
    metric = CHRF(**config)
    _, scores, _ = kernel(every, [every] * len(every), **config)
    assert scores.tolist() == [metric.sentence_score(h, every).score for h in every]


def test_one_hypothesis_two_thousand_references():
    rng = random.Random(7)
    words = ["the", "cat", "sat", "on", "mat", "(a)", "dog.", '"hi"', "über", "日本"]
    refs = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in range(2000)]
    hyp = "the cat sat on the mat. (a) dog"
    for config in (CHRF_PLAIN, dict(char_order=6, word_order=2, eps_smoothing=True)):
        _, scores, _ = check_against_sacrebleu([hyp], [refs], check_choice=True, **config)
        assert scores[0] == CHRF(**config).sentence_score(hyp, refs).score


def test_long_texts():
    rng = random.Random(11)
    alphabet = "abcde fgh.,()ü日"
    long_a = "".join(rng.choice(alphabet) for _ in range(100_000))
    long_b = "".join(rng.choice(alphabet) for _ in range(100_000))
    repeated = "a" * 100_000
    hyps = [long_a, repeated, long_a, "short"]
    refs = [[long_b], ["a" * 99_999], [repeated], [long_a]]
    check_against_sacrebleu(hyps, refs, **CHRF_PP)


# --------------------------------------------------------------------------------------------
# random texts
# --------------------------------------------------------------------------------------------
PIECES = list("aab .,()\"'-") + ["é", "日", "😀", "\t", "\n", "\u3000", "\x85", "\ud800", "\udc00", "ab", "(x)"]
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hyps=st.lists(texts, min_size=1, max_size=4), data=st.data(),
       char_order=st.integers(0, 7), word_order=st.integers(0, 3), beta=st.sampled_from([0, 0.5, 1, 2, 3]),
       whitespace=st.booleans(), eps_smoothing=st.booleans())
def test_random_texts(hyps, data, char_order, word_order, beta, whitespace, eps_smoothing):
    if char_order == 0 and word_order == 0:
        word_order = 1
    refs = [data.draw(st.lists(texts, min_size=1, max_size=4)) for _ in hyps]
    check_against_sacrebleu(hyps, refs, check_choice=True, char_order=char_order, word_order=word_order,
                            beta=beta, whitespace=whitespace, eps_smoothing=eps_smoothing)


# --------------------------------------------------------------------------------------------
# the binding's checks
# --------------------------------------------------------------------------------------------
def test_prediction_without_references():
    stats, scores, chosen = kernel(["a b", "c"], [[], ["c"]], word_order=2)
    assert stats[0].tolist() == [0] * 24 and scores[0] == 0.0 and chosen[0] == -1
    assert scores[1] == CHRF(word_order=2).sentence_score("c", ["c"]).score and chosen[1] == 0


def test_bad_arguments():
    pb, po = text_buffers(["a"], "predictions")
    groups = np.array([0, 1], dtype=np.int64)
    call = lambda c, w: _core.chrf_text(pb, po, pb, po, groups, c, w, 4.0, False, False, 1)  # noqa: E731
    with pytest.raises(ValueError, match="char_order"):
        call(-1, 0)
    with pytest.raises(ValueError, match="word_order"):
        call(6, -2)
    with pytest.raises(ValueError, match="char_order, word_order"):
        call(0, 0)
    with pytest.raises(TypeError, match="predictions.values"):
        _core.chrf_text(pb.astype(np.int32), po, pb, po, groups, 6, 0, 4.0, False, False, 1)
    with pytest.raises(ValueError, match="reference_groups"):
        _core.chrf_text(pb, po, pb, po, np.array([0, 2], dtype=np.int64), 6, 0, 4.0, False, False, 1)
    with pytest.raises(ValueError, match="references"):
        _core.chrf_text(pb, po, pb, np.array([0, 5], dtype=np.int64), groups, 6, 0, 4.0, False, False, 1)
    with pytest.raises(ValueError, match="stats"):
        _core.chrf_f_score(np.zeros(17, dtype=np.int64), 6, 0, 4.0, False)
    with pytest.raises(TypeError, match="stats"):
        _core.chrf_f_score(np.zeros(18, dtype=np.int32), 6, 0, 4.0, False)


def test_out_arrays_receive_the_results():
    """The chunked corpus path writes each chunk into slices of preallocated arrays (out=): the
    same numbers as the kernel's own arrays, and every malformed destination named."""
    hyps, refs = ["the cat sat.", "a b c", "xyz"], [["the cat sat on it."], ["a c b"], ["q"]]
    pb, po = text_buffers(hyps, "predictions")
    rb, ro = text_buffers([r for group in refs for r in group], "references")
    groups = np.arange(4, dtype=np.int64)
    call = lambda out=None: _core.chrf_text(pb, po, rb, ro, groups, 6, 2, 4.0, False, False, 2, out=out)  # noqa: E731
    want = call()
    stats = np.full((5, 24), -7, np.int64)
    scores, chosen = np.full(5, -7.0), np.full(5, -7, np.int64)
    call((stats[1:4], scores[1:4], chosen[1:4]))
    assert stats[1:4].tolist() == want[0].tolist() and scores[1:4].tolist() == want[1].tolist()
    assert chosen[1:4].tolist() == want[2].tolist()
    assert stats[[0, 4]].tolist() == [[-7] * 24] * 2 and scores[[0, 4]].tolist() == [-7.0, -7.0]
    good = (np.empty((3, 24), np.int64), np.empty(3), np.empty(3, np.int64))
    with pytest.raises(TypeError, match=r"out: expected a tuple"):
        call(good[:2])
    with pytest.raises(TypeError, match=r"out\[0\]: expected dtype int64"):
        call((good[0].astype(np.int32), good[1], good[2]))
    with pytest.raises(ValueError, match=r"out\[0\]: expected a writeable C-contiguous \(3, 24\) array"):
        call((np.empty((3, 18), np.int64), good[1], good[2]))
    with pytest.raises(ValueError, match=r"out\[1\]: expected a writeable C-contiguous \(3\) array"):
        call((good[0], np.empty(6)[::2], good[2]))
    readonly = np.empty(3, np.int64)
    readonly.flags.writeable = False
    with pytest.raises(ValueError, match=r"out\[2\]"):
        call((good[0], good[1], readonly))
    with pytest.raises(TypeError, match=r"out\[1\]: expected a numpy array"):
        call((good[0], [0.0] * 3, good[2]))
