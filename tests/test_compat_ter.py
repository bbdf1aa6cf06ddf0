"""TER in the drop-ins, against sacrebleu itself: ngramkit.compat.sacrebleu's ``TER``, ``TERScore``,
``corpus_ter`` / ``sentence_ter`` (every option combination, several references with ``None`` in a
stream, ``n_bootstrap``, signatures, format strings, edge texts, bad input) and
ngramkit.compat.evaluate's ``ter`` against sacrebleu called the way evaluate's ``ter`` script calls
it (evaluate downloads its scripts at load time, so it is not run here).

sacrebleu's TER is pure Python and slow on long segments: WMT segments here are < 300 characters,
at most 200 a system.
"""
from __future__ import annotations

import itertools

import pytest

sacrebleu = pytest.importorskip("sacrebleu")
from sacrebleu.metrics import TER as SacreTER  # noqa: E402

from ngramkit.compat import evaluate as ev  # noqa: E402
from ngramkit.compat import sacrebleu as ours  # noqa: E402

from conftest import read_segments  # noqa: E402

OPTION_NAMES = ("normalized", "no_punct", "asian_support", "case_sensitive")
EVERY_OPTION = [dict(zip(OPTION_NAMES, flags)) for flags in itertools.product((False, True), repeat=4)]
MAX_CHARS, MAX_SEGMENTS = 300, 200


def version_free(text: str) -> str:
    return text.replace("ngramkit-" + __import__("ngramkit").__version__, sacrebleu.__version__)


@pytest.fixture(scope="module")
def wmt23_short(shared_data):
    """{pair: (reference, {system: hypotheses})}: the first MAX_SEGMENTS segments of WMT23 whose
    reference and every hypothesis are shorter than MAX_CHARS."""
    root = shared_data / "wmt23" / "txt"
    out = {}
    for pair, lang in (("en-de", "de"), ("en-zh", "zh"), ("en-ja", "ja")):
        ref = read_segments(root / "references" / f"generaltest2023.{pair}.ref.refA.{lang}")
        systems = {p.name.split(".hyp.")[1][: -len(lang) - 1]: read_segments(p)
                   for p in sorted((root / "system-outputs").glob(f"generaltest2023.{pair}.hyp.*"))}
        keep = [i for i in range(len(ref))
                if len(ref[i]) < MAX_CHARS and all(len(h[i]) < MAX_CHARS for h in systems.values())][:MAX_SEGMENTS]
        assert len(keep) == MAX_SEGMENTS
        out[pair] = ([ref[i] for i in keep], {name: [h[i] for i in keep] for name, h in systems.items()})
    return out


def assert_same_score(mine, theirs):
    assert (mine.score, mine.num_edits, mine.ref_length) == (theirs.score, theirs.num_edits, theirs.ref_length)
    assert (type(mine.num_edits), type(mine.ref_length), mine.name) == (int, type(theirs.ref_length), "TER")
    assert str(mine) == str(theirs) and repr(mine) == repr(theirs)
    assert mine.format(width=5, score_only=True) == theirs.format(width=5, score_only=True)


def assert_same_signature(mine, theirs):
    assert version_free(str(mine.get_signature())) == str(theirs.get_signature())
    assert version_free(mine.get_signature().format(short=True)) == theirs.get_signature().format(short=True)


def test_readme_example():
    hyps = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
    streams = [["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
               ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."]]
    assert_same_score(ours.corpus_ter(hyps, streams), sacrebleu.corpus_ter(hyps, streams))
    assert_same_score(ours.corpus_ter(hyps, streams[:1]), sacrebleu.corpus_ter(hyps, streams[:1]))


@pytest.mark.parametrize("options", EVERY_OPTION, ids=lambda o: "-".join(k for k, v in o.items() if v) or "default")
def test_wmt23_every_option_combination(wmt23_short, options):
    for pair, n in (("en-de", MAX_SEGMENTS), ("en-zh", 60)):
        ref, systems = wmt23_short[pair]
        hyp = systems["ONLINE-B"][:n]
        streams = [ref[:n]]
        assert_same_score(ours.corpus_ter(hyp, streams, **options), sacrebleu.corpus_ter(hyp, streams, **options))
        mine, theirs = ours.TER(**options), SacreTER(**options)
        assert_same_score(mine.corpus_score(hyp, streams), theirs.corpus_score(hyp, streams))
        assert_same_signature(mine, theirs)
        for h, r in list(zip(hyp, ref))[:15]:
            assert_same_score(mine.sentence_score(h, [r]), theirs.sentence_score(h, [r]))
            assert_same_score(ours.sentence_ter(h, [r], **options), sacrebleu.sentence_ter(h, [r], **options))


def test_every_wmt23_system_default_and_asian(wmt23_short):
    for pair, (ref, systems) in wmt23_short.items():
        options = {"normalized": True, "asian_support": True} if pair != "en-de" else {}
        for hyp in systems.values():
            assert_same_score(ours.corpus_ter(hyp[:80], [ref[:80]], **options),
                              sacrebleu.corpus_ter(hyp[:80], [ref[:80]], **options))


def several_streams(wmt23_short, n=120):
    """en-de: the hypotheses of one system; the reference and three other systems as streams, with
    holes (None) so that the number of references varies."""
    ref, systems = wmt23_short["en-de"]
    names = sorted(systems)
    streams = [ref[:n]] + [list(systems[name][:n]) for name in names[1:4]]
    for i in range(0, n, 3):
        streams[1][i] = None
    for i in range(0, n, 7):
        streams[3][i] = None
    streams[2][5] = ""  # a real, empty reference
    return systems[names[0]][:n], streams


@pytest.mark.parametrize("options", [{}, {"normalized": True, "case_sensitive": True}, {"no_punct": True}], ids=str)
def test_several_references_with_none(wmt23_short, options):
    hyp, streams = several_streams(wmt23_short)
    mine, theirs = ours.TER(**options), SacreTER(**options)
    a, b = mine.corpus_score(hyp, streams), theirs.corpus_score(hyp, streams)
    assert_same_score(a, b)
    assert_same_signature(mine, theirs)
    assert "nrefs:var" in str(mine.get_signature())
    sig_a, sig_b = str(mine.get_signature()), str(theirs.get_signature())
    assert version_free(a.format(signature=sig_a)) == b.format(signature=sig_b)
    assert version_free(a.format(width=3, signature=sig_a, is_json=True)) == b.format(width=3, signature=sig_b,
                                                                                        is_json=True)
    for i in (0, 1, 5, 21):
        refs = [s[i] for s in streams]
        assert_same_score(mine.sentence_score(hyp[i], refs), theirs.sentence_score(hyp[i], refs))
        assert_same_signature(mine, theirs)
    # all four streams complete: nrefs:4
    full = [[r if r is not None else "" for r in s] for s in streams]
    assert_same_score(mine.corpus_score(hyp, full), theirs.corpus_score(hyp, full))
    assert_same_signature(mine, theirs)


def test_cached_references(wmt23_short):
    hyp, streams = several_streams(wmt23_short, 40)
    mine, theirs = ours.TER(references=streams), SacreTER(references=streams)
    assert_same_score(mine.corpus_score(hyp, None), theirs.corpus_score(hyp, None))
    assert_same_signature(mine, theirs)


@pytest.mark.parametrize("seed", [None, "7"])
@pytest.mark.parametrize("options", [{}, {"normalized": True, "no_punct": True}], ids=str)
def test_corpus_score_bootstrap_equals_sacrebleus(wmt23_short, monkeypatch, seed, options):
    """n_bootstrap: sacrebleu's resamples of float32 [edits, average reference length] rows (three
    references on most segments: fractional lengths, so the float32 summation order matters)."""
    if seed is None:
        monkeypatch.delenv("SACREBLEU_SEED", raising=False)
    else:
        monkeypatch.setenv("SACREBLEU_SEED", seed)
    hyp, streams = several_streams(wmt23_short)
    mine, theirs = ours.metrics.TER(**options), sacrebleu.metrics.TER(**options)
    a, b = mine.corpus_score(hyp, streams, n_bootstrap=120), theirs.corpus_score(hyp, streams, n_bootstrap=120)
    assert_same_score(a, b)
    assert (a._mean, a._ci) == (b._mean, b._ci) and a._mean > 0
    assert (type(a._mean), type(a._ci)) == (type(b._mean), type(b._ci))
    assert_same_signature(mine, theirs)
    assert f"|bs:120|seed:{seed or '12345'}|" in str(mine.get_signature())
    sig_a, sig_b = str(mine.get_signature()), str(theirs.get_signature())
    assert "μ = " in str(a) and str(a) == str(b)
    assert version_free(a.format(signature=sig_a)) == b.format(signature=sig_b)
    assert version_free(a.format(signature=sig_a, is_json=True)) == b.format(signature=sig_b, is_json=True)
    assert a.format(width=1, score_only=True) == b.format(width=1, score_only=True)


EDGE_PAIRS = [("", [""]), ("", ["a b c"]), ("a b c", [""]), ("   ", ["  "]), ("a b", ["", "a b"]),
              ("a a a a a", ["a"]), ("c b a", ["a b c"]), ("Hello , World !!", ["hello world", "HELLO, world!"]),
              ("A&amp;B <x> 東京都に住む。", ["a & b 東京都 に 住む", "東京に住む"]), ("x\ty\n", ["x y", None])]


@pytest.mark.parametrize("options", EVERY_OPTION[::3], ids=str)
def test_edge_texts(options):
    for hyp, refs in EDGE_PAIRS:
        assert_same_score(ours.sentence_ter(hyp, refs, **options), sacrebleu.sentence_ter(hyp, refs, **options))
    hyps = [h for h, _ in EDGE_PAIRS]
    streams = [[r[0] for _, r in EDGE_PAIRS], [r[1] if len(r) > 1 else None for _, r in EDGE_PAIRS]]
    assert_same_score(ours.corpus_ter(hyps, streams, **options), sacrebleu.corpus_ter(hyps, streams, **options))
    for hyps, refs in ([""] * 3, [[""] * 3]), (["a", "", "b c"], [["", "", ""]]):
        assert_same_score(ours.corpus_ter(hyps, refs, **options), sacrebleu.corpus_ter(hyps, refs, **options))


def test_bad_input():
    hyps = ["a b", "c d", "e"]
    with pytest.raises(ValueError, match="Number of references unknown"):
        ours.TER().get_signature()
    with pytest.raises(ValueError, match="zip"):
        ours.corpus_ter(hyps, [["a b"], ["c d"], ["e"]])
    with pytest.raises(ValueError, match="2 segments but there are 3 hypotheses"):
        ours.corpus_ter(hyps, [["a", "b"]])
    with pytest.raises(TypeError, match="reference streams"):
        ours.corpus_ter(hyps, "a b")
    with pytest.raises(TypeError, match="hypotheses"):
        ours.corpus_ter("a b", [["a b"]])
    with pytest.raises(ValueError, match="no reference"):
        ours.corpus_ter(["a"], [[None]])
    with pytest.raises(ValueError, match="no reference"):
        ours.sentence_ter("a", [None])
    with pytest.raises(TypeError, match="hypothesis"):
        ours.sentence_ter(["a"], ["a"])
    with pytest.raises(TypeError, match="references"):
        ours.sentence_ter("a", "a")
    with pytest.raises(RuntimeError, match="no references"):
        ours.TER().corpus_score(hyps, None)
    for name in OPTION_NAMES:
        with pytest.raises(TypeError, match=name):
            ours.TER(**{name: "yes"})


# -- evaluate's ter ----------------------------------------------------------------------------------------------
def evaluate_ter(predictions, references, normalized=False, ignore_punct=False, support_zh_ja_chars=False,
                 case_sensitive=False):
    """sacrebleu called as evaluate's ``ter`` script calls it: references per prediction (a plain
    string is one) transposed into streams; evaluate's option names."""
    if isinstance(references[0], str):
        references = [[ref] for ref in references]
    if len({len(refs) for refs in references}) != 1:
        raise ValueError("Sacrebleu requires the same number of references for each prediction")
    streams = [list(stream) for stream in zip(*references)]
    out = SacreTER(normalized=normalized, no_punct=ignore_punct, asian_support=support_zh_ja_chars,
                   case_sensitive=case_sensitive).corpus_score(predictions, streams)
    return {"score": out.score, "num_edits": out.num_edits, "ref_length": out.ref_length}


EVALUATE_OPTIONS = [dict(zip(("normalized", "ignore_punct", "support_zh_ja_chars", "case_sensitive"), flags))
                    for flags in itertools.product((False, True), repeat=4)][::2]


@pytest.mark.parametrize("options", EVALUATE_OPTIONS, ids=str)
def test_evaluate_ter(wmt23_short, options):
    ref, systems = wmt23_short["en-de"]
    hyp = systems["AIRC"][:100]
    single = ref[:100]
    assert ev.ter(hyp, single, **options) == evaluate_ter(hyp, single, **options)
    several = [[r, systems["GPT4-5shot"][i]] for i, r in enumerate(single)]
    assert ev.ter(hyp, several, **options) == evaluate_ter(hyp, several, **options)
    preds = [h for h, _ in EDGE_PAIRS]
    refs = [r[0] for _, r in EDGE_PAIRS]
    assert ev.ter(preds, refs, **options) == evaluate_ter(preds, refs, **options)


def test_evaluate_ter_zh(wmt23_short):
    ref, systems = wmt23_short["en-zh"]
    hyp, refs = systems["HW-TSC"][:50], [[r] for r in ref[:50]]
    options = {"normalized": True, "support_zh_ja_chars": True}
    assert ev.ter(hyp, refs, **options) == evaluate_ter(hyp, refs, **options)


def test_evaluate_ter_docstring_example():
    predictions = ["does this sentence match??", "what about this sentence?",
                   "What did the TER metric user say to the developer?"]
    references = [["does this sentence match", "does this sentence match!?!"],
                  ["wHaT aBoUt ThIs SeNtEnCe?", "wHaT aBoUt ThIs SeNtEnCe?"], ["Your jokes are...", "...TERrible"]]
    for options in ({"case_sensitive": True}, {"ignore_punct": True}, {"normalized": True, "case_sensitive": True}):
        assert ev.ter(predictions, references, **options) == evaluate_ter(predictions, references, **options)


def test_evaluate_ter_bad_input():
    with pytest.raises(ValueError, match="Sacrebleu requires the same number of references for each prediction"):
        ev.ter(["a", "b"], [["a", "b"], ["c"]])
    with pytest.raises(ValueError, match="differ in length"):
        ev.ter(["a", "b"], ["a"])
    with pytest.raises(TypeError, match="ignore_punct"):
        ev.ter(["a"], ["a"], ignore_punct="yes")
    with pytest.raises(TypeError, match="support_zh_ja_chars"):
        ev.ter(["a"], ["a"], support_zh_ja_chars=None)
