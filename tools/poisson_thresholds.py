"""Print csrc/stats/poisson_bootstrap.hpp's kThresholds: floor(2^64 * P(X <= k)) for X ~ Poisson(1), k = 0..19,
with exact rational arithmetic (e^-1 by its alternating series to 60 terms: error < 1/60!)."""
import math
from fractions import Fraction

e_inv = sum(Fraction((-1) ** j, math.factorial(j)) for j in range(60))
cdf = Fraction(0)
for k in range(20):
    cdf += e_inv / math.factorial(k)
    print(f"0x{math.floor(cdf * 2 ** 64):016x}ULL,  // k = {k}")
