"""lm-eval's bootstrap standard error of bleu / chrf / chrf++ / ter, with and without ngramkit.

    python benchmarks/lm_eval_bootstrap.py [--resamples 20] [--ter-resamples 2] [--fast-resamples 1000]
                                           [--metrics bleu chrf chrf++ ter] [--items N]

Items: WMT23 en-de ONLINE-B against the official reference (557 paragraph-long segments, from
``../shared/data``), as lm-eval collects them: ``(reference, prediction)``. Both sides run in one
process (``DISABLE_MULTIPROC=1``: lm-eval's single-process path, the same draws as its pool). For
every metric the two standard errors at ``--resamples`` resamples must be equal (asserted); the
time per resample of ngramkit is taken over ``--fast-resamples``, and the ratio printed. sacrebleu's
TER takes tens of seconds a resample on these paragraphs, hence its own, smaller ``--ter-resamples``.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import time

from mt_workloads import DATA, _lines

os.environ["DISABLE_MULTIPROC"] = "1"


def _items() -> list[tuple[str, str]]:
    root = DATA / "wmt23" / "txt"
    hyp = _lines(root / "system-outputs" / "generaltest2023.en-de.hyp.ONLINE-B.de")
    ref = _lines(root / "references" / "generaltest2023.en-de.ref.refA.de")
    return list(zip(ref, hyp))


def _timed(fn):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        start = time.perf_counter()
        value = fn()
        return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=20)
    parser.add_argument("--ter-resamples", type=int, default=2)
    parser.add_argument("--fast-resamples", type=int, default=1000)
    parser.add_argument("--metrics", nargs="+", default=["bleu", "chrf", "chrf++", "ter"])
    parser.add_argument("--items", type=int, default=None, help="the first N items only")
    args = parser.parse_args()
    import lm_eval.api.metrics as metrics
    from lm_eval.api.registry import get_aggregation

    from ngramkit.integrations import lm_eval as nk

    items = _items()[: args.items]
    print(f"{len(items)} items (WMT23 en-de ONLINE-B), one process", flush=True)
    print(f"{'metric':8} {'lm-eval ms/resample':>20} {'ngramkit ms/resample':>21} {'ratio':>8}  stderr (equal)",
          flush=True)
    for name in args.metrics:
        resamples = args.ter_resamples if name == "ter" else args.resamples
        base, slow = _timed(lambda: metrics.bootstrap_stderr(get_aggregation(name), items, resamples))
        nk.install()
        try:
            same, _ = _timed(lambda: metrics.bootstrap_stderr(get_aggregation(name), items, resamples))
            _, fast = _timed(lambda: metrics.bootstrap_stderr(get_aggregation(name), items, args.fast_resamples))
        finally:
            nk.uninstall()
        assert same == base, (name, same, base)
        slow_ms, fast_ms = 1e3 * slow / resamples, 1e3 * fast / args.fast_resamples
        print(f"{name:8} {slow_ms:20.2f} {fast_ms:21.3f} {slow_ms / fast_ms:7.0f}x  {base!r}", flush=True)


if __name__ == "__main__":
    main()
