// SPDX-License-Identifier: Apache-2.0
// One hypothesis and its references as interned word ids, for the text kernels of word metrics
// (BLEU, TER): each text goes through a tokenizer (after Python's str.rstrip(), as sacrebleu's
// _preprocess_segment) that writes ' '.join(words) or gives its words as spans of the text, and the
// words are interned. Ids only need to agree within the group, so each group gets ids 0..k-1 of
// its own k distinct words.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/ragged.hpp"
#include "text/interner.hpp"
#include "text/sacrebleu_spans.hpp"
#include "text/sacrebleu_tokenizers.hpp"
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
        build_from(preds, refs, groups, g, [&](const char* text, std::size_t len) {
            tokenize(text, len, tokenized_);
            append_words(tokenized_);
        });
    }

    // The same with sacrebleu's tokenizer `kind`, whose 13a and intl find the words of most texts
    // as spans of the text itself (sacrebleu_spans.hpp) instead of writing and splitting a string.
    void build(const RaggedView<char>& preds, const RaggedView<char>& refs, const std::int64_t* groups,
               std::size_t g, SacreTokenizer kind) {
        build_from(preds, refs, groups, g, [&](const char* text, std::size_t len) {
            if (spans_.scan(kind, text, len, /*lower=*/false)) {
                append_spans(text, len, spans_.starts(), spans_.ends(), spans_.count());
            } else {
                sacrebleu_tokenize(kind, text, len, tokenized_);
                append_words(tokenized_);
            }
        });
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
    // add(text, len) appends the words of each text of the group (after str.rstrip()); then ids.
    template <class Add>
    void build_from(const RaggedView<char>& preds, const RaggedView<char>& refs, const std::int64_t* groups,
                    std::size_t g, Add&& add) {
        words_.clear();
        token_ends_.clear();
        starts_.clear();
        stops_.clear();
        auto add_row = [&](const RaggedView<char>& batch, std::size_t row) {
            const auto [text, len] = stripped_row(batch, row);
            add(text, len);
        };
        add_row(preds, g);
        for (auto j = groups[g]; j < groups[g + 1]; ++j) add_row(refs, static_cast<std::size_t>(j));
        intern_words();
    }

    // Row `row` after Python's str.rstrip() (sacrebleu's _preprocess_segment).
    static std::pair<const char*, std::size_t> stripped_row(const RaggedView<char>& batch, std::size_t row) {
        const char* text = batch.values + batch.offsets[row];
        const auto len = static_cast<std::size_t>(batch.offsets[row + 1] - batch.offsets[row]);
        return {text, python_rstrip_length(text, len)};
    }

    // Word positions are 32-bit.
    void check_room(std::size_t len) const {
        if (words_.size() + len + 17 >= 0xFFFFFF00u)
            throw std::length_error("a hypothesis and its references: 4 GiB of words or more");
    }

    // One text's words, the space-separated words of `tokenized`.
    void append_words(const std::string& tokenized) {
        check_room(tokenized.size());
        const std::size_t n = space_separated_words(tokenized.data(), tokenized.size(), text_starts_, text_stops_);
        append_spans(tokenized.data(), tokenized.size(), text_starts_.data(), text_stops_.data(), n);
    }

    // One text's words, bytes [starts[t], stops[t]) of s[0..len).
    void append_spans(const char* s, std::size_t len, const std::uint32_t* starts, const std::uint32_t* stops,
                      std::size_t n) {
        check_room(len);
        const std::size_t base = words_.size();
        words_.append(s, len);
        words_ += ' ';
        for (std::size_t t = 0; t < n; ++t) {
            starts_.push_back(static_cast<std::uint32_t>(base + starts[t]));
            stops_.push_back(static_cast<std::uint32_t>(base + stops[t]));
        }
        token_ends_.push_back(starts_.size());
    }

    // Ids of every text's words (the group's own vocabulary, hypothesis first).
    void intern_words() {
        words_.append(16, ' ');  // key_padded reads 16 bytes at any word
        const std::size_t n_words = starts_.size();
        const char* s = words_.data();
        keys_.resize(n_words);
        for (std::size_t t = 0; t < n_words; ++t)  // independent of each other: they overlap in the pipeline
            keys_[t] = StringInterner::key_padded(s + starts_[t], stops_[t] - starts_[t]);
        vocabulary_.reset(n_words);
        ids_.resize(n_words);
        ends_.clear();
        std::size_t t = 0;
        for (std::size_t text = 0; text < token_ends_.size(); ++text) {
            for (; t < token_ends_[text]; ++t)
                ids_[t] = static_cast<std::int32_t>(vocabulary_.intern_key(s + starts_[t], stops_[t] - starts_[t], keys_[t]));
            ends_.push_back(t);
            if (text == 0) hypothesis_vocabulary_ = vocabulary_.size();
        }
        refs_.clear();
        for (std::size_t k = 1; k < ends_.size(); ++k)
            refs_.push_back(IdSpan{ids_.data() + ends_[k - 1], ends_[k] - ends_[k - 1]});
    }

    GroupInterner vocabulary_;
    SacreSpanScanner spans_;
    std::string tokenized_, words_;     // one text's words; every text (or its words), each followed by ' '
    std::vector<std::size_t> token_ends_;  // end of each text's words in starts_ / stops_
    std::vector<std::uint32_t> starts_, stops_;  // each word's bytes in words_
    std::vector<std::uint32_t> text_starts_, text_stops_;  // one tokenized text's words
    std::vector<StringInterner::Key> keys_;
    std::vector<std::int32_t> ids_;     // the hypothesis' words, then each reference's
    std::vector<std::size_t> ends_;     // end of each text's words in ids_
    std::vector<IdSpan> refs_;
    std::size_t hypothesis_vocabulary_ = 0;
};

}  // namespace ngramkit
