"""The bad-input matrix: every public scoring function x every kind of bad argument, each with one
exception type and a message that names the argument (issue 8). Nothing crashes, nothing scores."""
from __future__ import annotations

import math

import numpy as np
import pytest

import ngramkit

# (function, name of its first argument, whether token ids are accepted)
FUNCTIONS = {
    "rouge": (ngramkit.rouge, "predictions", True),
    "bleu": (ngramkit.bleu, "hypotheses", True),
    "sentence_bleu": (ngramkit.sentence_bleu, "hypotheses", True),
    "chrf": (ngramkit.chrf, "hypotheses", False),
    "sentence_chrf": (ngramkit.sentence_chrf, "hypotheses", False),
}
GOOD_PREDICTIONS = ["the cat sat", "a dog"]
GOOD_REFERENCES = ["the cat sat down", "the dog"]

# (label, predictions, references, exception, which argument the message names)
BAD_LAYOUTS = [
    ("predictions None", None, GOOD_REFERENCES, TypeError, "{first}"),
    ("predictions a str", "the cat", GOOD_REFERENCES, TypeError, "{first}"),
    ("predictions an int", 5, GOOD_REFERENCES, TypeError, "{first}"),
    ("predictions a dict", {"a": 1}, GOOD_REFERENCES, TypeError, "{first}"),
    ("None item", ["the cat", None], GOOD_REFERENCES, TypeError, r"{first}\[1\]"),
    ("float item", ["the cat", 1.5], GOOD_REFERENCES, TypeError, r"{first}\[1\]"),
    ("bytes item", ["the cat", b"a dog"], GOOD_REFERENCES, TypeError, r"{first}\[1\]"),
    ("references None", GOOD_PREDICTIONS, None, TypeError, "references"),
    ("references a str", GOOD_PREDICTIONS, "the cat", TypeError, "references"),
    ("reference None item", GOOD_PREDICTIONS, ["the cat", None], TypeError, r"references\[1\]"),
    ("reference float item", GOOD_PREDICTIONS, ["the cat", 2.0], TypeError, r"references\[1\]"),
    ("nested None reference", GOOD_PREDICTIONS, [["a", None], ["b"]], TypeError, r"references\[0\]\[1\]"),
    ("empty reference list", GOOD_PREDICTIONS, [["a"], []], ValueError, r"references\[1\]"),
    ("fewer references", GOOD_PREDICTIONS, ["a"], ValueError, "differ in length"),
    ("more references", GOOD_PREDICTIONS, ["a", "b", "c"], ValueError, "differ in length"),
    ("no predictions", [], ["a"], ValueError, "differ in length"),
    ("text vs ids", GOOD_PREDICTIONS, [[1, 2], [3]], TypeError, "token ids"),
]

BAD_IDS = [
    ("negative id", [[1, -2]], [[1, 2]], ValueError, "negative"),
    ("id beyond int32", [[1, 2**31]], [[1, 2]], ValueError, "int32"),
    ("bool id", [[1, True]], [[1, 2]], TypeError, r"\[0\]\[1\]"),
    ("float id", [[1, 2.0]], [[1, 2]], TypeError, r"\[0\]\[1\]"),
    ("float array", [np.array([1.0, 2.0])], [[1, 2]], TypeError, r"\[0\]"),
    ("2-D numpy", np.zeros((2, 3), dtype=np.int64), [[1], [2]], TypeError, "2-D"),
]

BAD_THREADS = [(0, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError), ("2", TypeError),
               (float("nan"), TypeError), (np.float64(2.0), TypeError)]


@pytest.mark.parametrize("function", list(FUNCTIONS))
@pytest.mark.parametrize("label,preds,refs,exc,names", BAD_LAYOUTS, ids=[b[0] for b in BAD_LAYOUTS])
def test_bad_layouts(function, label, preds, refs, exc, names):
    fn, first, _ = FUNCTIONS[function]
    if label == "text vs ids" and function.endswith("chrf"):
        names = "token ids|characters"
    with pytest.raises(exc, match=names.format(first=first)):
        fn(preds, refs)


@pytest.mark.parametrize("function", [f for f, (_, _, ids) in FUNCTIONS.items() if ids])
@pytest.mark.parametrize("label,preds,refs,exc,match", BAD_IDS, ids=[b[0] for b in BAD_IDS])
def test_bad_token_ids(function, label, preds, refs, exc, match):
    fn, _, _ = FUNCTIONS[function]
    with pytest.raises(exc, match=match):
        fn(preds, refs)


@pytest.mark.parametrize("function", [f for f, (_, _, ids) in FUNCTIONS.items() if not ids])
def test_text_only_metrics_reject_ids(function):
    fn, _, _ = FUNCTIONS[function]
    with pytest.raises(TypeError, match="chrF is defined on characters"):
        fn([[1, 2]], [[1, 2]])
    with pytest.raises(TypeError, match="chrF is defined on characters"):
        fn(ngramkit.TokenBatch.from_lists([[1, 2]]), [[1, 2]])


@pytest.mark.parametrize("function", list(FUNCTIONS))
@pytest.mark.parametrize("threads,exc", BAD_THREADS, ids=[repr(t) for t, _ in BAD_THREADS])
def test_bad_threads(function, threads, exc):
    fn, _, _ = FUNCTIONS[function]
    with pytest.raises(exc, match="^threads"):
        fn(GOOD_PREDICTIONS, GOOD_REFERENCES, threads=threads)


BLEU_OPTIONS = [
    ("max_ngram_order", True, TypeError), ("max_ngram_order", 2.0, TypeError), ("max_ngram_order", "4", TypeError),
    ("max_ngram_order", 0, ValueError), ("max_ngram_order", -1, ValueError), ("max_ngram_order", 10**9, ValueError),
    ("max_ngram_order", None, TypeError),
    ("smooth_method", "add-one", ValueError), ("smooth_method", None, TypeError), ("smooth_method", 3, TypeError),
    ("smooth_value", float("nan"), ValueError), ("smooth_value", -0.1, ValueError), ("smooth_value", math.inf, ValueError),
    ("smooth_value", "0.1", TypeError), ("smooth_value", True, TypeError),
    ("tokenize", "13b", ValueError), ("tokenize", 13, TypeError), ("tokenize", "", ValueError),
]


@pytest.mark.parametrize("function", ["bleu", "sentence_bleu"])
@pytest.mark.parametrize("option,value,exc", BLEU_OPTIONS, ids=[f"{o}={v!r}" for o, v, _ in BLEU_OPTIONS])
def test_bad_bleu_options(function, option, value, exc):
    fn, _, _ = FUNCTIONS[function]
    kwargs = {option: value}
    if option == "smooth_value":
        kwargs["smooth_method"] = "floor"
    with pytest.raises(exc, match=f"^{option}"):
        fn(GOOD_PREDICTIONS, GOOD_REFERENCES, **kwargs)


CHRF_OPTIONS = [
    ("char_order", True, TypeError), ("char_order", 6.0, TypeError), ("char_order", -1, ValueError),
    ("char_order", 10**6, ValueError), ("char_order", None, TypeError),
    ("word_order", False, TypeError), ("word_order", -2, ValueError), ("word_order", "2", TypeError),
    ("beta", float("nan"), ValueError), ("beta", -1, ValueError), ("beta", math.inf, ValueError),
    ("beta", "2", TypeError), ("beta", True, TypeError), ("beta", None, TypeError),
]


@pytest.mark.parametrize("function", ["chrf", "sentence_chrf"])
@pytest.mark.parametrize("option,value,exc", CHRF_OPTIONS, ids=[f"{o}={v!r}" for o, v, _ in CHRF_OPTIONS])
def test_bad_chrf_options(function, option, value, exc):
    fn, _, _ = FUNCTIONS[function]
    with pytest.raises(exc, match=f"^{option}"):
        fn(GOOD_PREDICTIONS, GOOD_REFERENCES, **{option: value})


@pytest.mark.parametrize("function", list(FUNCTIONS))
def test_empty_inputs_are_fine(function):
    fn, _, _ = FUNCTIONS[function]
    result = fn([], [])
    if isinstance(result, np.ndarray):
        assert result.shape == (0,)


@pytest.mark.parametrize("function", ["bleu", "sentence_bleu", "chrf", "sentence_chrf"])
def test_huge_text_is_scored_not_crashed(function):
    fn, _, _ = FUNCTIONS[function]
    big = "word " * 200_000
    out = fn([big], [big + "more"])
    assert float(np.asarray(getattr(out, "score", out)).ravel()[0]) > 99


# --------------------------------------------------------------------------------------------
# the command line: one clear line on stderr, exit status 2, never a traceback
# --------------------------------------------------------------------------------------------
def run_cli(*args, cwd):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "ngramkit", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "p.txt").write_text("a b\nc d\n")
    (tmp_path / "r.txt").write_text("a c\nc d\n")
    (tmp_path / "short.txt").write_text("a c\n")
    (tmp_path / "bad.txt").write_bytes(b"fine\n\xff\xfe\n")
    (tmp_path / "empty.txt").write_text("")
    return tmp_path


CLI_CASES = [
    (["rouge", "-p", "missing.txt", "-r", "r.txt"], "missing.txt: cannot read"),
    (["rouge", "-p", ".", "-r", "r.txt"], "is a directory"),
    (["rouge", "-p", "bad.txt", "-r", "r.txt"], "bad.txt: line 2: not valid UTF-8"),
    (["rouge", "-p", "p.txt", "-r", "short.txt"], "short.txt has 1 lines but p.txt has 2"),
    (["rouge", "-p", "p.txt", "-r", "r.txt", "--bootstrap", "-5"], "--bootstrap"),
    (["rouge", "-p", "p.txt", "-r", "r.txt", "--seed", "-1"], "--seed"),
    (["rouge", "-p", "p.txt", "-r", "r.txt", "--threads", "0"], "threads"),
    (["rouge", "-p", "p.txt", "-r", "r.txt", "--threads", "x"], "--threads"),
    (["rouge", "-p", "p.txt", "-r", "r.txt", "--rouge-types", "rouge0"], "rouge0"),
    (["rouge", "-p", "empty.txt", "-r", "empty.txt", "--bootstrap", "100"], "no pairs"),
    (["nosuch"], "invalid choice"),
]


@pytest.mark.parametrize("args,message", CLI_CASES, ids=[" ".join(a) for a, _ in CLI_CASES])
def test_cli_errors(files, args, message):
    done = run_cli(*args, cwd=files)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_line_rules(files):
    """A line ends in \\n; \\r\\n is one break; a lone \\r is text; a file of one \\n is one line."""
    (files / "nl.txt").write_text("\n")
    (files / "cr.txt").write_bytes(b"x\ry\r\nz")
    (files / "two.txt").write_text("x y\nz\n")
    assert run_cli("rouge", "-p", "nl.txt", "-r", "nl.txt", "--json", cwd=files).stdout.count('"pairs": 1') == 1
    done = run_cli("rouge", "-p", "cr.txt", "-r", "two.txt", "--json", cwd=files)
    assert done.returncode == 0 and '"pairs": 2' in done.stdout
