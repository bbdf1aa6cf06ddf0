// SPDX-License-Identifier: Apache-2.0
// The boundary between Python and the kernels, shared by every binding file: buffer checks (exact
// dtype, 1-D, C-contiguous, offsets in range; errors name the Python argument), output arrays, and
// running a kernel with the GIL released so that Ctrl-C interrupts it.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/parallel.hpp"
#include "core/ragged.hpp"

namespace ngramkit::bindings {

namespace py = pybind11;

template <class T>
const T* require_1d(const py::array& a, const char* name, const char* dtype_name) {
    // equal(), not is(): an unpickled dtype is equal but another object; equal() still tells
    // byte orders and widths apart
    if (!a.dtype().equal(py::dtype::of<T>()))
        throw py::type_error(std::string(name) + ": expected dtype " + dtype_name + ", got " +
                             std::string(py::str(a.dtype())));
    if (a.ndim() != 1) throw py::value_error(std::string(name) + ": expected a 1-D array");
    if (!(a.flags() & py::array::c_style))
        throw py::value_error(std::string(name) + ": expected a C-contiguous array");
    return static_cast<const T*>(a.data());
}

template <class T>
RaggedView<T> ragged(const py::array& values, const py::array& offsets, const char* name,
                     const char* values_dtype) {
    const std::string values_name = std::string(name) + ".values";
    const std::string offsets_name = std::string(name) + ".offsets";
    RaggedView<T> view;
    view.values = require_1d<T>(values, values_name.c_str(), values_dtype);
    view.n_values = static_cast<std::size_t>(values.size());
    view.offsets = require_1d<std::int64_t>(offsets, offsets_name.c_str(), "int64");
    if (offsets.size() < 1) throw py::value_error(offsets_name + ": needs at least one entry");
    view.n_rows = static_cast<std::size_t>(offsets.size() - 1);
    return view;
}

// UTF-8 rows (uint8 values + int64 offsets) as a view of chars.
inline RaggedView<char> text_view(const py::array& bytes, const py::array& offsets, const char* name) {
    const auto v = ragged<std::uint8_t>(bytes, offsets, name, "uint8");
    return RaggedView<char>{reinterpret_cast<const char*>(v.values), v.n_values, v.offsets, v.n_rows};
}

// Polled between chunks with the GIL released: at most every 50 ms, takes the GIL and runs
// Python's signal handlers, so Ctrl-C stops a long call (KeyboardInterrupt is then set).
class SignalCheck {
public:
    bool operator()() {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(50)) return false;
        last_ = now;
        py::gil_scoped_acquire gil;
        return PyErr_CheckSignals() != 0;
    }

private:
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// Runs a kernel with the GIL released; a Ctrl-C seen by SignalCheck becomes KeyboardInterrupt.
template <class Kernel>
void run_interruptible(Kernel kernel) {
    try {
        py::gil_scoped_release release;
        std::function<bool()> interrupted = SignalCheck();
        kernel(interrupted);
    } catch (const Interrupted&) {
        throw py::error_already_set();
    }
}

inline py::array_t<std::int64_t> stats_array(std::size_t n_ref, std::size_t n_types) {
    return py::array_t<std::int64_t>(std::vector<py::ssize_t>{
        static_cast<py::ssize_t>(n_ref), static_cast<py::ssize_t>(n_types), 3});
}

// A caller's array to write into: dtype T, C-contiguous, writeable, exactly `shape`; errors name
// `name` (the Python argument).
template <class T>
py::array_t<T> checked_out(const py::object& into, const std::vector<py::ssize_t>& shape, const std::string& name,
                           const char* dtype_name) {
    if (!py::isinstance<py::array>(into)) throw py::type_error(name + ": expected a numpy array");
    auto a = py::reinterpret_borrow<py::array>(into);
    if (!a.dtype().equal(py::dtype::of<T>())) throw py::type_error(name + ": expected dtype " + dtype_name);
    bool same_shape = a.ndim() == static_cast<py::ssize_t>(shape.size());
    for (std::size_t d = 0; same_shape && d < shape.size(); ++d) same_shape = a.shape(d) == shape[d];
    if (!same_shape || !(a.flags() & py::array::c_style) || !a.writeable()) {
        std::string dims;
        for (const auto extent : shape) dims += (dims.empty() ? "" : ", ") + std::to_string(extent);
        throw py::value_error(name + ": expected a writeable C-contiguous (" + dims + ") array");
    }
    return py::array_t<T>(a);
}

// ROUGE statistics to write into: int64 (n_ref, n_types, 3).
inline py::array_t<std::int64_t> checked_stats_out(const py::object& into, std::size_t n_ref, std::size_t n_types) {
    return checked_out<std::int64_t>(
        into, {static_cast<py::ssize_t>(n_ref), static_cast<py::ssize_t>(n_types), 3}, "out", "int64");
}

template <class T>
void check_pair_offsets(const RaggedView<T>& preds, const RaggedView<T>& refs) {
    check_offsets(preds.offsets, preds.n_rows, preds.n_values, "predictions");
    check_offsets(refs.offsets, refs.n_rows, refs.n_values, "references");
}

inline const std::int64_t* checked_groups(const py::array& groups, std::size_t n_pred, std::size_t n_ref) {
    const auto* g = require_1d<std::int64_t>(groups, "reference_groups", "int64");
    if (static_cast<std::size_t>(groups.size()) != n_pred + 1)
        throw py::value_error("reference_groups: expected " + std::to_string(n_pred + 1) +
                              " entries (predictions + 1), got " + std::to_string(groups.size()));
    check_groups(g, n_pred, n_ref);
    return g;
}

// A C-contiguous array of exactly `ndim` dimensions and dtype T (named in errors).
template <class T>
const T* require_nd(const py::array& a, const char* name, const char* dtype_name, py::ssize_t ndim) {
    if (!a.dtype().equal(py::dtype::of<T>()))
        throw py::type_error(std::string(name) + ": expected dtype " + dtype_name + ", got " +
                             std::string(py::str(a.dtype())));
    if (a.ndim() != ndim)
        throw py::value_error(std::string(name) + ": expected a " + std::to_string(ndim) + "-D array");
    if (!(a.flags() & py::array::c_style)) throw py::value_error(std::string(name) + ": expected a C-contiguous array");
    return static_cast<const T*>(a.data());
}

}  // namespace ngramkit::bindings
