"""ROUGE score matrices over texts tokenized once: every hypothesis against every reference, as
rouge-score's ``score(target=references[j], prediction=hypotheses[i])`` computes each cell, and the
texts behind :func:`ngramkit.near_duplicates` (``_core.RougeMatrixTexts``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..ingest import inputs
from ..ingest.arguments import check_bool, check_int, reject_unordered
from ..ingest.text_tokenizers import NATIVE_TOKENIZERS, check_tokenizer_name, lowercased
from ..ingest.threads import resolve_threads
from ..metrics.rouge_statistics import _delegated_rouge_tokenizer, _sentences
from ..metrics.rouge_types import ROUGE_LSUM, rouge_type_codes

MEASURES = {"precision": 0, "recall": 1, "fmeasure": 2}


def rouge_type_code(rouge_type: Any) -> int:
    """Kernel code of one rouge type name (``rouge1`` … ``rouge9``, ``rougeL``, ``rougeLsum``)."""
    if not isinstance(rouge_type, str):
        raise TypeError(f"rouge_type: expected a name such as 'rougeL', got {type(rouge_type).__name__}")
    return rouge_type_codes([rouge_type])[1][0]


def measure_code(measure: Any) -> int:
    if not isinstance(measure, str) or measure not in MEASURES:
        raise ValueError(f"measure: expected 'precision', 'recall' or 'fmeasure', got {measure!r}")
    return MEASURES[measure]


def _side(values: Any, name: str, threads: int) -> inputs.Side:
    reject_unordered(values, name, "a list of texts or token-id sequences")
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name}: expected a list of texts or token-id sequences, got {type(values).__name__}")
    return inputs.flat_side(values, name, threads)


def _delegated_ids(sides: list[list[str]], name: str, code: int) -> tuple[list[list[list[int]]], int]:
    """Texts tokenized by sacrebleu's own tokenizer ``name`` on the lowercased text (whole texts,
    or each line for rougeLsum, as rouge-score does with a custom tokenizer) as id rows, and the
    id that separates sentences."""
    tokenize = _delegated_rouge_tokenizer(name)
    vocab: dict[str, int] = {}
    rows_by_side = []
    for texts in sides:
        rows = []
        for text in texts:
            row: list[int] = []
            for piece in (_sentences(text, False) if code == ROUGE_LSUM else [text]):
                row.extend(vocab.setdefault(t, len(vocab)) for t in tokenize(piece))
                row.append(-1)
            rows.append(row)
        rows_by_side.append(rows)
    separator = len(vocab)
    return [[[separator if t == -1 else t for t in r] for r in rows] for rows in rows_by_side], separator


def matrix_texts(hypotheses: Any, references: Any, code: int, *, use_stemmer: bool = False,
                 tokenize: str | None = None, sentence_separator: int | None = None, threads: int = 1):
    """``_core.RougeMatrixTexts`` of the hypotheses and references (None: the hypotheses against
    themselves), each text tokenized once: rouge-score's tokenizer (Porter stemmer with
    ``use_stemmer``) or a sacrebleu tokenizer on the lowercased text (``tokenize``), or token ids as
    given (``sentence_separator`` splits them into rougeLsum sentences)."""
    from .. import _core

    use_stemmer = check_bool(use_stemmer, "use_stemmer")
    hyp = _side(hypotheses, "hypotheses", threads)
    ref = None if references is None else _side(references, "references", threads)
    if ref is not None and len(ref) and len(hyp) and ref.kind != hyp.kind:
        raise TypeError(f"references: {ref.kind} while the hypotheses are {hyp.kind}; give both as text or both as ids")
    kind = hyp.kind if len(hyp) or ref is None else ref.kind
    if kind == inputs.IDS:
        for option, value in (("use_stemmer", use_stemmer), ("tokenize", tokenize is not None)):
            if value:
                raise ValueError(f"{option}: applies to text input only; token ids are compared as given")
        separator = -1 if sentence_separator is None else check_int(sentence_separator, "sentence_separator",
                                                                    0, 2**31 - 1)
        hb, rb = hyp.batch, None if ref is None else ref.batch  # an empty side is an empty id batch
        return _core.RougeMatrixTexts.from_ids(hb.ids, hb.offsets, None if rb is None else rb.ids,
                                               None if rb is None else rb.offsets, separator)
    if sentence_separator is not None:
        raise ValueError("sentence_separator: only for token-id input (text splits sentences on newlines)")
    hyp_texts = hyp.texts if hyp.kind == inputs.TEXT else []
    ref_texts = None if ref is None else (ref.texts if ref.kind == inputs.TEXT else [])
    sacre = -1
    if tokenize is not None:
        check_tokenizer_name(tokenize)
        if use_stemmer:
            raise ValueError(f"use_stemmer: cannot be combined with tokenize={tokenize!r}")
        for texts, name in ((hyp_texts, "hypotheses"), (ref_texts or [], "references")):
            inputs.text_buffers(texts, name)  # names a non-str item before the tokenizer sees it
        if tokenize not in NATIVE_TOKENIZERS:
            sides = [hyp_texts] + ([] if ref_texts is None else [ref_texts])
            rows, separator = _delegated_ids(sides, tokenize, code)
            return matrix_texts(rows[0], None if ref_texts is None else rows[1], code,
                                sentence_separator=separator, threads=threads)
        sacre = NATIVE_TOKENIZERS[tokenize]
        hyp_texts = lowercased(hyp_texts, True)
        ref_texts = None if ref_texts is None else lowercased(ref_texts, True)
    hyp_buf = inputs.text_buffers(hyp_texts, "hypotheses", threads)
    ref_buf = (None, None) if ref_texts is None else inputs.text_buffers(ref_texts, "references", threads)
    return _core.RougeMatrixTexts.from_text(*hyp_buf, *ref_buf, use_stemmer, sacre, code == ROUGE_LSUM)


def rouge_matrix(hypotheses: Any, references: Any = None, rouge_type: str = "rougeL", *,
                 measure: str = "fmeasure", use_stemmer: bool = False, tokenize: str | None = None,
                 sentence_separator: int | None = None, threads: int | None = None) -> np.ndarray:
    """float64 (H, R) matrix: cell [i, j] is rouge-score's
    ``RougeScorer([rouge_type], use_stemmer).score(target=references[j], prediction=hypotheses[i])``
    ``.precision`` / ``.recall`` / ``.fmeasure`` (``measure``), in [0, 1], bit for bit.
    ``references=None``: the hypotheses against themselves (H, H).

    ``rouge_type``: ``rouge1`` … ``rouge9``, ``rougeL``, ``rougeLsum`` (sentences split on newlines).
    Texts (``list[str]``) or token ids (lists, numpy arrays, TokenBatch, pyarrow), both sides the
    same kind. ``tokenize``: a sacrebleu tokenizer name applied to the lowercased text, as
    :func:`ngramkit.rouge` does. ``sentence_separator``: with ids, the id that splits rougeLsum
    sentences (dropped for every type).

    Each text is tokenized once; rougeN counts each text's n-grams once and rougeL builds each
    row's LCS match masks once; the cells run on ``threads`` threads (default: all cores), with
    the GIL released. Memory: the output plus the tokens, their n-gram lists and per thread
    O(vocabulary) tables.
    """
    code = rouge_type_code(rouge_type)
    measure_id = measure_code(measure)
    n_threads = resolve_threads(threads)
    texts = matrix_texts(hypotheses, references, code, use_stemmer=use_stemmer, tokenize=tokenize,
                         sentence_separator=sentence_separator, threads=n_threads)
    return texts.matrix(code, measure_id, n_threads)
