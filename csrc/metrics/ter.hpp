// SPDX-License-Identifier: Apache-2.0
// TER of one hypothesis against one reference over int32 token ids, as sacrebleu 2.6.0's
// lib_ter.translation_edit_rate: greedy shifts (size <= 10, distance <= 50, at most 1000
// candidates per pair; the round reaching the cap applies no shift) and a beam-limited edit
// distance (beam 25, ceil(m / n / 2 + 25) when m / n > 50) with ties sub/match > del > ins.
// Memory: O(n * beam + m) per pair (only the band of each row is kept; operations are recomputed
// along the trace, not stored). Buffers live in a per-thread TerWorkspace; shift candidates are
// found through the reference positions sorted by word, not by scanning every (hyp, ref) pair.
// Checked against sacrebleu by tests/test_ter_kernel.py (this kernel alone) and tests/test_ter.py.
//
// Statistics of a hypothesis and its references (rows groups[g]..groups[g+1]), two float64 as
// sacrebleu's TER._compute_segment_statistics: the fewest edits over the references, and the
// references' average length in words (their total divided by their number).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/parallel.hpp"
#include "core/ragged.hpp"
#include "text/tokenized_group.hpp"
#include "text/tercom_tokenizer.hpp"

namespace ngramkit::ter {

constexpr std::int64_t kInf = 10000000000000000LL;  // sacrebleu's int(1e16)
constexpr int kMaxShiftSize = 10;
constexpr int kMaxShiftDist = 50;
constexpr int kBeamWidth = 25;
constexpr int kMaxCandidates = 1000;
enum Op : char { kNop = ' ', kSub = 's', kIns = 'i', kDel = 'd', kUndef = 'x' };

// Banded edit distance of hyp (rows) to ref (columns). Keeps, per row i, the values for j in
// [lo[i], hi[i]); rows below `from` are reused from the previous call (same hypothesis prefix
// and length). The operations are not stored: trace() recomputes them on its path.
class BeamEditDistance {
public:
    // Starts over with reference ref (length m); buffers are kept for reuse.
    void reset(const std::int32_t* ref, std::size_t m) {
        ref_ = ref;
        m_ = m;
        n_ = static_cast<std::size_t>(-1);
    }

    // Edit distance of h (length n); rows 1..from-1 are kept from the last call on a
    // hypothesis of the same length sharing its first from-1 words.
    std::int64_t run(const std::int32_t* h, std::size_t n, std::size_t from = 1) {
        if (n != n_ || from < 1) { setup(n); from = 1; }
        h_ = h;
        for (std::size_t i = from; i <= n; ++i) {
            const std::size_t lo = lo_[i], hi = hi_[i];
            const std::size_t plo = lo_[i - 1], phi = hi_[i - 1];  // plo <= lo: bands only move right
            const std::int64_t* pv = &val_[base_[i - 1]];
            std::int64_t* cv = &val_[base_[i]];  // cv[j - lo], j in [lo, hi)
            const std::int32_t word = h[i - 1];
            // up_left = prev(j - 1), left = cur(j - 1), carried along the row
            std::int64_t up_left = (lo > plo && lo - 1 < phi) ? pv[lo - 1 - plo] : kInf, left = kInf;
            std::size_t j = lo;
            if (j == 0 && j < hi) {
                up_left = 0 < phi ? pv[0] : kInf;
                left = cv[0] = up_left + 1;  // lo == 0
                ++j;
            }
            // best of sub/match, deletion, insertion (first strictly smaller wins; kInf if none)
            auto cell = [&](std::size_t col, std::int64_t up) {
                const std::int64_t c1 = up_left + (word == ref_[col - 1] ? 0 : 1);
                left = cv[col - lo] = std::min(std::min(kInf, c1), std::min(up, left) + 1);
                up_left = up;
            };
            for (const std::size_t mid = std::min(hi, std::max(j, phi)); j < mid; ++j) cell(j, pv[j - plo]);
            for (; j < hi; ++j) cell(j, kInf);
        }
        return value(n, m_);
    }

    // Trace of the last run, from (0,0) to (n,m), in sacrebleu's letters; false if undefined.
    bool trace(std::vector<char>& out) const {
        out.clear();
        std::size_t i = n_, j = m_;
        while (i > 0 || j > 0) {
            const char o = op(i, j);
            out.push_back(o);
            if (o == kSub || o == kNop) { --i; --j; }
            else if (o == kIns) --j;
            else if (o == kDel) --i;
            else return false;
        }
        std::reverse(out.begin(), out.end());
        return true;
    }

private:
    std::int64_t value(std::size_t i, std::size_t j) const {
        return (j >= lo_[i] && j < hi_[i]) ? val_[base_[i] + (j - lo_[i])] : kInf;
    }

    // The operation run() chose at (i, j), by its rules: sub/match > del > ins on ties.
    char op(std::size_t i, std::size_t j) const {
        if (j < lo_[i] || j >= hi_[i]) return kUndef;
        if (i == 0) return kIns;
        if (j == 0) return kDel;
        const bool eq = h_[i - 1] == ref_[j - 1];
        const std::int64_t c1 = value(i - 1, j - 1) + (eq ? 0 : 1), c2 = value(i - 1, j) + 1, c3 = value(i, j - 1) + 1;
        std::int64_t best = kInf;
        char bop = kUndef;
        if (best > c1) { best = c1; bop = eq ? kNop : kSub; }
        if (best > c2) { best = c2; bop = kDel; }
        if (best > c3) bop = kIns;
        return bop;
    }

    void setup(std::size_t n) {
        n_ = n;
        lo_.assign(n + 1, 0);
        hi_.assign(n + 1, 0);
        base_.assign(n + 2, 0);
        const double ratio = n ? static_cast<double>(m_) / static_cast<double>(n) : 1.0;
        const std::int64_t beam = (kBeamWidth < ratio / 2)
                                      ? static_cast<std::int64_t>(std::ceil(ratio / 2 + kBeamWidth))
                                      : kBeamWidth;
        lo_[0] = 0;
        hi_[0] = m_ + 1;
        for (std::size_t i = 1; i <= n; ++i) {
            const auto diag = static_cast<std::int64_t>(std::floor(static_cast<double>(i) * ratio));
            lo_[i] = static_cast<std::size_t>(std::max<std::int64_t>(0, diag - beam));
            hi_[i] = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(m_) + 1, diag + beam));
            if (i == n) hi_[i] = m_ + 1;
            if (hi_[i] < lo_[i]) hi_[i] = lo_[i];
        }
        for (std::size_t i = 0; i <= n; ++i) base_[i + 1] = base_[i] + (hi_[i] - lo_[i]);
        val_.assign(base_[n + 1], kInf);
        for (std::size_t j = 0; j <= m_; ++j) val_[j] = static_cast<std::int64_t>(j);
    }

    const std::int32_t* ref_ = nullptr;
    std::size_t m_ = 0;
    std::size_t n_ = static_cast<std::size_t>(-1);
    std::vector<std::size_t> lo_, hi_, base_;
    std::vector<std::int64_t> val_;
    const std::int32_t* h_ = nullptr;  // the hypothesis of the last run
};


// words[:start] + ... as sacrebleu's _perform_shift (slices clamped as Python's).
inline void perform_shift(const std::vector<std::int32_t>& w, std::size_t start, std::size_t len,
                          std::size_t target, std::vector<std::int32_t>& out) {
    const std::size_t n = w.size();
    auto add = [&](std::size_t a, std::size_t b) {
        a = std::min(a, n); b = std::min(b, n);
        if (a < b) out.insert(out.end(), w.begin() + static_cast<std::ptrdiff_t>(a), w.begin() + static_cast<std::ptrdiff_t>(b));
    };
    out.clear();
    if (target < start) { add(0, target); add(start, start + len); add(target, start); add(start + len, n); }
    else if (target > start + len) { add(0, start); add(start + len, target); add(start, start + len); add(target, n); }
    else { add(0, start); add(start + len, len + target); add(start, start + len); add(len + target, n); }
}

// Buffers of translation_edit_rate, reused from pair to pair by one thread.
struct TerWorkspace {
    BeamEditDistance ed;
    std::vector<std::int32_t> words, shifted, best_words;
    std::vector<char> tr;
    std::vector<std::int64_t> align, hyp_err, ref_err;  // alignment; error prefix sums
    std::vector<std::pair<std::int32_t, std::size_t>> positions;  // (word, position) of ref, sorted
};

// The edits of sacrebleu's translation_edit_rate (its reference length is m).
inline std::int64_t translation_edit_rate(const std::int32_t* hyp, std::size_t n, const std::int32_t* ref,
                                          std::size_t m, TerWorkspace& ws) {
    if (m == 0) return static_cast<std::int64_t>(n);
    BeamEditDistance& ed = ws.ed;
    ed.reset(ref, m);
    auto& words = ws.words;
    auto& shifted = ws.shifted;
    auto& best_words = ws.best_words;
    auto& tr = ws.tr;
    auto& align = ws.align;
    auto& hyp_err = ws.hyp_err;
    auto& ref_err = ws.ref_err;
    auto& positions = ws.positions;
    words.assign(hyp, hyp + n);
    align.resize(m);
    hyp_err.resize(n + 1);
    ref_err.resize(m + 1);
    positions.resize(m);
    for (std::size_t j = 0; j < m; ++j) positions[j] = {ref[j], j};
    std::sort(positions.begin(), positions.end());
    std::int64_t shifts = 0;
    int checked = 0;
    std::int64_t pre = 0;  // the edit distance of words: computed once per round
    while (true) {
        pre = ed.run(words.data(), n, 1);
        std::size_t upto = n;
        if (!ed.trace(tr)) break;
        std::int64_t ph = -1, pr = -1;
        std::size_t kh = 0, kr = 0;
        hyp_err[0] = ref_err[0] = 0;
        for (char o : tr) {
            if (o == kNop || o == kSub) {
                ++ph; ++pr; align[static_cast<std::size_t>(pr)] = ph;
                hyp_err[kh + 1] = hyp_err[kh] + (o == kSub); ++kh;
                ref_err[kr + 1] = ref_err[kr] + (o == kSub); ++kr;
            } else if (o == kDel) {  // hypothesis word (an insertion once flipped)
                ++ph; hyp_err[kh + 1] = hyp_err[kh] + 1; ++kh;
            } else {  // reference word
                ++pr; align[static_cast<std::size_t>(pr)] = ph; ref_err[kr + 1] = ref_err[kr] + 1; ++kr;
            }
        }
        bool have = false, capped = false;
        std::int64_t bg = 0, bl = 0, bs = 0, bi = 0;
        for (std::size_t sh = 0; sh < n && !capped; ++sh) {
            // the reference positions sr within the shift distance whose word is words[sh], ascending
            const std::size_t first = sh > kMaxShiftDist ? sh - kMaxShiftDist : 0, last = sh + kMaxShiftDist;
            auto at = std::lower_bound(positions.begin(), positions.end(), std::make_pair(words[sh], first));
            for (; at != positions.end() && at->first == words[sh] && at->second <= last && !capped; ++at) {
                const std::size_t sr = at->second;
                std::size_t len = 0;
                while (words[sh + len] == ref[sr + len] && len < static_cast<std::size_t>(kMaxShiftSize)) {
                    ++len;
                    bool skip = hyp_err[sh + len] - hyp_err[sh] == 0 || ref_err[sr + len] - ref_err[sr] == 0;
                    const std::int64_t a = align[sr];
                    if (!skip && static_cast<std::int64_t>(sh) <= a && a < static_cast<std::int64_t>(sh + len)) skip = true;
                    if (!skip) {
                        std::int64_t prev = -1;
                        for (std::int64_t off = -1; off < static_cast<std::int64_t>(len); ++off) {
                            const std::int64_t pos = static_cast<std::int64_t>(sr) + off;
                            const std::int64_t idx = pos == -1 ? 0 : align[static_cast<std::size_t>(pos)] + 1;
                            if (idx == prev) continue;
                            prev = idx;
                            perform_shift(words, sh, len, static_cast<std::size_t>(idx), shifted);
                            const std::size_t p = std::min(sh, static_cast<std::size_t>(idx));
                            const std::int64_t g = pre - ed.run(shifted.data(), n, std::min(p, upto) + 1);
                            upto = p;
                            ++checked;
                            const auto ls = static_cast<std::int64_t>(len), s = -static_cast<std::int64_t>(sh);
                            if (!have || g > bg || (g == bg && (ls > bl || (ls == bl && (s > bs || (s == bs && -idx > bi)))))) {
                                have = true; bg = g; bl = ls; bs = s; bi = -idx; best_words = shifted;
                            }
                        }
                        if (checked >= kMaxCandidates) { capped = true; break; }
                    }
                    if (n == sh + len || m == sr + len) break;
                }
            }
        }
        if (checked >= kMaxCandidates || !have || bg <= 0) break;
        ++shifts;
        words.swap(best_words);
    }
    return shifts + pre;  // words did not change since pre was computed
}

inline std::int64_t translation_edit_rate(const std::int32_t* hyp, std::size_t n, const std::int32_t* ref,
                                          std::size_t m) {
    TerWorkspace ws;
    return translation_edit_rate(hyp, n, ref, m, ws);
}

// [fewest edits, average reference length] of one hypothesis and its n_refs >= 1 references.
inline void group_statistics(const IdSpan& hyp, const IdSpan* refs, std::size_t n_refs, double* out,
                             TerWorkspace& ws) {
    std::int64_t best = kInf, total_length = 0;
    for (std::size_t k = 0; k < n_refs; ++k) {
        best = std::min(best, translation_edit_rate(hyp.ids, hyp.len, refs[k].ids, refs[k].len, ws));
        total_length += static_cast<std::int64_t>(refs[k].len);
    }
    out[0] = static_cast<double>(best);
    out[1] = static_cast<double>(total_length) / static_cast<double>(n_refs);
}

// Pairs per unit of work: TER of one long pair can take milliseconds, so chunks stay small and
// Ctrl-C is seen quickly.
constexpr std::size_t kTerChunk = 16;

struct IdState {
    std::vector<IdSpan> spans;
    TerWorkspace ws;
};

// Statistics over token-id batches: out has n_pred rows of 2 float64.
inline void id_statistics(const RaggedView<std::int32_t>& preds, const RaggedView<std::int32_t>& refs,
                          const std::int64_t* groups, int threads, double* out,
                          const std::function<bool()>& interrupted = {}) {
    parallel_chunks(
        preds.n_rows, threads, kTerChunk, [] { return IdState{}; },
        [&](IdState& st, std::size_t begin, std::size_t end) {
            for (std::size_t g = begin; g < end; ++g) {
                st.spans.clear();
                for (auto j = groups[g]; j < groups[g + 1]; ++j) st.spans.push_back(id_span(refs, static_cast<std::size_t>(j)));
                group_statistics(id_span(preds, g), st.spans.data(), st.spans.size(), out + 2 * g, st.ws);
            }
        },
        interrupted);
}

struct TextState {
    TercomScratch scratch;
    std::string once;  // a reference tokenized once
    TokenizedGroup group;
    TerWorkspace ws;
};

// Statistics over UTF-8 text tokenized by the Tercom tokenizer (the caller lowercases). Word ids
// are the group's own (TokenizedGroup): they only need to agree within a hypothesis' group.
inline void text_statistics(const RaggedView<char>& preds, const RaggedView<char>& refs, const std::int64_t* groups,
                            const TercomOptions& options, int threads, double* out,
                            const std::function<bool()>& interrupted = {}) {
    parallel_chunks(
        preds.n_rows, threads, kTerChunk, [] { return TextState{}; },
        [&](TextState& st, std::size_t begin, std::size_t end) {
            for (std::size_t g = begin; g < end; ++g) {
                st.group.build(preds, refs, groups, g,
                               [&](const char* text, std::size_t len, bool reference, std::string& out) {
                                   tercom_tokenize(text, len, options, st.scratch, out);
                                   if (reference && options.normalized) {
                                       // sacrebleu's TER tokenizes a reference twice (in _cache_references
                                       // and again in _extract_reference_info), and the normalized
                                       // tokenizer is not idempotent ("x-'s-'s." -> "x-'s-'s ." -> "x-'s- 's .")
                                       st.once.swap(out);
                                       tercom_tokenize(st.once.data(), st.once.size(), options, st.scratch, out);
                                   }
                               });
                group_statistics(st.group.hypothesis(), st.group.references(), st.group.n_references(), out + 2 * g,
                                 st.ws);
            }
        },
        interrupted);
}

}  // namespace ngramkit::ter
