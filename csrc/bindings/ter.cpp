// SPDX-License-Identifier: Apache-2.0
// Bindings of TER: per-pair statistics [fewest edits, average reference length] over ids and text.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/binders.hpp"
#include "bindings/common.hpp"
#include "metrics/ter.hpp"

namespace py = pybind11;
using namespace ngramkit;
using namespace ngramkit::bindings;

namespace {

py::array_t<double> ter_stats_out(const py::object& into, std::size_t n_pred) {
    if (into.is_none()) return py::array_t<double>(std::vector<py::ssize_t>{static_cast<py::ssize_t>(n_pred), 2});
    return checked_out<double>(into, {static_cast<py::ssize_t>(n_pred), 2}, "out", "float64");
}

py::array_t<double> ter_ids(const py::array& pred_ids, const py::array& pred_offsets, const py::array& ref_ids,
                            const py::array& ref_offsets, const py::array& groups, int threads, const py::object& into) {
    const auto preds = ragged<std::int32_t>(pred_ids, pred_offsets, "predictions", "int32");
    const auto refs = ragged<std::int32_t>(ref_ids, ref_offsets, "references", "int32");
    const auto* g = checked_groups(groups, preds.n_rows, refs.n_rows);
    auto out = ter_stats_out(into, preds.n_rows);
    double* o = out.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_pair_offsets(preds, refs);
        ter::id_statistics(preds, refs, g, threads, o, interrupted);
    });
    return out;
}

py::array_t<double> ter_text(const py::array& pred_bytes, const py::array& pred_offsets, const py::array& ref_bytes,
                             const py::array& ref_offsets, const py::array& groups, bool normalized, bool no_punct,
                             bool asian_support, int threads, const py::object& into) {
    const auto preds = text_view(pred_bytes, pred_offsets, "predictions");
    const auto refs = text_view(ref_bytes, ref_offsets, "references");
    const auto* g = checked_groups(groups, preds.n_rows, refs.n_rows);
    auto out = ter_stats_out(into, preds.n_rows);
    double* o = out.mutable_data();
    const TercomOptions options{normalized, no_punct, asian_support};
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_pair_offsets(preds, refs);
        ter::text_statistics(preds, refs, g, options, threads, o, interrupted);
    });
    return out;
}

}  // namespace

void ngramkit::bindings::bind_ter(py::module_& m) {
    m.def("ter_ids", &ter_ids, py::arg("pred_ids"), py::arg("pred_offsets"), py::arg("ref_ids"),
          py::arg("ref_offsets"), py::arg("reference_groups"), py::arg("threads"), py::arg("out") = py::none(),
          "TER statistics over int32 token ids: float64 (n_predictions, 2) [fewest edits, average reference length].");
    m.def("ter_text", &ter_text, py::arg("pred_bytes"), py::arg("pred_offsets"), py::arg("ref_bytes"),
          py::arg("ref_offsets"), py::arg("reference_groups"), py::arg("normalized"), py::arg("no_punct"),
          py::arg("asian_support"), py::arg("threads"), py::arg("out") = py::none(),
          "TER statistics over UTF-8 text (Tercom tokenizer; lowercase first unless case-sensitive): float64 "
          "(n_predictions, 2), written into `out` if given.");
}
