"""TokenBatch: the one currency between ingest and the kernels (Arrow layout, int32 ids)."""
from __future__ import annotations

from typing import Iterator, Sequence

import numpy as np

INT32_MAX = 2**31 - 1


def _as_int32_ids(values, name: str, covered: tuple[int, int] | None = None) -> np.ndarray:
    """Exact conversion of integer ids to int32: never wraps, never truncates floats."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array of token ids, got shape {arr.shape}")
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name}: expected integer token ids, got dtype {arr.dtype}")
    part = arr if covered is None else arr[covered[0] : covered[1]]
    if part.size and arr.dtype != np.int32:
        high = int(part.max())
        if high > INT32_MAX:
            raise ValueError(f"{name}: token id {high} does not fit in int32 (max {INT32_MAX})")
    if part.size and arr.dtype.kind == "i":
        low = int(part.min())
        if low < 0:
            raise ValueError(f"{name}: token id {low} is negative")
    return np.ascontiguousarray(arr, dtype=np.int32)


def _as_array(values, name: str, what: str) -> np.ndarray:
    """``values`` as a numpy array; None, scalars and non-numeric objects raise TypeError naming ``name``."""
    if values is None or isinstance(values, (str, bytes)):
        raise TypeError(f"{name}: expected {what}, got {type(values).__name__}")
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name}: expected {what}: {err}") from None
    if arr.ndim == 0:
        raise TypeError(f"{name}: expected {what}, got a scalar {type(values).__name__}")
    return arr


def _as_offsets(offsets, n_values: int, name: str) -> np.ndarray:
    arr = _as_array(offsets, name, "a 1-D array of n + 1 integer offsets")
    if arr.ndim != 1 or arr.size < 1:
        raise ValueError(f"{name}: expected a 1-D array of n + 1 offsets, got shape {arr.shape}")
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name}: expected integer offsets, got dtype {arr.dtype}")
    if arr.dtype.kind == "u" and arr.size and int(arr.max()) > np.iinfo(np.int64).max:
        raise ValueError(f"{name}: offset does not fit in int64")
    arr = np.ascontiguousarray(arr, dtype=np.int64)
    if arr[0] < 0:
        raise ValueError(f"{name}: offsets[0] = {arr[0]} is negative")
    steps = np.diff(arr)
    if steps.size and steps.min() < 0:
        row = int(np.argmax(steps < 0))
        raise ValueError(f"{name}: offsets decrease at row {row} ({arr[row]} -> {arr[row + 1]})")
    if arr[-1] > n_values:
        raise ValueError(f"{name}: offsets[-1] = {arr[-1]} overruns the {n_values} ids")
    return arr


class TokenBatch:
    """A ragged batch of token ids in Arrow layout.

    Row ``i`` is ``ids[offsets[i]:offsets[i + 1]]``.

    Attributes
    ----------
    ids : numpy.ndarray, int32, shape (total,)
        Token ids, each in ``[0, 2**31 - 1]``.
    offsets : numpy.ndarray, int64, shape (n + 1,)
        Non-decreasing; ``offsets[0]`` may be > 0 (a slice of a larger buffer).

    Construct with :meth:`from_lists`, :meth:`from_numpy`, :meth:`from_padded` or
    :meth:`from_arrow`. Ids are never narrowed silently: int64 ids above ``2**31 - 1``, negative
    ids and non-integer dtypes raise.
    """

    __slots__ = ("ids", "offsets")

    def __init__(self, ids, offsets, *, name: str = "TokenBatch"):
        ids = _as_array(ids, f"{name}.ids", "a 1-D array of integer token ids")
        if ids.ndim != 1:
            raise ValueError(f"{name}.ids: expected a 1-D array of token ids, got shape {ids.shape}")
        offsets = _as_offsets(offsets, len(ids), f"{name}.offsets")
        if ids.dtype != np.int32 and (offsets[0] > 0 or offsets[-1] < len(ids)):
            # narrowing copies anyway: keep only the ids the rows cover, so none is left wrapped
            ids = ids[offsets[0] : offsets[-1]]
            offsets = offsets - offsets[0]
        self.offsets = offsets
        self.ids = _as_int32_ids(ids, f"{name}.ids", (int(offsets[0]), int(offsets[-1])))

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def from_lists(cls, rows: Sequence[Sequence[int]], *, name: str = "rows", threads: int | None = None) -> "TokenBatch":
        """From ``list[list[int]]`` (rows may also be tuples or 1-D integer arrays), converted on
        ``threads`` threads (default: all cores; the result never depends on it)."""
        from .. import _core
        from . import _ingest
        from .threads import resolve_threads

        if not isinstance(rows, list):
            rows = list(rows)
        converted = _core.int_rows_batch(rows, resolve_threads(threads))
        if converted is None:  # arrays, int subclasses, large or bad ids: the serial path converts or names them
            converted = _ingest.int_rows_batch(rows, name)
        return cls._wrap(*converted)

    @classmethod
    def _wrap(cls, ids: np.ndarray, offsets: np.ndarray) -> "TokenBatch":
        """A batch over arrays that are already valid (int32 ids, int64 offsets, as the kernels
        and slices produce them): no copy, no check."""
        batch = cls.__new__(cls)
        batch.ids, batch.offsets = ids, offsets
        return batch

    @classmethod
    def from_numpy(cls, values, offsets) -> "TokenBatch":
        """From flat integer ``values`` and ``offsets`` (n + 1 entries); copies only to narrow."""
        return cls(values, offsets)

    @classmethod
    def from_padded(cls, array, *, pad_id: int | None = None, lengths=None, mask=None) -> "TokenBatch":
        """From a padded 2-D integer array (what tokenizers and training loops return).

        Exactly one of:

        * ``pad_id``: every entry equal to ``pad_id`` is dropped (left or right padding alike);
        * ``lengths``: row ``i`` is ``array[i, :lengths[i]]`` (right padding);
        * ``mask``: a 2-D boolean/0-1 array (e.g. an ``attention_mask``), entries where it is
          true are kept.

        ``array`` may be a numpy array or anything ``numpy.asarray`` accepts (a CPU tensor).
        """
        arr = np.asarray(array)
        if arr.ndim != 2:
            raise ValueError(f"array: expected a 2-D (batch, length) array, got shape {arr.shape}")
        if arr.dtype.kind not in "iu":
            raise TypeError(f"array: expected integer token ids, got dtype {arr.dtype}")
        given = [x is not None for x in (pad_id, lengths, mask)]
        if sum(given) != 1:
            raise ValueError("from_padded: pass exactly one of pad_id, lengths or mask")
        if pad_id is not None:
            if isinstance(pad_id, (bool, np.bool_)) or not isinstance(pad_id, (int, np.integer)):
                raise TypeError(f"pad_id: expected an int token id, got {type(pad_id).__name__} {pad_id!r}")
            keep = arr != pad_id
        elif lengths is not None:
            lens = np.asarray(lengths)
            if lens.shape != (arr.shape[0],) or lens.dtype.kind not in "iu":
                raise ValueError(f"lengths: expected {arr.shape[0]} integers, got {lens.shape} {lens.dtype}")
            if lens.size and (lens.min() < 0 or lens.max() > arr.shape[1]):
                raise ValueError(f"lengths: every length must lie in [0, {arr.shape[1]}]")
            keep = np.arange(arr.shape[1])[None, :] < lens[:, None]
        else:
            keep = np.asarray(mask)
            if keep.shape != arr.shape:
                raise ValueError(f"mask: expected shape {arr.shape}, got {keep.shape}")
            keep = keep.astype(bool)
        counts = keep.sum(axis=1, dtype=np.int64)
        offsets = np.zeros(arr.shape[0] + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return cls(arr[keep], offsets, name="array")

    @classmethod
    def from_arrow(cls, array) -> "TokenBatch":
        """Zero-copy from a pyarrow ``ListArray``/``LargeListArray`` of integers (or a ChunkedArray,
        which is combined first). Null rows raise: fill them (e.g. with empty lists) first."""
        import pyarrow as pa

        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        if not (pa.types.is_list(array.type) or pa.types.is_large_list(array.type)):
            raise TypeError(f"array: expected a pyarrow list<int> array, got {array.type}")
        if array.null_count:
            raise ValueError(f"array: {array.null_count} null rows; fill them (e.g. with []) first")
        values = array.values
        if not pa.types.is_integer(values.type):
            raise TypeError(f"array: expected integer list items, got {values.type}")
        offsets = array.offsets.to_numpy(zero_copy_only=False).astype(np.int64)
        first = int(offsets[0])
        covered = values.slice(first, int(offsets[-1]) - first)  # a slice's rows, zero-copy
        if covered.null_count:
            raise ValueError("array: null token ids inside rows")
        return cls(covered.to_numpy(zero_copy_only=False), offsets - first, name="array")

    # -- access -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> np.ndarray:
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"row {i} out of range for a batch of {n}")
        i %= n
        return self.ids[self.offsets[i] : self.offsets[i + 1]]

    def __iter__(self) -> Iterator[np.ndarray]:
        for i in range(len(self)):
            yield self[i]

    def lengths(self) -> np.ndarray:
        """Tokens per row, int64 shape (n,)."""
        return np.diff(self.offsets)

    def to_lists(self) -> list[list[int]]:
        return [row.tolist() for row in self]

    def slice(self, start: int, stop: int) -> "TokenBatch":
        """Rows ``start:stop`` (``0 <= start <= stop <= len(self)``) sharing this batch's buffers."""
        n = len(self.offsets) - 1
        for name, value in (("start", start), ("stop", stop)):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"{name}: expected an int, got {type(value).__name__}")
        if not 0 <= start <= stop <= n:
            raise ValueError(f"start, stop: expected 0 <= start <= stop <= {n} (the batch's length), "
                             f"got start={start}, stop={stop}")
        return TokenBatch._wrap(self.ids, self.offsets[start : stop + 1])

    def __eq__(self, other) -> bool:
        if not isinstance(other, TokenBatch) or len(self) != len(other):
            return False
        return bool(np.array_equal(self.lengths(), other.lengths())) and all(
            np.array_equal(a, b) for a, b in zip(self, other)
        )

    def __repr__(self) -> str:
        return f"TokenBatch(n={len(self)}, tokens={int(self.offsets[-1] - self.offsets[0])})"

    def __getstate__(self):
        return {"ids": self.ids, "offsets": self.offsets}

    def __setstate__(self, state):
        self.ids, self.offsets = state["ids"], state["offsets"]
