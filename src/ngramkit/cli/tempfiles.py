"""The temporary files of this process (outputs being written, the stdin spool), so that no way out
— success, an error, Ctrl-C, SIGTERM — leaves one behind.

:func:`create` makes one with SIGINT and SIGTERM blocked, so no signal lands between its creation
and its registration; :func:`keep` forgets one that was renamed into place; :func:`discard`
removes one; :func:`discard_all` removes every one still registered (the command's last step,
whatever happened). SIGKILL cannot be caught: names start with ``.ngramkit-`` / ``ngramkit-stdin-``.
"""
from __future__ import annotations

import contextlib
import os
import signal
import tempfile

_LIVE: set[str] = set()
_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def signals_blocked():
    """Within: SIGINT and SIGTERM wait (delivered on leaving); a no-op where signals cannot be masked."""
    mask = getattr(signal, "pthread_sigmask", None)
    old = mask(signal.SIG_BLOCK, _SIGNALS) if mask else None
    try:
        yield
    finally:
        if mask:
            mask(signal.SIG_SETMASK, old)


def create(directory: str | None, prefix: str, suffix: str) -> tuple[int, str]:
    """``tempfile.mkstemp`` (mode 0600) in ``directory`` (None: TMPDIR), registered: (fd, path)."""
    with signals_blocked():
        fd, path = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=directory)
        _LIVE.add(path)
    return fd, path


def keep(path: str) -> None:
    """Forget ``path`` (it was renamed to its destination)."""
    _LIVE.discard(path)


def discard(path: str) -> None:
    """Remove ``path`` if it exists and forget it."""
    with signals_blocked():
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        _LIVE.discard(path)


def discard_all() -> None:
    """Remove every registered temporary file."""
    for path in list(_LIVE):
        discard(path)
