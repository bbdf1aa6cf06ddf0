// SPDX-License-Identifier: Apache-2.0
// sacrebleu's tokenizers (13a, intl, zh, char, none), character-for-character.
//
// sacrebleu_tokenize(kind, text, len, out) writes ' '.join(T(line).split()) for the Python str
// `line` whose UTF-8 bytes are text[0..len), where T is sacrebleu 2.x's tokenizer `kind`:
//
//   13a   drop "<skipped>", drop "-\n", "\n" -> " ", then (sequential str.replace, in this order)
//         "&quot;" -> '"', "&amp;" -> '&', "&lt;" -> '<', "&gt;" -> '>'; pad with one space on each
//         side; then the four re.sub passes of TokenizerRegexp:
//           R1 ([{-~[-` -&(-+:-@/])  -> ' \1 '     R2 ([^0-9])([.,]) -> '\1 \2 '
//           R3 ([.,])([^0-9])        -> ' \1 \2'   R4 ([0-9])(-)     -> '\1 \2 '
//   zh    str.strip(); every char of TokenizerZh._is_chinese_char gets a space on each side;
//         then R1..R4 (no <skipped>/entity step, no padding).
//   intl  regex-module passes (\P{N})(\p{P}) -> '\1 \2 ', (\p{P})(\P{N}) -> ' \1 \2',
//         (\p{S}) -> ' \1 '.
//   char  every non-whitespace code point is a token.   none  whitespace split only.
//
// The passes only ever insert spaces, so each is a left-to-right transducer over code points
// with at most one pending code point, and the passes run as one pipeline in a single pass over
// the input. A two-character pattern consumes both characters, exactly as re.sub's
// non-overlapping scan does: after a match the next match starts behind its second character
// (so in R2 "x.," only the '.' is matched; in R3 ".,a" only the '.').
// Output is valid UTF-8 (surrogates as 3-byte "surrogatepass" sequences); a malformed input byte
// becomes the code point of the same value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "text/unicode_tables.hpp"
#include "text/utf8.hpp"

namespace ngramkit {

enum class SacreTokenizer : int { None = 0, T13a = 1, Intl = 2, Char = 3, Zh = 4 };

namespace sacre_detail {

// Properties of one code point for the regex passes. "Digit" and "Punct" are [0-9] and [.,] for
// 13a/zh, \p{N} and \p{P} for intl; "Pad" is R1's class (plus zh's Chinese chars) or intl's \p{S}.
enum : std::uint8_t { kDigit = 1, kPunct = 2, kHyphen = 4, kPad = 8, kSpace = 16 };

struct Unit {
    std::uint32_t cp;
    std::uint8_t flags;
};

constexpr Unit kSpaceUnit{0x20, kSpace};

struct AsciiTables {
    std::uint8_t t13a[128] = {};
    std::uint8_t intl[128] = {};
};

inline const AsciiTables& ascii_tables() {
    static const AsciiTables tables = [] {
        AsciiTables t;
        for (std::uint32_t c = 0; c < 128; ++c) {
            std::uint8_t f = is_python_space(c) ? kSpace : 0;
            std::uint8_t g = f;
            if (c >= '0' && c <= '9') f |= kDigit;
            if (c == '.' || c == ',') f |= kPunct;
            if (c == '-') f |= kHyphen;
            if ((c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') || (c >= '(' && c <= '+') ||
                (c >= ':' && c <= '@') || c == '/')
                f |= kPad;
            switch (intl_class(c)) {
                case kIntlNumber: g |= kDigit; break;
                case kIntlPunct: g |= kPunct; break;
                case kIntlSymbol: g |= kPad; break;
                default: break;
            }
            t.t13a[c] = f;
            t.intl[c] = g;
        }
        return t;
    }();
    return tables;
}

inline std::uint8_t flags_13a(std::uint32_t cp) {
    return cp < 128 ? ascii_tables().t13a[cp] : (is_python_space(cp) ? kSpace : 0);
}

inline std::uint8_t flags_zh(std::uint32_t cp) {
    return cp < 128 ? ascii_tables().t13a[cp] : is_python_space(cp) ? kSpace : is_zh_chinese(cp) ? kPad : 0;
}

inline std::uint8_t flags_intl(std::uint32_t cp) {
    if (cp < 128) return ascii_tables().intl[cp];
    switch (intl_class(cp)) {
        case kIntlNumber: return kDigit;
        case kIntlPunct: return kPunct;
        case kIntlSymbol: return kPad;
        default: return is_python_space(cp) ? kSpace : 0;
    }
}

// Python's ' '.join(s.split()) over the units it receives.
class Joiner {
public:
    explicit Joiner(std::string& out) : out_(out) {}
    void push(Unit u) {
        if (u.flags & kSpace) {
            gap_ = true;
            return;
        }
        if (gap_ && !out_.empty()) out_.push_back(' ');
        gap_ = false;
        append_utf8(out_, u.cp);
    }
    void finish() {}

private:
    std::string& out_;
    bool gap_ = false;
};

// (\Pad) -> ' \1 '
template <class Next>
class PadPass {
public:
    explicit PadPass(Next& next) : next_(next) {}
    void push(Unit u) {
        if (u.flags & kPad) {
            next_.push(kSpaceUnit);
            next_.push(u);
            next_.push(kSpaceUnit);
        } else {
            next_.push(u);
        }
    }
    void finish() { next_.finish(); }

private:
    Next& next_;
};

// re.sub over a two-character pattern (A)(B), A matching when (flags & a_mask) == a_want and B
// likewise. kSpaceFirst selects the replacement ' \1 \2' instead of '\1 \2 '.
template <class Next, std::uint8_t AMask, std::uint8_t AWant, std::uint8_t BMask, std::uint8_t BWant, bool kSpaceFirst>
class PairPass {
public:
    explicit PairPass(Next& next) : next_(next) {}
    void push(Unit u) {
        if (have_ && (pending_.flags & AMask) == AWant && (u.flags & BMask) == BWant) {
            if (kSpaceFirst) next_.push(kSpaceUnit);
            next_.push(pending_);
            next_.push(kSpaceUnit);
            next_.push(u);
            if (!kSpaceFirst) next_.push(kSpaceUnit);
            have_ = false;  // both characters consumed
            return;
        }
        if (have_) next_.push(pending_);
        pending_ = u;
        have_ = true;
    }
    void finish() {
        if (have_) next_.push(pending_);
        have_ = false;
        next_.finish();
    }

private:
    Next& next_;
    Unit pending_{0, 0};
    bool have_ = false;
};

template <class Next>
using NonDigitThenPunct = PairPass<Next, kDigit, 0, kPunct, kPunct, false>;  // R2 / intl pass 1
template <class Next>
using PunctThenNonDigit = PairPass<Next, kPunct, kPunct, kDigit, 0, true>;   // R3 / intl pass 2
template <class Next>
using DigitThenHyphen = PairPass<Next, kDigit, kDigit, kHyphen, kHyphen, false>;  // R4

template <class Sink, class Flags>
inline void feed(Sink& sink, const char* text, std::size_t len, Flags flags) {
    std::size_t i = 0;
    while (i < len) {
        const std::uint32_t cp = decode_utf8(text, len, i);
        sink.push(Unit{cp, flags(cp)});
    }
}

// R1..R4 then split/join; `pad_ends` adds 13a's surrounding spaces.
template <class Flags>
inline void run_regexp_passes(const char* text, std::size_t len, bool pad_ends, Flags flags, std::string& out) {
    Joiner join(out);
    DigitThenHyphen<Joiner> r4(join);
    PunctThenNonDigit<DigitThenHyphen<Joiner>> r3(r4);
    NonDigitThenPunct<PunctThenNonDigit<DigitThenHyphen<Joiner>>> r2(r3);
    PadPass<NonDigitThenPunct<PunctThenNonDigit<DigitThenHyphen<Joiner>>>> r1(r2);
    if (pad_ends) r1.push(kSpaceUnit);
    feed(r1, text, len, flags);
    if (pad_ends) r1.push(kSpaceUnit);
    r1.finish();
}

inline void replace_all(std::string& s, const char* needle, const char* repl) {
    const std::size_t n = std::strlen(needle);
    std::size_t pos = s.find(needle);
    if (pos == std::string::npos) return;
    std::string r;
    r.reserve(s.size());
    std::size_t from = 0;
    for (; pos != std::string::npos; pos = s.find(needle, from)) {
        r.append(s, from, pos - from);
        r.append(repl);
        from = pos + n;
    }
    r.append(s, from, std::string::npos);
    s.swap(r);
}

inline void tokenize_13a(const char* text, std::size_t len, std::string& out) {
    bool special = false;
    for (std::size_t i = 0; i < len && !special; ++i) special = text[i] == '<' || text[i] == '&' || text[i] == '\n';
    if (!special) {
        run_regexp_passes(text, len, true, flags_13a, out);
        return;
    }
    std::string line(text, len);
    replace_all(line, "<skipped>", "");
    replace_all(line, "-\n", "");
    replace_all(line, "\n", " ");
    replace_all(line, "&quot;", "\"");
    replace_all(line, "&amp;", "&");
    replace_all(line, "&lt;", "<");
    replace_all(line, "&gt;", ">");
    run_regexp_passes(line.data(), line.size(), true, flags_13a, out);
}

inline void tokenize_zh(const char* text, std::size_t len, std::string& out) {
    std::size_t begin = 0;
    while (begin < len) {
        std::size_t next = begin;
        if (!is_python_space(decode_utf8(text, len, next))) break;
        begin = next;
    }
    const std::size_t n = python_rstrip_length(text + begin, len - begin);
    run_regexp_passes(text + begin, n, false, flags_zh, out);
}

inline void tokenize_intl(const char* text, std::size_t len, std::string& out) {
    Joiner join(out);
    PadPass<Joiner> symbols(join);
    PunctThenNonDigit<PadPass<Joiner>> p2(symbols);
    NonDigitThenPunct<PunctThenNonDigit<PadPass<Joiner>>> p1(p2);
    feed(p1, text, len, flags_intl);
    p1.finish();
}

inline void tokenize_char(const char* text, std::size_t len, std::string& out) {
    std::size_t i = 0;
    while (i < len) {
        const std::uint32_t cp = decode_utf8(text, len, i);
        if (is_python_space(cp)) continue;
        if (!out.empty()) out.push_back(' ');
        append_utf8(out, cp);
    }
}

inline void tokenize_none(const char* text, std::size_t len, std::string& out) {
    Joiner join(out);
    feed(join, text, len, [](std::uint32_t cp) -> std::uint8_t { return is_python_space(cp) ? kSpace : 0; });
}

}  // namespace sacre_detail

// Clears `out`, then writes ' '.join(T(text).split()) for sacrebleu's tokenizer T = `kind`.
inline void sacrebleu_tokenize(SacreTokenizer kind, const char* text, std::size_t len, std::string& out) {
    out.clear();
    switch (kind) {
        case SacreTokenizer::None: sacre_detail::tokenize_none(text, len, out); break;
        case SacreTokenizer::T13a: sacre_detail::tokenize_13a(text, len, out); break;
        case SacreTokenizer::Intl: sacre_detail::tokenize_intl(text, len, out); break;
        case SacreTokenizer::Char: sacre_detail::tokenize_char(text, len, out); break;
        case SacreTokenizer::Zh: sacre_detail::tokenize_zh(text, len, out); break;
    }
}

}  // namespace ngramkit
