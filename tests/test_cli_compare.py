"""`ngramkit compare`: the table, JSON equal to the API (and to sacrebleu's PairedTest), the report, errors."""
from __future__ import annotations

import json

import pytest
from conftest import read_lines
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.significance import PairedTest

import ngramkit
from ngramkit.cli.main import main


@pytest.fixture(scope="module")
def files(shared_data, tmp_path_factory):
    d = shared_data / "dialogsum"
    tmp = tmp_path_factory.mktemp("compare")
    n = 120
    texts = {"bart.txt": read_lines(d / "bart_baseline.test.hyp.txt")[:n],
             "human3.txt": read_lines(d / "test.ref3.txt")[:n],
             "ref1.txt": read_lines(d / "test.ref1.txt")[:n],
             "ref2.txt": read_lines(d / "test.ref2.txt")[:n]}
    texts["lead.txt"] = [t[: len(t) // 2] for t in texts["bart.txt"]]
    for name, lines in texts.items():
        (tmp / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp, texts


def run_json(capsys, argv):
    assert main(argv + ["--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("flag, test", [("--paired-bs", "bs"), ("--paired-ar", "ar")])
def test_json_equals_api_and_sacrebleu(files, capsys, flag, test):
    tmp, texts = files
    systems = ["bart.txt", "human3.txt", "lead.txt"]
    out = run_json(capsys, ["compare", "--ref", str(tmp / "ref1.txt"), "--ref", str(tmp / "ref2.txt"),
                            *[str(tmp / s) for s in systems], "--metrics", "rouge,bleu,chrf", flag,
                            "--n-samples", "80", "--use-stemmer"])
    refs = [list(r) for r in zip(texts["ref1.txt"], texts["ref2.txt"])]
    api = ngramkit.compare({s: texts[s] for s in systems}, refs, test=test, n_samples=80, use_stemmer=True)
    assert out == json.loads(json.dumps(api.to_dict()))
    _, theirs = PairedTest([(s, texts[s]) for s in systems], {"BLEU": BLEU(), "chrF": CHRF()},
                           [texts["ref1.txt"], texts["ref2.txt"]], test_type=test, n_samples=80)()
    rows = {(r["system"], r["metric"]): r for r in out["rows"]}
    for key, metric in (("BLEU", "BLEU"), ("chrF2", "chrF2")):
        for s, r in zip(systems, theirs[key]):
            row = rows[(s, metric)]
            assert row["score"] == r.score and row["p_value"] == r.p_value
            assert row["mean"] == (None if r.mean is None else float(r.mean))
            assert row["ci"] == (None if r.ci is None else float(r.ci))


def test_table_has_scores_intervals_and_markers(files, capsys):
    tmp, _ = files
    assert main(["compare", "--ref", str(tmp / "ref1.txt"), str(tmp / "bart.txt"), str(tmp / "lead.txt"),
                 "--metrics", "bleu,rouge", "--n-samples", "50", "--names", "base,lead",
                 "--rouge-types", "rouge1", "--rouge-measures", "fmeasure,recall"]) == 0
    out = capsys.readouterr().out
    assert "baseline: base" in out and "paired bootstrap, 50 samples, seed 12345" in out
    assert "rouge1.recall" in out and "BLEU" in out and "(μ = " in out and " *" in out
    assert "nrefs:1|bs:50|seed:12345|" in out


@pytest.mark.parametrize("argv, message", [
    (["{bart}"], "at least one system"),
    (["{bart}", "{tmp}/missing.txt"], "missing.txt: cannot read"),
    (["{bart}", "{short}"], "has 3 lines but"),
    (["{bart}", "{lead}", "--names", "a"], "--names: expected 2"),
    (["{bart}", "{lead}", "--names", "a,a"], "--names: names must be unique"),
    (["{bart}", "{bart}"], "the same file is given twice"),
    (["{bart}", "{lead}", "--metrics", "meteor"], "--metrics: unknown metric 'meteor'"),
    (["{bart}", "{lead}", "--n-samples", "0"], "--n-samples"),
    (["{bart}", "{lead}", "--seed", "-3"], "--seed"),
    (["{bart}", "{lead}", "--paired-bs", "--paired-ar"], "not allowed with argument"),
    (["{bart}", "{lead}", "--rouge-measures", "f1"], "rouge_measures"),
    (["{bart}", "{lead}", "--rouge-types", "rouge0"], "rouge0"),
])
def test_errors_are_one_line_exit_2(files, capsys, argv, message):
    tmp, _ = files
    (tmp / "short.txt").write_text("a\nb\nc\n", encoding="utf-8")
    paths = {"bart": tmp / "bart.txt", "lead": tmp / "lead.txt", "short": tmp / "short.txt", "tmp": tmp}
    argv = [a.format(**paths) for a in argv]
    with pytest.raises(SystemExit) as exc:
        main(["compare", "--ref", str(tmp / "ref1.txt"), *argv])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
