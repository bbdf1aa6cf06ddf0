"""ngramkit.compat.nltk.bleu_score against nltk.translate.bleu_score itself: every result equal
with ``==`` and of the same type (int 0 stays int), every exception of the same type and args,
every warning with the same text."""
from __future__ import annotations

import random
import warnings

import pytest

nltk_bleu = pytest.importorskip("nltk.translate.bleu_score")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ngramkit.compat.nltk import bleu_score as ours  # noqa: E402

from conftest import read_lines  # noqa: E402

METHODS = [f"method{m}" for m in range(8)]
WEIGHTS = [
    (1.0,),
    (0.5, 0.5),
    (1 / 3, 1 / 3, 1 / 3),
    (0.25, 0.25, 0.25, 0.25),
    (0.2, 0.2, 0.2, 0.2, 0.2),
    (1 / 6,) * 6,
    (0.1, 0.3, 0.5, 0.1),
    [(0.5, 0.5), (1 / 3, 1 / 3, 1 / 3), (0.25, 0.25, 0.25, 0.25)],
    [(1.0,), (0.2,) * 5, (0.5, 0.5)],
]
#: one weights argument with every length 1..6 (one call, a list of six scores)
ALL_LENGTHS = [(1.0,), (0.5, 0.5), (1 / 3,) * 3, (0.25,) * 4, (0.2,) * 5, (1 / 6,) * 6]
#: the weights the (slow, NLTK-bound) real-corpus tests try
CORPUS_WEIGHTS = [(0.25,) * 4, (1.0,), (0.2,) * 5, ALL_LENGTHS]


def outcome(func, *args, record_warnings=False, **kwargs):
    """("ok", value, warnings) or ("raise", type, args, warnings) of one call."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always" if record_warnings else "ignore")
        try:
            result = ("ok", func(*args, **kwargs))
        except Exception as err:  # noqa: BLE001 - the exception itself is what we compare
            result = ("raise", type(err), err.args)
    messages = [(w.category, str(w.message)) for w in caught] if record_warnings else []
    return result + (messages,)


def types_of(value):
    return [type(v) for v in value] if isinstance(value, list) else type(value)


def assert_same(name, args, kwargs=None, record_warnings=False, smoothing=None):
    """Call ``name`` in both modules (with the smoothing method of each module's own
    SmoothingFunction when ``smoothing`` is given) and compare everything."""
    kwargs = dict(kwargs or {})
    results = []
    for module in (nltk_bleu, ours):
        if smoothing is not None:
            method, params = smoothing
            kwargs["smoothing_function"] = getattr(module.SmoothingFunction(**params), method)
        results.append(outcome(getattr(module, name), *args, record_warnings=record_warnings, **kwargs))
    expected, got = results
    assert got == expected
    if expected[0] == "ok":
        assert types_of(got[1]) == types_of(expected[1])
    return expected


def tokens(lines):
    return [line.split() for line in lines]


# -- real data ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dialogsum_tokens(dialogsum):
    hyp, refs = dialogsum
    return tokens(hyp), [tokens(r) for r in refs]


@pytest.fixture(scope="module")
def wmt23_en_de(shared_data):
    root = shared_data / "wmt23" / "txt"
    ref = read_lines(root / "references" / "generaltest2023.en-de.ref.refA.de")
    systems = {}
    for name in ("ONLINE-B", "NLLB_Greedy", "AIRC"):
        hyp = read_lines(root / "system-outputs" / f"generaltest2023.en-de.hyp.{name}.de")
        assert len(hyp) == len(ref)
        systems[name] = tokens(hyp)
    return systems, tokens(ref)


@pytest.mark.parametrize("n_refs", [1, 3])
@pytest.mark.parametrize("method", [None] + METHODS)
def test_dialogsum_corpus(dialogsum_tokens, n_refs, method):
    hyps, refs = dialogsum_tokens
    groups = [list(r[:n_refs]) for r in zip(*refs)]
    smoothing = None if method is None else (method, {})
    for weights in CORPUS_WEIGHTS:
        assert_same("corpus_bleu", (groups, hyps, weights), smoothing=smoothing)


@pytest.mark.parametrize("method", [None] + METHODS)
def test_dialogsum_sentences(dialogsum_tokens, method):
    hyps, refs = dialogsum_tokens
    smoothing = None if method is None else (method, {})
    for i, hyp in enumerate(hyps):
        group = [refs[0][i], refs[1][i], refs[2][i]]
        if i % 2:
            assert_same("sentence_bleu", (group, hyp), smoothing=smoothing)
        else:
            assert_same("sentence_bleu", (group[:1], hyp, WEIGHTS[i // 2 % len(WEIGHTS)]), smoothing=smoothing)


@pytest.mark.parametrize("method", [None] + METHODS)
def test_wmt23_corpus(wmt23_en_de, method):
    systems, ref = wmt23_en_de
    smoothing = None if method is None else (method, {})
    for weights in ((0.25,) * 4, ALL_LENGTHS):
        assert_same("corpus_bleu", ([[r] for r in ref], systems["ONLINE-B"], weights), smoothing=smoothing)


def test_wmt23_corpus_order_dependence(wmt23_en_de):
    """Methods 5-7 see the last sentence: a shuffled corpus scores differently, equally in both."""
    systems, ref = wmt23_en_de
    pairs = list(zip([[r] for r in ref], systems["ONLINE-B"]))
    random.Random(7).shuffle(pairs)
    groups, hyps = map(list, zip(*pairs))
    for method in ("method5", "method6", "method7"):
        assert_same("corpus_bleu", (groups, hyps), smoothing=(method, {}))


def test_wmt23_several_systems_as_references(wmt23_en_de):
    """Multi-reference with real variety: each system against the human reference plus the others."""
    systems, ref = wmt23_en_de
    names = list(systems)
    for name in names:
        groups = [[r, *(systems[o][i] for o in names if o != name)] for i, r in enumerate(ref)]
        assert_same("corpus_bleu", (groups, systems[name], ALL_LENGTHS), smoothing=("method3", {}))


def test_wmt23_sentences(wmt23_en_de):
    systems, ref = wmt23_en_de
    hyp = systems["NLLB_Greedy"]
    for i in range(0, len(ref), 5):
        for method in METHODS:
            assert_same("sentence_bleu", ([ref[i]], hyp[i]), smoothing=(method, {}))


# -- the NLTK documentation examples --------------------------------------------------------------------
HYP1 = ("It is a guide to action which ensures that the military always obeys the commands of the "
        "party").split()
HYP2 = "It is to insure the troops forever hearing the activity guidebook that party direct".split()
REF1 = "It is a guide to action that ensures that the military will forever heed Party commands".split()
REF2 = ("It is the guiding principle which guarantees the military forces always being under the "
        "command of the Party").split()
REF3 = "It is the practical guide for the army always to heed the directions of the party".split()


@pytest.mark.parametrize("method", [None] + METHODS)
@pytest.mark.parametrize("weights", WEIGHTS)
def test_documentation_examples(method, weights):
    smoothing = None if method is None else (method, {})
    assert_same("sentence_bleu", ([REF1, REF2, REF3], HYP1, weights), smoothing=smoothing)
    assert_same("sentence_bleu", ([REF1, REF2, REF3], HYP2, weights), smoothing=smoothing)
    assert_same("corpus_bleu", ([[REF1, REF2, REF3], [REF1]], [HYP1, HYP2], weights), smoothing=smoothing)


@pytest.mark.parametrize("params", [{"epsilon": 0.5}, {"alpha": 2}, {"k": 3}, {"epsilon": 1, "alpha": 0, "k": 1}])
@pytest.mark.parametrize("method", METHODS)
def test_smoothing_parameters(method, params):
    assert_same("sentence_bleu", ([REF1, REF2], HYP2), smoothing=(method, params))
    assert_same("corpus_bleu", ([[REF3], [REF1]], [HYP1, HYP2[:3]]), smoothing=(method, params))


# -- edge cases ----------------------------------------------------------------------------------------------
EDGE_CASES = {
    "empty hypothesis": ([["a", "b", "c"]], []),
    "empty reference": ([[]], ["a", "b"]),
    "empty both": ([[]], []),
    "one token": ([["a", "b", "c", "d"]], ["a"]),
    "shorter than order": ([["the", "cat", "sat"]], ["the", "cat", "on"]),
    "two tokens": ([["the", "cat"]], ["the", "cat"]),
    "zero unigram matches": ([["a", "b", "c", "d", "e"]], ["v", "w", "x", "y", "z"]),
    "identical": ([["a", "b", "c", "d", "e", "f"]], ["a", "b", "c", "d", "e", "f"]),
    "repeated tokens": ([["the", "cat", "is", "on", "the", "mat"], ["there", "is", "a", "cat"]], ["the"] * 7),
    "ties in length": ([["a"] * 13, ["a"] * 11], ["a"] * 12),
    "longer hypothesis": ([["a", "b"]], ["a", "b", "a", "b", "a", "b", "c"]),
    "no trigram match": ([["a", "b", "c", "d", "e", "f", "g"]], ["a", "b", "x", "c", "d", "y", "e"]),
    "no bigram match": ([["a", "b", "c", "d"]], ["d", "c", "b", "a"]),
    "ints and equal numbers": ([[1, 2.0, True, 3]], [1.0, 2, 1, 3]),
    "tuples as tokens": ([[(1, 2), ("x",), (1, 2)]], [(1, 2), (1, 2), ("x",)]),
    "characters of strings": (["the cat sat on the mat"], "the cat sat on a mat"),
    "none as a token": ([[None, "a", None]], [None, None, "a"]),
}


@pytest.mark.parametrize("case", list(EDGE_CASES))
@pytest.mark.parametrize("method", [None] + METHODS)
def test_edge_cases(case, method):
    references, hypothesis = EDGE_CASES[case]
    smoothing = None if method is None else (method, {})
    for weights in WEIGHTS:
        for auto_reweigh in (False, True):
            assert_same("sentence_bleu", (references, hypothesis, weights),
                        {"auto_reweigh": auto_reweigh}, smoothing=smoothing)


def test_int_zero_when_no_unigram_matches():
    result = ours.sentence_bleu([["a", "b"]], ["c", "d"])
    assert result == 0 and type(result) is int
    assert ours.corpus_bleu([[["a"]]], [["b"]], [(0.5, 0.5), (1.0,)]) == [0, 0]
    assert assert_same("sentence_bleu", ([["a"]], ["b"], ()))[1] == 0  # no orders at all


def test_corpus_of_edge_cases_in_both_orders():
    groups = [EDGE_CASES[c][0] for c in EDGE_CASES if c != "characters of strings"]
    hyps = [EDGE_CASES[c][1] for c in EDGE_CASES if c != "characters of strings"]
    for method in [None] + METHODS:
        smoothing = None if method is None else (method, {})
        for g, h in ((groups, hyps), (groups[::-1], hyps[::-1])):
            for weights in WEIGHTS:
                assert_same("corpus_bleu", (g, h, weights), {"auto_reweigh": True}, smoothing=smoothing)


@pytest.mark.parametrize("hyp_len", [1, 2, 3, 4, 5])
def test_auto_reweigh(hyp_len):
    hyp = ["a", "b", "c", "d", "e"][:hyp_len]
    for refs in ([["a", "b", "c", "d", "e"]], [["a", "b"]], [["b", "a", "c"]]):
        for weights in ((0.25, 0.25, 0.25, 0.25), [0.25, 0.25, 0.25, 0.25], (0.5, 0.5), [(0.25,) * 4, (0.5, 0.5)]):
            for method in [None, "method1", "method3", "method4"]:
                smoothing = None if method is None else (method, {})
                assert_same("sentence_bleu", (refs, hyp, weights), {"auto_reweigh": True}, smoothing=smoothing)
                assert_same("corpus_bleu", ([refs, refs], [hyp[:1], hyp], weights), {"auto_reweigh": True},
                            smoothing=smoothing)


def test_method0_warnings_match():
    """The warning text and count of no smoothing (and its sys.float_info.min result)."""
    for refs, hyp in (([REF1, REF2, REF3], HYP2), ([["a", "b", "c"]], ["a", "x", "b", "y"])):
        expected = assert_same("sentence_bleu", (refs, hyp), record_warnings=True)
        assert expected[0] == "ok" and len(expected[-1]) >= 1 and 0 < expected[1] < 1e-50


@pytest.mark.parametrize("method", ["method6"])
def test_method6_assertion(method):
    """method6 asserts a non-zero third precision; with fewer than 3 orders it raises IndexError."""
    expected = assert_same("sentence_bleu", ([["a", "b", "c"]], ["a", "b", "x"]), smoothing=(method, {}))
    assert expected[0] == "raise" and expected[1] is AssertionError
    expected = assert_same("sentence_bleu", ([["a", "b", "c"]], ["a", "b", "c"], (0.5, 0.5)), smoothing=(method, {}))
    assert expected[0] == "raise" and expected[1] is IndexError


def test_errors_match():
    cases = [
        ("corpus_bleu", ([], [])),  # empty corpus: Fraction(0, 0)
        ("corpus_bleu", ([[["a"]]], [["a"], ["b"]])),  # length mismatch
        ("corpus_bleu", ([[["a"]], []], [["a"], ["b", "c"]])),  # no references: KeyError
        ("corpus_bleu", ([[["a"]], []], [["a"], []])),  # no references, empty hypothesis: ValueError
        ("corpus_bleu", ([[]], [["a"]], ())),  # no references, no orders: ValueError
        ("sentence_bleu", ([["a", ["b"]]], ["a", ["b"]])),  # unhashable token
    ]
    for name, args in cases:
        expected = assert_same(name, args)
        assert expected[0] == "raise"


def test_nltk_smoothing_functions_and_custom_callables_work_here():
    """Users pass NLTK's own SmoothingFunction methods, or their own callables."""
    nltk_smoothing = nltk_bleu.SmoothingFunction()
    for method in METHODS:
        func = getattr(nltk_smoothing, method)
        for args in (([REF1, REF2], HYP2), ([["a", "b", "c", "d", "e", "f"]], ["a", "b", "c", "d", "x", "f"])):
            try:
                expected = nltk_bleu.sentence_bleu(*args, smoothing_function=func)
            except AssertionError:
                with pytest.raises(AssertionError):
                    ours.sentence_bleu(*args, smoothing_function=func)
                continue
            assert ours.sentence_bleu(*args, smoothing_function=func) == expected

    def record(p_n, references, hypothesis, hyp_len):
        seen.append(([(p.numerator, p.denominator) for p in p_n], references, hypothesis, hyp_len))
        return [p if p else 1e-9 for p in p_n]

    groups, hyps = [[REF1, REF2], [REF3]], [HYP1, HYP2]
    seen = []
    expected = nltk_bleu.corpus_bleu(groups, hyps, smoothing_function=record)
    assert ours.corpus_bleu(groups, hyps, smoothing_function=record) == expected
    assert seen[0] == seen[1] and seen[1][1] is groups[-1] and seen[1][2] is hyps[-1]


def test_fraction_terms_are_unreduced_sums():
    """The corpus precision terms NLTK exposes to smoothing functions are the raw sums."""
    captured = []

    def keep(p_n, **kwargs):
        captured.append([(p.numerator, p.denominator, float(p)) for p in p_n])
        return p_n

    groups = [[["a", "b", "a", "b"]], [["c", "d"]]]
    hyps = [["a", "b", "a", "b"], ["c"]]
    for module in (nltk_bleu, ours):
        module.corpus_bleu(groups, hyps, smoothing_function=keep)
    assert captured[0] == captured[1]
    assert captured[1][1][:2] == (3, 4)  # bigrams: 3 matched of 3, plus the 1-token hypothesis' max(1, 0)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 7])
def test_helpers(n):
    for refs, hyp in (([REF1, REF2, REF3], HYP1), ([["a"] * 3, []], ["a"] * 5), ([[]], [])):
        expected = nltk_bleu.modified_precision(refs, hyp, n)
        got = ours.modified_precision(refs, hyp, n)
        assert (got.numerator, got.denominator) == (expected.numerator, expected.denominator)
        assert float(got) == float(expected)
        for hyp_len in (0, 1, 5, 12, 17, 40):
            assert ours.closest_ref_length(refs, hyp_len) == nltk_bleu.closest_ref_length(refs, hyp_len)
    for r, c in ((12, 12), (28, 12), (13, 12), (0, 0), (5, 0), (0, 3), (7, 9)):
        expected = nltk_bleu.brevity_penalty(r, c)
        assert ours.brevity_penalty(r, c) == expected and type(ours.brevity_penalty(r, c)) is type(expected)


# -- random corpora -------------------------------------------------------------------------------------------
TOKEN = st.sampled_from(["a", "b", "c", "d", 1, 1.0, True, ("t",), "é"])
SENTENCE = st.lists(TOKEN, max_size=9)
PAIR = st.tuples(st.lists(SENTENCE, min_size=1, max_size=3), SENTENCE)


@settings(max_examples=300, deadline=None)
@given(
    pairs=st.lists(PAIR, min_size=1, max_size=4),
    weights=st.sampled_from(WEIGHTS),
    method=st.sampled_from([None] + METHODS),
    auto_reweigh=st.booleans(),
)
def test_random_corpora(pairs, weights, method, auto_reweigh):
    groups, hyps = [p[0] for p in pairs], [p[1] for p in pairs]
    smoothing = None if method is None else (method, {})
    assert_same("corpus_bleu", (groups, hyps, weights), {"auto_reweigh": auto_reweigh}, smoothing=smoothing)
    assert_same("sentence_bleu", (groups[0], hyps[0], weights), {"auto_reweigh": auto_reweigh}, smoothing=smoothing)
