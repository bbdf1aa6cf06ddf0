"""The indices ``random.Random(seed).choices(range(n), k=n)`` draws, many resamples at a time.

CPython's ``random.Random`` is MT19937: ``random()`` takes two 32-bit outputs ``a, b`` and returns
``((a >> 5) * 67108864.0 + (b >> 6)) / 2**53``; ``choices`` without weights picks
``floor(random() * n)``. numpy's ``MT19937`` bit generator, given the same 624-word state, yields
the same 32-bit outputs (``random_raw``), so the same float operations in numpy give the same
indices as the Python loop, vectorized. :func:`resample_indices` checks its first draws against
``random.Random`` itself and falls back to the Python loop if they ever differ.
"""
from __future__ import annotations

import random
from typing import Iterator

import numpy as np

_TWO_26 = 67108864.0
_INV_TWO_53 = 1.0 / 9007199254740992.0


def _numpy_twin(seed: int) -> np.random.MT19937:
    _, internal, _ = random.Random(seed).getstate()
    generator = np.random.MT19937()
    generator.state = {"bit_generator": "MT19937",
                       "state": {"key": np.array(internal[:624], dtype=np.uint32), "pos": internal[624]}}
    return generator


def _draw(generator: np.random.MT19937, rows: int, n: int) -> np.ndarray:
    raw = generator.random_raw(2 * rows * n)
    a = (raw[0::2] >> np.uint64(5)).astype(np.float64)
    b = (raw[1::2] >> np.uint64(6)).astype(np.float64)
    return np.floor((a * _TWO_26 + b) * _INV_TWO_53 * float(n)).astype(np.int64).reshape(rows, n)


def resample_indices(seed: int, n: int, resamples: int, batch: int = 64) -> Iterator[np.ndarray]:
    """Blocks of int64 indices (rows, n), ``resamples`` rows in all: row ``j`` is what the ``j``-th
    call of ``rng.choices(range(n), k=n)`` returns for ``rng = random.Random(seed)``."""
    generator = _numpy_twin(seed)
    probe = random.Random(seed).choices(range(n), k=min(n, 16))
    done = 0
    while done < resamples:
        rows = min(batch, resamples - done)
        block = _draw(generator, rows, n)
        if done == 0 and block[0, :len(probe)].tolist() != probe:  # never seen; keep exactness regardless
            yield from _python_indices(seed, n, resamples)
            return
        done += rows
        yield block


def _python_indices(seed: int, n: int, resamples: int) -> Iterator[np.ndarray]:
    rng = random.Random(seed)
    for _ in range(resamples):
        yield np.array(rng.choices(range(n), k=n), dtype=np.int64)[None, :]
