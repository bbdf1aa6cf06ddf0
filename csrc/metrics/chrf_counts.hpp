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

// The table of one order of one prediction against one reference (chrF's paired plan): the
// prediction's n-grams inserted, then the reference's looked up. Keys are below 2^kKeyBits; a
// slot's key holds the table's generation above them, so reset() empties the table without
// touching it (a full clear only when the generation wraps, every 2^12 resets).
class PairedCounts {
public:
    static constexpr unsigned kKeyBits = 52;
    struct Slot {
        std::uint64_t key;  // generation << kKeyBits | key
        std::uint32_t hyp;  // occurrences in the prediction
        std::uint32_t ref;  // occurrences in the reference, at most hyp
    };

    // Empties the table and sizes it for `keys` insertions, at least 4 slots a key.
    void reset(std::size_t keys) {
        unsigned bits = 4;
        while ((std::size_t(1) << bits) < 4 * keys) ++bits;
        // a slot's number (+ 3) is the next order's key prefix, shifted by 32: it must stay below
        // 2^(kKeyBits - 32); Plan::kPaired's texts (at most kShortKeys n-grams) stay far below
        if (bits > kKeyBits - 32 - 1) throw std::length_error("chrF: too many n-grams for the paired table");
        const std::size_t slots = std::size_t(1) << bits;
        if (slots > slots_.size()) {
            slots_.assign(slots, Slot{0, 0, 0});
            generation_ = 0;
            dirty_ = 0;
        }
        dirty_ = std::max(dirty_, slots);
        if (++generation_ == (std::uint64_t(1) << (64 - kKeyBits))) {  // wrapped: clear what was used
            std::fill_n(slots_.data(), dirty_, Slot{0, 0, 0});
            dirty_ = slots;
            generation_ = 1;
        }
        mask_ = slots - 1;
        shift_ = 64 - bits;
        stamp_ = generation_ << kKeyBits;
    }

    // Counts one occurrence of `key` (< 2^kKeyBits) in the prediction; returns its slot.
    std::uint32_t add_hyp(std::uint64_t key) {
        const std::uint64_t k = stamp_ | key;
        const std::size_t pos = probe(k);
        Slot& s = slots_[pos];
        // no branch on whether the key was there: it is unpredictable
        const std::uint32_t keep = 0u - static_cast<std::uint32_t>(s.key == k);
        s.hyp = (s.hyp & keep) + 1;
        s.ref &= keep;
        s.key = k;
        return static_cast<std::uint32_t>(pos);
    }

    // One occurrence of `key` in the reference: whether the prediction has it (then *slot is its
    // slot); *match: whether it is a clipped match (the reference's count so far below the
    // prediction's).
    bool add_ref(std::uint64_t key, std::uint32_t* slot, bool* match) {
        const std::uint64_t k = stamp_ | key;
        const std::size_t pos = probe(k);
        Slot& s = slots_[pos];
        const bool hit = s.key == k;
        *match = hit & (s.ref < s.hyp);
        s.ref += *match;
        *slot = static_cast<std::uint32_t>(pos);
        return hit;
    }

    // Whether the reference has the n-gram in `slot` (a slot add_hyp returned since reset()).
    bool in_ref(std::uint32_t slot) const { return slots_[slot].ref > 0; }

private:
    // The slot holding k, or the empty slot (of an older generation) where it would go. With
    // d = slot key ^ k: the key is there if d == 0, the slot is empty if d has a bit in the
    // generation; so the probe goes on while 0 < d < 2^kKeyBits, one compare and one branch
    // (which is predictable: most probes end at the first slot).
    std::size_t probe(std::uint64_t k) const {
        std::size_t pos = static_cast<std::size_t>(((k ^ (k >> 29)) * 0x9E3779B97F4A7C15ULL) >> shift_);
        constexpr std::uint64_t kKeys = (std::uint64_t(1) << kKeyBits) - 1;
        while (((slots_[pos].key ^ k) - 1) < kKeys) pos = (pos + 1) & mask_;
        return pos;
    }

    std::vector<Slot> slots_;
    std::uint64_t generation_ = 0, stamp_ = 0;
    std::size_t dirty_ = 0;  // slots possibly written since the last full clear
    std::size_t mask_ = 0;
    unsigned shift_ = 60;
};

}  // namespace chrf_detail
}  // namespace ngramkit
