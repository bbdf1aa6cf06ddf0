"""Issue 7 / issue 10 rows in one run, as ratios: threads (1 vs 2) for every metric, token ids
from a TokenBatch on one thread, peak memory of the text path, long documents vs rouge-score-rs.

    python benchmarks/report_scale.py                  # 1,000,000 DialogSum pairs, 3 repetitions
    python benchmarks/report_scale.py --pairs 200000 --repeat 1 --rows threads,ids

Every row is measured ``--repeat`` times; the table shows the median (and the spread). Within a
repetition the two sides of a ratio (1 and 2 threads; ngramkit and rouge-score-rs) run
interleaved, several times, and the fastest run of each counts. Before any
timing, ngramkit's ROUGE on the unique DialogSum pairs and long pairs is checked bit-identical to
rouge-score's, and every threaded result below is checked equal to the 1-thread one. On a shared
machine read the ``other load`` column: ratios measured while other processes hold the cores
understate the scaling. Each thread case waits (up to 2 minutes)
for an idle second first, and its row reports the CPU other processes used meanwhile (in cores).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import conftest as bench  # noqa: E402  (workloads; sets RAYON_NUM_THREADS=1 for in-process rouge-score-rs)

import numpy as np  # noqa: E402

import ngramkit  # noqa: E402

R12L = ["rouge1", "rouge2", "rougeL"]
TRIES = 3  # interleaved runs of the two sides of a ratio; the fastest of each counts


def busy_seconds() -> float:
    """CPU seconds all processes of the machine have used so far (from /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def own_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def load() -> float:
    """Cores' worth of CPU other processes used during the last measured step (see measured())."""
    return _other_load[0]


_other_load = [0.0]


def wait_idle(max_wait: float = 120.0) -> None:
    """Wait (up to max_wait s) for a second in which other processes use under 0.2 cores."""
    deadline = time.monotonic() + max_wait
    while time.monotonic() < deadline:
        busy, own = busy_seconds(), own_seconds()
        time.sleep(1.0)
        if (busy_seconds() - busy) - (own_seconds() - own) < 0.2:
            return


def measured(fn):
    """(wall seconds, result) of fn(); records the other processes' CPU use meanwhile (in cores)."""
    busy, own = busy_seconds(), own_seconds()
    wall, out = timed(fn)
    _other_load[0] = max(0.0, ((busy_seconds() - busy) - (own_seconds() - own)) / wall)
    return wall, out


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def same(a, b) -> bool:
    """Bit-identical results (numpy arrays, ROUGE/BLEU/chrF results)."""
    if isinstance(a, np.ndarray):
        return a.tobytes() == b.tobytes()
    if isinstance(a, ngramkit.RougeResult):
        return all(same(a[k].fmeasure, b[k].fmeasure) and same(a[k].statistics, b[k].statistics) for k in a)
    return a.to_dict() == b.to_dict()


def check_exact(hyp, ref, long_preds, long_refs) -> None:
    from rouge_score import rouge_scorer

    for preds, refs, types in ((hyp, ref, R12L), (long_preds, long_refs, R12L)):
        scorer = rouge_scorer.RougeScorer(types)
        got = ngramkit.rouge(preds, refs, types, threads=2)
        for i, (p, r) in enumerate(zip(preds, refs)):
            want = scorer.score(r, p)
            for t in types:
                assert tuple(got[t][i]) == tuple(want[t]), (i, t)


def thread_rows(n: int, hyp, ref) -> list[tuple[str, float, float, float]]:
    """(label, pairs/s 1 thread, pairs/s 2 threads, load) per metric and input kind."""
    reps = -(-n // len(hyp))
    preds, refs = (hyp * reps)[:n], (ref * reps)[:n]
    batch, _ = ngramkit.tokenize(preds + refs)
    rows = batch.to_lists()
    pred_rows, ref_rows = rows[:n], rows[n:]
    texts = preds + refs
    cases = [
        ("rouge1/2/L, text", lambda t: ngramkit.rouge(preds, refs, R12L, threads=t)),
        ("rouge1/2/L, list[list[int]]", lambda t: ngramkit.rouge(pred_rows, ref_rows, R12L, threads=t)),
        ("tokenize → TokenBatch, text", lambda t: ngramkit.tokenize(texts, threads=t)[0].ids),
        ("corpus BLEU, text", lambda t: ngramkit.bleu(preds, refs, threads=t)),
        ("sentence BLEU, text", lambda t: ngramkit.sentence_bleu(preds, refs, threads=t)),
        ("corpus chrF, text", lambda t: ngramkit.chrf(preds, refs, threads=t)),
        ("sentence chrF++, text", lambda t: ngramkit.sentence_chrf(preds, refs, word_order=2, threads=t)),
    ]
    out = []
    for label, fn in cases:
        wait_idle()
        t1 = t2 = float("inf")
        other = 0.0
        for _ in range(TRIES):  # interleaved, fastest of each: a burst of other load hits both alike
            wall, r1 = measured(lambda: fn(1))
            t1, other = min(t1, wall), max(other, load())
            wall, r2 = measured(lambda: fn(2))
            t2, other = min(t2, wall), max(other, load())
            assert same(r1, r2), f"{label}: 2 threads differ from 1"
        out.append((label, n / t1, n / t2, other))
        print(f"  {label}: {n / t1:,.0f} -> {n / t2:,.0f} pairs/s = {t1 / t2:.2f}x "
              f"(other processes: {other:.2f} cores)", flush=True)
    return out


def ids_row(n: int, hyp, ref) -> tuple[float, float]:
    """Best-of-3 pairs/s (wall, CPU) of rouge(TokenBatch) on one thread."""
    unique, _ = ngramkit.tokenize(hyp + ref)
    m = len(hyp)
    reps = -(-n // m)

    def tiled(lo: int, hi: int) -> ngramkit.TokenBatch:
        ids = unique.ids[unique.offsets[lo]:unique.offsets[hi]]
        lengths = np.tile(np.diff(unique.offsets[lo:hi + 1]), reps)[:n]
        offsets = np.zeros(n + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return ngramkit.TokenBatch(np.tile(ids, reps)[: offsets[-1]], offsets)

    preds, refs = tiled(0, m), tiled(m, 2 * m)
    best_wall = best_cpu = float("inf")
    for _ in range(3):
        cpu = time.process_time()
        wall, _ = timed(lambda: ngramkit.rouge(preds, refs, R12L, threads=1))
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, time.process_time() - cpu)
    print(f"  TokenBatch, 1 thread: {n / best_wall:,.0f} pairs/s (CPU clock {n / best_cpu:,.0f})", flush=True)
    return n / best_wall, n / best_cpu


MEMORY_CODE = """
import json, os, sys, threading
import ngramkit
PAGE = os.sysconf("SC_PAGE_SIZE")
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE
hyp, ref, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
hyp = open(hyp).read().split("\\n")[:500]; ref = open(ref).read().split("\\n")[:500]
reps = -(-n // len(hyp))
preds, refs = (hyp * reps)[:n], (ref * reps)[:n]
ngramkit.rouge(preds[:10], refs[:10], ["rouge1", "rouge2", "rougeL"])
base = peak = rss()
done = False
def sample():  # the kernels release the GIL, so this thread keeps sampling during the call
    global peak
    while not done:
        peak = max(peak, rss())
        threading.Event().wait(0.0005)
sampler = threading.Thread(target=sample)
sampler.start()
result = ngramkit.rouge(preds, refs, ["rouge1", "rouge2", "rougeL"], threads=int(sys.argv[4]))
done = True
sampler.join()
peak = max(peak, rss())
kept, size = set(), 0
for s in result.values():
    for a in (s.precision, s.recall, s.fmeasure, s.statistics):
        b = a if a.base is None else a.base
        if id(b) not in kept:
            kept.add(id(b))
            size += b.nbytes
print(json.dumps({"growth": peak - base, "kept": size}))
"""


def memory_row(n: int, threads: int) -> tuple[float, float]:
    """(peak RSS growth of one rouge() call on n text pairs, sampled every 0.5 ms, and the bytes of
    the results it keeps), in a fresh interpreter."""
    d = bench.DIALOGSUM
    out = subprocess.run([sys.executable, "-c", MEMORY_CODE, str(d / "bart_baseline.test.hyp.txt"),
                          str(d / "test.ref1.txt"), str(n), str(threads)],
                         capture_output=True, text=True, check=True, env=dict(os.environ))
    got = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"  memory: peak growth {got['growth'] / 2**20:.0f} MiB for {got['kept'] / 2**20:.0f} MiB of results "
          f"= {got['growth'] / got['kept']:.2f}x", flush=True)
    return got["growth"], got["kept"]


def long_rows(long_preds, long_refs, repeat: int = 10) -> list[tuple[str, float, float]]:
    """(types, ngramkit pairs/s, rouge-score-rs pairs/s), one thread each, fastest of 2 * TRIES."""
    from rouge_score_rs.rouge_scorer import RougeScorer

    preds, refs = long_preds * repeat, long_refs * repeat
    rows = []
    for types in (["rougeL"], R12L):
        rs = RougeScorer(types)
        best_nk = best_rs = float("inf")
        for _ in range(2 * TRIES):  # interleaved
            best_nk = min(best_nk, timed(lambda: ngramkit.rouge(preds, refs, types, threads=1))[0])
            best_rs = min(best_rs, timed(lambda: rs.score_batch(refs, preds))[0])
        n = len(preds)
        rows.append(("+".join(types), n / best_nk, n / best_rs))
        print(f"  long {'+'.join(types)}: ngramkit {n / best_nk:,.0f} vs rouge-score-rs {n / best_rs:,.0f} pairs/s "
              f"= {best_rs / best_nk:.2f}x", flush=True)
    return rows


def median_spread(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", default="threads,ids,memory,long")
    args = parser.parse_args()
    wanted = set(args.rows.split(","))
    if not bench.data_available():
        print("shared data not found", file=sys.stderr)
        return 1
    hyp, ref = bench._dialogsum_pairs()
    long_preds, long_refs = bench._long_pairs()
    check_exact(hyp, ref, long_preds, long_refs)
    print(f"exact: ngramkit == rouge-score on {len(hyp)} DialogSum and {len(long_preds)} long pairs", flush=True)

    threads, ids, memory, long = [], [], [], []
    for r in range(args.repeat):
        print(f"repetition {r + 1}/{args.repeat}", flush=True)
        if "threads" in wanted:
            threads.append(thread_rows(args.pairs, hyp, ref))
        if "ids" in wanted:
            ids.append(ids_row(args.pairs, hyp, ref))
        if "memory" in wanted:
            memory.append(memory_row(args.pairs, 2))
        if "long" in wanted:
            long.append(long_rows(long_preds, long_refs))

    print(f"\n{args.pairs:,} DialogSum pairs; median of {args.repeat} (min–max); machine: {os.cpu_count()} CPUs\n")
    print("| row | result |\n|---|---:|")
    if threads:
        for i, (label, *_rest) in enumerate(threads[0]):
            ratios = [rep[i][2] / rep[i][1] for rep in threads]
            one = statistics.median(rep[i][1] for rep in threads)
            two = statistics.median(rep[i][2] for rep in threads)
            loads = ", ".join(f"{rep[i][3]:.1f}" for rep in threads)
            print(f"| {label}: 2 threads vs 1 ({one:,.0f} → {two:,.0f} pairs/s; other load {loads}) | "
                  f"{median_spread(ratios)}× |")
    if ids:
        print(f"| TokenBatch rouge1/2/L, 1 thread, M pairs/s wall (CPU clock) | "
              f"{median_spread([w / 1e6 for w, _ in ids])} ({median_spread([c / 1e6 for _, c in ids])}) |")
    if memory:
        print(f"| text rouge1/2/L, peak RSS growth / results kept | {median_spread([g / k for g, k in memory])}× |")
    if long:
        for i, (types, *_rest) in enumerate(long[0]):
            print(f"| long documents {types}: ngramkit vs rouge-score-rs, 1 thread | "
                  f"{median_spread([rep[i][1] / rep[i][2] for rep in long])}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
