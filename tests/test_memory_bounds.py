"""Bounded memory on hostile input (issue 8 items 3 and 7), and the bounded-memory LCS forms
equal to rouge-score.

Long LCS problems switch to compact match masks and a checkpointed rougeLsum traceback (see
csrc/metrics/lcs.hpp); ``_core._set_lcs_memory_limits`` lowers the switch-over point so the bounded forms
run on every pair here and are compared with rouge-score itself.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap

import pytest

import ngramkit
from conftest import SHARED_DATA
from ngramkit import _core

rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")

SRC = os.path.dirname(os.path.dirname(os.path.abspath(ngramkit.__file__)))


@pytest.fixture
def tiny_lcs_limits():
    old = _core._set_lcs_memory_limits(1, 1)
    try:
        yield
    finally:
        _core._set_lcs_memory_limits(*old)


def _random_summary(rng: random.Random, words: list[str]) -> str:
    sentences = []
    for _ in range(rng.choice([1, 1, 2, 3, 5])):
        n = rng.choice([0, 1, 3, 20, 63, 64, 65, 129, 300])
        sentences.append(" ".join(rng.choice(words) for _ in range(n)))
    return "\n".join(sentences)


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_bounded_lcs_forms_equal_rouge_score(tiny_lcs_limits, use_stemmer):
    rng = random.Random(3)
    types = ["rougeL", "rougeLsum"]
    scorer = rouge_scorer.RougeScorer(types, use_stemmer=use_stemmer)
    preds, refs = [], []
    for _ in range(120):
        words = [f"w{i}" for i in range(rng.choice([2, 4, 30, 500]))] + ["running", "runs", "the"]
        preds.append(_random_summary(rng, words))
        refs.append(_random_summary(rng, words))
    result = ngramkit.rouge(preds, refs, types, use_stemmer=use_stemmer)
    for i, (p, r) in enumerate(zip(preds, refs)):
        expected = scorer.score(r, p)
        for name in types:
            assert tuple(result[name][i]) == tuple(expected[name]), (i, name)


def test_bounded_lcs_forms_on_realsumm(tiny_lcs_limits, realsumm_pairs):
    pairs = realsumm_pairs[:300]
    types = ["rougeL", "rougeLsum"]
    scorer = rouge_scorer.RougeScorer(types)
    result = ngramkit.rouge([o for o, _ in pairs], [r for _, r in pairs], types)
    for i, (o, r) in enumerate(pairs):
        expected = scorer.score(r, o)
        for name in types:
            assert tuple(result[name][i]) == tuple(expected[name]), (i, name)


def _run_measured(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints a JSON dict. Adds ``rss_growth_mb``: the
    peak RSS above the RSS after the setup (``setup_done()``)."""
    prelude = textwrap.dedent("""
        import json, resource
        def _peak_mb():
            # VmHWM: ru_maxrss keeps the forking parent's peak across exec (Linux), hiding growth
            # below the pytest process's size.
            try:
                with open("/proc/self/status") as f:
                    return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:")) / 1024
            except (OSError, StopIteration):
                return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        _base = [0.0]
        def setup_done():
            _base[0] = _peak_mb()
        def report(**kw):
            kw["rss_growth_mb"] = _peak_mb() - _base[0]
            print(json.dumps(kw))
    """)
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], env=env, check=True,
                         capture_output=True, text=True, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB is Linux")
@pytest.mark.parametrize("vocab", [50, 100_000])
def test_rougelsum_single_60k_token_sentence_bounded_memory(vocab):
    """One 60,000-token sentence a side: the full traceback table was 474 MB (and the match masks
    up to 900 MB more with many distinct tokens); bounded now. With one sentence a side
    rouge-score's union LCS is the LCS itself, so rougeLsum's statistics equal rougeL's."""
    got = _run_measured(f"""
        import random
        import ngramkit
        rng = random.Random(0)
        words = [f"w{{i}}" for i in range({vocab})]
        a = " ".join(rng.choice(words) for _ in range(60_000))
        b = " ".join(rng.choice(words) for _ in range(60_000))
        ngramkit.rouge(["x"], ["x"], ["rougeLsum"], threads=1)
        setup_done()
        res = ngramkit.rouge([a], [b], ["rougeL", "rougeLsum"], threads=1)
        report(L=res["rougeL"].statistics.tolist(), Lsum=res["rougeLsum"].statistics.tolist())
    """)
    assert got["Lsum"] == got["L"]
    assert got["L"][0][1:] == [60_000, 60_000]
    assert got["rss_growth_mb"] < 100, got


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


_PREDS = ["the cat sat on the mat\nit was happy", "a dog barked at the running postman", "", "İ K \u212a 3.14",
          "summaries of summaries\n\nand more summaries"] * 4
_REFS = [["the cat was on the mat", "a cat sat\non a mat"], ["the dog barked loudly"], ["nothing"],
         ["i k k 3 14"], ["summary\nof more", "and summaries"]] * 4


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc (Linux)")
@pytest.mark.parametrize("call", ["rouge_text", "rouge_ids", "bleu", "chrf"])
def test_scoring_the_same_batch_10000_times_keeps_rss_flat(call):
    batch, _ = ngramkit.tokenize(_PREDS + [r for g in _REFS for r in g])
    id_preds = batch.slice(0, len(_PREDS))
    flat_refs = [r for g in _REFS for r in g]
    single_refs = batch.slice(len(_PREDS), len(_PREDS) + len(_PREDS))  # one reference each for ids
    fn = {
        "rouge_text": lambda: ngramkit.rouge(_PREDS, _REFS, ["rouge1", "rouge2", "rougeL", "rougeLsum"], threads=2),
        "rouge_ids": lambda: ngramkit.rouge(id_preds, single_refs, ["rouge1", "rouge4", "rougeL"], threads=2),
        "bleu": lambda: (ngramkit.bleu(_PREDS, _REFS, threads=2), ngramkit.sentence_bleu(_PREDS, _REFS)),
        "chrf": lambda: (ngramkit.chrf(_PREDS, _REFS, word_order=2), ngramkit.sentence_chrf(_PREDS, _REFS)),
    }[call]
    assert len(flat_refs) > len(_PREDS)
    for _ in range(500):  # warm up: allocator pools, caches, thread workspaces
        fn()
    before = _rss_mb()
    for _ in range(10_000):
        fn()
    growth = _rss_mb() - before
    print(f"{call}: RSS {before:.1f} MB -> +{growth:.2f} MB after 10,000 calls")
    assert growth < 4.0, f"{call}: RSS grew {growth:.2f} MB over 10,000 calls"


# n_chars of random words (2-9 letters from a vocabulary of `vocab`): many distinct character
# n-grams, the hard case for an n-gram table. Source text, so a measured subprocess can run it too.
_RANDOM_WORD_LINE = """
def random_word_line(seed, n_chars, vocab=50_000):
    import random
    rng = random.Random(0)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00fc") for _ in range(rng.randint(2, 9)))
             for _ in range(vocab)]
    pick = random.Random(seed)
    out, size = [], 0
    while size < n_chars:
        out.append(pick.choice(words))
        size += len(out[-1]) + 1
    return " ".join(out)[:n_chars]
"""
exec(_RANDOM_WORD_LINE)
_NEWS_REF = SHARED_DATA / "wmt23" / "txt" / "references" / "generaltest2023.en-de.ref.refA.de"
_NEWS_HYP = SHARED_DATA / "wmt23" / "txt" / "system-outputs" / "generaltest2023.en-de.hyp.ONLINE-B.de"


@pytest.mark.parametrize("word_order", [0, 2])
def test_chrf_long_texts_equal_sacrebleu(word_order):
    """Predictions beyond the short-text table (about 22,000 characters) are counted one order at
    a time in tables that grow with the distinct n-grams; equal to sacrebleu, with one and with
    several references, also keeping whitespace."""
    CHRF = pytest.importorskip("sacrebleu.metrics").CHRF
    hyps = [random_word_line(1, 40_000, 2_000), random_word_line(2, 30_000), "a b c " * 6_000]
    refs = [[random_word_line(3, 35_000, 2_000)], [random_word_line(4, 25_000), hyps[0][:30_000]],
            ["a b c d " * 4_000]]
    for whitespace in (False, True):
        got = ngramkit.sentence_chrf(hyps, refs, word_order=word_order, whitespace=whitespace, threads=1)
        metric = CHRF(word_order=word_order, whitespace=whitespace)
        assert got.tolist() == [metric.sentence_score(h, r).score for h, r in zip(hyps, refs)]
        corpus = ngramkit.chrf(hyps, [r[0] for r in refs], word_order=word_order, whitespace=whitespace)
        assert corpus.score == metric.corpus_score(hyps, [[r[0] for r in refs]]).score


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB is Linux")
@pytest.mark.parametrize("kind", ["repeated_news", "random_words"])
def test_chrf_long_line_bounded_memory(kind):
    """One 2,000,000-character line a side: chrF's peak RSS growth was ~290 bytes per character
    (an n-gram table sized for every n-gram of every order); now ~30 (real text repeated) and ~60
    (random words) bytes per character of the line (README, Memory)."""
    n = 2_000_000
    if kind == "repeated_news":
        if not _NEWS_REF.is_file():
            pytest.skip("shared WMT23 data not found")
        setup = textwrap.dedent(f"""
            t1 = " ".join(open({str(_NEWS_REF)!r}, encoding="utf-8").read().split("\\n"))
            t2 = " ".join(open({str(_NEWS_HYP)!r}, encoding="utf-8").read().split("\\n"))
            a = (t2 * ({n} // len(t2) + 1))[:{n}]
            b = (t1 * ({n} // len(t1) + 1))[:{n}]
        """)
    else:
        setup = _RANDOM_WORD_LINE + f"a, b = random_word_line(1, {n}), random_word_line(2, {n})\n"
    got = _run_measured(setup + textwrap.dedent("""
        import ngramkit
        ngramkit.chrf(["x y"], ["x z"], threads=1)
        setup_done()
        res = ngramkit.chrf([a], [b], threads=1)
        report(score=res.score)
    """))
    bytes_per_char = got["rss_growth_mb"] * 2**20 / n
    print(f"chrF {kind}: +{got['rss_growth_mb']:.0f} MB, {bytes_per_char:.1f} bytes per character")
    assert 0 < got["score"] < 100
    assert bytes_per_char < 90, got
