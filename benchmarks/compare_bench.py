"""Paired significance tests: ngramkit.compare vs sacrebleu's PairedTest, and ngramkit at scale.

    python benchmarks/compare_bench.py                 # both parts, sacrebleu's defaults
    python benchmarks/compare_bench.py --part paired   # WMT23 en-de, every system, bs and ar
    python benchmarks/compare_bench.py --part scale --pairs 1000000 --samples 1000

Part "paired": the five WMT23 en-de systems with BLEU and chrF, sacrebleu's default sample counts
(1000 resamples, 10000 trials), in one run; every number is checked equal first, then the wall
times and their ratio are printed. Part "scale": DialogSum repeated to --pairs pairs, three systems,
ROUGE + BLEU + chrF, --samples bootstrap resamples: scoring time, test time and peak RSS (sacrebleu
would need an (n_samples, n_pairs, k) float32 matrix per system there: 40 GB for BLEU at 1 M pairs).
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import ngramkit
from ngramkit.ingest.threads import default_threads

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


def paired(n_bs: int, n_ar: int, threads: int) -> None:
    from sacrebleu.metrics import BLEU, CHRF
    from sacrebleu.significance import PairedTest

    root = DATA / "wmt23" / "txt"
    ref = _lines(root / "references" / "generaltest2023.en-de.ref.refA.de")
    systems = {p.name.split(".hyp.")[1][:-3]: _lines(p)
               for p in sorted((root / "system-outputs").glob("generaltest2023.en-de.hyp.*"))}
    print(f"WMT23 en-de: {len(ref)} segments, {len(systems)} systems, BLEU + chrF")
    for test, n in (("bs", n_bs), ("ar", n_ar)):
        t = time.perf_counter()
        _, theirs = PairedTest(list(systems.items()), {"BLEU": BLEU(), "chrF": CHRF()}, [ref], test_type=test,
                               n_samples=n)()
        t_sacrebleu = time.perf_counter() - t
        t = time.perf_counter()
        ours = ngramkit.compare(systems, ref, metrics=("bleu", "chrf"), test=test, n_samples=n, threads=threads)
        t_ours = time.perf_counter() - t
        for key, metric in (("BLEU", "BLEU"), ("chrF2", "chrF2")):
            for name, r in zip(systems, theirs[key]):
                row = ours.row(name, metric)
                assert row["score"] == r.score, (test, key, name)
                assert (r.p_value is None) or row["p_value"] == r.p_value, (test, key, name)
                assert (r.mean is None) or (row["mean"] == r.mean and row["ci"] == r.ci), (test, key, name)
        print(f"  {test} n={n}: sacrebleu PairedTest {t_sacrebleu:7.2f} s   ngramkit.compare {t_ours:6.2f} s "
              f"(threads={threads})   ratio {t_sacrebleu / t_ours:5.1f}x   (all numbers equal)")


def scale(n_pairs: int, n_samples: int, threads: int, metrics: list[str]) -> None:
    d = DATA / "dialogsum"
    hyp = _lines(d / "bart_baseline.test.hyp.txt")[:500]
    ref1, ref3 = _lines(d / "test.ref1.txt")[:500], _lines(d / "test.ref3.txt")[:500]
    reps = -(-n_pairs // 500)
    systems = {"bart": (hyp * reps)[:n_pairs], "human3": (ref3 * reps)[:n_pairs],
               "lead": ([t[: len(t) // 2] for t in hyp] * reps)[:n_pairs]}
    refs = (ref1 * reps)[:n_pairs]
    timings = {}
    compare_module = sys.modules["ngramkit.comparison.compare"]
    original = compare_module.paired_test

    def timed_test(*args, **kwargs):
        t0 = time.perf_counter()
        out = original(*args, **kwargs)
        timings["test"] = time.perf_counter() - t0
        return out

    compare_module.paired_test = timed_test  # to time the test apart from the scoring
    try:
        t = time.perf_counter()
        result = ngramkit.compare(systems, refs, metrics=metrics, n_samples=n_samples, threads=threads)
        total = time.perf_counter() - t
    finally:
        compare_module.paired_test = original
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"scale: {n_pairs} pairs x 3 systems, {'+'.join(metrics)} ({len(result.metrics)} rows), "
          f"{n_samples} bootstrap resamples, threads={threads}")
    print(f"  total {total:.1f} s = scoring {total - timings['test']:.1f} s + paired bootstrap {timings['test']:.1f} s; "
          f"peak RSS {rss:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("paired", "scale", "both"), default="both")
    parser.add_argument("--bs", type=int, default=1000, help="bootstrap resamples for part paired")
    parser.add_argument("--ar", type=int, default=10000, help="randomization trials for part paired")
    parser.add_argument("--pairs", type=int, default=1_000_000, help="pairs for part scale")
    parser.add_argument("--samples", type=int, default=1000, help="resamples for part scale")
    parser.add_argument("--metrics", default="rouge,bleu,chrf", help="metrics for part scale")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    threads = args.threads or default_threads()
    if args.part in ("paired", "both"):
        paired(args.bs, args.ar, threads)
    if args.part in ("scale", "both"):
        scale(args.pairs, args.samples, threads, args.metrics.split(","))


if __name__ == "__main__":
    main()
