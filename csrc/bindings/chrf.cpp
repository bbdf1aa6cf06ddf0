// SPDX-License-Identifier: Apache-2.0
// Bindings of chrF / chrF++: statistics over text and the F-score of one statistics vector.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/binders.hpp"
#include "bindings/common.hpp"
#include "metrics/chrf.hpp"

namespace py = pybind11;
using namespace ngramkit;
using namespace ngramkit::bindings;

namespace {

ChrfParams chrf_params(int char_order, int word_order, double factor, bool whitespace, bool eps_smoothing) {
    if (char_order < 0) throw py::value_error("char_order: must be >= 0, got " + std::to_string(char_order));
    if (word_order < 0) throw py::value_error("word_order: must be >= 0, got " + std::to_string(word_order));
    if (char_order == 0 && word_order == 0)
        throw py::value_error("char_order, word_order: at least one must be positive");
    return ChrfParams{char_order, word_order, factor, whitespace, eps_smoothing};
}

// chrF statistics of the reference sacrebleu picks per prediction, its sentence chrF and index.
py::tuple chrf_text(const py::array& pred_bytes, const py::array& pred_offsets, const py::array& ref_bytes,
                    const py::array& ref_offsets, const py::array& groups, int char_order, int word_order,
                    double factor, bool whitespace, bool eps_smoothing, int threads, const py::object& into) {
    const ChrfParams params = chrf_params(char_order, word_order, factor, whitespace, eps_smoothing);
    const auto preds = text_view(pred_bytes, pred_offsets, "predictions");
    const auto refs = text_view(ref_bytes, ref_offsets, "references");
    const auto* g = checked_groups(groups, preds.n_rows, refs.n_rows);
    const auto n_pred = static_cast<py::ssize_t>(preds.n_rows);
    const std::vector<py::ssize_t> stats_shape{n_pred, static_cast<py::ssize_t>(3 * params.orders())};
    if (!into.is_none() && (!py::isinstance<py::tuple>(into) || py::len(into) != 3))
        throw py::type_error("out: expected a tuple (statistics, scores, chosen) of numpy arrays");
    auto part = [&](std::size_t k) { return py::reinterpret_borrow<py::tuple>(into)[k]; };
    auto stats = into.is_none() ? py::array_t<std::int64_t>(stats_shape)
                                : checked_out<std::int64_t>(part(0), stats_shape, "out[0]", "int64");
    auto scores = into.is_none() ? py::array_t<double>(n_pred) : checked_out<double>(part(1), {n_pred}, "out[1]", "float64");
    auto chosen = into.is_none() ? py::array_t<std::int64_t>(n_pred)
                                 : checked_out<std::int64_t>(part(2), {n_pred}, "out[2]", "int64");
    std::int64_t* s = stats.mutable_data();
    double* f = scores.mutable_data();
    std::int64_t* c = chosen.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_pair_offsets(preds, refs);
        chrf_text_stats(preds, refs, g, params, threads, s, f, c, interrupted);
    });
    return py::make_tuple(stats, scores, chosen);
}

double chrf_f(const py::array& stats, int char_order, int word_order, double factor, bool eps_smoothing) {
    const ChrfParams params = chrf_params(char_order, word_order, factor, false, eps_smoothing);
    const auto* s = require_1d<std::int64_t>(stats, "stats", "int64");
    if (static_cast<std::size_t>(stats.size()) != 3 * params.orders())
        throw py::value_error("stats: expected 3 * (char_order + word_order) = " +
                              std::to_string(3 * params.orders()) + " entries, got " + std::to_string(stats.size()));
    return chrf_f_score(s, params);
}

}  // namespace

void ngramkit::bindings::bind_chrf(py::module_& m) {
    m.def("chrf_text", &chrf_text, py::arg("pred_bytes"), py::arg("pred_offsets"), py::arg("ref_bytes"),
          py::arg("ref_offsets"), py::arg("reference_groups"), py::arg("char_order"), py::arg("word_order"),
          py::arg("factor"), py::arg("whitespace"), py::arg("eps_smoothing"), py::arg("threads"),
          py::arg("out") = py::none(),
          "sacrebleu chrF statistics over UTF-8 text: (stats int64 (n_pred, 3 * (c + w)), sentence chrF "
          "float64 (n_pred,), chosen reference int64 (n_pred,)), written into the arrays of `out` if given.");
    m.def("chrf_f_score", &chrf_f, py::arg("stats"), py::arg("char_order"), py::arg("word_order"),
          py::arg("factor"), py::arg("eps_smoothing"),
          "sacrebleu CHRF._compute_f_score of one int64 statistics vector.");
}
