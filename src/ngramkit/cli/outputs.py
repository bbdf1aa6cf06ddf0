"""Output files of the command line (``score --per-pair``, ``compare --report``) and stdout.

An output is written to a temporary file ``.ngramkit-*.tmp`` in its destination's directory and
renamed over the destination (``os.replace``) only when complete, so the destination holds either
its old content or the whole new file, never a part. The temporary file is registered with
:mod:`.tempfiles`, so an error, Ctrl-C or SIGTERM removes it.

* A new file gets mode ``0666 & ~umask`` (as ``open()`` gives); a replaced file keeps its mode.
* A destination that is a symbolic link: the file it points to is replaced, the link stays.
* Every write error (disk full, file too large, no permission) raises :class:`FileError` naming
  the option, the file and the cause.
"""
from __future__ import annotations

import contextlib
import os
import stat
import sys

from . import tempfiles
from .files import FileError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(dest: str) -> int:
    """The permission bits the finished file gets: the existing file's, else 0666 & ~umask."""
    try:
        return stat.S_IMODE(os.stat(dest).st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


class AtomicOutput:
    """``path`` (given as option ``option``) written via a temporary file: :attr:`temp` is its
    path, :meth:`open` a file object over it; :meth:`commit` moves it into place, :meth:`abort`
    removes it. As a context manager: commit on success, abort on an exception (an OSError
    becomes FileError)."""

    def __init__(self, path: str, option: str, suffix: str = ""):
        self.path, self.option = path, option
        self._dest = os.path.realpath(path)
        if os.path.isdir(self._dest):
            raise FileError(f"{option} {path}: is a directory")
        directory = os.path.dirname(self._dest)
        try:
            self._fd, self.temp = tempfiles.create(directory, ".ngramkit-", suffix + ".tmp")
        except OSError as err:
            raise self.error(err, f"cannot create a file in {directory}") from None
        self._file = None
        try:
            os.fchmod(self._fd, _mode_for(self._dest))
        except OSError as err:
            self.abort()
            raise self.error(err) from None

    def error(self, err: OSError, doing: str = "cannot write") -> FileError:
        """The one-line FileError for ``err`` while writing this output."""
        return FileError(f"{self.option} {self.path}: {doing}: {err.strerror or err}")

    def open(self, mode: str = "w"):
        """The temporary file, opened once (``"w"``: UTF-8 text, ``"wb"``: bytes)."""
        self._file = open(self._fd, mode, encoding=None if "b" in mode else "utf-8")
        return self._file

    def _close(self) -> None:
        file, self._file, fd, self._fd = self._file, None, self._fd, None
        if file is not None:
            file.close()
        elif fd is not None:
            os.close(fd)

    def commit(self) -> None:
        """Flush and close the temporary file and rename it over the destination."""
        try:
            self._close()
            os.replace(self.temp, self._dest)
        except OSError as err:
            self.abort()
            raise self.error(err) from None
        tempfiles.keep(self.temp)

    def abort(self) -> None:
        """Remove the temporary file; the destination stays as it was."""
        with contextlib.suppress(OSError):
            self._close()
        self._file = self._fd = None
        tempfiles.discard(self.temp)

    def __enter__(self) -> "AtomicOutput":
        return self

    def __exit__(self, kind, err, tb) -> None:
        if kind is None:
            self.commit()
            return
        self.abort()
        if isinstance(err, OSError):
            raise self.error(err) from None


def write_stdout(text: str) -> None:
    """Write ``text`` to stdout and flush. A closed pipe (``| head``) ends the output quietly; any
    other write error (disk full) raises FileError("stdout: ..."). Either way stdout is pointed at
    /dev/null so that the exit's flush cannot fail a second time."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as err:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if not isinstance(err, BrokenPipeError):
            raise FileError(f"stdout: cannot write: {err.strerror or err}") from None
