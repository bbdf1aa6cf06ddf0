// SPDX-License-Identifier: Apache-2.0
// Per-pair edit counts of the error rates (WER, CER, MER, WIL, WIP) as rapidfuzz's Levenshtein
// opcodes (reference first) count them, over int32 ids or over UTF-8 text split as jiwer's
// default transforms split it (words: wer_default; characters: cer_default).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <vector>

#include "core/parallel.hpp"
#include "core/ragged.hpp"
#include "metrics/edit_distance.hpp"
#include "text/jiwer_units.hpp"

namespace ngramkit::error_rates {

constexpr int kStatsWidth = 5;  // hits, substitutions, deletions, insertions, reference length
enum Unit { Words = 0, Chars = 1 };

// Per-thread state: the aligner's buffers, the pair's word ids and its two id rows.
struct PairState {
    edit::Aligner aligner;
    PairVocab vocab;
    std::vector<std::int32_t> ref, hyp;
    std::vector<char> ref_text, hyp_text;  // the pair's texts followed by 16 zero bytes
};

// The units of row `row` of `side` into `out`; words are read from a padded copy in `text`
// (kept for the pair: the vocabulary points into it).
inline void units_of(const RaggedView<char>& side, std::size_t row, int unit, PairState& st, std::vector<char>& text,
                     std::vector<std::int32_t>& out) {
    const char* s = side.values + side.offsets[row];
    const auto len = static_cast<std::size_t>(side.offsets[row + 1] - side.offsets[row]);
    if (unit != Words) return chars_of(s, len, out);
    text.assign(s, s + len);
    text.resize(len + 16, '\0');
    words_of(text.data(), len, st.vocab, out);
}

inline void write_counts(std::int64_t* o, const edit::Counts& c) {
    o[0] = c.hits;
    o[1] = c.substitutions;
    o[2] = c.deletions;
    o[3] = c.insertions;
    o[4] = c.hits + c.substitutions + c.deletions;
}

// One pair's two id rows, pointing into the batches or into the state's buffers.
struct PairRows {
    const std::int32_t *ref, *hyp;
    std::size_t n_ref, n_hyp;
};

// The pairs of an id batch or of a text batch split into units (checked batches of as many rows);
// `each(st, i, rows)` runs on every pair, threads over chunks of `chunk` pairs.
template <class T, class Each>
void over_pairs(const RaggedView<T>& preds, const RaggedView<T>& refs, int unit, int threads, std::size_t chunk,
                Each each, const std::function<bool()>& interrupted = {}) {
    parallel_chunks(
        preds.n_rows, threads, chunk, [] { return PairState{}; },
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
}

}  // namespace ngramkit::error_rates
