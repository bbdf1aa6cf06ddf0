"""WER and CER where the other metrics are: score_table, the streaming scorer (any chunk size),
Dask, ``ngramkit score`` and ``ngramkit compare`` — every number from jiwer itself."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import read_lines

import ngramkit
from ngramkit.pipelines.streaming import StreamScorer

jiwer = pytest.importorskip("jiwer")


@pytest.fixture(scope="module")
def dialogsum_pairs(shared_data):
    d = shared_data / "dialogsum"
    return read_lines(d / "bart_baseline.test.hyp.txt")[:200], read_lines(d / "test.ref1.txt")[:200]


def _jiwer_summary(refs, hyps, characters=False):
    """jiwer's corpus numbers (its character output has the rate and the counts only)."""
    out = (jiwer.process_characters if characters else jiwer.process_words)(refs, hyps)
    rates = {"wer": out.cer} if characters else {"wer": out.wer, "mer": out.mer, "wil": out.wil, "wip": out.wip}
    return {**rates, "hits": out.hits, "substitutions": out.substitutions, "deletions": out.deletions,
            "insertions": out.insertions}


def test_score_table_columns(dialogsum_pairs):
    pd = pytest.importorskip("pandas")
    hyp, ref = dialogsum_pairs
    scores, results = ngramkit.score_table(pd.DataFrame({"prediction": hyp, "reference": ref}), ("wer", "cer"))
    assert scores["wer"].tolist() == [jiwer.wer(r, h) for r, h in zip(ref, hyp)]
    assert scores["cer"].tolist() == [jiwer.cer(r, h) for r, h in zip(ref, hyp)]
    assert results["wer"].wer == jiwer.wer(ref, hyp) and results["cer"].cer == jiwer.cer(ref, hyp)


@pytest.mark.parametrize("chunk", [1, 33, 200])
def test_streaming_any_chunk_size(dialogsum_pairs, chunk):
    hyp, ref = dialogsum_pairs
    scorer = StreamScorer(["wer", "cer"], len(hyp), {}, per_pair=True)
    parts = [scorer.add(hyp[i:i + chunk], ref[i:i + chunk]) for i in range(0, len(hyp), chunk)]
    summary = scorer.summary()
    for metric, characters in (("wer", False), ("cer", True)):
        expected = _jiwer_summary(ref, hyp, characters)
        assert {k: summary[metric][k] for k in expected} == expected
    assert np.concatenate([p["wer"] for p in parts]).tolist() == [jiwer.wer(r, h) for r, h in zip(ref, hyp)]


def test_cli_score_json_and_compare(tmp_path, dialogsum_pairs):
    hyp, ref = dialogsum_pairs
    (tmp_path / "h.txt").write_text("\n".join(hyp) + "\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text("\n".join(ref) + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("\n".join(ref[1:] + ref[:1]) + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "ngramkit", "score", "--metrics", "wer,cer", "--hyp", "h.txt",
                          "--ref", "r.txt", "--format", "json", "-q", "--chunk-size", "17"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["wer"]["wer"] == jiwer.wer(ref, hyp) and summary["cer"]["wer"] == jiwer.cer(ref, hyp)
    out = subprocess.run([sys.executable, "-m", "ngramkit", "compare", "--metrics", "wer", "--ref", "r.txt",
                          "b.txt", "h.txt", "--n-samples", "50"], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "WER (lower is better)" in out.stdout and f"{jiwer.wer(ref, hyp):.2f}" in out.stdout


def test_compare_rows_and_resamples(dialogsum_pairs):
    hyp, ref = dialogsum_pairs
    systems = {"shifted": ref[1:] + ref[:1], "model": hyp}
    result = ngramkit.compare(systems, ref, metrics=("wer", "cer"), n_samples=100)
    assert result.lower_is_better == ["WER", "CER"]
    assert result.row("model", "WER")["score"] == jiwer.wer(ref, hyp)
    assert result.row("model", "CER")["score"] == jiwer.cer(ref, hyp)
    assert 0 < result.row("model", "WER")["p_value"] <= 1


def test_evaluate_wer_cer_drop_ins(dialogsum_pairs):
    """evaluate's wer / cer scripts on jiwer 4: concatenate_texts gives jiwer's corpus rate, the
    default sums each pair's counts (computed here with jiwer, as the scripts do)."""
    from ngramkit.compat import evaluate

    hyp, ref = dialogsum_pairs
    for ours, process, rate in ((evaluate.wer, jiwer.process_words, "wer"),
                                (evaluate.cer, jiwer.process_characters, "cer")):
        assert ours(hyp, ref, concatenate_texts=True) == getattr(process(ref, hyp), rate)
        incorrect = total = 0
        for h, r in zip(hyp, ref):
            m = process(r, h)
            incorrect += m.substitutions + m.deletions + m.insertions
            total += m.substitutions + m.deletions + m.hits
        assert ours(hyp, ref) == incorrect / total
    assert evaluate.wer(["this is the prediction", "there is an other sample"],
                        ["this is the reference", "there is another one"]) == 0.5  # the script's docstring
    assert evaluate.cer(["this is the prediction", "there is an other sample"],
                        ["this is the reference", "there is another one"]) == 0.34146341463414637
    with pytest.raises(ZeroDivisionError, match="references"):
        evaluate.wer(["a"], [""])
    with pytest.raises(TypeError, match="concatenate_texts"):
        evaluate.cer(["a"], ["a"], concatenate_texts="yes")
