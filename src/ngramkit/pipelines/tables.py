"""Scores of table columns: pyarrow Tables / RecordBatches, pandas and polars DataFrames, HF datasets.

>>> import pyarrow as pa, ngramkit
>>> t = pa.table({"prediction": ["the cat sat"], "reference": ["the cat sat down"]})
>>> scores, results = ngramkit.score_table(t, metrics=("rouge", "bleu"))
>>> round(scores["rouge1_fmeasure"][0].as_py(), 4), round(results["bleu"].score, 2)
(0.8571, 0.0)

The hypothesis column holds strings or token ids (``list<int>``); the reference column strings, ids,
or a list of them per row (several references). Arrow ``list<int32>`` id columns reach the kernels
without a copy (:meth:`TokenBatch.from_arrow`); polars columns go through Arrow too.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, NamedTuple

import numpy as np

from ..metrics.bleu import bleu, sentence_scores
from ..metrics.chrf import chrf, sentence_chrf
from ..metrics.error_rates import cer, wer
from ..metrics.registry import DEFAULT_METRICS, check_metrics, split_options
from ..metrics.rouge import rouge
from ..metrics.ter import sentence_scores as ter_sentence_scores, ter
from .reference_columns import merge_reference_columns, reference_columns


class TableScores(NamedTuple):
    """``scores``: per-pair float64 columns, the same kind of table as the input (one row per
    input row); ``results``: per metric the corpus result (:class:`RougeResult`,
    :class:`BleuResult`, :class:`ChrfResult`, :class:`TerResult`) with its per-pair statistics —
    combine BLEU / chrF / TER results of several tables with ``.combine``."""

    scores: Any
    results: dict


def score_columns(hypotheses, references, metrics=DEFAULT_METRICS, **options) -> tuple[dict[str, np.ndarray], dict]:
    """Per-pair columns and corpus results of any inputs :func:`ngramkit.rouge` accepts.

    Returns ``(columns, results)``: ``columns`` maps ``<rougeType>_precision|_recall|_fmeasure``,
    ``bleu`` (sentence BLEU as sacrebleu's ``sentence_bleu``), ``chrf`` (sentence chrF), ``ter``
    (sentence TER, lower is better), ``wer`` / ``cer`` (each pair's jiwer error rate) to float64
    arrays (n_pairs,); ``results`` maps each metric to
    its result object.
    """
    metrics = check_metrics(metrics)
    per = split_options(metrics, options)
    columns: dict[str, np.ndarray] = {}
    results: dict = {}
    if "rouge" in metrics:
        r = rouge(hypotheses, references, **per["rouge"])
        results["rouge"] = r
        for t, s in r.items():
            columns.update({f"{t}_precision": s.precision, f"{t}_recall": s.recall, f"{t}_fmeasure": s.fmeasure})
    if "bleu" in metrics:
        b = bleu(hypotheses, references, **per["bleu"])
        results["bleu"] = b
        columns["bleu"] = sentence_scores(b.statistics, dataclasses.replace(b.config, effective_order=True))
    if "chrf" in metrics:
        results["chrf"] = chrf(hypotheses, references, **per["chrf"])
        columns["chrf"] = sentence_chrf(hypotheses, references, **per["chrf"])
    if "ter" in metrics:
        t = ter(hypotheses, references, **per["ter"])
        results["ter"] = t
        columns["ter"] = ter_sentence_scores(t.statistics)
    for name, fn in (("wer", wer), ("cer", cer)):
        if name in metrics:
            result = fn(hypotheses, references, **per[name])
            results[name] = result
            columns[name] = result.pair_rates()["wer"]
    return columns, results


def _column(table, name: str, kind: str):
    names = list(table.columns) if kind in ("pandas", "polars") else table.schema.names
    if name not in names:
        raise KeyError(f"score_table: no column {name!r} (columns: {', '.join(map(str, names))})")
    if kind == "arrow":
        return table.column(name)
    if kind == "polars":
        return table.get_column(name).to_arrow()
    values = table[name].tolist()
    return [v.tolist() if isinstance(v, np.ndarray) else v for v in values]


def _kind(table) -> str:
    module = type(table).__module__
    if module.startswith("pyarrow"):
        return "arrow"
    if module.startswith("pandas"):
        return "pandas"
    if module.startswith("polars"):
        return "polars"
    raise TypeError(f"score_table: expected a pyarrow Table/RecordBatch or a pandas/polars DataFrame, "
                    f"got {type(table).__name__}")


def _references(get_column, names: tuple[str, ...]):
    """The reference column, or the per-row groups of several (``get_column(name)`` reads one)."""
    if len(names) == 1:
        return get_column(names[0])
    return merge_reference_columns([get_column(n) for n in names], names)


def score_table(table, metrics=DEFAULT_METRICS, hyp_col: str = "prediction", ref_col: str | list[str] = "reference",
                **options) -> TableScores:
    """Score every row of a table: ``hyp_col`` against ``ref_col``.

    Parameters
    ----------
    table : pyarrow.Table | pyarrow.RecordBatch | pandas.DataFrame | polars.DataFrame
    metrics : among ``"rouge"``, ``"bleu"``, ``"chrf"``, ``"ter"``, ``"wer"``, ``"cer"`` (default: the
        first three).
    hyp_col : the hypothesis column's name.
    ref_col : the reference column's name (each cell one reference, or a list of references), or a
        list of names: several references per row, those of every column in order, scored as the
        API scores several references (ROUGE, BLEU, chrF, TER; WER and CER take one: ValueError).
    **options : ROUGE's ``rouge_types``, ``use_stemmer``, ``rouge_tokenize`` (its ``tokenize``),
        ``multi_reference``, ``split_summaries``; BLEU's ``tokenize``, ``smooth_method``,
        ``smooth_value``, ``max_ngram_order``, ``effective_order``; chrF's ``char_order``,
        ``word_order``, ``beta``, ``eps_smoothing``, ``whitespace``; ``lowercase`` (BLEU and chrF);
        TER's ``normalized``, ``no_punct``, ``asian_support``, ``case_sensitive``; ``threads``.

    Returns
    -------
    TableScores
        ``scores``: float64 per-pair columns as a table of the input's kind (pandas keeps the
        index); ``results``: corpus results per metric.
    """
    kind = _kind(table)
    if not isinstance(hyp_col, str):
        raise TypeError(f"score_table: hyp_col: expected a column name, got {hyp_col!r}")
    names = reference_columns(ref_col, check_metrics(metrics), "score_table")
    references = _references(lambda name: _column(table, name, kind), names)
    columns, results = score_columns(_column(table, hyp_col, kind), references, metrics, **options)
    if kind == "arrow":
        import pyarrow as pa

        out = pa.table(columns) if isinstance(table, pa.Table) else pa.RecordBatch.from_pydict(columns)
    elif kind == "pandas":
        import pandas as pd

        out = pd.DataFrame(columns, index=table.index)
    else:
        import polars as pl

        out = pl.DataFrame(columns)
    return TableScores(out, results)


def dataset_scorer(metrics=DEFAULT_METRICS, hyp_col: str = "prediction", ref_col: str | list[str] = "reference",
                   prefix: str = "", **options) -> Callable[[dict], dict]:
    """A function for ``datasets.Dataset.map(fn, batched=True)`` that adds per-pair score columns
    (names as in :func:`score_columns`, with ``prefix``) to every batch. ``ref_col``: one column
    name or several, as in :func:`score_table`.

    >>> ds = ds.map(ngramkit.dataset_scorer(("rouge", "bleu"), hyp_col="pred", ref_col="summary"), batched=True)
    >>> ds = ds.map(ngramkit.dataset_scorer("rouge", ref_col=["summary1", "summary2"]), batched=True)
    """
    metrics = check_metrics(metrics)
    split_options(metrics, options)  # unknown options fail here, not inside map
    if not isinstance(hyp_col, str):
        raise TypeError(f"dataset_scorer: hyp_col: expected a column name, got {hyp_col!r}")
    names = reference_columns(ref_col, metrics, "dataset_scorer")

    def score_batch(batch: dict) -> dict:
        for name in (hyp_col, *names):
            if name not in batch:
                raise KeyError(f"dataset_scorer: no column {name!r} (columns: {', '.join(batch)})")
        references = _references(lambda name: list(batch[name]), names)
        columns, _ = score_columns(list(batch[hyp_col]), references, metrics, **options)
        return {prefix + k: v.tolist() for k, v in columns.items()}

    return score_batch
