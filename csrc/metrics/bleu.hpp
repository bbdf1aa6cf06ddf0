// SPDX-License-Identifier: Apache-2.0
// BLEU sufficient statistics per hypothesis, as sacrebleu 2.x computes them, and sentence BLEU.
//
// For hypothesis g and its references (rows groups[g]..groups[g+1] of the reference batch), one
// row of 2 + 2N int64 (N = max n-gram order):
//   hyp_len, ref_len, correct_1..N, total_1..N
// hyp_len / ref_len count tokens; ref_len is the closest reference length (a tie goes to the
// shorter one); correct_n = Σ over the hypothesis' distinct n-grams of min(count in hypothesis,
// max count in any one reference); total_n = the hypothesis' n-grams. Rows add up over any
// partition of the corpus.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "core/dense_ids.hpp"
#include "core/parallel.hpp"
#include "core/ragged.hpp"
#include "text/interner.hpp"
#include "text/tokenized_group.hpp"
#include "text/sacrebleu_tokenizers.hpp"
#include "text/utf8.hpp"

namespace ngramkit {

struct BleuWorkspace {
    DenseIdMap map;
    std::vector<std::uint32_t> unigram_h, level_h;  // hypothesis: token ids, n-gram ids of this order
    std::vector<std::uint32_t> unigram_r, level_r;  // the same for every reference, concatenated
    std::vector<std::int32_t> max_ref, ref_count;   // per id; all zero between uses
    std::vector<std::uint64_t> id_bits;        // bleu_bitset_pair: per id; all zero between uses
    std::vector<std::uint64_t> position_bits;  // bleu_bitset_pair: per position and per reference
    std::vector<std::uint32_t> alive;          // bleu_bitset_pair: positions still matching
};

// ref_len as sacrebleu's _get_closest_ref_len: the first minimum of |hyp - ref|, then ties to the
// shorter reference. Zero references give 0 (sacrebleu would give -1; callers reject that case).
inline std::int64_t closest_ref_length(std::int64_t hyp_len, const IdSpan* refs, std::size_t n_refs) {
    std::int64_t best_diff = -1, best_len = 0;
    for (std::size_t k = 0; k < n_refs; ++k) {
        const auto len = static_cast<std::int64_t>(refs[k].len);
        const std::int64_t diff = std::llabs(hyp_len - len);
        if (best_diff < 0 || diff < best_diff) {
            best_diff = diff;
            best_len = len;
        } else if (diff == best_diff && len < best_len) {
            best_len = len;
        }
    }
    return best_len;
}

namespace detail {

// Clipped matches of the hypothesis ids h[0..nh) against the maximum count in any one reference
// (each reference k holds ids r[base_k .. base_k + nr_k)); ids are < k_ids or kAbsent. Hypothesis
// ids that occur in no reference become kAbsent, so the next order skips them. Leaves max_ref and
// ref_count all zero.
inline std::int64_t clip_against_references(std::uint32_t* h, std::size_t nh, const std::uint32_t* r,
                                            const IdSpan* refs, std::size_t n_refs, std::size_t span,
                                            std::size_t k_ids, BleuWorkspace& ws) {
    constexpr std::uint32_t kAbsent = DenseIdMap::kAbsent;
    if (ws.max_ref.size() < k_ids) {
        ws.max_ref.resize(k_ids, 0);
        ws.ref_count.resize(k_ids, 0);
    }
    std::int32_t* max_ref = ws.max_ref.data();
    std::int32_t* count = ws.ref_count.data();
    std::size_t base = 0;
    for (std::size_t k = 0; k < n_refs; ++k) {
        const std::size_t lr = refs[k].len;
        const std::size_t nr = lr > span ? lr - span : 0;
        const std::uint32_t* rk = r + base;
        for (std::size_t j = 0; j < nr; ++j)
            if (rk[j] != kAbsent) ++count[rk[j]];
        for (std::size_t j = 0; j < nr; ++j) {
            if (rk[j] == kAbsent) continue;
            std::int32_t& c = count[rk[j]];
            if (c > max_ref[rk[j]]) max_ref[rk[j]] = c;
            c = 0;
        }
        base += lr;
    }
    for (std::size_t i = 0; i < nh; ++i)
        if (h[i] != kAbsent && max_ref[h[i]] == 0) h[i] = kAbsent;
    std::int64_t matches = 0;
    for (std::size_t i = 0; i < nh; ++i) {
        if (h[i] == kAbsent) continue;
        std::int32_t& c = max_ref[h[i]];
        if (c > 0) {
            ++matches;
            --c;
        }
    }
    base = 0;
    for (std::size_t k = 0; k < n_refs; ++k) {
        const std::size_t lr = refs[k].len;
        const std::size_t nr = lr > span ? lr - span : 0;
        for (std::size_t j = 0; j < nr; ++j)
            if (r[base + j] != kAbsent) max_ref[r[base + j]] = 0;
        base += lr;
    }
    return matches;
}


// Pairs of up to W * 64 positions a side (hypothesis tokens; reference tokens with one gap
// between references): clipped matches with bit sets of W 64-bit words. match[i] has bit p set
// where the hypothesis n-gram at i occurs in the references at position p, self[i] bit i' where it
// occurs in the hypothesis at i'; order n follows from order n-1 as m[i] & (m[i+1] >> 1). A gap
// position never matches, so no n-gram spans two references. uh/ur: ids < k_ids, or kAbsent (a
// reference token not in the hypothesis).
// Bit sets of W words, stored at w[0..W).
template <std::size_t W>
struct Bits {
    static bool any(const std::uint64_t* w) {
        std::uint64_t x = 0;
        for (std::size_t j = 0; j < W; ++j) x |= w[j];
        return x != 0;
    }
    static int count(const std::uint64_t* w) {
        int c = 0;
        for (std::size_t j = 0; j < W; ++j) c += __builtin_popcountll(w[j]);
        return c;
    }
    static int count_and(const std::uint64_t* w, const std::uint64_t* o) {
        int c = 0;
        for (std::size_t j = 0; j < W; ++j) c += __builtin_popcountll(w[j] & o[j]);
        return c;
    }
    // Any bit below position i (< 64 W) set?
    static bool any_below(const std::uint64_t* w, std::size_t i) {
        std::uint64_t x = w[i / 64] & ((std::uint64_t(1) << (i % 64)) - 1);
        for (std::size_t j = 0; j < i / 64; ++j) x |= w[j];
        return x != 0;
    }
    // w &= next >> 1 (bit p of the result: bit p + 1 of next)
    static void and_shifted(std::uint64_t* w, const std::uint64_t* next) {
        for (std::size_t j = 0; j + 1 < W; ++j) w[j] &= (next[j] >> 1) | (next[j + 1] << 63);
        w[W - 1] &= next[W - 1] >> 1;
    }
    static void set(std::uint64_t* w, std::size_t p) { w[p / 64] |= std::uint64_t(1) << (p % 64); }
    static void copy(std::uint64_t* to, const std::uint64_t* from) {
        for (std::size_t j = 0; j < W; ++j) to[j] = from[j];
    }
    static void clear(std::uint64_t* w) {
        for (std::size_t j = 0; j < W; ++j) w[j] = 0;
    }
};

template <std::size_t W>
inline void bleu_bitset_pair(const std::uint32_t* uh, std::size_t lh, const std::uint32_t* ur, const IdSpan* refs,
                             std::size_t n_refs, std::size_t k_ids, int max_order, BleuWorkspace& ws,
                             std::int64_t* correct) {
    using B = Bits<W>;
    constexpr std::uint32_t kAbsent = DenseIdMap::kAbsent;
    if (ws.id_bits.size() < 2 * W * k_ids) ws.id_bits.resize(2 * W * k_ids, 0);
    const std::size_t scratch = W * (2 * lh + (n_refs > 1 ? n_refs : 0));
    if (ws.position_bits.size() < scratch) ws.position_bits.resize(scratch);
    std::uint64_t* ref_bits = ws.id_bits.data();  // id u at W u: where it occurs in the references
    std::uint64_t* hyp_bits = ref_bits + W * k_ids;  // and in the hypothesis
    std::uint64_t* m = ws.position_bits.data();
    std::uint64_t* self = m + W * lh;
    std::uint64_t* segment = self + W * lh;  // several references: the positions of each
    std::size_t pos = 0, t = 0;
    for (std::size_t k = 0; k < n_refs; ++k) {
        const std::size_t lr = refs[k].len;
        if (n_refs > 1) B::clear(segment + W * k);
        for (std::size_t j = 0; j < lr; ++j, ++t, ++pos) {
            if (n_refs > 1) B::set(segment + W * k, pos);
            if (ur[t] != kAbsent) B::set(ref_bits + W * ur[t], pos);
        }
        ++pos;  // the gap
    }
    for (std::size_t i = 0; i < lh; ++i) B::set(hyp_bits + W * uh[i], i);
    for (std::size_t i = 0; i < lh; ++i) {
        B::copy(m + W * i, ref_bits + W * uh[i]);
        B::copy(self + W * i, hyp_bits + W * uh[i]);
    }
    for (std::size_t i = 0; i < lh; ++i) B::clear(hyp_bits + W * uh[i]);
    for (std::size_t j = 0; j < t; ++j)
        if (ur[j] != kAbsent) B::clear(ref_bits + W * ur[j]);
    // alive[0..n_alive): the positions whose n-gram occurs in a reference, ascending. An n-gram
    // at i can occur only if the (n-1)-grams at i and i + 1 do, so the others are never read again.
    if (ws.alive.size() < lh) ws.alive.resize(lh);
    std::uint32_t* alive = ws.alive.data();
    std::size_t n_alive = 0;
    for (std::size_t i = 0; i < lh; ++i) {
        alive[n_alive] = static_cast<std::uint32_t>(i);
        n_alive += B::any(m + W * i);
    }
    for (int n = 1; n <= max_order && static_cast<std::size_t>(n) <= lh; ++n) {
        if (n > 1) {
            std::size_t kept = 0;
            for (std::size_t k = 0; k + 1 < n_alive; ++k) {
                const std::size_t i = alive[k];
                if (alive[k + 1] != i + 1) continue;
                B::and_shifted(m + W * i, m + W * (i + 1));
                B::and_shifted(self + W * i, self + W * (i + 1));
                alive[kept] = static_cast<std::uint32_t>(i);
                kept += B::any(m + W * i);
            }
            n_alive = kept;
        }
        std::int64_t matches = 0;
        for (std::size_t k = 0; k < n_alive; ++k) {
            const std::size_t i = alive[k];
            const std::uint64_t* mi = m + W * i;
            const std::uint64_t* si = self + W * i;
            if (B::any_below(si, i)) continue;  // not the n-gram's first occurrence
            int most = 0;
            if (n_refs == 1) {
                most = B::count(mi);
            } else {
                for (std::size_t r = 0; r < n_refs; ++r) {
                    const int c = B::count_and(mi, segment + W * r);
                    if (c > most) most = c;
                }
            }
            const int in_hyp = B::count(si);
            matches += in_hyp < most ? in_hyp : most;
        }
        correct[n - 1] = matches;
        if (matches == 0) break;
    }
}

// The widest W that bleu_bitset_pair takes: up to 1,024 positions a side. Its work grows as
// positions^2 / 64 per order, the hashing path's linearly; on WMT paragraphs the bit sets stay
// faster up to about this width.
constexpr std::size_t kMaxBitSetWords = 16;

// bleu_bitset_pair with the first width of W, Wider... that holds `words` words; false if none does.
template <std::size_t W, std::size_t... Wider>
inline bool bleu_bitset_pair_of_width(std::size_t words, const std::uint32_t* uh, std::size_t lh,
                                      const std::uint32_t* ur, const IdSpan* refs, std::size_t n_refs,
                                      std::size_t k_ids, int max_order, BleuWorkspace& ws, std::int64_t* correct) {
    if (words <= W) {
        bleu_bitset_pair<W>(uh, lh, ur, refs, n_refs, k_ids, max_order, ws, correct);
        return true;
    }
    if constexpr (sizeof...(Wider) > 0) {
        return bleu_bitset_pair_of_width<Wider...>(words, uh, lh, ur, refs, n_refs, k_ids, max_order, ws, correct);
    } else {
        return false;
    }
}

// Runs bleu_bitset_pair with the fewest words (1, 2, 3, 4, 6, 8, 12 or 16) that hold both sides;
// false if more than kMaxBitSetWords would be needed.
inline bool bleu_bitset_pair_fitting(const std::uint32_t* uh, std::size_t lh, const std::uint32_t* ur,
                                     const IdSpan* refs, std::size_t n_refs, std::size_t ref_tokens, std::size_t k_ids,
                                     int max_order, BleuWorkspace& ws, std::int64_t* correct) {
    // reference positions 0 .. ref_tokens + n_refs - 2 (the last reference has no gap after it)
    const std::size_t positions = std::max(lh, ref_tokens + n_refs > 0 ? ref_tokens + n_refs - 1 : 0);
    return bleu_bitset_pair_of_width<1, 2, 3, 4, 6, 8, 12, kMaxBitSetWords>(
        (positions + 63) / 64, uh, lh, ur, refs, n_refs, k_ids, max_order, ws, correct);
}

}  // namespace detail


// Writes the 2 + 2*max_order statistics of one hypothesis against its references to `out`.
// `id_bound` > 0 says every id is below it: order-1 counts then index arrays of that size directly;
// otherwise the hypothesis' tokens get dense ids first. `hyp_id_bound` > 0 (with `id_bound`) says
// every hypothesis id is below it, so a reference id from it on matches nothing. From order 2 on, an n-gram gets a dense id
// (keyed by the id of its (n-1)-gram prefix and its last token) only if its prefix occurs in some
// reference; all others cannot match and are skipped, so the work shrinks with the matches.
inline void bleu_pair_stats(IdSpan hyp, const IdSpan* refs, std::size_t n_refs, int max_order,
                            BleuWorkspace& ws, std::int64_t* out, std::size_t id_bound = 0,
                            std::size_t hyp_id_bound = 0) {
    constexpr std::uint32_t kAbsent = DenseIdMap::kAbsent;
    const std::size_t lh = hyp.len;
    std::int64_t* correct = out + 2;
    std::int64_t* total = out + 2 + max_order;
    out[0] = static_cast<std::int64_t>(lh);
    out[1] = closest_ref_length(out[0], refs, n_refs);
    for (int n = 0; n < max_order; ++n) {
        correct[n] = 0;
        total[n] = static_cast<std::int64_t>(lh >= static_cast<std::size_t>(n + 1) ? lh - n : 0);
    }
    if (lh == 0) return;

    std::size_t ref_tokens = 0;
    for (std::size_t k = 0; k < n_refs; ++k) ref_tokens += refs[k].len;
    ws.unigram_h.resize(lh);
    ws.level_h.resize(lh);
    ws.unigram_r.resize(ref_tokens);
    ws.level_r.resize(ref_tokens);
    std::uint32_t* uh = ws.unigram_h.data();
    std::uint32_t* ur = ws.unigram_r.data();
    std::uint32_t* h = ws.level_h.data();
    std::uint32_t* r = ws.level_r.data();

    std::size_t k_ids;
    if (id_bound > 0) {
        k_ids = hyp_id_bound > 0 ? hyp_id_bound : id_bound;
        for (std::size_t i = 0; i < lh; ++i) uh[i] = static_cast<std::uint32_t>(hyp.ids[i]);
        std::size_t pos = 0;
        for (std::size_t k = 0; k < n_refs; ++k)
            for (std::size_t j = 0; j < refs[k].len; ++j) {
                const auto id = static_cast<std::uint32_t>(refs[k].ids[j]);
                ur[pos++] = id < k_ids ? id : kAbsent;
            }
    } else {
        ws.map.reset(lh);
        for (std::size_t i = 0; i < lh; ++i) uh[i] = ws.map.id(static_cast<std::uint32_t>(hyp.ids[i]));
        std::size_t pos = 0;
        for (std::size_t k = 0; k < n_refs; ++k)
            for (std::size_t j = 0; j < refs[k].len; ++j)
                ur[pos++] = ws.map.find(static_cast<std::uint32_t>(refs[k].ids[j]));
        k_ids = ws.map.size();
    }
    if (detail::bleu_bitset_pair_fitting(uh, lh, ur, refs, n_refs, ref_tokens, k_ids, max_order, ws, correct)) return;
    std::copy(uh, uh + lh, h);
    std::copy(ur, ur + ref_tokens, r);
    correct[0] = detail::clip_against_references(h, lh, r, refs, n_refs, 0, k_ids, ws);
    if (max_order > 1 && correct[0] > 0) {
        // reference tokens that match no hypothesis token start no matching n-gram: mark them
        std::int32_t* mark = ws.ref_count.data();  // all zero here, sized >= k_ids
        for (std::size_t i = 0; i < lh; ++i)
            if (h[i] != kAbsent) mark[h[i]] = 1;
        for (std::size_t j = 0; j < ref_tokens; ++j)
            if (r[j] != kAbsent && mark[r[j]] == 0) r[j] = kAbsent;
        for (std::size_t i = 0; i < lh; ++i)
            if (h[i] != kAbsent) mark[h[i]] = 0;
    }

    for (int n = 2; n <= max_order; ++n) {
        const std::size_t span = static_cast<std::size_t>(n) - 1;
        if (lh <= span || correct[n - 2] == 0) break;  // no n-grams, or none can match: correct stays 0
        // An n-gram can occur in a reference only if both its (n-1)-gram prefix (at i) and suffix
        // (at i + 1) do; h[i + 1] and r[base + j + 1] still hold order n-1 ids when read.
        const std::size_t nh = lh - span;
        ws.map.reset(nh);
        for (std::size_t i = 0; i < nh; ++i)
            h[i] = (h[i] == kAbsent || h[i + 1] == kAbsent) ? kAbsent
                                                           : ws.map.id((std::uint64_t(h[i]) << 32) | uh[i + span]);
        std::size_t base = 0;
        for (std::size_t k = 0; k < n_refs; ++k) {
            const std::size_t lr = refs[k].len;
            const std::size_t nr = lr > span ? lr - span : 0;
            for (std::size_t j = 0; j < nr; ++j) {
                const std::uint32_t prev = r[base + j], next = r[base + j + 1];
                r[base + j] = (prev == kAbsent || next == kAbsent)
                                  ? kAbsent
                                  : ws.map.find((std::uint64_t(prev) << 32) | ur[base + j + span]);
            }
            base += lr;
        }
        correct[n - 1] = detail::clip_against_references(h, nh, r, refs, n_refs, span, ws.map.size(), ws);
    }
}

enum class BleuSmooth : int { None = 0, Floor = 1, AddK = 2, Exp = 3 };

// Python's sum() of floats: left to right from 0, and from CPython 3.12 on with Neumaier's
// compensation (the `compensated` flag says which interpreter the caller runs).
inline double python_float_sum(const double* x, std::size_t n, bool compensated) {
    if (n == 0) return 0.0;
    double sum = 0.0 + x[0], c = 0.0;
    for (std::size_t i = 1; i < n; ++i) {
        if (!compensated) {
            sum += x[i];
            continue;
        }
        const double t = sum + x[i];
        if (std::fabs(sum) >= std::fabs(x[i]))
            c += (sum - t) + x[i];
        else
            c += (x[i] - t) + sum;
        sum = t;
    }
    if (compensated && c != 0.0 && std::isfinite(c)) sum += c;
    return sum;
}

// sacrebleu's BLEU.compute_bleu on one statistics row (2 + 2*max_order), the same IEEE
// operations in the same order, with libm's exp and log as Python's math module uses them.
inline double bleu_score(const std::int64_t* stats, int max_order, BleuSmooth smooth, double smooth_value,
                         bool effective_order, bool compensated_sum) {
    const std::int64_t sys_len = stats[0], ref_len = stats[1];
    const std::int64_t* correct_in = stats + 2;
    const std::int64_t* total_in = stats + 2 + max_order;
    double bp = 1.0;
    if (sys_len < ref_len)
        bp = sys_len > 0 ? std::exp(1.0 - static_cast<double>(ref_len) / static_cast<double>(sys_len)) : 0.0;
    bool any = false;
    for (int n = 0; n < max_order; ++n) any = any || correct_in[n] != 0;
    if (!any) return 0.0;
    std::vector<double> precisions(static_cast<std::size_t>(max_order), 0.0);
    double smooth_mteval = 1.0;
    int eff_order = max_order;
    for (int n = 1; n <= max_order; ++n) {
        double correct = static_cast<double>(correct_in[n - 1]);
        double total = static_cast<double>(total_in[n - 1]);
        if (smooth == BleuSmooth::AddK && n > 1) {
            correct += smooth_value;
            total += smooth_value;
        }
        if (total == 0) break;
        if (effective_order) eff_order = n;
        if (correct == 0) {
            if (smooth == BleuSmooth::Exp) {
                smooth_mteval *= 2;
                precisions[n - 1] = 100. / (smooth_mteval * total);
            } else if (smooth == BleuSmooth::Floor) {
                precisions[n - 1] = 100. * smooth_value / total;
            }
        } else {
            precisions[n - 1] = 100. * correct / total;
        }
    }
    for (int n = 0; n < eff_order; ++n)
        precisions[n] = precisions[n] == 0.0 ? -9999999999.0 : std::log(precisions[n]);
    const double log_sum = python_float_sum(precisions.data(), static_cast<std::size_t>(eff_order), compensated_sum);
    return bp * std::exp(log_sum / eff_order);
}

namespace detail {

struct BleuIdState {
    BleuWorkspace ws;
    std::vector<IdSpan> refs;
};

struct BleuTextState {
    BleuWorkspace ws;
    TokenizedGroup group;
};

}  // namespace detail

// Ids below this bound are counted in arrays indexed by the id (two int32 per id and thread);
// larger vocabularies get dense ids per pair instead.
constexpr std::size_t kDirectIdLimit = std::size_t(1) << 22;

// Statistics over token-id batches: out has n_pred rows of 2 + 2*max_order. `max_id`: the largest
// id in either batch (-1 if none), which picks direct indexing when small.
inline void bleu_id_stats(const RaggedView<std::int32_t>& preds, const RaggedView<std::int32_t>& refs,
                          const std::int64_t* groups, int max_order, int threads, std::int64_t* out,
                          std::int64_t max_id, const std::function<bool()>& interrupted = {}) {
    const std::size_t id_bound =
        max_id >= 0 && static_cast<std::size_t>(max_id) < kDirectIdLimit ? static_cast<std::size_t>(max_id) + 1 : 0;
    const std::size_t width = 2 + 2 * static_cast<std::size_t>(max_order);
    parallel_chunks(
        preds.n_rows, threads, 256, [] { return detail::BleuIdState{}; },
        [&](detail::BleuIdState& st, std::size_t begin, std::size_t end) {
            for (std::size_t g = begin; g < end; ++g) {
                st.refs.clear();
                for (auto j = groups[g]; j < groups[g + 1]; ++j)
                    st.refs.push_back(id_span(refs, static_cast<std::size_t>(j)));
                bleu_pair_stats(id_span(preds, g), st.refs.data(), st.refs.size(), max_order, st.ws,
                                out + g * width, id_bound);
            }
        },
        interrupted);
}

// Statistics over UTF-8 text, tokenized by sacrebleu's tokenizer `kind` (the caller lowercases).
// Token ids are each group's own (TokenizedGroup), so the tables indexed by id stay small; reference
// words absent from the hypothesis share one id, which matches nothing.
inline void bleu_text_stats(const RaggedView<char>& preds, const RaggedView<char>& refs, const std::int64_t* groups,
                            SacreTokenizer kind, int max_order, int threads, std::int64_t* out,
                            const std::function<bool()>& interrupted = {}) {
    const std::size_t width = 2 + 2 * static_cast<std::size_t>(max_order);
    parallel_chunks(
        preds.n_rows, threads, 64, [] { return detail::BleuTextState{}; },
        [&](detail::BleuTextState& st, std::size_t begin, std::size_t end) {
            for (std::size_t g = begin; g < end; ++g) {
                st.group.build(preds, refs, groups, g, kind, ReferenceWords::kHypothesisOnly);
                const std::size_t vocabulary = st.group.vocabulary_size();
                const bool direct = vocabulary < kDirectIdLimit;
                bleu_pair_stats(st.group.hypothesis(), st.group.references(), st.group.n_references(), max_order,
                                st.ws, out + g * width, direct ? std::max<std::size_t>(vocabulary, 1) : 0,
                                direct ? std::max<std::size_t>(st.group.hypothesis_vocabulary(), 1) : 0);
            }
        },
        interrupted);
}

}  // namespace ngramkit
