"""WER / CER / MER / WIL / WIP against jiwer 4.0.0 itself, and the alignment kernel against
rapidfuzz's ``Levenshtein.opcodes`` (jiwer's aligner): counts, every rate (==, not approx) and the
alignment chunks, on real text from ../shared/data, on random pairs over 2-4 word vocabularies
(many ties; lengths across rapidfuzz's thresholds: 64 ids, the banded block matrix, Hirschberg
above ~2048 x 2048), Unicode whitespace and characters, empty sides, bad input and threads."""
from __future__ import annotations

import random

import numpy as np
import pytest

import ngramkit
from ngramkit import _core
from ngramkit.compat import jiwer as nj

jiwer = pytest.importorskip("jiwer")
Levenshtein = pytest.importorskip("rapidfuzz.distance").Levenshtein

TAG = {"equal": 0, "replace": 1, "insert": 2, "delete": 3}


def jiwer_counts(alignments) -> list[list[int]]:
    """Per-pair hits, substitutions, deletions, insertions from jiwer's alignment chunks."""
    rows = []
    for chunks in alignments:
        h = s = d = i = 0
        for c in chunks:
            n_ref, n_hyp = c.ref_end_idx - c.ref_start_idx, c.hyp_end_idx - c.hyp_start_idx
            if c.type == "equal":
                h += n_ref
            elif c.type == "substitute":
                s += n_ref
            elif c.type == "delete":
                d += n_ref
            else:
                i += n_hyp
        rows.append([h, s, d, i])
    return rows


def chunk_tuples(alignments) -> list:
    return [[(c.type, c.ref_start_idx, c.ref_end_idx, c.hyp_start_idx, c.hyp_end_idx) for c in row]
            for row in alignments]


def assert_like_jiwer(hyps: list[str], refs: list[str], threads: int = 2) -> int:
    """ngramkit.wer / cer and the compat layer equal jiwer on these pairs; returns the pair count."""
    for ours, process in ((ngramkit.wer, jiwer.process_words), (ngramkit.cer, jiwer.process_characters)):
        want = process(refs, hyps)
        got = ours(hyps, refs, threads=threads)
        assert got.statistics[:, :4].tolist() == jiwer_counts(want.alignments)
        assert (got.hits, got.substitutions, got.deletions, got.insertions) == (
            want.hits, want.substitutions, want.deletions, want.insertions)
        if process is jiwer.process_words:
            assert (got.wer, got.mer, got.wil, got.wip) == (want.wer, want.mer, want.wil, want.wip)
            compat = nj.process_words(refs, hyps, threads=threads)
            assert (compat.wer, compat.mer, compat.wil, compat.wip) == (want.wer, want.mer, want.wil, want.wip)
        else:
            assert got.cer == want.cer
            compat = nj.process_characters(refs, hyps, threads=threads)
            assert compat.cer == want.cer
        assert compat.references == want.references and compat.hypotheses == want.hypotheses
        assert chunk_tuples(compat.alignments) == chunk_tuples(want.alignments)
    return len(hyps)


def id_batch(rows):
    offsets = np.zeros(len(rows) + 1, np.int64)
    offsets[1:] = np.cumsum([len(r) for r in rows])
    ids = np.fromiter((x for r in rows for x in r), np.int32, int(offsets[-1]))
    return ids, offsets


def assert_ids_like_rapidfuzz(refs: list[list[int]], hyps: list[list[int]]) -> int:
    """Kernel opcodes and counts == rapidfuzz's Levenshtein.opcodes(ref, hyp) on every pair."""
    rows, offsets = _core.edit_opcodes_ids(*id_batch(hyps), *id_batch(refs), 2)
    counts = ngramkit.wer(hyps, refs, threads=2).statistics
    for k, (r, h) in enumerate(zip(refs, hyps)):
        want = [(TAG[t], a, b, c, d) for t, a, b, c, d in Levenshtein.opcodes(r, h)]
        assert [tuple(x) for x in rows[offsets[k]:offsets[k + 1]].tolist()] == want, (k, len(r), len(h))
        h_, s_, i_, d_ = (sum((b - a) if t != 2 else (d - c) for t, a, b, c, d in want if t == tag)
                          for tag in range(4))
        assert counts[k].tolist() == [h_, s_, d_, i_, len(r)], (k, len(r), len(h))
    return len(refs)


# --- real text -------------------------------------------------------------------------------------


def test_dialogsum_summaries(dialogsum):
    hyp, refs = dialogsum
    assert assert_like_jiwer(hyp, refs[0]) == 500
    assert assert_like_jiwer(refs[1], refs[2]) == 500


def test_dialogsum_dialogues_against_summaries(shared_data):
    """Long, multi-line texts (speaker turns separated by newlines) against short ones."""
    import json

    records = [json.loads(line) for line in (shared_data / "dialogsum" / "dialogsum.test.jsonl").open(encoding="utf-8")]
    dialogues = [r["dialogue"] for r in records[:120]]
    summaries = [r["summary1"] for r in records[:120]]
    assert_like_jiwer(summaries, dialogues)


@pytest.mark.parametrize("pair", ["en-de", "en-zh", "en-ja"])
def test_wmt23_system_outputs(shared_data, pair):
    txt = shared_data / "wmt23" / "txt"
    lang = pair.split("-")[1]
    refs = (txt / "references" / f"generaltest2023.{pair}.ref.refA.{lang}").read_text(encoding="utf-8").split("\n")
    hyps = (txt / "system-outputs" / f"generaltest2023.{pair}.hyp.ONLINE-B.{lang}").read_text(
        encoding="utf-8").split("\n")
    n = min(len(refs), len(hyps), 400)
    assert assert_like_jiwer(hyps[:n], refs[:n]) == n


# --- random pairs over tiny vocabularies (ties everywhere) -------------------------------------------


def _random_pairs(rng: random.Random, count: int, lo: int, hi: int):
    refs, hyps = [], []
    for _ in range(count):
        vocab = rng.randint(2, 4)
        ref = [rng.randrange(vocab) for _ in range(rng.randint(lo, hi))]
        if rng.random() < 0.5:
            hyp = [rng.randrange(vocab) for _ in range(rng.randint(lo, hi))]
        else:  # an edited copy: small distances, narrow bands
            hyp = list(ref)
            for _ in range(rng.randint(0, max(1, len(ref) // rng.choice([2, 8, 40])))):
                p, op = rng.randint(0, len(hyp)), rng.random()
                if op < 0.33 and p < len(hyp):
                    hyp[p] = rng.randrange(vocab)
                elif op < 0.66:
                    hyp.insert(p, rng.randrange(vocab))
                elif p < len(hyp):
                    del hyp[p]
        refs.append(ref)
        hyps.append(hyp)
    return refs, hyps


@pytest.mark.parametrize("lo,hi,count", [(0, 80, 4000), (60, 200, 400), (900, 1500, 30), (2000, 3200, 6)])
def test_random_ids_like_rapidfuzz(lo, hi, count):
    refs, hyps = _random_pairs(random.Random(lo * 7919 + hi), count, lo, hi)
    assert assert_ids_like_rapidfuzz(refs, hyps) == count


def test_long_edited_ids_like_rapidfuzz():
    """Hirschberg splits with narrow bands in the halves (few edits) and wide ones (many)."""
    rng = random.Random(11)
    refs, hyps = [], []
    for vocab, n, edits in [(2, 5000, 10), (3, 6000, 300), (50, 4000, 2000), (10000, 8000, 40), (4, 3000, 3000),
                             (1000, 30000, 300)]:
        ref = [rng.randrange(vocab) for _ in range(n)]
        hyp = list(ref)
        for _ in range(edits):
            p, op = rng.randrange(len(hyp)), rng.random()
            if op < 0.33:
                hyp[p] = rng.randrange(vocab)
            elif op < 0.66:
                hyp.insert(p, rng.randrange(vocab))
            else:
                del hyp[p]
        refs += [ref, hyp]
        hyps += [hyp, ref]
    assert_ids_like_rapidfuzz(refs, hyps)


def test_random_words_like_jiwer():
    rng = random.Random(5)
    words = ["a", "b", "c", "dd"]
    refs, hyps = _random_pairs(rng, 1500, 0, 80)
    extra_r, extra_h = _random_pairs(rng, 12, 65, 1100)
    ref_text = [" ".join(words[x] for x in r) for r in refs + extra_r]
    hyp_text = [" ".join(words[x] for x in h) for h in hyps + extra_h]
    assert assert_like_jiwer(hyp_text, ref_text) == 1512


def test_per_pair_rates_equal_jiwer_pair_by_pair():
    rng = random.Random(9)
    refs, hyps = _random_pairs(rng, 300, 0, 12)
    ref_text = [" ".join("wxyz"[v] for v in r) for r in refs]
    hyp_text = [" ".join("wxyz"[v] for v in h) for h in hyps]
    rates = ngramkit.wer(hyp_text, ref_text).pair_rates()
    for k, (r, h) in enumerate(zip(ref_text, hyp_text)):
        want = jiwer.process_words(r, h)
        got = tuple(float(rates[m][k]) for m in ("wer", "mer", "wil", "wip"))
        assert got == (want.wer, want.mer, want.wil, want.wip), (r, h)


# --- text semantics ----------------------------------------------------------------------------------

WHITESPACE_CASES = [
    "a b", "  a   b  ", "a\tb", "a\t\tb", "a \tb", "a\nb", "a\n\nb c", "\ta b\t", "a\u00a0b", "a\u00a0\u00a0b",
    "a\u3000b", "a\x1cb", "a\x1c\x1db", "a\u200bb", "a\u2028 b", "x\r\ny", " \t\n ", "", " ", "\u00a0", "a \u0085b",
    "naïve café", "e\u0301 e", "😀 😀😀 🇩🇪", "中文 字符", "a  ", "\x0bz",
]


def test_unicode_whitespace_and_characters_like_jiwer():
    refs = WHITESPACE_CASES
    hyps = WHITESPACE_CASES[1:] + WHITESPACE_CASES[:1]
    assert_like_jiwer(hyps, refs)
    assert_like_jiwer(refs, hyps)


def test_empty_hypotheses_and_references_like_jiwer():
    assert_like_jiwer(["", "", "a b"], ["a b c", "x", "a b"])
    assert_like_jiwer(["a b", ""], ["", "x"])  # an empty reference among others
    for hyps, refs in ((["a b"], [""]), ([""], [""]), (["", " "], ["  ", ""])):  # all references empty
        want = jiwer.process_words(refs, hyps)
        got = ngramkit.wer(hyps, refs)
        assert (got.wer, got.mer, got.wil, got.wip) == (want.wer, want.mer, want.wil, want.wip)
        assert (nj.wer(refs, hyps), nj.mer(refs, hyps), nj.wil(refs, hyps), nj.wip(refs, hyps)) == (
            jiwer.wer(refs, hyps), jiwer.mer(refs, hyps), jiwer.wil(refs, hyps), jiwer.wip(refs, hyps))
        assert type(nj.wer(refs, hyps)) is type(jiwer.wer(refs, hyps))


def test_issue_example_insertion_then_substitution():
    out = nj.process_words("the cat sat", "the cat sit on")
    assert chunk_tuples(out.alignments) == chunk_tuples(jiwer.process_words("the cat sat", "the cat sit on").alignments)
    assert (out.substitutions, out.insertions) == (1, 1)


# --- compat layer: signatures and transforms ------------------------------------------------------------


def test_compat_measures_and_str_inputs():
    ref, hyp = "quite a bit of longer sentence", "quite bit of an even longest sentence here"
    for name in ("wer", "mer", "wil", "wip", "cer"):
        assert getattr(nj, name)(ref, hyp) == getattr(jiwer, name)(ref, hyp)
        assert getattr(nj, name)([ref, "x"], [hyp, "y"]) == getattr(jiwer, name)([ref, "x"], [hyp, "y"])
    assert nj.wer([], []) == jiwer.wer([], [])
    out, want = nj.process_words([ref, "a b"], [hyp, "a c"]), jiwer.process_words([ref, "a b"], [hyp, "a c"])
    assert nj.visualize_alignment(out) == jiwer.visualize_alignment(want)
    out, want = nj.process_characters(ref, hyp), jiwer.process_characters(ref, hyp)
    assert nj.visualize_alignment(out, line_width=20) == jiwer.visualize_alignment(want, line_width=20)


@pytest.mark.parametrize("transform", [
    jiwer.wer_standardize, jiwer.wer_contiguous,
    jiwer.Compose([jiwer.ToLowerCase(), jiwer.RemovePunctuation(), jiwer.ReduceToListOfListOfWords()]),
    jiwer.Compose([jiwer.RemoveMultipleSpaces(), jiwer.Strip(), jiwer.ReduceToListOfListOfWords()]),
    jiwer.Compose([jiwer.Strip(), jiwer.ReduceToListOfListOfChars()]),
    jiwer.Compose([jiwer.RemoveWhiteSpace(replace_by_space=False), jiwer.ReduceToListOfListOfChars()]),
])
def test_compat_transforms(dialogsum, transform):
    hyp, refs = dialogsum
    hyp, ref = hyp[:100], refs[0][:100]
    want, got = jiwer.process_words(ref, hyp, transform, transform), nj.process_words(ref, hyp, transform, transform)
    assert (got.wer, got.mer, got.wil, got.wip, got.hits, got.substitutions, got.deletions, got.insertions) == (
        want.wer, want.mer, want.wil, want.wip, want.hits, want.substitutions, want.deletions, want.insertions)
    assert got.references == want.references and chunk_tuples(got.alignments) == chunk_tuples(want.alignments)
    assert nj.cer(ref, hyp, transform, transform) == jiwer.cer(ref, hyp, transform, transform)


def test_compat_mixed_default_and_custom_transforms():
    ref, hyp = ["Hello,  World", "b"], ["hello world!", "B"]
    custom = jiwer.Compose([jiwer.ToLowerCase(), jiwer.ReduceToListOfListOfWords()])
    for r_t, h_t in ((custom, jiwer.wer_default), (jiwer.wer_default, custom), (jiwer.cer_default, custom)):
        assert nj.process_words(ref, hyp, r_t, h_t).wer == jiwer.process_words(ref, hyp, r_t, h_t).wer
    assert nj.cer(ref, hyp, jiwer.wer_default, jiwer.wer_default) == jiwer.cer(ref, hyp, jiwer.wer_default,
                                                                               jiwer.wer_default)


# --- token ids, results, threads, bad input --------------------------------------------------------------


def test_id_layouts_agree():
    import pyarrow as pa

    rng = random.Random(3)
    refs, hyps = _random_pairs(rng, 200, 0, 30)
    want = ngramkit.wer(hyps, refs).statistics
    assert (ngramkit.wer(ngramkit.TokenBatch.from_lists(hyps), ngramkit.TokenBatch.from_lists(refs)).statistics
            == want).all()
    assert (ngramkit.wer(pa.array(hyps, pa.list_(pa.int32())), pa.array(refs, pa.list_(pa.int64()))).statistics
            == want).all()
    assert (ngramkit.wer([np.array(h, np.int64) for h in hyps], refs).statistics == want).all()
    assert (ngramkit.cer(hyps, refs).statistics == want).all()  # ids: one id per unit either way


def test_threads_combine_and_from_statistics(dialogsum):
    hyp, refs = dialogsum
    one = ngramkit.wer(hyp, refs[0], threads=1)
    for threads in (2, 3, 7):
        assert (ngramkit.wer(hyp, refs[0], threads=threads).statistics == one.statistics).all()
    parts = ngramkit.wer(hyp[:123], refs[0][:123]).combine(ngramkit.wer(hyp[123:], refs[0][123:]))
    assert (parts.wer, parts.mer, parts.wil, parts.wip) == (one.wer, one.mer, one.wil, one.wip)
    import pickle

    back = pickle.loads(pickle.dumps(one))
    assert (back.wer, back.wip) == (one.wer, one.wip) and (back.statistics == one.statistics).all()
    again = ngramkit.WerResult.from_statistics(one.statistics)
    assert again.wer == one.wer and again.statistics.dtype == np.int64
    c = ngramkit.cer(hyp, refs[0])
    assert ngramkit.CerResult.from_statistics(c.statistics).cer == c.cer == jiwer.cer(refs[0], hyp)
    with pytest.raises(ValueError, match="combine"):
        one.combine(c)
    rates = one.pair_rates()
    assert set(rates) == {"wer", "mer", "wil", "wip"} and all(v.dtype == np.float64 and v.shape == (500,)
                                                              for v in rates.values())


@pytest.mark.parametrize("predictions,references,error,name", [
    (None, ["a"], TypeError, "predictions"),
    (["a"], None, TypeError, "references"),
    ([b"a"], ["a"], TypeError, "predictions"),
    (["a"], [b"a"], TypeError, "references"),
    ({"a"}, ["a"], TypeError, "predictions"),
    (["a"], {"a"}, TypeError, "references"),
    ("a", ["a"], TypeError, "predictions"),
    (["a", "b"], ["a"], ValueError, "predictions and references"),
    (["a"], [["a", "b"]], ValueError, "references"),
    ([None], ["a"], TypeError, "predictions"),
    ([[1, 2]], [[1, -2]], ValueError, "references"),
    (["a"], [[1]], TypeError, "predictions"),
])
@pytest.mark.parametrize("metric", [ngramkit.wer, ngramkit.cer])
def test_bad_input_names_the_argument(metric, predictions, references, error, name):
    with pytest.raises(error, match=name):
        metric(predictions, references)


@pytest.mark.parametrize("reference,hypothesis,name", [
    (None, "a", "reference"), ("a", None, "hypothesis"), (b"a", "a", "reference"), ({"a"}, "a", "reference"),
    (["a", 1], ["a", "b"], r"reference\[1\]"),
])
def test_compat_bad_input(reference, hypothesis, name):
    with pytest.raises(TypeError, match=name):
        nj.wer(reference, hypothesis)
    with pytest.raises(ValueError, match="lengths must match"):
        nj.wer(["a", "b"], ["a"])


def test_text_layouts_agree(dialogsum):
    import pyarrow as pa

    hyp, refs = dialogsum
    want = ngramkit.wer(hyp, refs[0]).statistics
    assert (ngramkit.wer(pa.array(hyp), pa.array(refs[0])).statistics == want).all()
    assert (ngramkit.wer(np.array(hyp), refs[0]).statistics == want).all()
    assert (ngramkit.wer(pa.chunked_array([hyp[:7], hyp[7:]]), tuple(refs[0])).statistics == want).all()


def test_random_whitespace_texts_like_jiwer():
    """Random strings over words, spaces and other whitespace code points (lone and in runs):
    jiwer's RemoveMultipleSpaces + Strip + split(" ") reproduced exactly, words and characters."""
    rng = random.Random(17)
    alphabet = ["a", "b", "é", "😀", " ", " ", "\t", "\n", "\r", "\x0b", "\x1c", "\x85", "\xa0", "\u2003", "\u3000",
                "\u200b", "\ufeff"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25))) for _ in range(1200)]
    assert assert_like_jiwer(texts[:600], texts[600:]) == 600
