// SPDX-License-Identifier: Apache-2.0
// Bindings of the error rates (WER, CER, MER, WIL, WIP): per-pair edit counts as rapidfuzz's
// Levenshtein opcodes (reference first) count them, over int32 ids or over UTF-8 text split as
// jiwer's default transforms split it (words: wer_default; characters: cer_default), and the
// opcodes themselves for alignments.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstring>
#include <type_traits>
#include <vector>

#include "bindings/binders.hpp"
#include "bindings/common.hpp"
#include "metrics/edit_distance.hpp"
#include "text/interner.hpp"
#include "text/utf8.hpp"

namespace py = pybind11;
using namespace ngramkit;
using namespace ngramkit::bindings;

namespace {

constexpr int kStatsWidth = 5;  // hits, substitutions, deletions, insertions, reference length
enum Unit { Words = 0, Chars = 1 };

// Word -> id of one pair. Ids only have to agree within a pair, so a small table that starts
// afresh for every pair (a generation stamp instead of clearing) stays in L1 cache, where one
// interner over the whole corpus would miss it on every word. Keys are StringInterner's.
class PairVocab {
public:
    void next_pair() {
        ++generation_;
        words_.clear();
    }
    // Id of the word s[0, len), which must be followed by at least 16 readable bytes.
    std::int32_t id(const char* s, std::size_t len) {
        if (2 * (words_.size() + 1) > slots_.size()) grow();
        const auto key = StringInterner::key_padded(s, len);
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t pos = static_cast<std::size_t>(key.hash) & mask;; pos = (pos + 1) & mask) {
            Slot& slot = slots_[pos];
            if (slot.generation != generation_) {
                slot = Slot{generation_, static_cast<std::int32_t>(words_.size()), key.hash};
                words_.push_back(Word{s, len, key.hash});
                return slot.id;
            }
            const Word& w = words_[static_cast<std::size_t>(slot.id)];
            if (slot.hash == key.hash && w.len == len && std::memcmp(w.text, s, len) == 0) return slot.id;
        }
    }

private:
    struct Slot {
        std::uint64_t generation = 0;
        std::int32_t id = 0;
        std::uint64_t hash = 0;
    };
    struct Word {
        const char* text;
        std::size_t len;
        std::uint64_t hash;
    };
    void grow() {
        slots_.assign(std::max<std::size_t>(64, 2 * slots_.size()), Slot{});
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t id = 0; id < words_.size(); ++id) {
            std::size_t pos = static_cast<std::size_t>(words_[id].hash) & mask;
            while (slots_[pos].generation == generation_) pos = (pos + 1) & mask;
            slots_[pos] = Slot{generation_, static_cast<std::int32_t>(id), words_[id].hash};
        }
    }
    std::vector<Slot> slots_;
    std::vector<Word> words_;
    std::uint64_t generation_ = 1;
};

// Per-thread state: the aligner's buffers, the pair's word ids and its two id rows.
struct PairState {
    edit::Aligner aligner;
    PairVocab vocab;
    std::vector<std::int32_t> ref, hyp;
    std::vector<char> ref_text, hyp_text;  // the pair's texts followed by 16 zero bytes
};

// Leading and trailing Python whitespace removed (str.strip()): [begin, end) byte range.
void python_strip(const char* s, std::size_t len, std::size_t& begin, std::size_t& end) {
    end = python_rstrip_length(s, len);
    begin = 0;
    while (begin < end) {
        std::size_t i = begin;
        if (!is_python_space(decode_utf8(s, end, i))) break;
        begin = i;
    }
}

// jiwer's wer_default on one text: RemoveMultipleSpaces (a run of 2+ Python whitespace code
// points becomes " "), Strip, split on " " dropping empty words. On the stripped text that is:
// words are separated by a single " " or by any run of 2+ whitespace code points; a single other
// whitespace code point (a lone tab, newline, NBSP ...) stays inside its word.
void words_of(const char* s, std::size_t len, PairState& st, std::vector<std::int32_t>& out) {
    out.clear();
    std::size_t begin = 0, end = 0;
    python_strip(s, len, begin, end);
    std::size_t word = begin, i = begin;
    while (i < end) {
        const std::size_t at = i;
        const std::uint32_t cp = decode_utf8(s, end, i);
        if (!is_python_space(cp)) continue;
        std::size_t run_end = i, run = 1;
        while (run_end < end) {
            std::size_t j = run_end;
            if (!is_python_space(decode_utf8(s, end, j))) break;
            run_end = j;
            ++run;
        }
        if (run == 1 && cp != 0x20) continue;  // a lone non-space whitespace is part of the word
        out.push_back(st.vocab.id(s + word, at - word));  // stripped: words are never empty
        word = i = run_end;
    }
    if (end > begin) out.push_back(st.vocab.id(s + word, end - word));
}

// jiwer's cer_default on one text: Strip, then one id per code point (the code point).
void chars_of(const char* s, std::size_t len, std::vector<std::int32_t>& out) {
    out.clear();
    std::size_t begin = 0, end = 0;
    python_strip(s, len, begin, end);
    for (std::size_t i = begin; i < end;) out.push_back(static_cast<std::int32_t>(decode_utf8(s, end, i)));
}

// The units of row `row` of `side` into `out`; words are read from a padded copy in `text`
// (kept for the pair: the vocabulary points into it).
void units_of(const RaggedView<char>& side, std::size_t row, int unit, PairState& st, std::vector<char>& text,
              std::vector<std::int32_t>& out) {
    const char* s = side.values + side.offsets[row];
    const auto len = static_cast<std::size_t>(side.offsets[row + 1] - side.offsets[row]);
    if (unit != Words) return chars_of(s, len, out);
    text.assign(s, s + len);
    text.resize(len + 16, '\0');
    words_of(text.data(), len, st, out);
}

void write_counts(std::int64_t* o, const edit::Counts& c) {
    o[0] = c.hits;
    o[1] = c.substitutions;
    o[2] = c.deletions;
    o[3] = c.insertions;
    o[4] = c.hits + c.substitutions + c.deletions;
}

PairState fresh_state() { return PairState{}; }

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

// One pair's two id rows, pointing into the batches or into the state's buffers.
struct PairRows {
    const std::int32_t *ref, *hyp;
    std::size_t n_ref, n_hyp;
};

// The pairs of an id batch or of a text batch split into units; `each(st, i, rows)` runs on
// every pair, threads over chunks, the GIL released, Ctrl-C honoured.
template <class T, class Each>
void over_pairs(const RaggedView<T>& preds, const RaggedView<T>& refs, int unit, int threads, std::size_t chunk,
                Each each) {
    check_same_rows(preds.n_rows, refs.n_rows);
    run_interruptible([&](const std::function<bool()>& interrupted) {
        check_pair_offsets(preds, refs);
        if constexpr (std::is_same_v<T, std::int32_t>) {
            check_ids(preds.values, preds.offsets, preds.n_rows, "predictions");
            check_ids(refs.values, refs.offsets, refs.n_rows, "references");
        }
        parallel_chunks(
            preds.n_rows, threads, chunk, fresh_state,
            [&](PairState& st, std::size_t begin, std::size_t end) {
                for (std::size_t i = begin; i < end; ++i) {
                    auto length = [i](const RaggedView<T>& side) {
                        return static_cast<std::size_t>(side.offsets[i + 1] - side.offsets[i]);
                    };
                    if constexpr (std::is_same_v<T, std::int32_t>) {
                        each(st, i, PairRows{refs.values + refs.offsets[i], preds.values + preds.offsets[i],
                                             length(refs), length(preds)});
                    } else {
                        st.vocab.next_pair();
                        units_of(refs, i, unit, st, st.ref_text, st.ref);
                        units_of(preds, i, unit, st, st.hyp_text, st.hyp);
                        each(st, i, PairRows{st.ref.data(), st.hyp.data(), st.ref.size(), st.hyp.size()});
                    }
                }
            },
            interrupted);
    });
}

template <class T>
py::array_t<std::int64_t> counts_of(const RaggedView<T>& preds, const RaggedView<T>& refs, int unit, int threads) {
    auto out = counts_array(preds.n_rows);
    std::int64_t* o = out.mutable_data();
    over_pairs(preds, refs, unit, threads, 256, [o](PairState& st, std::size_t i, const PairRows& p) {
        write_counts(o + i * kStatsWidth, st.aligner.counts(p.ref, p.n_ref, p.hyp, p.n_hyp));
    });
    return out;
}

// Opcodes of every pair: (int64 (k, 5) rows `type, ref_begin, ref_end, hyp_begin, hyp_end` with
// type 0 equal, 1 substitute, 2 insert, 3 delete; int64 (n + 1) row offsets into them).
template <class T>
py::tuple opcodes_of(const RaggedView<T>& preds, const RaggedView<T>& refs, int unit, int threads) {
    std::vector<std::vector<edit::Opcode>> per_pair(preds.n_rows);
    over_pairs(preds, refs, unit, threads, 64, [&per_pair](PairState& st, std::size_t i, const PairRows& p) {
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
