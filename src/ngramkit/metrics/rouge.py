"""ROUGE-N (1..9), ROUGE-L and ROUGE-Lsum, identical to rouge-score 0.1.2, over text or token ids:
the public function, its one-pair fast path and its signature."""
from __future__ import annotations

import functools
from typing import Any, Callable, Iterable

import numpy as np

from ..ingest import inputs
from ..ingest.arguments import check_bool, check_int, check_tokenizer_object
from ..ingest.pairs import ingest_pairs, n_references_label
from ..ingest.text_tokenizers import NATIVE_TOKENIZERS, check_tokenizer_name
from ..ingest.threads import MAX_THREADS, resolve_threads
from ..stats.scores import Score
from .rouge_result import RougeConfig, RougeResult, RougeScores, _select
from .rouge_statistics import (
    _chunked_statistics,
    _delegated_rouge_tokenizer,
    _id_lists_statistics,
    _native_rouge_tokenizer,
    _statistics,
)
from .rouge_types import DEFAULT_ROUGE_TYPES, ROUGE_LSUM, rouge_type_codes

MULTI_REFERENCE_MODES = ("best", "mean")


def rouge(
    predictions: Any,
    references: Any,
    rouge_types: Iterable[str] | str = DEFAULT_ROUGE_TYPES,
    *,
    use_stemmer: bool = False,
    split_summaries: bool = False,
    tokenizer: Callable[[str], list] | Any = None,
    tokenize: str | None = None,
    multi_reference: str = "best",
    sentence_separator: int | None = None,
    threads: int | None = None,
    progress: bool = False,
    chunk_size: int = 100_000,
) -> RougeResult:
    """ROUGE scores of each prediction against its reference(s), identical to rouge-score 0.1.2.

    Parameters
    ----------
    predictions : list[str] | list[list[int]] | TokenBatch | pyarrow array
        One text or token-id sequence per pair (predictions first, as in HF evaluate).
    references : same kinds, one per prediction; or several per prediction: a list whose items are
        lists of strings / lists of id sequences / TokenBatch, or a pyarrow list<list<int>> array.
    rouge_types : names among ``rouge1`` … ``rouge9``, ``rougeL``, ``rougeLsum``.
    use_stemmer : Porter-stem tokens longer than 3 characters (text input, default tokenizer), as
        rouge-score does with NLTK's stemmer.
    split_summaries : rougeLsum sentences from NLTK's punkt model instead of newlines (needs nltk
        and its ``punkt_tab`` data).
    tokenizer : an object with ``.tokenize(text)`` or a callable ``text -> list of tokens``; replaces
        the default tokenizer (and ignores ``use_stemmer``), as in rouge-score / HF evaluate.
    tokenize : a sacrebleu tokenizer name (``13a``, ``intl``, ``zh``, ``char``, ``none`` in C++;
        ``ja-mecab``, ``ko-mecab``, ``flores101``, ``flores200`` through sacrebleu) for text in any
        language: scores equal rouge-score's with ``tokenizer=T``, ``T.tokenize(text)`` being
        ``NAME(text.lower()).split()``. rouge-score's own tokenizer keeps only ``[a-z0-9]``, so
        Korean, Chinese or Arabic text scores 0 without this. Not with ``tokenizer`` or
        ``use_stemmer``.
    multi_reference : ``"best"`` (rouge-score's ``score_multi``: per type, the first reference with
        the highest F1) or ``"mean"`` (precision, recall and F1 averaged over the references:
        ``sum(v) / len(v)`` in Python's sense, the values added left to right in reference order,
        bit for bit).
    sentence_separator : token-id input only: this id splits a row into sentences for rougeLsum
        (like a newline in text) and is dropped for every type. ``None``: one sentence per row.
    threads : worker threads over pairs (default: all cores; at most 1024). Results never depend on it.
    progress : show a tqdm progress bar (needs tqdm) while the predictions are scored in chunks.
    chunk_size : at most this many predictions per kernel call. Text is always scored in chunks of
        at most ``chunk_size`` predictions and about 8 MB of text, so its UTF-8 buffers stay small
        whatever the batch size (results never depend on it).

    Memory is linear in the input: long LCS problems (rougeL, rougeLsum) switch to compact
    match masks and a checkpointed rougeLsum traceback with the same results (one
    60,000-token sentence a side: ~10–16 MB; README "Memory"). Time for rougeL/rougeLsum stays
    O(n·m/64) per pair.

    Returns
    -------
    RougeResult
        ``result["rouge1"].precision`` / ``.recall`` / ``.fmeasure``: float64 arrays (n_pairs,);
        ``.statistics``: the int64 per-pair statistics they come from.
    """
    if (type(predictions) is list and type(references) is list and len(predictions) == 1 and len(references) == 1
            and type(predictions[0]) is str and type(references[0]) is str and tokenizer is None and tokenize is None
            and sentence_separator is None and type(use_stemmer) is bool and split_summaries is False
            and progress is False
            and (threads is None or (type(threads) is int and 1 <= threads <= MAX_THREADS))
            and (multi_reference == "best" or multi_reference == "mean")):
        fast = _one_text_pair(predictions[0], references[0], rouge_types, use_stemmer, multi_reference)
        if fast is not None:
            return fast
    names, codes = rouge_type_codes(rouge_types)
    n_threads = resolve_threads(threads)
    use_stemmer, split_summaries = check_bool(use_stemmer, "use_stemmer"), check_bool(split_summaries, "split_summaries")
    progress = check_bool(progress, "progress")
    if multi_reference not in MULTI_REFERENCE_MODES:
        raise ValueError(f"multi_reference: expected one of {MULTI_REFERENCE_MODES}, got {multi_reference!r}")
    if sentence_separator is not None:
        sentence_separator = check_int(sentence_separator, "sentence_separator", 0, 2**31 - 1)
    check_tokenizer_object(tokenizer)
    signature_tokenizer = "custom" if tokenizer is not None else tokenize
    if tokenize is not None:
        check_tokenizer_name(tokenize)
        for option, value in (("tokenizer", tokenizer), ("use_stemmer", use_stemmer)):
            if value:
                raise ValueError(f"{option}: cannot be combined with tokenize={tokenize!r}")
        if tokenize not in NATIVE_TOKENIZERS:  # an external tokenizer runs through sacrebleu, in Python
            tokenizer = _delegated_rouge_tokenizer(tokenize)
            tokenize = None
        elif split_summaries and ROUGE_LSUM in codes:
            # punkt needs the original case and may keep newlines inside a sentence: tokenize each
            # punkt sentence on its own, one call per text
            tokenizer = _native_rouge_tokenizer(tokenize)
            tokenize = None
    if split_summaries and ROUGE_LSUM in codes:
        from .sentences import require_punkt

        require_punkt()

    from .. import _core

    stats = None
    if tokenizer is None and tokenize is None and not (use_stemmer or split_summaries or progress):
        stats = _id_lists_statistics(predictions, references, codes, sentence_separator, n_threads)
    if stats is not None:
        groups, kind = np.arange(len(predictions) + 1, dtype=np.int64), inputs.IDS
    else:
        pairs = ingest_pairs(predictions, references, threads=n_threads)
        pred_side, ref_side, groups, kind = pairs.predictions, pairs.references, pairs.groups, pairs.kind
        sacre_code = -1 if tokenize is None else NATIVE_TOKENIZERS[tokenize]
        args = (codes, use_stemmer, split_summaries, tokenizer, sentence_separator, n_threads, sacre_code)
        if progress or kind == inputs.TEXT:  # text: bounded chunks, so its buffers stay small
            stats = _chunked_statistics(pred_side, ref_side, groups, args, chunk_size, progress)
        else:
            stats = _statistics(pred_side, ref_side, groups, *args)

    # (3, n_types, n_refs): scores_from_statistics of every type at once
    prf = _core.rouge_prf(stats, n_threads)
    scores = {name: _select(name, stats[:, t, :], groups, multi_reference, prf[:, t])
              for t, name in enumerate(names)}
    config = _config(tuple(names), kind, use_stemmer, signature_tokenizer, split_summaries, multi_reference)
    return RougeResult(scores, config, n_references_label(groups))


_pair_scorers: dict = {}


def _one_text_pair(prediction: str, reference: str, rouge_types, use_stemmer: bool, multi_reference: str):
    """``rouge([prediction], [reference], ...)`` without the batch's fixed cost: the same tokenizer
    and kernel (``_core.RougePairScorer``), the same P/R/F operations, the same result. ``None`` if
    ``rouge_types`` is not a hashable spelling (the caller then takes the general path)."""
    key = (rouge_types if type(rouge_types) is str or type(rouge_types) is tuple
           else tuple(rouge_types) if type(rouge_types) is list else None)
    if key is None:
        return None
    try:
        entry = _pair_scorers.get((key, use_stemmer))
    except TypeError:  # unhashable names: let rouge_type_codes report them
        return None
    if entry is None:
        from .. import _core

        names, codes = rouge_type_codes(key)
        if len(_pair_scorers) > 256:
            _pair_scorers.clear()
        entry = _pair_scorers[(key, use_stemmer)] = (
            names, _core.RougePairScorer(codes, use_stemmer, tuple(names), Score, False))
    names, scorer = entry
    stats, prf = scorer.arrays(prediction, reference)
    one = RougeScores._of_one_pair
    scores = {name: one(name, prf, stats, t) for t, name in enumerate(names)}
    return RougeResult(scores, _config(tuple(names), inputs.TEXT, use_stemmer, None, False, multi_reference))


@functools.lru_cache(maxsize=256)
def _config(names: tuple, kind: str, use_stemmer: bool, tokenize, split_summaries: bool,
            multi_reference: str) -> RougeConfig:
    """The options as the signature states them: ``tok`` ``ids`` for token ids, the stemmer only
    with rouge-score's tokenizer, the split only with rougeLsum."""
    tok = "ids" if kind == inputs.IDS else (tokenize or "rouge-score")
    split = ("punkt" if split_summaries else "newline") if "rougeLsum" in names else None
    return RougeConfig(names, bool(use_stemmer) and tok == "rouge-score", tok, split, multi_reference)
