"""SIGTERM and SIGHUP as an exception, so that they unwind the command like Ctrl-C does (Python's
KeyboardInterrupt): ``finally`` blocks and the temporary-file cleanup run, and the command exits
with one line and status 128 + the signal's number (143 for SIGTERM; 130 for SIGINT)."""
from __future__ import annotations

import contextlib
import signal
import threading

INTERRUPT_STATUS = 128 + signal.SIGINT
_RAISING = tuple(s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None)


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


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def signals_raise():
    """Within: SIGTERM and SIGHUP raise :class:`Terminated` (SIGINT raises KeyboardInterrupt, as
    Python sets it); on leaving, the handlers of all three are as before. A signal the parent set
    to be ignored (``nohup``) stays ignored; outside the main thread nothing changes (handlers can
    be set only there)."""
    if not _main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, *_RAISING)}
    try:
        for s in _RAISING:
            if previous[s] is not signal.SIG_IGN:
                signal.signal(s, _raise)
        yield
    finally:
        for s, handler in previous.items():
            if handler is not None:
                signal.signal(s, handler)


def ignore_signals() -> None:
    """From now until :func:`signals_raise` ends: SIGINT, SIGTERM and SIGHUP are ignored, so that
    a second Ctrl-C cannot cut the exit's cleanup short (also a signal already pending)."""
    if _main_thread():
        for s in (signal.SIGINT, *_RAISING):
            signal.signal(s, signal.SIG_IGN)
