"""The C++ Porter stemmer must agree with NLTK's PorterStemmer (NLTK_EXTENSIONS mode).

rouge-score 0.1.2 stems every token longer than 3 characters with
``nltk.stem.porter.PorterStemmer().stem``; ngramkit reimplements that stemmer in
``csrc/text/porter_stemmer.hpp`` and exposes it as ``ngramkit._core.porter_stem``.
"""

from __future__ import annotations

import re

import pytest

nltk_porter = pytest.importorskip("nltk.stem.porter")

from ngramkit import _core  # noqa: E402

from conftest import SHARED_DATA  # noqa: E402  (../shared/data, or $NGRAMKIT_SHARED_DATA)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@pytest.fixture(scope="module")
def nltk_stemmer():
    return nltk_porter.PorterStemmer()


def _pieces(word: str) -> list[str]:
    """Lowercase and split on anything outside [a-z0-9] (what rouge-score's tokenizer keeps)."""
    return [p for p in _NON_ALNUM.split(word.lower()) if p]


def _rouge_tokenize(text: str) -> list[str]:
    try:
        from rouge_score import tokenize
    except ImportError:  # same rule as rouge_score.tokenize.tokenize(text, None)
        return _pieces(text)
    return tokenize.tokenize(text, None)


def _mismatches(words, stemmer):
    bad = []
    for w in words:
        expected = stemmer.stem(w)
        got = _core.porter_stem(w)
        if got != expected:
            bad.append((w, expected, got))
    return bad


def _assert_all_match(words, stemmer, label):
    words = sorted(set(words))
    bad = _mismatches(words, stemmer)
    print(f"[porter] {label}: compared {len(words)} distinct words, {len(bad)} mismatches")
    assert not bad, f"{len(bad)} mismatches vs NLTK, e.g. (word, nltk, ours): {bad[:20]}"


def test_known_examples(nltk_stemmer):
    words = [
        # irregular forms and short words
        "sky", "skies", "dying", "lying", "tying", "news", "innings", "inning",
        "outings", "outing", "cannings", "canning", "howe", "proceed", "exceed",
        "succeed", "a", "ab", "y", "yy", "ow", "1", "42",
        # NLTK-specific rules
        "ties", "dies", "flies", "died", "spied", "happy", "enjoy", "spy",
        "radically", "hopefully", "archaeology", "geology", "rationally",
        # classic Porter examples
        "caresses", "ponies", "caress", "cats", "feed", "agreed", "plastered",
        "bled", "motoring", "sing", "conflated", "troubled", "sized", "hopping",
        "tanned", "falling", "hissing", "fizzed", "failing", "filing",
        "relational", "conditional", "rational", "valenci", "hesitanci",
        "digitizer", "conformabli", "radicalli", "differentli", "vileli",
        "analogousli", "vietnamization", "predication", "operator", "feudalism",
        "decisiveness", "hopefulness", "callousness", "formaliti",
        "sensitiviti", "sensibiliti", "triplicate", "formative", "formalize",
        "electriciti", "electrical", "hopeful", "goodness", "revival",
        "allowance", "inference", "airliner", "gyroscopic", "adjustable",
        "defensible", "irritant", "replacement", "adjustment", "dependent",
        "adoption", "homologou", "communism", "activate", "angulariti",
        "homologous", "effective", "bowdlerize", "probate", "rate", "cease",
        "controll", "roll", "generalizations",
        # digits, odd 'y' runs, long words
        "1990s", "covid19", "mp3s", "a1b2c3ing", "yyyy", "yyyyyyyyyyyyyyyy",
        "syzygy", "toy", "byyying",
        "antidisestablishmentarianism", "pneumonoultramicroscopicsilicovolcanoconiosis",
    ]
    _assert_all_match(words, nltk_stemmer, "known examples")


def test_empty_string():
    assert _core.porter_stem("") == ""


def test_english_words_web2(nltk_stemmer):
    english_words = pytest.importorskip("english_words")
    raw = english_words.get_english_words_set(["web2"], lower=True, alpha=False)
    words = set()
    for w in raw:
        words.update(_pieces(w))
    assert len(words) > 200_000
    _assert_all_match(words, nltk_stemmer, "english-words web2")


def test_shared_data_tokens(nltk_stemmer):
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    files = sorted(SHARED_DATA.glob("dialogsum/*.txt")) + sorted(
        SHARED_DATA.glob("realsumm/**/*.txt")
    )
    if not files:
        pytest.skip(f"no dialogsum/realsumm text files under {SHARED_DATA}")
    tokens = set()
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            tokens.update(_rouge_tokenize(line))
    assert tokens
    _assert_all_match(tokens, nltk_stemmer, f"shared-data tokens ({len(files)} files)")


try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover
    given = None

if given is not None:
    _ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
    # Small alphabet rich in vowels/'y' and the letters Porter's suffixes use,
    # to reach unusual rule combinations more often than uniform letters would.
    _DENSE = "aeiouybcdlstnzgm01"

    @settings(max_examples=1500, deadline=None)
    @given(
        st.one_of(
            st.text(alphabet=_ALNUM, min_size=1, max_size=15),
            st.text(alphabet=_DENSE, min_size=1, max_size=15),
        )
    )
    def test_random_strings_match_nltk(word):
        expected = nltk_porter.PorterStemmer().stem(word)
        assert _core.porter_stem(word) == expected, word
