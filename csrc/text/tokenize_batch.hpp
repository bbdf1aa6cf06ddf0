// SPDX-License-Identifier: Apache-2.0
// rouge-score tokenization of many texts with one shared vocabulary, on several threads, with the
// ids one RougeTokenizer gives going through the texts in order: ids numbered by first appearance.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/parallel.hpp"
#include "core/ragged.hpp"
#include "text/rouge_tokenizer.hpp"

namespace ngramkit {

// Contiguous blocks of rows are tokenized on the threads, each with its own vocabulary (local ids,
// numbered by first appearance within the block). Merging the block vocabularies in block order
// into one interner numbers every token by its first appearance in the whole batch: the tokens a
// block adds are exactly its local tokens not seen before, in their local order. Then each
// block's local ids are renumbered into the output on the threads.
class SharedVocabularyTokenizer {
public:
    // `texts`: UTF-8 rows. Fills token_offsets (n_rows + 1 entries, offsets into the ids) and
    // returns the number of tokens; the ids themselves go out through write_ids.
    std::size_t tokenize(const RaggedView<char>& texts, bool use_stemmer, int threads, std::int64_t* token_offsets,
                         const std::function<bool()>& interrupted = {}) {
        const std::size_t n_rows = texts.n_rows;
        split_blocks(texts, threads);
        blocks_.clear();
        blocks_.resize(block_starts_.size() - 1);
        token_offsets[0] = 0;
        parallel_chunks(
            blocks_.size(), threads, 1, [] { return 0; },
            [&](int&, std::size_t first_block, std::size_t end_block) {
                for (std::size_t b = first_block; b < end_block; ++b) tokenize_block(texts, b, use_stemmer, token_offsets);
            },
            interrupted);
        for (std::size_t i = 0; i < n_rows; ++i) token_offsets[i + 1] += token_offsets[i];
        merge_vocabularies();
        return static_cast<std::size_t>(token_offsets[n_rows]);
    }

    // Writes the shared-vocabulary ids of every token (tokenize()'s count of them) to `ids`.
    void write_ids(const std::int64_t* token_offsets, std::int32_t* ids, int threads) {
        parallel_chunks(blocks_.size(), threads, 1, [] { return 0; }, [&](int&, std::size_t first_block, std::size_t end_block) {
            for (std::size_t b = first_block; b < end_block; ++b) {
                const Block& block = blocks_[b];
                std::int32_t* out = ids + token_offsets[block_starts_[b]];
                if (b == 0) {  // the first block's local ids are the shared ones
                    std::copy(block.ids.begin(), block.ids.end(), out);
                } else {
                    const std::int32_t* to_shared = block.to_shared.data();
                    for (std::size_t j = 0; j < block.ids.size(); ++j) out[j] = to_shared[block.ids[j]];
                }
            }
        });
    }

    // The shared vocabulary: the string of every id.
    std::vector<std::string> vocabulary() const {
        return blocks_.empty() ? std::vector<std::string>{} : blocks_[0].tokenizer->vocabulary().strings();
    }

private:
    struct Block {
        std::unique_ptr<RougeTokenizer> tokenizer;  // the first block's grows into the shared vocabulary
        std::vector<std::int32_t> ids;              // local ids
        std::vector<std::int32_t> to_shared;        // local id -> shared id (blocks after the first)
    };

    // Row boundaries of 2 blocks per thread of about equal text bytes (1 block on one thread), so
    // the dynamic hand-out evens out a slow core; more blocks would learn (and stem) the common
    // words more times.
    void split_blocks(const RaggedView<char>& texts, int threads) {
        const std::size_t n_rows = texts.n_rows;
        const std::size_t wanted = threads <= 1 ? 1 : 2 * static_cast<std::size_t>(threads);
        const std::size_t n_blocks = std::max<std::size_t>(1, std::min(wanted, n_rows));
        const std::int64_t first = texts.offsets[0], bytes = texts.offsets[n_rows] - first;
        block_starts_.assign(1, 0);
        for (std::size_t k = 1; k < n_blocks; ++k) {
            const std::int64_t target = first + static_cast<std::int64_t>(
                static_cast<double>(bytes) * static_cast<double>(k) / static_cast<double>(n_blocks));
            const auto at = static_cast<std::size_t>(
                std::lower_bound(texts.offsets, texts.offsets + n_rows, target) - texts.offsets);
            if (at > block_starts_.back() && at < n_rows) block_starts_.push_back(at);
        }
        block_starts_.push_back(n_rows);
    }

    void tokenize_block(const RaggedView<char>& texts, std::size_t b, bool use_stemmer, std::int64_t* token_offsets) {
        Block& block = blocks_[b];
        block.tokenizer = std::make_unique<RougeTokenizer>(use_stemmer);
        // English text has a token per 4.5-6 bytes: room for the whole block without regrowing
        // (each regrowth copies the ids and faults in fresh pages)
        const auto block_bytes = static_cast<std::size_t>(texts.offsets[block_starts_[b + 1]] - texts.offsets[block_starts_[b]]);
        block.ids.reserve(block_bytes / 4 + 64);
        for (std::size_t row = block_starts_[b]; row < block_starts_[b + 1]; ++row) {
            const std::size_t before = block.ids.size();
            block.tokenizer->tokenize(texts.values + texts.offsets[row],
                                      static_cast<std::size_t>(texts.offsets[row + 1] - texts.offsets[row]), block.ids,
                                      nullptr);
            token_offsets[row + 1] = static_cast<std::int64_t>(block.ids.size() - before);
        }
    }

    // Interns every later block's vocabulary, in local id order, into the first block's.
    void merge_vocabularies() {
        if (blocks_.empty()) return;
        RougeTokenizer& shared = *blocks_[0].tokenizer;
        for (std::size_t b = 1; b < blocks_.size(); ++b) {
            const StringInterner& local = blocks_[b].tokenizer->vocabulary();
            std::vector<std::int32_t>& to_shared = blocks_[b].to_shared;
            to_shared.resize(local.size());
            for (std::size_t id = 0; id < local.size(); ++id) {
                const std::string_view token = local.string_of(id);
                to_shared[id] = shared.intern_final(token.data(), token.size());
            }
            blocks_[b].tokenizer.reset();
        }
    }

    std::vector<std::size_t> block_starts_;
    std::vector<Block> blocks_;
};

}  // namespace ngramkit
