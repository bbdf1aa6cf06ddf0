"""ngramkit.compare against sacrebleu's PairedTest (BLEU, chrF, TER) and a plain-Python oracle (ROUGE)."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import read_lines
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.significance import PairedTest, _compute_p_value, estimate_ci

import ngramkit
from ngramkit import _core
from ngramkit.metrics.bleu import compute_bleu, make_config as bleu_config
from ngramkit.metrics.chrf import compute_chrf, make_config as chrf_config
from ngramkit.stats.significance import MetricStatistics, generator_state, paired_test


def read_segments(path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


@pytest.fixture(scope="module")
def wmt23_en_de(shared_data):
    root = shared_data / "wmt23" / "txt"
    ref = read_segments(root / "references" / "generaltest2023.en-de.ref.refA.de")
    systems = {name: read_segments(root / "system-outputs" / f"generaltest2023.en-de.hyp.{name}.de")
               for name in ("NLLB_Greedy", "GPT4-5shot", "AIRC", "ONLINE-B")}
    return ref, systems


@pytest.fixture(scope="module")
def dialogsum_systems(shared_data):
    """Three 'systems' on DialogSum's 500 test dialogues: BART, and the third and second human
    summaries (two humans against the references they are not part of)."""
    d = shared_data / "dialogsum"
    hyp = read_lines(d / "bart_baseline.test.hyp.txt")
    refs = [read_lines(d / f"test.ref{k}.txt")[:500] for k in (1, 2, 3)]
    return {"bart": hyp[:500], "human3": refs[2]}, refs[0]


def same(a, b) -> bool:
    """Equal floats, both NaN, or both None (sacrebleu's 'absent')."""
    if a is None or b is None:
        return a is None and b is None
    return a == b or (math.isnan(a) and math.isnan(b))


def assert_equals_paired_test(ours, theirs: dict, metric_names: dict, systems: list[str]):
    for their_key, our_metric in metric_names.items():
        for i, name in enumerate(systems):
            r = theirs[their_key][i]
            row = ours.row(name, our_metric)
            expected = (r.score, float("nan") if r.p_value is None else r.p_value, r.mean, r.ci)
            got = (row["score"], row["p_value"], row["mean"], row["ci"])
            assert all(same(g, e) for g, e in zip(got, expected)), (their_key, name, got, expected)


@pytest.mark.parametrize("test, n_samples", [("bs", 200), ("ar", 400)])
@pytest.mark.parametrize("n_refs", [1, 2])
def test_ter_equals_sacrebleu_paired_test(wmt23_en_de, test, n_samples, n_refs):
    """TER (lower is better) on short WMT23 segments (sacrebleu's TER is slow on long ones): every
    score, p-value, mean and interval equal to PairedTest's; the text table says lower is better."""
    ref, all_systems = wmt23_en_de
    keep = [i for i in range(len(ref)) if len(ref[i]) < 250 and all(len(h[i]) < 250 for h in all_systems.values())]
    keep = keep[:150]
    pick = lambda lines: [lines[i] for i in keep]  # noqa: E731
    references = [pick(ref)] if n_refs == 1 else [pick(ref), pick(all_systems["ONLINE-B"])]
    systems = {k: pick(v) for k, v in all_systems.items() if k != "ONLINE-B"}
    _, theirs = PairedTest(list(systems.items()), {"TER": TER()}, references, test_type=test, n_samples=n_samples)()
    per_pair_refs = [list(r) for r in zip(*references)] if n_refs == 2 else references[0]
    ours = ngramkit.compare(systems, per_pair_refs, metrics=("ter",), test=test, n_samples=n_samples)
    assert_equals_paired_test(ours, theirs, {"TER": "TER"}, list(systems))
    assert ours.lower_is_better == ["TER"]
    assert "TER (lower is better)" in ours.format()


@pytest.mark.parametrize("test, n_samples", [("bs", 150), ("ar", 300)])
@pytest.mark.parametrize("n_refs", [1, 2])
def test_wmt23_equals_sacrebleu_paired_test(wmt23_en_de, test, n_samples, n_refs):
    ref, all_systems = wmt23_en_de
    # two references: refA and a fourth system's output as a second "reference"
    references = [ref] if n_refs == 1 else [ref, all_systems["ONLINE-B"]]
    systems = {k: v for k, v in all_systems.items() if k != "ONLINE-B"}
    word_order = 2 if n_refs == 1 else 0  # chrF++ once, chrF once (sacrebleu's chrF++ is slow)
    chrf = CHRF(word_order=word_order)
    signatures, theirs = PairedTest(list(systems.items()), {"BLEU": BLEU(), "chrF": chrf}, references,
                                    test_type=test, n_samples=n_samples)()
    per_pair_refs = [list(r) for r in zip(*references)] if n_refs == 2 else ref
    ours = ngramkit.compare(systems, per_pair_refs, metrics=("bleu", "chrf"), test=test, n_samples=n_samples,
                            word_order=word_order)
    chrf_name = "chrF2++" if word_order else "chrF2"
    assert_equals_paired_test(ours, theirs, {"BLEU": "BLEU", chrf_name: chrf_name}, list(systems))
    for name in ("BLEU", chrf_name):  # the same fields in the same order; only the version differs
        assert ours.signatures[name].rsplit("|version:", 1)[0] == str(signatures[name]).rsplit("|version:", 1)[0]


@pytest.mark.parametrize("test", ["bs", "ar"])
def test_dialogsum_default_samples_and_options_equal_sacrebleu(dialogsum_systems, test):
    systems, ref = dialogsum_systems
    systems = {k: v[:150] for k, v in systems.items()}
    ref = ref[:150]
    metrics = {"BLEU": BLEU(lowercase=True, smooth_method="floor"), "chrF": CHRF()}
    _, theirs = PairedTest(list(systems.items()), metrics, [ref], test_type=test, n_samples=0)()
    ours = ngramkit.compare(systems, ref, metrics=("bleu", "chrf"), test=test, lowercase=True,
                            smooth_method="floor")
    assert ours.n_samples == {"bs": 1000, "ar": 10000}[test]
    # sacrebleu lowercases chrF only when asked (CHRF(lowercase=...)); ngramkit's lowercase covers both,
    # so chrF is compared on a second call without it
    assert_equals_paired_test(ours, theirs, {"BLEU": "BLEU"}, list(systems))
    plain = ngramkit.compare(systems, ref, metrics=("chrf",), test=test)
    assert_equals_paired_test(plain, theirs, {"chrF2": "chrF2"}, list(systems))


class _FixedStatistics:
    """A sacrebleu metric whose statistics are given (keyed by the system's first hypothesis)."""

    def __init__(self, table):
        super().__init__()
        self.table = table
        self.num_refs = 1  # what sacrebleu learns from the references, for the signature

    def _extract_corpus_statistics(self, hypotheses, references):
        return self.table[hypotheses[0]]


class FixedBleu(_FixedStatistics, BLEU):
    pass


class FixedChrf(_FixedStatistics, CHRF):
    pass


@pytest.mark.parametrize("test", ["bs", "ar"])
def test_float32_sums_past_2_24_round_as_in_sacrebleu(test):
    """Resample sums beyond 2^24 are rounded in float32 in draw order, as numpy sums sacrebleu's
    float32 statistics; large per-pair counts reach that with few pairs."""
    rng = np.random.default_rng(7)
    n, order = 400, 4
    bleu_tables, chrf_tables, ours_bleu, ours_chrf = {}, {}, [], []
    for name in ("a", "b", "c"):
        hyp_len = rng.integers(50_000, 200_000, n)
        totals = np.stack([hyp_len - k for k in range(order)], axis=1)
        correct = (totals * rng.uniform(0.05, 0.9, (n, order))).astype(np.int64)
        ref_len = hyp_len + rng.integers(-20_000, 20_000, n)
        stats = np.column_stack([hyp_len, ref_len, correct, totals]).astype(np.int64)
        bleu_tables[name] = stats.tolist()
        ours_bleu.append(stats)
        chrf = rng.integers(1, 150_000, (n, 18)).astype(np.int64)
        chrf[:, 2::3] = np.minimum(chrf[:, 0::3], chrf[:, 1::3]) // 2
        chrf_tables[name] = chrf.tolist()
        ours_chrf.append(chrf)
    assert ours_bleu[0][:, 2].sum() > 2**24
    named = [(name, [name] * n) for name in ("a", "b", "c")]
    _, theirs = PairedTest(named, {"BLEU": FixedBleu(bleu_tables), "chrF": FixedChrf(chrf_tables)}, None,
                           test_type=test, n_samples=120)()
    bcfg, ccfg = bleu_config(None, "exp", None, False, 4, False), chrf_config(6, 0, 2, False, False, False)
    metrics = [
        MetricStatistics("BLEU", "sacrebleu", ours_bleu, [compute_bleu(s.sum(0).tolist(), bcfg)["score"] for s in ours_bleu],
                         lambda row: compute_bleu(row, bcfg)["score"]),
        MetricStatistics("chrF2", "sacrebleu", ours_chrf, [compute_chrf(s.sum(0).tolist(), ccfg) for s in ours_chrf],
                         lambda row: compute_chrf(row, ccfg)),
    ]
    outcomes = paired_test(metrics, test, 120, 12345, threads=2)
    for key, m, outcome in zip(("BLEU", "chrF2"), metrics, outcomes):
        for s in range(3):
            r = theirs[key][s]
            assert r.score == m.scores[s]
            assert same(outcome.p_value[s], float("nan") if r.p_value is None else r.p_value)
            assert same(outcome.mean[s], r.mean) and same(outcome.ci[s], r.ci)


def _oracle_rouge(values: list[np.ndarray], test: str, n_samples: int, seed: int):
    """Plain-Python paired tests on per-pair scores: a resample's score is the left-to-right sum of
    its pairs' scores divided by n; p-values and intervals by sacrebleu's own helpers."""
    n = len(values[0])
    observed = [float(np.mean(v)) for v in values]
    out = []
    if test == "bs":
        idx = np.random.default_rng(seed).choice(n, size=(n_samples, n), replace=True)
        resampled = []
        for v in values:
            col = v.tolist()
            scores = []
            for row in idx.tolist():
                acc = 0.0
                for i in row:
                    acc += col[i]
                scores.append(acc / n)
            resampled.append(np.array(scores))
        for s, scores in enumerate(resampled):
            mean, ci = estimate_ci(scores)
            p = float("nan")
            if s:
                d = np.abs(scores - resampled[0])
                p = _compute_p_value(d - d.mean(), abs(observed[0] - observed[s]))
            out.append((observed[s], p, float(mean), float(ci)))
        return out
    masks = np.random.default_rng(seed).integers(2, size=(n_samples, n), dtype=bool).tolist()
    base = values[0].tolist()
    out.append((observed[0], float("nan"), None, None))
    for s in range(1, len(values)):
        other = values[s].tolist()
        diffs = []
        for mask in masks:
            a = b = 0.0
            for i, m in enumerate(mask):
                a += base[i] if m else other[i]
                b += other[i] if m else base[i]
            diffs.append(abs(a / n - b / n))
        out.append((observed[s], _compute_p_value(np.array(diffs), abs(observed[0] - observed[s])), None, None))
    return out


@pytest.mark.parametrize("test", ["bs", "ar"])
def test_rouge_equals_plain_python_oracle(dialogsum_systems, test):
    systems, ref = dialogsum_systems
    systems = {**{k: v[:200] for k, v in systems.items()}, "lead": [t[: len(t) // 2] for t in systems["bart"][:200]]}
    ref = ref[:200]
    ours = ngramkit.compare(systems, ref, metrics="rouge", test=test, n_samples=60, seed=99, use_stemmer=True,
                            rouge_measures=("fmeasure", "recall"))
    assert ours.metrics == ["rouge1", "rouge1.recall", "rouge2", "rouge2.recall", "rougeL", "rougeL.recall"]
    direct = {name: ngramkit.rouge(h, ref, use_stemmer=True) for name, h in systems.items()}
    for metric in ours.metrics:
        rouge_type, _, measure = metric.partition(".")
        values = [getattr(direct[name][rouge_type], measure or "fmeasure") for name in systems]
        expected = _oracle_rouge(values, test, 60, 99)
        for name, e in zip(systems, expected):
            row = ours.row(name, metric)
            got = (row["score"], row["p_value"], row["mean"], row["ci"])
            assert all(same(g, x) for g, x in zip(got, e)), (metric, name, got, e)
            assert row["score"] == getattr(direct[name][rouge_type].mean(), measure or "fmeasure")


def _tables_equal(a, b) -> bool:
    return json.dumps(a.to_dict(), sort_keys=True) == json.dumps(b.to_dict(), sort_keys=True)


@pytest.mark.parametrize("test", ["bs", "ar"])
def test_thread_and_block_invariance(dialogsum_systems, test):
    systems, ref = dialogsum_systems
    kwargs = dict(metrics=("rouge", "bleu", "chrf"), test=test, n_samples=40)
    first = ngramkit.compare(systems, ref, threads=1, **kwargs)
    for threads in (2, 3):
        assert _tables_equal(first, ngramkit.compare(systems, ref, threads=threads, **kwargs))
    old = _core._set_resample_block_limit(1)  # one resample per block
    try:
        assert _tables_equal(first, ngramkit.compare(systems, ref, threads=2, **kwargs))
        _core._set_resample_block_limit(3 * len(ref) + 17)  # blocks of 3 resamples
        assert _tables_equal(first, ngramkit.compare(systems, ref, threads=2, **kwargs))
    finally:
        _core._set_resample_block_limit(old)


def test_generator_streams_equal_numpy():
    for n in (1, 2, 3, 1000, 2**20 + 7, 2**31 + 11, 2**32):
        expected = np.random.default_rng(12345).integers(0, n, size=5000, dtype=np.int64)
        assert (_core.pcg64_integers(generator_state(12345), n, 5000) == expected).all(), n


def test_token_ids_and_result_shapes(dialogsum_systems):
    systems, ref = dialogsum_systems
    names = list(systems)
    batch, _ = ngramkit.tokenize(ref[:50] + [t for name in names for t in systems[name][:50]])  # one vocabulary
    ids = {name: batch.slice(50 * (k + 1), 50 * (k + 2)) for k, name in enumerate(names)}
    ids[names[1]] = ids[names[1]].to_lists()  # list[list[int]] works as well
    batch = batch.slice(0, 50)
    ours = ngramkit.compare(ids, batch, metrics=("rouge", "bleu"), n_samples=30)
    texts = ngramkit.compare({k: v[:50] for k, v in systems.items()}, ref[:50], metrics=("rouge",), n_samples=30)
    for metric in texts.metrics:  # ROUGE on rouge-score's token ids is ROUGE on the texts
        for name in systems:
            a, b = ours.row(name, metric), texts.row(name, metric)
            assert all(same(a[k], b[k]) for k in ("score", "p_value", "mean", "ci")), (metric, name)
    assert ours.hypotheses is None and ours.references is None
    frame = ours.to_pandas()
    assert list(frame.columns) == ["system", "metric", "score", "delta", "p_value", "mean", "ci"]
    assert len(frame) == len(systems) * len(ours.metrics)
    json.dumps(ours.to_dict(), allow_nan=False)
    ar = ngramkit.compare({k: v[:50] for k, v in systems.items()}, ref[:50], metrics="bleu", test="ar", n_samples=30)
    assert list(ar.to_pandas().columns) == ["system", "metric", "score", "delta", "p_value"]
    assert ar.signatures["BLEU"].startswith("nrefs:1|ar:30|seed:12345|case:mixed")
    assert set(ours.sentence_scores) == {"rouge1", "rouge2", "rougeL", "BLEU"}
    assert ours.sentence_scores["BLEU"]["bart"].shape == (50,)


def test_seed_none_and_other_seeds(dialogsum_systems):
    systems, ref = dialogsum_systems
    a = ngramkit.compare(systems, ref, metrics="bleu", n_samples=50, seed=1)
    b = ngramkit.compare(systems, ref, metrics="bleu", n_samples=50, seed=2)
    assert a.row("human3", "BLEU")["score"] == b.row("human3", "BLEU")["score"]
    assert a.row("human3", "BLEU")["mean"] != b.row("human3", "BLEU")["mean"]
    assert ngramkit.compare(systems, ref, metrics="bleu", n_samples=5, seed=None).seed is None


@pytest.mark.parametrize("systems, kwargs, error, match", [
    ({"a": ["x y"]}, {}, ValueError, "at least one system"),
    ({"a": ["x y"], "b": ["x", "y"]}, {}, ValueError, r"systems\['b'\]: 2 hypotheses, but the baseline 'a' has 1"),
    ({"a": ["x y"], "b": ["x"]}, {"metrics": ("rouge", "meteor")}, ValueError, "metrics: unknown 'meteor'"),
    ({"a": ["x y"], "b": ["x"]}, {"metrics": ()}, ValueError, "metrics: unknown"),
    ({"a": ["x y"], "b": ["x"]}, {"test": "t"}, ValueError, "test: expected 'bs'"),
    ({"a": ["x y"], "b": ["x"]}, {"n_samples": 0}, ValueError, "n_samples: must be at least 1"),
    ({"a": ["x y"], "b": ["x"]}, {"n_samples": 2.5}, TypeError, "n_samples"),
    ({"a": ["x y"], "b": ["x"]}, {"seed": -1}, ValueError, "seed"),
    ({"a": ["x y"], "b": ["x"]}, {"rouge_measures": ("f1",)}, ValueError, "rouge_measures"),
    ({"a": ["x y"], "b": ["x"]}, {"colour": 1}, TypeError, "compare: unknown option 'colour'"),
    ({"a": [], "b": []}, {}, ValueError, "empty"),
    (["x y"], {}, TypeError, "systems: expected a dict"),
    ({"a": "x y", "b": ["x"]}, {}, TypeError, r"systems\['a'\]"),
    ({"a": ["x y"], "b": [3]}, {"metrics": "bleu"}, TypeError, r"systems\['b'\]"),
    ({"a": [[1, 2]], "b": [[1]]}, {"metrics": "chrf"}, TypeError, r"systems\['a'\].*chrF"),
])
def test_errors_name_the_argument(systems, kwargs, error, match):
    with pytest.raises(error, match=match):
        ngramkit.compare(systems, [[1, 2]] if "chrf" in str(kwargs.get("metrics")) else ["x y z"], **kwargs)


def test_references_of_another_length():
    with pytest.raises(ValueError, match="references: 2 entries for 1 hypotheses"):
        ngramkit.compare({"a": ["x"], "b": ["y"]}, ["x", "y"])


def test_module_example():
    import doctest
    import sys

    assert doctest.testmod(sys.modules["ngramkit.comparison.compare"]).failed == 0


@pytest.mark.parametrize("high", [60, 70_000, 2**30])
def test_bootstrap_sums_equal_numpy_for_every_packing(high):
    """Counts below 2^16 travel as uint16, larger ones and fractions as float32; sums are numpy's
    ``stats[idx].sum(0)`` in float32 either way, and float64 columns sum in draw order."""
    rng = np.random.default_rng(high)
    n = 2500
    stats = rng.integers(0, high, size=(n, 7)).astype(np.float32)
    if high == 2**30:
        stats[::7, 3] += 0.5
    values = rng.random((n, 3))
    idx = np.random.default_rng(12345).choice(n, size=(30, n))
    sums32, sums64, _ = _core.bootstrap_resample_sums(generator_state(12345), 30, stats, values, 2)
    assert (sums32 == np.stack([stats[i].sum(0) for i in idx])).all()
    for r in range(30):
        acc = np.zeros(3)
        for i in idx[r]:
            acc = acc + values[i]
        assert (sums64[r] == acc).all()
