"""Scores of a Dask DataFrame or Bag: per-pair columns, lazily, and the exact corpus result.

Example (a cluster reading Parquet files)::

    import dask.dataframe as dd, ngramkit.dask
    frame = dd.read_parquet("s3://bucket/outputs/*.parquet", columns=["prediction", "reference"])
    per_pair, corpus = ngramkit.dask.score(frame, metrics=["rouge", "bleu", "chrf"])
    corpus["bleu"]["score"], corpus["rouge"]["rougeL"]["fmeasure"]
    per_pair.to_parquet("s3://bucket/scores/")          # lazy until written or computed

Every partition is scored where it lives. For the corpus, a task per partition returns a
:class:`~ngramkit.pipelines.streaming.StreamScorer` holding only what adds up: BLEU and chrF integer
statistics (int64 sums) and ROUGE's per-pair precision/recall/F1 folded into
:class:`~ngramkit.stats.stream_mean.ExactMean` leaves (numpy's pairwise-summation tree over *all* pairs,
so every partition needs its first row: a first pass counts the rows of each partition when ROUGE
is asked for, or for a Bag). Dask's scheduler tree-reduces the scorers (:meth:`StreamScorer.merge`,
which never mutates its inputs, so a task re-run after a worker died cannot count a partition
twice) and the driver finalizes once. The corpus result is therefore the ``ngramkit score --format
json`` object of the same pairs, bit for bit, whatever the partitioning.

Workers import ngramkit themselves (install it in the worker environment); only plain data (names,
option dicts, numpy arrays) travels. ``dask`` is imported inside the functions: ``import ngramkit``
never imports it.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..metrics.registry import DEFAULT_METRICS, check_metrics, split_options
from ..stats.poisson_bootstrap import check_bootstrap
from .streaming import StreamScorer
from .reference_columns import merge_reference_columns, reference_columns
from .tables import _column, score_columns

__all__ = ["score"]

_NAME = "ngramkit.dask.score"


def _collection_kind(frame) -> str:
    try:
        import dask.bag as db
        import dask.dataframe as dd
    except ImportError:
        raise ImportError(f"{_NAME} needs dask: pip install 'ngramkit[dask]'") from None
    if isinstance(frame, dd.DataFrame):
        return "frame"
    if isinstance(frame, db.Bag):
        return "bag"
    raise TypeError(f"frame: expected a dask DataFrame or a dask Bag of records, got {type(frame).__module__}."
                    f"{type(frame).__name__} (for an in-memory table use ngramkit.score_table)")


def task_threads() -> int:
    """Kernel threads of one scoring task: on a ``distributed`` worker with ``nthreads`` threads,
    ``nthreads`` divided among the tasks it is running at that moment (a worker of 1 thread: 1;
    a worker of 4 threads running 4 partitions: 1 each, since its 4 threads already run 4 GIL-free
    kernels; running one partition alone: 4). Elsewhere (dask's local schedulers, which run a
    task per core) 1. Results never depend on it."""
    try:
        from distributed import get_worker

        state = get_worker().state
        return max(1, state.nthreads // max(1, state.executing_count))
    except (ImportError, ValueError, AttributeError):
        return 1


def _with_threads(options: dict[str, dict], threads: int | None) -> dict[str, dict]:
    if threads is None:
        threads = task_threads()
    return {m: {**o, "threads": threads} for m, o in options.items()}


def _text_or_arrow(part, name: str):
    """A partition's column as a pyarrow ChunkedArray when pandas holds it in Arrow (``str``,
    ``string[pyarrow]``, ``list<int32>[pyarrow]``: no copy), else as a list."""
    array = part[name].array
    if hasattr(array, "__arrow_array__"):
        arrow = array.__arrow_array__()
        if arrow.null_count == 0:
            return arrow
    return _column(part, name, "pandas")


def _reject_stringified_lists(refs, ref_col: str, sample: int = 5) -> None:
    """Raise when a string reference column holds the ``str()`` of Python lists of strings, which
    is what dask's ``dataframe.convert-string`` makes of a column of reference lists: every one of
    the partition's first ``sample`` references (or all of them, if fewer) must read back as a
    non-empty list of str, a shape real text never has throughout."""
    import ast

    first = refs.slice(0, sample).to_pylist() if hasattr(refs, "slice") else list(refs[:sample])
    if not first or not all(isinstance(r, str) and r[:1] == "[" and r[-1:] == "]" for r in first):
        return
    for text in first:
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            return
    raise ValueError(
        f"{_NAME}: ref_col {ref_col!r} holds the str() of Python lists ({first[0][:60]!r}...): dask's "
        "'dataframe.convert-string' turned lists of references into strings, which would be scored as "
        "one reference text each. Read or build the frame under dask.config.set({'dataframe.convert-string': "
        "False}), use an Arrow list<string> column (Parquet), or a Bag of records.")


def _pairs(part, kind: str, hyp_col: str, ref_col: tuple[str, ...]):
    """(hypotheses, references) of one partition (a pandas DataFrame or a list of records);
    ``ref_col``: the reference column names (several: per-row groups of all their references)."""
    if kind == "frame":
        columns = [_text_or_arrow(part, name) for name in ref_col]
        for name, refs in zip(ref_col, columns):
            _reject_stringified_lists(refs, name)
        refs = columns[0] if len(ref_col) == 1 else merge_reference_columns(columns, ref_col)
        return _text_or_arrow(part, hyp_col), refs
    hyps, refs = [], []
    for i, record in enumerate(part):
        try:
            hyps.append(record[hyp_col])
            refs.append(record[ref_col[0]] if len(ref_col) == 1 else [record[name] for name in ref_col])
        except (KeyError, TypeError, IndexError):
            keys = record.keys() if hasattr(record, "keys") else ()
            missing = next((c for c in (hyp_col, *ref_col) if c not in keys), hyp_col)
            raise KeyError(f"{_NAME}: record {i} of a partition has no {missing!r} "
                           f"(hyp_col / ref_col; record: {type(record).__name__})") from None
    if len(ref_col) > 1:
        refs = merge_reference_columns(list(zip(*refs)) or [[] for _ in ref_col], ref_col)
    return hyps, refs


def _partition_sums(part, kind: str, first_row: int, n_total: int, metrics: list[str], options: dict,
                    threads: int | None, hyp_col: str, ref_col: tuple[str, ...], bootstrap: int = 0,
                    seed: int | None = None) -> StreamScorer:
    """One corpus task: the StreamScorer of one partition (sums only, no per-pair columns)."""
    hyps, refs = _pairs(part, kind, hyp_col, ref_col)
    scorer = StreamScorer(metrics, n_total, _with_threads(options, threads), first_row=first_row,
                          bootstrap=bootstrap, seed=seed)
    if len(hyps):
        scorer.add(hyps, refs)
    return scorer


def _partition_scores(part, kind: str, metrics: list[str], options: dict, threads: int | None, hyp_col: str,
                      ref_col: tuple[str, ...], first_row: int = 0):
    """One per-pair task: float64 columns as a pandas DataFrame (the partition's index; a Bag's
    rows numbered from ``first_row``)."""
    import pandas as pd

    hyps, refs = _pairs(part, kind, hyp_col, ref_col)
    columns, _ = score_columns(hyps, refs, metrics, threads=threads or task_threads(), **options)
    index = part.index if kind == "frame" else pd.RangeIndex(first_row, first_row + len(hyps))
    return pd.DataFrame(columns, index=index)


def _merge(*scorers: StreamScorer) -> StreamScorer:
    """A new scorer holding all of theirs (the inputs are left as they were: a re-run task sees the
    same inputs and gives the same result)."""
    first = scorers[0]
    merged = StreamScorer(first.metrics, first.n_total, first.options, first_row=first.first_row,
                          bootstrap=first.bootstrap, seed=first.seed)
    for scorer in scorers:
        merged.merge(scorer)
    return merged


def _summary(scorer: StreamScorer) -> dict:
    return scorer.summary()


def score(frame, metrics=DEFAULT_METRICS, hyp_col: str = "prediction", ref_col: str | list[str] = "reference", *,
          threads: int | None = None, split_every: int = 8, bootstrap: int = 0, seed: int | None = None,
          **options) -> tuple[Any, dict]:
    """Score every pair of a Dask DataFrame (or Bag of records) on the cluster.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame | dask.bag.Bag
        One row (record: a dict) per pair: ``hyp_col`` holds the hypothesis (a string, or token ids
        for ROUGE / BLEU), ``ref_col`` one reference or a list of references. Arrow-backed columns
        (``dd.read_parquet``'s default string dtype, ``dtype_backend="pyarrow"``) reach the kernels
        without a copy. Several references per row: an Arrow ``list<string>`` column (Parquet), or
        build the frame under ``dask.config.set({"dataframe.convert-string": False})``: otherwise
        dask turns a column of Python lists (``dd.read_json``, ``from_pandas``) into their
        ``str()``, which would be scored as one reference text (a partition whose first five
        references all read back as lists of strings raises ValueError instead).
    metrics : among ``"rouge"``, ``"bleu"``, ``"chrf"``, ``"ter"`` (default: the first three).
    hyp_col, ref_col : column (record key) names; ``ref_col`` may be a list of names: several
        references per row, those of every column in order (ROUGE, BLEU, chrF, TER).
    threads : kernel threads per task. Default: :func:`task_threads` (a worker's ``nthreads``
        shared among its running tasks, so a worker never runs more kernel threads than it has
        threads). Give workers ``nthreads=1`` and pass ``threads=k`` to let k cores work on each
        partition instead.
    split_every : fan-in of the tree reduce of the partition results.
    bootstrap, seed : with ``bootstrap=B`` (> 0), ``corpus`` gains the ``"bootstrap"`` section of
        ``ngramkit score --bootstrap B --seed S``: 95% intervals (and means) of every corpus number
        over B Poisson-bootstrap resamples, each pair weighted by a function of (seed, resample,
        its global row number) only (:mod:`ngramkit.stats.poisson_bootstrap`), so the section equals the
        single-process one bit for bit for any partitioning. ``seed``: 0 <= seed < 2**64, default
        12345. Costs a row-count pass (as ROUGE does) and B x pairs x statistics integer
        multiply-adds.
    **options : as :func:`ngramkit.score_table`: ROUGE's ``rouge_types``, ``use_stemmer``,
        ``rouge_tokenize``, ``multi_reference``, ``split_summaries``; BLEU's ``tokenize``,
        ``smooth_method``, ``smooth_value``, ``max_ngram_order``, ``effective_order``; chrF's
        ``char_order``, ``word_order``, ``beta``, ``eps_smoothing``, ``whitespace``; ``lowercase``;
        TER's ``normalized``, ``no_punct``, ``asian_support``, ``case_sensitive``.

    Returns
    -------
    (per_pair, corpus)
        ``per_pair``: a lazy Dask DataFrame of float64 columns ``<rougeType>_precision|_recall|
        _fmeasure``, ``bleu`` (sentence BLEU), ``chrf`` (sentence chrF), ``ter`` (sentence TER), one row per input row,
        partition for partition (a DataFrame keeps its index and divisions; a Bag's rows are
        numbered 0..n-1). Computing it scores the partitions (again: the corpus pass keeps only
        sums, which is cheaper, e.g. no sentence chrF).
        ``corpus``: the dict ``ngramkit score --format json`` prints for the same pairs (keys
        ``pairs``, then per metric its scores and ``signature``; ROUGE means over pairs), equal to
        ``StreamScorer.summary()`` of all pairs in one process and to ``score_table``'s results
        (``results["bleu"].to_dict()``, ``results["rouge"][t].mean()``) bit for bit.
    """
    kind = _collection_kind(frame)
    metrics = check_metrics(metrics)
    bootstrap, seed = check_bootstrap(bootstrap, seed)
    per = {m: o for m, o in split_options(metrics, options, caller=_NAME).items() if m in metrics}
    if threads is not None:
        from ..ingest.threads import resolve_threads

        resolve_threads(threads)
    if not isinstance(split_every, int) or isinstance(split_every, bool) or split_every < 2:
        raise ValueError(f"split_every: expected an int >= 2, got {split_every!r}")
    if not isinstance(hyp_col, str):
        raise TypeError(f"{_NAME}: hyp_col: expected a column name, got {hyp_col!r}")
    ref_col = reference_columns(ref_col, metrics, _NAME)
    for name, value in (("hyp_col", hyp_col), *(("ref_col", c) for c in ref_col)):
        if kind == "frame" and value not in frame.columns:
            raise KeyError(f"{name}: no column {value!r} (columns: {', '.join(map(str, frame.columns))})")
    # one pair on the driver: bad option values fail here, and it gives the column names
    names = list(score_columns(["a"], ["a"], metrics, threads=1, **options)[0])
    # ROUGE's mean needs every partition's first row (its summation tree spans all pairs); a Bag's
    # per-pair rows are numbered with them too, and TER finalizes its pairs in row order. BLEU / chrF
    # sums need none.
    # The bootstrap's weights depend on each pair's global row number too.
    starts = (_starts(frame, kind, hyp_col) if "rouge" in metrics or "ter" in metrics or kind == "bag" or bootstrap
              else None)
    if bootstrap and starts[-1] == 0:
        raise ValueError(f"{_NAME}: bootstrap needs at least one pair (the collection is empty)")
    return _per_pair(frame, kind, metrics, options, threads, hyp_col, ref_col, names, starts), \
        _corpus(frame, kind, metrics, per, threads, hyp_col, ref_col, split_every, starts, bootstrap, seed)


def _per_pair(frame, kind, metrics, options, threads, hyp_col, ref_col, names, starts):
    import dask
    import dask.dataframe as dd
    import pandas as pd

    if kind == "frame":
        meta = pd.DataFrame({name: pd.Series(dtype="float64") for name in names}, index=frame._meta.index[:0])
        return frame.map_partitions(_partition_scores, kind, metrics, options, threads, hyp_col, ref_col, meta=meta,
                                    enforce_metadata=False, align_dataframes=False)
    meta = pd.DataFrame({name: pd.Series(dtype="float64") for name in names}, index=pd.RangeIndex(0))
    task = dask.delayed(_partition_scores, pure=True)
    return dd.from_delayed([task(p, kind, metrics, options, threads, hyp_col, ref_col, first)
                            for p, first in zip(frame.to_delayed(), starts)], meta=meta, verify_meta=False)


def _starts(frame, kind: str, hyp_col: str) -> list[int]:
    """The first row of every partition, and the number of rows last (one pass over the data)."""
    import dask

    parts = frame[hyp_col].to_delayed() if kind == "frame" else frame.to_delayed()
    lengths = dask.compute(*[dask.delayed(len, pure=True)(p) for p in parts])
    return np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).tolist()


def _corpus(frame, kind, metrics, options, threads, hyp_col, ref_col, split_every, starts, bootstrap=0,
            seed=None) -> dict:
    import dask

    parts = frame.to_delayed()
    starts = starts or [0] * (len(parts) + 1)
    task = dask.delayed(_partition_sums, pure=True)
    level = [task(p, kind, starts[i], starts[-1], metrics, options, threads, hyp_col, ref_col, bootstrap, seed)
             for i, p in enumerate(parts)] or [dask.delayed(StreamScorer)(metrics, 0, options)]
    while len(level) > 1:
        level = [dask.delayed(_merge, pure=True)(*level[i:i + split_every])
                 for i in range(0, len(level), split_every)]
    return dask.delayed(_summary, pure=True)(level[0]).compute()
