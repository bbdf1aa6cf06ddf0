"""ROUGE statistics of ingested sides: the kernels over ids and text, user tokenizers interned to ids,
sacrebleu tokenizers, punkt sentences, and text scored in bounded chunks.

Every function returns int64 ``(n_references, n_types, 3)`` statistics ``(hits, prediction_total,
reference_total)``; :mod:`ngramkit.metrics.rouge` turns them into scores.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..ingest import inputs
from ..ingest.lowercase import lowered_text_buffers
from ..ingest.text_tokenizers import NATIVE_TOKENIZERS, delegated_tokenizer
from ..ingest.token_batch import TokenBatch
from .rouge_types import ROUGE_LSUM


def _tokenize_with(tokenizer, text: str) -> list:
    tokens = tokenizer.tokenize(text) if hasattr(tokenizer, "tokenize") else tokenizer(text)
    return list(tokens)


def _sentences(text: str, split_summaries: bool) -> list[str]:
    """rouge-score's rougeLsum sentences: newline split (or NLTK punkt), empty strings dropped."""
    if split_summaries:
        from .sentences import punkt_sentences

        sents = punkt_sentences(text)
    else:
        sents = text.split("\n")
    return [s for s in sents if len(s)]


def _custom_token_ids(texts_by_side: dict[str, list[str]], tokenizer, whole_texts: bool, lsum: bool,
                      split_summaries: bool):
    """Tokenize with a user tokenizer and intern tokens (any hashables) to ids shared by both sides.

    Returns per side a TokenBatch of whole-text tokens (if ``whole_texts``; rouge-score does not
    tokenize whole texts when rougeLsum is the only type) and, if ``lsum``, a TokenBatch of
    per-sentence tokens joined by a separator id, and that id.
    """
    vocab: dict[Any, int] = {}
    whole, sentences = [], []
    for side, texts in texts_by_side.items():
        rows = []
        sent_rows = []
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"{side}[{i}]: expected str, got {type(text).__name__}")
            if whole_texts:
                rows.append([vocab.setdefault(t, len(vocab)) for t in _tokenize_with(tokenizer, text)])
            if lsum:
                row: list = []
                for sent in _sentences(text, split_summaries):
                    row.extend(vocab.setdefault(t, len(vocab)) for t in _tokenize_with(tokenizer, sent))
                    row.append(-1)
                sent_rows.append(row)
        whole.append(rows)
        sentences.append(sent_rows)
    separator = len(vocab)
    if separator > 2**31 - 2:
        raise ValueError("tokenizer: more than 2**31 - 2 distinct tokens")
    out_whole = [TokenBatch.from_lists(rows) if whole_texts else None for rows in whole]
    out_sent = []
    if lsum:
        for rows in sentences:
            out_sent.append(TokenBatch.from_lists([[separator if t == -1 else t for t in r] for r in rows]))
    return out_whole, out_sent, separator


def _id_lists_statistics(predictions, references, codes, sentence_separator, n_threads) -> np.ndarray | None:
    """int64 (n, n_types, 3) statistics of list[list[int]] predictions against one id list each,
    converted and scored in one overlapped step (``_core.rouge_id_rows``); None for any other
    layout, which the general ingest then handles (and names what is wrong with it)."""
    from .. import _core

    if type(predictions) is not list or type(references) is not list or not predictions \
            or isinstance(predictions[0], str):
        return None
    separator = -1 if sentence_separator is None else int(sentence_separator)
    return _core.rouge_id_rows(predictions, references, codes, separator, n_threads)


CHUNK_TEXT_BYTES = 8 << 20  # text per kernel call (UTF-8 of both sides, estimated): bounds the buffers


def _chunked_statistics(pred_side, ref_side, groups, args, chunk_size: int, progress: bool) -> np.ndarray:
    """_statistics over consecutive chunks of predictions, written into one array: at most
    ``chunk_size`` predictions and about CHUNK_TEXT_BYTES of text a chunk (the size estimated from
    the chunk's first texts), with a tqdm progress bar if ``progress``. Results never depend on it:
    every pair is scored on its own."""
    if progress:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            raise ImportError("progress=True needs tqdm: pip install 'ngramkit[progress]'") from None
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ValueError(f"chunk_size: expected a positive int, got {chunk_size!r}")
    n_pred = len(pred_side)
    if n_pred == 0:
        return _statistics(pred_side, ref_side, groups, *args)
    text = pred_side.kind == inputs.TEXT
    stats = np.empty((int(groups[-1]), len(args[0]), 3), dtype=np.int64)
    bar = tqdm(total=n_pred, unit="pairs", desc="rouge") if progress else None
    try:
        start = 0
        while start < n_pred:
            size = min(int(chunk_size), _text_chunk_size(pred_side, ref_side, groups, start) if text else n_pred)
            stop = min(n_pred, start + size)
            first, last = int(groups[start]), int(groups[stop])
            out = stats[first:last]
            try:
                part = _statistics(inputs.side_slice(pred_side, start, stop),
                                   inputs.side_slice(ref_side, first, last), groups[start : stop + 1] - first,
                                   *args, out=out)
            except TypeError:
                if text:  # name a non-str item by its index in the whole batch, not in the chunk
                    inputs.text_buffers(pred_side.texts, "predictions")
                    inputs.text_buffers(ref_side.texts, "references")
                raise
            if part is not out:
                out[...] = part
            if bar is not None:
                bar.update(stop - start)
            start = stop
    finally:
        if bar is not None:
            bar.close()
    return stats


def _text_chunk_size(pred_side, ref_side, groups, start: int, sample: int = 64) -> int:
    """Predictions from ``start`` that hold about CHUNK_TEXT_BYTES of text (both sides), estimated
    from the next ``sample`` predictions and their references (at least 1024)."""
    stop = min(len(pred_side), start + sample)
    first, last = int(groups[start]), int(groups[stop])
    chars = sum(map(_text_len, pred_side.texts[start:stop])) + sum(map(_text_len, ref_side.texts[first:last]))
    per_prediction = max(chars / (stop - start), 1.0)
    return max(1024, int(CHUNK_TEXT_BYTES / per_prediction))


def _text_len(text) -> int:
    return len(text) if isinstance(text, str) else 0  # a non-str is reported by the buffer step


def _delegated_rouge_tokenizer(name: str):
    """``text -> tokens`` with sacrebleu's own tokenizer ``name`` on the lowercased text."""
    tokenizer, _ = delegated_tokenizer(name)
    return lambda text: tokenizer(text.lower()).split()


def _native_rouge_tokenizer(name: str):
    """``text -> tokens``: the C++ sacrebleu tokenizer ``name`` on the lowercased text."""
    from .. import _core

    code = NATIVE_TOKENIZERS[name]
    return lambda text: _core.sacrebleu_tokenize(*inputs.text_buffers([text.lower()], "texts"), code)[0].split()


def _statistics(pred_side, ref_side, groups, codes, use_stemmer, split_summaries, tokenizer, separator,
                n_threads, sacre_code=-1, out=None) -> np.ndarray:
    """int64 (n_references, n_types, 3) statistics (written into ``out`` where the kernel can)."""
    from .. import _core

    n_refs = len(ref_side)
    if pred_side.kind == inputs.IDS:
        for option, value in (("use_stemmer", use_stemmer), ("split_summaries", split_summaries),
                              ("tokenizer", tokenizer), ("tokenize", sacre_code >= 0)):
            if value:
                raise ValueError(f"{option}: applies to text input only; token ids are compared as given")
    if n_refs == 0:
        return np.zeros((0, len(codes), 3), dtype=np.int64)
    lsum_at = [t for t, c in enumerate(codes) if c == ROUGE_LSUM]
    other_at = [t for t, c in enumerate(codes) if c != ROUGE_LSUM]
    other_codes = [codes[t] for t in other_at]

    if pred_side.kind == inputs.IDS:
        sep = -1 if separator is None else int(separator)
        # the kernel's array is the result: no zeroed array to copy into
        return _core.rouge_ids(*_ids(pred_side.batch), *_ids(ref_side.batch), groups, codes, sep, n_threads)

    if separator is not None:
        raise ValueError("sentence_separator: only for token-id input (text splits sentences on newlines)")
    if tokenizer is None and sacre_code < 0 and (not split_summaries or not lsum_at):
        return _core.rouge_text(*inputs.text_buffers(pred_side.texts, "predictions", n_threads),
                                *inputs.text_buffers(ref_side.texts, "references", n_threads),
                                groups, codes, use_stemmer, n_threads, out=out)
    stats = np.zeros((n_refs, len(codes), 3), dtype=np.int64)  # filled type by type below
    if tokenizer is not None:
        texts = {"predictions": pred_side.texts, "references": ref_side.texts}
        whole, sents, sep = _custom_token_ids(texts, tokenizer, bool(other_at), bool(lsum_at), split_summaries)
        if other_at:
            stats[:, other_at, :] = _core.rouge_ids(*_ids(whole[0]), *_ids(whole[1]), groups, other_codes, -1,
                                                    n_threads)
        if lsum_at:
            stats[:, lsum_at, :] = _core.rouge_ids(*_ids(sents[0]), *_ids(sents[1]), groups, [ROUGE_LSUM], sep,
                                                   n_threads)
        return stats

    if sacre_code >= 0:
        return _sacrebleu_tokenized_statistics(pred_side, ref_side, groups, codes, n_threads, sacre_code, stats)
    # rougeLsum over punkt sentences, the other types over the texts (whose buffers also name a
    # non-str item before punkt sees it)
    pred_buf = inputs.text_buffers(pred_side.texts, "predictions", n_threads)
    ref_buf = inputs.text_buffers(ref_side.texts, "references", n_threads)
    if other_at:
        stats[:, other_at, :] = _core.rouge_text(*pred_buf, *ref_buf, groups, other_codes, use_stemmer, n_threads)
    from .sentences import punkt_joined

    pred_sent = inputs.text_buffers([punkt_joined(t) for t in pred_side.texts], "predictions", n_threads)
    ref_sent = inputs.text_buffers([punkt_joined(t) for t in ref_side.texts], "references", n_threads)
    stats[:, lsum_at, :] = _core.rouge_text(*pred_sent, *ref_sent, groups, [ROUGE_LSUM], use_stemmer, n_threads)
    return stats


def _sacrebleu_tokenized_statistics(pred_side, ref_side, groups, codes, n_threads, sacre_code,
                                    stats) -> np.ndarray:
    """Statistics with a sacrebleu tokenizer on lowercased text: whole texts for rougeN/rougeL, each
    sentence on its own for rougeLsum (as rouge-score tokenizes them with a custom tokenizer)."""
    from .. import _core

    lsum_at = [t for t, c in enumerate(codes) if c == ROUGE_LSUM]
    other_at = [t for t, c in enumerate(codes) if c != ROUGE_LSUM]
    preds = lowered_text_buffers(pred_side.texts, "predictions", n_threads)
    refs = lowered_text_buffers(ref_side.texts, "references", n_threads)
    if other_at:
        stats[:, other_at, :] = _core.rouge_text(*preds, *refs, groups, [codes[t] for t in other_at], False,
                                                 n_threads, sacre_code, False)
    if lsum_at:
        stats[:, lsum_at, :] = _core.rouge_text(*preds, *refs, groups, [ROUGE_LSUM], False, n_threads, sacre_code,
                                                True)
    return stats


def _ids(batch: TokenBatch) -> tuple[np.ndarray, np.ndarray]:
    return batch.ids, batch.offsets

