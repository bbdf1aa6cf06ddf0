"""Drop-in for HF evaluate's ``rouge`` metric: ``evaluate.load("rouge").compute(...)``.

evaluate's script builds rouge-score's ``RougeScorer`` (``score_multi`` when ``references[0]`` is
a list), then either a ``BootstrapAggregator`` whose ``mid.fmeasure`` it reports per type, or the
per-example F1 lists. This function computes the same from one batched kernel call.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Sequence

import numpy as np

from ..bootstrap import bootstrap_interval
from .rouge_score.rouge_scorer import RougeScorer

DEFAULT_TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


class _CallableTokenizer:
    """A plain callable as an object with ``.tokenize``, as evaluate wraps it."""

    def __init__(self, func: Callable[[str], list]):
        self.func = func

    def tokenize(self, text: str) -> list:
        return self.func(text)


@contextmanager
def _temp_seed(seed):
    """Seed NumPy's global RNG for the block and restore its state after (as evaluate does)."""
    if seed is None:
        yield
        return
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def rouge(
    predictions: Sequence[str],
    references: Sequence,
    rouge_types: Sequence[str] | None = None,
    use_aggregator: bool = True,
    use_stemmer: bool = False,
    tokenizer: Callable[[str], list] | None = None,
    *,
    seed: int | None = None,
    threads: int | None = None,
) -> dict:
    """The dict ``evaluate.load("rouge").compute(predictions=..., references=..., ...)`` returns.

    ``use_aggregator=True``: ``{type: numpy.float64}``, the median of 1000 bootstrap means of F1
    drawn from NumPy's global RNG (``seed``: seed it for this call and restore it after, which is
    what evaluate does with the module's seed). ``use_aggregator=False``: ``{type: [F1 per pair]}``.
    ``references`` items may be strings or lists of strings (then the best reference per type).
    Unlike evaluate, predictions and references of different lengths raise instead of truncating.
    """
    if rouge_types is None:
        rouge_types = DEFAULT_TYPES
    predictions, references = list(predictions), list(references)
    if len(predictions) != len(references):
        raise ValueError(
            f"predictions and references differ in length: {len(predictions)} vs {len(references)}"
        )
    wrapped = _CallableTokenizer(tokenizer) if tokenizer is not None else None
    scorer = RougeScorer(rouge_types=rouge_types, use_stemmer=use_stemmer, tokenizer=wrapped)
    if references and isinstance(references[0], list):
        references = [r if isinstance(r, list) else [r] for r in references]
    scores = scorer.score_batch(references, predictions, threads=threads)
    names = list(dict.fromkeys(rouge_types))
    if not use_aggregator:
        if not scores:
            raise ValueError("predictions: empty list (evaluate fails here too)")
        return {key: [s[key].fmeasure for s in scores] for key in names}
    result = {}
    if not scores:
        return result  # an empty BootstrapAggregator aggregates to {}
    with _temp_seed(seed):
        for key in names:
            matrix = np.array([tuple(s[key]) for s in scores], dtype=np.float64)
            result[key] = np.float64(bootstrap_interval(matrix, method="rouge_score").mid.fmeasure)
    return result
