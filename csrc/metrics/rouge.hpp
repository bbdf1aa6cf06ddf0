// SPDX-License-Identifier: Apache-2.0
// Per-pair ROUGE statistics, as rouge-score computes them, over token ids or UTF-8 text.
//
// For every (prediction, reference) pair and every requested type, three integers:
//   rougeN:    clipped n-gram matches, prediction n-grams, reference n-grams
//   rougeL:    LCS length, prediction tokens, reference tokens
//   rougeLsum: union-LCS hits (clipped), prediction tokens, reference tokens
// Precision = hits / max(pred, 1), recall = hits / max(ref, 1); they add up over any partition.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/dense_ids.hpp"
#include "metrics/lcs.hpp"
#include "core/ngram.hpp"
#include "core/parallel.hpp"
#include "core/ragged.hpp"
#include "text/rouge_tokenizer.hpp"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace ngramkit {

constexpr int kRougeL = 10;
constexpr int kRougeLsum = 11;

struct RougeRequest {
    std::vector<int> types;  // 1..9 = rougeN, kRougeL, kRougeLsum
    unsigned orders_mask = 0;
    bool lcs = false;
    bool lsum = false;

    explicit RougeRequest(std::vector<int> codes) : types(std::move(codes)) {
        if (types.empty()) throw std::invalid_argument("rouge_types: at least one type is required");
        for (int t : types) {
            if (t >= 1 && t <= kMaxNgramOrder)
                orders_mask |= 1u << t;
            else if (t == kRougeL)
                lcs = true;
            else if (t == kRougeLsum)
                lsum = true;
            else
                throw std::invalid_argument("rouge_types: unknown type code " + std::to_string(t));
        }
    }
};

// Token ids of one text and the ends of its non-empty sentences (ends[s] = one past the last token
// of sentence s; sentences tile [0, len)).
struct TokenSeq {
    const std::int32_t* ids = nullptr;
    std::size_t len = 0;
    const std::size_t* sentence_ends = nullptr;
    std::size_t n_sentences = 0;
};

struct PairWorkspace {
    // The unigram renumbering uses ws.ngram.map: the dense ids are copied out before the n-gram
    // orders reset it, so one hash table (16 bytes a slot, >= 2 slots per token) serves both.
    std::vector<std::uint32_t> dense_p, dense_r;
    NgramWorkspace ngram;
    LcsWorkspace lcs;
    std::vector<std::int32_t> counts_p, counts_r;
    std::vector<std::uint8_t> in_union;
    std::vector<std::uint64_t> eq;  // short pairs: equality masks
    // Renumbering of ids below a known bound: (generation << 32 | local id) per id; an entry of an
    // older generation is unset.
    std::vector<std::uint64_t> local_of;
    std::uint32_t generation = 0;
    std::vector<std::uint8_t> shared;         // SharedTokens flags, all zero between pairs
    std::vector<std::uint32_t> lcs_p, lcs_r;  // the shared tokens, for the LCS
};

namespace detail {

// Writes the local ids of `ids` to `out`, numbering ids without an entry of this stamp from `next`
// on; returns the next free local id. One array access per token, no branch on whether it is new.
inline std::uint32_t renumber_run(const std::int32_t* ids, std::size_t n, std::uint64_t* local_of, std::uint64_t stamp,
                                  std::uint32_t next, std::uint32_t* out) {
    for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t& slot = local_of[static_cast<std::uint32_t>(ids[i])];
        const std::uint64_t v = slot;
        const std::uint32_t fresh = (v & ~std::uint64_t(0xFFFFFFFFu)) != stamp;
        const std::uint32_t keep = fresh - 1;  // all ones when the id has a local id already
        const std::uint32_t id = (static_cast<std::uint32_t>(v) & keep) | (next & ~keep);
        slot = stamp | id;
        next += fresh;
        out[i] = id;
    }
    return next;
}

// Renumbers p and r (ids < bound) to 0..k-1 in order of first occurrence into ws.dense_p/dense_r;
// returns k.
inline std::size_t renumber_below(const std::int32_t* p, std::size_t lp, const std::int32_t* r, std::size_t lr,
                                  std::size_t bound, PairWorkspace& ws) {
    if (ws.local_of.size() < bound) ws.local_of.resize(bound, 0);
    if (++ws.generation == 0) {  // wrapped: old stamps could look current
        std::fill(ws.local_of.begin(), ws.local_of.end(), 0);
        ws.generation = 1;
    }
    const std::uint64_t stamp = std::uint64_t(ws.generation) << 32;
    ws.dense_p.resize(lp);
    ws.dense_r.resize(lr);
    const std::uint32_t next = renumber_run(p, lp, ws.local_of.data(), stamp, 0, ws.dense_p.data());
    return renumber_run(r, lr, ws.local_of.data(), stamp, next, ws.dense_r.data());
}

// rouge-score's _summary_level_lcs: per reference sentence, the union of the backtracked LCS of it
// with every candidate sentence; each union token is a hit while it is still unconsumed in both
// summaries' unigram counts (counts persist across reference sentences).
inline std::int64_t summary_lcs_hits(const std::uint32_t* p, const TokenSeq& pred, const std::uint32_t* r,
                                     const TokenSeq& ref, std::size_t k, PairWorkspace& ws) {
    if (pred.len == 0 || ref.len == 0) return 0;
    if (ws.counts_p.size() < k) ws.counts_p.resize(k, 0);  // all zero between calls
    if (ws.counts_r.size() < k) ws.counts_r.resize(k, 0);
    for (std::size_t i = 0; i < pred.len; ++i) ++ws.counts_p[p[i]];
    for (std::size_t j = 0; j < ref.len; ++j) ++ws.counts_r[r[j]];
    std::int64_t hits = 0;
    std::size_t ref_start = 0;
    for (std::size_t s = 0; s < ref.n_sentences; ++s) {
        const std::size_t ref_end = ref.sentence_ends[s];
        const std::size_t ref_len = ref_end - ref_start;
        ws.in_union.assign(ref_len, 0);
        std::size_t pred_start = 0;
        for (std::size_t c = 0; c < pred.n_sentences; ++c) {
            const std::size_t pred_end = pred.sentence_ends[c];
            mark_backtracked_lcs(r + ref_start, ref_len, p + pred_start, pred_end - pred_start, k,
                                 ws.lcs, ws.in_union.data());
            pred_start = pred_end;
        }
        for (std::size_t idx = 0; idx < ref_len; ++idx) {
            if (!ws.in_union[idx]) continue;
            const std::uint32_t t = r[ref_start + idx];
            if (ws.counts_p[t] > 0 && ws.counts_r[t] > 0) {
                ++hits;
                --ws.counts_p[t];
                --ws.counts_r[t];
            }
        }
        ref_start = ref_end;
    }
    for (std::size_t i = 0; i < pred.len; ++i) ws.counts_p[p[i]] = 0;
    for (std::size_t j = 0; j < ref.len; ++j) ws.counts_r[r[j]] = 0;
    return hits;
}

}  // namespace detail

namespace detail {

// m[j] = bits over positions of a (la <= 64) where a[i] == b[j], for every j < lb.
#ifdef __SSE2__
// a padded with -1 (never an id) to Blocks blocks of 16, kept in registers; per b[j]: 16 compares a block,
// packed into one byte mask.
template <int Blocks>
inline void equal_masks_sse2(const std::int32_t* padded, const std::int32_t* b, std::size_t lb, std::uint64_t* m) {
    __m128i av[4 * Blocks];
    for (int k = 0; k < 4 * Blocks; ++k) av[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(padded + 4 * k));
    for (std::size_t j = 0; j < lb; ++j) {
        const __m128i v = _mm_set1_epi32(b[j]);
        std::uint64_t bits = 0;
        for (int blk = 0; blk < Blocks; ++blk) {
            const __m128i* x = av + 4 * blk;
            const __m128i lo = _mm_packs_epi32(_mm_cmpeq_epi32(x[0], v), _mm_cmpeq_epi32(x[1], v));
            const __m128i hi = _mm_packs_epi32(_mm_cmpeq_epi32(x[2], v), _mm_cmpeq_epi32(x[3], v));
            bits |= std::uint64_t(static_cast<unsigned>(_mm_movemask_epi8(_mm_packs_epi16(lo, hi)))) << (16 * blk);
        }
        m[j] = bits;
    }
}
#endif

inline void equal_masks(const std::int32_t* a, std::size_t la, const std::int32_t* b, std::size_t lb,
                        std::uint64_t* m) {
#ifdef __SSE2__
    alignas(16) std::int32_t padded[64];
    const std::size_t blocks = (la + 15) / 16;
    for (std::size_t i = 0; i < la; ++i) padded[i] = a[i];
    for (std::size_t i = la; i < 16 * blocks; ++i) padded[i] = -1;
    switch (blocks) {
        case 0: for (std::size_t j = 0; j < lb; ++j) m[j] = 0; return;
        case 1: return equal_masks_sse2<1>(padded, b, lb, m);
        case 2: return equal_masks_sse2<2>(padded, b, lb, m);
        case 3: return equal_masks_sse2<3>(padded, b, lb, m);
        default: return equal_masks_sse2<4>(padded, b, lb, m);
    }
#else
    for (std::size_t j = 0; j < lb; ++j) {
        std::uint64_t bits = 0;
        for (std::size_t i = 0; i < la; ++i) bits |= std::uint64_t(a[i] == b[j]) << i;
        m[j] = bits;
    }
#endif
}

// Pairs whose shorter side has at most 64 tokens (and the longer at most kShortPairLongSide):
// everything from the equality masks eq[j] = {i : a[i] == b[j]} of the longer side b against the
// shorter side a, with no renumbering or tables. n-gram occurrence masks:
// g_n(j) = {i : a[i..i+n) == b[j..j+n)} = g_{n-1}(j) & (eq[j+n-1] >> (n-1)); each occurrence in b
// consumes the first unconsumed equal occurrence in a, so the matches are the sum over n-grams of
// min(count_a, count_b) — the clipped count, symmetric in a and b. The LCS is the same bit-parallel
// recurrence as lcs_length, with eq[j] as the match mask of b[j]. One pass over j runs the LCS and
// every order side by side (independent dependency chains).
constexpr std::size_t kShortPairLongSide = 1024;

// One pass over the equality masks m[0..lb) (zero-padded by kMaxNgramOrder): LCS state and the
// clipped matches of orders 1..MaxOrder (those in `orders`), each its own dependency chain.
template <int MaxOrder>
inline std::uint64_t short_pair_pass(const std::uint64_t* m, std::size_t lb, unsigned orders, std::int64_t* hits) {
    std::uint64_t st = ~std::uint64_t(0);
    std::uint64_t available[MaxOrder + 1];
    for (int n = 0; n <= MaxOrder; ++n) available[n] = ~std::uint64_t(0);
    for (std::size_t j = 0; j < lb; ++j) {
        const std::uint64_t mj = m[j];
        const std::uint64_t u = st & mj;
        st = (st + u) | (st - u);
        std::uint64_t g = mj;
        for (int n = 1; n <= MaxOrder; ++n) {
            if (n > 1) g &= m[j + std::size_t(n) - 1] >> (n - 1);
            if (!(orders & (1u << n))) continue;
            const std::uint64_t c = g & available[n];  // branch-free: c == 0 changes nothing
            hits[n] += c != 0;
            available[n] &= ~(c & (0 - c));  // the first equal occurrence in a is consumed
        }
    }
    return st;
}

inline void short_pair_stats(const TokenSeq& pred, const TokenSeq& ref, const RougeRequest& req,
                             std::vector<std::uint64_t>& eq, std::int64_t* ngram_matches, std::int64_t& lcs) {
    const TokenSeq& a = pred.len <= ref.len ? pred : ref;
    const TokenSeq& b = pred.len <= ref.len ? ref : pred;
    const std::size_t la = a.len, lb = b.len;
    int max_order = 0;
    for (int n = 1; n <= kMaxNgramOrder; ++n)
        if (req.orders_mask & (1u << n)) max_order = n;
    if (eq.size() < lb + kMaxNgramOrder) eq.resize(lb + kMaxNgramOrder);
    std::uint64_t* m = eq.data();
    equal_masks(a.ids, la, b.ids, lb, m);
    for (std::size_t j = lb; j < lb + kMaxNgramOrder; ++j) m[j] = 0;  // n-grams running past b's end: none
    std::int64_t hits[kMaxNgramOrder + 1] = {0};
    const unsigned orders = req.orders_mask;
    std::uint64_t st;
    switch (max_order) {
        case 0: st = short_pair_pass<0>(m, lb, orders, hits); break;
        case 1: st = short_pair_pass<1>(m, lb, orders, hits); break;
        case 2: st = short_pair_pass<2>(m, lb, orders, hits); break;
        case 3: st = short_pair_pass<3>(m, lb, orders, hits); break;
        case 4: st = short_pair_pass<4>(m, lb, orders, hits); break;
        default: st = short_pair_pass<kMaxNgramOrder>(m, lb, orders, hits); break;
    }
    if (req.lcs) lcs = la ? prefix_lcs(&st, la) : 0;
    for (int n = 1; n <= max_order; ++n) ngram_matches[n] = hits[n];
}

}  // namespace detail

inline void score_pair_tables(const TokenSeq& pred, const TokenSeq& ref, const RougeRequest& req,
                              PairWorkspace& ws, std::size_t id_bound, std::int64_t* ngram_matches,
                              std::int64_t& lcs, std::int64_t& lsum);

// rouge.scores_from_statistics of one pair: p = hits / max(pred, 1), r = hits / max(ref, 1),
// F = 2 * p * r / (p + r) or 0 -- each operation rounded as numpy (and rouge-score's Python)
// rounds it, in the same order (the build uses -ffp-contract=off, so nothing is fused).
inline void rouge_prf_of(std::int64_t hits, std::int64_t pred, std::int64_t ref, double* prf) {
    const double h = static_cast<double>(hits);
    const double p = h / static_cast<double>(std::max<std::int64_t>(pred, 1));
    const double r = h / static_cast<double>(std::max<std::int64_t>(ref, 1));
    const double total = p + r;
    prf[0] = p;
    prf[1] = r;
    prf[2] = total > 0 ? 2 * p * r / total : 0.0;
}

// The same for one (hits, prediction total, reference total) row of statistics.
inline void rouge_prf_row(const std::int64_t* s, double* prf) { rouge_prf_of(s[0], s[1], s[2], prf); }

// Writes req.types.size() x 3 statistics for one pair to `out`. Ids are first renumbered 0..k-1
// within the pair: through an array of id_bound entries when `id_bound` > 0 says every id is below
// it (interned text), else through a hash table; short interned pairs use their ids as they are.
inline void score_pair(const TokenSeq& pred, const TokenSeq& ref, const RougeRequest& req,
                       PairWorkspace& ws, std::int64_t* out, std::size_t id_bound = 0) {
    std::int64_t ngram_matches[kMaxNgramOrder + 1] = {0};
    std::int64_t lcs = 0, lsum = 0;
    if (!req.lsum && std::min(pred.len, ref.len) <= 64 && std::max(pred.len, ref.len) <= detail::kShortPairLongSide) {
        detail::short_pair_stats(pred, ref, req, ws.eq, ngram_matches, lcs);
    } else {
        score_pair_tables(pred, ref, req, ws, id_bound, ngram_matches, lcs, lsum);
    }
    const auto lp = static_cast<std::int64_t>(pred.len), lr = static_cast<std::int64_t>(ref.len);
    for (std::size_t t = 0; t < req.types.size(); ++t) {
        const int code = req.types[t];
        std::int64_t* o = out + 3 * t;
        if (code == kRougeL || code == kRougeLsum) {
            o[0] = code == kRougeL ? lcs : lsum;
            o[1] = lp;
            o[2] = lr;
        } else {
            o[0] = ngram_matches[code];
            o[1] = static_cast<std::int64_t>(ngram_count(pred.len, code));
            o[2] = static_cast<std::int64_t>(ngram_count(ref.len, code));
        }
    }
}

// The general form: ids renumbered 0..k-1 within the pair (or used as they are when short and below
// id_bound), hash maps for n-grams, match-mask tables for the LCS.
inline void score_pair_tables(const TokenSeq& pred, const TokenSeq& ref, const RougeRequest& req,
                              PairWorkspace& ws, std::size_t id_bound, std::int64_t* ngram_matches,
                              std::int64_t& lcs, std::int64_t& lsum) {
    const std::uint32_t* p;
    const std::uint32_t* r;
    std::size_t k;
    if (id_bound > 0 && pred.len <= 64 && ref.len <= 64) {
        // int32 and uint32 may alias; the ids are non-negative
        p = reinterpret_cast<const std::uint32_t*>(pred.ids);
        r = reinterpret_cast<const std::uint32_t*>(ref.ids);
        k = id_bound;
    } else if (id_bound > 0) {
        k = detail::renumber_below(pred.ids, pred.len, ref.ids, ref.len, id_bound, ws);
        p = ws.dense_p.data();
        r = ws.dense_r.data();
    } else {
        // distinct ids: at most the tokens
        const std::size_t tokens = pred.len + ref.len;
        ws.ngram.map.reset(tokens);
        ws.dense_p.resize(pred.len);
        ws.dense_r.resize(ref.len);
        for (std::size_t i = 0; i < pred.len; ++i)
            ws.dense_p[i] = ws.ngram.map.id(static_cast<std::uint32_t>(pred.ids[i]));
        for (std::size_t j = 0; j < ref.len; ++j)
            ws.dense_r[j] = ws.ngram.map.id(static_cast<std::uint32_t>(ref.ids[j]));
        k = ws.ngram.map.size();
        p = ws.dense_p.data();
        r = ws.dense_r.data();
    }

    const bool long_lcs = req.lcs && std::min(pred.len, ref.len) > 64;
    std::optional<SharedTokens> shared;  // needed from order 2 on, and to prune a long LCS
    if ((req.orders_mask & ~3u) || long_lcs) shared.emplace(p, pred.len, r, ref.len, k, ws.shared);
    clipped_ngram_matches(p, pred.len, r, ref.len, k, req.orders_mask, shared ? shared->flags() : nullptr, ws.ngram,
                          ngram_matches);
    if (long_lcs) {
        // a token absent from the other side is in no common subsequence: the LCS of the shared
        // tokens alone is the same length, for less work
        ws.lcs_p.resize(pred.len);
        ws.lcs_r.resize(ref.len);
        const std::size_t lp = shared->keep_shared(p, pred.len, ws.lcs_p.data());
        const std::size_t lr = shared->keep_shared(r, ref.len, ws.lcs_r.data());
        lcs = lcs_length(ws.lcs_p.data(), lp, ws.lcs_r.data(), lr, k, ws.lcs);
    } else {
        lcs = req.lcs ? lcs_length(p, pred.len, r, ref.len, k, ws.lcs) : 0;
    }
    lsum = req.lsum ? detail::summary_lcs_hits(p, pred, r, ref, k, ws) : 0;
}

namespace detail {

// Copies row ids, dropping `separator` tokens and recording where each non-empty sentence ends.
inline void split_sentences(const std::int32_t* ids, std::size_t len, std::int64_t separator,
                            std::vector<std::int32_t>& kept, std::vector<std::size_t>& ends) {
    kept.clear();
    ends.clear();
    std::size_t start = 0;
    for (std::size_t i = 0; i < len; ++i) {
        if (ids[i] == separator) {
            if (kept.size() > start) ends.push_back(kept.size());
            start = kept.size();
        } else {
            kept.push_back(ids[i]);
        }
    }
    if (kept.size() > start) ends.push_back(kept.size());
}

struct IdThreadState {
    PairWorkspace ws;
    std::vector<std::int32_t> pred_kept, ref_kept;
    std::vector<std::size_t> pred_ends, ref_ends;
};

// Thrown by rouge_id_stats(check_ids = true) on a negative id; the caller then runs check_ids()
// serially, which names the first one.
struct NegativeTokenId : std::exception {
    const char* what() const noexcept override { return "negative token id"; }
};

inline TokenSeq id_row(const RaggedView<std::int32_t>& batch, std::size_t row, std::int64_t separator,
                       std::vector<std::int32_t>& kept, std::vector<std::size_t>& ends, bool check) {
    const std::int32_t* ids = batch.values + batch.offsets[row];
    const auto len = static_cast<std::size_t>(batch.offsets[row + 1] - batch.offsets[row]);
    if (check) {
        std::int32_t low = 0;
        for (std::size_t i = 0; i < len; ++i) low = std::min(low, ids[i]);
        if (low < 0) throw NegativeTokenId();
    }
    if (separator >= 0) {
        split_sentences(ids, len, separator, kept, ends);
        return TokenSeq{kept.data(), kept.size(), ends.data(), ends.size()};
    }
    if (ends.size() != 1) ends.resize(1);
    ends[0] = len;
    return TokenSeq{ids, len, ends.data(), len ? 1u : 0u};
}

}  // namespace detail

// Statistics over token-id batches. `separator` >= 0 marks sentence breaks for rougeLsum (the
// separator tokens are dropped for every type); < 0 means one sentence per row. `check_ids`: each
// row is checked for negative ids as it is read (throws detail::NegativeTokenId).
// Statistics of predictions [begin, end) against their references (see rouge_id_stats).
inline void rouge_id_range(const RaggedView<std::int32_t>& preds, const RaggedView<std::int32_t>& refs,
                           const std::int64_t* group_offsets, const RougeRequest& req, std::int64_t separator,
                           detail::IdThreadState& st, std::int64_t* out, std::size_t begin, std::size_t end,
                           bool check_ids = false) {
    const std::size_t n_types = req.types.size();
    for (std::size_t g = begin; g < end; ++g) {
        const TokenSeq pred = detail::id_row(preds, g, separator, st.pred_kept, st.pred_ends, check_ids);
        for (auto j = group_offsets[g]; j < group_offsets[g + 1]; ++j) {
            const TokenSeq ref = detail::id_row(refs, std::size_t(j), separator, st.ref_kept, st.ref_ends, check_ids);
            score_pair(pred, ref, req, st.ws, out + std::size_t(j) * n_types * 3);
        }
    }
}

inline void rouge_id_stats(const RaggedView<std::int32_t>& preds, const RaggedView<std::int32_t>& refs,
                           const std::int64_t* group_offsets, const RougeRequest& req,
                           std::int64_t separator, int threads, std::int64_t* out,
                           const std::function<bool()>& interrupted = {}, bool check_ids = false) {
    parallel_chunks(
        preds.n_rows, threads, balanced_chunk(preds.n_rows, threads, 128), [] { return detail::IdThreadState{}; },
        [&](detail::IdThreadState& st, std::size_t begin, std::size_t end) {
            rouge_id_range(preds, refs, group_offsets, req, separator, st, out, begin, end, check_ids);
        },
        interrupted);
}

namespace detail {

struct TextThreadState {
    explicit TextThreadState(bool use_stemmer) : tokenizer(use_stemmer) {}
    TextThreadState(SacreTokenizer kind, bool sentencewise) : tokenizer(kind, sentencewise) {}
    RougeTokenizer tokenizer;
    PairWorkspace ws;
    std::vector<std::int32_t> pred_ids, ref_ids;
    std::vector<std::size_t> pred_ends, ref_ends;
};

inline TokenSeq text_row(const RaggedView<char>& batch, std::size_t row, RougeTokenizer& tokenizer,
                         std::vector<std::int32_t>& ids, std::vector<std::size_t>& ends) {
    ids.clear();
    ends.clear();
    const char* text = batch.values + batch.offsets[row];
    tokenizer.tokenize(text, static_cast<std::size_t>(batch.offsets[row + 1] - batch.offsets[row]), ids, &ends);
    return TokenSeq{ids.data(), ids.size(), ends.data(), ends.size()};
}

}  // namespace detail

// Statistics over UTF-8 text batches, tokenized as rouge-score's default tokenizer does. Token ids
// come from a per-thread interner: they only need to agree within a pair.
// `sacre_kind` >= 0 tokenizes with that sacrebleu tokenizer (see RougeTokenizer) instead of
// rouge-score's; `sentencewise` then tokenizes each '\n'-separated sentence on its own.
inline void rouge_text_stats(const RaggedView<char>& preds, const RaggedView<char>& refs,
                             const std::int64_t* group_offsets, const RougeRequest& req,
                             bool use_stemmer, int threads, std::int64_t* out,
                             const std::function<bool()>& interrupted = {}, int sacre_kind = -1,
                             bool sentencewise = false) {
    const std::size_t n_types = req.types.size();
    auto make_state = [use_stemmer, sacre_kind, sentencewise] {
        return sacre_kind >= 0 ? detail::TextThreadState(static_cast<SacreTokenizer>(sacre_kind), sentencewise)
                               : detail::TextThreadState(use_stemmer);
    };
    parallel_chunks(
        preds.n_rows, threads, balanced_chunk(preds.n_rows, threads, 64), make_state,
        [&](detail::TextThreadState& st, std::size_t begin, std::size_t end) {
            for (std::size_t g = begin; g < end; ++g) {
                const TokenSeq pred = detail::text_row(preds, g, st.tokenizer, st.pred_ids, st.pred_ends);
                for (auto j = group_offsets[g]; j < group_offsets[g + 1]; ++j) {
                    const TokenSeq ref = detail::text_row(refs, std::size_t(j), st.tokenizer, st.ref_ids, st.ref_ends);
                    score_pair(pred, ref, req, st.ws, out + std::size_t(j) * n_types * 3,
                               st.tokenizer.vocabulary().size());
                }
            }
        },
        interrupted);
}

}  // namespace ngramkit
