// SPDX-License-Identifier: Apache-2.0
// jiwer 4's default transforms on UTF-8 text, as id rows for the edit-distance kernel:
// wer_default (words, interned per pair) and cer_default (code points).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "text/interner.hpp"
#include "text/utf8.hpp"

namespace ngramkit {

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

// jiwer's wer_default on one text: RemoveMultipleSpaces (a run of 2+ Python whitespace code
// points becomes " "), Strip, split on " " dropping empty words. On the stripped text that is:
// words are separated by a single " " or by any run of 2+ whitespace code points; a single other
// whitespace code point (a lone tab, newline, NBSP ...) stays inside its word.
inline void words_of(const char* s, std::size_t len, PairVocab& vocab, std::vector<std::int32_t>& out) {
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
        out.push_back(vocab.id(s + word, at - word));  // stripped: words are never empty
        word = i = run_end;
    }
    if (end > begin) out.push_back(vocab.id(s + word, end - word));
}

// jiwer's cer_default on one text: Strip, then one id per code point (the code point).
inline void chars_of(const char* s, std::size_t len, std::vector<std::int32_t>& out) {
    out.clear();
    std::size_t begin = 0, end = 0;
    python_strip(s, len, begin, end);
    for (std::size_t i = begin; i < end;) out.push_back(static_cast<std::int32_t>(decode_utf8(s, end, i)));
}

}  // namespace ngramkit
