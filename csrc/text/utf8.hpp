// SPDX-License-Identifier: Apache-2.0
// UTF-8 decoding and Python's notion of whitespace (str.split() / str.strip() with no argument).
//
// Text reaches the kernels as the UTF-8 bytes of Python str objects; lone surrogates arrive as
// 3-byte "surrogatepass" sequences (U+D800..U+DFFF). The decoder never reads past `len` and
// never fails: a byte that does not start a well-formed sequence decodes to itself as one code
// point (so arbitrary bytes from a fuzzer are still handled without undefined behaviour).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ngramkit {

// Decodes the code point at text[i] and advances i past it (1..4 bytes). Requires i < len.
inline std::uint32_t decode_utf8(const char* text, std::size_t len, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    auto cont = [&](std::size_t k) -> int {
        if (i + k >= len) return -1;
        const auto b = static_cast<unsigned char>(text[i + k]);
        return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
    };
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        const int c1 = cont(1);
        if (c1 >= 0) {
            i += 2;
            return (std::uint32_t(b0 & 0x1F) << 6) | std::uint32_t(c1);
        }
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        const int c1 = cont(1), c2 = c1 >= 0 ? cont(2) : -1;
        if (c2 >= 0) {
            const std::uint32_t cp = (std::uint32_t(b0 & 0x0F) << 12) | (std::uint32_t(c1) << 6) | std::uint32_t(c2);
            if (cp >= 0x800) {
                i += 3;
                return cp;
            }
        }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        const int c1 = cont(1), c2 = c1 >= 0 ? cont(2) : -1, c3 = c2 >= 0 ? cont(3) : -1;
        if (c3 >= 0) {
            const std::uint32_t cp = (std::uint32_t(b0 & 0x07) << 18) | (std::uint32_t(c1) << 12) |
                                     (std::uint32_t(c2) << 6) | std::uint32_t(c3);
            if (cp >= 0x10000 && cp <= 0x10FFFF) {
                i += 4;
                return cp;
            }
        }
    }
    ++i;  // malformed: the byte stands for itself
    return b0;
}

// Appends the UTF-8 encoding of cp (surrogates encoded as 3 bytes, as "surrogatepass" does).
template <class String>
inline void append_utf8(String& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// Python's str.isspace() for one code point (Py_UNICODE_ISSPACE): the 29 code points that
// str.split(), str.strip() and str.rstrip() treat as whitespace. Not U+200B, U+FEFF or U+180E.
inline bool is_python_space(std::uint32_t cp) {
    if (cp <= 0x20) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
    if (cp < 0x85) return false;
    switch (cp) {
        case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
        case 0x3000:
            return true;
        default:
            return cp >= 0x2000 && cp <= 0x200A;
    }
}

// python_rstrip_length by a forward scan: the reference for malformed UTF-8.
inline std::size_t python_rstrip_length_forward(const char* text, std::size_t len) {
    std::size_t end = 0, i = 0;
    while (i < len) {
        const std::uint32_t cp = decode_utf8(text, len, i);
        if (!is_python_space(cp)) end = i;
    }
    return end;
}

// Length in bytes of text after Python's str.rstrip() (no argument): scans back from the end
// (well-formed UTF-8; a malformed tail falls back to the forward scan).
inline std::size_t python_rstrip_length(const char* text, std::size_t len) {
    std::size_t end = len;
    while (end > 0) {
        std::size_t start = end - 1;
        const auto last = static_cast<unsigned char>(text[start]);
        if (last < 0x80) {
            if (!is_python_space(last)) break;
            end = start;
            continue;
        }
        // the code point ending at `end`: back over at most 3 continuation bytes to its lead byte
        while (start > 0 && end - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
        std::size_t i = start;
        const std::uint32_t cp = decode_utf8(text, end, i);
        if (i != end) return python_rstrip_length_forward(text, len);
        if (!is_python_space(cp)) break;
        end = start;
    }
    return end;
}

// Leading and trailing Python whitespace removed (str.strip()): [begin, end) byte range.
inline void python_strip(const char* s, std::size_t len, std::size_t& begin, std::size_t& end) {
    end = python_rstrip_length(s, len);
    begin = 0;
    while (begin < end) {
        std::size_t i = begin;
        if (!is_python_space(decode_utf8(s, end, i))) break;
        begin = i;
    }
}

}  // namespace ngramkit
