// Standalone check of csrc/stats/poisson_bootstrap.hpp (run under ASan + UBSan):
//   g++ -std=c++17 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -Icsrc tests/fuzz/poisson_bootstrap_check.cpp -pthread
// Random shapes (including k = 0, m = 0, n = 0): 1 vs 3 threads equal, weight sums equal weight().
#include "stats/poisson_bootstrap.hpp"
#include <cstdio>
#include <random>
using namespace ngramkit::poisson_bootstrap;
int main() {
    std::mt19937_64 g(1);
    for (int trial = 0; trial < 20; ++trial) {
        const std::size_t n = g() % 700, k = g() % 5, m = g() % 4, B = 1 + g() % 9;
        std::vector<std::int64_t> s(n * k); std::vector<double> v(n * m);
        for (auto& x : s) x = static_cast<std::int64_t>(g() % 100000);
        for (auto& x : v) x = (static_cast<double>(g() % 2000001) - 1000000.0) / 1000000.0;
        Inputs in{g() % 1000, n, s.data(), k, v.data(), m, g(), B};
        validate(in);
        std::vector<std::int64_t> s1(B * k), s2(B * k), w1(B), w2(B);
        std::vector<std::uint64_t> v1(B * m * 2), v2(B * m * 2);
        resample_sums(in, {s1.data(), v1.data(), w1.data()}, 1);
        resample_sums(in, {s2.data(), v2.data(), w2.data()}, 3);
        if (s1 != s2 || v1 != v2 || w1 != w2) { std::puts("thread mismatch"); return 1; }
        for (std::size_t r = 0; r < B; ++r) {
            std::int64_t tw = 0;
            for (std::size_t i = 0; i < n; ++i) tw += weight(in.seed, r, in.first_row + i);
            if (tw != w1[r]) { std::puts("weight mismatch"); return 1; }
        }
    }
    std::puts("ok");
}
