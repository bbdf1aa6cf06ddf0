"""Threaded ingest (issues 7 and 10): list[str] and list[list[int]] become kernel buffers on every
thread, text is scored in bounded chunks; every result is the same whatever the thread count and
chunking."""
from __future__ import annotations

import importlib
import random

import numpy as np
import pytest

import ngramkit
import oracle
from ngramkit import _core
from ngramkit.ingest import _ingest

rouge_module = importlib.import_module("ngramkit.metrics.rouge_statistics")

ALPHABET = ["a", "Z", " ", "\n", "é", "ÿ", "\x80", "Ω", "中", "\ud800", "\udfff", "😀", "\U0010ffff", "\x00", "ﬀ",
            "İ", "3", ".", "-"]


def _texts(rng: random.Random, n: int, max_len: int = 30) -> list[str]:
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, max_len))) for _ in range(n)]


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_threaded_utf8_equals_serial(threads):
    rng = random.Random(threads)
    for n in (0, 1, 7, 5000, 20_000):
        texts = _texts(rng, n)
        got, want = _core.utf8_batch(texts, threads), _ingest.utf8_batch(texts, "t")
        assert got[0].dtype == want[0].dtype and got[1].dtype == want[1].dtype
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_threaded_utf8_of_latin1_and_long_texts(threads):
    """Width-1 and width-2 strs (blocks of ASCII copied whole, others encoded unit by unit) of every length
    around the block size, and a few long documents (split over the threads by characters, not by
    count), give str.encode's bytes."""
    rng = random.Random(10 + threads)
    latin1 = ["a", "Z", " ", "\n", "é", "ÿ", "\x80", "\xa0", "\x00", "3", "."]
    short = ["".join(rng.choice(latin1) for _ in range(n)) for n in range(70) for _ in range(3)]
    ascii_heavy = ["".join(rng.choice("abc ") for _ in range(n)) + "é" + "x" * (n % 17) for n in range(40)]
    documents = ["".join(rng.choice(latin1 + ["abcdefghijklmnop"] * 8) for _ in range(20_000)) for _ in range(5)]
    ucs2 = [t + "„" + t.upper() + "\ud800" for t in short[::4]]  # width 2: 8-unit blocks packed or encoded
    for texts in (short, ascii_heavy, documents, documents + short, ucs2, [d + "€" for d in documents]):
        data, offsets = _core.utf8_batch(texts, threads)
        encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
        assert bytes(data) == b"".join(encoded)
        assert offsets.tolist() == np.cumsum([0] + [len(e) for e in encoded]).tolist()


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_lowered_utf8_equals_str_lower(threads):
    """utf8_batch_lowered (ROUGE with a sacrebleu tokenizer): the bytes of [t.lower() for t in
    texts] for strs of every width, with the code points a table cannot lower (U+0130 to two code
    points, capital sigma by context, width 4) left to str.lower(), and str subclasses (their own
    lower()) to the Python path."""
    from ngramkit.ingest.lowercase import lower_table, lowered_text_buffers

    class Shouting(str):
        def lower(self):
            return "SUB"

    alphabet = ["a", "Z", "É", "é", "Σ", "σ", "ς", "İ", "Ⱥ", "ẞ", "Ω", "Ａ", "😀", "𐐀", "\ud800", "ß", "Ǆ", "ǅ", " ",
                "Α", "‘", "„", "€", "ÀÞ×", "ǈ", "ᾈ", "ﬃ"]
    rng = random.Random(20 + threads)
    for trial in range(400):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(rng.randint(0, 12))]
        texts += ["ABC" * rng.randint(0, 30), "".join(map(chr, range(rng.randint(0, 255), 256)))]
        if trial % 5 == 0:  # a subclass's lower() may run any code: the Python path calls it
            texts += [Shouting("ÉA"), Shouting("A")]
            assert _core.utf8_batch_lowered(texts, threads, lower_table()) is None
            data, offsets = lowered_text_buffers(texts, "texts", threads)
        else:
            data, offsets = _core.utf8_batch_lowered(texts, threads, lower_table())
        encoded = [t.lower().encode("utf-8", "surrogatepass") for t in texts]
        assert bytes(data) == b"".join(encoded), texts
        assert offsets.tolist() == np.cumsum([0] + [len(e) for e in encoded]).tolist()
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        lowered_text_buffers(["a", 3], "texts", threads)
    with pytest.raises(ValueError, match="lower_table"):
        _core.utf8_batch_lowered(["a"], threads, lower_table()[:10])


def test_threaded_utf8_declines_non_str():
    class Sub(str):
        pass

    assert _core.utf8_batch(["a", 1], 2) is None
    assert _core.utf8_batch(["a"] * 9000 + [None], 2) is None
    data, offsets = _core.utf8_batch([Sub("hé")], 2)
    assert bytes(data) == "hé".encode() and offsets.tolist() == [0, 3]


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_threaded_int_rows_equal_serial(threads):
    rng = random.Random(threads)
    values = [0, 1, 5, 2**15, 2**30 - 1, 2**30, 2**31 - 2, 2**31 - 1]
    for n in (0, 1, 9, 12_000):
        rows = [[rng.choice(values) for _ in range(rng.randint(0, 20))] for _ in range(n)]
        rows = [tuple(r) if rng.random() < 0.2 else r for r in rows]
        got, want = _core.int_rows_batch(rows, threads), _ingest.int_rows_batch(rows, "r")
        assert got[0].dtype == np.int32 and np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


@pytest.mark.parametrize("rows", [[[1, -1]], [[2**31]], [[True]], [[1.0]], [np.array([1])], [[np.int64(3)]],
                                  [None], [[2**64]], [[-(2**40)]], [[1]] * 9000 + [[1, "x"]]])
def test_threaded_int_rows_decline_what_the_serial_path_handles(rows):
    assert _core.int_rows_batch(rows, 2) is None


def test_from_lists_any_thread_count_and_the_serial_fallback():
    rows = [[1, 2, 3], (4,), np.array([5, 6], dtype=np.int64), [np.int64(7)]]
    for threads in (None, 1, 2):
        assert ngramkit.TokenBatch.from_lists(rows, threads=threads).to_lists() == [[1, 2, 3], [4], [5, 6], [7]]
    with pytest.raises(ValueError, match=r"rows\[1\]\[0\]"):
        ngramkit.TokenBatch.from_lists([[1], [-3]], threads=2)


@pytest.fixture(scope="module")
def mixed_pairs(dialogsum):
    predictions, references = dialogsum
    rng = random.Random(5)
    preds = list(predictions) * 4 + _texts(rng, 300, 80)
    refs = list(references[0]) * 4 + _texts(rng, 300, 80)
    return preds, refs


def _rouge_arrays(result):
    return {name: (s.precision.tolist(), s.recall.tolist(), s.fmeasure.tolist(),
                   None if s.statistics is None else s.statistics.tolist()) for name, s in result.items()}


@pytest.mark.parametrize("kind", ["text", "lists", "multi"])
def test_rouge_same_for_every_thread_count_and_chunking(mixed_pairs, kind, monkeypatch):
    preds, refs = mixed_pairs
    types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    if kind == "lists":
        batch, _ = ngramkit.tokenize(preds + refs)
        rows = batch.to_lists()
        preds, refs = rows[: len(preds)], rows[len(preds):]
        types = types[:3]
    elif kind == "multi":
        refs = [[r, p] for p, r in zip(preds, refs)]
    want = _rouge_arrays(ngramkit.rouge(preds, refs, types, threads=1))
    for threads in (2, 3):
        assert _rouge_arrays(ngramkit.rouge(preds, refs, types, threads=threads)) == want
    assert _rouge_arrays(ngramkit.rouge(preds, refs, types, threads=2, chunk_size=7)) == want
    monkeypatch.setattr(rouge_module, "CHUNK_TEXT_BYTES", 1)  # chunks of 1024 predictions
    assert _rouge_arrays(ngramkit.rouge(preds, refs, types, threads=2)) == want


@pytest.mark.parametrize("threads", [1, 2, 3, 8])
def test_id_lists_converted_while_scored_match_the_oracle(threads):
    """list[list[int]] predictions and references, one each: the calling thread converts the rows
    a chunk at a time (at most 1024 pairs) while the others score the converted chunks. Over
    several chunks, tuples, empty rows, large ids and a sentence separator, every statistic
    equals the oracle's."""
    rng = random.Random(threads)
    vocabulary = [0, 1, 2, 3, 5, 8, 300, 2**20, 2**31 - 1]

    def row():
        ids = [rng.choice(vocabulary) for _ in range(rng.choice([0, rng.randint(1, 30)]))]
        return tuple(ids) if rng.random() < 0.2 else ids

    n = 3 * 1024 + 17
    preds, refs = [row() for _ in range(n)], [row() for _ in range(n)]
    types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    codes = [1, 2, _core.ROUGE_L, _core.ROUGE_LSUM]
    for separator in (None, 5):
        got = ngramkit.rouge(preds, refs, types, sentence_separator=separator, threads=threads)
        want = [oracle.pair_stats(p, r, codes, separator) for p, r in zip(preds, refs)]
        for t, name in enumerate(types):
            assert got[name].statistics.tolist() == [list(w[t]) for w in want], (separator, name)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_long_id_lists_chunked_by_tokens_equal_a_token_batch(threads):
    """Long rows make chunks of about 64k tokens (tens of pairs) instead of 1024 pairs: the same
    statistics as the TokenBatch path (checked against the oracle elsewhere) at every boundary."""
    rng = random.Random(threads)
    rows = [[rng.randrange(60) for _ in range(rng.randint(100, 900))] for _ in range(400)]
    preds, refs = rows[:200], rows[200:]
    types = ["rouge1", "rouge3", "rougeL", "rougeLsum"]
    got = ngramkit.rouge(preds, refs, types, sentence_separator=7, threads=threads)
    want = ngramkit.rouge(ngramkit.TokenBatch.from_lists(preds), ngramkit.TokenBatch.from_lists(refs), types,
                          sentence_separator=7, threads=1)
    assert _rouge_arrays(got) == _rouge_arrays(want)


def test_id_lists_of_other_layouts_take_the_general_path():
    """What the overlapped conversion declines (numpy ints, several references a prediction,
    lengths that differ, a bad item in a later chunk) is decided by the general ingest as before."""
    preds = [[1, 2, 3], [4, 5]] * 1500
    refs = [[1, 3], [5, 4, 4]] * 1500
    want = ngramkit.rouge(preds, refs, ["rouge1", "rougeL"], threads=2)
    assert _core.rouge_id_rows(preds, refs, [1], -1, 2) is not None
    as_numpy = [[np.int64(t) for t in r] if i == 2999 else r for i, r in enumerate(preds)]
    assert _core.rouge_id_rows(as_numpy, refs, [1], -1, 2) is None
    got = ngramkit.rouge(as_numpy, refs, ["rouge1", "rougeL"], threads=2)
    assert _rouge_arrays(got) == _rouge_arrays(want)
    multi = ngramkit.rouge(preds, [[r, [9]] for r in refs], ["rouge1", "rougeL"], threads=2)
    assert _rouge_arrays(multi) == _rouge_arrays(want)  # [9] never beats the first reference here
    with pytest.raises(ValueError, match="2999 predictions, 3000 references"):
        ngramkit.rouge(preds[:-1], refs, threads=2)
    bad = list(preds)
    bad[2600] = [1, "x"]
    with pytest.raises(TypeError, match=r"predictions\[2600\]"):
        ngramkit.rouge(bad, refs, threads=2)
    bad[2600] = [1, -4]
    with pytest.raises(ValueError, match=r"predictions\[2600\]"):
        ngramkit.rouge(bad, refs, threads=2)


def test_bleu_chrf_same_for_every_thread_count(mixed_pairs):
    preds, refs = mixed_pairs
    one = ngramkit.bleu(preds, refs, threads=1)
    sentence = ngramkit.sentence_bleu(preds, refs, threads=1)
    chrf = ngramkit.chrf(preds, refs, threads=1)
    sentence_chrf = ngramkit.sentence_chrf(preds, refs, word_order=2, threads=1)
    for threads in (2, 3):
        assert ngramkit.bleu(preds, refs, threads=threads).to_dict() == one.to_dict()
        assert ngramkit.sentence_bleu(preds, refs, threads=threads).tolist() == sentence.tolist()
        assert ngramkit.chrf(preds, refs, threads=threads).to_dict() == chrf.to_dict()
        assert ngramkit.sentence_chrf(preds, refs, word_order=2, threads=threads).tolist() == sentence_chrf.tolist()


def test_non_str_in_a_later_chunk_is_named_by_its_batch_index(monkeypatch):
    monkeypatch.setattr(rouge_module, "CHUNK_TEXT_BYTES", 1)
    preds = ["a b"] * 3000
    preds[2500] = 7
    with pytest.raises(TypeError, match=r"predictions\[2500\]"):
        ngramkit.rouge(preds, ["a"] * 3000, threads=2)


def test_rouge_text_writes_into_out():
    data, offsets = _core.utf8_batch(["a b c", "x"], 1)
    out = np.full((2, 2, 3), -1, dtype=np.int64)
    got = _core.rouge_text(data, offsets, data, offsets, np.arange(3, dtype=np.int64), [1, 10], False, 2, out=out)
    assert np.shares_memory(got, out) and out[:, 0].tolist() == [[3, 3, 3], [1, 1, 1]]
    with pytest.raises(ValueError, match="out"):
        _core.rouge_text(data, offsets, data, offsets, np.arange(3, dtype=np.int64), [1], False, 1, out=out)
    with pytest.raises(TypeError, match="out"):
        _core.rouge_text(data, offsets, data, offsets, np.arange(3, dtype=np.int64), [1, 10], False, 1,
                         out=out.astype(np.int32))
