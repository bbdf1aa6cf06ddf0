"""Drop-in ``rouge_score.rouge_scorer``: same class, same arguments, same numbers.

Swap ``from rouge_score import rouge_scorer`` for ``from ngramkit.compat.rouge_score import
rouge_scorer``. Scores equal rouge-score 0.1.2's floats bit for bit, including its quirk of
returning ``Score(0, 0, 0)`` with ints for rougeL/rougeLsum when a side has no tokens.

Deviations: invalid rouge types raise in ``__init__`` (rouge-score waits until ``score()``), and
``bytes`` texts are rejected (decode them first).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ...ingest.arguments import check_bool, check_tokenizer_object
from ...metrics.rouge import rouge
from ...metrics.rouge_result import RougeResult
from ...metrics.rouge_types import rouge_type_codes
from ...stats.scores import Score
from . import scoring
from .tokenizers import DefaultTokenizer


def _check_text(value, name: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        raise TypeError(f"{name}: bytes are not supported; decode to str first")
    raise TypeError(f"{name}: expected str, got {type(value).__name__}")


class RougeScorer(scoring.BaseScorer):
    """Calculate ROUGE scores between texts, as ``rouge_score.rouge_scorer.RougeScorer``.

    >>> scorer = RougeScorer(["rouge1", "rougeL"], use_stemmer=True)
    >>> scorer.score("The quick brown fox jumps over the lazy dog",
    ...              "The quick brown dog jumps on the log.")["rouge1"].precision
    0.75
    """

    def __init__(self, rouge_types, use_stemmer: bool = False, split_summaries: bool = False, tokenizer=None):
        self.rouge_types = rouge_types
        self._names, _ = rouge_type_codes(rouge_types)
        self._use_stemmer = check_bool(use_stemmer, "use_stemmer")
        self._split_summaries = check_bool(split_summaries, "split_summaries")
        check_tokenizer_object(tokenizer)
        if type(tokenizer) is DefaultTokenizer:  # rouge-score's own tokenizer: the C++ one, as without it
            self._use_stemmer, tokenizer = tokenizer.use_stemmer, None
        self._tokenizer = tokenizer or None
        # one pair per call (the usual loop): straight into the kernel, the same numbers
        self._pair = None
        if self._tokenizer is None and not (self._split_summaries and "rougeLsum" in self._names):
            from ... import _core

            self._pair = _core.RougePairScorer(rouge_type_codes(self._names)[1], self._use_stemmer,
                                               tuple(self._names), Score, True)

    def _run(self, targets: list, predictions: list, threads) -> RougeResult:
        return rouge(
            predictions,
            targets,
            self._names,
            use_stemmer=self._use_stemmer,
            split_summaries=self._split_summaries,
            tokenizer=self._tokenizer,
            threads=threads,
        )

    def _score_dicts(self, result: RougeResult) -> list[dict[str, Score]]:
        n = result.n_pairs
        columns = {}
        for name in self._names:
            s = result[name]
            empty = (s.statistics[:, 1] == 0) | (s.statistics[:, 2] == 0)
            int_zero = empty if name in ("rougeL", "rougeLsum") else np.zeros(n, dtype=bool)
            columns[name] = (s.precision.tolist(), s.recall.tolist(), s.fmeasure.tolist(), int_zero.tolist())
        out = []
        for i in range(n):
            d = {}
            for name, (p, r, f, z) in columns.items():
                d[name] = Score(0, 0, 0) if z[i] else Score(p[i], r[i], f[i])
            out.append(d)
        return out

    def score(self, target: str, prediction: str) -> dict[str, Score]:
        """Scores of ``prediction`` against ``target`` (reference first, as in rouge-score)."""
        if self._pair is not None:
            return self._pair.score_dict(prediction, target)
        result = self._run([_check_text(target, "target")], [_check_text(prediction, "prediction")], 1)
        return self._score_dicts(result)[0]

    def score_multi(self, targets: Sequence[str], prediction: str) -> dict[str, Score]:
        """Per rouge type, the score against the first target with the highest F1."""
        targets = [_check_text(t, f"targets[{i}]") for i, t in enumerate(targets)]
        if not targets:
            raise ValueError("targets: at least one target is required")
        prediction = _check_text(prediction, "prediction")
        result = self._run([targets], [prediction], 1)
        return self._score_dicts(result)[0]

    def score_batch(self, targets: Sequence, predictions: Sequence[str], threads: int | None = None
                    ) -> list[dict[str, Score]]:
        """Score many pairs in one kernel call: ``[score(t, p) for t, p in zip(targets, predictions)]``,
        except that lengths must match. A target may be a list of strings (``score_multi``)."""
        targets, predictions = list(targets), list(predictions)
        if len(targets) != len(predictions):
            raise ValueError(f"targets and predictions differ in length: {len(targets)} vs {len(predictions)}")
        return self._score_dicts(self._run(targets, predictions, threads))
