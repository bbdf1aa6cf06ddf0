"""Score pairs chunk by chunk and keep only what adds up, so memory stays flat.

* BLEU and chrF: the integer statistics of every chunk are summed (int64, exact); the corpus score
  is finalized once from the sums (:meth:`CorpusResult.from_statistics`), exactly what scoring all
  pairs at once gives.
* ROUGE: the corpus figure is the mean of the per-pair precision / recall / F1. They are fed to
  :class:`~ngramkit.stats.stream_mean.ExactMean`, which reproduces ``numpy.mean``'s pairwise summation,
  so the streamed means equal ``ngramkit.rouge(all pairs)[t].mean()`` bit for bit, whatever the
  chunk size. That needs the number of pairs up front (``n_total``).

* WER and CER: their integer counts are summed as BLEU's statistics are.
* TER: its corpus score sums the pairs' average reference lengths left to right (floats, as
  sacrebleu does), so the scorer keeps every pair's two statistics (16 bytes a pair) with their
  global row numbers and finalizes them in row order: exact for any chunking or partitioning.

With ``bootstrap=B`` the scorer also keeps B Poisson-bootstrap resample sums
(:mod:`ngramkit.stats.poisson_bootstrap`: each pair's weights depend only on the seed, the resample and the
pair's global index), so :meth:`StreamScorer.summary` gains a ``"bootstrap"`` section of 95%
intervals that is the same for any chunk size or partitioning (ROUGE, BLEU and chrF; TER's
intervals come from :func:`ngramkit.compare` or the sacrebleu drop-in's ``n_bootstrap``).

Scorers fed disjoint ranges of the pairs (``first_row``: partitions of a Dask DataFrame, files on
several machines) are combined with :meth:`StreamScorer.merge`, in any order, to the same summary.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from ..metrics.bleu import BleuResult, bleu, sentence_scores
from ..metrics.chrf import ChrfResult, chrf, sentence_chrf
from ..metrics.error_rates import CerResult, WerResult, cer, wer
from ..metrics.registry import METRICS
from ..metrics.rouge import rouge
from ..metrics.ter import TerResult, sentence_scores as ter_sentence_scores, ter
from ..stats.poisson_bootstrap import PoissonSums, check_bootstrap, interval
from ..stats.stream_mean import ExactMean


#: metrics whose corpus score is finalized from summed integer statistics: (result type, function)
SUMMED = {"bleu": (BleuResult, bleu), "chrf": (ChrfResult, chrf), "wer": (WerResult, wer), "cer": (CerResult, cer)}


def _nan_to_none(value: float) -> float | None:
    return None if isinstance(value, float) and math.isnan(value) else value


def _results_options(options: dict[str, dict]) -> dict[str, dict]:
    """The options that can change a score (all but ``threads``)."""
    return {m: {k: v for k, v in o.items() if k != "threads"} for m, o in options.items()}


class StreamScorer:
    """Accumulates corpus scores over chunks of (hypotheses, references).

    Parameters
    ----------
    metrics : names among ``rouge``, ``bleu``, ``chrf``, ``ter``, ``wer``, ``cer``.
    n_total : the number of pairs that will be fed (fixes ROUGE's summation tree).
    options : per metric, keyword arguments of :func:`ngramkit.rouge` / :func:`ngramkit.bleu` /
        :func:`ngramkit.chrf` (``threads`` included).
    per_pair : whether :meth:`add` returns every pair's scores.
    first_row : the index, among all ``n_total`` pairs, of the first pair this scorer is fed (when
        the pairs are scored in several places and the scorers merged).
    bootstrap : number of Poisson-bootstrap resamples (0: none).
    seed : the bootstrap's seed, an int in [0, 2**64) (``None``: 12345).
    """

    def __init__(self, metrics, n_total: int, options: dict[str, dict[str, Any]], per_pair: bool = False,
                 first_row: int = 0, bootstrap: int = 0, seed: int | None = None):
        unknown = [m for m in metrics if m not in METRICS]
        if unknown or not metrics:
            raise ValueError(f"metrics: unknown {', '.join(map(repr, unknown)) or 'empty list'}; "
                             f"choose among {', '.join(METRICS)}")
        self.metrics = list(dict.fromkeys(metrics))
        self.options = {m: dict(options.get(m, {})) for m in self.metrics}
        self.per_pair = per_pair
        self.n_total = int(n_total)
        self.first_row = int(first_row)
        self.n_pairs = 0
        self._labels: dict[str, set] = {m: set() for m in self.metrics}
        self._sums: dict[str, np.ndarray] = {}
        self._configs: dict[str, Any] = {}
        self._rouge_mean: ExactMean | None = None
        self._rouge_types: list[str] = []
        self._rouge_config = None  # RougeConfig of the first chunk: the signature follows all labels
        self.bootstrap, self.seed = check_bootstrap(bootstrap, seed)
        if self.bootstrap and "ter" in self.metrics:
            raise ValueError("bootstrap: the streamed Poisson bootstrap covers rouge, bleu, chrf, wer and cer, not ter; "
                             "ngramkit.compare gives TER's paired bootstrap")
        self._ter_parts: list[tuple[int, np.ndarray]] = []  # (global first row, statistics)
        self._boot = PoissonSums(self.bootstrap, self.seed) if self.bootstrap else None
        self._boot_widths: dict[str, int] = {}
        self._rouge_block: np.ndarray | None = None

    def add(self, hypotheses: list, references: list) -> dict[str, np.ndarray]:
        """Score one chunk. ``references``: one per hypothesis, or a list of references per
        hypothesis. Returns per-pair float64 columns (n_chunk,) when ``per_pair`` (else ``{}``):
        ``<rougeType>_precision|_recall|_fmeasure``, ``bleu`` (sentence BLEU, effective order, as
        sacrebleu's ``sentence_bleu``), ``chrf`` (sentence chrF), ``ter`` (sentence TER), ``wer`` /
        ``cer`` (each pair's error rate)."""
        columns: dict[str, np.ndarray] = {}
        boot_stats: list[np.ndarray] = []
        boot_values = None
        if "rouge" in self.metrics:
            columns.update(self._add_rouge(hypotheses, references))
            boot_values, self._rouge_block = self._rouge_block, None
        if "bleu" in self.metrics:
            result = bleu(hypotheses, references, **self.options["bleu"])
            self._accumulate("bleu", result)
            boot_stats.append(result.statistics)
            if self.per_pair:
                config = dataclasses.replace(result.config, effective_order=True)
                columns["bleu"] = sentence_scores(result.statistics, config)
        if "chrf" in self.metrics:
            result = chrf(hypotheses, references, **self.options["chrf"])
            self._accumulate("chrf", result)
            boot_stats.append(result.statistics)
            if self.per_pair:
                columns["chrf"] = sentence_chrf(hypotheses, references, **self.options["chrf"])
        if "ter" in self.metrics:
            result = ter(hypotheses, references, **self.options["ter"])
            self._configs.setdefault("ter", result.config)
            self._labels["ter"].add(result.n_references)
            if len(hypotheses):
                self._ter_parts.append((self.first_row + self.n_pairs, result.statistics))
            if self.per_pair:
                columns["ter"] = ter_sentence_scores(result.statistics)
        for metric in ("wer", "cer"):
            if metric in self.metrics:
                result = SUMMED[metric][1](hypotheses, references, **self.options[metric])
                self._accumulate(metric, result)
                boot_stats.append(result.statistics)
                if self.per_pair:
                    columns[metric] = result.pair_rates()["wer"]
        if self._boot is not None and len(hypotheses):
            self._add_bootstrap(len(hypotheses), boot_stats, boot_values)
        self.n_pairs += len(hypotheses)
        return columns

    def _add_bootstrap(self, n: int, stats: list[np.ndarray], values: np.ndarray | None) -> None:
        from ..ingest.threads import resolve_threads

        widths = {m: s.shape[1] for m, s in zip([m for m in SUMMED if m in self.metrics], stats)}
        self._boot_widths.update(widths)
        stats_block = np.concatenate(stats, axis=1) if stats else np.zeros((n, 0), np.int64)
        values_block = values.T if values is not None else np.zeros((n, 0))
        threads = resolve_threads(next(iter(self.options.values())).get("threads"))
        self._boot.add(self.first_row + self.n_pairs, stats_block, values_block, threads)

    def _add_rouge(self, hypotheses, references) -> dict[str, np.ndarray]:
        result = rouge(hypotheses, references, **self.options["rouge"])
        if self._rouge_mean is None:
            self._rouge_types = list(result)
            self._rouge_mean = ExactMean(self.n_total, 3 * len(self._rouge_types), self.first_row + self.n_pairs)
            self._rouge_config = result.config
        if result.n_pairs:  # an empty chunk has no references to count
            self._labels["rouge"].add(result.n_references)
        block = np.stack([getattr(result[t], f) for t in self._rouge_types
                          for f in ("precision", "recall", "fmeasure")])
        self._rouge_mean.add(block)
        self._rouge_block = block
        if not self.per_pair:
            return {}
        return {f"{t}_{f}": getattr(result[t], f) for t in self._rouge_types for f in ("precision", "recall", "fmeasure")}

    def _accumulate(self, metric: str, result) -> None:
        sums = result.summed_statistics()
        self._sums[metric] = self._sums[metric] + sums if metric in self._sums else sums
        self._configs.setdefault(metric, result.config)
        if len(result.statistics):
            self._labels[metric].add(result.n_references)

    def merge(self, other: "StreamScorer") -> "StreamScorer":
        """Take in what another scorer of the same metrics, options and ``n_total`` was fed (other
        pairs: a disjoint range); returns ``self``. BLEU / chrF sums add up, ROUGE's means merge
        exactly (:meth:`ExactMean.merge`), so the order of merges never changes the summary."""
        if (other.metrics, _results_options(other.options), other.n_total, other.bootstrap, other.seed) != (
                self.metrics, _results_options(self.options), self.n_total, self.bootstrap, self.seed):
            raise ValueError("StreamScorer.merge: the scorers must have the same metrics, options, n_total, "
                             "bootstrap and seed")
        if other._rouge_mean is not None:  # first: it raises on rows fed twice
            if self._rouge_mean is None:
                self._rouge_types, self._rouge_config = other._rouge_types, other._rouge_config
                self._rouge_mean = ExactMean(self.n_total, other._rouge_mean.width, other._rouge_mean.first_row)
            self._rouge_mean.merge(other._rouge_mean)
        self._ter_parts.extend(other._ter_parts)
        self._configs.update({m: c for m, c in other._configs.items() if m not in self._configs})
        for metric, sums in other._sums.items():
            self._sums[metric] = self._sums[metric] + sums if metric in self._sums else sums
            self._configs.setdefault(metric, other._configs[metric])
        if other._boot is not None:
            self._boot.merge(other._boot)
            self._boot_widths.update(other._boot_widths)
        for metric, labels in other._labels.items():
            self._labels[metric] |= labels
        self.first_row = min(self.first_row, other.first_row)
        self.n_pairs += other.n_pairs
        return self

    def _label(self, metric: str):
        labels = self._labels[metric]
        return next(iter(labels)) if len(labels) == 1 else ("var" if labels else 1)

    def corpus_result(self, metric: str) -> BleuResult | ChrfResult | TerResult | WerResult | CerResult:
        """The corpus BLEU / chrF / WER / CER (from the summed statistics) or TER (from the pairs' statistics in
        row order) of every pair fed so far."""
        if metric == "ter":
            if not self._ter_parts:
                return ter([], [], **self.options["ter"])
            stats = np.concatenate([part for _, part in sorted(self._ter_parts, key=lambda p: p[0])])
            return TerResult(stats, self._configs["ter"], self._label("ter"))
        cls, fn = SUMMED[metric]
        if metric not in self._sums:
            return fn([], [], **self.options[metric])
        return cls.from_statistics(self._sums[metric][None, :], self._configs[metric], self._label(metric))

    def summary(self) -> dict:
        """Plain-Python summary with stable keys: ``pairs``, then per metric its scores and
        ``signature`` (ROUGE: ``{type: {precision, recall, fmeasure}}``, means over pairs; BLEU /
        chrF / TER / WER / CER: their ``to_dict()``). With no pairs every corpus number is 0.0 (and
        ``pairs`` is 0): as ``ngramkit.rouge([], []).mean()``, the accumulators and ``ngramkit
        rouge``, and as sacrebleu scores an empty text (BLEU, chrF, TER 0.0)."""
        out: dict[str, Any] = {"pairs": self.n_pairs}
        if "rouge" in self.metrics:
            if self._rouge_mean is None:  # no pairs: the API's empty result gives types and signature
                self._add_rouge([], [])
            means = self._rouge_mean.mean().tolist() if self.n_pairs else [0.0] * (3 * len(self._rouge_types))
            entry: dict[str, Any] = {}
            for i, t in enumerate(self._rouge_types):
                entry[t] = {f: _nan_to_none(means[3 * i + j]) for j, f in enumerate(("precision", "recall", "fmeasure"))}
            entry["signature"] = self._rouge_config.signature(self._label("rouge")).format()
            out["rouge"] = entry
        for metric in ("bleu", "chrf", "ter", "wer", "cer"):
            if metric in self.metrics:
                result = self.corpus_result(metric)
                entry = result.to_dict()
                if metric == "chrf":
                    entry = {"name": result.name, **entry}
                out[metric] = entry
        if self._boot is not None:
            out["bootstrap"] = self.bootstrap_summary()
        return out

    def bootstrap_summary(self) -> dict:
        """The ``"bootstrap"`` section of :meth:`summary`: ``n_samples``, ``seed``, ``method``
        (``"poisson"``), ``confidence`` (0.95), then per metric ``{"low", "mean", "high"}`` of every
        corpus number over the resamples (ROUGE: per type, precision / recall / fmeasure; BLEU and
        chrF: ``score``)."""
        if self._boot is None:
            raise ValueError("bootstrap: this scorer was made without bootstrap=")
        if self._boot.stats is None:
            raise ValueError("bootstrap: needs at least one pair (no pairs were scored)")
        out: dict[str, Any] = {"n_samples": self.bootstrap, "seed": self.seed, "method": "poisson",
                               "confidence": 0.95}
        if "rouge" in self.metrics:
            means = np.array(self._boot.means(), dtype=np.float64).reshape(self.bootstrap, -1)
            out["rouge"] = {t: {f: interval(means[:, 3 * i + j]) for j, f in enumerate(("precision", "recall", "fmeasure"))}
                            for i, t in enumerate(self._rouge_types)}
        column = 0
        for metric in SUMMED:
            if metric in self.metrics:
                width = self._boot_widths[metric]
                result = self.corpus_result(metric)
                rows = self._boot.stats[:, column:column + width].tolist()
                out[metric] = {"score": interval([result.finalize_row(row) for row in rows])}
                column += width
        return out
