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

// Copies the leading code points below 0x80 of s[0..n) as bytes, a block at a time; returns how
// many it copied (it may stop early: the caller encodes the rest one by one). Without a block
// form for the unit (or without SSE2) it copies none.
template <class Unit>
inline std::size_t copy_ascii_run(const Unit*, std::size_t, char*) {
    return 0;
}

#ifdef __SSE2__
inline std::size_t copy_ascii_run(const std::uint8_t* s, std::size_t n, char* out) {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
        if (_mm_movemask_epi8(v)) break;
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), v);
    }
    return i;
}

inline std::size_t copy_ascii_run(const std::uint16_t* s, std::size_t n, char* out) {
    std::size_t i = 0;
    const __m128i high = _mm_set1_epi16(static_cast<short>(0xFF80));
    for (; i + 16 <= n; i += 16) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + 8));
        const __m128i any = _mm_and_si128(_mm_or_si128(a, b), high);
        if (_mm_movemask_epi8(_mm_cmpeq_epi16(any, _mm_setzero_si128())) != 0xFFFF) break;
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_packus_epi16(a, b));
    }
    return i;
}
#endif

template <class Unit>
inline char* ucs_to_utf8(const Unit* s, std::size_t n, char* out) {
    for (std::size_t i = 0; i < n; ++i) {
        if (s[i] < 0x80) {  // a run of ASCII: whole blocks at once
            const std::size_t copied = copy_ascii_run(s + i, n - i, out);
            out += copied;
            i += copied;
            if (i == n) break;
        }
        const std::uint32_t c = s[i];
        if (c < 0x80) {
            *out++ = static_cast<char>(c);
        } else if (c < 0x800) {
            *out++ = static_cast<char>(0xC0 | (c >> 6));
            *out++ = static_cast<char>(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
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
    return out;
}

// Latin-1 (a str of width 1): every unit >= 0x80 becomes two bytes. Blocks of 16 units are copied
// whole when they are all ASCII, else encoded unit by unit, so one accented letter costs its block
// only (the generic loop above leaves its block loop at every non-ASCII unit).
inline char* ucs_to_utf8(const std::uint8_t* s, std::size_t n, char* out) {
    std::size_t i = 0;
    auto encode = [&out](std::uint8_t c) {
        if (c < 0x80) {
            *out++ = static_cast<char>(c);
        } else {
            *out++ = static_cast<char>(0xC0 | (c >> 6));
            *out++ = static_cast<char>(0x80 | (c & 0x3F));
        }
    };
#ifdef __SSE2__
    for (; i + 16 <= n; i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
        if (_mm_movemask_epi8(v) == 0) {
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out), v);
            out += 16;
        } else {
            for (std::size_t k = i; k < i + 16; ++k) encode(s[k]);
        }
    }
#endif
    for (; i < n; ++i) encode(s[i]);
    return out;
}

// UCS-2 (a str of width 2: below U+10000, lone surrogates as 3 bytes): blocks of 8 ASCII units
// are packed to bytes at once, other blocks encoded unit by unit.
inline char* ucs_to_utf8(const std::uint16_t* s, std::size_t n, char* out) {
    auto encode = [&out](std::uint32_t c) {
        if (c < 0x80) {
            *out++ = static_cast<char>(c);
        } else if (c < 0x800) {
            *out++ = static_cast<char>(0xC0 | (c >> 6));
            *out++ = static_cast<char>(0x80 | (c & 0x3F));
        } else {
            *out++ = static_cast<char>(0xE0 | (c >> 12));
            *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            *out++ = static_cast<char>(0x80 | (c & 0x3F));
        }
    };
    std::size_t i = 0;
#ifdef __SSE2__
    const __m128i high = _mm_set1_epi16(static_cast<short>(0xFF80));
    for (; i + 8 <= n; i += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
        if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(v, high), _mm_setzero_si128())) == 0xFFFF) {
            _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_packus_epi16(v, v));
            out += 8;
        } else {
            for (std::size_t k = i; k < i + 8; ++k) encode(s[k]);
        }
    }
#endif
    for (; i < n; ++i) encode(s[i]);
    return out;
}

// ---- Lowered on the way: str.lower() through a table of single code points ----
// `lower[c]` (65,536 entries) is the code point str.lower() gives for chr(c) alone, or
// kLowerByPython where that is not one code point fixed by c alone (U+0130 lowers to two, U+03A3
// to sigma or final sigma by context): such a str, and any str of width 4, is lowered by Python.
constexpr std::uint16_t kLowerByPython = 0xFFFF;

constexpr std::size_t utf8_length(std::uint32_t c) { return 1 + (c >= 0x80) + (c >= 0x800) + (c >= 0x10000); }

// An ASCII s[0..n) copied with its letters lowered, 16 bytes at a time.
inline void copy_lowered_ascii(const char* s, std::size_t n, char* out) {
    std::size_t i = 0;
#ifdef __SSE2__
    const __m128i upper_base = _mm_set1_epi8(static_cast<char>('A' + 128));
    const __m128i letters = _mm_set1_epi8(static_cast<char>(-128 + 26));
    const __m128i case_bit = _mm_set1_epi8(0x20);
    for (; i + 16 <= n; i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
        // x - ('A' + 128) < 26 - 128 as signed bytes <=> 'A' <= x <= 'Z'
        const __m128i upper = _mm_cmplt_epi8(_mm_sub_epi8(v, upper_base), letters);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_or_si128(v, _mm_and_si128(upper, case_bit)));
    }
#endif
    for (; i < n; ++i) out[i] = static_cast<unsigned char>(s[i] - 'A') < 26 ? static_cast<char>(s[i] | 0x20) : s[i];
}

// Does the table keep Latin-1 in Latin-1, ASCII in ASCII (as every Python's does)? Then a width-1
// str's lowered UTF-8 size is its own.
inline bool lower_keeps_latin1(const std::uint16_t* lower) {
    for (std::uint32_t c = 0; c < 0x100; ++c)
        if (lower[c] >= 0x100 || (lower[c] < 0x80) != (c < 0x80)) return false;
    return true;
}

namespace detail {

// Are the next kAsciiBlock<Unit> units (16 bytes) all ASCII?
template <class Unit>
constexpr std::size_t kAsciiBlock = 16 / sizeof(Unit);

#ifdef __SSE2__
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

// Stores the block's bytes with ASCII letters lowered: 16 of width 1, 8 of width 2.
template <class Unit>
inline void store_lowered_block(__m128i bytes, char* out) {
    const __m128i upper = _mm_cmplt_epi8(_mm_sub_epi8(bytes, _mm_set1_epi8(static_cast<char>('A' + 128))),
                                         _mm_set1_epi8(static_cast<char>(-128 + 26)));
    const __m128i lowered = _mm_or_si128(bytes, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
    if (sizeof(Unit) == 1)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out), lowered);
    else
        _mm_storel_epi64(reinterpret_cast<__m128i*>(out), lowered);
}
#endif

}  // namespace detail

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

// Writes the UTF-8 of the lowered s[0..n) (lowered_utf8_size() did not refuse it); blocks of
// ASCII are lowered 16 bytes at a time.
template <class Unit>
inline void lowered_to_utf8(const Unit* s, std::size_t n, const std::uint16_t* lower, char* out) {
    auto encode = [&out, lower](Unit unit) {
        const std::uint32_t c = lower[unit];
        if (c < 0x80) {
            *out++ = static_cast<char>(c);
        } else if (c < 0x800) {
            *out++ = static_cast<char>(0xC0 | (c >> 6));
            *out++ = static_cast<char>(0x80 | (c & 0x3F));
        } else {
            *out++ = static_cast<char>(0xE0 | (c >> 12));
            *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            *out++ = static_cast<char>(0x80 | (c & 0x3F));
        }
    };
    std::size_t i = 0;
#ifdef __SSE2__
    constexpr std::size_t block = detail::kAsciiBlock<Unit>;
    for (; i + block <= n; i += block) {
        bool ascii = false;
        const __m128i bytes = detail::ascii_block_bytes(s + i, ascii);
        if (ascii) {
            detail::store_lowered_block<Unit>(bytes, out);
            out += block;
        } else {
            for (std::size_t k = i; k < i + block; ++k) encode(s[k]);
        }
    }
#endif
    for (; i < n; ++i) encode(s[i]);
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
