"""lm-evaluation-harness: its ``bleu``, ``chrf``, ``chrf++`` and ``ter`` aggregations and their
bootstrap standard errors, computed by ngramkit (extra ``lm-eval``: lm-eval >= 0.4.0).

>>> from ngramkit.integrations import lm_eval as nk_lm_eval
>>> nk_lm_eval.install()        # before the tasks are built (simple_evaluate, TaskManager)
>>> ...                         # lm_eval.simple_evaluate(...) as usual
>>> nk_lm_eval.uninstall()      # lm-eval's own functions again

What :func:`install` changes, and why the numbers do not:

* The aggregations registered under ``bleu``, ``chrf``, ``chrf++`` and ``ter`` (in lm-eval's
  aggregation and metric-aggregation registries, and the module attributes
  ``lm_eval.api.metrics.bleu`` …, which ``stderr_for_metric``'s bootstrappable list names) become
  functions of the same names that format the items with lm-eval's own ``_sacreformat`` and score
  them with ngramkit (sacrebleu's defaults; chrF++: ``word_order=2``): the same floats as
  ``sacrebleu.corpus_*(...).score``.
* ``lm_eval.api.metrics.bootstrap_stderr`` becomes a function that, for these four aggregations,
  computes each item's statistics once and replays lm-eval's own draws — resample ``j`` of chunk
  ``i`` is the ``j``-th ``random.Random(i).choices(items, k=len(items))``, ``min(1000, iters)``
  resamples a chunk, ``iters // chunk`` chunks — summing statistics instead of re-running sacrebleu;
  the corpus score of every resample is the float sacrebleu would give, and lm-eval's
  ``sample_stddev`` of them is returned. Any other aggregation goes to lm-eval's function.

The 100-resample cap: lm-eval's evaluator passes ``min(bootstrap_iters, 100)`` for metrics named
``bleu``, ``chrf``, ``chrf++`` and ``ter``. ``install(bootstrap_iters=N)`` lifts it: these four
aggregations then use ``N`` resamples whenever lm-eval asks for a bootstrap (``bootstrap_iters > 0``
in ``simple_evaluate``); other metrics keep the count given to ``simple_evaluate``.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from ._host import require

MINIMUM_VERSION = "0.4.0"
#: lm-eval aggregation name -> (ngramkit metric, options as sacrebleu's corpus function defaults)
AGGREGATIONS = {"bleu": ("bleu", {}), "chrf": ("chrf", {}), "chrf++": ("chrf", {"word_order": 2}),
                "ter": ("ter", {})}
_ATTRIBUTES = {"bleu": "bleu", "chrf": "chrf", "chrf++": "chrfpp", "ter": "ter"}

_saved: dict[str, Any] = {}
_options: dict[str, int | None] = {"bootstrap_iters": None}


def _host():
    require("lm_eval", "lm_eval", "lm-eval", MINIMUM_VERSION)
    import lm_eval.api.metrics as metrics
    import lm_eval.api.registry as registry

    return metrics, registry


def _registries(registry) -> list:
    return [getattr(registry, name) for name in ("AGGREGATION_REGISTRY", "METRIC_AGGREGATION_REGISTRY")
            if hasattr(registry, name)]


def _entries(table) -> dict:
    """The writable mapping behind a registry (a dict in lm-eval <= 0.4.8, a ``Registry`` after)."""
    objs = getattr(table, "_objs", table)
    if not isinstance(objs, dict):
        raise RuntimeError("ngramkit.integrations.lm_eval.install: lm-eval's registries are frozen; "
                           "call install() before lm_eval.api.registry.freeze_all()")
    return objs


def _items_statistics(name: str, items) -> Any:
    """The ngramkit result of lm-eval's aggregation ``name`` on ``items`` ((reference, prediction)
    tuples, as lm-eval collects them), formatted by lm-eval's ``_sacreformat``."""
    from ..compat.sacrebleu import _per_hypothesis
    from ..metrics.bleu import bleu
    from ..metrics.chrf import chrf
    from ..metrics.ter import ter

    metrics, _ = _host()
    refs, preds = metrics._sacreformat(list(zip(*items))[0], list(zip(*items))[1])
    preds = list(preds)
    metric, options = AGGREGATIONS[name]
    function = {"bleu": bleu, "chrf": chrf, "ter": ter}[metric]
    return function(preds, _per_hypothesis(preds, refs, f"lm-eval {name}"), **options)


def _aggregation(name: str) -> Callable:
    def aggregate(items) -> float:
        return float(_items_statistics(name, items).score)

    aggregate.__name__ = aggregate.__qualname__ = _ATTRIBUTES[name]
    aggregate.__doc__ = f"lm-eval's ``{name}`` aggregation computed by ngramkit (same value as sacrebleu's)."
    aggregate.ngramkit_aggregation = name
    return aggregate


def _resample_scores(result, seed: int, resamples: int) -> list[float]:
    """Corpus scores of ``resamples`` draws of ``random.Random(seed).choices`` over the pairs."""
    from ..metrics.ter import TerResult, sum_statistics, ter_score
    from ..stats.python_random import resample_indices

    stats = result.statistics
    n = len(stats)
    scores: list[float] = []
    for block in resample_indices(seed, n, resamples):
        if isinstance(result, TerResult):  # float lengths add up left to right in draw order
            scores.extend(ter_score(*sum_statistics(stats[row])) for row in block)
            continue
        rows = np.arange(len(block))[:, None] * n
        weights = np.bincount((block + rows).ravel(), minlength=len(block) * n).reshape(len(block), n)
        scores.extend(result.finalize_row(row) for row in (weights @ stats).tolist())
    return scores


def bootstrap_stderr(f: Callable, xs, iters: int) -> float:
    """lm-eval's ``bootstrap_stderr(f, xs, iters)``: for ngramkit's aggregations, the same draws
    and the same standard error from statistics summed per resample (also for lm-eval's own four
    functions, as held by tasks built before :func:`install`); else lm-eval's own."""
    metrics, _ = _host()
    name = getattr(f, "ngramkit_aggregation", None)
    if name is None:  # lm-eval's own function, held by a task built before install(): the same numbers
        name = next((n for n, original in _saved.get("originals", {}).items() if f is original), None)
    if name is None:
        return _saved["bootstrap_stderr"](f, xs, iters)
    result = _items_statistics(name, xs)
    chunk = min(1000, iters)
    scores: list[float] = []
    for i in range(iters // chunk):
        scores.extend(_resample_scores(result, i, chunk))
    return metrics.sample_stddev(scores)


def _stderr_for_metric(original: Callable, metric: Callable, bootstrap_iters: int):
    iters = _options["bootstrap_iters"]
    if iters is not None and bootstrap_iters > 0 and getattr(metric, "ngramkit_aggregation", None):
        bootstrap_iters = iters
    return original(metric, bootstrap_iters)


def install(bootstrap_iters: int | None = None) -> None:
    """Route lm-eval's ``bleu`` / ``chrf`` / ``chrf++`` / ``ter`` aggregations and their bootstrap
    through ngramkit (module docstring). ``bootstrap_iters``: resamples for these four, lifting
    lm-eval's cap of 100 (``None``: lm-eval's count). Idempotent; raises ImportError without lm-eval."""
    metrics, registry = _host()
    import lm_eval.evaluator_utils as evaluator_utils

    if bootstrap_iters is not None and (isinstance(bootstrap_iters, bool) or int(bootstrap_iters) < 1):
        raise ValueError(f"bootstrap_iters: expected a positive int or None, got {bootstrap_iters!r}")
    _options["bootstrap_iters"] = None if bootstrap_iters is None else int(bootstrap_iters)
    if _saved:
        return
    originals = {name: getattr(metrics, attr) for name, attr in _ATTRIBUTES.items() if hasattr(metrics, attr)}
    ours = {originals[name]: _aggregation(name) for name in originals}
    _saved.update(originals=originals, bootstrap_stderr=metrics.bootstrap_stderr,
                  stderr_for_metric=evaluator_utils.stderr_for_metric, replaced=[])
    for table in _registries(registry):
        entries = _entries(table)
        for alias, target in list(entries.items()):
            if any(target is original for original in ours):
                _saved["replaced"].append((entries, alias, target))
                entries[alias] = ours[target]
    for name, original in originals.items():
        setattr(metrics, _ATTRIBUTES[name], ours[original])
    metrics.bootstrap_stderr = bootstrap_stderr
    evaluator_utils.stderr_for_metric = functools.partial(_stderr_for_metric, _saved["stderr_for_metric"])


def uninstall() -> None:
    """Put lm-eval's own aggregations, ``bootstrap_stderr`` and ``stderr_for_metric`` back."""
    if not _saved:
        return
    metrics, _ = _host()
    import lm_eval.evaluator_utils as evaluator_utils

    for entries, alias, target in _saved["replaced"]:
        entries[alias] = target
    for name, original in _saved["originals"].items():
        setattr(metrics, _ATTRIBUTES[name], original)
    metrics.bootstrap_stderr = _saved["bootstrap_stderr"]
    evaluator_utils.stderr_for_metric = _saved["stderr_for_metric"]
    _saved.clear()
    _options["bootstrap_iters"] = None


def installed() -> bool:
    """Whether :func:`install` is in effect."""
    return bool(_saved)
