// SPDX-License-Identifier: Apache-2.0
// Bindings of the statistics layer: bootstrap means, paired-test resampling (numpy's PCG64
// streams) and the Poisson bootstrap.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/binders.hpp"
#include "bindings/common.hpp"
#include "stats/bootstrap.hpp"
#include "stats/poisson_bootstrap.hpp"
#include "stats/resample.hpp"

namespace py = pybind11;
using namespace ngramkit;
using namespace ngramkit::bindings;

namespace {

py::array_t<double> bootstrap(const py::array& values, std::int64_t n_samples, std::uint64_t seed, int threads) {
    if (!values.dtype().equal(py::dtype::of<double>()))
        throw py::type_error("scores: expected dtype float64, got " + std::string(py::str(values.dtype())));
    if (values.ndim() != 2 || !(values.flags() & py::array::c_style))
        throw py::value_error("scores: expected a C-contiguous 2-D array");
    const std::int64_t rows = values.shape(0), cols = values.shape(1);
    if (n_samples <= 0) throw py::value_error("n_samples: must be positive");
    py::array_t<double> out(std::vector<py::ssize_t>{static_cast<py::ssize_t>(n_samples), static_cast<py::ssize_t>(cols)});
    const double* in = static_cast<const double*>(values.data());
    double* o = out.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        bootstrap_means(in, rows, cols, n_samples, seed, threads, o, interrupted);
    });
    return out;
}

// ---- paired significance tests (compare): numpy's PCG64 streams, see resample.hpp ------------
// A generator state crosses the boundary as (state_hi, state_lo, inc_hi, inc_lo, has_uint32,
// uinteger): numpy's bit_generator.state split into 64-bit words.
using PcgWords = std::tuple<std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t, bool, std::uint32_t>;

Pcg64 pcg_from(const PcgWords& w) {
    Pcg64 g;
    g.state = (static_cast<u128>(std::get<0>(w)) << 64) | std::get<1>(w);
    g.inc = (static_cast<u128>(std::get<2>(w)) << 64) | std::get<3>(w);
    g.has_uint32 = std::get<4>(w);
    g.uinteger = std::get<5>(w);
    return g;
}

PcgWords pcg_words(const Pcg64& g) {
    return PcgWords{static_cast<std::uint64_t>(g.state >> 64), static_cast<std::uint64_t>(g.state),
                    static_cast<std::uint64_t>(g.inc >> 64), static_cast<std::uint64_t>(g.inc), g.has_uint32,
                    g.uinteger};
}

py::tuple bootstrap_resample_sums(const PcgWords& state, std::int64_t n_samples, const py::array& f32,
                                  const py::array& f64, int threads) {
    const float* a32 = require_nd<float>(f32, "float32 statistics", "float32", 2);
    const double* a64 = require_nd<double>(f64, "float64 statistics", "float64", 2);
    const auto n = static_cast<std::uint64_t>(f32.shape(0));
    if (f64.shape(0) != f32.shape(0))
        throw py::value_error("float64 statistics: expected " + std::to_string(n) + " rows, got " +
                              std::to_string(f64.shape(0)));
    if (n == 0) throw py::value_error("statistics: need at least one pair");
    if (n - 1 > 0xffffffffULL) throw py::value_error("statistics: at most 2^32 pairs");
    if (n_samples < 1) throw py::value_error("n_samples: must be positive");
    const auto k32 = static_cast<std::size_t>(f32.shape(1)), k64 = static_cast<std::size_t>(f64.shape(1));
    const auto rows = static_cast<py::ssize_t>(n_samples);
    py::array_t<float> out32(std::vector<py::ssize_t>{rows, static_cast<py::ssize_t>(k32)});
    py::array_t<double> out64(std::vector<py::ssize_t>{rows, static_cast<py::ssize_t>(k64)});
    Pcg64 g = pcg_from(state);
    float* o32 = out32.mutable_data();
    double* o64 = out64.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        bootstrap_sums(g, n, static_cast<std::uint64_t>(n_samples), a32, k32, a64, k64, o32, o64, threads, interrupted);
    });
    return py::make_tuple(out32, out64, pcg_words(g));
}

template <class T>
py::tuple randomization_typed(const Pcg64& g, std::int64_t n_samples, const py::array& baseline,
                              const py::array& systems, const char* dtype_name, int threads) {
    const T* bl = require_nd<T>(baseline, "baseline statistics", dtype_name, 2);
    const T* sy = require_nd<T>(systems, "system statistics", dtype_name, 3);
    const auto n = static_cast<std::uint64_t>(baseline.shape(0));
    const auto k = static_cast<std::size_t>(baseline.shape(1));
    const auto n_systems = static_cast<std::size_t>(systems.shape(0));
    if (static_cast<std::uint64_t>(systems.shape(1)) != n || static_cast<std::size_t>(systems.shape(2)) != k)
        throw py::value_error("system statistics: expected shape (n_systems, " + std::to_string(n) + ", " +
                              std::to_string(k) + ")");
    if (n_samples < 1) throw py::value_error("n_samples: must be positive");
    const std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(n_samples), static_cast<py::ssize_t>(n_systems),
                                         static_cast<py::ssize_t>(k)};
    py::array_t<T> out_a(shape), out_b(shape);
    T* a = out_a.mutable_data();
    T* b = out_b.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        randomization_sums<T>(g, n, static_cast<std::uint64_t>(n_samples), bl, sy, n_systems, k, a, b, threads,
                              interrupted);
    });
    return py::make_tuple(out_a, out_b);
}

py::tuple randomization_resample_sums(const PcgWords& state, std::int64_t n_samples, const py::array& baseline,
                                      const py::array& systems, int threads) {
    const Pcg64 g = pcg_from(state);
    if (g.has_uint32) throw py::value_error("state: randomization needs a generator with no buffered 32-bit half");
    if (baseline.dtype().equal(py::dtype::of<std::int64_t>()))
        return randomization_typed<std::int64_t>(g, n_samples, baseline, systems, "int64", threads);
    return randomization_typed<double>(g, n_samples, baseline, systems, "float64", threads);
}

py::array_t<std::uint32_t> pcg_integers(const PcgWords& state, std::uint64_t n, std::int64_t count) {
    if (n == 0 || n - 1 > 0xffffffffULL) throw py::value_error("n: expected 1..2^32");
    if (count < 0) throw py::value_error("count: must be non-negative");
    py::array_t<std::uint32_t> out(static_cast<py::ssize_t>(count));
    Pcg64 g = pcg_from(state);
    draw_indices(g, n, static_cast<std::size_t>(count), out.mutable_data());
    return out;
}
// ---- Poisson bootstrap (issue 10: partition-invariant bootstrap) ----------------------------------
py::tuple poisson_bootstrap_sums(std::int64_t first_row, const py::array& stats, const py::array& values,
                                 std::uint64_t seed, std::int64_t n_samples, int threads) {
    namespace pb = poisson_bootstrap;
    const std::int64_t* s = require_nd<std::int64_t>(stats, "statistics", "int64", 2);
    const double* v = require_nd<double>(values, "values", "float64", 2);
    if (values.shape(0) != stats.shape(0))
        throw py::value_error("values: expected " + std::to_string(stats.shape(0)) + " rows, got " +
                              std::to_string(values.shape(0)));
    if (first_row < 0) throw py::value_error("first_row: must be non-negative");
    if (n_samples < 1) throw py::value_error("n_samples: must be positive");
    pb::Inputs in;
    in.first_row = static_cast<std::uint64_t>(first_row);
    in.n = static_cast<std::size_t>(stats.shape(0));
    in.stats = s;
    in.k = static_cast<std::size_t>(stats.shape(1));
    in.values = v;
    in.m = static_cast<std::size_t>(values.shape(1));
    in.seed = seed;
    in.n_samples = static_cast<std::size_t>(n_samples);
    const auto rows = static_cast<py::ssize_t>(n_samples);
    py::array_t<std::int64_t> out_s(std::vector<py::ssize_t>{rows, static_cast<py::ssize_t>(in.k)});
    py::array_t<std::uint64_t> out_v(std::vector<py::ssize_t>{rows, static_cast<py::ssize_t>(in.m), 2});
    py::array_t<std::int64_t> out_w(rows);
    pb::Outputs out{out_s.mutable_data(), out_v.mutable_data(), out_w.mutable_data()};
    run_interruptible([&](const std::function<bool()>& interrupted) {
        try {
            pb::validate(in);
        } catch (const std::invalid_argument& err) {
            throw py::value_error(err.what());
        }
        pb::resample_sums(in, out, threads, interrupted);
    });
    return py::make_tuple(out_s, out_v, out_w);
}

py::array_t<std::int8_t> poisson_bootstrap_weights(std::uint64_t seed, std::int64_t n_samples, std::int64_t first_row,
                                                   std::int64_t n) {
    if (n_samples < 0 || first_row < 0 || n < 0) throw py::value_error("n_samples, first_row, n: must be non-negative");
    py::array_t<std::int8_t> out(std::vector<py::ssize_t>{static_cast<py::ssize_t>(n_samples), static_cast<py::ssize_t>(n)});
    std::int8_t* o = out.mutable_data();
    for (std::int64_t r = 0; r < n_samples; ++r)
        for (std::int64_t i = 0; i < n; ++i)
            o[r * n + i] = static_cast<std::int8_t>(poisson_bootstrap::weight(
                seed, static_cast<std::uint64_t>(r), static_cast<std::uint64_t>(first_row + i)));
    return out;
}

}  // namespace

void ngramkit::bindings::bind_stats(py::module_& m) {
    m.def("bootstrap_means", &bootstrap, py::arg("values"), py::arg("n_samples"), py::arg("seed"),
          py::arg("threads"), "Column means of n_samples bootstrap resamples of the rows of values.");
    m.def("bootstrap_resample_sums", &bootstrap_resample_sums, py::arg("state"), py::arg("n_samples"),
          py::arg("float32_statistics"), py::arg("float64_statistics"), py::arg("threads"),
          "Column sums of n_samples resamples drawn as numpy Generator.integers(0, n, (n_samples, n)) from "
          "the PCG64 state: (float32 (n_samples, k32), float64 (n_samples, k64), state after).");
    m.def("randomization_resample_sums", &randomization_resample_sums, py::arg("state"), py::arg("n_samples"),
          py::arg("baseline"), py::arg("systems"), py::arg("threads"),
          "Approximate-randomization sums of sacrebleu's bool swap masks from a fresh PCG64 state: "
          "(a, b), each (n_samples, n_systems, k) of the input dtype (int64 or float64).");
    m.def(
        "_set_resample_block_limit",
        [](std::size_t indices) {
            if (indices == 0) throw py::value_error("indices: expected a positive count");
            return resample_block_limit().exchange(indices);
        },
        py::arg("indices"),
        "Testing hook: indices drawn and buffered at a time by bootstrap_resample_sums; returns the old "
        "limit. Results never depend on it.");
    m.def("pcg64_integers", &pcg_integers, py::arg("state"), py::arg("n"), py::arg("count"),
          "Testing hook: the first `count` values of numpy Generator.integers(0, n) from the PCG64 state.");
    m.def("poisson_bootstrap_sums", &poisson_bootstrap_sums, py::arg("first_row"), py::arg("statistics"),
          py::arg("values"), py::arg("seed"), py::arg("n_samples"), py::arg("threads"),
          "Poisson-bootstrap sums of pairs first_row.. (csrc/stats/poisson_bootstrap.hpp): (int64 (B, k) weighted "
          "statistics, uint64 (B, m, 2) int128 (low, high) weighted round(value * 2^88), int64 (B,) weight sums).");
    m.def("poisson_bootstrap_weights", &poisson_bootstrap_weights, py::arg("seed"), py::arg("n_samples"),
          py::arg("first_row"), py::arg("n"),
          "Testing hook: int8 (n_samples, n) Poisson(1) weights of pairs first_row..first_row + n - 1.");
}
