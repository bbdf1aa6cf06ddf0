// SPDX-License-Identifier: Apache-2.0
// rouge-score's default tokenizer on UTF-8 text, with tokens interned to int32 ids.
//
// rouge-score: text.lower() (full Unicode), every run of characters outside [a-z0-9] becomes a
// separator, split, optionally Porter-stem tokens longer than 3 characters, drop empty tokens.
// Under Python's str.lower() exactly two non-ASCII code points lower into [a-z0-9]:
// U+0130 'İ' -> "i" + U+0307 (the combining dot then ends the token) and U+212A KELVIN SIGN -> "k".
// Every other non-ASCII code point is a separator. Lead bytes of UTF-8 never occur as
// continuation bytes, so scanning byte by byte and matching those two sequences is exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "text/interner.hpp"
#include "text/sacrebleu_tokenizers.hpp"
#include "porter_stemmer.hpp"

namespace ngramkit {

// Tokenizes and interns. With stemming, ids name stems, and each distinct raw token is stemmed
// once per RougeTokenizer (the raw -> stem-id cache is what keeps the stemmer off the hot path).
namespace detail {
// Byte -> the token character it stands for ([a-z0-9] itself, [A-Z] its lowercase), else 0.
struct LoweredTable {
    char map[256] = {};
    constexpr LoweredTable() {
        for (int c = 'a'; c <= 'z'; ++c) map[c] = static_cast<char>(c);
        for (int c = '0'; c <= '9'; ++c) map[c] = static_cast<char>(c);
        for (int c = 'A'; c <= 'Z'; ++c) map[c] = static_cast<char>(c + ('a' - 'A'));
    }
    char operator[](unsigned char c) const { return map[c]; }
};
inline constexpr LoweredTable kLowered{};
}  // namespace detail

class RougeTokenizer {
public:
    explicit RougeTokenizer(bool use_stemmer) : use_stemmer_(use_stemmer) {}

    // Tokenizes with sacrebleu's tokenizer `kind` instead (the caller lowercases, as ROUGE with a
    // sacrebleu tokenizer means T(text.lower()).split()). `sentencewise`: tokenize every
    // '\n'-separated sentence on its own (what rougeLsum does with a custom tokenizer); otherwise
    // the whole text at once, as one sentence.
    RougeTokenizer(SacreTokenizer kind, bool sentencewise)
        : use_stemmer_(false), sacre_(true), sacre_kind_(kind), sentencewise_(sentencewise) {}

    // Appends the ids of `text`'s tokens to `ids`. If `sentence_ends` is given, appends, for every
    // '\n'-separated sentence holding at least one token, the size of `ids` after that sentence.
    void tokenize(const char* text, std::size_t len, std::vector<std::int32_t>& ids,
                  std::vector<std::size_t>* sentence_ends) {
        if (sacre_) {
            tokenize_sacrebleu(text, len, ids, sentence_ends);
            return;
        }
        // a token is never longer than the text; 8 bytes of slack let intern_padded read a whole word
        if (token_.size() < len + 8) token_.resize(len + 8);
        token_len_ = 0;
        std::size_t sentence_start = ids.size();
        const unsigned char* bytes = reinterpret_cast<const unsigned char*>(text);
        char* token = token_.data();
        std::size_t n = 0;  // the token's length so far (a local: stores through `token` may alias members)
        auto end_token = [&] {
            token_len_ = n;
            flush(ids);
            n = 0;
        };
        for (std::size_t i = 0; i < len; ++i) {
            const unsigned char c = bytes[i];
            const char lowered = detail::kLowered[c];
            if (lowered) {  // [a-z0-9] as it is, [A-Z] lowercased: one table look-up a byte
                token[n++] = lowered;
                continue;
            }
            if (c < 0x80) {
                if (n) end_token();
                if (c == '\n' && sentence_ends && ids.size() > sentence_start) {
                    sentence_ends->push_back(ids.size());
                    sentence_start = ids.size();
                }
                continue;
            }
            if (c == 0xC4 && i + 1 < len && bytes[i + 1] == 0xB0) {
                token[n++] = 'i';  // U+0130 -> "i" + U+0307, and U+0307 separates
                end_token();
                ++i;
                continue;
            }
            if (c == 0xE2 && i + 2 < len && bytes[i + 1] == 0x84 && bytes[i + 2] == 0xAA) {
                token[n++] = 'k';  // U+212A KELVIN SIGN -> "k"
                i += 2;
                continue;
            }
            if (n) end_token();
        }
        if (n) end_token();
        if (sentence_ends && ids.size() > sentence_start) sentence_ends->push_back(ids.size());
    }

    const StringInterner& vocabulary() const { return final_ids_; }

private:

    void tokenize_sacrebleu(const char* text, std::size_t len, std::vector<std::int32_t>& ids,
                            std::vector<std::size_t>* sentence_ends) {
        std::size_t start = 0;
        while (start <= len) {
            std::size_t end = len;
            if (sentencewise_) {
                const void* newline = std::memchr(text + start, '\n', len - start);
                if (newline) end = static_cast<std::size_t>(static_cast<const char*>(newline) - text);
            }
            const std::size_t before = ids.size();
            if (end > start) {
                sacrebleu_tokenize(sacre_kind_, text + start, end - start, tokenized_);
                std::size_t token_start = 0;
                for (std::size_t i = 0; i <= tokenized_.size(); ++i) {
                    if (i < tokenized_.size() && tokenized_[i] != ' ') continue;
                    if (i > token_start) ids.push_back(final_ids_.intern(tokenized_.data() + token_start, i - token_start));
                    token_start = i + 1;
                }
            }
            if (sentence_ends && ids.size() > before) sentence_ends->push_back(ids.size());
            start = end + 1;
        }
    }

    void flush(std::vector<std::int32_t>& ids) {
        if (token_len_ == 0) return;
        ids.push_back(token_id());
        token_len_ = 0;
    }

    std::int32_t token_id() {
        if (!use_stemmer_ || token_len_ <= 3) return final_ids_.intern_padded(token_.data(), token_len_);
        const std::int32_t raw = raw_ids_.intern_padded(token_.data(), token_len_);
        if (static_cast<std::size_t>(raw) == stem_of_raw_.size()) {
            stem_.clear();
            porter_stem(token_.data(), token_len_, stem_);
            stem_of_raw_.push_back(final_ids_.intern(stem_.data(), stem_.size()));
        }
        return stem_of_raw_[static_cast<std::size_t>(raw)];
    }

    bool use_stemmer_;
    bool sacre_ = false;
    SacreTokenizer sacre_kind_ = SacreTokenizer::None;
    bool sentencewise_ = false;
    std::string tokenized_;
    std::vector<char> token_;  // the token being read: its first token_len_ bytes
    std::size_t token_len_ = 0;
    std::string stem_;
    StringInterner final_ids_;             // tokens as scored (stems when stemming)
    StringInterner raw_ids_;               // stemming only: raw tokens longer than 3
    std::vector<std::int32_t> stem_of_raw_;
};

}  // namespace ngramkit
