"""TER: ngramkit vs sacrebleu in one run; prints a markdown table of pairs/s and ratios.

    python benchmarks/report_ter.py              # from the repo root; ~2 minutes on a quiet core
    python benchmarks/report_ter.py --clock cpu  # single-thread rates from CPU time (busy machine)

Workload: WMT23 en-de news segments (every system's segments whose hypothesis and reference are
under 300 characters; sacrebleu's pure-Python TER takes minutes on paragraphs), against refA (one
reference) and refA plus another system's output (two references). Every ngramkit result is checked
equal to sacrebleu's before it is timed. Rows: corpus TER (threads=1 vs sacrebleu; threads=2 vs
threads=1), sentence TER of every pair, and the degenerate worst cases: a phrase repeated 200 times,
and a 5,000-word pair (time, and peak RSS of a fresh process computing it).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mt_workloads as mt  # noqa: E402
from timing import best, timer  # noqa: E402

SHORT = 300


def news(two_references: bool):
    """(hypotheses, per-hypothesis reference lists) of WMT23 en-de short segments, every system."""
    root = mt.DATA / "wmt23" / "txt"
    ref = mt._lines(root / "references" / "generaltest2023.en-de.ref.refA.de")
    systems = [mt._lines(p) for p in sorted((root / "system-outputs").glob("generaltest2023.en-de.hyp.*"))]
    hyps, refs = [], []
    for k, hyp in enumerate(systems):
        other = systems[(k + 1) % len(systems)]
        for i, (h, r) in enumerate(zip(hyp, ref)):
            if 0 < len(h) < SHORT and 0 < len(r) < SHORT and 0 < len(other[i]) < SHORT:
                hyps.append(h)
                refs.append([r, other[i]] if two_references else [r])
    return hyps, refs


def streams(refs):
    return [list(s) for s in zip(*refs)]


BUDGET = 3.0  # seconds of repeated calls per timed row

PEAK_RSS = """
import resource, sys, time, ngramkit
words = [f"w{i % 997}" for i in range(5000)]
hyp, ref = " ".join(words), " ".join(words[2500:] + words[:2500])
ngramkit.ter(["a b"], ["a c"], threads=1)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
result = ngramkit.ter([hyp], [ref], threads=1) if sys.argv[1] == "1" else None
took = time.perf_counter() - start
print(took, before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, result and result.num_edits)
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    args = parser.parse_args(argv)
    if not mt.data_available():
        print(f"shared data not found at {mt.DATA}", file=sys.stderr)
        return 1
    import ngramkit
    from sacrebleu.metrics.ter import TER

    metric = TER()
    print("| workload | what | pairs | ngramkit pairs/s | versus | its pairs/s | ratio |")
    print("|---|---|---:|---:|---|---:|---:|")

    def row(workload, what, n, ours, peer_name, peer):
        print(f"| {workload} | {what} | {n:,} | {n / ours:,.0f} | {peer_name} | {n / peer:,.0f} | "
              f"{peer / ours:,.1f}× |", flush=True)

    for two in (False, True):
        hyps, refs = news(two)
        label = f"WMT23 en-de news, {'two references' if two else 'one reference'}"
        start = timer(args.clock)()
        theirs = metric.corpus_score(hyps, streams(refs))
        t_sacre = timer(args.clock)() - start
        ours = ngramkit.ter(hyps, refs, threads=1)
        assert (ours.score, ours.num_edits, ours.ref_length) == (theirs.score, theirs.num_edits, theirs.ref_length)
        assert ngramkit.ter(hyps, refs, threads=2).score == theirs.score
        t1 = best(lambda: ngramkit.ter(hyps, refs, threads=1), args.clock, budget=BUDGET)
        row(label, "corpus TER, threads=1", len(hyps), t1, "sacrebleu", t_sacre)
        t1_wall = best(lambda: ngramkit.ter(hyps, refs, threads=1), "wall", budget=BUDGET)
        t2_wall = best(lambda: ngramkit.ter(hyps, refs, threads=2), "wall", budget=BUDGET)
        row(label, "corpus TER, threads=2 (wall clock)", len(hyps), t2_wall, "ngramkit threads=1 (wall clock)", t1_wall)
        if not two:
            head_h, head_r = hyps[:300], refs[:300]
            start = timer(args.clock)()
            want = [metric.sentence_score(h, r).score for h, r in zip(head_h, head_r)]
            t_sent = timer(args.clock)() - start
            assert ngramkit.sentence_ter(head_h, head_r, threads=1).tolist() == want
            t_ours = best(lambda: ngramkit.sentence_ter(hyps, refs, threads=1), args.clock, budget=BUDGET)
            row(label, "sentence TER of every pair, threads=1", len(hyps), t_ours, "sacrebleu (300 pairs)",
                t_sent * len(hyps) / len(head_h))

    hyp = "the cat sat on the mat . " * 200
    ref = "a cat sat on a mat . " * 200
    start = timer(args.clock)()
    want = metric.sentence_score(hyp, [ref]).score
    t_sacre = timer(args.clock)() - start
    assert ngramkit.sentence_ter([hyp], [ref])[0] == want
    t_ours = best(lambda: ngramkit.ter([hyp], [ref], threads=1), args.clock, budget=BUDGET)
    row("a phrase repeated 200 times (1,400 words)", "TER of one pair", 1, t_ours, "sacrebleu", t_sacre)
    worst_h, worst_r = "the model says the same thing again . " * 200, "again the same thing . " * 120
    t_worst = best(lambda: ngramkit.ter([worst_h], [worst_r], threads=1), args.clock, rounds=1, budget=0)
    print(f"\nWorst case seen: a 1,600-word repetition against a 600-word one of other phrases (1,000 shift "
          f"candidates, each a 1,600-row band): {t_worst:.2f} s (sacrebleu: ~190 s, not run)")
    out = subprocess.run([sys.executable, "-c", PEAK_RSS, "1"], capture_output=True, text=True, check=True).stdout.split()
    print(f"5,000-word pair (rotated by 2,500 words, 997-word vocabulary), threads=1: {float(out[0]):.2f} s, "
          f"{out[3]} edits; peak RSS {int(out[1]) / 1024:.1f} MiB before it, {int(out[2]) / 1024:.1f} MiB after "
          f"(a full 5,000 x 5,000 table of int64 would be 191 MiB; sacrebleu not run: minutes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
