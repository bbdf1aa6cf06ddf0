// SPDX-License-Identifier: Apache-2.0
// The tokens of sacrebleu's 13a and intl tokenizers as spans of the text, found 64 bytes at a
// time, for ROUGE with a sacrebleu tokenizer (T(text.lower()).split()) and for BLEU: the words of
// T's output without writing that string and splitting it again (sacrebleu_tokenizers.hpp writes
// the string; this file gives the same tokens wherever every token is a run of the input's bytes).
//
// Every pass of both tokenizers only inserts spaces, so the tokens are the runs of non-space
// characters cut wherever a pass put a space. With the rules of sacrebleu_tokenizers.hpp
// (P = the punctuation the passes match, N = digits; k - 1 and k + 1 the neighbouring characters):
//   13a   cuts around every R1 character, around '-' after a digit (R4), and around P[k] when
//         m[k] || !N[k + 1] (the end of the text counts as a non-digit: the padding space), with
//         m[k] = !N[k - 1] && !(P[k - 1] && m[k - 1]) (R2; the start counts as a non-digit);
//   intl  cuts around every \p{S}, and around P[k] when m[k] || (k + 1 < n && !N[k + 1]), with
//         m[k] = k > 0 && !N[k - 1] && !(P[k - 1] && m[k - 1]) (the first pass).
// (The second pass's exclusion of a P consumed by the match before it never applies: in a run of
// P the first pass's matches alternate, so one of two neighbours always matched it.)
// Class masks are built per 64-byte block (a multi-byte character's class bits repeated on each of
// its bytes): letters, digits and ASCII spaces with SIMD, every other byte looked up; the few P
// characters are walked one by one for m; token starts and ends are then read off the masks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "text/sacrebleu_tokenizers.hpp"
#include "text/utf8.hpp"
#include "text/word_spans.hpp"

namespace ngramkit {

class SacreSpanScanner {
public:
    // Texts at least this long take the string path (positions are 32-bit).
    static constexpr std::size_t kMaxBytes = 0xFFFFFF00u;

    // Finds the tokens of T(text[0..len)) for T = 13a or intl, with ASCII letters lowered in low()
    // if `lower` (ROUGE: the caller lowers what else str.lower() would change). Returns false,
    // with no tokens, when some token is not a run of the input's bytes or the input is not
    // handled here: 13a's markup step would change the text ("<skipped>", "-\n", an entity), a
    // malformed UTF-8 byte, another tokenizer, or a text of kMaxBytes or more. Token t is
    // low()[starts()[t] .. ends()[t]); low() has 16 readable bytes past the text. Memory: the
    // text's bytes, 6 bits a byte, 8 bytes a token.
    bool scan(SacreTokenizer kind, const char* text, std::size_t len, bool lower = true) {
        count_ = 0;
        if ((kind != SacreTokenizer::T13a && kind != SacreTokenizer::Intl) || len >= kMaxBytes) return false;
        is_13a_ = kind == SacreTokenizer::T13a;
        const std::size_t n_words = (len + 63) / 64;
        const std::size_t n_mask_words = kMasks * (n_words + 1);
        if (masks_.size() < n_mask_words) masks_.resize(n_mask_words);
        std::fill_n(masks_.data(), n_mask_words, std::uint64_t{0});
        std::uint64_t* m = masks_.data();
        space_ = m;
        digit_ = m + (n_words + 1);
        punct_ = m + 2 * (n_words + 1);
        pad_ = m + 3 * (n_words + 1);
        hyphen_ = m + 4 * (n_words + 1);
        cont_ = m + 5 * (n_words + 1);
        n_words_ = n_words;
        low_.resize(n_words * 64 + 64);
        if (!classify(reinterpret_cast<const unsigned char*>(text), len, lower)) return false;
        cut_punctuation(len);
        find_tokens(len, n_words);
        return true;
    }

    const char* low() const { return low_.data(); }
    const std::uint32_t* starts() const { return starts_.data(); }
    const std::uint32_t* ends() const { return ends_.data(); }
    std::size_t count() const { return count_; }

private:
    static constexpr std::size_t kMasks = 6;
    static bool bit(const std::uint64_t* m, std::size_t i) { return (m[i >> 6] >> (i & 63)) & 1; }
    static void set(std::uint64_t* m, std::size_t i) { m[i >> 6] |= std::uint64_t(1) << (i & 63); }

    // Lowers the ASCII letters into low_ and sets the class masks; false for what scan() refuses.
    bool classify(const unsigned char* in, std::size_t len, bool lower) {
        const sacre_detail::ByteTable& table = is_13a_ ? sacre_detail::k13aTable : sacre_detail::kIntlTable;
        std::size_t skip_to = 0;  // the continuation bytes of a character already classified
        for (std::size_t base = 0; base < len; base += 64) {
            const std::size_t n = std::min<std::size_t>(64, len - base);
            const std::size_t w = base / 64;
            std::uint64_t digits = 0, spaces = 0;
            const std::uint64_t letters = letters_lowered(in + base, n, low_.data() + base, lower, digits, spaces);
            space_[w] |= spaces;  // |=: a character of the block before may have marked its last bytes
            digit_[w] |= digits;
            std::uint64_t others = ~(letters | digits | spaces);
            if (n < 64) others &= (std::uint64_t(1) << n) - 1;
            // ASCII punctuation and symbols set their bits here, without a branch; markup, '-' (13a)
            // and bytes >= 0x80 take the slow path
            const std::uint8_t slow = sacre_detail::kHigh | (is_13a_ ? sacre_detail::kMarkup | sacre_detail::kHyphen : 0);
            std::uint64_t punct = 0, pad = 0;
            for (; others; others &= others - 1) {
                const unsigned b = static_cast<unsigned>(__builtin_ctzll(others));
                const std::uint8_t f = table[static_cast<char>(in[base + b])];
                if (!(f & slow)) {
                    punct |= std::uint64_t((f & sacre_detail::kPunct) != 0) << b;
                    pad |= std::uint64_t((f & sacre_detail::kPad) != 0) << b;
                } else if (!classify_slow(in, len, base + b, f, skip_to)) {
                    return false;
                }
            }
            punct_[w] |= punct;
            pad_[w] |= pad;
        }
        return true;
    }

    // A byte the loop above leaves: 13a's markup and '-', a code point of several bytes (its bits
    // on each of them; skip_to past it). False for what scan() refuses.
    bool classify_slow(const unsigned char* in, std::size_t len, std::size_t i, std::uint8_t f, std::size_t& skip_to) {
        if (i < skip_to) return true;  // a continuation byte, classified with its lead byte
        if (!(f & sacre_detail::kHigh)) {
            if ((f & sacre_detail::kMarkup) && sacre_detail::markup_at(reinterpret_cast<const char*>(in), i, len))
                return false;
            if ((f & sacre_detail::kHyphen) && i + 1 < len && in[i + 1] == '\n')
                return false;  // 13a drops "-\n" (the '\n', a space, is not looked up here)
            mark(i, i + 1, f);
            return true;
        }
        if (is_13a_ && in[i] == 0xC3 && i + 1 < len && (in[i + 1] & 0xC0) == 0x80) {
            skip_to = i + 2;  // U+00C0..U+00FF (accented letters, x, /): no class under 13a
            return true;
        }
        std::size_t end = i;
        const std::uint32_t cp = decode_utf8(reinterpret_cast<const char*>(in), len, end);
        if (end == i + 1) return false;  // a malformed byte: the string path re-encodes it
        const std::uint8_t g = is_python_space(cp) ? std::uint8_t{sacre_detail::kSpace}
                               : is_13a_           ? std::uint8_t{0}
                                                   : sacre_detail::intl_flags(cp);
        skip_to = end;
        if (!g) return true;  // no cut can fall inside a character without class bits: no cont_ bits
        mark(i, end, g);
        for (std::size_t k = i + 1; k < end; ++k) set(cont_, k);
        return true;
    }

    // The class bits f (sacre_detail flags) on bytes [begin, end) of one character.
    void mark(std::size_t begin, std::size_t end, std::uint8_t f) {
        if (!f) return;
        for (std::size_t k = begin; k < end; ++k) {
            if (f & sacre_detail::kSpace) {
                set(space_, k);
                continue;
            }
            if (f & sacre_detail::kDigit) set(digit_, k);
            if (f & sacre_detail::kPunct) set(punct_, k);
            if (f & sacre_detail::kPad) set(pad_, k);
            if (is_13a_ && (f & sacre_detail::kHyphen)) set(hyphen_, k);
        }
    }

    // Adds the P characters the passes cut around to pad_ (which then marks every character cut
    // around but 13a's '-' after a digit, added in find_tokens), walking the P characters in order.
    void cut_punctuation(std::size_t len) {
        bool prev_m = false;
        std::size_t prev_end = 0;  // one past the last P character seen (0: none)
        for (std::size_t w = 0; w < n_words_; ++w) {
            for (std::uint64_t lead = punct_[w] & ~cont_[w]; lead; lead &= lead - 1) {
                const std::size_t k = w * 64 + static_cast<std::size_t>(__builtin_ctzll(lead));
                std::size_t end = k + 1;
                while (end < len && bit(cont_, end)) ++end;
                const bool prev_digit = k > 0 && bit(digit_, k - 1);
                const bool prev_punct = k > 0 && prev_end == k;
                const bool m = (is_13a_ || k > 0) && !prev_digit && !(prev_punct && prev_m);
                const bool next_non_digit = end < len ? !bit(digit_, end) : is_13a_;
                if (m || next_non_digit)
                    for (std::size_t q = k; q < end; ++q) set(pad_, q);
                prev_m = m;
                prev_end = end;
            }
        }
    }

    // Token starts and ends: runs of non-space bytes, cut before every character start that is,
    // or follows, a character cut around.
    void find_tokens(std::size_t len, std::size_t n_words) {
        std::size_t n_starts = 0, n_ends = 0;
        std::uint64_t prev_text_top = 0, prev_cut_top = 0, prev_digit_top = 0;
        for (std::size_t w = 0; w < n_words; ++w) {
            // a block adds at most 64 starts and ends ("....."); write_bit_positions writes 3 past
            // its count, and one more end may follow the last block
            if (starts_.size() < n_starts + 68) {
                starts_.resize(std::max<std::size_t>(2 * starts_.size(), n_starts + 68));
                ends_.resize(starts_.size());
            }
            const std::size_t n = std::min<std::size_t>(64, len - w * 64);
            const std::uint64_t valid = n < 64 ? (std::uint64_t(1) << n) - 1 : ~std::uint64_t(0);
            const std::uint64_t text = ~space_[w] & valid;
            // R4 (13a): '-' right after a digit is cut around too
            const std::uint64_t pad = pad_[w] | (hyphen_[w] & ((digit_[w] << 1) | prev_digit_top));
            const std::uint64_t cut = ~cont_[w] & (pad | (pad << 1) | prev_cut_top);
            const std::uint64_t before = (text << 1) | prev_text_top;  // bit i: byte i - 1 is a token byte
            n_starts = write_bit_positions(text & (~before | cut), w * 64, starts_.data(), n_starts);
            // bit i: a token ends just before byte i
            n_ends = write_bit_positions(before & (~text | cut) & valid, w * 64, ends_.data(), n_ends);
            prev_text_top = text >> 63;
            prev_cut_top = pad >> 63;
            prev_digit_top = digit_[w] >> 63;
        }
        if (len > 0 && !bit(space_, len - 1)) ends_[n_ends++] = static_cast<std::uint32_t>(len);
        count_ = n_starts;
    }

    // Copies n <= 64 bytes into `low`, ASCII letters lowered if `lower`; returns the mask of
    // ASCII letters and sets those of ASCII digits and ASCII whitespace (the bytes str.split()
    // splits at: ' ', 0x09-0x0D, 0x1C-0x1F).
    static std::uint64_t letters_lowered(const unsigned char* in, std::size_t n, char* low, bool lower,
                                         std::uint64_t& digits, std::uint64_t& spaces) {
        std::uint64_t letters = 0;
        digits = spaces = 0;
#ifdef __SSE2__
        alignas(16) unsigned char tail[64];
        if (n < 64) {  // a letter after the text: no class bits
            std::memset(tail, 'a', 64);
            std::memcpy(tail, in, n);
            in = tail;
        }
        const __m128i case_bit = _mm_set1_epi8(lower ? 0x20 : 0);
        for (int k = 0; k < 4; ++k) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 16 * k));
            const __m128i upper = bytes_in_range(v, 'A', 26);
            const __m128i letter = _mm_or_si128(upper, bytes_in_range(v, 'a', 26));
            const __m128i space = ascii_split_spaces(v);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(low + 16 * k), _mm_or_si128(v, _mm_and_si128(upper, case_bit)));
            letters |= std::uint64_t(static_cast<unsigned>(_mm_movemask_epi8(letter))) << (16 * k);
            digits |= std::uint64_t(static_cast<unsigned>(_mm_movemask_epi8(bytes_in_range(v, '0', 10)))) << (16 * k);
            spaces |= std::uint64_t(static_cast<unsigned>(_mm_movemask_epi8(space))) << (16 * k);
        }
        const std::uint64_t valid = n < 64 ? (std::uint64_t(1) << n) - 1 : ~std::uint64_t(0);
        digits &= valid;
        spaces &= valid;
        return letters & valid;
#else
        for (std::size_t i = 0; i < n; ++i) {
            const unsigned char c = in[i];
            const bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
            low[i] = static_cast<char>(upper && lower ? c | 0x20 : c);
            letters |= std::uint64_t(upper || lower) << i;
            digits |= std::uint64_t(c >= '0' && c <= '9') << i;
            spaces |= std::uint64_t(sacre_detail::ascii_space(c)) << i;
        }
        return letters;
#endif
    }

    bool is_13a_ = true;
    std::size_t count_ = 0;
    std::vector<char> low_;
    // kMasks bit masks of n_words_ + 1 words each, bit i of word w for byte 64 w + i (a multi-byte
    // character's class on each of its bytes): Python whitespace, digits, P, characters cut around
    // (pad_), 13a's '-', the continuation bytes of characters with class bits (a cut never falls
    // inside another character: neither it nor its lead byte is cut around)
    std::vector<std::uint64_t> masks_;
    std::uint64_t *space_ = nullptr, *digit_ = nullptr, *punct_ = nullptr, *pad_ = nullptr, *hyphen_ = nullptr,
                  *cont_ = nullptr;
    std::size_t n_words_ = 0;
    std::vector<std::uint32_t> starts_, ends_;
};

}  // namespace ngramkit
