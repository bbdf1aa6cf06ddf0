"""Bootstrap confidence intervals: ngramkit.bootstrap and the drop-in rouge_score.scoring.

The reference is rouge-score 0.1.2 itself (``rouge_score.scoring.BootstrapAggregator``),
called on the same inputs with the same global NumPy RNG state: ``method="rouge_score"``
and the compat aggregator must reproduce it exactly (``==``), and leave the global RNG in
the same state. ``method="fast"`` (compiled kernel, own RNG) is checked for reproducibility,
thread independence and statistical agreement.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ngramkit.stats.bootstrap as nb
from ngramkit.stats.bootstrap import DEFAULT_SEED, bootstrap_interval, bootstrap_means, mean_score
from ngramkit.compat.rouge_score import scoring as compat
from ngramkit.stats.scores import AggregateScore, Score

rs_scoring = pytest.importorskip("rouge_score.scoring")
rs_scorer = pytest.importorskip("rouge_score.rouge_scorer")

TYPES = ["rouge1", "rouge2", "rougeL"]


def have_kernel() -> bool:
    return nb._compiled_bootstrap_means() is not None


needs_kernel = pytest.mark.skipif(not have_kernel(), reason="ngramkit._core has no bootstrap_means")


def rng_state():
    _, keys, pos, has_gauss, cached = np.random.get_state()
    return keys.tobytes(), pos, has_gauss, cached


def _aggregate_seeded(aggregator_class, score_dicts, seed, **kwargs):
    """aggregate() of ``aggregator_class`` after np.random.seed(seed), and the global RNG state after it."""
    agg = aggregator_class(**kwargs)
    for d in score_dicts:
        agg.add_scores(d)
    np.random.seed(seed)
    result = agg.aggregate()
    return result, rng_state()


def run_reference(score_dicts, seed, **kwargs):
    return _aggregate_seeded(rs_scoring.BootstrapAggregator, score_dicts, seed, **kwargs)


def run_compat(score_dicts, seed, **kwargs):
    return _aggregate_seeded(compat.BootstrapAggregator, score_dicts, seed, **kwargs)


def as_matrix(score_dicts, key):
    return np.vstack([tuple(d[key]) for d in score_dicts])


@pytest.fixture(scope="module")
def dialogsum_scores(dialogsum):
    """rouge-score's per-pair scores of the DialogSum BART outputs against the first references."""
    hyp, refs = dialogsum
    scorer = rs_scorer.RougeScorer(TYPES)
    return [scorer.score(target, prediction) for target, prediction in zip(refs[0], hyp)]


# ----------------------------------------------------------------------- exact: rouge_score engine

score_value = st.one_of(st.floats(0.0, 1.0), st.sampled_from([0, 0.0, 1.0, 0.5, 1 / 3]))


@st.composite
def score_dicts(draw):
    types = draw(st.lists(st.sampled_from(["rouge1", "rouge2", "rougeL", "rougeLsum", "x"]),
                          min_size=1, max_size=4, unique=True))
    n = draw(st.integers(1, 40))
    return [
        {t: rs_scoring.Score(*draw(st.tuples(score_value, score_value, score_value))) for t in types}
        for _ in range(n)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    dicts=score_dicts(),
    seed=st.integers(0, 2**32 - 1),
    n_samples=st.integers(1, 50),
    ci=st.one_of(st.sampled_from([0.0, 0.5, 0.9, 0.95, 1.0]), st.floats(0.0, 1.0)),
)
def test_random_scores_match_rouge_score_exactly(dicts, seed, n_samples, ci):
    expected, state_after = run_reference(dicts, seed, confidence_interval=ci, n_samples=n_samples)
    got, compat_state = run_compat(dicts, seed, confidence_interval=ci, n_samples=n_samples)
    assert list(got) == list(expected)  # types in insertion order
    assert got == expected
    for key in expected:  # bounds keep the class of the first score added, as in rouge-score
        assert all(type(b) is rs_scoring.Score for b in got[key])
    assert compat_state == state_after

    # bootstrap_interval(method="rouge_score"), type after type, consumes the RNG identically.
    np.random.seed(seed)
    for key, exp in expected.items():
        res = bootstrap_interval(as_matrix(dicts, key), n_samples=n_samples, confidence_interval=ci,
                                 method="rouge_score")
        assert res == exp
    assert rng_state() == state_after


def test_dialogsum_matches_rouge_score_exactly(dialogsum_scores):
    expected, state_after = run_reference(dialogsum_scores, 2024)
    got, compat_state = run_compat(dialogsum_scores, 2024)
    assert got == expected
    assert compat_state == state_after
    # Not vacuous: another RNG state gives other intervals.
    other, _ = run_reference(dialogsum_scores, 2025)
    assert other != expected

    # bootstrap_interval with seed= reseeds the global RNG exactly like np.random.seed.
    for key in TYPES:
        matrix = as_matrix(dialogsum_scores, key)
        np.random.seed(7)
        ref = rs_scoring.BootstrapAggregator(0.9, 300)._bootstrap_resample(matrix)
        res = bootstrap_interval(matrix, n_samples=300, confidence_interval=0.9, seed=7, method="rouge_score")
        assert res == AggregateScore(*(Score(*ref[j]) for j in range(3)))


def test_index_blocks_do_not_change_draws(dialogsum_scores, monkeypatch):
    """Indices are drawn for several resamples at once; splitting into many blocks changes nothing."""
    matrix = as_matrix(dialogsum_scores, "rouge2")
    np.random.seed(11)
    expected = rs_scoring.BootstrapAggregator(0.95, 37)._bootstrap_resample(matrix)
    state = rng_state()
    for chunk in (1, 499, 500, 1000, 1501, 10**9):  # 1 resample per block .. all at once
        monkeypatch.setattr(nb, "_INDEX_CHUNK", chunk)
        np.random.seed(11)
        assert np.array_equal(nb._rouge_score_percentiles(matrix, 0.95, 37), expected), chunk
        assert rng_state() == state


def test_one_column_rouge_score_mode_matches_reference():
    values = np.random.default_rng(3).random(257)
    np.random.seed(5)
    ref = rs_scoring.BootstrapAggregator(0.8, 64)._bootstrap_resample(values.reshape(-1, 1))
    res = bootstrap_interval(values, n_samples=64, confidence_interval=0.8, seed=5, method="rouge_score")
    assert res == AggregateScore(*ref[:, 0])
    assert all(type(x) is float for x in res)


def test_compat_uses_first_score_class_and_integer_zero_scores():
    """rougeL zero scores are ints in rouge-score; ngramkit Scores come back as ngramkit Scores."""
    dicts = [{"rougeL": Score(0, 0, 0)}, {"rougeL": Score(0.5, 0.25, 1 / 3)}, {"rougeL": Score(0, 0, 0)}]
    ref_dicts = [{"rougeL": rs_scoring.Score(*d["rougeL"])} for d in dicts]
    expected, _ = run_reference(ref_dicts, 1, n_samples=20)
    got, _ = run_compat(dicts, 1, n_samples=20)
    assert got == expected
    assert type(got["rougeL"].mid) is Score
    all_int, _ = run_compat([{"rougeL": Score(0, 0, 0)}] * 3, 1, n_samples=5)
    all_int_ref, _ = run_reference([{"rougeL": rs_scoring.Score(0, 0, 0)}] * 3, 1, n_samples=5)
    assert all_int == all_int_ref
    assert repr(all_int["rougeL"].low.precision) == repr(all_int_ref["rougeL"].low.precision)


def test_compat_validation_and_helpers_match_rouge_score():
    for kwargs in ({"confidence_interval": -0.01}, {"confidence_interval": 1.01}, {"n_samples": 0},
                   {"n_samples": -3}):
        with pytest.raises(ValueError) as ours:
            compat.BootstrapAggregator(**kwargs)
        with pytest.raises(ValueError) as theirs:
            rs_scoring.BootstrapAggregator(**kwargs)
        assert str(ours.value) == str(theirs.value)
    assert compat.BootstrapAggregator().aggregate() == {} == rs_scoring.BootstrapAggregator().aggregate()
    for p, r in [(0.0, 0.0), (0, 0), (1.0, 0.0), (0.3, 0.7), (1 / 3, 2 / 7), (1.0, 1.0)]:
        assert compat.fmeasure(p, r) == rs_scoring.fmeasure(p, r)
        assert type(compat.fmeasure(p, r)) is type(rs_scoring.fmeasure(p, r))
    with pytest.raises(TypeError):
        compat.BaseScorer()

    class Exact(compat.BaseScorer):
        def score(self, target, prediction):
            return {"exact": Score(*(3 * (float(target == prediction),)))}

    assert Exact().score("a", "a")["exact"].fmeasure == 1.0
    assert compat.Score._fields == rs_scoring.Score._fields
    assert compat.AggregateScore._fields == rs_scoring.AggregateScore._fields


# ----------------------------------------------------------------------- fast engine

def test_fast_is_reproducible_and_seeded(dialogsum_scores):
    matrix = as_matrix(dialogsum_scores, "rouge1")
    state = rng_state()
    a = bootstrap_interval(matrix, n_samples=200)
    assert bootstrap_interval(matrix, n_samples=200) == a
    assert bootstrap_interval(matrix, n_samples=200, seed=DEFAULT_SEED) == a
    assert bootstrap_interval(matrix, n_samples=200, seed=1) != a
    assert rng_state() == state  # the fast engine never touches NumPy's global RNG
    assert isinstance(a.mid, Score) and all(type(x) is float for x in a.mid)
    assert np.array_equal(bootstrap_means(matrix, n_samples=200, seed=3),
                          bootstrap_means(matrix, n_samples=200, seed=3))


def test_fast_is_independent_of_threads(dialogsum_scores):
    small = as_matrix(dialogsum_scores, "rougeL")
    large = np.random.default_rng(0).random((200_003, 3))
    for values, n_samples in ((small, 203), (large, 19)):
        runs = [bootstrap_means(values, n_samples=n_samples, seed=42, threads=t) for t in (1, 2, 3)]
        assert all(np.array_equal(runs[0], r) for r in runs[1:])
        assert not np.array_equal(runs[0], bootstrap_means(values, n_samples=n_samples, seed=43, threads=1))
    intervals = {t: bootstrap_interval(small, seed=9, threads=t) for t in (1, 2, 3, None)}
    assert len(set(intervals.values())) == 1


@needs_kernel
def test_kernel_resamples_depend_only_on_seed_and_index():
    values = np.random.default_rng(1).random((1000, 3))
    assert np.array_equal(bootstrap_means(values, n_samples=5, seed=8),
                          bootstrap_means(values, n_samples=21, seed=8)[:5])
    # The draws do not depend on the columns: a column alone gives that column's means.
    three = bootstrap_means(values, n_samples=50, seed=8)
    assert np.array_equal(bootstrap_means(np.ascontiguousarray(values[:, 2]), n_samples=50, seed=8), three[:, 2])


def test_fast_agrees_statistically_with_rouge_score(dialogsum_scores):
    """Both engines estimate the same percentiles of the same bootstrap distribution.

    With N = 500 pairs the bootstrap mean of a column has standard deviation
    sigma = sd / sqrt(N). The Monte-Carlo error of an estimated percentile from
    1000 resamples is about sqrt(p(1-p)/1000) / phi(z_p) * sigma: 0.04 sigma for
    the median, 0.085 sigma for the 2.5th/97.5th percentiles; the difference of
    two independent estimates is sqrt(2) times that (0.056 and 0.12 sigma). The
    tolerances below (0.3 and 0.6 sigma) are 5 standard deviations of those
    differences, yet far tighter than what a wrong estimator would produce
    (a missing 1/N, a wrong column, unjoint resampling or per-column
    percentile mix-ups move bounds by several sigma).
    """
    for key in TYPES:
        matrix = as_matrix(dialogsum_scores, key)
        sigma = matrix.std(axis=0) / np.sqrt(len(matrix))
        fast = bootstrap_interval(matrix, seed=123)
        slow = bootstrap_interval(matrix, seed=123, method="rouge_score")
        for bound, tol in (("low", 0.6), ("mid", 0.3), ("high", 0.6)):
            diff = np.abs(np.array(getattr(fast, bound)) - np.array(getattr(slow, bound)))
            assert (diff < tol * sigma).all(), (key, bound, diff / sigma)
        # 95% interval of a mean: about 2 * 1.96 sigma wide.
        width = np.array(fast.high) - np.array(fast.low)
        assert (np.abs(width / (2 * 1.96 * sigma) - 1) < 0.15).all(), (key, width / sigma)
        # mid is the median of the bootstrap means: near the sample mean, but its own statistic.
        mean = np.array(mean_score(matrix))
        assert (np.abs(np.array(fast.mid) - mean) < 0.3 * sigma).all()


@needs_kernel
def test_kernel_matches_numpy_fallback_in_distribution():
    """Same estimator, different RNGs: compare moments and cross-column correlation of the means."""
    gen = np.random.default_rng(5)
    p = gen.beta(2, 5, 400)
    r = np.clip(p + gen.normal(0, 0.1, 400), 0, 1)
    values = np.column_stack([p, r, 2 * p * r / np.maximum(p + r, 1e-12)])
    n_samples = 4000
    kernel = bootstrap_means(values, n_samples=n_samples, seed=1)
    numpy_ = nb._numpy_bootstrap_means(values, n_samples, 1)
    sigma = values.std(axis=0) / np.sqrt(len(values))
    for means in (kernel, numpy_):
        # Centre: the sample mean, within 4 Monte-Carlo standard errors (sigma / sqrt(n_samples)).
        assert (np.abs(means.mean(axis=0) - values.mean(axis=0)) < 4 * sigma / np.sqrt(n_samples)).all()
        # Spread: sigma; the relative standard error of an sd from 4000 draws is ~1.1%.
        assert (np.abs(means.std(axis=0) / sigma - 1) < 0.06).all()
    # Joint resampling: P, R and F means are strongly correlated, the same way in both engines.
    ck, cn = np.corrcoef(kernel.T), np.corrcoef(numpy_.T)
    assert ck[0, 1] > 0.5 and np.abs(ck - cn).max() < 0.05
    # And the percentiles agree: the Monte-Carlo sd of a difference of two 2.5th-percentile
    # estimates from 4000 resamples is 0.06 sigma (0.03 sigma at the median); allow 0.25 sigma.
    qk = np.percentile(kernel, [2.5, 50, 97.5], axis=0)
    qn = np.percentile(numpy_, [2.5, 50, 97.5], axis=0)
    assert (np.abs(qk - qn) < 0.25 * sigma).all()


def test_fallback_is_used_without_kernel(monkeypatch):
    values = np.random.default_rng(2).random((50, 3))
    monkeypatch.setattr(nb, "_compiled_bootstrap_means", lambda: None)
    res = bootstrap_interval(values, n_samples=100, confidence_interval=0.9, seed=4)
    means = nb._numpy_bootstrap_means(values, 100, 4)
    q = np.percentile(means, 100 * np.array([0.05, 0.5, 0.95]), axis=0)
    assert res == AggregateScore(*(Score(*q[j]) for j in range(3)))
    assert np.array_equal(bootstrap_means(values, n_samples=100, seed=4, threads=3), means)


# ----------------------------------------------------------------------- edge cases

@pytest.mark.parametrize("method", ["fast", "rouge_score"])
def test_single_pair_gives_a_point_interval(method):
    s = Score(0.25, 0.5, 1 / 3)
    res = bootstrap_interval([s], method=method, n_samples=30)
    assert res == AggregateScore(s, s, s)
    one = bootstrap_interval([0.7], method=method, n_samples=30)
    assert one == AggregateScore(0.7, 0.7, 0.7)


@pytest.mark.parametrize("method", ["fast", "rouge_score"])
def test_confidence_interval_bounds(method):
    values = np.random.default_rng(4).random((300, 3))
    zero = bootstrap_interval(values, confidence_interval=0, method=method, n_samples=101, seed=3)
    assert zero.low == zero.mid == zero.high
    full = bootstrap_interval(values, confidence_interval=1, method=method, n_samples=101, seed=3)
    narrow = bootstrap_interval(values, confidence_interval=0.5, method=method, n_samples=101, seed=3)
    assert full.mid == narrow.mid == zero.mid  # same seed, same draws
    for c in range(3):
        assert full.low[c] < narrow.low[c] < narrow.mid[c] < narrow.high[c] < full.high[c]
    if method == "fast":  # ci = 1: the extreme resample means
        means = bootstrap_means(values, n_samples=101, seed=3)
        assert full.low == Score(*means.min(axis=0)) and full.high == Score(*means.max(axis=0))


def test_mean_score_is_the_plain_mean():
    values = np.random.default_rng(6).random((1001, 3))
    m = mean_score(values)
    assert m == Score(*(float(np.mean(values[:, c].tolist())) for c in range(3)))
    assert mean_score([Score(1.0, 0.0, 0.5), Score(0.0, 1.0, 0.5)]) == Score(0.5, 0.5, 0.5)
    assert mean_score(values[:, 1]) == float(np.mean(values[:, 1].tolist()))
    assert bootstrap_interval(values, seed=0).mid != m  # median of bootstrap means, not the mean


GOOD = np.full((4, 3), 0.5)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"scores": np.empty((0, 3))}, "scores"),
        ({"scores": []}, "scores"),
        ({"scores": np.full((4, 2), 0.5)}, "scores"),
        ({"scores": np.full((2, 2, 3), 0.5)}, "scores"),
        ({"scores": np.float64(0.5)}, "scores"),
        ({"scores": [[0.1, 0.2, np.nan]]}, "scores"),
        ({"scores": [[0.1, np.inf, 0.2]]}, "scores"),
        ({"scores": [["a", "b", "c"]]}, "scores"),
        ({"scores": [[0.1, 0.2], [0.3]]}, "scores"),
        ({"scores": np.array([[1 + 2j, 0, 0]])}, "scores"),
        ({"n_samples": 0}, "n_samples"),
        ({"n_samples": -5}, "n_samples"),
        ({"n_samples": 10.0}, "n_samples"),
        ({"n_samples": True}, "n_samples"),
        ({"confidence_interval": -0.1}, "confidence_interval"),
        ({"confidence_interval": 1.5}, "confidence_interval"),
        ({"confidence_interval": float("nan")}, "confidence_interval"),
        ({"confidence_interval": "0.9"}, "confidence_interval"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**64}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"seed": 2**32, "method": "rouge_score"}, "seed"),
        ({"method": "bogus"}, "method"),
        ({"method": None}, "method"),
        ({"threads": 0}, "threads"),
        ({"threads": -2}, "threads"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(kwargs, name):
    kwargs = {"scores": GOOD, **kwargs}
    state = rng_state()
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        bootstrap_interval(kwargs.pop("scores"), **kwargs)
    assert rng_state() == state  # rejected before touching the global RNG


def test_threads_of_a_wrong_type_raise_type_error():
    with pytest.raises(TypeError, match=r"^threads\b"):
        bootstrap_interval(GOOD, threads=1.5)


def test_bad_arguments_to_bootstrap_means():
    with pytest.raises(ValueError, match=r"^n_samples\b"):
        bootstrap_means(GOOD, n_samples=0)
    with pytest.raises(ValueError, match=r"^scores\b"):
        bootstrap_means(np.empty(0))
    with pytest.raises(ValueError, match=r"^seed\b"):
        bootstrap_means(GOOD, seed=-1)


def test_input_layouts_are_accepted():
    """Lists of Score, Fortran-ordered, strided and integer arrays give the same intervals."""
    values = np.random.default_rng(8).random((120, 3))
    expected = bootstrap_interval(values, n_samples=64, seed=2)
    assert bootstrap_interval([Score(*row) for row in values], n_samples=64, seed=2) == expected
    assert bootstrap_interval(np.asfortranarray(values), n_samples=64, seed=2) == expected
    wide = np.zeros((120, 6))
    wide[:, ::2] = values
    assert bootstrap_interval(wide[:, ::2], n_samples=64, seed=2) == expected
    ints = np.random.default_rng(9).integers(0, 2, (40, 3))
    assert bootstrap_interval(ints, n_samples=16, seed=1) == bootstrap_interval(ints.astype(float), n_samples=16, seed=1)
