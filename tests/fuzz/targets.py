"""Fuzz targets: each takes the fuzzer's bytes, builds an input from them and checks ngramkit
against the reference package in-process (rouge-score, sacrebleu) or the pure-Python oracle
(tests/oracle.py). A target raises AssertionError on a wrong answer; malformed input must raise a
clean Python exception (TypeError, ValueError, OverflowError), never crash.

Run them with ``python -m tests.fuzz.run`` (see that module).
"""
from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

try:
    from atheris import FuzzedDataProvider
except ImportError:  # pragma: no cover - the runner checks for atheris first
    FuzzedDataProvider = None

import oracle  # noqa: E402  (tests/oracle.py)

import ngramkit  # noqa: E402
from ngramkit import _core  # noqa: E402
from ngramkit.ingest.inputs import text_buffers  # noqa: E402

ROUGE_TYPES = [f"rouge{n}" for n in range(1, 10)] + ["rougeL", "rougeLsum"]
CLEAN_ERRORS = (TypeError, ValueError, OverflowError)

# pieces that exercise rouge-score's lowercasing, [a-z0-9] separators, the Porter stemmer and
# sacrebleu's tokenizers; raw Unicode from the fuzzer is mixed in too
PIECES = ["the", "a", "cat", "running", "runs", "run", "generously", "ponies", "caresses", "İ", "K",
          "\u212a", "é", "Straße", "3.14", "1,000", "don't", "U.S.A.", "ﬁ", "İstanbul", "x_y-z", "日本語",
          "中文", "한국어", "'s", "(", ")", "-", "&quot;", "&amp;", "<skipped>", "—", "…", "\u00a0", "\t",
          "Ⅻ", "ǅ", "ΣΑΣ", "٣", "🙂", "a\u0301", ""]
SEPARATORS = [" ", " ", " ", "\n", ", ", ". ", "-", "\r\n", "  ", ""]


def _text(fdp, max_pieces: int = 40) -> str:
    mode = fdp.ConsumeIntInRange(0, 3)
    if mode == 0:
        return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 60))
    parts = []
    for _ in range(fdp.ConsumeIntInRange(0, max_pieces)):
        k = fdp.ConsumeIntInRange(0, len(PIECES) + 1)
        if k < len(PIECES):
            parts.append(PIECES[k])
        else:
            parts.append(fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 6)))
        parts.append(SEPARATORS[fdp.ConsumeIntInRange(0, len(SEPARATORS) - 1)])
    return "".join(parts)


# ----------------------------------------------------------------------------------------------
# ROUGE from text vs rouge-score
# ----------------------------------------------------------------------------------------------
_scorers = {}


def _scorer(use_stemmer: bool):
    if use_stemmer not in _scorers:
        from rouge_score import rouge_scorer

        _scorers[use_stemmer] = rouge_scorer.RougeScorer(ROUGE_TYPES, use_stemmer=use_stemmer)
    return _scorers[use_stemmer]


def rouge_text(data: bytes) -> None:
    fdp = FuzzedDataProvider(data)
    use_stemmer = fdp.ConsumeBool()
    pred = _text(fdp)
    refs = [_text(fdp) for _ in range(fdp.ConsumeIntInRange(1, 3))]
    got = ngramkit.rouge([pred], [refs], ROUGE_TYPES, use_stemmer=use_stemmer, threads=1)
    expected = _scorer(use_stemmer).score_multi(refs, pred)
    for name in ROUGE_TYPES:
        assert tuple(got[name][0]) == tuple(expected[name]), (name, pred, refs, tuple(got[name][0]), expected[name])
    mean = ngramkit.rouge([pred], [refs], ["rouge1", "rougeLsum"], use_stemmer=use_stemmer, multi_reference="mean")
    for name in ("rouge1", "rougeLsum"):
        per_ref = [tuple(_scorer(use_stemmer).score(r, pred)[name]) for r in refs]
        assert tuple(mean[name][0]) == tuple(sum(v) / len(v) for v in zip(*per_ref)), (name, pred, refs)


# ----------------------------------------------------------------------------------------------
# ROUGE over token ids: valid batches vs the oracle; malformed buffers -> clean exceptions
# ----------------------------------------------------------------------------------------------
def _rows(fdp, n: int, vocab: int, max_len: int = 24) -> list[list[int]]:
    return [[fdp.ConsumeIntInRange(0, vocab - 1) for _ in range(fdp.ConsumeIntInRange(0, max_len))] for _ in range(n)]


def _flat(rows):
    ids = np.array([t for r in rows for t in r], dtype=np.int32)
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=offsets[1:])
    return ids, offsets


def _valid_ragged(ids, offsets) -> bool:
    return (isinstance(ids, np.ndarray) and ids.dtype == np.int32 and ids.ndim == 1 and ids.flags.c_contiguous
            and isinstance(offsets, np.ndarray) and offsets.dtype == np.int64 and offsets.ndim == 1
            and offsets.flags.c_contiguous and len(offsets) >= 1 and offsets[0] >= 0
            and bool(np.all(np.diff(offsets) >= 0)) and offsets[-1] <= len(ids)
            and bool(np.all(ids[offsets[0]:offsets[-1]] >= 0)))


def _rows_of(ids, offsets):
    return [ids[offsets[i]:offsets[i + 1]].tolist() for i in range(len(offsets) - 1)]


MUTATIONS = ("none", "offset", "dtype_ids", "dtype_offsets", "negative_id", "groups", "codes", "strided",
             "two_d", "threads", "separator")


def rouge_ids(data: bytes) -> None:
    fdp = FuzzedDataProvider(data)
    vocab = fdp.ConsumeIntInRange(1, 8)
    n_pred = fdp.ConsumeIntInRange(0, 4)
    preds = _rows(fdp, n_pred, vocab)
    sizes = [fdp.ConsumeIntInRange(1, 3) for _ in range(n_pred)]
    refs = _rows(fdp, sum(sizes), vocab)
    groups = np.zeros(n_pred + 1, dtype=np.int64)
    np.cumsum(sizes, out=groups[1:])
    codes = sorted({fdp.ConsumeIntInRange(1, 11) for _ in range(fdp.ConsumeIntInRange(1, 4))})
    separator = fdp.PickValueInList([None, 0, vocab - 1])
    threads = fdp.ConsumeIntInRange(1, 3)

    if fdp.ConsumeBool():  # the public API on valid input: the oracle's statistics
        names = [ROUGE_TYPES[c - 1] for c in codes]
        nested = [[refs[j] for j in range(groups[g], groups[g + 1])] for g in range(n_pred)]
        got = ngramkit.rouge(preds, nested, names, sentence_separator=separator, threads=threads)
        expected = oracle.batch_stats(preds, refs, groups.tolist(), codes, separator)
        for g in range(n_pred):
            triples = expected[groups[g]:groups[g + 1]]
            for t, name in enumerate(names):
                k = oracle.best_reference([tr[t] for tr in triples])
                assert got[name].statistics[g].tolist() == list(triples[k][t]), (name, preds[g], nested[g])
        return

    pred_ids, pred_offsets = _flat(preds)
    ref_ids, ref_offsets = _flat(refs)
    mutation = MUTATIONS[fdp.ConsumeIntInRange(0, len(MUTATIONS) - 1)]
    sep = -1 if separator is None else separator
    valid = True
    if mutation == "offset" and len(pred_offsets):
        pred_offsets = pred_offsets.copy()
        pred_offsets[fdp.ConsumeIntInRange(0, len(pred_offsets) - 1)] = fdp.ConsumeIntInRange(-3, len(pred_ids) + 3)
        valid = _valid_ragged(pred_ids, pred_offsets)
    elif mutation == "dtype_ids":
        ref_ids = ref_ids.astype(fdp.PickValueInList([np.int64, np.uint32, np.int16, np.float64, ">i4"]))
        valid = False
    elif mutation == "dtype_offsets":
        ref_offsets = ref_offsets.astype(fdp.PickValueInList([np.int32, np.uint64, np.float64, ">i8"]))
        valid = False
    elif mutation == "negative_id" and len(ref_ids):
        ref_ids = ref_ids.copy()
        ref_ids[fdp.ConsumeIntInRange(0, len(ref_ids) - 1)] = fdp.ConsumeIntInRange(-2**31, -1)
        valid = False
    elif mutation == "groups":
        groups = groups.copy()
        groups[fdp.ConsumeIntInRange(0, len(groups) - 1)] = fdp.ConsumeIntInRange(-2, len(ref_offsets) + 2)
        valid = groups[0] == 0 and bool(np.all(np.diff(groups) >= 0)) and groups[-1] == len(ref_offsets) - 1
    elif mutation == "codes":
        codes = codes + [fdp.PickValueInList([0, -1, 12, 100, 2**31 - 1])]
        valid = False
    elif mutation == "strided":
        pred_ids = np.repeat(pred_ids, 2)[::2]
        valid = len(pred_ids) <= 1  # a 0/1-element strided view is contiguous
    elif mutation == "two_d":
        ref_offsets = ref_offsets.reshape(1, -1)
        valid = False
    elif mutation == "threads":
        threads = fdp.PickValueInList([0, -1])
        valid = None  # 0/-1 may mean "all cores"; only a clean outcome is required
    elif mutation == "separator":
        sep = fdp.PickValueInList([-2, 2**31, 2**40])
        valid = None
    try:
        got = _core.rouge_ids(pred_ids, pred_offsets, ref_ids, ref_offsets, groups, codes, sep, threads)
    except CLEAN_ERRORS as err:
        assert str(err), "an exception without a message"
        assert valid is not True, f"valid input rejected ({mutation}): {err}"
        return
    assert valid is not False, f"malformed input accepted ({mutation})"
    p_rows = _rows_of(pred_ids, pred_offsets)
    r_rows = _rows_of(ref_ids, ref_offsets)
    separator_id = sep if 0 <= sep <= 2**31 - 1 else None
    expected = oracle.batch_stats(p_rows, r_rows, groups.tolist(), codes, separator_id)
    assert got.tolist() == [[list(t) for t in row] for row in expected], (mutation, p_rows, r_rows, groups, codes)


# ----------------------------------------------------------------------------------------------
# sacrebleu's tokenizers (C++) vs sacrebleu's own tokenizer objects
# ----------------------------------------------------------------------------------------------
_tokenizers = []


def _sacrebleu_tokenizers():
    if not _tokenizers:
        from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a
        from sacrebleu.tokenizers.tokenizer_char import TokenizerChar
        from sacrebleu.tokenizers.tokenizer_intl import TokenizerV14International
        from sacrebleu.tokenizers.tokenizer_none import NoneTokenizer
        from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh

        _tokenizers.extend([NoneTokenizer(), Tokenizer13a(), TokenizerV14International(), TokenizerChar(),
                            TokenizerZh()])
    return _tokenizers


def sacrebleu_tokenizers(data: bytes) -> None:
    fdp = FuzzedDataProvider(data)
    texts = [_text(fdp) for _ in range(fdp.ConsumeIntInRange(1, 3))]
    kind = fdp.ConsumeIntInRange(0, 4)
    buffers = text_buffers(texts, "texts")
    got = _core.sacrebleu_tokenize(*buffers, kind)
    tokenizer = _sacrebleu_tokenizers()[kind]
    for text, tokens in zip(texts, got):  # _core joins the tokens by one space, as BLEU splits them
        expected = " ".join(tokenizer(text).split())
        assert tokens == expected, (kind, text, tokens, expected)


# ----------------------------------------------------------------------------------------------
# BLEU and chrF from text vs sacrebleu
# ----------------------------------------------------------------------------------------------
def bleu_chrf(data: bytes) -> None:
    import sacrebleu
    from sacrebleu.metrics import BLEU, CHRF

    fdp = FuzzedDataProvider(data)
    n = fdp.ConsumeIntInRange(1, 3)
    n_refs = fdp.ConsumeIntInRange(1, 2)
    hyps = [_text(fdp, 20) for _ in range(n)]
    refs = [[_text(fdp, 20) for _ in range(n_refs)] for _ in range(n)]
    streams = [list(s) for s in zip(*refs)]
    tokenize = fdp.PickValueInList(["13a", "intl", "char", "none", "zh"])
    smooth = fdp.PickValueInList(["exp", "floor", "add-k", "none"])
    lowercase = fdp.ConsumeBool()
    got = ngramkit.bleu(hyps, refs, tokenize=tokenize, smooth_method=smooth, lowercase=lowercase, threads=1)
    expected = BLEU(tokenize=tokenize, smooth_method=smooth, lowercase=lowercase).corpus_score(hyps, streams)
    assert got.score == expected.score, (hyps, refs, tokenize, smooth, got.score, expected.score)
    sentence = ngramkit.sentence_bleu(hyps, refs, tokenize=tokenize, lowercase=lowercase)
    for h, r, s in zip(hyps, refs, sentence):
        assert s == sacrebleu.sentence_bleu(h, r, tokenize=tokenize, lowercase=lowercase).score, (h, r)
    word_order = fdp.PickValueInList([0, 2])
    got_c = ngramkit.chrf(hyps, refs, word_order=word_order, lowercase=lowercase)
    expected_c = CHRF(word_order=word_order, lowercase=lowercase).corpus_score(hyps, streams)
    assert got_c.score == expected_c.score, (hyps, refs, word_order, got_c.score, expected_c.score)
    sentence_c = ngramkit.sentence_chrf(hyps, refs, word_order=word_order, lowercase=lowercase)
    for h, r, s in zip(hyps, refs, sentence_c):
        assert s == CHRF(word_order=word_order, lowercase=lowercase).sentence_score(h, r).score, (h, r)


# ----------------------------------------------------------------------------------------------
# TER and the Tercom tokenizer vs sacrebleu (short texts: sacrebleu's shift search is slow)
# ----------------------------------------------------------------------------------------------
def ter(data: bytes) -> None:
    from sacrebleu.metrics.ter import TER
    from sacrebleu.tokenizers.tokenizer_ter import TercomTokenizer

    fdp = FuzzedDataProvider(data)
    n = fdp.ConsumeIntInRange(1, 3)
    hyps = [_text(fdp, 12) for _ in range(n)]
    refs = [[_text(fdp, 12) for _ in range(fdp.ConsumeIntInRange(1, 2))] for _ in range(n)]
    options = {name: fdp.ConsumeBool() for name in ("normalized", "no_punct", "asian_support", "case_sensitive")}
    metric = TER(**options)
    width = max(len(r) for r in refs)
    streams = [[r[k] if k < len(r) else None for r in refs] for k in range(width)]
    got = ngramkit.ter(hyps, refs, threads=fdp.ConsumeIntInRange(1, 2), **options)
    expected = metric.corpus_score(hyps, streams)
    assert (got.score, got.num_edits, got.ref_length) == (expected.score, expected.num_edits, expected.ref_length), \
        (hyps, refs, options, got.score, expected.score)
    for h, r, s in zip(hyps, refs, ngramkit.sentence_ter(hyps, refs, **options)):
        assert s == metric.sentence_score(h, r).score, (h, r, options)
    texts = hyps + [t for r in refs for t in r]
    lowered = texts if options["case_sensitive"] else [t.lower() for t in texts]
    tokens = _core.tercom_tokenize(*ngramkit.ingest.inputs.text_buffers(lowered, "texts"), options["normalized"],
                                   options["no_punct"], options["asian_support"])
    tokenizer = TercomTokenizer(**options)
    for text, tok in zip(texts, tokens):
        assert tok.split() == tokenizer(text).split(), (text, options, tok)


TARGETS = {
    "rouge_text": rouge_text,
    "rouge_ids": rouge_ids,
    "sacrebleu_tokenizers": sacrebleu_tokenizers,
    "bleu_chrf": bleu_chrf,
    "ter": ter,
}
