// SPDX-License-Identifier: Apache-2.0
// Poisson bootstrap keyed by global pair index: partition-invariant resample sums.
//
// Resample r (0 <= r < B) gives global pair i (its 0-based position in the whole input) the weight
// w[r, i] ~ Poisson(1), a pure function of (seed, r, i):
//
//   G      = 0x9E3779B97F4A7C15                       (all arithmetic mod 2^64)
//   mix(z) = z ^= z >> 30; z *= 0xBF58476D1CE4E5B9; z ^= z >> 27; z *= 0x94D049BB133111EB; z ^ (z >> 31)
//            (splitmix64's finalizer)
//   a_r    = mix(seed + (r + 1) * G)                   one key per resample
//   b_i    = mix((i + 1) * G)                          one key per pair, independent of the seed
//   u      = mix(a_r ^ b_i)                            uniform on [0, 2^64)
//   w      = #{k in 0..19 : u >= T_k}                  inverse CDF, integer comparisons only
//
// with T_k = floor(2^64 * P(X <= k)), X ~ Poisson(1) (tools/poisson_thresholds.py derives them with
// exact rational arithmetic; tests recompute them). So P(w = k) is Poisson(1)'s probability to within
// 2^-64 for every k, and w <= kMaxPoissonWeight = 20.
//
// Since a weight never depends on where a pair sits in a chunk, a partition or a thread, every
// split of the pairs gives the same weights. Per resample the kernel sums, over the pairs given:
//   * integer statistics (int64, non-negative counts):     S[r, j] = sum_i w[r, i] * stats[i, j]
//   * float64 values in [-1, 1] as int128 fixed point:       V[r, j] = sum_i w[r, i] * round(v * 2^88)
//     (round half to even; exact for every double with |v| >= 2^-36 and for 0, deterministic below)
//   * the weights:                                          W[r]    = sum_i w[r, i]
// All three are integers, so partial sums of any partitioning add up to the same totals. V cannot
// overflow while W < 2^39 (|V| <= W * 2^88 < 2^127); the caller checks W.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/parallel.hpp"

namespace ngramkit {

namespace poisson_bootstrap {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
constexpr int kFixedPointBits = 88;
constexpr int kMaxPoissonWeight = 20;
// floor(2^64 * P(X <= k)) for X ~ Poisson(1), k = 0..19
constexpr std::uint64_t kThresholds[kMaxPoissonWeight] = {
    0x5e2d58d8b3bcdf1aULL, 0xbc5ab1b16779be35ULL, 0xeb715e1dc1582dc2ULL, 0xfb23979734a252f1ULL,
    0xff1025f59174dc3dULL, 0xffd90f3ba4055e19ULL, 0xfffa8b71fc72c913ULL, 0xffff540c0914b3c9ULL,
    0xffffed1f4aa8f120ULL, 0xfffffe216e641462ULL, 0xffffffd4d85d3183ULL, 0xfffffffc6da262b4ULL,
    0xffffffffba12d178ULL, 0xfffffffffb07c64cULL, 0xffffffffffab8ea5ULL, 0xfffffffffffabe22ULL,
    0xffffffffffffb11aULL, 0xfffffffffffffba1ULL, 0xffffffffffffffc5ULL, 0xfffffffffffffffdULL,
};

inline std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

inline std::uint64_t resample_key(std::uint64_t seed, std::uint64_t r) { return mix(seed + (r + 1) * kGolden); }
inline std::uint64_t pair_key(std::uint64_t i) { return mix((i + 1) * kGolden); }

inline int poisson_weight(std::uint64_t u) {
    // the first four comparisons branch-free (they decide 98% of the draws), the tail in a loop
    int w = static_cast<int>(u >= kThresholds[0]) + static_cast<int>(u >= kThresholds[1]) +
            static_cast<int>(u >= kThresholds[2]) + static_cast<int>(u >= kThresholds[3]);
    if (w == 4)
        while (w < kMaxPoissonWeight && u >= kThresholds[w]) ++w;
    return w;
}

inline int weight(std::uint64_t seed, std::uint64_t r, std::uint64_t i) {
    return poisson_weight(mix(resample_key(seed, r) ^ pair_key(i)));
}

using i128 = __int128;
constexpr i128 kTwo44 = static_cast<i128>(1) << 44;  // (multiplying, not shifting: negative values)

// round(v * 2^88), ties to even: v * 2^88 is exact in double (a power-of-two scaling, no overflow for
// |v| <= 1), and nearbyint rounds it to an integer under the default rounding mode.
inline i128 fixed_point(double v) {
    const double scaled = std::ldexp(v, kFixedPointBits);
    const double rounded = std::nearbyint(scaled);
    // |rounded| <= 2^88: split exactly into a multiple of 2^44 and a remainder below 2^44 in magnitude
    const double high = std::trunc(std::ldexp(rounded, -44));
    const double low = rounded - std::ldexp(high, 44);  // exact
    return static_cast<i128>(static_cast<std::int64_t>(high)) * kTwo44 +
           static_cast<i128>(static_cast<std::int64_t>(low));
}

struct Inputs {
    std::uint64_t first_row = 0;
    std::size_t n = 0;
    const std::int64_t* stats = nullptr;  // (n, k)
    std::size_t k = 0;
    const double* values = nullptr;  // (n, m)
    std::size_t m = 0;
    std::uint64_t seed = 0;
    std::size_t n_samples = 0;
};

struct Outputs {
    std::int64_t* stats = nullptr;   // (B, k)
    std::uint64_t* values = nullptr; // (B, m, 2): low word, high word (two's complement int128)
    std::int64_t* weights = nullptr; // (B,)
};

// Checks that the sums cannot overflow and the values are in range; throws std::invalid_argument.
inline void validate(const Inputs& in) {
    const i128 limit = static_cast<i128>(INT64_MAX) / kMaxPoissonWeight;
    for (std::size_t j = 0; j < in.k; ++j) {
        i128 column = 0;
        for (std::size_t i = 0; i < in.n; ++i) {
            const std::int64_t s = in.stats[i * in.k + j];
            if (s < 0) throw std::invalid_argument("statistics: expected non-negative counts");
            column += s;
        }
        if (column > limit) throw std::invalid_argument("statistics: column sums too large for int64 resample sums");
    }
    for (std::size_t x = 0; x < in.n * in.m; ++x) {
        const double v = in.values[x];
        if (!(v >= -1.0 && v <= 1.0)) throw std::invalid_argument("values: expected finite values in [-1, 1]");
    }
    if (in.first_row > static_cast<std::uint64_t>(INT64_MAX) - in.n)
        throw std::invalid_argument("first_row: too large");
    if (static_cast<i128>(in.n) * kMaxPoissonWeight >= (static_cast<i128>(1) << 39))
        throw std::invalid_argument("statistics: too many pairs in one call");
}

// Fills `out` (overwriting it) with the resample sums of the pairs of `in`. Threads take ranges of
// resamples, each writes only its own rows: the result never depends on `threads`.
//
// Per block of pairs, a row of K = k + 2m int64 holds the statistics and each value's fixed point
// split as h * 2^44 + l (0 <= l < 2^44, |h| <= 2^44). Per resample, rows are added (no multiply) into
// one partial sum per weight value, then folded: sum_w w * partial[w]. Block sums stay far below
// 2^63 (validate() bounds the statistics; 20 * 256 * 2^44 < 2^57 for the value parts) and are then
// added to the int64 / int128 totals.
inline void resample_sums(const Inputs& in, const Outputs& out, int threads,
                          const std::function<bool()>& interrupted = {}) {
    constexpr std::size_t kBlock = 256;
    const std::size_t B = in.n_samples, k = in.k, m = in.m, K = k + 2 * m;
    // at most 16 resamples a chunk, so that `interrupted` (polled between chunks) is seen soon
    const std::size_t per_chunk = std::clamp<std::size_t>(B / (static_cast<std::size_t>(std::max(threads, 1)) * 4), 1, 16);
    struct State {
        std::vector<std::uint64_t> keys;
        std::vector<std::int64_t> rows;     // (kBlock, K)
        std::vector<std::int64_t> partial;  // (kMaxPoissonWeight + 1, K)
    };
    parallel_chunks(
        B, threads, per_chunk,
        [&] {
            State st;
            st.keys.resize(kBlock);
            st.rows.resize(kBlock * K);
            st.partial.assign((kMaxPoissonWeight + 1) * K, 0);
            return st;
        },
        [&](State& st, std::size_t r0, std::size_t r1) {
            const std::size_t n_rows = r1 - r0;
            std::vector<std::int64_t> acc_s(n_rows * k, 0), acc_w(n_rows, 0);
            std::vector<i128> acc_v(n_rows * m, 0);
            for (std::size_t b0 = 0; b0 < in.n; b0 += kBlock) {
                const std::size_t len = std::min(kBlock, in.n - b0);
                for (std::size_t i = 0; i < len; ++i) {
                    st.keys[i] = pair_key(in.first_row + b0 + i);
                    std::int64_t* row = st.rows.data() + i * K;
                    std::copy_n(in.stats + (b0 + i) * k, k, row);
                    for (std::size_t j = 0; j < m; ++j) {
                        const i128 f = fixed_point(in.values[(b0 + i) * m + j]);
                        const auto h = static_cast<std::int64_t>(f >> 44);  // floor division
                        row[k + 2 * j] = h;
                        row[k + 2 * j + 1] = static_cast<std::int64_t>(f - static_cast<i128>(h) * kTwo44);
                    }
                }
                for (std::size_t r = r0; r < r1; ++r) {
                    const std::uint64_t a = resample_key(in.seed, r);
                    std::int64_t total = 0;
                    int max_w = 0;
                    for (std::size_t i = 0; i < len; ++i) {
                        const int w = poisson_weight(mix(a ^ st.keys[i]));
                        if (w == 0) continue;
                        total += w;
                        max_w = std::max(max_w, w);
                        std::int64_t* p = st.partial.data() + static_cast<std::size_t>(w) * K;
                        const std::int64_t* row = st.rows.data() + i * K;
                        for (std::size_t j = 0; j < K; ++j) p[j] += row[j];
                    }
                    acc_w[r - r0] += total;
                    std::int64_t* as = acc_s.data() + (r - r0) * k;
                    i128* av = acc_v.data() + (r - r0) * m;
                    for (int w = 1; w <= max_w; ++w) {
                        std::int64_t* p = st.partial.data() + static_cast<std::size_t>(w) * K;
                        for (std::size_t j = 0; j < k; ++j) as[j] += w * p[j];
                        for (std::size_t j = 0; j < m; ++j)
                            av[j] += static_cast<i128>(w * p[k + 2 * j]) * kTwo44 + w * p[k + 2 * j + 1];
                        std::fill(p, p + K, 0);
                    }
                }
            }
            for (std::size_t r = r0; r < r1; ++r) {
                std::copy_n(acc_s.data() + (r - r0) * k, k, out.stats + r * k);
                out.weights[r] = acc_w[r - r0];
                for (std::size_t j = 0; j < m; ++j) {
                    const auto bits = static_cast<unsigned __int128>(acc_v[(r - r0) * m + j]);
                    out.values[(r * m + j) * 2] = static_cast<std::uint64_t>(bits);
                    out.values[(r * m + j) * 2 + 1] = static_cast<std::uint64_t>(bits >> 64);
                }
            }
        },
        interrupted);
}

}  // namespace poisson_bootstrap

}  // namespace ngramkit
