// SPDX-License-Identifier: Apache-2.0
// Bindings of the ROUGE score matrices and the near-duplicate filter: texts tokenized once
// (RougeMatrixTexts), then matrices and the filter over them.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/binders.hpp"
#include "bindings/common.hpp"
#include "metrics/rouge_matrix.hpp"

namespace py = pybind11;
using namespace ngramkit;
using namespace ngramkit::bindings;

namespace {

// Hypotheses (rows) and references (columns; none: the hypotheses themselves) as one RougeTexts:
// texts 0..H-1 are the hypotheses, H..H+R-1 the references.
class RougeMatrixTexts {
public:
    static RougeMatrixTexts from_text(const py::array& hyp_bytes, const py::array& hyp_offsets,
                                      const py::object& ref_bytes, const py::object& ref_offsets, bool use_stemmer,
                                      int sacre_tokenizer, bool sentencewise) {
        if (sacre_tokenizer < -1 || sacre_tokenizer > static_cast<int>(SacreTokenizer::Zh))
            throw py::value_error("tokenize: unknown tokenizer code " + std::to_string(sacre_tokenizer));
        const auto hyps = text_view(hyp_bytes, hyp_offsets, "hypotheses");
        check_offsets(hyps.offsets, hyps.n_rows, hyps.n_values, "hypotheses");
        std::optional<RaggedView<char>> refs;
        if (!ref_bytes.is_none()) {
            refs = text_view(ref_bytes.cast<py::array>(), ref_offsets.cast<py::array>(), "references");
            check_offsets(refs->offsets, refs->n_rows, refs->n_values, "references");
        }
        RougeMatrixTexts out(hyps.n_rows, refs ? refs->n_rows : hyps.n_rows, !refs);
        run_interruptible([&](const std::function<bool()>& interrupted) {
            RougeTokenizer tokenizer = sacre_tokenizer >= 0
                                           ? RougeTokenizer(static_cast<SacreTokenizer>(sacre_tokenizer), sentencewise)
                                           : RougeTokenizer(use_stemmer);
            add_text_rows(out.texts_, hyps, tokenizer, interrupted);
            if (refs) add_text_rows(out.texts_, *refs, tokenizer, interrupted);
        });
        return out;
    }

    static RougeMatrixTexts from_ids(const py::array& hyp_ids, const py::array& hyp_offsets, const py::object& ref_ids,
                                     const py::object& ref_offsets, std::int64_t separator) {
        if (separator < -1 || separator > INT32_MAX)
            throw py::value_error("sentence_separator: expected an id in [0, 2**31 - 1] or -1 for none");
        const auto hyps = ragged<std::int32_t>(hyp_ids, hyp_offsets, "hypotheses", "int32");
        check_offsets(hyps.offsets, hyps.n_rows, hyps.n_values, "hypotheses");
        check_ids(hyps.values, hyps.offsets, hyps.n_rows, "hypotheses");
        std::optional<RaggedView<std::int32_t>> refs;
        if (!ref_ids.is_none()) {
            refs = ragged<std::int32_t>(ref_ids.cast<py::array>(), ref_offsets.cast<py::array>(), "references", "int32");
            check_offsets(refs->offsets, refs->n_rows, refs->n_values, "references");
            check_ids(refs->values, refs->offsets, refs->n_rows, "references");
        }
        RougeMatrixTexts out(hyps.n_rows, refs ? refs->n_rows : hyps.n_rows, !refs);
        {
            py::gil_scoped_release release;
            DenseIdMap map;
            const auto tokens = [](const RaggedView<std::int32_t>& v) {
                return static_cast<std::size_t>(v.offsets[v.n_rows] - v.offsets[0]);
            };
            map.reset(tokens(hyps) + (refs ? tokens(*refs) : 0));
            add_id_rows(out.texts_, hyps, separator, map);
            if (refs) add_id_rows(out.texts_, *refs, separator, map);
        }
        return out;
    }

    // float64 (H, R): the measure of hypothesis i against reference j.
    py::array_t<double> matrix(int type, int measure, int threads) const {
        py::array_t<double> out(std::vector<py::ssize_t>{static_cast<py::ssize_t>(n_hyps_), static_cast<py::ssize_t>(n_refs_)});
        double* o = out.mutable_data();
        run_interruptible([&](const std::function<bool()>& interrupted) {
            const RougeScoring scoring(texts_, type, measure, false);
            rouge_matrix(scoring, n_hyps_, self_ ? 0 : n_hyps_, n_refs_, threads, o, interrupted);
        });
        return out;
    }

    // (kept indices int64, each hypothesis' maximum score against the ones kept before it float64 (H,)).
    py::tuple near_duplicates(int type, int measure, double threshold, int threads) const {
        if (!(threshold == threshold)) throw py::value_error("threshold: expected a number, got nan");
        py::array_t<double> best(static_cast<py::ssize_t>(n_hyps_));
        double* b = best.mutable_data();
        std::vector<std::size_t> kept;
        run_interruptible([&](const std::function<bool()>& interrupted) {
            const RougeScoring scoring(texts_, type, measure, true);
            kept = rouge_near_duplicates(scoring, n_hyps_, threshold, threads, b, interrupted);
        });
        py::array_t<std::int64_t> indices(static_cast<py::ssize_t>(kept.size()));
        std::int64_t* k = indices.mutable_data();
        for (std::size_t i = 0; i < kept.size(); ++i) k[i] = static_cast<std::int64_t>(kept[i]);
        return py::make_tuple(std::move(indices), std::move(best));
    }

    std::size_t vocabulary() const { return texts_.vocabulary; }

private:
    RougeMatrixTexts(std::size_t n_hyps, std::size_t n_refs, bool self) : n_hyps_(n_hyps), n_refs_(n_refs), self_(self) {}

    RougeTexts texts_;
    std::size_t n_hyps_, n_refs_;
    bool self_;
};

}  // namespace

void ngramkit::bindings::bind_rouge_matrix(py::module_& m) {
    py::class_<RougeMatrixTexts>(m, "RougeMatrixTexts",
                                 "Hypotheses and references tokenized once (dense ids shared by all), for ROUGE "
                                 "score matrices and the near-duplicate filter.")
        .def_static("from_text", &RougeMatrixTexts::from_text, py::arg("hyp_bytes"), py::arg("hyp_offsets"),
                    py::arg("ref_bytes"), py::arg("ref_offsets"), py::arg("use_stemmer"), py::arg("sacre_tokenizer"),
                    py::arg("sentencewise"),
                    "UTF-8 rows (uint8 bytes + int64 offsets); references None: the hypotheses themselves. "
                    "rouge-score's tokenizer, or sacrebleu's (code >= 0; text lowercased by the caller), "
                    "`sentencewise` tokenizing each line on its own (rougeLsum).")
        .def_static("from_ids", &RougeMatrixTexts::from_ids, py::arg("hyp_ids"), py::arg("hyp_offsets"),
                    py::arg("ref_ids"), py::arg("ref_offsets"), py::arg("separator"),
                    "int32 id rows + int64 offsets; `separator` >= 0 splits sentences (rougeLsum) and is dropped.")
        .def("matrix", &RougeMatrixTexts::matrix, py::arg("rouge_type"), py::arg("measure"), py::arg("threads"),
             "float64 (H, R): measure (0 precision, 1 recall, 2 F1) of rouge_type (1..9, ROUGE_L, ROUGE_LSUM) of "
             "hypothesis i (prediction) against reference j (target).")
        .def("near_duplicates", &RougeMatrixTexts::near_duplicates, py::arg("rouge_type"), py::arg("measure"),
             py::arg("threshold"), py::arg("threads"),
             "The self-instruct filter over the hypotheses in order: (kept int64, best float64 (H,)).")
        .def_property_readonly("vocabulary", &RougeMatrixTexts::vocabulary, "Distinct tokens (ids) of all texts.");
}
