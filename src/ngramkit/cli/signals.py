"""SIGTERM and SIGHUP as an exception, so that they unwind the command like Ctrl-C does (Python's
KeyboardInterrupt): ``finally`` blocks and the temporary-file cleanup run, and the command exits
with one line and status 128 + the signal's number (143 for SIGTERM; 130 for SIGINT)."""
from __future__ import annotations

import contextlib
import signal
import threading

INTERRUPT_STATUS = 128 + signal.SIGINT


class Terminated(BaseException):
    """Raised in the main thread by SIGTERM / SIGHUP while :func:`signals_raise` is active. A
    BaseException, so ``except Exception`` in library code does not swallow it."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


def _raise(signum, frame):
    raise Terminated(signum)


@contextlib.contextmanager
def signals_raise():
    """Within: SIGTERM and SIGHUP raise :class:`Terminated`; the previous handlers come back on
    leaving. A signal the parent set to be ignored (``nohup``) stays ignored; outside the main
    thread nothing changes (handlers can be set only there)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {s: signal.getsignal(s) for s in wanted}
    try:
        for s, handler in previous.items():
            if handler is not signal.SIG_IGN:
                signal.signal(s, _raise)
        yield
    finally:
        for s, handler in previous.items():
            if handler is not None:
                signal.signal(s, handler)
