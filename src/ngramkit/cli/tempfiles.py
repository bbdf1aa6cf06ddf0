"""The temporary files of this process (outputs being written, the stdin spool), so that no way out
— success, an error, Ctrl-C, SIGTERM — leaves one behind.

:func:`create` registers a file's name *before* creating it, so a signal that lands anywhere in
between (Python runs signal handlers in the main thread between any two bytecodes, whatever
thread received the signal) leaves at most a registered name without a file; :func:`keep` forgets
one that was renamed into place; :func:`discard` removes one; :func:`discard_all` removes every one
still registered (the command's last step, whatever happened). SIGKILL cannot be caught: names
start with ``.ngramkit-`` / ``ngramkit-stdin-``.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import tempfile

_LIVE: set[str] = set()
_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def create(directory: str | None, prefix: str, suffix: str) -> tuple[int, str]:
    """A new file of mode 0600 (as ``tempfile.mkstemp``) in ``directory`` (None: TMPDIR),
    registered: (fd, path). OSError when it cannot be created."""
    directory = directory if directory is not None else tempfile.gettempdir()
    while True:
        path = os.path.join(directory, f"{prefix}{secrets.token_hex(8)}{suffix}")
        _LIVE.add(path)
        try:
            return os.open(path, _FLAGS, 0o600), path
        except FileExistsError:  # a 64-bit name taken: another file's, never ours to remove
            _LIVE.discard(path)
        except OSError:  # nothing was created (an interruption after os.open keeps the name registered)
            _LIVE.discard(path)
            raise


def keep(path: str) -> None:
    """Forget ``path`` (it was renamed to its destination)."""
    _LIVE.discard(path)


def discard(path: str) -> None:
    """Remove ``path`` if it exists and forget it."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    _LIVE.discard(path)


def discard_all() -> None:
    """Remove every registered temporary file."""
    for path in list(_LIVE):
        discard(path)
