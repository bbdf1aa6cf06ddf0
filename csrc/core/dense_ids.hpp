// SPDX-License-Identifier: Apache-2.0
// Exact mappings of keys (64-bit integers, strings) to dense ids 0..k-1: open addressing, and
// every key compared in full, so the hash only chooses where to look.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
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

    static constexpr std::uint32_t kAbsent = 0xFFFFFFFFu;

    // Dense id of `key` if it was inserted since the last reset() (which must have run), else kAbsent.
    std::uint32_t find(std::uint64_t key) const {
        std::size_t pos = static_cast<std::size_t>(mix(key)) & mask_;
        while (true) {
            const Slot& s = slots_[pos];
            if (s.generation != generation_) return kAbsent;
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

// Up to 8 bytes as a little-endian word, zero-padded (a byte loop: no call to memcpy for short
// tokens, and the same value on every platform).
inline std::uint64_t load_partial(const char* s, std::size_t n) {
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < n; ++i) w |= std::uint64_t(static_cast<unsigned char>(s[i])) << (8 * i);
    return w;
}

inline std::uint64_t load_word(const char* s) {
    std::uint64_t w;
    std::memcpy(&w, s, 8);
    return w;
}

// First 8 bytes of a string, zero-padded: with the length, equal prefixes settle most comparisons.
inline std::uint64_t prefix_word(const char* s, std::size_t len) {
    return len >= 8 ? load_word(s) : load_partial(s, len);
}

// Hash of a string given its first two 8-byte words, zero-padded (w1 = 0 when len <= 8): strings
// of up to 16 bytes hash without a loop.
inline std::uint64_t string_hash(const char* s, std::size_t len, std::uint64_t w0, std::uint64_t w1) {
    std::uint64_t h = (0x9E3779B97F4A7C15ULL ^ (len * 0xC2B2AE3D27D4EB4FULL) ^ w0) * 0xFF51AFD7ED558CCDULL;
    h ^= h >> 32;
    h = (h ^ w1) * 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 29;
    if (len > 16) {
        std::size_t i = 16;
        for (; i + 8 <= len; i += 8) {
            h = (h ^ load_word(s + i)) * 0xFF51AFD7ED558CCDULL;
            h ^= h >> 32;
        }
        const std::uint64_t tail = i < len ? load_partial(s + i, len - i) : 0;
        h = (h ^ tail) * 0xC4CEB9FE1A85EC53ULL;
        h ^= h >> 29;
    }
    return h;
}

}  // namespace ngramkit
