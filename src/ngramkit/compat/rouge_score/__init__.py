"""Drop-in for the ``rouge_score`` package: ``from ngramkit.compat.rouge_score import rouge_scorer, scoring,
tokenizers``."""
from . import rouge_scorer, scoring, tokenizers
from .rouge_scorer import RougeScorer

__all__ = ["RougeScorer", "rouge_scorer", "scoring", "tokenizers"]
