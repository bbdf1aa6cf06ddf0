"""The ``threads=`` argument of every kernel call: validated and resolved in one place."""
from __future__ import annotations

import numbers
import os

MAX_THREADS = 1024


def default_threads() -> int:
    """The CPUs this process may run on (its affinity set), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def resolve_threads(threads) -> int:
    """``None`` -> :func:`default_threads`; otherwise a positive int, capped at MAX_THREADS (no
    more threads than chunks of work are ever started). A non-int raises TypeError, an int < 1
    ValueError."""
    if threads is None:
        return default_threads()
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral):
        raise TypeError(f"threads: expected a positive int or None, got {type(threads).__name__} {threads!r}")
    if threads < 1:
        raise ValueError(f"threads: expected a positive int or None, got {threads!r}")
    return min(int(threads), MAX_THREADS)
