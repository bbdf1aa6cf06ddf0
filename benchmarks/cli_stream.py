"""Benchmark: `ngramkit score` streaming a many-million-pair file (DialogSum repeated), beside
sacrebleu's and rouge-score's own command lines on a 100,000-pair slice.

    python benchmarks/cli_stream.py [--pairs 10000000] [--slice 100000] [--workdir /tmp/ngramkit-bench]

Reports pairs/s and the peak RSS of each child process (resource.getrusage(RUSAGE_CHILDREN) after
each run, one child at a time). Needs ../shared/data (or NGRAMKIT_SHARED_DATA).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("NGRAMKIT_SHARED_DATA", ROOT.parent / "shared" / "data")) / "dialogsum"


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def repeat_to(path: Path, base: list[str], n: int) -> None:
    block = ("\n".join(base) + "\n").encode()
    with open(path, "wb") as f:
        for _ in range(n // len(base)):
            f.write(block)
        f.write(("\n".join(base[: n % len(base)]) + "\n").encode() if n % len(base) else b"")


def measure(cmd: list[str], n_pairs: int, label: str, stdout=subprocess.DEVNULL) -> dict:
    """Run one child; wall time and its peak RSS (ru_maxrss of the children reaped so far is a max,
    so each command runs in a fresh `python -c` wrapper that reports its own child's)."""
    wrapper = ("import resource,subprocess,sys,time;t=time.perf_counter();"
               "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);"
               "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, check=True)
    seconds, rss_kb, rc = out.stdout.split()
    if rc != "0":
        raise SystemExit(f"{label}: exit {rc}")
    row = {"what": label, "pairs": n_pairs, "seconds": float(seconds), "pairs_per_s": n_pairs / float(seconds),
           "peak_rss_mb": int(rss_kb) / 1024}
    print(f"{label:<58} {n_pairs:>10,} pairs {float(seconds):8.1f} s {row['pairs_per_s']:>10,.0f} pairs/s "
          f"{row['peak_rss_mb']:7.0f} MB", flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=10_000_000)
    ap.add_argument("--slice", type=int, default=100_000)
    ap.add_argument("--workdir", default="/tmp/ngramkit-bench")
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    hyp, ref = lines(DATA / "bart_baseline.test.hyp.txt"), lines(DATA / "test.ref1.txt")[:500]
    for n in (args.pairs, args.slice):
        if not (work / f"hyp.{n}.txt").exists():
            repeat_to(work / f"hyp.{n}.txt", hyp, n)
            repeat_to(work / f"ref.{n}.txt", ref, n)
    env_py = [sys.executable, "-m", "ngramkit", "score", "--quiet", "--metrics", "rouge,bleu"]
    for n in (args.slice, args.pairs):
        measure(env_py + ["--hyp", str(work / f"hyp.{n}.txt"), "--ref", str(work / f"ref.{n}.txt")], n,
                "ngramkit score --metrics rouge,bleu")
    s = args.slice
    if shutil.which("sacrebleu"):
        measure(["sh", "-c", f"sacrebleu {work}/ref.{s}.txt -i {work}/hyp.{s}.txt -m bleu"], s, "sacrebleu -m bleu")
    # rouge-score's command line (rouge_score.rouge: absl flags, writes a CSV of every pair + aggregate)
    measure([sys.executable, "-m", "rouge_score.rouge", f"--target_filepattern={work}/ref.{s}.txt",
             f"--prediction_filepattern={work}/hyp.{s}.txt", f"--output_filename={work}/rouge_score_out.csv",
             "--rouge_types=rouge1,rouge2,rougeL"], s, "python -m rouge_score.rouge (rouge1,rouge2,rougeL)")


if __name__ == "__main__":
    main()
