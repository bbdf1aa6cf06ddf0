"""Per-pair score files written while streaming: ``.tsv``, ``.jsonl`` or ``.parquet`` (pyarrow).

Rows go to a temporary file in the destination's directory (:class:`.outputs.AtomicOutput`: the
umask's mode for a new file, the old mode for a replaced one), renamed over the destination only by
:meth:`PerPairWriter.commit`; on any error :meth:`PerPairWriter.abort` removes it, so a per-pair
file is either complete or absent. A write error (disk full) raises FileError naming the file.
Floats are written with ``repr`` (they read back bit for bit). As a context manager: commit on
success, abort on any exception.
"""
from __future__ import annotations

import contextlib
import json

import numpy as np

from .files import CliError
from .outputs import AtomicOutput

FORMATS = (".tsv", ".jsonl", ".parquet")


class PerPairWriter:
    """Writes chunks of per-pair columns (``pair`` index first) to ``path``."""

    def __init__(self, path: str):
        self.path = path
        self.kind = next((ext for ext in FORMATS if path.endswith(ext)), None)
        if self.kind is None:
            raise CliError(f"--per-pair {path}: unknown format; the name must end in {', '.join(FORMATS)}")
        if self.kind == ".parquet":
            try:
                import pyarrow  # noqa: F401
                import pyarrow.parquet  # noqa: F401
            except ImportError:
                raise CliError(f"--per-pair {path}: writing Parquet needs pyarrow (pip install 'ngramkit[arrow]')") from None
        self._out = AtomicOutput(path, "--per-pair", self.kind)
        self._file = self._out.open("wb" if self.kind == ".parquet" else "w")
        self._parquet = None
        self._names: list[str] | None = None
        self._next = 0

    def write(self, columns: dict[str, np.ndarray]) -> None:
        """Append one chunk: float64 columns of equal length, in a fixed order across chunks."""
        try:
            self._write(columns)
        except OSError as err:
            raise self._out.error(err) from None

    def _write(self, columns: dict[str, np.ndarray]) -> None:
        names = list(columns)
        n = len(next(iter(columns.values()))) if columns else 0
        index = np.arange(self._next, self._next + n, dtype=np.int64)
        self._next += n
        if self.kind == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.table({"pair": index, **{k: np.asarray(v, dtype=np.float64) for k, v in columns.items()}})
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self._file, table.schema)
            self._parquet.write_table(table)
            return
        lists = [np.asarray(columns[k], dtype=np.float64).tolist() for k in names]
        if self.kind == ".tsv":
            if self._names is None:
                self._file.write("\t".join(["pair", *names]) + "\n")
            self._file.write("".join(
                "\t".join([str(i), *map(repr, row)]) + "\n" for i, row in zip(index.tolist(), zip(*lists))))
        else:
            self._file.write("".join(
                json.dumps({"pair": i, **dict(zip(names, row))}) + "\n" for i, row in zip(index.tolist(), zip(*lists))))
        self._names = names

    def commit(self) -> None:
        """Finish the file and move it to its destination."""
        try:
            self._finish()
        except OSError as err:
            self.abort()
            raise self._out.error(err) from None
        self._out.commit()

    def _finish(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        elif self.kind == ".parquet":  # no pairs: a valid file with just the index column
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.table({"pair": pa.array([], pa.int64())}), self._file)
        elif self.kind == ".tsv" and self._names is None:
            self._file.write("pair\n")

    def abort(self) -> None:
        """Drop the temporary file (the destination is left as it was)."""
        parquet, self._parquet = self._parquet, None
        try:
            if parquet is not None:
                with contextlib.suppress(Exception):  # the file is dropped; its write error was reported
                    parquet.close()
        finally:
            self._out.abort()

    def __enter__(self) -> "PerPairWriter":
        return self

    def __exit__(self, kind, err, tb) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()
