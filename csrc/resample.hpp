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

#include "parallel.hpp"

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
// k32 floats, padded to 8 bytes) on transparent huge pages where the kernel offers them: a random
// draw then touches one place of memory and one TLB entry instead of two arrays on 4 KiB pages.
class PackedRows {
public:
    PackedRows(std::uint64_t n, const float* f32, std::size_t k32, const double* f64, std::size_t k64)
        : k32_(k32), k64_(k64), stride_(k64 + (k32 + 1) / 2) {
        const std::size_t bytes = std::max<std::size_t>(1, static_cast<std::size_t>(n) * stride_ * sizeof(double));
        constexpr std::size_t kHuge = std::size_t{1} << 21;
        const std::size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
        void* p = std::aligned_alloc(kHuge, rounded);
        if (!p) throw std::bad_alloc();
        data_.reset(static_cast<double*>(p));
#ifdef MADV_HUGEPAGE
        madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without huge pages the sums are the same
#endif
        for (std::uint64_t i = 0; i < n; ++i) {
            double* row = data_.get() + i * stride_;
            std::copy(f64 + i * k64, f64 + (i + 1) * k64, row);
            if (k32) std::memcpy(row + k64, f32 + i * k32, k32 * sizeof(float));
        }
    }
    const double* row64(std::uint32_t i) const { return data_.get() + static_cast<std::size_t>(i) * stride_; }
    std::size_t row_bytes() const { return stride_ * sizeof(double); }
    const float* row32(std::uint32_t i) const { return reinterpret_cast<const float*>(row64(i) + k64_); }

private:
    struct Free {
        void operator()(double* p) const { std::free(p); }
    };
    std::size_t k32_, k64_, stride_;
    std::unique_ptr<double, Free> data_;
};

// Indices drawn and buffered at a time by bootstrap_sums (a testing hook changes it; the sums
// never depend on it).
inline std::atomic<std::size_t>& resample_block_limit() {
    static std::atomic<std::size_t> limit{std::size_t{1} << 22};
    return limit;
}

// One resample's column sums: acc32 (k32), acc64 (k64) over the rows ix[0..n) in order. Compiled
// for AVX2 and for the baseline ISA, picked at load time: vector adds round each lane exactly as
// scalar adds do, so every ISA gives the same sums.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("avx2", "default")))
#endif
inline void resample_row_sums(const PackedRows& rows_of, const std::uint32_t* ix, std::size_t n,
                              std::size_t k32, std::size_t k64, float* __restrict acc32,
                              double* __restrict acc64) {
    std::fill(acc32, acc32 + k32, 0.0f);
    std::fill(acc64, acc64 + k64, 0.0);
    constexpr std::size_t kAhead = 16;
    const std::size_t row_bytes = rows_of.row_bytes();
    for (std::size_t j = 0; j < n; ++j) {
        if (j + kAhead < n) {
            const char* ahead = reinterpret_cast<const char*>(rows_of.row64(ix[j + kAhead]));
            for (std::size_t b = 0; b < row_bytes; b += 64) __builtin_prefetch(ahead + b);
        }
        const double* __restrict s64 = rows_of.row64(ix[j]);
        for (std::size_t c = 0; c < k64; ++c) acc64[c] += s64[c];
        const float* __restrict s32 = rows_of.row32(ix[j]);
        for (std::size_t c = 0; c < k32; ++c) acc32[c] += s32[c];
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
    const PackedRows rows_of(n, f32, k32, f64, k64);
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
                    resample_row_sums(rows_of, idx.data() + row * n, static_cast<std::size_t>(n), k32, k64, acc32, acc64);
                    const std::size_t out_row = static_cast<std::size_t>(r0) + row;
                    std::copy(acc32, acc32 + k32, out32 + out_row * k32);
                    std::copy(acc64, acc64 + k64, out64 + out_row * k64);
                }
            },
            interrupted);
    }
}

// Approximate randomization, as sacrebleu's
//   pos = rng.integers(2, size=(n_samples, n), dtype=bool)
//   a = pos @ baseline + ~pos @ system,   b = ~pos @ baseline + pos @ system
// for every system at once: baseline (n, k), systems (n_systems, n, k); out_a, out_b
// (n_samples, n_systems, k), each sum in pair order. rng must be fresh (no buffered half): the
// bool for (trial t, pair i) is bit (t*n + i) % 32 of 32-bit half number (t*n + i) / 32, so each
// chunk of trials jumps straight to its position and trials run in parallel.
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
                std::uint64_t word_no = first_bit >> 5;
                Pcg64 g = rng;
                g.advance(word_no >> 1);
                std::uint64_t raw = g.next64();
                std::uint32_t word = (word_no & 1) ? static_cast<std::uint32_t>(raw >> 32) : static_cast<std::uint32_t>(raw);
                for (std::uint64_t i = 0; i < n; ++i) {
                    const std::uint64_t bit = first_bit + i;
                    if ((bit >> 5) != word_no) {
                        word_no = bit >> 5;
                        if ((word_no & 1) == 0) raw = g.next64();
                        word = (word_no & 1) ? static_cast<std::uint32_t>(raw >> 32) : static_cast<std::uint32_t>(raw);
                    }
                    const bool pos = (word >> (bit & 31)) & 1u;
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

}  // namespace ngramkit
