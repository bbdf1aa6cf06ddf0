"""Plain-timing version of the benchmark suite: prints markdown tables for the project README.

    python benchmarks/report.py                # from the repo root; under a minute
    python benchmarks/report.py --clock cpu    # single-thread rates from CPU time (busy machine)

Same workloads as test_bench_rouge.py (defined in conftest.py). Before timing, ngramkit's scores
on each workload are checked to be bit-identical to rouge-score's (1 and 2 threads); a mismatch
is printed and the script exits with status 1.

Timing: ngramkit and rouge-score-rs, the fastest of repeated calls over the whole workload (at
least 3 calls, more within ``--budget`` seconds). rouge-score (pure Python): passes over the
workload's unique pairs (the first pass produces the reference scores for the check; repeated,
up to 3 passes, while a pass takes under a second); fastest pass. rouge-score-rs runs
``score_batch`` in a subprocess started with ``RAYON_NUM_THREADS=1`` (or 2), timed inside it.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import conftest as bench  # noqa: E402  (the workloads; also sets RAYON_NUM_THREADS=1 here)

ROWS = [  # (workload key, ngramkit input, label)
    ("dialogsum_text", "text", "DialogSum, rouge1+2+L, text"),
    ("dialogsum_ids", "ids", "DialogSum, rouge1+2+L, token ids (TokenBatch) †"),
    ("dialogsum_ids", "lists", "DialogSum, rouge1+2+L, token ids (list[list[int]]) †"),
    ("long_rougeL", "text", "Long texts (≥500 tokens each side), rougeL"),
    ("dialogsum_stem", "text", "DialogSum, rouge1+2+L, use_stemmer=True"),
    ("realsumm_lsum", "text", "REALSumm multi-sentence, rougeLsum"),
]


def peer_key(key: str) -> str:
    return "dialogsum_text" if key == "dialogsum_ids" else key  # the peers have no token-id input


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def busy_seconds() -> float | None:
    """CPU seconds all processes of the machine have used so far (from /proc/stat), or None."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        ticks = [int(x) for x in fields]
        busy = sum(ticks[:8]) - ticks[3] - ticks[4]  # all but idle and iowait (guest time is in user)
        return busy / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def own_seconds() -> float:
    t = os.times()  # this process and its waited-for children (the rouge-score-rs workers)
    return t.user + t.system + t.children_user + t.children_system


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


class Rate:
    """Pairs per second by wall clock and by CPU clock, and CPU/wall utilization."""

    def __init__(self, pairs: int, wall: float, cpu: float, util: float):
        self.wall, self.cpu, self.util = pairs / wall, pairs / max(cpu, 1e-9), util

    def get(self, clock: str) -> float:
        return self.cpu if clock == "cpu" else self.wall


def rouge_score_rate(w) -> Rate:
    w.reference_scores()
    wall, cpu = w.reference_seconds
    walls, cpus = [wall], [cpu]
    scorer = w.rouge_score_scorer()
    while len(walls) < 3 and min(walls) < 1.0:
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(w.unique):
            scorer.score(w.references[i], w.predictions[i])
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return Rate(w.unique, min(walls), min(cpus), sum(cpus) / sum(walls))


def rs_rate(w, threads: int, budget: float) -> Rate:
    worker = bench.RsWorker(w, threads)
    try:
        worker.run()  # warm-up: builds the worker's thread pool
        runs = []
        start = time.perf_counter()
        while len(runs) < 3 or (time.perf_counter() - start < budget and len(runs) < 50):
            runs.append(worker.run())
    finally:
        worker.close()
    return Rate(w.pairs, min(r[0] for r in runs), min(r[1] for r in runs),
                sum(r[1] for r in runs) / sum(r[0] for r in runs))


def fmt(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return "—"
    return f"{a / b:,.0f}×" if a / b >= 10 else f"{a / b:.1f}×"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="clock of the single-thread table (the multi-thread table is always wall)")
    parser.add_argument("--budget", type=float, default=1.0, help="seconds of repeated calls per measurement")
    parser.add_argument("--threads", type=int, default=2, help="thread count of the multi-thread table (1: skip)")
    args = parser.parse_args()
    if not bench.data_available():
        print(f"benchmark data not found under {bench.DATA}", file=sys.stderr)
        return 2

    import ngramkit

    has_rs = importlib.util.find_spec("rouge_score_rs") is not None
    load_start = os.getloadavg()
    run_start, busy_start, own_start = time.perf_counter(), busy_seconds(), own_seconds()
    workloads = bench.load_workloads()
    thread_counts = [1] + ([args.threads] if args.threads > 1 else [])
    failures = []
    ngk: dict[tuple, Rate] = {}
    baseline: dict[str, Rate] = {}
    rs: dict[tuple, Rate] = {}
    for key, source, label in ROWS:
        w = workloads[key]
        print(f"... {label}", file=sys.stderr)
        try:
            for threads in thread_counts:
                w.assert_exact(w.run_ngramkit(threads, source), f"ngramkit ({source}, {threads} threads)")
        except AssertionError as err:
            failures.append(f"{label}: {err}")
            continue
        for threads in thread_counts:
            ngk[(key, source, threads)] = Rate(w.pairs, *bench.measure(lambda: w.run_ngramkit(threads, source),
                                                                       budget=args.budget))
        pk = peer_key(key)
        if pk not in baseline:
            baseline[pk] = rouge_score_rate(workloads[pk])
            for threads in thread_counts if has_rs else ():
                rs[(pk, threads)] = rs_rate(workloads[pk], threads, args.budget)
    load_end = os.getloadavg()
    busy_end = busy_seconds()
    others = None  # average number of cores other processes kept busy during the run
    if busy_start is not None and busy_end is not None:
        others = max(0.0, (busy_end - busy_start) - (own_seconds() - own_start)) / (time.perf_counter() - run_start)

    clock = args.clock
    print(f"### Single thread: pairs/s by {clock} clock (higher is better)\n")
    print("| workload | pairs | ngramkit | rouge-score | rouge-score-rs | ngramkit ÷ rouge-score | ngramkit ÷ rouge-score-rs |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for key, source, label in ROWS:
        w = workloads[key]
        n, b, r = ngk.get((key, source, 1)), baseline.get(peer_key(key)), rs.get((peer_key(key), 1))
        n, b, r = (x.get(clock) if x else None for x in (n, b, r))
        print(f"| {label} | {w.pairs:,} ({w.unique:,} unique) | {fmt(n)} | {fmt(b)} | {fmt(r)} | "
              f"{ratio(n, b)} | {ratio(n, r)} |")
    print()
    print("† ngramkit scores token ids from `ngramkit.tokenize` (tokenizing not timed); rouge-score and "
          "rouge-score-rs have no token-id input, so their columns repeat their DialogSum text numbers.  ")
    print("ngramkit: `ngramkit.rouge(..., threads=1)` on the whole batch. rouge-score: `RougeScorer.score` "
          "per pair over the unique pairs. rouge-score-rs: `RougeScorer.score_batch` in a process with "
          "`RAYON_NUM_THREADS=1`.  ")
    print("Before timing, every ngramkit score was checked bit-identical to rouge-score's.")

    if args.threads > 1:
        t = args.threads
        print(f"\n### {t} threads: pairs/s by wall clock; speed-up over 1 thread; CPU time ÷ wall time\n")
        print(f"| workload | ngramkit {t} thr | speed-up | CPU/wall | rouge-score-rs {t} thr | speed-up | CPU/wall |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for key, source, label in ROWS:
            n1, n2 = ngk.get((key, source, 1)), ngk.get((key, source, t))
            r1, r2 = (None, None) if key == "dialogsum_ids" else (rs.get((key, 1)), rs.get((key, t)))
            print(f"| {label} | {fmt(n2 and n2.wall)} | {ratio(n2 and n2.wall, n1 and n1.wall)} | "
                  f"{n2.util:.2f} | " if n2 else f"| {label} | — | — | — | ", end="")
            print(f"{fmt(r2.wall)} | {ratio(r2.wall, r1.wall)} | {r2.util:.2f} |" if r2 and r1 else "— | — | — |")
        one = [f"{v.util:.2f}" for k, v in ngk.items() if k[2] == 1]
        one_rs = [f"{v.util:.2f}" for k, v in rs.items() if k[1] == 1]
        print(f"\nCPU/wall of the single-thread runs (1.00 = had a core to itself): ngramkit {', '.join(one)}; "
              f"rouge-score-rs {', '.join(one_rs)}.")

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print("\n### Machine\n")
    print(f"- CPU: {cpu_model()}; nproc {affinity} (os.cpu_count {os.cpu_count()})")
    single = [v.util for k, v in ngk.items() if k[2] == 1] + [v.util for k, v in rs.items() if k[1] == 1]
    busy = (bool(single) and min(single) < 0.9) or (others is not None and others > 0.25)
    print(f"- other processes kept {'?' if others is None else f'{others:.2f}'} cores busy on average during "
          f"the run; load average (1 min) before / after: {load_start[0]:.2f} / {load_end[0]:.2f}"
          + ("  — **busy machine**: rates are low and noisy (2-thread rows especially); rerun on an idle "
             "machine or compare `--clock cpu`" if busy else ""))
    print(f"- Python {platform.python_version()} on {platform.system()} {platform.release()}")
    print(f"- ngramkit {ngramkit.__version__}, rouge-score {version('rouge-score')}, "
          f"rouge-score-rs {version('rouge-score-rs')}, numpy {version('numpy')}, nltk {version('nltk')}")

    if failures:
        print("\n### ngramkit differs from rouge-score (these rows were not timed)\n")
        for f in failures:
            print(f"- {f}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
