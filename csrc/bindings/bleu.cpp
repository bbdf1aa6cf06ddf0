// SPDX-License-Identifier: Apache-2.0
// Bindings of BLEU: statistics over ids and text, sentence scores from statistics.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/binders.hpp"
#include "bindings/common.hpp"
#include "metrics/bleu.hpp"

namespace py = pybind11;
using namespace ngramkit;
using namespace ngramkit::bindings;

namespace {

int checked_order(int max_order) {
    if (max_order < 1) throw py::value_error("max_ngram_order: must be at least 1, got " + std::to_string(max_order));
    return max_order;
}

py::array_t<std::int64_t> bleu_stats_array(std::size_t n_pred, int max_order) {
    return py::array_t<std::int64_t>(std::vector<py::ssize_t>{static_cast<py::ssize_t>(n_pred),
                                                              2 + 2 * static_cast<py::ssize_t>(max_order)});
}

py::array_t<std::int64_t> bleu_ids(const py::array& pred_ids, const py::array& pred_offsets, const py::array& ref_ids,
                                   const py::array& ref_offsets, const py::array& groups, int max_order, int threads) {
    checked_order(max_order);
    const auto preds = ragged<std::int32_t>(pred_ids, pred_offsets, "predictions", "int32");
    const auto refs = ragged<std::int32_t>(ref_ids, ref_offsets, "references", "int32");
    const auto* g = checked_groups(groups, preds.n_rows, refs.n_rows);
    auto out = bleu_stats_array(preds.n_rows, max_order);
    std::int64_t* o = out.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_pair_offsets(preds, refs);
        check_ids(preds.values, preds.offsets, preds.n_rows, "predictions");
        check_ids(refs.values, refs.offsets, refs.n_rows, "references");
        std::int64_t max_id = -1;
        for (const auto* batch : {&preds, &refs})
            for (auto i = batch->offsets[0]; i < batch->offsets[batch->n_rows]; ++i)
                max_id = std::max<std::int64_t>(max_id, batch->values[i]);
        bleu_id_stats(preds, refs, g, max_order, threads, o, max_id, interrupted);
    });
    return out;
}

py::array_t<std::int64_t> bleu_text(const py::array& pred_bytes, const py::array& pred_offsets,
                                    const py::array& ref_bytes, const py::array& ref_offsets, const py::array& groups,
                                    int tokenizer, int max_order, int threads, const py::object& into) {
    checked_order(max_order);
    if (tokenizer < 0 || tokenizer > static_cast<int>(SacreTokenizer::Zh))
        throw py::value_error("tokenizer: unknown tokenizer code " + std::to_string(tokenizer));
    const auto preds = text_view(pred_bytes, pred_offsets, "predictions");
    const auto refs = text_view(ref_bytes, ref_offsets, "references");
    const auto* g = checked_groups(groups, preds.n_rows, refs.n_rows);
    auto out = into.is_none() ? bleu_stats_array(preds.n_rows, max_order)
                              : checked_out<std::int64_t>(into, {static_cast<py::ssize_t>(preds.n_rows),
                                                                 2 + 2 * static_cast<py::ssize_t>(max_order)},
                                                          "out", "int64");
    std::int64_t* o = out.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_pair_offsets(preds, refs);
        bleu_text_stats(preds, refs, g, static_cast<SacreTokenizer>(tokenizer), max_order, threads, o, interrupted);
    });
    return out;
}

// Sentence BLEU of every row of a (n, 2 + 2*max_order) int64 statistics array.
py::array_t<double> bleu_scores(const py::array& stats, int max_order, int smooth, double smooth_value,
                                bool effective_order, bool compensated_sum, int threads) {
    checked_order(max_order);
    if (smooth < 0 || smooth > static_cast<int>(BleuSmooth::Exp))
        throw py::value_error("smooth_method: unknown code " + std::to_string(smooth));
    if (!stats.dtype().equal(py::dtype::of<std::int64_t>()))
        throw py::type_error("statistics: expected dtype int64, got " + std::string(py::str(stats.dtype())));
    const py::ssize_t width = 2 + 2 * static_cast<py::ssize_t>(max_order);
    if (stats.ndim() != 2 || stats.shape(1) != width || !(stats.flags() & py::array::c_style))
        throw py::value_error("statistics: expected a C-contiguous (n, " + std::to_string(width) + ") array");
    const auto n = static_cast<std::size_t>(stats.shape(0));
    py::array_t<double> out(static_cast<py::ssize_t>(n));
    const auto* s = static_cast<const std::int64_t*>(stats.data());
    double* o = out.mutable_data();
    {
        py::gil_scoped_release release;
        parallel_chunks(n, threads, 16384, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i)
                o[i] = bleu_score(s + i * static_cast<std::size_t>(width), max_order, static_cast<BleuSmooth>(smooth),
                                  smooth_value, effective_order, compensated_sum);
        });
    }
    return out;
}

}  // namespace

void ngramkit::bindings::bind_bleu(py::module_& m) {
    m.def("bleu_ids", &bleu_ids, py::arg("pred_ids"), py::arg("pred_offsets"), py::arg("ref_ids"),
          py::arg("ref_offsets"), py::arg("reference_groups"), py::arg("max_order"), py::arg("threads"),
          "BLEU statistics over int32 token ids: int64 (n_predictions, 2 + 2*max_order).");
    m.def("bleu_text", &bleu_text, py::arg("pred_bytes"), py::arg("pred_offsets"), py::arg("ref_bytes"),
          py::arg("ref_offsets"), py::arg("reference_groups"), py::arg("tokenizer"), py::arg("max_order"),
          py::arg("threads"), py::arg("out") = py::none(),
          "BLEU statistics over UTF-8 text: int64 (n_predictions, 2 + 2*max_order), written into `out` if given.");
    m.def("bleu_scores", &bleu_scores, py::arg("statistics"), py::arg("max_order"), py::arg("smooth"),
          py::arg("smooth_value"), py::arg("effective_order"), py::arg("compensated_sum"), py::arg("threads") = 1,
          "sacrebleu's compute_bleu score of every statistics row: float64 (n,).");
}
