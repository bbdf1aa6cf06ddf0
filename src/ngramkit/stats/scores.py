# SPDX-License-Identifier: Apache-2.0
"""Result types shared by the scorers and the aggregators.

Field names and order are those of ``rouge_score.scoring.Score`` and
``rouge_score.scoring.AggregateScore``, so results unpack, index, compare and
``_asdict()`` the same way as rouge-score's. (They are distinct classes, so an
``isinstance`` check against rouge-score's types is False.)
"""

from __future__ import annotations

from typing import NamedTuple, Union

__all__ = ["Score", "AggregateScore"]


class Score(NamedTuple):
    """Precision, recall and F-measure of one pair, or one bound of an interval."""

    precision: float
    recall: float
    fmeasure: float


class AggregateScore(NamedTuple):
    """A bootstrap confidence interval: ``low`` and ``high`` bounds and the ``mid`` point.

    Each bound is a :class:`Score` when precision, recall and F-measure were
    aggregated together, or a plain float when a single column was.
    ``mid`` is the median of the bootstrap means (rouge-score's definition),
    not the sample mean; see :func:`ngramkit.bootstrap.mean_score` for that.
    """

    low: Union[Score, float]
    mid: Union[Score, float]
    high: Union[Score, float]
