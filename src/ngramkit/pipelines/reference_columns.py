"""Several reference columns of a table (``ref_col=["summary1", "summary2"]``) as the per-row
reference groups the API takes for several references (``references[i]`` a list of texts or of
token-id sequences): the tables, datasets and Dask paths all read ``ref_col`` through here."""
from __future__ import annotations

from typing import Sequence

import numpy as np

#: The metrics that take several references per prediction (WER and CER take exactly one).
MULTI_REFERENCE_METRICS = ("rouge", "bleu", "chrf", "ter")


def reference_columns(ref_col, metrics: Sequence[str], caller: str) -> tuple[str, ...]:
    """``ref_col`` as a tuple of column names: one name (a str), or a non-empty list / tuple of
    distinct names. Several names need every metric to take several references (ValueError
    naming ``ref_col`` otherwise: WER and CER take one)."""
    if isinstance(ref_col, str):
        return (ref_col,)
    if not isinstance(ref_col, (list, tuple)) or not ref_col or not all(isinstance(c, str) for c in ref_col):
        raise TypeError(f"{caller}: ref_col: expected a column name or a non-empty list of column names, "
                        f"got {ref_col!r}")
    if len(set(ref_col)) != len(ref_col):
        raise ValueError(f"{caller}: ref_col: a column is named twice in {list(ref_col)!r}")
    single = [m for m in metrics if m not in MULTI_REFERENCE_METRICS]
    if len(ref_col) > 1 and single:
        raise ValueError(f"{caller}: ref_col: {', '.join(single)} take exactly one reference per prediction, "
                         f"so one reference column, not {len(ref_col)}; several reference columns work with "
                         f"{', '.join(MULTI_REFERENCE_METRICS)}")
    return tuple(ref_col)


def _cell_references(cell, column: str, row: int) -> list:
    """The references one cell holds: a text, a token-id sequence, or a list of either."""
    if isinstance(cell, np.ndarray):
        cell = cell.tolist()
    if isinstance(cell, str):
        return [cell]
    if isinstance(cell, (list, tuple)) and cell:
        first = cell[0].tolist() if isinstance(cell[0], np.ndarray) else cell[0]
        if isinstance(first, (str, list, tuple)):  # a list of references
            return [c.tolist() if isinstance(c, np.ndarray) else c for c in cell]
        return [list(cell)]  # one token-id sequence
    raise ValueError(f"ref_col {column!r}: row {row} holds {cell!r}; expected a reference (a string or token "
                     "ids) or a non-empty list of references")


def merge_reference_columns(columns: Sequence[Sequence], names: Sequence[str]) -> list[list]:
    """Row ``i``'s references: those of every column in ``names`` order (a cell that holds a
    list of references gives all of them), as one list per row. ``columns``: equal-length
    sequences of cells (pyarrow arrays are read with ``to_pylist``)."""
    cells = [c.to_pylist() if hasattr(c, "to_pylist") else list(c) for c in columns]
    groups = []
    for row, row_cells in enumerate(zip(*cells)):
        group: list = []
        for name, cell in zip(names, row_cells):
            group.extend(_cell_references(cell, name, row))
        groups.append(group)
    return groups
