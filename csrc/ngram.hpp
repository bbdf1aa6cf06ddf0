// SPDX-License-Identifier: Apache-2.0
// Clipped n-gram match counts over dense token ids, exact for orders 1..kMaxNgramOrder.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dense_ids.hpp"

namespace ngramkit {

constexpr int kMaxNgramOrder = 9;

struct NgramWorkspace {
    DenseIdMap map;
    std::vector<std::uint32_t> level_p, level_r, next_p, next_r;
    std::vector<std::int32_t> counts;
};

// Σ_g min(count_p(g), count_r(g)) over ids < k: count the reference side, then consume it.
inline std::int64_t clipped_matches(const std::uint32_t* p, std::size_t lp, const std::uint32_t* r,
                                    std::size_t lr, std::size_t k, std::vector<std::int32_t>& counts) {
    if (counts.size() < k) counts.resize(k, 0);
    for (std::size_t j = 0; j < lr; ++j) ++counts[r[j]];
    std::int64_t matches = 0;
    for (std::size_t i = 0; i < lp; ++i) {
        std::int32_t& c = counts[p[i]];
        if (c > 0) {
            ++matches;
            --c;
        }
    }
    for (std::size_t j = 0; j < lr; ++j) counts[r[j]] = 0;
    return matches;
}

inline std::size_t ngram_count(std::size_t length, int order) {
    const std::size_t n = static_cast<std::size_t>(order);
    return length >= n ? length - n + 1 : 0;
}

// p, r: dense unigram ids (< k1) of prediction and reference, from one shared id space.
// For every order n in 1..kMaxNgramOrder with bit n set in `orders_mask`, writes the clipped match
// count to matches[n]. An n-gram's id is the dense id of the pair (id of its (n-1)-gram prefix,
// id of its last token), so ids are exact at every order: no hashing without comparison.
inline void clipped_ngram_matches(const std::uint32_t* p, std::size_t lp, const std::uint32_t* r,
                                  std::size_t lr, std::size_t k1, unsigned orders_mask,
                                  NgramWorkspace& ws, std::int64_t* matches) {
    int max_order = 0;
    for (int n = 1; n <= kMaxNgramOrder; ++n)
        if (orders_mask & (1u << n)) max_order = n;
    if (max_order == 0) return;
    if (orders_mask & 2u) matches[1] = clipped_matches(p, lp, r, lr, k1, ws.counts);
    if (max_order == 1) return;

    const std::uint32_t* prev_p = p;  // ids of the (n-1)-grams
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
        for (std::size_t i = 0; i < np; ++i)
            ws.next_p[i] = ws.map.id((std::uint64_t(prev_p[i]) << 32) | p[i + last]);
        for (std::size_t j = 0; j < nr; ++j)
            ws.next_r[j] = ws.map.id((std::uint64_t(prev_r[j]) << 32) | r[j + last]);
        if (orders_mask & (1u << n))
            matches[n] = clipped_matches(ws.next_p.data(), np, ws.next_r.data(), nr, ws.map.size(),
                                         ws.counts);
        std::swap(ws.level_p, ws.next_p);
        std::swap(ws.level_r, ws.next_r);
        prev_p = ws.level_p.data();
        prev_r = ws.level_r.data();
    }
}

}  // namespace ngramkit
