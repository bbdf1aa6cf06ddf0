"""Workloads shared by the pytest-benchmark suite (test_bench_rouge.py) and report.py.

Every workload is real text from ``../shared/data`` (located as
``Path(__file__).resolve().parents[2] / "shared" / "data"``); the suite is skipped when it is absent.

Single-thread rouge-score-rs: its ``score_batch`` runs on rayon's global pool, which reads
``RAYON_NUM_THREADS`` once, when the pool is first used. This module sets it to 1 before anything
can use rouge_score_rs, so the in-process rouge-score-rs rows are single-threaded. Other thread
counts run in a separate process started with ``RAYON_NUM_THREADS=<n>`` (:class:`RsWorker`).
"""
from __future__ import annotations

import os

os.environ["RAYON_NUM_THREADS"] = "1"  # before rouge_score_rs's first parallel call; see module docstring

import pickle
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ngramkit.examples import sentences_from_tags

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DIALOGSUM = DATA / "dialogsum"
REALSUMM = DATA / "realsumm" / "selected_docs_for_human_eval" / "abs"

R12L = ("rouge1", "rouge2", "rougeL")
DIALOGSUM_REPEAT = 20  # 500 pairs x 20 = 10,000 pairs per ngramkit / rouge-score-rs call
LONG_MIN_TOKENS = 500
LONG_REPEAT = 10
LSUM_REPEAT = 5


def data_available() -> bool:
    return (DIALOGSUM / "bart_baseline.test.hyp.txt").is_file() and REALSUMM.is_dir()


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n")


def _flat(line: str) -> str:
    """REALSumm text without the ``<t>``/``</t>`` markup, on one line."""
    return " ".join(line.replace("<t>", " ").replace("</t>", " ").split())


@dataclass
class Workload:
    """Pairs scored by every package in one benchmark group.

    ``predictions``/``references`` (text) are the timed input of ngramkit and rouge-score-rs;
    pair ``i`` repeats unique pair ``i % unique``. rouge-score, pure Python, is timed on
    ``baseline_pairs`` unique pairs in the pytest suite (all unique pairs in report.py). For the
    token-id workload ngramkit gets ``ids`` (or ``id_lists``) instead of text.
    """

    key: str
    title: str
    rouge_types: tuple
    use_stemmer: bool
    predictions: list
    references: list
    unique: int
    baseline_pairs: int
    ids: tuple | None = None  # (pred TokenBatch, ref TokenBatch) for the token-id workload
    id_lists: tuple | None = None  # the same as list[list[int]]
    notes: str = ""
    _reference_scores: list | None = field(default=None, repr=False)
    reference_seconds: tuple | None = field(default=None, repr=False)  # rouge-score (wall, cpu), unique pairs

    @property
    def pairs(self) -> int:
        return len(self.predictions)

    # -- runners ------------------------------------------------------------------------------
    def ngramkit_args(self, source: str = "text"):
        if source == "ids":
            return self.ids
        if source == "lists":
            return self.id_lists
        return self.predictions, self.references

    def run_ngramkit(self, threads: int, source: str = "text"):
        import ngramkit

        preds, refs = self.ngramkit_args(source)
        return ngramkit.rouge(preds, refs, self.rouge_types, use_stemmer=self.use_stemmer, threads=threads)

    def baseline_indices(self) -> list[int]:
        """``baseline_pairs`` unique pairs evenly spread over the workload (all when it is small)."""
        n = min(self.baseline_pairs, self.unique)
        return sorted({round(i * (self.unique - 1) / max(n - 1, 1)) for i in range(n)})

    def baseline_inputs(self) -> tuple[list, list]:
        """(targets, predictions) rouge-score is timed on in the pytest suite."""
        idx = self.baseline_indices()
        return [self.references[i] for i in idx], [self.predictions[i] for i in idx]

    def rouge_score_scorer(self):
        from rouge_score import rouge_scorer

        return rouge_scorer.RougeScorer(list(self.rouge_types), use_stemmer=self.use_stemmer)

    def rs_scorer(self):
        from rouge_score_rs import rouge_scorer

        return rouge_scorer.RougeScorer(list(self.rouge_types), use_stemmer=self.use_stemmer)

    # -- exactness ----------------------------------------------------------------------------
    def reference_scores(self) -> list[dict]:
        """rouge-score's scores of the unique pairs (computed once; takes seconds)."""
        if self._reference_scores is None:
            scorer = self.rouge_score_scorer()
            start, cpu = time.perf_counter(), time.process_time()
            self._reference_scores = [
                scorer.score(self.references[i], self.predictions[i]) for i in range(self.unique)
            ]
            self.reference_seconds = (time.perf_counter() - start, time.process_time() - cpu)
        return self._reference_scores

    def assert_exact(self, result, label: str = "ngramkit") -> None:
        """Every pair's precision/recall/F1 bit-identical to rouge-score's (``result``: ngramkit)."""
        expected = self.reference_scores()
        for rouge_type in self.rouge_types:
            got = result[rouge_type]
            assert len(got) == self.pairs, f"{label}: {len(got)} scores for {self.pairs} pairs"
            for column in ("precision", "recall", "fmeasure"):
                want = np.array([getattr(s[rouge_type], column) for s in expected], dtype=np.float64)
                want = np.tile(want, self.pairs // self.unique + 1)[: self.pairs]
                have = np.asarray(getattr(got, column))
                bad = np.flatnonzero(have != want)
                if bad.size:
                    i = int(bad[0])
                    raise AssertionError(
                        f"{label} differs from rouge-score on workload {self.key!r}: {bad.size} pairs, "
                        f"first pair {i} (unique pair {i % self.unique}) {rouge_type}.{column}: "
                        f"ngramkit {have[i]!r} != rouge-score {want[i]!r}\n"
                        f"prediction={self.predictions[i]!r}\nreference={self.references[i]!r}"
                    )

    def assert_rs_exact(self, rs_result: list[dict]) -> None:
        """rouge-score-rs's ``score_batch`` output equal to rouge-score's (sanity of the peer)."""
        expected = self.reference_scores()
        for i, got in enumerate(rs_result):
            want = expected[i % self.unique]
            for rouge_type in self.rouge_types:
                if tuple(got[rouge_type]) != tuple(want[rouge_type]):
                    raise AssertionError(
                        f"rouge-score-rs differs from rouge-score on {self.key!r} pair {i}, {rouge_type}: "
                        f"{tuple(got[rouge_type])} != {tuple(want[rouge_type])}"
                    )


# -- workloads --------------------------------------------------------------------------------
def _dialogsum_pairs() -> tuple[list[str], list[str]]:
    hyp = _lines(DIALOGSUM / "bart_baseline.test.hyp.txt")
    ref = _lines(DIALOGSUM / "test.ref1.txt")[:500]
    assert len(hyp) == len(ref) == 500, (len(hyp), len(ref))
    return hyp, ref


def _long_pairs() -> tuple[list[str], list[str]]:
    """REALSumm source articles with >= 500 rouge-score tokens, each paired with the next one."""
    from rouge_score import tokenize

    docs = [_flat(line) for line in _lines(REALSUMM / "ptr_generator" / "src.txt")]
    long_docs = [d for d in docs if len(tokenize.tokenize(d, None)) >= LONG_MIN_TOKENS]
    preds = long_docs
    refs = long_docs[1:] + long_docs[:1]
    return preds, refs


def _lsum_pairs() -> tuple[list[str], list[str]]:
    """Every system output (out*.txt) of REALSumm against the ref.txt of its folder, line by line."""
    preds, refs = [], []
    for system in sorted(p for p in REALSUMM.iterdir() if p.is_dir()):
        ref_lines = _lines(system / "ref.txt")
        for out in sorted(system.glob("out*.txt")):
            out_lines = _lines(out)
            assert len(out_lines) == len(ref_lines), out
            preds.extend(sentences_from_tags(line) for line in out_lines)
            refs.extend(sentences_from_tags(line) for line in ref_lines)
    return preds, refs


@lru_cache(maxsize=None)
def load_workloads() -> dict[str, Workload]:
    import ngramkit

    hyp, ref = _dialogsum_pairs()
    n = len(hyp)
    preds, refs = hyp * DIALOGSUM_REPEAT, ref * DIALOGSUM_REPEAT
    batch, _vocab = ngramkit.tokenize(preds + refs)
    pred_ids, ref_ids = batch.slice(0, len(preds)), batch.slice(len(preds), 2 * len(preds))
    id_lists = (pred_ids.to_lists(), ref_ids.to_lists())

    long_preds, long_refs = _long_pairs()
    lsum_preds, lsum_refs = _lsum_pairs()

    workloads = [
        Workload("dialogsum_text", "DialogSum, rouge1+rouge2+rougeL, from text", R12L, False,
                 preds, refs, n, baseline_pairs=n),
        Workload("dialogsum_ids", "DialogSum, rouge1+rouge2+rougeL, from token ids", R12L, False,
                 preds, refs, n, baseline_pairs=n, ids=(pred_ids, ref_ids), id_lists=id_lists,
                 notes="ngramkit scores a TokenBatch from ngramkit.tokenize (tokenizing not timed); "
                       "the peers have no token-id input and score the text"),
        Workload("long_rougeL", f"Long texts (REALSumm articles, >= {LONG_MIN_TOKENS} tokens each side), rougeL",
                 ("rougeL",), False, long_preds * LONG_REPEAT, long_refs * LONG_REPEAT, len(long_preds),
                 baseline_pairs=4),
        Workload("dialogsum_stem", "DialogSum, rouge1+rouge2+rougeL, use_stemmer=True", R12L, True,
                 preds, refs, n, baseline_pairs=n),
        Workload("realsumm_lsum", "REALSumm multi-sentence summaries, rougeLsum", ("rougeLsum",), False,
                 lsum_preds * LSUM_REPEAT, lsum_refs * LSUM_REPEAT, len(lsum_preds), baseline_pairs=500),
    ]
    return {w.key: w for w in workloads}


# -- rouge-score-rs with another thread count, in its own process ----------------------------------
_WORKER = r"""
import os, pickle, struct, sys, time
os.environ["RAYON_NUM_THREADS"] = sys.argv[1]
from rouge_score_rs.rouge_scorer import RougeScorer
inp, out = sys.stdin.buffer, sys.stdout.buffer
size, = struct.unpack("<Q", inp.read(8))
types, use_stemmer, targets, predictions = pickle.loads(inp.read(size))
scorer = RougeScorer(list(types), use_stemmer=use_stemmer)
while inp.readline().strip() == b"run":
    wall, cpu = time.perf_counter(), time.process_time()
    scorer.score_batch(targets, predictions)
    out.write(b"%r %r\n" % (time.perf_counter() - wall, time.process_time() - cpu))
    out.flush()
"""


class RsWorker:
    """rouge-score-rs ``score_batch`` on a workload in a subprocess with ``RAYON_NUM_THREADS=threads``.

    ``run()`` scores the whole workload once there and returns (wall, cpu) seconds measured in the
    worker; the round trip around it costs well under a millisecond.
    """

    def __init__(self, workload: Workload, threads: int):
        env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
        self.proc = subprocess.Popen([sys.executable, "-c", _WORKER, str(threads)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=env)
        blob = pickle.dumps((workload.rouge_types, workload.use_stemmer, workload.references,
                             workload.predictions), protocol=pickle.HIGHEST_PROTOCOL)
        self.proc.stdin.write(struct.pack("<Q", len(blob)) + blob)
        self.proc.stdin.flush()

    def run(self) -> tuple[float, float]:
        self.proc.stdin.write(b"run\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"rouge-score-rs worker died (exit code {self.proc.wait()})")
        wall, cpu = line.split()
        return float(wall), float(cpu)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


def measure(fn, *, min_rounds: int = 3, max_rounds: int = 50, budget: float = 1.0) -> tuple[float, float, float]:
    """Time ``fn()`` over at least ``min_rounds`` calls (more while within ``budget`` seconds).

    Returns (min wall seconds, min process-CPU seconds, total CPU / total wall). CPU time counts
    every thread of the process, so it is a single-thread clock only for single-thread calls; it
    is what to trust on a machine that other processes keep busy (CPU/wall well below 1).
    """
    walls, cpus = [], []
    start, cpu_start = time.perf_counter(), time.process_time()
    while len(walls) < max_rounds and (len(walls) < min_rounds or time.perf_counter() - start < budget):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus), (time.process_time() - cpu_start) / (time.perf_counter() - start)


# -- pytest glue ----------------------------------------------------------------------------------
try:
    import pytest
except ImportError:  # report.py imports this module without needing pytest
    pytest = None

if pytest is not None:

    @pytest.fixture(scope="session")
    def workloads():
        if not data_available():
            pytest.skip(f"benchmark data not found under {DATA}")
        return load_workloads()

    @pytest.fixture(scope="session")
    def rs_worker():
        """The :class:`RsWorker` class (rouge-score-rs with another thread count, in a subprocess)."""
        return RsWorker

    @pytest.fixture
    def record_pairs(request, benchmark):
        """``record_pairs(package, threads, pairs[, baseline_group])``: label a benchmark for the
        pairs/s summary; ratios are against rouge-score in ``baseline_group`` (default: its own)."""

        def record(package: str, threads: int | None, pairs: int, baseline_group: str | None = None) -> None:
            benchmark.extra_info.update(package=package, threads=threads, pairs=pairs)
            request.config._ngramkit_pairs.append(
                (benchmark.group, package, threads, pairs, benchmark, baseline_group or benchmark.group))

        return record

    def pytest_configure(config):
        config._ngramkit_pairs = []

    def pytest_terminal_summary(terminalreporter, config):
        rows = []
        for group, package, threads, pairs, bench, base in getattr(config, "_ngramkit_pairs", []):
            stats = getattr(bench, "stats", None)
            if stats is None:
                continue
            rows.append((group, package, threads, pairs, pairs / stats.stats.min, pairs / stats.stats.median, base))
        if not rows:
            return
        order = {"rouge-score": 9, "rouge-score-rs": 5, "sacrebleu": 9}
        rows.sort(key=lambda r: (r[0], order.get(r[1], 0), r[1], r[2] or 0))
        tr = terminalreporter
        tr.section("pairs per second (pairs / min time; pairs / median time)")
        baseline = {r[0]: (r[1], r[4]) for r in rows if r[1] in ("rouge-score", "sacrebleu")}
        for group, package, threads, pairs, best, median, base in rows:
            ratio = ""
            if base in baseline and package != baseline[base][0]:
                ref_name, ref_rate = baseline[base]
                ratio = f"  x{best / ref_rate:,.0f} vs {ref_name}" + ("" if base == group else f" of '{base}'")
            thr = f"{threads} thr" if threads else ""
            tr.write_line(f"{group:<28} {package:<24} {thr:>6} {pairs:>7} pairs  {best:>14,.0f} /s "
                          f"(median {median:,.0f}){ratio}")
