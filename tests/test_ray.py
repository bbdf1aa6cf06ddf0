"""Ray Data: ``map_batches`` over Arrow batches with ``ngramkit.score_table`` gives the per-pair
columns of one ``score_table`` call, and the batches' integer statistics, summed, the same corpus
BLEU / chrF (``from_statistics``); ROUGE's mean of the ordered column equals ``RougeResult.mean()``."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

ray = pytest.importorskip("ray")
pa = pytest.importorskip("pyarrow")

import ngramkit  # noqa: E402

METRICS = ("rouge", "bleu", "chrf")


@pytest.fixture(scope="module")
def ray_local():
    src = str(Path(ngramkit.__file__).resolve().parents[1])
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(
                 p for p in (src, os.environ.get("PYTHONPATH")) if p)}})
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import this file
    yield
    ray.shutdown()


def scores(batch: pa.Table) -> pa.Table:
    """Per-pair score columns of one Arrow batch (threads=1: Ray runs a process per CPU)."""
    return ngramkit.score_table(batch, METRICS, threads=1).scores


def statistics(batch: pa.Table) -> pa.Table:
    """One row per batch: the summed integer statistics of BLEU and chrF."""
    results = ngramkit.score_table(batch, ("bleu", "chrf"), threads=1).results
    return pa.table({m: [results[m].summed_statistics().tolist()] for m in ("bleu", "chrf")})


def arrow(ds) -> pa.Table:
    return pa.concat_tables(ray.get(ds.to_arrow_refs()))


def test_map_batches_equals_score_table(ray_local, dialogsum):
    hyp, refs = dialogsum
    table = pa.table({"prediction": hyp, "reference": refs[0]})
    expected, results = ngramkit.score_table(table, METRICS)
    ds = ray.data.from_arrow(table).repartition(4)

    got = arrow(ds.map_batches(scores, batch_format="pyarrow", batch_size=97))
    assert got.column_names == expected.column_names
    for name in expected.column_names:
        assert np.array_equal(got[name].to_numpy(), expected[name].to_numpy())
    for t, s in results["rouge"].items():
        assert np.mean(got[f"{t}_fmeasure"].to_numpy()) == s.mean().fmeasure

    sums = arrow(ds.map_batches(statistics, batch_format="pyarrow", batch_size=97))
    for m in ("bleu", "chrf"):
        summed = np.sum(np.array(sums[m].to_pylist(), dtype=np.int64), axis=0)
        corpus = type(results[m]).from_statistics(summed[None, :], results[m].config)
        assert corpus.to_dict() == results[m].to_dict()
