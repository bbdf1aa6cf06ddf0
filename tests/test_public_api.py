"""The public surface, enumerated: every name of ``ngramkit.__all__``, ``ngramkit.dask``, each compat
drop-in's names its users call, and every CLI command and option. A move or rename that drops one
fails here (add a name to these lists when it becomes public; removing one is an API change)."""
from __future__ import annotations

import contextlib
import importlib
import io
import re

import pytest

import ngramkit
from ngramkit.cli import main

TOP_LEVEL = {
    "AggregateScore", "BleuResult", "ChrfResult", "Comparison", "RougeResult", "RougeScores", "Score", "TableScores",
    "TokenBatch", "VALID_ROUGE_TYPES", "bleu", "bootstrap_interval", "chrf", "compare", "dataset_scorer",
    "mean_score", "rouge", "score_columns", "score_table", "scores_from_statistics", "sentence_bleu",
    "sentence_chrf", "tokenize", "TerResult", "ter", "sentence_ter",
    "MbrResult", "PaddedMatrices", "mbr", "near_duplicates", "pairwise", "pairwise_pools", "self_bleu",
    "CerResult", "ErrorRateResult", "WerResult", "cer", "wer",
    "Accumulator", "accumulator",
}

MODULE_NAMES = {
    "ngramkit.dask": ["score", "task_threads"],
    "ngramkit.examples": ["realsumm_bart", "sentences_from_tags"],
    "ngramkit.compat.sacrebleu": ["BLEU", "CHRF", "TER", "BLEUScore", "CHRFScore", "TERScore", "corpus_bleu",
                                  "sentence_bleu", "corpus_chrf", "sentence_chrf", "corpus_ter", "sentence_ter",
                                  "raw_corpus_bleu", "metrics", "tokenizers", "__version__"],
    "ngramkit.compat.sacrebleu.metrics": ["BLEU", "CHRF", "TER", "BLEUScore", "CHRFScore", "TERScore", "METRICS"],
    "ngramkit.compat.sacrebleu.tokenizers": ["BaseTokenizer", "Tokenizer", "TercomTokenizer"],
    "ngramkit.compat.rouge_score": ["RougeScorer", "rouge_scorer", "scoring", "tokenizers"],
    "ngramkit.compat.rouge_score.tokenizers": ["Tokenizer", "DefaultTokenizer"],
    "ngramkit.compat.rouge_score.rouge_scorer": ["RougeScorer"],
    "ngramkit.compat.rouge_score.scoring": ["AggregateScore", "BaseScorer", "BootstrapAggregator", "Score",
                                            "fmeasure"],
    "ngramkit.compat.nltk": ["bleu_score"],
    "ngramkit.compat.nltk.bleu_score": ["SmoothingFunction", "corpus_bleu", "sentence_bleu", "modified_precision",
                                        "brevity_penalty", "closest_ref_length"],
    "ngramkit.compat.evaluate": ["rouge", "bleu", "sacrebleu", "chrf", "ter", "wer", "cer", "load"],
    "ngramkit.compat.fastchrf": ["pairwise_chrf", "aggregate_chrf"],
    "ngramkit.compat.jiwer": ["wer", "mer", "wil", "wip", "cer", "process_words", "process_characters",
                              "visualize_alignment", "AlignmentChunk", "WordOutput", "CharacterOutput"],
}

CLI_OPTIONS = {
    "score": "--beta --bootstrap --char-order --chrf-whitespace --chunk-size --effective-order --eps-smoothing "
             "--example --format --hyp --hyp-col --lowercase --max-ngram-order --metrics --multi-reference "
             "--per-pair --quiet --ref --ref-col --rouge-tokenize --rouge-types --seed --sentence-sep "
             "--smooth-method --smooth-value --threads --tokenize --use-stemmer --word-order",
    "compare": "--beta --char-order --chrf-whitespace --effective-order --eps-smoothing --format --lowercase "
               "--max-ngram-order --metrics --multi-reference --n-samples --names --paired-ar --paired-bs --ref "
               "--report --report-examples --report-metrics --rouge-measures --rouge-tokenize --rouge-types --seed --sentence-sep --smooth-method "
               "--smooth-value --threads --tokenize --use-stemmer --word-order",
    "rouge": "--bootstrap --json --per-pair --predictions --progress --references --rouge-types --seed "
             "--sentence-sep --threads --use-stemmer",
    "demo": "--bootstrap --json --per-pair --progress --rouge-types --seed --threads --use-stemmer",
}


def test_top_level_all_is_exactly_the_public_api():
    assert set(ngramkit.__all__) == TOP_LEVEL
    for name in TOP_LEVEL:
        assert getattr(ngramkit, name) is not None
    assert isinstance(ngramkit.__version__, str)


@pytest.mark.parametrize("module", sorted(MODULE_NAMES))
def test_module_names(module):
    mod = importlib.import_module(module)
    missing = [n for n in MODULE_NAMES[module] if not hasattr(mod, n)]
    assert not missing, f"{module} lost {missing}"


def _help(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    return out.getvalue()


def test_cli_commands():
    text = _help()
    assert "{score,compare,rouge,demo}" in text
    assert "--version" in text


@pytest.mark.parametrize("command", sorted(CLI_OPTIONS))
def test_cli_options(command):
    text = _help(command)
    missing = [o for o in CLI_OPTIONS[command].split() if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text)]
    assert not missing, f"ngramkit {command} lost {missing}"


def test_import_loads_no_metric_or_dependency_until_used():
    """``import ngramkit`` is lazy (issue 23: import time): no numpy, no kernels, no optional
    library until a public name is first used; then that name resolves as before."""
    import subprocess
    import sys

    code = ("import sys, ngramkit; heavy = [m for m in ('numpy', 'ngramkit._core', 'ngramkit.metrics', 'pandas', "
            "'pyarrow', 'tqdm') if m in sys.modules]; assert not heavy, heavy; "
            "assert ngramkit.bleu.__module__ == 'ngramkit.metrics.bleu'; assert 'numpy' in sys.modules")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert set(ngramkit.__all__) <= set(dir(ngramkit))
    assert ngramkit.examples.realsumm_bart and ngramkit.dask.score  # modules load on first use
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        ngramkit.not_a_name  # noqa: B018
