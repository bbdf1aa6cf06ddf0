"""Score matrices for MBR: ngramkit.pairwise_pools (chrF, chrF++, sentence BLEU) against
fastchrf.pairwise_chrf and a sacrebleu loop, one invocation, ratios printed.

    python benchmarks/pairwise_bench.py [--sources 24] [--candidates 64] [--sacrebleu-cells 3000]

Workload: ``--sources`` pools of ``--candidates`` WMT23 en-de system outputs each (pool s holds
the 5 systems' translations of sentence-length segment s, then of the segments after it, until
it is full: same-source candidates as in MBR plus nearby ones), every candidate against every candidate of
its pool (self-pairs included), 24 x 64 x 64 = 98,304 cells by default. Timings are the best of
3 calls. One thread: ``threads=1`` and RAYON_NUM_THREADS=1 for fastchrf (set before its import).
The sacrebleu loop (``sentence_chrf`` / ``BLEU(effective_order=True).sentence_score`` per cell) is
timed on ``--sacrebleu-cells`` sampled cells and extrapolated to the whole workload. ngramkit's
cells are checked equal to sacrebleu on the sampled cells (and to fastchrf's matrices).
The thread ratio is shown next to a control, the existing per-pair ``sentence_chrf`` kernel on
the same cells, because on a shared machine two threads may not get two cores, and next to the
ratio of CPU times (total work with 2 threads over 1).
Memory: the output (8 bytes per cell) plus, per pool being scored, each text's n-gram counts.
"""
from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

os.environ["RAYON_NUM_THREADS"] = "1"  # fastchrf on one thread: read when its pool starts

import fastchrf
import numpy as np
import sacrebleu

import ngramkit
from timing import timed




def candidate_pools(data: Path, n_sources: int, n_candidates: int) -> list[list[str]]:
    """Pool s: every en-de system's output for sentence-length segments (20-300 characters in
    every system), starting at the s-th such segment, until the pool holds n_candidates."""
    root = data / "wmt23" / "txt" / "system-outputs"
    systems = [p.read_text(encoding="utf-8").split("\n") for p in sorted(root.glob("generaltest2023.en-de.hyp.*"))]
    n_seg = min(len(s) for s in systems)
    segments = [k for k in range(n_seg) if all(20 <= len(s[k]) <= 300 for s in systems)]
    pools = []
    for start in range(n_sources):
        pool, k = [], start
        while len(pool) < n_candidates:
            pool += [s[segments[k % len(segments)]] for s in systems]
            k += 1
        pools.append(pool[:n_candidates])
    return pools


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=24)
    parser.add_argument("--candidates", type=int, default=64)
    parser.add_argument("--sacrebleu-cells", type=int, default=1000)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    pools = candidate_pools(args.data, args.sources, args.candidates)
    n_cells = sum(len(p) ** 2 for p in pools)
    chars = np.mean([len(t) for p in pools for t in p])

    t_fast, fast = timed(lambda: fastchrf.pairwise_chrf(pools, pools))
    t_chrf, chrf = timed(lambda: ngramkit.pairwise_pools(pools, None, "chrf", threads=1))
    t_chrf_given, chrf_given = timed(lambda: ngramkit.pairwise_pools(pools, pools, "chrf", threads=1))
    t_pp, chrfpp = timed(lambda: ngramkit.pairwise_pools(pools, None, "chrf", word_order=2, threads=1))
    t_bleu, bleu = timed(lambda: ngramkit.pairwise_pools(pools, None, "bleu", threads=1))
    t_two, chrf_two = timed(lambda: ngramkit.pairwise_pools(pools, None, "chrf", threads=2))
    t_pp_two, _ = timed(lambda: ngramkit.pairwise_pools(pools, None, "chrf", word_order=2, threads=2))
    cpu = {}
    for threads in (1, 2):
        start = time.process_time()
        ngramkit.pairwise_pools(pools, None, "chrf", threads=threads)
        cpu[threads] = time.process_time() - start
    flat_h = [h for p in pools for h in p for _ in p]
    flat_r = [r for p in pools for _ in p for r in p]
    t_ctl_one, _ = timed(lambda: ngramkit.sentence_chrf(flat_h, flat_r, threads=1))
    t_ctl_two, _ = timed(lambda: ngramkit.sentence_chrf(flat_h, flat_r, threads=2))
    assert all(np.array_equal(a, b) and np.array_equal(a, c) for a, b, c in zip(chrf, chrf_given, chrf_two))
    assert all(np.allclose(a, np.array(b), rtol=1e-12, atol=0) for a, b in zip(chrf, fast))

    rng = random.Random(0)
    sample = [(p, rng.randrange(len(pools[p])), rng.randrange(len(pools[p])))
              for p in (rng.randrange(len(pools)) for _ in range(args.sacrebleu_cells))]
    bleu_metric = sacrebleu.metrics.BLEU(effective_order=True)
    start = time.perf_counter()
    want_chrf = [sacrebleu.sentence_chrf(pools[p][i], [pools[p][j]]).score for p, i, j in sample]
    t_sacre = (time.perf_counter() - start) / len(sample) * n_cells
    start = time.perf_counter()
    want_pp = [sacrebleu.sentence_chrf(pools[p][i], [pools[p][j]], word_order=2).score for p, i, j in sample]
    t_sacre_pp = (time.perf_counter() - start) / len(sample) * n_cells
    start = time.perf_counter()
    want_bleu = [bleu_metric.sentence_score(pools[p][i], [pools[p][j]]).score for p, i, j in sample]
    t_sacre_bleu = (time.perf_counter() - start) / len(sample) * n_cells
    assert [chrf[p][i, j] for p, i, j in sample] == want_chrf
    assert [chrfpp[p][i, j] for p, i, j in sample] == want_pp
    assert [bleu[p][i, j] for p, i, j in sample] == want_bleu

    print(f"{len(pools)} sources x {args.candidates} x {args.candidates} candidates = {n_cells} cells, "
          f"WMT23 en-de outputs, {chars:.0f} characters on average")
    print(f"sacrebleu sentence_chrf loop   {t_sacre * 1e3:10.1f} ms   (extrapolated from {len(sample)} sampled cells)")
    print(f"fastchrf.pairwise_chrf         {t_fast * 1e3:10.1f} ms")
    print(f"ngramkit chrF, 1 thread        {t_chrf * 1e3:10.1f} ms   {t_fast / t_chrf:6.2f}x fastchrf  "
          f"{t_sacre / t_chrf:7.0f}x sacrebleu")
    print(f"ngramkit chrF, refs given      {t_chrf_given * 1e3:10.1f} ms   {t_fast / t_chrf_given:6.2f}x fastchrf  "
          "(references passed explicitly: no symmetry used)")
    print(f"ngramkit chrF++, 1 thread      {t_pp * 1e3:10.1f} ms   {t_fast / t_pp:6.2f}x fastchrf's chrF  "
          f"{t_sacre_pp / t_pp:7.0f}x sacrebleu chrF++ ({t_sacre_pp * 1e3:.0f} ms extrapolated)")
    print(f"ngramkit BLEU, 1 thread        {t_bleu * 1e3:10.1f} ms   {t_fast / t_bleu:6.2f}x fastchrf's chrF  "
          f"{t_sacre_bleu / t_bleu:7.0f}x sacrebleu sentence BLEU ({t_sacre_bleu * 1e3:.0f} ms extrapolated)")
    print(f"ngramkit chrF, 2 threads       {t_two * 1e3:10.1f} ms   {t_chrf / t_two:6.2f}x one thread "
          f"(chrF++: {t_pp / t_pp_two:.2f}x)")
    print(f"control: sentence_chrf pairs   {t_ctl_one * 1e3:10.1f} ms   2 threads {t_ctl_one / t_ctl_two:.2f}x one "
          "(what this machine gives two threads now)")
    print(f"CPU time, chrF 2 threads / 1   {cpu[2] / cpu[1]:10.2f}      (1.00: the work splits with no serial overhead)")
    print(f"output {n_cells * 8 / 1e6:.1f} MB float64")


if __name__ == "__main__":
    main()
