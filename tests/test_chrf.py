"""ngramkit.chrf / sentence_chrf (the public API over the kernel) against sacrebleu's CHRF:
real data, every option, lowercase, several references, partition and thread invariance, bad input."""
from __future__ import annotations

import sys

import numpy as np
import pytest

import ngramkit
from ngramkit.metrics.chrf import ChrfResult

sacrebleu = pytest.importorskip("sacrebleu")
from sacrebleu.metrics import CHRF  # noqa: E402


def streams(per_hyp):
    return [list(r) for r in zip(*per_hyp)]


@pytest.fixture(scope="module")
def wmt23_ende(shared_data):
    root = shared_data / "wmt23" / "txt"
    ref = (root / "references" / "generaltest2023.en-de.ref.refA.de").read_text(encoding="utf-8").split("\n")[:-1]
    hyp = (root / "system-outputs" / "generaltest2023.en-de.hyp.AIRC.de").read_text(encoding="utf-8").split("\n")[:-1]
    return hyp, ref


@pytest.mark.parametrize("word_order", [0, 2])
@pytest.mark.parametrize("lowercase", [False, True])
def test_dialogsum_three_references(dialogsum, word_order, lowercase):
    hyp, refs = dialogsum
    per_hyp = [list(r) for r in zip(*refs)]
    metric = CHRF(word_order=word_order, lowercase=lowercase)
    ours = ngramkit.chrf(hyp, per_hyp, word_order=word_order, lowercase=lowercase)
    assert ours.score == metric.corpus_score(hyp, refs).score
    assert ours.name == metric.corpus_score(hyp, refs).name
    assert ours.signature.format().rsplit("|", 1)[0] == metric.get_signature().format().rsplit("|", 1)[0]
    sentences = ngramkit.sentence_chrf(hyp[:150], per_hyp[:150], word_order=word_order, lowercase=lowercase)
    assert sentences.tolist() == [metric.sentence_score(h, r).score for h, r in zip(hyp[:150], per_hyp)]


@pytest.mark.parametrize("options", [dict(), dict(word_order=2), dict(beta=3), dict(beta=1.5),
                                     dict(whitespace=True), dict(eps_smoothing=True), dict(char_order=4, word_order=1)])
def test_wmt23_ende_options(wmt23_ende, options):
    hyp, ref = wmt23_ende
    assert ngramkit.chrf(hyp, ref, **options).score == CHRF(**options).corpus_score(hyp, [ref]).score


def test_official_wmt23_chrf_rows(shared_data):
    """The organisers' chrF rows (default chrF2) for every system of the three pairs."""
    import csv

    root = shared_data / "wmt23" / "txt"
    rows = [r for r in csv.DictReader((shared_data / "wmt23" / "scores" / "automatic-scores.tsv").open(), delimiter="\t")
            if r["metric"].startswith("chrf")]
    assert len(rows) == 30
    for row in rows:
        lang = row["pair"].split("-")[1]
        read = lambda p: p.read_text(encoding="utf-8").split("\n")[:-1]  # noqa: E731
        ref = read(root / "references" / f"generaltest2023.{row['pair']}.ref.refA.{lang}")
        hyp = read(root / "system-outputs" / f"generaltest2023.{row['pair']}.hyp.{row['system']}.{lang}")
        assert f"{ngramkit.chrf(hyp, ref).score:.6f}" == f"{float(row['score']):.6f}", row


def test_variable_reference_counts():
    hyps = ["a cat", "the dog", ""]
    refs = [["a cat"], ["the dogs", "a dog", "dog"], ["x", ""]]
    ours = ngramkit.chrf(hyps, refs, word_order=2)
    theirs = CHRF(word_order=2).corpus_score(hyps, [["a cat", "the dogs", "x"], [None, "a dog", ""],
                                                     [None, "dog", None]])
    assert ours.score == theirs.score
    assert ours.signature.info["nrefs"] == "var"
    assert ours.reference_index.tolist()[0] == 0


def test_thread_and_partition_invariance(dialogsum):
    hyp, refs = dialogsum
    per_hyp = [list(r) for r in zip(*refs)]
    base = ngramkit.chrf(hyp, per_hyp, word_order=2, threads=1)
    for threads in (2, 5):
        assert np.array_equal(ngramkit.chrf(hyp, per_hyp, word_order=2, threads=threads).statistics, base.statistics)
    parts = [ngramkit.chrf(hyp[a:b], per_hyp[a:b], word_order=2) for a, b in ((0, 1), (1, 250), (250, 250), (250, 500))]
    combined = parts[0].combine(*parts[1:])
    assert combined.score == base.score
    assert ChrfResult.from_statistics(base.statistics, base.config).score == base.score
    with pytest.raises(ValueError, match="combine"):
        base.combine(ngramkit.chrf(hyp, per_hyp))


def test_chunks_written_in_place(dialogsum, monkeypatch):
    """Texts reach the kernel CHUNK_SIZE predictions at a time, each chunk written into its rows of
    the statistics, score and reference-index arrays: chunks of 7 over 1-3 references a
    hypothesis give sacrebleu's corpus and sentence scores."""
    hyp, refs = dialogsum
    per_hyp = [list(r)[: 1 + i % 3] for i, r in enumerate(zip(*refs))]
    ref_streams = [[group[k] if k < len(group) else None for group in per_hyp] for k in range(3)]
    monkeypatch.setattr(sys.modules["ngramkit.metrics.chrf"], "CHUNK_SIZE", 7)
    ours = ngramkit.chrf(hyp, per_hyp, word_order=2, threads=2)
    assert ours.score == CHRF(word_order=2).corpus_score(hyp, ref_streams).score
    assert ours.signature.info["nrefs"] == "var"
    want = [CHRF(word_order=2).sentence_score(h, group).score for h, group in zip(hyp, per_hyp)]
    assert ngramkit.sentence_chrf(hyp, per_hyp, word_order=2, threads=2).tolist() == want


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(char_order=-1), ValueError, "char_order"),
    (dict(char_order=0, word_order=0), ValueError, "char_order"),
    (dict(word_order=1.0), TypeError, "word_order"),
    (dict(beta="2"), TypeError, "beta"),
    (dict(beta=float("nan")), ValueError, "beta"),
    (dict(threads=0), ValueError, "threads"),
])
def test_bad_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        ngramkit.chrf(["a"], ["a"], **kwargs)


def test_bad_layouts():
    with pytest.raises(TypeError, match="chrF is defined on characters"):
        ngramkit.chrf([[1, 2]], [[1, 2]])
    with pytest.raises(ValueError, match="differ in length"):
        ngramkit.sentence_chrf(["a", "b"], ["a"])
    with pytest.raises(TypeError, match=r"hypotheses\[0\]"):
        ngramkit.chrf([None], ["a"])
