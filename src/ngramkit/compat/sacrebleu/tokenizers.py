"""``sacrebleu.tokenizers``' objects as sacrebleu's metric classes hold them (``BLEU().tokenizer``,
``TER().tokenizer``): callables from one line to its tokenized form, with ``signature()``, computed
by ngramkit's C++ tokenizers (sacrebleu's own for ja-mecab, ko-mecab, flores and spm)."""
from __future__ import annotations

from ...ingest.text_tokenizers import line_tokenizer, tercom_line_tokenizer, tokenizer_signature

__all__ = ["BaseTokenizer", "TercomTokenizer", "Tokenizer"]


class BaseTokenizer:
    """sacrebleu's ``BaseTokenizer``: ``tokenizer(line) -> str`` and ``signature()``."""

    def __init__(self, tokenize, signature: str):
        self._tokenize, self._signature = tokenize, signature

    def signature(self) -> str:
        """The tokenizer's name in metric signatures (``13a``, ``tercom``, ...)."""
        return self._signature

    def __call__(self, line: str) -> str:
        return self._tokenize(line)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._signature!r})"


class Tokenizer(BaseTokenizer):
    """BLEU's tokenizer ``name`` (``none``, ``13a``, ``intl``, ``char``, ``zh``, ``ja-mecab``, ...)."""

    def __init__(self, name: str):
        super().__init__(line_tokenizer(name), tokenizer_signature(name))


class TercomTokenizer(BaseTokenizer):
    """sacrebleu's ``TercomTokenizer`` (TER's): lowercases unless ``case_sensitive``."""

    def __init__(self, normalized: bool = False, no_punct: bool = False, asian_support: bool = False,
                 case_sensitive: bool = False):
        super().__init__(tercom_line_tokenizer(normalized, no_punct, asian_support, case_sensitive), "tercom")
