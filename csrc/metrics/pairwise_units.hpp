// SPDX-License-Identifier: Apache-2.0
// The units score matrices count n-grams over, one text at a time, appended to a PoolUnits:
// chrF's code points and chrF++ words as sacrebleu's CHRF sees them, sacrebleu's BLEU tokens, or
// token ids as given. Word and token ids come from one interner per pool, so they agree in it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "metrics/chrf.hpp"
#include "metrics/pairwise_counts.hpp"
#include "text/interner.hpp"
#include "text/sacrebleu_spans.hpp"
#include "text/sacrebleu_tokenizers.hpp"
#include "text/utf8.hpp"

namespace ngramkit {

// chrF: stream 0 the code points (Python whitespace dropped unless keep_space, as
// ''.join(text.split())), stream 1 (if words) the words of text.split(), each of more than one
// code point with one ASCII punctuation mark split off its end, else off its start.
class ChrfUnits {
public:
    ChrfUnits(bool keep_space, bool words) : keep_space_(keep_space), words_(words) {}

    void reset() { vocabulary_ = StringInterner{}; }

    void add(const char* s, std::size_t len, PoolUnits& out) {
        if (std::uint64_t(len) >= (std::uint64_t(1) << 32)) throw std::length_error("chrF: a text of 4 GiB or more");
        std::vector<std::uint32_t>& chars = out.units[0];
        std::size_t i = 0, word_begin = 0, word_cps = 0;
        std::uint32_t first = 0, last = 0;
        while (i < len) {
            const std::size_t at = i;
            const std::uint32_t cp = decode_utf8(s, len, i);
            const bool space = is_python_space(cp);
            if (keep_space_ || !space) chars.push_back(cp);
            if (!words_) continue;
            if (!space) {
                if (word_cps++ == 0) {
                    word_begin = at;
                    first = cp;
                }
                last = cp;
            } else if (word_cps > 0) {
                word(s, word_begin, at, word_cps, first, last, out.units[1]);
                word_cps = 0;
            }
        }
        if (word_cps > 0) word(s, word_begin, len, word_cps, first, last, out.units[1]);
        out.close_text();
    }

private:
    // The punctuation mark is ASCII, so it is the word's first or last byte.
    void word(const char* s, std::size_t b, std::size_t e, std::size_t cps, std::uint32_t first, std::uint32_t last,
              std::vector<std::uint32_t>& words) {
        std::size_t cut = 0;  // byte at which the word splits in two, 0 for none
        if (cps > 1 && chrf_detail::is_ascii_punct(last))
            cut = e - 1;
        else if (cps > 1 && chrf_detail::is_ascii_punct(first))
            cut = b + 1;
        if (cut == 0) {
            words.push_back(static_cast<std::uint32_t>(vocabulary_.intern(s + b, e - b)));
            return;
        }
        words.push_back(static_cast<std::uint32_t>(vocabulary_.intern(s + b, cut - b)));
        words.push_back(static_cast<std::uint32_t>(vocabulary_.intern(s + cut, e - cut)));
    }

    bool keep_space_, words_;
    StringInterner vocabulary_;
};

// BLEU over text: stream 0 the words of sacrebleu's tokenizer `kind` applied to text.rstrip().
class BleuTextUnits {
public:
    explicit BleuTextUnits(SacreTokenizer kind) : kind_(kind) {}

    void reset() { vocabulary_ = StringInterner{}; }

    void add(const char* s, std::size_t len, PoolUnits& out) {
        len = python_rstrip_length(s, len);
        if (spans_.scan(kind_, s, len, /*lower=*/false)) {  // 13a, intl: the words as spans of the text
            const char* text = spans_.low();
            for (std::size_t t = 0; t < spans_.count(); ++t) {
                const std::size_t b = spans_.starts()[t], e = spans_.ends()[t];
                out.units[0].push_back(static_cast<std::uint32_t>(vocabulary_.intern_padded(text + b, e - b)));
            }
        } else {
            sacrebleu_tokenize(kind_, s, len, tokenized_);
            ids_.clear();
            intern_words(tokenized_, vocabulary_, ids_);
            for (const std::int32_t id : ids_) out.units[0].push_back(static_cast<std::uint32_t>(id));
        }
        out.close_text();
    }

private:
    SacreTokenizer kind_;
    SacreSpanScanner spans_;
    StringInterner vocabulary_;
    std::string tokenized_;
    std::vector<std::int32_t> ids_;
};

// BLEU over token ids (non-negative int32, checked by the caller): stream 0 the ids.
struct IdUnits {
    void reset() {}

    void add(const std::int32_t* ids, std::size_t len, PoolUnits& out) {
        for (std::size_t i = 0; i < len; ++i) out.units[0].push_back(static_cast<std::uint32_t>(ids[i]));
        out.close_text();
    }
};

}  // namespace ngramkit
