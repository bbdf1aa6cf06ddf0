"""The ``threads=`` argument of every kernel call: validated and resolved in one place."""
from __future__ import annotations

import numbers
import os

#: the most ``threads=`` any call accepts (more raise ValueError): above it a call would start
#: hundreds of OS threads for no gain
MAX_THREADS = 1024


def default_threads() -> int:
    """The CPUs this process may run on (its affinity set), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def resolve_threads(threads) -> int:
    """``None`` -> :func:`default_threads`; otherwise an int in ``[1, MAX_THREADS]`` (1024; no
    more threads than chunks of work are ever started). A non-int raises TypeError, an int
    outside the range ValueError."""
    if threads is None:
        return default_threads()
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral):
        raise TypeError(f"threads: expected a positive int or None, got {type(threads).__name__} {threads!r}")
    if not 1 <= threads <= MAX_THREADS:
        raise ValueError(f"threads: expected None or an int in [1, {MAX_THREADS}] (the maximum), got {threads!r}")
    return int(threads)
