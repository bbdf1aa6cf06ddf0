// SPDX-License-Identifier: Apache-2.0
// StringInterner: exact string -> dense int32 id table shared by every text tokenizer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "dense_ids.hpp"

namespace ngramkit {

// Exact string -> id table. Open addressing over 8-byte slots (32 bits of the hash, the id) keeps
// the probed table small; the entry of a slot whose hash bits agree is then compared in full
// (length, first 8 bytes, the rest), so two different strings never share an id.
class StringInterner {
public:
    // Id of `s`, inserting it with the next id if new.
    std::int32_t intern(const char* s, std::size_t len) { return intern_with_prefix(s, len, prefix_word(s, len)); }

    // The same, for a string followed by at least 8 readable bytes (e.g. a padded buffer): the
    // prefix word is one load instead of a byte loop.
    std::int32_t intern_padded(const char* s, std::size_t len) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        const std::uint64_t word = load_word(s);
        return intern_with_prefix(s, len, len >= 8 ? word : word & ((std::uint64_t(1) << (8 * len)) - 1));
#else
        return intern(s, len);
#endif
    }

    std::int32_t intern_with_prefix(const char* s, std::size_t len, std::uint64_t prefix) {
        if (2 * (entries_.size() + 1) > slots_.size()) grow();
        const std::uint64_t h = string_hash(s, len, prefix);
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        const std::size_t mask = slots_.size() - 1;
        std::size_t pos = static_cast<std::size_t>(h) & mask;
        while (true) {
            Slot& slot = slots_[pos];
            if (slot.id < 0) return insert(slot, s, len, prefix, h);
            if (slot.tag == tag) {
                const Entry& e = entries_[static_cast<std::size_t>(slot.id)];
                if (e.length == len && e.prefix == prefix &&
                    (len <= 8 || std::memcmp(arena_.data() + e.offset + 8, s + 8, len - 8) == 0))
                    return slot.id;
            }
            pos = (pos + 1) & mask;
        }
    }

    std::size_t size() const { return entries_.size(); }

    // Strings in id order (for returning a vocabulary).
    std::vector<std::string> strings() const {
        std::vector<std::string> out;
        out.reserve(entries_.size());
        for (const Entry& e : entries_) out.emplace_back(arena_.data() + e.offset, e.length);
        return out;
    }

private:
    struct Slot {
        std::uint32_t tag = 0;  // high 32 bits of the hash
        std::int32_t id = -1;
    };
    struct Entry {
        std::uint64_t hash;
        std::uint64_t prefix;  // first 8 bytes, zero-padded
        std::size_t offset;    // into arena_
        std::size_t length;
    };

    std::int32_t insert(Slot& slot, const char* s, std::size_t len, std::uint64_t prefix, std::uint64_t h) {
        if (entries_.size() == static_cast<std::size_t>(INT32_MAX))
            throw std::length_error("more than 2^31 - 1 distinct tokens in one call");
        slot.tag = static_cast<std::uint32_t>(h >> 32);
        slot.id = static_cast<std::int32_t>(entries_.size());
        entries_.push_back(Entry{h, prefix, arena_.size(), len});
        arena_.append(s, len);
        return slot.id;
    }

    void grow() {
        slots_.assign(slots_.empty() ? 256 : slots_.size() * 2, Slot{});
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t id = 0; id < entries_.size(); ++id) {
            std::size_t pos = static_cast<std::size_t>(entries_[id].hash) & mask;
            while (slots_[pos].id >= 0) pos = (pos + 1) & mask;
            slots_[pos].tag = static_cast<std::uint32_t>(entries_[id].hash >> 32);
            slots_[pos].id = static_cast<std::int32_t>(id);
        }
    }

    std::vector<Slot> slots_;
    std::vector<Entry> entries_;
    std::string arena_;
};

}  // namespace ngramkit
