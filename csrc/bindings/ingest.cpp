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

// One str of a list: its code units (width `kind`: 0 = ASCII, else bytes per code point) and
// whether it is an exact str (not a subclass).
struct StrRef {
    const void* data;
    std::size_t len;
    int kind;
    bool exact;
};

StrRef str_ref(PyObject* item) {
    const auto len = static_cast<std::size_t>(PyUnicode_GET_LENGTH(item));
    const int kind = PyUnicode_IS_ASCII(item) ? 0 : static_cast<int>(PyUnicode_KIND(item));
    return StrRef{PyUnicode_DATA(item), len, kind, PyUnicode_CheckExact(item) != 0};
}

// refs[i] for every item of `list` (n items), on the threads; returns the total code units, or
// SIZE_MAX when an item is not a (ready) str, for the caller's serial path.
std::size_t str_refs(PyObject* list, std::size_t n, int threads, std::vector<StrRef>& refs) {
    refs.resize(n);
    std::atomic<bool> unusual{false};
    std::atomic<std::size_t> total_units{0};
    parallel_chunks(n, threads, kIngestChunk, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
        std::size_t units = 0;
        for (std::size_t i = begin; i < end; ++i) {
            PyObject* item = PyList_GET_ITEM(list, static_cast<Py_ssize_t>(i));
            if (!PyUnicode_Check(item)) return void(unusual = true);
#if PY_VERSION_HEX < 0x030C0000
            if (!PyUnicode_IS_READY(item)) return void(unusual = true);  // a legacy str: the serial path readies it
#endif
            refs[i] = str_ref(item);
            units += refs[i].len;
        }
        total_units.fetch_add(units);
    });
    return unusual ? SIZE_MAX : total_units.load();
}

py::object utf8_batch_threaded(const py::list& texts, int threads) {
    const auto n = static_cast<std::size_t>(PyList_GET_SIZE(texts.ptr()));
    std::vector<StrRef> refs;
    const std::size_t total_units = str_refs(texts.ptr(), n, threads, refs);
    if (total_units == SIZE_MAX) return py::none();
    py::array_t<std::int64_t> offsets(static_cast<py::ssize_t>(n + 1));
    std::int64_t* off = offsets.mutable_data();
    const std::size_t chunk = chunk_by_units(n, total_units);
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

// utf8_batch of [t.lower() for t in texts]: exact ASCII strs are copied with their letters
// lowered, other exact strs of width 1 or 2 are lowered through `lower_table` (see
// lowered_utf8_size) on the threads, the rest by str.lower() on the calling thread. None (the
// caller's Python path) when an item is not a str or is a str subclass.
py::object utf8_batch_lowered(const py::list& texts, int threads, const py::array& lower_table) {
    if (lower_table.ndim() != 1 || lower_table.shape(0) != 65536 ||
        !py::dtype::of<std::uint16_t>().is(lower_table.dtype()) || !(lower_table.flags() & py::array::c_style))
        throw py::value_error("lower_table: expected a C-contiguous uint16 array of 65536 entries");
    const auto* lower = static_cast<const std::uint16_t*>(lower_table.data());
    const bool latin1 = lower_keeps_latin1(lower);
    const auto n = static_cast<std::size_t>(PyList_GET_SIZE(texts.ptr()));
    std::vector<StrRef> refs;  // exact: lowered here
    const std::size_t total_units = str_refs(texts.ptr(), n, threads, refs);
    if (total_units == SIZE_MAX) return py::none();
    std::vector<py::object> by_python;  // owns the strs Python lowered
    py::array_t<std::int64_t> offsets(static_cast<py::ssize_t>(n + 1));
    std::int64_t* off = offsets.mutable_data();
    PyObject* const list = texts.ptr();
    const std::size_t chunk = chunk_by_units(n, total_units);
    parallel_chunks(n, threads, chunk, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            const StrRef& r = refs[i];
            std::size_t size = r.len;  // ASCII, when the table keeps it ASCII
            if (!r.exact || r.kind == 4) size = SIZE_MAX;
            else if (r.kind == 1 || (r.kind == 0 && !latin1))
                size = lowered_utf8_size(static_cast<const std::uint8_t*>(r.data), r.len, lower, latin1);
            else if (r.kind == 2) size = lowered_utf8_size(static_cast<const std::uint16_t*>(r.data), r.len, lower, latin1);
            off[i + 1] = size == SIZE_MAX ? -1 : static_cast<std::int64_t>(size);
        }
    });
    for (std::size_t i = 0; i < n; ++i) {
        if (off[i + 1] >= 0) continue;
        PyObject* item = PyList_GET_ITEM(list, static_cast<Py_ssize_t>(i));
        // a subclass's lower() could run any code (even change the list): the caller's Python path
        if (!PyUnicode_CheckExact(item)) return py::none();
        PyObject* lowered = PyObject_CallMethod(item, "lower", nullptr);
        if (!lowered) throw py::error_already_set();
        by_python.push_back(py::reinterpret_steal<py::object>(lowered));
        refs[i] = str_ref(lowered);
        refs[i].exact = false;  // lowered already: copied as it is
        off[i + 1] = static_cast<std::int64_t>(ucs_utf8_size(refs[i].data, refs[i].len, refs[i].kind));
    }
    const std::int64_t total = prefix_sums(off, n);
    py::array_t<std::uint8_t> data(static_cast<py::ssize_t>(total));
    char* out = reinterpret_cast<char*>(data.mutable_data());
    parallel_chunks(n, threads, chunk, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            const StrRef& r = refs[i];
            char* at = out + off[i];
            if (!r.exact) {  // lowered by Python
                ucs_to_utf8(r.data, r.len, r.kind, at);
            } else if (r.kind <= 1) {  // ASCII: the table lowers its letters
                lowered_to_utf8(static_cast<const std::uint8_t*>(r.data), r.len, lower, at);
            } else {
                lowered_to_utf8(static_cast<const std::uint16_t*>(r.data), r.len, lower, at);
            }
        }
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
    m.def("utf8_batch_lowered", &utf8_batch_lowered, py::arg("texts"), py::arg("threads"), py::arg("lower_table"),
          "utf8_batch of [t.lower() for t in texts]: strs of width 1 and 2 lowered through lower_table "
          "(uint16[65536]: each code point's one-code-point lowercase, 0xFFFF where Python must lower the "
          "str), the others by str.lower(); None if an item is not a str or is a str subclass.");
    m.def("int_rows_batch", &int_rows_threaded, py::arg("rows"), py::arg("threads"),
          "(int32 ids, int64 offsets) of a list of lists/tuples of small exact ints, on `threads` threads; "
          "None for anything else (the caller's serial path converts it or names the bad item).");
}
