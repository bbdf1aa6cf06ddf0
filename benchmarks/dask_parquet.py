"""Benchmark: many million (prediction, reference) pairs from Parquet, scored end to end by one
process (``ngramkit score`` over the Parquet file) and by ``ngramkit.dask.score`` on a
``LocalCluster`` (2 worker processes x 1 thread); the two corpus results must be equal.

    python benchmarks/dask_parquet.py [--pairs 10000000] [--metrics rouge,bleu] [--row-group 100000]
                                      [--workdir /tmp/ngramkit-dask-bench]

The pairs are DialogSum's 500 BART outputs and first references repeated. Reports wall seconds
(reading included; cluster start-up excluded, printed apart), pairs/s and peak RSS: of the CLI
process (``RUSAGE_CHILDREN``, measured before any worker exists), of each worker process and of
the driver (each its own ``ru_maxrss``). Needs ../shared/data (or NGRAMKIT_SHARED_DATA), dask,
distributed, pyarrow.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("NGRAMKIT_SHARED_DATA", ROOT.parent / "shared" / "data")) / "dialogsum"


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def write_parquet(path: Path, n: int, row_group: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    hyp, ref = lines(DATA / "bart_baseline.test.hyp.txt"), lines(DATA / "test.ref1.txt")[:500]
    reps = -(-row_group // len(hyp))
    block = pa.table({"prediction": hyp * reps, "reference": ref * reps})
    with pq.ParquetWriter(path, block.schema) as writer:
        done = 0
        while done < n:  # row groups start at multiples of 500, so every one holds the same pairs
            size = min(row_group, n - done)
            writer.write_table(block.slice(0, size), row_group_size=row_group)
            done += size


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_cli(path: Path, metrics: str) -> tuple[dict, float, float]:
    cmd = [sys.executable, "-m", "ngramkit", "score", "--hyp", str(path), "--hyp-col", "prediction",
           "--ref-col", "reference", "--metrics", metrics, "--format", "json", "--quiet"]
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    return json.loads(out.stdout), seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_dask(path: Path, metrics: str, workers: int) -> tuple[dict, float, dict, float]:
    import dask.dataframe as dd
    import distributed

    import ngramkit.dask

    src = str(Path(ngramkit.__file__).resolve().parents[1])
    env = {"PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p)}
    start = time.perf_counter()
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                  env=env) as cluster, distributed.Client(cluster) as client:
        print(f"cluster start-up: {time.perf_counter() - start:.1f} s", flush=True)
        start = time.perf_counter()
        frame = dd.read_parquet(str(path), columns=["prediction", "reference"], split_row_groups=True)
        _, corpus = ngramkit.dask.score(frame, metrics.split(","))
        seconds = time.perf_counter() - start
        rss = client.run(peak_rss_mb)
        print(f"partitions: {frame.npartitions}", flush=True)
    return corpus, seconds, rss, peak_rss_mb()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=10_000_000)
    ap.add_argument("--metrics", default="rouge,bleu")
    ap.add_argument("--row-group", type=int, default=100_000, help="Parquet row group = Dask partition (pairs)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--workdir", default="/tmp/ngramkit-dask-bench")
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"dialogsum-{args.pairs}.parquet"
    if not path.exists():
        start = time.perf_counter()
        write_parquet(path, args.pairs, args.row_group)
        print(f"wrote {path} ({path.stat().st_size / 2**20:.0f} MB) in {time.perf_counter() - start:.1f} s")
    n = args.pairs
    cli, cli_s, cli_rss = run_cli(path, args.metrics)
    print(f"{'ngramkit score (1 process, all cores)':<44} {n:>11,} pairs {cli_s:8.1f} s {n / cli_s:>10,.0f} pairs/s "
          f"peak RSS {cli_rss:,.0f} MB", flush=True)
    corpus, dask_s, worker_rss, driver_rss = run_dask(path, args.metrics, args.workers)
    per_worker = ", ".join(f"{v:,.0f}" for v in worker_rss.values())
    print(f"{f'ngramkit.dask.score ({args.workers} workers x 1 thread)':<44} {n:>11,} pairs {dask_s:8.1f} s "
          f"{n / dask_s:>10,.0f} pairs/s peak RSS per worker {per_worker} MB (driver {driver_rss:,.0f} MB)")
    if corpus != cli:
        raise SystemExit(f"corpus results differ:\n{json.dumps(corpus)}\n{json.dumps(cli)}")
    print("corpus results equal (== on every number and signature)")


if __name__ == "__main__":
    main()
