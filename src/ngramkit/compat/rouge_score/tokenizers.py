"""Drop-in ``rouge_score.tokenizers``: the ``Tokenizer`` base class a custom tokenizer subclasses
and ``DefaultTokenizer(use_stemmer=False)``, rouge-score's tokenizer (lowercase, keep runs of
``[a-z0-9]``, Porter-stem tokens longer than 3 characters with ``use_stemmer``), computed in C++.

``RougeScorer(..., tokenizer=DefaultTokenizer(use_stemmer=s))`` scores as
``RougeScorer(..., use_stemmer=s)``, on the same fast path.
"""
from __future__ import annotations

import abc

from ...ingest.arguments import check_bool
from ...ingest.tokenize import tokenize as _tokenize

__all__ = ["DefaultTokenizer", "Tokenizer"]


class Tokenizer(abc.ABC):
    """Abstract base class of a tokenizer: subclasses implement ``tokenize(text) -> list[str]``."""

    @abc.abstractmethod
    def tokenize(self, text):
        raise NotImplementedError("Tokenizer must override tokenize() method")


class DefaultTokenizer(Tokenizer):
    """rouge-score's default tokenizer; ``use_stemmer``: Porter-stem tokens longer than 3 characters."""

    def __init__(self, use_stemmer: bool = False):
        self.use_stemmer = check_bool(use_stemmer, "use_stemmer")

    def tokenize(self, text: str) -> list[str]:
        """The tokens of one text, as ``rouge_score.tokenize.tokenize(text, stemmer)``."""
        if not isinstance(text, str):
            raise TypeError(f"text: expected a str, got {type(text).__name__}")
        batch, vocabulary = _tokenize([text], use_stemmer=self.use_stemmer, threads=1)
        return [vocabulary[i] for i in batch.ids.tolist()]
