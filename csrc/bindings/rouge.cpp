// SPDX-License-Identifier: Apache-2.0
// Bindings of ROUGE: statistics over ids, id lists and text, the one-pair scorer, P/R/F.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/binders.hpp"
#include "bindings/common.hpp"
#include "bindings/py_rows.hpp"
#include "core/dense_ids.hpp"
#include "metrics/rouge.hpp"

namespace py = pybind11;
using namespace ngramkit;
using namespace ngramkit::bindings;

namespace {

// ROUGE statistics (n, n_types, 3) of `pred_rows` against `ref_rows` (one each), both lists of
// lists/tuples of small exact ints, or None when they are anything else (the caller's general
// path then decides, and names what is wrong). Reading Python's ints is bound by
// memory and scoring by compute, so the rows are converted a chunk at a time, by the calling
// thread (which holds the GIL for exactly as long as the conversion runs) and by idle threads,
// while the other threads score the chunks already converted.
py::object rouge_id_rows(const py::list& pred_rows, const py::list& ref_rows, std::vector<int> types,
                         std::int64_t separator, int threads) {
    const RougeRequest req(std::move(types));
    const auto n = static_cast<std::size_t>(PyList_GET_SIZE(pred_rows.ptr()));
    if (n == 0 || static_cast<std::size_t>(PyList_GET_SIZE(ref_rows.ptr())) != n) return py::none();
    std::vector<PyObject* const*> pred_items, ref_items;
    std::vector<std::int64_t> pred_off(n + 1), ref_off(n + 1), groups(n + 1);
    if (!row_items(pred_rows.ptr(), threads, pred_items, pred_off.data()) ||
        !row_items(ref_rows.ptr(), threads, ref_items, ref_off.data()))
        return py::none();
    for (std::size_t i = 0; i <= n; ++i) groups[i] = static_cast<std::int64_t>(i);
    // numpy's allocation: uninitialized, and in huge pages where the system allows
    const auto n_pred_ids = static_cast<std::size_t>(pred_off[n]), n_ref_ids = static_cast<std::size_t>(ref_off[n]);
    py::array_t<std::int32_t> pred_array(static_cast<py::ssize_t>(n_pred_ids)), ref_array(static_cast<py::ssize_t>(n_ref_ids));
    std::int32_t* const pred_ids = pred_array.mutable_data();
    std::int32_t* const ref_ids = ref_array.mutable_data();
    const RaggedView<std::int32_t> preds{pred_ids, n_pred_ids, pred_off.data(), n};
    const RaggedView<std::int32_t> refs{ref_ids, n_ref_ids, ref_off.data(), n};
    auto out = stats_array(n, req.types.size());
    std::int64_t* o = out.mutable_data();
    // chunks of at most 1024 pairs and about 64k tokens (a chunk is also the unit between Ctrl-C polls)
    constexpr std::size_t kPairsPerChunk = 1024;
    constexpr std::int64_t kTokensPerChunk = 1 << 16;
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < n; ++i)
        if (i + 1 - starts.back() == kPairsPerChunk ||
            (pred_off[i + 1] - pred_off[starts.back()]) + (ref_off[i + 1] - ref_off[starts.back()]) >= kTokensPerChunk)
            starts.push_back(i + 1);
    if (starts.back() != n) starts.push_back(n);
    const std::size_t n_chunks = starts.size() - 1;
    std::optional<py::gil_scoped_release> released;  // once every row is converted
    bool converted = false;
    try {
        std::function<bool()> interrupted = SignalCheck();
        converted = produce_consume(
            n_chunks, threads, [] { return detail::IdThreadState{}; },
            [&](std::size_t c) {
                return convert_rows(pred_items, pred_off.data(), starts[c], starts[c + 1], pred_ids) &&
                       convert_rows(ref_items, ref_off.data(), starts[c], starts[c + 1], ref_ids);
            },
            [&](detail::IdThreadState& st, std::size_t c) {
                rouge_id_range(preds, refs, groups.data(), req, separator, st, o, starts[c], starts[c + 1]);
            },
            [&] { released.emplace(); }, interrupted);
    } catch (const Interrupted&) {
        released.reset();
        throw py::error_already_set();
    }
    released.reset();
    if (!converted) return py::none();
    return std::move(out);
}

py::array_t<std::int64_t> rouge_ids(const py::array& pred_ids, const py::array& pred_offsets,
                                    const py::array& ref_ids, const py::array& ref_offsets,
                                    const py::array& groups, std::vector<int> types,
                                    std::int64_t separator, int threads) {
    const RougeRequest req(std::move(types));
    const auto preds = ragged<std::int32_t>(pred_ids, pred_offsets, "predictions", "int32");
    const auto refs = ragged<std::int32_t>(ref_ids, ref_offsets, "references", "int32");
    const auto* g = checked_groups(groups, preds.n_rows, refs.n_rows);
    auto out = stats_array(refs.n_rows, req.types.size());
    std::int64_t* o = out.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_pair_offsets(preds, refs);
        try {  // ids are checked row by row in the threads, where the kernel reads them anyway
            rouge_id_stats(preds, refs, g, req, separator, threads, o, interrupted, true);
        } catch (const detail::NegativeTokenId&) {
            check_ids(preds.values, preds.offsets, preds.n_rows, "predictions");  // names the first one
            check_ids(refs.values, refs.offsets, refs.n_rows, "references");
            throw std::invalid_argument("token ids: a negative id");  // not reached: a row had one
        }
    });
    return out;
}

py::array_t<std::int64_t> rouge_text(const py::array& pred_bytes, const py::array& pred_offsets,
                                     const py::array& ref_bytes, const py::array& ref_offsets,
                                     const py::array& groups, std::vector<int> types,
                                     bool use_stemmer, int threads, int sacre_tokenizer, bool sentencewise,
                                     const py::object& into) {
    const RougeRequest req(std::move(types));
    if (sacre_tokenizer < -1 || sacre_tokenizer > static_cast<int>(SacreTokenizer::Zh))
        throw py::value_error("tokenize: unknown tokenizer code " + std::to_string(sacre_tokenizer));
    const auto preds = text_view(pred_bytes, pred_offsets, "predictions");
    const auto refs = text_view(ref_bytes, ref_offsets, "references");
    const auto* g = checked_groups(groups, preds.n_rows, refs.n_rows);
    auto out = into.is_none() ? stats_array(refs.n_rows, req.types.size())
                              : checked_stats_out(into, refs.n_rows, req.types.size());
    std::int64_t* o = out.mutable_data();
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_pair_offsets(preds, refs);
        rouge_text_stats(preds, refs, g, req, use_stemmer, threads, o, interrupted, sacre_tokenizer, sentencewise);
    });
    return out;
}

// ---- one pair of Python str, straight into the batch kernel (the per-call fast path) ----
//
// rouge-score users call score(target, prediction) once per pair; the batch path's fixed cost
// (buffers, numpy arrays, P/R/F in numpy) is ~10x the kernel's work on a DialogSum pair. This path
// runs the same tokenizer and the same score_pair on the two str's UTF-8 (no copy for compact
// strings) and computes P/R/F with the same IEEE operations, in the same order, as
// rouge.scores_from_statistics (the build uses -ffp-contract=off): the same numbers, bit for bit.
//
// Texts of up to kPairGilBytes bytes are scored holding the GIL: releasing and re-taking it costs
// more than the work. Longer texts release it (other Python threads run meanwhile).
constexpr std::size_t kPairGilBytes = 16384;
constexpr std::size_t kPairStateMaxVocabulary = 1u << 18;  // then the cached state starts afresh

// UTF-8 of a str (lone surrogates as 3-byte sequences, as _ingest.utf8_batch does); `keep` owns
// the bytes when they had to be encoded.
const char* pair_utf8(py::handle text, const char* name, Py_ssize_t& size, py::object& keep) {
    if (!PyUnicode_Check(text.ptr())) {
        if (PyBytes_Check(text.ptr()))
            throw py::type_error(std::string(name) + ": bytes are not supported; decode to str first");
        throw py::type_error(std::string(name) + ": expected str, got " + Py_TYPE(text.ptr())->tp_name);
    }
    const char* data = PyUnicode_AsUTF8AndSize(text.ptr(), &size);
    if (data) return data;
    PyErr_Clear();
    keep = py::reinterpret_steal<py::object>(PyUnicode_AsEncodedString(text.ptr(), "utf-8", "surrogatepass"));
    if (!keep) throw py::error_already_set();
    size = PyBytes_GET_SIZE(keep.ptr());
    return PyBytes_AS_STRING(keep.ptr());
}

// One pair's statistics, rows of (hits, prediction total, reference total) per type.
class RougePairScorer {
public:
    RougePairScorer(std::vector<int> types, bool use_stemmer, py::tuple names, py::object score_type,
                    bool int_zero_lcs)
        : req_(types), use_stemmer_(use_stemmer), names_(std::move(names)), score_type_(std::move(score_type)),
          int_zero_lcs_(int_zero_lcs) {
        if (static_cast<std::size_t>(names_.size()) != req_.types.size())
            throw py::value_error("names: expected one name per rouge type");
        if (!PyType_Check(score_type_.ptr()) || !PyType_IsSubtype(reinterpret_cast<PyTypeObject*>(score_type_.ptr()),
                                                                 &PyTuple_Type))
            throw py::type_error("score_type: expected a tuple subclass (a NamedTuple)");
    }

    // Statistics into `out` (n_types x 3).
    void statistics(py::handle prediction, py::handle reference, std::int64_t* out) {
        Py_ssize_t lp = 0, lr = 0;
        py::object keep_p, keep_r;
        const char* r = pair_utf8(reference, "target", lr, keep_r);  // rouge-score's order: target first
        const char* p = pair_utf8(prediction, "prediction", lp, keep_p);
        if (static_cast<std::size_t>(lp) + static_cast<std::size_t>(lr) <= kPairGilBytes) {
            detail::TextThreadState& st = cached_state();
            score(st, p, static_cast<std::size_t>(lp), r, static_cast<std::size_t>(lr), out);
        } else {
            py::gil_scoped_release release;
            detail::TextThreadState st(use_stemmer_);
            score(st, p, static_cast<std::size_t>(lp), r, static_cast<std::size_t>(lr), out);
        }
    }

    // {name: Score(p, r, f)} as rouge_score's RougeScorer.score returns it.
    py::dict score_dict(py::handle prediction, py::handle reference) {
        std::int64_t stats[3 * (kRougeLsum + 1)];
        statistics(prediction, reference, stats);
        py::dict out;
        for (std::size_t t = 0; t < req_.types.size(); ++t) {
            const std::int64_t* s = stats + 3 * t;
            const bool lcs = req_.types[t] == kRougeL || req_.types[t] == kRougeLsum;
            py::object score;
            if (int_zero_lcs_ && lcs && (s[1] == 0 || s[2] == 0)) {
                score = make_score(py::int_(0), py::int_(0), py::int_(0));  // rouge-score's int zeros
            } else {
                double prf[3];
                finalize(s, prf);
                score = make_score(py::float_(prf[0]), py::float_(prf[1]), py::float_(prf[2]));
            }
            out[names_[t]] = score;
        }
        return out;
    }

    // (statistics int64 (1, n_types, 3), scores float64 (3, n_types): precision, recall, F rows).
    py::tuple arrays(py::handle prediction, py::handle reference) {
        const auto n = static_cast<py::ssize_t>(req_.types.size());
        py::array_t<std::int64_t> stats(std::vector<py::ssize_t>{1, n, 3});
        py::array_t<double> scores(std::vector<py::ssize_t>{3, n});
        std::int64_t* s = stats.mutable_data();
        statistics(prediction, reference, s);
        double* f = scores.mutable_data();
        for (py::ssize_t t = 0; t < n; ++t) {
            double prf[3];
            finalize(s + 3 * t, prf);
            for (int i = 0; i < 3; ++i) f[i * n + t] = prf[i];
        }
        return py::make_tuple(std::move(stats), std::move(scores));
    }

    py::tuple state() const {
        return py::make_tuple(req_.types, use_stemmer_, names_, score_type_, int_zero_lcs_);
    }

private:
    static void finalize(const std::int64_t* s, double* prf) { rouge_prf_row(s, prf); }

    // Score(p, r, f) without a Python-level call: tuple.__new__(Score, (p, r, f)), which is what
    // a NamedTuple's __new__ does.
    py::object make_score(py::object a, py::object b, py::object c) const {
        py::tuple args = py::make_tuple(py::make_tuple(std::move(a), std::move(b), std::move(c)));
        PyObject* obj = PyTuple_Type.tp_new(reinterpret_cast<PyTypeObject*>(score_type_.ptr()), args.ptr(), nullptr);
        if (!obj) throw py::error_already_set();
        return py::reinterpret_steal<py::object>(obj);
    }

    void score(detail::TextThreadState& st, const char* p, std::size_t lp, const char* r, std::size_t lr,
               std::int64_t* out) const {
        st.pred_ids.clear();
        st.pred_ends.clear();
        st.ref_ids.clear();
        st.ref_ends.clear();
        st.tokenizer.tokenize(p, lp, st.pred_ids, &st.pred_ends);
        st.tokenizer.tokenize(r, lr, st.ref_ids, &st.ref_ends);
        const TokenSeq pred{st.pred_ids.data(), st.pred_ids.size(), st.pred_ends.data(), st.pred_ends.size()};
        const TokenSeq ref{st.ref_ids.data(), st.ref_ids.size(), st.ref_ends.data(), st.ref_ends.size()};
        score_pair(pred, ref, req_, st.ws, out, st.tokenizer.vocabulary().size());
    }

    // One tokenizer + workspace per OS thread and stemmer setting, used with the GIL held; its
    // vocabulary only needs to agree within a pair, so it starts afresh when it grows large.
    detail::TextThreadState& cached_state() const {
        thread_local std::unique_ptr<detail::TextThreadState> states[2];
        auto& st = states[use_stemmer_ ? 1 : 0];
        if (!st || st->tokenizer.vocabulary().size() > kPairStateMaxVocabulary)
            st = std::make_unique<detail::TextThreadState>(use_stemmer_);
        return *st;
    }

    RougeRequest req_;
    bool use_stemmer_;
    py::tuple names_;
    py::object score_type_;
    bool int_zero_lcs_;
};

// Precision, recall and F1 of every row of ROUGE statistics (n, n_types, 3): float64
// (3, n_types, n), so each type's column is contiguous. The same operations as
// rouge.scores_from_statistics (see rouge_prf_row), bit for bit; one pass, GIL released.
py::array_t<double> rouge_prf(const py::array& stats, int threads) {
    if (!stats.dtype().equal(py::dtype::of<std::int64_t>()))
        throw py::type_error("statistics: expected dtype int64, got " + std::string(py::str(stats.dtype())));
    if (stats.ndim() != 3 || stats.shape(2) != 3 || !(stats.flags() & py::array::c_style))
        throw py::value_error("statistics: expected a C-contiguous (n, n_types, 3) array");
    const auto n = static_cast<std::size_t>(stats.shape(0));
    const auto n_types = static_cast<std::size_t>(stats.shape(1));
    py::array_t<double> out(std::vector<py::ssize_t>{3, static_cast<py::ssize_t>(n_types), static_cast<py::ssize_t>(n)});
    const auto* s = static_cast<const std::int64_t*>(stats.data());
    double* o = out.mutable_data();
    {
        py::gil_scoped_release release;
        const std::size_t plane = n_types * n;
        parallel_chunks(n, threads, 16384, [] { return 0; }, [&](int&, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i)
                for (std::size_t t = 0; t < n_types; ++t) {
                    double prf[3];
                    rouge_prf_row(s + 3 * (i * n_types + t), prf);
                    o[t * n + i] = prf[0];
                    o[plane + t * n + i] = prf[1];
                    o[2 * plane + t * n + i] = prf[2];
                }
        });
    }
    return out;
}

}  // namespace

void ngramkit::bindings::bind_rouge(py::module_& m) {
    m.attr("ROUGE_L") = kRougeL;
    m.attr("ROUGE_LSUM") = kRougeLsum;
    m.attr("MAX_NGRAM_ORDER") = kMaxNgramOrder;
    m.def("rouge_ids", &rouge_ids, py::arg("pred_ids"), py::arg("pred_offsets"), py::arg("ref_ids"),
          py::arg("ref_offsets"), py::arg("reference_groups"), py::arg("types"), py::arg("separator"),
          py::arg("threads"),
          "Per-pair ROUGE statistics over int32 token ids: int64 array (n_references, n_types, 3).");
    m.def("rouge_id_rows", &rouge_id_rows, py::arg("pred_rows"), py::arg("ref_rows"), py::arg("types"),
          py::arg("separator"), py::arg("threads"),
          "Per-pair ROUGE statistics (n, n_types, 3) of two equally long lists of int lists (one reference "
          "each), converted while scoring; None for any other input.");
    m.def("rouge_text", &rouge_text, py::arg("pred_bytes"), py::arg("pred_offsets"), py::arg("ref_bytes"),
          py::arg("ref_offsets"), py::arg("reference_groups"), py::arg("types"), py::arg("use_stemmer"),
          py::arg("threads"), py::arg("sacre_tokenizer") = -1, py::arg("sentencewise") = false,
          py::arg("out") = py::none(),
          "Per-pair ROUGE statistics over UTF-8 text: int64 array (n_references, n_types, 3), written into "
          "`out` if given.");
    py::class_<RougePairScorer>(m, "RougePairScorer",
                                "ROUGE of one (prediction, reference) pair of str, holding the GIL for "
                                "short texts: the batch kernel without the batch's fixed cost.")
        .def(py::init<std::vector<int>, bool, py::tuple, py::object, bool>(), py::arg("types"),
             py::arg("use_stemmer"), py::arg("names"), py::arg("score_type"), py::arg("int_zero_lcs"))
        .def("score_dict", &RougePairScorer::score_dict, py::arg("prediction"), py::arg("reference"),
             "{name: score_type(p, r, f)}, rouge_score's RougeScorer.score result.")
        .def("arrays", &RougePairScorer::arrays, py::arg("prediction"), py::arg("reference"),
             "(statistics int64 (1, n_types, 3), float64 (3, n_types) precision/recall/F rows).")
        .def(py::pickle([](const RougePairScorer& s) { return s.state(); },
                        [](py::tuple t) {
                            return RougePairScorer(t[0].cast<std::vector<int>>(), t[1].cast<bool>(),
                                                   t[2].cast<py::tuple>(), t[3], t[4].cast<bool>());
                        }));
    m.def("rouge_prf", &rouge_prf, py::arg("statistics"), py::arg("threads") = 1,
          "Precision, recall, F1 of ROUGE statistics (n, n_types, 3): float64 (3, n_types, n).");
    m.def(
        "_set_lcs_memory_limits",
        [](std::size_t mask_words, std::size_t row_words) {
            if (mask_words == 0 || row_words == 0) throw py::value_error("limits: expected positive word counts");
            const std::size_t old_mask = dense_mask_words_limit().exchange(mask_words);
            const std::size_t old_rows = dense_row_words_limit().exchange(row_words);
            return py::make_tuple(old_mask, old_rows);
        },
        py::arg("mask_words"), py::arg("row_words"),
        "Testing hook: the sizes (64-bit words per LCS call) above which the LCS kernels switch to "
        "their bounded-memory forms (compact match masks, checkpointed traceback); returns the old ones. "
        "Results never depend on them.");
}
