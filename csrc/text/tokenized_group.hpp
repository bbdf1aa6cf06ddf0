// SPDX-License-Identifier: Apache-2.0
// One hypothesis and its references as interned word ids, for the text kernels of word metrics
// (BLEU, TER): each text goes through a tokenizer that writes ' '.join(words) (after Python's
// str.rstrip(), as sacrebleu's _preprocess_segment), then its words are interned. Ids only need to
// agree within the group, so each thread keeps one interner for its whole share of the pairs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/ragged.hpp"
#include "text/interner.hpp"
#include "text/utf8.hpp"

namespace ngramkit {

class TokenizedGroup {
public:
    // Tokenizes hypothesis g of `preds` and its references (rows groups[g]..groups[g+1] of
    // `refs`); tokenize(text, len, out) writes the tokenized text of text[0..len) into out.
    template <class Tokenize>
    void build(const RaggedView<char>& preds, const RaggedView<char>& refs, const std::int64_t* groups,
               std::size_t g, Tokenize&& tokenize) {
        ids_.clear();
        ends_.clear();
        add(preds, g, tokenize);
        for (auto j = groups[g]; j < groups[g + 1]; ++j) add(refs, static_cast<std::size_t>(j), tokenize);
        refs_.clear();
        for (std::size_t k = 1; k < ends_.size(); ++k)
            refs_.push_back(IdSpan{ids_.data() + ends_[k - 1], ends_[k] - ends_[k - 1]});
    }

    IdSpan hypothesis() const { return IdSpan{ids_.data(), ends_[0]}; }
    const IdSpan* references() const { return refs_.data(); }
    std::size_t n_references() const { return refs_.size(); }
    // Distinct words seen by this thread so far (every id is below it).
    std::size_t vocabulary_size() const { return vocabulary_.size(); }
    // Starts a fresh vocabulary (bounds a thread's memory on long runs; ids restart from 0).
    void reset_vocabulary() { vocabulary_ = StringInterner{}; }

private:
    template <class Tokenize>
    void add(const RaggedView<char>& batch, std::size_t row, Tokenize& tokenize) {
        const char* text = batch.values + batch.offsets[row];
        const auto len = static_cast<std::size_t>(batch.offsets[row + 1] - batch.offsets[row]);
        tokenize(text, python_rstrip_length(text, len), tokenized_);
        intern_words(tokenized_, vocabulary_, ids_);
        ends_.push_back(ids_.size());
    }

    StringInterner vocabulary_;
    std::string tokenized_;
    std::vector<std::int32_t> ids_;  // the hypothesis' words, then each reference's
    std::vector<std::size_t> ends_;  // end of each text's words in ids_
    std::vector<IdSpan> refs_;
};

}  // namespace ngramkit
