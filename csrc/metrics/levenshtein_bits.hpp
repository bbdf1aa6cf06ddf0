// SPDX-License-Identifier: Apache-2.0
// The bit-parallel Levenshtein kernels behind edit::Aligner (metrics/edit_distance.hpp): Hyyrö's
// algorithm over one 64-bit word, a 64-bit diagonal band or 64-bit blocks with a narrowing Ukkonen
// band, each able to record its VP/VN rows for the back-trace, and the id -> bit-mask table.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace ngramkit::edit {

namespace detail {

constexpr std::size_t kWord = 64;

inline std::uint64_t shr(std::uint64_t a, std::ptrdiff_t n) { return n < 64 ? a >> n : 0; }

inline int popcount64(std::uint64_t x) {
#if defined(__GNUC__)
    return __builtin_popcountll(x);
#else
    int c = 0;
    for (; x; x &= x - 1) ++c;
    return c;
#endif
}

inline std::size_t ceil_div(std::size_t a, std::size_t b) { return a / b + (a % b != 0); }

// A view of a sequence, possibly reversed (Hirschberg's right half runs on reversed sequences).
struct Seq {
    const std::int32_t* p = nullptr;
    std::size_t n = 0;
    bool reversed = false;
    std::int32_t operator[](std::size_t i) const { return reversed ? p[n - 1 - i] : p[i]; }
    std::size_t size() const { return n; }
    Seq sub(std::size_t begin, std::size_t len) const {
        return reversed ? Seq{p + (n - begin - len), len, true} : Seq{p + begin, len, false};
    }
    Seq rev() const { return Seq{p, n, !reversed}; }
};

// Open-addressing map from a 64-bit key to V, cleared in O(capacity) and reused across calls.
template <class V>
class KeyMap {
public:
    void reset(std::size_t expected) {
        std::size_t cap = 16;
        while (cap < 2 * expected + 2) cap <<= 1;
        if (keys_.size() < cap) {
            keys_.resize(cap);
            vals_.resize(cap);
            used_.resize(cap);
        }
        cap_mask_ = cap - 1;
        std::fill(used_.begin(), used_.begin() + static_cast<std::ptrdiff_t>(cap), std::uint8_t{0});
    }
    const V* find(std::uint64_t key) const {
        for (std::size_t s = slot(key);; s = (s + 1) & cap_mask_) {
            if (!used_[s]) return nullptr;
            if (keys_[s] == key) return &vals_[s];
        }
    }
    // The value of `key`, value-initialized if new; `fresh` tells which.
    V& at(std::uint64_t key, bool& fresh) {
        for (std::size_t s = slot(key);; s = (s + 1) & cap_mask_) {
            if (!used_[s]) {
                used_[s] = 1;
                keys_[s] = key;
                vals_[s] = V{};
                fresh = true;
                return vals_[s];
            }
            if (keys_[s] == key) {
                fresh = false;
                return vals_[s];
            }
        }
    }

private:
    std::size_t slot(std::uint64_t key) const {
        return static_cast<std::size_t>((key * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & cap_mask_;
    }
    std::vector<std::uint64_t> keys_;
    std::vector<V> vals_;
    std::vector<std::uint8_t> used_;
    std::size_t cap_mask_ = 0;
};

inline std::uint64_t block_key(std::size_t block, std::int32_t id) {
    return (static_cast<std::uint64_t>(block) << 32) | static_cast<std::uint32_t>(id);
}

// Bit masks of s1's positions per 64-position block and id.
struct PatternMatch {
    KeyMap<std::uint64_t> map;
    std::size_t words = 0;
    void build(const Seq& s1) {
        words = ceil_div(s1.size(), kWord);
        map.reset(s1.size());
        bool fresh = false;
        for (std::size_t i = 0; i < s1.size(); ++i)
            map.at(block_key(i / kWord, s1[i]), fresh) |= UINT64_C(1) << (i % kWord);
    }
    std::uint64_t get(std::size_t block, std::int32_t id) const {
        const auto* v = map.find(block_key(block, id));
        return v ? *v : 0;
    }
};

// Recorded VP/VN bits: row r holds `cols` words starting at column offset[r] (may be negative).
struct BitMatrix {
    std::size_t rows = 0, cols = 0;
    std::vector<std::uint64_t> vp, vn;
    std::vector<std::ptrdiff_t> offset;
    void reset(std::size_t r, std::size_t c) {
        rows = r;
        cols = c;
        vp.assign(r * c, ~UINT64_C(0));
        vn.assign(r * c, 0);
        offset.assign(r, 0);
    }
    void put(std::size_t row, std::size_t word, std::uint64_t p, std::uint64_t n) {
        if (word >= cols) return;  // beyond the recorded band: never read on the backtracking path
        vp[row * cols + word] = p;
        vn[row * cols + word] = n;
    }
    static bool test(const std::vector<std::uint64_t>& bits, std::size_t cols, std::ptrdiff_t off, std::size_t row,
                     std::size_t col) {
        if (off < 0) {
            col += static_cast<std::size_t>(-off);
        } else if (col >= static_cast<std::size_t>(off)) {
            col -= static_cast<std::size_t>(off);
        } else {
            return false;
        }
        if (col / kWord >= cols) return false;
        return (bits[row * cols + col / kWord] >> (col % kWord)) & 1u;
    }
    bool test_vp(std::size_t row, std::size_t col) const { return test(vp, cols, offset[row], row, col); }
    bool test_vn(std::size_t row, std::size_t col) const { return test(vn, cols, offset[row], row, col); }
};

struct VecPair {
    std::uint64_t vp = ~UINT64_C(0), vn = 0;
};

// The last row the block algorithm computed when asked to stop at `stop_row`.
struct BitRow {
    std::size_t first_block = 0, last_block = 0, prev_score = 0;
    std::vector<VecPair> vecs;
};

// Hyyrö's algorithm for |s1| <= 64: distance, recording every row's bits into `m`.
inline std::size_t hyrroe_single(const PatternMatch& pm, const Seq& s1, const Seq& s2, BitMatrix& m) {
    std::uint64_t vp = ~UINT64_C(0), vn = 0;
    std::size_t dist = s1.size();
    m.reset(s2.size(), 1);
    const std::uint64_t mask = UINT64_C(1) << (s1.size() - 1);
    for (std::size_t i = 0; i < s2.size(); ++i) {
        const std::uint64_t x = pm.get(0, s2[i]);
        const std::uint64_t d0 = (((x & vp) + vp) ^ vp) | x | vn;
        std::uint64_t hp = vn | ~(d0 | vp);
        std::uint64_t hn = d0 & vp;
        dist += (hp & mask) != 0;
        dist -= (hn & mask) != 0;
        hp = (hp << 1) | 1;
        hn = hn << 1;
        vp = hn | ~(d0 | hp);
        vn = hp & d0;
        m.put(i, 0, vp, vn);
    }
    return dist;
}

// Hyyrö's algorithm over a 64-bit diagonal band (Ukkonen band 2*max+1 <= 64), recording into `m`.
// Returns max + 1 when the distance exceeds max.
inline std::size_t hyrroe_small_band(const Seq& s1, const Seq& s2, std::size_t max, BitMatrix& m,
                                     KeyMap<std::pair<std::ptrdiff_t, std::uint64_t>>& pm) {
    std::uint64_t vp = ~UINT64_C(0) << (64 - max - 1);
    std::uint64_t vn = 0;
    std::size_t dist = max;
    m.reset(s2.size(), 1);
    const std::ptrdiff_t start_offset = static_cast<std::ptrdiff_t>(max) + 2 - 64;
    for (std::size_t i = 0; i < s2.size(); ++i) m.offset[i] = start_offset + static_cast<std::ptrdiff_t>(i);

    const std::uint64_t diagonal_mask = UINT64_C(1) << 63;
    std::uint64_t horizontal_mask = UINT64_C(1) << 62;
    const std::size_t break_score = 2 * max + s2.size() - s1.size();
    pm.reset(s1.size());
    bool fresh = false;
    auto add = [&](std::int32_t id, std::ptrdiff_t pos) {
        auto& x = pm.at(static_cast<std::uint32_t>(id), fresh);
        x.second = (fresh ? 0 : shr(x.second, pos - x.first)) | (UINT64_C(1) << 63);
        x.first = pos;
    };
    auto lookup = [&](std::int32_t id, std::ptrdiff_t pos) -> std::uint64_t {
        const auto* x = pm.find(static_cast<std::uint32_t>(id));
        return x ? shr(x->second, pos - x->first) : 0;
    };
    std::size_t k1 = 0;  // next position of s1 entering the band
    for (std::ptrdiff_t j = -static_cast<std::ptrdiff_t>(max); j < 0; ++j, ++k1) add(s1[k1], j);

    auto step = [&](std::size_t i, bool diagonal_phase) -> bool {
        const std::uint64_t x = lookup(s2[i], static_cast<std::ptrdiff_t>(i));
        const std::uint64_t d0 = (((x & vp) + vp) ^ vp) | x | vn;
        const std::uint64_t hp = vn | ~(d0 | vp);
        const std::uint64_t hn = d0 & vp;
        if (diagonal_phase) {
            dist += !(d0 & diagonal_mask);
        } else {
            dist += (hp & horizontal_mask) != 0;
            dist -= (hn & horizontal_mask) != 0;
            horizontal_mask >>= 1;
        }
        if (dist > break_score) return false;
        vp = hn | ~((d0 >> 1) | hp);
        vn = (d0 >> 1) & hp;
        m.put(i, 0, vp, vn);
        return true;
    };
    std::size_t i = 0;
    for (; i < s1.size() - max; ++i) {
        add(s1[k1++], static_cast<std::ptrdiff_t>(i));
        if (!step(i, true)) return max + 1;
    }
    for (; i < s2.size(); ++i) {
        if (k1 < s1.size()) add(s1[k1++], static_cast<std::ptrdiff_t>(i));
        if (!step(i, false)) return max + 1;
    }
    return dist > max ? max + 1 : dist;
}

// Hyyrö's algorithm over 64-bit blocks of s1 with a Ukkonen band that narrows as rows go by.
// Records the bits into `m` if given; if `row_out` is given, stops after row `stop_row` and
// returns that row there (distance 0 then means "unknown"). Returns max + 1 when the distance
// exceeds max.
inline std::size_t hyrroe_block(const PatternMatch& pm, const Seq& s1, const Seq& s2, std::size_t max,
                                BitMatrix* m, BitRow* row_out = nullptr,
                                std::size_t stop_row = std::numeric_limits<std::size_t>::max()) {
    const std::size_t len1 = s1.size(), len2 = s2.size();
    if (max < (len1 > len2 ? len1 - len2 : len2 - len1)) return max + 1;
    const std::size_t words = pm.words;
    std::vector<VecPair> vecs(words);
    std::vector<std::size_t> scores(words);
    const std::uint64_t last = UINT64_C(1) << ((len1 - 1) % kWord);
    for (std::size_t i = 0; i + 1 < words; ++i) scores[i] = (i + 1) * kWord;
    scores[words - 1] = len1;
    if (m) {
        const std::size_t full_band = std::min(len1, 2 * max + 1);
        m->reset(len2, std::min(words, full_band / kWord + 2));
    }
    max = std::min(max, std::max(len1, len2));
    using sp = std::ptrdiff_t;
    sp first_block = 0;
    sp last_block =
        static_cast<sp>(std::min(words, ceil_div(std::min(max, (max + len1 - len2) / 2) + 1, kWord))) - 1;

    auto row_num = [&](sp word) -> sp {
        if (static_cast<std::size_t>(word) + 1 == words) return static_cast<sp>(len1) - 1;
        return (word + 1) * static_cast<sp>(kWord) - 1;
    };

    for (std::size_t row = 0; row < len2; ++row) {
        std::uint64_t hp_carry = 1, hn_carry = 0;
        const std::int32_t ch = s2[row];
        if (m) m->offset[row] = first_block * static_cast<sp>(kWord);
        auto advance = [&](sp w) -> std::int64_t {
            const auto word = static_cast<std::size_t>(w);
            const std::uint64_t x = pm.get(word, ch) | hn_carry;
            const std::uint64_t vp = vecs[word].vp, vn = vecs[word].vn;
            const std::uint64_t d0 = (((x & vp) + vp) ^ vp) | x | vn;
            std::uint64_t hp = vn | ~(d0 | vp);
            std::uint64_t hn = d0 & vp;
            const std::uint64_t hp_in = hp_carry, hn_in = hn_carry;
            if (word + 1 < words) {
                hp_carry = hp >> 63;
                hn_carry = hn >> 63;
            } else {
                hp_carry = (hp & last) != 0;
                hn_carry = (hn & last) != 0;
            }
            hp = (hp << 1) | hp_in;
            hn = (hn << 1) | hn_in;
            vecs[word].vp = hn | ~(d0 | hp);
            vecs[word].vn = hp & d0;
            if (m) m->put(row, static_cast<std::size_t>(w - first_block), vecs[word].vp, vecs[word].vn);
            return static_cast<std::int64_t>(hp_carry) - static_cast<std::int64_t>(hn_carry);
        };
        for (sp w = first_block; w <= last_block; ++w)
            scores[static_cast<std::size_t>(w)] =
                static_cast<std::size_t>(static_cast<std::int64_t>(scores[static_cast<std::size_t>(w)]) + advance(w));

        const auto lb = static_cast<std::size_t>(last_block);
        max = static_cast<std::size_t>(
            std::min(static_cast<sp>(max),
                     static_cast<sp>(scores[lb]) +
                         std::max(static_cast<sp>(len2) - static_cast<sp>(row) - 1,
                                  static_cast<sp>(len1) - (static_cast<sp>((1 + lb) * kWord - 1) - 1))));

        if (static_cast<std::size_t>(last_block) + 1 < words) {
            const sp cond = static_cast<sp>(max + 2 * kWord + row + len1) - static_cast<sp>(scores[lb] + 2 + len2);
            if (row_num(last_block) < cond) {
                ++last_block;
                const auto nb = static_cast<std::size_t>(last_block);
                vecs[nb] = VecPair{};
                const std::size_t chars_in_block = (nb + 1 == words) ? ((len1 - 1) % kWord + 1) : 64;
                scores[nb] = scores[nb - 1] + chars_in_block - static_cast<std::size_t>(hp_carry) +
                             static_cast<std::size_t>(hn_carry);
                scores[nb] = static_cast<std::size_t>(static_cast<std::int64_t>(scores[nb]) + advance(last_block));
            }
        }
        for (; last_block >= first_block; --last_block) {
            const auto b = static_cast<std::size_t>(last_block);
            const bool cond1 = scores[b] < max + kWord;
            const sp cond = static_cast<sp>(max + 2 * kWord + row + len1 + 1) - static_cast<sp>(scores[b] + 2 + len2);
            if (cond1 && row_num(last_block) <= cond) break;
        }
        for (; first_block <= last_block; ++first_block) {
            const auto b = static_cast<std::size_t>(first_block);
            const bool cond1 = scores[b] < max + kWord;
            const sp cond = static_cast<sp>(scores[b] + len1 + row) - static_cast<sp>(max + len2);
            if (cond1 && row_num(first_block) >= cond) break;
        }
        if (last_block < first_block) return max + 1;

        if (row_out && row == stop_row) {
            const auto fb = static_cast<std::size_t>(first_block);
            if (fb == 0) {
                row_out->prev_score = stop_row + 1;
            } else {
                const std::size_t relevant_bits = std::min((fb + 1) * 64, len1) % 64;
                std::uint64_t mask = ~UINT64_C(0);
                if (relevant_bits) mask >>= 64 - relevant_bits;
                row_out->prev_score = scores[fb] + static_cast<std::size_t>(popcount64(vecs[fb].vn & mask)) -
                                      static_cast<std::size_t>(popcount64(vecs[fb].vp & mask));
            }
            row_out->first_block = fb;
            row_out->last_block = static_cast<std::size_t>(last_block);
            row_out->vecs = std::move(vecs);
            return 0;
        }
    }
    const std::size_t dist = scores[words - 1];
    return dist > max ? max + 1 : dist;
}

}  // namespace detail

}  // namespace ngramkit::edit
