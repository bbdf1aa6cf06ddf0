// SPDX-License-Identifier: Apache-2.0
// chrF / chrF++ statistics as sacrebleu's CHRF computes them: character n-grams over code points,
// word n-grams over its punctuation-split words, and per prediction the reference it picks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/parallel.hpp"
#include "core/ragged.hpp"
#include "metrics/chrf_counts.hpp"
#include "text/interner.hpp"
#include "text/utf8.hpp"
#include "text/word_spans.hpp"

namespace ngramkit {

struct ChrfParams {
    int char_order;      // >= 0 (sacrebleu default 6)
    int word_order;      // >= 0 (0 chrF, 2 chrF++)
    double factor;       // beta ** 2, computed by the caller in Python
    bool whitespace;     // keep whitespace in character n-grams
    bool eps_smoothing;  // sacrebleu's eps_smoothing

    std::size_t orders() const {
        return static_cast<std::size_t>(char_order) + static_cast<std::size_t>(word_order);
    }
};

// sacrebleu CHRF._compute_f_score on one statistics vector [hyp, ref, match] per order: the same
// IEEE operations in the same order. Python's int / int is the correctly rounded quotient, which
// double division reproduces while the counts stay below 2^53.
inline double chrf_f_score(const std::int64_t* stats, const ChrfParams& params) {
    const double eps = 1e-16;
    const double factor = params.factor;
    const std::size_t order = params.orders();
    double score = 0.0, avg_prec = 0.0, avg_rec = 0.0;
    std::size_t effective_order = 0;
    for (std::size_t i = 0; i < order; ++i) {
        const std::int64_t n_hyp = stats[3 * i], n_ref = stats[3 * i + 1], n_match = stats[3 * i + 2];
        const double prec = n_hyp > 0 ? double(n_match) / double(n_hyp) : eps;
        const double rec = n_ref > 0 ? double(n_match) / double(n_ref) : eps;
        const double denom = factor * prec + rec;
        score += denom > 0 ? (1 + factor) * prec * rec / denom : eps;
        if (n_hyp > 0 && n_ref > 0) {
            avg_prec += prec;
            avg_rec += rec;
            ++effective_order;
        }
    }
    if (params.eps_smoothing) return 100 * score / double(order);
    if (effective_order == 0) {
        avg_prec = avg_rec = 0.0;
    } else {
        avg_prec /= double(effective_order);
        avg_rec /= double(effective_order);
    }
    if (avg_prec + avg_rec != 0.0) {
        score = (1 + factor) * avg_prec * avg_rec;
        score /= factor * avg_prec + avg_rec;
        return 100 * score;
    }
    return 0.0;
}

namespace chrf_detail {

// ASCII string.punctuation.
inline bool is_ascii_punct(std::uint32_t cp) {
    return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) || (cp >= 0x5B && cp <= 0x60) ||
           (cp >= 0x7B && cp <= 0x7E);
}

// Number of n-grams of orders 1..order in a sequence of `length` units.
inline std::uint64_t ngrams_up_to(std::uint64_t length, std::uint64_t order) {
    const std::uint64_t m = std::min(length, order);
    return m * length - m * (m - 1) / 2;
}

// One text as sacrebleu sees it: code points for character n-grams, word ids for word n-grams.
struct Units {
    std::vector<std::uint32_t> chars;
    std::vector<std::uint32_t> words;
};

// Predictions whose n-grams of all orders number at most this are counted in one table sized for
// all of them; longer ones one order at a time in a table sized by the distinct n-grams of that
// order, so memory stays a few dozen bytes per character.
constexpr std::uint64_t kShortKeys = std::uint64_t(1) << 17;

// How a prediction is matched against its references.
enum class Plan {
    kShared,    // short, several references: the prediction's table built once, matched with each
    kPaired,    // short, one reference: per order only the n-grams that can match
    kPerOrder,  // long: as kPaired, the table sized by distinct n-grams
};

// Per-thread state. A unigram's key is (root, unit); an n-gram's key is (slot of its (n-1)-gram
// prefix + 3, last unit): character and word n-grams of every order share one table.
class ChrfWorkspace {
public:
    explicit ChrfWorkspace(const ChrfParams& params) : p_(params) {}

    // Statistics of prediction `pred` against each reference; the chosen reference's go to
    // stats_out (3 * orders entries), its sentence F to *score, its index in refs to *chosen.
    void score_group(const char* pred, std::size_t pred_len, const RaggedView<char>& refs,
                     std::int64_t ref_begin, std::int64_t ref_end, std::int64_t* stats_out,
                     double* score, std::int64_t* chosen) {
        const std::size_t width = 3 * p_.orders();
        std::fill(stats_out, stats_out + width, 0);
        *score = 0.0;
        *chosen = -1;
        if (ref_begin == ref_end) return;

        if (p_.word_order > 0) {  // word ids only need to agree within the group
            const auto ref_bytes = static_cast<std::size_t>(refs.offsets[ref_end] - refs.offsets[ref_begin]);
            vocabulary_.reset(std::min<std::size_t>((pred_len + ref_bytes) / 8 + 8, std::size_t(1) << 16));  // it grows
        }
        split(pred, pred_len, hyp_);
        const std::uint64_t keys = ngrams_up_to(hyp_.chars.size(), std::uint64_t(p_.char_order)) +
                                   ngrams_up_to(hyp_.words.size(), std::uint64_t(p_.word_order));
        const Plan plan = keys > kShortKeys ? Plan::kPerOrder : ref_end - ref_begin > 1 ? Plan::kShared : Plan::kPaired;
        if (plan == Plan::kShared) index_prediction(static_cast<std::size_t>(keys));
        candidate_.resize(width);
        double best = -1.0;
        for (std::int64_t j = ref_begin; j < ref_end; ++j) {
            const auto b = refs.offsets[j], e = refs.offsets[j + 1];
            split(refs.values + b, static_cast<std::size_t>(e - b), ref_);
            reference_stats(candidate_.data(), plan);
            const double f = chrf_f_score(candidate_.data(), p_);
            if (f > best) {
                best = f;
                std::copy(candidate_.begin(), candidate_.end(), stats_out);
                *score = f;
                *chosen = j - ref_begin;
            }
        }
    }

private:
    static constexpr std::uint64_t kCharRoot = 1, kWordRoot = 2;

    static std::uint64_t key(std::uint64_t prefix, std::uint32_t unit) { return (prefix << 32) | unit; }
    static std::uint64_t prefix_of(std::uint32_t slot) { return std::uint64_t(slot) + 3; }

    // Decodes once: code points (Python whitespace dropped unless p_.whitespace) and, for chrF++,
    // the words of str.split() with one ASCII punctuation mark split off the end, else the start.
    void split(const char* s, std::size_t len, Units& out) {
        if (std::uint64_t(len) >= (std::uint64_t(1) << 32)) throw std::length_error("chrF: a text of 4 GiB or more");
        out.chars.resize(len + 3);  // at most one code point a byte; scan_units writes 3 past its count
        out.words.clear();
        std::size_t n_chars = 0, n_words = 0, n_ends = 0;
        if (p_.word_order == 0) {
            scan_units<false>(s, len, out.chars.data(), n_chars, nullptr, n_words, nullptr, n_ends);
            out.chars.resize(n_chars);
            return;
        }
        padded_.assign(s, len);  // the word keys read 16 bytes at any word
        padded_.append(16, '\0');
        s = padded_.data();
        at_least(word_starts_, len + 4);
        at_least(word_ends_, len + 4);
        scan_units<true>(s, len, out.chars.data(), n_chars, word_starts_.data(), n_words, word_ends_.data(), n_ends);
        out.chars.resize(n_chars);
        piece_begins_.clear();
        piece_ends_.clear();
        for (std::size_t t = 0; t < n_words; ++t) add_word(s, word_starts_[t], word_ends_[t]);
        out.words.resize(piece_begins_.size());
        vocabulary_.ids_of(s, piece_begins_.data(), piece_ends_.data(), piece_begins_.size(), out.words.data());
    }

    // The code points of s[0..len) (decode_utf8's; Python whitespace dropped unless p_.whitespace)
    // to chars[n_chars..] and, if kWords, the first byte of each str.split() word to starts[n_starts..]
    // and the byte after it to ends[n_ends..]; 16 ASCII bytes at a time where it can, otherwise
    // without a branch on what a code point is. Each array needs 3 elements of slack.
    template <bool kWords>
    void scan_units(const char* s, std::size_t len, std::uint32_t* chars, std::size_t& n_chars, std::uint32_t* starts,
                    std::size_t& n_starts, std::uint32_t* ends, std::size_t& n_ends) const {
        const bool keep_space = p_.whitespace;
        bool prev_space = true;
        std::size_t i = 0;
        while (i < len) {
#ifdef __SSE2__
            if (i + 16 <= len) {
                const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
                if (_mm_movemask_epi8(v) == 0) {  // 16 ASCII bytes
                    const auto space = static_cast<unsigned>(_mm_movemask_epi8(ascii_split_spaces(v)));
                    const unsigned text = ~space & 0xFFFFu;
                    n_chars = write_bytes_at(keep_space ? 0xFFFFu : text, s + i, chars, n_chars);
                    if (kWords) {
                        const unsigned after_space = ((space << 1) | unsigned(prev_space)) & 0xFFFFu;
                        n_starts = write_bit_positions(text & after_space, i, starts, n_starts);
                        n_ends = write_bit_positions(space & ~after_space, i, ends, n_ends);
                    }
                    prev_space = (space >> 15) & 1u;
                    i += 16;
                    continue;
                }
            }
#endif
            const std::size_t at = i;
            const std::uint32_t cp = decode_utf8(s, len, i);
            const bool space = space_code_point(cp);
            chars[n_chars] = cp;
            n_chars += keep_space || !space;
            if (kWords) {
                starts[n_starts] = static_cast<std::uint32_t>(at);
                n_starts += !space & prev_space;
                ends[n_ends] = static_cast<std::uint32_t>(at);
                n_ends += space & !prev_space;
            }
            prev_space = space;
        }
        if (kWords && !prev_space) ends[n_ends++] = static_cast<std::uint32_t>(len);
    }

    // Appends the bytes s[k] for each set bit k of `bits` (< 2^16) to out[count..] as code points;
    // returns the new count. Writes in groups of four (3 elements of slack past the count).
    static std::size_t write_bytes_at(unsigned bits, const char* s, std::uint32_t* out, std::size_t count) {
        const std::size_t total = count + static_cast<std::size_t>(__builtin_popcount(bits));
        while (bits) {
            for (int k = 0; k < 4; ++k) {
                out[count++] = static_cast<unsigned char>(s[__builtin_ctz(bits | 0x8000u)]);
                bits &= bits - 1;
            }
        }
        return total;
    }

    // is_python_space, without a branch for ASCII.
    static bool space_code_point(std::uint32_t cp) {
        constexpr std::uint64_t kAsciiSpaces = (std::uint64_t(0x1F) << 9) | (std::uint64_t(0x1F) << 28);
        if (cp < 0x80) return (cp < 64) & ((kAsciiSpaces >> (cp & 63)) & 1);
        return is_python_space(cp);
    }

    // The chrF++ words (piece_begins_/piece_ends_) of one str.split() word s[b, e): one ASCII
    // punctuation mark split off its end, else off its start, unless the word is that one
    // character. Punctuation is ASCII, hence exactly the byte at the word's start or end (a longer
    // character's last byte is >= 0x80).
    void add_word(const char* s, std::uint32_t b, std::uint32_t e) {
        const bool several = e - b > 1;
        const bool split_end = several && is_ascii_punct(static_cast<unsigned char>(s[e - 1]));
        const bool split_start = several && !split_end && is_ascii_punct(static_cast<unsigned char>(s[b]));
        const std::uint32_t cut = split_end ? e - 1 : split_start ? b + 1 : e;
        piece_begins_.push_back(b);
        piece_ends_.push_back(cut);
        if (cut != e) {
            piece_begins_.push_back(cut);
            piece_ends_.push_back(e);
        }
    }

    void index_prediction(std::size_t keys) {
        table_.reset(keys, 4);
        insert_ngrams(hyp_.chars, std::size_t(p_.char_order), kCharRoot);
        insert_ngrams(hyp_.words, std::size_t(p_.word_order), kWordRoot);
    }

    // Every order at once (the lookups of an order are independent of each other): level_[i] holds
    // the slot of the n-gram starting at i, replaced in place by the (n+1)-gram's.
    void insert_ngrams(const std::vector<std::uint32_t>& units, std::size_t order, std::uint64_t root) {
        const std::size_t n_units = units.size();
        level_.resize(n_units);
        for (std::size_t n = 0; n < order && n < n_units; ++n) {
            for (std::size_t i = 0; i + n < n_units; ++i) {
                const std::uint64_t prefix = n == 0 ? root : prefix_of(level_[i]);
                level_[i] = table_.add_hyp(key(prefix, units[i + n]));
            }
        }
    }

    // Clipped matches of orders n_from + 1 .. n_to. Only the reference positions whose n-gram the
    // prediction has go on to order n + 1 (alive_, kept between calls): an n-gram whose prefix the
    // prediction lacks cannot match. Returns whether any position is still alive. kTrack: list the
    // slots whose reference count is set in touched_ (for a table that outlives the reference).
    template <bool kTrack>
    bool match_ngrams(const std::vector<std::uint32_t>& units, std::size_t n_from, std::size_t n_to,
                      std::uint64_t root, std::int64_t* stats) {
        const std::size_t n_units = units.size();
        for (std::size_t n = n_from; n < n_to && n < n_units; ++n) {
            std::int64_t matches = 0;
            std::size_t kept = 0;
            const std::size_t candidates = n == 0 ? n_units : n_alive_;
            if (n == 0) at_least(alive_, n_units);
            if (kTrack) at_least(touched_, n_touched_ + candidates);
            for (std::size_t k = 0; k < candidates; ++k) {
                const std::uint32_t i = n == 0 ? std::uint32_t(k) : alive_[k].position;
                if (i + n >= n_units) continue;
                const std::uint64_t kk = key(n == 0 ? root : prefix_of(alive_[k].slot), units[i + n]);
                const std::uint32_t pos = table_.find(kk);
                NgramCounts::Slot& c = table_[pos];
                const bool hit = c.key == kk;
                matches += hit & (c.ref < c.hyp);
                if (kTrack) {
                    touched_[n_touched_] = pos;
                    n_touched_ += hit & (c.ref == 0);
                }
                c.ref += hit;
                alive_[kept] = Alive{i, pos};
                kept += hit;
            }
            n_alive_ = kept;
            stats[3 * n + 2] = matches;
            if (kept == 0) return false;
        }
        return true;
    }

    // [hyp, ref, match] per order of the prediction against ref_; hyp is 0 where the reference
    // has no n-gram of that order.
    void reference_stats(std::int64_t* stats, Plan plan) {
        std::int64_t* word_stats = stats + 3 * std::size_t(p_.char_order);
        fill_totals(hyp_.chars.size(), ref_.chars.size(), p_.char_order, stats);
        fill_totals(hyp_.words.size(), ref_.words.size(), p_.word_order, word_stats);
        if (plan == Plan::kShared) {
            match_ngrams<true>(ref_.chars, 0, std::size_t(p_.char_order), kCharRoot, stats);
            match_ngrams<true>(ref_.words, 0, std::size_t(p_.word_order), kWordRoot, word_stats);
            for (std::size_t k = 0; k < n_touched_; ++k) table_[touched_[k]].ref = 0;
            n_touched_ = 0;
        } else {
            if (plan == Plan::kPaired) {
                // the unigram arrays only as long as the largest code point needs (small calls stay cheap)
                const std::uint32_t top = std::max(largest(hyp_.chars), largest(ref_.chars));
                paired_short(hyp_.chars, ref_.chars, std::size_t(p_.char_order), kCharRoot, stats,
                             top < kBmp ? std::size_t(top) + 1 : 0);
                paired_short(hyp_.words, ref_.words, std::size_t(p_.word_order), kWordRoot, word_stats);
            } else {
                paired_long(hyp_.chars, ref_.chars, std::size_t(p_.char_order), kCharRoot, stats);
                paired_long(hyp_.words, ref_.words, std::size_t(p_.word_order), kWordRoot, word_stats);
            }
        }
    }

    // The prediction against one reference, an order at a time: the prediction's n-grams at the
    // positions whose (n-1)-gram the reference has (no other can match, and the prediction's
    // totals come from its length), then the reference's where the prediction has the (n-1)-gram.
    // For a short prediction (Plan::kPaired): a table per order sized for every candidate
    // (L1-sized for a sentence, load <= 1/4), emptied by its generation.
    // Units below `dense_units` (if > 0) count their unigrams in arrays indexed by the unit, which
    // then stands for the unigram's slot (prefix_of(unit) stays below 2^20).
    void paired_short(const std::vector<std::uint32_t>& hyp, const std::vector<std::uint32_t>& ref,
                      std::size_t order, std::uint64_t root, std::int64_t* stats, std::size_t dense_units = 0) {
        const std::size_t lh = hyp.size(), lr = ref.size();
        if (order == 0 || lh == 0 || lr == 0) return;
        at_least(hyp_alive_, lh);
        at_least(next_hyp_, lh);
        at_least(alive_, lr);
        // unigrams: every position a candidate
        std::size_t n_hyp = lh, n_ref = 0;
        std::int64_t matches = 0;
        bool dense_filled = dense_units > 0;  // the unigram arrays hold this pair's counts
        if (dense_filled) {
            at_least(unigram_hyp_, dense_units);  // all zero between calls
            at_least(unigram_ref_, dense_units);
            for (std::size_t i = 0; i < lh; ++i) {
                ++unigram_hyp_[hyp[i]];
                next_hyp_[i] = Alive{std::uint32_t(i), hyp[i]};
            }
            for (std::size_t j = 0; j < lr; ++j) {
                const std::uint32_t u = ref[j];
                const bool match = unigram_ref_[u] < unigram_hyp_[u];
                matches += match;
                unigram_ref_[u] += match;
                alive_[n_ref] = Alive{std::uint32_t(j), u};
                n_ref += unigram_hyp_[u] > 0;
            }
        } else {
            paired_.reset(lh);
            for (std::size_t i = 0; i < lh; ++i)
                next_hyp_[i] = Alive{std::uint32_t(i), paired_.add_hyp(key(root, hyp[i]))};
            for (std::size_t j = 0; j < lr; ++j) {
                std::uint32_t slot = 0;
                bool match = false;
                const bool hit = paired_.add_ref(key(root, ref[j]), &slot, &match);
                matches += match;
                alive_[n_ref] = Alive{std::uint32_t(j), slot};
                n_ref += hit;
            }
        }
        stats[2] = matches;
        for (std::size_t n = 1; n < order && n < lh && n < lr && n_ref > 0; ++n) {
            // the hypothesis positions whose (n-1)-gram the reference has
            std::size_t alive = 0;
            if (n == 1 && dense_filled) {
                for (std::size_t k = 0; k < n_hyp; ++k) {
                    hyp_alive_[alive] = next_hyp_[k];
                    alive += unigram_ref_[next_hyp_[k].slot] > 0;
                }
                clear_unigrams(hyp, ref);
                dense_filled = false;
            } else {
                for (std::size_t k = 0; k < n_hyp; ++k) {
                    hyp_alive_[alive] = next_hyp_[k];
                    alive += paired_.in_ref(next_hyp_[k].slot);
                }
            }
            // positions ascend, so only the last can lack an n-gram
            if (alive > 0 && hyp_alive_[alive - 1].position + n >= lh) --alive;
            if (n_ref > 0 && alive_[n_ref - 1].position + n >= lr) --n_ref;
            paired_.reset(alive);
            for (std::size_t k = 0; k < alive; ++k) {
                const Alive a = hyp_alive_[k];
                next_hyp_[k] = Alive{a.position, paired_.add_hyp(key(prefix_of(a.slot), hyp[a.position + n]))};
            }
            n_hyp = alive;
            matches = 0;
            std::size_t kept = 0;
            for (std::size_t k = 0; k < n_ref; ++k) {
                const Alive a = alive_[k];
                std::uint32_t slot = 0;
                bool match = false;
                const bool hit = paired_.add_ref(key(prefix_of(a.slot), ref[a.position + n]), &slot, &match);
                matches += match;
                alive_[kept] = Alive{a.position, slot};
                kept += hit;
            }
            n_ref = kept;
            stats[3 * n + 2] = matches;
        }
        if (dense_filled) clear_unigrams(hyp, ref);
    }

    // Zeroes the unigram arrays paired_short filled for hyp and ref.
    void clear_unigrams(const std::vector<std::uint32_t>& hyp, const std::vector<std::uint32_t>& ref) {
        for (const std::uint32_t u : hyp) unigram_hyp_[u] = 0;
        for (const std::uint32_t u : ref) unigram_ref_[u] = 0;
    }

    static constexpr std::uint32_t kBmp = 0x10000;  // code points below it: the dense unigram arrays

    static std::uint32_t largest(const std::vector<std::uint32_t>& units) {
        std::uint32_t top = 0;
        for (const std::uint32_t u : units) top = std::max(top, u);
        return top;
    }

    // The same for a long prediction (Plan::kPerOrder): the table sized by the distinct n-grams
    // (load <= 3/4), doubled (and the order counted again) when it fills.
    void paired_long(const std::vector<std::uint32_t>& hyp, const std::vector<std::uint32_t>& ref,
                     std::size_t order, std::uint64_t root, std::int64_t* stats) {
        std::size_t slots = 4096;
        for (std::size_t n = 0; n < order && n < hyp.size() && n < ref.size(); ++n) {
            const std::size_t candidates = n == 0 ? hyp.size() : n_hyp_alive_;
            at_least(next_hyp_, candidates);
            std::size_t kept = 0;
            for (bool done = false; !done;) {
                table_.reset_slots(slots, slots / 4 * 3);
                kept = 0;
                done = true;
                for (std::size_t k = 0; k < candidates; ++k) {
                    const std::uint32_t i = n == 0 ? std::uint32_t(k) : hyp_alive_[k].position;
                    if (i + n >= hyp.size()) continue;
                    if (table_.full()) {
                        slots *= 2;
                        done = false;
                        break;
                    }
                    const std::uint64_t prefix = n == 0 ? root : prefix_of(hyp_alive_[k].slot);
                    next_hyp_[kept++] = Alive{i, table_.add_hyp(key(prefix, hyp[i + n]))};
                }
            }
            if (!match_ngrams<false>(ref, n, n + 1, root, stats)) break;
            std::size_t alive = 0;
            for (std::size_t k = 0; k < kept; ++k) {
                const Alive a = next_hyp_[k];
                next_hyp_[alive] = a;
                alive += table_[a.slot].ref > 0;
            }
            hyp_alive_.swap(next_hyp_);
            n_hyp_alive_ = alive;
        }
    }

    template <class T>
    static void at_least(std::vector<T>& v, std::size_t n) {
        if (v.size() < n) v.resize(n);
    }

    static void fill_totals(std::size_t hyp_len, std::size_t ref_len, int order, std::int64_t* stats) {
        for (std::size_t n = 0; n < static_cast<std::size_t>(order); ++n) {
            const std::int64_t ref_total = ref_len > n ? std::int64_t(ref_len - n) : 0;
            const std::int64_t hyp_total = hyp_len > n ? std::int64_t(hyp_len - n) : 0;
            stats[3 * n] = ref_total > 0 ? hyp_total : 0;
            stats[3 * n + 1] = ref_total;
            stats[3 * n + 2] = 0;
        }
    }

    ChrfParams p_;
    Units hyp_, ref_;
    GroupInterner vocabulary_;  // words of the current group
    std::string padded_;        // split: the text and 16 bytes
    std::vector<std::uint32_t> piece_begins_, piece_ends_;  // split: chrF++'s words, bytes of padded_
    std::vector<std::uint32_t> word_starts_, word_ends_;  // split: str.split()'s words
    NgramCounts table_;   // Plan::kShared and Plan::kPerOrder
    PairedCounts paired_;  // Plan::kPaired
    std::vector<std::uint32_t> unigram_hyp_, unigram_ref_;  // paired_short: per code point, all zero between calls
    std::vector<std::uint32_t> level_;
    std::vector<std::uint32_t> touched_;  // slots whose ref count is set (first n_touched_)
    std::size_t n_touched_ = 0;
    struct Alive {
        std::uint32_t position;
        std::uint32_t slot;
    };
    // Positions still alive (the first n_alive_, n_hyp_alive_): the reference's, the prediction's.
    std::vector<Alive> alive_, hyp_alive_, next_hyp_;
    std::size_t n_alive_ = 0, n_hyp_alive_ = 0;
    std::vector<std::int64_t> candidate_;
};

}  // namespace chrf_detail

// Per prediction g (references: rows groups[g]..groups[g+1] of refs) writes the 3 * (char_order +
// word_order) statistics [hyp, ref, match] per order (character orders 1..c, then word orders
// 1..w) of the reference sacrebleu picks (the first with strictly greatest sentence F, from
// best = -1) to stats_out + g * 3 * (c + w), that sentence chrF (0..100) to scores_out[g] and the
// chosen reference's index within the group to chosen_out[g]. A prediction without references
// gets zero statistics, score 0 and index -1. Texts are UTF-8 of Python str (lone surrogates as
// 3-byte sequences), already lowercased if requested.
inline void chrf_text_stats(const RaggedView<char>& preds, const RaggedView<char>& refs,
                            const std::int64_t* groups, const ChrfParams& params, int threads,
                            std::int64_t* stats_out, double* scores_out, std::int64_t* chosen_out,
                            const std::function<bool()>& interrupted = {}) {
    if (params.char_order < 0 || params.word_order < 0 || params.orders() == 0)
        throw std::invalid_argument("chrF: orders must be >= 0 and not both 0");
    const std::size_t width = 3 * params.orders();
    parallel_chunks(
        preds.n_rows, threads, 32, [&params] { return chrf_detail::ChrfWorkspace(params); },
        [&](chrf_detail::ChrfWorkspace& ws, std::size_t begin, std::size_t end) {
            for (std::size_t g = begin; g < end; ++g) {
                const auto b = preds.offsets[g], e = preds.offsets[g + 1];
                ws.score_group(preds.values + b, static_cast<std::size_t>(e - b), refs, groups[g],
                               groups[g + 1], stats_out + g * width, scores_out + g, chosen_out + g);
            }
        },
        interrupted);
}

}  // namespace ngramkit
