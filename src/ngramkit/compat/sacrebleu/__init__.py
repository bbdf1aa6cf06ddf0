"""Drop-in for sacrebleu 2.x's BLEU, chrF and TER API, computed by ngramkit's kernels.

Swap ``import sacrebleu`` for ``from ngramkit.compat import sacrebleu``: ``corpus_bleu``,
``sentence_bleu``, ``corpus_chrf``, ``sentence_chrf``, ``corpus_ter``, ``sentence_ter`` and
``sacrebleu.metrics.BLEU`` / ``CHRF`` / ``TER`` (also importable as ``ngramkit.compat.sacrebleu.BLEU``) take
sacrebleu's argument layout and return results with sacrebleu's fields, ``str()`` and
``format()``, with the same numbers. The metric objects carry sacrebleu's attributes too
(``BLEU().tokenizer`` — a callable tokenizing one line —, ``tokenizer_signature``, ``n_bootstrap``,
``seed``, ``CHRF().order``, ``TER().tokenizer``; ``BLEU.TOKENIZERS``, ``SMOOTH_DEFAULTS``, ...),
``sacrebleu.metrics.METRICS`` and ``sacrebleu.tokenizers`` exist, and ``__version__`` is the
sacrebleu version whose behaviour this layer mirrors (and is tested against).

References come as sacrebleu's *streams*: ``references[k][i]`` is the k-th reference of hypothesis
``i``; ``None`` leaves hypothesis ``i`` with one reference fewer, ``""`` is a real (empty)
reference. Where sacrebleu silently truncates to the shorter of hypotheses and streams, this
layer raises ValueError saying what was expected. Signatures carry ngramkit's version.
"""
from __future__ import annotations

import json
import os
import statistics
from collections.abc import Sequence
from typing import Any

from ...ingest.arguments import MAX_RESAMPLES, check_bool, check_int
from ...ingest.text_tokenizers import TOKENIZER_NAMES
from ...metrics.bleu import BleuResult, bleu as _bleu
from ...metrics.chrf import ChrfResult, chrf as _chrf
from ...stats.signature import Signature

__all__ = ["BLEU", "CHRF", "TER", "BLEUScore", "CHRFScore", "TERScore", "corpus_bleu", "sentence_bleu",
           "corpus_chrf", "sentence_chrf", "corpus_ter", "sentence_ter", "metrics", "tokenizers", "__version__"]

#: The sacrebleu release whose behaviour (scores, signatures' fields, argument layout) this layer
#: mirrors and is tested against; signatures themselves say ``version:ngramkit-<version>``.
__version__ = "2.6.0"

#: tokenizers sacrebleu picks from ``trg_lang`` when ``tokenize`` is not given
_LANGUAGE_TOKENIZERS = {"zh": "zh", "ja": "ja-mecab", "ko": "ko-mecab"}


def _per_hypothesis(hypotheses, streams, caller: str) -> list[list[str]]:
    """sacrebleu's reference streams -> one list of references per hypothesis (None dropped)."""
    if isinstance(streams, str) or not isinstance(streams, Sequence) or not len(streams):
        raise TypeError(f"{caller}: references must be a list of reference streams (one list of strings per "
                        "reference set, each as long as the hypotheses)")
    n = len(hypotheses)
    for k, stream in enumerate(streams):
        if isinstance(stream, str) or not isinstance(stream, Sequence):
            raise TypeError(f"{caller}: references[{k}] must be a list of strings (a reference stream), got "
                            f"{type(stream).__name__}")
        if len(stream) != n:
            hint = ""
            if len(streams) == n and all(isinstance(s, Sequence) and not isinstance(s, str) for s in streams):
                hint = (" It looks like one list of references per hypothesis; sacrebleu wants streams: pass "
                        "list(zip(*references)), or call ngramkit.bleu, which takes references per hypothesis.")
            raise ValueError(f"{caller}: references[{k}] holds {len(stream)} segments but there are {n} hypotheses; "
                             f"references[k][i] must be the k-th reference of hypothesis i (sacrebleu would "
                             f"silently truncate).{hint}")
    groups = [[s[i] for s in streams if s[i] is not None] for i in range(n)]
    for i, group in enumerate(groups):
        if not group:
            raise ValueError(f"{caller}: hypothesis {i} has no reference (every stream holds None there)")
    return groups


def _check_hypotheses(hypotheses, caller: str) -> list:
    if isinstance(hypotheses, str) or not isinstance(hypotheses, Sequence):
        raise TypeError(f"{caller}: hypotheses must be a sequence of strings")
    return list(hypotheses)


def _check_sentence(hypothesis, references, caller: str) -> list:
    if not isinstance(hypothesis, str):
        raise TypeError(f"{caller}: the hypothesis should be a string")
    if isinstance(references, str) or not isinstance(references, Sequence):
        raise TypeError(f"{caller}: references should be a sequence of strings")
    refs = [r for r in references if r is not None]
    if not refs:
        raise ValueError(f"{caller}: no reference given")
    return refs


def _bootstrap(score, n_samples: int) -> tuple[str, list]:
    """(seed as sacrebleu records it, the scores of sacrebleu's bootstrap resamples of ``score``'s
    per-pair statistics)."""
    from ...stats.significance import MetricStatistics, bootstrap_scores

    seed = os.environ.get("SACREBLEU_SEED", "12345")
    result = score.result
    metric = MetricStatistics(result.name, "sacrebleu", [result.statistics], [result.score], result.finalize_row)
    (scores,), = bootstrap_scores([metric], n_samples, None if seed.lower() == "none" else int(seed), None)
    return seed.lower(), scores


class _Score:
    """sacrebleu's ``Score.format``, ``str()``, ``repr()`` and ``estimate_ci``."""

    name: str
    score: float
    _mean = -1.0
    _ci = -1.0

    def estimate_ci(self, scores: list) -> None:
        """sacrebleu's ``Score.estimate_ci`` on bootstrap scores: ``_mean`` and the 95% half-width ``_ci``."""
        raw = sorted(scores)
        lower_idx = len(raw) // 40
        upper_idx = len(raw) - lower_idx - 1
        self._ci = 0.5 * (raw[upper_idx] - raw[lower_idx])
        self._mean = statistics.mean(raw)

    def _verbose(self) -> str:
        return ""

    def format(self, width: int = 2, score_only: bool = False, signature: str = "", is_json: bool = False) -> str:
        score = f"{self.score:.{width}f}"
        confidence = {}
        if self._mean > 0:
            mean, ci = f"{self._mean:.{width}f}", f"{self._ci:.{width}f}"
            confidence = {"confidence_mean": float(mean), "confidence_var": float(ci), "confidence": f"μ = {mean} ± {ci}"}
            score += f" ({confidence['confidence']})"
        if score_only:
            return score
        line = f"{self.name}|{signature}" if signature else self.name
        line = f"{line} = {score}"
        verbose = self._verbose()
        if verbose:
            line += f" {verbose}"
        if is_json:
            out: dict[str, Any] = {"name": self.name, "score": float(f"{self.score:.{width}f}"), "signature": signature,
                                   **confidence}
            if verbose:
                out["verbose_score"] = verbose
            for field in signature.split("|") if signature else []:
                key, value = field.split(":", 1)
                out[key] = value
            return json.dumps(out, indent=1, ensure_ascii=False)
        return line

    def __repr__(self) -> str:
        return self.format()


class BLEUScore(_Score):
    """sacrebleu's ``BLEUScore``: ``score``, ``counts``, ``totals``, ``precisions``, ``bp``,
    ``sys_len``, ``ref_len``, ``ratio``, ``prec_str``; ``result`` holds ngramkit's BleuResult
    (with per-pair ``statistics``)."""

    name = "BLEU"

    def __init__(self, result: BleuResult):
        self.result = result
        self.score = result.score
        self.counts, self.totals, self.precisions = result.counts, result.totals, result.precisions
        self.bp, self.sys_len, self.ref_len, self.ratio = result.bp, result.sys_len, result.ref_len, result.ratio
        self.prec_str = result.prec_str

    def _verbose(self) -> str:
        return self.result.verbose()


class CHRFScore(_Score):
    """sacrebleu's ``CHRFScore``: ``score``, ``char_order``, ``word_order``, ``beta``, ``name``."""

    def __init__(self, result: ChrfResult):
        self.result = result
        self.score = result.score
        self.char_order, self.word_order, self.beta = result.char_order, result.word_order, result.beta
        self.name = result.name


class _Metric:
    """Reference caching and signatures shared by BLEU, CHRF and TER."""

    def __init__(self, references):
        self.num_refs: int | str | None = None
        self.n_bootstrap: int | None = None  # as sacrebleu: set by a corpus_score with n_bootstrap > 1
        self.seed: str | None = None
        self._cached = None
        if references is not None:
            self._cached = references

    def _streams(self, references, caller):
        if references is not None:
            return references
        if self._cached is None:
            raise RuntimeError(f"{caller}: no references given and none cached (pass references= to the constructor)")
        return self._cached

    def get_signature(self) -> Signature:
        if self.num_refs is None:
            raise ValueError("Number of references unknown, please evaluate the metric first.")
        return self._signature()

    def _signature(self) -> Signature:
        raise NotImplementedError

    def _with_run_fields(self, signature: Signature) -> Signature:
        """sacrebleu's field order: nrefs, then bs and seed once a bootstrap ran, then the metric's."""
        fields = {"nrefs": self.num_refs, "bs": self.n_bootstrap, "seed": self.seed}
        fields.update((k, v) for k, v in signature.info.items() if k != "nrefs")
        return Signature(fields, signature.short_keys)

    def corpus_score(self, hypotheses, references=None, n_bootstrap: int = 1):
        """sacrebleu's ``corpus_score``; ``n_bootstrap > 1`` adds the mean and 95% half-width of that
        many bootstrap resamples, drawn as sacrebleu draws them (seed ``SACREBLEU_SEED``, default
        12345), so the interval is sacrebleu's too."""
        caller = f"{type(self).__name__}.corpus_score"
        check_int(n_bootstrap, "n_bootstrap", 1, MAX_RESAMPLES)
        hyps = _check_hypotheses(hypotheses, caller)
        groups = _per_hypothesis(hyps, self._streams(references, caller), caller)
        result = self._score(hyps, groups)
        self.num_refs = result.result.n_references
        if check_int(n_bootstrap, "n_bootstrap", 1, MAX_RESAMPLES) > 1:
            self.n_bootstrap = n_bootstrap
            self.seed, scores = _bootstrap(result, n_bootstrap)
            result.estimate_ci(scores)
        return result

    def sentence_score(self, hypothesis: str, references):
        caller = f"{type(self).__name__}.sentence_score"
        refs = _check_sentence(hypothesis, references, caller)
        result = self._score([hypothesis], [refs], sentence=True)
        self.num_refs = len(refs)
        return result


class BLEU(_Metric):
    """sacrebleu's ``BLEU`` metric class (same constructor, ``corpus_score``, ``sentence_score``,
    ``get_signature``; ``tokenizer``: the tokenizer as a callable ``str -> str``, made on first use)."""

    TOKENIZERS = TOKENIZER_NAMES
    TOKENIZER_DEFAULT = "13a"
    SMOOTH_DEFAULTS = {"none": None, "floor": 0.1, "add-k": 1, "exp": None}

    def __init__(self, lowercase: bool = False, force: bool = False, tokenize: str | None = None,
                 smooth_method: str = "exp", smooth_value: float | None = None, max_ngram_order: int = 4,
                 effective_order: bool = False, trg_lang: str = "", references=None):
        super().__init__(references)
        if tokenize is None:
            tokenize = _LANGUAGE_TOKENIZERS.get(trg_lang, "13a")
        self.lowercase, self.force, self.tokenize = lowercase, check_bool(force, "force"), tokenize
        self.smooth_method, self.smooth_value = smooth_method, smooth_value
        self.max_ngram_order, self.effective_order, self.trg_lang = max_ngram_order, effective_order, trg_lang
        # validate now, as sacrebleu does in its constructor
        _bleu([], [], **self._options())

    @property
    def tokenizer(self):
        """sacrebleu's ``BLEU().tokenizer``: one line -> its tokens joined by spaces (no lowercasing)."""
        if getattr(self, "_tokenizer", None) is None:
            from .tokenizers import Tokenizer

            self._tokenizer = Tokenizer(self.tokenize)
        return self._tokenizer

    @property
    def tokenizer_signature(self) -> str:
        return self.tokenizer.signature()

    def _options(self) -> dict:
        return dict(tokenize=self.tokenize, smooth_method=self.smooth_method, smooth_value=self.smooth_value,
                    lowercase=self.lowercase, max_ngram_order=self.max_ngram_order,
                    effective_order=self.effective_order)

    def _score(self, hyps, groups, sentence: bool = False) -> BLEUScore:
        self._last = _bleu(hyps, groups, **self._options())
        return BLEUScore(self._last)

    def _signature(self) -> Signature:
        return self._with_run_fields(_bleu([], [], **self._options()).signature)


class CHRF(_Metric):
    """sacrebleu's ``CHRF`` metric class (chrF / chrF++); ``order`` is ``char_order + word_order``."""

    CHAR_ORDER, WORD_ORDER, BETA = 6, 0, 2

    def __init__(self, char_order: int = 6, word_order: int = 0, beta: int = 2, lowercase: bool = False,
                 whitespace: bool = False, eps_smoothing: bool = False, references=None):
        super().__init__(references)
        self.char_order, self.word_order, self.beta = char_order, word_order, beta
        self.lowercase, self.whitespace, self.eps_smoothing = lowercase, whitespace, eps_smoothing
        _chrf([], [], **self._options())
        self.order = char_order + word_order

    def _options(self) -> dict:
        return dict(char_order=self.char_order, word_order=self.word_order, beta=self.beta,
                    lowercase=self.lowercase, whitespace=self.whitespace, eps_smoothing=self.eps_smoothing)

    def _score(self, hyps, groups, sentence: bool = False) -> CHRFScore:
        return CHRFScore(_chrf(hyps, groups, **self._options()))

    def _signature(self) -> Signature:
        return self._with_run_fields(_chrf([], [], **self._options()).signature)


from .ter import TER, TERScore, corpus_ter, sentence_ter  # noqa: E402
from . import metrics, tokenizers  # noqa: E402  (sacrebleu.metrics.BLEU / CHRF / TER, as in sacrebleu)


def corpus_bleu(hypotheses, references, smooth_method="exp", smooth_value=None, force=False, lowercase=False,
                tokenize="13a", use_effective_order=False) -> BLEUScore:
    """sacrebleu.corpus_bleu: BLEU of a corpus against one or more reference streams."""
    metric = BLEU(lowercase=lowercase, force=force, tokenize=tokenize, smooth_method=smooth_method,
                  smooth_value=smooth_value, effective_order=check_bool(use_effective_order, "use_effective_order"))
    return metric.corpus_score(hypotheses, references)


def raw_corpus_bleu(hypotheses, references, smooth_value=0.1) -> BLEUScore:
    """sacrebleu.raw_corpus_bleu: no tokenization, floor smoothing, effective order."""
    return corpus_bleu(hypotheses, references, smooth_method="floor", smooth_value=smooth_value, force=True,
                       tokenize="none", use_effective_order=True)


def sentence_bleu(hypothesis, references, smooth_method="exp", smooth_value=None, lowercase=False,
                  tokenize="13a", use_effective_order=True) -> BLEUScore:
    """sacrebleu.sentence_bleu: BLEU of one hypothesis against a list of reference strings."""
    metric = BLEU(lowercase=lowercase, tokenize=tokenize, smooth_method=smooth_method, smooth_value=smooth_value,
                  effective_order=check_bool(use_effective_order, "use_effective_order"))
    return metric.sentence_score(hypothesis, references)


def corpus_chrf(hypotheses, references, char_order=6, word_order=0, beta=2, remove_whitespace=True,
                eps_smoothing=False) -> CHRFScore:
    """sacrebleu.corpus_chrf (note sacrebleu's inverted ``remove_whitespace``)."""
    metric = CHRF(char_order=char_order, word_order=word_order, beta=beta, whitespace=not check_bool(remove_whitespace, "remove_whitespace"),
                  eps_smoothing=eps_smoothing)
    return metric.corpus_score(hypotheses, references)


def sentence_chrf(hypothesis, references, char_order=6, word_order=0, beta=2, remove_whitespace=True,
                  eps_smoothing=False) -> CHRFScore:
    """sacrebleu.sentence_chrf."""
    metric = CHRF(char_order=char_order, word_order=word_order, beta=beta, whitespace=not check_bool(remove_whitespace, "remove_whitespace"),
                  eps_smoothing=eps_smoothing)
    return metric.sentence_score(hypothesis, references)

