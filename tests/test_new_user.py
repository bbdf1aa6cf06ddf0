"""What a new user tripped on (issue 18, item 14): help text that disagrees with behaviour, labels
unlike sacrebleu's, table helpers that refuse several reference columns, missing drop-in names.
Expected values come from the reference packages (rouge-score, sacrebleu, nltk, evaluate's
metric scripts as they compute), never from ngramkit's own output."""
from __future__ import annotations

import json

import pytest
import sacrebleu
from rouge_score import rouge_scorer

from ngramkit.cli.main import main as cli_main

HYPS = ["the cat sat on the mat", "hello world", "a b c d e f"]
REFS = ["the cat was sitting on the mat", "hello there world", "a b c x e f"]


@pytest.fixture
def files(tmp_path):
    hyp, ref = tmp_path / "h.txt", tmp_path / "r.txt"
    hyp.write_text("\n".join(HYPS) + "\n", encoding="utf-8")
    ref.write_text("\n".join(REFS) + "\n", encoding="utf-8")
    return str(hyp), str(ref)


# --- ngramkit demo: the help names what the demo scores ---------------------------------------

def test_demo_help_names_the_types_the_demo_prints(capsys):
    from ngramkit.cli.rouge import DEMO_ROUGE_TYPES

    with pytest.raises(SystemExit):
        cli_main(["demo", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"(default: {','.join(DEMO_ROUGE_TYPES)})" in help_text
    assert cli_main(["demo"]) == 0
    printed = [line.split()[0] for line in capsys.readouterr().out.splitlines()[2:]]
    assert printed == list(DEMO_ROUGE_TYPES) == ["rouge1", "rouge2", "rougeL", "rougeLsum"]


def test_demo_explicit_types_are_taken_as_given(capsys):
    assert cli_main(["demo", "--rouge-types", "rouge1,rouge2,rougeL"]) == 0
    printed = [line.split()[0] for line in capsys.readouterr().out.splitlines()[2:]]
    assert printed == ["rouge1", "rouge2", "rougeL"]


# --- CLI metric labels are sacrebleu's ----------------------------------------------------------

@pytest.mark.parametrize("beta, word_order", [("1", 0), ("2", 0), ("3", 2), ("0.5", 1)])
def test_cli_chrf_label_is_sacrebleus(files, capsys, beta, word_order):
    hyp, ref = files
    number = float(beta) if "." in beta else int(beta)
    expected = sacrebleu.CHRF(beta=number, word_order=word_order).corpus_score(HYPS, [REFS])
    argv = ["score", "--metrics", "chrf", "--beta", beta, "--word-order", str(word_order), "--hyp", hyp, "--ref", ref]
    assert cli_main(argv) == 0
    table = capsys.readouterr().out
    assert f"{expected.name} = {expected.score:.2f}" in table
    assert cli_main([*argv, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["chrf"]["name"] == expected.name
    assert cli_main([*argv, "--bootstrap", "20"]) == 0
    assert f"  {expected.name} " in capsys.readouterr().out.split("bootstrap:")[1]


def test_cli_compare_chrf_label_is_sacrebleus(files, tmp_path, capsys):
    hyp, ref = files
    other = tmp_path / "h2.txt"
    other.write_text("\n".join(REFS) + "\n", encoding="utf-8")
    expected = sacrebleu.CHRF(beta=1, word_order=2).corpus_score(HYPS, [REFS]).name
    assert expected == "chrF1++"
    assert cli_main(["compare", "--ref", ref, "--metrics", "chrf", "--beta", "1", "--word-order", "2",
                     "--n-samples", "20", hyp, str(other)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert expected in lines and any(line.startswith(f"{expected}: nrefs:1") for line in lines)


def test_cli_bleu_and_ter_labels_are_sacrebleus(files, capsys):
    hyp, ref = files
    bleu = sacrebleu.BLEU().corpus_score(HYPS, [REFS])
    ter = sacrebleu.TER().corpus_score(HYPS, [REFS])
    assert cli_main(["score", "--metrics", "bleu,ter", "--hyp", hyp, "--ref", ref]) == 0
    table = capsys.readouterr().out
    assert f"{bleu.name} = {bleu.score:.2f} {bleu._verbose}" in table
    assert f"{ter.name} = {ter.score:.2f}" in table


def test_cli_beta_rejects_non_numbers(files, capsys):
    hyp, ref = files
    with pytest.raises(SystemExit) as exc:
        cli_main(["score", "--metrics", "chrf", "--beta", "two", "--hyp", hyp, "--ref", ref])
    assert exc.value.code == 2 and "--beta" in capsys.readouterr().err
