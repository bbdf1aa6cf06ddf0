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

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "text/interner.hpp"
#include "text/sacrebleu_spans.hpp"
#include "text/sacrebleu_tokenizers.hpp"
#include "text/porter_stemmer.hpp"
#include "text/word_spans.hpp"

// Bytes of text tokenize_blocks handles at once (overridable so tests reach the window cuts with
// short texts).
#ifndef NGRAMKIT_TOKEN_WINDOW_BYTES
#define NGRAMKIT_TOKEN_WINDOW_BYTES (std::size_t(1) << 16)
#endif

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

    // Tokenizes with sacrebleu's tokenizer `kind` instead, as ROUGE with a sacrebleu tokenizer
    // means T(text.lower()).split(): ASCII letters are lowered here, and the caller applies
    // str.lower() to the texts that hold other characters. `sentencewise`: tokenize every
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
        if (tokenize_blocks(text, len, ids, sentence_ends)) return;
        tokenize_scalar(text, len, ids, sentence_ends);
    }

    const StringInterner& vocabulary() const { return final_ids_; }

    // The id of a token as scored (a stem when stemming), added to the vocabulary if new.
    std::int32_t intern_final(const char* s, std::size_t len) { return final_ids_.intern(s, len); }

private:
    // The byte loop: one table look-up a byte. Exact for every input (the reference for
    // tokenize_blocks, and what runs when a text holds U+212A).
    void tokenize_scalar(const char* text, std::size_t len, std::vector<std::int32_t>& ids,
                         std::vector<std::size_t>* sentence_ends) {
        // a token is never longer than the text; 16 bytes of slack let intern_padded read two words
        if (token_.size() < len + 16) token_.resize(len + 16);
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

    // 64 bytes at a time: the lowered bytes go to low_ at their own offsets and a bit mask marks
    // token bytes, so tokens are the runs of set bits; their starts and ends are read off with bit
    // scans rather than a branch per byte. Then every token's hash is computed and its slot
    // prefetched a few tokens ahead of the lookup. The text goes through in windows of about
    // kWindowBytes cut between tokens, so the buffers stay small whatever its length. Returns
    // false, having appended nothing, when the text holds U+212A (its three bytes lower to one
    // letter inside a token), which tokenize_scalar handles.
    static constexpr std::size_t kWindowBytes = NGRAMKIT_TOKEN_WINDOW_BYTES;

    bool tokenize_blocks(const char* text, std::size_t len, std::vector<std::int32_t>& ids,
                         std::vector<std::size_t>* sentence_ends) {
        if (len > 0xFFFFFF00u || holds_kelvin_sign(text, len)) return false;  // positions are 32-bit
        std::size_t sentence_start = ids.size();
        for (std::size_t begin = 0; begin < len;) {
            const std::size_t end = window_end(reinterpret_cast<const unsigned char*>(text), len, begin);
            tokenize_window(text + begin, end - begin, ids, sentence_ends, sentence_start);
            begin = end;
        }
        if (sentence_ends && ids.size() > sentence_start) sentence_ends->push_back(ids.size());
        return true;
    }

    static bool holds_kelvin_sign(const char* text, std::size_t len) {
        for (const char* at = text; (at = static_cast<const char*>(std::memchr(at, 0xE2, len - std::size_t(at - text))));) {
            if (std::size_t(at - text) + 2 < len && static_cast<unsigned char>(at[1]) == 0x84 &&
                static_cast<unsigned char>(at[2]) == 0xAA)
                return true;
            ++at;
        }
        return false;
    }

    // Where the window from `begin` ends: just after a byte that ends any token (a byte outside
    // [A-Za-z0-9] other than U+0130's lead byte, whose next byte decides what it is), about
    // kWindowBytes on; further only inside a longer run of token bytes.
    static std::size_t window_end(const unsigned char* bytes, std::size_t len, std::size_t begin) {
        if (len - begin <= kWindowBytes) return len;
        auto separates = [](unsigned char c) { return !detail::kLowered[c] && c != 0xC4; };
        const std::size_t target = begin + kWindowBytes;
        for (std::size_t q = target; q > begin + kWindowBytes / 2; --q)
            if (separates(bytes[q - 1])) return q;
        for (std::size_t q = target; q < len; ++q)
            if (separates(bytes[q])) return q + 1;
        return len;
    }

    // One window (at most 2^32 - 256 bytes, cut between tokens): appends its tokens' ids, and the
    // sentence ends of its '\n' (sentence_start: where the current sentence's ids begin).
    void tokenize_window(const char* text, std::size_t len, std::vector<std::int32_t>& ids,
                         std::vector<std::size_t>* sentence_ends, std::size_t& sentence_start) {
        const std::size_t padded = (len + 63) / 64 * 64;
        if (low_.size() < padded + 64) low_.resize(padded + 64);
        // a block adds at most 32 starts and 32 ends; each is written before the count says so
        if (starts_.size() < padded / 2 + 64) {
            starts_.resize(padded / 2 + 64);
            ends_.resize(padded / 2 + 64);
        }
        newlines_.clear();
        char* low = low_.data();
        std::uint32_t* starts = starts_.data();
        std::uint32_t* ends = ends_.data();
        std::size_t n_starts = 0, n_ends = 0;
        const unsigned char* bytes = reinterpret_cast<const unsigned char*>(text);
        std::uint64_t previous_top = 0;  // bit 63 of the previous block's token mask
        for (std::size_t base = 0; base < len; base += 64) {
            const std::size_t n = std::min<std::size_t>(64, len - base);
            std::uint64_t non_ascii = 0, newlines = 0;
            std::uint64_t tokens = lower_block(bytes + base, n, low + base, non_ascii, newlines);
            if (non_ascii) dotted_capital_i(bytes, len, base, non_ascii, low, tokens);
            const std::uint64_t shifted = (tokens << 1) | previous_top;
            n_starts = write_bit_positions(tokens & ~shifted, base, starts, n_starts);
            n_ends = write_bit_positions(~tokens & shifted, base, ends, n_ends);  // bit n: a token ran to the end
            if (sentence_ends && newlines) {
                for (; newlines; newlines &= newlines - 1) newlines_.push_back(base + static_cast<std::size_t>(__builtin_ctzll(newlines)));
            }
            previous_top = tokens >> 63;
        }
        if (previous_top) ends[n_ends++] = static_cast<std::uint32_t>(len);
        const std::size_t first = ids.size();
        intern_spans(low, n_starts, ids);
        if (sentence_ends) {
            std::size_t before = 0;  // the window's tokens ending at or before the newline
            for (std::size_t q : newlines_) {
                while (before < n_ends && ends[before] <= q) ++before;
                if (first + before > sentence_start) {
                    sentence_ends->push_back(first + before);
                    sentence_start = first + before;
                }
            }
        }
    }

    // Lowers n <= 64 bytes into `low`; returns the mask of token bytes ([A-Za-z0-9]) and sets the
    // masks of bytes >= 0x80 and of '\n'.
    static std::uint64_t lower_block(const unsigned char* in, std::size_t n, char* low, std::uint64_t& non_ascii,
                                     std::uint64_t& newlines) {
#ifdef __SSE2__
        alignas(16) unsigned char tail[64];
        if (n < 64) {
            std::memcpy(tail, in, n);
            std::memset(tail + n, ' ', 64 - n);
            in = tail;
        }
        std::uint64_t tokens = 0, high = 0, nl = 0;
        const __m128i upper_base = _mm_set1_epi8(static_cast<char>('A' + 128));
        const __m128i lower_base = _mm_set1_epi8(static_cast<char>('a' + 128));
        const __m128i digit_base = _mm_set1_epi8(static_cast<char>('0' + 128));
        const __m128i letters = _mm_set1_epi8(static_cast<char>(-128 + 26));
        const __m128i digits = _mm_set1_epi8(static_cast<char>(-128 + 10));
        const __m128i case_bit = _mm_set1_epi8(0x20);
        const __m128i newline = _mm_set1_epi8('\n');
        for (int k = 0; k < 4; ++k) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 16 * k));
            // x - (lo + 128) < width - 128 as signed bytes <=> lo <= x < lo + width as unsigned
            const __m128i upper = _mm_cmplt_epi8(_mm_sub_epi8(v, upper_base), letters);
            const __m128i lower = _mm_cmplt_epi8(_mm_sub_epi8(v, lower_base), letters);
            const __m128i digit = _mm_cmplt_epi8(_mm_sub_epi8(v, digit_base), digits);
            const __m128i token = _mm_or_si128(_mm_or_si128(upper, lower), digit);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(low + 16 * k), _mm_or_si128(v, _mm_and_si128(upper, case_bit)));
            tokens |= std::uint64_t(static_cast<unsigned>(_mm_movemask_epi8(token))) << (16 * k);
            high |= std::uint64_t(static_cast<unsigned>(_mm_movemask_epi8(v))) << (16 * k);
            nl |= std::uint64_t(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline)))) << (16 * k);
        }
        const std::uint64_t valid = n < 64 ? (std::uint64_t(1) << n) - 1 : ~std::uint64_t(0);
        non_ascii = high & valid;
        newlines = nl & valid;
        return tokens & valid;
#else
        std::uint64_t tokens = 0;
        non_ascii = newlines = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const char lowered = detail::kLowered[in[i]];
            low[i] = lowered ? lowered : static_cast<char>(in[i]);
            tokens |= std::uint64_t(lowered != 0) << i;
            non_ascii |= std::uint64_t(in[i] >= 0x80) << i;
            newlines |= std::uint64_t(in[i] == '\n') << i;
        }
        return tokens;
#endif
    }

    // U+0130 among the block's bytes >= 0x80 at `base`: lowered to "i" + U+0307, a one-letter
    // token end (U+212A, the other non-ASCII code point lowering into [a-z0-9], sends the whole
    // text to tokenize_scalar).
    static void dotted_capital_i(const unsigned char* bytes, std::size_t len, std::size_t base, std::uint64_t non_ascii,
                                 char* low, std::uint64_t& tokens) {
        while (non_ascii) {
            const unsigned bit = static_cast<unsigned>(__builtin_ctzll(non_ascii));
            non_ascii &= non_ascii - 1;
            const std::size_t i = base + bit;
            if (bytes[i] == 0xC4 && i + 1 < len && bytes[i + 1] == 0xB0) {
                low[i] = 'i';
                tokens |= std::uint64_t(1) << bit;
            }
        }
    }

    // Interns the tokens [starts_[t], ends_[t]) of `low` (with 16 readable bytes past the text),
    // prefetching slots a few tokens ahead.
    void intern_spans(const char* low, std::size_t count, std::vector<std::int32_t>& ids) {
        intern_spans(low, starts_.data(), ends_.data(), count, ids);
    }

    void intern_spans(const char* low, const std::uint32_t* starts, const std::uint32_t* ends, std::size_t count,
                      std::vector<std::int32_t>& ids) {
        keys_.resize(count);
        for (std::size_t t = 0; t < count; ++t)
            keys_[t] = StringInterner::key_padded(low + starts[t], ends[t] - starts[t]);
        StringInterner& table = use_stemmer_ ? raw_ids_ : final_ids_;
        constexpr std::size_t kAhead = 6;
        for (std::size_t t = 0; t < std::min(count, kAhead); ++t) table.prefetch(keys_[t]);
        const std::size_t first = ids.size();
        ids.resize(first + count);
        std::int32_t* out = ids.data() + first;
        for (std::size_t t = 0; t < count; ++t) {
            if (t + kAhead < count) table.prefetch(keys_[t + kAhead]);
            const std::size_t len = ends[t] - starts[t];
            // one-byte tokens (punctuation under 13a / intl, "a", digits): looked up once
            std::int32_t* cached = len == 1 ? &byte_ids_[static_cast<unsigned char>(low[starts[t]])] : nullptr;
            if (cached && *cached >= 0) {
                out[t] = *cached;
                continue;
            }
            out[t] = token_id(low + starts[t], len, keys_[t]);
            if (cached) *cached = out[t];
        }
    }

    // Id of the token s[0..len) whose interner key is k: of its stem when stemming a token longer
    // than 3 (each distinct raw token is stemmed once).
#if defined(__GNUC__)
    __attribute__((always_inline))  // intern_spans' inner loop (GCC declines to inline it there)
#endif
    std::int32_t token_id(const char* s, std::size_t len, const StringInterner::Key& k) {
        if (!use_stemmer_ || len <= 3) return final_ids_.intern_key(s, len, k);
        const std::int32_t raw = raw_ids_.intern_key(s, len, k);
        if (static_cast<std::size_t>(raw) == stem_of_raw_.size()) {
            stem_.clear();
            porter_stem(s, len, stem_);
            stem_of_raw_.push_back(final_ids_.intern(stem_.data(), stem_.size()));
        }
        return stem_of_raw_[static_cast<std::size_t>(raw)];
    }

    // The text's ASCII letters are lowered here (the caller lowers the texts that hold other
    // characters: str.lower() of an ASCII text lowers only its letters, and leaves no [A-Z] in any text).
    // 13a and intl find their tokens as spans of the text where they can (sacrebleu_spans.hpp);
    // otherwise, and for the other tokenizers, the tokenizer's output string is split.
    void tokenize_sacrebleu(const char* text, std::size_t len, std::vector<std::int32_t>& ids,
                            std::vector<std::size_t>* sentence_ends) {
        bool lowered = false;
        std::size_t start = 0;
        while (start <= len) {
            std::size_t end = len;
            if (sentencewise_) {
                const void* newline = std::memchr(text + start, '\n', len - start);
                if (newline) end = static_cast<std::size_t>(static_cast<const char*>(newline) - text);
            }
            const std::size_t before = ids.size();
            if (end > start) {
                if (spans_.scan(sacre_kind_, text + start, end - start)) {
                    intern_spans(spans_.low(), spans_.starts(), spans_.ends(), spans_.count(), ids);
                } else {
                    if (!lowered) lower_ascii(text, len);
                    lowered = true;
                    sacrebleu_tokenize(sacre_kind_, lowered_.data() + start, end - start, tokenized_);
                    intern_words_of_tokenized(ids);
                }
            }
            if (sentence_ends && ids.size() > before) sentence_ends->push_back(ids.size());
            start = end + 1;
        }
    }

    void lower_ascii(const char* text, std::size_t len) {
        lowered_.resize(len);
        for (std::size_t i = 0; i < len; ++i) {
            const char c = text[i];
            lowered_[i] = static_cast<unsigned char>(c - 'A') < 26 ? static_cast<char>(c | 0x20) : c;
        }
    }

    // Appends the ids of the space-separated words of tokenized_, prefetching slots ahead.
    void intern_words_of_tokenized(std::vector<std::int32_t>& ids) {
        const std::size_t n = tokenized_.size();
        if (n >= 0xFFFFFF00u) {  // positions are 32-bit: one word at a time
            tokenized_.append(16, ' ');
            std::size_t start = 0;
            for (std::size_t i = 0; i <= n; ++i) {
                if (i < n && tokenized_[i] != ' ') continue;
                if (i > start) ids.push_back(final_ids_.intern_padded(tokenized_.data() + start, i - start));
                start = i + 1;
            }
            return;
        }
        const std::size_t count = space_separated_words(tokenized_.data(), n, starts_, ends_);
        tokenized_.append(16, ' ');  // key_padded reads 16 bytes at any word
        intern_spans(tokenized_.data(), count, ids);
    }

    void flush(std::vector<std::int32_t>& ids) {
        if (token_len_ == 0) return;
        ids.push_back(token_id(token_.data(), token_len_, StringInterner::key_padded(token_.data(), token_len_)));
        token_len_ = 0;
    }

    static std::array<std::int32_t, 256> make_byte_ids() {
        std::array<std::int32_t, 256> ids{};
        ids.fill(-1);
        return ids;
    }

    bool use_stemmer_;
    bool sacre_ = false;
    SacreTokenizer sacre_kind_ = SacreTokenizer::None;
    bool sentencewise_ = false;
    std::string tokenized_, lowered_;  // sacrebleu tokenizers: the text's words; the text, ASCII lowered
    SacreSpanScanner spans_;
    std::vector<char> token_;  // the token being read: its first token_len_ bytes
    // tokenize_blocks: the text lowered (plus padding), where its tokens start and end, where its
    // '\n' are, and the tokens' interner keys
    std::vector<char> low_;
    std::vector<std::uint32_t> starts_, ends_;
    std::vector<std::size_t> newlines_;
    std::vector<StringInterner::Key> keys_;
    std::size_t token_len_ = 0;
    std::string stem_;
    StringInterner final_ids_;             // tokens as scored (stems when stemming)
    std::array<std::int32_t, 256> byte_ids_ = make_byte_ids();  // token_id of each one-byte token seen, else -1
    StringInterner raw_ids_;               // stemming only: raw tokens longer than 3
    std::vector<std::int32_t> stem_of_raw_;
};

}  // namespace ngramkit
