"""Turn user inputs (text, token-id lists, TokenBatch, pyarrow arrays) into kernel buffers.

Predictions are one text/sequence each. References are one per prediction, or several: a list
whose items are lists (or numpy arrays) of strings / lists of id sequences / TokenBatch, or a pyarrow
``list<list<int>>`` / ``list<string>`` array. Several references become one flat batch plus
``groups`` (int64, n_predictions + 1): prediction g owns references ``groups[g]:groups[g+1]``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .arguments import bytes_item_error, reject_unordered
from .token_batch import TokenBatch

TEXT, IDS = "text", "ids"


@dataclass
class Side:
    """One side of the pairs: ``kind`` is TEXT (``texts``: list[str]) or IDS (``batch``)."""

    kind: str
    texts: list | None = None
    batch: TokenBatch | None = None

    def __len__(self) -> int:
        return len(self.texts) if self.kind == TEXT else len(self.batch)


def side_slice(side: Side, start: int, stop: int) -> Side:
    """Rows ``start:stop`` of a side (no copy of token ids)."""
    if side.kind == TEXT:
        return Side(TEXT, texts=side.texts[start:stop])
    return Side(IDS, batch=side.batch.slice(start, stop))


def _is_arrow(x) -> bool:
    return type(x).__module__.startswith("pyarrow")


def _arrow_side(array, name: str) -> Side:
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return Side(TEXT, texts=array.to_pylist())
    try:
        return Side(IDS, batch=TokenBatch.from_arrow(array))
    except (TypeError, ValueError) as err:
        raise type(err)(f"{name}: {err}") from None


def flat_side(values: Any, name: str, threads: int = 1) -> Side:
    """One item per row: a TokenBatch, a pyarrow array, ``list[str]`` or ``list[list[int]]``."""
    if isinstance(values, TokenBatch):
        return Side(IDS, batch=values)
    if _is_arrow(values):
        return _arrow_side(values, name)
    if isinstance(values, np.ndarray):
        if values.ndim == 2:
            raise TypeError(
                f"{name}: a 2-D array is ambiguous; use TokenBatch.from_padded(array, pad_id=...) "
                "or TokenBatch.from_padded(array, lengths=...)"
            )
        values = values.tolist()
    values = _as_list(values, name)
    batch = _threaded_id_rows(values, threads)
    if batch is not None:
        return Side(IDS, batch=batch)
    from . import _ingest

    if _ingest.any_str(values):
        return Side(TEXT, texts=values)
    # the threaded conversion was tried above (or there is nothing to convert): the serial one
    # converts arrays and int subclasses, or names the bad item
    return Side(IDS, batch=TokenBatch._wrap(*_with_bytes_hint(lambda: _ingest.int_rows_batch(values, name), values, name)))


def _threaded_id_rows(values: list, threads: int) -> TokenBatch | None:
    """``values`` as a TokenBatch when every item is a list or tuple of exact ints in 0..2^31-1,
    checked and converted on ``threads`` threads in one step; None otherwise (then nothing about
    ``values`` has been decided: the caller's serial checks run as before)."""
    from .. import _core

    if not values or isinstance(values[0], str):  # text: no conversion to try
        return None
    converted = _core.int_rows_batch(values, threads)
    return None if converted is None else TokenBatch._wrap(*converted)


def _is_multi_item(item) -> bool:
    """Is one references item a collection of references (rather than one reference)?"""
    if isinstance(item, TokenBatch):
        return True
    if isinstance(item, (list, tuple)) and item:
        first = item[0]
        return isinstance(first, (str, list, tuple, np.ndarray))
    return False


def reference_side(references: Any, n_predictions: int, prediction_kind: str = IDS,
                   threads: int = 1) -> tuple[Side, np.ndarray]:
    """References and their groups (int64, n_predictions + 1).

    With text predictions an empty list item means "no references" (an error), not an empty
    token sequence.
    """
    name = "references"
    if _is_arrow(references):
        import pyarrow as pa

        arr = references.combine_chunks() if isinstance(references, pa.ChunkedArray) else references
        inner = arr.type.value_type if (pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type)) else None
        if inner is not None and (
            pa.types.is_list(inner) or pa.types.is_large_list(inner) or pa.types.is_string(inner)
            or pa.types.is_large_string(inner)
        ):
            if arr.null_count:
                raise ValueError(f"{name}: {arr.null_count} null rows; every prediction needs references")
            groups = arr.offsets.to_numpy(zero_copy_only=False).astype(np.int64)
            values = arr.values.slice(int(groups[0]), int(groups[-1] - groups[0]))
            groups = groups - groups[0]
            _check_arrow_reference_nulls(values, groups, name)
            return flat_side(values, name), _checked_groups(groups, n_predictions)
        side = _arrow_side(arr, name)
        return side, _single_groups(len(side), n_predictions)
    if isinstance(references, TokenBatch):
        return Side(IDS, batch=references), _single_groups(len(references), n_predictions)
    references = _as_list(references, name)
    if prediction_kind == IDS:  # every item one id sequence: decided and converted on the threads
        batch = _threaded_id_rows(references, threads)
        if batch is not None:
            return Side(IDS, batch=batch), _single_groups(len(batch), n_predictions)
    from . import _ingest

    if _ingest.flat_layout(references):  # one text / id sequence each: no per-item Python
        side = flat_side(references, name, threads)
        return side, _single_groups(len(side), n_predictions)
    multi = []
    copied = False
    for i, item in enumerate(references):
        if isinstance(item, np.ndarray) and item.dtype.kind in "UTOS":
            if not copied:  # never modify the caller's list
                references, copied = list(references), True
            references[i] = item = _numpy_reference_item(item, f"{name}[{i}]")
        if item is None:
            raise TypeError(f"{name}[{i}]: expected a text, a token sequence or a list of them, got None")
        if prediction_kind == TEXT and isinstance(item, (list, tuple)) and not item:
            raise ValueError(f"{name}[{i}]: no references for prediction {i}")
        multi.append(_is_multi_item(item))
    if not any(multi):
        side = flat_side(references, name)
        return side, _single_groups(len(side), n_predictions)
    sizes = np.zeros(len(references), dtype=np.int64)
    flat_texts: list = []
    flat_rows: list = []
    batches: list[TokenBatch] = []
    for i, item in enumerate(references):
        if isinstance(item, str):
            item = [item]
        elif isinstance(item, TokenBatch):
            batches.append(item)
            sizes[i] = len(item)
            continue
        elif not multi[i]:
            if isinstance(item, (list, tuple)) and not item:
                raise ValueError(f"{name}[{i}]: no references for prediction {i}")
            item = [item]
        if isinstance(item[0], str):
            flat_texts.extend(item)
        else:
            flat_rows.extend(item)
        sizes[i] = len(item)
    kinds = sum(bool(x) for x in (flat_texts, flat_rows, batches))
    if kinds > 1:
        raise TypeError(f"{name}: mixes texts and token sequences")
    groups = np.zeros(len(references) + 1, dtype=np.int64)
    np.cumsum(sizes, out=groups[1:])
    if flat_texts:
        for g in range(len(references)):  # locate a non-str item by (prediction, reference)
            for k in range(int(groups[g]), int(groups[g + 1])):
                if not isinstance(flat_texts[k], str):
                    item = f"{name}[{g}][{k - groups[g]}]"
                    raise bytes_item_error(flat_texts[k:k + 1], item, indexed=False) or TypeError(
                        f"{item}: expected str, got {type(flat_texts[k]).__name__}")
        side = Side(TEXT, texts=flat_texts)
    elif batches:
        if len(batches) != len(references):
            raise TypeError(f"{name}: give a TokenBatch of references for every prediction")
        side = Side(IDS, batch=_concat_batches(batches))
    else:
        try:
            side = Side(IDS, batch=_with_bytes_hint(lambda: TokenBatch.from_lists(flat_rows, name=name, threads=threads),
                                                    references, name))
        except (TypeError, ValueError):
            # re-check prediction by prediction so the message names references[g][k]
            for g in range(len(references)):
                TokenBatch.from_lists(flat_rows[groups[g] : groups[g + 1]], name=f"{name}[{g}]")
            raise
    return side, _checked_groups(groups, n_predictions)


def _numpy_reference_item(item: np.ndarray, name: str) -> list:
    """A numpy array of texts (str or object dtype) as one prediction's list of references."""
    if item.dtype.kind == "S":
        raise TypeError(f"{name}: expected texts (str), got a numpy bytes array (dtype {item.dtype}); decode it first")
    if item.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array of reference texts, got shape {item.shape}")
    return item.tolist()


def _arrow_location(flat_index: int, groups: np.ndarray) -> tuple[int, int]:
    """(prediction, reference within it) of a flat reference index."""
    g = int(np.searchsorted(groups, flat_index, side="right")) - 1
    return g, flat_index - int(groups[g])


def _first_null(array) -> int | None:
    if not array.null_count:
        return None
    return int(np.flatnonzero(array.is_null().to_numpy(zero_copy_only=False))[0])


def _check_arrow_reference_nulls(values, groups: np.ndarray, name: str) -> None:
    """Nulls in the references of a pyarrow list<string> / list<list<int>> column, named by
    ``references[prediction][reference]`` (and ``[position]``) as for Python lists."""
    import pyarrow as pa

    k = _first_null(values)
    if k is not None:
        g, j = _arrow_location(k, groups)
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            raise TypeError(f"{name}[{g}][{j}]: expected str, got NoneType (None is not a text; use '' for an empty one)")
        raise ValueError(f"{name}[{g}][{j}]: null reference; fill it (e.g. with []) first")
    if pa.types.is_list(values.type) or pa.types.is_large_list(values.type):
        p = _first_null(values.flatten())
        if p is not None:
            offsets = values.offsets.to_numpy(zero_copy_only=False).astype(np.int64)
            offsets = offsets - offsets[0]
            row = int(np.searchsorted(offsets, p, side="right")) - 1
            g, j = _arrow_location(row, groups)
            raise ValueError(f"{name}[{g}][{j}][{p - int(offsets[row])}]: null token id")


def _as_list(values: Any, name: str) -> list:
    """A list of the items of ``values``; rejects single texts, sets, mappings, iterators and
    non-iterables (:func:`~ngramkit.ingest.arguments.reject_unordered`)."""
    if isinstance(values, list):
        return values
    reject_unordered(values, name)
    try:
        return list(values)
    except TypeError:
        raise TypeError(f"{name}: expected a list of texts or token sequences, got {type(values).__name__}") from None


def _with_bytes_hint(convert, values: list, name: str):
    """``convert()``; a TypeError it raises becomes one naming a bytes item, if there is one."""
    try:
        return convert()
    except TypeError:
        hint = bytes_item_error(values, name)
        if hint is None:
            for i, item in enumerate(values):
                if isinstance(item, (list, tuple)) and (hint := bytes_item_error(item, f"{name}[{i}]")):
                    break
        if hint is not None:
            raise hint from None
        raise


def _concat_batches(batches: list[TokenBatch]) -> TokenBatch:
    ids = np.concatenate([b.ids[b.offsets[0] : b.offsets[-1]] for b in batches]) if batches else np.zeros(0, np.int32)
    lengths = np.concatenate([b.lengths() for b in batches]) if batches else np.zeros(0, np.int64)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return TokenBatch(ids.astype(np.int32, copy=False), offsets)


def _single_groups(n_references: int, n_predictions: int) -> np.ndarray:
    if n_references != n_predictions:
        raise ValueError(
            f"predictions and references differ in length: {n_predictions} predictions, "
            f"{n_references} references"
        )
    return np.arange(n_predictions + 1, dtype=np.int64)


def _checked_groups(groups: np.ndarray, n_predictions: int) -> np.ndarray:
    if len(groups) - 1 != n_predictions:
        raise ValueError(
            f"predictions and references differ in length: {n_predictions} predictions, "
            f"{len(groups) - 1} reference sets"
        )
    empty = np.flatnonzero(np.diff(groups) == 0)
    if empty.size:
        raise ValueError(f"references[{int(empty[0])}]: no references for prediction {int(empty[0])}")
    return groups


def text_buffers(texts: list, name: str, threads: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(uint8 UTF-8 bytes, int64 byte offsets) of a list of str, lone surrogates as 3-byte
    sequences ("surrogatepass"), encoded on ``threads`` threads; a non-str item raises TypeError
    naming ``name[i]``."""
    from .. import _core
    from . import _ingest

    if not isinstance(texts, list):
        texts = list(texts)
    buffers = _core.utf8_batch(texts, threads)
    if buffers is None:  # an item is not a str (or a legacy str): the serial path names or converts it
        buffers = _with_bytes_hint(lambda: _ingest.utf8_batch(texts, name), texts, name)
    return buffers
