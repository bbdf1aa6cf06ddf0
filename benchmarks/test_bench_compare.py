"""Paired significance tests: ngramkit.compare vs sacrebleu's PairedTest on WMT23 en-de.

Three systems, BLEU and chrF, 1000 bootstrap resamples and 2000 randomization trials; the numbers
are checked equal to PairedTest's before timing. Nothing asserts on time; compare the two rows of
each test. ``benchmarks/compare_bench.py`` prints the ratios and runs the 1 M-pair scale case.
"""
from __future__ import annotations

import pytest

import ngramkit
from conftest import DATA

sacrebleu_significance = pytest.importorskip("sacrebleu.significance")
from sacrebleu.metrics import BLEU, CHRF  # noqa: E402

SYSTEMS = ("NLLB_Greedy", "GPT4-5shot", "ONLINE-B")
SAMPLES = {"bs": 1000, "ar": 2000}


def _lines(path):
    text = path.read_text(encoding="utf-8")
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


@pytest.fixture(scope="module")
def wmt():
    root = DATA / "wmt23" / "txt"
    if not root.is_dir():
        pytest.skip(f"benchmark data not found under {root}")
    ref = _lines(root / "references" / "generaltest2023.en-de.ref.refA.de")
    systems = {s: _lines(root / "system-outputs" / f"generaltest2023.en-de.hyp.{s}.de") for s in SYSTEMS}
    return systems, ref


def _sacrebleu(systems, ref, test):
    return sacrebleu_significance.PairedTest(list(systems.items()), {"BLEU": BLEU(), "chrF": CHRF()}, [ref],
                                             test_type=test, n_samples=SAMPLES[test])()[1]


def _ngramkit(systems, ref, test):
    return ngramkit.compare(systems, ref, metrics=("bleu", "chrf"), test=test, n_samples=SAMPLES[test], threads=1)


@pytest.mark.parametrize("test", ["bs", "ar"])
@pytest.mark.parametrize("package", ["ngramkit", "sacrebleu"])
def test_paired(benchmark, wmt, test, package):
    systems, ref = wmt
    if package == "ngramkit":
        ours, theirs = _ngramkit(systems, ref, test), _sacrebleu(systems, ref, test)
        for name, r in zip(systems, theirs["BLEU"]):
            assert ours.row(name, "BLEU")["score"] == r.score
            assert r.p_value is None or ours.row(name, "BLEU")["p_value"] == r.p_value
    run = _ngramkit if package == "ngramkit" else _sacrebleu
    benchmark.pedantic(run, args=(systems, ref, test), rounds=1, iterations=1)
