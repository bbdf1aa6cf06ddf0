"""Count-once score matrices for chrF / chrF++ and sentence BLEU over pools of texts (one pool per
source), and the reference-aggregated statistics MBR uses.

Each text is tokenized and its n-grams counted once per pool (C++, ``csrc/metrics/pairwise_*.hpp``);
a cell takes the clipped matches of two counted texts and finalizes with sacrebleu's formula, so
cell [i, j] equals ``sentence_chrf(h_i, [r_j])`` / ``sentence_bleu(h_i, [r_j])`` exactly. Threads run
over whole pools when there are many, else over each pool's rows.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..ingest.inputs import IDS, TEXT, flat_side, text_buffers
from ..ingest.text_tokenizers import lowercased
from .bleu import COMPENSATED_SUM, SMOOTH_METHODS, BleuConfig, bleu_from_counts, tokenized_for_kernel
from .chrf import EPS, ChrfConfig


class PaddedMatrices(NamedTuple):
    """Score matrices of several pools in one padded array: ``scores`` float64
    (n_pools, max H, max R) with NaN outside pool p's ``[:n_hypotheses[p], :n_references[p]]``;
    ``n_hypotheses``, ``n_references`` int64 (n_pools,)."""

    scores: np.ndarray
    n_hypotheses: np.ndarray
    n_references: np.ndarray


class _Side(NamedTuple):
    kind: str  # TEXT or IDS
    values: np.ndarray  # uint8 UTF-8 bytes or int32 ids
    offsets: np.ndarray  # int64, one row per text
    pools: np.ndarray  # int64 (n_pools + 1): pool p is rows pools[p]:pools[p+1]


def _pool_lengths(pools: list, name: str) -> np.ndarray:
    lengths = np.zeros(len(pools) + 1, dtype=np.int64)
    for p, pool in enumerate(pools):
        if isinstance(pool, (str, bytes)) or not hasattr(pool, "__len__"):
            raise TypeError(f"{name}[{p}]: expected a list of texts or token-id sequences, got {type(pool).__name__}")
        lengths[p + 1] = len(pool)
    return np.cumsum(lengths)


def _bad_item(pools: list, name: str, flat_index: int) -> str:
    starts = np.cumsum([0] + [len(p) for p in pools])
    p = int(np.searchsorted(starts, flat_index, side="right") - 1)
    return f"{name}[{p}][{flat_index - int(starts[p])}]"


def _side(pools: list, name: str, lowercase: bool, tokenize: BleuConfig | None, threads: int) -> _Side:
    """Flatten pools into one kernel batch (text: lowercased / pre-tokenized as configured)."""
    offsets = _pool_lengths(pools, name)
    flat = [item for pool in pools for item in pool]
    if not flat or isinstance(flat[0], str):
        try:
            texts = lowercased(flat, lowercase)
            if tokenize is not None:
                texts = tokenized_for_kernel(texts, tokenize)[0]
            values, text_offsets = text_buffers(texts, name, threads)
        except TypeError as err:
            index = next(i for i, item in enumerate(flat) if not isinstance(item, str))
            raise TypeError(f"{_bad_item(pools, name, index)}: expected str, got {type(flat[index]).__name__}") from err
        return _Side(TEXT, values, text_offsets, offsets)
    side = flat_side(flat, name, threads)
    if side.kind != IDS:
        raise TypeError(f"{name}: mixes texts and token-id sequences")
    return _Side(IDS, side.batch.ids, side.batch.offsets, offsets)


def _layout(hyp: _Side, ref: _Side | None, padded: bool):
    n_hyp = np.diff(hyp.pools)
    n_ref = n_hyp if ref is None else np.diff(ref.pools)
    if padded:
        h, r = (int(n_hyp.max()) if len(n_hyp) else 0), (int(n_ref.max()) if len(n_ref) else 0)
        out = np.full(len(n_hyp) * h * r, np.nan)
        offsets = np.arange(len(n_hyp), dtype=np.int64) * (h * r)
        strides = np.full(len(n_hyp), r, dtype=np.int64)
    else:
        sizes = n_hyp * n_ref
        out = np.empty(int(sizes.sum()))
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if len(sizes) else sizes
        strides = n_ref.astype(np.int64)
    return out, offsets, strides, n_hyp, n_ref


def _result(out, offsets, n_hyp, n_ref, padded: bool):
    if padded:
        h = int(n_hyp.max()) if len(n_hyp) else 0
        r = int(n_ref.max()) if len(n_ref) else 0
        return PaddedMatrices(out.reshape(len(n_hyp), h, r), n_hyp.astype(np.int64), n_ref.astype(np.int64))
    return [out[o: o + h * r].reshape(h, r) for o, h, r in zip(offsets.tolist(), n_hyp.tolist(), n_ref.tolist())]


def _ref_args(ref: _Side | None) -> tuple:
    return (None, None, None) if ref is None else (ref.values, ref.offsets, ref.pools)


def _sides(hyp_pools: list, ref_pools: list | None, metric: str, lowercase: bool, tokenize, threads: int,
           text_options: tuple = ()):
    hyp = _side(hyp_pools, "hypotheses", lowercase, tokenize, threads)
    ref = None if ref_pools is None else _side(ref_pools, "references", lowercase, tokenize, threads)
    kinds = {s.kind for s in (hyp, ref) if s is not None and len(s.offsets) > 1}
    if len(kinds) > 1:
        raise TypeError("hypotheses, references: one side is text, the other token ids")
    kind = kinds.pop() if kinds else TEXT
    if kind == IDS and metric == "chrf":
        raise TypeError("hypotheses: chrF is defined on characters: give hypotheses and references as text, "
                        "not token ids")
    if kind == IDS and text_options:
        raise ValueError(f"{text_options[0]}: applies to text input only; token ids are compared as given")
    return hyp, ref, kind


def _empty_ids(side: _Side | None) -> _Side | None:
    """An empty text side next to id pools: empty int32 ids."""
    if side is None or side.kind == IDS:
        return side
    return _Side(IDS, np.zeros(0, np.int32), side.offsets, side.pools)


def chrf_matrices(hyp_pools: list, ref_pools: list | None, config: ChrfConfig, threads: int, padded: bool = False):
    """sacrebleu sentence chrF matrices, one (H_p, R_p) per pool (``ref_pools`` None: each pool
    against itself); a list of float64 arrays, or :class:`PaddedMatrices` when ``padded``."""
    from .. import _core

    hyp, ref, _ = _sides(hyp_pools, ref_pools, "chrf", config.lowercase, None, threads)
    out, offsets, strides, n_hyp, n_ref = _layout(hyp, ref, padded)
    _core.pairwise_chrf(hyp.values, hyp.offsets, hyp.pools, *_ref_args(ref), config.char_order, config.word_order,
                        float(config.beta ** 2), config.whitespace, config.eps_smoothing, out, offsets, strides,
                        threads)
    return _result(out, offsets, n_hyp, n_ref, padded)


def bleu_matrices(hyp_pools: list, ref_pools: list | None, config: BleuConfig, threads: int, padded: bool = False,
                  text_options: tuple = ()):
    """sacrebleu sentence BLEU matrices (text or token ids), laid out as :func:`chrf_matrices`;
    ``text_options``: the names of given options that only apply to text (an error with ids)."""
    from .. import _core

    hyp, ref, kind = _sides(hyp_pools, ref_pools, "bleu", config.lowercase, config, threads, text_options)
    out, offsets, strides, n_hyp, n_ref = _layout(hyp, ref, padded)
    value = 0.0 if config.smooth_value is None else float(config.smooth_value)
    scoring = (config.max_ngram_order, SMOOTH_METHODS[config.smooth_method], value, config.effective_order,
               COMPENSATED_SUM, out, offsets, strides, threads)
    if kind == IDS:
        hyp, ref = _empty_ids(hyp), _empty_ids(ref)
        _core.pairwise_bleu_ids(hyp.values, hyp.offsets, hyp.pools, *_ref_args(ref), *scoring)
    else:
        code = tokenized_for_kernel([], config)[1]
        _core.pairwise_bleu_text(hyp.values, hyp.offsets, hyp.pools, *_ref_args(ref), code, *scoring)
    return _result(out, offsets, n_hyp, n_ref, padded)


def _references_per_pool(hyp: _Side, ref: _Side | None, name: str) -> np.ndarray:
    n_ref = np.diff((hyp if ref is None else ref).pools).astype(np.float64)
    if np.any(n_ref == 0):
        raise ValueError(f"{name}[{int(np.argmax(n_ref == 0))}]: no references to aggregate")
    return np.repeat(n_ref, np.diff(hyp.pools))


def aggregate_chrf(hyp_pools: list, ref_pools: list | None, config: ChrfConfig, threads: int) -> list[np.ndarray]:
    """Reference-aggregated chrF (Vamvas & Sennrich, 2024) per hypothesis, one float64 vector per pool.

    For references r_1..r_R the aggregate reference's count of n-gram g is the mean
    ``c̄(g) = (1/R) Σ_j c_{r_j}(g)``; per order the candidate's statistics are its n-gram total,
    the mean reference total ``Σ_g c̄(g)`` and the matches ``Σ_g min(c_h(g), c̄(g))`` (exact
    rationals, rounded once), finalized by sacrebleu's chrF formula (``_compute_f_score``, hyp
    total 0 for an order no reference has). With R = 1 it equals sentence chrF.
    """
    from .. import _core

    hyp, ref, _ = _sides(hyp_pools, ref_pools, "chrf", config.lowercase, None, threads)
    r = _references_per_pool(hyp, ref, "references" if ref is not None else "hypotheses")
    stats = _core.aggregate_chrf_stats(hyp.values, hyp.offsets, hyp.pools, *_ref_args(ref), config.char_order,
                                       config.word_order, config.whitespace, threads)
    scores = _chrf_of_real_statistics(stats, r, config)
    return np.split(scores, np.cumsum(np.diff(hyp.pools))[:-1]) if len(hyp.pools) > 1 else []


def _chrf_of_real_statistics(stats: np.ndarray, r: np.ndarray, config: ChrfConfig) -> np.ndarray:
    """sacrebleu's ``_compute_f_score`` elementwise over candidates, on real-valued statistics."""
    factor = config.beta ** 2
    n = len(stats)
    score, avg_prec, avg_rec = np.zeros(n), np.zeros(n), np.zeros(n)
    effective = np.zeros(n, dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in range(config.order):
            ref_total = stats[:, 3 + 3 * k] / r
            n_hyp = np.where(stats[:, 3 + 3 * k] > 0, stats[:, 2 + 3 * k], 0).astype(np.float64)
            n_match = stats[:, 4 + 3 * k] / r
            prec = np.where(n_hyp > 0, n_match / n_hyp, EPS)
            rec = np.where(ref_total > 0, n_match / ref_total, EPS)
            denom = factor * prec + rec
            score += np.where(denom > 0, (1 + factor) * prec * rec / denom, EPS)
            both = (n_hyp > 0) & (ref_total > 0)
            avg_prec += np.where(both, prec, 0.0)
            avg_rec += np.where(both, rec, 0.0)
            effective += both
        if config.eps_smoothing:
            return 100 * score / config.order
        avg_prec = np.where(effective > 0, avg_prec / np.maximum(effective, 1), 0.0)
        avg_rec = np.where(effective > 0, avg_rec / np.maximum(effective, 1), 0.0)
        total = avg_prec + avg_rec
        f = (1 + factor) * avg_prec * avg_rec / (factor * avg_prec + avg_rec)
        return np.where(total != 0, 100 * f, 0.0)


def aggregate_bleu(hyp_pools: list, ref_pools: list | None, config: BleuConfig, threads: int,
                   text_options: tuple = ()) -> list[np.ndarray]:
    """BLEU against expected n-gram counts (DeNero et al., 2009, consensus BLEU) per hypothesis.

    With references r_1..r_R (uniform weights) the expected count of n-gram g is
    ``E[c(g)] = (1/R) Σ_j c_{r_j}(g)`` and the expected reference length the mean length; the
    candidate's clipped matches are ``Σ_g min(c_h(g), E[c(g)])`` per order, its totals its n-gram
    counts, and the score sacrebleu's ``compute_bleu`` formula on those (brevity penalty against the
    expected length, the configured smoothing and effective order). With R = 1 it equals
    sentence BLEU.
    """
    from .. import _core

    hyp, ref, kind = _sides(hyp_pools, ref_pools, "bleu", config.lowercase, config, threads, text_options)
    r = _references_per_pool(hyp, ref, "references" if ref is not None else "hypotheses")
    if kind == IDS:
        hyp, ref = _empty_ids(hyp), _empty_ids(ref)
        stats = _core.aggregate_bleu_id_stats(hyp.values, hyp.offsets, hyp.pools, *_ref_args(ref),
                                              config.max_ngram_order, threads)
    else:
        code = tokenized_for_kernel([], config)[1]
        stats = _core.aggregate_bleu_text_stats(hyp.values, hyp.offsets, hyp.pools, *_ref_args(ref), code,
                                                config.max_ngram_order, threads)
    scores = np.array([expected_bleu(row, float(rk), config) for row, rk in zip(stats.tolist(), r.tolist())])
    return np.split(scores, np.cumsum(np.diff(hyp.pools))[:-1]) if len(hyp.pools) > 1 else []


def expected_bleu(row: list, r: float, config: BleuConfig) -> float:
    """sacrebleu's ``compute_bleu`` on one aggregated statistics row (2 + 3N integers, see
    ``aggregate_bleu_text_stats``) with R = ``r`` references: real-valued ref_len and matches."""
    order = config.max_ngram_order
    correct = [row[4 + 3 * k] / r for k in range(order)]
    total = [float(row[2 + 3 * k]) for k in range(order)]
    return bleu_from_counts(correct, total, row[0], row[1] / r, config)["score"]


def pools_argument(values: Any, name: str) -> list:
    """A list of pools (each a list of texts or token-id sequences)."""
    from ..ingest.arguments import reject_unordered

    reject_unordered(values, name, "a list of pools (lists of texts or token-id sequences)")
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(f"{name}: expected a list of pools (lists of texts or token-id sequences)")
    return list(values)
