"""Texygen self-BLEU on the NLTK-compatible BLEU."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def self_bleu(texts: Any, weights: tuple = (0.25, 0.25, 0.25, 0.25), tokenizer: Callable | None = None) -> float:
    """Texygen self-BLEU: the mean over texts of NLTK ``sentence_bleu(others, text, weights,
    SmoothingFunction().method1)``; texts split on whitespace unless ``tokenizer`` or token lists."""
    from ..compat.nltk.bleu_score import SmoothingFunction, sentence_bleu as nltk_sentence_bleu

    items = list(texts)
    if len(items) < 2:
        raise ValueError("texts: self-BLEU needs at least two texts")
    split = tokenizer or str.split
    tokens = [split(t) if isinstance(t, str) else list(t) for t in items]
    smoothing = SmoothingFunction().method1
    scores = [nltk_sentence_bleu(tokens[:i] + tokens[i + 1:], tokens[i], weights, smoothing)
              for i in range(len(tokens))]
    return float(np.mean(scores))
