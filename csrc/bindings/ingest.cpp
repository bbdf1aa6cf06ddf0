// SPDX-License-Identifier: Apache-2.0
// Bindings of the ingest layer: list[str] and list[list[int]] to kernel buffers on threads.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>

#include "bindings/binders.hpp"
#include "bindings/common.hpp"
#include "bindings/py_rows.hpp"
#include "text/ucs_utf8.hpp"

namespace py = pybind11;
using namespace ngramkit;
using namespace ngramkit::bindings;

namespace {

// Items per chunk for the passes that touch every character: about kUnitsPerChunk code units a
// chunk, so a few long texts spread over the threads as well as many short ones (and a small batch
// is one chunk, on the calling thread alone).
std::size_t chunk_by_units(std::size_t n_items, std::size_t total_units) {
    constexpr std::size_t kUnitsPerChunk = std::size_t(1) << 16;
    if (total_units <= kUnitsPerChunk) return std::max<std::size_t>(n_items, 1);
    const double items = double(n_items) * double(kUnitsPerChunk) / double(total_units);
    return std::clamp<std::size_t>(static_cast<std::size_t>(items), 1, kIngestChunk);
}

py::object utf8_batch_threaded(const py::list& texts, int threads) {
    const auto n = static_cast<std::size_t>(PyList_GET_SIZE(texts.ptr()));
    struct Ref {
        const void* data;
        std::size_t len;
        int kind;  // 0 = ASCII, else bytes per code point
    };
    std::vector<Ref> refs(n);
    py::array_t<std::int64_t> offsets(static_cast<py::ssize_t>(n + 1));
    std::int64_t* off = offsets.mutable_data();
    std::atomic<bool> unusual{false};
    std::atomic<std::size_t> total_units{0};
    PyObject* const list = texts.ptr();
    parallel_chunks(n, threads, kIngestChunk, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
        std::size_t units = 0;
        for (std::size_t i = begin; i < end; ++i) {
            PyObject* item = PyList_GET_ITEM(list, static_cast<Py_ssize_t>(i));
            if (!PyUnicode_Check(item)) return void(unusual = true);
#if PY_VERSION_HEX < 0x030C0000
            if (!PyUnicode_IS_READY(item)) return void(unusual = true);  // a legacy str: the serial path readies it
#endif
            const auto len = static_cast<std::size_t>(PyUnicode_GET_LENGTH(item));
            const int kind = PyUnicode_IS_ASCII(item) ? 0 : static_cast<int>(PyUnicode_KIND(item));
            refs[i] = Ref{PyUnicode_DATA(item), len, kind};
            units += len;
        }
        total_units.fetch_add(units);
    });
    if (unusual) return py::none();
    const std::size_t chunk = chunk_by_units(n, total_units.load());
    parallel_chunks(n, threads, chunk, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i)
            off[i + 1] = static_cast<std::int64_t>(ucs_utf8_size(refs[i].data, refs[i].len, refs[i].kind));
    });
    const std::int64_t total = prefix_sums(off, n);
    py::array_t<std::uint8_t> data(static_cast<py::ssize_t>(total));
    char* out = reinterpret_cast<char*>(data.mutable_data());
    parallel_chunks(n, threads, chunk, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) ucs_to_utf8(refs[i].data, refs[i].len, refs[i].kind, out + off[i]);
    });
    return py::make_tuple(std::move(data), std::move(offsets));
}

py::object int_rows_threaded(const py::list& rows, int threads) {
    const auto n = static_cast<std::size_t>(PyList_GET_SIZE(rows.ptr()));
    std::vector<PyObject* const*> items;
    py::array_t<std::int64_t> offsets(static_cast<py::ssize_t>(n + 1));
    std::int64_t* off = offsets.mutable_data();
    if (!row_items(rows.ptr(), threads, items, off)) return py::none();
    py::array_t<std::int32_t> ids(static_cast<py::ssize_t>(off[n]));
    std::int32_t* out = ids.mutable_data();
    std::atomic<bool> unusual{false};
    parallel_chunks(n, threads, kIngestChunk, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
        if (!unusual.load(std::memory_order_relaxed) && !convert_rows(items, off, begin, end, out)) unusual = true;
    });
    if (unusual) return py::none();
    return py::make_tuple(std::move(ids), std::move(offsets));
}

}  // namespace

void ngramkit::bindings::bind_ingest(py::module_& m) {
    m.def("utf8_batch", &utf8_batch_threaded, py::arg("texts"), py::arg("threads"),
          "(uint8 UTF-8 bytes, int64 offsets) of a list of str, built on `threads` threads; None if an "
          "item is not a str (the caller's serial path names it).");
    m.def("int_rows_batch", &int_rows_threaded, py::arg("rows"), py::arg("threads"),
          "(int32 ids, int64 offsets) of a list of lists/tuples of small exact ints, on `threads` threads; "
          "None for anything else (the caller's serial path converts it or names the bad item).");
}
