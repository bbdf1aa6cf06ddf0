"""ROUGE's result types: per-pair scores of one rouge type and the mapping of all types.

Scores are computed from integer statistics ``(hits, prediction_total, reference_total)`` with the
same IEEE operations as rouge-score (:func:`scores_from_statistics`); several references reduce to
one score per prediction by rouge-score's ``score_multi`` rule or by the mean (:func:`_select`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Mapping

import numpy as np

from ..stats.combine import check_combinable, check_n_references, combined_label
from ..stats.scores import Score
from ..stats.signature import Signature
from ..stats.statistics_checks import check_at_most, integer_statistics


@dataclass(frozen=True)
class RougeConfig:
    """How ROUGE was computed, as its signature describes it: the types, the effective stemmer
    (rouge-score's tokenizer only), the tokenizer (``rouge-score``, a sacrebleu name, ``custom``
    or ``ids``), rougeLsum's sentence split (``newline`` / ``punkt``, None without rougeLsum) and
    the multi-reference rule."""

    rouge_types: tuple = ()
    use_stemmer: bool = False
    tokenize: str = "rouge-score"
    split: str | None = None
    multi_reference: str = "best"

    def signature(self, n_references: int | str) -> Signature:
        """``nrefs:1|types:rouge1+rouge2+rougeL|stem:no|tok:rouge-score|split:newline|version:...``;
        ``multi`` appears whenever ``nrefs`` is not 1 (so it follows the whole input's count)."""
        return Signature({
            "nrefs": n_references,
            "types": "+".join(self.rouge_types),
            "stem": self.use_stemmer,
            "tok": self.tokenize,
            "split": self.split,
            "multi": self.multi_reference if n_references != 1 else None,
        })


def scores_from_statistics(stats: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall, F1 (float64) from integer statistics (..., 3) = (hits, pred, ref).

    ``p = hits / max(pred, 1)``, ``r = hits / max(ref, 1)``, ``F = 2*p*r / (p + r)`` or 0 — the
    same IEEE operations in the same order as rouge-score, so the floats are bit-identical.
    Statistics no kernel could produce (not integers, negative, hits above either total) raise
    ValueError naming ``statistics``.
    """
    stats = integer_statistics(stats, 3, ndim=None)
    check_at_most(stats, 0, 1, "hits <= prediction_total")
    check_at_most(stats, 0, 2, "hits <= reference_total")
    return _scores(stats)


def _scores(stats: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`scores_from_statistics` of kernel output (unchecked)."""
    hits = stats[..., 0].astype(np.float64)
    precision = hits / np.maximum(stats[..., 1], 1)
    recall = hits / np.maximum(stats[..., 2], 1)
    total = precision + recall
    with np.errstate(invalid="ignore", divide="ignore"):
        fmeasure = np.where(total > 0, 2 * precision * recall / total, 0.0)
    return precision, recall, fmeasure


class RougeScores:
    """Per-pair scores of one rouge type.

    Attributes
    ----------
    precision, recall, fmeasure : numpy.ndarray, float64, shape (n_pairs,)
    statistics : numpy.ndarray, int64, shape (n_pairs, 3) or None
        Columns ``hits, prediction_total, reference_total`` of the reference each pair was scored
        against (clipped n-gram matches and n-gram counts for rougeN; LCS length and token counts
        for rougeL; union-LCS hits and token counts for rougeLsum). They add up across pairs,
        chunks and machines. ``None`` with ``multi_reference="mean"`` (no single reference).
    reference_index : numpy.ndarray, int64, shape (n_pairs,) or None
        With several references, which one (index within the prediction's references) was chosen.
    """

    __slots__ = ("name", "_precision", "_recall", "_fmeasure", "_statistics", "reference_index", "_pending")

    def __init__(self, name, precision, recall, fmeasure, statistics=None, reference_index=None):
        self.name = name
        self._precision, self._recall, self._fmeasure = precision, recall, fmeasure
        self._statistics = statistics
        self.reference_index = reference_index
        self._pending = None

    @classmethod
    def _of_one_pair(cls, name, scores: np.ndarray, stats: np.ndarray, t: int) -> "RougeScores":
        """Type ``t`` of one pair: ``scores`` float64 (3, n_types) P/R/F rows, ``stats`` int64
        (1, n_types, 3). The arrays (views) are made on first access: slicing costs more than the
        kernel on one pair."""
        self = cls.__new__(cls)
        self.name = name
        self.reference_index = None
        self._pending = (scores, stats, t)
        return self

    def _materialize(self) -> None:
        scores, stats, t = self._pending
        self._precision, self._recall, self._fmeasure = scores[0, t:t + 1], scores[1, t:t + 1], scores[2, t:t + 1]
        self._statistics = stats[:, t, :]
        self._pending = None

    @property
    def precision(self) -> np.ndarray:
        if self._pending is not None:
            self._materialize()
        return self._precision

    @precision.setter
    def precision(self, value) -> None:
        if self._pending is not None:
            self._materialize()
        self._precision = value

    @property
    def recall(self) -> np.ndarray:
        if self._pending is not None:
            self._materialize()
        return self._recall

    @recall.setter
    def recall(self, value) -> None:
        if self._pending is not None:
            self._materialize()
        self._recall = value

    @property
    def fmeasure(self) -> np.ndarray:
        if self._pending is not None:
            self._materialize()
        return self._fmeasure

    @fmeasure.setter
    def fmeasure(self, value) -> None:
        if self._pending is not None:
            self._materialize()
        self._fmeasure = value

    @property
    def statistics(self) -> np.ndarray | None:
        if self._pending is not None:
            self._materialize()
        return self._statistics

    @statistics.setter
    def statistics(self, value) -> None:
        if self._pending is not None:
            self._materialize()
        self._statistics = value

    @property
    def matches(self) -> np.ndarray:
        return self._column(0)

    @property
    def prediction_total(self) -> np.ndarray:
        return self._column(1)

    @property
    def reference_total(self) -> np.ndarray:
        return self._column(2)

    def _column(self, i: int) -> np.ndarray:
        if self.statistics is None:
            raise AttributeError("no per-pair statistics with multi_reference='mean'")
        return self.statistics[:, i]

    def __len__(self) -> int:
        return len(self.fmeasure)

    def __getitem__(self, i: int) -> Score:
        return Score(float(self.precision[i]), float(self.recall[i]), float(self.fmeasure[i]))

    def mean(self) -> Score:
        """Plain mean over pairs of precision, recall and F1 (``Score`` of floats)."""
        if len(self) == 0:
            return Score(0.0, 0.0, 0.0)
        return Score(float(np.mean(self.precision)), float(np.mean(self.recall)), float(np.mean(self.fmeasure)))

    def as_matrix(self) -> np.ndarray:
        """float64 (n_pairs, 3): precision, recall, fmeasure columns."""
        return np.stack([self.precision, self.recall, self.fmeasure], axis=1)

    def __repr__(self) -> str:
        return f"RougeScores({self.name}, n={len(self)}, mean={self.mean()})"


class RougeResult(Mapping[str, RougeScores]):
    """ROUGE scores per rouge type: ``result["rouge1"].fmeasure`` is a float64 array, one entry per
    prediction. ``mean()`` averages over pairs, ``aggregate()`` adds bootstrap intervals."""

    def __init__(self, scores: dict[str, RougeScores], config: RougeConfig | None = None,
                 n_references: int | str = 1):
        self._scores = scores
        self.config = config
        self.n_references = check_n_references(n_references)

    @property
    def signature(self) -> Signature | None:
        """How the scores were computed: types, stemmer, tokenizer, sentence splitting, references
        (None without a config)."""
        return None if self.config is None else self.config.signature(self.n_references)

    def __getitem__(self, key: str) -> RougeScores:
        try:
            return self._scores[key]
        except KeyError:
            raise KeyError(f"{key!r} was not computed; computed: {list(self._scores)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._scores)

    def __len__(self) -> int:
        return len(self._scores)

    @property
    def rouge_types(self) -> list[str]:
        return list(self._scores)

    @property
    def n_pairs(self) -> int:
        return len(next(iter(self._scores.values())))

    def mean(self) -> dict[str, Score]:
        """Mean precision/recall/F1 per type."""
        return {name: s.mean() for name, s in self._scores.items()}

    def combine(self, *others: "RougeResult") -> "RougeResult":
        """The result of all these pairs together, in order: per type the per-pair scores,
        statistics and reference indices concatenated, so ``mean()`` equals scoring all pairs in
        one call, bit for bit, and so does the signature. Every result must have the same config
        (types, stemmer, tokenizer, split, multi-reference rule); otherwise ValueError names what
        differs (:mod:`ngramkit.stats.combine`)."""
        check_combinable((self, *others), RougeResult)
        parts = (self, *others)

        def joined(name: str, field: str):
            arrays = [getattr(p[name], field) for p in parts]
            return None if any(a is None for a in arrays) else np.concatenate(arrays)

        scores = {
            name: RougeScores(name, *(joined(name, f) for f in ("precision", "recall", "fmeasure", "statistics",
                                                                "reference_index")))
            for name in self.rouge_types
        }
        label = combined_label((p.n_pairs, p.n_references) for p in parts)
        return RougeResult(scores, self.config, label)

    def aggregate(self, *, n_samples: int = 1000, confidence_interval: float = 0.95, seed=None,
                  method: str = "fast", threads: int | None = None) -> dict:
        """Bootstrap confidence intervals per type (see :func:`ngramkit.bootstrap_interval`)."""
        from ..stats.bootstrap import bootstrap_interval

        return {
            name: bootstrap_interval(s.as_matrix(), n_samples=n_samples, confidence_interval=confidence_interval,
                                     seed=seed, method=method, threads=threads)
            for name, s in self._scores.items()
        }

    def to_dict(self) -> dict[str, dict[str, list[float]]]:
        """``{type: {"precision": [...], "recall": [...], "fmeasure": [...]}}`` of Python floats."""
        return {
            name: {"precision": s.precision.tolist(), "recall": s.recall.tolist(), "fmeasure": s.fmeasure.tolist()}
            for name, s in self._scores.items()
        }

    def to_pandas(self):
        """A DataFrame with one row per pair and columns ``<type>_precision|recall|fmeasure``
        (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install 'ngramkit[pandas]'") from None
        columns = {}
        for name, s in self._scores.items():
            columns[f"{name}_precision"] = s.precision
            columns[f"{name}_recall"] = s.recall
            columns[f"{name}_fmeasure"] = s.fmeasure
        return pd.DataFrame(columns)

    def __repr__(self) -> str:
        means = ", ".join(f"{k}={v.mean().fmeasure:.4f}" for k, v in self._scores.items())
        return f"RougeResult(n={self.n_pairs if self._scores else 0}, mean F1: {means})"


def _group_mean(values: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Per group, ``sum(v) / len(v)`` as Python computes it: the values added left to right in
    reference order, then divided by their count (``np.add.reduceat`` may pair the additions
    differently and differ in the last bit). Vectorized over groups: step ``k`` adds the ``k``-th
    value of every group that has one, so the work is O(number of values)."""
    order = np.argsort(-sizes, kind="stable")  # groups by decreasing size: those with > k values lead
    sorted_sizes = sizes[order]
    acc = values[starts].copy()
    for k in range(1, int(sorted_sizes[0]) if len(sizes) else 0):
        live = order[: int(np.searchsorted(-sorted_sizes, -k, side="left"))]
        acc[live] += values[starts[live] + k]
    return acc / sizes


def _select(name: str, stats: np.ndarray, groups: np.ndarray, mode: str, prf=None) -> RougeScores:
    """Per-prediction scores from per-reference statistics (n_refs, 3); ``prf``: their
    precision, recall, F1 if already computed (``_core.rouge_prf``)."""
    precision, recall, fmeasure = _scores(stats) if prf is None else prf
    n_pred = len(groups) - 1
    if len(stats) == n_pred:  # one reference each
        return RougeScores(name, precision, recall, fmeasure, stats, None)
    starts = groups[:-1]
    sizes = np.diff(groups)
    if mode == "mean":
        return RougeScores(
            name,
            _group_mean(precision, starts, sizes),
            _group_mean(recall, starts, sizes),
            _group_mean(fmeasure, starts, sizes),
        )
    # rouge-score's score_multi: per type, the first reference with the highest F1.
    owner = np.repeat(np.arange(n_pred), sizes)
    best_f = np.maximum.reduceat(fmeasure, starts)
    at_max = np.flatnonzero(fmeasure == best_f[owner])
    _, first = np.unique(owner[at_max], return_index=True)
    chosen = at_max[first]
    return RougeScores(name, precision[chosen], recall[chosen], fmeasure[chosen], stats[chosen], chosen - starts)
