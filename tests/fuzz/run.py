"""Run the atheris fuzz targets of tests/fuzz/targets.py, each for a bounded time.

    python -m tests.fuzz.run --seconds 60                 # every target, 60 s each
    python -m tests.fuzz.run --targets rouge_text --seconds 3600   # a longer run of one target
    python -m tests.fuzz.run --runs 2000                  # a bounded number of inputs instead

Run from the repository root (ngramkit installed, or ``PYTHONPATH=src``), with the test extra
installed (atheris, rouge-score, sacrebleu). Each target runs in its own process, starting from the
seed corpus in ``tests/fuzz/corpus/<target>/`` (read-only; new inputs go to a temporary directory).
A failing input is saved as ``crash-*`` in ``--artifacts`` (default: a temporary directory) and
the run exits non-zero; reproduce it with ``python -m tests.fuzz.run --targets NAME --reproduce FILE``.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TARGET_NAMES = ["rouge_text", "rouge_ids", "sacrebleu_tokenizers", "bleu_chrf", "ter"]


def _child(name: str, seconds: float | None, runs: int | None, artifacts: str, reproduce: str | None) -> None:
    import atheris

    with atheris.instrument_imports(include=["ngramkit", "rouge_score", "sacrebleu", "tests"]):
        from tests.fuzz import targets
    target = targets.TARGETS[name]
    if reproduce:
        with open(reproduce, "rb") as f:
            target(f.read())
        print(f"{name}: {reproduce} passes")
        return
    work = tempfile.mkdtemp(prefix=f"ngramkit-fuzz-{name}-")
    args = [sys.argv[0], f"-artifact_prefix={os.path.join(artifacts, name)}-", "-rss_limit_mb=4096",
            "-max_len=2048", "-timeout=60", "-print_final_stats=1"]
    if seconds is not None:
        args.append(f"-max_total_time={int(max(1, seconds))}")
    if runs is not None:
        args.append(f"-runs={runs}")
    args += [work, os.path.join(HERE, "corpus", name)]
    atheris.Setup(args, target)
    atheris.Fuzz()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", default=",".join(TARGET_NAMES), help="comma-separated target names")
    parser.add_argument("--seconds", type=float, default=None, help="time per target (default 10 s)")
    parser.add_argument("--runs", type=int, default=None, help="inputs per target instead of a time bound")
    parser.add_argument("--artifacts", default=None, help="directory for failing inputs")
    parser.add_argument("--reproduce", default=None, help="run one saved input through the target")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seconds is None and args.runs is None:
        args.seconds = 10.0
    artifacts = args.artifacts or tempfile.mkdtemp(prefix="ngramkit-fuzz-artifacts-")
    if args.child:
        _child(args.child, args.seconds, args.runs, artifacts, args.reproduce)
        return 0
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris is not installed: pip install atheris (or pip install '.[test]')", file=sys.stderr)
        return 2
    names = [n for n in args.targets.split(",") if n]
    unknown = sorted(set(names) - set(TARGET_NAMES))
    if unknown:
        parser.error(f"--targets: unknown {unknown}; known: {TARGET_NAMES}")
    failed = []
    for name in names:
        cmd = [sys.executable, "-m", "tests.fuzz.run", "--child", name, "--artifacts", artifacts]
        if args.seconds is not None:
            cmd += ["--seconds", str(args.seconds)]
        if args.runs is not None:
            cmd += ["--runs", str(args.runs)]
        if args.reproduce:
            cmd += ["--reproduce", args.reproduce]
        start = time.monotonic()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        took = time.monotonic() - start
        stats = [ln for ln in proc.stderr.splitlines() if ln.startswith(("stat::number_of_executed_units", "Done"))]
        print(f"{name}: exit {proc.returncode} in {took:.1f} s {' '.join(stats)}")
        if proc.returncode != 0:
            failed.append(name)
            print(proc.stdout[-5000:])
            print(proc.stderr[-8000:], file=sys.stderr)
    if failed:
        print(f"FAILED: {failed}; failing inputs in {artifacts}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
