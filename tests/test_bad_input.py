"""Bad input raises a clear Python exception naming the argument; edge input that is valid works.

Never a crash, never a silently wrong score (DESIGN.md, "Bad input"). Every ``pytest.raises``
checks the exception type and that the message names the offending argument. Expected scores
in the "must work" tests are hand-worked or come from tests/oracle.py.

Bugs found while writing these tests were fixed; each keeps its test here.
"""
from __future__ import annotations

import os
import pickle
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402

import ngramkit  # noqa: E402
from ngramkit import TokenBatch, _core  # noqa: E402

pa = pytest.importorskip("pyarrow")

R = ngramkit.rouge
BIG = 2**32 + 7          # wraps to 7 in int32: must raise, never match 7
INT32_MAX = 2**31 - 1
TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
CODES = [1, 2, 10, 11]


def i32(*values):
    return np.array(values, dtype=np.int32)


def i64(*values):
    return np.array(values, dtype=np.int64)


def core_ok_args():
    """A valid _core.rouge_ids call: 2 predictions, 3 references (groups 0, 1, 3)."""
    return dict(
        pred_ids=i32(1, 2, 3), pred_offsets=i64(0, 2, 3),
        ref_ids=i32(1, 2, 3, 3), ref_offsets=i64(0, 2, 3, 4),
        reference_groups=i64(0, 1, 3), types=[1, 2, 10, 11], separator=-1, threads=1,
    )


def core_call(**overrides):
    args = core_ok_args()
    args.update(overrides)
    return _core.rouge_ids(**args)


# ============================================================================================
# mismatched lengths
# ============================================================================================
@pytest.mark.parametrize(
    "preds,refs",
    [
        ([[1]], [[1], [2]]),
        ([[1], [2]], [[1]]),
        (["a"], ["a", "b"]),
        (["a", "b"], ["a"]),
        ([], [[1]]),
        ([[1]], []),
        (TokenBatch.from_lists([[1], [2]]), TokenBatch.from_lists([[1]])),
        (pa.array([[1], [2]]), pa.array([[1]])),
        ([[1], [2]], [[[1]], [[2]], [[3]]]),          # three reference sets for two predictions
        (["a", "b"], [["a", "b"]]),                  # one set of two references for two predictions
        ([[1], [2]], pa.array([[[1], [2]]])),
    ],
    ids=lambda x: type(x).__name__,
)
def test_mismatched_lengths(preds, refs):
    with pytest.raises(ValueError, match=r"predictions and references differ in length"):
        R(preds, refs)


# ============================================================================================
# None, non-str items, floats
# ============================================================================================
@pytest.mark.parametrize(
    "preds,refs,exc,name",
    [
        ([[1], None], [[1], [2]], TypeError, r"predictions\[1\]"),
        ([[1], [2]], [None, [2]], TypeError, r"references\[0\]"),
        ([[1, None]], [[1]], TypeError, r"predictions\[0\]\[1\]"),
        ([[1]], [[None]], TypeError, r"references\[0\]\[0\]"),
        (["a", None], ["a", "b"], TypeError, r"predictions\[1\]"),
        (["a", "b"], ["a", None], TypeError, r"references\[1\]"),
        (None, ["a"], TypeError, r"predictions"),
        # non-str items in text lists
        (["a", 3], ["a", "b"], TypeError, r"predictions\[1\]"),
        (["a", b"b"], ["a", "b"], TypeError, r"predictions\[1\]"),
        (["a", ["b"]], ["a", "b"], TypeError, r"predictions\[1\]"),
        (["a", "b"], ["a", 3.5], TypeError, r"references\[1\]"),
        (["a", "b"], [["a"], ["b", 3]], TypeError, r"references"),
        # floats as ids
        ([[1.0]], [[1]], TypeError, r"predictions\[0\]\[0\]"),
        ([[1, 2.5]], [[1]], TypeError, r"predictions\[0\]\[1\]"),
        ([[1]], [[1, float("nan")]], TypeError, r"references\[0\]\[1\]"),
        ([[np.float64(1)]], [[1]], TypeError, r"predictions\[0\]\[0\]"),
        ([np.array([1.0, 2.0])], [[1]], TypeError, r"predictions\[0\]"),
        ([[1]], [np.array([1.0])], TypeError, r"references\[0\]"),
        ([[1]], pa.array([[1.0]]), TypeError, r"references"),
        (pa.array([[1.5]]), [[1]], TypeError, r"predictions"),
    ],
)
def test_none_non_str_and_float_items(preds, refs, exc, name):
    with pytest.raises(exc, match=name):
        R(preds, refs)


def test_float_ids_in_token_batch_constructors():
    with pytest.raises(TypeError, match=r"ids"):
        TokenBatch(np.array([1.0, 2.0]), i64(0, 2))
    with pytest.raises(TypeError, match=r"ids"):
        TokenBatch.from_numpy([1.0, 2.0], [0, 2])
    with pytest.raises(TypeError, match=r"rows\[0\]\[0\]"):
        TokenBatch.from_lists([[1.5]])
    with pytest.raises(TypeError, match=r"array"):
        TokenBatch.from_padded(np.array([[1.0, 2.0]]), pad_id=0)
    with pytest.raises(TypeError, match=r"array"):
        TokenBatch.from_arrow(pa.array([[1.0]]))
    with pytest.raises(TypeError, match=r"ids"):
        TokenBatch(np.array([True, False]), i64(0, 2))
    with pytest.raises(TypeError, match=r"ids"):
        TokenBatch(np.array([1, 2**70], dtype=object), i64(0, 2))


# ============================================================================================
# ids >= 2**31 must raise (never wrap into a match), negative ids must raise
# ============================================================================================
def _big_id_routes(bad):
    """(label, callable building the input and scoring it against the id 7)."""
    return [
        ("list pred", lambda: R([[bad]], [[7]])),
        ("list ref", lambda: R([[7]], [[bad]])),
        ("list multi ref", lambda: R([[7]], [[[7], [bad]]])),
        ("np.int64 scalar", lambda: R([[np.int64(bad)]], [[7]])),
        ("numpy int64 row", lambda: R([np.array([bad], dtype=np.int64)], [[7]])),
        ("numpy uint64 row", lambda: R([np.array([bad], dtype=np.uint64)], [[7]])),
        ("TokenBatch int64", lambda: R(TokenBatch(np.array([bad], dtype=np.int64), i64(0, 1)), [[7]])),
        ("TokenBatch.from_numpy", lambda: R(TokenBatch.from_numpy(np.array([bad]), [0, 1]), [[7]])),
        ("TokenBatch.from_lists", lambda: TokenBatch.from_lists([[bad]])),
        ("from_padded pad_id", lambda: TokenBatch.from_padded(np.array([[bad, 0]], dtype=np.int64), pad_id=0)),
        ("from_padded lengths", lambda: TokenBatch.from_padded(np.array([[bad, 0]], dtype=np.int64), lengths=[1])),
        ("from_padded mask", lambda: TokenBatch.from_padded(np.array([[bad, 0]], dtype=np.int64), mask=[[1, 0]])),
        ("arrow int64", lambda: R(pa.array([[bad]], type=pa.list_(pa.int64())), [[7]])),
        ("arrow uint64", lambda: R(pa.array([[bad]], type=pa.list_(pa.uint64())), [[7]])),
        ("arrow multi ref", lambda: R([[7]], pa.array([[[7], [bad]]], type=pa.list_(pa.list_(pa.int64()))))),
    ]


@pytest.mark.parametrize("bad", [BIG, 2**31, 2**63 - 1])
@pytest.mark.parametrize("route", [label for label, _ in _big_id_routes(0)])
def test_ids_beyond_int32_raise_and_never_match(bad, route):
    call = dict(_big_id_routes(bad))[route]
    with pytest.raises(ValueError, match=r"(predictions|references|rows|array|ids).*does not fit in int32"):
        call()


def test_id_2_pow_31_from_uint32_arrow_and_numpy_raises():
    with pytest.raises(ValueError, match=r"ids"):
        TokenBatch.from_arrow(pa.array([[2**31]], type=pa.list_(pa.uint32())))
    with pytest.raises(ValueError, match=r"ids"):
        TokenBatch.from_numpy(np.array([2**31], dtype=np.uint32), [0, 1])


def test_wrapping_ids_would_have_matched():
    """Control for the test above: the in-range id 7 does match 7, so a wrap would score."""
    assert R([[7]], [[7]], rouge_types=["rouge1"])["rouge1"].statistics.tolist() == [[1, 1, 1]]
    # huge Python ints, positive and negative
    with pytest.raises(ValueError, match=r"predictions\[0\]\[0\]"):
        R([[2**80]], [[7]])
    with pytest.raises(ValueError, match=r"predictions\[0\]\[0\]"):
        R([[-(2**80)]], [[7]])


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda: R([[-1]], [[1]]), r"predictions\[0\]\[0\]"),
        (lambda: R([[1]], [[1, -5]]), r"references\[0\]\[1\]"),
        (lambda: R([np.array([3, -1])], [[1]]), r"predictions\[0\]"),
        (lambda: R([[1]], [np.array([-1], dtype=np.int8)]), r"references\[0\]"),
        (lambda: R(TokenBatch(i32(-1), i64(0, 1)), [[1]]), r"ids"),
        (lambda: TokenBatch.from_numpy(np.array([1, -2**31]), [0, 2]), r"ids"),
        (lambda: TokenBatch.from_lists([[0, -1]]), r"rows\[0\]\[1\]"),
        (lambda: TokenBatch.from_padded(np.array([[1, -2, 0]]), pad_id=0), r"array"),
        (lambda: TokenBatch.from_padded(np.array([[1, -2, 0]]), lengths=[2]), r"array"),
        (lambda: TokenBatch.from_padded(np.array([[1, -2, 0]]), mask=np.array([[1, 1, 0]])), r"array"),
        (lambda: TokenBatch.from_arrow(pa.array([[1, -1]])), r"array"),
        (lambda: R(pa.array([[1, -1]]), [[1]]), r"predictions"),
    ],
)
def test_negative_ids_raise(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_negative_id_written_into_a_token_batch_after_construction_is_caught():
    batch = TokenBatch.from_lists([[1, 2]])
    batch.ids[1] = -3
    with pytest.raises(ValueError, match=r"predictions.*negative"):
        R(batch, [[1, 2]])


# ============================================================================================
# offsets
# ============================================================================================
@pytest.mark.parametrize(
    "offsets,exc",
    [
        (i64(0, 2, 1), ValueError),           # decrease
        (i64(0, 3, 2, 3), ValueError),
        (i64(-1, 2, 3), ValueError),          # negative
        (i64(0, 2, 4), ValueError),           # overrun
        (i64(4, 4), ValueError),              # starts past the end
        (np.array([0.0, 3.0]), TypeError),    # float
        (i64(), ValueError),                  # no entries at all
        (np.array([[0, 3]]), ValueError),     # 2-D
        (np.array([0, 2**64 - 1], dtype=np.uint64), ValueError),
    ],
)
def test_bad_offsets_in_token_batch(offsets, exc):
    with pytest.raises(exc, match=r"offsets"):
        TokenBatch(i32(1, 2, 3), offsets)


@pytest.mark.parametrize(
    "side,offsets,match",
    [
        ("pred", i64(0, 3, 2), r"predictions.*offsets decrease"),
        ("pred", i64(-1, 2, 3), r"predictions.*negative"),
        ("pred", i64(0, 2, 4), r"predictions.*offsets"),
        ("ref", i64(0, 2, 1, 4), r"references.*offsets decrease"),
        ("ref", i64(-2, 2, 3, 4), r"references.*negative"),
        ("ref", i64(0, 2, 3, 5), r"references.*offsets"),
    ],
)
def test_bad_offsets_in_core(side, offsets, match):
    with pytest.raises(ValueError, match=match):
        core_call(**{f"{side}_offsets": offsets})


# ============================================================================================
# _core.rouge_ids: exact dtypes, 1-D, contiguous; never converts
# ============================================================================================
@pytest.mark.parametrize(
    "arg,value,exc,match",
    [
        ("pred_ids", i64(1, 2, 3), TypeError, r"predictions.*int32"),
        ("ref_ids", i64(1, 2, 3, 3), TypeError, r"references.*int32"),
        ("pred_ids", np.array([1, 2, 3], dtype=np.uint32), TypeError, r"predictions.*int32"),
        ("pred_ids", np.array([1, 2, 3], dtype=">i4"), TypeError, r"predictions.*int32"),
        ("pred_ids", np.array([1.0, 2.0, 3.0], dtype=np.float32), TypeError, r"predictions.*int32"),
        ("pred_offsets", np.array([0.0, 2.0, 3.0]), TypeError, r"predictions.*offsets.*int64"),
        ("ref_offsets", np.array([0, 2, 3, 4], dtype=np.int32), TypeError, r"references.*offsets.*int64"),
        ("pred_offsets", np.array([0, 2, 3], dtype=np.uint64), TypeError, r"predictions.*offsets.*int64"),
        ("pred_ids", np.array([[1, 2, 3]], dtype=np.int32), ValueError, r"predictions.*1-D"),
        ("ref_offsets", np.array([[0, 2], [3, 4]], dtype=np.int64), ValueError, r"references.*1-D"),
        ("pred_ids", np.arange(6, dtype=np.int32)[::2], ValueError, r"predictions.*contiguous"),
        ("ref_offsets", np.array([0, 9, 2, 9, 3, 9, 4, 9], dtype=np.int64)[::2], ValueError, r"references.*contiguous"),
        ("pred_offsets", i64(), ValueError, r"predictions.*offsets"),
        ("pred_ids", [1, 2, 3], TypeError, r"pred_ids"),
        ("reference_groups", np.array([0, 1, 3], dtype=np.int32), TypeError, r"reference_groups.*int64"),
    ],
)
def test_core_rejects_wrong_buffers(arg, value, exc, match):
    with pytest.raises(exc, match=match):
        core_call(**{arg: value})


def test_core_ok_args_are_ok():
    """Control: the unmodified call works and gives the oracle's numbers."""
    got = core_call()
    want = oracle.batch_stats([[1, 2], [3]], [[1, 2], [3], [3]], [0, 1, 3], CODES)
    assert got.tolist() == [[list(t) for t in row] for row in want]


def test_core_rejects_negative_ids():
    with pytest.raises(ValueError, match=r"references.*negative"):
        core_call(ref_ids=i32(1, 2, 3, -3))
    # ids outside the rows (before offsets[0] / after offsets[-1]) are not read and not checked
    got = core_call(pred_ids=i32(-9, 1, 2, 3, -9), pred_offsets=i64(1, 3, 4))
    assert got.tolist() == core_call().tolist()


@pytest.mark.parametrize(
    "groups,match",
    [
        (i64(1, 1, 3), r"reference_groups.*start at 0"),
        (i64(0, 2, 1), r"reference_groups.*decreas"),
        (i64(0, 1, 2), r"reference_groups.*end"),
        (i64(0, 1, 4), r"reference_groups.*end"),
        (i64(0, 3), r"reference_groups.*entries"),
        (i64(0, 1, 2, 3), r"reference_groups.*entries"),
        (i64(), r"reference_groups.*entries"),
        (i64(-1, 1, 3), r"reference_groups"),
    ],
)
def test_core_rejects_bad_reference_groups(groups, match):
    with pytest.raises(ValueError, match=match):
        core_call(reference_groups=groups)


@pytest.mark.parametrize("types", [[0], [12], [-1], [1, 99], []])
def test_core_rejects_unknown_type_codes(types):
    with pytest.raises(ValueError, match=r"rouge_types"):
        core_call(types=types)


# ============================================================================================
# rouge types: rouge-score's rules (rouge1..rouge9, rougeL, rougeLsum)
# ============================================================================================
TYPE_NAMES = ["rouge0", "rouge10", "rougeX", "ROUGE1", "", "rougeLSum", "rougel", "rouge-1", "rouge1 ",
              "rougeLsum ", "rouge01", "rouge1\n"] + list(oracle.TYPE_CODES)


def _rouge_score_accepts(name: str) -> bool:
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    try:
        rouge_scorer.RougeScorer([name]).score("a b", "a b")
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("name", TYPE_NAMES, ids=repr)
def test_rouge_type_validation_matches_rouge_score(name):
    accepted = _rouge_score_accepts(name)
    if accepted:
        result = R([[1, 2]], [[1, 2]], rouge_types=[name])
        assert list(result) == [name]
        code = oracle.TYPE_CODES.get(name) or int(name[5:])   # rouge-score: int(name[5:])
        assert result[name].fmeasure.tolist() == [oracle.score(oracle.pair_stats([1, 2], [1, 2], [code])[0])[2]]
    else:
        with pytest.raises(ValueError, match=r"rouge_types"):
            R([[1, 2]], [[1, 2]], rouge_types=[name])
        with pytest.raises(ValueError, match=r"rouge_types"):
            R(["a b"], ["a b"], rouge_types=[name])


def test_rouge_type_validation_expected_outcomes():
    """The parity test above depends on rouge-score; pin the expected verdicts by hand too."""
    for name in ["rouge0", "rouge10", "rougeX", "ROUGE1", "", "rougeLSum", "rougel", "rouge-1"]:
        with pytest.raises(ValueError, match=r"rouge_types"):
            R([[1]], [[1]], rouge_types=[name])
    for name in list(oracle.TYPE_CODES):
        assert list(R([[1]], [[1]], rouge_types=[name])) == [name]
    with pytest.raises(ValueError, match=r"rouge_types.*positive"):
        R([[1]], [[1]], rouge_types=["rouge0"])


@pytest.mark.parametrize("types,exc", [(None, TypeError), (1, TypeError), (["rouge1", 2], TypeError),
                                       ([], ValueError), ([None], TypeError)])
def test_rouge_types_wrong_kind(types, exc):
    with pytest.raises(exc, match=r"rouge_types"):
        R([[1]], [[1]], rouge_types=types)


# ============================================================================================
# threads, multi_reference, sentence_separator
# ============================================================================================
@pytest.mark.parametrize("threads", [0, -1, np.int64(0)])
def test_threads_non_positive(threads):
    with pytest.raises(ValueError, match=r"threads"):
        R([[1]], [[1]], threads=threads)


@pytest.mark.parametrize("threads", [1.5, True, False, "2", 2.0])
def test_threads_not_an_int(threads):
    with pytest.raises((TypeError, ValueError), match=r"threads"):
        R([[1]], [[1]], threads=threads)


@pytest.mark.parametrize("threads", [2**31, 10**12])
def test_threads_huge_is_clamped_or_named(threads):
    try:
        result = R([[1, 2]], [[1, 2]], rouge_types=["rouge1"], threads=threads)
    except (TypeError, ValueError) as err:
        assert str(err).startswith("threads"), str(err)
    else:
        assert result["rouge1"].statistics.tolist() == [[2, 2, 2]]


def test_threads_valid_values_work():
    for threads in (None, 1, 3, np.int64(2), 1024):  # 1024: MAX_THREADS (above it: tests/test_bad_input_api.py)
        assert R([[1, 2]], [[2]], rouge_types=["rouge1"], threads=threads)["rouge1"].statistics.tolist() == [[1, 2, 1]]


@pytest.mark.parametrize("mode", ["max", "Best", "", None, ["best"], "first"])
def test_multi_reference_unknown(mode):
    with pytest.raises(ValueError, match=r"multi_reference"):
        R([[1]], [[[1], [2]]], multi_reference=mode)


@pytest.mark.parametrize("sep", [-1, 2**31, 1.5, True, "\n", [3]])
def test_sentence_separator_bad_value(sep):
    with pytest.raises((TypeError, ValueError), match=r"sentence_separator"):
        R([[1, 3, 2]], [[1, 2]], sentence_separator=sep)


def test_sentence_separator_with_text_raises():
    with pytest.raises(ValueError, match=r"sentence_separator"):
        R(["a b"], ["a b"], sentence_separator=3)


def test_sentence_separator_valid_values():
    for sep in (0, 3, INT32_MAX, np.int64(3)):
        r = R([[1, int(sep), 2]], [[1, 2]], rouge_types=["rouge2", "rougeLsum"], sentence_separator=sep)
        # the separator is dropped: bigram (1, 2) matches; rougeLsum union LCS [1] + [2] vs [1, 2]
        assert r["rouge2"].statistics.tolist() == [[1, 1, 1]]
        assert r["rougeLsum"].statistics.tolist() == [[2, 2, 2]]


@pytest.mark.parametrize("kwargs,name", [({"use_stemmer": True}, "use_stemmer"),
                                         ({"tokenizer": str.split}, "tokenizer"),
                                         ({"split_summaries": True, "rouge_types": ["rouge1"]}, "split_summaries")])
def test_text_only_options_with_ids_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        R([[1, 2]], [[1, 2]], **kwargs)


# ============================================================================================
# references: empty lists, mixing text and ids, single str, wrong containers
# ============================================================================================
@pytest.mark.parametrize(
    "preds,refs,match",
    [
        ([[1], [2]], [[[1]], []], r"references\[1\].*no references"),
        (["a", "b"], [["a"], []], r"references\[1\].*no references"),
        (["a", "b"], [[], ["b"]], r"references\[0\].*no references"),
        ([[1], [2]], [TokenBatch.from_lists([[1]]), TokenBatch.from_lists([])], r"references\[1\].*no references"),
        ([[1], [2]], pa.array([[[1]], []], type=pa.list_(pa.list_(pa.int64()))), r"references\[1\].*no references"),
        (["a", "b"], pa.array([["a"], []], type=pa.list_(pa.string())), r"references\[1\].*no references"),
    ],
)
def test_empty_reference_list_for_one_prediction(preds, refs, match):
    with pytest.raises(ValueError, match=match):
        R(preds, refs)


def test_empty_reference_list_single_text_prediction():
    with pytest.raises(ValueError, match=r"references\[0\].*no references"):
        R(["a"], [[]])


@pytest.mark.parametrize(
    "preds,refs",
    [
        (["a b"], [[1, 2]]),
        ([[1, 2]], ["a b"]),
        ([[1, 2]], [["a b", "c"]]),
        (["a b"], [[[1, 2], [3]]]),
        (["a b"], TokenBatch.from_lists([[1, 2]])),
        (TokenBatch.from_lists([[1, 2]]), ["a b"]),
        (pa.array(["a b"]), [[1, 2]]),
        ([[1, 2]], pa.array([["a b"]])),
        (["a", "b"], [["a"], [[1]]]),       # references mix both kinds
    ],
)
def test_mixing_text_and_ids(preds, refs):
    with pytest.raises(TypeError, match=r"references"):
        R(preds, refs)


@pytest.mark.parametrize(
    "preds,refs,name",
    [
        ("the cat", ["the cat"], "predictions"),
        (["the cat"], "the cat", "references"),
        (b"the cat", ["the cat"], "predictions"),
        (["the cat"], b"the cat", "references"),
        (3, ["a"], "predictions"),
    ],
)
def test_single_str_or_scalar_instead_of_list(preds, refs, name):
    with pytest.raises(TypeError, match=name):
        R(preds, refs)


@pytest.mark.parametrize("refs", [None, 5])
def test_references_not_a_list(refs):
    with pytest.raises(TypeError, match=r"references"):
        R([[1]], refs)


@pytest.mark.parametrize(
    "refs,where",
    [
        ([[[1], [BIG]], [[2]]], r"references\[0\]\[1\]"),
        ([[[1]], [[2], [3, -4]]], r"references\[1\]\[1\]"),
        ([[[1]], [[2], [3, 1.5]]], r"references\[1\]\[1\]"),
        ([[[1], None], [[2]]], r"references\[0\]\[1\]"),
    ],
)
def test_multi_reference_errors_point_at_the_item(refs, where):
    with pytest.raises((TypeError, ValueError), match=where):
        R([[1], [2]], refs)


def test_multi_reference_errors_name_references():
    """What works today: the type is right and 'references' is named."""
    for refs, exc in [([[[1], [BIG]], [[2]]], ValueError), ([[[1]], [[2], [3, -4]]], ValueError),
                      ([[[1]], [[2], [3, 1.5]]], TypeError), ([[[1], None], [[2]]], TypeError)]:
        with pytest.raises(exc, match=r"references"):
            R([[1], [2]], refs)


def test_none_reference_set_in_text_multi_reference():
    with pytest.raises(TypeError, match=r"references\[1\]"):
        R(["a", "b"], [["a"], None])


# ============================================================================================
# pyarrow: nulls
# ============================================================================================
@pytest.mark.parametrize(
    "preds,refs,exc,name",
    [
        (pa.array([[1], None]), [[1], [2]], ValueError, r"predictions.*null"),
        ([[1], [2]], pa.array([[1], None]), ValueError, r"references.*null"),
        (pa.array([[1], [None]]), [[1], [2]], ValueError, r"predictions.*null"),
        ([[1], [2]], pa.array([[1], [2, None]]), ValueError, r"references.*null"),
        ([[1], [2]], pa.array([[[1]], None]), ValueError, r"references.*null"),
        ([[1], [2]], pa.array([[[1]], [None]]), ValueError, r"references.*null"),
        ([[1], [2]], pa.array([[[1]], [[None]]]), ValueError, r"references.*null"),
        (pa.array(["a", None]), ["a", "b"], TypeError, r"predictions\[1\]"),
        (["a", "b"], pa.array(["a", None]), TypeError, r"references\[1\]"),
        (["a", "b"], pa.array([["a"], None]), ValueError, r"references.*null"),
    ],
)
def test_arrow_nulls(preds, refs, exc, name):
    with pytest.raises(exc, match=name):
        R(preds, refs)


def test_arrow_nulls_in_from_arrow():
    with pytest.raises(ValueError, match=r"array.*null"):
        TokenBatch.from_arrow(pa.array([[1], None]))
    with pytest.raises(ValueError, match=r"array.*null"):
        TokenBatch.from_arrow(pa.array([[1, None]]))
    with pytest.raises(TypeError, match=r"array"):
        TokenBatch.from_arrow(pa.array([1, 2]))


# ============================================================================================
# TokenBatch.from_padded: bad arguments
# ============================================================================================
@pytest.mark.parametrize(
    "kwargs,exc,name",
    [
        (dict(array=np.array([1, 2]), pad_id=0), ValueError, r"array"),
        (dict(array=np.zeros((1, 2, 2), np.int64), pad_id=0), ValueError, r"array"),
        (dict(array=np.array([[1.0, 2.0]]), pad_id=0), TypeError, r"array"),
        (dict(array=np.array([[1, 2]])), ValueError, r"pad_id.*lengths.*mask"),
        (dict(array=np.array([[1, 2]]), pad_id=0, lengths=[1]), ValueError, r"pad_id.*lengths.*mask"),
        (dict(array=np.array([[1, 2]]), lengths=[3]), ValueError, r"lengths"),
        (dict(array=np.array([[1, 2]]), lengths=[-1]), ValueError, r"lengths"),
        (dict(array=np.array([[1, 2]]), lengths=[1, 1]), ValueError, r"lengths"),
        (dict(array=np.array([[1, 2]]), lengths=[1.0]), ValueError, r"lengths"),
        (dict(array=np.array([[1, 2]]), lengths=[[1]]), ValueError, r"lengths"),
        (dict(array=np.array([[1, 2]]), mask=[[1]]), ValueError, r"mask"),
        (dict(array=np.array([[1, 2]]), mask=[[1, 1], [1, 1]]), ValueError, r"mask"),
    ],
)
def test_from_padded_bad_arguments(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        TokenBatch.from_padded(**kwargs)


def test_two_dimensional_numpy_predictions_are_ambiguous():
    with pytest.raises(TypeError, match=r"predictions.*from_padded"):
        R(np.array([[1, 2], [3, 0]]), [[1], [3]])


# ============================================================================================
# must work: empty batches, empty rows, id extremes, numpy rows, slices, pickling
# ============================================================================================
@pytest.mark.parametrize(
    "preds,refs",
    [
        ([], []),
        (TokenBatch.from_lists([]), TokenBatch.from_lists([])),
        (TokenBatch.from_padded(np.zeros((0, 4), np.int64), pad_id=0), TokenBatch.from_lists([])),
        (pa.array([], type=pa.list_(pa.int32())), pa.array([], type=pa.list_(pa.int64()))),
        ([], pa.array([], type=pa.list_(pa.list_(pa.int64())))),
        (pa.array([], type=pa.string()), pa.array([], type=pa.string())),
    ],
    ids=["lists", "tokenbatch", "padded", "arrow", "arrow-multi", "arrow-str"],
)
def test_empty_batch_returns_empty_arrays(preds, refs):
    result = R(preds, refs, rouge_types=TYPES)
    assert list(result) == TYPES
    for name in TYPES:
        s = result[name]
        for arr in (s.precision, s.recall, s.fmeasure):
            assert arr.shape == (0,) and arr.dtype == np.float64
        assert s.statistics.shape == (0, 3) and s.statistics.dtype == np.int64


def test_empty_batch_core():
    out = _core.rouge_ids(i32(), i64(0), i32(), i64(0), i64(0), CODES, -1, 2)
    assert out.shape == (0, 4, 3) and out.dtype == np.int64


def test_empty_rows():
    result = R([[], [1, 2], [], [3]], [[], [], [1, 2], [3, 3]], rouge_types=TYPES)
    want = {  # (hits, pred total, ref total), hand-worked
        "rouge1": [[0, 0, 0], [0, 2, 0], [0, 0, 2], [1, 1, 2]],
        "rouge2": [[0, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]],
        "rougeL": [[0, 0, 0], [0, 2, 0], [0, 0, 2], [1, 1, 2]],
        "rougeLsum": [[0, 0, 0], [0, 2, 0], [0, 0, 2], [1, 1, 2]],
    }
    for name in TYPES:
        assert result[name].statistics.tolist() == want[name], name
        assert result[name].fmeasure[:3].tolist() == [0.0, 0.0, 0.0]
    assert result["rouge1"].precision[3] == 1.0 and result["rouge1"].recall[3] == 0.5
    # empty texts too
    text = R(["", "a"], ["a", ""], rouge_types=TYPES)
    for name in TYPES:
        assert text[name].fmeasure.tolist() == [0.0, 0.0]


def test_ids_zero_and_int32_max():
    M = INT32_MAX
    pred, ref = [0, M, 0], [M, 0]
    want = {"rouge1": [2, 3, 2], "rouge2": [1, 2, 1], "rougeL": [2, 3, 2], "rougeLsum": [2, 3, 2]}
    routes = {
        "lists": (lambda: ([pred], [ref])),
        "numpy int64 rows": (lambda: ([np.array(pred, np.int64)], [np.array(ref, np.int64)])),
        "numpy uint32 rows": (lambda: ([np.array(pred, np.uint32)], [np.array(ref, np.uint32)])),
        "TokenBatch int64": (lambda: (TokenBatch(np.array(pred, np.int64), [0, 3]),
                                      TokenBatch(np.array(ref, np.int64), [0, 2]))),
        "padded": (lambda: (TokenBatch.from_padded(np.array([pred], np.int64), pad_id=-1),
                            TokenBatch.from_padded(np.array([ref + [5]], np.int64), lengths=[2]))),
        "arrow int64": (lambda: (pa.array([pred], type=pa.list_(pa.int64())),
                                 pa.array([ref], type=pa.list_(pa.uint32())))),
    }
    for label, make in routes.items():
        result = R(*make(), rouge_types=TYPES)
        for name in TYPES:
            assert result[name].statistics[0].tolist() == want[name], (label, name)
    # M and 0 as neighbours of M - 1 and 1: no aliasing
    got = R([[M, 0]], [[M - 1, 1]], rouge_types=["rouge1"])["rouge1"].statistics
    assert got.tolist() == [[0, 2, 2]]


@pytest.mark.parametrize("dtype", [np.int64, np.uint64, np.int32, np.int16, np.uint8])
def test_numpy_rows_within_range(dtype):
    preds = [[1, 2, 3, 2], [5], []]
    refs = [[2, 3, 1], [5, 5], [7]]
    want = R(preds, refs, rouge_types=TYPES)
    got = R([np.array(p, dtype) for p in preds], [np.array(r, dtype) for r in refs], rouge_types=TYPES)
    for name in TYPES:
        assert got[name].statistics.tolist() == want[name].statistics.tolist()
    exp = oracle.batch_stats(preds, refs, [0, 1, 2, 3], CODES)
    for t, name in enumerate(TYPES):
        assert got[name].statistics.tolist() == [list(row[t]) for row in exp]


PREDS = [[1, 2, 3], [4, 5], [1, 1, 2], [], [7, 8, 9, 7], [2, 2]]
REFS = [[1, 3], [5, 4], [1, 2, 2], [3], [7, 9, 8, 7, 7], [2]]


def _stats(result):
    return {name: result[name].statistics.tolist() for name in result}


def test_token_batch_slices_match_unsliced():
    full = _stats(R(PREDS, REFS, rouge_types=TYPES))
    p, r = TokenBatch.from_lists(PREDS), TokenBatch.from_lists(REFS)
    for start, stop in [(0, 6), (1, 4), (2, 5), (5, 6), (3, 3)]:
        ps, rs = p.slice(start, stop), r.slice(start, stop)
        assert ps.offsets[0] == p.offsets[start]
        got = _stats(R(ps, rs, rouge_types=TYPES))
        assert got == {k: v[start:stop] for k, v in full.items()}, (start, stop)
    # built directly with offsets[0] > 0 and unused ids around the rows (even invalid ones)
    ids = np.array([-1, 99, 4, 5, 1, 1, 2, 2**40], dtype=np.int64)
    direct = TokenBatch(ids, [2, 4, 7])
    assert direct.to_lists() == [[4, 5], [1, 1, 2]]
    got = _stats(R(direct, TokenBatch.from_lists(REFS[1:3]), rouge_types=TYPES))
    assert got == {k: v[1:3] for k, v in full.items()}
    # and the oracle agrees with the unsliced numbers
    exp = oracle.batch_stats(PREDS, REFS, list(range(7)), CODES)
    for t, name in enumerate(TYPES):
        assert full[name] == [list(row[t]) for row in exp]


def test_arrow_slices_match_unsliced():
    full = _stats(R(PREDS, REFS, rouge_types=TYPES))
    ap, ar = pa.array(PREDS), pa.array(REFS, type=pa.large_list(pa.int64()))
    for start, length in [(0, 6), (1, 3), (2, 3), (5, 1), (3, 0)]:
        ps, rs = ap.slice(start, length), ar.slice(start, length)
        assert ps.offsets[0].as_py() == sum(len(x) for x in PREDS[:start])   # absolute offsets
        got = _stats(R(ps, rs, rouge_types=TYPES))
        assert got == {k: v[start:start + length] for k, v in full.items()}, (start, length)
        assert TokenBatch.from_arrow(ps).to_lists() == PREDS[start:start + length]
    # chunked arrays
    chunked = pa.chunked_array([ap.slice(0, 2), ap.slice(2)])
    assert _stats(R(chunked, REFS, rouge_types=TYPES)) == full
    # values array that is itself a slice
    values = pa.array([9, 9, 1, 2, 3, 4], pa.int64()).slice(2)
    la = pa.ListArray.from_arrays(pa.array([0, 2, 4], pa.int32()), values)
    assert TokenBatch.from_arrow(la).to_lists() == [[1, 2], [3, 4]]
    assert TokenBatch.from_arrow(la.slice(1)).to_lists() == [[3, 4]]


def test_arrow_sliced_multi_reference_matches_unsliced():
    groups = [[[1, 2], [3]], [[4]], [[1, 1], [2], [5]], [[9]]]
    preds = [[1, 2], [4], [1, 2], [8]]
    full = R(preds, groups, rouge_types=TYPES)
    arr = pa.array(groups, type=pa.list_(pa.list_(pa.int64())))
    for start, length in [(1, 2), (2, 2), (0, 4)]:
        got = R(preds[start:start + length], arr.slice(start, length), rouge_types=TYPES)
        for name in TYPES:
            assert got[name].statistics.tolist() == full[name].statistics[start:start + length].tolist()
            assert got[name].reference_index.tolist() == full[name].reference_index[start:start + length].tolist()


def test_arrow_slice_ignores_invalid_ids_outside_the_slice():
    arr = pa.array([[-5, 2**40], [1, 2], [3]], type=pa.list_(pa.int64())).slice(1)
    assert TokenBatch.from_arrow(arr).to_lists() == [[1, 2], [3]]
    assert R(arr, [[1, 2], [3]], rouge_types=["rouge1"])["rouge1"].statistics.tolist() == [[2, 2, 2], [1, 1, 1]]


def test_arrow_slice_ignores_nulls_outside_the_slice():
    arr = pa.array([[None], [1, 2], [3]]).slice(1)
    assert arr.null_count == 0 and arr.to_pylist() == [[1, 2], [3]]
    assert TokenBatch.from_arrow(arr).to_lists() == [[1, 2], [3]]


def test_pickle_token_batch_round_trips():
    batches = [
        TokenBatch.from_lists([[1, 2], [], [3, INT32_MAX]]),
        TokenBatch.from_lists(PREDS).slice(2, 5),
        TokenBatch.from_arrow(pa.array(PREDS).slice(1, 3)),
        TokenBatch.from_padded(np.array([[1, 0, 0], [2, 3, 0]]), pad_id=0),
        TokenBatch.from_lists([]),
    ]
    for batch in batches:
        clone = pickle.loads(pickle.dumps(batch))
        assert isinstance(clone, TokenBatch)
        assert clone.to_lists() == batch.to_lists()
        assert clone == batch
        assert clone.ids.dtype == np.int32 and clone.offsets.dtype == np.int64


@pytest.mark.parametrize("how", ["lists", "slice", "arrow", "padded"])
def test_unpickled_token_batch_can_be_scored(how):
    batch = {
        "lists": lambda: TokenBatch.from_lists(PREDS),
        "slice": lambda: TokenBatch.from_lists(PREDS).slice(1, 5),
        "arrow": lambda: TokenBatch.from_arrow(pa.array(PREDS).slice(2)),
        "padded": lambda: TokenBatch.from_padded(np.array([[1, 0, 0], [2, 3, 0]]), pad_id=0),
    }[how]()
    clone = pickle.loads(pickle.dumps(batch))
    assert _stats(R(clone, clone, rouge_types=TYPES)) == _stats(R(batch, batch, rouge_types=TYPES))


def test_core_accepts_equal_dtype_objects():
    ids = pickle.loads(pickle.dumps(i32(1, 2, 3)))
    offsets = pickle.loads(pickle.dumps(i64(0, 2, 3)))
    assert ids.dtype == np.int32 and ids.dtype.isnative
    got = core_call(pred_ids=ids, pred_offsets=offsets)
    assert got.tolist() == core_call().tolist()


def test_pickle_rouge_result_round_trips():
    groups = [[[1, 2], [3]], [[4]], [[1, 1], [2], [5]]]
    for result in (R([[1, 2], [4], [1, 2]], groups, rouge_types=TYPES),
                   R(PREDS, REFS, rouge_types=TYPES),
                   R([[1, 2]], [[[1], [2]]], multi_reference="mean", rouge_types=["rouge1"]),
                   R([], [], rouge_types=TYPES)):
        clone = pickle.loads(pickle.dumps(result))
        assert list(clone) == list(result)
        for name in result:
            a, b = result[name], clone[name]
            for attr in ("precision", "recall", "fmeasure", "statistics", "reference_index"):
                x, y = getattr(a, attr), getattr(b, attr)
                assert (x is None and y is None) or (x.dtype == y.dtype and x.tobytes() == y.tobytes()), (name, attr)


def test_padding_with_negative_pad_id_works():
    """HF label tensors pad with -100: dropped by pad_id, excluded by lengths or mask."""
    arr = np.array([[5, 6, -100], [7, -100, -100]])
    want = [[5, 6], [7]]
    assert TokenBatch.from_padded(arr, pad_id=-100).to_lists() == want
    assert TokenBatch.from_padded(arr, lengths=[2, 1]).to_lists() == want
    assert TokenBatch.from_padded(arr, mask=arr != -100).to_lists() == want


@pytest.mark.parametrize("value", [True, False, 1, 0, np.True_, np.False_])
def test_boolean_options_by_truth(value):
    """Every boolean option takes a bool, a numpy bool or 0 / 1 (no leaked pybind11 'incompatible
    function arguments'); anything else raises (issue 18, tests/test_bad_input_api.py)."""
    expected = ngramkit.rouge(["running"], ["run"], ["rouge1"], use_stemmer=bool(value))["rouge1"].fmeasure
    got = ngramkit.rouge(["running"], ["run"], ["rouge1"], use_stemmer=value)["rouge1"].fmeasure
    assert got.tolist() == expected.tolist()
    assert ngramkit.bleu(["A b"], ["a b"], lowercase=value).score == ngramkit.bleu(["A b"], ["a b"],
                                                                                    lowercase=bool(value)).score


@pytest.mark.parametrize("threads", [1.5, "2", True])
def test_threads_wrong_type_is_type_error(threads):
    with pytest.raises(TypeError, match="threads"):
        ngramkit.rouge(["a"], ["a"], threads=threads)
    with pytest.raises(TypeError, match="threads"):
        ngramkit.bleu(["a"], ["a"], threads=threads)


# issue 8 item 4: a pyarrow list<string> / list<list<int>> reference column names the prediction
# and the reference (as the list path does), not the flat index.
@pytest.mark.parametrize(
    "preds,refs,exc,where",
    [
        (["a"], [["a", None]], TypeError, r"references\[0\]\[1\]: expected str"),
        (["a", "b"], [["a"], ["b", "c", None]], TypeError, r"references\[1\]\[2\]: expected str"),
        ([[1]], [[[1], None]], ValueError, r"references\[0\]\[1\]: null"),
        ([[1], [2]], [[[1]], [[2], [3, None]]], ValueError, r"references\[1\]\[1\]\[1\]: null token id"),
    ],
)
def test_arrow_reference_column_errors_name_the_reference(preds, refs, exc, where):
    with pytest.raises(exc, match=where):
        R(preds, pa.array(refs))
    if exc is TypeError:  # the list path says the same
        with pytest.raises(exc, match=where):
            R(preds, refs)


def test_arrow_reference_column_error_location_in_a_slice():
    refs = pa.array([[[9, None]], [[1]], [[2], [], [3, 3, None]]]).slice(1)  # the null before the slice is ignored
    with pytest.raises(ValueError, match=r"references\[1\]\[2\]\[2\]: null token id"):
        R([[1], [2]], refs)
    texts = pa.array([[None], ["a"], ["b", None]]).slice(1)
    with pytest.raises(TypeError, match=r"references\[1\]\[1\]"):
        R(["a", "b"], texts)


# issue 8 item 5: several references given as numpy string arrays are texts, as lists of str are.
def test_numpy_string_arrays_as_several_references():
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    sacrebleu = pytest.importorskip("sacrebleu")
    preds = ["the cat sat", "a dog barked loudly"]
    refs = [["the cat sat down", "a cat sat"], ["the dog barked", "dogs bark", "a dog barked"]]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"])
    expected = [scorer.score_multi(r, p) for p, r in zip(preds, refs)]
    for layout in ([np.array(r) for r in refs], [np.array(r, dtype=object) for r in refs],
                   [np.array(refs[0]), refs[1]]):
        got = R(preds, layout, ["rouge1", "rougeL"])
        for name in ("rouge1", "rougeL"):
            assert [tuple(got[name][i]) for i in range(2)] == [tuple(e[name]) for e in expected]
    square = [["the cat sat down", "a cat sat"], ["the dog barked", "dogs bark"]]
    got = R(preds, np.array(square), ["rouge1"])  # 2-D str array: one row of references per prediction
    assert [tuple(got["rouge1"][i]) for i in range(2)] == [
        tuple(scorer.score_multi(r, p)["rouge1"]) for p, r in zip(preds, square)]
    streams = [list(s) for s in zip(*square)]
    assert ngramkit.bleu(preds, np.array(square)).score == sacrebleu.corpus_bleu(preds, streams).score
    assert ngramkit.chrf(preds, np.array(square)).score == sacrebleu.corpus_chrf(preds, streams).score


@pytest.mark.parametrize("item,exc,where", [
    (np.array([b"abc"]), TypeError, r"references\[0\]: expected texts \(str\), got a numpy bytes array"),
    (np.array([["abc"]]), ValueError, r"references\[0\]: expected a 1-D array of reference texts"),
])
def test_numpy_reference_item_errors(item, exc, where):
    with pytest.raises(exc, match=where):
        R(["abc"], [item])
