"""Refusing an output that is one of the inputs. Files are compared, not names: by device and
inode (``os.stat``), so a relative or absolute spelling, ``./``, a symbolic link or a hard link to
an input all count; ``-`` as an input is stdin, which counts when it is redirected from a file."""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable

from .files import FileError


def _identity(path: str, is_input: bool):
    """(st_dev, st_ino) of the file ``path`` names, None when there is no such file (yet)."""
    try:
        if path == "-":
            if not is_input:
                return None
            st = os.fstat(0)
            if not stat.S_ISREG(st.st_mode):
                return None
        else:
            st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def refuse_output_over_input(outputs: Iterable[tuple[str, str | None]],
                             inputs: Iterable[tuple[str, str | None]]) -> None:
    """Raise FileError when an output file (option, path) is the same file as an input file or
    as another output; paths that are None are not given. Call it before opening anything for
    writing, so the inputs stay untouched."""
    seen: dict[tuple[int, int], str] = {}
    for option, path in inputs:
        ident = path and _identity(path, True)
        if ident:
            seen.setdefault(ident, f"the input {option} {path}")
    for option, path in outputs:
        ident = path and _identity(path, False)
        if not ident:
            continue
        if ident in seen:
            raise FileError(f"{option} {path}: is the same file as {seen[ident]}; write the output elsewhere")
        seen[ident] = f"the output {option} {path}"
