"""TER (translation edit rate) identical to sacrebleu 2.x, over text (sacrebleu's Tercom tokenizer,
in C++) or token ids.

Every pair yields the two statistics sacrebleu's ``TER`` keeps (float64, 2 columns): the fewest
edits over the pair's references (insertions, deletions, substitutions and shifts of word blocks,
found by sacrebleu's greedy shift search and beam-limited edit distance), and the average length
of its references in words. Corpus TER = Σ edits / Σ average reference length (×100), the sums
taken left to right as sacrebleu's ``sum_of_lists`` does, so results from chunks, files or
machines combine exactly (:meth:`TerResult.combine` concatenates, then sums once).

Lower is better: TER counts errors.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..ingest.arguments import check_bool
from ..ingest.inputs import IDS, text_buffers
from ..ingest.pairs import Pairs, ingest_pairs
from ..ingest.text_tokenizers import lowercased
from ..ingest.threads import resolve_threads
from ..stats.combine import check_n_references
from ..stats.corpus_result import CorpusResult
from ..stats.signature import Signature
from .bleu import CHUNK_SIZE

TOKENIZE_TERCOM = "tercom"
TOKENIZE_IDS = "ids"
#: sacrebleu's short signature keys for TER's fields (``tok`` is ``t`` here, unlike BLEU's).
SHORT_KEYS = {"case": "c", "tok": "t", "norm": "nr", "punct": "pn", "asian": "as"}


@dataclass(frozen=True)
class TerConfig:
    """How TER is computed (sacrebleu's ``TER`` options); ``tokenize`` is ``"tercom"`` for text and
    ``"ids"`` for token-id input."""

    normalized: bool = False
    no_punct: bool = False
    asian_support: bool = False
    case_sensitive: bool = False
    tokenize: str = TOKENIZE_TERCOM

    #: columns of a statistics row: edits, average reference length
    width = 2


def make_config(normalized, no_punct, asian_support, case_sensitive) -> TerConfig:
    """Validate TER options (errors name the argument)."""
    return TerConfig(check_bool(normalized, "normalized"), check_bool(no_punct, "no_punct"),
                     check_bool(asian_support, "asian_support"), check_bool(case_sensitive, "case_sensitive"))


def ter_score(num_edits, ref_length):
    """sacrebleu's ``TER._compute_score_from_stats``: ``100 * edits / ref_length``; 100 when the
    references are empty and the hypothesis is not, 0 when both are. numpy scalars (a bootstrap
    resample's float32 sums) keep their type, as in sacrebleu."""
    if ref_length > 0:
        score = num_edits / ref_length
    elif num_edits > 0:
        score = 1.0
    else:
        score = 0.0
    return 100 * score


def sum_statistics(statistics: np.ndarray) -> tuple:
    """sacrebleu's ``sum_of_lists`` of TER rows: (Σ edits as an int, Σ average reference lengths
    added left to right from 0). One row is returned as it is."""
    if len(statistics) == 0:
        return 0, 0.0
    if len(statistics) == 1:
        return int(statistics[0, 0]), float(statistics[0, 1])
    # np.add.accumulate adds in order, one element after the other (no pairwise summation)
    return int(statistics[:, 0].sum()), float(np.add.accumulate(statistics[:, 1])[-1])


def check_statistics(statistics) -> np.ndarray:
    """``statistics`` as a float64 (n, 2) array of TER rows, or ValueError: edits must be
    non-negative whole numbers and lengths finite and non-negative."""
    stats = np.asarray(statistics)
    if stats.dtype.kind not in "iuf" or stats.ndim != 2 or stats.shape[1] != 2:
        raise ValueError(f"statistics: expected a numeric array of shape (n, 2) [edits, average reference "
                         f"length], got {stats.dtype} {stats.shape}")
    stats = np.ascontiguousarray(stats, dtype=np.float64)
    if not np.isfinite(stats).all() or (stats < 0).any():
        raise ValueError("statistics: every value must be finite and non-negative")
    if (stats[:, 0] != np.floor(stats[:, 0])).any():
        raise ValueError("statistics: column 0 (edits) must hold whole numbers")
    return stats


class TerResult(CorpusResult):
    """A corpus TER score and the per-pair statistics it was computed from.

    Attributes
    ----------
    score : float
        TER on sacrebleu's 0-100 scale (lower is better; it can exceed 100).
    num_edits : int
        Edits summed over the corpus (the fewest over each pair's references).
    ref_length : float
        Average reference lengths (words) summed over the corpus.
    statistics : numpy.ndarray, float64, shape (n_pairs, 2)
        ``edits, average reference length`` of every pair: any subset gives that subset's score
        through :meth:`from_statistics`.
    signature : Signature
        sacrebleu's fields (``nrefs``, ``case``, ``tok``, ``norm``, ``punct``, ``asian``) and our version.
    """

    name = "TER"
    config_type = TerConfig
    higher_is_better = False

    def __init__(self, statistics: np.ndarray, config: TerConfig, n_references: int | str = 1):
        self.statistics = statistics
        self.config = config
        self.n_references = n_references
        self.num_edits, self.ref_length = sum_statistics(statistics)
        self.score = ter_score(self.num_edits, self.ref_length)

    def summed_statistics(self) -> np.ndarray:
        """``[Σ edits, Σ average reference length]`` (float64, (2,)), summed as sacrebleu does."""
        return np.array(sum_statistics(self.statistics), dtype=np.float64)

    @classmethod
    def from_statistics(cls, statistics, config=None, n_references: int | str = 1):
        """A result from per-pair statistics ((n, 2): edits, average reference length) computed
        elsewhere, e.g. the ``statistics`` of several results stacked."""
        config = config if config is not None else TerConfig()
        if not isinstance(config, TerConfig):
            raise TypeError(f"config: expected a TerConfig, got {type(config).__name__}")
        return cls(check_statistics(statistics), config, check_n_references(n_references))

    def finalize_row(self, row) -> float:
        """The TER of one summed statistics row (numpy rows keep their dtype, as in sacrebleu)."""
        return ter_score(row[0], row[1])

    @property
    def signature(self) -> Signature:
        c = self.config
        return Signature({"nrefs": self.n_references, "case": "mixed" if c.case_sensitive else "lc",
                          "tok": c.tokenize, "norm": c.normalized, "punct": not c.no_punct,
                          "asian": c.asian_support}, short_keys=SHORT_KEYS)

    def __str__(self) -> str:
        return self.format()

    def to_dict(self) -> dict:
        """Plain Python values: score, num_edits, ref_length, signature."""
        return {"score": float(self.score), "num_edits": self.num_edits, "ref_length": self.ref_length,
                "signature": self.signature.format()}

    def __repr__(self) -> str:
        return f"TerResult({self.format()})"


def ter_statistics(pairs: Pairs, config: TerConfig, threads: int) -> np.ndarray:
    """float64 (n_predictions, 2) statistics of ingested pairs."""
    from .. import _core

    if len(pairs) == 0:
        return np.zeros((0, 2), dtype=np.float64)
    if pairs.kind == IDS:
        p, r = pairs.predictions.batch, pairs.references.batch
        return _core.ter_ids(p.ids, p.offsets, r.ids, r.offsets, pairs.groups, threads)
    stats = np.empty((len(pairs), 2), dtype=np.float64)
    lowercase = not config.case_sensitive
    for start in range(0, len(pairs), CHUNK_SIZE):
        stop = min(len(pairs), start + CHUNK_SIZE)
        chunk = pairs.slice(start, stop)
        hyps = text_buffers(lowercased(chunk.predictions.texts, lowercase), "hypotheses", threads)
        refs = text_buffers(lowercased(chunk.references.texts, lowercase), "references", threads)
        _core.ter_text(*hyps, *refs, chunk.groups, config.normalized, config.no_punct, config.asian_support,
                       threads, out=stats[start:stop])
    return stats


def _ingest(hypotheses, references, config: TerConfig, threads: int) -> tuple[Pairs, TerConfig]:
    pairs = ingest_pairs(hypotheses, references, predictions_name="hypotheses", threads=threads)
    if pairs.kind == IDS:
        changed = [name for name in ("normalized", "no_punct", "asian_support", "case_sensitive")
                   if getattr(config, name)]
        if changed:
            raise ValueError(f"{changed[0]}: applies to text input only; token ids are compared as given")
        config = replace(config, tokenize=TOKENIZE_IDS)
    return pairs, config


def ter(hypotheses: Any, references: Any, normalized: bool = False, no_punct: bool = False,
        asian_support: bool = False, case_sensitive: bool = False, threads: int | None = None) -> TerResult:
    """Corpus TER, identical to sacrebleu's ``TER(...).corpus_score``.

    Parameters
    ----------
    hypotheses : list[str] | list[list[int]] | TokenBatch | padded array (via TokenBatch) | pyarrow array
        One text or token-id sequence per pair.
    references : one per hypothesis (same kinds), or several per hypothesis: a list whose items are
        lists of strings / of id sequences (a different number per hypothesis is fine). Unlike
        sacrebleu's reference *streams*, ``references[i]`` belongs to ``hypotheses[i]``.
    normalized : sacrebleu's Tercom normalization (punctuation split, XML entities decoded, …).
    no_punct : remove punctuation (with ``asian_support``, CJK punctuation too).
    asian_support : split CJK characters (with ``normalized``) and remove CJK punctuation (with ``no_punct``).
    case_sensitive : compare case; by default texts are lowercased with ``str.lower()``.
    threads : worker threads (default: all cores of this process). Results never depend on it.

    Text options apply to text only; token ids are compared as given (every option must stay False).

    Returns
    -------
    TerResult
        ``score`` (0-100+, lower is better), ``num_edits``, ``ref_length``, per-pair ``statistics``,
        ``signature``.
    """
    config = make_config(normalized, no_punct, asian_support, case_sensitive)
    n_threads = resolve_threads(threads)
    pairs, config = _ingest(hypotheses, references, config, n_threads)
    return TerResult(ter_statistics(pairs, config, n_threads), config, pairs.n_references_label())


def sentence_scores(statistics: np.ndarray) -> np.ndarray:
    """TER of every statistics row on its own: float64 (n,), as sacrebleu's ``sentence_score``."""
    stats = np.asarray(statistics, dtype=np.float64)
    edits, ref_length = stats[:, 0], stats[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ref_length > 0, edits / np.where(ref_length > 0, ref_length, 1.0),
                         np.where(edits > 0, 1.0, 0.0))
    return 100 * ratio


def sentence_ter(hypotheses: Any, references: Any, normalized: bool = False, no_punct: bool = False,
                 asian_support: bool = False, case_sensitive: bool = False,
                 threads: int | None = None) -> np.ndarray:
    """Sentence TER of every pair in one call: float64 array (n_pairs,), each equal to sacrebleu's
    ``TER(...).sentence_score(hypothesis, references_of_it).score``. Arguments as in :func:`ter`."""
    config = make_config(normalized, no_punct, asian_support, case_sensitive)
    n_threads = resolve_threads(threads)
    pairs, config = _ingest(hypotheses, references, config, n_threads)
    return sentence_scores(ter_statistics(pairs, config, n_threads))
