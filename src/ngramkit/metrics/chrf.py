"""chrF and chrF++ identical to sacrebleu 2.x, over text (character n-grams are defined on
characters, so token ids are rejected).

Every pair yields integer statistics: for each order (character orders 1..char_order, then word
orders 1..word_order) the triple ``hyp, ref, match`` — hypothesis n-grams (0 when the reference
has none of that order), reference n-grams, clipped matches — of the reference sacrebleu picks
(the first with the highest sentence score). A corpus score sums them and finalizes once, as
sacrebleu's ``CHRF`` does.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..ingest.arguments import check_bool
from ..ingest.inputs import text_buffers
from ..ingest.pairs import Pairs, ingest_pairs
from ..ingest.text_tokenizers import lowercased
from ..ingest.threads import resolve_threads
from ..stats.corpus_result import CorpusResult
from ..stats.statistics_checks import check_at_most
from ..stats.signature import Signature
from .bleu import CHUNK_SIZE

EPS = 1e-16


@dataclass(frozen=True)
class ChrfConfig:
    """How chrF is computed (sacrebleu's ``CHRF`` options)."""

    char_order: int = 6
    word_order: int = 0
    beta: float = 2
    lowercase: bool = False
    whitespace: bool = False
    eps_smoothing: bool = False

    @property
    def order(self) -> int:
        return self.char_order + self.word_order

    @property
    def width(self) -> int:
        """Columns of a statistics row: 3 per order."""
        return 3 * self.order

    @property
    def name(self) -> str:
        """``chrF2``, ``chrF2++`` (sacrebleu's naming: one ``+`` per word order)."""
        return f"chrF{self.beta}" + "+" * self.word_order


def _order(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an int, got {type(value).__name__}")
    if not 0 <= value <= 1024:
        raise ValueError(f"{name}: expected 0..1024, got {value}")
    return int(value)


def make_config(char_order, word_order, beta, lowercase, whitespace, eps_smoothing) -> ChrfConfig:
    """Validate chrF options (errors name the argument)."""
    char_order, word_order = _order(char_order, "char_order"), _order(word_order, "word_order")
    if char_order + word_order == 0:
        raise ValueError("char_order, word_order: at least one must be positive")
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real):
        raise TypeError(f"beta: expected a number, got {type(beta).__name__}")
    if not beta >= 0 or beta == float("inf"):
        raise ValueError(f"beta: expected a finite non-negative number, got {beta!r}")
    return ChrfConfig(char_order, word_order, beta, check_bool(lowercase, "lowercase"),
                      check_bool(whitespace, "whitespace"), check_bool(eps_smoothing, "eps_smoothing"))


def compute_chrf(stats: Sequence[int], config: ChrfConfig) -> float:
    """sacrebleu's ``CHRF._compute_f_score`` on one (summed) statistics row: integers (computed in
    Python floats), or a numpy row such as a bootstrap resample's float32 sums, whose elements keep
    their numpy type so that numpy's arithmetic rules apply as in sacrebleu."""
    keep_type = isinstance(stats, np.ndarray)
    factor = config.beta ** 2
    score = 0.0
    avg_prec = avg_rec = 0.0
    effective = 0
    for i in range(config.order):
        n_hyp, n_ref, n_match = stats[3 * i : 3 * i + 3] if keep_type else (int(x) for x in stats[3 * i : 3 * i + 3])
        prec = n_match / n_hyp if n_hyp > 0 else EPS
        rec = n_match / n_ref if n_ref > 0 else EPS
        denom = factor * prec + rec
        score += ((1 + factor) * prec * rec / denom) if denom > 0 else EPS
        if n_hyp > 0 and n_ref > 0:
            avg_prec += prec
            avg_rec += rec
            effective += 1
    if config.eps_smoothing:
        return 100 * score / config.order
    if effective == 0:
        avg_prec = avg_rec = 0.0
    else:
        avg_prec /= effective
        avg_rec /= effective
    if avg_prec + avg_rec:
        score = (1 + factor) * avg_prec * avg_rec
        score /= (factor * avg_prec) + avg_rec
        return 100 * score
    return 0.0


class ChrfResult(CorpusResult):
    """A corpus chrF score and the per-pair statistics it was computed from.

    Attributes
    ----------
    score : float
        chrF on sacrebleu's 0-100 scale.
    name : str
        ``chrF2`` / ``chrF2++`` ...
    char_order, word_order, beta : the options.
    statistics : numpy.ndarray, int64, shape (n_pairs, 3 * (char_order + word_order))
        ``hyp, ref, match`` per order of every pair (of the reference chosen for it).
    reference_index : numpy.ndarray, int64, shape (n_pairs,)
        Which of a pair's references was chosen (0 with one reference).
    signature : Signature
    """

    config_type = ChrfConfig

    def __init__(self, statistics: np.ndarray, config: ChrfConfig, n_references: int | str = 1,
                 reference_index: np.ndarray | None = None):
        super().__init__(statistics, config, n_references)
        self.reference_index = reference_index

    @classmethod
    def _check_invariants(cls, stats: np.ndarray, config: ChrfConfig) -> None:
        check_at_most(stats, slice(2, None, 3), slice(0, None, 3), "match <= hyp (matches <= hypothesis n-grams)")
        check_at_most(stats, slice(2, None, 3), slice(1, None, 3), "match <= ref (matches <= reference n-grams)")

    def combine(self, *others) -> "ChrfResult":
        combined = super().combine(*others)
        indices = [p.reference_index for p in (self, *others)]
        if all(i is not None for i in indices):
            combined.reference_index = np.concatenate(indices)
        return combined

    def finalize_row(self, row) -> float:
        """The chrF score of one summed statistics row, with this result's options (see
        :func:`compute_chrf` for the row types)."""
        return compute_chrf(row, self.config)

    def _finalize(self, summed: list[int]) -> None:
        self.score: float = compute_chrf(summed, self.config)

    name = property(lambda self: self.config.name)
    char_order = property(lambda self: self.config.char_order)
    word_order = property(lambda self: self.config.word_order)
    beta = property(lambda self: self.config.beta)

    @property
    def signature(self) -> Signature:
        c = self.config
        return Signature({"nrefs": self.n_references, "case": "lc" if c.lowercase else "mixed",
                          "eff": "yes" if not c.eps_smoothing else "no", "nc": c.char_order, "nw": c.word_order,
                          "space": "yes" if c.whitespace else "no"})

    def to_dict(self) -> dict:
        return {"score": self.score, "char_order": self.char_order, "word_order": self.word_order,
                "beta": self.beta, "signature": self.signature.format()}

    def __repr__(self) -> str:
        return f"ChrfResult({self.format()})"


def chrf_statistics(pairs: Pairs, config: ChrfConfig, threads: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(statistics int64 (n, 3*order), sentence scores float64 (n,), chosen reference int64 (n,))."""
    from .. import _core

    n = len(pairs)
    if n == 0:
        return np.zeros((0, config.width), np.int64), np.zeros(0), np.zeros(0, np.int64)
    columns = np.empty((n, config.width), np.int64), np.empty(n), np.empty(n, np.int64)
    for start in range(0, n, CHUNK_SIZE):
        stop = min(n, start + CHUNK_SIZE)
        chunk = pairs.slice(start, stop)
        hyp_buf = text_buffers(lowercased(chunk.predictions.texts, config.lowercase), "hypotheses", threads)
        ref_buf = text_buffers(lowercased(chunk.references.texts, config.lowercase), "references", threads)
        _core.chrf_text(*hyp_buf, *ref_buf, chunk.groups, config.char_order, config.word_order,
                        float(config.beta ** 2), config.whitespace, config.eps_smoothing, threads,
                        out=tuple(column[start:stop] for column in columns))
    return columns


def _run(hypotheses, references, config: ChrfConfig, threads) -> tuple[Pairs, tuple]:
    n_threads = resolve_threads(threads)
    pairs = ingest_pairs(hypotheses, references, text_only="chrF", predictions_name="hypotheses", threads=n_threads)
    return pairs, chrf_statistics(pairs, config, n_threads)


def chrf(hypotheses: Any, references: Any, char_order: int = 6, word_order: int = 0, beta: float = 2,
         lowercase: bool = False, whitespace: bool = False, eps_smoothing: bool = False,
         threads: int | None = None) -> ChrfResult:
    """Corpus chrF (``word_order=2``: chrF++), identical to sacrebleu's ``CHRF(...).corpus_score``.

    Parameters
    ----------
    hypotheses : list[str] (or a pyarrow string array): one text per pair.
    references : one text per hypothesis, or a list of texts per hypothesis (any number each;
        ``references[i]`` belongs to ``hypotheses[i]``, nothing is truncated).
    char_order, word_order : character and word n-gram orders (6 and 0: chrF2; 6 and 2: chrF++).
    beta : recall weight. lowercase : ``str.lower()`` first. whitespace : keep whitespace in
        character n-grams. eps_smoothing : sacrebleu's eps smoothing (chrF++.py / NLTK style).
    threads : worker threads (default: all cores; at most 1024). Results never depend on it.
    """
    config = make_config(char_order, word_order, beta, lowercase, whitespace, eps_smoothing)
    pairs, (stats, _, chosen) = _run(hypotheses, references, config, threads)
    return ChrfResult(stats, config, pairs.n_references_label(), chosen)


def sentence_chrf(hypotheses: Any, references: Any, char_order: int = 6, word_order: int = 0, beta: float = 2,
                  lowercase: bool = False, whitespace: bool = False, eps_smoothing: bool = False,
                  threads: int | None = None) -> np.ndarray:
    """Sentence chrF of every pair in one call: float64 (n_pairs,), each equal to sacrebleu's
    ``sentence_chrf(hypothesis, references_of_it).score``. Arguments as in :func:`chrf`."""
    config = make_config(char_order, word_order, beta, lowercase, whitespace, eps_smoothing)
    _, (_, scores, _) = _run(hypotheses, references, config, threads)
    return scores
