// porter_stemmer.hpp -- header-only Porter stemmer for ngramkit.
//
// Behaviour target: NLTK 3.10.4 `nltk.stem.porter.PorterStemmer()` in its
// default NLTK_EXTENSIONS mode, `.stem(word)` with to_lowercase=True, for any
// ASCII input (A-Z is folded to a-z, as NLTK's str.lower() does for ASCII).
// Non-ASCII bytes are outside the contract (NLTK works on code points).
//
// Implementation notes
//  * The stem is never longer than the input word (every rewrite removes at
//    least as many characters as it adds), so the word is copied once into
//    the tail of `out` and rewritten in place there; no other allocation.
//  * "Consonant" follows Porter: anything that is not a/e/i/o/u, except that
//    'y' is a consonant at the start of the word or after a vowel, and a vowel
//    after a consonant.  Digits are consonants.
//  * Rule lists are "first suffix that matches decides": if the first matching
//    suffix fails its condition, the word is left unchanged by that step.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace ngramkit {
namespace porter_detail {

inline bool plain_vowel(char c) noexcept {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

// Is s[i] a consonant (in the Porter sense)?  A run of 'y's alternates
// consonant/vowel status, anchored at the first character before the run
// (or at a leading 'y', which is a consonant).
inline bool consonant_at(const char* s, std::size_t i) noexcept {
    const char c = s[i];
    if (plain_vowel(c)) return false;
    if (c != 'y') return true;
    bool flip = false;
    while (i > 0 && s[i] == 'y') {
        flip = !flip;
        --i;
    }
    return (!plain_vowel(s[i])) != flip;
}

// Porter's measure m of s[0, n): the number of vowel->consonant transitions.
inline int measure(const char* s, std::size_t n) noexcept {
    int m = 0;
    bool prev_cons = true;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[i];
        bool cons;
        if (plain_vowel(c)) {
            cons = false;
        } else if (c == 'y') {
            cons = (i == 0) ? true : !prev_cons;
        } else {
            cons = true;
        }
        if (i > 0 && cons && !prev_cons) ++m;
        prev_cons = cons;
    }
    return m;
}

// *v* : does s[0, n) contain a vowel?
// Scanning left to right, every character before the first vowel is a
// consonant, so any 'y' after position 0 is reached only after a consonant and
// is therefore itself the first vowel.
inline bool has_vowel(const char* s, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[i];
        if (plain_vowel(c) || (c == 'y' && i > 0)) return true;
    }
    return false;
}

// *d : s[0, n) ends with two equal consonants.
inline bool double_consonant_end(const char* s, std::size_t n) noexcept {
    return n >= 2 && s[n - 1] == s[n - 2] && consonant_at(s, n - 1);
}

// *o : s[0, n) ends consonant-vowel-consonant with the last not w/x/y; NLTK
// additionally accepts a two-letter vowel-consonant word (any consonant).
inline bool cvc_end(const char* s, std::size_t n) noexcept {
    if (n >= 3) {
        const char last = s[n - 1];
        return consonant_at(s, n - 3) && !consonant_at(s, n - 2) &&
               consonant_at(s, n - 1) && last != 'w' && last != 'x' &&
               last != 'y';
    }
    if (n == 2) return !consonant_at(s, 0) && consonant_at(s, 1);
    return false;
}

// Suffixes are short and most candidates fail on the last letter, so a
// backwards byte loop beats a memcmp call here.
inline bool ends_with(const char* s, std::size_t n, std::string_view suf) noexcept {
    std::size_t k = suf.size();
    if (n < k) return false;
    const char* p = s + n;
    while (k > 0) {
        if (*--p != suf[--k]) return false;
    }
    return true;
}

enum class Cond : unsigned char {
    MGt0,     // m(stem) > 0
    MGt1,     // m(stem) > 1
    LogiMGt0, // m(stem + one more char) > 0  (NLTK's 'logi' rule keeps the 'l')
    IonST,    // m(stem) > 1 and stem ends in 's' or 't'
};

struct Rule {
    std::string_view suffix;
    std::string_view repl;  // never longer than suffix
    Cond cond;
};

inline bool cond_holds(Cond c, const char* s, std::size_t stem_len) noexcept {
    switch (c) {
        case Cond::MGt0: return measure(s, stem_len) > 0;
        case Cond::MGt1: return measure(s, stem_len) > 1;
        case Cond::LogiMGt0: return measure(s, stem_len + 1) > 0;
        case Cond::IonST:
            return measure(s, stem_len) > 1 &&
                   (s[stem_len - 1] == 's' || s[stem_len - 1] == 't');
    }
    return false;
}

// Apply the first rule whose suffix matches; if its condition fails the word
// is left untouched (later rules are not tried).
template <std::size_t N>
inline void apply_first(char* s, std::size_t& n, const Rule (&rules)[N]) noexcept {
    for (const Rule& r : rules) {
        if (!ends_with(s, n, r.suffix)) continue;
        const std::size_t stem_len = n - r.suffix.size();
        if (cond_holds(r.cond, s, stem_len)) {
            if (!r.repl.empty()) std::memcpy(s + stem_len, r.repl.data(), r.repl.size());
            n = stem_len + r.repl.size();
        }
        return;
    }
}

// Words NLTK maps directly, before any length check or suffix stripping.
inline bool irregular(const char* s, std::size_t n, std::string_view& result) noexcept {
    struct Entry { std::string_view form, stem; };
    static constexpr Entry kTable[] = {
        {"sky", "sky"},         {"skies", "sky"},       {"dying", "die"},
        {"lying", "lie"},       {"tying", "tie"},       {"news", "news"},
        {"innings", "inning"},  {"inning", "inning"},   {"outings", "outing"},
        {"outing", "outing"},   {"cannings", "canning"}, {"canning", "canning"},
        {"howe", "howe"},       {"proceed", "proceed"}, {"exceed", "exceed"},
        {"succeed", "succeed"},
    };
    if (n < 3 || n > 8) return false;
    for (const Entry& e : kTable) {
        if (e.form.size() == n && e.form[0] == s[0] && ends_with(s, n, e.form)) {
            result = e.stem;
            return true;
        }
    }
    return false;
}

inline void step1a(char* s, std::size_t& n) noexcept {
    if (n == 4 && ends_with(s, n, "ies")) {  // e.g. "ties" -> "tie"
        n = 3;
        return;
    }
    if (ends_with(s, n, "sses")) n -= 2;
    else if (ends_with(s, n, "ies")) n -= 2;
    else if (ends_with(s, n, "ss")) {}
    else if (ends_with(s, n, "s")) n -= 1;
}

inline void step1b(char* s, std::size_t& n) noexcept {
    if (ends_with(s, n, "ied")) {  // "died" -> "die", "spied" -> "spi"
        n -= (n == 4) ? 1 : 2;
        return;
    }
    if (ends_with(s, n, "eed")) {
        if (measure(s, n - 3) > 0) n -= 1;
        return;
    }
    if (ends_with(s, n, "ed") && has_vowel(s, n - 2)) {
        n -= 2;
    } else if (ends_with(s, n, "ing") && has_vowel(s, n - 3)) {
        n -= 3;
    } else {
        return;
    }
    // Clean-up after removing -ed / -ing.  At least two characters were
    // removed, so appending one 'e' stays inside the buffer.
    if (ends_with(s, n, "at") || ends_with(s, n, "bl") || ends_with(s, n, "iz")) {
        s[n++] = 'e';
    } else if (double_consonant_end(s, n)) {
        const char last = s[n - 1];
        if (last != 'l' && last != 's' && last != 'z') n -= 1;
    } else if (measure(s, n) == 1 && cvc_end(s, n)) {
        s[n++] = 'e';
    }
}

inline void step1c(char* s, std::size_t& n) noexcept {
    // y -> i when preceded by a consonant that is not the whole stem.
    if (n > 2 && s[n - 1] == 'y' && consonant_at(s, n - 2)) s[n - 1] = 'i';
}

// Steps 2-4 are ordered rule lists.  Rules ending in different letters can
// never both match one word, so each list is split by the suffix's final
// letter (keeping the original order inside each group) and only the group
// for the word's last letter is scanned.

inline void step2(char* s, std::size_t& n) noexcept {
    // NLTK tries -alli -> -al first; the result (ending in -al) then goes
    // through the ordinary list below.
    if (ends_with(s, n, "alli") && measure(s, n - 4) > 0) n -= 2;
    if (n == 0) return;
    static constexpr Rule kL[] = {
        {"ational", "ate", Cond::MGt0}, {"tional", "tion", Cond::MGt0},
    };
    static constexpr Rule kI[] = {
        {"enci", "ence", Cond::MGt0},  {"anci", "ance", Cond::MGt0},
        {"bli", "ble", Cond::MGt0},    {"alli", "al", Cond::MGt0},
        {"entli", "ent", Cond::MGt0},  {"eli", "e", Cond::MGt0},
        {"ousli", "ous", Cond::MGt0},  {"aliti", "al", Cond::MGt0},
        {"iviti", "ive", Cond::MGt0},  {"biliti", "ble", Cond::MGt0},
        {"fulli", "ful", Cond::MGt0},  {"logi", "log", Cond::LogiMGt0},
    };
    static constexpr Rule kR[] = {
        {"izer", "ize", Cond::MGt0}, {"ator", "ate", Cond::MGt0},
    };
    static constexpr Rule kN[] = {
        {"ization", "ize", Cond::MGt0}, {"ation", "ate", Cond::MGt0},
    };
    static constexpr Rule kM[] = {
        {"alism", "al", Cond::MGt0},
    };
    static constexpr Rule kS[] = {
        {"iveness", "ive", Cond::MGt0}, {"fulness", "ful", Cond::MGt0},
        {"ousness", "ous", Cond::MGt0},
    };
    switch (s[n - 1]) {
        case 'l': apply_first(s, n, kL); break;
        case 'i': apply_first(s, n, kI); break;
        case 'r': apply_first(s, n, kR); break;
        case 'n': apply_first(s, n, kN); break;
        case 'm': apply_first(s, n, kM); break;
        case 's': apply_first(s, n, kS); break;
        default: break;
    }
}

inline void step3(char* s, std::size_t& n) noexcept {
    if (n == 0) return;
    static constexpr Rule kE[] = {
        {"icate", "ic", Cond::MGt0}, {"ative", "", Cond::MGt0},
        {"alize", "al", Cond::MGt0},
    };
    static constexpr Rule kI[] = {
        {"iciti", "ic", Cond::MGt0},
    };
    static constexpr Rule kL[] = {
        {"ical", "ic", Cond::MGt0}, {"ful", "", Cond::MGt0},
    };
    static constexpr Rule kS[] = {
        {"ness", "", Cond::MGt0},
    };
    switch (s[n - 1]) {
        case 'e': apply_first(s, n, kE); break;
        case 'i': apply_first(s, n, kI); break;
        case 'l': apply_first(s, n, kL); break;
        case 's': apply_first(s, n, kS); break;
        default: break;
    }
}

inline void step4(char* s, std::size_t& n) noexcept {
    if (n == 0) return;
    static constexpr Rule kL[] = {{"al", "", Cond::MGt1}};
    static constexpr Rule kE[] = {
        {"ance", "", Cond::MGt1}, {"ence", "", Cond::MGt1},
        {"able", "", Cond::MGt1}, {"ible", "", Cond::MGt1},
        {"ate", "", Cond::MGt1},  {"ive", "", Cond::MGt1},
        {"ize", "", Cond::MGt1},
    };
    static constexpr Rule kR[] = {{"er", "", Cond::MGt1}};
    static constexpr Rule kC[] = {{"ic", "", Cond::MGt1}};
    static constexpr Rule kT[] = {
        {"ant", "", Cond::MGt1},  {"ement", "", Cond::MGt1},
        {"ment", "", Cond::MGt1}, {"ent", "", Cond::MGt1},
    };
    static constexpr Rule kN[] = {{"ion", "", Cond::IonST}};
    static constexpr Rule kU[] = {{"ou", "", Cond::MGt1}};
    static constexpr Rule kM[] = {{"ism", "", Cond::MGt1}};
    static constexpr Rule kI[] = {{"iti", "", Cond::MGt1}};
    static constexpr Rule kS[] = {{"ous", "", Cond::MGt1}};
    switch (s[n - 1]) {
        case 'l': apply_first(s, n, kL); break;
        case 'e': apply_first(s, n, kE); break;
        case 'r': apply_first(s, n, kR); break;
        case 'c': apply_first(s, n, kC); break;
        case 't': apply_first(s, n, kT); break;
        case 'n': apply_first(s, n, kN); break;
        case 'u': apply_first(s, n, kU); break;
        case 'm': apply_first(s, n, kM); break;
        case 'i': apply_first(s, n, kI); break;
        case 's': apply_first(s, n, kS); break;
        default: break;
    }
}

inline void step5(char* s, std::size_t& n) noexcept {
    if (n > 0 && s[n - 1] == 'e') {
        const int m = measure(s, n - 1);
        if (m > 1 || (m == 1 && !cvc_end(s, n - 1))) n -= 1;
    }
    if (ends_with(s, n, "ll") && measure(s, n - 1) > 1) n -= 1;
}

}  // namespace porter_detail

// Stem one lowercase ASCII word exactly as NLTK's PorterStemmer() (NLTK_EXTENSIONS mode) does.
// Appends the stem to `out` (out is NOT cleared first).
inline void porter_stem(const char* word, std::size_t len, std::string& out) {
    namespace d = porter_detail;
    if (len == 0) return;
    const std::size_t base = out.size();
    out.append(word, len);
    char* s = &out[base];
    for (std::size_t i = 0; i < len; ++i) {
        if (s[i] >= 'A' && s[i] <= 'Z') s[i] = static_cast<char>(s[i] - 'A' + 'a');
    }

    std::string_view irregular_stem;
    if (d::irregular(s, len, irregular_stem)) {
        // Stem is never longer than the form, so it fits in place.
        std::memcpy(s, irregular_stem.data(), irregular_stem.size());
        out.resize(base + irregular_stem.size());
        return;
    }
    if (len <= 2) return;

    std::size_t n = len;
    d::step1a(s, n);
    d::step1b(s, n);
    d::step1c(s, n);
    d::step2(s, n);
    d::step3(s, n);
    d::step4(s, n);
    d::step5(s, n);
    out.resize(base + n);
}

inline std::string porter_stem(std::string_view word) {
    std::string s;
    porter_stem(word.data(), word.size(), s);
    return s;
}

}  // namespace ngramkit
