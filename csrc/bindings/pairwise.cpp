// SPDX-License-Identifier: Apache-2.0
// Bindings of the score matrices: chrF / chrF++ over text, sentence BLEU over text or token ids,
// cells written into a caller's float64 buffer at per-pool offsets and row strides; and the
// reference-aggregated statistics for MBR.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <type_traits>

#include "bindings/binders.hpp"
#include "bindings/common.hpp"
#include "metrics/pairwise_matrix.hpp"
#include "metrics/pairwise_units.hpp"

namespace py = pybind11;
using namespace ngramkit;
using namespace ngramkit::bindings;

namespace {

// Pools of one side: int64 (n_pools + 1) row offsets into that side's batch.
const std::int64_t* pools_of(const py::array& pools, std::size_t n_pools, const char* name) {
    const auto* p = require_1d<std::int64_t>(pools, name, "int64");
    if (static_cast<std::size_t>(pools.size()) != n_pools + 1)
        throw py::value_error(std::string(name) + ": expected " + std::to_string(n_pools + 1) + " entries, got " +
                              std::to_string(pools.size()));
    return p;
}

// Both sides of a call, checked: offsets of texts and pools in range, ids non-negative.
template <class T>
struct Sides {
    RaggedView<T> hyps, refs;
    const std::int64_t* hyp_pools;
    const std::int64_t* ref_pools;  // nullptr: the hypotheses against themselves
    std::size_t n_pools;

    PoolBatches<T> batches() const {
        return PoolBatches<T>{&hyps, hyp_pools, ref_pools ? &refs : nullptr, ref_pools, n_pools};
    }
};

template <class T>
Sides<T> sides(RaggedView<T> hyps, const py::array& hyp_pools, const std::optional<RaggedView<T>>& refs,
               const py::object& ref_pools) {
    if (hyp_pools.ndim() != 1 || hyp_pools.size() < 1)
        throw py::value_error("hypothesis_pools: expected a 1-D array of at least one entry");
    const std::size_t n_pools = static_cast<std::size_t>(hyp_pools.size() - 1);
    Sides<T> s{hyps, refs ? *refs : hyps, nullptr, nullptr, n_pools};
    const auto* hp = pools_of(hyp_pools, n_pools, "hypothesis_pools");
    const std::int64_t* rp = nullptr;
    if (refs) {
        if (ref_pools.is_none()) throw py::type_error("reference_pools: required with references");
        rp = pools_of(py::reinterpret_borrow<py::array>(ref_pools), n_pools, "reference_pools");
    }
    check_offsets(s.hyps.offsets, s.hyps.n_rows, s.hyps.n_values, "hypotheses");
    check_offsets(hp, n_pools, s.hyps.n_rows, "hypothesis_pools");
    if (refs) {
        check_offsets(s.refs.offsets, s.refs.n_rows, s.refs.n_values, "references");
        check_offsets(rp, n_pools, s.refs.n_rows, "reference_pools");
    }
    s.hyp_pools = hp;
    s.ref_pools = rp;
    return s;
}

// The caller's output layout: float64 out (1-D), int64 out_offsets and row strides per pool;
// every pool's cells inside out and before the next pool's.
struct Layout {
    double* out;
    const std::int64_t* offsets;
    const std::int64_t* strides;
};

template <class T>
Layout layout(const Sides<T>& s, const py::array& out, const py::array& out_offsets, const py::array& strides) {
    if (!out.dtype().equal(py::dtype::of<double>()) || out.ndim() != 1 || !(out.flags() & py::array::c_style) ||
        !out.writeable())
        throw py::type_error("out: expected a writeable C-contiguous 1-D float64 array");
    const PoolBatches<T> b = s.batches();
    const std::size_t n = b.n_pools;
    const auto* o = require_1d<std::int64_t>(out_offsets, "out_offsets", "int64");
    const auto* st = require_1d<std::int64_t>(strides, "strides", "int64");
    if (static_cast<std::size_t>(out_offsets.size()) != n || static_cast<std::size_t>(strides.size()) != n)
        throw py::value_error("out_offsets, strides: expected one entry per pool (" + std::to_string(n) + ")");
    const auto size = static_cast<std::int64_t>(out.size());
    for (std::size_t p = 0; p < n; ++p) {
        const auto h = static_cast<std::int64_t>(b.n_hyp(p)), r = static_cast<std::int64_t>(b.n_ref(p));
        const std::string pool = "out_offsets, strides: pool " + std::to_string(p);
        if (o[p] < 0 || st[p] < r) throw py::value_error(pool + " out of range");
        const std::int64_t end = h == 0 || r == 0 ? o[p] : o[p] + (h - 1) * st[p] + r;
        const std::int64_t limit = p + 1 < n ? o[p + 1] : size;
        if (end > limit || end > size)
            throw py::value_error(pool + " overlaps the next or ends past out");
    }
    return Layout{static_cast<double*>(py::array(out).mutable_data()), o, st};
}

std::optional<RaggedView<char>> optional_text(const py::object& bytes, const py::object& offsets) {
    if (bytes.is_none()) return std::nullopt;
    return text_view(py::reinterpret_borrow<py::array>(bytes), py::reinterpret_borrow<py::array>(offsets),
                     "references");
}

std::optional<RaggedView<std::int32_t>> optional_ids(const py::object& ids, const py::object& offsets) {
    if (ids.is_none()) return std::nullopt;
    return ragged<std::int32_t>(py::reinterpret_borrow<py::array>(ids), py::reinterpret_borrow<py::array>(offsets),
                                "references", "int32");
}

void check_side_ids(const Sides<std::int32_t>& s) {
    check_ids(s.hyps.values, s.hyps.offsets, s.hyps.n_rows, "hypotheses");
    if (s.ref_pools) check_ids(s.refs.values, s.refs.offsets, s.refs.n_rows, "references");
}

ChrfParams chrf_params(int char_order, int word_order, double factor, bool whitespace, bool eps_smoothing) {
    if (char_order < 0 || word_order < 0 || char_order + word_order == 0)
        throw py::value_error("char_order, word_order: must be >= 0 and not both 0");
    return ChrfParams{char_order, word_order, factor, whitespace, eps_smoothing};
}

BleuCell bleu_cell(int max_order, int smooth, double smooth_value, bool effective_order, bool compensated) {
    if (max_order < 1) throw py::value_error("max_ngram_order: must be at least 1");
    if (smooth < 0 || smooth > static_cast<int>(BleuSmooth::Exp)) throw py::value_error("smooth_method: unknown code");
    return BleuCell{max_order, static_cast<BleuSmooth>(smooth), smooth_value, effective_order, compensated};
}

SacreTokenizer tokenizer_of(int code) {
    if (code < 0 || code > static_cast<int>(SacreTokenizer::Zh))
        throw py::value_error("tokenizer: unknown tokenizer code " + std::to_string(code));
    return static_cast<SacreTokenizer>(code);
}

void chrf_matrices(const py::array& hb, const py::array& ho, const py::array& hp, const py::object& rb,
                   const py::object& ro, const py::object& rp, int char_order, int word_order, double factor,
                   bool whitespace, bool eps_smoothing, const py::array& out, const py::array& out_offsets,
                   const py::array& strides, int threads) {
    const ChrfCell cell{chrf_params(char_order, word_order, factor, whitespace, eps_smoothing)};
    const auto s = sides(text_view(hb, ho, "hypotheses"), hp, optional_text(rb, ro), rp);
    const Layout l = layout(s, out, out_offsets, strides);
    const NgramSpec spec{{char_order, word_order}};
    run_interruptible([&](const std::function<bool()>& interrupted) {
        pairwise_matrices(s.batches(), ChrfUnits(whitespace, word_order > 0), spec, cell, l.offsets, l.strides, l.out,
                          threads, interrupted);
    });
}

void bleu_text_matrices(const py::array& hb, const py::array& ho, const py::array& hp, const py::object& rb,
                        const py::object& ro, const py::object& rp, int tokenizer, int max_order, int smooth,
                        double smooth_value, bool effective_order, bool compensated, const py::array& out,
                        const py::array& out_offsets, const py::array& strides, int threads) {
    const BleuCell cell = bleu_cell(max_order, smooth, smooth_value, effective_order, compensated);
    const BleuTextUnits units(tokenizer_of(tokenizer));
    const auto s = sides(text_view(hb, ho, "hypotheses"), hp, optional_text(rb, ro), rp);
    const Layout l = layout(s, out, out_offsets, strides);
    run_interruptible([&](const std::function<bool()>& interrupted) {
        pairwise_matrices(s.batches(), units, NgramSpec{{max_order, 0}}, cell, l.offsets, l.strides, l.out, threads,
                          interrupted);
    });
}

void bleu_id_matrices(const py::array& hi, const py::array& ho, const py::array& hp, const py::object& ri,
                      const py::object& ro, const py::object& rp, int max_order, int smooth, double smooth_value,
                      bool effective_order, bool compensated, const py::array& out, const py::array& out_offsets,
                      const py::array& strides, int threads) {
    const BleuCell cell = bleu_cell(max_order, smooth, smooth_value, effective_order, compensated);
    const auto s = sides(ragged<std::int32_t>(hi, ho, "hypotheses", "int32"), hp, optional_ids(ri, ro), rp);
    const Layout l = layout(s, out, out_offsets, strides);
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_side_ids(s);
        pairwise_matrices(s.batches(), IdUnits{}, NgramSpec{{max_order, 0}}, cell, l.offsets, l.strides, l.out, threads,
                          interrupted);
    });
}

template <class T, class Units>
py::array_t<std::int64_t> aggregate(const Sides<T>& s, const Units& units, const NgramSpec& spec, int threads,
                                    bool ids) {
    const std::size_t n_hyp = static_cast<std::size_t>(s.hyp_pools[s.n_pools] - s.hyp_pools[0]);
    py::array_t<std::int64_t> out(std::vector<py::ssize_t>{static_cast<py::ssize_t>(n_hyp),
                                                           static_cast<py::ssize_t>(2 + 3 * spec.n_orders())});
    std::int64_t* o = out.mutable_data();
    std::fill(o, o + out.size(), 0);
    run_interruptible([&](const std::function<bool()>& interrupted) {
        if constexpr (std::is_same_v<T, std::int32_t>) {
            if (ids) check_side_ids(s);
        }
        pairwise_aggregate_stats(s.batches(), units, spec, o, threads, interrupted);
    });
    return out;
}

py::array_t<std::int64_t> chrf_aggregate(const py::array& hb, const py::array& ho, const py::array& hp,
                                         const py::object& rb, const py::object& ro, const py::object& rp,
                                         int char_order, int word_order, bool whitespace, int threads) {
    chrf_params(char_order, word_order, 1.0, whitespace, false);
    const auto s = sides(text_view(hb, ho, "hypotheses"), hp, optional_text(rb, ro), rp);
    return aggregate(s, ChrfUnits(whitespace, word_order > 0), NgramSpec{{char_order, word_order}}, threads, false);
}

py::array_t<std::int64_t> bleu_text_aggregate(const py::array& hb, const py::array& ho, const py::array& hp,
                                              const py::object& rb, const py::object& ro, const py::object& rp,
                                              int tokenizer, int max_order, int threads) {
    bleu_cell(max_order, 0, 0.0, true, false);
    const auto s = sides(text_view(hb, ho, "hypotheses"), hp, optional_text(rb, ro), rp);
    return aggregate(s, BleuTextUnits(tokenizer_of(tokenizer)), NgramSpec{{max_order, 0}}, threads, false);
}

py::array_t<std::int64_t> bleu_id_aggregate(const py::array& hi, const py::array& ho, const py::array& hp,
                                            const py::object& ri, const py::object& ro, const py::object& rp,
                                            int max_order, int threads) {
    bleu_cell(max_order, 0, 0.0, true, false);
    const auto s = sides(ragged<std::int32_t>(hi, ho, "hypotheses", "int32"), hp, optional_ids(ri, ro), rp);
    return aggregate(s, IdUnits{}, NgramSpec{{max_order, 0}}, threads, true);
}

}  // namespace

void ngramkit::bindings::bind_pairwise(py::module_& m) {
    m.def("pairwise_chrf", &chrf_matrices, py::arg("hyp_bytes"), py::arg("hyp_offsets"), py::arg("hypothesis_pools"),
          py::arg("ref_bytes"), py::arg("ref_offsets"), py::arg("reference_pools"), py::arg("char_order"),
          py::arg("word_order"), py::arg("factor"), py::arg("whitespace"), py::arg("eps_smoothing"), py::arg("out"),
          py::arg("out_offsets"), py::arg("strides"), py::arg("threads"),
          "sacrebleu sentence chrF of every hypothesis against every reference of its pool (references None: the "
          "pool's hypotheses), cell [i, j] of pool p written to out[out_offsets[p] + i * strides[p] + j].");
    m.def("pairwise_bleu_text", &bleu_text_matrices, py::arg("hyp_bytes"), py::arg("hyp_offsets"),
          py::arg("hypothesis_pools"), py::arg("ref_bytes"), py::arg("ref_offsets"), py::arg("reference_pools"),
          py::arg("tokenizer"), py::arg("max_order"), py::arg("smooth"), py::arg("smooth_value"),
          py::arg("effective_order"), py::arg("compensated_sum"), py::arg("out"), py::arg("out_offsets"),
          py::arg("strides"), py::arg("threads"),
          "sacrebleu sentence BLEU matrices over text (layout as pairwise_chrf).");
    m.def("pairwise_bleu_ids", &bleu_id_matrices, py::arg("hyp_ids"), py::arg("hyp_offsets"),
          py::arg("hypothesis_pools"), py::arg("ref_ids"), py::arg("ref_offsets"), py::arg("reference_pools"),
          py::arg("max_order"), py::arg("smooth"), py::arg("smooth_value"), py::arg("effective_order"),
          py::arg("compensated_sum"), py::arg("out"), py::arg("out_offsets"), py::arg("strides"), py::arg("threads"),
          "sentence BLEU matrices over int32 token ids (layout as pairwise_chrf).");
    m.def("aggregate_chrf_stats", &chrf_aggregate, py::arg("hyp_bytes"), py::arg("hyp_offsets"),
          py::arg("hypothesis_pools"), py::arg("ref_bytes"), py::arg("ref_offsets"), py::arg("reference_pools"),
          py::arg("char_order"), py::arg("word_order"), py::arg("whitespace"), py::arg("threads"),
          "Reference-aggregated chrF statistics: int64 (n_hypotheses, 2 + 3 * orders).");
    m.def("aggregate_bleu_text_stats", &bleu_text_aggregate, py::arg("hyp_bytes"), py::arg("hyp_offsets"),
          py::arg("hypothesis_pools"), py::arg("ref_bytes"), py::arg("ref_offsets"), py::arg("reference_pools"),
          py::arg("tokenizer"), py::arg("max_order"), py::arg("threads"),
          "Reference-aggregated BLEU statistics over text: int64 (n_hypotheses, 2 + 3 * max_order).");
    m.def("aggregate_bleu_id_stats", &bleu_id_aggregate, py::arg("hyp_ids"), py::arg("hyp_offsets"),
          py::arg("hypothesis_pools"), py::arg("ref_ids"), py::arg("ref_offsets"), py::arg("reference_pools"),
          py::arg("max_order"), py::arg("threads"),
          "Reference-aggregated BLEU statistics over token ids: int64 (n_hypotheses, 2 + 3 * max_order).");
}
