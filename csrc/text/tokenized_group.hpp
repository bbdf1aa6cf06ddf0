// SPDX-License-Identifier: Apache-2.0
// One hypothesis and its references as interned word ids, for the text kernels of word metrics
// (BLEU, TER): each text goes through a tokenizer that writes ' '.join(words) (after Python's
// str.rstrip(), as sacrebleu's _preprocess_segment), then its words are interned. Ids only need to
// agree within the group, so each group gets ids 0..k-1 of its own k distinct words.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/ragged.hpp"
#include "text/interner.hpp"
#include "text/utf8.hpp"
#include "text/word_spans.hpp"

namespace ngramkit {

class TokenizedGroup {
public:
    // Tokenizes hypothesis g of `preds` and its references (rows groups[g]..groups[g+1] of
    // `refs`); tokenize(text, len, out) writes the tokenized text of text[0..len) into out.
    template <class Tokenize>
    void build(const RaggedView<char>& preds, const RaggedView<char>& refs, const std::int64_t* groups,
               std::size_t g, Tokenize&& tokenize) {
        words_.clear();
        text_ends_.clear();
        add(preds, g, tokenize);
        for (auto j = groups[g]; j < groups[g + 1]; ++j) add(refs, static_cast<std::size_t>(j), tokenize);
        words_.append(16, ' ');  // key_padded reads 16 bytes at any word
        const std::size_t n_bytes = words_.size() - 16;
        if (n_bytes >= 0xFFFFFF00u) throw std::length_error("a hypothesis and its references: 4 GiB of words or more");
        const std::size_t n_words = space_separated_words(words_.data(), n_bytes, starts_, stops_);
        const char* s = words_.data();
        keys_.resize(n_words);
        for (std::size_t t = 0; t < n_words; ++t)  // independent of each other: they overlap in the pipeline
            keys_[t] = StringInterner::key_padded(s + starts_[t], stops_[t] - starts_[t]);
        vocabulary_.reset(n_words);
        ids_.resize(n_words);
        ends_.clear();
        std::size_t t = 0;
        for (std::size_t text = 0; text < text_ends_.size(); ++text) {
            for (; t < n_words && starts_[t] < text_ends_[text]; ++t)
                ids_[t] = static_cast<std::int32_t>(vocabulary_.intern_key(s + starts_[t], stops_[t] - starts_[t], keys_[t]));
            ends_.push_back(t);
            if (text == 0) hypothesis_vocabulary_ = vocabulary_.size();
        }
        refs_.clear();
        for (std::size_t k = 1; k < ends_.size(); ++k)
            refs_.push_back(IdSpan{ids_.data() + ends_[k - 1], ends_[k] - ends_[k - 1]});
    }

    IdSpan hypothesis() const { return IdSpan{ids_.data(), ends_[0]}; }
    const IdSpan* references() const { return refs_.data(); }
    std::size_t n_references() const { return refs_.size(); }
    // Distinct words of the group: every id is below it.
    std::size_t vocabulary_size() const { return vocabulary_.size(); }
    // Distinct words of the hypothesis: its ids are below it, and a reference word with a larger
    // id does not occur in the hypothesis.
    std::size_t hypothesis_vocabulary() const { return hypothesis_vocabulary_; }

private:
    // Appends the tokenized text of row `row` and one separator to words_.
    template <class Tokenize>
    void add(const RaggedView<char>& batch, std::size_t row, Tokenize& tokenize) {
        const char* text = batch.values + batch.offsets[row];
        const auto len = static_cast<std::size_t>(batch.offsets[row + 1] - batch.offsets[row]);
        tokenize(text, python_rstrip_length(text, len), tokenized_);
        words_ += tokenized_;
        words_ += ' ';
        text_ends_.push_back(words_.size());
    }

    GroupInterner vocabulary_;
    std::string tokenized_, words_;     // one text's words; every text's, each followed by ' '
    std::vector<std::size_t> text_ends_;  // end of each text's words (and separator) in words_
    std::vector<std::uint32_t> starts_, stops_;  // each word's bytes in words_
    std::vector<StringInterner::Key> keys_;
    std::vector<std::int32_t> ids_;     // the hypothesis' words, then each reference's
    std::vector<std::size_t> ends_;     // end of each text's words in ids_
    std::vector<IdSpan> refs_;
    std::size_t hypothesis_vocabulary_ = 0;
};

}  // namespace ngramkit
