"""Ctrl-C during one kernel call, for the tests that check a long call stops when asked."""
from __future__ import annotations

import linecache
import os
import signal
import threading
import time
from typing import Callable


def interrupt_kernel_call(call: Callable[[], object], marker: str) -> tuple[bool, float, list[str]]:
    """Run ``call()`` while SIGINT is sent every 50 ms; the handler ignores the signal unless
    Python runs it on a source line containing ``marker`` (the kernel call, e.g.
    ``"_core.pairwise_chrf("``), where it raises KeyboardInterrupt.

    Returns (whether ``call`` raised KeyboardInterrupt, seconds until it returned or raised, the
    source lines the handler raised on).
    """
    handled_in: list[str] = []

    def on_sigint(signum, frame):
        line = linecache.getline(frame.f_code.co_filename, frame.f_lineno)
        if marker in line:
            handled_in.append(line.strip())
            raise KeyboardInterrupt

    stop = threading.Event()

    def pester():
        while not stop.wait(0.05):
            os.kill(os.getpid(), signal.SIGINT)

    previous = signal.signal(signal.SIGINT, on_sigint)
    sender = threading.Thread(target=pester)
    sender.start()
    start = time.perf_counter()
    interrupted = False
    try:
        call()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        elapsed = time.perf_counter() - start
        stop.set()
        sender.join()
        for _ in range(10_000):  # let Python run any signal still pending with on_sigint installed
            pass
        signal.signal(signal.SIGINT, previous)
    return interrupted, elapsed, handled_in
