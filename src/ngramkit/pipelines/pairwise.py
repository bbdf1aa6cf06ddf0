"""Score matrices (every hypothesis against every reference), MBR selection, self-BLEU and the
self-instruct near-duplicate filter (self-BLEU: compat/self_bleu.py).

chrF / chrF++ and sentence BLEU use the count-once kernels of :mod:`ngramkit.metrics.matrices`
(each text tokenized and counted once per pool, threads over pools and rows). ROUGE and TER score
the (H, R) cells as H*R expanded pairs through the batched sentence kernels. Adding a metric is
one entry in ``_METRICS`` (and, for a count-once kernel, in ``_POOL_KERNELS``).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..ingest.arguments import check_bool, reject_unordered
from ..ingest.threads import resolve_threads
from ..metrics import bleu as _bleu_metric, chrf as _chrf_metric, matrices
from ..metrics.bleu import sentence_bleu
from ..metrics.chrf import sentence_chrf
from ..metrics.matrices import PaddedMatrices
from ..metrics.rouge_types import VALID_ROUGE_TYPES
from ..metrics.ter import sentence_ter
from .near_duplicates import near_duplicates  # noqa: F401  (re-exported: its home is near_duplicates.py)
from .rouge_matrix import rouge_matrix

_CHRF_OPTIONS = ("char_order", "word_order", "beta", "lowercase", "whitespace", "eps_smoothing")
_BLEU_OPTIONS = ("tokenize", "smooth_method", "smooth_value", "lowercase", "max_ngram_order", "effective_order")
_ROUGE_OPTIONS = ("measure", "use_stemmer", "tokenize")
_TER_OPTIONS = ("normalized", "no_punct", "asian_support", "case_sensitive")
#: metrics whose lower values are better: MBR minimises their mean (expected loss)
_LOWER_IS_BETTER = frozenset({"ter"})


def _chrf(hyps, refs, threads, options) -> np.ndarray:
    return sentence_chrf(hyps, refs, threads=threads, **options)


def _bleu(hyps, refs, threads, options) -> np.ndarray:
    return sentence_bleu(hyps, refs, threads=threads, **options)


def _ter(hyps, refs, threads, options) -> np.ndarray:
    return sentence_ter(hyps, refs, threads=threads, **options)


def _rouge(name: str) -> Callable:
    def score(hyps, refs, threads, options) -> np.ndarray:
        # every hypothesis against every reference at once, each text tokenized once
        return rouge_matrix(hyps, None if refs is hyps else refs, name, threads=threads, **options)
    score.scores_matrix = True  # _matrix: takes (hyps, refs) and returns the (H, R) matrix
    return score


# metric name -> (scorer(hyps, refs, threads, options) -> float64 (n,), allowed option names)
_METRICS: dict[str, tuple[Callable, tuple[str, ...]]] = {
    "chrf": (_chrf, _CHRF_OPTIONS),
    "bleu": (_bleu, _BLEU_OPTIONS),
    "ter": (_ter, _TER_OPTIONS),
    **{name: (_rouge(name), _ROUGE_OPTIONS) for name in VALID_ROUGE_TYPES},
}


def _lookup(metric: str, options: dict) -> Callable:
    if not isinstance(metric, str) or metric not in _METRICS:
        raise ValueError(f"metric: expected one of {sorted(_METRICS)}, got {metric!r}")
    scorer, allowed = _METRICS[metric]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise TypeError(f"{unknown[0]}: not an option of metric {metric!r} (options: {list(allowed)})")
    return scorer


def _as_list(texts: Any, name: str) -> list:
    reject_unordered(texts, name, "a list of texts or token-id sequences")
    if not hasattr(texts, "__len__"):
        raise TypeError(f"{name}: expected a list of texts or token-id sequences")
    return list(texts)


def _matrix(scorer, hyps: list, refs: list, threads, options) -> np.ndarray:
    if not hyps or not refs:
        return np.zeros((len(hyps), len(refs)), dtype=np.float64)
    if getattr(scorer, "scores_matrix", False):
        return scorer(hyps, refs, threads, options)
    expanded_h = [h for h in hyps for _ in refs]
    expanded_r = refs * len(hyps)
    return np.asarray(scorer(expanded_h, expanded_r, threads, options), dtype=np.float64).reshape(len(hyps), len(refs))


def _chrf_config(options: dict):
    defaults = dict(char_order=6, word_order=0, beta=2, lowercase=False, whitespace=False, eps_smoothing=False)
    return _chrf_metric.make_config(**{**defaults, **options})


def _bleu_config(options: dict):
    defaults = dict(tokenize=None, smooth_method="exp", smooth_value=None, lowercase=False, max_ngram_order=4,
                    effective_order=True)
    return _bleu_metric.make_config(**{**defaults, **options})


def _bleu_text_options(options: dict) -> tuple:
    """The given BLEU options that only apply to text (an error with token ids)."""
    return tuple(name for name in ("tokenize", "lowercase") if options.get(name) not in (None, False))


def _chrf_pools(hyp_pools, ref_pools, threads, options, padded):
    return matrices.chrf_matrices(hyp_pools, ref_pools, _chrf_config(options), threads, padded)


def _bleu_pools(hyp_pools, ref_pools, threads, options, padded):
    return matrices.bleu_matrices(hyp_pools, ref_pools, _bleu_config(options), threads, padded,
                                  _bleu_text_options(options))


# metric -> count-once kernel(hyp_pools, ref_pools or None, threads, options, padded)
_POOL_KERNELS: dict[str, Callable] = {"chrf": _chrf_pools, "bleu": _bleu_pools}


def _pools(texts: Any, name: str) -> list[list]:
    return [_as_list(pool, f"{name}[{p}]") for p, pool in enumerate(_as_list(texts, name))]


def _padded(matrix_list: list[np.ndarray]) -> PaddedMatrices:
    n_hyp = np.array([m.shape[0] for m in matrix_list], dtype=np.int64)
    n_ref = np.array([m.shape[1] for m in matrix_list], dtype=np.int64)
    h, r = (int(n_hyp.max()), int(n_ref.max())) if matrix_list else (0, 0)
    scores = np.full((len(matrix_list), h, r), np.nan)
    for p, m in enumerate(matrix_list):
        scores[p, : m.shape[0], : m.shape[1]] = m
    return PaddedMatrices(scores, n_hyp, n_ref)


def pairwise(hypotheses: Any, references: Any = None, metric: str = "chrf", *, threads: int | None = None,
             **options) -> np.ndarray:
    """Score matrix: float64 (H, R), cell [i, j] = sentence score of ``hypotheses[i]`` against
    ``references[j]`` alone (``references=None``: the hypotheses against themselves). An empty
    side gives shape (0, R) or (H, 0).

    ``metric``: ``"chrf"`` (sacrebleu ``sentence_chrf``, bit-identical; options char_order,
    word_order (2 = chrF++), beta, lowercase, whitespace, eps_smoothing; text only), ``"bleu"``
    (sacrebleu ``sentence_bleu``, bit-identical, its sentence defaults: exp smoothing, effective
    order; options tokenize, smooth_method, smooth_value, lowercase, max_ngram_order,
    effective_order; text or token ids), ``"rouge1"`` … ``"rouge9"``, ``"rougeL"``,
    ``"rougeLsum"`` (rouge-score ``score(target=references[j], prediction=hypotheses[i])``, F1 in
    [0, 1] unless ``measure="precision"/"recall"``; options use_stemmer, tokenize), ``"ter"``
    (sacrebleu ``TER().sentence_score``, lower is better; options normalized, no_punct,
    asian_support, case_sensitive). chrF, BLEU and TER are on 0–100. chrF and BLEU count each
    text's n-grams once and compute the cells from the counts (threads over rows); ROUGE and TER
    score H*R expanded pairs. Options that do not belong to the metric raise TypeError.
    ``threads``: worker threads (default: all cores); results never depend on it.
    """
    scorer = _lookup(metric, options)
    hyps = _as_list(hypotheses, "hypotheses")
    refs = None if references is None else _as_list(references, "references")
    if metric in _POOL_KERNELS:
        return _POOL_KERNELS[metric]([hyps], None if refs is None else [refs], resolve_threads(threads), options,
                                     False)[0]
    return _matrix(scorer, hyps, hyps if refs is None else refs, threads, options)


def pairwise_pools(hypotheses: Any, references: Any = None, metric: str = "chrf", *, threads: int | None = None,
                   padded: bool = False, **options) -> list[np.ndarray] | PaddedMatrices:
    """One :func:`pairwise` matrix per source: ``hypotheses`` is a list of pools (lists), and
    ``references`` None (each pool against itself) or a list of pools of the same length.

    Returns a list of float64 (H_s, R_s) arrays (ragged pools stay ragged; for chrF and BLEU they
    are views of one buffer), or with ``padded=True`` a :class:`PaddedMatrices`: ``scores``
    float64 (n_sources, max H_s, max R_s), NaN outside each source's ``[:H_s, :R_s]``, and the
    int64 (n_sources,) ``n_hypotheses`` and ``n_references``. chrF and BLEU run threads over the
    sources (or over the rows of each when there are fewer sources than twice the threads).
    """
    scorer = _lookup(metric, options)
    padded = check_bool(padded, "padded")
    pools, ref_pools = _pool_sides(hypotheses, references, "hypotheses", "hypothesis")
    return _pool_matrices(scorer, metric, pools, ref_pools, threads, options, padded)


def _pool_sides(hypotheses: Any, references: Any, name: str, noun: str) -> tuple[list, list | None]:
    """The hypothesis pools and the reference pools (None: each pool against itself), as many."""
    pools = _pools(hypotheses, name)
    ref_pools = None if references is None else _pools(references, "references")
    if ref_pools is not None and len(ref_pools) != len(pools):
        raise ValueError(f"references: {len(ref_pools)} pools for {len(pools)} {noun} pools")
    return pools, ref_pools


def _pool_matrices(scorer, metric: str, pools: list, ref_pools: list | None, threads, options: dict,
                   padded: bool):
    """One matrix per pool: the count-once kernel where the metric has one, else :func:`_matrix`."""
    if metric in _POOL_KERNELS:
        return _POOL_KERNELS[metric](pools, ref_pools, resolve_threads(threads), options, padded)
    result = [_matrix(scorer, h, h if ref_pools is None else ref_pools[p], threads, options)
              for p, h in enumerate(pools)]
    return _padded(result) if padded else result


class MbrResult:
    """``indices``: int64 (n_sources,), the chosen candidate per source; ``utilities``: one float64
    vector (n_candidates_s,) per source, the mean utility of each candidate over the references
    (with ``aggregate=True``: its utility against the aggregated references)."""

    def __init__(self, indices: np.ndarray, utilities: list[np.ndarray]):
        self.indices, self.utilities = indices, utilities

    def __repr__(self) -> str:
        return f"MbrResult(indices={self.indices.tolist()})"


def _aggregate_utilities(metric: str, pools: list, ref_pools: list | None, threads: int, options: dict) -> list:
    if metric == "chrf":
        return matrices.aggregate_chrf(pools, ref_pools, _chrf_config(options), threads)
    if metric == "bleu":
        return matrices.aggregate_bleu(pools, ref_pools, _bleu_config(options), threads, _bleu_text_options(options))
    raise ValueError(f"aggregate: reference aggregation is defined for metric 'chrf' or 'bleu', not {metric!r}")


def mbr(candidates: Any, references: Any = None, metric: str = "chrf", *, aggregate: bool = False,
        threads: int | None = None, **options) -> MbrResult:
    """Minimum Bayes risk selection per source: argmax over candidates of the mean utility against
    the (pseudo-)references, which default to the candidates themselves with self-pairs included
    (as the ``mbrs`` library); ties go to the first candidate. ``candidates``: a list of pools.
    For ``metric="ter"`` (an error rate) the argmin of the mean TER; ``utilities`` hold the means.

    ``aggregate=True`` (chrF and BLEU only): reference aggregation, linear in the references —
    each candidate is scored once against the references' mean n-gram counts: for chrF as
    Vamvas & Sennrich (2024), "Linear-time Minimum Bayes Risk Decoding with Reference
    Aggregation" (see :func:`ngramkit.metrics.matrices.aggregate_chrf`), for BLEU as DeNero et
    al. (2009), "Fast Consensus Decoding over Translation Forests": BLEU against expected n-gram
    counts and the expected reference length (:func:`ngramkit.metrics.matrices.aggregate_bleu`).
    """
    scorer = _lookup(metric, options)
    aggregate = check_bool(aggregate, "aggregate")
    pools, ref_pools = _pool_sides(candidates, references, "candidates", "candidate")
    for p, pool in enumerate(pools):
        if not pool or (ref_pools is not None and not ref_pools[p]):
            raise ValueError(f"{'candidates' if not pool else 'references'}[{p}]: every source needs at least one "
                             "candidate and one reference")
    if aggregate:
        utilities = _aggregate_utilities(metric, pools, ref_pools, resolve_threads(threads), options)
    else:
        matrix_list = _pool_matrices(scorer, metric, pools, ref_pools, threads, options, False)
        utilities = [matrix.mean(axis=1) for matrix in matrix_list]
    pick = np.argmin if metric in _LOWER_IS_BETTER else np.argmax
    return MbrResult(np.array([int(pick(u)) for u in utilities], dtype=np.int64), utilities)
