"""ExactMean over consecutive row ranges accumulated apart and merged in any order (what Dask
partitions do) equals ``numpy.mean`` of the whole column, bit for bit; overlapping rows raise."""
from __future__ import annotations

import random

import numpy as np
import pytest

from ngramkit.stats.stream_mean import ExactMean


def _parts(x: np.ndarray, cuts: list[int], rng) -> list[ExactMean]:
    n = x.shape[1]
    parts = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        part = ExactMean(n, x.shape[0], a)
        row = a
        while row < b:  # each range fed in chunks of its own
            stop = min(b, row + int(rng.integers(1, 300)))
            part.add(x[:, row:stop])
            row = stop
        parts.append(part)
    return parts or [ExactMean(n, x.shape[0])]


@pytest.mark.parametrize("seed", range(60))
def test_merged_ranges_equal_numpy_mean(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 40 if seed % 3 == 0 else 3000))
    x = rng.random((2, n)) * 10.0 ** rng.integers(-5, 5, size=(2, n))
    cuts = sorted(set(rng.integers(0, n + 1, size=int(rng.integers(0, 20))).tolist()) | {0, n})
    parts = _parts(x, cuts, rng)
    random.Random(seed).shuffle(parts)
    merged = parts[0]
    for part in parts[1:]:
        merged.merge(part)
    expected = np.array([np.mean(x[0]), np.mean(x[1])]) if n else np.full(2, np.nan)
    assert np.array_equal(merged.mean(), expected, equal_nan=True)


@pytest.mark.parametrize("second", [(3, 4), (0, 5), (200, 10)])
def test_rows_fed_twice_raise(second):
    first = ExactMean(300, 1)
    first.add(np.ones((1, 5)))
    first.add(np.ones((1, 200)))
    other = ExactMean(300, 1, second[0])
    other.add(np.ones((1, second[1])))
    with pytest.raises(ValueError, match="fed twice"):
        first.merge(other)


def test_incomplete_rows_raise():
    part = ExactMean(10, 1, 2)
    part.add(np.ones((1, 8)))
    with pytest.raises(ValueError, match="expected 10"):
        part.mean()


def test_stream_scorers_of_ranges_merge_to_the_whole(dialogsum):
    from ngramkit.pipelines.streaming import StreamScorer

    hyp, refs = dialogsum
    refs = [list(r) for r in zip(*refs)]
    whole = StreamScorer(["rouge", "bleu", "chrf"], len(hyp), {})
    whole.add(hyp, refs)
    cuts = [0, 1, 2, 130, 131, 300, 500]
    parts = []
    for a, b in zip(cuts, cuts[1:]):
        part = StreamScorer(["rouge", "bleu", "chrf"], len(hyp), {"bleu": {"threads": 1}}, first_row=a)
        part.add(hyp[a:b], refs[a:b])
        parts.append(part)
    random.Random(0).shuffle(parts)
    merged = StreamScorer(["rouge", "bleu", "chrf"], len(hyp), {})
    for part in parts:
        merged.merge(part)
    assert merged.summary() == whole.summary()
    with pytest.raises(ValueError, match="fed twice"):
        merged.merge(parts[0])
