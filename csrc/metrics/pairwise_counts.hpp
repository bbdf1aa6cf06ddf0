// SPDX-License-Identifier: Apache-2.0
// The counted form of a pool of texts, for score matrices: every text's n-grams counted once, as
// (n-gram id, count) entries per order, with n-gram ids shared by all texts of the pool (exact:
// an n-gram's key is the id of its (n-1)-gram prefix and its last unit, compared in full).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "core/dense_ids.hpp"

namespace ngramkit {

// Up to two unit streams per text (chrF++: characters and words; BLEU: tokens), each with its own
// highest n-gram order. The orders of a text are stream 0's 1..orders[0], then stream 1's.
struct NgramSpec {
    int orders[2] = {0, 0};

    std::size_t n_orders() const { return std::size_t(orders[0]) + std::size_t(orders[1]); }
};

// The units (code points, word or token ids) of the texts of one pool, per stream: text t's units
// of stream s are units[s][ends[s][t] .. ends[s][t + 1]).
struct PoolUnits {
    std::vector<std::uint32_t> units[2];
    std::vector<std::size_t> ends[2];

    void clear() {
        for (int s = 0; s < 2; ++s) {
            units[s].clear();
            ends[s].assign(1, 0);
        }
    }
    std::size_t n_texts() const { return ends[0].size() - 1; }
    // Call after appending one text's units to every stream.
    void close_text() {
        for (int s = 0; s < 2; ++s) ends[s].push_back(units[s].size());
    }
    std::size_t length(int s, std::size_t t) const { return ends[s][t + 1] - ends[s][t]; }
};

// Text t, order k (0-based over both streams): entries ids/counts[seg[t*O + k] .. seg[t*O + k + 1]),
// one per distinct n-gram; totals[t*O + k] = the text's n-grams of that order (with repeats);
// lengths[t] = units of stream 0. Ids are below n_ids.
struct CountedPool {
    std::size_t n_orders = 0;
    std::size_t n_ids = 0;
    std::vector<std::uint32_t> ids, counts;
    std::vector<std::size_t> seg;
    std::vector<std::int64_t> totals;
    std::vector<std::int64_t> lengths;

    std::size_t n_texts() const { return lengths.size(); }
    std::size_t begin(std::size_t t, std::size_t k) const { return seg[t * n_orders + k]; }
    std::size_t end(std::size_t t, std::size_t k) const { return seg[t * n_orders + k + 1]; }
    std::int64_t total(std::size_t t, std::size_t k) const { return totals[t * n_orders + k]; }
};

// How many texts a pool's counting handles between two calls of its check().
constexpr std::size_t kTextsPerCheck = 256;

// Counts the n-grams of a pool (one per thread; its buffers are reused across pools).
class PoolCounter {
public:
    // check() is called every few hundred texts (it may throw to stop a large pool's counting).
    template <class Check>
    void count(const PoolUnits& in, const NgramSpec& spec, CountedPool& out, const Check& check) {
        const std::size_t n_texts = in.n_texts(), n_orders = spec.n_orders();
        std::uint64_t keys = 0;
        for (int s = 0; s < 2; ++s)
            for (std::size_t t = 0; t < n_texts; ++t)
                keys += ngrams_up_to(in.length(s, t), std::uint64_t(spec.orders[s]));
        if (keys >= DenseIdMap::kAbsent - 2) throw std::length_error("pairwise: too many n-grams in one pool");
        map_.reset(static_cast<std::size_t>(keys));
        out.n_orders = n_orders;
        out.ids.clear();
        out.counts.clear();
        out.seg.assign(1, 0);
        out.totals.clear();
        out.lengths.clear();
        for (std::size_t t = 0; t < n_texts; ++t) {
            out.lengths.push_back(static_cast<std::int64_t>(in.length(0, t)));
            for (int s = 0; s < 2; ++s) {
                const std::uint32_t* u = in.units[s].data() + in.ends[s][t];
                count_stream(u, in.length(s, t), spec.orders[s], std::uint64_t(s), out);
            }
            if (t % kTextsPerCheck == kTextsPerCheck - 1) check();
        }
        out.n_ids = map_.size();
    }

private:
    // Number of n-grams of orders 1..order in a sequence of `length` units.
    static std::uint64_t ngrams_up_to(std::uint64_t length, std::uint64_t order) {
        const std::uint64_t m = std::min(length, order);
        return m * length - m * (m - 1) / 2;
    }

    // level_[i] holds the id of the n-gram starting at i, replaced in place by the (n+1)-gram's;
    // a unigram's key prefix is the stream's root (0 or 1), a longer n-gram's its prefix id + 2.
    void count_stream(const std::uint32_t* u, std::size_t len, int order, std::uint64_t root, CountedPool& out) {
        level_.resize(len);
        for (std::size_t n = 0; n < static_cast<std::size_t>(order); ++n) {
            const std::size_t m = len > n ? len - n : 0;
            for (std::size_t i = 0; i < m; ++i) {
                const std::uint64_t prefix = n == 0 ? root : std::uint64_t(level_[i]) + 2;
                const std::uint32_t id = map_.id((prefix << 32) | u[i + n]);
                if (id >= seen_.size()) seen_.resize(std::size_t(id) + 1, 0);
                if (seen_[id]++ == 0) touched_.push_back(id);
                level_[i] = id;
            }
            for (const std::uint32_t id : touched_) {
                out.ids.push_back(id);
                out.counts.push_back(seen_[id]);
                seen_[id] = 0;
            }
            touched_.clear();
            out.totals.push_back(static_cast<std::int64_t>(m));
            out.seg.push_back(out.ids.size());
        }
    }

    DenseIdMap map_;
    std::vector<std::uint32_t> level_, seen_, touched_;
};

}  // namespace ngramkit
