// SPDX-License-Identifier: Apache-2.0
// TER of one hypothesis against one reference over int32 token ids, as sacrebleu 2.6.0's
// lib_ter.translation_edit_rate: greedy shifts (size <= 10, distance <= 50, at most 1000
// candidates per pair; the round reaching the cap applies no shift) and a beam-limited edit
// distance (beam 25, ceil(m / n / 2 + 25) when m / n > 50) with ties sub/match > del > ins.
// Memory: O(n * beam + m) per pair (only the band of each row is kept).
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

// Banded edit distance of hyp (rows) to ref (columns). Keeps, per row i, values and ops for
// j in [lo[i], hi[i]); rows below `from` are reused from the previous call (same hypothesis
// prefix and length).
class BeamEditDistance {
public:
    explicit BeamEditDistance(const std::int32_t* ref, std::size_t m) : ref_(ref), m_(m) {}

    // Edit distance of h (length n); rows 1..from-1 are kept from the last call on a
    // hypothesis of the same length sharing its first from-1 words.
    std::int64_t run(const std::int32_t* h, std::size_t n, std::size_t from = 1) {
        if (n != n_ || from < 1) { setup(n); from = 1; }
        for (std::size_t i = from; i <= n; ++i) {
            const std::size_t lo = lo_[i], hi = hi_[i];
            const std::size_t plo = lo_[i - 1], phi = hi_[i - 1];
            const std::int64_t* pv = &val_[base_[i - 1]];
            std::int64_t* cv = &val_[base_[i]];
            char* co = &op_[base_[i]];
            auto prev = [&](std::size_t j) { return (j >= plo && j < phi) ? pv[j - plo] : kInf; };
            for (std::size_t j = lo; j < hi; ++j) {
                std::int64_t best = kInf;
                char bop = kUndef;
                if (j == 0) {
                    best = prev(0) + 1;
                    bop = kDel;
                } else {
                    const bool eq = h[i - 1] == ref_[j - 1];
                    const std::int64_t c1 = prev(j - 1) + (eq ? 0 : 1);
                    const std::int64_t c2 = prev(j) + 1;
                    const std::int64_t c3 = (j > lo ? cv[j - 1 - lo] : kInf) + 1;
                    if (best > c1) { best = c1; bop = eq ? kNop : kSub; }
                    if (best > c2) { best = c2; bop = kDel; }
                    if (best > c3) { best = c3; bop = kIns; }
                }
                cv[j - lo] = best;
                co[j - lo] = bop;
            }
        }
        return val_[base_[n] + (m_ - lo_[n])];
    }

    // Trace of the last run, from (0,0) to (n,m), in sacrebleu's letters; false if undefined.
    bool trace(std::vector<char>& out) const {
        out.clear();
        std::size_t i = n_, j = m_;
        while (i > 0 || j > 0) {
            char o = kUndef;
            if (j >= lo_[i] && j < hi_[i]) o = op_[base_[i] + (j - lo_[i])];
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
        op_.assign(base_[n + 1], kUndef);
        for (std::size_t j = 0; j <= m_; ++j) { val_[j] = static_cast<std::int64_t>(j); op_[j] = kIns; }
    }

    const std::int32_t* ref_;
    std::size_t m_;
    std::size_t n_ = static_cast<std::size_t>(-1);
    std::vector<std::size_t> lo_, hi_, base_;
    std::vector<std::int64_t> val_;
    std::vector<char> op_;
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

// (edits, reference length) of sacrebleu's translation_edit_rate.
inline std::int64_t translation_edit_rate(const std::int32_t* hyp, std::size_t n, const std::int32_t* ref,
                                          std::size_t m) {
    if (m == 0) return static_cast<std::int64_t>(n);
    BeamEditDistance ed(ref, m);
    std::vector<std::int32_t> words(hyp, hyp + n), shifted, best_words;
    std::vector<char> tr;
    std::vector<std::int64_t> align(m), hyp_err(n + 1), ref_err(m + 1);  // prefix sums
    std::int64_t shifts = 0;
    int checked = 0;
    while (true) {
        const std::int64_t pre = ed.run(words.data(), n, 1);
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
            for (std::size_t sr = 0; sr < m && !capped; ++sr) {
                const auto d = static_cast<std::int64_t>(sr) - static_cast<std::int64_t>(sh);
                if (d > kMaxShiftDist || -d > kMaxShiftDist) continue;
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
    return shifts + ed.run(words.data(), n, 1);
}

// [fewest edits, average reference length] of one hypothesis and its n_refs >= 1 references.
inline void group_statistics(const IdSpan& hyp, const IdSpan* refs, std::size_t n_refs, double* out) {
    std::int64_t best = kInf, total_length = 0;
    for (std::size_t k = 0; k < n_refs; ++k) {
        best = std::min(best, translation_edit_rate(hyp.ids, hyp.len, refs[k].ids, refs[k].len));
        total_length += static_cast<std::int64_t>(refs[k].len);
    }
    out[0] = static_cast<double>(best);
    out[1] = static_cast<double>(total_length) / static_cast<double>(n_refs);
}

// Pairs per unit of work: TER of one long pair can take milliseconds, so chunks stay small and
// Ctrl-C is seen quickly.
constexpr std::size_t kTerChunk = 16;

// Statistics over token-id batches: out has n_pred rows of 2 float64.
inline void id_statistics(const RaggedView<std::int32_t>& preds, const RaggedView<std::int32_t>& refs,
                          const std::int64_t* groups, int threads, double* out,
                          const std::function<bool()>& interrupted = {}) {
    parallel_chunks(
        preds.n_rows, threads, kTerChunk, [] { return std::vector<IdSpan>{}; },
        [&](std::vector<IdSpan>& spans, std::size_t begin, std::size_t end) {
            for (std::size_t g = begin; g < end; ++g) {
                spans.clear();
                for (auto j = groups[g]; j < groups[g + 1]; ++j) spans.push_back(id_span(refs, static_cast<std::size_t>(j)));
                group_statistics(id_span(preds, g), spans.data(), spans.size(), out + 2 * g);
            }
        },
        interrupted);
}

struct TextState {
    TercomScratch scratch;
    TokenizedGroup group;
};

// Statistics over UTF-8 text tokenized by the Tercom tokenizer (the caller lowercases). Word ids
// come from a per-thread interner: they only need to agree within a hypothesis' group.
inline void text_statistics(const RaggedView<char>& preds, const RaggedView<char>& refs, const std::int64_t* groups,
                            const TercomOptions& options, int threads, double* out,
                            const std::function<bool()>& interrupted = {}) {
    parallel_chunks(
        preds.n_rows, threads, kTerChunk, [] { return TextState{}; },
        [&](TextState& st, std::size_t begin, std::size_t end) {
            for (std::size_t g = begin; g < end; ++g) {
                if (st.group.vocabulary_size() > (std::size_t(1) << 20)) st.group.reset_vocabulary();
                st.group.build(preds, refs, groups, g, [&](const char* text, std::size_t len, std::string& out) {
                    tercom_tokenize(text, len, options, st.scratch, out);
                });
                group_statistics(st.group.hypothesis(), st.group.references(), st.group.n_references(), out + 2 * g);
            }
        },
        interrupted);
}

}  // namespace ngramkit::ter
