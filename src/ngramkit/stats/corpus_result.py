"""The combine/finalize protocol every corpus metric shares (BLEU, chrF).

A corpus result holds the integer per-pair statistics it was computed from (int64, one row per
pair) and the options (a frozen config). Its score is a function of the column sums only, so
results from chunks, files, processes or machines combine exactly: concatenate the statistics,
sum, finalize once.
"""
from __future__ import annotations

from typing import ClassVar

import numpy as np

from .combine import check_combinable, check_n_references, combined_label
from .statistics_checks import integer_statistics


class CorpusResult:
    """Base class: ``statistics`` (int64, (n_pairs, config.width)), ``config``, ``n_references``
    (references per pair, or ``"var"``). Subclasses set ``config_type`` and implement
    :meth:`_finalize`."""

    config_type: ClassVar[type]

    def __init__(self, statistics: np.ndarray, config, n_references: int | str = 1):
        self.statistics = statistics
        self.config = config
        self.n_references = n_references
        self._finalize(self.summed_statistics().tolist())

    def _finalize(self, summed: list[int]) -> None:
        raise NotImplementedError

    def summed_statistics(self) -> np.ndarray:
        """Column sums of the statistics (int64, (config.width,))."""
        if len(self.statistics):  # einsum: the same exact int64 sums in half the time of sum(axis=0)
            return np.einsum("ij->j", self.statistics.astype(np.int64, copy=False))
        return np.zeros(self.config.width, dtype=np.int64)

    @classmethod
    def from_statistics(cls, statistics, config=None, n_references: int | str = 1):
        """A result from per-pair statistics (integers, (n, config.width)) computed elsewhere, e.g.
        the ``statistics`` of several results stacked, or read back from a file. Statistics no
        kernel could produce (a wrong shape or dtype, negative counts, more matches than n-grams)
        raise ValueError naming ``statistics``."""
        config = config if config is not None else cls.config_type()
        if not isinstance(config, cls.config_type):
            raise TypeError(f"config: expected a {cls.config_type.__name__}, got {type(config).__name__}")
        stats = integer_statistics(statistics, config.width)
        cls._check_invariants(stats, config)
        return cls(stats, config, check_n_references(n_references))

    @classmethod
    def _check_invariants(cls, stats: np.ndarray, config) -> None:
        """Raise ValueError naming ``statistics`` if a row breaks the metric's invariants."""

    def combine(self, *others):
        """The result of all these pairs together (statistics concatenated, finalized once), with
        the signature one call over all of them gives. Every result must be of this type and have
        this config; otherwise ValueError names what differs (:mod:`ngramkit.stats.combine`)."""
        parts = (self, *others)
        check_combinable(parts, type(self))
        label = combined_label((len(p.statistics), p.n_references) for p in parts)
        return type(self)(np.concatenate([p.statistics for p in parts]), self.config, label)

    def verbose(self) -> str:
        """What sacrebleu prints after the score (BLEU's precisions and brevity penalty); ``""`` if nothing."""
        return ""

    def format(self, width: int = 2, score_only: bool = False, signature: str = "") -> str:
        """sacrebleu's ``Score.format``: ``<name>|<signature> = <score> <verbose>`` (e.g.
        ``BLEU|nrefs:1|... = 48.53 82.4/50.0/45.5/37.5 (BP = ...)``, ``TER = 51.80``)."""
        score = f"{self.score:.{width}f}"
        if score_only:
            return score
        head = f"{self.name}|{signature}" if signature else self.name
        return f"{head} = {score} {self.verbose()}".rstrip(" ")

    def __float__(self) -> float:
        return float(self.score)
