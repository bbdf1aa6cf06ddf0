"""TER where the other metrics are: score_table / dataset_scorer, the streaming scorer (any chunk
size), ``ngramkit score`` and ``ngramkit compare`` — every number from sacrebleu itself."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import read_lines

import ngramkit
from ngramkit.pipelines.streaming import StreamScorer

sacrebleu = pytest.importorskip("sacrebleu")
from sacrebleu.metrics.ter import TER  # noqa: E402


@pytest.fixture(scope="module")
def dialogsum_three_refs(shared_data):
    d = shared_data / "dialogsum"
    hyp = read_lines(d / "bart_baseline.test.hyp.txt")[:150]
    refs = [read_lines(d / f"test.ref{k}.txt")[:150] for k in (1, 2, 3)]
    return hyp, refs


def test_score_table_columns_and_result(dialogsum_three_refs):
    pd = pytest.importorskip("pandas")
    hyp, refs = dialogsum_three_refs
    frame = pd.DataFrame({"prediction": hyp, "reference": refs[0]})
    scores, results = ngramkit.score_table(frame, metrics=("ter",), normalized=True)
    metric = TER(normalized=True)
    assert scores["ter"].tolist() == [metric.sentence_score(h, [r]).score for h, r in zip(hyp, refs[0])]
    theirs = metric.corpus_score(hyp, [refs[0]])
    assert (results["ter"].score, results["ter"].num_edits) == (theirs.score, theirs.num_edits)
    assert "ter" not in ngramkit.score_table(frame).scores  # not a default metric


def test_dataset_scorer_adds_a_ter_column(dialogsum_three_refs):
    hyp, refs = dialogsum_three_refs
    column = ngramkit.dataset_scorer(("ter",), prefix="m_")({"prediction": hyp[:20], "reference": refs[1][:20]})
    assert column["m_ter"] == [TER().sentence_score(h, [r]).score for h, r in zip(hyp[:20], refs[1][:20])]


@pytest.mark.parametrize("chunk", [1, 7, 150])
def test_streaming_any_chunk_size_equals_sacrebleu_with_three_references(dialogsum_three_refs, chunk):
    hyp, refs = dialogsum_three_refs
    per_hyp = [list(r) for r in zip(*refs)]
    scorer = StreamScorer(["ter"], len(hyp), {"ter": {"no_punct": True}}, per_pair=True)
    columns = [scorer.add(hyp[i:i + chunk], per_hyp[i:i + chunk])["ter"] for i in range(0, len(hyp), chunk)]
    metric = TER(no_punct=True)
    theirs = metric.corpus_score(hyp, refs)
    summary = scorer.summary()["ter"]
    assert (summary["score"], summary["num_edits"], summary["ref_length"]) == (theirs.score, theirs.num_edits,
                                                                              theirs.ref_length)
    assert summary["signature"].startswith("nrefs:3|case:lc|tok:tercom|norm:no|punct:no|asian:no|")
    assert np.concatenate(columns).tolist() == [metric.sentence_score(h, r).score for h, r in zip(hyp, per_hyp)]


def test_streaming_refuses_a_ter_bootstrap():
    with pytest.raises(ValueError, match="bootstrap"):
        StreamScorer(["bleu", "ter"], 1, {}, bootstrap=10)


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "ngramkit", *args], cwd=cwd, capture_output=True, text=True)


def test_cli_score_and_per_pair(tmp_path, dialogsum_three_refs):
    hyp, refs = dialogsum_three_refs
    for name, lines in (("h.txt", hyp), ("r1.txt", refs[0]), ("r2.txt", refs[1])):
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = _cli("score", "--metrics", "ter", "--ter-normalized", "--ter-case-sensitive", "--hyp", "h.txt",
               "--ref", "r1.txt", "--ref", "r2.txt", "--chunk-size", "13", "--format", "json", "-q",
               "--per-pair", "pp.tsv", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)["ter"]
    metric = TER(normalized=True, case_sensitive=True)
    theirs = metric.corpus_score(hyp, refs[:2])
    assert (summary["score"], summary["num_edits"], summary["ref_length"]) == (theirs.score, theirs.num_edits,
                                                                              theirs.ref_length)
    rows = (tmp_path / "pp.tsv").read_text().splitlines()
    assert rows[0].split("\t") == ["pair", "ter"]
    expected = [metric.sentence_score(h, [a, b]).score for h, a, b in zip(hyp, refs[0], refs[1])]
    assert [float(r.split("\t")[1]) for r in rows[1:]] == expected


def test_cli_compare_says_lower_is_better(tmp_path, dialogsum_three_refs):
    hyp, refs = dialogsum_three_refs
    for name, lines in (("base.txt", refs[2]), ("model.txt", hyp), ("ref.txt", refs[0])):
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = _cli("compare", "--metrics", "ter", "--ref", "ref.txt", "base.txt", "model.txt", "--n-samples", "100",
               cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "TER (lower is better)" in out.stdout
    assert f"{TER().corpus_score(hyp, [refs[0]]).score:.2f}" in out.stdout
