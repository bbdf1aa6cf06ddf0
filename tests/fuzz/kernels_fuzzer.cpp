// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness for the ROUGE kernels (csrc/, no Python): random token-id batches, malformed
// offsets/groups/ids and type codes. Valid input must give the statistics of a naive reference
// written here from rouge-score's definitions (clipped n-gram counts, LCS DP, rougeLsum's
// back-tracked union LCS), in the dense and in the bounded-memory forms of the LCS kernels;
// malformed input must be rejected by the entry checks with std::invalid_argument.
// The same bytes also drive TER (csrc/metrics/ter.hpp; equality with sacrebleu is tested in
// Python): small id batches (up to ~70 words, past the beam and the shift distance) must give the
// same statistics on 1 and 2 threads, the minimum over references of the single-pair kernel,
// edits within [|n - m|, n + m] and 0 exactly for identical sequences; random Unicode through the
// Tercom tokenizer (every option) must give single-space-separated valid UTF-8 and, through
// text_statistics, the statistics of id_statistics on the interned words (a reference tokenized
// twice when normalized, as sacrebleu's TER does).
// And the edit-distance kernel of WER/CER (csrc/metrics/edit_distance.hpp; equality with
// rapidfuzz's opcodes is tested in Python): on id sequences of every size class (one 64-bit word,
// the diagonal band, blocks, and rarely past the recorded-matrix limit where Hirschberg splits),
// the counts must be a minimal alignment (a naive Levenshtein DP), add up to both lengths, and
// agree with the editops and opcodes, whose runs must turn the reference into the hypothesis.
// Score matrices (csrc/metrics/pairwise_*.hpp): random id pools (BLEU) and random bytes as text
// (chrF++) must give, in every cell, on 1 and 2 threads, against themselves and against given
// references, exactly the per-pair kernels' sentence scores (bleu_pair_stats + bleu_score,
// chrf_text_stats).
// 13a and intl token spans (csrc/text/sacrebleu_spans.hpp): texts built from an adversarial
// alphabet (digits and [.,] in runs, '-', R1 characters, markup, multi-byte punctuation, symbols,
// digits and spaces, malformed bytes) must give the words of the tokenizers' output strings.
//
// Build and run (clang, from the repository root; documented in tests/fuzz/README.md):
//   clang++ -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Icsrc tests/fuzz/kernels_fuzzer.cpp -o /tmp/kernels_fuzzer
//   /tmp/kernels_fuzzer -max_total_time=600 tests/fuzz/corpus/kernels
// Without clang's libFuzzer: -DNGRAMKIT_STANDALONE_DRIVER builds a main() that feeds random
// inputs (g++ -fsanitize=address,undefined ...; ./a.out SECONDS).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <vector>

#include "metrics/edit_distance.hpp"
#include "metrics/pairwise_matrix.hpp"
#include "metrics/pairwise_units.hpp"
#include "metrics/rouge.hpp"
#include "metrics/ter.hpp"
#include "text/sacrebleu_spans.hpp"

namespace {

using Seq = std::vector<std::int32_t>;

struct Reader {
    const std::uint8_t* data;
    std::size_t size, pos = 0;
    unsigned byte() { return pos < size ? data[pos++] : 0u; }
    unsigned below(unsigned n) { return n ? byte() % n : 0; }
};

// ---- naive reference (rouge-score's semantics) ----------------------------------------------
std::int64_t naive_ngram_matches(const Seq& p, const Seq& r, int n) {
    std::map<Seq, std::int64_t> cp, cr;
    for (std::size_t i = 0; i + n <= p.size(); ++i) ++cp[Seq(p.begin() + i, p.begin() + i + n)];
    for (std::size_t i = 0; i + n <= r.size(); ++i) ++cr[Seq(r.begin() + i, r.begin() + i + n)];
    std::int64_t m = 0;
    for (const auto& kv : cp) {
        auto it = cr.find(kv.first);
        if (it != cr.end()) m += std::min(kv.second, it->second);
    }
    return m;
}

std::vector<std::vector<std::int64_t>> lcs_table(const Seq& ref, const Seq& can) {
    std::vector<std::vector<std::int64_t>> t(ref.size() + 1, std::vector<std::int64_t>(can.size() + 1, 0));
    for (std::size_t i = 1; i <= ref.size(); ++i)
        for (std::size_t j = 1; j <= can.size(); ++j)
            t[i][j] = ref[i - 1] == can[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
    return t;
}

std::vector<std::size_t> backtrack(const Seq& ref, const Seq& can) {  // rouge-score's _backtrack_norec
    auto t = lcs_table(ref, can);
    std::vector<std::size_t> out;
    std::size_t i = ref.size(), j = can.size();
    while (i > 0 && j > 0) {
        if (ref[i - 1] == can[j - 1]) {
            out.insert(out.begin(), i - 1);
            --i;
            --j;
        } else if (t[i][j - 1] > t[i - 1][j]) {
            --j;
        } else {
            --i;
        }
    }
    return out;
}

std::vector<Seq> sentences(const Seq& row, std::int64_t sep) {
    std::vector<Seq> out(1);
    for (auto t : row) {
        if (sep >= 0 && t == sep)
            out.emplace_back();
        else
            out.back().push_back(t);
    }
    std::vector<Seq> kept;
    for (auto& s : out)
        if (!s.empty()) kept.push_back(s);
    return kept;
}

std::int64_t naive_lsum(const std::vector<Seq>& ps, const std::vector<Seq>& rs) {
    std::map<std::int32_t, std::int64_t> cp, cr;
    for (auto& s : ps)
        for (auto t : s) ++cp[t];
    for (auto& s : rs)
        for (auto t : s) ++cr[t];
    std::int64_t hits = 0;
    for (auto& r : rs) {
        std::vector<bool> in_union(r.size(), false);
        for (auto& c : ps)
            for (auto i : backtrack(r, c)) in_union[i] = true;
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (!in_union[i]) continue;
            if (cp[r[i]] > 0 && cr[r[i]] > 0) {
                ++hits;
                --cp[r[i]];
                --cr[r[i]];
            }
        }
    }
    return hits;
}

void naive_pair(const Seq& p_row, const Seq& r_row, const std::vector<int>& types, std::int64_t sep,
                std::int64_t* out) {
    auto ps = sentences(p_row, sep), rs = sentences(r_row, sep);
    Seq p, r;
    for (auto& s : ps) p.insert(p.end(), s.begin(), s.end());
    for (auto& s : rs) r.insert(r.end(), s.begin(), s.end());
    for (std::size_t t = 0; t < types.size(); ++t) {
        const int code = types[t];
        std::int64_t* o = out + 3 * t;
        if (code == ngramkit::kRougeL || code == ngramkit::kRougeLsum) {
            o[0] = code == ngramkit::kRougeL ? lcs_table(r, p)[r.size()][p.size()] : naive_lsum(ps, rs);
            o[1] = std::int64_t(p.size());
            o[2] = std::int64_t(r.size());
        } else {
            o[0] = naive_ngram_matches(p, r, code);
            o[1] = std::int64_t(p.size() >= std::size_t(code) ? p.size() - code + 1 : 0);
            o[2] = std::int64_t(r.size() >= std::size_t(code) ? r.size() - code + 1 : 0);
        }
    }
}

void fail(const char* what) {
    std::fprintf(stderr, "kernels_fuzzer: %s\n", what);
    std::abort();
}


// ---- TER --------------------------------------------------------------------------------------
void flatten(const std::vector<Seq>& rows, Seq& ids, std::vector<std::int64_t>& offsets) {
    offsets.assign(1, 0);
    for (auto& r : rows) {
        ids.insert(ids.end(), r.begin(), r.end());
        offsets.push_back(std::int64_t(ids.size()));
    }
}

void fuzz_ter_ids(Reader& in) {
    const unsigned vocab = 1 + in.below(6);
    const std::size_t long_rows = in.below(12) == 0 ? 50 : 0;  // rarely: shift search is quadratic
    std::vector<Seq> preds(in.below(3)), refs;
    std::vector<std::int64_t> groups(1, 0);
    auto row = [&]() {
        Seq r(in.below(14) + (in.below(2) ? long_rows : 0));
        for (auto& t : r) t = std::int32_t(in.below(vocab));
        return r;
    };
    for (auto& p : preds) {
        p = row();
        for (std::size_t k = 1 + in.below(3); k > 0; --k) refs.push_back(in.below(5) == 0 ? p : row());
        groups.push_back(std::int64_t(refs.size()));
    }
    Seq p_ids, r_ids;
    std::vector<std::int64_t> p_off, r_off;
    flatten(preds, p_ids, p_off);
    flatten(refs, r_ids, r_off);
    const ngramkit::RaggedView<std::int32_t> pv{p_ids.data(), p_ids.size(), p_off.data(), preds.size()};
    const ngramkit::RaggedView<std::int32_t> rv{r_ids.data(), r_ids.size(), r_off.data(), refs.size()};
    std::vector<double> one(2 * preds.size(), -1), two(2 * preds.size(), -2);
    ngramkit::ter::id_statistics(pv, rv, groups.data(), 1, one.data());
    ngramkit::ter::id_statistics(pv, rv, groups.data(), 2, two.data());
    if (one != two) fail("TER statistics depend on the number of threads");
    for (std::size_t g = 0; g < preds.size(); ++g) {
        const Seq& p = preds[g];
        std::int64_t best = -1;
        double length = 0;
        for (auto j = groups[g]; j < groups[g + 1]; ++j) {
            const Seq& r = refs[std::size_t(j)];
            const std::int64_t e = ngramkit::ter::translation_edit_rate(p.data(), p.size(), r.data(), r.size());
            const auto n = std::int64_t(p.size()), m = std::int64_t(r.size());
            if (e < std::max(n - m, m - n) || e > n + m || (e == 0) != (p == r)) fail("TER edits out of bounds");
            best = best < 0 ? e : std::min(best, e);
            length += double(r.size());
        }
        if (one[2 * g] != double(best) || one[2 * g + 1] != length / double(groups[g + 1] - groups[g]))
            fail("TER statistics are not the minimum over the references");
    }
}

const std::uint32_t kTextPieces[] = {'a', 'b', 'A', ' ', ' ', '.', ',', '\'', '-', '"', '&', ';', '1', '9', '$', '\n',
                                     0xA0, 0x3000, 0x4E2D, 0x6587, 0x3002, 0xFF0C, 0x3001, 0x30AB, 0xFF21, 0xE9};

std::string random_text(Reader& in) {
    static const char* const entities[] = {"&quot;", "&amp;", "&lt;", "&gt;", "&apos;", "<skipped>", "'s ", "n't"};
    std::string out;
    for (std::size_t k = in.below(24); k > 0; --k) {
        const unsigned pick = in.below(40);
        if (pick < 26) ngramkit::append_utf8(out, kTextPieces[pick]);
        else if (pick < 34) out += entities[pick - 26];
        else ngramkit::append_utf8(out, 1 + in.byte() * 251u % 0xD7FF);  // below the surrogates
    }
    return out;
}

// ---- score matrices ----------------------------------------------------------------------------
// 13a/intl token spans (csrc/text/sacrebleu_spans.hpp): where the scanner takes a text, its
// tokens must be the words of the tokenizer's own output string for the ASCII-lowered text.
std::size_t sacre_spans_checked = 0;  // texts of clean pieces the scanner took (the driver reports it)

void fuzz_sacre_spans(Reader& in) {
    // the last five pieces make the scanner refuse the text (markup, malformed bytes): rarely drawn
    static const char* const pieces[] = {"a", "Z", "7", "0", ".", ",", "-", " ", "\n", "\t", "'", "(", "$", "/", "<",
                                         "&", "\xc3\xa9", "\xc3\x97", "\xe2\x80\x9e", "\xe2\x82\xac", "\xc2\xb2",
                                         "\xd9\xa3", "\xc2\xa0", "\xe3\x80\x80", "\xe4\xb8\xad", "\xc2\xbf",
                                         "\xf0\x9f\x98\x80", "\xed\xa0\x80", "word", "1.5", "x.,y", "...", "3-",
                                         "&amp;", "<skipped>", "-\n", "\x80", "\xc3"};
    constexpr unsigned n_pieces = sizeof(pieces) / sizeof(pieces[0]), n_clean = n_pieces - 5;
    const bool clean = in.below(8) != 0;
    std::string text;
    const unsigned n = in.below(160);
    for (unsigned k = 0; k < n; ++k) text += pieces[in.below(clean ? n_clean : n_pieces)];
    ngramkit::SacreSpanScanner scanner;
    std::string lowered(text), out;
    for (char& c : lowered)
        if (c >= 'A' && c <= 'Z') c = char(c | 0x20);
    for (const auto kind : {ngramkit::SacreTokenizer::T13a, ngramkit::SacreTokenizer::Intl}) {
        if (!scanner.scan(kind, text.data(), text.size())) {
            if (scanner.count() != 0) fail("sacrebleu spans: a refused text left tokens");
            continue;
        }
        ngramkit::sacrebleu_tokenize(kind, lowered.data(), lowered.size(), out);
        std::string joined;
        for (std::size_t t = 0; t < scanner.count(); ++t) {
            if (t) joined += ' ';
            joined.append(scanner.low() + scanner.starts()[t], scanner.ends()[t] - scanner.starts()[t]);
        }
        if (joined != out) fail("sacrebleu spans differ from the tokenizer's output");
        if (clean && kind == ngramkit::SacreTokenizer::Intl) ++sacre_spans_checked;
    }
}

void fuzz_pairwise(Reader& in) {
    const unsigned vocab = 1 + in.below(5);
    std::vector<Seq> rows(in.below(7));
    std::string text;
    std::vector<std::int64_t> text_off(1, 0);
    for (auto& r : rows) {
        r.resize(in.below(10));
        for (auto& t : r) t = std::int32_t(in.below(vocab));
        for (unsigned k = in.below(12); k > 0; --k)  // letters, spaces, punctuation and stray high bytes
            text.push_back(char(in.below(3) == 0   ? ' '
                                : in.below(5) == 0 ? '!'
                                                   : 'a' + in.below(4) + (in.below(9) == 0 ? 0x60 : 0)));
        text_off.push_back(std::int64_t(text.size()));
    }
    Seq ids, ids2;
    std::vector<std::int64_t> off, off2;
    flatten(rows, ids, off);
    std::vector<Seq> twice(rows);
    twice.insert(twice.end(), rows.begin(), rows.end());
    flatten(twice, ids2, off2);  // the references of "given" pools: every row, once per pool
    std::string text2 = text + text;
    std::vector<std::int64_t> text_off2(text_off);
    for (std::size_t k = 1; k < text_off.size(); ++k) text_off2.push_back(std::int64_t(text.size()) + text_off[k]);
    const std::size_t n = rows.size();
    const std::int64_t split = std::int64_t(in.below(unsigned(n) + 1));  // pools: rows [0, split) and [split, n)
    std::vector<std::int64_t> pools{0, split, std::int64_t(n)};
    ngramkit::RaggedView<std::int32_t> iv{ids.data(), ids.size(), off.data(), n};
    ngramkit::RaggedView<char> tv{text.data(), text.size(), text_off.data(), n};
    ngramkit::RaggedView<std::int32_t> iv2{ids2.data(), ids2.size(), off2.data(), 2 * n};
    ngramkit::RaggedView<char> tv2{text2.data(), text2.size(), text_off2.data(), 2 * n};
    const int order = 1 + int(in.below(4));
    const ngramkit::BleuCell bleu{order, ngramkit::BleuSmooth(in.below(4)), 0.1 * in.below(3), in.below(2) == 0, false};
    const ngramkit::ChrfParams cp{int(in.below(4)), 1 + int(in.below(2)), 4.0, in.below(2) == 0, in.below(2) == 0};
    const ngramkit::ChrfCell chrf{cp};
    for (int sym = 0; sym < 2; ++sym) {
        // layout: pool 0 (split x n_ref0) then pool 1, rows of stride n_ref_p
        const std::int64_t r0 = sym ? split : std::int64_t(n), r1 = sym ? std::int64_t(n) - split : std::int64_t(n);
        std::vector<std::int64_t> out_off{0, split * r0}, strides{r0, r1};
        const std::vector<std::int64_t> all{0, std::int64_t(n), 2 * std::int64_t(n)};
        for (int threads = 1; threads <= 3; ++threads) {
            std::vector<double> got(std::size_t(split * r0 + (std::int64_t(n) - split) * r1), -1.0);
            ngramkit::PoolBatches<std::int32_t> ib{&iv, pools.data(), sym ? nullptr : &iv2, sym ? nullptr : all.data(),
                                                   2};
            ngramkit::pairwise_matrices(ib, ngramkit::IdUnits{}, ngramkit::NgramSpec{{order, 0}}, bleu, out_off.data(),
                                        strides.data(), got.data(), threads);
            std::vector<double> got_chrf(got.size(), -1.0);
            ngramkit::PoolBatches<char> tb{&tv, pools.data(), sym ? nullptr : &tv2, sym ? nullptr : all.data(), 2};
            ngramkit::pairwise_matrices(tb, ngramkit::ChrfUnits(cp.whitespace, true),
                                        ngramkit::NgramSpec{{cp.char_order, cp.word_order}}, chrf, out_off.data(),
                                        strides.data(), got_chrf.data(), threads);
            ngramkit::BleuWorkspace ws;
            for (std::int64_t i = 0; i < std::int64_t(n); ++i) {
                const int p = i < split ? 0 : 1;
                const std::int64_t first = sym ? pools[p] : 0, n_ref = p == 0 ? r0 : r1;
                for (std::int64_t j = 0; j < n_ref; ++j) {
                    const std::size_t cell = std::size_t(out_off[p] + (i - pools[p]) * strides[p] + j);
                    ngramkit::IdSpan ref = ngramkit::id_span(iv, std::size_t(first + j));
                    std::vector<std::int64_t> st(2 + 2 * std::size_t(order));
                    ngramkit::bleu_pair_stats(ngramkit::id_span(iv, std::size_t(i)), &ref, 1, order, ws, st.data());
                    const double want = ngramkit::bleu_score(st.data(), order, bleu.smooth, bleu.smooth_value,
                                                             bleu.effective_order, false);
                    if (!(got[cell] == want)) fail("pairwise BLEU differs from bleu_pair_stats + bleu_score");
                    std::vector<std::int64_t> cs(3 * cp.orders()), chosen(1), groups{0, 1};
                    double f = -1.0;
                    const std::int64_t rb = text_off[first + j], re = text_off[first + j + 1];
                    std::vector<std::int64_t> ro{0, re - rb};
                    ngramkit::RaggedView<char> one_ref{text.data() + rb, std::size_t(re - rb), ro.data(), 1};
                    std::vector<std::int64_t> po{0, text_off[i + 1] - text_off[i]};
                    ngramkit::RaggedView<char> one_pred{text.data() + text_off[i], std::size_t(po[1]), po.data(), 1};
                    ngramkit::chrf_text_stats(one_pred, one_ref, groups.data(), cp, 1, cs.data(), &f, chosen.data());
                    if (!(got_chrf[cell] == f)) fail("pairwise chrF differs from chrf_text_stats");
                }
            }
        }
    }
}

void fuzz_tercom(Reader& in) {
    std::vector<std::string> texts(2 + in.below(4));
    for (auto& t : texts) t = random_text(in);
    const ngramkit::TercomOptions options{in.below(2) == 1, in.below(2) == 1, in.below(2) == 1};
    ngramkit::TercomScratch scratch;
    ngramkit::StringInterner vocabulary;
    std::string tokenized;
    std::vector<Seq> rows;
    for (const auto& t : texts) {
        ngramkit::tercom_tokenize(t.data(), ngramkit::python_rstrip_length(t.data(), t.size()), options, scratch, tokenized);
        if (&t != &texts[0] && options.normalized) {  // sacrebleu's TER tokenizes a reference twice
            const std::string once = tokenized;
            ngramkit::tercom_tokenize(once.data(), once.size(), options, scratch, tokenized);
        }
        if (!tokenized.empty() && (tokenized.front() == ' ' || tokenized.back() == ' ' ||
                                   tokenized.find("  ") != std::string::npos))
            fail("Tercom output is not single-space separated");
        for (std::size_t i = 0; i < tokenized.size();) {
            std::string again;
            const std::size_t at = i;
            ngramkit::append_utf8(again, ngramkit::decode_utf8(tokenized.data(), tokenized.size(), i));
            if (tokenized.compare(at, i - at, again) != 0) fail("Tercom output is not valid UTF-8");
        }
        rows.emplace_back();
        ngramkit::intern_words(tokenized, vocabulary, rows.back());
    }
    // the first text is the hypothesis, the others its references
    std::string bytes;
    std::vector<std::int64_t> offsets(1, 0);
    for (const auto& t : texts) {
        bytes += t;
        offsets.push_back(std::int64_t(bytes.size()));
    }
    const std::int64_t groups[] = {0, std::int64_t(texts.size() - 1)};
    const ngramkit::RaggedView<char> pv{bytes.data(), bytes.size(), offsets.data(), 1};
    const ngramkit::RaggedView<char> rv{bytes.data(), bytes.size(), offsets.data() + 1, texts.size() - 1};
    double from_text[2], from_ids[2];
    ngramkit::ter::text_statistics(pv, rv, groups, options, 1, from_text);
    std::vector<ngramkit::IdSpan> refs;
    for (std::size_t k = 1; k < rows.size(); ++k) refs.push_back({rows[k].data(), rows[k].size()});
    ngramkit::ter::TerWorkspace ws;
    ngramkit::ter::group_statistics({rows[0].data(), rows[0].size()}, refs.data(), refs.size(), from_ids, ws);
    if (from_text[0] != from_ids[0] || from_text[1] != from_ids[1]) fail("TER text statistics differ from ids");
}

// ---- WER / CER edit distance -------------------------------------------------------------------
std::int64_t naive_levenshtein(const Seq& a, const Seq& b) {
    std::vector<std::int64_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = std::int64_t(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::int64_t diagonal = row[0];
        row[0] = std::int64_t(i);
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::int64_t up = row[j];
            row[j] = std::min({up + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = up;
        }
    }
    return row[b.size()];
}

void fuzz_edit_distance(Reader& in) {
    using ngramkit::edit::OpType;
    const unsigned vocab = 1 + in.below(8);
    static const std::size_t kSizes[] = {0, 8, 40, 70, 200, 700};  // word, band, blocks; rarely Hirschberg
    auto row = [&]() {
        const unsigned size_class = in.below(24) == 0 ? 5 : in.below(5);
        Seq r(in.below(unsigned(kSizes[size_class] + 9)) + (size_class == 5 ? 1500 : 0));
        for (auto& t : r) t = std::int32_t(in.below(vocab));
        return r;
    };
    const Seq ref = row();
    Seq hyp = in.below(3) == 0 ? ref : row();
    if (!hyp.empty() && in.below(2)) hyp[in.below(unsigned(hyp.size()))] = std::int32_t(vocab);  // one edit
    ngramkit::edit::Aligner aligner;
    const auto c = aligner.counts(ref.data(), ref.size(), hyp.data(), hyp.size());
    if (c.hits + c.substitutions + c.deletions != std::int64_t(ref.size()) ||
        c.hits + c.substitutions + c.insertions != std::int64_t(hyp.size()) || c.hits < 0 || c.substitutions < 0)
        fail("edit counts do not add up to the lengths");
    if (c.substitutions + c.deletions + c.insertions != naive_levenshtein(ref, hyp))
        fail("edit counts are not a minimal alignment");
    std::int64_t subs = 0, dels = 0, ins = 0;
    for (const auto& op : aligner.editops(ref.data(), ref.size(), hyp.data(), hyp.size())) {
        subs += op.type == OpType::Replace;
        dels += op.type == OpType::Delete;
        ins += op.type == OpType::Insert;
    }
    if (subs != c.substitutions || dels != c.deletions || ins != c.insertions) fail("editops disagree with counts");
    std::size_t src = 0, dest = 0;
    for (const auto& op : aligner.opcodes(ref.data(), ref.size(), hyp.data(), hyp.size())) {
        const std::size_t n_src = op.src_end - op.src_begin, n_dest = op.dest_end - op.dest_begin;
        bool ok = op.src_begin == src && op.dest_begin == dest && op.src_end <= ref.size() && op.dest_end <= hyp.size();
        if (ok && op.type == OpType::Equal)
            ok = n_src == n_dest && std::equal(ref.begin() + std::ptrdiff_t(op.src_begin),
                                               ref.begin() + std::ptrdiff_t(op.src_end),
                                               hyp.begin() + std::ptrdiff_t(op.dest_begin));
        if (ok && op.type == OpType::Replace) ok = n_src == n_dest && n_src > 0;
        if (ok && op.type == OpType::Delete) ok = n_dest == 0 && n_src > 0;
        if (ok && op.type == OpType::Insert) ok = n_src == 0 && n_dest > 0;
        if (!ok) fail("opcodes do not turn the reference into the hypothesis");
        src = op.src_end;
        dest = op.dest_end;
    }
    if (src != ref.size() || dest != hyp.size()) fail("opcodes do not cover both sequences");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Reader in{data, size};
    // token ids: small alphabets for matches, sometimes large ids (renumbering within the pair)
    const unsigned vocab = 1 + in.below(6);
    const bool large_ids = in.below(4) == 0;
    auto token = [&]() -> std::int32_t {
        const std::int32_t t = std::int32_t(in.below(vocab));
        return large_ids ? 2147483647 - t * 1000003 : t;
    };
    const std::size_t n_pred = in.below(4);
    std::vector<Seq> preds(n_pred), refs;
    std::vector<std::int64_t> groups(1, 0);
    const unsigned long_rows = in.below(8) == 0 ? 150 : 0;  // past 64 and 128: multi-word LCS
    for (auto& p : preds) {
        const std::size_t len = in.below(20) + (in.below(2) ? long_rows : 0);
        for (std::size_t i = 0; i < len; ++i) p.push_back(token());
        const std::size_t k = 1 + in.below(3);
        for (std::size_t j = 0; j < k; ++j) {
            Seq r;
            const std::size_t rlen = in.below(20) + (in.below(2) ? long_rows : 0);
            for (std::size_t i = 0; i < rlen; ++i) r.push_back(token());
            refs.push_back(r);
        }
        groups.push_back(std::int64_t(refs.size()));
    }
    std::vector<int> types;
    for (unsigned n = 1 + in.below(4); n > 0; --n) types.push_back(1 + int(in.below(11)));
    const std::int64_t sep = in.below(3) == 0 ? std::int64_t(token()) : -1;

    Seq p_ids, r_ids;
    std::vector<std::int64_t> p_off, r_off;
    flatten(preds, p_ids, p_off);
    flatten(refs, r_ids, r_off);

    // malformation: offsets, groups, a negative id, an unknown type code
    const unsigned mutation = in.below(8);
    bool malformed = false;
    if (mutation == 1) {
        p_off[in.below(unsigned(p_off.size()))] = std::int64_t(in.byte()) - 3;
        bool ok = p_off[0] >= 0 && p_off.back() <= std::int64_t(p_ids.size());
        for (std::size_t i = 0; i + 1 < p_off.size(); ++i) ok = ok && p_off[i] <= p_off[i + 1];
        malformed = !ok;
    } else if (mutation == 2) {
        groups[in.below(unsigned(groups.size()))] = std::int64_t(in.below(8)) - 2;
        bool ok = groups[0] == 0 && groups.back() == std::int64_t(refs.size());
        for (std::size_t i = 0; i + 1 < groups.size(); ++i) ok = ok && groups[i] <= groups[i + 1];
        malformed = !ok;
    } else if (mutation == 3 && !r_ids.empty()) {
        r_ids[in.below(unsigned(r_ids.size()))] = -1 - std::int32_t(in.byte());
        malformed = true;
    } else if (mutation == 4) {
        types.push_back(in.below(2) ? 0 : 12);
        malformed = true;
    }

    ngramkit::RaggedView<std::int32_t> pv{p_ids.data(), p_ids.size(), p_off.data(), p_off.size() - 1};
    ngramkit::RaggedView<std::int32_t> rv{r_ids.data(), r_ids.size(), r_off.data(), r_off.size() - 1};
    std::vector<std::int64_t> out;
    const std::size_t n_types = types.size();
    try {  // the checks bindings.cpp applies before every kernel call, then the kernel
        const ngramkit::RougeRequest req(types);
        ngramkit::check_groups(groups.data(), pv.n_rows, rv.n_rows);
        ngramkit::check_offsets(pv.offsets, pv.n_rows, pv.n_values, "predictions");
        ngramkit::check_offsets(rv.offsets, rv.n_rows, rv.n_values, "references");
        ngramkit::check_ids(pv.values, pv.offsets, pv.n_rows, "predictions");
        ngramkit::check_ids(rv.values, rv.offsets, rv.n_rows, "references");
        if (malformed) fail("malformed input passed the checks");
        // dense forms, then the bounded-memory forms: both equal the naive reference
        for (int round = 0; round < 2; ++round) {
            const std::size_t limit = round == 0 ? NGRAMKIT_DENSE_MASK_WORDS : 1;
            ngramkit::dense_mask_words_limit().store(limit);
            ngramkit::dense_row_words_limit().store(round == 0 ? NGRAMKIT_DENSE_ROW_WORDS : 1);
            out.assign(rv.n_rows * n_types * 3, -7);
            ngramkit::rouge_id_stats(pv, rv, groups.data(), req, sep, 1 + int(in.below(2)), out.data());
            std::vector<std::int64_t> want(n_types * 3);
            for (std::size_t g = 0; g < pv.n_rows; ++g) {
                const Seq p(p_ids.begin() + p_off[g], p_ids.begin() + p_off[g + 1]);
                for (std::int64_t j = groups[g]; j < groups[g + 1]; ++j) {
                    const Seq r(r_ids.begin() + r_off[j], r_ids.begin() + r_off[j + 1]);
                    naive_pair(p, r, types, sep, want.data());
                    if (!std::equal(want.begin(), want.end(), out.begin() + j * std::int64_t(n_types) * 3))
                        fail(round == 0 ? "dense kernels differ from the naive reference"
                                        : "bounded-memory kernels differ from the naive reference");
                }
            }
        }
    } catch (const std::invalid_argument&) {
        if (!malformed) fail("valid input rejected");
    }
    Reader ter_in{data, size};  // the same bytes, read afresh
    fuzz_ter_ids(ter_in);
    fuzz_tercom(ter_in);
    Reader edit_in{data, size};
    fuzz_edit_distance(edit_in);
    Reader matrix_in{data, size};
    fuzz_pairwise(matrix_in);
    Reader spans_in{data, size};
    fuzz_sacre_spans(spans_in);
    return 0;
}

#ifdef NGRAMKIT_STANDALONE_DRIVER
#include <chrono>
#include <random>
int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 10.0;
    std::mt19937_64 rng(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1);
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    std::size_t runs = 0;
    std::vector<std::uint8_t> buf;
    while (std::chrono::steady_clock::now() < end) {
        buf.resize(rng() % 600);
        for (auto& b : buf) b = std::uint8_t(rng());
        LLVMFuzzerTestOneInput(buf.data(), buf.size());
        ++runs;
    }
    std::printf("kernels_fuzzer: %zu random inputs in %.0f s (%zu sacrebleu span texts), all checks passed\n", runs,
                seconds, sacre_spans_checked);
    return 0;
}
#endif
