# SPDX-License-Identifier: Apache-2.0
"""Drop-in for ``rouge_score.scoring`` (rouge-score 0.1.2).

``BootstrapAggregator.aggregate()`` returns exactly what rouge-score's returns
for the same state of NumPy's global RNG — same draws, same sums, same
percentiles, same float values and types — and leaves the global RNG in the
same state. Seed ``np.random`` before aggregating for reproducible intervals,
or use :func:`ngramkit.bootstrap_interval` (seeded, multi-threaded).
"""

from __future__ import annotations

import abc
import collections
from typing import Dict

import numpy as np

from ...ingest.arguments import check_n_samples
from ...stats.bootstrap import _rouge_score_percentiles
from ...stats.scores import AggregateScore, Score

__all__ = ["AggregateScore", "BaseScorer", "BootstrapAggregator", "Score", "fmeasure"]


class BaseScorer(metaclass=abc.ABCMeta):
    """Base class for Scorer objects."""

    @abc.abstractmethod
    def score(self, target: str, prediction: str) -> Dict[str, Score]:
        """Calculates score between the target and prediction.

        Args:
          target: Text containing the target (ground truth) text.
          prediction: Text containing the predicted text.

        Returns:
          A dict mapping each score_type (string) to Score object.
        """


class BootstrapAggregator:
    """Aggregates per-pair scores into bootstrap confidence intervals, as rouge-score does.

    ``mid`` is the median of the bootstrap means (not the sample mean), and
    each of precision, recall and F-measure is summarized separately.
    """

    def __init__(self, confidence_interval=0.95, n_samples=1000):
        """Initializes a BootstrapAggregator object.

        Args:
          confidence_interval: Confidence interval to compute on the mean as a
            decimal.
          n_samples: Number of samples to use for bootstrap resampling.

        Raises:
          ValueError: If invalid argument is given.
        """
        # The same checks and messages as rouge-score (which, e.g., lets NaN through here).
        if confidence_interval < 0 or confidence_interval > 1:
            raise ValueError("confidence_interval must be in range [0, 1]")
        if n_samples <= 0:
            raise ValueError("n_samples must be positive")
        check_n_samples(n_samples)  # ints only, and a limit stated before anything is allocated

        self._n_samples = n_samples
        self._confidence_interval = confidence_interval
        self._scores = collections.defaultdict(list)

    def add_scores(self, scores):
        """Adds a sample for future aggregation.

        Args:
          scores: Dict mapping score_type strings to a namedtuple object/class
            representing a score.
        """
        for score_type, score in scores.items():
            self._scores[score_type].append(score)

    def aggregate(self):
        """Aggregates scores previously added using add_scores.

        Returns:
          A dict mapping score_type to AggregateScore objects, in the order the
          types were first added. Each bound is an instance of the class of the
          first score added for that type.
        """
        result = {}
        for score_type, scores in self._scores.items():
            # Stack scores into a 2-d matrix of (sample, measure).
            score_matrix = np.vstack(tuple(scores))
            # Percentiles are returned as (interval, measure).
            percentiles = self._bootstrap_resample(score_matrix)
            # Extract the three intervals (low, mid, high).
            intervals = tuple(scores[0].__class__(*percentiles[j, :]) for j in range(3))
            result[score_type] = AggregateScore(low=intervals[0], mid=intervals[1], high=intervals[2])
        return result

    def _bootstrap_resample(self, matrix):
        """(bounds, measure) matrix of low/mid/high percentiles of the bootstrap means."""
        return _rouge_score_percentiles(matrix, self._confidence_interval, self._n_samples)


def fmeasure(precision, recall):
    """Computes f-measure given precision and recall values."""
    if precision + recall > 0:
        return 2 * precision * recall / (precision + recall)
    else:
        return 0.0
