"""Text to token ids with rouge-score's default tokenizer: one vocabulary, ids by first appearance."""
from __future__ import annotations

from . import inputs
from .arguments import check_bool
from .threads import resolve_threads
from .token_batch import TokenBatch


def tokenize(texts: list[str], *, use_stemmer: bool = False,
             threads: int | None = None) -> tuple[TokenBatch, list[str]]:
    """rouge-score's default tokenization of ``texts`` with one vocabulary.

    Returns ``(batch, vocabulary)``: ``batch`` a TokenBatch of the token ids of each text,
    ``vocabulary[id]`` the token (the stem, with ``use_stemmer``); ids are numbered in order of
    first appearance. Scoring such batches with :func:`rouge` gives the same numbers as scoring
    the texts (except rougeLsum, whose sentence breaks are not kept). ``threads``: worker
    threads (default: all cores of this process); the ids never depend on it.
    """
    from .. import _core

    texts = inputs._as_list(texts, "texts")
    use_stemmer = check_bool(use_stemmer, "use_stemmer")
    n_threads = resolve_threads(threads)
    data, offsets = inputs.text_buffers(texts, "texts", n_threads)
    ids, tok_offsets, vocabulary = _core.tokenize_text(data, offsets, use_stemmer, n_threads)
    return TokenBatch._wrap(ids, tok_offsets), vocabulary
