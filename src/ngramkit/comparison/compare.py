# SPDX-License-Identifier: Apache-2.0
"""Compare systems on the same pairs: scores, confidence intervals and paired significance tests.

>>> import ngramkit
>>> refs = ["the cat sat on the mat", "a dog barked at the mailman", "it rained all day long"]
>>> systems = {"base": ["a cat sat on a mat", "the dog barked", "rain all day"],
...            "tuned": ["the cat sat on the mat", "a dog barked at the mailman", "it rained all day"]}
>>> result = ngramkit.compare(systems, refs, metrics=("bleu",), n_samples=100)
>>> [(row["system"], round(row["score"], 2), round(row["p_value"], 4)) for row in result.table]
[('base', 20.45, nan), ('tuned', 93.94, 0.0099)]

For BLEU, chrF and TER every number (score, p-value, bootstrap mean and 95% half-width) equals what
``sacrebleu.significance.PairedTest`` reports for the same systems, references, test, number of
samples and seed: the resamples are sacrebleu's own draws (see :mod:`ngramkit.stats.significance`).
ROUGE gets the same two tests on its per-pair F1 (and, on request, precision and recall): a
resample's score is the mean of the resampled pairs' scores.
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, Iterable, Optional

import numpy as np

from ..ingest.arguments import check_n_samples
from ..ingest.threads import resolve_threads
from ..metrics.bleu import bleu, sentence_scores
from ..metrics.chrf import ChrfResult, _run as chrf_run, make_config as chrf_config
from ..metrics.error_rates import cer, pair_measures, wer
from ..metrics.registry import METRICS, split_options
from ..metrics.rouge import rouge
from ..metrics.ter import sentence_scores as ter_sentence_scores, ter
from ..stats.signature import Signature
from ..stats.significance import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    MetricStatistics,
    paired_test,
)

__all__ = ["Comparison", "compare"]

_TESTS = ("bs", "ar")
_MEASURES = ("precision", "recall", "fmeasure")


def _named_systems(systems) -> list[tuple[str, Any]]:
    """``{name: hypotheses}`` or ``[(name, hypotheses), ...]`` -> checked list, baseline first."""
    if isinstance(systems, Mapping):
        items = list(systems.items())
    elif isinstance(systems, (list, tuple)) and all(isinstance(x, tuple) and len(x) == 2 for x in systems):
        items = list(systems)
    else:
        raise TypeError("systems: expected a dict {name: hypotheses} (the first is the baseline) or a list of "
                        f"(name, hypotheses) tuples, got {type(systems).__name__}")
    if len(items) < 2:
        raise ValueError(f"systems: need a baseline and at least one system to compare with it, got {len(items)}")
    names = [name for name, _ in items]
    for name in names:
        if not isinstance(name, str) or not name:
            raise TypeError(f"systems: names must be non-empty strings, got {name!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"systems: names must be unique, got {names}")
    lengths = {}
    for name, hyps in items:
        if isinstance(hyps, (str, bytes)) or not hasattr(hyps, "__len__"):
            raise TypeError(f"systems[{name!r}]: expected a sequence of hypotheses, got {type(hyps).__name__}")
        lengths[name] = len(hyps)
    base = names[0]
    for name in names[1:]:
        if lengths[name] != lengths[base]:
            raise ValueError(f"systems[{name!r}]: {lengths[name]} hypotheses, but the baseline {base!r} has "
                             f"{lengths[base]}; every system must score the same pairs")
    if lengths[base] == 0:
        raise ValueError("systems: the hypotheses are empty; a test needs at least one pair")
    return items


def _check_arguments(metrics, test, n_samples, seed, rouge_measures) -> tuple[list[str], int, tuple]:
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    unknown = [m for m in metrics if m not in METRICS]
    if unknown or not metrics:
        raise ValueError(f"metrics: unknown {', '.join(map(repr, unknown)) or '(empty)'}; choose among "
                         f"{', '.join(METRICS)}")
    if test not in _TESTS:
        raise ValueError(f"test: expected 'bs' (paired bootstrap) or 'ar' (approximate randomization), got {test!r}")
    if n_samples is None:
        n_samples = DEFAULT_SAMPLES[test]
    else:
        n_samples = check_n_samples(n_samples)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"seed: expected a non-negative int or None, got {seed!r}")
    measures = (rouge_measures,) if isinstance(rouge_measures, str) else tuple(rouge_measures)
    bad = [m for m in measures if m not in _MEASURES]
    if bad or not measures:
        raise ValueError(f"rouge_measures: expected some of {', '.join(_MEASURES)}, got {rouge_measures!r}")
    return list(dict.fromkeys(metrics)), int(n_samples), tuple(dict.fromkeys(measures))


def _texts(items, references) -> tuple[Optional[dict], Optional[list]]:
    """Texts for the report, or None when the inputs are not plain strings."""
    hyps = {name: list(h) for name, h in items}
    if not all(isinstance(t, str) for h in hyps.values() for t in h):
        return None, None
    refs = [[r] if isinstance(r, str) else list(r) for r in references]
    if not all(isinstance(t, str) for r in refs for t in r):
        return None, None
    return hyps, refs


def _per_system(name: str, fn, *args, **kwargs):
    """fn(*args, **kwargs), with input errors naming the system."""
    try:
        return fn(*args, **kwargs)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"systems[{name!r}]: {exc}") from None


def _rouge_metrics(items, references, options, measures, threads, sentence) -> tuple[list[MetricStatistics], Any]:
    results = [_per_system(name, rouge, hyps, references, threads=threads, **options) for name, hyps in items]
    out = []
    for rouge_type in results[0].rouge_types:
        sentence[rouge_type] = {name: r[rouge_type].fmeasure for (name, _), r in zip(items, results)}
        for measure in ("fmeasure", "precision", "recall"):
            if measure not in measures:
                continue
            name = rouge_type if measure == "fmeasure" else f"{rouge_type}.{measure}"
            values = [getattr(r[rouge_type], measure) for r in results]
            out.append(MetricStatistics(name, "mean", [v.reshape(-1, 1) for v in values],
                                        [float(np.mean(v)) for v in values]))
    return out, results[0].signature


def _bleu_metric(items, references, options, threads, sentence) -> tuple[MetricStatistics, str]:
    results = [_per_system(name, bleu, hyps, references, threads=threads, **options) for name, hyps in items]
    config = results[0].config
    sentence_config = dataclasses.replace(config, effective_order=True)
    sentence["BLEU"] = {name: sentence_scores(r.statistics, sentence_config, threads)
                        for (name, _), r in zip(items, results)}
    metric = MetricStatistics("BLEU", "sacrebleu", [r.statistics for r in results], [r.score for r in results],
                              results[0].finalize_row, lambda rows: sentence_scores(rows, config, threads))
    return metric, results[0].signature


def _chrf_metric(items, references, options, threads, sentence) -> tuple[MetricStatistics, str]:
    config = chrf_config(options.get("char_order", 6), options.get("word_order", 0), options.get("beta", 2),
                         options.get("lowercase", False), options.get("whitespace", False),
                         options.get("eps_smoothing", False))
    stats, scores, per_pair = [], [], {}
    for name, hyps in items:
        pairs, (s, sent, chosen) = _per_system(name, chrf_run, hyps, references, config, threads)
        result = ChrfResult(s, config, pairs.n_references_label(), chosen)
        stats.append(s)
        scores.append(result.score)
        per_pair[name] = sent
    sentence[result.name] = per_pair
    def chrf_rows(rows: np.ndarray) -> np.ndarray:
        from .. import _core

        factor = float(config.beta ** 2)
        return np.array([_core.chrf_f_score(np.ascontiguousarray(r), config.char_order, config.word_order, factor,
                                            config.eps_smoothing) for r in rows])

    metric = MetricStatistics(result.name, "sacrebleu", stats, scores, result.finalize_row, chrf_rows)
    return metric, result.signature


def _ter_metric(items, references, options, threads, sentence) -> tuple[MetricStatistics, str]:
    results = [_per_system(name, ter, hyps, references, threads=threads, **options) for name, hyps in items]
    sentence["TER"] = {name: ter_sentence_scores(r.statistics) for (name, _), r in zip(items, results)}
    metric = MetricStatistics("TER", "sacrebleu", [r.statistics for r in results], [r.score for r in results],
                              results[0].finalize_row, ter_sentence_scores)
    return metric, results[0].signature


def _error_rate_metric(fn, items, references, options, threads, sentence) -> tuple[MetricStatistics, str]:
    """WER / CER: paired tests on the summed counts (a resample's rate from its summed counts)."""
    results = [_per_system(name, fn, hyps, references, threads=threads, **options) for name, hyps in items]
    label = results[0].name
    sentence[label] = {name: r.pair_rates()["wer"] for (name, _), r in zip(items, results)}
    metric = MetricStatistics(label, "sacrebleu", [r.statistics for r in results], [r.score for r in results],
                              results[0].finalize_row, lambda rows: pair_measures(rows)["wer"])
    return metric, results[0].signature


def _test_signature(signature, test: str, n_samples: int, seed) -> str:
    """The metric's signature with the test's fields where sacrebleu's PairedTest puts them:
    ``nrefs``, then ``bs`` or ``ar`` and ``seed``, then the metric's own fields."""
    fields = {"nrefs": None, test: n_samples, "seed": str(seed).lower()}
    fields.update((k, v) for k, v in (signature.info if signature is not None else {}).items() if k != "nrefs")
    if signature is not None and "nrefs" in signature.info:
        fields["nrefs"] = signature.info["nrefs"]
    return Signature(fields).format()


@dataclasses.dataclass
class Comparison:
    """The outcome of :func:`compare`.

    Attributes
    ----------
    systems : list[str]
        System names; the first is the baseline.
    metrics : list[str]
        Metric rows in order: ROUGE types (``rouge1``; ``rouge1.precision`` … on request), ``BLEU``,
        chrF's name (``chrF2``, ``chrF2++``), ``TER``, ``WER``, ``CER``.
    test : str
        ``"bs"`` (paired bootstrap) or ``"ar"`` (approximate randomization).
    n_samples : int
        Resamples (bs) or trials (ar). ``seed``: the generator seed (None: fresh entropy).
    table : list[dict]
        One row per (system, metric), systems outer: ``system``, ``metric``, ``score``, ``delta``
        (score minus the baseline's), ``p_value`` (NaN for the baseline), ``mean`` and ``ci``.
        ``test="bs"``: ``mean`` is the bootstrap estimate of the true mean and ``ci`` the
        half-width of the 95% interval around it, as sacrebleu's paired bootstrap. ``test="ar"``:
        both None, as in sacrebleu's paired approximate randomization (its ``Result.mean`` /
        ``.ci`` are None unless it is asked for an extra bootstrap; randomization trials swap
        outputs between systems, which says nothing about one system's interval).
        ROUGE scores are on rouge-score's 0–1 scale, BLEU, chrF and TER on sacrebleu's 0–100.
    sentence_scores : dict[str, dict[str, numpy.ndarray]]
        Metric -> system -> float64 (n_pairs,) per-pair scores (ROUGE F1, sentence BLEU with
        effective order, sentence chrF).
    hypotheses, references : texts for the report (None for token ids).
    signatures : dict[str, str]
        Metric -> how it was computed, with the test's ``seed`` and ``bs``/``ar`` fields.
    lower_is_better : list[str]
        Metric rows where a lower score is better (``TER``, ``WER``, ``CER``): a negative ``delta`` is an
        improvement there; tables and the report say so.
    """

    systems: list
    metrics: list
    test: str
    n_samples: int
    seed: Optional[int]
    table: list
    sentence_scores: dict
    hypotheses: Optional[dict]
    references: Optional[list]
    signatures: dict
    n_pairs: int
    lower_is_better: list = dataclasses.field(default_factory=list)

    def row(self, system: str, metric: str) -> dict:
        """The table row of one system and metric."""
        for r in self.table:
            if r["system"] == system and r["metric"] == metric:
                return r
        raise KeyError(f"no row for system {system!r} and metric {metric!r}; systems {self.systems}, "
                       f"metrics {self.metrics}")

    def to_pandas(self):
        """A pandas DataFrame, one row per (system, metric). Columns by test:

        * ``test="bs"``: ``system, metric, score, delta, p_value, mean, ci``;
        * ``test="ar"``: ``system, metric, score, delta, p_value`` (no interval: see ``table``).
        """
        import pandas as pd

        columns = ["system", "metric", "score", "delta", "p_value"] + (["mean", "ci"] if self.test == "bs" else [])
        return pd.DataFrame([{c: r[c] for c in columns} for r in self.table], columns=columns)

    def to_dict(self) -> dict:
        """JSON-ready: NaN p-values become None."""
        rows = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()} for r in self.table]
        return {"test": self.test, "n_samples": self.n_samples, "seed": self.seed, "n_pairs": self.n_pairs,
                "systems": self.systems, "metrics": self.metrics, "signatures": self.signatures, "rows": rows}

    def format(self) -> str:
        """The plain-text table: per metric each system's score, its interval (bs), the difference
        to the baseline, the p-value and ``*`` when p < 0.05."""
        from .text_table import format_table

        return format_table(self)

    def __str__(self) -> str:
        return self.format()

    def _repr_html_(self) -> str:
        from .html_report import html_fragment

        return html_fragment(self)

    def report(self, path, *, max_examples: int = 20, example_metrics=None) -> None:
        """Write the self-contained HTML report (figures need matplotlib: ``ngramkit[plot]``).

        ``max_examples``: rows of each "pairs that differ most" table (0: none). ``example_metrics``:
        the metrics that get such tables — None (default): every metric row; else row names
        (``"rouge1"``, ``"BLEU"``, ``"chrF2"``; case-insensitive; ``"rouge"`` / ``"chrf"`` for
        their rows), a list or a comma-separated str. Texts longer than 400 characters or 8
        lines show their beginning, the full text a click away."""
        from .html_report import write_report

        write_report(self, path, max_examples=max_examples, example_metrics=example_metrics)


def compare(systems, references, metrics: Iterable[str] | str = ("rouge", "bleu", "chrf"), test: str = "bs",
            n_samples: Optional[int] = None, seed: Optional[int] = DEFAULT_SEED, *,
            rouge_measures: Iterable[str] | str = ("fmeasure",), threads: Optional[int] = None,
            **metric_options) -> Comparison:
    """Scores of several systems on the same pairs, with a paired significance test against the first.

    Parameters
    ----------
    systems : dict {name: hypotheses} (or a list of ``(name, hypotheses)``), at least two; the first
        is the baseline. Hypotheses as every ngramkit metric takes them (texts; token ids for ROUGE
        and BLEU), all systems of the same length.
    references : per hypothesis its reference or list of references (as in :func:`ngramkit.rouge`).
    metrics : among ``"rouge"``, ``"bleu"``, ``"chrf"``, ``"ter"``, ``"wer"``, ``"cer"`` (the last
        three lower is better; p-values are two-sided, as sacrebleu's; WER/CER resamples are
        finalized from their summed counts, jiwer's corpus formula).
    test : ``"bs"`` paired bootstrap resampling (p-values, and each system's mean and 95%
        interval: ``to_pandas()`` columns ``system, metric, score, delta, p_value, mean, ci``) or
        ``"ar"`` paired approximate randomization (p-values only, as sacrebleu's: columns
        ``system, metric, score, delta, p_value``).
    n_samples : resamples (bs) or trials (ar); None: sacrebleu's defaults, 1000 and 10000.
    seed : seed of ``numpy.random.default_rng`` (sacrebleu's ``SACREBLEU_SEED``, default 12345);
        None draws fresh entropy. Unlike sacrebleu, seed 0 is a seed like any other.
    rouge_measures : ROUGE rows to test: ``"fmeasure"`` (row ``rouge1``), ``"precision"``,
        ``"recall"`` (rows ``rouge1.precision`` …).
    threads : worker threads for scoring and resampling (default: all cores; at most 1024); results never depend on it.
    metric_options : options of the metrics, as in :func:`ngramkit.score_table`: ``rouge_types``,
        ``use_stemmer``, ``rouge_tokenize``, ``split_summaries``, ``multi_reference``; BLEU's
        ``tokenize``, ``smooth_method``, ``smooth_value``, ``max_ngram_order``, ``effective_order``;
        chrF's ``char_order``, ``word_order``, ``beta``, ``eps_smoothing``, ``whitespace``;
        ``lowercase`` (BLEU and chrF); TER's ``normalized``, ``no_punct``, ``asian_support``,
        ``case_sensitive``.

    Returns
    -------
    Comparison : ``table`` rows, ``to_pandas()``, ``format()``, ``report(path)``.
    """
    items = _named_systems(systems)
    metrics, n_samples, measures = _check_arguments(metrics, test, n_samples, seed, rouge_measures)
    if "threads" in metric_options:
        raise TypeError("compare: give threads as the keyword argument threads=")
    per = split_options(metrics, metric_options, caller="compare")
    n_threads = resolve_threads(threads)
    n_pairs = len(items[0][1])
    if hasattr(references, "__len__") and not isinstance(references, (str, bytes)) and len(references) != n_pairs:
        raise ValueError(f"references: {len(references)} entries for {n_pairs} hypotheses per system")

    stats: list[MetricStatistics] = []
    signatures: dict[str, Any] = {}
    sentence: dict[str, dict] = {}
    if "rouge" in metrics:
        rouge_stats, signature = _rouge_metrics(items, references, per["rouge"], measures, n_threads, sentence)
        for m in rouge_stats:
            signatures[m.name] = signature
        stats += rouge_stats
    if "bleu" in metrics:
        metric, signature = _bleu_metric(items, references, per["bleu"], n_threads, sentence)
        stats.append(metric)
        signatures[metric.name] = signature
    if "chrf" in metrics:
        metric, signature = _chrf_metric(items, references, per["chrf"], n_threads, sentence)
        stats.append(metric)
        signatures[metric.name] = signature
    if "ter" in metrics:
        metric, signature = _ter_metric(items, references, per["ter"], n_threads, sentence)
        stats.append(metric)
        signatures[metric.name] = signature
    for name, fn in (("wer", wer), ("cer", cer)):
        if name in metrics:
            metric, signature = _error_rate_metric(fn, items, references, per[name], n_threads, sentence)
            stats.append(metric)
            signatures[metric.name] = signature

    outcomes = paired_test(stats, test, n_samples, seed, n_threads)
    names = [name for name, _ in items]
    table = []
    for s, system in enumerate(names):
        for m, outcome in zip(stats, outcomes):
            table.append({"system": system, "metric": m.name, "score": float(m.scores[s]),
                          "delta": float(m.scores[s] - m.scores[0]), "p_value": float(outcome.p_value[s]),
                          "mean": outcome.mean[s], "ci": outcome.ci[s]})
    hypotheses, refs = _texts(items, references)
    return Comparison(
        systems=names, metrics=[m.name for m in stats], test=test, n_samples=n_samples, seed=seed, table=table,
        sentence_scores=sentence, hypotheses=hypotheses, references=refs,
        signatures={k: _test_signature(v, test, n_samples, seed) for k, v in signatures.items()}, n_pairs=n_pairs,
        lower_is_better=[m.name for m in stats if m.name in ("TER", "WER", "CER")])
