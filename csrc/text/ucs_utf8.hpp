// SPDX-License-Identifier: Apache-2.0
// UTF-8 of a code-point array of width 1, 2 or 4 bytes (the three layouts of a Python str), lone
// surrogates as 3-byte sequences (Python's "surrogatepass"): the same bytes as
// str.encode("utf-8", "surrogatepass"). No Python headers: the caller hands over the array.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace ngramkit {

template <class Unit>
inline std::size_t ucs_utf8_size(const Unit* s, std::size_t n) {
    std::size_t size = n;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t c = s[i];
        size += (c >= 0x80) + (c >= 0x800) + (c >= 0x10000);
    }
    return size;
}

#ifdef __SSE2__
// Latin-1: one extra byte per unit >= 0x80, counted 16 units at a time.
inline std::size_t ucs_utf8_size(const std::uint8_t* s, std::size_t n) {
    std::size_t size = n, i = 0;
    for (; i + 16 <= n; i += 16) {
        const auto high = static_cast<unsigned>(_mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i))));
        size += static_cast<std::size_t>(__builtin_popcount(high));
    }
    for (; i < n; ++i) size += s[i] >= 0x80;
    return size;
}
#endif

// Appends the UTF-8 of code point c (a surrogate as 3 bytes); the width of C bounds c, so a
// Latin-1 unit takes two cases and a UCS-2 unit three.
template <class C>
inline void put_utf8(char*& out, C c) {
    if (c < 0x80) {
        *out++ = static_cast<char>(c);
    } else if (sizeof(C) == 1 || c < 0x800) {
        *out++ = static_cast<char>(0xC0 | (c >> 6));
        *out++ = static_cast<char>(0x80 | (c & 0x3F));
    } else if (sizeof(C) == 2 || c < 0x10000) {
        *out++ = static_cast<char>(0xE0 | (c >> 12));
        *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        *out++ = static_cast<char>(0x80 | (c & 0x3F));
    } else {
        *out++ = static_cast<char>(0xF0 | (c >> 18));
        *out++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        *out++ = static_cast<char>(0x80 | (c & 0x3F));
    }
}

constexpr std::size_t utf8_length(std::uint32_t c) { return 1 + (c >= 0x80) + (c >= 0x800) + (c >= 0x10000); }

// Width 4: unit by unit (such strs are rare: they hold a code point above U+FFFF).
template <class Unit>
inline char* ucs_to_utf8(const Unit* s, std::size_t n, char* out) {
    for (std::size_t i = 0; i < n; ++i) put_utf8(out, static_cast<std::uint32_t>(s[i]));
    return out;
}

// ---- str.lower() through a table of single code points ----
// `lower[c]` (65,536 entries) is the code point str.lower() gives for chr(c) alone, or
// kLowerByPython where that is not one code point fixed by c alone (U+0130 lowers to two, U+03A3
// to sigma or final sigma by context): such a str, and any str of width 4, is lowered by Python.
constexpr std::uint16_t kLowerByPython = 0xFFFF;

// Does the table keep Latin-1 in Latin-1, ASCII in ASCII (as every Python's does)? Then a width-1
// str's lowered UTF-8 size is its own.
inline bool lower_keeps_latin1(const std::uint16_t* lower) {
    for (std::uint32_t c = 0; c < 0x100; ++c)
        if (lower[c] >= 0x100 || (lower[c] < 0x80) != (c < 0x80)) return false;
    return true;
}

namespace detail {

// The units of one 16-byte block: 16 of width 1, 8 of width 2.
template <class Unit>
constexpr std::size_t kAsciiBlock = 16 / sizeof(Unit);

#ifdef __SSE2__
// The block at s as bytes; `ascii`: are its units all below 0x80?
inline __m128i ascii_block_bytes(const std::uint8_t* s, bool& ascii) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
    ascii = _mm_movemask_epi8(v) == 0;
    return v;
}

inline __m128i ascii_block_bytes(const std::uint16_t* s, bool& ascii) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
    const __m128i high = _mm_and_si128(v, _mm_set1_epi16(static_cast<short>(0xFF80)));
    ascii = _mm_movemask_epi8(_mm_cmpeq_epi16(high, _mm_setzero_si128())) == 0xFFFF;
    return _mm_packus_epi16(v, v);  // the 8 units as bytes (twice)
}

// Stores an ASCII block's bytes, its letters lowered if kLower.
template <class Unit, bool kLower>
inline void store_ascii_block(__m128i bytes, char* out) {
    if (kLower) {
        // x - ('A' + 128) < 26 - 128 as signed bytes <=> 'A' <= x <= 'Z'
        const __m128i upper = _mm_cmplt_epi8(_mm_sub_epi8(bytes, _mm_set1_epi8(static_cast<char>('A' + 128))),
                                             _mm_set1_epi8(static_cast<char>(-128 + 26)));
        bytes = _mm_or_si128(bytes, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
    }
    if (sizeof(Unit) == 1)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out), bytes);
    else
        _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes);
}
#endif

// UTF-8 of s[0..n) (width 1 or 2), each unit lowered through `lower` if kLower: blocks of ASCII
// are written 16 bytes at a time, other blocks unit by unit, so one accented letter costs its
// block only.
template <bool kLower, class Unit>
inline char* encode_blocks(const Unit* s, std::size_t n, const std::uint16_t* lower, char* out) {
    auto code_point = [lower](Unit unit) {  // a Unit, or the table's uint16
        if constexpr (kLower) return lower[unit];
        else return unit;
    };
    std::size_t i = 0;
#ifdef __SSE2__
    constexpr std::size_t block = kAsciiBlock<Unit>;
    for (; i + block <= n; i += block) {
        bool ascii = false;
        const __m128i bytes = ascii_block_bytes(s + i, ascii);
        if (ascii) {
            store_ascii_block<Unit, kLower>(bytes, out);
            out += block;
        } else {
            for (std::size_t k = i; k < i + block; ++k) put_utf8(out, code_point(s[k]));
        }
    }
#endif
    for (; i < n; ++i) put_utf8(out, code_point(s[i]));
    return out;
}

}  // namespace detail

// Widths 1 (Latin-1) and 2 (below U+10000, lone surrogates as 3 bytes).
inline char* ucs_to_utf8(const std::uint8_t* s, std::size_t n, char* out) {
    return detail::encode_blocks<false>(s, n, nullptr, out);
}

inline char* ucs_to_utf8(const std::uint16_t* s, std::size_t n, char* out) {
    return detail::encode_blocks<false>(s, n, nullptr, out);
}

// UTF-8 size of the lowered s[0..n) (width 1 or 2), or SIZE_MAX when Python must lower it.
// `keeps_latin1`: lower_keeps_latin1(lower), which makes a width-1 str's size its own.
template <class Unit>
inline std::size_t lowered_utf8_size(const Unit* s, std::size_t n, const std::uint16_t* lower, bool keeps_latin1) {
    if (sizeof(Unit) == 1 && keeps_latin1) return ucs_utf8_size(s, n);
    std::size_t size = 0, i = 0;
#ifdef __SSE2__
    constexpr std::size_t block = detail::kAsciiBlock<Unit>;
    for (; i + block <= n; i += block) {
        bool ascii = false;
        detail::ascii_block_bytes(s + i, ascii);
        if (ascii) {
            size += block;
            continue;
        }
        for (std::size_t k = i; k < i + block; ++k) {
            const std::uint16_t c = lower[s[k]];
            if (c == kLowerByPython) return SIZE_MAX;
            size += utf8_length(c);
        }
    }
#endif
    for (; i < n; ++i) {
        const std::uint16_t c = lower[s[i]];
        if (c == kLowerByPython) return SIZE_MAX;
        size += utf8_length(c);
    }
    return size;
}

// Writes the UTF-8 of the lowered s[0..n) (width 1 or 2; lowered_utf8_size() did not refuse it).
template <class Unit>
inline void lowered_to_utf8(const Unit* s, std::size_t n, const std::uint16_t* lower, char* out) {
    detail::encode_blocks<true>(s, n, lower, out);
}

// kind: 0 = ASCII (bytes copied as they are), 1 / 2 / 4 = code units of that many bytes.
inline std::size_t ucs_utf8_size(const void* data, std::size_t n, int kind) {
    switch (kind) {
        case 1: return ucs_utf8_size(static_cast<const std::uint8_t*>(data), n);
        case 2: return ucs_utf8_size(static_cast<const std::uint16_t*>(data), n);
        case 4: return ucs_utf8_size(static_cast<const std::uint32_t*>(data), n);
        default: return n;
    }
}

inline void ucs_to_utf8(const void* data, std::size_t n, int kind, char* out) {
    switch (kind) {
        case 1: ucs_to_utf8(static_cast<const std::uint8_t*>(data), n, out); break;
        case 2: ucs_to_utf8(static_cast<const std::uint16_t*>(data), n, out); break;
        case 4: ucs_to_utf8(static_cast<const std::uint32_t*>(data), n, out); break;
        default:
            if (n) std::memcpy(out, data, n);
    }
}

}  // namespace ngramkit
