"""Table files for ``ngramkit score``: JSON Lines and CSV (optionally compressed: .gz, .bz2, .xz,
.zst) and Parquet, read in chunks.

The hypothesis column holds strings; a reference column holds strings or lists of strings (several
references per hypothesis); several ``--ref-col`` give several references per hypothesis. A missing
column, a non-string cell or a malformed record raises :class:`CliError` naming the file and row;
a file that cannot be read (corrupt compressed data, a truncated Parquet file) raises FileError.
"""
from __future__ import annotations

import csv
import io
import itertools
import json
from typing import Iterator

from .files import COMPRESSED_SUFFIXES, CliError, FileError, open_binary, read_errors

_TEXT_TABLES = (".jsonl", ".ndjson", ".csv")
TABLE_SUFFIXES = (*_TEXT_TABLES, *(t + c for t in _TEXT_TABLES for c in COMPRESSED_SUFFIXES), ".parquet")
DEFAULT_HYP_COL, DEFAULT_REF_COL = "prediction", "reference"


def _check_columns(path: str, available, wanted: list[str]) -> None:
    missing = [c for c in wanted if c not in available]
    if missing:
        raise CliError(f"{path}: no column {', '.join(map(repr, missing))} (columns: {', '.join(map(str, available))})")


def _pairs(path: str, rows, hyp_col: str, ref_cols: list[str], first_row: int):
    """(hypotheses, references) of a list of dict rows."""
    hyps, refs = [], []
    for i, row in enumerate(rows):
        try:
            hyp = row[hyp_col]
            values = [row[c] for c in ref_cols]
        except KeyError as err:
            raise CliError(f"{path}: row {first_row + i}: no column {err}") from None
        if not isinstance(hyp, str):
            raise CliError(f"{path}: row {first_row + i}: {hyp_col} is {type(hyp).__name__}, not a string")
        group = []
        for col, value in zip(ref_cols, values):
            items = list(value) if isinstance(value, (list, tuple)) else [value]
            if not items or not all(isinstance(v, str) for v in items):
                raise CliError(f"{path}: row {first_row + i}: {col} must be a string or a non-empty list of strings")
            group.extend(items)
        hyps.append(hyp)
        refs.append(group)
    if refs and all(len(g) == 1 for g in refs):
        refs = [g[0] for g in refs]
    return hyps, refs


def _jsonl_rows(path: str) -> Iterator[dict]:
    with open_binary(path) as f, read_errors(path):
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except (UnicodeDecodeError, ValueError) as err:
                raise CliError(f"{path}: line {line_no}: not a JSON record ({err})") from None
            if not isinstance(row, dict):
                raise CliError(f"{path}: line {line_no}: not a JSON object")
            yield row


def _csv_rows(path: str) -> Iterator[dict]:
    with open_binary(path) as f, read_errors(path):
        text = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")  # a BOM before the header is not a column name
        try:
            yield from csv.DictReader(text)
        except UnicodeDecodeError as err:
            raise FileError(f"{path}: not valid UTF-8 ({err.reason})") from None
        except csv.Error as err:
            raise CliError(f"{path}: malformed CSV: {err}") from None


def table_chunks(path: str, hyp_col: str | None, ref_cols: list[str], chunk_size: int):
    """(number of rows, iterator of (hypotheses, references) chunks of ``chunk_size`` rows)."""
    hyp_col = hyp_col or DEFAULT_HYP_COL
    ref_cols = list(ref_cols) or [DEFAULT_REF_COL]
    if path.endswith(".parquet"):
        return _parquet_chunks(path, hyp_col, ref_cols, chunk_size)
    if not path.endswith(TABLE_SUFFIXES):
        raise CliError(f"{path}: --hyp-col/--ref-col need a table file ({', '.join(TABLE_SUFFIXES)})")
    reader = _csv_rows if ".csv" in path else _jsonl_rows
    n = 0
    for row in reader(path):  # first pass: count rows and check the columns of every row
        if n == 0:
            _check_columns(path, list(row), [hyp_col, *ref_cols])
        n += 1

    def chunks():
        rows = reader(path)
        first = 1
        while batch := list(itertools.islice(rows, chunk_size)):
            yield _pairs(path, batch, hyp_col, ref_cols, first)
            first += len(batch)

    return n, chunks()


def _parquet_chunks(path: str, hyp_col: str, ref_cols: list[str], chunk_size: int):
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise CliError(f"{path}: reading Parquet needs pyarrow (pip install 'ngramkit[arrow]')") from None
    try:
        f = pq.ParquetFile(path)
    except Exception as err:  # noqa: BLE001 - pyarrow raises several types for unreadable files
        raise FileError(f"{path}: cannot read as Parquet: {err}") from None
    _check_columns(path, f.schema_arrow.names, [hyp_col, *ref_cols])

    def chunks():
        first = 1
        batches = f.iter_batches(batch_size=chunk_size, columns=list(dict.fromkeys([hyp_col, *ref_cols])))
        while True:
            try:
                rows = next(batches).to_pylist()
            except StopIteration:
                return
            except Exception as err:  # noqa: BLE001 - as above, for damage found past the footer
                raise FileError(f"{path}: cannot read as Parquet: {err}") from None
            yield _pairs(path, rows, hyp_col, ref_cols, first)
            first += len(rows)

    return f.metadata.num_rows, chunks()
