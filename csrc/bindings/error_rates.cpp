// SPDX-License-Identifier: Apache-2.0
// Bindings of the error rates (WER, CER, MER, WIL, WIP): the per-pair edit counts of
// metrics/error_rates.hpp over ids or text, and the opcodes themselves for alignments.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <type_traits>
#include <vector>

#include "bindings/binders.hpp"
#include "bindings/common.hpp"
#include "metrics/error_rates.hpp"

namespace py = pybind11;
using namespace ngramkit;
using namespace ngramkit::bindings;
using namespace ngramkit::error_rates;

namespace {

int checked_unit(int unit) {
    if (unit != Words && unit != Chars) throw py::value_error("unit: expected 0 (words) or 1 (characters)");
    return unit;
}

void check_same_rows(std::size_t n_pred, std::size_t n_ref) {
    if (n_pred != n_ref)
        throw py::value_error("references: expected one per prediction, got " + std::to_string(n_ref) +
                              " references for " + std::to_string(n_pred) + " predictions");
}

py::array_t<std::int64_t> counts_array(std::size_t n) {
    return py::array_t<std::int64_t>(std::vector<py::ssize_t>{static_cast<py::ssize_t>(n), kStatsWidth});
}

// The checks, then error_rates::over_pairs with the GIL released and Ctrl-C honoured.
template <class T, class Each>
void checked_over_pairs(const RaggedView<T>& preds, const RaggedView<T>& refs, int unit, int threads, std::size_t chunk,
                Each each) {
    check_same_rows(preds.n_rows, refs.n_rows);
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_pair_offsets(preds, refs);
        if constexpr (std::is_same_v<T, std::int32_t>) {
            check_ids(preds.values, preds.offsets, preds.n_rows, "predictions");
            check_ids(refs.values, refs.offsets, refs.n_rows, "references");
        }
        error_rates::over_pairs(preds, refs, unit, threads, chunk, each, interrupted);
    });
}

template <class T>
py::array_t<std::int64_t> counts_of(const RaggedView<T>& preds, const RaggedView<T>& refs, int unit, int threads) {
    auto out = counts_array(preds.n_rows);
    std::int64_t* o = out.mutable_data();
    checked_over_pairs(preds, refs, unit, threads, 256, [o](PairState& st, std::size_t i, const PairRows& p) {
        write_counts(o + i * kStatsWidth, st.aligner.counts(p.ref, p.n_ref, p.hyp, p.n_hyp));
    });
    return out;
}

// Opcodes of every pair: (int64 (k, 5) rows `type, ref_begin, ref_end, hyp_begin, hyp_end` with
// type 0 equal, 1 substitute, 2 insert, 3 delete; int64 (n + 1) row offsets into them).
template <class T>
py::tuple opcodes_of(const RaggedView<T>& preds, const RaggedView<T>& refs, int unit, int threads) {
    std::vector<std::vector<edit::Opcode>> per_pair(preds.n_rows);
    checked_over_pairs(preds, refs, unit, threads, 64, [&per_pair](PairState& st, std::size_t i, const PairRows& p) {
        per_pair[i] = st.aligner.opcodes(p.ref, p.n_ref, p.hyp, p.n_hyp);
    });
    std::size_t total = 0;
    for (const auto& ops : per_pair) total += ops.size();
    py::array_t<std::int64_t> rows(std::vector<py::ssize_t>{static_cast<py::ssize_t>(total), 5});
    py::array_t<std::int64_t> offsets(static_cast<py::ssize_t>(per_pair.size() + 1));
    std::int64_t* r = rows.mutable_data();
    std::int64_t* off = offsets.mutable_data();
    off[0] = 0;
    std::size_t k = 0;
    for (std::size_t i = 0; i < per_pair.size(); ++i) {
        for (const auto& op : per_pair[i]) {
            std::int64_t* row = r + 5 * k++;
            row[0] = static_cast<std::int64_t>(op.type);
            row[1] = static_cast<std::int64_t>(op.src_begin);
            row[2] = static_cast<std::int64_t>(op.src_end);
            row[3] = static_cast<std::int64_t>(op.dest_begin);
            row[4] = static_cast<std::int64_t>(op.dest_end);
        }
        off[i + 1] = static_cast<std::int64_t>(k);
    }
    return py::make_tuple(rows, offsets);
}

py::array_t<std::int64_t> error_rate_ids(const py::array& pred_ids, const py::array& pred_offsets,
                                         const py::array& ref_ids, const py::array& ref_offsets, int threads) {
    return counts_of(ragged<std::int32_t>(pred_ids, pred_offsets, "predictions", "int32"),
                     ragged<std::int32_t>(ref_ids, ref_offsets, "references", "int32"), Words, threads);
}

py::array_t<std::int64_t> error_rate_text(const py::array& pred_bytes, const py::array& pred_offsets,
                                          const py::array& ref_bytes, const py::array& ref_offsets, int unit,
                                          int threads) {
    return counts_of(text_view(pred_bytes, pred_offsets, "predictions"),
                     text_view(ref_bytes, ref_offsets, "references"), checked_unit(unit), threads);
}

py::tuple edit_opcodes_ids(const py::array& pred_ids, const py::array& pred_offsets, const py::array& ref_ids,
                           const py::array& ref_offsets, int threads) {
    return opcodes_of(ragged<std::int32_t>(pred_ids, pred_offsets, "predictions", "int32"),
                      ragged<std::int32_t>(ref_ids, ref_offsets, "references", "int32"), Words, threads);
}

py::tuple edit_opcodes_text(const py::array& pred_bytes, const py::array& pred_offsets, const py::array& ref_bytes,
                            const py::array& ref_offsets, int unit, int threads) {
    return opcodes_of(text_view(pred_bytes, pred_offsets, "predictions"),
                      text_view(ref_bytes, ref_offsets, "references"), checked_unit(unit), threads);
}

}  // namespace

void ngramkit::bindings::bind_error_rates(py::module_& m) {
    m.def("error_rate_ids", &error_rate_ids, py::arg("pred_ids"), py::arg("pred_offsets"), py::arg("ref_ids"),
          py::arg("ref_offsets"), py::arg("threads"),
          "Edit counts over int32 ids, reference first: int64 (n, 5) hits, substitutions, deletions, insertions, "
          "reference length.");
    m.def("error_rate_text", &error_rate_text, py::arg("pred_bytes"), py::arg("pred_offsets"), py::arg("ref_bytes"),
          py::arg("ref_offsets"), py::arg("unit"), py::arg("threads"),
          "Edit counts over UTF-8 text split as jiwer's wer_default (unit 0) or cer_default (unit 1): int64 (n, 5).");
    m.def("edit_opcodes_ids", &edit_opcodes_ids, py::arg("pred_ids"), py::arg("pred_offsets"), py::arg("ref_ids"),
          py::arg("ref_offsets"), py::arg("threads"),
          "rapidfuzz's Levenshtein opcodes (reference first) of every pair: (int64 (k, 5), int64 (n + 1)).");
    m.def("edit_opcodes_text", &edit_opcodes_text, py::arg("pred_bytes"), py::arg("pred_offsets"),
          py::arg("ref_bytes"), py::arg("ref_offsets"), py::arg("unit"), py::arg("threads"),
          "rapidfuzz's Levenshtein opcodes of every text pair split into words (0) or characters (1).");
}
