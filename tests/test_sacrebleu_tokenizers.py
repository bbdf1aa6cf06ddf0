"""The C++ sacrebleu tokenizers against sacrebleu's own tokenizer objects.

Expected output is always ``" ".join(tok(line).split())`` computed by sacrebleu at test time:
the shared corpora, every Unicode code point in several contexts, exhaustive short strings
over the characters the regex passes care about, adversarial lines and random strings.
"""
from __future__ import annotations

import concurrent.futures
import itertools
import multiprocessing
import os
import random
import string

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ngramkit import _core
from ngramkit.ingest.inputs import text_buffers

from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a
from sacrebleu.tokenizers.tokenizer_char import TokenizerChar
from sacrebleu.tokenizers.tokenizer_intl import TokenizerV14International
from sacrebleu.tokenizers.tokenizer_none import NoneTokenizer
from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh

KINDS = {"none": 0, "13a": 1, "intl": 2, "char": 3, "zh": 4}
_CLASSES = {"none": NoneTokenizer, "13a": Tokenizer13a, "intl": TokenizerV14International, "char": TokenizerChar,
            "zh": TokenizerZh}
_TOKENIZERS: dict = {}

PY_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]
NOT_SPACES = ["\u200b", "\ufeff", "\u180e", "\u2060", "\x00", "\x7f"]


def sacre(name: str):
    if name not in _TOKENIZERS:
        _TOKENIZERS[name] = _CLASSES[name]()
    return _TOKENIZERS[name]


def _expected_serial(name: str, lines: list[str]) -> list[str]:
    tok = sacre(name)
    return [" ".join(tok(line).split()) for line in lines]


_POOL: list = []


def _pool():
    """Two worker processes for sacrebleu (its regex passes cost ~2-5 us per match in Python)."""
    if not _POOL:
        workers = min(2, os.cpu_count() or 1)
        if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
            _POOL.append(None)
        else:
            _POOL.append(concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")))
    return _POOL[0]


@pytest.fixture(scope="module", autouse=True)
def _shutdown_pool():
    yield
    if _POOL and _POOL[0] is not None:
        _POOL[0].shutdown()
    _POOL.clear()


def expected(name: str, lines: list[str]) -> list[str]:
    """sacrebleu's tokenization of every line, joined by single spaces."""
    pool = _pool() if len(lines) > 2000 else None
    if pool is None:
        return _expected_serial(name, lines)
    parts = [lines[i::8] for i in range(8)]
    results = list(pool.map(_expected_serial, [name] * 8, parts))
    out = [""] * len(lines)
    for i, res in enumerate(results):
        out[i::8] = res
    return out


def ours(name: str, lines: list[str]) -> list[str]:
    data, offsets = text_buffers(lines, "texts")
    return _core.sacrebleu_tokenize(data, offsets, KINDS[name])


def assert_same(name: str, lines: list[str]) -> None:
    got = ours(name, lines)
    want = expected(name, lines)
    assert len(got) == len(lines)
    bad = [i for i in range(len(lines)) if got[i] != want[i]]
    if bad:
        i = bad[0]
        pytest.fail(f"{name}: {len(bad)} of {len(lines)} lines differ; first {lines[i]!r}: "
                    f"sacrebleu {want[i]!r}, ngramkit {got[i]!r}")


all_kinds = pytest.mark.parametrize("name", list(KINDS))


# ---------------------------------------------------------------------------------------------
# Real data

def _shared_text_lines(root) -> list[str]:
    lines = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        try:
            lines.extend(path.read_text(encoding="utf-8").split("\n"))
        except UnicodeDecodeError:
            continue
    return lines


@pytest.fixture(scope="module")
def shared_lines(shared_data):
    lines = _shared_text_lines(shared_data)
    assert len(lines) > 10_000
    return lines


@all_kinds
def test_shared_data(name, shared_lines):
    """Every line of every file (zh: every 2nd line with a CJK character and every 8th other line;
    sacrebleu's zh costs ~1 us per character)."""
    if name == "zh":
        shared_lines = [line for i, line in enumerate(shared_lines)
                        if i % 8 == 0 or (i % 2 == 0 and any("\u3000" <= c <= "\u9fff" for c in line))]
    assert_same(name, shared_lines)


@all_kinds
def test_shared_data_as_bleu_sees_it(name, shared_lines):
    """sacrebleu's BLEU hands the tokenizer rstripped (and for lowercase=True lowercased) lines."""
    assert_same(name, [line.rstrip() for line in shared_lines[::10]])
    assert_same(name, [line.lower().rstrip() for line in shared_lines[5::10]])


# ---------------------------------------------------------------------------------------------
# Every code point

# A template (prefix, suffix) puts every code point of a chunk between them and concatenates the
# results into one line, so each line tests 512 code points in that context and next to each other.
# Contexts that make the regex passes match at every code point cost sacrebleu microseconds each,
# so they run over planes 0, 1 and 14 (every code point of the other planes is an ideograph,
# private use or unassigned: no \p{N}, \p{P}, \p{S} or whitespace); zh's R1..R4 are 13a's, and
# its own step (_is_chinese_char) is covered for every code point by the "{}" context.
CHUNK = 512
ALL = ((0, 0x110000),)
PLANES_0_1_14 = ((0, 0x20000), (0xE0000, 0xE1000))
CHEAP = (("", ""), ("a", "b"), ("1", "2"), ("1", "-"))
MATCHING = (("", ".1"), ("1.", ""))
SWEEPS = {
    "none": ((CHEAP[:2], ALL),),
    "char": ((CHEAP[:2], ALL),),
    "13a": ((CHEAP, ALL), (MATCHING, PLANES_0_1_14)),
    "intl": ((CHEAP, ALL), (MATCHING, PLANES_0_1_14)),
    "zh": ((CHEAP[:1], ALL), (CHEAP[1:] + MATCHING, ((0, 0x10000),))),
}
# a line of one code point
ALONE = [chr(c) for lo, hi in ((0, 0x10000), (0x1D400, 0x1D800), (0x1F000, 0x1FC00), (0xE0000, 0xE0080))
         for c in range(lo, hi)]


def sweep_lines(name: str) -> list[str]:
    lines = []
    for templates, ranges in SWEEPS[name]:
        for lo, hi in ranges:
            for start in range(lo, hi, CHUNK):
                chars = [chr(c) for c in range(start, min(hi, start + CHUNK))]
                lines.extend(pre + (post + pre).join(chars) + post for pre, post in templates)
    return lines


@all_kinds
def test_every_code_point(name):
    assert_same(name, sweep_lines(name))


@all_kinds
def test_every_code_point_alone(name):
    assert_same(name, ALONE)


# ---------------------------------------------------------------------------------------------
# Exhaustive short strings and adversarial lines

SHORT_ALPHABETS = {
    "13a": "1.,-a (&\n",
    "zh": "1.,-a \u4e00\u3002\u2001",
    "intl": "1.,a $\u0663\u2014\u00bd",
    "char": "a \u4e00\u3000",
    "none": "a \u3000\x1c",
}


@all_kinds
def test_all_short_strings(name):
    """Every string of length <= 5 over characters that matter to the tokenizer's regex passes."""
    alphabet = SHORT_ALPHABETS[name]
    lines = ["".join(p) for n in range(6) for p in itertools.product(alphabet, repeat=n)]
    assert_same(name, lines)


ADVERSARIAL = [
    "",
    " ",
    "\n",
    "\r",
    "\r\n",
    "-\n",
    "a-\nb",
    "a -\n b",
    "--\n\n",
    "-<skipped>\nx",
    "<skipped>",
    "a<skipped>b",
    "<skip<skipped>ped>",
    "<SKIPPED> < skipped >",
    "&quot;&amp;&lt;&gt;&apos;&amp;quot;",
    "&amp;lt; &amp;gt; &amp;amp; &amp;amp;quot; &&amp; &am&amp;p; &lt;skipped&gt;",
    "&quot &quot;; &#39; &nbsp; AT&T R&D",
    "&amp;quot;&quot;quot;",
    "1.2,3-4 1-2-3 -1 1- 1.-2 1,-2 1-.2 .5 5. ,5 5, 1.2.3 1,,2 1..2 a.,b a,.b ..., ,,, ---",
    "U.S.A. e.g., i.e. 3.14 1,000,000.00 -3.5 (1.5) $1.5 1.5% 50-50 x-1 1-x",
    "Hello, world. This is a test... Really?! \"Yes\" - she said; ok: fine/good [1] {2} <3> `4` ~5 @6 #7 ^8 _9 |10",
    "\t\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0 mixed\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\u1680 spaces",
    "".join(PY_SPACES),
    "a" + "a".join(PY_SPACES) + "a",
    "1" + "1".join(PY_SPACES) + ".",
    "." + ".".join(PY_SPACES) + ",",
    "a\u200bb\ufeffc\u180ed\u2060e",
    "\ud800",
    "a\ud800b\udfffc",
    "\udc80.\ud83d,1\udfff-2",
    "\U0001f600\U0001f600.\U0001f600,1",
    "\u4e2d\u6587\uff0c\u6d4b\u8bd5\u3002 \u65e5\u672c\u8a9e\u3067\u3059\u3002 \ud55c\uad6d\uc5b4\uc785\ub2c8\ub2e4.",
    "\u2026\u201c\u201d\u2018\u2019\u00ab\u00bb\u2013\u2014\u00b7\u2022\u00a9\u00ae\u2122\u20ac\u00a3",
    "\u0663\u0664.\u0665 \u00bd.5 \u2167. \uff11\uff0e\uff12",
    " .leading and trailing. ",
    "\u3000.zh strip\u3000 ",
    "1.",
    "a.",
    ".",
    ",",
    "-",
    "1-",
    "\x00\x01\x7f",
]


@all_kinds
def test_adversarial_lines(name):
    assert_same(name, ADVERSARIAL)
    assert_same(name, [a + b for a in ADVERSARIAL for b in ADVERSARIAL[::3]])


@all_kinds
def test_every_whitespace_code_point(name):
    lines = [tpl.format(s) for s in PY_SPACES + NOT_SPACES
             for tpl in ("{}", "a{}b", "{0}a{0}", "1{}.", ".{}1", "{}-\n", "\u4e00{}\u4e00", "${}$")]
    assert_same(name, lines)


@all_kinds
def test_ten_megabyte_line(name):
    # mostly 4-byte letters (no regex match): sacrebleu's zh loops over characters in Python
    unit = "\U00010400\U00010401\U00010402\ud55c " * 400 + "The quick fox, 1.5 km/h -- (over) 3-4 dogs. \u4e2d\u6587\u3002 caf\u00e9 "
    line = unit * (10_000_000 // len(unit.encode())) + "end."
    assert len(line.encode()) > 9_900_000
    assert ours(name, [line]) == [" ".join(sacre(name)(line).split())]


def test_buffer_without_rows():
    data, offsets = text_buffers([], "texts")
    assert _core.sacrebleu_tokenize(data, offsets, 1) == []


def test_unknown_kind():
    data, offsets = text_buffers(["a"], "texts")
    for kind in (-1, 5):
        with pytest.raises(ValueError, match="kind"):
            _core.sacrebleu_tokenize(data, offsets, kind)


def test_bad_buffers():
    data, offsets = text_buffers(["abc"], "texts")
    with pytest.raises((TypeError, ValueError), match="texts"):
        _core.sacrebleu_tokenize(data.astype(np.int16), offsets, 1)
    with pytest.raises(ValueError, match="texts"):
        _core.sacrebleu_tokenize(data, np.array([0, 4], dtype=np.int64), 1)
    with pytest.raises(ValueError, match="texts"):
        _core.sacrebleu_tokenize(data, np.array([2, 1], dtype=np.int64), 1)


@all_kinds
def test_arbitrary_bytes_do_not_crash(name):
    """Not Python str: no reference to compare with, but no crash and valid output."""
    rng = np.random.default_rng(0)
    data = rng.integers(0, 256, 200_000, dtype=np.uint8)
    data[rng.random(data.size) < 0.3] = ord(".")
    offsets = np.sort(np.concatenate([[0, data.size], rng.integers(0, data.size, 2000)])).astype(np.int64)
    out = _core.sacrebleu_tokenize(data, offsets, KINDS[name])
    assert len(out) == offsets.size - 1 and all(isinstance(s, str) for s in out)


# ---------------------------------------------------------------------------------------------
# Random strings

PIECES = (list(string.punctuation) + list(string.digits) * 2 + list("abcXYZ") * 2
          + list("\u4e00\u4e2d\u6587\u3002\uff0c\u3001\u300c\u300d\uff10\uff11")
          + [chr(c) for c in range(0x2000, 0x2070)]
          + PY_SPACES + NOT_SPACES
          + list("\u00a9\u00ae\u20ac\u00b0\u2211\u2264\u2713\u2605\U0001f600\u00bd\u00b2\u2167\u0663\u00e9\u00df")
          + ["&quot;", "&amp;", "&lt;", "&gt;", "&apos;", "<skipped>", "-\n", "\n", "\r", "\ud800", "\udfff"])


@all_kinds
def test_random_strings_seeded(name):
    rng = random.Random(20240531)
    lines = ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40))) for _ in range(8_000)]
    assert_same(name, lines)


@all_kinds
@settings(max_examples=150, deadline=None)
@given(lines=st.lists(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), min_size=1, max_size=20))
def test_random_strings_hypothesis(name, lines):
    assert_same(name, lines)
