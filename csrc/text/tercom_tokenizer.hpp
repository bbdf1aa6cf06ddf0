// SPDX-License-Identifier: Apache-2.0
// sacrebleu 2.x's TercomTokenizer (tokenizers/tokenizer_ter.py), character-for-character, for
// TER. tercom_tokenize(text, len, options, out) writes ' '.join(T(line).split()) for the Python
// str `line` whose UTF-8 bytes are text[0..len); the caller lowercases first (case_sensitive off)
// and passes the text after str.rstrip() (sacrebleu's _preprocess_segment).
//
//   normalized  drop "\n-", "\n" -> " ", then the sequential replacements "&quot;" -> '"',
//               "&amp;" -> '&', "&lt;" -> '<', "&gt;" -> '>'; pad with one space on each side;
//               ([{-~[-` -&(-+:-@/]) -> ' \1 '; "'s " -> " 's " ("'s$" cannot match: the text now
//               ends with a space); ([^0-9])([.,]) -> '\1 \2 '; ([.,])([^0-9]) -> ' \1 \2';
//               ([0-9])(-) -> '\1 \2 '.
//     + asian   every CJK ideograph, stroke, radical, compatibility or enclosed character and
//               every Asian and full-width punctuation mark gets a space on each side. (sacrebleu's
//               three kana passes are anchored at the start of the text, which now starts with a
//               space: they never match.)
//   no_punct    remove [.,?:;!"()]; + asian: remove the Asian and full-width punctuation marks.
//
// Each regex pass is re.sub's non-overlapping left-to-right scan, done here as one pass over code
// points; [0-9] is ASCII. Malformed UTF-8 bytes decode to the code point of the same value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "text/utf8.hpp"

namespace ngramkit {

struct TercomOptions {
    bool normalized = false;
    bool no_punct = false;
    bool asian_support = false;
};

namespace tercom_detail {

using Text = std::vector<std::uint32_t>;

inline bool is_digit(std::uint32_t c) { return c >= '0' && c <= '9'; }

// ([{-~[-` -&(-+:-@/]): { | } ~, [ \ ] ^ _ `, space ! " # $ % &, ( ) * +, : ; < = > ? @, /.
inline bool is_western_pad(std::uint32_t c) {
    return (c >= 0x7B && c <= 0x7E) || (c >= 0x5B && c <= 0x60) || (c >= 0x20 && c <= 0x26) ||
           (c >= 0x28 && c <= 0x2B) || (c >= 0x3A && c <= 0x40) || c == 0x2F;
}

// TercomTokenizer.ASIAN_PUNCT and FULL_WIDTH_PUNCT.
inline bool is_asian_punct(std::uint32_t c) {
    return c == 0x3001 || c == 0x3002 || (c >= 0x3008 && c <= 0x3011) || (c >= 0x3014 && c <= 0x301F) ||
           (c >= 0xFF61 && c <= 0xFF65) || c == 0x30FB || c == 0xFF0E || c == 0xFF0C || c == 0xFF1F ||
           c == 0xFF1A || c == 0xFF1B || c == 0xFF01 || c == 0xFF02 || c == 0xFF08 || c == 0xFF09;
}

// The characters _normalize_asian pads: the union of its single-character passes.
inline bool is_asian_split(std::uint32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x31C0 && c <= 0x31EF) ||
           (c >= 0x2E80 && c <= 0x2EFF) || (c >= 0x3300 && c <= 0x33FF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0x3200 && c <= 0x3F22) || is_asian_punct(c);
}

inline bool is_western_punct(std::uint32_t c) {
    return c == '.' || c == ',' || c == '?' || c == ':' || c == ';' || c == '!' || c == '"' || c == '(' ||
           c == ')';
}

inline bool starts_with(const Text& s, std::size_t i, const char* what) {
    for (std::size_t k = 0; what[k]; ++k)
        if (i + k >= s.size() || s[i + k] != static_cast<unsigned char>(what[k])) return false;
    return true;
}

// str.replace(what, by) (re.sub with a literal pattern): non-overlapping, left to right.
inline void replace_all(Text& s, const char* what, const char* by, Text& scratch) {
    std::size_t what_len = 0;
    while (what[what_len]) ++what_len;
    scratch.clear();
    for (std::size_t i = 0; i < s.size();) {
        if (starts_with(s, i, what)) {
            for (std::size_t k = 0; by[k]; ++k) scratch.push_back(static_cast<unsigned char>(by[k]));
            i += what_len;
        } else {
            scratch.push_back(s[i++]);
        }
    }
    s.swap(scratch);
}

// One two-character pass (first, second) -> prefix first middle second suffix, as re.sub scans.
template <class First, class Second>
void pair_pass(Text& s, First first, Second second, const char* before, const char* middle, const char* after,
               Text& scratch) {
    auto put = [&](const char* spaces) {
        for (std::size_t k = 0; spaces[k]; ++k) scratch.push_back(' ');
    };
    scratch.clear();
    for (std::size_t i = 0; i < s.size();) {
        if (i + 1 < s.size() && first(s[i]) && second(s[i + 1])) {
            put(before);
            scratch.push_back(s[i]);
            put(middle);
            scratch.push_back(s[i + 1]);
            put(after);
            i += 2;
        } else {
            scratch.push_back(s[i++]);
        }
    }
    s.swap(scratch);
}

// Every character c with pad(c) -> " c ".
template <class Pad>
void pad_pass(Text& s, Pad pad, Text& scratch) {
    scratch.clear();
    for (const std::uint32_t c : s) {
        if (pad(c)) {
            scratch.push_back(' ');
            scratch.push_back(c);
            scratch.push_back(' ');
        } else {
            scratch.push_back(c);
        }
    }
    s.swap(scratch);
}

inline void normalize_general_and_western(Text& s, Text& scratch) {
    replace_all(s, "\n-", "", scratch);
    for (auto& c : s)
        if (c == '\n') c = ' ';
    replace_all(s, "&quot;", "\"", scratch);
    replace_all(s, "&amp;", "&", scratch);
    replace_all(s, "&lt;", "<", scratch);
    replace_all(s, "&gt;", ">", scratch);
    s.insert(s.begin(), ' ');
    s.push_back(' ');
    pad_pass(s, is_western_pad, scratch);
    replace_all(s, "'s ", " 's ", scratch);
    auto not_digit = [](std::uint32_t c) { return !is_digit(c); };
    auto period_comma = [](std::uint32_t c) { return c == '.' || c == ','; };
    pair_pass(s, not_digit, period_comma, "", "", " ", scratch);
    pair_pass(s, period_comma, not_digit, " ", " ", "", scratch);
    pair_pass(s, is_digit, [](std::uint32_t c) { return c == '-'; }, "", " ", " ", scratch);
}

}  // namespace tercom_detail

// Reusable buffers of one thread.
struct TercomScratch {
    tercom_detail::Text text, scratch;
};

// ' '.join(T(line).split()) of sacrebleu's TercomTokenizer (see the top of this file) into out.
inline void tercom_tokenize(const char* text, std::size_t len, const TercomOptions& options, TercomScratch& buf,
                            std::string& out) {
    using namespace tercom_detail;
    Text& s = buf.text;
    s.clear();
    for (std::size_t i = 0; i < len;) s.push_back(decode_utf8(text, len, i));
    if (options.normalized) {
        normalize_general_and_western(s, buf.scratch);
        if (options.asian_support) pad_pass(s, is_asian_split, buf.scratch);
    }
    out.clear();
    bool gap = false;
    for (const std::uint32_t c : s) {
        if (options.no_punct && (is_western_punct(c) || (options.asian_support && is_asian_punct(c)))) continue;
        if (is_python_space(c)) {
            gap = true;
            continue;
        }
        if (gap && !out.empty()) out.push_back(' ');
        gap = false;
        append_utf8(out, c);
    }
}

}  // namespace ngramkit
