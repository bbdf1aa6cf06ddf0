"""Scores of a Dask DataFrame or Bag: ``ngramkit.dask.score`` (lazy per-pair columns and the exact
corpus result) and ``ngramkit.dask.task_threads``. Implemented in :mod:`ngramkit.pipelines.dask_score`;
``dask`` itself is imported only when they are called."""
from .pipelines.dask_score import score, task_threads

__all__ = ["score", "task_threads"]
