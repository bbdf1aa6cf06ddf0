"""This checkout's ngramkit against another build of it (an older commit, built in place), head to
head in one run: BLEU, sentence BLEU, chrF and chrF++ on the 2,785 WMT23 en-de pairs, and ROUGE-1/2/L
(default tokenizer, ``use_stemmer``, ``tokenize="13a"``) on DialogSum, one thread, CPU time.

    git worktree add --detach /tmp/old 58ffa8e && (cd /tmp/old && python setup.py build_ext --inplace)
    python benchmarks/versus_build.py --other /tmp/old/src [--rounds 2]

Each round times every workload in a fresh process per build, the builds alternating, so both see
the same machine; each cell is the best of ~30 calls. A workload the other build lacks is skipped.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORKLOADS = ("bleu", "sentence_bleu", "chrf", "chrf++", "rouge", "rouge stemmer", "rouge 13a")

_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import mt_workloads as mt
import report_issue23 as r
import ngramkit
h, rr = r.wmt_de_pairs()
ds = mt.load()["dialogsum"]
dh, dr = ds.hypotheses, ds.references
R = ["rouge1", "rouge2", "rougeL"]
calls = {
    "bleu": (len(h), lambda: ngramkit.bleu(h, rr, threads=1)),
    "sentence_bleu": (len(h), lambda: ngramkit.sentence_bleu(h, rr, threads=1)),
    "chrf": (len(h), lambda: ngramkit.chrf(h, rr, threads=1)),
    "chrf++": (len(h), lambda: ngramkit.chrf(h, rr, word_order=2, threads=1)),
    "rouge": (len(dh), lambda: ngramkit.rouge(dh, dr, R, threads=1)),
    "rouge stemmer": (len(dh), lambda: ngramkit.rouge(dh, dr, R, threads=1, use_stemmer=True)),
    "rouge 13a": (len(dh), lambda: ngramkit.rouge(dh, dr, R, threads=1, tokenize="13a")),
}
out = {}
for name in sys.argv[2:]:
    n, call = calls[name]
    try:
        call()
    except TypeError:
        continue  # an option this build lacks
    best = float("inf")
    for _ in range(30):
        t = time.process_time()
        call()
        best = min(best, time.process_time() - t)
    out[name] = n / best
print(json.dumps(out))
"""


def rates(src: Path, names: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src), "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(HERE), *names], env=env, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--other", required=True, type=Path, help="the other build's src/ directory")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    here = HERE.parent / "src"
    if not (args.other / "ngramkit").is_dir():
        parser.error(f"--other: no ngramkit package in {args.other}")
    print(f"this build: {here}; other: {args.other}; load {os.getloadavg()[0]:.2f}")
    print("| workload | round | this build /s | other /s | ratio |")
    print("|---|---:|---:|---:|---:|")
    for k in range(args.rounds):
        for name in WORKLOADS:
            ours, theirs = rates(here, [name]), rates(args.other, [name])
            if name in ours and name in theirs:
                print(f"| {name} | {k + 1} | {ours[name]:,.0f} | {theirs[name]:,.0f} | {ours[name] / theirs[name]:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
