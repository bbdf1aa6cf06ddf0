"""A small, obviously-correct pure-Python oracle for ngramkit's ROUGE id kernels.

Written from the semantics of rouge-score 0.1.2 (see shared/research/anchors.md §1.4–1.8),
without importing rouge-score. Every function works on plain lists of token ids (any hashable
tokens, in fact) and returns the same integer triples ngramkit reports as ``statistics``:

* rougeN:    (clipped n-gram matches, prediction n-gram count, reference n-gram count)
* rougeL:    (LCS length, len(prediction), len(reference))
* rougeLsum: (summary-level union-LCS hits, prediction tokens, reference tokens)

Speed is not a goal; clarity is. ``tests/test_kernels_property.py`` checks the oracle itself
against rouge-score's private helpers before trusting it.
"""
from __future__ import annotations

import collections
from typing import Hashable, Sequence

ROUGE_L = 10
ROUGE_LSUM = 11
TYPE_CODES = {f"rouge{n}": n for n in range(1, 10)}
TYPE_CODES.update(rougeL=ROUGE_L, rougeLsum=ROUGE_LSUM)

Tokens = Sequence[Hashable]


# --------------------------------------------------------------------------------------------
# ROUGE-N
# --------------------------------------------------------------------------------------------
def ngrams(tokens: Tokens, n: int) -> collections.Counter:
    """Counter of the n-gram tuples of ``tokens``."""
    return collections.Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def rouge_n_stats(pred: Tokens, ref: Tokens, n: int) -> tuple[int, int, int]:
    """(Σ_g min(count_pred(g), count_ref(g)), #pred n-grams, #ref n-grams)."""
    p, r = ngrams(pred, n), ngrams(ref, n)
    hits = sum(min(count, p[gram]) for gram, count in r.items())
    return hits, sum(p.values()), sum(r.values())


# --------------------------------------------------------------------------------------------
# ROUGE-L
# --------------------------------------------------------------------------------------------
def lcs_table(ref: Tokens, can: Tokens) -> list[list[int]]:
    """Textbook DP: t[i][j] = LCS length of ref[:i] and can[:j]."""
    t = [[0] * (len(can) + 1) for _ in range(len(ref) + 1)]
    for i in range(1, len(ref) + 1):
        for j in range(1, len(can) + 1):
            if ref[i - 1] == can[j - 1]:
                t[i][j] = t[i - 1][j - 1] + 1
            else:
                t[i][j] = max(t[i - 1][j], t[i][j - 1])
    return t


def lcs_length(a: Tokens, b: Tokens) -> int:
    """LCS length with the same recurrence, keeping one row (for long inputs)."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_l_stats(pred: Tokens, ref: Tokens) -> tuple[int, int, int]:
    return lcs_length(pred, ref), len(pred), len(ref)


# --------------------------------------------------------------------------------------------
# ROUGE-Lsum (summary level)
# --------------------------------------------------------------------------------------------
def backtrack_lcs_indices(ref: Tokens, can: Tokens) -> list[int]:
    """Indices into ``ref`` of the one LCS rouge-score reads back from the DP table.

    From (len(ref), len(can)): equal tokens -> take the diagonal; else step back in ``can`` only
    when t[i][j-1] > t[i-1][j] (strictly), otherwise step back in ``ref``.
    """
    t = lcs_table(ref, can)
    i, j = len(ref), len(can)
    picked = []
    while i > 0 and j > 0:
        if ref[i - 1] == can[j - 1]:
            picked.append(i - 1)
            i -= 1
            j -= 1
        elif t[i][j - 1] > t[i - 1][j]:
            j -= 1
        else:
            i -= 1
    return picked[::-1]


def summary_lcs_hits(pred_sents: Sequence[Tokens], ref_sents: Sequence[Tokens]) -> int:
    """rouge-score's union-LCS hit count of a candidate and a reference summary (sentence lists)."""
    if not pred_sents or not ref_sents:
        return 0
    if sum(map(len, pred_sents)) == 0 or sum(map(len, ref_sents)) == 0:
        return 0
    left_pred = collections.Counter(tok for s in pred_sents for tok in s)
    left_ref = collections.Counter(tok for s in ref_sents for tok in s)
    hits = 0
    for r in ref_sents:  # counters persist across reference sentences
        union = set()
        for c in pred_sents:
            union.update(backtrack_lcs_indices(r, c))
        for idx in sorted(union):
            tok = r[idx]
            if left_pred[tok] > 0 and left_ref[tok] > 0:
                hits += 1
                left_pred[tok] -= 1
                left_ref[tok] -= 1
    return hits


def rouge_lsum_stats(pred_sents: Sequence[Tokens], ref_sents: Sequence[Tokens]) -> tuple[int, int, int]:
    return (
        summary_lcs_hits(pred_sents, ref_sents),
        sum(map(len, pred_sents)),
        sum(map(len, ref_sents)),
    )


# --------------------------------------------------------------------------------------------
# Sentences from a separator id, and the full per-pair statistics
# --------------------------------------------------------------------------------------------
def split_on(row: Tokens, separator: int | None) -> list[list]:
    """Sentences of ``row``: pieces between separator ids (empty pieces dropped). ``None``: the
    whole row is one sentence (none if the row is empty)."""
    if separator is None:
        return [list(row)] if len(row) else []
    sentences, current = [], []
    for tok in row:
        if tok == separator:
            sentences.append(current)
            current = []
        else:
            current.append(tok)
    sentences.append(current)
    return [s for s in sentences if s]


def pair_stats(pred: Tokens, ref: Tokens, codes: Sequence[int], separator: int | None = None) -> list[tuple[int, int, int]]:
    """Triples for one (prediction, reference) pair, one per type code (1..9, 10, 11).

    The separator id (if any) splits sentences for rougeLsum and is removed for every type.
    """
    pred_sents, ref_sents = split_on(pred, separator), split_on(ref, separator)
    pred_flat = [t for s in pred_sents for t in s]
    ref_flat = [t for s in ref_sents for t in s]
    out = []
    for code in codes:
        if 1 <= code <= 9:
            out.append(rouge_n_stats(pred_flat, ref_flat, code))
        elif code == ROUGE_L:
            out.append(rouge_l_stats(pred_flat, ref_flat))
        elif code == ROUGE_LSUM:
            out.append(rouge_lsum_stats(pred_sents, ref_sents))
        else:
            raise ValueError(f"unknown type code {code}")
    return out


def batch_stats(preds: Sequence[Tokens], refs: Sequence[Tokens], groups: Sequence[int], codes: Sequence[int],
                separator: int | None = None) -> list[list[tuple[int, int, int]]]:
    """Per reference row: triples per type, scoring prediction g against refs[groups[g]:groups[g+1]]."""
    out = []
    for g in range(len(preds)):
        for j in range(groups[g], groups[g + 1]):
            out.append(pair_stats(preds[g], refs[j], codes, separator))
    return out


# --------------------------------------------------------------------------------------------
# Scores and multi-reference selection
# --------------------------------------------------------------------------------------------
def fmeasure(precision: float, recall: float) -> float:
    if precision + recall > 0:
        return 2 * precision * recall / (precision + recall)
    return 0.0


def score(triple: tuple[int, int, int]) -> tuple[float, float, float]:
    """(precision, recall, F1) as rouge-score computes them from (hits, pred_total, ref_total)."""
    hits, pred_total, ref_total = triple
    precision = hits / max(pred_total, 1)
    recall = hits / max(ref_total, 1)
    return precision, recall, fmeasure(precision, recall)


def best_reference(triples: Sequence[tuple[int, int, int]]) -> int:
    """score_multi's choice: index of the first reference with the maximal F1."""
    fs = [score(t)[2] for t in triples]
    best = 0
    for i, f in enumerate(fs):
        if f > fs[best]:
            best = i
    return best


# --------------------------------------------------------------------------------------------
# BLEU (sacrebleu 2.x statistics, anchors.md §2.5)
# --------------------------------------------------------------------------------------------
def bleu_stats(hyp: Tokens, refs: Sequence[Tokens], max_order: int) -> list[int]:
    """[hyp_len, closest ref_len (ties -> shorter), correct_1..N, total_1..N]."""
    best = None
    for ref in refs:
        key = (abs(len(hyp) - len(ref)), len(ref))
        best = key if best is None or key < best else best
    correct, total = [], []
    for n in range(1, max_order + 1):
        h = ngrams(hyp, n)
        most = collections.Counter()
        for ref in refs:
            for gram, count in ngrams(ref, n).items():
                most[gram] = max(most[gram], count)
        correct.append(sum(min(count, most[gram]) for gram, count in h.items()))
        total.append(sum(h.values()))
    return [len(hyp), best[1] if best else 0] + correct + total
