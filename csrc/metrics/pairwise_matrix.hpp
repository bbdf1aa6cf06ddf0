// SPDX-License-Identifier: Apache-2.0
// Score matrices from counted texts: per pool (one source's candidates), every text's n-grams are
// counted once (pairwise_counts.hpp); cell [i, j] takes the clipped matches
// m_k = Σ_g min(count_i(g), count_j(g)) per order k, gathered row by row through an inverted index
// of the references (only n-grams both texts hold are visited), then finalizes the sentence score
// with the metric's own formula (chrf_f_score, bleu_score). Matches are symmetric in i and j, so
// a pool scored against itself computes each unordered pair once.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/parallel.hpp"
#include "core/shared_items.hpp"
#include "core/ragged.hpp"
#include "metrics/bleu.hpp"
#include "metrics/chrf.hpp"
#include "metrics/pairwise_counts.hpp"

namespace ngramkit {

// sacrebleu sentence_chrf of text h against text r (sacrebleu's [hyp, ref, match] per order).
struct ChrfCell {
    ChrfParams params;

    double operator()(const CountedPool& c, std::size_t h, std::size_t r, const std::int64_t* m,
                      std::vector<std::int64_t>& stats) const {
        stats.resize(3 * c.n_orders);
        for (std::size_t k = 0; k < c.n_orders; ++k) {
            const std::int64_t ref_total = c.total(r, k);
            stats[3 * k] = ref_total > 0 ? c.total(h, k) : 0;
            stats[3 * k + 1] = ref_total;
            stats[3 * k + 2] = m[k];
        }
        return chrf_f_score(stats.data(), params);
    }
};

// sacrebleu sentence_bleu of text h against the single reference r.
struct BleuCell {
    int max_order;
    BleuSmooth smooth;
    double smooth_value;
    bool effective_order;
    bool compensated_sum;

    double operator()(const CountedPool& c, std::size_t h, std::size_t r, const std::int64_t* m,
                      std::vector<std::int64_t>& stats) const {
        if (max_order > 0 && m[0] == 0) return 0.0;  // compute_bleu: no match of any order
        const std::size_t n = static_cast<std::size_t>(max_order);
        stats.resize(2 + 2 * n);
        stats[0] = c.lengths[h];
        stats[1] = c.lengths[r];
        for (std::size_t k = 0; k < n; ++k) {
            stats[2 + k] = m[k];
            stats[2 + n + k] = c.total(h, k);
        }
        return bleu_score(stats.data(), max_order, smooth, smooth_value, effective_order, compensated_sum);
    }
};

namespace pairwise_detail {

// Per n-gram id, the reference texts that hold it (ascending) and their counts: an inverted index
// of a pool's references, so a row visits only the (reference, n-gram) pairs that can match.
struct Postings {
    std::vector<std::size_t> start;  // n_ids + 1
    std::vector<std::uint32_t> text, count;

    void build(const CountedPool& c, std::size_t ref_base, std::size_t n_ref) {
        start.assign(c.n_ids + 1, 0);
        const std::size_t first = c.begin(ref_base, 0), last = c.end(ref_base + n_ref - 1, c.n_orders - 1);
        for (std::size_t x = first; x < last; ++x) ++start[std::size_t(c.ids[x]) + 1];
        for (std::size_t g = 0; g < c.n_ids; ++g) start[g + 1] += start[g];
        text.resize(last - first);
        count.resize(last - first);
        cursor_.assign(start.begin(), start.end() - 1);
        for (std::size_t j = 0; j < n_ref; ++j)
            for (std::size_t x = c.begin(ref_base + j, 0), e = c.end(ref_base + j, c.n_orders - 1); x < e; ++x) {
                const std::size_t at = cursor_[c.ids[x]]++;
                text[at] = static_cast<std::uint32_t>(j);
                count[at] = c.counts[x];
            }
    }

private:
    std::vector<std::size_t> cursor_;
};

// One thread's buffers for the rows of a pool: acc (n_ref x orders clipped matches) is all zero
// between rows.
struct CellScratch {
    std::vector<std::int64_t> acc, stats;
};

// Rows [begin, end) of a pool's matrix: hypotheses are texts 0..n_hyp-1 of c, references texts
// ref_base..ref_base+n_ref-1 (ref_base 0 and symmetric: the pool against itself, j >= i only,
// each cell's transpose from the same matches). Row i adds min(count_i(g), count_j(g)) for every
// reference j in g's postings, per order, then finalizes its cells.
template <class Cell>
void pool_rows(const CountedPool& c, const Postings& post, const Cell& cell, std::size_t n_ref, std::size_t ref_base,
               bool symmetric, std::size_t begin, std::size_t end, double* out, std::size_t stride,
               CellScratch& ws) {
    const std::size_t n_orders = c.n_orders;
    if (ws.acc.size() < n_ref * n_orders) ws.acc.assign(n_ref * n_orders, 0);
    std::int64_t* acc = ws.acc.data();
    const std::uint32_t* ptext = post.text.data();
    const std::uint32_t* pcount = post.count.data();
    for (std::size_t i = begin; i < end; ++i) {
        for (std::size_t k = 0; k < n_orders; ++k) {
            for (std::size_t x = c.begin(i, k), e = c.end(i, k); x < e; ++x) {
                const std::uint32_t ci = c.counts[x];
                const std::size_t pb = post.start[c.ids[x]], pe = post.start[std::size_t(c.ids[x]) + 1];
                if (symmetric) {  // postings ascend: walk down while j >= i
                    for (std::size_t q = pe; q > pb && ptext[q - 1] >= i; --q)
                        acc[std::size_t(ptext[q - 1]) * n_orders + k] += std::min(ci, pcount[q - 1]);
                } else {
                    for (std::size_t q = pb; q < pe; ++q)
                        acc[std::size_t(ptext[q]) * n_orders + k] += std::min(ci, pcount[q]);
                }
            }
        }
        for (std::size_t j = symmetric ? i : 0; j < n_ref; ++j) {
            std::int64_t* m = acc + j * n_orders;
            const std::size_t r = ref_base + j;
            out[i * stride + j] = cell(c, i, r, m, ws.stats);
            if (symmetric && j != i) out[j * stride + i] = cell(c, r, i, m, ws.stats);
            std::fill(m, m + n_orders, 0);
        }
    }
}

// Reference-aggregated statistics of one pool (see pairwise_aggregate_stats).
inline void pool_aggregate(const CountedPool& c, std::size_t n_hyp, std::size_t n_ref, std::size_t ref_base,
                           std::vector<std::int64_t>& sums, std::int64_t* out) {
    const std::size_t n_orders = c.n_orders, width = 2 + 3 * n_orders;
    sums.assign(c.n_ids, 0);
    std::vector<std::int64_t> ref_totals(n_orders, 0);
    std::int64_t ref_length = 0;
    for (std::size_t j = ref_base; j < ref_base + n_ref; ++j) {
        ref_length += c.lengths[j];
        for (std::size_t k = 0; k < n_orders; ++k) ref_totals[k] += c.total(j, k);
        for (std::size_t x = c.begin(j, 0); x < c.end(j, n_orders - 1); ++x) sums[c.ids[x]] += c.counts[x];
    }
    const auto R = static_cast<std::int64_t>(n_ref);
    for (std::size_t i = 0; i < n_hyp; ++i) {
        std::int64_t* row = out + i * width;
        row[0] = c.lengths[i];
        row[1] = ref_length;
        for (std::size_t k = 0; k < n_orders; ++k) {
            std::int64_t num = 0;
            for (std::size_t x = c.begin(i, k); x < c.end(i, k); ++x)
                num += std::min<std::int64_t>(R * std::int64_t(c.counts[x]), sums[c.ids[x]]);
            row[2 + 3 * k] = c.total(i, k);
            row[3 + 3 * k] = ref_totals[k];
            row[4 + 3 * k] = num;
        }
    }
}

}  // namespace pairwise_detail

// The pools of a matrix call: pool p's hypotheses are rows hyp_pools[p]..hyp_pools[p+1] of hyps,
// its references rows ref_pools[p]..ref_pools[p+1] of refs, or (refs == nullptr) its hypotheses.
template <class T>
struct PoolBatches {
    const RaggedView<T>* hyps;
    const std::int64_t* hyp_pools;
    const RaggedView<T>* refs;
    const std::int64_t* ref_pools;
    std::size_t n_pools;

    bool symmetric() const { return refs == nullptr; }
    std::size_t n_hyp(std::size_t p) const { return static_cast<std::size_t>(hyp_pools[p + 1] - hyp_pools[p]); }
    std::size_t n_ref(std::size_t p) const {
        return symmetric() ? n_hyp(p) : static_cast<std::size_t>(ref_pools[p + 1] - ref_pools[p]);
    }
};

namespace pairwise_detail {

// One thread's state for whole pools: units -> counts.
template <class Units>
struct PoolWorker {

    Units units;
    PoolUnits pool_units;
    PoolCounter counter;
    CountedPool counted;
    Postings postings;
    CellScratch scratch;
    std::vector<std::int64_t> sums;

    // check() is called every few hundred texts (it may throw to stop a large pool's counting).
    template <class T, class Check>
    void load(const PoolBatches<T>& b, std::size_t p, const NgramSpec& spec, const Check& check) {
        units.reset();
        pool_units.clear();
        auto add_rows = [&](const RaggedView<T>& batch, std::int64_t from, std::int64_t to) {
            for (auto row = from; row < to; ++row) {
                const auto o = batch.offsets[row];
                units.add(batch.values + o, static_cast<std::size_t>(batch.offsets[row + 1] - o), pool_units);
                if (std::size_t(row - from) % kTextsPerCheck == kTextsPerCheck - 1) check();
            }
        };
        add_rows(*b.hyps, b.hyp_pools[p], b.hyp_pools[p + 1]);
        if (!b.symmetric()) add_rows(*b.refs, b.ref_pools[p], b.ref_pools[p + 1]);
        counter.count(pool_units, spec, counted, check);
    }

    template <class T>
    void load(const PoolBatches<T>& b, std::size_t p, const NgramSpec& spec) {
        load(b, p, spec, [] {});
    }

    template <class T>
    void index(const PoolBatches<T>& b, std::size_t p) {
        if (b.n_ref(p) > 0) postings.build(counted, b.symmetric() ? 0 : b.n_hyp(p), b.n_ref(p));
    }
};

}  // namespace pairwise_detail

// Cell [i, j] of pool p goes to out[out_offsets[p] + i * strides[p] + j] (the caller lays the
// pools out: consecutive matrices, or a padded 3-D array). A thread counts and indexes a whole
// pool and scores its rows a few at a time; threads with no pool left to take score rows of the
// pools others have counted, so one large pool or many small ones keep every thread busy. Results
// never depend on the thread count. `proto` is copied into each thread (its interner per pool).
template <class Units, class T, class Cell>
void pairwise_matrices(const PoolBatches<T>& b, const Units& proto, const NgramSpec& spec, const Cell& cell,
                       const std::int64_t* out_offsets, const std::int64_t* strides, double* out, int threads,
                       const std::function<bool()>& interrupted = {}) {
    using Worker = pairwise_detail::PoolWorker<Units>;
    constexpr std::size_t kRowsPerChunk = 2;
    const bool sym = b.symmetric();
    parallel_shared_items(
        b.n_pools, threads, kRowsPerChunk, [&proto] { return Worker{proto, {}, {}, {}, {}, {}, {}}; },
        [&](Worker& w, std::size_t p, const auto& check) -> std::size_t {
            if (b.n_hyp(p) == 0 || b.n_ref(p) == 0) return 0;
            w.load(b, p, spec, check);
            w.index(b, p);
            return b.n_hyp(p);
        },
        [&](const Worker& owner, Worker& self, std::size_t p, std::size_t begin, std::size_t end) {
            pairwise_detail::pool_rows(owner.counted, owner.postings, cell, b.n_ref(p), sym ? 0 : b.n_hyp(p), sym,
                                       begin, end, out + out_offsets[p], static_cast<std::size_t>(strides[p]),
                                       self.scratch);
        },
        interrupted);
}

// Reference-aggregated statistics: per hypothesis of every pool (rows in hypothesis order), int64
// [hyp_len, Σ_j ref_len_j, then per order k: hyp_total_k, Σ_j ref_total_jk, Σ_g min(R·c_h(g), Σ_j c_j(g))]
// (2 + 3·orders columns; R = the pool's references, lengths in units of stream 0). Divided by R,
// the last two are the mean reference's n-gram total and the matches against the mean counts.
template <class Units, class T>
void pairwise_aggregate_stats(const PoolBatches<T>& b, const Units& proto, const NgramSpec& spec, std::int64_t* out,
                              int threads, const std::function<bool()>& interrupted = {}) {
    using Worker = pairwise_detail::PoolWorker<Units>;
    const std::size_t width = 2 + 3 * spec.n_orders();
    parallel_chunks(
        b.n_pools, threads, 1, [&proto] { return Worker{proto, {}, {}, {}, {}, {}, {}}; },
        [&](Worker& w, std::size_t begin, std::size_t end) {
            for (std::size_t p = begin; p < end; ++p) {
                if (b.n_hyp(p) == 0) continue;
                w.load(b, p, spec);
                const auto row = static_cast<std::size_t>(b.hyp_pools[p] - b.hyp_pools[0]);
                pairwise_detail::pool_aggregate(w.counted, b.n_hyp(p), b.n_ref(p), b.symmetric() ? 0 : b.n_hyp(p),
                                                w.sums, out + row * width);
            }
        },
        interrupted);
}

}  // namespace ngramkit
