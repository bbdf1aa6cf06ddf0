"""Drop-ins for HF evaluate's ``rouge``, ``bleu``, ``sacrebleu``, ``chrf``, ``ter``, ``wer`` and ``cer`` metrics:
``evaluate.load(name).compute(...)`` as plain functions of the same arguments, returning the
same dicts, computed by ngramkit's kernels (and without downloading metric scripts).

* ``rouge``: evaluate's script builds rouge-score's ``RougeScorer`` (``score_multi`` when
  ``references[0]`` is a list), then either a ``BootstrapAggregator`` whose ``mid.fmeasure`` it
  reports per type, or the per-example F1 lists; computed here from one batched kernel call.
* ``bleu``: tensorflow/nmt's ``compute_bleu`` over evaluate's ``Tokenizer13a`` (shortest
  reference length, optional add-one smoothing on every order), 0-1 scale.
* ``sacrebleu`` / ``chrf`` / ``ter``: sacrebleu's corpus BLEU / chrF / TER with every prediction
  having the same number of references, as evaluate requires.
* ``wer`` / ``cer``: evaluate's scripts on jiwer 4 (``process_words`` / ``process_characters``):
  the summed counts' rate, a float.
"""
from __future__ import annotations

import math
import numbers
from contextlib import contextmanager
from typing import Callable, Sequence

import numpy as np

from ..ingest.arguments import check_bool, reject_unordered
from ..metrics.bleu import MAX_ORDER_LIMIT, bleu as _kernel_bleu
from ..stats.bootstrap import bootstrap_interval
from .nltk.bleu_score import intern_rows
from .rouge_score.rouge_scorer import RougeScorer

DEFAULT_TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


class _CallableTokenizer:
    """A plain callable as an object with ``.tokenize``, as evaluate wraps it."""

    def __init__(self, func: Callable[[str], list]):
        self.func = func

    def tokenize(self, text: str) -> list:
        return self.func(text)


@contextmanager
def _temp_seed(seed):
    """Seed NumPy's global RNG for the block and restore its state after (as evaluate does)."""
    if seed is None:
        yield
        return
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def rouge(
    predictions: Sequence[str],
    references: Sequence,
    rouge_types: Sequence[str] | None = None,
    use_aggregator: bool = True,
    use_stemmer: bool = False,
    tokenizer: Callable[[str], list] | None = None,
    *,
    seed: int | None = None,
    threads: int | None = None,
) -> dict:
    """The dict ``evaluate.load("rouge").compute(predictions=..., references=..., ...)`` returns.

    ``use_aggregator=True``: ``{type: numpy.float64}``, the median of 1000 bootstrap means of F1
    drawn from NumPy's global RNG (``seed``: seed it for this call and restore it after, which is
    what evaluate does with the module's seed). ``use_aggregator=False``: ``{type: [F1 per pair]}``.
    ``references`` items may be strings or lists of strings (then the best reference per type).
    Unlike evaluate, predictions and references of different lengths raise instead of truncating.
    """
    if rouge_types is None:
        rouge_types = DEFAULT_TYPES
    predictions, references = _as_lists(predictions, references)
    if len(predictions) != len(references):
        raise ValueError(
            f"predictions and references differ in length: {len(predictions)} vs {len(references)}"
        )
    wrapped = _CallableTokenizer(tokenizer) if tokenizer is not None else None
    use_aggregator = check_bool(use_aggregator, "use_aggregator")
    scorer = RougeScorer(rouge_types=rouge_types, use_stemmer=use_stemmer, tokenizer=wrapped)
    if references and isinstance(references[0], list):
        references = [r if isinstance(r, list) else [r] for r in references]
    scores = scorer.score_batch(references, predictions, threads=threads)
    names = list(dict.fromkeys(rouge_types))
    if not use_aggregator:
        if not scores:
            raise ValueError("predictions: empty list (evaluate fails here too)")
        return {key: [s[key].fmeasure for s in scores] for key in names}
    result = {}
    if not scores:
        return result  # an empty BootstrapAggregator aggregates to {}
    with _temp_seed(seed):
        for key in names:
            matrix = np.array([tuple(s[key]) for s in scores], dtype=np.float64)
            result[key] = np.float64(bootstrap_interval(matrix, method="rouge_score").mid.fmeasure)
    return result


# -- BLEU (tensorflow/nmt compute_bleu), sacrebleu, chrF ---------------------------------------------------
def _as_lists(predictions, references) -> tuple[list, list]:
    """Both as lists; sets, mappings, iterators and single strings raise TypeError naming them."""
    reject_unordered(predictions, "predictions")
    reject_unordered(references, "references")
    return list(predictions), list(references)


def _reference_groups(predictions, references) -> tuple[list, list]:
    """predictions as a list, references as one list of strings per prediction (a plain string
    is one reference); lengths must match."""
    predictions, references = _as_lists(predictions, references)
    if len(predictions) != len(references):
        raise ValueError(
            f"predictions and references differ in length: {len(predictions)} vs {len(references)}"
        )
    groups = [[r] if isinstance(r, str) else list(r) for r in references]
    return predictions, groups


def _same_count_groups(predictions, references, metric: str) -> tuple[list, list]:
    """As evaluate's sacrebleu and chrf scripts: every prediction needs the same number of
    references (they are transposed into sacrebleu's reference streams)."""
    predictions, groups = _reference_groups(predictions, references)
    if groups and any(len(g) != len(groups[0]) for g in groups):
        raise ValueError(f"{metric} requires the same number of references for each prediction")
    return predictions, groups


def _evaluate_13a_input(text: str) -> str:
    """A text whose tokens under sacrebleu's BLEU 13a path (``rstrip`` then ``Tokenizer13a``)
    are evaluate's ``Tokenizer13a`` tokens of ``text``.

    evaluate's tokenizer does not ``rstrip``: a trailing ``-\\n`` (hyphenation) is removed
    there but becomes a ``-`` token after ``rstrip``. So its first three replacements are done
    here; a ``<skipped>`` they create (``<skip<skipped>ped>``) survives in evaluate but would be
    dropped by a second pass, so it is spelt ``< skipped >``, which 13a splits into the same
    tokens (``<`` and ``>`` are always split off).
    """
    if "\n" not in text and "<skipped>" not in text:
        return text
    text = text.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    return text.replace("<skipped>", "< skipped >")


def _check_strings(values: list, name: str) -> None:
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise TypeError(f"{name}[{i}]: expected str, got {type(value).__name__}")


def _nmt_statistics(predictions: list, groups: list, tokenizer, max_order: int, threads):
    """Per-prediction kernel statistics (hyp_len, -, correct_1..N, total_1..N) and the summed
    shortest-reference length."""
    flat_refs = [r for g in groups for r in g]
    counts = np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))
    if counts.size and counts.min() == 0:
        i = int(np.argmin(counts))
        raise ValueError(f"references[{i}]: no references for prediction {i}")
    starts = np.zeros(len(groups), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    if tokenizer is None:
        _check_strings(predictions, "predictions")
        for g, group in enumerate(groups):
            _check_strings(group, f"references[{g}]")
        hyps = [_evaluate_13a_input(p) for p in predictions]
        refs = [_evaluate_13a_input(r) for r in flat_refs]
        per_prediction = [refs[a : a + k] for a, k in zip(starts.tolist(), counts.tolist())]
        stats = _kernel_bleu(hyps, per_prediction, tokenize="13a", max_ngram_order=max_order,
                             threads=threads).statistics
        ref_lengths = _kernel_bleu(refs, refs, tokenize="13a", max_ngram_order=1, threads=threads).statistics[:, 0]
    else:
        # evaluate tokenizes the references first, then the predictions
        ref_tokens = [tokenizer(r) for r in flat_refs]
        hyp_tokens = [tokenizer(p) for p in predictions]
        batch = intern_rows(hyp_tokens + ref_tokens)
        n = len(hyp_tokens)
        ref_batch = batch.slice(n, len(batch))
        per_prediction = [ref_batch.slice(a, a + k) for a, k in zip(starts.tolist(), counts.tolist())]
        stats = _kernel_bleu(batch.slice(0, n), per_prediction, max_ngram_order=max_order, threads=threads).statistics
        ref_lengths = ref_batch.lengths()
    shortest = int(np.minimum.reduceat(ref_lengths, starts).sum()) if len(starts) else 0
    return stats, shortest


def bleu(
    predictions: Sequence[str],
    references: Sequence,
    tokenizer: Callable[[str], list] | None = None,
    max_order: int = 4,
    smooth: bool = False,
    *,
    threads: int | None = None,
) -> dict:
    """The dict ``evaluate.load("bleu").compute(predictions=..., references=..., ...)`` returns:
    ``bleu``, ``precisions``, ``brevity_penalty``, ``length_ratio``, ``translation_length``,
    ``reference_length`` (0-1 scale), as tensorflow/nmt's ``compute_bleu``.

    ``references`` items are a string or a list of strings. ``tokenizer``: a callable from a
    string to its tokens (any hashable items); default evaluate's ``Tokenizer13a`` (sacrebleu's
    13a without lowercasing), run in C++. The brevity penalty uses each prediction's
    **shortest** reference; ``smooth=True`` adds one to matches and totals of every order,
    unigrams included; the geometric mean is 0 if any precision is 0.

    Unlike evaluate (whose nmt code divides by zero), a corpus whose predictions have no tokens
    at all, or whose shortest references have none, raises ValueError saying so; so do
    predictions and references of different lengths, or a prediction without references.
    """
    if isinstance(max_order, bool) or not isinstance(max_order, numbers.Integral):
        raise TypeError(f"max_order: expected an int, got {type(max_order).__name__}")
    if not 1 <= max_order <= MAX_ORDER_LIMIT:
        raise ValueError(f"max_order: expected 1..{MAX_ORDER_LIMIT}, got {max_order}")
    smooth = check_bool(smooth, "smooth")
    predictions, groups = _reference_groups(predictions, references)
    stats, reference_length = _nmt_statistics(predictions, groups, tokenizer, max_order, threads)
    sums = stats.sum(axis=0).tolist() if len(stats) else [0] * (2 + 2 * max_order)
    translation_length = sums[0]
    matches, possible = sums[2 : 2 + max_order], sums[2 + max_order :]

    precisions = [0.0] * max_order
    for i in range(max_order):
        if smooth:
            precisions[i] = (matches[i] + 1.0) / (possible[i] + 1.0)
        elif possible[i] > 0:
            precisions[i] = float(matches[i]) / possible[i]
    if min(precisions) > 0:
        geo_mean = math.exp(sum((1.0 / max_order) * math.log(p) for p in precisions))
    else:
        geo_mean = 0
    if reference_length == 0:
        raise ValueError("references: every prediction's shortest reference is empty after tokenization "
                         "(evaluate's bleu divides by zero here); BLEU's length ratio is undefined")
    ratio = float(translation_length) / reference_length
    if translation_length == 0:
        raise ValueError("predictions: empty after tokenization (evaluate's bleu divides by zero here); "
                         "BLEU's brevity penalty is undefined")
    bp = 1.0 if ratio > 1.0 else math.exp(1 - 1.0 / ratio)
    return {
        "bleu": geo_mean * bp,
        "precisions": precisions,
        "brevity_penalty": bp,
        "length_ratio": ratio,
        "translation_length": translation_length,
        "reference_length": reference_length,
    }


def sacrebleu(
    predictions: Sequence[str],
    references: Sequence,
    smooth_method: str = "exp",
    smooth_value: float | None = None,
    force: bool = False,
    lowercase: bool = False,
    tokenize: str | None = None,
    use_effective_order: bool = False,
    *,
    threads: int | None = None,
) -> dict:
    """The dict ``evaluate.load("sacrebleu").compute(...)`` returns: ``score``, ``counts``,
    ``totals``, ``precisions``, ``bp``, ``sys_len``, ``ref_len`` of sacrebleu's corpus BLEU
    (0-100). Every prediction must have the same number of references (ValueError otherwise).
    ``force`` only silences sacrebleu's "looks tokenized" warning and changes no number.
    """
    check_bool(force, "force")
    use_effective_order = check_bool(use_effective_order, "use_effective_order")
    predictions, groups = _same_count_groups(predictions, references, "Sacrebleu")
    result = _kernel_bleu(predictions, groups, tokenize=tokenize or None, smooth_method=smooth_method,
                          smooth_value=smooth_value, lowercase=lowercase, effective_order=use_effective_order,
                          threads=threads)
    return {
        "score": result.score,
        "counts": result.counts,
        "totals": result.totals,
        "precisions": result.precisions,
        "bp": result.bp,
        "sys_len": result.sys_len,
        "ref_len": result.ref_len,
    }


def chrf(
    predictions: Sequence[str],
    references: Sequence,
    char_order: int = 6,
    word_order: int = 0,
    beta: int = 2,
    lowercase: bool = False,
    whitespace: bool = False,
    eps_smoothing: bool = False,
    *,
    threads: int | None = None,
) -> dict:
    """The dict ``evaluate.load("chrf").compute(...)`` returns: ``score`` (sacrebleu's corpus
    chrF / chrF++, 0-100), ``char_order``, ``word_order``, ``beta``. Every prediction must have
    the same number of references (ValueError otherwise)."""
    from ..metrics.chrf import chrf as _kernel_chrf

    predictions, groups = _same_count_groups(predictions, references,
                                             "ChrF, as implemented by sacrebleu,")
    result = _kernel_chrf(predictions, groups, char_order=char_order, word_order=word_order, beta=beta,
                          lowercase=lowercase, whitespace=whitespace, eps_smoothing=eps_smoothing,
                          threads=threads)
    return {"score": result.score, "char_order": char_order, "word_order": word_order, "beta": beta}


def ter(
    predictions: Sequence[str],
    references: Sequence,
    normalized: bool = False,
    ignore_punct: bool = False,
    support_zh_ja_chars: bool = False,
    case_sensitive: bool = False,
    *,
    threads: int | None = None,
) -> dict:
    """The dict ``evaluate.load("ter").compute(...)`` returns: ``score`` (sacrebleu's corpus TER,
    0-100+, lower is better), ``num_edits`` (int), ``ref_length`` (summed average reference
    lengths). evaluate's option names map to sacrebleu's: ``ignore_punct`` is ``no_punct``,
    ``support_zh_ja_chars`` is ``asian_support``. Every prediction must have the same number of
    references (ValueError otherwise); a plain string is one reference."""
    from ..metrics.ter import ter as _kernel_ter

    check_bool(ignore_punct, "ignore_punct")  # errors name evaluate's arguments, not sacrebleu's
    check_bool(support_zh_ja_chars, "support_zh_ja_chars")
    predictions, groups = _same_count_groups(predictions, references, "Sacrebleu")
    result = _kernel_ter(predictions, groups, normalized=normalized, no_punct=ignore_punct,
                         asian_support=support_zh_ja_chars, case_sensitive=case_sensitive, threads=threads)
    return {"score": result.score, "num_edits": int(result.num_edits), "ref_length": result.ref_length}


def _error_rate(kernel, predictions, references, concatenate_texts, threads) -> float:
    """evaluate's ``wer`` / ``cer`` on jiwer 4 (``process_words`` / ``process_characters``): with
    ``concatenate_texts`` jiwer's corpus rate; otherwise Σ(S + D + I) / Σ(S + D + H) over the
    pairs — the same number, except that evaluate then divides by zero when every reference is
    empty (ZeroDivisionError here too)."""
    check_bool(concatenate_texts, "concatenate_texts")
    result = kernel(predictions, references, threads=threads)
    if concatenate_texts:
        return result.wer
    total = result.substitutions + result.deletions + result.hits
    if total == 0:
        raise ZeroDivisionError("references: every reference is empty; evaluate's per-pair sum divides by zero "
                                "(concatenate_texts=True gives jiwer's rate instead)")
    return (result.substitutions + result.deletions + result.insertions) / total


def wer(predictions: Sequence[str], references: Sequence[str], concatenate_texts: bool = False, *,
        threads: int | None = None) -> float:
    """What ``evaluate.load("wer").compute(predictions=..., references=...)`` returns: the word
    error rate (a float) with jiwer's default word transform; one reference per prediction."""
    from ..metrics.error_rates import wer as _kernel_wer

    return _error_rate(_kernel_wer, predictions, references, concatenate_texts, threads)


def cer(predictions: Sequence[str], references: Sequence[str], concatenate_texts: bool = False, *,
        threads: int | None = None) -> float:
    """What ``evaluate.load("cer").compute(...)`` returns with jiwer 4: the character error rate."""
    from ..metrics.error_rates import cer as _kernel_cer

    return _error_rate(_kernel_cer, predictions, references, concatenate_texts, threads)


#: ``load`` names -> (the module's ``name`` as evaluate reports it, the drop-in function).
_MODULES = {"rouge": ("rouge", rouge), "bleu": ("bleu", bleu), "sacrebleu": ("sacrebleu", sacrebleu),
            "chrf": ("chr_f", chrf), "ter": ("ter", ter), "wer": ("wer", wer), "cer": ("cer", cer)}
# evaluate.load arguments about where scripts and caches live: nothing is downloaded or cached here
_STORAGE_ARGUMENTS = ("cache_dir", "keep_in_memory", "experiment_id", "download_config", "download_mode",
                      "revision", "module_type")


def load(path: str, config_name: str | None = None, *, process_id: int = 0, num_process: int = 1, **kwargs):
    """``evaluate.load(path)`` for ``rouge``, ``bleu``, ``sacrebleu``, ``chrf``, ``ter``, ``wer`` and
    ``cer`` (also as ``evaluate-metric/<name>``): an :class:`EvaluationModule` whose
    ``compute(predictions=..., references=..., **options)`` returns evaluate's result, computed by
    ngramkit. Other keyword arguments are the metric's options (evaluate's newer config style,
    ``load("sacrebleu", tokenize="intl")``; ``seed`` for rouge's bootstrap), used as defaults of
    ``compute``; evaluate's storage arguments (``cache_dir``, ``keep_in_memory``, ...) are accepted
    and have nothing to do. An unknown name raises ValueError listing the names."""
    from .evaluation_module import EvaluationModule

    name = path.removeprefix("evaluate-metric/") if isinstance(path, str) else path
    if name not in _MODULES:
        raise ValueError(f"load: no ngramkit drop-in for {path!r}; choose among {', '.join(_MODULES)}")
    if config_name not in (None, "default"):
        raise ValueError(f"load: {name} has only the 'default' config, not {config_name!r}")
    if (process_id, num_process) != (0, 1):
        raise ValueError("load: process_id / num_process (evaluate's distributed evaluation) are not supported; "
                         "score all pairs in one process, or combine ngramkit results")
    options = {k: v for k, v in kwargs.items() if k not in _STORAGE_ARGUMENTS}
    module_name, function = _MODULES[name]
    return EvaluationModule(module_name, function, options)
