"""ngramkit.dask on a real 2-process LocalCluster: per-pair columns and corpus results equal to the
single-process path (``score_table`` and the ``ngramkit score`` summary) for every partitioning,
a Bag, Parquet files, token ids, several references, and a worker that dies mid-run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

import dask  # noqa: E402
import dask.bag as db  # noqa: E402

import ngramkit  # noqa: E402
import ngramkit.dask  # noqa: E402
from ngramkit.pipelines.streaming import StreamScorer  # noqa: E402

ALL = ["rouge", "bleu", "chrf"]


@pytest.fixture(scope="module")
def client():
    # workers import the same ngramkit as this process (a source checkout or the installed one)
    src = str(Path(ngramkit.__file__).resolve().parents[1])
    env = {"PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  env=env) as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def pairs(dialogsum):
    import pyarrow as pa

    hyp, refs = dialogsum
    # several references per row: an Arrow list<string> column, as read_parquet gives (dask would turn
    # a pandas object column of Python lists into strings: its dataframe.convert-string option)
    references = pd.array([list(r) for r in zip(*refs)], dtype=pd.ArrowDtype(pa.list_(pa.string())))
    return pd.DataFrame({"prediction": hyp, "reference": refs[0], "references": references})


def single_process(frame: pd.DataFrame, metrics, ref_col="reference", **options):
    """What one process gives: score_table's per-pair table and results, and the CLI's summary."""
    scores, results = ngramkit.score_table(frame, metrics, ref_col=ref_col, **options)
    cli_options = {"rouge": {k: v for k, v in options.items() if k == "rouge_types"}}
    scorer = StreamScorer(metrics, len(frame), cli_options)
    scorer.add(frame["prediction"].tolist(), frame[ref_col].tolist())
    return scores, results, scorer.summary()


def check(frame: pd.DataFrame, got, metrics, ref_col="reference", same_index=True, **options):
    per_pair, corpus = got
    scores, results, summary = single_process(frame, metrics, ref_col, **options)
    assert corpus == summary
    if "rouge" in metrics:
        for t, s in results["rouge"].items():
            assert corpus["rouge"][t] == s.mean()._asdict()
    for m in ("bleu", "chrf", "ter"):
        if m in metrics:
            assert corpus[m]["score"] == results[m].score and corpus[m]["signature"] == str(results[m].signature)
    computed = per_pair.compute()
    assert list(computed.columns) == list(scores.columns)
    assert np.array_equal(computed.to_numpy(), scores.to_numpy())
    assert computed.index.equals(scores.index) or not same_index


def sliced(frame: pd.DataFrame, sizes: list[int]):
    """A Dask DataFrame whose partitions are consecutive slices of these sizes (0 allowed)."""
    starts = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    assert starts[-1] == len(frame)
    return dd.from_map(lambda bounds: frame.iloc[bounds[0]:bounds[1]], list(zip(starts, starts[1:])),
                       meta=frame.iloc[:0], enforce_metadata=False)


@pytest.mark.parametrize("metrics", [["rouge"], ["bleu"], ["chrf"], ALL])
def test_every_metric_equals_single_process(client, pairs, metrics):
    frame = pairs[["prediction", "reference"]]
    check(frame, ngramkit.dask.score(dd.from_pandas(frame, npartitions=5), metrics), metrics)


def test_uneven_and_empty_partitions(client, pairs):
    frame = pairs[["prediction", "reference"]]
    sizes = [0, 1, 137, 2, 0, 255, 105, 0]
    check(frame, ngramkit.dask.score(sliced(frame, sizes), ALL), ALL)


def test_partitions_of_one_pair(client, pairs):
    # numpy's summation tree over 140 rows has leaves 0..63 and 64..139: the first is summed from 64
    # one-pair partitions, the second from 36 of them and a partition of 40
    frame = pairs[["prediction", "reference"]].iloc[:140]
    check(frame, ngramkit.dask.score(sliced(frame, [1] * 100 + [40]), ["rouge", "bleu"]), ["rouge", "bleu"])


def test_several_references_and_options(client, pairs):
    frame = pairs[["prediction", "references"]]
    options = {"rouge_types": ["rouge1", "rougeLsum"]}
    got = ngramkit.dask.score(sliced(frame, [250, 0, 250]), ALL, ref_col="references", **options)
    check(frame, got, ALL, ref_col="references", **options)
    assert got[1]["bleu"]["signature"].startswith("nrefs:3|")


def test_ter_three_references_uneven_partitions_equals_sacrebleu(client, pairs):
    """TER sums the pairs' average reference lengths (thirds here: not exact in binary) left to right,
    as sacrebleu does: the partitioned result equals sacrebleu's corpus TER exactly."""
    from sacrebleu.metrics.ter import TER

    frame = pairs[["prediction", "references"]].iloc[:200]
    got = ngramkit.dask.score(sliced(frame, [0, 7, 93, 1, 99]), ["ter"], ref_col="references")
    check(frame, got, ["ter"], ref_col="references")
    refs = [list(r) for r in frame["references"]]
    theirs = TER().corpus_score(frame["prediction"].tolist(), [list(s) for s in zip(*refs)])
    corpus = got[1]["ter"]
    assert (corpus["score"], corpus["num_edits"], corpus["ref_length"]) == (theirs.score, theirs.num_edits,
                                                                             theirs.ref_length)
    assert corpus["signature"].startswith("nrefs:3|case:lc|tok:tercom|norm:no|punct:yes|asian:no|")


def test_wer_cer_uneven_partitions_equal_jiwer(client, pairs):
    jiwer = pytest.importorskip("jiwer")
    frame = pairs[["prediction", "reference"]].iloc[:300]
    got = ngramkit.dask.score(sliced(frame, [0, 150, 1, 149]), ["wer", "cer"])
    check(frame, got, ["wer", "cer"])
    refs, hyps = frame["reference"].tolist(), frame["prediction"].tolist()
    assert got[1]["wer"]["wer"] == jiwer.wer(refs, hyps) and got[1]["cer"]["wer"] == jiwer.cer(refs, hyps)
    assert got[0]["wer"].compute().tolist() == [jiwer.wer(r, h) for r, h in zip(refs, hyps)]


def test_bag_of_records(client, pairs):
    frame = pairs[["prediction", "references"]]
    bag = db.from_sequence(frame.to_dict("records"), npartitions=6)
    per_pair, corpus = ngramkit.dask.score(bag, ALL, ref_col="references")
    check(frame, (per_pair, corpus), ALL, ref_col="references")


def test_parquet_files_with_token_ids(client, pairs, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    batch, _ = ngramkit.tokenize(pairs["prediction"].tolist() + pairs["reference"].tolist())  # one vocabulary
    rows = batch.to_lists()
    ids = pa.table({"prediction": pa.array(rows[:500], pa.list_(pa.int32())),
                    "reference": pa.array(rows[500:], pa.list_(pa.int32()))})
    for i, (a, b) in enumerate([(0, 120), (120, 121), (121, 500)]):
        pq.write_table(ids.slice(a, b - a), tmp_path / f"part-{i}.parquet", row_group_size=50)
    frame = dd.read_parquet(str(tmp_path), dtype_backend="pyarrow", split_row_groups=True)
    expected = ids.to_pandas(types_mapper=pd.ArrowDtype)
    check(expected, ngramkit.dask.score(frame, ["rouge", "bleu"]), ["rouge", "bleu"], same_index=False)


def test_json_lines_files_several_references(client, pairs, tmp_path):
    import json

    frame = pairs[["prediction", "references"]].assign(references=lambda f: [list(r) for r in f["references"]])
    for i, (a, b) in enumerate([(0, 200), (200, 500)]):
        (tmp_path / f"part-{i}.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in frame.iloc[a:b].to_dict("records")), encoding="utf-8")
    with dask.config.set({"dataframe.convert-string": False}):  # keep the lists (see the README)
        table = dd.read_json(str(tmp_path / "*.jsonl"), lines=True)
        per_pair, corpus = ngramkit.dask.score(table, ALL, ref_col="references")
    check(frame, (per_pair, corpus), ALL, ref_col="references", same_index=False)
    bag = db.read_text(str(tmp_path / "*.jsonl")).map(json.loads)
    assert ngramkit.dask.score(bag, ALL, ref_col="references")[1] == corpus


def test_a_worker_dying_mid_run_changes_nothing(client, pairs, tmp_path):
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import this test file
    frame = pairs[["prediction", "reference"]]
    bounds = [(i, min(i + 50, 500)) for i in range(0, 500, 50)]
    ddf = dd.from_map(_load_once_dying, bounds, frame=frame, marker=str(tmp_path / "loaded"), meta=frame.iloc[:0],
                      enforce_metadata=False)
    pids = set(client.run(os.getpid).values())
    got = ngramkit.dask.score(ddf, ALL)
    assert (tmp_path / "loaded.killed").exists() and set(client.run(os.getpid).values()) != pids  # one restarted
    check(frame, got, ALL)


def _load_once_dying(bounds, frame, marker):
    """Partition loader. Rows 250..300 are loaded twice (row counts, then scoring); the second load
    kills its worker process, once (marker files), after it has scored and held other partitions."""
    if bounds[0] == 250:
        if not os.path.exists(marker):
            open(marker, "w").close()
        elif not os.path.exists(marker + ".killed"):
            import time

            open(marker + ".killed", "w").close()
            time.sleep(0.5)
            os._exit(1)
    return frame.iloc[bounds[0]:bounds[1]]


def test_workers_run_one_kernel_thread_each(client):
    assert client.submit(ngramkit.dask.task_threads, pure=False).result() == 1
    here = Path(ngramkit.__file__).resolve()
    assert all(Path(f).resolve() == here for f in client.run(lambda: __import__("ngramkit").__file__).values())


def test_errors_name_the_argument(pairs):
    frame = dd.from_pandas(pairs[["prediction", "reference"]], npartitions=2)
    with pytest.raises(TypeError, match="frame: expected a dask DataFrame"):
        ngramkit.dask.score(pairs, ["bleu"])
    with pytest.raises(ValueError, match="metrics: unknown 'meteor'"):
        ngramkit.dask.score(frame, ["meteor"])
    with pytest.raises(KeyError, match="hyp_col: no column 'hyp'"):
        ngramkit.dask.score(frame, ["bleu"], hyp_col="hyp")
    with pytest.raises(TypeError, match="ngramkit.dask.score: unknown option 'smooth'"):
        ngramkit.dask.score(frame, ["bleu"], smooth="exp")
    with pytest.raises(ValueError, match="smooth_method"):
        ngramkit.dask.score(frame, ["bleu"], smooth_method="nope")
    bag = db.from_sequence([{"prediction": "a"}], npartitions=1)
    with pytest.raises(KeyError, match="no 'reference'"):
        ngramkit.dask.score(bag, ["bleu"])


def test_lists_turned_into_strings_by_convert_string_are_rejected(pairs):
    """dask's default dataframe.convert-string makes "['ref 1', 'ref 2']" of a list column: scored,
    each would be one reference text. The partition reader refuses it and names the fix; texts that
    merely start with '[' pass."""
    frame = pairs[["prediction", "references"]].iloc[:40].assign(
        references=lambda f: [list(r) for r in f["references"]])
    with dask.config.set({"dataframe.convert-string": True}):
        table = dd.from_pandas(frame, npartitions=2)
        assert str(table["references"].compute().iloc[0]).startswith("['")
        with pytest.raises(ValueError, match="convert-string"):
            ngramkit.dask.score(table, ["bleu"], ref_col="references")
    bracketed = pairs[["prediction", "reference"]].iloc[:10].assign(
        reference=lambda f: ["[" + r + "]" for r in f["reference"]])
    table = dd.from_pandas(bracketed, npartitions=1)
    _, corpus = ngramkit.dask.score(table, ["bleu"])
    assert corpus == single_process(bracketed, ["bleu"])[2]


def test_import_ngramkit_does_not_import_dask():
    code = "import sys, ngramkit; assert not any(m == 'dask' or m.startswith('dask.') for m in sys.modules)"
    src = str(Path(ngramkit.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p))
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_bootstrap_section_equals_the_cli_for_any_partitioning(client, pairs):
    frame = pairs.iloc[:200]
    scorer = StreamScorer(ALL, len(frame), {}, bootstrap=30, seed=9)
    scorer.add(frame["prediction"].tolist(), frame["reference"].tolist())
    want = scorer.summary()
    assert "bootstrap" in want
    for sizes in ([1] * 20 + [180], [37, 0, 100, 63], [200]):
        _, corpus = ngramkit.dask.score(sliced(frame, sizes), ALL, bootstrap=30, seed=9)
        assert corpus == want
    _, other = ngramkit.dask.score(sliced(frame, [200]), ["bleu"], bootstrap=30, seed=10)
    assert other["bootstrap"]["bleu"] != want["bootstrap"]["bleu"]


def test_bootstrap_errors(pairs):
    frame = dd.from_pandas(pairs.iloc[:10], npartitions=2)
    with pytest.raises(ValueError, match="bootstrap"):
        ngramkit.dask.score(frame, ["bleu"], bootstrap=-1)
    with pytest.raises(ValueError, match="seed"):
        ngramkit.dask.score(frame, ["bleu"], bootstrap=2, seed=-1)
    with pytest.raises(ValueError, match="at least one pair"):
        ngramkit.dask.score(dd.from_pandas(pairs.iloc[:0], npartitions=1), ["bleu"], bootstrap=2)
