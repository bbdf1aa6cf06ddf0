"""`ngramkit score` as a subprocess on DialogSum: equal to the Python API, to sacrebleu and rouge-score,
whatever the chunk size; per-pair files complete; every user error one line, exit 2."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import assert_cli_error

import ngramkit

# the subprocess imports the same ngramkit as this test (a checkout's src/ or the installed one)
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([os.path.dirname(os.path.dirname(ngramkit.__file__)),
                                                    os.environ.get("PYTHONPATH", "")])}
DIALOGSUM_FILES = ["bart_baseline.test.hyp.txt", "test.ref1.txt", "test.ref2.txt", "test.ref3.txt"]


def run(*args, cwd, stdin=None):
    return subprocess.run([sys.executable, "-m", "ngramkit", *args], cwd=cwd, capture_output=True, text=True,
                          input=stdin, env=ENV)


def score_json(*args, cwd, stdin=None) -> dict:
    done = run("score", *args, "--format", "json", cwd=cwd, stdin=stdin)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def data(shared_data, tmp_path_factory):
    """DialogSum test files copied to a temporary directory (hyp.txt, ref1..3.txt)."""
    d = tmp_path_factory.mktemp("dialogsum")
    src = shared_data / "dialogsum"
    for name, target in zip(DIALOGSUM_FILES, ["hyp.txt", "ref1.txt", "ref2.txt", "ref3.txt"]):
        (d / target).write_bytes((src / name).read_bytes())
    return d


def lines(path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    out = text.split("\n")
    return out[:-1] if text.endswith("\n") else out


def expected(hyps, refs, rouge_types=("rouge1", "rouge2", "rougeL")) -> dict:
    r = ngramkit.rouge(hyps, refs, list(rouge_types))
    rouge = {t: r[t].mean()._asdict() for t in rouge_types}
    rouge["signature"] = r.signature.format()
    chrf = ngramkit.chrf(hyps, refs)
    return {"pairs": len(hyps), "rouge": rouge, "bleu": ngramkit.bleu(hyps, refs).to_dict(),
            "chrf": {"name": chrf.name, **chrf.to_dict()}}


@pytest.mark.parametrize("chunk", [None, "7", "1"])
def test_json_equals_api_for_every_chunk_size(data, chunk):
    hyps, refs = lines(data / "hyp.txt"), lines(data / "ref1.txt")
    args = ["--hyp", "hyp.txt", "--ref", "ref1.txt"] + (["--chunk-size", chunk] if chunk else [])
    assert score_json(*args, cwd=data) == expected(hyps, refs)


@pytest.mark.parametrize("chunk", [None, "7"])
def test_three_references_equal_api(data, chunk):
    hyps = lines(data / "hyp.txt")
    refs = [list(g) for g in zip(*(lines(data / f"ref{k}.txt") for k in (1, 2, 3)))]
    args = ["--hyp", "hyp.txt", "--ref", "ref1.txt", "--ref", "ref2.txt", "--ref", "ref3.txt"]
    got = score_json(*args, *(["--chunk-size", chunk] if chunk else []), cwd=data)
    assert got == expected(hyps, refs)
    assert got["bleu"]["signature"].startswith("nrefs:3|")


def test_equals_reference_packages(data):
    sacrebleu = pytest.importorskip("sacrebleu")
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    hyps, refs = lines(data / "hyp.txt"), lines(data / "ref1.txt")
    got = score_json("--hyp", "hyp.txt", "--ref", "ref1.txt", "--rouge-types", "rouge1,rougeL", "--use-stemmer",
                     "--word-order", "2", cwd=data)
    assert got["bleu"]["score"] == sacrebleu.corpus_bleu(hyps, [refs]).score
    assert got["chrf"]["score"] == sacrebleu.corpus_chrf(hyps, [refs], word_order=2).score
    assert got["chrf"]["name"] == "chrF2++"
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"], use_stemmer=True)
    scores = [scorer.score(r, h) for h, r in zip(hyps, refs)]
    for t in ("rouge1", "rougeL"):
        assert got["rouge"][t]["fmeasure"] == float(np.mean([s[t].fmeasure for s in scores]))


def test_options_reach_the_metrics(data):
    hyps, refs = lines(data / "hyp.txt"), lines(data / "ref1.txt")
    got = score_json("--metrics", "bleu,chrf", "--hyp", "hyp.txt", "--ref", "ref1.txt", "--tokenize", "intl",
                     "--smooth-method", "add-k", "--smooth-value", "2", "--lowercase", "--max-ngram-order", "3",
                     "--char-order", "4", "--beta", "1", "--chrf-whitespace", "--threads", "2", cwd=data)
    assert set(got) == {"pairs", "bleu", "chrf"}
    assert got["bleu"] == ngramkit.bleu(hyps, refs, tokenize="intl", smooth_method="add-k", smooth_value=2,
                                        lowercase=True, max_ngram_order=3).to_dict()
    assert got["chrf"]["score"] == ngramkit.chrf(hyps, refs, char_order=4, beta=1, lowercase=True,
                                                 whitespace=True).score


@pytest.mark.parametrize("suffix", [".tsv", ".jsonl", ".parquet"])
def test_per_pair_file(data, tmp_path, suffix):
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    hyps, refs = lines(data / "hyp.txt"), lines(data / "ref1.txt")
    out = tmp_path / f"scores{suffix}"
    done = run("score", "--hyp", "hyp.txt", "--ref", "ref1.txt", "--chunk-size", "64", "--per-pair", str(out),
               "--rouge-types", "rouge2,rougeLsum", cwd=data)
    assert done.returncode == 0, done.stderr
    if suffix == ".tsv":
        rows = [line.split("\t") for line in out.read_text().splitlines()]
        table = {name: [float(r[i]) for r in rows[1:]] for i, name in enumerate(rows[0])}
    elif suffix == ".jsonl":
        records = [json.loads(line) for line in out.read_text().splitlines()]
        table = {k: [r[k] for r in records] for k in records[0]}
    else:
        import pyarrow.parquet as pq

        table = pq.read_table(out).to_pydict()
    assert table["pair"] == list(range(500))
    r = ngramkit.rouge(hyps, refs, ["rouge2", "rougeLsum"])
    assert table["rouge2_fmeasure"] == r["rouge2"].fmeasure.tolist()
    assert table["rougeLsum_recall"] == r["rougeLsum"].recall.tolist()
    assert table["bleu"] == ngramkit.sentence_bleu(hyps, refs).tolist()
    assert table["chrf"] == ngramkit.sentence_chrf(hyps, refs).tolist()
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_compressed_and_stdin(data, tmp_path):
    want = score_json("--hyp", "hyp.txt", "--ref", "ref1.txt", "--metrics", "rouge,bleu", cwd=data)
    (tmp_path / "hyp.txt.gz").write_bytes(gzip.compress((data / "hyp.txt").read_bytes()))
    assert score_json("--hyp", str(tmp_path / "hyp.txt.gz"), "--ref", "ref1.txt", "--metrics", "rouge,bleu",
                      cwd=data) == want
    stdin = (data / "hyp.txt").read_text(encoding="utf-8")
    assert score_json("--hyp", "-", "--ref", "ref1.txt", "--metrics", "rouge,bleu", cwd=data, stdin=stdin) == want
    try:
        import zstandard
    except ImportError:
        (tmp_path / "x.zst").write_bytes(b"")
        done = run("score", "--hyp", str(tmp_path / "x.zst"), "--ref", "ref1.txt", cwd=data)
        assert done.returncode == 2 and "zstandard" in done.stderr
    else:
        (tmp_path / "hyp.txt.zst").write_bytes(zstandard.ZstdCompressor().compress((data / "hyp.txt").read_bytes()))
        assert score_json("--hyp", str(tmp_path / "hyp.txt.zst"), "--ref", "ref1.txt", "--metrics", "rouge,bleu",
                          cwd=data) == want


def test_example_version_help(tmp_path):
    hyps, refs = ngramkit.examples.realsumm_bart()
    assert score_json("--example", cwd=tmp_path) == expected(hyps, refs)
    done = run("score", "--example", cwd=tmp_path)
    assert done.returncode == 0 and "25 pairs" in done.stdout and "BLEU = " in done.stdout and done.stderr == ""
    assert run("--version", cwd=tmp_path).stdout.strip() == f"ngramkit {ngramkit.__version__}"
    help_text = run("score", "--help", cwd=tmp_path).stdout
    assert "a lone \\r is text" in help_text and "examples:" in help_text


def test_empty_files(tmp_path):
    (tmp_path / "e.txt").write_text("")
    got = score_json("--hyp", "e.txt", "--ref", "e.txt", "--per-pair", "e.jsonl", cwd=tmp_path)
    assert got["pairs"] == 0 and got["rouge"]["rouge1"]["fmeasure"] == 0.0 and got["bleu"]["score"] == 0.0
    assert (tmp_path / "e.jsonl").read_text() == ""
    pq = pytest.importorskip("pyarrow.parquet")
    score_json("--hyp", "e.txt", "--ref", "e.txt", "--per-pair", "e.parquet", cwd=tmp_path)
    assert pq.read_table(tmp_path / "e.parquet").num_rows == 0


@pytest.fixture
def bad(tmp_path):
    (tmp_path / "p.txt").write_text("a b\nc d\ne f\n")
    (tmp_path / "r.txt").write_text("a c\nc d\ne\n")
    (tmp_path / "short.txt").write_text("a c\n")
    (tmp_path / "bad.txt").write_bytes(b"fine\n\xff\xfe\nok\n")
    (tmp_path / "t.jsonl").write_text('{"prediction": "a b", "reference": "a c"}\n')
    (tmp_path / "broken.gz").write_bytes(b"not gzip at all")
    return tmp_path


ERRORS = [
    (["--hyp", "p.txt", "--ref", "short.txt"], "short.txt has 1 lines but p.txt has 3"),
    (["--hyp", "missing.txt", "--ref", "r.txt"], "missing.txt: cannot read"),
    (["--hyp", ".", "--ref", "r.txt"], ".: is a directory"),
    (["--hyp", "bad.txt", "--ref", "r.txt"], "bad.txt: line 2: not valid UTF-8"),
    (["--hyp", "broken.gz", "--ref", "r.txt"], "broken.gz: not a valid compressed file"),
    (["--hyp", "p.txt", "--ref", "r.txt", "--metrics", "rouge,meteor"], "--metrics: unknown metric 'meteor'"),
    (["--hyp", "p.txt", "--ref", "r.txt", "--smooth-method", "bogus"], "bogus"),
    (["--hyp", "p.txt", "--ref", "r.txt", "--tokenize", "nope"], "nope"),
    (["--hyp", "p.txt", "--ref", "r.txt", "--rouge-types", "rouge0"], "rouge0"),
    (["--hyp", "p.txt", "--ref", "r.txt", "--char-order", "-1"], "char_order"),
    (["--hyp", "p.txt", "--ref", "r.txt", "--chunk-size", "0"], "--chunk-size"),
    (["--hyp", "p.txt", "--ref", "r.txt", "--threads", "x"], "--threads"),
    (["--hyp", "p.txt", "--ref", "r.txt", "--per-pair", "out.xlsx"], "--per-pair out.xlsx: unknown format"),
    (["--hyp", "p.txt", "--ref", "r.txt", "--bogus-option"], "unrecognized arguments: --bogus-option"),
    (["--hyp", "p.txt"], "--ref is required"),
    (["--ref", "r.txt"], "--hyp is required"),
    (["--hyp", "t.jsonl", "--ref-col", "refs"], "t.jsonl: no column 'refs' (columns: prediction, reference)"),
    (["--hyp", "t.jsonl", "--hyp-col", "pred"], "t.jsonl: no column 'pred'"),
]


FILE_ERRORS = {"short.txt has", "missing.txt", ".:", "bad.txt", "broken.gz"}  # one line, no --help pointer


@pytest.mark.parametrize("args,message", ERRORS, ids=[" ".join(a) for a, _ in ERRORS])
def test_errors_are_one_line(bad, args, message):
    """A file error is one line; a usage error one line and a pointer to --help (issue 18, item 11)."""
    done = run("score", *args, cwd=bad)
    assert done.returncode == 2, done.stderr
    prog = "ngramkit" if message.startswith("unrecognized") else "ngramkit score"
    assert_cli_error(done.stderr, prog, message, usage=not message.startswith(tuple(FILE_ERRORS)))


def test_nothing_half_written(bad):
    """An error after the first chunk was written leaves no per-pair file and no temporary file."""
    (bad / "late.txt").write_bytes(b"a\nb\n\xff\n")
    before = sorted(p.name for p in bad.iterdir())
    done = run("score", "--hyp", "late.txt", "--ref", "r.txt", "--chunk-size", "1", "--per-pair", "out.tsv", cwd=bad)
    assert done.returncode == 2 and "late.txt: line 3: not valid UTF-8" in done.stderr
    assert sorted(p.name for p in bad.iterdir()) == before


def test_mismatch_found_while_streaming(bad):
    """Counts come from a first pass, so a mismatch is reported before anything is scored."""
    (bad / "long.txt").write_text("x\n" * 5)
    done = run("score", "--hyp", "p.txt", "--ref", "r.txt", "--ref", "long.txt", "--per-pair", "o.jsonl", cwd=bad)
    assert done.returncode == 2 and "long.txt has 5 lines but p.txt has 3" in done.stderr
    assert not (bad / "o.jsonl").exists()


def test_table_files_equal_text_files(data, tmp_path):
    hyps = lines(data / "hyp.txt")
    refs = [list(g) for g in zip(*(lines(data / f"ref{k}.txt") for k in (1, 2, 3)))]
    want = score_json("--hyp", "hyp.txt", "--ref", "ref1.txt", "--ref", "ref2.txt", "--ref", "ref3.txt", cwd=data)
    with open(tmp_path / "t.jsonl", "w") as f:
        for h, r in zip(hyps, refs):
            f.write(json.dumps({"pred": h, "refs": r}) + "\n")
    assert score_json("--hyp", str(tmp_path / "t.jsonl"), "--hyp-col", "pred", "--ref-col", "refs",
                      "--chunk-size", "7", cwd=data) == want
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"pred": hyps, "r1": [r[0] for r in refs], "r2": [r[1] for r in refs],
                          "r3": [r[2] for r in refs]})
    frame.to_csv(tmp_path / "t.csv", index=False)
    assert score_json("--hyp", str(tmp_path / "t.csv"), "--hyp-col", "pred", "--ref-col", "r1", "--ref-col", "r2",
                      "--ref-col", "r3", cwd=data) == want
    pytest.importorskip("pyarrow")
    frame.assign(refs=refs)[["pred", "refs"]].to_parquet(tmp_path / "t.parquet")
    assert score_json("--hyp", str(tmp_path / "t.parquet"), "--hyp-col", "pred", "--ref-col", "refs",
                      "--chunk-size", "100", cwd=data) == want


@pytest.mark.skipif(not __import__("shutil").which("script"), reason="needs util-linux script for a terminal")
def test_progress_bar_only_on_a_terminal(tmp_path):
    pytest.importorskip("tqdm")
    import shlex

    base = f"{shlex.quote(sys.executable)} -m ngramkit score --example --metrics bleu --chunk-size 5"
    for extra, shown in (("", True), (" --quiet", False)):
        cmd = f"stty cols 100 rows 20; {base}{extra} >/dev/null"
        done = subprocess.run(["script", "-qc", cmd, "/dev/null"], capture_output=True, text=True, env=ENV,
                              cwd=tmp_path)
        assert ("pairs/s" in done.stdout) is shown, done.stdout
    assert "pairs/s" not in run("score", "--example", "--metrics", "bleu", cwd=tmp_path).stderr  # not a terminal


def test_memory_stays_flat(data, tmp_path):
    """400,000 pairs (DialogSum repeated, 87 MB of text) in chunks of 20,000: the child's peak RSS
    stays far below what holding the files would take (~300 MB for `ngramkit rouge`)."""
    for name in ("hyp", "ref1"):
        block = (data / f"{name}.txt").read_bytes().rstrip(b"\n") + b"\n"
        (tmp_path / f"{name}.txt").write_bytes(block * 800)
    wrapper = ("import resource,subprocess,sys;r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);"
               "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "ngramkit", "score", "--metrics",
                           "rouge,bleu", "--chunk-size", "20000", "--hyp", "hyp.txt", "--ref", "ref1.txt"],
                          cwd=tmp_path, capture_output=True, text=True, env=ENV)
    code, peak_kb = map(int, done.stdout.split())
    assert code == 0
    assert peak_kb < 180 * 1024, f"peak RSS {peak_kb / 1024:.0f} MB"
