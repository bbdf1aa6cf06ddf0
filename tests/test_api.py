"""Public API behaviour: TokenBatch constructors, results, tokenize(), CLI, shipped example."""
from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

import ngramkit
from ngramkit import TokenBatch
from ngramkit.cli.main import main as cli_main
from ngramkit.examples import realsumm_bart

rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")


def test_from_padded_pad_id_lengths_and_mask_agree():
    padded = np.array([[5, 6, 7, 0, 0], [0, 0, 8, 9, 9], [1, 0, 2, 0, 0]], dtype=np.int64)
    by_pad = TokenBatch.from_padded(padded, pad_id=0)
    assert by_pad.to_lists() == [[5, 6, 7], [8, 9, 9], [1, 2]]
    by_len = TokenBatch.from_padded(padded, lengths=[3, 5, 1])
    assert by_len.to_lists() == [[5, 6, 7], [0, 0, 8, 9, 9], [1]]
    by_mask = TokenBatch.from_padded(padded, mask=padded != 0)
    assert by_mask == by_pad
    with pytest.raises(ValueError, match="exactly one"):
        TokenBatch.from_padded(padded, pad_id=0, lengths=[1, 1, 1])


def test_from_arrow_is_zero_copy_and_scores_like_lists():
    pa = pytest.importorskip("pyarrow")
    rows = [[1, 2, 3], [], [4, 4, 5, 6]]
    arr = pa.array(rows, type=pa.list_(pa.int32()))
    batch = TokenBatch.from_arrow(arr)
    assert batch.to_lists() == rows
    assert np.shares_memory(batch.ids, np.frombuffer(arr.buffers()[3], dtype=np.int32))
    large = TokenBatch.from_arrow(pa.array(rows, type=pa.large_list(pa.int64())))
    assert large == batch
    r1 = ngramkit.rouge(arr, pa.array([[1, 3], [7], [4, 5]], type=pa.list_(pa.int32())), ["rouge1", "rougeL"])
    r2 = ngramkit.rouge(rows, [[1, 3], [7], [4, 5]], ["rouge1", "rougeL"])
    assert np.array_equal(r1["rougeL"].statistics, r2["rougeL"].statistics)
    assert r1["rouge1"].precision.tolist() == [2 / 3, 0.0, 0.5]  # hand-worked: 2/3 matched, none, 2/4


def test_nested_arrow_references_are_multi_reference():
    pa = pytest.importorskip("pyarrow")
    refs = pa.array([["the cat", "a cat sat"], ["dog"]], type=pa.list_(pa.string()))
    got = ngramkit.rouge(["a cat sat", "dog"], refs, ["rouge1"])
    assert got["rouge1"].fmeasure.tolist() == [1.0, 1.0]
    assert got["rouge1"].reference_index.tolist() == [1, 0]


def test_tokenize_matches_rouge_score_tokens_and_shared_vocabulary():
    from rouge_score import tokenize as rs_tokenize

    texts = ["The Cats RUNNING fast!", "cats running, the end"]
    batch, vocab = ngramkit.tokenize(texts, use_stemmer=True)
    from nltk.stem import porter

    stemmer = porter.PorterStemmer()
    for text, row in zip(texts, batch):
        assert [vocab[i] for i in row] == rs_tokenize.tokenize(text, stemmer)
    assert batch[0][1] == batch[1][0]  # "cats" -> "cat" has one id


def test_result_views_and_pickle():
    result = ngramkit.rouge(["a b c", "d e"], ["a b", "e d f"], ["rouge1", "rougeL"])
    d = result.to_dict()
    assert d["rouge1"]["recall"] == [1.0, 2 / 3]
    assert result.mean()["rouge1"].recall == pytest.approx((1.0 + 2 / 3) / 2)
    frame = result.to_pandas()
    assert list(frame.columns)[:3] == ["rouge1_precision", "rouge1_recall", "rouge1_fmeasure"]
    assert len(frame) == 2
    again = pickle.loads(pickle.dumps(result))
    assert again.to_dict() == d
    assert result["rougeL"].matches.tolist() == [2, 1]
    with pytest.raises(KeyError, match="rouge2"):
        result["rouge2"]


def test_sentence_separator_gives_rougelsum_on_ids():
    texts_pred = ["w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5"]
    texts_ref = ["w1 w2 w3 w4 w5"]
    expected = rouge_scorer.RougeScorer(["rouge1", "rougeLsum"]).score(texts_ref[0], texts_pred[0])
    vocab = {}
    def ids(text):
        return [vocab.setdefault(w, len(vocab)) if w != "\n" else 999 for w in text.replace("\n", " \n ").split(" ")]
    got = ngramkit.rouge([ids(texts_pred[0])], [ids(texts_ref[0])], ["rouge1", "rougeLsum"], sentence_separator=999)
    for name in ("rouge1", "rougeLsum"):
        assert (got[name].precision[0], got[name].recall[0], got[name].fmeasure[0]) == tuple(expected[name])


def test_demo_and_rouge_cli(tmp_path, capsys):
    assert cli_main(["demo"]) == 0
    table = capsys.readouterr().out
    assert table.startswith("25 pairs") and "rougeLsum" in table
    assert cli_main(["demo", "--json", "--bootstrap", "200"]) == 0
    summary = json.loads(capsys.readouterr().out)
    low, high = summary["rouge1"]["bootstrap"]["low"], summary["rouge1"]["bootstrap"]["high"]
    assert low["fmeasure"] < summary["rouge1"]["mean"]["fmeasure"] < high["fmeasure"]
    predictions, references = realsumm_bart()
    assert summary["pairs"] == len(predictions) == 25
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeLsum"])
    expected = np.mean([scorer.score(r, p)["rougeLsum"].fmeasure for p, r in zip(predictions, references)])
    assert summary["rougeLsum"]["mean"]["fmeasure"] == pytest.approx(expected, abs=1e-15)

    pred_file, ref_file = tmp_path / "p.txt", tmp_path / "r.txt"
    pred_file.write_text("the cat sat\nhello there\n", encoding="utf-8")
    ref_file.write_text("the cat sat down\nhello\n", encoding="utf-8")
    assert cli_main(["rouge", "-p", str(pred_file), "-r", str(ref_file), "--per-pair", "--rouge-types", "rouge1"]) == 0
    lines = capsys.readouterr().out.strip().split("\n")
    assert lines[0].split("\t") == ["pair", "rouge1_precision", "rouge1_recall", "rouge1_fmeasure"]
    assert [float(x) for x in lines[1].split("\t")[1:]] == [1.0, 0.75, 2 * 0.75 / 1.75]
    ref_file.write_text("only one line\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        cli_main(["rouge", "-p", str(pred_file), "-r", str(ref_file)])


def test_progress_chunks_give_the_same_statistics(dialogsum):
    pytest.importorskip("tqdm")
    hyp, refs = dialogsum
    references = [[a, b] for a, b in zip(refs[0], refs[1])]
    chunked = ngramkit.rouge(hyp, references, ["rouge2", "rougeLsum"], progress=True, chunk_size=41)
    whole = ngramkit.rouge(hyp, references, ["rouge2", "rougeLsum"])
    for name in ("rouge2", "rougeLsum"):
        assert np.array_equal(chunked[name].statistics, whole[name].statistics)
        assert np.array_equal(chunked[name].reference_index, whole[name].reference_index)
    with pytest.raises(ValueError, match="chunk_size"):
        ngramkit.rouge(hyp, refs[0], progress=True, chunk_size=0)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("kind", ["text", "id lists"])
def test_ctrl_c_interrupts_a_long_call(dialogsum, threads, kind):
    """SIGINT during a long kernel call raises KeyboardInterrupt from inside the call: the kernel
    polls Python's signal handlers between chunks instead of finishing the batch first.

    SIGINT is sent every 50 ms; the handler ignores it unless Python runs it at the kernel call
    (the ``_core.rouge_text(`` line; ``_core.rouge_id_rows(`` for id lists, which are converted
    and scored in one call). The interrupted call must end well before a tenth of the batch
    could have been scored (measured first, same machine, same run): a kernel that did not poll
    would only raise after scoring the whole batch, ten times that long.
    """
    from sigint import interrupt_kernel_call

    hyp, refs = dialogsum
    # 10,000 pairs of 50-sentence summaries: seconds of rougeLsum work
    predictions = ["\n".join(hyp[i % 450 : i % 450 + 50]) for i in range(10_000)]
    references = ["\n".join(refs[0][i % 430 : i % 430 + 50]) for i in range(10_000)]
    options, marker = {}, "_core.rouge_text("
    if kind == "id lists":  # the same summaries as token ids, sentences split by a separator id
        batch, vocabulary = ngramkit.tokenize([s for t in predictions + references for s in t.split("\n")])
        sentences, separator = iter(batch.to_lists()), len(vocabulary)
        rows = [[i for _ in t.split("\n") for i in next(sentences) + [separator]] for t in predictions + references]
        predictions, references = rows[:10_000], rows[10_000:]
        options, marker = {"sentence_separator": separator}, "_core.rouge_id_rows("
    import time

    start = time.perf_counter()
    ngramkit.rouge(predictions[:1000], references[:1000], ["rouge1", "rougeLsum"], threads=threads, **options)
    tenth = time.perf_counter() - start
    interrupted, interrupted_after, handled_in = interrupt_kernel_call(
        lambda: ngramkit.rouge(predictions, references, ["rouge1", "rougeLsum"], threads=threads, **options), marker)
    assert interrupted
    assert len(handled_in) == 1
    assert interrupted_after < tenth, (interrupted_after, tenth)
    assert ngramkit.rouge(hyp[:3], refs[0][:3])["rouge1"].fmeasure.shape == (3,)  # usable afterwards


def test_rouge_results_combine_to_the_all_at_once_result(dialogsum):
    """Chunks (including a one-pair fast-path result) combine into the one-call result bit for bit."""
    hyp, refs = dialogsum
    per_hyp = [list(r) for r in zip(*refs)]
    for references, mode in ((refs[0], "best"), (per_hyp, "best"), (per_hyp, "mean")):
        full = ngramkit.rouge(hyp, references, ["rouge1", "rougeL"], multi_reference=mode)
        parts = [ngramkit.rouge(hyp[a:b], references[a:b], ["rouge1", "rougeL"], multi_reference=mode)
                 for a, b in ((0, 1), (1, 8), (8, 8), (8, 500))]
        combined = parts[0].combine(*parts[1:])
        assert combined.mean() == full.mean()
        for t in ("rouge1", "rougeL"):
            assert combined[t].fmeasure.tolist() == full[t].fmeasure.tolist()
            if full[t].statistics is not None:
                assert combined[t].statistics.tolist() == full[t].statistics.tolist()
        assert str(combined.signature) == str(full.signature)
    with pytest.raises(ValueError, match="combine"):
        full.combine(ngramkit.rouge(hyp[:2], references[:2], ["rouge1"]))
