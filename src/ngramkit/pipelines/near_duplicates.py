"""The self-instruct / Alpaca near-duplicate filter: keep a text unless it is too similar to a text
already kept.

The rule is theirs exactly: self-instruct's ``bootstrap_instructions.py`` and Alpaca's
``generate_instruction.py`` score a new instruction with rouge-score's ``RougeScorer(["rougeL"],
use_stemmer=False)`` (``.fmeasure``) against every instruction kept so far and skip it
``if max(rouge_scores) > 0.7``: a text is dropped when its maximum score is *above* the threshold,
and kept when it is at most the threshold (a score of exactly 0.7 is kept).

ROUGE runs in C++ over texts tokenized once (:mod:`.rouge_matrix`); BLEU and chrF score each text
against the kept ones through :func:`ngramkit.pairwise`.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ..ingest.threads import resolve_threads
from ..metrics.rouge_types import VALID_ROUGE_TYPES
from .rouge_matrix import matrix_texts, measure_code, rouge_type_code


def _check_threshold(threshold: Any) -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise TypeError(f"threshold: expected a number, got {type(threshold).__name__}")
    if math.isnan(threshold):
        raise ValueError("threshold: expected a number, got nan")
    return float(threshold)


def near_duplicates(texts: Any, threshold: float = 0.7, metric: str = "rougeL", *, threads: int | None = None,
                    **options) -> tuple[np.ndarray, np.ndarray]:
    """The self-instruct filter over ``texts`` in order: text ``i`` is kept when its score against
    every text kept before it is at most ``threshold``, i.e. dropped when the maximum exceeds it
    (self-instruct's and Alpaca's ``if max(rouge_scores) > 0.7: continue``); the first is kept.

    Returns ``(kept, best)``: ``kept`` int64, the kept indices in order; ``best`` float64 (n,), the
    exact maximum score of each text against the texts kept before it (0 for the first). A score
    is rouge-score's ``score(target=kept_text, prediction=texts[i])`` value (``measure``:
    ``"fmeasure"`` by default, symmetric; ``"precision"``, ``"recall"``), or sacrebleu's sentence
    BLEU / chrF of ``texts[i]`` against the kept text (0–100: give the threshold on that scale).

    ``metric``: ``rouge1`` … ``rouge9``, ``rougeL`` (self-instruct's), ``rougeLsum``, ``bleu``,
    ``chrf``. ROUGE options: ``use_stemmer``, ``tokenize`` (as :func:`ngramkit.rouge`); texts or
    token ids. ROUGE is computed in C++: each text tokenized once, each new text scored against the
    kept ones on ``threads`` threads, and a cell skipped only when an upper bound of its score (from
    the lengths, then for long rougeL texts the unigram overlap) cannot exceed the maximum found
    so far, so both outputs are exact whatever the pruning and thread count.
    """
    from .pairwise import _LOWER_IS_BETTER, _as_list, _lookup, pairwise  # pairwise re-exports this module

    _lookup(metric, options)  # names an unknown metric, or an option that is not the metric's
    if metric in _LOWER_IS_BETTER:
        raise ValueError(f"metric: {metric!r} is an error rate (lower means more alike); near_duplicates "
                         "needs a similarity such as 'rougeL', 'bleu' or 'chrf'")
    limit = _check_threshold(threshold)
    n_threads = resolve_threads(threads)
    if metric in VALID_ROUGE_TYPES:
        code = rouge_type_code(metric)
        measure = measure_code(options.get("measure", "fmeasure"))
        prepared = matrix_texts(texts, None, code, use_stemmer=options.get("use_stemmer", False),
                                tokenize=options.get("tokenize"), threads=n_threads)
        return prepared.near_duplicates(code, measure, limit, n_threads)
    items = _as_list(texts, "texts")
    kept: list[int] = []
    best = np.zeros(len(items), dtype=np.float64)
    for i, text in enumerate(items):
        if kept:
            best[i] = pairwise([text], [items[k] for k in kept], metric, threads=n_threads, **options)[0].max()
        if not kept or not best[i] > limit:
            kept.append(i)
    return np.array(kept, dtype=np.int64), best
