# cython: language_level=3, boundscheck=False, wraparound=False
# SPDX-License-Identifier: Apache-2.0
"""Walk Python lists once and hand the kernels contiguous buffers (private module).

* ``utf8_batch``: ``list[str]`` -> (uint8 UTF-8 bytes, int64 offsets), one memcpy per string.
* ``int_rows_batch``: ``list[list[int]]`` -> (int32 ids, int64 offsets), range-checked, never wrapped.
"""
import numpy as np

cimport numpy as cnp
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.long cimport PyLong_AsLongLong
from cpython.unicode cimport PyUnicode_AsUTF8AndSize, PyUnicode_Check
from cpython.ref cimport PyObject
from libc.stdint cimport int32_t, int64_t, uint8_t
from libc.string cimport memcpy

cnp.import_array()

cdef extern from "Python.h":
    bint PyLong_Check(object o)
    bint PyLong_CheckExact(object o)
    bint PyList_Check(object o)
    bint PyTuple_Check(object o)
    Py_ssize_t PyTuple_GET_SIZE(object o)
    PyObject* PyTuple_GET_ITEM(object o, Py_ssize_t i)
    void PyErr_Clear()

cdef int64_t INT32_LIMIT = 2147483647


cdef const char* _utf8(object text, Py_ssize_t* size, list keep) except NULL:
    """UTF-8 bytes of a str; lone surrogates are kept as 3-byte sequences (they are separators)."""
    cdef const char* data
    try:
        data = PyUnicode_AsUTF8AndSize(text, size)
    except UnicodeEncodeError:
        encoded = (<str>text).encode("utf-8", "surrogatepass")
        keep.append(encoded)
        size[0] = PyBytes_GET_SIZE(encoded)
        return PyBytes_AS_STRING(encoded)
    return data


def utf8_batch(list texts, str name):
    """Concatenate the UTF-8 encodings of ``texts``.

    Returns ``(data, offsets)``: ``data`` uint8 of total byte length, ``offsets`` int64 of
    ``len(texts) + 1`` byte offsets. Raises TypeError naming ``name[i]`` for a non-str item.
    """
    cdef Py_ssize_t n = PyList_GET_SIZE(texts)
    cdef Py_ssize_t i, size
    cdef int64_t total = 0
    cdef list keep = []
    cdef const char** pointers
    offsets = np.empty(n + 1, dtype=np.int64)
    cdef int64_t[::1] off = offsets
    cdef object item
    ptr_holder = np.empty(n if n > 0 else 1, dtype=np.uintp)
    cdef size_t[::1] ptrs = ptr_holder
    off[0] = 0
    for i in range(n):
        item = <object>PyList_GET_ITEM(texts, i)
        if not PyUnicode_Check(item):
            raise TypeError(
                f"{name}[{i}]: expected str, got {type(item).__name__}"
                + (" (None is not a text; use '' for an empty one)" if item is None else "")
            )
        ptrs[i] = <size_t>_utf8(item, &size, keep)
        total += size
        off[i + 1] = total
    data = np.empty(total, dtype=np.uint8)
    cdef uint8_t[::1] out = data
    for i in range(n):
        size = off[i + 1] - off[i]
        if size:
            memcpy(&out[off[i]], <const char*>ptrs[i], size)
    return data, offsets


cdef int64_t _checked_id(object value, str name, Py_ssize_t row, Py_ssize_t col) except -1:
    cdef long long v
    if not PyLong_CheckExact(value):
        if isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name}[{row}][{col}]: expected an int token id, got bool")
        value = _non_exact_int(value, name, row, col)
    try:
        v = PyLong_AsLongLong(value)
    except OverflowError:
        raise ValueError(f"{name}[{row}][{col}]: token id {value} does not fit in int32") from None
    if v < 0:
        raise ValueError(f"{name}[{row}][{col}]: token id {v} is negative")
    if v > INT32_LIMIT:
        raise ValueError(f"{name}[{row}][{col}]: token id {v} does not fit in int32")
    return v


cdef object _non_exact_int(object value, str name, Py_ssize_t row, Py_ssize_t col):
    """An int subclass or numpy integer as a plain int; anything else raises TypeError."""
    if PyLong_Check(value) or isinstance(value, np.integer):
        return int(value)
    raise TypeError(f"{name}[{row}][{col}]: expected an int token id, got {type(value).__name__}")


def int_rows_batch(list rows, str name):
    """Flatten ``rows`` (each a list/tuple of ints, or a 1-D integer numpy array).

    Returns ``(ids, offsets)``: int32 ids and int64 offsets of ``len(rows) + 1`` entries. Every id
    must lie in [0, 2**31 - 1]; anything else raises, naming ``name[row][col]``.
    """
    cdef Py_ssize_t n = PyList_GET_SIZE(rows)
    cdef Py_ssize_t i, j, m
    cdef int64_t total = 0
    offsets = np.empty(n + 1, dtype=np.int64)
    cdef int64_t[::1] off = offsets
    cdef object row
    off[0] = 0
    arrays = {}
    for i in range(n):
        row = <object>PyList_GET_ITEM(rows, i)
        if PyList_Check(row):
            m = PyList_GET_SIZE(row)
        elif PyTuple_Check(row):
            m = PyTuple_GET_SIZE(row)
        elif isinstance(row, np.ndarray):
            arrays[i] = _checked_array_row(row, name, i)
            m = arrays[i].shape[0]
        elif row is None:
            raise TypeError(f"{name}[{i}]: expected a sequence of token ids, got None")
        else:
            raise TypeError(
                f"{name}[{i}]: expected a list, tuple or 1-D integer array of token ids, "
                f"got {type(row).__name__}"
            )
        total += m
        off[i + 1] = total
    ids = np.empty(total, dtype=np.int32)
    cdef int32_t[::1] out = ids
    cdef int64_t pos
    for i in range(n):
        row = <object>PyList_GET_ITEM(rows, i)
        pos = off[i]
        if i in arrays:
            ids[pos:off[i + 1]] = arrays[i]
        elif PyList_Check(row):
            for j in range(off[i + 1] - pos):
                out[pos + j] = <int32_t>_checked_id(<object>PyList_GET_ITEM(row, j), name, i, j)
        else:
            for j in range(off[i + 1] - pos):
                out[pos + j] = <int32_t>_checked_id(<object>PyTuple_GET_ITEM(row, j), name, i, j)
    return ids, offsets


def _checked_array_row(row, str name, Py_ssize_t i):
    if row.ndim != 1:
        raise ValueError(f"{name}[{i}]: expected a 1-D array of token ids, got {row.ndim}-D")
    if row.dtype.kind not in "iu":
        raise TypeError(f"{name}[{i}]: expected integer token ids, got dtype {row.dtype}")
    if row.size:
        low, high = int(row.min()), int(row.max())
        if low < 0:
            raise ValueError(f"{name}[{i}]: token id {low} is negative")
        if high > INT32_LIMIT:
            raise ValueError(f"{name}[{i}]: token id {high} does not fit in int32")
    return row.astype(np.int32, copy=False)


def flat_layout(list items):
    """How a references list is laid out, in one C pass: 1 if every item is a str (one text per
    prediction), 2 if every item is a non-empty list whose first element is an int (one id
    sequence per prediction), 0 otherwise (the caller then looks at each item)."""
    cdef Py_ssize_t i, n = PyList_GET_SIZE(items)
    cdef object item
    if n == 0:
        return 0
    item = <object>PyList_GET_ITEM(items, 0)
    if PyUnicode_Check(item):
        for i in range(1, n):
            if not PyUnicode_Check(<object>PyList_GET_ITEM(items, i)):
                return 0
        return 1
    for i in range(n):
        item = <object>PyList_GET_ITEM(items, i)
        if not PyList_Check(item) or PyList_GET_SIZE(item) == 0 or not PyLong_Check(<object>PyList_GET_ITEM(item, 0)):
            return 0
    return 2


def any_str(list items):
    """Whether any item is a str, in one C pass (no per-item Python)."""
    cdef Py_ssize_t i, n = PyList_GET_SIZE(items)
    for i in range(n):
        if PyUnicode_Check(<object>PyList_GET_ITEM(items, i)):
            return True
    return False
