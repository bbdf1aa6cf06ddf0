// SPDX-License-Identifier: Apache-2.0
// Longest common subsequence over dense token ids.
//
// Bit-parallel LCS (Allison & Dix 1986; Hyyrö 2004): the pattern `a` becomes one bit per position;
// after feeding the first i tokens of `b`, the zero bits of the state S_i mark the columns j where
// the DP row t[i][.] steps up, so t[i][j] = popcount(~S_i restricted to bits [0, j)).
// Length needs only the last row; the rougeLsum traceback keeps every row (|b| x words words).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ngramkit {

struct LcsWorkspace {
    std::vector<std::uint64_t> match_masks;  // k x words: bit j of token d's mask <=> a[j] == d
    std::vector<std::uint64_t> rows;         // (|b| + 1) x words states, for the traceback
    std::vector<std::uint64_t> state;
};

// One instruction where the build targets POPCNT (setup.py asks for it on x86-64); otherwise a
// branch-free bit count rather than a call into libgcc.
inline int popcount64(std::uint64_t x) {
#if defined(__POPCNT__) || defined(__aarch64__)
    return __builtin_popcountll(x);
#else
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
#endif
}

namespace detail {

inline std::size_t words_for(std::size_t bits) { return (bits + 63) / 64; }

// Masks are all zero between calls: build sets the bits of `a`, clear unsets exactly those.
inline void build_match_masks(const std::uint32_t* a, std::size_t la, std::size_t k,
                              std::size_t words, std::vector<std::uint64_t>& masks) {
    if (masks.size() < k * words) masks.resize(k * words, 0);
    for (std::size_t j = 0; j < la; ++j)
        masks[std::size_t(a[j]) * words + j / 64] |= std::uint64_t(1) << (j % 64);
}

inline void clear_match_masks(const std::uint32_t* a, std::size_t la, std::size_t words,
                              std::vector<std::uint64_t>& masks) {
    for (std::size_t j = 0; j < la; ++j) masks[std::size_t(a[j]) * words + j / 64] = 0;
}

// S <- (S + (S & M)) | (S - (S & M)) over `words` words with carry; S - u never borrows since u ⊆ S.
inline void advance(std::uint64_t* s, const std::uint64_t* m, std::size_t words) {
    std::uint64_t carry = 0;
    for (std::size_t w = 0; w < words; ++w) {
        const std::uint64_t x = s[w], u = x & m[w];
        const std::uint64_t sum = x + u;
        const std::uint64_t total = sum + carry;
        carry = std::uint64_t(sum < x) | std::uint64_t(total < sum);
        s[w] = total | (x - u);
    }
}

// t[i][j] = number of zero bits of row S_i among bits [0, j).
inline std::int64_t prefix_lcs(const std::uint64_t* row, std::size_t j) {
    std::int64_t n = 0;
    const std::size_t full = j / 64;
    for (std::size_t w = 0; w < full; ++w) n += popcount64(~row[w]);
    const std::size_t rest = j % 64;
    if (rest) n += popcount64(~row[full] & ((std::uint64_t(1) << rest) - 1));
    return n;
}

}  // namespace detail

// Length of the LCS of a and b (ids < k). Bits go to the shorter sequence.
inline std::int64_t lcs_length(const std::uint32_t* a, std::size_t la, const std::uint32_t* b,
                               std::size_t lb, std::size_t k, LcsWorkspace& ws) {
    if (la == 0 || lb == 0) return 0;
    if (la > lb) {
        std::swap(a, b);
        std::swap(la, lb);
    }
    const std::size_t words = detail::words_for(la);
    detail::build_match_masks(a, la, k, words, ws.match_masks);
    const std::uint64_t* masks = ws.match_masks.data();
    std::int64_t length;
    if (words == 1) {
        std::uint64_t s = ~std::uint64_t(0);
        for (std::size_t i = 0; i < lb; ++i) {
            const std::uint64_t u = s & masks[b[i]];
            s = (s + u) | (s - u);
        }
        length = detail::prefix_lcs(&s, la);
    } else {
        ws.state.assign(words, ~std::uint64_t(0));
        for (std::size_t i = 0; i < lb; ++i)
            detail::advance(ws.state.data(), masks + std::size_t(b[i]) * words, words);
        length = detail::prefix_lcs(ws.state.data(), la);
    }
    detail::clear_match_masks(a, la, words, ws.match_masks);
    return length;
}

// rouge-score's `lcs_ind(ref, can)`: one LCS of ref and can, read back from the DP table
// t[i][j] = LCS(ref[:i], can[:j]) starting at (|ref|, |can|): on equal tokens take the diagonal,
// else step back in `can` only when t[i][j-1] > t[i-1][j] (strictly), otherwise in `ref`.
// Sets in_lcs[i] = 1 for every reference position i on that path (other entries untouched).
inline void mark_backtracked_lcs(const std::uint32_t* ref, std::size_t lr, const std::uint32_t* can,
                                 std::size_t lc, std::size_t k, LcsWorkspace& ws,
                                 std::uint8_t* in_lcs) {
    if (lr == 0 || lc == 0) return;
    const std::size_t words = detail::words_for(lc);
    detail::build_match_masks(can, lc, k, words, ws.match_masks);
    ws.rows.resize((lr + 1) * words);
    std::uint64_t* rows = ws.rows.data();
    for (std::size_t w = 0; w < words; ++w) rows[w] = ~std::uint64_t(0);
    for (std::size_t i = 1; i <= lr; ++i) {
        std::uint64_t* row = rows + i * words;
        const std::uint64_t* previous = row - words;
        for (std::size_t w = 0; w < words; ++w) row[w] = previous[w];
        detail::advance(row, ws.match_masks.data() + std::size_t(ref[i - 1]) * words, words);
    }
    detail::clear_match_masks(can, lc, words, ws.match_masks);
    std::size_t i = lr, j = lc;
    while (i > 0 && j > 0) {
        if (ref[i - 1] == can[j - 1]) {
            in_lcs[i - 1] = 1;
            --i;
            --j;
        } else if (detail::prefix_lcs(rows + i * words, j - 1) >
                   detail::prefix_lcs(rows + (i - 1) * words, j)) {
            --j;
        } else {
            --i;
        }
    }
}

}  // namespace ngramkit
