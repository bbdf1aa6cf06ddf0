"""score_table / dataset_scorer on pyarrow, pandas, polars and HF datasets equal the list path."""
from __future__ import annotations

import numpy as np
import pytest

import ngramkit
from ngramkit.pipelines.tables import score_columns

pa = pytest.importorskip("pyarrow")


@pytest.fixture(scope="module")
def pairs(dialogsum):
    hyp, refs = dialogsum
    return hyp, [list(g) for g in zip(*refs)]


@pytest.fixture(scope="module")
def want(pairs):
    return score_columns(*pairs)


def check(columns: dict, results: dict, want) -> None:
    want_columns, want_results = want
    assert list(columns) == list(want_columns)
    for name, values in columns.items():
        assert np.asarray(values).tolist() == want_columns[name].tolist(), name
    assert results["bleu"].to_dict() == want_results["bleu"].to_dict()
    assert results["chrf"].to_dict() == want_results["chrf"].to_dict()
    assert results["rouge"].mean() == want_results["rouge"].mean()


def test_list_path_equals_api(pairs, want):
    hyp, refs = pairs
    columns, results = want
    assert columns["rougeL_fmeasure"].tolist() == ngramkit.rouge(hyp, refs)["rougeL"].fmeasure.tolist()
    assert columns["bleu"].tolist() == ngramkit.sentence_bleu(hyp, refs).tolist()
    assert columns["chrf"].tolist() == ngramkit.sentence_chrf(hyp, refs).tolist()
    assert results["bleu"].score == ngramkit.bleu(hyp, refs).score


def test_arrow_table_and_record_batch(pairs, want):
    hyp, refs = pairs
    table = pa.table({"prediction": hyp, "reference": refs})
    scores, results = ngramkit.score_table(table)
    assert isinstance(scores, pa.Table) and scores.num_rows == len(hyp)
    check(scores.to_pydict(), results, want)
    batch = table.to_batches()[0]
    scores, results = ngramkit.score_table(batch)
    assert isinstance(scores, pa.RecordBatch)
    check(scores.to_pydict(), results, want)


def test_chunks_combine_to_the_whole(pairs, want):
    hyp, refs = pairs
    table = pa.table({"prediction": hyp, "reference": refs})
    parts = [ngramkit.score_table(table.slice(i, 100)).results for i in range(0, len(hyp), 100)]
    assert parts[0]["bleu"].combine(*(p["bleu"] for p in parts[1:])).score == want[1]["bleu"].score
    assert parts[0]["chrf"].combine(*(p["chrf"] for p in parts[1:])).score == want[1]["chrf"].score


def test_token_id_columns_zero_copy(pairs):
    hyp, refs = pairs
    batch, _ = ngramkit.tokenize(hyp + [r[0] for r in refs])
    ids = batch.to_lists()
    h_ids, r_ids = ids[: len(hyp)], ids[len(hyp):]
    table = pa.table({"p": pa.array(h_ids, pa.list_(pa.int32())), "r": pa.array(r_ids, pa.list_(pa.int32()))})
    scores, results = ngramkit.score_table(table, metrics=("rouge", "bleu"), hyp_col="p", ref_col="r")
    want = ngramkit.rouge(h_ids, r_ids)
    assert scores["rouge2_fmeasure"].to_pylist() == want["rouge2"].fmeasure.tolist()
    assert results["bleu"].score == ngramkit.bleu(h_ids, r_ids).score
    column = table.column("p").combine_chunks()
    assert np.shares_memory(ngramkit.TokenBatch.from_arrow(column).ids,
                            column.values.to_numpy(zero_copy_only=True))


def test_pandas(pairs, want):
    pd = pytest.importorskip("pandas")
    hyp, refs = pairs
    frame = pd.DataFrame({"pred": hyp, "refs": refs}, index=np.arange(len(hyp)) * 2)
    scores, results = ngramkit.score_table(frame, hyp_col="pred", ref_col="refs")
    assert isinstance(scores, pd.DataFrame) and (scores.index == frame.index).all()
    check({k: scores[k].to_numpy() for k in scores.columns}, results, want)


def test_polars(pairs, want):
    pl = pytest.importorskip("polars")
    hyp, refs = pairs
    scores, results = ngramkit.score_table(pl.DataFrame({"prediction": hyp, "reference": refs}))
    assert isinstance(scores, pl.DataFrame)
    check({k: scores[k].to_numpy() for k in scores.columns}, results, want)


def test_hf_datasets_map(pairs, want, tmp_path):
    datasets = pytest.importorskip("datasets")
    import json

    hyp, refs = pairs
    path = tmp_path / "d.jsonl"
    path.write_text("".join(json.dumps({"prediction": h, "reference": r}) + "\n" for h, r in zip(hyp, refs)))
    ds = datasets.load_dataset("json", data_files=str(path), split="train", cache_dir=str(tmp_path / "cache"))
    ds = ds.map(ngramkit.dataset_scorer(), batched=True, batch_size=128)
    assert ds.column_names[:2] == ["prediction", "reference"]
    for name, values in want[0].items():
        assert ds[name] == values.tolist(), name


def test_errors():
    table = pa.table({"prediction": ["a"], "reference": ["a"]})
    with pytest.raises(KeyError, match="no column 'ref'"):
        ngramkit.score_table(table, ref_col="ref")
    with pytest.raises(ValueError, match="meteor"):
        ngramkit.score_table(table, metrics=("meteor",))
    with pytest.raises(TypeError, match="unknown option 'smoth_method'"):
        ngramkit.score_table(table, smoth_method="exp")
    with pytest.raises(TypeError, match="DataFrame"):
        ngramkit.score_table({"prediction": ["a"]})
    with pytest.raises(KeyError, match="no column 'x'"):
        ngramkit.dataset_scorer(hyp_col="x")({"prediction": ["a"], "reference": ["a"]})
