// SPDX-License-Identifier: Apache-2.0
// One hypothesis and its references as interned word ids, for the text kernels of word metrics
// (BLEU, TER): each text goes through a tokenizer (after Python's str.rstrip(), as sacrebleu's
// _preprocess_segment) that writes ' '.join(words) or gives its words as spans of the text, and the
// words are interned text by text. Ids only need to agree within the group, so each group gets
// ids 0..k-1 of its own k distinct words.
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

// Which reference words get ids of their own.
enum class ReferenceWords {
    kAll,             // every distinct word its own id
    kHypothesisOnly,  // words absent from the hypothesis all share id hypothesis_vocabulary() (BLEU
                      // only matches the hypothesis' words; nothing is inserted for the others)
};

class TokenizedGroup {
public:
    // Tokenizes hypothesis g of `preds` and its references (rows groups[g]..groups[g+1] of
    // `refs`); tokenize(text, len, reference, out) writes the tokenized text of text[0..len) into
    // out (`reference`: whether the text is a reference).
    template <class Tokenize>
    void build(const RaggedView<char>& preds, const RaggedView<char>& refs, const std::int64_t* groups,
               std::size_t g, Tokenize&& tokenize, ReferenceWords ref_words = ReferenceWords::kAll) {
        build_from(preds, refs, groups, g, ref_words, [&](const char* text, std::size_t len, bool reference) {
            tokenize(text, len, reference, tokenized_);
            intern_tokenized(insert(reference, ref_words));
        });
    }

    // The same with sacrebleu's tokenizer `kind`, whose 13a and intl find the words of most texts
    // as spans of the text itself (sacrebleu_spans.hpp) instead of writing and splitting a string.
    void build(const RaggedView<char>& preds, const RaggedView<char>& refs, const std::int64_t* groups,
               std::size_t g, SacreTokenizer kind, ReferenceWords ref_words = ReferenceWords::kAll) {
        build_from(preds, refs, groups, g, ref_words, [&](const char* text, std::size_t len, bool reference) {
            if (spans_.scan(kind, text, len, /*lower=*/false)) {
                intern_spans(spans_.low(), spans_.starts(), spans_.ends(), spans_.count(), insert(reference, ref_words));
            } else {
                sacrebleu_tokenize(kind, text, len, tokenized_);
                intern_tokenized(insert(reference, ref_words));
            }
        });
    }

    IdSpan hypothesis() const { return IdSpan{ids_.data(), ends_[0]}; }
    const IdSpan* references() const { return refs_.data(); }
    std::size_t n_references() const { return refs_.size(); }
    // Every id is below it.
    std::size_t vocabulary_size() const { return vocabulary_size_; }
    // Distinct words of the hypothesis: its ids are below it, and a reference word with a larger
    // id does not occur in the hypothesis.
    std::size_t hypothesis_vocabulary() const { return hypothesis_vocabulary_; }

private:
    // add(text, len, reference) interns the words of each text of the group (after str.rstrip()).
    template <class Add>
    void build_from(const RaggedView<char>& preds, const RaggedView<char>& refs, const std::int64_t* groups,
                    std::size_t g, ReferenceWords ref_words, Add&& add) {
        std::size_t bytes = 0;
        for (auto j = groups[g]; j < groups[g + 1]; ++j) bytes += row_length(refs, static_cast<std::size_t>(j));
        bytes += row_length(preds, g);
        // words of about 5 bytes, half of them repeats (at most 2^16 to start: a long text repeats
        // more); the table grows past that
        vocabulary_.reset(std::min<std::size_t>(bytes / 8 + 8, std::size_t(1) << 16));
        ids_.clear();
        ends_.clear();
        auto add_row = [&](const RaggedView<char>& batch, std::size_t row, bool reference) {
            const auto [text, len] = stripped_row(batch, row);
            add(text, len, reference);
            ends_.push_back(ids_.size());
        };
        add_row(preds, g, false);
        hypothesis_vocabulary_ = vocabulary_.size();
        absent_id_ = static_cast<std::uint32_t>(hypothesis_vocabulary_);
        for (auto j = groups[g]; j < groups[g + 1]; ++j) add_row(refs, static_cast<std::size_t>(j), true);
        vocabulary_size_ = ref_words == ReferenceWords::kAll ? vocabulary_.size() : hypothesis_vocabulary_ + 1;
        refs_.clear();
        for (std::size_t k = 1; k < ends_.size(); ++k)
            refs_.push_back(IdSpan{ids_.data() + ends_[k - 1], ends_[k] - ends_[k - 1]});
    }

    // Whether a text's new words get ids of their own (else absent_id_).
    static bool insert(bool reference, ReferenceWords ref_words) {
        return !reference || ref_words == ReferenceWords::kAll;
    }

    static std::size_t row_length(const RaggedView<char>& batch, std::size_t row) {
        return static_cast<std::size_t>(batch.offsets[row + 1] - batch.offsets[row]);
    }

    // Row `row` after Python's str.rstrip() (sacrebleu's _preprocess_segment).
    static std::pair<const char*, std::size_t> stripped_row(const RaggedView<char>& batch, std::size_t row) {
        const char* text = batch.values + batch.offsets[row];
        return {text, python_rstrip_length(text, row_length(batch, row))};
    }

    // The words of tokenized_ (words separated by single spaces).
    void intern_tokenized(bool insert) {
        if (tokenized_.size() >= 0xFFFFFF00u)
            throw std::length_error("a tokenized text of 4 GiB or more");
        const std::size_t n = space_separated_words(tokenized_.data(), tokenized_.size(), text_starts_, text_stops_);
        tokenized_.append(16, ' ');  // key_padded reads 16 bytes at any word
        intern_spans(tokenized_.data(), text_starts_.data(), text_stops_.data(), n, insert);
    }

    // Appends the ids of words s[starts[t], stops[t]) (s has 16 readable bytes past every word); a
    // new word gets the next id if `insert`, else absent_id_.
    void intern_spans(const char* s, const std::uint32_t* starts, const std::uint32_t* stops, std::size_t n,
                      bool insert) {
        if (ids_.size() + n > 0x7FFFFFFFu) throw std::length_error("a hypothesis and its references: 2^31 words or more");
        const std::size_t base = ids_.size();
        ids_.resize(base + n);
        vocabulary_.ids_of(s, starts, stops, n, ids_.data() + base, insert, static_cast<std::int32_t>(absent_id_));
    }

    GroupInterner vocabulary_;
    SacreSpanScanner spans_;
    std::string tokenized_;  // one text's words, space-separated, then 16 spaces
    std::vector<std::uint32_t> text_starts_, text_stops_;  // one tokenized text's words
    std::vector<std::int32_t> ids_;     // the hypothesis' words, then each reference's
    std::vector<std::size_t> ends_;     // end of each text's words in ids_
    std::vector<IdSpan> refs_;
    std::uint32_t absent_id_ = GroupInterner::kAbsent;
    std::size_t hypothesis_vocabulary_ = 0, vocabulary_size_ = 0;
};

}  // namespace ngramkit
