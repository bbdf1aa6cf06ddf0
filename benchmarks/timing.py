"""The timer the benchmark scripts share (imported as ``from timing import timed``: the scripts run
as ``python benchmarks/<name>.py``, so this folder is on ``sys.path``)."""
from __future__ import annotations

import time


def timed(fn, runs: int = 3):
    """(best wall time of ``runs`` calls in seconds, the last result): the machine is shared."""
    best, out = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out
