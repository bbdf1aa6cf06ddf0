// SPDX-License-Identifier: Apache-2.0
// Python lists walked by worker threads while the calling thread holds the GIL: the item arrays of
// list/tuple rows and their conversion to int32 ids. Shared by the ingest and ROUGE bindings.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <cstdint>
#include <vector>

#include "core/parallel.hpp"

namespace ngramkit::bindings {

namespace py = pybind11;

// ---- list[str] / list[list[int]] -> kernel buffers, on every thread ----
//
// The calling thread keeps the GIL for the whole conversion, so no Python code runs meanwhile:
// nothing can change the lists or free an item while the workers read them. The workers only read
// object fields (type, length, character data, the digits of an int) and never call into the
// interpreter. Anything unusual (an item that is not a str; a row that is not an exact list or
// tuple; an id that is not an exact int in [0, 2**31 - 1] held in one or two digits) makes the
// call return None: the caller then takes the serial Cython path (_ingest), which converts such
// rows or names the bad item in its error. Results are the same bytes / ids either way.
constexpr std::size_t kIngestChunk = 4096;

// Offsets from per-row sizes in out[1..n]: out[0] = 0, running sums.
inline std::int64_t prefix_sums(std::int64_t* out, std::size_t n) {
    out[0] = 0;
    for (std::size_t i = 0; i < n; ++i) out[i + 1] += out[i];
    return out[n];
}

// An exact int in [0, 2**31 - 1] stored in at most two digits; false for anything else.
inline bool small_token_id(PyObject* v, std::int32_t& id) {
    if (!PyLong_CheckExact(v)) return false;
#if PY_VERSION_HEX >= 0x030C0000
    if (!PyUnstable_Long_IsCompact(reinterpret_cast<PyLongObject*>(v))) return false;
    const long long x = PyUnstable_Long_CompactValue(reinterpret_cast<PyLongObject*>(v));
#else
    const Py_ssize_t size = Py_SIZE(v);
    if (size < 0 || size > 2) return false;
    const auto* digits = reinterpret_cast<PyLongObject*>(v)->ob_digit;
    long long x = size == 0 ? 0 : static_cast<long long>(digits[0]);
    if (size == 2) x |= static_cast<long long>(digits[1]) << PyLong_SHIFT;
#endif
    if (x < 0 || x > 2147483647LL) return false;
    id = static_cast<std::int32_t>(x);
    return true;
}

// The item array and length of every row of `rows` (exact lists or tuples), the lengths as prefix
// sums in `off` (n + 1 entries): false if a row is anything else. The caller holds the GIL.
inline bool row_items(PyObject* rows, int threads, std::vector<PyObject* const*>& items, std::int64_t* off) {
    const auto n = static_cast<std::size_t>(PyList_GET_SIZE(rows));
    items.resize(n);
    off[0] = 0;
    std::atomic<bool> unusual{false};
    parallel_chunks(n, threads, kIngestChunk, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            PyObject* row = PyList_GET_ITEM(rows, static_cast<Py_ssize_t>(i));
            if (PyList_CheckExact(row)) {
                items[i] = reinterpret_cast<PyListObject*>(row)->ob_item;
                off[i + 1] = PyList_GET_SIZE(row);
            } else if (PyTuple_CheckExact(row)) {
                items[i] = reinterpret_cast<PyTupleObject*>(row)->ob_item;
                off[i + 1] = PyTuple_GET_SIZE(row);
            } else {
                return void(unusual = true);
            }
        }
    });
    if (unusual) return false;
    prefix_sums(off, n);
    return true;
}

// Rows [begin, end) of row_items' result as int32 ids at out + off[row]: false at an item that is
// not a small_token_id. Runs without the GIL while the caller holds it.
inline bool convert_rows(const std::vector<PyObject* const*>& items, const std::int64_t* off, std::size_t begin,
                  std::size_t end, std::int32_t* out) {
    for (std::size_t i = begin; i < end; ++i) {
        const auto len = static_cast<std::size_t>(off[i + 1] - off[i]);
        std::int32_t* row = out + off[i];
        for (std::size_t j = 0; j < len; ++j)
            if (!small_token_id(items[i][j], row[j])) return false;
    }
    return true;
}

}  // namespace ngramkit::bindings
