"""Drop-in for ``nltk.translate.bleu_score`` (NLTK 3.x): same functions, same arguments, same
return values to the last bit, with the n-gram counting done by ngramkit's BLEU kernel.

``corpus_bleu`` interns the tokens of every hypothesis and reference (any hashable objects, one
dict per call) to int32 ids, asks :func:`ngramkit.bleu` for the per-sentence statistics
(hypothesis length, closest reference length, clipped matches and hypothesis n-grams per order)
and sums them with NLTK's rules:

* per sentence and order the precision denominator is ``max(1, hypothesis n-grams)``, so a
  hypothesis shorter than n still adds 1 to the corpus denominator;
* the corpus precisions are ``Fraction(numerator, denominator, _normalize=False)`` objects
  (unreduced on Python < 3.12, as in NLTK; this matters to the smoothing methods' arithmetic and
  equality tests), and no unigram match returns the *int* ``0`` (or a list of them);
* the smoothing function sees the references and hypothesis of the **last** sentence and the
  corpus hypothesis length (``hyp_len``), so methods 4-7 depend on the corpus order, as in NLTK;
* the score is ``bp * exp(math.fsum(w * log(p) for w, p in zip(weights, p_n) if p > 0))``.

The few quantities NLTK computes from the last sentence alone (method5's 5-gram precision,
method6's n-gram counts) are computed here in Python, as NLTK does. Errors match NLTK's too
(AssertionError for corpus length mismatch, KeyError/ValueError for a hypothesis without
references, method6's AssertionError, ZeroDivisionError for an empty corpus).
"""
from __future__ import annotations

import math
import sys
import warnings
from collections import Counter
from fractions import Fraction as _BaseFraction
from itertools import chain, islice
from operator import itemgetter

import numpy as np

from ...ingest.token_batch import TokenBatch
from ...metrics.bleu import MAX_ORDER_LIMIT, bleu as _kernel_bleu

__all__ = [
    "Fraction",
    "SmoothingFunction",
    "brevity_penalty",
    "closest_ref_length",
    "corpus_bleu",
    "modified_precision",
    "sentence_bleu",
]

DEFAULT_WEIGHTS = (0.25, 0.25, 0.25, 0.25)

#: Before 3.12 ``fractions.Fraction`` takes ``_normalize`` and keeps unreduced terms (which its
#: ``==`` then compares term by term); from 3.12 on it always reduces. NLTK passes the flag
#: where it exists, and so do we, so the stdlib's arithmetic runs on the same objects.
_BASE_TAKES_NORMALIZE = sys.version_info < (3, 12)

_ZERO_OVERLAP_WARNING = (
    "\nThe hypothesis contains 0 counts of {}-gram overlaps.\n"
    "Therefore the BLEU score evaluates to 0, independently of\n"
    "how many N-gram overlaps of lower order it contains.\n"
    "Consider using lower n-gram order or use SmoothingFunction()"
)


class Fraction(_BaseFraction):
    """NLTK's ``Fraction``: with ``_normalize=False`` (the default here), ``numerator`` and
    ``denominator`` are the values it was built from, not the reduced ones (``Fraction(2, 4)``
    reports 2 and 4), which is what BLEU sums across sentences."""

    def __new__(cls, numerator=0, denominator=None, _normalize=False):
        if _BASE_TAKES_NORMALIZE:
            obj = super().__new__(cls, numerator, denominator, _normalize=_normalize)
        else:
            obj = super().__new__(cls, numerator, denominator)
        obj._normalize = _normalize
        obj._given_terms = (numerator, denominator)
        return obj

    @property
    def numerator(self):
        return super().numerator if self._normalize else self._given_terms[0]

    @property
    def denominator(self):
        return super().denominator if self._normalize else self._given_terms[1]


# -- single-sentence helpers (pure Python, as in NLTK) -------------------------------------------
def _ngram_counts(tokens, n: int) -> Counter:
    """Counts of the n-grams (tuples) of one token sequence; empty when it is shorter than n."""
    if n < 0:
        list(islice((), n))  # NLTK's sliding window raises islice's ValueError
    if len(tokens) < n:
        return Counter()
    if n == 0:  # NLTK's sliding window yields one empty tuple per position, and one more
        return Counter({(): len(tokens) + 1})
    if not isinstance(tokens, (list, tuple, str)):
        tokens = list(tokens)
    return Counter(zip(*[tokens[shift:] for shift in range(n)]))


def modified_precision(references, hypothesis, n):
    """Clipped n-gram precision of one hypothesis as ``Fraction(matches, max(1, n-grams),
    _normalize=False)``: each hypothesis n-gram counts at most as often as it occurs in the one
    reference where it occurs most."""
    hyp_counts = _ngram_counts(hypothesis, n)
    ceiling: dict = {}
    for reference in references:
        ref_counts = _ngram_counts(reference, n)
        for gram in hyp_counts:
            ceiling[gram] = max(ceiling.get(gram, 0), ref_counts[gram])
    matches = sum(min(count, ceiling[gram]) for gram, count in hyp_counts.items())
    return Fraction(matches, max(1, sum(hyp_counts.values())), _normalize=False)


def closest_ref_length(references, hyp_len):
    """The length of the reference closest in length to the hypothesis (ties: the shorter)."""
    return min((len(reference) for reference in references), key=lambda length: (abs(length - hyp_len), length))


def brevity_penalty(closest_ref_len, hyp_len):
    """``1`` (int) if the hypothesis is longer, ``0`` (int) if it is empty, else
    ``exp(1 - r / c)``."""
    if hyp_len > closest_ref_len:
        return 1
    if hyp_len == 0:
        return 0
    return math.exp(1 - closest_ref_len / hyp_len)


# -- smoothing --------------------------------------------------------------------------------
class SmoothingFunction:
    """Chen & Cherry (2014) smoothing methods 0-7 with NLTK's exact arithmetic.

    Each method takes the list of corpus precisions ``p_n`` (Fractions) and returns the smoothed
    list (some modify it in place, as NLTK's do). ``epsilon`` is method1's added count, ``alpha``
    method6's prior weight, ``k`` method4's length scale.
    """

    def __init__(self, epsilon=0.1, alpha=5, k=5):
        self.epsilon = epsilon
        self.alpha = alpha
        self.k = k

    def method0(self, p_n, *args, **kwargs):
        """No smoothing: a zero precision becomes ``sys.float_info.min`` (with a warning), so the
        score is tiny but not 0."""
        smoothed = []
        for order, p in enumerate(p_n, start=1):
            if p.numerator == 0:
                warnings.warn(_ZERO_OVERLAP_WARNING.format(order))
                p = sys.float_info.min
            smoothed.append(p)
        return smoothed

    def method1(self, p_n, *args, **kwargs):
        """Zero precisions become ``epsilon / denominator``."""
        smoothed = []
        for p in p_n:
            smoothed.append(p if p.numerator != 0 else (p.numerator + self.epsilon) / p.denominator)
        return smoothed

    def method2(self, p_n, *args, **kwargs):
        """Add one to numerator and denominator of every order but the first (Lin & Och 2004)."""
        head = list(p_n[:1])
        return head + [Fraction(p.numerator + 1, p.denominator + 1, _normalize=False) for p in p_n[1:]]

    def method3(self, p_n, *args, **kwargs):
        """NIST geometric smoothing: the k-th zero precision becomes ``1 / (2**k * denominator)``."""
        exponent = 1
        for index, p in enumerate(p_n):
            if p.numerator == 0:
                p_n[index] = 1 / (2**exponent * p.denominator)
                exponent += 1
        return p_n

    def method4(self, p_n, references, hypothesis, hyp_len=None, *args, **kwargs):
        """Like method3 but scaled by ``ln(hyp_len) / k``: shorter translations get smaller counts."""
        if not hyp_len:
            hyp_len = len(hypothesis)
        exponent = 1
        for index, p in enumerate(p_n):
            if p.numerator == 0 and hyp_len > 1:
                count = 1 / (2**exponent * self.k / math.log(hyp_len))
                p_n[index] = count / p.denominator
                exponent += 1
        return p_n

    def method5(self, p_n, references, hypothesis, hyp_len=None, *args, **kwargs):
        """Each precision becomes the mean of the previous (smoothed) one, itself and the next;
        the order after the last is the 5-gram precision of ``references``/``hypothesis``."""
        following = p_n + [modified_precision(references, hypothesis, 5)]
        previous = p_n[0] + 1
        for index, p in enumerate(p_n):
            p_n[index] = (previous + p + following[index + 1]) / 3
            previous = p_n[index]
        return p_n

    def method6(self, p_n, references, hypothesis, hyp_len=None, *args, **kwargs):
        """Gao & He (2013): from the third order on, interpolate the matches with the prior
        ``p[n-1]**2 / p[n-2]`` (weight ``alpha``). Needs a non-zero third precision (NLTK's
        assertion, whose message says bigrams)."""
        assert p_n[2], "This smoothing method requires non-zero precision for bigrams."
        for index in range(2, len(p_n)):
            p = p_n[index]
            prior = 0 if p_n[index - 2] == 0 else p_n[index - 1] ** 2 / p_n[index - 2]
            hyp_ngrams = max(0, len(hypothesis) - index)
            p_n[index] = (p.numerator + self.alpha * prior) / (hyp_ngrams + self.alpha)
        return p_n

    def method7(self, p_n, references, hypothesis, hyp_len=None, *args, **kwargs):
        """method4, then method5."""
        if not hyp_len:
            hyp_len = len(hypothesis)
        p_n = self.method4(p_n, references, hypothesis, hyp_len)
        return self.method5(p_n, references, hypothesis, hyp_len)


# -- interning and the kernel ----------------------------------------------------------------------
def intern_rows(rows: list) -> TokenBatch:
    """The token sequences ``rows`` as a TokenBatch of int32 ids: equal tokens (Python ``==`` and
    ``hash``, as in a dict) get equal ids, within this call only."""
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = list(chain.from_iterable(rows))
    if len(flat) != offsets[-1]:
        raise ValueError("token sequences yield a different number of tokens than their len()")
    vocabulary = dict.fromkeys(flat)
    if len(vocabulary) > np.iinfo(np.int32).max:
        raise ValueError("more distinct tokens than int32 ids")
    vocabulary = dict(zip(vocabulary, range(len(vocabulary))))
    if len(flat) > 1:
        values = itemgetter(*flat)(vocabulary)
    else:
        values = [vocabulary[token] for token in flat]
    ids = np.fromiter(values, dtype=np.int32, count=len(flat))
    return TokenBatch(ids, offsets)


def _raise_without_references(hypothesis, order: int):
    """What NLTK raises for a hypothesis with no references: KeyError from modified_precision
    (first unigram) when there is something to count, else ValueError from min()."""
    if order >= 1 and len(hypothesis) >= 1:
        raise KeyError((next(iter(hypothesis)),))
    closest_ref_length([], len(hypothesis))


def _sums_in_python(groups: list, hypotheses: list, order: int) -> tuple[list, list, int, int]:
    """NLTK's corpus sums sentence by sentence (only for orders beyond the kernel's limit)."""
    numerators, denominators = [0] * order, [0] * order
    hyp_total = ref_total = 0
    for references, hypothesis in zip(groups, hypotheses):
        for n in range(1, order + 1):
            p = modified_precision(references, hypothesis, n)
            numerators[n - 1] += p.numerator
            denominators[n - 1] += p.denominator
        hyp_total += len(hypothesis)
        ref_total += closest_ref_length(references, len(hypothesis))
    return numerators, denominators, hyp_total, ref_total


def corpus_statistics(list_of_references, hypotheses, order: int) -> tuple[list, list, int, int]:
    """NLTK's corpus sums: clipped matches per order 1..order, ``max(1, n-grams)`` denominators
    summed over sentences, hypothesis length and closest-reference length, as Python ints."""
    hypotheses = list(hypotheses)
    groups = [refs if isinstance(refs, list) else list(refs) for refs in list_of_references]
    if not all(groups):
        for references, hypothesis in zip(groups, hypotheses):
            if not references:
                _raise_without_references(hypothesis, order)
    n_pairs = len(hypotheses)
    if order > MAX_ORDER_LIMIT:
        return _sums_in_python(groups, hypotheses, order)
    if n_pairs == 0 or order == 0:
        hyp_total = sum(map(len, hypotheses))
        ref_total = sum(closest_ref_length(refs, len(hyp)) for refs, hyp in zip(groups, hypotheses))
        return [0] * order, [0] * order, hyp_total, ref_total
    rows = hypotheses + [reference for references in groups for reference in references]
    batch = intern_rows(rows)
    hyp_batch, ref_batch = batch.slice(0, n_pairs), batch.slice(n_pairs, len(rows))
    counts = np.fromiter(map(len, groups), dtype=np.int64, count=n_pairs)
    if (counts == 1).all():
        references = ref_batch
    else:
        bounds = np.zeros(n_pairs + 1, dtype=np.int64)
        np.cumsum(counts, out=bounds[1:])
        bounds = bounds.tolist()
        references = [ref_batch.slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]
    stats = _kernel_bleu(hyp_batch, references, max_ngram_order=order).statistics
    sums = stats[:, : 2 + order].sum(axis=0).tolist()
    denominators = np.maximum(stats[:, 2 + order :], 1).sum(axis=0).tolist()
    return sums[2:], denominators, sums[0], sums[1]


# -- BLEU ---------------------------------------------------------------------------------------------
def sentence_bleu(references, hypothesis, weights=DEFAULT_WEIGHTS, smoothing_function=None, auto_reweigh=False):
    """BLEU of one tokenized hypothesis against its tokenized references (0-1); a list of
    scores when ``weights`` is a list of weight tuples. ``corpus_bleu`` of a one-sentence corpus."""
    return corpus_bleu([references], [hypothesis], weights, smoothing_function, auto_reweigh)


def corpus_bleu(list_of_references, hypotheses, weights=DEFAULT_WEIGHTS, smoothing_function=None,
                auto_reweigh=False):
    """Corpus BLEU (micro-averaged n-gram precisions), as ``nltk.translate.bleu_score.corpus_bleu``.

    ``list_of_references[i]`` is the list of tokenized references of ``hypotheses[i]``; tokens
    are any hashable objects. ``weights``: one tuple (its length is the highest order) or a list
    of tuples (then a list of scores). ``smoothing_function``: a ``SmoothingFunction`` method
    (ours or NLTK's) or any callable with that signature; default ``method0``.
    ``auto_reweigh``: with the default weights and fewer than 4 hypothesis tokens in the corpus,
    use uniform weights over that many orders.
    """
    assert len(list_of_references) == len(hypotheses), (
        "The number of hypotheses and their reference(s) should be the same "
    )
    try:
        weights[0][0]
    except (TypeError, IndexError):
        weights = [weights]
    order = max(len(weight) for weight in weights)

    numerators, denominators, hyp_lengths, ref_lengths = corpus_statistics(list_of_references, hypotheses, order)
    bp = brevity_penalty(ref_lengths, hyp_lengths)
    p_n = [Fraction(numerators[k], denominators[k], _normalize=False) for k in range(order)]
    if order == 0 or numerators[0] == 0:  # no unigram matches (or no orders at all)
        return 0 if len(weights) == 1 else [0] * len(weights)

    if not smoothing_function:
        smoothing_function = SmoothingFunction().method0
    p_n = smoothing_function(p_n, references=list_of_references[-1], hypothesis=hypotheses[-1],
                             hyp_len=hyp_lengths)

    scores = []
    for weight in weights:
        if auto_reweigh and hyp_lengths < 4 and weight == DEFAULT_WEIGHTS:
            weight = (1 / hyp_lengths,) * hyp_lengths
        log_sum = math.fsum(w * math.log(p) for w, p in zip(weight, p_n) if p > 0)
        scores.append(bp * math.exp(log_sum))
    return scores[0] if len(weights) == 1 else scores
