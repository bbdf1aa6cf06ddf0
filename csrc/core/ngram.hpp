// SPDX-License-Identifier: Apache-2.0
// Clipped n-gram match counts over dense token ids, exact for orders 1..kMaxNgramOrder.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/dense_ids.hpp"

namespace ngramkit {

constexpr int kMaxNgramOrder = 9;

struct NgramWorkspace {
    DenseIdMap map;
    std::vector<std::uint32_t> level_p, level_r, next_p, next_r, live_p, live_r, compact;
    std::vector<std::int32_t> counts;
};

// Which of the ids < k occur in p (bit 0) and in r (bit 1): flags[u] == kShared means u occurs on
// both sides. Built in O(|p| + |r|), not O(k): `flags` is all zero between uses.
constexpr std::uint8_t kShared = 3;

class SharedTokens {
public:
    SharedTokens(const std::uint32_t* p, std::size_t lp, const std::uint32_t* r, std::size_t lr, std::size_t k,
                 std::vector<std::uint8_t>& flags)
        : p_(p), lp_(lp), r_(r), lr_(lr), flags_(flags) {
        if (flags.size() < k) flags.resize(k, 0);
        for (std::size_t i = 0; i < lp; ++i) flags[p[i]] |= 1;
        for (std::size_t j = 0; j < lr; ++j) flags[r[j]] |= 2;
    }
    SharedTokens(const SharedTokens&) = delete;
    SharedTokens& operator=(const SharedTokens&) = delete;
    ~SharedTokens() {
        for (std::size_t i = 0; i < lp_; ++i) flags_[p_[i]] = 0;
        for (std::size_t j = 0; j < lr_; ++j) flags_[r_[j]] = 0;
    }
    const std::uint8_t* flags() const { return flags_.data(); }

    // Copies the ids of `ids` that occur on both sides to `out` (room for n); returns how many.
    std::size_t keep_shared(const std::uint32_t* ids, std::size_t n, std::uint32_t* out) const {
        const std::uint8_t* flags = flags_.data();
        std::size_t kept = 0;
        for (std::size_t i = 0; i < n; ++i) {
            out[kept] = ids[i];
            kept += flags[ids[i]] == kShared;
        }
        return kept;
    }

private:
    const std::uint32_t* p_;
    std::size_t lp_;
    const std::uint32_t* r_;
    std::size_t lr_;
    std::vector<std::uint8_t>& flags_;
};

// Σ_g min(count_p(g), count_r(g)) over ids < k: count the reference side, then consume it.
inline std::int64_t clipped_matches(const std::uint32_t* p, std::size_t lp, const std::uint32_t* r,
                                    std::size_t lr, std::size_t k, std::vector<std::int32_t>& counts) {
    if (counts.size() < k) counts.resize(k, 0);
    for (std::size_t j = 0; j < lr; ++j) ++counts[r[j]];
    std::int64_t matches = 0;
    std::int32_t* table = counts.data();
    for (std::size_t i = 0; i < lp; ++i) {  // branch-free: whether a count is left is a coin toss
        std::int32_t& c = table[p[i]];
        const std::int32_t left = c > 0;
        matches += left;
        c -= left;
    }
    for (std::size_t j = 0; j < lr; ++j) counts[r[j]] = 0;
    return matches;
}

inline std::size_t ngram_count(std::size_t length, int order) {
    const std::size_t n = static_cast<std::size_t>(order);
    return length >= n ? length - n + 1 : 0;
}

// Marks an n-gram that cannot occur on the other side (see clipped_ngram_matches).
constexpr std::uint32_t kDead = 0xFFFFFFFFu;

// Clipped bigram matches without a hash table, when at most kDirectBigramTokens distinct tokens
// occur on both sides: those get compact ids c < s, and a bigram of two of them is the index
// c1 * s + c2 of an s x s count table (other bigrams cannot match). Returns false, doing nothing,
// when s is larger, or when ids were not renumbered within the pair.
constexpr std::size_t kDirectBigramTokens = 512;

inline bool bigram_matches_direct(const std::uint32_t* p, std::size_t lp, const std::uint32_t* r, std::size_t lr,
                                  std::size_t k1, const std::uint8_t* shared, NgramWorkspace& ws,
                                  std::int64_t& matches) {
    if (k1 > lp + lr) return false;  // ids not renumbered within the pair: the pass over them is not O(|p| + |r|)
    if (lp < 2 || lr < 2) {
        matches = 0;
        return true;
    }
    ws.compact.resize(k1);
    std::uint32_t s = 0;
    for (std::size_t u = 0; u < k1; ++u) {
        const bool both = shared[u] == kShared;
        ws.compact[u] = both ? s : kDead;
        s += both;
    }
    if (s > kDirectBigramTokens) return false;
    const std::uint32_t* compact = ws.compact.data();
    auto keys = [compact, s](const std::uint32_t* ids, std::size_t count, std::vector<std::uint32_t>& out) {
        out.resize(count);
        std::uint32_t* o = out.data();
        std::size_t n = 0;
        for (std::size_t i = 0; i < count; ++i) {
            const std::uint32_t a = compact[ids[i]], b = compact[ids[i + 1]];
            o[n] = a * s + b;  // wraps for a dead token: then not kept
            n += (a != kDead) & (b != kDead);
        }
        return n;
    };
    const std::size_t nr = keys(r, lr - 1, ws.live_r), np = keys(p, lp - 1, ws.live_p);
    matches = clipped_matches(ws.live_p.data(), np, ws.live_r.data(), nr, std::size_t(s) * s, ws.counts);
    return true;
}

// p, r: dense unigram ids (< k1) of prediction and reference, from one shared id space.
// For every order n in 1..kMaxNgramOrder with bit n set in `orders_mask`, writes the clipped match
// count to matches[n]. An n-gram's id is the dense id of the pair (id of its (n-1)-gram prefix,
// id of its last token), so ids are exact at every order: no hashing without comparison.
// An n-gram holding a token absent from the other side cannot match, nor can its extensions: it
// gets no id (kDead) and is left out of the count, which spares the hash table most n-grams of
// unrelated texts.
// `shared` is SharedTokens' flags of p and r (needed from order 2 on).
inline void clipped_ngram_matches(const std::uint32_t* p, std::size_t lp, const std::uint32_t* r,
                                  std::size_t lr, std::size_t k1, unsigned orders_mask, const std::uint8_t* shared,
                                  NgramWorkspace& ws, std::int64_t* matches) {
    int max_order = 0;
    for (int n = 1; n <= kMaxNgramOrder; ++n)
        if (orders_mask & (1u << n)) max_order = n;
    if (max_order == 0) return;
    if (orders_mask & 2u) matches[1] = clipped_matches(p, lp, r, lr, k1, ws.counts);
    if (max_order == 1) return;

    if (max_order == 2 && bigram_matches_direct(p, lp, r, lr, k1, shared, ws, matches[2])) return;
    const std::uint32_t* prev_p = p;  // ids of the (n-1)-grams (unigrams: dead unless shared)
    const std::uint32_t* prev_r = r;
    for (int n = 2; n <= max_order; ++n) {
        const std::size_t np = ngram_count(lp, n), nr = ngram_count(lr, n);
        if (np == 0 || nr == 0) {
            for (int m = n; m <= max_order; ++m)
                if (orders_mask & (1u << m)) matches[m] = 0;
            return;
        }
        ws.map.reset(np + nr);
        const std::size_t last = static_cast<std::size_t>(n) - 1;
        ws.next_p.resize(np);
        ws.next_r.resize(nr);
        ws.live_p.resize(np);
        ws.live_r.resize(nr);
        // ids of every n-gram (kDead where it cannot match) for the next order; the live ones,
        // packed, for this order's count
        auto extend = [n, last, shared, &ws](const std::uint32_t* prev, const std::uint32_t* tokens, std::size_t count,
                                              std::uint32_t* out, std::uint32_t* live_out) {
            std::size_t n_live = 0;
            for (std::size_t i = 0; i < count; ++i) {
                const std::uint32_t head = prev[i], tail = tokens[i + last];
                const bool live = n == 2 ? (shared[head] & shared[tail]) == kShared : head != kDead && shared[tail] == kShared;
                const std::uint32_t id = live ? ws.map.id((std::uint64_t(head) << 32) | tail) : kDead;
                out[i] = id;
                live_out[n_live] = id;
                n_live += live;
            }
            return n_live;
        };
        const std::size_t live_p = extend(prev_p, p, np, ws.next_p.data(), ws.live_p.data());
        const std::size_t live_r = extend(prev_r, r, nr, ws.next_r.data(), ws.live_r.data());
        if (orders_mask & (1u << n))
            matches[n] = clipped_matches(ws.live_p.data(), live_p, ws.live_r.data(), live_r, ws.map.size(), ws.counts);
        std::swap(ws.level_p, ws.next_p);
        std::swap(ws.level_r, ws.next_r);
        prev_p = ws.level_p.data();
        prev_r = ws.level_r.data();
    }
}

}  // namespace ngramkit
