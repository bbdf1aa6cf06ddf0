"""Issue 18, the API half (items 4-10): what an outside tester broke, each defect tested for every
public function and result type it can reach.

* 4, 5: signatures depend on the whole input and options only (chunks, Dask partitions, combine);
  results computed with other options never combine.
* 6: long native statistics calls stop on Ctrl-C.
* 7, 10: inputs that must raise, with messages naming the argument.
* 8: statistics handed in from outside are validated.
* 9: huge sizes fail before anything is allocated, stating the limit.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import ngramkit
from ngramkit import BleuResult, ChrfResult, TokenBatch
from ngramkit.pipelines.streaming import StreamScorer

SRC = str(Path(ngramkit.__file__).resolve().parents[1])
HYP = ["the cat sat on the mat", "a dog ran in the park", "birds fly high", "fish swim deep"]
# one reference for the first two, two for the last two
REFS = [["the cat sat"], ["a dog ran"], ["birds fly", "birds are high"], ["fish swim", "fish are deep"]]


# ---------------------------------------------------------------- 4. signatures of chunks and partitions

def test_rouge_signature_of_chunks_is_that_of_one_call():
    want = ngramkit.rouge(HYP, REFS).signature.format()
    assert "multi:best" in want and "nrefs:var" in want
    for size in (1, 2, 3):
        scorer = StreamScorer(["rouge", "bleu", "chrf"], len(HYP), {})
        for start in range(0, len(HYP), size):
            scorer.add(HYP[start:start + size], REFS[start:start + size])
        summary = scorer.summary()
        assert summary["rouge"]["signature"] == want, size
        assert summary["bleu"]["signature"] == ngramkit.bleu(HYP, REFS).signature.format()
        assert summary["chrf"]["signature"] == ngramkit.chrf(HYP, REFS).signature.format()
        assert scorer.summary() == summary  # asking twice changes nothing


def test_rouge_signature_of_merged_partitions_is_that_of_one_call():
    want = ngramkit.rouge(HYP, REFS, multi_reference="mean").signature.format()
    options = {"rouge": {"multi_reference": "mean"}}
    first, second = StreamScorer(["rouge"], 4, options), StreamScorer(["rouge"], 4, options, first_row=2)
    first.add(HYP[:2], REFS[:2])
    second.add(HYP[2:], REFS[2:])
    assert first.merge(second).summary()["rouge"]["signature"] == want
    assert "multi:mean" in want


def test_empty_chunks_do_not_change_nrefs():
    refs = [r * 2 for r in (["a b"], ["c d"])]  # two references each
    scorer = StreamScorer(["rouge", "bleu"], 2, {})
    scorer.add(["a b"], refs[:1])
    scorer.add([], [])
    scorer.add(["c d"], refs[1:])
    summary = scorer.summary()
    assert summary["rouge"]["signature"].startswith("nrefs:2|")
    assert summary["bleu"]["signature"].startswith("nrefs:2|")


def test_cli_signature_does_not_depend_on_chunk_size(tmp_path, capsys):
    from ngramkit.cli.main import main

    table = tmp_path / "pairs.jsonl"
    table.write_text("".join(json.dumps({"prediction": h, "references": r}) + "\n" for h, r in zip(HYP, REFS)))
    signatures = set()
    for size in ("1", "1000"):
        assert main(["score", "--metrics", "rouge", "--hyp", str(table), "--ref-col", "references",
                     "--chunk-size", size, "--format", "json"]) == 0
        signatures.add(json.loads(capsys.readouterr().out)["rouge"]["signature"])
    assert signatures == {ngramkit.rouge(HYP, REFS).signature.format()}


def test_dask_signature_does_not_depend_on_partitions():
    dask = pytest.importorskip("dask")
    db = pytest.importorskip("dask.bag")
    import ngramkit.dask

    records = [{"prediction": h, "references": r} for h, r in zip(HYP, REFS)]
    with dask.config.set(scheduler="synchronous"):
        for n in (1, 2, 4):
            _, corpus = ngramkit.dask.score(db.from_sequence(records, npartitions=n), ["rouge"], ref_col="references")
            assert corpus["rouge"]["signature"] == ngramkit.rouge(HYP, REFS).signature.format(), n


# ---------------------------------------------------------------- 5. combine

def test_rouge_combine_of_one_and_two_reference_parts_has_the_one_call_signature():
    parts = [ngramkit.rouge(HYP[i:i + 1], REFS[i:i + 1]) for i in range(4)]
    assert parts[0].combine(*parts[1:]).signature == ngramkit.rouge(HYP, REFS).signature
    empty = ngramkit.rouge([], [])
    assert parts[2].combine(empty, parts[3]).signature == ngramkit.rouge(HYP[2:], REFS[2:]).signature


@pytest.mark.parametrize("options, field", [
    ({"use_stemmer": True}, "use_stemmer"),
    ({"tokenize": "13a"}, "tokenize"),
    ({"tokenizer": str.split}, "tokenize"),
    ({"multi_reference": "mean"}, "multi_reference"),
    ({"rouge_types": ["rouge1"]}, "rouge_types"),
    ({"rouge_types": ["rouge1", "rouge2", "rougeL", "rougeLsum"]}, "rouge_types"),
])
def test_rouge_combine_refuses_other_options(options, field):
    base = ngramkit.rouge(HYP, REFS)
    other = ngramkit.rouge(HYP, REFS, **options)
    with pytest.raises(ValueError, match=rf"combine.*{field}"):
        base.combine(other)
    with pytest.raises(ValueError, match=rf"combine.*{field}"):
        other.combine(base)


def test_rouge_combine_refuses_text_with_ids():
    batch, _ = ngramkit.tokenize(["a b", "a c"])
    with pytest.raises(ValueError, match="combine.*tokenize"):
        ngramkit.rouge(["a b"], ["a c"]).combine(ngramkit.rouge(batch.slice(0, 1), batch.slice(1, 2)))


@pytest.mark.parametrize("fn, options, field", [
    (ngramkit.bleu, {"lowercase": True}, "lowercase"),
    (ngramkit.bleu, {"tokenize": "intl"}, "tokenize"),
    (ngramkit.bleu, {"smooth_method": "floor"}, "smooth_method"),
    (ngramkit.bleu, {"effective_order": True}, "effective_order"),
    (ngramkit.chrf, {"word_order": 2}, "word_order"),
    (ngramkit.chrf, {"beta": 1}, "beta"),
    (ngramkit.chrf, {"whitespace": True}, "whitespace"),
])
def test_corpus_combine_names_what_differs(fn, options, field):
    with pytest.raises(ValueError, match=rf"combine.*{field}"):
        fn(HYP, REFS).combine(fn(HYP, REFS, **options))


@pytest.mark.parametrize("fn", [ngramkit.bleu, ngramkit.chrf])
def test_corpus_combine_signature_is_that_of_one_call(fn):
    parts = [fn(HYP[i:i + 1], REFS[i:i + 1]) for i in range(4)] + [fn([], [])]
    combined = parts[0].combine(*parts[1:])
    assert combined.signature == fn(HYP, REFS).signature
    assert combined.score == fn(HYP, REFS).score
    assert fn(HYP[2:], REFS[2:]).combine(fn([], [])).signature == fn(HYP[2:], REFS[2:]).signature


def test_combine_refuses_other_result_types():
    for a, b in ((ngramkit.rouge(HYP, REFS), ngramkit.bleu(HYP, REFS)),
                 (ngramkit.bleu(HYP, REFS), ngramkit.chrf(HYP, REFS)),
                 (ngramkit.chrf(HYP, REFS), ngramkit.rouge(HYP, REFS))):
        with pytest.raises(ValueError, match="combine.*not a"):
            a.combine(b)


def test_chrf_combine_keeps_reference_indices():
    parts = [ngramkit.chrf(HYP[:2], REFS[:2]), ngramkit.chrf(HYP[2:], REFS[2:])]
    assert parts[0].combine(parts[1]).reference_index.tolist() == ngramkit.chrf(HYP, REFS).reference_index.tolist()


# ---------------------------------------------------------------- 6. Ctrl-C in long native calls

_INTERRUPTIBLE = {
    "bootstrap_interval": """
        values = np.random.rand(10**6, 3)
        ready()
        ngramkit.bootstrap_interval(values, n_samples=20000)
    """,
    "aggregate": """
        from ngramkit.metrics.rouge_result import RougeResult, RougeScores
        p, r, f = np.random.rand(3, 10**6)
        result = RougeResult({t: RougeScores(t, p, r, f) for t in ("rouge1", "rouge2")})
        ready()
        result.aggregate(n_samples=20000)
    """,
    "bootstrap_means": """
        from ngramkit.stats.bootstrap import bootstrap_means
        values = np.random.rand(10**6, 3)
        ready()
        bootstrap_means(values, n_samples=20000, threads=2)
    """,
}


@pytest.mark.parametrize("name", sorted(_INTERRUPTIBLE))
def test_long_statistics_calls_stop_on_sigint(name):
    body = textwrap.indent(textwrap.dedent(_INTERRUPTIBLE[name]), "    ")
    script = ("import sys, time\nimport numpy as np\nimport ngramkit\n"
              "def ready():\n    print('ready', flush=True)\n"
              "try:\n" + body + "\n    print('finished', flush=True)\n"
              "except KeyboardInterrupt:\n    print('interrupted', flush=True)\n")
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(1.0)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert out.strip() == "interrupted", err
    assert elapsed < 5, f"took {elapsed:.1f} s to stop after SIGINT"


# ---------------------------------------------------------------- 7. inputs accepted that should not be

def test_tokenize_refuses_a_single_text():
    with pytest.raises(TypeError, match=r"^texts: .*single str"):
        ngramkit.tokenize("abc")


def _generator():
    yield "a b"


BAD_BATCHES = [(lambda: {"a b"}, "set"), (lambda: frozenset({"a b"}), "frozenset"),
               (lambda: {"a b": 1}.keys(), "dict_keys"), (lambda: {"a b": 1}.values(), "dict_values"),
               (lambda: iter(["a b"]), "iterator"), (_generator, "iterator")]
FUNCTIONS = [
    ("rouge", lambda p, r: ngramkit.rouge(p, r), "predictions"),
    ("bleu", lambda p, r: ngramkit.bleu(p, r), "hypotheses"),
    ("sentence_bleu", lambda p, r: ngramkit.sentence_bleu(p, r), "hypotheses"),
    ("chrf", lambda p, r: ngramkit.chrf(p, r), "hypotheses"),
    ("sentence_chrf", lambda p, r: ngramkit.sentence_chrf(p, r), "hypotheses"),
    ("pairwise", lambda p, r: ngramkit.pairwise(p, r), "hypotheses"),
]


@pytest.mark.parametrize("fn_name, fn, argument", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.parametrize("make, what", BAD_BATCHES, ids=[f"{i}-{b[1]}" for i, b in enumerate(BAD_BATCHES)])
def test_unordered_or_one_shot_batches_are_refused(fn_name, fn, argument, make, what):
    with pytest.raises(TypeError, match=rf"^{argument}: .*{what}"):
        fn(make(), ["a b"])
    with pytest.raises(TypeError, match=rf"^references: .*{what}"):
        fn(["a b"], make())


@pytest.mark.parametrize("name", ["rouge", "bleu", "sacrebleu", "chrf"])
@pytest.mark.parametrize("make, what", BAD_BATCHES, ids=[f"{i}-{b[1]}" for i, b in enumerate(BAD_BATCHES)])
def test_evaluate_drop_in_refuses_unordered_batches(name, make, what):
    fn = getattr(_evaluate(), name)
    with pytest.raises(TypeError, match=rf"^predictions: .*{what}"):
        fn(make(), ["a b"])
    with pytest.raises(TypeError, match=rf"^references: .*{what}"):
        fn(["a b"], make())


def test_pairwise_refuses_a_dict():
    with pytest.raises(TypeError, match=r"^hypotheses: .*dict"):
        ngramkit.pairwise({"a b": 1}, ["a b"])
    with pytest.raises(TypeError, match=r"^references: .*dict"):
        ngramkit.pairwise(["a b"], {"a b": 1})


def test_generator_predictions_are_refused():
    with pytest.raises(TypeError, match=r"^predictions: .*iterator"):
        ngramkit.rouge(_generator(), ["a b"])
    with pytest.raises(TypeError, match=r"^texts: .*iterator"):
        ngramkit.tokenize(_generator())


@pytest.mark.parametrize("pad_id", ["x", 0.5, 0.0, [0], True])
def test_from_padded_pad_id_must_be_an_int(pad_id):
    with pytest.raises(TypeError, match=r"^pad_id: "):
        TokenBatch.from_padded(np.array([[1, 2, 0]]), pad_id=pad_id)
    for good in (0, np.int64(0), np.uint8(0)):
        assert TokenBatch.from_padded(np.array([[1, 2, 0]]), pad_id=good).to_lists() == [[1, 2]]


BOOLEAN_OPTIONS = [
    ("use_stemmer", lambda v: ngramkit.rouge(["a"], ["a"], use_stemmer=v)),
    ("use_stemmer", lambda v: ngramkit.rouge(["a", "b"], ["a", "b"], use_stemmer=v)),
    ("split_summaries", lambda v: ngramkit.rouge(["a"], ["a"], split_summaries=v)),
    ("progress", lambda v: ngramkit.rouge(["a"], ["a"], progress=v)),
    ("use_stemmer", lambda v: ngramkit.tokenize(["a"], use_stemmer=v)),
    ("lowercase", lambda v: ngramkit.bleu(["a"], ["a"], lowercase=v)),
    ("effective_order", lambda v: ngramkit.bleu(["a"], ["a"], effective_order=v)),
    ("lowercase", lambda v: ngramkit.sentence_bleu(["a"], ["a"], lowercase=v)),
    ("effective_order", lambda v: ngramkit.sentence_bleu(["a"], ["a"], effective_order=v)),
    ("lowercase", lambda v: ngramkit.chrf(["a"], ["a"], lowercase=v)),
    ("whitespace", lambda v: ngramkit.chrf(["a"], ["a"], whitespace=v)),
    ("eps_smoothing", lambda v: ngramkit.sentence_chrf(["a"], ["a"], eps_smoothing=v)),
    ("use_stemmer", lambda v: ngramkit.pairwise(["a"], ["a"], metric="rouge1", use_stemmer=v)),
    ("lowercase", lambda v: ngramkit.pairwise(["a"], ["a"], metric="chrf", lowercase=v)),
    ("use_stemmer", lambda v: ngramkit.score_table(_table(), ["rouge"], use_stemmer=v)),
    ("lowercase", lambda v: ngramkit.score_table(_table(), ["bleu"], lowercase=v)),
    ("lowercase", lambda v: ngramkit.compare({"A": ["a"], "B": ["b"]}, ["a"], ["bleu"], n_samples=10,
                                             lowercase=v)),
    ("use_stemmer", lambda v: _rouge_scorer()(["rouge1"], use_stemmer=v)),
    ("split_summaries", lambda v: _rouge_scorer()(["rouge1"], split_summaries=v)),
    ("lowercase", lambda v: _sacrebleu().BLEU(lowercase=v)),
    ("effective_order", lambda v: _sacrebleu().BLEU(effective_order=v)),
    ("force", lambda v: _sacrebleu().BLEU(force=v)),
    ("whitespace", lambda v: _sacrebleu().CHRF(whitespace=v)),
    ("remove_whitespace", lambda v: _sacrebleu().corpus_chrf(["a"], [["a"]], remove_whitespace=v)),
    ("use_effective_order", lambda v: _sacrebleu().sentence_bleu("a", ["a"], use_effective_order=v)),
    ("use_stemmer", lambda v: _evaluate().rouge(["a"], ["a"], use_stemmer=v)),
    ("use_aggregator", lambda v: _evaluate().rouge(["a"], ["a"], use_aggregator=v)),
    ("smooth", lambda v: _evaluate().bleu(["a b"], ["a b"], smooth=v)),
    ("use_effective_order", lambda v: _evaluate().sacrebleu(["a"], ["a"], use_effective_order=v)),
    ("force", lambda v: _evaluate().sacrebleu(["a"], ["a"], force=v)),
    ("lowercase", lambda v: _evaluate().chrf(["a"], ["a"], lowercase=v)),
]


def _evaluate():
    from ngramkit.compat import evaluate

    return evaluate


def _table():
    pa = pytest.importorskip("pyarrow")
    return pa.table({"prediction": ["a"], "reference": ["a"]})


def _rouge_scorer():
    from ngramkit.compat.rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer


def _sacrebleu():
    from ngramkit.compat import sacrebleu

    return sacrebleu


BAD_BOOLEANS = [("no", TypeError), ("yes", TypeError), ("", TypeError), (None, TypeError), ([1], TypeError),
                (0.5, TypeError), (1.0, TypeError), (2, ValueError), (-1, ValueError)]


@pytest.mark.parametrize("case", BOOLEAN_OPTIONS, ids=[f"{i}-{c[0]}" for i, c in enumerate(BOOLEAN_OPTIONS)])
def test_boolean_options_take_only_bools_numpy_bools_and_0_1(case):
    name, call = case
    for value, error in BAD_BOOLEANS:
        with pytest.raises(error, match=rf"^(.*: )?{name}: "):
            call(value)
    for value in (True, False, 0, 1, np.True_, np.False_):
        if value and name == "split_summaries":
            continue  # needs NLTK's punkt data
        if value and name == "progress":
            pytest.importorskip("tqdm")
        call(value)


THREADED = [
    lambda t: ngramkit.rouge(["a"], ["a"], threads=t),
    lambda t: ngramkit.rouge(["a", "b"], ["a", "b"], threads=t),
    lambda t: ngramkit.bleu(["a"], ["a"], threads=t),
    lambda t: ngramkit.sentence_bleu(["a"], ["a"], threads=t),
    lambda t: ngramkit.chrf(["a"], ["a"], threads=t),
    lambda t: ngramkit.sentence_chrf(["a"], ["a"], threads=t),
    lambda t: ngramkit.tokenize(["a"], threads=t),
    lambda t: ngramkit.pairwise(["a"], ["a"], threads=t),
    lambda t: ngramkit.bootstrap_interval(np.ones((3, 3)), n_samples=10, threads=t),
    lambda t: ngramkit.compare({"A": ["a"], "B": ["b"]}, ["a"], ["bleu"], n_samples=10, threads=t),
    lambda t: TokenBatch.from_lists([[1]], threads=t),
]


@pytest.mark.parametrize("call", THREADED)
@pytest.mark.parametrize("threads", [1025, 10**9, 2**63])
def test_threads_above_the_documented_maximum_raise(call, threads):
    from ngramkit.ingest.threads import MAX_THREADS

    with pytest.raises(ValueError, match=rf"^threads: .*{MAX_THREADS}"):
        call(threads)


def test_threads_maximum_is_documented():
    from ngramkit.ingest.threads import MAX_THREADS, resolve_threads

    assert str(MAX_THREADS) in resolve_threads.__doc__
    for fn in (ngramkit.rouge, ngramkit.bleu, ngramkit.chrf, ngramkit.compare):
        assert f"at most {MAX_THREADS}" in fn.__doc__, fn.__name__
    assert resolve_threads(MAX_THREADS) == MAX_THREADS


BYTES_CASES = [
    (lambda: ngramkit.rouge([b"a b"], ["a b"]), "predictions[0]"),
    (lambda: ngramkit.rouge(["a b"], [b"a b"]), "references[0]"),
    (lambda: ngramkit.rouge(["a b"], [["a b", b"c"]]), "references[0][1]"),
    (lambda: ngramkit.rouge([b"a b"], ["a b"], use_stemmer=True), "predictions[0]"),
    (lambda: ngramkit.rouge(["a b", b"c"], ["a b", "c"]), "predictions[1]"),
    (lambda: ngramkit.bleu([b"a b"], ["a b"]), "hypotheses[0]"),
    (lambda: ngramkit.bleu(["a b"], [[b"a b"]]), "references[0][0]"),
    (lambda: ngramkit.chrf(np.array([b"ab"]), ["a b"]), "hypotheses[0]"),
    (lambda: ngramkit.sentence_chrf(["a"], [b"a"]), "references[0]"),
    (lambda: ngramkit.tokenize([b"a b"]), "texts[0]"),
]


@pytest.mark.parametrize("call, name", BYTES_CASES, ids=[c[1] + str(i) for i, c in enumerate(BYTES_CASES)])
def test_bytes_say_decode_first(call, name):
    with pytest.raises(TypeError, match="^" + re.escape(name) + ": bytes are not accepted; decode"):
        call()


# ---------------------------------------------------------------- 8. statistics from outside

def _bleu_row(**columns):
    row = np.array([[4, 4, 4, 3, 2, 1, 4, 3, 2, 1]], dtype=np.int64)  # hyp_len, ref_len, correct, total
    for index, value in columns.items():
        row[0, int(index[1:])] = value
    return row


@pytest.mark.parametrize("stats, message", [
    (-np.ones((1, 10), dtype=np.int64), "non-negative"),
    (_bleu_row(c2=9), "correct_n <= total_n"),
    (_bleu_row(c6=9, c2=9), "total_n <= hyp_len"),
    (_bleu_row(c0=-4), "non-negative"),
    (np.full((1, 10), 2**64 - 1, dtype=np.uint64), "int64"),
])
def test_bleu_from_statistics_validates(stats, message):
    with pytest.raises(ValueError, match=rf"^statistics: .*{message}"):
        BleuResult.from_statistics(stats)


def _chrf_row(hyp=3, ref=3, match=2):
    return np.tile(np.array([hyp, ref, match], dtype=np.int64), 6)[None, :]


@pytest.mark.parametrize("stats, message", [
    (-np.ones((1, 18), dtype=np.int64), "non-negative"),
    (_chrf_row(match=5), "match <= hyp"),
    (_chrf_row(hyp=9, match=5), "match <= ref"),
])
def test_chrf_from_statistics_validates(stats, message):
    with pytest.raises(ValueError, match=rf"^statistics: .*{message}"):
        ChrfResult.from_statistics(stats)


def test_from_statistics_checks_config_and_n_references():
    assert BleuResult.from_statistics(_bleu_row()).score == pytest.approx(100.0)
    base = ngramkit.bleu(HYP, REFS)
    assert BleuResult.from_statistics(base.statistics, base.config, base.n_references).score == base.score
    with pytest.raises(TypeError, match=r"^config: "):
        BleuResult.from_statistics(_bleu_row(), ngramkit.chrf(["a"], ["a"]).config)
    for bad in (0, -1, "two", 1.5, True):
        with pytest.raises(ValueError, match=r"^n_references: "):
            BleuResult.from_statistics(_bleu_row(), n_references=bad)


@pytest.mark.parametrize("stats, message", [
    ([[-1, 2, 2]], "non-negative"),
    ([[3, 2, 5]], "hits <= prediction_total"),
    ([[3, 5, 2]], "hits <= reference_total"),
    ([[1.0, 2.0, 2.0]], "integer"),
    ([[1, 2]], "shape"),
    (np.zeros((2, 3, 4), dtype=np.int64), "shape"),
])
def test_rouge_scores_from_statistics_validates(stats, message):
    with pytest.raises(ValueError, match=rf"^statistics: .*{message}"):
        ngramkit.scores_from_statistics(np.asarray(stats))
    p, r, f = ngramkit.scores_from_statistics(np.array([[[1, 2, 4]], [[0, 0, 0]]]))
    assert p.tolist() == [[0.5], [0.0]] and r.tolist() == [[0.25], [0.0]]


# ---------------------------------------------------------------- 9. huge sizes

HUGE = [10**12, 2**63, 2**64 + 1]


@pytest.mark.parametrize("n", HUGE)
@pytest.mark.parametrize("call", [
    lambda n: ngramkit.bootstrap_interval(np.random.rand(10, 3), n_samples=n),
    lambda n: ngramkit.bootstrap_interval(np.random.rand(10, 3), n_samples=n, method="rouge_score"),
    lambda n: _bootstrap_means(np.random.rand(10, 3), n_samples=n),
    lambda n: ngramkit.rouge(HYP, REFS).aggregate(n_samples=n),
    lambda n: ngramkit.compare({"A": HYP, "B": HYP[::-1]}, [r[0] for r in REFS], ["bleu"], n_samples=n),
    lambda n: ngramkit.compare({"A": HYP, "B": HYP[::-1]}, [r[0] for r in REFS], ["bleu"], test="ar", n_samples=n),
    lambda n: _rouge_scoring().BootstrapAggregator(n_samples=n),
    lambda n: _sacrebleu().BLEU().corpus_score(HYP, [[r[0] for r in REFS]], n_bootstrap=n),
], ids=["interval", "interval_rouge_score", "means", "aggregate", "compare_bs", "compare_ar", "aggregator",
        "sacrebleu_n_bootstrap"])
def test_huge_resample_counts_state_the_limit(call, n):
    from ngramkit.ingest.arguments import MAX_RESAMPLES

    with pytest.raises(ValueError, match=rf"^n_(samples|bootstrap): .*{MAX_RESAMPLES:,}"):
        call(n)


@pytest.mark.parametrize("n", HUGE)
def test_huge_stream_bootstrap_states_the_limit(n):
    from ngramkit.ingest.arguments import MAX_RESAMPLES

    with pytest.raises(ValueError, match=rf"^bootstrap: at most {MAX_RESAMPLES:,}"):
        StreamScorer(["bleu"], 4, {}, bootstrap=n)


def test_cli_huge_bootstrap_is_a_usage_error(tmp_path, capsys):
    from ngramkit.cli.main import main

    (tmp_path / "h.txt").write_text("a b\n")
    (tmp_path / "r.txt").write_text("a b\n")
    try:
        code = main(["score", "--hyp", str(tmp_path / "h.txt"), "--ref", str(tmp_path / "r.txt"),
                     "--bootstrap", "1000000000000"])
    except SystemExit as exit:
        code = exit.code
    err = capsys.readouterr().err
    assert code == 2 and "bootstrap" in err and "Traceback" not in err and "MemoryError" not in err


def _bootstrap_means(*args, **kwargs):
    from ngramkit.stats.bootstrap import bootstrap_means

    return bootstrap_means(*args, **kwargs)


def _rouge_scoring():
    from ngramkit.compat.rouge_score import scoring

    return scoring


# ---------------------------------------------------------------- 10. messages that name the argument

def test_token_batch_none_names_the_argument():
    with pytest.raises(TypeError, match=r"^TokenBatch\.ids: "):
        TokenBatch(None, [0, 0])
    with pytest.raises(TypeError, match=r"^TokenBatch\.offsets: "):
        TokenBatch([1, 2], None)
    with pytest.raises(TypeError, match=r"^TokenBatch\.ids: "):
        TokenBatch(5, [0, 0])
    with pytest.raises(ValueError, match=r"^TokenBatch\.ids: "):
        TokenBatch([[1, 2]], [0, 1])


def test_tokenize_none_names_the_argument():
    with pytest.raises(TypeError, match=r"^texts: "):
        ngramkit.tokenize(None)


@pytest.mark.parametrize("start, stop", [(2, 0), (0, 5), (-1, 1), (1, 0), (3, 3)])
def test_token_batch_slice_out_of_range_raises(start, stop):
    batch = TokenBatch([1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match=r"^start, stop: "):
        batch.slice(start, stop)


def test_token_batch_slice_in_range_works():
    batch = TokenBatch([1, 2], [0, 1, 2])
    assert batch.slice(1, 2).to_lists() == [[2]] and len(batch.slice(2, 2)) == 0
    with pytest.raises(TypeError, match=r"^start: "):
        batch.slice(0.5, 1)


@pytest.mark.parametrize("tokenizer", [5, "split", [str.split], object()])
def test_tokenizer_not_callable_names_the_argument(tokenizer):
    with pytest.raises(TypeError, match=r"^tokenizer: "):
        ngramkit.rouge(["a"], ["a"], tokenizer=tokenizer)
    with pytest.raises(TypeError, match=r"^tokenizer: "):
        _rouge_scorer()(["rouge1"], tokenizer=tokenizer)


@pytest.mark.parametrize("sep", [1.5, "\n", [3]])
def test_sentence_separator_wrong_type_is_type_error(sep):
    with pytest.raises(TypeError, match=r"^sentence_separator: "):
        ngramkit.rouge([[1, 3, 2]], [[1, 2]], sentence_separator=sep)
