// SPDX-License-Identifier: Apache-2.0
// Paired significance tests over per-pair statistics, drawing exactly what sacrebleu draws.
//
// sacrebleu (significance.py) seeds numpy.random.default_rng(seed) (PCG64) and takes
//   bootstrap:   idx = rng.choice(n, size=(n_samples, n))          -> Generator.integers(0, n)
//   approximate randomization: rng.integers(2, size=(n_samples, n), dtype=bool)
// This file reproduces both streams bit for bit without materialising the (n_samples, n) matrix:
// PCG64 (XSL-RR 128/64, numpy's bit generator), numpy's bounded draw (Lemire's method on 32-bit
// halves when n - 1 < 2^32) and numpy's bool draw (one bit of a 32-bit half per value).
//
// Sums follow numpy's semantics: a bootstrap resample's float32 statistics are summed per column
// in draw order (numpy reduces axis 0 of a C-contiguous (n, k) array row after row); float64
// columns are summed in draw order too; approximate randomization sums exact int64 or float64.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include <sys/mman.h>

#include "core/parallel.hpp"

namespace ngramkit {

using u128 = unsigned __int128;

// numpy's PCG64: state <- state * M + inc, then output XSL-RR of the new state. next32() hands out
// the low then the high half of one 64-bit output (the bit generator's has_uint32 buffer).
struct Pcg64 {
    u128 state = 0;
    u128 inc = 0;
    bool has_uint32 = false;
    std::uint32_t uinteger = 0;

    static constexpr u128 multiplier() {
        return (static_cast<u128>(2549297995355413924ULL) << 64) | 4865540595714422341ULL;
    }

    std::uint64_t next64() {
        state = state * multiplier() + inc;
        const std::uint64_t x = static_cast<std::uint64_t>(state >> 64) ^ static_cast<std::uint64_t>(state);
        const unsigned rot = static_cast<unsigned>(state >> 122);
        return (x >> rot) | (x << ((64u - rot) & 63u));
    }

    std::uint32_t next32() {
        if (has_uint32) {
            has_uint32 = false;
            return uinteger;
        }
        const std::uint64_t next = next64();
        has_uint32 = true;
        uinteger = static_cast<std::uint32_t>(next >> 32);
        return static_cast<std::uint32_t>(next & 0xffffffffULL);
    }

    // Skip `delta` 64-bit outputs in O(log delta) (Brown's LCG jump-ahead).
    void advance(u128 delta) {
        u128 acc_mult = 1, acc_plus = 0, cur_mult = multiplier(), cur_plus = inc;
        while (delta > 0) {
            if (delta & 1) {
                acc_mult *= cur_mult;
                acc_plus = acc_plus * cur_mult + cur_plus;
            }
            cur_plus = (cur_mult + 1) * cur_plus;
            cur_mult *= cur_mult;
            delta >>= 1;
        }
        state = acc_mult * state + acc_plus;
    }

    // numpy's random_bounded_uint64 for 0 < rng < 2^32 - 1 (unmasked): a uniform int in [0, rng].
    std::uint32_t bounded(std::uint32_t rng) {
        const std::uint64_t excl = static_cast<std::uint64_t>(rng) + 1;
        std::uint64_t m = static_cast<std::uint64_t>(next32()) * excl;
        std::uint32_t leftover = static_cast<std::uint32_t>(m);
        if (leftover < excl) {
            const std::uint32_t threshold = static_cast<std::uint32_t>((0xffffffffULL - rng) % excl);
            while (leftover < threshold) {
                m = static_cast<std::uint64_t>(next32()) * excl;
                leftover = static_cast<std::uint32_t>(m);
            }
        }
        return static_cast<std::uint32_t>(m >> 32);
    }
};

// The next `count` values of Generator.integers(0, n, size=...) from `rng`, into out.
inline void draw_indices(Pcg64& rng, std::uint64_t n, std::size_t count, std::uint32_t* out) {
    if (n == 1) {  // numpy returns the offset without drawing
        std::fill(out, out + count, 0u);
        return;
    }
    if (n - 1 == 0xffffffffULL) {
        for (std::size_t i = 0; i < count; ++i) out[i] = rng.next32();
        return;
    }
    const std::uint32_t r = static_cast<std::uint32_t>(n - 1);
    for (std::size_t i = 0; i < count; ++i) out[i] = rng.bounded(r);
}

// The rows of f32 (n, k32) and f64 (n, k64) side by side in one buffer (each row k64 doubles then
// k32 values of type Small, padded to 8 bytes) on transparent huge pages where the kernel offers
// them, so that a random draw touches few cache lines and one TLB entry. Small = std::uint16_t
// holds the float32 columns when they all are integers in [0, 65535] (per-pair counts nearly
// always are): fewer bytes per draw — the sums are latency-bound on the lines each draw touches —
// and the same float sums, uint16 -> float being exact.
template <class Small>
class PackedRows {
public:
    PackedRows(std::uint64_t n, const float* f32, std::size_t k32, const double* f64, std::size_t k64)
        : k64_(k64), stride_(k64 * sizeof(double) + (k32 * sizeof(Small) + 7) / 8 * 8) {
        const std::size_t bytes = std::max<std::size_t>(1, static_cast<std::size_t>(n) * stride_);
        constexpr std::size_t kHuge = std::size_t{1} << 21;
        const std::size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
        void* p = std::aligned_alloc(kHuge, rounded);
        if (!p) throw std::bad_alloc();
        data_.reset(static_cast<unsigned char*>(p));
#ifdef MADV_HUGEPAGE
        madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without huge pages the sums are the same
#endif
        for (std::uint64_t i = 0; i < n; ++i) {
            unsigned char* row = data_.get() + i * stride_;
            if (k64) std::memcpy(row, f64 + i * k64, k64 * sizeof(double));
            Small* small = reinterpret_cast<Small*>(row + k64 * sizeof(double));
            for (std::size_t c = 0; c < k32; ++c) small[c] = static_cast<Small>(f32[i * k32 + c]);
        }
    }
    const unsigned char* row(std::uint32_t i) const { return data_.get() + static_cast<std::size_t>(i) * stride_; }
    const double* row64(std::uint32_t i) const { return reinterpret_cast<const double*>(row(i)); }
    const Small* row32(std::uint32_t i) const { return reinterpret_cast<const Small*>(row(i) + k64_ * sizeof(double)); }
    std::size_t row_bytes() const { return stride_; }

private:
    struct Free {
        void operator()(unsigned char* p) const { std::free(p); }
    };
    std::size_t k64_, stride_;
    std::unique_ptr<unsigned char, Free> data_;
};

// True when every value is an integer in [0, 65535], so uint16 holds it exactly.
inline bool fits_uint16(const float* values, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        const float v = values[i];
        if (!(v >= 0.0f && v <= 65535.0f) || v != static_cast<float>(static_cast<std::uint32_t>(v))) return false;
    }
    return true;
}

// Indices drawn and buffered at a time by bootstrap_sums (a testing hook changes it; the sums
// never depend on it).
inline std::atomic<std::size_t>& resample_block_limit() {
    static std::atomic<std::size_t> limit{std::size_t{1} << 22};
    return limit;
}

// One resample's column sums: acc32 (k32), acc64 (k64) over the rows ix[0..n) in order. Compiled
// for AVX2 and for the baseline ISA, picked at load time: vector adds round each lane exactly as
// scalar adds do, and uint16 -> float conversions are exact, so every ISA gives the same sums.
// Every cache line of the row kAhead draws ahead is prefetched (measured: 1.3-1.5x over
// prefetching its first line only, or none).
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define NGRAMKIT_ISA_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define NGRAMKIT_ISA_CLONES
#endif
template <class Small>
NGRAMKIT_ISA_CLONES void resample_row_sums(const PackedRows<Small>& rows_of, const std::uint32_t* ix, std::size_t n,
                                           std::size_t k32, std::size_t k64, float* __restrict acc32,
                                           double* __restrict acc64) {
    std::fill(acc32, acc32 + k32, 0.0f);
    std::fill(acc64, acc64 + k64, 0.0);
    constexpr std::size_t kAhead = 16;
    const std::size_t row_bytes = rows_of.row_bytes();
    for (std::size_t j = 0; j < n; ++j) {
        if (j + kAhead < n) {
            const unsigned char* ahead = rows_of.row(ix[j + kAhead]);
            for (std::size_t b = 0; b < row_bytes; b += 64) __builtin_prefetch(ahead + b);
        }
        const double* __restrict s64 = rows_of.row64(ix[j]);
        for (std::size_t c = 0; c < k64; ++c) acc64[c] += s64[c];
        const Small* __restrict s32 = rows_of.row32(ix[j]);
        for (std::size_t c = 0; c < k32; ++c) acc32[c] += static_cast<float>(s32[c]);
    }
}

template <class Small>
void bootstrap_packed(Pcg64& rng, std::uint64_t n, std::uint64_t n_samples, const PackedRows<Small>& rows_of,
                      std::size_t k32, std::size_t k64, float* out32, double* out64, int threads,
                      const std::function<bool()>& interrupted) {
    const std::uint64_t block_rows = std::max<std::uint64_t>(1, resample_block_limit().load() / n);
    std::vector<std::uint32_t> idx;
    for (std::uint64_t r0 = 0; r0 < n_samples; r0 += block_rows) {
        const std::uint64_t rows = std::min(block_rows, n_samples - r0);
        idx.resize(static_cast<std::size_t>(rows * n));
        draw_indices(rng, n, idx.size(), idx.data());
        parallel_chunks(
            static_cast<std::size_t>(rows), threads, 1,
            [&] { return std::make_pair(std::vector<float>(k32), std::vector<double>(k64)); },
            [&](auto& acc, std::size_t begin, std::size_t end) {
                float* __restrict acc32 = acc.first.data();
                double* __restrict acc64 = acc.second.data();
                for (std::size_t row = begin; row < end; ++row) {
                    resample_row_sums(rows_of, idx.data() + row * n, static_cast<std::size_t>(n), k32, k64, acc32,
                                      acc64);
                    const std::size_t out_row = static_cast<std::size_t>(r0) + row;
                    std::copy(acc32, acc32 + k32, out32 + out_row * k32);
                    std::copy(acc64, acc64 + k64, out64 + out_row * k64);
                }
            },
            interrupted);
    }
}

// Column sums of n_samples bootstrap resamples of the rows of f32 (n, k32) and f64 (n, k64), the
// resamples drawn as numpy's rng.integers(0, n, size=(n_samples, n)) would; rng is advanced past
// them. out32 (n_samples, k32), out64 (n_samples, k64). Indices are drawn a block of resamples at
// a time (at most ~2^22 of them buffered), the block's resamples summed in parallel.
inline void bootstrap_sums(Pcg64& rng, std::uint64_t n, std::uint64_t n_samples, const float* f32,
                           std::size_t k32, const double* f64, std::size_t k64, float* out32, double* out64,
                           int threads, const std::function<bool()>& interrupted = {}) {
    if (n == 0) throw std::invalid_argument("bootstrap over zero pairs");
    if (n - 1 > 0xffffffffULL) throw std::invalid_argument("bootstrap over more than 2^32 pairs");
    if (fits_uint16(f32, static_cast<std::size_t>(n) * k32)) {
        const PackedRows<std::uint16_t> rows_of(n, f32, k32, f64, k64);
        bootstrap_packed(rng, n, n_samples, rows_of, k32, k64, out32, out64, threads, interrupted);
    } else {
        const PackedRows<float> rows_of(n, f32, k32, f64, k64);
        bootstrap_packed(rng, n, n_samples, rows_of, k32, k64, out32, out64, threads, interrupted);
    }
}

// The swap-mask bits of trials [t, t+1) in order: bit (t*n + i) % 32 of 32-bit half number
// (t*n + i) / 32 of a fresh generator, so each trial jumps straight to its position.
class TrialBits {
public:
    TrialBits(const Pcg64& rng, std::uint64_t first_bit) : g_(rng), word_no_(first_bit >> 5) {
        g_.advance(word_no_ >> 1);
        raw_ = g_.next64();
        word_ = half(word_no_);
    }
    bool at(std::uint64_t bit) {
        if ((bit >> 5) != word_no_) {
            word_no_ = bit >> 5;
            if ((word_no_ & 1) == 0) raw_ = g_.next64();
            word_ = half(word_no_);
        }
        return (word_ >> (bit & 31)) & 1u;
    }

private:
    std::uint32_t half(std::uint64_t word_no) const {
        return (word_no & 1) ? static_cast<std::uint32_t>(raw_ >> 32) : static_cast<std::uint32_t>(raw_);
    }
    Pcg64 g_;
    std::uint64_t word_no_;
    std::uint64_t raw_ = 0;
    std::uint32_t word_ = 0;
};

// Approximate randomization, as sacrebleu's
//   pos = rng.integers(2, size=(n_samples, n), dtype=bool)
//   a = pos @ baseline + ~pos @ system,   b = ~pos @ baseline + pos @ system
// for every system at once: baseline (n, k), systems (n_systems, n, k); out_a, out_b
// (n_samples, n_systems, k). rng must be fresh (no buffered half); trials run in parallel.
// float64 sums run in pair order. int64 sums are exact in any order, so they are computed as
// a = total(system) + sum over swapped pairs of (baseline - system), b = total(both) - a:
// one branch-free masked add per column and pair instead of two selected adds.
template <class T>
void randomization_sums(const Pcg64& rng, std::uint64_t n, std::uint64_t n_samples, const T* baseline,
                        const T* systems, std::size_t n_systems, std::size_t k, T* out_a, T* out_b, int threads,
                        const std::function<bool()>& interrupted = {}) {
    if (rng.has_uint32) throw std::invalid_argument("randomization needs a generator with no buffered half");
    const std::size_t per_trial = n_systems * k;
    parallel_chunks(
        static_cast<std::size_t>(n_samples), threads, 16, [&] { return 0; },
        [&](int&, std::size_t begin, std::size_t end) {
            for (std::size_t t = begin; t < end; ++t) {
                T* a = out_a + t * per_trial;
                T* b = out_b + t * per_trial;
                std::fill(a, a + per_trial, T(0));
                std::fill(b, b + per_trial, T(0));
                const std::uint64_t first_bit = static_cast<std::uint64_t>(t) * n;
                TrialBits bits(rng, first_bit);
                for (std::uint64_t i = 0; i < n; ++i) {
                    const bool pos = bits.at(first_bit + i);
                    const T* bl = baseline + i * k;
                    for (std::size_t s = 0; s < n_systems; ++s) {
                        const T* sy = systems + (s * n + i) * k;
                        const T* first = pos ? bl : sy;
                        const T* second = pos ? sy : bl;
                        T* as = a + s * k;
                        T* bs = b + s * k;
                        for (std::size_t c = 0; c < k; ++c) {
                            as[c] += first[c];
                            bs[c] += second[c];
                        }
                    }
                }
            }
        },
        interrupted);
}

template <>
inline void randomization_sums<std::int64_t>(const Pcg64& rng, std::uint64_t n, std::uint64_t n_samples,
                                             const std::int64_t* baseline, const std::int64_t* systems,
                                             std::size_t n_systems, std::size_t k, std::int64_t* out_a,
                                             std::int64_t* out_b, int threads,
                                             const std::function<bool()>& interrupted) {
    if (rng.has_uint32) throw std::invalid_argument("randomization needs a generator with no buffered half");
    const std::size_t width = n_systems * k;
    // per pair: baseline - system of every system, side by side; and the column totals
    std::vector<std::int64_t> diff(static_cast<std::size_t>(n) * width), total_sys(width, 0), total_all(width, 0);
    for (std::uint64_t i = 0; i < n; ++i)
        for (std::size_t s = 0; s < n_systems; ++s)
            for (std::size_t c = 0; c < k; ++c) {
                const std::int64_t bl = baseline[i * k + c], sy = systems[(s * n + i) * k + c];
                diff[i * width + s * k + c] = bl - sy;
                total_sys[s * k + c] += sy;
                total_all[s * k + c] += bl + sy;
            }
    parallel_chunks(
        static_cast<std::size_t>(n_samples), threads, 16, [&] { return std::vector<std::int64_t>(width); },
        [&](std::vector<std::int64_t>& acc_vec, std::size_t begin, std::size_t end) {
            std::int64_t* __restrict acc = acc_vec.data();
            for (std::size_t t = begin; t < end; ++t) {
                std::fill(acc, acc + width, std::int64_t{0});
                const std::uint64_t first_bit = static_cast<std::uint64_t>(t) * n;
                TrialBits bits(rng, first_bit);
                for (std::uint64_t i = 0; i < n; ++i) {
                    const std::int64_t mask = -static_cast<std::int64_t>(bits.at(first_bit + i));
                    const std::int64_t* __restrict d = diff.data() + i * width;
                    for (std::size_t c = 0; c < width; ++c) acc[c] += d[c] & mask;
                }
                std::int64_t* a = out_a + t * width;
                std::int64_t* b = out_b + t * width;
                for (std::size_t c = 0; c < width; ++c) {
                    a[c] = total_sys[c] + acc[c];
                    b[c] = total_all[c] - a[c];
                }
            }
        },
        interrupted);
}

}  // namespace ngramkit
