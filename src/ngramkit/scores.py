"""Score tuples, with the field names and order of rouge-score's ``scoring`` module."""
from __future__ import annotations

from typing import NamedTuple


class Score(NamedTuple):
    """Precision, recall and F1 of one rouge type."""

    precision: float
    recall: float
    fmeasure: float


class AggregateScore(NamedTuple):
    """Low, mid and high of a bootstrap confidence interval (each a Score, or a float)."""

    low: Score
    mid: Score
    high: Score
