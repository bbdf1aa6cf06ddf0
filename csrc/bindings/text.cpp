// SPDX-License-Identifier: Apache-2.0
// Bindings of the text layer: the rouge-score and sacrebleu tokenizers and the Porter stemmer.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings/binders.hpp"
#include "bindings/common.hpp"
#include "text/porter_stemmer.hpp"
#include "text/sacrebleu_tokenizers.hpp"
#include "text/tercom_tokenizer.hpp"
#include "text/tokenize_batch.hpp"

namespace py = pybind11;
using namespace ngramkit;
using namespace ngramkit::bindings;

namespace {

// Tokenize UTF-8 rows with one shared vocabulary, ids numbered by first appearance, on `threads`
// threads: (ids int32, offsets int64, vocabulary list[str]).
py::tuple tokenize_text(const py::array& text_bytes, const py::array& text_offsets, bool use_stemmer, int threads) {
    const auto texts = text_view(text_bytes, text_offsets, "texts");
    SharedVocabularyTokenizer tokenizer;
    py::array_t<std::int64_t> offsets(static_cast<py::ssize_t>(texts.n_rows + 1));
    std::int64_t* o = offsets.mutable_data();
    std::size_t n_tokens = 0;
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_offsets(texts.offsets, texts.n_rows, texts.n_values, "texts");
        n_tokens = tokenizer.tokenize(texts, use_stemmer, threads, o, interrupted);
    });
    py::array_t<std::int32_t> ids(static_cast<py::ssize_t>(n_tokens));
    std::int32_t* i = ids.mutable_data();
    {
        py::gil_scoped_release release;
        tokenizer.write_ids(o, i, threads);
    }
    return py::make_tuple(ids, offsets, tokenizer.vocabulary());
}

// `tokenize(text, len, out)` of every UTF-8 row: list[str].
template <class Tokenize>
py::list tokenized_rows(const py::array& text_bytes, const py::array& text_offsets, Tokenize tokenize) {
    const auto t8 = ragged<std::uint8_t>(text_bytes, text_offsets, "texts", "uint8");
    std::vector<std::string> rows(t8.n_rows);
    {
        py::gil_scoped_release release;
        check_offsets(t8.offsets, t8.n_rows, t8.n_values, "texts");
        const char* base = reinterpret_cast<const char*>(t8.values);
        std::string buffer;
        for (std::size_t i = 0; i < t8.n_rows; ++i) {
            tokenize(base + t8.offsets[i], static_cast<std::size_t>(t8.offsets[i + 1] - t8.offsets[i]), buffer);
            rows[i].assign(buffer);
        }
    }
    py::list out(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        PyObject* s = PyUnicode_DecodeUTF8(rows[i].data(), static_cast<Py_ssize_t>(rows[i].size()), "surrogatepass");
        if (!s) throw py::error_already_set();
        PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i), s);
    }
    return out;
}

// sacrebleu tokenization of every UTF-8 row: list[str] (tokens joined by one space).
py::list sacrebleu_tokenize_rows(const py::array& text_bytes, const py::array& text_offsets, int kind) {
    if (kind < 0 || kind > static_cast<int>(SacreTokenizer::Zh))
        throw py::value_error("kind: unknown sacrebleu tokenizer code " + std::to_string(kind));
    return tokenized_rows(text_bytes, text_offsets, [kind](const char* text, std::size_t len, std::string& out) {
        sacrebleu_tokenize(static_cast<SacreTokenizer>(kind), text, len, out);
    });
}

// sacrebleu's TercomTokenizer of every (already lowercased, rstripped) UTF-8 row: list[str].
py::list tercom_tokenize_rows(const py::array& text_bytes, const py::array& text_offsets, bool normalized,
                              bool no_punct, bool asian_support) {
    const TercomOptions options{normalized, no_punct, asian_support};
    TercomScratch scratch;
    return tokenized_rows(text_bytes, text_offsets, [&](const char* text, std::size_t len, std::string& out) {
        tercom_tokenize(text, len, options, scratch, out);
    });
}

}  // namespace

void ngramkit::bindings::bind_text(py::module_& m) {
    m.def("tokenize_text", &tokenize_text, py::arg("text_bytes"), py::arg("text_offsets"),
          py::arg("use_stemmer"), py::arg("threads") = 1,
          "rouge-score tokenization with one shared vocabulary (ids by first appearance), on `threads` threads.");
    m.def("sacrebleu_tokenize", &sacrebleu_tokenize_rows, py::arg("text_bytes"), py::arg("text_offsets"),
          py::arg("kind"), "sacrebleu tokenizer `kind` (0 none, 1 13a, 2 intl, 3 char, 4 zh) of every row: list[str].");
    m.def("tercom_tokenize", &tercom_tokenize_rows, py::arg("text_bytes"), py::arg("text_offsets"),
          py::arg("normalized"), py::arg("no_punct"), py::arg("asian_support"),
          "sacrebleu's TercomTokenizer (case-sensitive: lowercase first) of every row: list[str].");
    m.def("porter_stem", [](const std::string& word) { return porter_stem(word); }, py::arg("word"),
          "NLTK PorterStemmer() (NLTK_EXTENSIONS) stem of one lowercase ASCII word.");
}
