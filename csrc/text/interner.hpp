// SPDX-License-Identifier: Apache-2.0
// StringInterner: exact string -> dense int32 id table shared by every text tokenizer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/dense_ids.hpp"

namespace ngramkit {

// Exact string -> id table. Open addressing over 24-byte slots that hold a string's first 16 bytes
// (zero-padded), its length, 24 bits of its hash and its id: a string of at most 16 bytes is found
// or rejected within its slot (equal length and equal padded bytes mean equal strings), so a
// lookup touches one slot; a longer one is then compared in full against the arena. Two different
// strings never share an id.
class StringInterner {
public:
    // What a lookup needs of a string: its first two 8-byte words, zero-padded, and its hash.
    struct Key {
        std::uint64_t w0, w1, hash;
    };

    // The key of any string.
    static Key key(const char* s, std::size_t len) {
        const std::uint64_t w0 = prefix_word(s, len);
        const std::uint64_t w1 = len > 8 ? prefix_word(s + 8, len - 8) : 0;
        return Key{w0, w1, string_hash(s, len, w0, w1)};
    }

    // The key of a string followed by at least 16 readable bytes (a padded buffer): two loads and
    // no branch for strings of up to 16 bytes.
    static Key key_padded(const char* s, std::size_t len) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        const std::size_t n0 = len < 8 ? len : 8;
        const std::size_t n1 = len < 8 ? 0 : (len < 16 ? len - 8 : 8);
        const std::uint64_t w0 = load_word(s) & low_bytes(n0);
        const std::uint64_t w1 = load_word(s + 8) & low_bytes(n1);
        return Key{w0, w1, string_hash(s, len, w0, w1)};
#else
        return key(s, len);
#endif
    }

    // Id of `s`, inserting it with the next id if new.
    std::int32_t intern(const char* s, std::size_t len) { return intern_key(s, len, key(s, len)); }

    // The same, for a string followed by at least 16 readable bytes.
    std::int32_t intern_padded(const char* s, std::size_t len) { return intern_key(s, len, key_padded(s, len)); }

    // Hints the cache about the slot where the lookup of `k` starts.
    void prefetch(const Key& k) const {
#if defined(__GNUC__)
        if (!slots_.empty()) __builtin_prefetch(&slots_[static_cast<std::size_t>(k.hash) & (slots_.size() - 1)]);
#else
        (void)k;
#endif
    }

    // intern() with the key of (s, len) already computed.
    // (Always inlined: it is the tokenizers' inner loop, and GCC stops inlining it into
    // RougeTokenizer::intern_spans once that has two paths.)
#if defined(__GNUC__)
    __attribute__((always_inline))
#endif
    std::int32_t intern_key(const char* s, std::size_t len, const Key& k) {
        if (2 * (entries_.size() + 1) > slots_.size()) grow();
        const std::uint32_t tag = slot_tag(k.hash, len);
        const std::size_t mask = slots_.size() - 1;
        std::size_t pos = static_cast<std::size_t>(k.hash) & mask;
        while (true) {
            Slot& slot = slots_[pos];
            if (slot.id < 0) return insert(slot, s, len, k, tag);
            if (slot.w0 == k.w0 && slot.w1 == k.w1 && slot.tag == tag) {
                if (len <= 16) return slot.id;
                const Entry& e = entries_[static_cast<std::size_t>(slot.id)];
                if (e.length == len && std::memcmp(arena_.data() + e.offset + 16, s + 16, len - 16) == 0) return slot.id;
            }
            pos = (pos + 1) & mask;
        }
    }

    std::size_t size() const { return entries_.size(); }

    // The string with id `id` (< size()); valid until the next intern.
    std::string_view string_of(std::size_t id) const {
        const Entry& e = entries_[id];
        return std::string_view(arena_.data() + e.offset, e.length);
    }

    // Strings in id order (for returning a vocabulary).
    std::vector<std::string> strings() const {
        std::vector<std::string> out;
        out.reserve(entries_.size());
        for (const Entry& e : entries_) out.emplace_back(arena_.data() + e.offset, e.length);
        return out;
    }

private:
    struct Slot {
        std::uint64_t w0 = 0, w1 = 0;  // the first 16 bytes, zero-padded
        std::uint32_t tag = 0;         // slot_tag: 24 bits of the hash, the length clamped to 255
        std::int32_t id = -1;
    };
    struct Entry {
        std::uint64_t hash;
        std::size_t offset;  // into arena_
        std::size_t length;
    };

    static std::uint64_t low_bytes(std::size_t n) {  // n in 0..8
        return n >= 8 ? ~std::uint64_t(0) : (std::uint64_t(1) << (8 * n)) - 1;
    }

    static std::uint32_t slot_tag(std::uint64_t h, std::size_t len) {
        return (static_cast<std::uint32_t>(h >> 40) << 8) | static_cast<std::uint32_t>(len < 255 ? len : 255);
    }

    std::int32_t insert(Slot& slot, const char* s, std::size_t len, const Key& k, std::uint32_t tag) {
        if (entries_.size() == static_cast<std::size_t>(INT32_MAX))
            throw std::length_error("more than 2^31 - 1 distinct tokens in one call");
        slot.w0 = k.w0;
        slot.w1 = k.w1;
        slot.tag = tag;
        slot.id = static_cast<std::int32_t>(entries_.size());
        entries_.push_back(Entry{k.hash, arena_.size(), len});
        arena_.append(s, len);
        return slot.id;
    }

    void grow() {
        std::vector<Slot> old;
        old.swap(slots_);
        slots_.assign(old.empty() ? 256 : old.size() * 2, Slot{});
        const std::size_t mask = slots_.size() - 1;
        for (const Slot& s : old) {
            if (s.id < 0) continue;
            const std::uint64_t h = entries_[static_cast<std::size_t>(s.id)].hash;
            std::size_t pos = static_cast<std::size_t>(h) & mask;
            while (slots_[pos].id >= 0) pos = (pos + 1) & mask;
            slots_[pos] = s;
        }
    }

    std::vector<Slot> slots_;
    std::vector<Entry> entries_;
    std::string arena_;
};

// Exact string -> dense id table for the texts of one group (a hypothesis and its references),
// emptied by reset() before each group: ids count from 0 in order of first occurrence, so a group
// of k distinct strings uses ids 0..k-1 and the tables indexed by id stay small. A string passed
// in must be followed by at least 16 readable bytes, but need not stay in place: a slot keeps a
// string's first 16 bytes, zero-padded, its length and its id, and a longer string's bytes are
// copied once, so it is compared in full. reset() is O(1) (slots carry the generation that wrote
// them); the table doubles when half full.
class GroupInterner {
public:
    static constexpr std::uint32_t kAbsent = 0xFFFFFFFFu;

    // Empties the table, sized for about `expected_strings` distinct strings.
    void reset(std::size_t expected_strings) {
        std::size_t want = 64;
        while (want < 2 * expected_strings + 2) want <<= 1;
        use_slots(want);
        long_.clear();
        long_bytes_.clear();
        hashes_.clear();
    }

    // Id of s[0..len) (followed by 16 readable bytes), the next id if new.
    std::uint32_t intern_padded(const char* s, std::size_t len) {
        return intern_key(s, len, StringInterner::key_padded(s, len));
    }

    // The same with the key (StringInterner::key_padded) of s[0..len) computed.
    std::uint32_t intern_key(const char* s, std::size_t len, const StringInterner::Key& k) {
        if (2 * (hashes_.size() + 1) > mask_ + 1) grow();
        const std::uint32_t length = clamp_length(len);
        for (std::size_t pos = static_cast<std::size_t>(k.hash) & mask_;; pos = (pos + 1) & mask_) {
            Slot& slot = slots_[pos];
            if (slot.generation != generation_) return insert(slot, s, len, length, k);
            if (same(slot, s, len, length, k)) return slot.id;
        }
    }

    // Id of s[0..len) if interned since reset(), else kAbsent (nothing is inserted).
    std::uint32_t find_key(const char* s, std::size_t len, const StringInterner::Key& k) const {
        const std::uint32_t length = clamp_length(len);
        for (std::size_t pos = static_cast<std::size_t>(k.hash) & mask_;; pos = (pos + 1) & mask_) {
            const Slot& slot = slots_[pos];
            if (slot.generation != generation_) return kAbsent;
            if (same(slot, s, len, length, k)) return slot.id;
        }
    }

    // ids[t] = the id of s[begins[t], ends[t]) for t < n (each string followed by 16 readable
    // bytes): interned if `insert`, else looked up, `absent` for one not interned. The keys are
    // computed first: independent of each other, they overlap in the pipeline.
    template <class Id>
    void ids_of(const char* s, const std::uint32_t* begins, const std::uint32_t* ends, std::size_t n, Id* ids,
                bool insert = true, Id absent = static_cast<Id>(kAbsent)) {
        keys_.resize(n);
        for (std::size_t t = 0; t < n; ++t) keys_[t] = StringInterner::key_padded(s + begins[t], ends[t] - begins[t]);
        if (insert) {
            for (std::size_t t = 0; t < n; ++t)
                ids[t] = static_cast<Id>(intern_key(s + begins[t], ends[t] - begins[t], keys_[t]));
        } else {
            for (std::size_t t = 0; t < n; ++t) {
                const std::uint32_t id = find_key(s + begins[t], ends[t] - begins[t], keys_[t]);
                ids[t] = id == kAbsent ? absent : static_cast<Id>(id);
            }
        }
    }

    std::size_t size() const { return hashes_.size(); }

private:
    struct Slot {
        std::uint64_t w0 = 0, w1 = 0;  // the first 16 bytes, zero-padded
        std::uint32_t length = 0, id = 0, generation = 0, long_index = 0;
    };
    struct LongString {
        std::size_t offset, len;  // in long_bytes_
    };

    static std::uint32_t clamp_length(std::size_t len) {
        return static_cast<std::uint32_t>(len < 0xFFFFFFFFu ? len : 0xFFFFFFFFu);
    }

    bool same(const Slot& slot, const char* s, std::size_t len, std::uint32_t length,
              const StringInterner::Key& k) const {
        if (slot.w0 != k.w0 || slot.w1 != k.w1 || slot.length != length) return false;
        if (len <= 16) return true;
        const LongString& first = long_[slot.long_index];
        return first.len == len && std::memcmp(long_bytes_.data() + first.offset + 16, s + 16, len - 16) == 0;
    }

    std::uint32_t insert(Slot& slot, const char* s, std::size_t len, std::uint32_t length,
                         const StringInterner::Key& k) {
        const auto id = static_cast<std::uint32_t>(hashes_.size());
        slot = Slot{k.w0, k.w1, length, id, generation_, 0};
        if (len > 16) {
            slot.long_index = static_cast<std::uint32_t>(long_.size());
            long_.push_back(LongString{long_bytes_.size(), len});
            long_bytes_.append(s, len);
        }
        hashes_.push_back(k.hash);
        return id;
    }

    // The first `count` slots (a power of two), all empty: a small group stays in the cache.
    void use_slots(std::size_t count) {
        if (count > slots_.size()) {
            slots_.assign(count, Slot{});
            generation_ = 0;
        }
        mask_ = count - 1;
        if (++generation_ == 0) {  // wrapped: old stamps could look current
            for (auto& s : slots_) s.generation = 0;
            generation_ = 1;
        }
    }

    void grow() {
        std::vector<Slot> live;
        live.reserve(hashes_.size());
        for (std::size_t pos = 0; pos <= mask_; ++pos)
            if (slots_[pos].generation == generation_) live.push_back(slots_[pos]);
        use_slots(2 * (mask_ + 1));
        for (Slot slot : live) {
            slot.generation = generation_;
            std::size_t pos = static_cast<std::size_t>(hashes_[slot.id]) & mask_;
            while (slots_[pos].generation == generation_) pos = (pos + 1) & mask_;
            slots_[pos] = slot;
        }
    }

    std::vector<Slot> slots_;
    std::vector<LongString> long_;   // each string longer than 16 bytes, by slot.long_index
    std::string long_bytes_;
    std::vector<std::uint64_t> hashes_;  // per id
    std::vector<StringInterner::Key> keys_;  // ids_of
    std::size_t mask_ = 0;
    std::uint32_t generation_ = 0;
};

// Appends the ids of the space-separated tokens of `tokenized` (single spaces, as the tokenizers
// write them) to `ids`. Pads `tokenized` with 16 spaces so intern_padded may load 16 bytes at any token.
inline void intern_words(std::string& tokenized, StringInterner& vocabulary, std::vector<std::int32_t>& ids) {
    const std::size_t n = tokenized.size();
    tokenized.append(16, ' ');
    const char* s = tokenized.data();
    std::size_t start = 0;
    for (std::size_t i = 0; i <= n; ++i) {
        if (i == n || s[i] == ' ') {
            if (i > start) ids.push_back(vocabulary.intern_padded(s + start, i - start));
            start = i + 1;
        }
    }
}

}  // namespace ngramkit
