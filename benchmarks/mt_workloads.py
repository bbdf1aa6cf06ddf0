"""BLEU and chrF workloads shared by test_bench_mt.py (pytest-benchmark) and report_mt.py.

Real text from ``../shared/data``: DialogSum BART outputs against the first human summary
(20-60 words a side, 500 pairs repeated to 10,000) and WMT23 en-de ONLINE-B against the official
reference (paragraph-long segments, 557 pairs repeated to 2,228). Every runner is single-threaded
and every ngramkit score is checked equal to the peer's before anything is timed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def data_available() -> bool:
    return (DATA / "dialogsum" / "bart_baseline.test.hyp.txt").is_file() and (DATA / "wmt23").is_dir()


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return (text[:-1] if text.endswith("\n") else text).split("\n")


@dataclass
class MtWorkload:
    key: str
    label: str
    hypotheses: list[str]
    references: list[str]

    @property
    def pairs(self) -> int:
        return len(self.hypotheses)


@lru_cache(maxsize=None)
def load() -> dict[str, MtWorkload]:
    hyp = _lines(DATA / "dialogsum" / "bart_baseline.test.hyp.txt")
    ref = _lines(DATA / "dialogsum" / "test.ref1.txt")[: len(hyp)]
    root = DATA / "wmt23" / "txt"
    de_hyp = _lines(root / "system-outputs" / "generaltest2023.en-de.hyp.ONLINE-B.de")
    de_ref = _lines(root / "references" / "generaltest2023.en-de.ref.refA.de")
    return {
        "dialogsum": MtWorkload("dialogsum", "DialogSum (20-60 words a side)", hyp * 20, ref * 20),
        "wmt23_de": MtWorkload("wmt23_de", "WMT23 en-de paragraphs", de_hyp * 4, de_ref * 4),
    }


# -- runners: name -> (package, callable(workload) -> result) --------------------------------------
def ngramkit_bleu(w):
    import ngramkit

    return ngramkit.bleu(w.hypotheses, w.references, threads=1)


def sacrebleu_bleu(w):
    from sacrebleu.metrics import BLEU

    return BLEU().corpus_score(w.hypotheses, [w.references])


def ngramkit_sentence_bleu(w):
    import ngramkit

    return ngramkit.sentence_bleu(w.hypotheses, w.references, threads=1)


def sacrebleu_sentence_bleu(w):
    from sacrebleu.metrics import BLEU

    metric = BLEU(effective_order=True)
    return np.array([metric.sentence_score(h, [r]).score for h, r in zip(w.hypotheses, w.references)])


def ngramkit_chrf(w, word_order=0):
    import ngramkit

    return ngramkit.chrf(w.hypotheses, w.references, word_order=word_order, threads=1)


def sacrebleu_chrf(w, word_order=0):
    from sacrebleu.metrics import CHRF

    return CHRF(word_order=word_order).corpus_score(w.hypotheses, [w.references])


@lru_cache(maxsize=None)
def tokenized_13a(key: str) -> tuple[list[list[str]], list[list[str]]]:
    """sacrebleu's 13a tokens of a workload (for the peers that take tokens: nltk, fast-bleu)."""
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

    w, tok = load()[key], Tokenizer13a()
    return [tok(h.rstrip()).split() for h in w.hypotheses], [tok(r.rstrip()).split() for r in w.references]


@lru_cache(maxsize=None)
def token_ids(key: str):
    """The 13a tokens interned to ids: (hypotheses TokenBatch, references TokenBatch)."""
    import ngramkit

    hyps, refs = tokenized_13a(key)
    vocab: dict[str, int] = {}
    as_ids = lambda rows: [[vocab.setdefault(t, len(vocab)) for t in row] for row in rows]  # noqa: E731
    return ngramkit.TokenBatch.from_lists(as_ids(hyps)), ngramkit.TokenBatch.from_lists(as_ids(refs))


def ngramkit_bleu_ids(w):
    import ngramkit

    hyps, refs = token_ids(w.key)
    return ngramkit.bleu(hyps, refs, threads=1)


def nltk_bleu(w):
    from nltk.translate.bleu_score import corpus_bleu

    hyps, refs = tokenized_13a(w.key)
    return corpus_bleu([[r] for r in refs], hyps)


def fast_bleu_available() -> bool:
    try:
        import fast_bleu  # noqa: F401
    except ImportError:
        return False
    return True


def fast_bleu_sentences(w):
    from fast_bleu import BLEU as FastBLEU

    hyps, refs = tokenized_13a(w.key)
    return FastBLEU(refs, {"bleu": (0.25, 0.25, 0.25, 0.25)}).get_score(hyps)["bleu"]


def check_exact(w) -> None:
    """ngramkit's numbers equal sacrebleu's (and nltk's) on this workload, or AssertionError."""
    n = 1000
    head = MtWorkload(w.key, w.label, w.hypotheses[:n], w.references[:n])
    assert ngramkit_bleu(w).score == sacrebleu_bleu(w).score
    assert ngramkit_bleu_ids(w).score == ngramkit_bleu(w).score
    assert ngramkit_sentence_bleu(head).tolist() == sacrebleu_sentence_bleu(head).tolist()
    for order in (0, 2):
        assert ngramkit_chrf(w, order).score == sacrebleu_chrf(w, order).score


def best_time(fn, *args, rounds: int = 3, budget: float = 3.0) -> float:
    """Fastest of at least ``rounds`` calls (more while under ``budget`` seconds), seconds."""
    best, spent, done = float("inf"), 0.0, 0
    while done < rounds or (spent < budget and done < 20):
        start = time.perf_counter()
        fn(*args)
        took = time.perf_counter() - start
        best, spent, done = min(best, took), spent + took, done + 1
    return best
