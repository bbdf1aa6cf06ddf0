"""fastchrf's API (``pairwise_chrf``, ``aggregate_chrf``, fastchrf 0.2) on ngramkit's count-once
chrF kernel, with exactly sacrebleu's values.

Same signatures, defaults and return shapes as fastchrf: nested Python lists of floats, a batch
dimension first (one pool of hypotheses and one of references per source). Every pairwise value
is bit-identical to ``sacrebleu.sentence_chrf(hypothesis, [reference], char_order=..., beta=...,
whitespace=not remove_whitespace, eps_smoothing=...).score``; on the WMT23 slice we compared,
fastchrf 0.2.1's pairwise values equal sacrebleu's too. ``aggregate_chrf`` is Vamvas & Sennrich's
(2024) reference-aggregated chrF (as ``ngramkit.mbr(..., aggregate=True)``) from exact rational mean
counts rounded once; fastchrf averages in floating point, so its values differ from ours in the
last bits (up to ~1.5e-14 there). A source without references scores 0.0, as in fastchrf.
Unlike fastchrf, threads follow ngramkit's ``threads`` default (all cores), not RAYON_NUM_THREADS.
"""
from __future__ import annotations

from collections.abc import Sequence

_Batch = Sequence[Sequence[str]]


def _config(char_order: int, beta: float, remove_whitespace: bool, eps_smoothing: bool):
    from ..ingest.arguments import check_bool
    from ..metrics.chrf import make_config

    return make_config(char_order, 0, beta, False, not check_bool(remove_whitespace, "remove_whitespace"),
                       eps_smoothing)


def _batches(hypotheses: _Batch, references: _Batch) -> tuple[list, list]:
    from ..metrics.matrices import pools_argument

    hyp_pools = [list(p) for p in pools_argument(hypotheses, "hypotheses")]
    ref_pools = [list(p) for p in pools_argument(references, "references")]
    if len(ref_pools) != len(hyp_pools):
        raise ValueError(f"references: {len(ref_pools)} pools for {len(hyp_pools)} hypothesis pools")
    return hyp_pools, ref_pools


def pairwise_chrf(hypotheses: _Batch, references: _Batch, char_order: int = 6, beta: float = 2.0,
                  remove_whitespace: bool = True, eps_smoothing: bool = False) -> list[list[list[float]]]:
    """chrF of each hypothesis against each reference, per source: a nested list of shape
    (batch_size, num_hypotheses, num_references), each value sacrebleu's sentence chrF (0–100)."""
    from ..ingest.threads import resolve_threads
    from ..metrics.matrices import chrf_matrices

    config = _config(char_order, beta, remove_whitespace, eps_smoothing)
    hyp_pools, ref_pools = _batches(hypotheses, references)
    return [m.tolist() for m in chrf_matrices(hyp_pools, ref_pools, config, resolve_threads(None))]


def aggregate_chrf(hypotheses: _Batch, references: _Batch, char_order: int = 6, beta: float = 2.0,
                   remove_whitespace: bool = True, eps_smoothing: bool = False) -> list[list[float]]:
    """Reference-aggregated chrF of each hypothesis, per source: a nested list of shape
    (batch_size, num_hypotheses); see :func:`ngramkit.metrics.matrices.aggregate_chrf`."""
    from ..ingest.threads import resolve_threads
    from ..metrics.matrices import aggregate_chrf as aggregated

    config = _config(char_order, beta, remove_whitespace, eps_smoothing)
    hyp_pools, ref_pools = _batches(hypotheses, references)
    scored = [p for p in range(len(hyp_pools)) if hyp_pools[p] and ref_pools[p]]
    out = [[0.0] * len(pool) for pool in hyp_pools]
    if scored:
        scores = aggregated([hyp_pools[p] for p in scored], [ref_pools[p] for p in scored], config,
                            resolve_threads(None))
        for p, utilities in zip(scored, scores):
            out[p] = utilities.tolist()
    return out
