"""The metric families (ROUGE, BLEU, chrF, TER, WER, CER) the table, streaming, Dask, comparison and command-line layers know, and how
one flat set of keyword options is routed to each family's function.

``METRICS`` names the families in their canonical order. ``METRIC_OPTIONS[m]`` maps every option a
caller of :func:`ngramkit.score_table` (or ``ngramkit.dask.score``, ``ngramkit.compare``) may pass
to the keyword of metric ``m``'s function that receives it; an option listed under several
families (``threads``, ``lowercase``) goes to each of them. A new metric family adds itself here.
"""
from __future__ import annotations

METRICS = ("rouge", "bleu", "chrf", "ter", "wer", "cer")
#: what the table, streaming, Dask and command-line layers score when no metrics are named
DEFAULT_METRICS = ("rouge", "bleu", "chrf")
#: families whose score is an error rate (lower is better)
LOWER_IS_BETTER = frozenset({"ter", "wer", "cer"})

METRIC_OPTIONS: dict[str, dict[str, str]] = {
    "rouge": {"rouge_types": "rouge_types", "use_stemmer": "use_stemmer", "rouge_tokenize": "tokenize",
              "multi_reference": "multi_reference", "split_summaries": "split_summaries", "threads": "threads"},
    "bleu": {k: k for k in ("tokenize", "smooth_method", "smooth_value", "max_ngram_order", "effective_order",
                            "lowercase", "threads")},
    "chrf": {k: k for k in ("char_order", "word_order", "beta", "eps_smoothing", "whitespace", "lowercase",
                            "threads")},
    "ter": {k: k for k in ("normalized", "no_punct", "asian_support", "case_sensitive", "threads")},
    "wer": {"threads": "threads"},
    "cer": {"threads": "threads"},
}


def split_options(metrics, options: dict, caller: str = "score_table") -> dict[str, dict]:
    """Per metric family in :data:`METRICS`, the keyword arguments of its function among
    ``options``; an option no family takes raises a TypeError naming ``caller``."""
    per: dict[str, dict] = {m: {} for m in METRICS}
    for key, value in options.items():
        targets = [m for m in METRICS if key in METRIC_OPTIONS[m]]
        if not targets:
            known = sorted({k for table in METRIC_OPTIONS.values() for k in table})
            raise TypeError(f"{caller}: unknown option {key!r}; options are {', '.join(known)}")
        for m in targets:
            per[m][METRIC_OPTIONS[m][key]] = value
    return per


def check_metrics(metrics) -> list[str]:
    """``metrics`` (one name or several) as a list without repeats; unknown names or none raise a
    ValueError."""
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    unknown = [m for m in metrics if m not in METRICS]
    if unknown or not metrics:
        raise ValueError(f"metrics: unknown {', '.join(map(repr, unknown)) or '(empty)'}; "
                         f"choose among {', '.join(METRICS)}")
    return list(dict.fromkeys(metrics))


def empty_result(metric: str, options: dict):
    """``metric``'s function on no pairs with ``options``, so the options are checked once: as token
    ids, else as text (options such as ``use_stemmer`` apply to text only). A corpus metric's
    result keeps the options' config."""
    from . import bleu, chrf, error_rates, rouge, ter

    function = {"rouge": rouge.rouge, "bleu": bleu.bleu, "chrf": chrf.chrf, "ter": ter.ter, "wer": error_rates.wer,
                "cer": error_rates.cer}[metric]
    try:
        return function([], [], **options)
    except ValueError as error:
        try:
            result = function([""], [""], **options)
        except Exception:
            raise error from None
        return result if metric == "rouge" else type(result)(result.statistics[:0], result.config, 1)
