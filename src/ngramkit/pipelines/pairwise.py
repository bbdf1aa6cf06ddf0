"""Score matrices (every hypothesis against every reference), MBR selection, self-BLEU and the
self-instruct near-duplicate filter (self-BLEU: compat/self_bleu.py).

First version: the (H, R) cells are scored as H*R expanded pairs through the batched C++ sentence
kernels (exact values; each text is re-tokenized per cell, so not yet the count-once C++ kernel).
Adding a metric is one entry in ``_METRICS``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..ingest.arguments import reject_unordered
from ..metrics.bleu import sentence_bleu
from ..metrics.chrf import sentence_chrf
from ..metrics.rouge_types import VALID_ROUGE_TYPES
from ..metrics.ter import sentence_ter
from .near_duplicates import near_duplicates  # noqa: F401  (re-exported: its home is near_duplicates.py)
from .rouge_matrix import rouge_matrix

_CHRF_OPTIONS = ("char_order", "word_order", "beta", "lowercase", "whitespace", "eps_smoothing")
_BLEU_OPTIONS = ("tokenize", "smooth_method", "smooth_value", "lowercase", "max_ngram_order")
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


def pairwise(hypotheses: Any, references: Any = None, metric: str = "chrf", *, threads: int | None = None,
             **options) -> np.ndarray:
    """Score matrix: float64 (H, R), cell [i, j] = sentence score of ``hypotheses[i]`` against
    ``references[j]`` alone (``references=None``: the hypotheses against themselves).

    ``metric``: ``"chrf"`` (sacrebleu ``sentence_chrf``; options char_order, word_order (2 = chrF++),
    beta, lowercase, whitespace, eps_smoothing), ``"bleu"`` (sacrebleu ``sentence_bleu`` defaults,
    effective order; options tokenize, smooth_method, smooth_value, lowercase, max_ngram_order),
    ``"rouge1"`` … ``"rouge9"``, ``"rougeL"``, ``"rougeLsum"`` (rouge-score
    ``score(target=references[j], prediction=hypotheses[i])``, F1 in [0, 1] unless
    ``measure="precision"/"recall"``; options use_stemmer, tokenize), ``"ter"`` (sacrebleu
    ``TER().sentence_score``, lower is better; options normalized, no_punct, asian_support,
    case_sensitive). chrF, BLEU and TER are on 0–100.
    Texts or token-id sequences. Options that do not belong to the metric raise TypeError.
    """
    scorer = _lookup(metric, options)
    hyps = _as_list(hypotheses, "hypotheses")
    refs = hyps if references is None else _as_list(references, "references")
    return _matrix(scorer, hyps, refs, threads, options)


def pairwise_pools(hypotheses: Any, references: Any = None, metric: str = "chrf", *, threads: int | None = None,
                   **options) -> list[np.ndarray]:
    """One :func:`pairwise` matrix per source: ``hypotheses`` is a list of pools (lists), and
    ``references`` None or a list of pools of the same length. Returns a list of float64
    (H_s, R_s) arrays (ragged pools stay ragged)."""
    scorer = _lookup(metric, options)
    pools = _as_list(hypotheses, "hypotheses")
    ref_pools = pools if references is None else _as_list(references, "references")
    if len(ref_pools) != len(pools):
        raise ValueError(f"references: {len(ref_pools)} pools for {len(pools)} hypothesis pools")
    return [_matrix(scorer, _as_list(h, "hypotheses"), _as_list(r, "references"), threads, options)
            for h, r in zip(pools, ref_pools)]


class MbrResult:
    """``indices``: int64 (n_sources,), the chosen candidate per source; ``utilities``: one float64
    vector (n_candidates_s,) per source, the mean utility of each candidate over the references."""

    def __init__(self, indices: np.ndarray, utilities: list[np.ndarray]):
        self.indices, self.utilities = indices, utilities

    def __repr__(self) -> str:
        return f"MbrResult(indices={self.indices.tolist()})"


def mbr(candidates: Any, references: Any = None, metric: str = "chrf", *, threads: int | None = None,
        **options) -> MbrResult:
    """Minimum Bayes risk selection per source: argmax over candidates of the mean utility against
    the (pseudo-)references, which default to the candidates themselves with self-pairs included
    (as the ``mbrs`` library); ties go to the first candidate. ``candidates``: a list of pools.
    For ``metric="ter"`` (an error rate) the argmin of the mean TER; ``utilities`` hold the means."""
    matrices = pairwise_pools(candidates, references, metric, threads=threads, **options)
    utilities = []
    for matrix in matrices:
        if matrix.shape[0] == 0 or matrix.shape[1] == 0:
            raise ValueError("candidates: every source needs at least one candidate and one reference")
        utilities.append(matrix.mean(axis=1))
    pick = np.argmin if metric in _LOWER_IS_BETTER else np.argmax
    return MbrResult(np.array([int(pick(u)) for u in utilities], dtype=np.int64), utilities)
