// TEMPORARY STUB (not committed): helper-1 provides the real file.
#pragma once
#include <string>
#include <cstddef>
#include "text/utf8.hpp"
namespace ngramkit {
enum class SacreTokenizer : int { None = 0, T13a = 1, Intl = 2, Char = 3, Zh = 4 };
inline void sacrebleu_tokenize(SacreTokenizer, const char* text, std::size_t len, std::string& out) {
    out.clear();
    std::size_t i = 0; bool in_tok = false;
    while (i < len) { std::size_t s = i; std::uint32_t cp = decode_utf8(text, len, i);
        if (is_python_space(cp)) { in_tok = false; continue; }
        if (!in_tok && !out.empty()) out.push_back(' ');
        in_tok = true; out.append(text + s, i - s); }
}
}
