// SPDX-License-Identifier: Apache-2.0
// sacrebleu's tokenizers (13a, intl, zh, char, none), character-for-character.
//
// sacrebleu_tokenize(kind, text, len, out) writes ' '.join(T(line).split()) for the Python str
// `line` whose UTF-8 bytes are text[0..len), where T is sacrebleu 2.x's tokenizer `kind`:
//
//   13a   drop "<skipped>", drop "-\n", "\n" -> " ", then (sequential str.replace, in this order)
//         "&quot;" -> '"', "&amp;" -> '&', "&lt;" -> '<', "&gt;" -> '>'; pad with one space on each
//         side; then the four re.sub passes of TokenizerRegexp:
//           R1 ([{-~[-` -&(-+:-@/])  -> ' \1 '     R2 ([^0-9])([.,]) -> '\1 \2 '
//           R3 ([.,])([^0-9])        -> ' \1 \2'   R4 ([0-9])(-)     -> '\1 \2 '
//   zh    str.strip(); every char of TokenizerZh._is_chinese_char gets a space on each side;
//         then R1..R4 (no <skipped>/entity step, no padding).
//   intl  regex-module passes (\P{N})(\p{P}) -> '\1 \2 ', (\p{P})(\P{N}) -> ' \1 \2',
//         (\p{S}) -> ' \1 '.
//   char  every non-whitespace code point is a token.   none  whitespace split only.
//
// Every pass only inserts spaces, so the result is the input's non-space characters with a
// separator wherever some pass put a space; the functions below decide that per character in one
// pass over the bytes, from rules derived for each tokenizer (see there). re.sub's scan is
// non-overlapping, so a two-character match consumes both characters: in R2 "x.," only the '.' is
// matched, in R3 ".,a" only the '.'.
// Output is valid UTF-8 (surrogates as 3-byte "surrogatepass" sequences); a malformed input byte
// becomes the code point of the same value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "text/unicode_tables.hpp"
#include "text/utf8.hpp"

namespace ngramkit {

enum class SacreTokenizer : int { None = 0, T13a = 1, Intl = 2, Char = 3, Zh = 4 };

namespace sacre_detail {

// Byte flags. Digit/Punct are [0-9]/[.,] for 13a and zh, \p{N}/\p{P} for intl; Pad is R1's
// class for 13a and zh, \p{S} for intl; Markup starts something 13a's first step may rewrite;
// High is a byte >= 0x80 (decode it). A byte with no flag is copied as it is.
enum : std::uint8_t { kDigit = 1, kPunct = 2, kHyphen = 4, kPad = 8, kSpace = 16, kMarkup = 32, kHigh = 64 };

struct ByteTable {
    std::uint8_t f[256] = {};
    constexpr std::uint8_t operator[](char c) const { return f[static_cast<unsigned char>(c)]; }
};

constexpr bool ascii_space(int c) { return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F); }

constexpr ByteTable make_13a_table() {
    ByteTable t;
    for (int c = 0; c < 256; ++c) {
        std::uint8_t v = c >= 0x80 ? kHigh : 0;
        if (ascii_space(c)) v |= kSpace;
        if (c >= '0' && c <= '9') v |= kDigit;
        if (c == '.' || c == ',') v |= kPunct;
        if (c == '-') v |= kHyphen;
        if ((c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') || (c >= '(' && c <= '+') ||
            (c >= ':' && c <= '@') || c == '/')
            v |= kPad;
        if (c == '<' || c == '&' || c == '\n') v |= kMarkup;
        t.f[c] = v;
    }
    return t;
}

constexpr std::uint8_t intl_flags_of(IntlClass cls) {
    return cls == kIntlNumber ? kDigit : cls == kIntlPunct ? kPunct : cls == kIntlSymbol ? kPad : 0;
}

inline std::uint8_t intl_flags(std::uint32_t cp) {
    const std::uint8_t f = intl_flags_of(intl_class(cp));
    return f ? f : is_python_space(cp) ? kSpace : 0;
}

constexpr ByteTable make_intl_table() {
    ByteTable t;
    for (int c = 0; c < 256; ++c) {
        std::uint8_t v = c >= 0x80 ? std::uint8_t{kHigh} : intl_flags_of(intl_class(static_cast<std::uint32_t>(c)));
        if (ascii_space(c)) v |= kSpace;
        t.f[c] = v;
    }
    return t;
}

constexpr ByteTable make_space_table() {
    ByteTable t;
    for (int c = 0; c < 256; ++c) t.f[c] = c >= 0x80 ? std::uint8_t{kHigh} : ascii_space(c) ? std::uint8_t{kSpace} : std::uint8_t{0};
    return t;
}

inline constexpr ByteTable k13aTable = make_13a_table();
inline constexpr ByteTable kIntlTable = make_intl_table();
inline constexpr ByteTable kSpaceTable = make_space_table();

// The output: Python's ' '.join(s.split()) built as we go. `gap` = a separator is due before the
// next character (dropped at the start). Writes into out resized to an upper bound (each emitted
// code point of k input bytes takes at most max(k, 2) bytes plus one separator) and trims at the end.
class Writer {
public:
    Writer(std::string& out, std::size_t len) : out_(out) {
        out_.resize(3 * len + 16);  // put_run may store 16 bytes at once
        begin_ = p_ = &out_[0];
    }
    ~Writer() { out_.resize(static_cast<std::size_t>(p_ - begin_)); }
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    void gap() { gap_ = true; }
    void put(char c) {
        separate();
        *p_++ = c;
    }
    void put(const char* s, std::size_t n) {
        separate();
        std::memcpy(p_, s, n);
        p_ += n;
    }
    // Copies s[i] and the bytes after it that have no flag in `table` (every table leaves ASCII
    // letters unflagged); returns the index after them.
    std::size_t put_run(const char* s, std::size_t i, std::size_t n, const ByteTable& table) {
        separate();
        char* p = p_;
        *p++ = s[i++];
#ifdef __SSE2__
        // 16 bytes at a time while they are letters: copied whole, the output advanced past the letters
        const __m128i upper_base = _mm_set1_epi8(static_cast<char>('A' + 128));
        const __m128i lower_base = _mm_set1_epi8(static_cast<char>('a' + 128));
        const __m128i letters = _mm_set1_epi8(static_cast<char>(-128 + 26));
        while (i + 16 <= n) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
            // x - (lo + 128) < 26 - 128 as signed bytes <=> lo <= x < lo + 26 as unsigned
            const __m128i letter = _mm_or_si128(_mm_cmplt_epi8(_mm_sub_epi8(v, upper_base), letters),
                                                _mm_cmplt_epi8(_mm_sub_epi8(v, lower_base), letters));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
            const unsigned others = ~static_cast<unsigned>(_mm_movemask_epi8(letter)) & 0xFFFFu;
            if (others) {
                const unsigned k = static_cast<unsigned>(__builtin_ctz(others));
                p += k;
                i += k;
                break;
            }
            p += 16;
            i += 16;
        }
#endif
        while (i < n && table[s[i]] == 0) *p++ = s[i++];
        p_ = p;
        return i;
    }
    // The code point cp read from text[start..end): copies a well-formed sequence, re-encodes a
    // stray byte.
    void put_decoded(const char* text, std::size_t start, std::size_t end, std::uint32_t cp) {
        if (end - start > 1 || cp < 0x80) {
            put(text + start, end - start);
        } else {
            separate();
            *p_++ = static_cast<char>(0xC0 | (cp >> 6));
            *p_++ = static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

private:
    void separate() {
        if (gap_) {
            if (p_ != begin_) *p_++ = ' ';
            gap_ = false;
        }
    }
    std::string& out_;
    char* begin_ = nullptr;
    char* p_ = nullptr;
    bool gap_ = false;
};

// Does 13a's first step change s from s[i] on ("<skipped>", "-\n", an entity it decodes)? If no
// such place exists that step is the identity but for "\n" -> " ", which cannot change the tokens.
inline bool markup_at(const char* s, std::size_t i, std::size_t n) {
    auto at = [&](const char* what, std::size_t k) { return n - i >= k && std::memcmp(s + i, what, k) == 0; };
    switch (s[i]) {
        case '<': return at("<skipped>", 9);
        case '&': return at("&quot;", 6) || at("&amp;", 5) || at("&lt;", 4) || at("&gt;", 4);
        case '\n': return i > 0 && s[i - 1] == '-';
        default: return false;
    }
}

// 13a/zh after their first steps: R1..R4 and split/join. Tracing the passes over the characters
// c[0..n) (P = [.,], D = [0-9]):
//   R1: separators around every R1 character (zh: and every Chinese character);
//   R4: a digit followed by '-' still touches it when R4 runs: separators around the '-';
//   R2 matches P at k (separators both sides) iff c[k-1] exists (13a: the padding space) and is
//     not a digit, and is not itself a P matched by R2 (then re.sub consumed it):
//       m2[k] = P[k] && pred && !D[k-1] && !(P[k-1] && m2[k-1]);
//   R3 matches P at k (separators both sides) iff the next character of R2's output is not a
//     digit (a space if m2[k], else c[k+1]; 13a: the padding space at the end), and c[k] was not
//     consumed as group 2 of an R3 match at k-1, which needs c[k-1] in P and no space between:
//       m3[k] = P[k] && (m2[k] || (k+1 < n ? !D[k+1] : pad)) && !(P[k-1] && !m2[k] && !m2[k-1] && m3[k-1]).
// With kStopAtMarkup, returns false (output unspecified) where markup_at() holds.
template <bool kZh, bool kStopAtMarkup>
inline bool regexp_passes(const char* s, std::size_t n, bool pad, std::string& out) {
    Writer w(out, n);
    bool prev_digit = false, prev_punct = false, prev_m2 = false, prev_m3 = false;
    bool has_pred = pad;
    std::size_t i = 0;
    while (i < n) {
        const std::uint8_t f = k13aTable[s[i]];
        if (f == 0) {
            i = w.put_run(s, i, n, k13aTable);
            prev_digit = prev_punct = false;
        } else if (f & kHigh) {
            const std::size_t start = i;
            const std::uint32_t cp = decode_utf8(s, n, i);
            if (is_python_space(cp)) {
                w.gap();
            } else if (kZh && is_zh_chinese(cp)) {
                w.gap();
                w.put(s + start, i - start);
                w.gap();
            } else {
                w.put_decoded(s, start, i, cp);
            }
            prev_digit = prev_punct = false;
        } else {
            if (kStopAtMarkup && (f & kMarkup) && markup_at(s, i, n)) return false;
            const char b = s[i++];
            if (f & kSpace) {
                w.gap();
            } else if (f & kPad) {
                w.gap();
                w.put(b);
                w.gap();
            } else if (f & kPunct) {
                const bool m2 = has_pred && !prev_digit && !(prev_punct && prev_m2);
                const bool next_nondigit = i < n ? !(s[i] >= '0' && s[i] <= '9') : pad;
                const bool m3 = (m2 || next_nondigit) && !(prev_punct && !m2 && !prev_m2 && prev_m3);
                if (m2 || m3) w.gap();
                w.put(b);
                if (m2 || m3) w.gap();
                prev_m2 = m2;
                prev_m3 = m3;
            } else if ((f & kHyphen) && prev_digit) {
                w.gap();
                w.put(b);
                w.gap();
            } else {
                w.put(b);  // a digit, or '-' after a non-digit
            }
            prev_digit = f & kDigit;
            prev_punct = f & kPunct;
        }
        has_pred = true;
    }
    return true;
}

inline void replace_all(std::string& s, const char* needle, const char* repl) {
    const std::size_t n = std::strlen(needle);
    std::size_t pos = s.find(needle);
    if (pos == std::string::npos) return;
    std::string r;
    r.reserve(s.size());
    std::size_t from = 0;
    for (; pos != std::string::npos; pos = s.find(needle, from)) {
        r.append(s, from, pos - from);
        r.append(repl);
        from = pos + n;
    }
    r.append(s, from, std::string::npos);
    s.swap(r);
}

inline void tokenize_13a(const char* text, std::size_t len, std::string& out) {
    if (regexp_passes<false, true>(text, len, true, out)) return;
    std::string line(text, len);
    replace_all(line, "<skipped>", "");
    replace_all(line, "-\n", "");
    replace_all(line, "\n", " ");
    replace_all(line, "&quot;", "\"");
    replace_all(line, "&amp;", "&");
    replace_all(line, "&lt;", "<");
    replace_all(line, "&gt;", ">");
    regexp_passes<false, false>(line.data(), line.size(), true, out);
}

inline void tokenize_zh(const char* text, std::size_t len, std::string& out) {
    std::size_t begin = 0;
    while (begin < len) {
        std::size_t next = begin;
        if (!is_python_space(decode_utf8(text, len, next))) break;
        begin = next;
    }
    const std::size_t n = python_rstrip_length(text + begin, len - begin);
    regexp_passes<true, false>(text + begin, n, false, out);
}

// intl, traced like regexp_passes (N = \p{N}, P = \p{P}; no padding):
//   pass 1 matches P at k iff c[k-1] exists, is not N and is not a P matched by pass 1:
//     m1[k] = P[k] && k > 0 && !N[k-1] && !(P[k-1] && m1[k-1]);
//   pass 2 matches P at k iff the next character of pass 1's output is not N, and c[k] was not
//   consumed by a pass-2 match at k-1:
//     m2[k] = P[k] && (m1[k] || (k+1 < n && !N[k+1])) && !(P[k-1] && !m1[k] && !m1[k-1] && m2[k-1]);
//   pass 3 puts separators around every \p{S}. A matched P gets separators on both sides.
inline void tokenize_intl(const char* s, std::size_t n, std::string& out) {
    Writer w(out, n);
    bool prev_number = false, prev_punct = false, prev_m1 = false, prev_m2 = false, has_pred = false;
    std::size_t i = 0;
    while (i < n) {
        std::uint8_t f = kIntlTable[s[i]];
        if (f == 0) {
            i = w.put_run(s, i, n, kIntlTable);
            prev_number = prev_punct = false;
            has_pred = true;
            continue;
        }
        const std::size_t start = i;
        std::uint32_t cp = static_cast<unsigned char>(s[i]);
        if (f & kHigh) {
            cp = decode_utf8(s, n, i);
            f = intl_flags(cp);
        } else {
            ++i;
        }
        if (f & kPunct) {
            const bool m1 = has_pred && !prev_number && !(prev_punct && prev_m1);
            bool next_non_number = false;
            if (!m1 && i < n) {
                std::size_t j = i;
                const std::uint8_t g = kIntlTable[s[i]];
                next_non_number = !((g & kHigh) ? intl_flags(decode_utf8(s, n, j)) & kDigit : g & kDigit);
            }
            const bool m2 = (m1 || next_non_number) && !(prev_punct && !m1 && !prev_m1 && prev_m2);
            if (m1 || m2) w.gap();
            w.put_decoded(s, start, i, cp);
            if (m1 || m2) w.gap();
            prev_m1 = m1;
            prev_m2 = m2;
        } else if (f & kPad) {
            w.gap();
            w.put_decoded(s, start, i, cp);
            w.gap();
        } else if (f & kSpace) {
            w.gap();
        } else {
            w.put_decoded(s, start, i, cp);
        }
        prev_number = f & kDigit;
        prev_punct = f & kPunct;
        has_pred = true;
    }
}

inline void tokenize_char(const char* s, std::size_t n, std::string& out) {
    Writer w(out, n);
    std::size_t i = 0;
    while (i < n) {
        const std::size_t start = i;
        const std::uint32_t cp = decode_utf8(s, n, i);
        if (!is_python_space(cp)) w.put_decoded(s, start, i, cp);
        w.gap();
    }
}

inline void tokenize_none(const char* s, std::size_t n, std::string& out) {
    Writer w(out, n);
    std::size_t i = 0;
    while (i < n) {
        const std::uint8_t f = kSpaceTable[s[i]];
        if (f == 0) {
            i = w.put_run(s, i, n, kSpaceTable);
        } else if (f & kSpace) {
            w.gap();
            ++i;
        } else {
            const std::size_t start = i;
            const std::uint32_t cp = decode_utf8(s, n, i);
            if (is_python_space(cp))
                w.gap();
            else
                w.put_decoded(s, start, i, cp);
        }
    }
}

}  // namespace sacre_detail

// Clears `out`, then writes ' '.join(T(text).split()) for sacrebleu's tokenizer T = `kind`.
inline void sacrebleu_tokenize(SacreTokenizer kind, const char* text, std::size_t len, std::string& out) {
    out.clear();
    switch (kind) {
        case SacreTokenizer::None: sacre_detail::tokenize_none(text, len, out); break;
        case SacreTokenizer::T13a: sacre_detail::tokenize_13a(text, len, out); break;
        case SacreTokenizer::Intl: sacre_detail::tokenize_intl(text, len, out); break;
        case SacreTokenizer::Char: sacre_detail::tokenize_char(text, len, out); break;
        case SacreTokenizer::Zh: sacre_detail::tokenize_zh(text, len, out); break;
    }
}

}  // namespace ngramkit
