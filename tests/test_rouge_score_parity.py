"""ngramkit.rouge and the drop-in RougeScorer against rouge-score 0.1.2 itself.

Every expected number here comes from calling rouge-score on the same input: no stored values.
"""
from __future__ import annotations

import random

import numpy as np
import pytest

import ngramkit
from ngramkit.compat.rouge_score import rouge_scorer as compat_scorer

rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
rs_tokenize = pytest.importorskip("rouge_score.tokenize")
rouge_tokenizers = pytest.importorskip("rouge_score.tokenizers")

ALL_TYPES = [f"rouge{n}" for n in range(1, 10)] + ["rougeL", "rougeLsum"]


def reference_scores(targets, predictions, types, use_stemmer=False):
    scorer = rouge_scorer.RougeScorer(types, use_stemmer=use_stemmer)
    return [scorer.score(t, p) for t, p in zip(targets, predictions)]


def assert_identical(result, expected, types, label=""):
    """Every P/R/F of every pair equal to rouge-score's float (==); returns the count compared."""
    compared = 0
    for name in types:
        s = result[name]
        for i, exp in enumerate(expected):
            got = (s.precision[i], s.recall[i], s.fmeasure[i])
            assert got == tuple(exp[name]), f"{label} pair {i} {name}: ngramkit {got} rouge-score {tuple(exp[name])}"
            compared += 3
    return compared


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_dialogsum_every_pair_every_type(dialogsum, use_stemmer):
    hyp, refs = dialogsum
    # the model output against each human summary, and the human summaries against each other
    predictions = hyp * 3 + refs[1] + refs[2]
    targets = refs[0] + refs[1] + refs[2] + refs[0] + refs[0]
    expected = reference_scores(targets, predictions, ALL_TYPES, use_stemmer)
    result = ngramkit.rouge(predictions, targets, ALL_TYPES, use_stemmer=use_stemmer)
    compared = assert_identical(result, expected, ALL_TYPES, "dialogsum")
    print(f"dialogsum stemmer={use_stemmer}: {compared} floats over {len(predictions)} pairs, all bit-identical")


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_dialogsum_token_ids_equal_text(dialogsum, use_stemmer):
    hyp, refs = dialogsum
    batch, _ = ngramkit.tokenize(hyp + refs[0], use_stemmer=use_stemmer, threads=2)
    from_ids = ngramkit.rouge(batch.slice(0, 500), batch.slice(500, 1000), ALL_TYPES[:9] + ["rougeL"])
    expected = reference_scores(refs[0], hyp, ALL_TYPES[:9] + ["rougeL"], use_stemmer)
    assert_identical(from_ids, expected, ALL_TYPES[:9] + ["rougeL"], "dialogsum ids")
    # the same ids as Python lists: converted while scored (_core.rouge_id_rows), on 1 and 3 threads
    rows = batch.to_lists()
    for threads in (1, 3):
        from_lists = ngramkit.rouge(rows[:500], rows[500:], ALL_TYPES[:9] + ["rougeL"], threads=threads)
        assert_identical(from_lists, expected, ALL_TYPES[:9] + ["rougeL"], "dialogsum id lists")


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_realsumm_multi_sentence_rougelsum(realsumm_pairs, use_stemmer):
    outs = [o for o, _ in realsumm_pairs]
    refs = [r for _, r in realsumm_pairs]
    types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    expected = reference_scores(refs, outs, types, use_stemmer)
    result = ngramkit.rouge(outs, refs, types, use_stemmer=use_stemmer)
    assert_identical(result, expected, types, "realsumm")
    lsum, lcs = result["rougeLsum"].fmeasure, result["rougeL"].fmeasure
    assert np.mean(lsum != lcs) > 0.3  # the data really exercises summary-level LCS (45% differ)


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_dialogsum_multi_reference_matches_score_multi(dialogsum, use_stemmer):
    hyp, refs = dialogsum
    types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    scorer = rouge_scorer.RougeScorer(types, use_stemmer=use_stemmer)
    expected = [scorer.score_multi([a, b, c], h) for h, a, b, c in zip(hyp, *refs)]
    references = [list(x) for x in zip(*refs)]
    result = ngramkit.rouge(hyp, references, types, use_stemmer=use_stemmer)
    assert_identical(result, expected, types, "multi-ref")
    drop_in = compat_scorer.RougeScorer(types, use_stemmer=use_stemmer)
    assert [drop_in.score_multi([a, b, c], h) for h, a, b, c in zip(hyp[:50], *[r[:50] for r in refs])] == expected[:50]


def test_multi_reference_mean_averages_each_reference(dialogsum):
    hyp, refs = dialogsum
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"])
    result = ngramkit.rouge(hyp, [list(x) for x in zip(*refs)], ["rouge1", "rougeL"], multi_reference="mean")
    for i in range(0, 500, 7):
        per_ref = [scorer.score(r[i], hyp[i]) for r in refs]
        for name in ("rouge1", "rougeL"):
            exp = tuple(sum(v) / len(v) for v in zip(*[tuple(s[name]) for s in per_ref]))
            got = (result[name].precision[i], result[name].recall[i], result[name].fmeasure[i])
            assert got == exp, f"pair {i} {name}: {got} != {exp}"


def test_multi_reference_mean_is_the_left_to_right_sum_issue_example():
    # issue 8 item 2: F1s [0.4, 0.4, 1.0, 0.4, 0.0] gave 0.43999999999999995 (np.add.reduceat)
    scorer = rouge_scorer.RougeScorer(["rouge1"])
    refs = ["a c d", "a c d", "a b", "a c d", "x"]
    f1 = [scorer.score(r, "a b")["rouge1"].fmeasure for r in refs]
    result = ngramkit.rouge(["a b"], [refs], ["rouge1"], multi_reference="mean")
    assert result["rouge1"].fmeasure[0] == sum(f1) / len(f1)


def test_multi_reference_mean_random_bit_for_bit():
    """Varying reference counts (1..9) in random order: every mean is Python's sum(v) / len(v) of
    rouge-score's per-reference values, bit for bit."""
    rng = random.Random(8)
    words = "a b c d e f g h".split()
    types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    scorer = rouge_scorer.RougeScorer(types)

    def text():
        return " ".join(rng.choice(words) for _ in range(rng.randint(0, 12))).replace("h", "\n")

    preds = [text() for _ in range(400)]
    refs = [[text() for _ in range(rng.choice([1, 1, 2, 3, 4, 5, 9]))] for _ in preds]
    result = ngramkit.rouge(preds, refs, types, multi_reference="mean")
    for name in types:
        for i, (p, rs) in enumerate(zip(preds, refs)):
            per_ref = [tuple(scorer.score(r, p)[name]) for r in rs]
            for column, values in zip(("precision", "recall", "fmeasure"), zip(*per_ref)):
                exp = sum(values) / len(values)
                got = getattr(result[name], column)[i]
                assert got == exp, f"pair {i} {name} {column}: {got!r} != {exp!r}"


EDGE_TEXTS = [
    "",
    " ",
    "\n",
    "\n\n\n",
    "...",
    "/",
    "!!! ??? ...",
    "the the the the the",
    "the",
    "The THE tHe",
    "ROUGE hacking ROUGE hacking ROUGE hacking rouge HACKING",
    "3.14 1,000 x_y-z don't U.S.A.",
    "Café crème brûlée Straße",
    "İstanbul \u212aelvin KELVIN",
    "日本語のテキスト",
    "한국어 텍스트입니다",
    "Привет мир",
    "ΣΑΣ σας",
    "emoji 😀 in 👍🏽 text 🇯🇵",
    "a\r\nb\r\nc",
    "first sentence.\n\nsecond sentence.\n",
    "a b c\nb c a",
    "c a b",
    "w1 w2 w3 w4 w5",
    "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5",
    "running runs ran flies generously skies dying news",
    "\ud800 lone surrogate \udfff",
    "tab\tseparated\vvertical\fform feed\x00nul",
    "ǅemal ﬁne ligature",
    "...\nall punctuation sentence\n!!!",
    "repeated sentence\nrepeated sentence\nrepeated sentence",
]


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_edge_cases_all_pairs(use_stemmer):
    predictions = [p for p in EDGE_TEXTS for _ in EDGE_TEXTS]
    targets = [t for _ in EDGE_TEXTS for t in EDGE_TEXTS]
    expected = reference_scores(targets, predictions, ALL_TYPES, use_stemmer)
    result = ngramkit.rouge(predictions, targets, ALL_TYPES, use_stemmer=use_stemmer)
    assert_identical(result, expected, ALL_TYPES, "edge")


def test_drop_in_scorer_returns_identical_dicts_including_int_zeros():
    for types in (["rouge1", "rouge2", "rougeL", "rougeLsum"], ["rougeLsum"], ["rougeL", "rouge3"]):
        ref = rouge_scorer.RougeScorer(types)
        ours = compat_scorer.RougeScorer(types)
        for target in EDGE_TEXTS:
            for prediction in EDGE_TEXTS[:12]:
                exp, got = ref.score(target, prediction), ours.score(target, prediction)
                assert got == exp
                assert repr(got) == repr(exp)  # ints stay ints: Score(precision=0, ...)
                assert list(got) == list(exp)  # same key order


def test_drop_in_score_batch_equals_score_loop(dialogsum):
    hyp, refs = dialogsum
    ours = compat_scorer.RougeScorer(["rouge1", "rougeLsum"], use_stemmer=True)
    ref = rouge_scorer.RougeScorer(["rouge1", "rougeLsum"], use_stemmer=True)
    assert ours.score_batch(refs[0][:100], hyp[:100]) == [ref.score(t, p) for t, p in zip(refs[0][:100], hyp[:100])]


def test_long_texts_of_5000_words(shared_data):
    rng = random.Random(7)
    vocab = [f"w{k}" for k in range(300)] + ["the", "of", "and"] * 50
    predictions = [" ".join(rng.choice(vocab) for _ in range(n)) for n in (5013, 1025, 700)]
    targets = [" ".join(rng.choice(vocab) for _ in range(n)) for n in (5100, 640, 1290)]
    # rougeLsum on ~60-word lines: the reference's traceback over many sentence pairs
    def lines(text, words_per_line, n_words):
        words = text.split(" ")[:n_words]
        return "\n".join(" ".join(words[k : k + words_per_line]) for k in range(0, n_words, words_per_line))

    targets_lsum = [lines(targets[0], 60, 600)]
    predictions_lsum = [lines(predictions[0], 45, 450)]
    expected = reference_scores(targets, predictions, ["rouge1", "rouge4", "rougeL"])
    assert_identical(ngramkit.rouge(predictions, targets, ["rouge1", "rouge4", "rougeL"]), expected,
                     ["rouge1", "rouge4", "rougeL"], "long")
    expected = reference_scores(targets_lsum, predictions_lsum, ["rougeLsum"])
    assert_identical(ngramkit.rouge(predictions_lsum, targets_lsum, ["rougeLsum"]), expected, ["rougeLsum"], "lsum")


def test_tokenizer_matches_rouge_score_on_every_code_point():
    """Every code point U+0001..U+10FFFF between two letters: same tokens as rouge-score."""
    texts = [f"ab{chr(cp)}cd x{chr(cp)}" for cp in range(1, 0x110000)]
    batch, vocabulary = ngramkit.tokenize(texts)
    mismatches = []
    for text, row in zip(texts, batch):
        got = [vocabulary[i] for i in row]
        if got != rs_tokenize.tokenize(text, None):
            mismatches.append((text, got))
    assert not mismatches[:5]


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_texts_longer_than_a_tokenizer_window(use_stemmer):
    """Texts of 100 KB–1 MB go through the tokenizer in windows of 64 KB cut between tokens:
    tokens that run long, U+0130 (a one-letter token before its combining dot) and newlines at
    every offset give rouge-score's tokens, and a U+212A (a letter inside a token) anywhere sends
    the whole text through the byte loop with the same result."""
    rng = random.Random(11)
    pieces = ["running", "Caresses", "x" * 70_000, "İstanbul", "İ", "ab\u0130cd", "\n", " ", ".", "–",
              "\u201cquoted\u201d", "A" * 300, "7", "é"]
    texts = []
    for size in (100_000, 300_000, 1_000_000):
        parts, total = [], 0
        while total < size:
            piece = rng.choice(pieces) if rng.random() < 0.3 else rng.choice(["the", "of", "word", "Token"])
            parts.append(piece)
            parts.append(rng.choice([" ", "  ", "\n", "-", ""]))
            total += len(piece) + 1
        texts.append("".join(parts))
    texts.append(texts[0][:70_000] + "\u212a" + texts[0][70_000:])  # KELVIN SIGN past the first window
    batch, vocabulary = ngramkit.tokenize(texts, use_stemmer=use_stemmer)
    stemmer = rouge_tokenizers.DefaultTokenizer(use_stemmer=True)._stemmer if use_stemmer else None
    for k, (text, row) in enumerate(zip(texts, batch)):
        assert [vocabulary[i] for i in row] == rs_tokenize.tokenize(text, stemmer), k
    # rougeLsum's sentence ends across the windows: 200 KB texts of few tokens (rouge-score's
    # rougeLsum is quadratic in Python), long runs of separators and lines ending anywhere
    def sparse(seed):
        r = random.Random(seed)
        return "".join(r.choice(["word ", "İ", "the\n", "x" * 40, "\n", "." * r.randint(1, 3000), "\n\n-"])
                       for _ in range(1200))
    lsum_preds, lsum_refs = [sparse(1), sparse(2)], [sparse(3), sparse(4)]
    assert all(len(t) > 2 * 65536 for t in lsum_preds + lsum_refs)
    expected = reference_scores(lsum_refs, lsum_preds, ["rougeLsum", "rouge2"], use_stemmer=use_stemmer)
    assert_identical(ngramkit.rouge(lsum_preds, lsum_refs, ["rougeLsum", "rouge2"], use_stemmer=use_stemmer),
                     expected, ["rougeLsum", "rouge2"], "windows")


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_tokenize_on_threads_numbers_tokens_by_first_appearance(dialogsum, use_stemmer):
    """ngramkit.tokenize on any number of threads: rouge-score's tokens of every text, ids numbered
    in order of first appearance over all texts (the oracle numbers rouge-score's own tokens so),
    with empty, token-less, non-ASCII and long texts among blocks of very uneven sizes."""
    hyp, refs = dialogsum
    rng = random.Random(5)
    texts = hyp[:300] + ["", "  ...  ", "İstanbul Caresses", "K kelvin", "x" * 5000, "é-é ü"] + refs[0][:300]
    texts += ["".join(rng.choice(["run ", "runs ", "ran\n", "İ", "Ab9 ", "", "—"]) for _ in range(rng.randint(0, 40)))
              for _ in range(200)]
    rng.shuffle(texts)
    texts += [""] * 7
    stemmer = rouge_tokenizers.DefaultTokenizer(use_stemmer=True)._stemmer if use_stemmer else None
    want_vocabulary, want_rows = {}, []
    for text in texts:
        want_rows.append([want_vocabulary.setdefault(t, len(want_vocabulary)) for t in rs_tokenize.tokenize(text, stemmer)])
    for threads in (1, 2, 3, 8, 64):
        batch, vocabulary = ngramkit.tokenize(texts, use_stemmer=use_stemmer, threads=threads)
        assert vocabulary == list(want_vocabulary), threads
        assert batch.to_lists() == want_rows, threads
    assert ngramkit.tokenize([], threads=4)[1] == [] and len(ngramkit.tokenize([], threads=4)[0]) == 0
    with pytest.raises(ValueError, match="threads"):
        ngramkit.tokenize(texts, threads=0)


def test_custom_tokenizer_is_honoured():
    class WhitespaceTokenizer:
        def tokenize(self, text):
            return text.split()

    texts = ["Привет мир and more", "日本 語", "a b c\nb c a", "x y\nz"]
    types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    ref = rouge_scorer.RougeScorer(types, tokenizer=WhitespaceTokenizer())
    for t in texts:
        for p in texts:
            exp = ref.score(t, p)
            got = ngramkit.rouge([p], [t], types, tokenizer=WhitespaceTokenizer())
            assert all((got[k].precision[0], got[k].recall[0], got[k].fmeasure[0]) == tuple(exp[k]) for k in types)
            got_callable = ngramkit.rouge([p], [t], types, tokenizer=str.split)
            assert all(got_callable[k].fmeasure[0] == exp[k].fmeasure for k in types)


def test_split_summaries_without_punkt_raises_clear_error_or_matches():
    text = "First sentence here. Second one follows. A third."
    try:
        result = ngramkit.rouge([text], ["Second one follows. First sentence."], ["rougeLsum"], split_summaries=True)
    except LookupError as err:
        assert "punkt" in str(err) and "pip install nltk" in str(err)
        return
    ref = rouge_scorer.RougeScorer(["rougeLsum"], split_summaries=True)
    exp = ref.score("Second one follows. First sentence.", text)["rougeLsum"]
    assert (result["rougeLsum"].precision[0], result["rougeLsum"].recall[0]) == (exp.precision, exp.recall)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_thread_count_does_not_change_results(dialogsum, threads):
    hyp, refs = dialogsum
    base = ngramkit.rouge(hyp * 3, refs[0] * 3, ALL_TYPES, threads=1)
    other = ngramkit.rouge(hyp * 3, refs[0] * 3, ALL_TYPES, threads=threads)
    for name in ALL_TYPES:
        assert np.array_equal(base[name].statistics, other[name].statistics)


def test_split_summaries_path_matches_rouge_score_with_the_same_splitter(monkeypatch):
    """punkt data cannot be installed offline, so both packages get one stand-in splitter (through
    ``nltk.sent_tokenize``, which both call): the rest of the split_summaries path is compared."""
    nltk = pytest.importorskip("nltk")
    import re as _re

    def split_after_period(text):
        return [s for s in _re.split(r"(?<=\.)\s+", text)]

    monkeypatch.setattr(nltk, "sent_tokenize", split_after_period)
    texts = [
        "The cat sat. The dog ran away.\nIt came back later.",
        "A dog ran. The cat sat on the mat. Then it slept.",
        "No period here\nbut a newline inside",
        "...",
        "",
        "It came back. The cat sat.",
    ]
    types = ["rouge1", "rougeL", "rougeLsum"]
    ref = rouge_scorer.RougeScorer(types, split_summaries=True)
    predictions = [p for p in texts for _ in texts]
    targets = [t for _ in texts for t in texts]
    expected = [ref.score(t, p) for t, p in zip(targets, predictions)]
    assert_identical(ngramkit.rouge(predictions, targets, types, split_summaries=True), expected, types, "punkt")
    drop_in = compat_scorer.RougeScorer(types, split_summaries=True)
    assert [drop_in.score(t, p) for t, p in zip(targets, predictions)] == expected
