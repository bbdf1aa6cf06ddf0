"""Line-aligned input files for the command line: opening, counting and reading in chunks.

A line is what ends in ``\\n`` (a last line without it counts too; ``\\r\\n`` is one break; a lone
``\\r`` is text): a file holding only ``\\n`` has one empty line, an empty file none. Text is
UTF-8; a byte-order mark is kept as text (U+FEFF starting the first line), as sacrebleu reads its
files. ``-`` is stdin; ``*.gz``, ``*.bz2`` and ``*.xz`` are decompressed, ``*.zst`` too with zstandard installed
(``pip install zstandard``). Every problem a user can cause raises :class:`CliError` with one line
naming the file; a file that cannot be read (missing, corrupt anywhere in its compressed data,
undecodable) or written raises its subclass :class:`FileError`.
"""
from __future__ import annotations

import argparse
import bz2
import contextlib
import gzip
import io
import itertools
import lzma
import shutil
import sys
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator

from . import tempfiles

_READ_BLOCK = 1 << 20
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zst")
_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
# what a decompressor raises on bad data (bz2: an OSError without errno; zstandard: ZstdError)
_CORRUPT = (EOFError, zlib.error, lzma.LZMAError, gzip.BadGzipFile)


class CliError(Exception):
    """A user error: printed as ``ngramkit <cmd>: error: <message>`` and a pointer to ``--help``,
    exit status 2."""


class FileError(CliError):
    """A file that cannot be read or written (missing, corrupt, disk full, an output that is an
    input): printed as one line naming the file and the cause, exit status 2."""


def int_at_least(minimum: int, what: str):
    """An argparse ``type=``: an integer >= ``minimum`` (``what`` names it in the error)."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {what} integer, got {value!r}") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"expected a {what} integer, got {number}")
        return number

    return parse


#: One sentence for every command's --help: how a line file is read.
LINE_FILES_HELP = ("One text per line: a line ends in \\n (\\r\\n counts as one break; a lone \\r is text; a last "
                   "line without \\n counts). Text is UTF-8; a byte-order mark is kept as text, as sacrebleu reads "
                   "files.")


def int_or_float(value: str) -> int | float:
    """An argparse ``type=``: an int when ``value`` is written as one (``1``), else a float
    (``0.5``), so a metric named after its option (chrF's ``chrF{beta}``) reads as sacrebleu's:
    ``--beta 1`` gives ``chrF1`` as ``sacrebleu --chrf-beta 1`` and ``CHRF(beta=1)`` do."""
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {value!r}") from None


def open_binary(path: str) -> BinaryIO:
    """The file's bytes (decompressed for the :data:`COMPRESSED_SUFFIXES`); ``-`` is stdin."""
    if path == "-":
        return sys.stdin.buffer
    p = Path(path)
    if p.is_dir():
        raise FileError(f"{path}: is a directory, not a file of lines")
    try:
        opener = next((f for suffix, f in _OPENERS.items() if path.endswith(suffix)), None)
        if opener is not None:
            return opener(path, "rb")
        if path.endswith(".zst"):
            try:
                import zstandard
            except ImportError:
                raise FileError(f"{path}: reading .zst files needs the zstandard package "
                                "(pip install 'ngramkit[zstd]')") from None
            return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True))
        return open(path, "rb")
    except OSError as err:
        raise FileError(f"{path}: cannot read: {err.strerror or err}") from None


def _is_corrupt(path: str, err: Exception) -> bool:
    """Whether ``err`` says the compressed data of ``path`` is bad (not that reading it failed)."""
    return (isinstance(err, _CORRUPT) or type(err).__name__ == "ZstdError"
            or (isinstance(err, OSError) and err.errno is None and path.endswith(COMPRESSED_SUFFIXES)))


@contextlib.contextmanager
def read_errors(path: str):
    """Within: a failed read or bad compressed data of ``path`` raises FileError naming it."""
    try:
        yield
    except Exception as err:
        if _is_corrupt(path, err):
            raise FileError(f"{path}: not a valid compressed file ({err})") from None
        if isinstance(err, OSError):
            raise FileError(f"{path}: cannot read: {err.strerror or err}") from None
        raise


def count_lines(path: str) -> int:
    """Number of lines of the file (by the rule above), reading it once in 1 MiB blocks."""
    count, last = 0, b"\n"
    with open_binary(path) as f, read_errors(path):
        while block := f.read(_READ_BLOCK):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def spool_stdin(option: str = "-", directory: str | None = None) -> str:
    """Copy stdin to a temporary file (on disk, not in memory; ``directory`` or TMPDIR) and return
    its path, registered with :mod:`.tempfiles` (the caller discards it; so does every exit).
    Streaming needs the number of pairs before the first chunk is scored. A failed write (disk
    full) removes the copy and raises FileError naming ``option`` and the file."""
    try:
        fd, name = tempfiles.create(directory, "ngramkit-stdin-", ".txt")
    except OSError as err:
        raise FileError(f"{option}: cannot copy stdin to a temporary file: {err.strerror or err}") from None
    try:
        with open(fd, "wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out, _READ_BLOCK)
    except OSError as err:
        tempfiles.discard(name)
        raise FileError(f"{option}: cannot copy stdin to {name}: {err.strerror or err}") from None
    except BaseException:
        tempfiles.discard(name)
        raise
    return name


def _decode(path: str, raw: list[bytes], first_line: int) -> list[str]:
    """Lines without their break, decoded as UTF-8 (the whole chunk at once; line by line only to
    name the line of an error)."""
    if not raw:
        return []
    try:
        text = b"".join(raw).decode("utf-8")
    except UnicodeDecodeError:
        for i, line in enumerate(raw):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as err:
                raise FileError(f"{path}: line {first_line + i}: not valid UTF-8 (byte {err.start} of the line)") from None
        raise
    out = text.split("\n")
    if text.endswith("\n"):
        out.pop()
    if "\r" in text:
        out = [line[:-1] if line.endswith("\r") else line for line in out]
        if not raw[-1].endswith(b"\n") and raw[-1].endswith(b"\r"):
            out[-1] += "\r"  # a lone \r ending the file is text
    return out


def line_chunks(paths: list[str], chunk_size: int, counts: list[int] | None = None) -> Iterator[list[list[str]]]:
    """Chunks of ``chunk_size`` lines read from every file in lockstep: yields one list of lines
    per file, all of the same length. Files that turn out to have different line counts raise
    CliError naming both counts (``counts``, when already known, are used in the message)."""
    handles = [open_binary(p) for p in paths]
    try:
        line_no = 1
        while True:
            raw = []
            for path, f in zip(paths, handles):
                with read_errors(path):
                    raw.append(list(itertools.islice(f, chunk_size)))
            sizes = [len(r) for r in raw]
            if min(sizes) != max(sizes):
                short = sizes.index(min(sizes))
                long = sizes.index(max(sizes))
                n_short = counts[short] if counts else line_no - 1 + sizes[short]
                n_long = counts[long] if counts else f"more than {n_short}"
                raise FileError(f"{paths[long]} has {n_long} lines but {paths[short]} has {n_short}")
            if not sizes or not sizes[0]:
                return
            yield [_decode(p, r, line_no) for p, r in zip(paths, raw)]
            line_no += sizes[0]
    finally:
        for f in handles:
            if f is not sys.stdin.buffer:
                f.close()


def read_lines(path: str) -> list[str]:
    """Every line of one file (see the module docstring for the line rule)."""
    lines: list[str] = []
    for (chunk,) in line_chunks([path], 1 << 16):
        lines.extend(chunk)
    return lines
