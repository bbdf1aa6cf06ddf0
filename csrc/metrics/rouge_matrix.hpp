// SPDX-License-Identifier: Apache-2.0
// ROUGE score matrices (every hypothesis against every reference) and the self-instruct
// near-duplicate filter, over texts tokenized once.
//
// Every text is tokenized (or its ids densified) once into ids shared by all texts (RougeTexts).
// rougeN counts each text's n-grams once (GramLists: distinct grams with their counts, grams that
// occur in one text only left out, since they cannot match another text); a cell is
// Σ_g min(count_row(g), count_col(g)) over the row's counts scattered into a table. rougeL is the
// bit-parallel LCS of lcs.hpp with the row text's match masks built once per row; rougeLsum is
// rouge.hpp's union-LCS per cell. A cell is rouge-score's score(target = column, prediction = row).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/dense_ids.hpp"
#include "core/ngram.hpp"
#include "core/parallel.hpp"
#include "core/ragged.hpp"
#include "metrics/lcs.hpp"
#include "metrics/rouge.hpp"
#include "text/rouge_tokenizer.hpp"

namespace ngramkit {

enum RougeMeasure : int { kPrecision = 0, kRecall = 1, kFmeasure = 2 };

// Token ids of many texts, dense (every id < vocabulary), with their rougeLsum sentences.
struct RougeTexts {
    std::vector<std::int32_t> ids;
    std::vector<std::size_t> offsets{0};      // text t is ids[offsets[t], offsets[t + 1])
    std::vector<std::size_t> ends;            // sentence ends, relative to the text's first token
    std::vector<std::size_t> end_offsets{0};  // text t's sentences: ends[end_offsets[t], end_offsets[t + 1])
    std::size_t vocabulary = 0;

    std::size_t size() const { return offsets.size() - 1; }
    std::size_t length(std::size_t t) const { return offsets[t + 1] - offsets[t]; }
    const std::uint32_t* dense(std::size_t t) const {  // int32 and uint32 may alias; ids are >= 0
        return reinterpret_cast<const std::uint32_t*>(ids.data()) + offsets[t];
    }
    TokenSeq seq(std::size_t t) const {
        return TokenSeq{ids.data() + offsets[t], length(t), ends.data() + end_offsets[t],
                        end_offsets[t + 1] - end_offsets[t]};
    }
    // Closes the text whose ids were appended since the last close; `row_ends` are absolute sizes
    // of `ids` after each sentence.
    void close_text(const std::vector<std::size_t>& row_ends) {
        const std::size_t start = offsets.back();
        for (const std::size_t e : row_ends) ends.push_back(e - start);
        offsets.push_back(ids.size());
        end_offsets.push_back(ends.size());
    }
};

// Tokenizes every row of `texts` with `tokenizer` (which keeps its vocabulary across calls).
inline void add_text_rows(RougeTexts& out, const RaggedView<char>& texts, RougeTokenizer& tokenizer,
                          const std::function<bool()>& interrupted) {
    std::vector<std::size_t> row_ends;
    for (std::size_t row = 0; row < texts.n_rows; ++row) {
        row_ends.clear();
        tokenizer.tokenize(texts.values + texts.offsets[row],
                           static_cast<std::size_t>(texts.offsets[row + 1] - texts.offsets[row]), out.ids, &row_ends);
        out.close_text(row_ends);
        if (row % 4096 == 4095 && interrupted && interrupted()) throw Interrupted();
    }
    out.vocabulary = tokenizer.vocabulary().size();
}

// Appends the rows of an id batch, ids renumbered densely through `map` (reset by the caller for
// every token it will see). `separator` >= 0 splits rows into sentences and is dropped, as in
// rouge_id_stats; < 0: one sentence per row. Ids must be checked non-negative before.
inline void add_id_rows(RougeTexts& out, const RaggedView<std::int32_t>& rows, std::int64_t separator,
                        DenseIdMap& map) {
    std::vector<std::size_t> row_ends;
    for (std::size_t row = 0; row < rows.n_rows; ++row) {
        row_ends.clear();
        std::size_t sentence_start = out.ids.size();
        for (auto i = rows.offsets[row]; i < rows.offsets[row + 1]; ++i) {
            const std::int32_t id = rows.values[i];
            if (id == separator) {
                if (out.ids.size() > sentence_start) row_ends.push_back(out.ids.size());
                sentence_start = out.ids.size();
                continue;
            }
            out.ids.push_back(static_cast<std::int32_t>(map.id(static_cast<std::uint32_t>(id))));
        }
        if (out.ids.size() > sentence_start) row_ends.push_back(out.ids.size());
        out.close_text(row_ends);
    }
    out.vocabulary = map.size();
}

// Each text's distinct n-grams of one order and their counts, as dense gram ids < n_grams; grams
// occurring in a single text are left out (they cannot match another text), but count in totals.
struct GramLists {
    std::vector<std::uint32_t> grams;
    std::vector<std::int32_t> counts;
    std::vector<std::size_t> offsets;  // text t: grams[offsets[t], offsets[t + 1])
    std::vector<std::int64_t> totals;  // every n-gram of text t (rouge-score's count)
    std::size_t n_grams = 0;
};

namespace detail {

// Sets to kDead the gram ids of one order (`level`: the id at each start position, ids < n_ids,
// kDead where a gram cannot be shared) that only one text holds.
inline void drop_single_text_grams(const RougeTexts& texts, std::size_t order, std::vector<std::uint32_t>& level,
                                   std::size_t n_ids) {
    std::vector<std::uint32_t> df(n_ids, 0);
    std::vector<std::size_t> last(n_ids, ~std::size_t(0));
    const std::size_t n = texts.size();
    for (std::size_t t = 0; t < n; ++t) {
        const std::size_t count = ngram_count(texts.length(t), static_cast<int>(order));
        const std::uint32_t* g = level.data() + texts.offsets[t];
        for (std::size_t i = 0; i < count; ++i) {
            if (g[i] == kDead || last[g[i]] == t) continue;
            last[g[i]] = t;
            ++df[g[i]];
        }
    }
    for (std::size_t t = 0; t < n; ++t) {
        const std::size_t count = ngram_count(texts.length(t), static_cast<int>(order));
        std::uint32_t* g = level.data() + texts.offsets[t];
        for (std::size_t i = 0; i < count; ++i)
            if (g[i] != kDead && df[g[i]] < 2) g[i] = kDead;
    }
}

}  // namespace detail

// The n-grams of every text (order 1..kMaxNgramOrder). An n-gram's id is the dense id of the pair
// (id of its (n-1)-gram prefix, its last token), exact at every order; a gram whose prefix is held
// by one text only is held by at most one text too, so it gets no id.
inline GramLists count_grams(const RougeTexts& texts, int order) {
    const std::size_t n = texts.size();
    std::vector<std::uint32_t> level(texts.ids.size());  // gram id at each start position
    for (std::size_t i = 0; i < level.size(); ++i) level[i] = static_cast<std::uint32_t>(texts.ids[i]);
    detail::drop_single_text_grams(texts, 1, level, texts.vocabulary);
    const std::vector<std::uint32_t> unigrams = level;  // tokens held by several texts
    std::size_t n_ids = texts.vocabulary;
    DenseIdMap map;
    for (int m = 2; m <= order; ++m) {
        std::size_t live = 0;
        for (std::size_t t = 0; t < n; ++t) {
            const std::size_t count = ngram_count(texts.length(t), m);
            const std::uint32_t* g = level.data() + texts.offsets[t];
            for (std::size_t i = 0; i < count; ++i) live += g[i] != kDead;
        }
        map.reset(live);
        for (std::size_t t = 0; t < n; ++t) {
            const std::size_t count = ngram_count(texts.length(t), m);
            std::uint32_t* g = level.data() + texts.offsets[t];
            const std::uint32_t* u = unigrams.data() + texts.offsets[t];
            for (std::size_t i = 0; i < count; ++i) {
                const std::uint32_t tail = u[i + std::size_t(m) - 1];
                g[i] = g[i] == kDead || tail == kDead ? kDead : map.id((std::uint64_t(g[i]) << 32) | tail);
            }
            // positions past the last m-gram keep stale ids; they are never read at this order
        }
        n_ids = map.size();
        detail::drop_single_text_grams(texts, static_cast<std::size_t>(m), level, n_ids);
    }
    // compact ids of the surviving grams, and each text's distinct grams with counts
    GramLists out;
    std::vector<std::uint32_t> compact(n_ids, kDead);
    std::vector<std::uint32_t> scratch;
    out.offsets.assign(1, 0);
    out.totals.resize(n);
    for (std::size_t t = 0; t < n; ++t) {
        const std::size_t count = ngram_count(texts.length(t), order);
        out.totals[t] = static_cast<std::int64_t>(count);
        const std::uint32_t* g = level.data() + texts.offsets[t];
        scratch.clear();
        for (std::size_t i = 0; i < count; ++i) {
            if (g[i] == kDead) continue;
            if (compact[g[i]] == kDead) compact[g[i]] = static_cast<std::uint32_t>(out.n_grams++);
            scratch.push_back(compact[g[i]]);
        }
        std::sort(scratch.begin(), scratch.end());
        for (std::size_t i = 0; i < scratch.size();) {
            std::size_t j = i;
            while (j < scratch.size() && scratch[j] == scratch[i]) ++j;
            out.grams.push_back(scratch[i]);
            out.counts.push_back(static_cast<std::int32_t>(j - i));
            i = j;
        }
        out.offsets.push_back(out.grams.size());
    }
    return out;
}

// What a matrix or filter scores: texts, a rouge type (1..9, kRougeL, kRougeLsum), a measure.
struct RougeScoring {
    const RougeTexts& texts;
    int type;
    int measure;
    GramLists grams;  // rougeN: its order; rougeL: unigrams (for the bound of the filter); rougeLsum: none

    RougeScoring(const RougeTexts& t, int type_code, int measure_code, bool unigram_bound)
        : texts(t), type(type_code), measure(measure_code) {
        if (!(type >= 1 && type <= kMaxNgramOrder) && type != kRougeL && type != kRougeLsum)
            throw std::invalid_argument("rouge_type: unknown type code " + std::to_string(type));
        if (measure < kPrecision || measure > kFmeasure)
            throw std::invalid_argument("measure: unknown measure code " + std::to_string(measure));
        if (type <= kMaxNgramOrder)
            grams = count_grams(texts, type);
        else if (type == kRougeL && unigram_bound)
            grams = count_grams(texts, 1);
    }
    bool ngram() const { return type <= kMaxNgramOrder; }
    // The prediction / reference total of a text: its n-grams (rougeN) or tokens.
    std::int64_t total(std::size_t t) const {
        return ngram() ? grams.totals[t] : static_cast<std::int64_t>(texts.length(t));
    }
    double score(std::int64_t hits, std::size_t row, std::size_t col) const {
        double prf[3];
        rouge_prf_of(hits, total(row), total(col), prf);
        return prf[measure];
    }
};

struct RowThreadState {
    LcsWorkspace row_lcs, pair_lcs;
    PairWorkspace pair;
    std::vector<std::int32_t> counts;  // the row's gram counts, scattered (all zero between rows)
};

// One row text prepared for scoring against many columns: its gram counts scattered (rougeN, and
// rougeL's unigram bound) or its LCS match masks built (rougeL). Leaves the state clean on exit.
class RowScorer {
public:
    RowScorer(const RougeScoring& s, RowThreadState& st, std::size_t row)
        : s_(s), st_(st), row_(row), a_(s.texts.dense(row)), la_(s.texts.length(row)),
          words_(detail::words_for(la_)) {
        if (!s.grams.offsets.empty()) {
            if (st.counts.size() < s.grams.n_grams) st.counts.resize(s.grams.n_grams, 0);
            for (std::size_t q = s.grams.offsets[row]; q < s.grams.offsets[row + 1]; ++q)
                st.counts[s.grams.grams[q]] = s.grams.counts[q];
        }
        if (s.type == kRougeL && la_ > 0) masks_.emplace(a_, la_, s.texts.vocabulary, words_, st.row_lcs);
    }
    RowScorer(const RowScorer&) = delete;
    RowScorer& operator=(const RowScorer&) = delete;
    ~RowScorer() {
        if (s_.grams.offsets.empty()) return;
        for (std::size_t q = s_.grams.offsets[row_]; q < s_.grams.offsets[row_ + 1]; ++q) st_.counts[s_.grams.grams[q]] = 0;
    }

    // Σ min(count_row, count_col) over the grams of s.grams (rougeN hits; rougeL's unigram bound).
    std::int64_t clipped(std::size_t col) const {
        const GramLists& g = s_.grams;
        const std::int32_t* counts = st_.counts.data();
        std::int64_t hits = 0;
        for (std::size_t q = g.offsets[col]; q < g.offsets[col + 1]; ++q)
            hits += std::min(counts[g.grams[q]], g.counts[q]);
        return hits;
    }

    // The statistic the score is computed from: matches, LCS or union-LCS hits.
    std::int64_t hits(std::size_t col) {
        if (col == row_) return s_.type == kRougeLsum ? lsum(col) : s_.total(col);  // a text against itself
        if (s_.ngram()) return clipped(col);
        if (s_.type == kRougeLsum) return lsum(col);
        return lcs(col);
    }

    // out[q] = hits(cols[q]) for q < n; one-word LCS four columns at a time (four independent
    // dependency chains instead of one).
    void hits_many(const std::size_t* cols, std::size_t n, std::int64_t* out) {
        std::size_t q = 0;
        if (s_.type == kRougeL && words_ == 1 && masks_)
            for (; q + 4 <= n; q += 4) lcs_x4(cols + q, out + q);
        for (; q < n; ++q) out[q] = hits(cols[q]);
    }

private:
    void lcs_x4(const std::size_t* cols, std::int64_t* out) const {
        const std::uint64_t* m = masks_->dense_table();
        const std::uint32_t* b[4];
        std::size_t lb[4];
        for (int k = 0; k < 4; ++k) {
            b[k] = s_.texts.dense(cols[k]);
            lb[k] = s_.texts.length(cols[k]);
        }
        const std::size_t common = std::min(std::min(lb[0], lb[1]), std::min(lb[2], lb[3]));
        std::uint64_t st[4] = {~std::uint64_t(0), ~std::uint64_t(0), ~std::uint64_t(0), ~std::uint64_t(0)};
        for (std::size_t j = 0; j < common; ++j)
            for (int k = 0; k < 4; ++k) {
                const std::uint64_t u = st[k] & m[b[k][j]];
                st[k] = (st[k] + u) | (st[k] - u);
            }
        for (int k = 0; k < 4; ++k) {
            for (std::size_t j = common; j < lb[k]; ++j) {
                const std::uint64_t u = st[k] & m[b[k][j]];
                st[k] = (st[k] + u) | (st[k] - u);
            }
            out[k] = detail::prefix_lcs(&st[k], la_);  // la_ == 0: masks all zero, LCS 0
        }
    }

    std::int64_t lcs(std::size_t col) {
        const std::size_t lb = s_.texts.length(col);
        if (la_ == 0 || lb == 0) return 0;
        const std::uint32_t* b = s_.texts.dense(col);
        if (words_ == 1) {
            const std::uint64_t* m = masks_->dense_table();
            std::uint64_t state = ~std::uint64_t(0);
            for (std::size_t j = 0; j < lb; ++j) {
                const std::uint64_t u = state & m[b[j]];
                state = (state + u) | (state - u);
            }
            return detail::prefix_lcs(&state, la_);
        }
        // the row's masks cost |b| * words; the pair's own (shorter pattern) about that of building them
        const std::size_t row_cost = lb * words_, pair_cost = la_ * detail::words_for(lb) + lb;
        if (row_cost > pair_cost) return lcs_length(a_, la_, b, lb, s_.texts.vocabulary, st_.pair_lcs);
        st_.row_lcs.state.assign(words_, ~std::uint64_t(0));
        std::uint64_t* state = st_.row_lcs.state.data();
        if (masks_->dense()) {
            const std::uint64_t* m = masks_->dense_table();
            for (std::size_t j = 0; j < lb; ++j) detail::advance(state, m + std::size_t(b[j]) * words_, words_);
        } else {
            for (std::size_t j = 0; j < lb; ++j)
                masks_->with(b[j], [&](const std::uint64_t* m) { detail::advance(state, m, words_); });
        }
        return detail::prefix_lcs(state, la_);
    }

    std::int64_t lsum(std::size_t col) {
        return detail::summary_lcs_hits(a_, s_.texts.seq(row_), s_.texts.dense(col), s_.texts.seq(col),
                                        s_.texts.vocabulary, st_.pair);
    }

    const RougeScoring& s_;
    RowThreadState& st_;
    std::size_t row_;
    const std::uint32_t* a_;
    std::size_t la_, words_;
    std::optional<detail::MatchMasks> masks_;
};

// out[i * n_cols + j] = the measure of text i (prediction) against text col0 + j (target), for
// i < n_rows. Threads over tiles of one row and up to kTileColumns columns.
constexpr std::size_t kTileColumns = 512;

inline void rouge_matrix(const RougeScoring& s, std::size_t n_rows, std::size_t col0, std::size_t n_cols,
                         int threads, double* out, const std::function<bool()>& interrupted = {}) {
    if (n_rows == 0 || n_cols == 0) return;
    const std::size_t tiles_per_row = (n_cols + kTileColumns - 1) / kTileColumns;
    parallel_chunks(
        n_rows * tiles_per_row, threads, 1, [] { return RowThreadState{}; },
        [&](RowThreadState& st, std::size_t begin, std::size_t end) {
            for (std::size_t task = begin; task < end; ++task) {
                const std::size_t i = task / tiles_per_row, first = (task % tiles_per_row) * kTileColumns;
                const std::size_t last = std::min(n_cols, first + kTileColumns);
                RowScorer row(s, st, i);
                std::size_t cols[kTileColumns];
                std::int64_t hits[kTileColumns];
                for (std::size_t j = first; j < last; ++j) cols[j - first] = col0 + j;
                row.hits_many(cols, last - first, hits);
                for (std::size_t j = first; j < last; ++j) out[i * n_cols + j] = s.score(hits[j - first], i, col0 + j);
            }
        },
        interrupted);
}

namespace detail {

// Does the score of (row, col) stay <= best whatever its hits (at most min of the totals)? The
// exact score is increasing in hits; 2h/(lr + lc) is F1's exact value (h/lr, h/lc precision,
// recall), and the 1e-9 margin exceeds the rounding of both sides many times over.
inline bool cannot_exceed(const RougeScoring& s, std::int64_t bound, std::size_t row, std::size_t col, double best) {
    if (bound <= 0) return true;  // the score is 0
    const double h = static_cast<double>(bound) * (1 + 1e-9);
    const double lr = static_cast<double>(s.total(row)), lc = static_cast<double>(s.total(col));
    if (s.measure == kPrecision) return h <= best * lr;
    if (s.measure == kRecall) return h <= best * lc;
    return 2 * h <= best * (lr + lc);
}

// best = max(best, exact score of row against each of cols[0..n)), skipping the cells whose bound
// cannot exceed best: the length bound, then for rougeL over multi-word LCS the unigram overlap.
// The cells left are scored a batch at a time (pruning against the best of earlier batches: never
// more than the true maximum so far, so still exact), and a cell's exact score is computed only
// when its hits could exceed best.
inline double max_score(const RougeScoring& s, RowScorer& scorer, std::size_t row, const std::size_t* cols,
                        std::size_t n, double best) {
    constexpr std::size_t kBatch = 64;
    const std::int64_t lr = s.total(row);
    const bool unigram_bound = s.type == kRougeL && !s.grams.offsets.empty();
    std::size_t pending[kBatch] = {};
    std::int64_t hits[kBatch] = {};
    std::size_t n_pending = 0;
    auto flush = [&] {
        scorer.hits_many(pending, n_pending, hits);
        for (std::size_t q = 0; q < n_pending; ++q)
            if (!cannot_exceed(s, hits[q], row, pending[q], best)) best = std::max(best, s.score(hits[q], row, pending[q]));
        n_pending = 0;
    };
    for (std::size_t q = 0; q < n; ++q) {
        const std::size_t col = cols[q];
        if (cannot_exceed(s, std::min(lr, s.total(col)), row, col, best)) continue;
        if (unigram_bound && std::max<std::int64_t>(lr, s.total(col)) > 64 &&
            cannot_exceed(s, scorer.clipped(col), row, col, best))
            continue;
        pending[n_pending++] = col;
        if (n_pending == kBatch) flush();
    }
    flush();
    return best;
}

}  // namespace detail

// The self-instruct filter over texts 0..n-1 in order: text i is kept when its score against
// every text kept before it is <= threshold (dropped when the maximum exceeds it, as
// self-instruct's `if max(rouge_scores) > 0.7: continue`); the first text is always kept.
// best[i] = the exact maximum score of text i (prediction) against the texts kept before it
// (target), 0 when there are none. Returns the kept indices in order.
//
// Texts are taken in blocks: first each text of the block against the texts kept before the block,
// on threads (the kept list is read-only meanwhile), then serially against the texts the block
// itself keeps. Every maximum is exact: a cell is skipped only when its bound cannot exceed the
// maximum found so far, so neither the decision nor best[] depends on the pruning or the threads.
inline std::vector<std::size_t> rouge_near_duplicates(const RougeScoring& s, std::size_t n, double threshold,
                                                      int threads, double* best,
                                                      const std::function<bool()>& interrupted = {}) {
    std::vector<std::size_t> kept;
    kept.reserve(n);
    RowThreadState serial;
    std::size_t start = 0;
    while (start < n) {
        const std::size_t block = std::clamp<std::size_t>(kept.size() / 8, 64, 1024);
        const std::size_t end = std::min(n, start + block), n_before = kept.size();
        for (std::size_t i = start; i < end; ++i) best[i] = 0;
        if (n_before > 0)
            parallel_chunks(
                end - start, threads, 1, [] { return RowThreadState{}; },
                [&](RowThreadState& st, std::size_t b, std::size_t e) {
                    for (std::size_t i = start + b; i < start + e; ++i) {
                        RowScorer row(s, st, i);
                        best[i] = detail::max_score(s, row, i, kept.data(), n_before, best[i]);
                    }
                },
                interrupted);
        for (std::size_t i = start; i < end; ++i) {
            if (kept.size() > n_before) {
                RowScorer row(s, serial, i);
                best[i] = detail::max_score(s, row, i, kept.data() + n_before, kept.size() - n_before, best[i]);
            }
            if (kept.empty() || !(best[i] > threshold)) kept.push_back(i);
        }
        if (interrupted && interrupted()) throw Interrupted();
        start = end;
    }
    return kept;
}

}  // namespace ngramkit
