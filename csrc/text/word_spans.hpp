// SPDX-License-Identifier: Apache-2.0
// Where the words of a text start and end, found 64 bytes at a time: a bit mask marks the bytes
// of a block that belong to words, and word starts and ends are read off it with bit scans rather
// than a branch per byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace ngramkit {

// Appends base + the position of every set bit of `bits` to out[count..]; returns the new count.
// Writes in groups of four past the count (out needs 3 elements of slack), so the loop runs
// popcount / 4 times with no branch per bit.
inline std::size_t write_bit_positions(std::uint64_t bits, std::size_t base, std::uint32_t* out, std::size_t count) {
    const auto b = static_cast<std::uint32_t>(base);
    const std::size_t total = count + static_cast<std::size_t>(__builtin_popcountll(bits));
    while (bits) {
        for (int k = 0; k < 4; ++k) {
            out[count++] = b + static_cast<std::uint32_t>(__builtin_ctzll(bits | (std::uint64_t(1) << 63)));
            bits &= bits - 1;
        }
    }
    return total;
}

#ifdef __SSE2__
// 0xFF in each byte x of v with lo <= x < lo + width (unsigned, width <= 128), else 0:
// x - (lo + 128) < width - 128 as signed bytes.
inline __m128i bytes_in_range(__m128i v, int lo, int width) {
    return _mm_cmplt_epi8(_mm_sub_epi8(v, _mm_set1_epi8(static_cast<char>(lo + 128))),
                          _mm_set1_epi8(static_cast<char>(width - 128)));
}

// 0xFF in each byte of v that Python's str.split() splits at among ASCII: ' ', 0x09-0x0D, 0x1C-0x1F.
inline __m128i ascii_split_spaces(__m128i v) {
    return _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), bytes_in_range(v, 0x09, 5)),
                        bytes_in_range(v, 0x1C, 4));
}
#endif

// Mask of the bytes of in[0..n) (n <= 64) that are not ' ', bit i for byte i.
inline std::uint64_t non_space_mask(const char* in, std::size_t n) {
#ifdef __SSE2__
    alignas(16) char tail[64];
    if (n < 64) {
        std::memcpy(tail, in, n);
        std::memset(tail + n, ' ', 64 - n);
        in = tail;
    }
    const __m128i space = _mm_set1_epi8(' ');
    std::uint64_t spaces = 0;
    for (int k = 0; k < 4; ++k) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 16 * k));
        spaces |= std::uint64_t(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space)))) << (16 * k);
    }
    return ~spaces;
#else
    std::uint64_t words = 0;
    for (std::size_t i = 0; i < n; ++i) words |= std::uint64_t(in[i] != ' ') << i;
    return words;
#endif
}

// The words of s[0..n) (n < 2^32 - 64), separated by runs of ' ': word t is s[starts[t]..ends[t]).
// Returns the number of words; `starts` and `ends` are resized to hold them (plus slack).
inline std::size_t space_separated_words(const char* s, std::size_t n, std::vector<std::uint32_t>& starts,
                                         std::vector<std::uint32_t>& ends) {
    // a block adds at most 32 starts and 32 ends; each is written before the count says so
    const std::size_t room = (n + 63) / 64 * 32 + 8;
    if (starts.size() < room) {
        starts.resize(room);
        ends.resize(room);
    }
    std::uint32_t* st = starts.data();
    std::uint32_t* en = ends.data();
    std::size_t n_starts = 0, n_ends = 0;
    std::uint64_t previous_top = 0;  // bit 63 of the previous block's word mask
    for (std::size_t base = 0; base < n; base += 64) {
        const std::size_t len = n - base < 64 ? n - base : 64;
        const std::uint64_t words = non_space_mask(s + base, len) & (len < 64 ? (std::uint64_t(1) << len) - 1 : ~std::uint64_t(0));
        const std::uint64_t shifted = (words << 1) | previous_top;
        n_starts = write_bit_positions(words & ~shifted, base, st, n_starts);
        n_ends = write_bit_positions(~words & shifted, base, en, n_ends);  // bit len: a word ran to the end
        previous_top = words >> 63;
    }
    if (previous_top) en[n_ends++] = static_cast<std::uint32_t>(n);
    return n_starts;
}

}  // namespace ngramkit
