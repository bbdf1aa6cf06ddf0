// SPDX-License-Identifier: Apache-2.0
// Bootstrap resampling of column means (confidence intervals for corpus-level scores).
//
// Resample s draws n_rows row indices uniformly with replacement from its own xoshiro256**
// stream, keyed by (seed, s). The draws are tallied into per-row counts, and each column sum is
//     sum over i = 0 .. n_rows-1 of (count_i mod 256) * values[i][c]
// in ascending row order, followed by one 256 * values[k][c] term per wrap of a count past 255
// (order of occurrence; a count of 256 needs n_rows >= 256 and essentially never happens).
// So every resample is a pure function of (values, seed, s): the result does not depend on
// `threads`, on which thread ran a resample, or on n_samples (a run with n_samples = k equals
// the first k rows of a longer run), and the draws do not depend on the columns.
//
// Why count-then-dot rather than gathering the drawn rows: 1,000,000 x 3 values (24 MB) do not
// fit in L2, so a gather pays a cache miss per draw, while 1 byte of count per row stays in L2
// and the dot pass streams `values` once per block of kBlock resamples. Measured per resample
// at 1,000,000 x 3 on the 2-core dev VM (g++ 12, -O3, one thread): gather 14 ms; count + dot
// 6 ms; blocks of 8 resamples, counts zeroed just before use, byte-to-double by table: 2.5 ms
// (about 1.5 ms drawing and tallying, 0.7 ms in the dot pass).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>
#include <vector>

#include "core/parallel.hpp"

namespace ngramkit {

namespace bootstrap_detail {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

// splitmix64's output function (Steele, Lea & Flood 2014; constants from Vigna's splitmix64.c).
inline std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// xoshiro256** 1.0 (Blackman & Vigna), state filled from splitmix64 as its authors recommend.
class Xoshiro256ss {
public:
    explicit Xoshiro256ss(std::uint64_t key) {
        for (auto& word : s_) {
            key += kGolden;
            word = mix64(key);  // four distinct inputs to a bijection: never all zero
        }
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
};

// Key of resample s's stream: both inputs pass through a bijective mixer, so nearby seeds and
// nearby resample numbers give unrelated states.
inline std::uint64_t resample_key(std::uint64_t seed, std::uint64_t s) {
    return mix64(mix64(seed ^ 0x6A09E667F3BCC909ULL) ^ mix64(s + kGolden));
}

// High and low 64 bits of a * b.
inline void mul_64x64(std::uint64_t a, std::uint64_t b, std::uint64_t& hi, std::uint64_t& lo) {
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    const u128 m = static_cast<u128>(a) * b;
    hi = static_cast<std::uint64_t>(m >> 64);
    lo = static_cast<std::uint64_t>(m);
#else
    const std::uint64_t a_lo = a & 0xFFFFFFFFULL, a_hi = a >> 32;
    const std::uint64_t b_lo = b & 0xFFFFFFFFULL, b_hi = b >> 32;
    const std::uint64_t p0 = a_lo * b_lo, p1 = a_lo * b_hi, p2 = a_hi * b_lo, p3 = a_hi * b_hi;
    const std::uint64_t mid = (p0 >> 32) + (p1 & 0xFFFFFFFFULL) + (p2 & 0xFFFFFFFFULL);
    hi = p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32);
    lo = (mid << 32) | (p0 & 0xFFFFFFFFULL);
#endif
}

// Adds one to counts[k]; a wrap to zero means 256 more, recorded in `overflow`.
inline void tally(std::uint8_t* counts, std::uint64_t k, std::vector<std::uint64_t>& overflow) {
    if (++counts[k] == 0) overflow.push_back(k);
}

// Calls sink(k) for n_draws indices k drawn uniformly from [0, range), range >= 1: Lemire's
// multiply-shift with rejection (unbiased). For range < 2^32 each 64-bit output yields two
// 32-bit draws, high half first; a rejected draw is redrawn from the high halves of fresh outputs.
template <class Sink>
inline void draw_indices(Xoshiro256ss& rng, std::uint64_t range, std::uint64_t n_draws, Sink&& sink) {
    if (range <= 0xFFFFFFFFULL) {
        // 2^32 mod range: products whose low half falls below it are rejected.
        const std::uint32_t threshold = static_cast<std::uint32_t>(-static_cast<std::uint32_t>(range)) %
                                        static_cast<std::uint32_t>(range);
        auto redraw = [&](std::uint64_t m) {
            while (static_cast<std::uint32_t>(m) < threshold) m = (rng.next() >> 32) * range;
            return m >> 32;
        };
        std::uint64_t i = 0;
        for (; i + 1 < n_draws; i += 2) {
            const std::uint64_t x = rng.next();
            const std::uint64_t m0 = (x >> 32) * range;
            const std::uint64_t m1 = (x & 0xFFFFFFFFULL) * range;
            sink(static_cast<std::uint32_t>(m0) < threshold ? redraw(m0) : m0 >> 32);
            sink(static_cast<std::uint32_t>(m1) < threshold ? redraw(m1) : m1 >> 32);
        }
        if (i < n_draws) sink(redraw((rng.next() >> 32) * range));
    } else {
        const std::uint64_t threshold = (0 - range) % range;  // 2^64 mod range
        for (std::uint64_t i = 0; i < n_draws; ++i) {
            std::uint64_t hi, lo;
            do {
                mul_64x64(rng.next(), range, hi, lo);
            } while (lo < threshold);
            sink(hi);
        }
    }
}

// One resample: n uniform draws from [0, n) tallied into counts (which must start at zero).
inline void draw_counts(Xoshiro256ss& rng, std::uint64_t n, std::uint8_t* counts,
                        std::vector<std::uint64_t>& overflow) {
    draw_indices(rng, n, n, [&](std::uint64_t k) { tally(counts, k, overflow); });
}

// Small counts as doubles: a table lookup beats the byte-to-double conversion sequence the
// compiler emits (dot pass 0.65 vs 2.3 ms per resample at 1,000,000 x 3).
struct ByteToDouble {
    double value[256];
    constexpr ByteToDouble() : value() {
        for (int k = 0; k < 256; ++k) value[k] = k;
    }
};
inline constexpr ByteToDouble kByteToDouble{};

// Column means of NB resamples whose counts sit in NB consecutive arrays of n_rows bytes.
// C > 0 fixes the column count at compile time; C == 0 reads it from n_cols. Each (resample,
// column) sum is accumulated in ascending row order, then the overflow terms are added.
template <std::size_t NB, int C>
void block_means(const double* values, std::size_t n_rows, std::size_t n_cols,
                 const std::uint8_t* counts, const std::vector<std::uint64_t>* overflow,
                 double* acc_heap, double* out) {
    const std::size_t cols = C > 0 ? static_cast<std::size_t>(C) : n_cols;
    // acc[c * NB + b]. Fixed column counts use a local array the compiler keeps in registers
    // (a heap buffer might alias `values`, forcing a store per term).
    double acc_local[NB * static_cast<std::size_t>(C > 0 ? C : 1)];
    double* acc = C > 0 ? acc_local : acc_heap;
    std::fill(acc, acc + NB * cols, 0.0);
    for (std::size_t i = 0; i < n_rows; ++i) {
        double k[NB];
        for (std::size_t b = 0; b < NB; ++b) k[b] = kByteToDouble.value[counts[b * n_rows + i]];
        const double* row = values + i * cols;
        for (std::size_t c = 0; c < cols; ++c) {
            const double v = row[c];
            double* a = acc + c * NB;
            for (std::size_t b = 0; b < NB; ++b) a[b] += k[b] * v;
        }
    }
    const double n = static_cast<double>(n_rows);
    for (std::size_t b = 0; b < NB; ++b) {
        for (const std::uint64_t k : overflow[b]) {
            const double* row = values + static_cast<std::size_t>(k) * cols;
            for (std::size_t c = 0; c < cols; ++c) acc[c * NB + b] += 256.0 * row[c];
        }
        for (std::size_t c = 0; c < cols; ++c) out[b * cols + c] = acc[c * NB + b] / n;
    }
}

// Resamples per pass over `values`. Every resample of a call goes through the same
// instantiation (short blocks are padded), so its sum never depends on its block-mates.
constexpr std::size_t kBlock = 8;
// Above this many rows the 8 x n_rows bytes of counts per thread cost more than they save.
constexpr std::uint64_t kMaxRowsForBlocks = std::uint64_t(1) << 23;

template <std::size_t NB, int C>
void run_block(const double* values, std::size_t n_rows, std::size_t n_cols, std::uint64_t seed,
               std::size_t first, std::size_t count, std::vector<std::uint8_t>& counts,
               std::vector<std::uint64_t>* overflow, std::vector<double>& acc,
               std::vector<double>& padded_out, double* out) {
    for (std::size_t b = 0; b < NB; ++b) {
        // Zeroing each array just before its draws leaves it warm in L2 for the tally.
        std::uint8_t* c = counts.data() + b * n_rows;
        std::memset(c, 0, n_rows);
        overflow[b].clear();
        if (b < count) {
            Xoshiro256ss rng(resample_key(seed, first + b));
            draw_counts(rng, n_rows, c, overflow[b]);
        }
    }
    double* dest = out + first * n_cols;
    if (count < NB) dest = padded_out.data();  // short final block
    block_means<NB, C>(values, n_rows, n_cols, counts.data(), overflow, acc.data(), dest);
    if (dest != out + first * n_cols)
        std::memcpy(out + first * n_cols, dest, count * n_cols * sizeof(double));
}

template <std::size_t NB, int C>
void run_all(const double* values, std::size_t n_rows, std::size_t n_cols, std::size_t n_samples,
             std::uint64_t seed, int threads, double* out, const std::function<bool()>& interrupted) {
    struct Workspace {
        std::vector<std::uint8_t> counts;
        std::vector<std::uint64_t> overflow[NB];
        std::vector<double> acc, padded_out;
    };
    const auto make_state = [&] {
        Workspace w;
        w.counts.resize(NB * n_rows);
        w.acc.resize(NB * n_cols);
        w.padded_out.resize(NB * n_cols);
        return w;
    };
    const auto body = [&](Workspace& w, std::size_t begin, std::size_t end) {
        for (std::size_t first = begin; first < end; first += NB) {
            const std::size_t count = std::min<std::size_t>(NB, end - first);
            run_block<NB, C>(values, n_rows, n_cols, seed, first, count, w.counts, w.overflow,
                             w.acc, w.padded_out, out);
        }
    };
    parallel_chunks(n_samples, threads, NB, make_state, body, interrupted);
}

template <std::size_t NB>
void dispatch_cols(const double* values, std::size_t n_rows, std::size_t n_cols, std::size_t n_samples,
                   std::uint64_t seed, int threads, double* out, const std::function<bool()>& interrupted) {
    switch (n_cols) {
        case 1: return run_all<NB, 1>(values, n_rows, n_cols, n_samples, seed, threads, out, interrupted);
        case 2: return run_all<NB, 2>(values, n_rows, n_cols, n_samples, seed, threads, out, interrupted);
        case 3: return run_all<NB, 3>(values, n_rows, n_cols, n_samples, seed, threads, out, interrupted);
        case 4: return run_all<NB, 4>(values, n_rows, n_cols, n_samples, seed, threads, out, interrupted);
        default: return run_all<NB, 0>(values, n_rows, n_cols, n_samples, seed, threads, out, interrupted);
    }
}

}  // namespace bootstrap_detail

// Bootstrap means. values: row-major (n_rows x n_cols) doubles, all finite. For each of
// n_samples resamples draw n_rows row indices uniformly with replacement and write the column
// means of the resampled rows to out[s*n_cols + c]. Resample s uses its own RNG stream derived
// from (seed, s), so the result does not depend on `threads` (the resamples are split across
// up to `threads` std::threads created for this call; threads <= 1 runs inline).
// Throws std::invalid_argument on n_rows <= 0, n_cols <= 0, n_samples <= 0, null pointers,
// sizes that overflow, or non-finite values (a NaN would otherwise leak into every resample
// through 0 * NaN, even those that never draw its row). `interrupted`, if set, is polled between
// blocks of resamples (Ctrl-C from the bindings); when it returns true, Interrupted is thrown.
inline void bootstrap_means(const double* values, std::int64_t n_rows, std::int64_t n_cols,
                            std::int64_t n_samples, std::uint64_t seed, int threads, double* out,
                            const std::function<bool()>& interrupted = {}) {
    if (n_rows <= 0) throw std::invalid_argument("bootstrap_means: n_rows must be positive");
    if (n_cols <= 0) throw std::invalid_argument("bootstrap_means: n_cols must be positive");
    if (n_samples <= 0) throw std::invalid_argument("bootstrap_means: n_samples must be positive");
    if (values == nullptr || out == nullptr)
        throw std::invalid_argument("bootstrap_means: values and out must not be null");
    constexpr std::uint64_t max_size = std::numeric_limits<std::size_t>::max() / sizeof(double);
    const auto rows = static_cast<std::uint64_t>(n_rows);
    const auto cols = static_cast<std::uint64_t>(n_cols);
    const auto samples = static_cast<std::uint64_t>(n_samples);
    if (rows > max_size / cols || samples > max_size / cols)
        throw std::invalid_argument("bootstrap_means: n_rows * n_cols or n_samples * n_cols overflows");
    const std::size_t n_values = static_cast<std::size_t>(rows * cols);
    for (std::size_t j = 0; j < n_values; ++j)
        if (!std::isfinite(values[j]))
            throw std::invalid_argument("bootstrap_means: values must be finite (found NaN or infinity)");

    const auto r = static_cast<std::size_t>(rows);
    const auto c = static_cast<std::size_t>(cols);
    const auto s = static_cast<std::size_t>(samples);
    if (rows <= bootstrap_detail::kMaxRowsForBlocks)
        bootstrap_detail::dispatch_cols<bootstrap_detail::kBlock>(values, r, c, s, seed, threads, out, interrupted);
    else
        bootstrap_detail::dispatch_cols<1>(values, r, c, s, seed, threads, out, interrupted);
}

}  // namespace ngramkit
