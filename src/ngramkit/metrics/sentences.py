"""Sentence splitting for rougeLsum with NLTK's punkt model (``split_summaries=True``).

rouge-score calls ``nltk.sent_tokenize(text)``; that needs NLTK's ``punkt_tab`` data (``punkt``
before NLTK 3.9), which ngramkit cannot ship or download for you.
"""
from __future__ import annotations

INSTALL_HINT = (
    "split_summaries=True splits sentences with NLTK's punkt model, as rouge-score does. "
    "Install it with: pip install nltk && python -m nltk.downloader punkt_tab "
    "(NLTK < 3.9: punkt). Or keep split_summaries=False and put a newline between sentences."
)


class PunktUnavailableError(LookupError):
    """NLTK or its punkt sentence model is not installed."""


def require_punkt() -> None:
    """Raise PunktUnavailableError (a LookupError) unless nltk.sent_tokenize works."""
    try:
        import nltk
    except ImportError:
        raise PunktUnavailableError(INSTALL_HINT) from None
    try:
        nltk.sent_tokenize("One. Two.")
    except LookupError:
        raise PunktUnavailableError(INSTALL_HINT) from None


def punkt_sentences(text: str) -> list[str]:
    import nltk

    return nltk.sent_tokenize(text)


def punkt_joined(text: str) -> str:
    """The punkt sentences of ``text`` joined by newlines, newlines inside a sentence turned into
    spaces (both only separate tokens), so newline splitting recovers exactly those sentences."""
    return "\n".join(s.replace("\n", " ") for s in punkt_sentences(text) if s)
