// SPDX-License-Identifier: Apache-2.0
// The n-gram count table of chrF: each distinct n-gram key of a prediction once, with its count in
// the prediction and in the reference being matched, in one 16-byte slot.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace ngramkit {
namespace chrf_detail {

// Open addressing with linear probing over a power-of-two prefix of one buffer kept across pairs
// (so a thread allocates once). Key 0 marks an empty slot; callers never use key 0. A key's slot
// index is its id until the next reset(): n-gram keys chain on their prefix's slot. Every slot is
// zero again after reset(), so any prefix of the buffer starts empty.
class NgramCounts {
public:
    struct Slot {
        std::uint64_t key;
        std::uint32_t hyp;  // occurrences in the prediction
        std::uint32_t ref;  // occurrences in the reference, capped by nothing; reset per reference
    };

    // Empties the table and sizes it for up to `max_keys` distinct keys, at least `spread` slots
    // a key (more slots, fewer collisions).
    void reset(std::size_t max_keys, std::size_t spread) {
        std::size_t slots = 16;
        while (slots < spread * max_keys) slots <<= 1;
        reset_slots(slots, max_keys);
    }

    // Empties the table and gives it `slots` slots (a power of two) for up to `limit` < slots keys.
    void reset_slots(std::size_t slots, std::size_t limit) {
        for (std::size_t k = 0; k < n_used_; ++k) slots_[used_[k]] = Slot{0, 0, 0};
        n_used_ = 0;
        if (slots > (std::size_t(1) << 31)) throw std::length_error("chrF: too many distinct n-grams");
        if (slots > slots_.size()) slots_.assign(slots, Slot{0, 0, 0});
        if (limit + 1 > used_.size()) used_.resize(limit + 1);
        mask_ = slots - 1;
        limit_ = limit;
    }

    // Whether `limit` distinct keys are in: the caller must reset() larger before adding more.
    bool full() const { return n_used_ >= limit_; }

    // Counts one occurrence of `key` in the prediction; returns its slot.
    std::uint32_t add_hyp(std::uint64_t key) {
        const std::size_t pos = probe(key);
        Slot& s = slots_[pos];
        used_[n_used_] = static_cast<std::uint32_t>(pos);
        n_used_ += s.key == 0;
        s.key = key;
        ++s.hyp;
        return static_cast<std::uint32_t>(pos);
    }

    // The slot of `key` if the prediction has it, else an empty slot (key 0, counts 0).
    std::uint32_t find(std::uint64_t key) const { return static_cast<std::uint32_t>(probe(key)); }

    Slot& operator[](std::uint32_t pos) { return slots_[pos]; }

private:
    static std::uint64_t mix(std::uint64_t x) {
        x ^= x >> 31;
        x *= 0x9E3779B97F4A7C15ULL;
        x ^= x >> 29;
        return x;
    }

    // The slot holding `key`, or the empty slot where it would go.
    std::size_t probe(std::uint64_t key) const {
        std::size_t pos = static_cast<std::size_t>(mix(key)) & mask_;
        while (true) {
            const std::uint64_t k = slots_[pos].key;
            if (std::min(k ^ key, k) == 0) return pos;  // k == key or empty, without a branch on which
            pos = (pos + 1) & mask_;
        }
    }

    std::vector<Slot> slots_;
    std::vector<std::uint32_t> used_;  // slots written since the last reset (first n_used_)
    std::size_t n_used_ = 0;
    std::size_t mask_ = 0;
    std::size_t limit_ = 0;
};

}  // namespace chrf_detail
}  // namespace ngramkit
