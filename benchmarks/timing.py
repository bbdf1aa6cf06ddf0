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


def timer(clock: str):
    """The clock a ``--clock`` option names: ``"cpu"`` (process time) or wall time."""
    return time.process_time if clock == "cpu" else time.perf_counter


def best(fn, clock: str, rounds: int = 3, budget: float = 2.0) -> float:
    """Fastest of at least ``rounds`` calls (more, up to 20, while under ``budget`` seconds), seconds."""
    now = timer(clock)
    fastest, spent, done = float("inf"), 0.0, 0
    while done < rounds or (spent < budget and done < 20):
        start = now()
        fn()
        took = now() - start
        fastest, spent, done = min(fastest, took), spent + took, done + 1
    return fastest
