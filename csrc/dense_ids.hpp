// SPDX-License-Identifier: Apache-2.0
// Exact mapping of 64-bit keys to dense ids 0..k-1 (open addressing, full keys compared).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ngramkit {

// Assigns each distinct key the next dense id. Keys are stored and compared in full, so two
// different keys never share an id; the hash only chooses where to look. reset() is O(1): slots
// carry the generation that wrote them.
class DenseIdMap {
public:
    void reset(std::size_t expected_keys) {
        std::size_t want = 16;
        while (want < 2 * expected_keys + 2) want <<= 1;
        if (want > slots_.size()) {
            slots_.assign(want, Slot{});
            generation_ = 0;
        }
        mask_ = slots_.size() - 1;
        ++generation_;
        if (generation_ == 0) {  // wrapped: old stamps could look current
            for (auto& s : slots_) s.generation = 0;
            generation_ = 1;
        }
        size_ = 0;
    }

    // Dense id of `key`, inserting it if new. The caller must not insert more than the
    // `expected_keys` passed to reset().
    std::uint32_t id(std::uint64_t key) {
        std::size_t pos = static_cast<std::size_t>(mix(key)) & mask_;
        while (true) {
            Slot& s = slots_[pos];
            if (s.generation != generation_) {
                s.generation = generation_;
                s.key = key;
                s.value = static_cast<std::uint32_t>(size_++);
                return s.value;
            }
            if (s.key == key) return s.value;
            pos = (pos + 1) & mask_;
        }
    }

    std::size_t size() const { return size_; }

private:
    struct Slot {
        std::uint64_t key = 0;
        std::uint32_t value = 0;
        std::uint32_t generation = 0;
    };
    static std::uint64_t mix(std::uint64_t x) {
        x ^= x >> 31;
        x *= 0x9E3779B97F4A7C15ULL;
        x ^= x >> 29;
        return x;
    }
    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
    std::size_t size_ = 0;
    std::uint32_t generation_ = 0;
};

}  // namespace ngramkit
