"""The combine/finalize protocol every corpus metric shares (BLEU, chrF).

A corpus result holds the integer per-pair statistics it was computed from (int64, one row per
pair) and the options (a frozen config). Its score is a function of the column sums only, so
results from chunks, files, processes or machines combine exactly: concatenate the statistics,
sum, finalize once.
"""
from __future__ import annotations

from typing import ClassVar

import numpy as np


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
        the ``statistics`` of several results stacked, or read back from a file."""
        config = config if config is not None else cls.config_type()
        stats = np.asarray(statistics)
        if stats.dtype.kind not in "iu" or stats.ndim != 2 or stats.shape[1] != config.width:
            raise ValueError(f"statistics: expected an integer array of shape (n, {config.width}), "
                             f"got {stats.dtype} {stats.shape}")
        return cls(np.ascontiguousarray(stats, dtype=np.int64), config, n_references)

    def combine(self, *others):
        """The result of all these pairs together (statistics concatenated, finalized once)."""
        for other in others:
            if type(other) is not type(self) or other.config != self.config:
                raise ValueError(f"combine: every result must be a {type(self).__name__} computed with the same "
                                 "options")
        labels = {self.n_references, *(o.n_references for o in others)}
        return type(self)(np.concatenate([self.statistics, *(o.statistics for o in others)]), self.config,
                          labels.pop() if len(labels) == 1 else "var")

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
