// SPDX-License-Identifier: Apache-2.0
// Test driver of csrc/metrics/edit_distance.hpp without Python (so it can run under sanitizers):
// reads pairs of lines (reference ids, then hypothesis ids, space separated) from stdin and prints
// one line per pair: "type src_begin src_end dest_begin dest_end" per opcode, ';'-separated, then
// '|' and the counts "hits subs dels ins". One Aligner serves every pair (buffer reuse).
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "metrics/edit_distance.hpp"

static std::vector<std::int32_t> parse(const std::string& line) {
    std::vector<std::int32_t> ids;
    std::istringstream in(line);
    for (std::int32_t x; in >> x;) ids.push_back(x);
    return ids;
}

int main() {
    ngramkit::edit::Aligner aligner;
    std::string ref_line, hyp_line;
    while (std::getline(std::cin, ref_line) && std::getline(std::cin, hyp_line)) {
        const auto ref = parse(ref_line), hyp = parse(hyp_line);
        const auto ops = aligner.opcodes(ref.data(), ref.size(), hyp.data(), hyp.size());
        for (const auto& op : ops)
            std::cout << static_cast<int>(op.type) << ' ' << op.src_begin << ' ' << op.src_end << ' '
                      << op.dest_begin << ' ' << op.dest_end << ';';
        const auto c = aligner.counts(ref.data(), ref.size(), hyp.data(), hyp.size());
        std::cout << '|' << c.hits << ' ' << c.substitutions << ' ' << c.deletions << ' ' << c.insertions << '\n';
    }
    return 0;
}
