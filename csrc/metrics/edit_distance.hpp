// SPDX-License-Identifier: Apache-2.0
// Levenshtein alignment of two int32 id sequences that picks, among the minimal-cost alignments,
// the one rapidfuzz's `Levenshtein.editops/opcodes(s1, s2)` picks (jiwer's choice: s1 = reference,
// s2 = hypothesis), so hit/substitution/deletion/insertion counts and opcodes equal rapidfuzz's.
//
// What decides the path, reproduced from rapidfuzz's algorithm (not its code):
// * the common prefix and suffix are matches and are stripped first (at every recursion level);
// * small problems (bit matrix < 1 MiB, or |s1| < 65, or |s2| < 10) record the bit-parallel
//   matrix (Hyyrö 2003: one 64-bit word if |s1| <= 64, a diagonal 64-bit band if the Ukkonen
//   band 2*max+1 fits in 64 bits, else 64-bit blocks with a Ukkonen band that narrows row by row)
//   and walk back from the end: deletion if the vertical delta is +1, else insertion if the
//   delta one row up is -1, else a diagonal step (match or substitution). Cells outside a band
//   read as "VP set, VN clear" where rapidfuzz's band records nothing;
// * larger problems split s2 in half and s1 at the first column minimizing left + right scores
//   (Hirschberg), with the Ukkonen band limited to the known distance of each half.
// Memory: the recorded matrix is at most ~1 MiB, or O(|s1| + |s2|) words; Hirschberg rows O(|s1|).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "metrics/levenshtein_bits.hpp"

namespace ngramkit::edit {

enum class OpType : std::uint8_t { Equal = 0, Replace = 1, Insert = 2, Delete = 3 };

// One edit: src is a position in s1 (reference), dest in s2 (hypothesis), as in rapidfuzz editops.
struct EditOp {
    OpType type;
    std::size_t src;
    std::size_t dest;
};

// A run of one kind: s1[src_begin, src_end) against s2[dest_begin, dest_end).
struct Opcode {
    OpType type;
    std::size_t src_begin, src_end, dest_begin, dest_end;
};

// Counts of one alignment, in words (or characters): hits + substitutions + deletions = |s1|,
// hits + substitutions + insertions = |s2|.
struct Counts {
    std::int64_t hits = 0, substitutions = 0, deletions = 0, insertions = 0;
};


// Aligns reference ids against hypothesis ids the way rapidfuzz does. Reuse one Aligner per
// thread: its buffers grow to the largest pair seen and are not freed between pairs.
class Aligner {
public:
    // Counts of rapidfuzz's alignment of s1 (length n1) against s2 (length n2).
    Counts counts(const std::int32_t* s1, std::size_t n1, const std::int32_t* s2, std::size_t n2) {
        record_ = false;
        run(s1, n1, s2, n2);
        Counts c;
        c.substitutions = subs_;
        c.deletions = dels_;
        c.insertions = ins_;
        c.hits = static_cast<std::int64_t>(n1) - subs_ - dels_;
        return c;
    }

    // rapidfuzz's editops (in order) of s1 against s2.
    const std::vector<EditOp>& editops(const std::int32_t* s1, std::size_t n1, const std::int32_t* s2,
                                       std::size_t n2) {
        record_ = true;
        run(s1, n1, s2, n2);
        return ops_;
    }

    // rapidfuzz's opcodes (Equal runs included) of s1 against s2.
    std::vector<Opcode> opcodes(const std::int32_t* s1, std::size_t n1, const std::int32_t* s2, std::size_t n2) {
        const auto& ops = editops(s1, n1, s2, n2);
        std::vector<Opcode> out;
        std::size_t src = 0, dest = 0;
        for (std::size_t i = 0; i < ops.size();) {
            if (src < ops[i].src || dest < ops[i].dest) {
                out.push_back({OpType::Equal, src, ops[i].src, dest, ops[i].dest});
                src = ops[i].src;
                dest = ops[i].dest;
            }
            const std::size_t src_begin = src, dest_begin = dest;
            const OpType type = ops[i].type;
            do {
                if (type != OpType::Insert) ++src;
                if (type != OpType::Delete) ++dest;
                ++i;
            } while (i < ops.size() && ops[i].type == type && src == ops[i].src && dest == ops[i].dest);
            out.push_back({type, src_begin, src, dest_begin, dest});
        }
        if (src < n1 || dest < n2) out.push_back({OpType::Equal, src, n1, dest, n2});
        return out;
    }

private:
    using Seq = detail::Seq;

    void run(const std::int32_t* s1, std::size_t n1, const std::int32_t* s2, std::size_t n2) {
        subs_ = dels_ = ins_ = 0;
        ops_.clear();
        // rapidfuzz's editops without a score hint: the band starts at max(|s1|, |s2|)
        align_hirschberg(Seq{s1, n1, false}, Seq{s2, n2, false}, 0, 0, 0, std::max(n1, n2));
    }

    void emit(OpType t, std::size_t pos, std::size_t src, std::size_t dest) {
        if (t == OpType::Replace) ++subs_;
        if (t == OpType::Delete) ++dels_;
        if (t == OpType::Insert) ++ins_;
        if (record_) ops_[pos] = EditOp{t, src, dest};
    }

    static std::size_t strip_affix(Seq& a, Seq& b) {
        std::size_t pre = 0;
        while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
        a = a.sub(pre, a.size() - pre);
        b = b.sub(pre, b.size() - pre);
        std::size_t suf = 0;
        while (suf < a.size() && suf < b.size() && a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) ++suf;
        a = a.sub(0, a.size() - suf);
        b = b.sub(0, b.size() - suf);
        return pre;
    }

    void ensure_ops(std::size_t dist) {
        if (record_ && ops_.empty()) ops_.resize(dist);
    }

    // Walk back through the recorded bits of s1 x s2 from the end, emitting `dist` edits ending
    // at position op_pos + dist.
    void recover(const Seq& s1, const Seq& s2, std::size_t dist, std::size_t src_pos, std::size_t dest_pos,
                 std::size_t op_pos, bool have_matrix) {
        std::size_t col = s1.size(), row = s2.size();
        while (have_matrix && row && col) {
            if (m_.test_vp(row - 1, col - 1)) {
                --dist;
                --col;
                emit(OpType::Delete, op_pos + dist, col + src_pos, row + dest_pos);
            } else {
                --row;
                if (row && m_.test_vn(row - 1, col - 1)) {
                    --dist;
                    emit(OpType::Insert, op_pos + dist, col + src_pos, row + dest_pos);
                } else {
                    --col;
                    if (s1[col] != s2[row]) {
                        --dist;
                        emit(OpType::Replace, op_pos + dist, col + src_pos, row + dest_pos);
                    }
                }
            }
        }
        while (col) {
            --dist;
            --col;
            emit(OpType::Delete, op_pos + dist, col + src_pos, row + dest_pos);
        }
        while (row) {
            --dist;
            --row;
            emit(OpType::Insert, op_pos + dist, col + src_pos, row + dest_pos);
        }
    }

    void align_direct(const Seq& s1, const Seq& s2, std::size_t max, std::size_t src_pos, std::size_t dest_pos,
                      std::size_t op_pos) {
        max = std::min(max, std::max(s1.size(), s2.size()));
        const std::size_t full_band = std::min(s1.size(), 2 * max + 1);
        std::size_t dist = 0;
        bool have_matrix = true;
        if (s1.size() == 0 || s2.size() == 0) {
            dist = s1.size() + s2.size();
            have_matrix = false;
        } else if (s1.size() <= 64) {
            pm_.build(s1);
            dist = detail::hyrroe_single(pm_, s1, s2, m_);
        } else if (full_band <= 64) {
            dist = detail::hyrroe_small_band(s1, s2, max, m_, band_pm_);
        } else {
            pm_.build(s1);
            dist = detail::hyrroe_block(pm_, s1, s2, max, &m_);
        }
        if (dist > max) throw std::logic_error("edit distance: band smaller than the distance");
        if (dist != 0) {
            ensure_ops(dist);
            recover(s1, s2, dist, src_pos, dest_pos, op_pos, have_matrix);
        }
    }

    struct Split {
        std::size_t left_score = 0, right_score = 0, s1_mid = 0, s2_mid = 0;
    };

    Split find_split(const Seq& s1, const Seq& s2, std::size_t max) {
        for (;;) {
            Split h;
            const std::size_t left_size = s2.size() / 2, right_size = s2.size() - left_size;
            h.s2_mid = left_size;
            const std::size_t len1 = s1.size();
            std::size_t best = std::numeric_limits<std::size_t>::max();
            detail::BitRow right, left;
            pm_.build(s1.rev());
            if (detail::hyrroe_block(pm_, s1.rev(), s2.rev(), max, nullptr, &right, right_size - 1) > max) {
                max *= 2;
                continue;
            }
            const std::size_t r_first = right.first_block * 64;
            const std::size_t r_last = std::min(len1, right.last_block * 64 + 64);
            right_scores_.assign(r_last - r_first + 1, 0);
            right_scores_[0] = right.prev_score;
            for (std::size_t i = r_first; i < r_last; ++i) {
                const std::uint64_t bit = UINT64_C(1) << (i % 64);
                std::size_t v = right_scores_[i - r_first];
                v -= (right.vecs[i / 64].vn & bit) != 0;
                v += (right.vecs[i / 64].vp & bit) != 0;
                right_scores_[i - r_first + 1] = v;
            }
            pm_.build(s1);
            if (detail::hyrroe_block(pm_, s1, s2, max, nullptr, &left, left_size - 1) > max) {
                max *= 2;
                continue;
            }
            const std::size_t l_first = left.first_block * 64;
            const std::size_t l_last = std::min(len1, left.last_block * 64 + 64);
            std::size_t left_score = left.prev_score;
            if (len1 >= l_first + r_first) {
                const std::size_t ri = len1 - l_first - r_first;
                if (ri < right_scores_.size()) {
                    best = right_scores_[ri] + left_score;
                    h.left_score = left_score;
                    h.right_score = right_scores_[ri];
                    h.s1_mid = l_first;
                }
            }
            for (std::size_t i = l_first; i < l_last; ++i) {
                const std::uint64_t bit = UINT64_C(1) << (i % 64);
                left_score -= (left.vecs[i / 64].vn & bit) != 0;
                left_score += (left.vecs[i / 64].vp & bit) != 0;
                if (len1 < i + 1 + r_first) continue;
                const std::size_t ri = len1 - i - 1 - r_first;
                if (ri >= right_scores_.size()) continue;
                if (right_scores_[ri] + left_score < best) {
                    best = right_scores_[ri] + left_score;
                    h.left_score = left_score;
                    h.right_score = right_scores_[ri];
                    h.s1_mid = i + 1;
                }
            }
            if (h.left_score + h.right_score > max) {
                max *= 2;
                continue;
            }
            return h;
        }
    }

    void align_hirschberg(Seq s1, Seq s2, std::size_t src_pos, std::size_t dest_pos, std::size_t op_pos,
                          std::size_t max) {
        const std::size_t prefix = strip_affix(s1, s2);
        src_pos += prefix;
        dest_pos += prefix;
        max = std::min(max, std::max(s1.size(), s2.size()));
        const std::size_t full_band = std::min(s1.size(), 2 * max + 1);
        const std::size_t matrix_size = 2 * full_band * s2.size() / 8;
        if (matrix_size < 1024 * 1024 || s1.size() < 65 || s2.size() < 10) {
            align_direct(s1, s2, max, src_pos, dest_pos, op_pos);
            return;
        }
        const Split h = find_split(s1, s2, max);
        ensure_ops(h.left_score + h.right_score);
        align_hirschberg(s1.sub(0, h.s1_mid), s2.sub(0, h.s2_mid), src_pos, dest_pos, op_pos, h.left_score);
        align_hirschberg(s1.sub(h.s1_mid, s1.size() - h.s1_mid), s2.sub(h.s2_mid, s2.size() - h.s2_mid),
                         src_pos + h.s1_mid, dest_pos + h.s2_mid, op_pos + h.left_score, h.right_score);
    }

    bool record_ = false;
    std::int64_t subs_ = 0, dels_ = 0, ins_ = 0;
    std::vector<EditOp> ops_;
    detail::PatternMatch pm_;
    detail::KeyMap<std::pair<std::ptrdiff_t, std::uint64_t>> band_pm_;
    detail::BitMatrix m_;
    std::vector<std::size_t> right_scores_;
};

}  // namespace ngramkit::edit
