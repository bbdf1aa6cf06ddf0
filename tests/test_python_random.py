"""stats.python_random: numpy's MT19937 twin draws exactly what random.Random(seed).choices draws
(the lm-eval bootstrap relies on it), for any n, seed and block size; a mismatch falls back."""
from __future__ import annotations

import random

import numpy as np
import pytest

from ngramkit.stats import python_random


@pytest.mark.parametrize("n", [1, 2, 7, 1000, 2**20 + 3])
@pytest.mark.parametrize("seed", [0, 1, 999])
def test_indices_equal_random_choices(n, seed):
    resamples = 3 if n > 10_000 else 40
    rng = random.Random(seed)
    want = [rng.choices(range(n), k=n) for _ in range(resamples)]
    got = np.concatenate(list(python_random.resample_indices(seed, n, resamples, batch=7)))
    assert got.shape == (resamples, n) and got.dtype == np.int64
    assert got.tolist() == want


def test_falls_back_to_python_when_the_twin_differs(monkeypatch):
    monkeypatch.setattr(python_random, "_draw", lambda generator, rows, n: np.zeros((rows, n), np.int64))
    rng = random.Random(5)
    want = [rng.choices(range(50), k=50) for _ in range(4)]
    assert np.concatenate(list(python_random.resample_indices(5, 50, 4))).tolist() == want
