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
    std::vector<std::uint64_t> ref_bits, hyp_bits;  // per id (short pairs); all zero between uses
    std::vector<std::uint64_t> match, self;         // per hypothesis position (short pairs)
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


// Short pairs (hypothesis <= 64 tokens, references and one gap between each <= 64 positions):
// clipped matches with bit masks. match[i] has bit p set where the hypothesis n-gram at i occurs in
// the references at position p, self[i] bit i' where it occurs in the hypothesis at i'; order n
// follows from order n-1 as m[i] & (m[i+1] >> 1). A gap position never matches, so no n-gram
// spans two references. uh/ur: ids < k_ids, or kAbsent (a reference token not in the hypothesis).
inline void bleu_short_pair(const std::uint32_t* uh, std::size_t lh, const std::uint32_t* ur, const IdSpan* refs,
                            std::size_t n_refs, std::size_t k_ids, int max_order, BleuWorkspace& ws,
                            std::int64_t* correct) {
    constexpr std::uint32_t kAbsent = DenseIdMap::kAbsent;
    if (ws.ref_bits.size() < k_ids) {
        ws.ref_bits.resize(k_ids, 0);
        ws.hyp_bits.resize(k_ids, 0);
    }
    std::uint64_t segment[64];
    std::size_t pos = 0, t = 0;
    for (std::size_t k = 0; k < n_refs; ++k) {
        const std::size_t lr = refs[k].len;
        segment[k] = lr ? ((lr == 64 ? ~0ULL : (1ULL << lr) - 1) << pos) : 0;
        for (std::size_t j = 0; j < lr; ++j, ++t, ++pos)
            if (ur[t] != kAbsent) ws.ref_bits[ur[t]] |= 1ULL << pos;
        ++pos;  // the gap
    }
    ws.match.resize(lh);
    ws.self.resize(lh);
    std::uint64_t* m = ws.match.data();
    std::uint64_t* self = ws.self.data();
    for (std::size_t i = 0; i < lh; ++i) ws.hyp_bits[uh[i]] |= 1ULL << i;
    for (std::size_t i = 0; i < lh; ++i) {
        m[i] = ws.ref_bits[uh[i]];
        self[i] = ws.hyp_bits[uh[i]];
    }
    for (std::size_t i = 0; i < lh; ++i) ws.hyp_bits[uh[i]] = 0;
    for (std::size_t j = 0; j < t; ++j)
        if (ur[j] != kAbsent) ws.ref_bits[ur[j]] = 0;
    for (int n = 1; n <= max_order && static_cast<std::size_t>(n) <= lh; ++n) {
        const std::size_t nh = lh - static_cast<std::size_t>(n) + 1;
        if (n > 1)
            for (std::size_t i = 0; i < nh; ++i) {
                m[i] &= m[i + 1] >> 1;
                self[i] &= self[i + 1] >> 1;
            }
        std::int64_t matches = 0;
        for (std::size_t i = 0; i < nh; ++i) {
            if (m[i] == 0 || (self[i] & ((1ULL << i) - 1)) != 0) continue;  // no match, or not the first
            int most = 0;
            if (n_refs == 1) {
                most = __builtin_popcountll(m[i]);
            } else {
                for (std::size_t k = 0; k < n_refs; ++k) {
                    const int c = __builtin_popcountll(m[i] & segment[k]);
                    if (c > most) most = c;
                }
            }
            const int in_hyp = __builtin_popcountll(self[i]);
            matches += in_hyp < most ? in_hyp : most;
        }
        correct[n - 1] = matches;
        if (matches == 0) break;
    }
}

}  // namespace detail


// Writes the 2 + 2*max_order statistics of one hypothesis against its references to `out`.
// `id_bound` > 0 says every id is below it: order-1 counts then index arrays of that size directly;
// otherwise the hypothesis' tokens get dense ids first. From order 2 on, an n-gram gets a dense id
// (keyed by the id of its (n-1)-gram prefix and its last token) only if its prefix occurs in some
// reference; all others cannot match and are skipped, so the work shrinks with the matches.
inline void bleu_pair_stats(IdSpan hyp, const IdSpan* refs, std::size_t n_refs, int max_order,
                            BleuWorkspace& ws, std::int64_t* out, std::size_t id_bound = 0) {
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
        for (std::size_t i = 0; i < lh; ++i) uh[i] = static_cast<std::uint32_t>(hyp.ids[i]);
        std::size_t pos = 0;
        for (std::size_t k = 0; k < n_refs; ++k)
            for (std::size_t j = 0; j < refs[k].len; ++j) ur[pos++] = static_cast<std::uint32_t>(refs[k].ids[j]);
        k_ids = id_bound;
    } else {
        ws.map.reset(lh);
        for (std::size_t i = 0; i < lh; ++i) uh[i] = ws.map.id(static_cast<std::uint32_t>(hyp.ids[i]));
        std::size_t pos = 0;
        for (std::size_t k = 0; k < n_refs; ++k)
            for (std::size_t j = 0; j < refs[k].len; ++j)
                ur[pos++] = ws.map.find(static_cast<std::uint32_t>(refs[k].ids[j]));
        k_ids = ws.map.size();
    }
    if (lh <= 64 && ref_tokens + n_refs <= 65) {
        detail::bleu_short_pair(uh, lh, ur, refs, n_refs, k_ids, max_order, ws, correct);
        return;
    }
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
// Token ids come from a per-thread interner: they only need to agree within a hypothesis' group.
inline void bleu_text_stats(const RaggedView<char>& preds, const RaggedView<char>& refs, const std::int64_t* groups,
                            SacreTokenizer kind, int max_order, int threads, std::int64_t* out,
                            const std::function<bool()>& interrupted = {}) {
    const std::size_t width = 2 + 2 * static_cast<std::size_t>(max_order);
    parallel_chunks(
        preds.n_rows, threads, 64, [] { return detail::BleuTextState{}; },
        [&](detail::BleuTextState& st, std::size_t begin, std::size_t end) {
            for (std::size_t g = begin; g < end; ++g) {
                st.group.build(preds, refs, groups, g, [kind](const char* text, std::size_t len, std::string& out) {
                    sacrebleu_tokenize(kind, text, len, out);
                });
                const std::size_t vocabulary = st.group.vocabulary_size();
                bleu_pair_stats(st.group.hypothesis(), st.group.references(), st.group.n_references(), max_order,
                                st.ws, out + g * width,
                                vocabulary < kDirectIdLimit ? std::max<std::size_t>(vocabulary, 1) : 0);
            }
        },
        interrupted);
}

}  // namespace ngramkit
