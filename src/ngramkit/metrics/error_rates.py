"""Word and character error rates (WER, CER) with MER, WIL and WIP, identical to jiwer 4.0.0.

Every pair is aligned as jiwer aligns it — rapidfuzz's ``Levenshtein.opcodes(reference,
hypothesis)``, whose choice among the minimal alignments decides the hit / substitution /
deletion / insertion counts — and yields the integer statistics row

    ``hits, substitutions, deletions, insertions, reference_length``

(in words or characters). A corpus result sums the rows and finalizes once, as jiwer's
``process_words`` sums its counts over all pairs before dividing.

Text is split as jiwer's default transforms split it: words as ``wer_default`` (runs of two or
more whitespace characters become one space, strip, split on ``" "``), characters as
``cer_default`` (strip, then every code point, spaces included). Token ids are compared as they
are (one id = one word or character).

An empty reference is not an error (jiwer 4.0.0 accepts it): a corpus whose references are all
empty has ``wer`` = the number of insertions, ``mer`` = ``wil`` = 1 and ``wip`` = 0 (all 0, 0, 1
if the hypotheses are empty too), exactly jiwer's edge case; per-pair rates follow the same rule
pair by pair.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..ingest.arguments import reject_unordered
from ..ingest.inputs import text_buffers
from ..ingest.pairs import Pairs, ingest_pairs
from ..ingest.threads import resolve_threads
from ..stats.corpus_result import CorpusResult
from ..stats.signature import Signature

CHUNK_SIZE = 1 << 16  # pairs encoded to UTF-8 at a time (bounds the byte buffers)
WORDS, CHARACTERS = "words", "characters"
_UNIT_CODE = {WORDS: 0, CHARACTERS: 1}
COLUMNS = ("hits", "substitutions", "deletions", "insertions", "reference_length")


@dataclass(frozen=True)
class ErrorRateConfig:
    """What an error-rate row counts: ``unit`` is ``"words"`` or ``"characters"``."""

    unit: str = WORDS

    @property
    def width(self) -> int:
        """Columns of a statistics row (see :data:`COLUMNS`)."""
        return len(COLUMNS)


def jiwer_measures(hits, substitutions, deletions, insertions, reference_length, hypothesis_length):
    """jiwer's ``process_words`` measures ``(wer, mer, wil, wip)`` from summed counts (Python ints),
    with jiwer's operations in jiwer's order — and jiwer's types: in the all-empty-reference
    case the measures are ints, as jiwer returns them."""
    h, s, d, i = hits, substitutions, deletions, insertions
    if reference_length == 0:
        wer = i
        mer, wip = (0, 1) if hypothesis_length == 0 else (1, 0)
    else:
        wer = float(s + d + i) / float(h + s + d)
        mer = float(s + d + i) / float(h + s + d + i)
        wip = (float(h) / reference_length) * (float(h) / hypothesis_length) if hypothesis_length >= 1 else 0
    return wer, mer, 1 - wip, wip


def pair_measures(statistics: np.ndarray) -> dict[str, np.ndarray]:
    """Per-pair ``wer, mer, wil, wip``: float64 (n,) each, every element equal to jiwer's measure of
    that pair alone (the same IEEE operations, vectorized)."""
    stats = np.asarray(statistics, dtype=np.int64)
    h, s, d, i, ref_len = (stats[:, k] for k in range(5))
    hyp_len = h + s + i
    errors = (s + d + i).astype(np.float64)
    empty_ref, empty_hyp = ref_len == 0, hyp_len == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        wer = np.where(empty_ref, i.astype(np.float64), errors / (h + s + d))
        mer = np.where(empty_ref, np.where(empty_hyp, 0.0, 1.0), errors / (h + s + d + i))
        hf = h.astype(np.float64)
        wip = np.where(empty_ref, np.where(empty_hyp, 1.0, 0.0),
                       np.where(empty_hyp, 0.0, (hf / ref_len) * (hf / hyp_len)))
    return {"wer": wer, "mer": mer, "wil": 1 - wip, "wip": wip}


class ErrorRateResult(CorpusResult):
    """Corpus error rates and the per-pair statistics they came from.

    Attributes
    ----------
    wer : float
        (S + D + I) / (H + S + D) over all pairs (the error rate of the unit: word or character).
    mer, wil, wip : float
        Match error rate, word information lost and preserved (jiwer's definitions).
    hits, substitutions, deletions, insertions : int
        Summed counts (words or characters).
    statistics : numpy.ndarray, int64, shape (n_pairs, 5)
        ``hits, substitutions, deletions, insertions, reference_length`` of every pair.
    """

    config_type: ClassVar[type] = ErrorRateConfig

    def _finalize(self, summed: list[int]) -> None:
        h, s, d, i, ref_len = summed
        self.hits, self.substitutions, self.deletions, self.insertions = h, s, d, i
        self.reference_length, self.hypothesis_length = ref_len, h + s + i
        wer, mer, wil, wip = jiwer_measures(h, s, d, i, ref_len, h + s + i)
        self.wer, self.mer, self.wil, self.wip = float(wer), float(mer), float(wil), float(wip)

    unit = property(lambda self: self.config.unit)

    @property
    def score(self) -> float:
        """The error rate (WER for words, CER for characters)."""
        return self.wer

    #: name of the score in comparisons and summaries; error rates are lower-is-better
    name = "WER"
    higher_is_better = False

    @classmethod
    def _check_invariants(cls, stats: np.ndarray, config) -> None:
        h, s, d = stats[:, 0], stats[:, 1], stats[:, 2]
        bad = np.flatnonzero(h + s + d != stats[:, 4])
        if bad.size:
            raise ValueError(f"statistics: row {int(bad[0])} breaks hits + substitutions + deletions == "
                             "reference_length")

    def finalize_row(self, row) -> float:
        """The error rate of one summed statistics row (ints, or a bootstrap resample's float sums)."""
        h, s, d, i, ref_len = (row[k] for k in range(5))
        return float(jiwer_measures(h, s, d, i, ref_len, h + s + i)[0])

    @property
    def signature(self) -> Signature:
        """``unit`` (words or characters) and our version: jiwer has no signature of its own."""
        return Signature({"unit": self.unit})

    def pair_rates(self) -> dict[str, np.ndarray]:
        """Per-pair ``wer``, ``mer``, ``wil``, ``wip``: float64 arrays of shape (n_pairs,)."""
        return pair_measures(self.statistics)

    def to_dict(self) -> dict:
        return {"wer": self.wer, "mer": self.mer, "wil": self.wil, "wip": self.wip, "hits": self.hits,
                "substitutions": self.substitutions, "deletions": self.deletions, "insertions": self.insertions,
                "unit": self.unit}

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(wer={self.wer:.4f}, mer={self.mer:.4f}, wil={self.wil:.4f}, "
                f"wip={self.wip:.4f}, hits={self.hits}, substitutions={self.substitutions}, "
                f"deletions={self.deletions}, insertions={self.insertions})")


class WerResult(ErrorRateResult):
    """:class:`ErrorRateResult` over words (``config.unit == "words"``)."""


class CerResult(ErrorRateResult):
    """:class:`ErrorRateResult` over characters; ``cer`` is the character error rate."""

    name = "CER"

    config_type: ClassVar[type] = ErrorRateConfig

    @classmethod
    def from_statistics(cls, statistics, config=None, n_references: int | str = 1):
        return super().from_statistics(statistics, config or ErrorRateConfig(CHARACTERS), n_references)

    cer = property(lambda self: self.wer)

    def __repr__(self) -> str:
        return super().__repr__().replace("(wer=", "(cer=", 1)


def _single_references(pairs: Pairs) -> None:
    counts = pairs.reference_counts()
    if len(counts) and (counts != 1).any():
        g = int(np.flatnonzero(counts != 1)[0])
        raise ValueError(f"references: error rates take exactly one reference per prediction; "
                         f"references[{g}] has {int(counts[g])}")


def error_rate_statistics(pairs: Pairs, unit: str, threads: int) -> np.ndarray:
    """Per-pair statistics int64 (n, 5) of checked single-reference pairs."""
    from .. import _core

    n = len(pairs)
    out = np.zeros((n, len(COLUMNS)), np.int64)
    if pairs.kind != "text":
        p, r = pairs.predictions.batch, pairs.references.batch
        return _core.error_rate_ids(p.ids, p.offsets, r.ids, r.offsets, threads) if n else out
    for start in range(0, n, CHUNK_SIZE):
        stop = min(n, start + CHUNK_SIZE)
        hyp_buf = text_buffers(pairs.predictions.texts[start:stop], "predictions", threads)
        ref_buf = text_buffers(pairs.references.texts[start:stop], "references", threads)
        out[start:stop] = _core.error_rate_text(*hyp_buf, *ref_buf, _UNIT_CODE[unit], threads)
    return out


def _statistics(predictions: Any, references: Any, unit: str, threads) -> np.ndarray:
    reject_unordered(predictions, "predictions")
    reject_unordered(references, "references")
    n_threads = resolve_threads(threads)
    pairs = ingest_pairs(predictions, references, threads=n_threads)
    _single_references(pairs)
    return error_rate_statistics(pairs, unit, n_threads)


def wer(predictions: Any, references: Any, *, threads: int | None = None) -> WerResult:
    """Word error rate (with MER, WIL, WIP and the counts), identical to ``jiwer.process_words(
    references, predictions)`` — note ngramkit's order: predictions first.

    Parameters
    ----------
    predictions : list[str], or token ids (list[list[int]], numpy, TokenBatch, pyarrow): one per pair.
    references : the same kind, exactly one per prediction. Empty references are accepted (see
        the module docstring for jiwer's rule).
    threads : worker threads (default: all cores). Results never depend on it.
    """
    return WerResult(_statistics(predictions, references, WORDS, threads), ErrorRateConfig(WORDS))


def cer(predictions: Any, references: Any, *, threads: int | None = None) -> CerResult:
    """Character error rate, identical to ``jiwer.process_characters(references, predictions)``:
    ``.cer`` (and ``.mer``, ``.wil``, ``.wip`` over characters, the counts). Token ids are
    compared one id per character. Arguments as in :func:`wer`."""
    return CerResult(_statistics(predictions, references, CHARACTERS, threads), ErrorRateConfig(CHARACTERS))
