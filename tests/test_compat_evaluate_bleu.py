"""ngramkit.compat.evaluate's bleu / sacrebleu / chrf against what HF evaluate's metric scripts
compute. evaluate itself downloads its scripts at load time (no network here), so:

* ``bleu``: an oracle below transcribes tensorflow/nmt ``compute_bleu`` (the code evaluate's
  ``bleu`` runs) over evaluate's ``Tokenizer13a`` = sacrebleu's own ``Tokenizer13a`` whose
  output is split on whitespace (evaluate's copy returns ``line.split()``).
* ``sacrebleu`` / ``chrf``: sacrebleu itself, called the way evaluate's scripts call it
  (references transposed into streams).
"""
from __future__ import annotations

import collections
import math

import pytest

sacrebleu = pytest.importorskip("sacrebleu")
from sacrebleu.metrics import CHRF  # noqa: E402
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a  # noqa: E402

from ngramkit import _core  # noqa: E402
from ngramkit.compat import evaluate as ev  # noqa: E402

from conftest import read_lines  # noqa: E402

_sacre_13a = Tokenizer13a()


def evaluate_13a(line: str) -> list:
    """evaluate's Tokenizer13a: sacrebleu's 13a (no rstrip, no lowercasing), split."""
    return _sacre_13a(line).split()


def nmt_compute_bleu(reference_corpus, translation_corpus, max_order=4, smooth=False):
    """tensorflow/nmt ``compute_bleu`` semantics (see research/anchors.md 4.2): clipped counts
    against the max over references, shortest reference length, add-one smoothing on every
    order when ``smooth``, geometric mean 0 if any precision is 0, ``ratio > 1`` -> bp 1."""

    def ngram_counts(tokens):
        counts = collections.Counter()
        for n in range(1, max_order + 1):
            for start in range(len(tokens) - n + 1):
                counts[tuple(tokens[start : start + n])] += 1
        return counts

    matches = [0] * max_order
    possible = [0] * max_order
    reference_length = translation_length = 0
    for references, translation in zip(reference_corpus, translation_corpus):
        reference_length += min(len(r) for r in references)
        translation_length += len(translation)
        best = collections.Counter()
        for reference in references:
            best |= ngram_counts(reference)
        for gram, count in (ngram_counts(translation) & best).items():
            matches[len(gram) - 1] += count
        for n in range(1, max_order + 1):
            if len(translation) - n + 1 > 0:
                possible[n - 1] += len(translation) - n + 1
    precisions = [0.0] * max_order
    for i in range(max_order):
        if smooth:
            precisions[i] = (matches[i] + 1.0) / (possible[i] + 1.0)
        elif possible[i] > 0:
            precisions[i] = float(matches[i]) / possible[i]
    geo_mean = math.exp(sum((1.0 / max_order) * math.log(p) for p in precisions)) if min(precisions) > 0 else 0
    ratio = float(translation_length) / reference_length
    bp = 1.0 if ratio > 1.0 else math.exp(1 - 1.0 / ratio)
    return geo_mean * bp, precisions, bp, ratio, translation_length, reference_length


def evaluate_bleu(predictions, references, tokenizer=evaluate_13a, max_order=4, smooth=False):
    """evaluate's ``Bleu._compute`` around the oracle."""
    if isinstance(references[0], str):
        references = [[ref] for ref in references]
    references = [[tokenizer(r) for r in ref] for ref in references]
    predictions = [tokenizer(p) for p in predictions]
    keys = ("bleu", "precisions", "brevity_penalty", "length_ratio", "translation_length", "reference_length")
    return dict(zip(keys, nmt_compute_bleu(references, predictions, max_order, smooth)))


def assert_same_dict(got: dict, expected: dict):
    assert got == expected
    for key in expected:
        assert type(got[key]) is type(expected[key]), key


# -- data ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def wmt23(shared_data):
    root = shared_data / "wmt23" / "txt"
    ref = read_lines(root / "references" / "generaltest2023.en-de.ref.refA.de")
    systems = {name: read_lines(root / "system-outputs" / f"generaltest2023.en-de.hyp.{name}.de")
               for name in ("ONLINE-B", "GPT4-5shot", "NLLB_Greedy", "AIRC", "ZengHuiMT")}
    return systems, ref


ADVERSARIAL = [
    ("the cat sat on the mat.", ["the cat is on the mat.", "there is a cat on the mat"]),
    ("", ["a reference"]),
    ("a prediction", [""]),
    ("   ", ["  ", "x"]),
    ("hyphen-\n", ["hyphen"]),  # evaluate drops a trailing "-\n"; an rstrip first would keep "-"
    ("split-\nword and more-\n\n", ["splitword and more", "split - word"]),
    ("<skip<skipped>ped> x", ["< skipped > x"]),  # evaluate keeps the <skipped> the removal creates
    ("&amp;lt;skipped&gt; &amp;quot; &quot;q&quot;", ['<skipped> &quot; "q"']),
    ("Mr. Smith paid $1,000.50 -- on 2-3 May, 2023.", ["Mr . Smith paid $ 1,000.50 on 2 - 3 May , 2023 ."]),
    ("line one\nline two\r\n", ["line one line two"]),
    ("Grüße, 東京! «Ça va?» — naïve café…", ["Grüße , 東京 ! « Ça va ? » — naïve café …"]),
    ("tab\tand\x0cform feed\u00a0nbsp\u2003em", ["tab and form feed nbsp em"]),
    ("trailing spaces and dot .  \t", ["trailing spaces and dot ."]),
    ("a a a a a a a", ["a a", "a a a"]),
    ("!!!???...,,,", ["!!!", "...,,,"]),
]


# -- bleu ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("smooth", [False, True])
@pytest.mark.parametrize("max_order", [1, 2, 4, 6])
def test_bleu_wmt23(wmt23, smooth, max_order):
    systems, ref = wmt23
    for hyp in list(systems.values())[: 5 if max_order == 4 else 2]:
        assert_same_dict(ev.bleu(hyp, ref, max_order=max_order, smooth=smooth),
                         evaluate_bleu(hyp, ref, max_order=max_order, smooth=smooth))


def test_bleu_wmt23_multi_reference(wmt23):
    """Other systems as extra references: the shortest reference, max-over-references clipping."""
    systems, ref = wmt23
    names = list(systems)
    for name in names[:2]:
        refs = [[r, *(systems[o][i] for o in names if o != name)] for i, r in enumerate(ref)]
        for smooth in (False, True):
            assert_same_dict(ev.bleu(systems[name], refs, smooth=smooth),
                             evaluate_bleu(systems[name], refs, smooth=smooth))


@pytest.mark.parametrize("n_refs", [1, 3])
def test_bleu_dialogsum(dialogsum, n_refs):
    hyp, refs = dialogsum
    references = [list(r[:n_refs]) for r in zip(*refs)] if n_refs > 1 else refs[0]
    for smooth in (False, True):
        assert_same_dict(ev.bleu(hyp, references, smooth=smooth), evaluate_bleu(hyp, references, smooth=smooth))
    for tokenizer in (str.split, lambda s: s.lower().split(), list):
        assert_same_dict(ev.bleu(hyp, references, tokenizer=tokenizer),
                         evaluate_bleu(hyp, references, tokenizer=tokenizer))


@pytest.mark.parametrize("smooth", [False, True])
def test_bleu_adversarial_texts(smooth):
    preds = [p for p, _ in ADVERSARIAL]
    refs = [r for _, r in ADVERSARIAL]
    for max_order in (1, 3, 4):
        assert_same_dict(ev.bleu(preds, refs, max_order=max_order, smooth=smooth),
                         evaluate_bleu(preds, refs, max_order=max_order, smooth=smooth))
    for pred, ref in ADVERSARIAL:  # each on its own, where the corpus is non-degenerate
        try:
            expected = evaluate_bleu([pred], [ref], smooth=smooth)
        except ZeroDivisionError:
            with pytest.raises(ValueError):
                ev.bleu([pred], [ref], smooth=smooth)
            continue
        assert_same_dict(ev.bleu([pred], [ref], smooth=smooth), expected)


def test_bleu_tokens_of_the_13a_edge_cases():
    """Each adversarial text's token count equals evaluate's Tokenizer13a's (via max_order=1 self-BLEU)."""
    for text, _ in ADVERSARIAL:
        tokens = evaluate_13a(text)
        if not tokens:
            continue
        result = ev.bleu([text], [text], max_order=1)
        assert result["translation_length"] == len(tokens), text
        assert result["reference_length"] == len(tokens), text


def test_bleu_known_values():
    """Documented behaviour: evaluate's example, and add-one smoothing on unigrams ("a" vs "b")."""
    preds = ["hello there general kenobi", "foo bar foobar"]
    refs = [["hello there general kenobi", "hello there!"], ["foo bar foobar"]]
    assert ev.bleu(preds, refs)["bleu"] == 1.0
    assert round(ev.bleu(["a"], ["b"], smooth=True)["bleu"], 4) == 0.8409
    assert ev.bleu(["a"], ["b"])["bleu"] == 0.0


def test_bleu_custom_tokenizer_any_hashable_tokens():
    preds = ["1 2 3 4 5", "3 3 3"]
    refs = [["1 2 3 4 6", "5 4 3 2 1"], ["3 3"]]

    def as_ints(text):
        return [int(t) for t in text.split()]

    assert_same_dict(ev.bleu(preds, refs, tokenizer=as_ints, max_order=2),
                     evaluate_bleu(preds, refs, tokenizer=as_ints, max_order=2))
    calls = []

    def recording(text):
        calls.append(text)
        return text.split()

    ev.bleu(preds, refs, tokenizer=recording)
    assert calls == ["1 2 3 4 6", "5 4 3 2 1", "3 3", "1 2 3 4 5", "3 3 3"]  # references first, as evaluate


def test_bleu_zero_lengths_raise_value_error():
    """Where evaluate's nmt code raises ZeroDivisionError, a ValueError saying why."""
    for preds, refs in ((["", " "], ["a b", "c"]), (["a b"], [""]), (["a"], [["", "x"]]), ([], [])):
        if preds:
            with pytest.raises(ZeroDivisionError):
                evaluate_bleu(preds, refs)
        with pytest.raises(ValueError, match="empty"):
            ev.bleu(preds, refs)


def test_bleu_bad_arguments():
    with pytest.raises(ValueError, match="differ in length"):
        ev.bleu(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="no references"):
        ev.bleu(["a", "b"], [["a"], []])
    with pytest.raises(ValueError, match="max_order"):
        ev.bleu(["a"], ["a"], max_order=0)
    with pytest.raises(TypeError, match="predictions"):
        ev.bleu([None], ["a"])


# -- sacrebleu ---------------------------------------------------------------------------------------------------
def evaluate_sacrebleu(predictions, references, **kwargs):
    """evaluate's ``Sacrebleu._compute``: transpose into streams, call sacrebleu."""
    if isinstance(references[0], str):
        references = [[ref] for ref in references]
    streams = [[refs[i] for refs in references] for i in range(len(references[0]))]
    tokenize = kwargs.pop("tokenize", None)
    out = sacrebleu.corpus_bleu(predictions, streams, **kwargs, **({"tokenize": tokenize} if tokenize else {}))
    return {"score": out.score, "counts": out.counts, "totals": out.totals, "precisions": out.precisions,
            "bp": out.bp, "sys_len": out.sys_len, "ref_len": out.ref_len}


SACREBLEU_OPTIONS = [
    {},
    {"smooth_method": "floor", "smooth_value": 0.2},
    {"smooth_method": "add-k"},
    {"smooth_method": "none"},
    {"lowercase": True, "force": True},
    {"tokenize": "intl"},
    {"tokenize": "char"},
    {"tokenize": "none", "use_effective_order": True},
    {"tokenize": "zh"},
]


@pytest.mark.parametrize("options", SACREBLEU_OPTIONS, ids=str)
def test_sacrebleu_wmt23(wmt23, options):
    systems, ref = wmt23
    names = list(systems)
    hyp = systems[names[0]]
    assert ev.sacrebleu(hyp, ref, **options) == evaluate_sacrebleu(hyp, ref, **options)
    refs = [[r, systems[names[1]][i]] for i, r in enumerate(ref)]
    assert ev.sacrebleu(hyp, refs, **options) == evaluate_sacrebleu(hyp, refs, **options)


@pytest.mark.parametrize("options", SACREBLEU_OPTIONS[:5], ids=str)
def test_sacrebleu_dialogsum_and_adversarial(dialogsum, options):
    hyp, refs = dialogsum
    references = [list(r) for r in zip(*refs)]
    assert ev.sacrebleu(hyp, references, **options) == evaluate_sacrebleu(hyp, references, **options)
    preds = [p for p, _ in ADVERSARIAL]
    single = [r[0] for _, r in ADVERSARIAL]
    assert ev.sacrebleu(preds, single, **options) == evaluate_sacrebleu(preds, single, **options)


def test_sacrebleu_needs_the_same_number_of_references():
    with pytest.raises(ValueError, match="same number of references"):
        ev.sacrebleu(["a", "b"], [["a", "b"], ["c"]])


# -- chrf ---------------------------------------------------------------------------------------------------------------
needs_chrf_kernel = pytest.mark.skipif(not hasattr(_core, "chrf_text"),
                                       reason="ngramkit's chrF kernel (_core.chrf_text) has not landed in this build")


def evaluate_chrf(predictions, references, char_order=6, word_order=0, beta=2, lowercase=False, whitespace=False,
                  eps_smoothing=False):
    if isinstance(references[0], str):
        references = [[ref] for ref in references]
    streams = [[refs[i] for refs in references] for i in range(len(references[0]))]
    out = CHRF(char_order, word_order, beta, lowercase, whitespace, eps_smoothing).corpus_score(predictions, streams)
    return {"score": out.score, "char_order": out.char_order, "word_order": out.word_order, "beta": out.beta}


CHRF_OPTIONS = [{}, {"word_order": 2}, {"beta": 3, "lowercase": True}, {"whitespace": True, "char_order": 4},
                {"eps_smoothing": True, "word_order": 2}]


@needs_chrf_kernel
@pytest.mark.parametrize("options", CHRF_OPTIONS, ids=str)
def test_chrf_wmt23_and_dialogsum(wmt23, dialogsum, options):
    systems, ref = wmt23
    hyp = systems["ONLINE-B"]
    assert ev.chrf(hyp, ref, **options) == evaluate_chrf(hyp, ref, **options)
    if options in ({}, {"word_order": 2}):
        refs = [[r, systems["AIRC"][i]] for i, r in enumerate(ref)]
        assert ev.chrf(hyp, refs, **options) == evaluate_chrf(hyp, refs, **options)
    d_hyp, d_refs = dialogsum
    references = [list(r) for r in zip(*d_refs)]
    assert ev.chrf(d_hyp, references, **options) == evaluate_chrf(d_hyp, references, **options)
    preds = [p for p, _ in ADVERSARIAL]
    single = [r[0] for _, r in ADVERSARIAL]
    assert ev.chrf(preds, single, **options) == evaluate_chrf(preds, single, **options)


def test_chrf_needs_the_same_number_of_references():
    with pytest.raises(ValueError, match="same number of references"):
        ev.chrf(["a", "b"], [["a", "b"], ["c"]])
