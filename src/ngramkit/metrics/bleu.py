"""BLEU identical to sacrebleu 2.x, over text (sacrebleu's tokenizers, in C++) or token ids.

Every pair yields integer statistics ``[hyp_len, ref_len, correct_1..N, total_1..N]`` (int64,
``2 + 2N`` columns): clipped n-gram matches against the maximum count in any one of the pair's
references, the hypothesis' n-gram totals, its length and the closest reference length (ties go
to the shorter reference). A corpus score sums them and finalizes once, exactly as sacrebleu's
``BLEU.compute_bleu`` does, so scores from chunks, files or machines combine exactly.
"""
from __future__ import annotations

import math
import numbers
import sys
from dataclasses import dataclass, replace
from typing import Any, Sequence

import numpy as np

from ..ingest.arguments import check_bool
from ..ingest.inputs import IDS, text_buffers
from ..ingest.pairs import Pairs, ingest_pairs
from ..ingest.text_tokenizers import (
    NATIVE_TOKENIZERS,
    check_tokenizer_name,
    delegated_tokenizer,
    lowercased,
    tokenizer_signature,
)
from ..ingest.threads import resolve_threads
from ..stats.corpus_result import CorpusResult
from ..stats.statistics_checks import check_at_most
from ..stats.signature import Signature

SMOOTH_METHODS = {"none": 0, "floor": 1, "add-k": 2, "exp": 3}
#: sacrebleu's defaults for the smoothing value of each method.
SMOOTH_DEFAULTS = {"none": None, "floor": 0.1, "add-k": 1, "exp": None}
MAX_ORDER_LIMIT = 1024
#: predictions per kernel call: bounds the memory of the UTF-8 copies of the texts
CHUNK_SIZE = 100_000
#: CPython's sum() of floats is compensated (Neumaier) from 3.12 on; sacrebleu sums log precisions.
COMPENSATED_SUM = sys.version_info >= (3, 12)
TOKENIZE_IDS = "ids"


@dataclass(frozen=True)
class BleuConfig:
    """How BLEU is computed. ``tokenize`` is a sacrebleu tokenizer name, or ``"ids"`` for token-id
    input; ``smooth_value`` is the resolved value (the method's default when not given)."""

    tokenize: str = "13a"
    smooth_method: str = "exp"
    smooth_value: float | None = None
    lowercase: bool = False
    max_ngram_order: int = 4
    effective_order: bool = False

    @property
    def width(self) -> int:
        """Columns of a statistics row: ``2 + 2 * max_ngram_order``."""
        return 2 + 2 * self.max_ngram_order


def make_config(tokenize, smooth_method, smooth_value, lowercase, max_ngram_order, effective_order) -> BleuConfig:
    """Validate BLEU options (errors name the argument) and resolve defaults."""
    if tokenize is not None:
        check_tokenizer_name(tokenize)
    if not isinstance(smooth_method, str):
        raise TypeError(f"smooth_method: expected one of {', '.join(SMOOTH_METHODS)}, got {type(smooth_method).__name__}")
    if smooth_method not in SMOOTH_METHODS:
        raise ValueError(f"smooth_method: expected one of {', '.join(SMOOTH_METHODS)}, got {smooth_method!r}")
    if smooth_value is None:
        smooth_value = SMOOTH_DEFAULTS[smooth_method]
    elif isinstance(smooth_value, bool) or not isinstance(smooth_value, numbers.Real):
        raise TypeError(f"smooth_value: expected a number or None, got {type(smooth_value).__name__}")
    elif not math.isfinite(smooth_value) or smooth_value < 0:
        raise ValueError(f"smooth_value: expected a finite non-negative number, got {smooth_value!r}")
    if isinstance(max_ngram_order, bool) or not isinstance(max_ngram_order, numbers.Integral):
        raise TypeError(f"max_ngram_order: expected an int, got {type(max_ngram_order).__name__}")
    if not 1 <= max_ngram_order <= MAX_ORDER_LIMIT:
        raise ValueError(f"max_ngram_order: expected 1..{MAX_ORDER_LIMIT}, got {max_ngram_order}")
    return BleuConfig(tokenize if tokenize is not None else "13a", smooth_method,
                      smooth_value, check_bool(lowercase, "lowercase"), int(max_ngram_order),
                      check_bool(effective_order, "effective_order"))


def compute_bleu(stats: Sequence[int], config: BleuConfig) -> dict:
    """sacrebleu's ``BLEU.compute_bleu`` on one summed statistics row.

    ``stats`` is a sequence of integers (computed in Python ints and floats), or a numpy row such
    as a bootstrap resample's float32 column sums, which sacrebleu's significance tests pass: its
    elements then keep their numpy type, so numpy's arithmetic rules apply exactly as in sacrebleu.
    Returns ``score``, ``counts``, ``totals`` (with add-k's k included, as sacrebleu reports
    them), ``precisions``, ``bp``, ``sys_len``, ``ref_len``.
    """
    order = config.max_ngram_order
    if isinstance(stats, np.ndarray):
        correct, total = stats[2 : 2 + order].copy(), stats[2 + order : 2 + 2 * order].copy()
        sys_len, ref_len = int(stats[0]), int(stats[1])
    else:
        row = [int(x) for x in stats]
        sys_len, ref_len = row[0], row[1]
        correct, total = row[2 : 2 + order], row[2 + order : 2 + 2 * order]
    return bleu_from_counts(correct, total, sys_len, ref_len, config)


def bleu_from_counts(correct: list, total: list, sys_len, ref_len, config: BleuConfig) -> dict:
    """sacrebleu's ``compute_bleu`` from per-order ``correct`` / ``total`` counts (lists of length
    ``config.max_ngram_order``, modified in place by add-k, as sacrebleu does) and the lengths; the
    counts may be ints, floats (expected counts of reference aggregation) or numpy scalars, whose
    arithmetic rules then apply exactly as in sacrebleu. Returns what :func:`compute_bleu` returns."""
    order = config.max_ngram_order
    bp = 1.0
    if sys_len < ref_len:
        bp = math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0
    precisions = [0.0] * order
    result = {"counts": correct, "totals": total, "precisions": precisions, "bp": bp,
              "sys_len": sys_len, "ref_len": ref_len}
    if not any(correct):
        return {"score": 0.0, **result}
    smooth_value = config.smooth_value
    smooth_mteval = 1.0
    effective = order
    for n in range(1, order + 1):
        if config.smooth_method == "add-k" and n > 1:
            correct[n - 1] += smooth_value
            total[n - 1] += smooth_value
        if total[n - 1] == 0:
            break
        if config.effective_order:
            effective = n
        if correct[n - 1] == 0:
            if config.smooth_method == "exp":
                smooth_mteval *= 2
                precisions[n - 1] = 100.0 / (smooth_mteval * total[n - 1])
            elif config.smooth_method == "floor":
                precisions[n - 1] = 100.0 * smooth_value / total[n - 1]
        else:
            precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1]
    logs = [-9999999999 if p == 0.0 else math.log(p) for p in precisions[:effective]]
    return {"score": bp * math.exp(sum(logs) / effective), **result}


class BleuResult(CorpusResult):
    """A corpus BLEU score and the per-pair statistics it was computed from.

    Attributes
    ----------
    score : float
        BLEU on sacrebleu's 0-100 scale.
    counts, totals : list[int]
        Matched and hypothesis n-grams per order 1..N, summed over the corpus (with add-k's k).
    precisions : list[float]
        Per-order precisions (0-100, smoothed as configured).
    bp, ratio : float
        Brevity penalty; ``sys_len / ref_len`` (0 when ``ref_len`` is 0).
    sys_len, ref_len : int
        Hypothesis tokens; closest-reference tokens.
    statistics : numpy.ndarray, int64, shape (n_pairs, 2 + 2N)
        ``hyp_len, ref_len, correct_1..N, total_1..N`` of every pair: sum any subset and
        :meth:`from_statistics` gives that subset's score.
    signature : Signature
        sacrebleu's fields (``nrefs``, ``case``, ``eff``, ``tok``, ``smooth``) and our version.
    """

    name = "BLEU"
    config_type = BleuConfig

    @classmethod
    def _check_invariants(cls, stats: np.ndarray, config: BleuConfig) -> None:
        n = config.max_ngram_order
        check_at_most(stats, slice(2, 2 + n), slice(2 + n, 2 + 2 * n), "correct_n <= total_n (matches <= n-grams)")
        check_at_most(stats, slice(2 + n, 2 + 2 * n), slice(0, 1), "total_n <= hyp_len (n-grams <= tokens)")

    def finalize_row(self, row) -> float:
        """The BLEU score of one summed statistics row, with this result's options (see
        :func:`compute_bleu` for the row types)."""
        return compute_bleu(row, self.config)["score"]

    def _finalize(self, summed: list[int]) -> None:
        values = compute_bleu(summed, self.config)
        self.score: float = values["score"]
        self.counts: list = values["counts"]
        self.totals: list = values["totals"]
        self.precisions: list[float] = values["precisions"]
        self.bp: float = values["bp"]
        self.sys_len: int = values["sys_len"]
        self.ref_len: int = values["ref_len"]
        self.ratio: float = self.sys_len / self.ref_len if self.ref_len else 0

    @property
    def signature(self) -> Signature:
        c = self.config
        smooth = c.smooth_method
        if SMOOTH_DEFAULTS[smooth] is not None:
            smooth += f"[{c.smooth_value:.2f}]"
        return Signature({"nrefs": self.n_references, "case": "lc" if c.lowercase else "mixed",
                          "eff": "yes" if c.effective_order else "no",
                          "tok": c.tokenize if c.tokenize == TOKENIZE_IDS else tokenizer_signature(c.tokenize),
                          "smooth": smooth})

    @property
    def prec_str(self) -> str:
        return "/".join(f"{p:.1f}" for p in self.precisions)

    def verbose(self) -> str:
        return (f"{self.prec_str} (BP = {self.bp:.3f} ratio = {self.ratio:.3f} hyp_len = {self.sys_len:d} "
                f"ref_len = {self.ref_len:d})")

    def to_dict(self) -> dict:
        """Plain Python values: score, counts, totals, precisions, bp, ratio, sys_len, ref_len, signature."""
        return {"score": self.score, "counts": list(self.counts), "totals": list(self.totals),
                "precisions": list(self.precisions), "bp": self.bp, "ratio": self.ratio,
                "sys_len": self.sys_len, "ref_len": self.ref_len, "signature": self.signature.format()}

    def __repr__(self) -> str:
        return f"BleuResult({self.format()})"


def tokenized_for_kernel(texts: list, config: BleuConfig) -> tuple[list, int]:
    """(texts, tokenizer code) for the C++ kernels: a native tokenizer's code with the texts as
    given, or for an external tokenizer (sacrebleu's own) the texts tokenized by it and "none"."""
    code = NATIVE_TOKENIZERS.get(config.tokenize)
    if code is not None:
        return texts, code
    tokenizer, _ = delegated_tokenizer(config.tokenize)
    return [tokenizer(t.rstrip()) if isinstance(t, str) else t for t in texts], NATIVE_TOKENIZERS["none"]


def bleu_statistics(pairs: Pairs, config: BleuConfig, threads: int) -> np.ndarray:
    """int64 (n_predictions, 2 + 2N) statistics of ingested pairs."""
    from .. import _core

    order = config.max_ngram_order
    if len(pairs) == 0:
        return np.zeros((0, config.width), dtype=np.int64)
    if pairs.kind == IDS:
        p, r = pairs.predictions.batch, pairs.references.batch
        return _core.bleu_ids(p.ids, p.offsets, r.ids, r.offsets, pairs.groups, order, threads)
    stats = np.empty((len(pairs), config.width), dtype=np.int64)
    for start in range(0, len(pairs), CHUNK_SIZE):
        stop = min(len(pairs), start + CHUNK_SIZE)
        chunk = pairs.slice(start, stop)
        hyps, code = tokenized_for_kernel(lowercased(chunk.predictions.texts, config.lowercase), config)
        refs, code = tokenized_for_kernel(lowercased(chunk.references.texts, config.lowercase), config)
        hyp_buf, ref_buf = text_buffers(hyps, "hypotheses", threads), text_buffers(refs, "references", threads)
        _core.bleu_text(*hyp_buf, *ref_buf, chunk.groups, code, order, threads, out=stats[start:stop])
    return stats


def _ingest(hypotheses, references, config: BleuConfig, tokenize, threads: int = 1) -> tuple[Pairs, BleuConfig]:
    pairs = ingest_pairs(hypotheses, references, predictions_name="hypotheses", threads=threads)
    if pairs.kind == IDS:
        if tokenize is not None:
            raise ValueError("tokenize: applies to text input only; token ids are compared as given")
        if config.lowercase:
            raise ValueError("lowercase: applies to text input only; token ids are compared as given")
        config = replace(config, tokenize=TOKENIZE_IDS)
    return pairs, config


def bleu(hypotheses: Any, references: Any, tokenize: str | None = None, smooth_method: str = "exp",
         smooth_value: float | None = None, lowercase: bool = False, max_ngram_order: int = 4,
         effective_order: bool = False, threads: int | None = None) -> BleuResult:
    """Corpus BLEU, identical to sacrebleu's ``BLEU(...).corpus_score``.

    Parameters
    ----------
    hypotheses : list[str] | list[list[int]] | TokenBatch | padded array (via TokenBatch) | pyarrow array
        One text or token-id sequence per pair.
    references : one per hypothesis (same kinds), or several per hypothesis: a list whose items are
        lists of strings / of id sequences (a different number per hypothesis is fine). Unlike
        sacrebleu's reference *streams*, ``references[i]`` belongs to ``hypotheses[i]``; lengths
        must match (nothing is truncated).
    tokenize : ``13a`` (default for text), ``intl``, ``zh``, ``char``, ``none`` (C++), or
        ``ja-mecab``, ``ko-mecab``, ``flores101``, ``flores200``, ``spm`` (sacrebleu's own, needs its
        extras). Must be ``None`` for token ids.
    smooth_method, smooth_value : ``exp`` (default), ``floor`` (value 0.1), ``add-k`` (value 1), ``none``.
    lowercase : Python's ``str.lower()`` before tokenizing (text only).
    max_ngram_order : N, the highest n-gram order (default 4).
    effective_order : stop at the first order the hypotheses have no n-grams of.
    threads : worker threads (default: all cores of this process; at most 1024). Results never depend on it.

    Returns
    -------
    BleuResult
        ``score`` (0-100), ``counts``, ``totals``, ``precisions``, ``bp``, ``ratio``, ``sys_len``,
        ``ref_len``, per-pair ``statistics`` and ``signature``.
    """
    config = make_config(tokenize, smooth_method, smooth_value, lowercase, max_ngram_order, effective_order)
    n_threads = resolve_threads(threads)
    pairs, config = _ingest(hypotheses, references, config, tokenize, n_threads)
    return BleuResult(bleu_statistics(pairs, config, n_threads), config, pairs.n_references_label())


def sentence_scores(statistics: np.ndarray, config: BleuConfig, threads: int = 1) -> np.ndarray:
    """BLEU of every statistics row on its own (float64 (n,)), as sacrebleu's ``compute_bleu``."""
    from .. import _core

    value = config.smooth_value
    return _core.bleu_scores(np.ascontiguousarray(statistics, dtype=np.int64), config.max_ngram_order,
                             SMOOTH_METHODS[config.smooth_method], 0.0 if value is None else float(value),
                             config.effective_order, COMPENSATED_SUM, threads)


def sentence_bleu(hypotheses: Any, references: Any, tokenize: str | None = None, smooth_method: str = "exp",
                  smooth_value: float | None = None, lowercase: bool = False, max_ngram_order: int = 4,
                  effective_order: bool = True, threads: int | None = None) -> np.ndarray:
    """Sentence BLEU of every pair in one call: float64 array (n_pairs,), each equal to sacrebleu's
    ``sentence_bleu(hypothesis, references_of_it).score`` (defaults as there: ``exp`` smoothing,
    effective order). Arguments as in :func:`bleu`.
    """
    config = make_config(tokenize, smooth_method, smooth_value, lowercase, max_ngram_order, effective_order)
    n_threads = resolve_threads(threads)
    pairs, config = _ingest(hypotheses, references, config, tokenize, n_threads)
    return sentence_scores(bleu_statistics(pairs, config, n_threads), config, n_threads)
