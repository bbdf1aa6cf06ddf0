// SPDX-License-Identifier: Apache-2.0
// Longest common subsequence over dense token ids.
//
// Bit-parallel LCS (Allison & Dix 1986; Hyyrö 2004): the pattern `a` becomes one bit per position;
// after feeding the first i tokens of `b`, the zero bits of the state S_i mark the columns j where
// the DP row t[i][.] steps up, so t[i][j] = popcount(~S_i restricted to bits [0, j)).
// Length needs only the last row; the rougeLsum traceback keeps every row (|b| x words words), or
// checkpoints when that is large (see dense_row_words_limit).
#pragma once

#include <cstddef>
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <vector>

namespace ngramkit {

// Memory bounds (in 64-bit words, per thread). Up to these sizes the tables are dense, as fast as
// possible; beyond them the methods below switch to bounded-memory forms with identical results:
// match masks only for frequent tokens (others built per row from position lists), and the
// rougeLsum traceback from checkpoint rows every ~sqrt(|ref|) rows, recomputing one block at a
// time (each row computed at most twice).
// (Overridable at build time so tests and fuzzers can reach the bounded forms with small inputs.)
#ifndef NGRAMKIT_DENSE_MASK_WORDS
#define NGRAMKIT_DENSE_MASK_WORDS (std::size_t(1) << 22)  // 32 MiB of match masks
#endif
#ifndef NGRAMKIT_DENSE_ROW_WORDS
#define NGRAMKIT_DENSE_ROW_WORDS (std::size_t(1) << 22)  // 32 MiB of traceback rows
#endif
// The limits in force; settable (tests: `_core._set_lcs_memory_limits`) to exercise the bounded
// forms on small inputs. Read once per LCS call.
inline std::atomic<std::size_t>& dense_mask_words_limit() {
    static std::atomic<std::size_t> limit{NGRAMKIT_DENSE_MASK_WORDS};
    return limit;
}
inline std::atomic<std::size_t>& dense_row_words_limit() {
    static std::atomic<std::size_t> limit{NGRAMKIT_DENSE_ROW_WORDS};
    return limit;
}

struct LcsWorkspace {
    std::vector<std::uint64_t> match_masks;  // k x words: bit j of token d's mask <=> a[j] == d
    std::vector<std::uint64_t> rows;         // (|b| + 1) x words states (or checkpoints), for the traceback
    std::vector<std::uint64_t> block;        // one block of recomputed rows (checkpointed traceback)
    std::vector<std::uint64_t> state;
    // compact masks (k x words over the limit): tokens of the pattern with >= `words`
    // occurrences keep a dense mask (at most 64 such tokens), the others are set into `scratch`
    std::vector<std::uint32_t> occ_start, occ_pos, dense_row;
    std::vector<std::uint64_t> dense, scratch;
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
#if defined(__x86_64__) && defined(__GNUC__)
    unsigned char carry = 0;  // one add-with-carry chain
    for (std::size_t w = 0; w < words; ++w) {
        const std::uint64_t x = s[w], u = x & m[w];
        unsigned long long total;
        carry = __builtin_ia32_addcarryx_u64(carry, x, u, &total);
        s[w] = total | (x - u);
    }
#else
    std::uint64_t carry = 0;
    for (std::size_t w = 0; w < words; ++w) {
        const std::uint64_t x = s[w], u = x & m[w];
        const std::uint64_t sum = x + u;
        const std::uint64_t total = sum + carry;
        carry = std::uint64_t(sum < x) | std::uint64_t(total < sum);
        s[w] = total | (x - u);
    }
#endif
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

constexpr std::uint32_t kNoRow = ~std::uint32_t(0);

// The match masks of pattern `a` (ids < k, `words` 64-bit words per mask): dense k x words when
// that fits the mask limit (or words == 1), else compact (memory O(|a| + k)). `with(d, f)` calls
// f(mask of token d). Leaves the workspace ready for the next pattern when it goes out of scope.
class MatchMasks {
   public:
    MatchMasks(const std::uint32_t* a, std::size_t la, std::size_t k, std::size_t words, LcsWorkspace& ws)
        : a_(a), la_(la), words_(words), ws_(ws),
          dense_(words == 1 || k <= std::max<std::size_t>(dense_mask_words_limit().load(std::memory_order_relaxed), 1) / words) {
        if (dense_) {
            build_match_masks(a, la, k, words, ws.match_masks);
            return;
        }
        // counting sort of the positions of each token
        ws.occ_start.assign(k + 1, 0);
        for (std::size_t j = 0; j < la; ++j) ++ws.occ_start[std::size_t(a[j]) + 1];
        for (std::size_t d = 0; d < k; ++d) ws.occ_start[d + 1] += ws.occ_start[d];
        ws.occ_pos.resize(la);
        ws.dense_row.assign(k, kNoRow);
        std::size_t n_dense = 0;
        for (std::size_t d = 0; d < k; ++d)
            if (ws.occ_start[d + 1] - ws.occ_start[d] >= words) ws.dense_row[d] = std::uint32_t(n_dense++);
        ws.dense.assign(n_dense * words, 0);
        ws.scratch.assign(words, 0);
        std::vector<std::uint32_t>& fill = ws.occ_start;  // fill positions in order, then restore
        for (std::size_t j = 0; j < la; ++j) {
            const std::uint32_t d = a[j];
            ws.occ_pos[fill[d]++] = std::uint32_t(j);
            if (ws.dense_row[d] != kNoRow)
                ws.dense[std::size_t(ws.dense_row[d]) * words + j / 64] |= std::uint64_t(1) << (j % 64);
        }
        for (std::size_t d = k; d > 0; --d) fill[d] = fill[d - 1];  // fill[d] ended at start[d + 1]
        fill[0] = 0;
    }
    MatchMasks(const MatchMasks&) = delete;
    MatchMasks& operator=(const MatchMasks&) = delete;
    ~MatchMasks() {
        if (dense_) clear_match_masks(a_, la_, words_, ws_.match_masks);
    }
    bool dense() const { return dense_; }
    const std::uint64_t* dense_table() const { return ws_.match_masks.data(); }

    template <class F>
    void with(std::uint32_t d, F&& f) {
        if (dense_) {
            f(ws_.match_masks.data() + std::size_t(d) * words_);
            return;
        }
        if (ws_.dense_row[d] != kNoRow) {
            f(ws_.dense.data() + std::size_t(ws_.dense_row[d]) * words_);
            return;
        }
        std::uint64_t* m = ws_.scratch.data();
        const std::uint32_t* first = ws_.occ_pos.data() + ws_.occ_start[d];
        const std::uint32_t* last = ws_.occ_pos.data() + ws_.occ_start[std::size_t(d) + 1];
        for (const std::uint32_t* q = first; q != last; ++q) m[*q / 64] |= std::uint64_t(1) << (*q % 64);
        f(static_cast<const std::uint64_t*>(m));
        for (const std::uint32_t* q = first; q != last; ++q) m[*q / 64] = 0;
    }

   private:
    const std::uint32_t* a_;
    std::size_t la_, words_;
    LcsWorkspace& ws_;
    bool dense_;
};

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
    detail::MatchMasks masks(a, la, k, words, ws);
    if (words == 1) {  // always dense
        const std::uint64_t* m = masks.dense_table();
        std::uint64_t s = ~std::uint64_t(0);
        for (std::size_t i = 0; i < lb; ++i) {
            const std::uint64_t u = s & m[b[i]];
            s = (s + u) | (s - u);
        }
        return detail::prefix_lcs(&s, la);
    }
    ws.state.assign(words, ~std::uint64_t(0));
    std::uint64_t* state = ws.state.data();
    if (masks.dense()) {
        const std::uint64_t* m = masks.dense_table();
        for (std::size_t i = 0; i < lb; ++i) detail::advance(state, m + std::size_t(b[i]) * words, words);
    } else {
        for (std::size_t i = 0; i < lb; ++i)
            masks.with(b[i], [&](const std::uint64_t* m) { detail::advance(state, m, words); });
    }
    return detail::prefix_lcs(state, la);
}

// rouge-score's `lcs_ind(ref, can)`: one LCS of ref and can, read back from the DP table
// t[i][j] = LCS(ref[:i], can[:j]) starting at (|ref|, |can|): on equal tokens take the diagonal,
// else step back in `can` only when t[i][j-1] > t[i-1][j] (strictly), otherwise in `ref`.
// Sets in_lcs[i] = 1 for every reference position i on that path (other entries untouched).
// Row i of the table is the bit state after ref[:i]. All rows are kept when they fit
// the row limit; else every B-th row (B ~ sqrt(|ref|)) is kept and the traceback, which only
// moves up, recomputes one block of B rows at a time from its checkpoint: the same rows, the same
// path, in O(sqrt(|ref|) * |can| / 64) words.
inline void mark_backtracked_lcs(const std::uint32_t* ref, std::size_t lr, const std::uint32_t* can,
                                 std::size_t lc, std::size_t k, LcsWorkspace& ws,
                                 std::uint8_t* in_lcs) {
    if (lr == 0 || lc == 0) return;
    const std::size_t words = detail::words_for(lc);
    detail::MatchMasks masks(can, lc, k, words, ws);
    auto step = [&](std::uint64_t* row, std::uint32_t token) {
        masks.with(token, [&](const std::uint64_t* m) { detail::advance(row, m, words); });
    };
    // B = rows per block; B = lr + 1 keeps every row (one block, no recomputation)
    std::size_t block = lr + 1;
    if (lr + 1 > dense_row_words_limit().load(std::memory_order_relaxed) / words) {
        block = 1;
        while (block * block < lr + 1) ++block;
    }
    const std::size_t n_checkpoints = lr / block + 1;  // rows 0, B, 2B, ... <= lr
    const bool checkpointed = block <= lr;
    ws.rows.resize((checkpointed ? n_checkpoints : lr + 1) * words);
    std::uint64_t* rows = ws.rows.data();
    for (std::size_t w = 0; w < words; ++w) rows[w] = ~std::uint64_t(0);
    if (!checkpointed) {
        for (std::size_t i = 1; i <= lr; ++i) {
            std::uint64_t* row = rows + i * words;
            std::copy(row - words, row, row);
            step(row, ref[i - 1]);
        }
    } else {
        ws.state.assign(rows, rows + words);
        for (std::size_t i = 1; i <= lr; ++i) {
            step(ws.state.data(), ref[i - 1]);
            if (i % block == 0) std::copy(ws.state.begin(), ws.state.end(), rows + (i / block) * words);
        }
        ws.block.resize((block + 1) * words);
    }
    // row x of the table: all rows kept, or from the loaded block (rows loaded*B .. loaded*B + B)
    std::size_t loaded = ~std::size_t(0);
    auto row_at = [&](std::size_t x) -> const std::uint64_t* {
        if (!checkpointed) return rows + x * words;
        return ws.block.data() + (x - loaded * block) * words;
    };
    auto load_for = [&](std::size_t i) {  // make rows i - 1 and i available (i >= 1)
        if (!checkpointed) return;
        const std::size_t c = (i - 1) / block;
        if (c == loaded) return;
        std::uint64_t* buf = ws.block.data();
        std::copy(rows + c * words, rows + (c + 1) * words, buf);
        const std::size_t last = std::min(lr, c * block + block);
        for (std::size_t x = c * block + 1; x <= last; ++x) {
            std::uint64_t* row = buf + (x - c * block) * words;
            std::copy(row - words, row, row);
            step(row, ref[x - 1]);
        }
        loaded = c;
    };
    std::size_t i = lr, j = lc;
    while (i > 0 && j > 0) {
        if (ref[i - 1] == can[j - 1]) {
            in_lcs[i - 1] = 1;
            --i;
            --j;
            continue;
        }
        load_for(i);
        if (detail::prefix_lcs(row_at(i), j - 1) > detail::prefix_lcs(row_at(i - 1), j)) {
            --j;
        } else {
            --i;
        }
    }
}

}  // namespace ngramkit
