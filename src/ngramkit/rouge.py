"""ROUGE-N (1..9), ROUGE-L and ROUGE-Lsum, identical to rouge-score 0.1.2, over text or token ids."""
from __future__ import annotations

import functools
from typing import Any, Callable, Iterable, Iterator, Mapping

import numpy as np

from . import inputs
from .pairs import ingest_pairs, n_references_label
from .rouge_types import DEFAULT_ROUGE_TYPES, ROUGE_LSUM, rouge_type_codes
from .scores import Score
from .signature import Signature
from .text_tokenizers import NATIVE_TOKENIZERS, check_tokenizer_name, delegated_tokenizer, lowercased
from .threads import resolve_threads
from .token_batch import TokenBatch

MULTI_REFERENCE_MODES = ("best", "mean")


def scores_from_statistics(stats: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall, F1 (float64) from integer statistics (..., 3) = (hits, pred, ref).

    ``p = hits / max(pred, 1)``, ``r = hits / max(ref, 1)``, ``F = 2*p*r / (p + r)`` or 0 — the
    same IEEE operations in the same order as rouge-score, so the floats are bit-identical.
    """
    stats = np.asarray(stats)
    hits = stats[..., 0].astype(np.float64)
    precision = hits / np.maximum(stats[..., 1], 1)
    recall = hits / np.maximum(stats[..., 2], 1)
    total = precision + recall
    with np.errstate(invalid="ignore", divide="ignore"):
        fmeasure = np.where(total > 0, 2 * precision * recall / total, 0.0)
    return precision, recall, fmeasure


class RougeScores:
    """Per-pair scores of one rouge type.

    Attributes
    ----------
    precision, recall, fmeasure : numpy.ndarray, float64, shape (n_pairs,)
    statistics : numpy.ndarray, int64, shape (n_pairs, 3) or None
        Columns ``hits, prediction_total, reference_total`` of the reference each pair was scored
        against (clipped n-gram matches and n-gram counts for rougeN; LCS length and token counts
        for rougeL; union-LCS hits and token counts for rougeLsum). They add up across pairs,
        chunks and machines. ``None`` with ``multi_reference="mean"`` (no single reference).
    reference_index : numpy.ndarray, int64, shape (n_pairs,) or None
        With several references, which one (index within the prediction's references) was chosen.
    """

    __slots__ = ("name", "_precision", "_recall", "_fmeasure", "_statistics", "reference_index", "_pending")

    def __init__(self, name, precision, recall, fmeasure, statistics=None, reference_index=None):
        self.name = name
        self._precision, self._recall, self._fmeasure = precision, recall, fmeasure
        self._statistics = statistics
        self.reference_index = reference_index
        self._pending = None

    @classmethod
    def _of_one_pair(cls, name, scores: np.ndarray, stats: np.ndarray, t: int) -> "RougeScores":
        """Type ``t`` of one pair: ``scores`` float64 (3, n_types) P/R/F rows, ``stats`` int64
        (1, n_types, 3). The arrays (views) are made on first access: slicing costs more than the
        kernel on one pair."""
        self = cls.__new__(cls)
        self.name = name
        self.reference_index = None
        self._pending = (scores, stats, t)
        return self

    def _materialize(self) -> None:
        scores, stats, t = self._pending
        self._precision, self._recall, self._fmeasure = scores[0, t:t + 1], scores[1, t:t + 1], scores[2, t:t + 1]
        self._statistics = stats[:, t, :]
        self._pending = None

    @property
    def precision(self) -> np.ndarray:
        if self._pending is not None:
            self._materialize()
        return self._precision

    @precision.setter
    def precision(self, value) -> None:
        if self._pending is not None:
            self._materialize()
        self._precision = value

    @property
    def recall(self) -> np.ndarray:
        if self._pending is not None:
            self._materialize()
        return self._recall

    @recall.setter
    def recall(self, value) -> None:
        if self._pending is not None:
            self._materialize()
        self._recall = value

    @property
    def fmeasure(self) -> np.ndarray:
        if self._pending is not None:
            self._materialize()
        return self._fmeasure

    @fmeasure.setter
    def fmeasure(self, value) -> None:
        if self._pending is not None:
            self._materialize()
        self._fmeasure = value

    @property
    def statistics(self) -> np.ndarray | None:
        if self._pending is not None:
            self._materialize()
        return self._statistics

    @statistics.setter
    def statistics(self, value) -> None:
        if self._pending is not None:
            self._materialize()
        self._statistics = value

    @property
    def matches(self) -> np.ndarray:
        return self._column(0)

    @property
    def prediction_total(self) -> np.ndarray:
        return self._column(1)

    @property
    def reference_total(self) -> np.ndarray:
        return self._column(2)

    def _column(self, i: int) -> np.ndarray:
        if self.statistics is None:
            raise AttributeError("no per-pair statistics with multi_reference='mean'")
        return self.statistics[:, i]

    def __len__(self) -> int:
        return len(self.fmeasure)

    def __getitem__(self, i: int) -> Score:
        return Score(float(self.precision[i]), float(self.recall[i]), float(self.fmeasure[i]))

    def mean(self) -> Score:
        """Plain mean over pairs of precision, recall and F1 (``Score`` of floats)."""
        if len(self) == 0:
            return Score(0.0, 0.0, 0.0)
        return Score(float(np.mean(self.precision)), float(np.mean(self.recall)), float(np.mean(self.fmeasure)))

    def as_matrix(self) -> np.ndarray:
        """float64 (n_pairs, 3): precision, recall, fmeasure columns."""
        return np.stack([self.precision, self.recall, self.fmeasure], axis=1)

    def __repr__(self) -> str:
        return f"RougeScores({self.name}, n={len(self)}, mean={self.mean()})"


class RougeResult(Mapping[str, RougeScores]):
    """ROUGE scores per rouge type: ``result["rouge1"].fmeasure`` is a float64 array, one entry per
    prediction. ``mean()`` averages over pairs, ``aggregate()`` adds bootstrap intervals."""

    def __init__(self, scores: dict[str, RougeScores], signature: Signature | Callable[[], Signature] | None = None):
        self._scores = scores
        self._signature = signature

    @property
    def signature(self) -> Signature | None:
        """How the scores were computed: types, stemmer, tokenizer, sentence splitting, references."""
        if callable(self._signature):
            self._signature = self._signature()
        return self._signature

    def __getitem__(self, key: str) -> RougeScores:
        try:
            return self._scores[key]
        except KeyError:
            raise KeyError(f"{key!r} was not computed; computed: {list(self._scores)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._scores)

    def __len__(self) -> int:
        return len(self._scores)

    @property
    def rouge_types(self) -> list[str]:
        return list(self._scores)

    @property
    def n_pairs(self) -> int:
        return len(next(iter(self._scores.values())))

    def mean(self) -> dict[str, Score]:
        """Mean precision/recall/F1 per type."""
        return {name: s.mean() for name, s in self._scores.items()}

    def combine(self, *others: "RougeResult") -> "RougeResult":
        """The result of all these pairs together, in order: per type the per-pair scores,
        statistics and reference indices concatenated, so ``mean()`` equals scoring all pairs in
        one call, bit for bit. Every result must hold the same rouge types."""
        for other in others:
            if not isinstance(other, RougeResult) or other.rouge_types != self.rouge_types:
                raise ValueError("combine: every result must be a RougeResult with the same rouge types")
        parts = (self, *others)

        def joined(name: str, field: str):
            arrays = [getattr(p[name], field) for p in parts]
            return None if any(a is None for a in arrays) else np.concatenate(arrays)

        scores = {
            name: RougeScores(name, *(joined(name, f) for f in ("precision", "recall", "fmeasure", "statistics",
                                                                "reference_index")))
            for name in self.rouge_types
        }
        return RougeResult(scores, _combined_signature([p.signature for p in parts if p.n_pairs]))

    def aggregate(self, *, n_samples: int = 1000, confidence_interval: float = 0.95, seed=None,
                  method: str = "fast", threads: int | None = None) -> dict:
        """Bootstrap confidence intervals per type (see :func:`ngramkit.bootstrap_interval`)."""
        from .bootstrap import bootstrap_interval

        return {
            name: bootstrap_interval(s.as_matrix(), n_samples=n_samples, confidence_interval=confidence_interval,
                                     seed=seed, method=method, threads=threads)
            for name, s in self._scores.items()
        }

    def to_dict(self) -> dict[str, dict[str, list[float]]]:
        """``{type: {"precision": [...], "recall": [...], "fmeasure": [...]}}`` of Python floats."""
        return {
            name: {"precision": s.precision.tolist(), "recall": s.recall.tolist(), "fmeasure": s.fmeasure.tolist()}
            for name, s in self._scores.items()
        }

    def to_pandas(self):
        """A DataFrame with one row per pair and columns ``<type>_precision|recall|fmeasure``
        (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install 'ngramkit[pandas]'") from None
        columns = {}
        for name, s in self._scores.items():
            columns[f"{name}_precision"] = s.precision
            columns[f"{name}_recall"] = s.recall
            columns[f"{name}_fmeasure"] = s.fmeasure
        return pd.DataFrame(columns)

    def __repr__(self) -> str:
        means = ", ".join(f"{k}={v.mean().fmeasure:.4f}" for k, v in self._scores.items())
        return f"RougeResult(n={self.n_pairs if self._scores else 0}, mean F1: {means})"


def _group_mean(values: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Per group, ``sum(v) / len(v)`` as Python computes it: the values added left to right in
    reference order, then divided by their count (``np.add.reduceat`` may pair the additions
    differently and differ in the last bit). Vectorized over groups: step ``k`` adds the ``k``-th
    value of every group that has one, so the work is O(number of values)."""
    order = np.argsort(-sizes, kind="stable")  # groups by decreasing size: those with > k values lead
    sorted_sizes = sizes[order]
    acc = values[starts].copy()
    for k in range(1, int(sorted_sizes[0]) if len(sizes) else 0):
        live = order[: int(np.searchsorted(-sorted_sizes, -k, side="left"))]
        acc[live] += values[starts[live] + k]
    return acc / sizes


def _select(name: str, stats: np.ndarray, groups: np.ndarray, mode: str, prf=None) -> RougeScores:
    """Per-prediction scores from per-reference statistics (n_refs, 3); ``prf``: their
    precision, recall, F1 if already computed (``_core.rouge_prf``)."""
    precision, recall, fmeasure = scores_from_statistics(stats) if prf is None else prf
    n_pred = len(groups) - 1
    if len(stats) == n_pred:  # one reference each
        return RougeScores(name, precision, recall, fmeasure, stats, None)
    starts = groups[:-1]
    sizes = np.diff(groups)
    if mode == "mean":
        return RougeScores(
            name,
            _group_mean(precision, starts, sizes),
            _group_mean(recall, starts, sizes),
            _group_mean(fmeasure, starts, sizes),
        )
    # rouge-score's score_multi: per type, the first reference with the highest F1.
    owner = np.repeat(np.arange(n_pred), sizes)
    best_f = np.maximum.reduceat(fmeasure, starts)
    at_max = np.flatnonzero(fmeasure == best_f[owner])
    _, first = np.unique(owner[at_max], return_index=True)
    chosen = at_max[first]
    return RougeScores(name, precision[chosen], recall[chosen], fmeasure[chosen], stats[chosen], chosen - starts)


def _tokenize_with(tokenizer, text: str) -> list:
    tokens = tokenizer.tokenize(text) if hasattr(tokenizer, "tokenize") else tokenizer(text)
    return list(tokens)


def _sentences(text: str, split_summaries: bool) -> list[str]:
    """rouge-score's rougeLsum sentences: newline split (or NLTK punkt), empty strings dropped."""
    if split_summaries:
        from .sentences import punkt_sentences

        sents = punkt_sentences(text)
    else:
        sents = text.split("\n")
    return [s for s in sents if len(s)]


def _custom_token_ids(texts_by_side: dict[str, list[str]], tokenizer, whole_texts: bool, lsum: bool,
                      split_summaries: bool):
    """Tokenize with a user tokenizer and intern tokens (any hashables) to ids shared by both sides.

    Returns per side a TokenBatch of whole-text tokens (if ``whole_texts``; rouge-score does not
    tokenize whole texts when rougeLsum is the only type) and, if ``lsum``, a TokenBatch of
    per-sentence tokens joined by a separator id, and that id.
    """
    vocab: dict[Any, int] = {}
    whole, sentences = [], []
    for side, texts in texts_by_side.items():
        rows = []
        sent_rows = []
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"{side}[{i}]: expected str, got {type(text).__name__}")
            if whole_texts:
                rows.append([vocab.setdefault(t, len(vocab)) for t in _tokenize_with(tokenizer, text)])
            if lsum:
                row: list = []
                for sent in _sentences(text, split_summaries):
                    row.extend(vocab.setdefault(t, len(vocab)) for t in _tokenize_with(tokenizer, sent))
                    row.append(-1)
                sent_rows.append(row)
        whole.append(rows)
        sentences.append(sent_rows)
    separator = len(vocab)
    if separator > 2**31 - 2:
        raise ValueError("tokenizer: more than 2**31 - 2 distinct tokens")
    out_whole = [TokenBatch.from_lists(rows) if whole_texts else None for rows in whole]
    out_sent = []
    if lsum:
        for rows in sentences:
            out_sent.append(TokenBatch.from_lists([[separator if t == -1 else t for t in r] for r in rows]))
    return out_whole, out_sent, separator


def rouge(
    predictions: Any,
    references: Any,
    rouge_types: Iterable[str] | str = DEFAULT_ROUGE_TYPES,
    *,
    use_stemmer: bool = False,
    split_summaries: bool = False,
    tokenizer: Callable[[str], list] | Any = None,
    tokenize: str | None = None,
    multi_reference: str = "best",
    sentence_separator: int | None = None,
    threads: int | None = None,
    progress: bool = False,
    chunk_size: int = 100_000,
) -> RougeResult:
    """ROUGE scores of each prediction against its reference(s), identical to rouge-score 0.1.2.

    Parameters
    ----------
    predictions : list[str] | list[list[int]] | TokenBatch | pyarrow array
        One text or token-id sequence per pair (predictions first, as in HF evaluate).
    references : same kinds, one per prediction; or several per prediction: a list whose items are
        lists of strings / lists of id sequences / TokenBatch, or a pyarrow list<list<int>> array.
    rouge_types : names among ``rouge1`` … ``rouge9``, ``rougeL``, ``rougeLsum``.
    use_stemmer : Porter-stem tokens longer than 3 characters (text input, default tokenizer), as
        rouge-score does with NLTK's stemmer.
    split_summaries : rougeLsum sentences from NLTK's punkt model instead of newlines (needs nltk
        and its ``punkt_tab`` data).
    tokenizer : an object with ``.tokenize(text)`` or a callable ``text -> list of tokens``; replaces
        the default tokenizer (and ignores ``use_stemmer``), as in rouge-score / HF evaluate.
    tokenize : a sacrebleu tokenizer name (``13a``, ``intl``, ``zh``, ``char``, ``none`` in C++;
        ``ja-mecab``, ``ko-mecab``, ``flores101``, ``flores200`` through sacrebleu) for text in any
        language: scores equal rouge-score's with ``tokenizer=T``, ``T.tokenize(text)`` being
        ``NAME(text.lower()).split()``. rouge-score's own tokenizer keeps only ``[a-z0-9]``, so
        Korean, Chinese or Arabic text scores 0 without this. Not with ``tokenizer`` or
        ``use_stemmer``.
    multi_reference : ``"best"`` (rouge-score's ``score_multi``: per type, the first reference with
        the highest F1) or ``"mean"`` (precision, recall and F1 averaged over the references:
        ``sum(v) / len(v)`` in Python's sense, the values added left to right in reference order,
        bit for bit).
    sentence_separator : token-id input only: this id splits a row into sentences for rougeLsum
        (like a newline in text) and is dropped for every type. ``None``: one sentence per row.
    threads : worker threads over pairs (default: all cores). Results never depend on it.
    progress : show a tqdm progress bar (needs tqdm) while the predictions are scored in chunks.
    chunk_size : at most this many predictions per kernel call. Text is always scored in chunks of
        at most ``chunk_size`` predictions and about 8 MB of text, so its UTF-8 buffers stay small
        whatever the batch size (results never depend on it).

    Memory is linear in the input: long LCS problems (rougeL, rougeLsum) switch to compact
    match masks and a checkpointed rougeLsum traceback with the same results (one
    60,000-token sentence a side: ~10–16 MB; README "Memory"). Time for rougeL/rougeLsum stays
    O(n·m/64) per pair.

    Returns
    -------
    RougeResult
        ``result["rouge1"].precision`` / ``.recall`` / ``.fmeasure``: float64 arrays (n_pairs,);
        ``.statistics``: the int64 per-pair statistics they come from.
    """
    if (type(predictions) is list and type(references) is list and len(predictions) == 1 and len(references) == 1
            and type(predictions[0]) is str and type(references[0]) is str and tokenizer is None and tokenize is None
            and sentence_separator is None and not split_summaries and not progress
            and (threads is None or (type(threads) is int and threads >= 1))
            and (multi_reference == "best" or multi_reference == "mean")):
        fast = _one_text_pair(predictions[0], references[0], rouge_types, bool(use_stemmer), multi_reference)
        if fast is not None:
            return fast
    names, codes = rouge_type_codes(rouge_types)
    n_threads = resolve_threads(threads)
    use_stemmer, split_summaries, progress = bool(use_stemmer), bool(split_summaries), bool(progress)
    if multi_reference not in MULTI_REFERENCE_MODES:
        raise ValueError(f"multi_reference: expected one of {MULTI_REFERENCE_MODES}, got {multi_reference!r}")
    if sentence_separator is not None and (
        isinstance(sentence_separator, bool) or not isinstance(sentence_separator, (int, np.integer))
        or not 0 <= sentence_separator <= 2**31 - 1
    ):
        raise ValueError(f"sentence_separator: expected a token id in [0, 2**31 - 1], got {sentence_separator!r}")
    signature_tokenizer = "custom" if tokenizer is not None else tokenize
    if tokenize is not None:
        check_tokenizer_name(tokenize)
        for option, value in (("tokenizer", tokenizer), ("use_stemmer", use_stemmer)):
            if value:
                raise ValueError(f"{option}: cannot be combined with tokenize={tokenize!r}")
        if tokenize not in NATIVE_TOKENIZERS:  # an external tokenizer runs through sacrebleu, in Python
            tokenizer = _delegated_rouge_tokenizer(tokenize)
            tokenize = None
        elif split_summaries and ROUGE_LSUM in codes:
            # punkt needs the original case and may keep newlines inside a sentence: tokenize each
            # punkt sentence on its own, one call per text
            tokenizer = _native_rouge_tokenizer(tokenize)
            tokenize = None
    if split_summaries and ROUGE_LSUM in codes:
        from .sentences import require_punkt

        require_punkt()

    from . import _core

    stats = None
    if tokenizer is None and tokenize is None and not (use_stemmer or split_summaries or progress):
        stats = _id_lists_statistics(predictions, references, codes, sentence_separator, n_threads)
    if stats is not None:
        groups, kind = np.arange(len(predictions) + 1, dtype=np.int64), inputs.IDS
    else:
        pairs = ingest_pairs(predictions, references, threads=n_threads)
        pred_side, ref_side, groups, kind = pairs.predictions, pairs.references, pairs.groups, pairs.kind
        sacre_code = -1 if tokenize is None else NATIVE_TOKENIZERS[tokenize]
        args = (codes, use_stemmer, split_summaries, tokenizer, sentence_separator, n_threads, sacre_code)
        if progress or kind == inputs.TEXT:  # text: bounded chunks, so its buffers stay small
            stats = _chunked_statistics(pred_side, ref_side, groups, args, chunk_size, progress)
        else:
            stats = _statistics(pred_side, ref_side, groups, *args)

    # (3, n_types, n_refs): scores_from_statistics of every type at once
    prf = _core.rouge_prf(stats, n_threads)
    scores = {name: _select(name, stats[:, t, :], groups, multi_reference, prf[:, t])
              for t, name in enumerate(names)}
    return RougeResult(scores, functools.partial(_signature, names, groups, kind, use_stemmer,
                                                 signature_tokenizer, split_summaries, multi_reference))


def _id_lists_statistics(predictions, references, codes, sentence_separator, n_threads) -> np.ndarray | None:
    """int64 (n, n_types, 3) statistics of list[list[int]] predictions against one id list each,
    converted and scored in one overlapped step (``_core.rouge_id_rows``); None for any other
    layout, which the general ingest then handles (and names what is wrong with it)."""
    from . import _core

    if type(predictions) is not list or type(references) is not list or not predictions \
            or isinstance(predictions[0], str):
        return None
    separator = -1 if sentence_separator is None else int(sentence_separator)
    return _core.rouge_id_rows(predictions, references, codes, separator, n_threads)


_ONE_PAIR_GROUPS = np.arange(2, dtype=np.int64)
_ONE_PAIR_GROUPS.setflags(write=False)
_pair_scorers: dict = {}


def _one_text_pair(prediction: str, reference: str, rouge_types, use_stemmer: bool, multi_reference: str):
    """``rouge([prediction], [reference], ...)`` without the batch's fixed cost: the same tokenizer
    and kernel (``_core.RougePairScorer``), the same P/R/F operations, the same result. ``None`` if
    ``rouge_types`` is not a hashable spelling (the caller then takes the general path)."""
    key = (rouge_types if type(rouge_types) is str or type(rouge_types) is tuple
           else tuple(rouge_types) if type(rouge_types) is list else None)
    if key is None:
        return None
    try:
        entry = _pair_scorers.get((key, use_stemmer))
    except TypeError:  # unhashable names: let rouge_type_codes report them
        return None
    if entry is None:
        from . import _core

        names, codes = rouge_type_codes(key)
        if len(_pair_scorers) > 256:
            _pair_scorers.clear()
        entry = _pair_scorers[(key, use_stemmer)] = (
            names, _core.RougePairScorer(codes, use_stemmer, tuple(names), Score, False))
    names, scorer = entry
    stats, prf = scorer.arrays(prediction, reference)
    one = RougeScores._of_one_pair
    scores = {name: one(name, prf, stats, t) for t, name in enumerate(names)}
    return RougeResult(scores, functools.partial(_signature, names, _ONE_PAIR_GROUPS, inputs.TEXT, use_stemmer,
                                                 None, False, multi_reference))


def _combined_signature(signatures: list) -> Signature | None:
    """The signature of results scored alike: theirs, with ``nrefs:var`` if only that differs;
    None if anything else differs (or there is none)."""
    if not signatures or any(s is None for s in signatures):
        return None
    fields = [dict(s.info) for s in signatures]
    nrefs = {f.pop("nrefs", None) for f in fields}
    if any(f != fields[0] for f in fields):
        return None
    return Signature({"nrefs": nrefs.pop() if len(nrefs) == 1 else "var", **fields[0]})


def _signature(names, groups, kind, use_stemmer, tokenize, split_summaries, multi_reference) -> Signature:
    """``nrefs:1|types:rouge1+rouge2+rougeL|stem:no|tok:rouge-score|split:newline|multi:best|version:...``."""
    tok = "ids" if kind == inputs.IDS else (tokenize or "rouge-score")
    nrefs = n_references_label(groups)
    return Signature({
        "nrefs": nrefs,
        "types": "+".join(names),
        "stem": bool(use_stemmer) and tok == "rouge-score",
        "tok": tok,
        "split": ("punkt" if split_summaries else "newline") if "rougeLsum" in names else None,
        "multi": multi_reference if nrefs != 1 else None,
    })


CHUNK_TEXT_BYTES = 8 << 20  # text per kernel call (UTF-8 of both sides, estimated): bounds the buffers


def _chunked_statistics(pred_side, ref_side, groups, args, chunk_size: int, progress: bool) -> np.ndarray:
    """_statistics over consecutive chunks of predictions, written into one array: at most
    ``chunk_size`` predictions and about CHUNK_TEXT_BYTES of text a chunk (the size estimated from
    the chunk's first texts), with a tqdm progress bar if ``progress``. Results never depend on it:
    every pair is scored on its own."""
    if progress:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            raise ImportError("progress=True needs tqdm: pip install 'ngramkit[progress]'") from None
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ValueError(f"chunk_size: expected a positive int, got {chunk_size!r}")
    n_pred = len(pred_side)
    if n_pred == 0:
        return _statistics(pred_side, ref_side, groups, *args)
    text = pred_side.kind == inputs.TEXT
    stats = np.empty((int(groups[-1]), len(args[0]), 3), dtype=np.int64)
    bar = tqdm(total=n_pred, unit="pairs", desc="rouge") if progress else None
    try:
        start = 0
        while start < n_pred:
            size = min(int(chunk_size), _text_chunk_size(pred_side, ref_side, groups, start) if text else n_pred)
            stop = min(n_pred, start + size)
            first, last = int(groups[start]), int(groups[stop])
            out = stats[first:last]
            try:
                part = _statistics(inputs.side_slice(pred_side, start, stop),
                                   inputs.side_slice(ref_side, first, last), groups[start : stop + 1] - first,
                                   *args, out=out)
            except TypeError:
                if text:  # name a non-str item by its index in the whole batch, not in the chunk
                    inputs.text_buffers(pred_side.texts, "predictions")
                    inputs.text_buffers(ref_side.texts, "references")
                raise
            if part is not out:
                out[...] = part
            if bar is not None:
                bar.update(stop - start)
            start = stop
    finally:
        if bar is not None:
            bar.close()
    return stats


def _text_chunk_size(pred_side, ref_side, groups, start: int, sample: int = 64) -> int:
    """Predictions from ``start`` that hold about CHUNK_TEXT_BYTES of text (both sides), estimated
    from the next ``sample`` predictions and their references (at least 1024)."""
    stop = min(len(pred_side), start + sample)
    first, last = int(groups[start]), int(groups[stop])
    chars = sum(map(_text_len, pred_side.texts[start:stop])) + sum(map(_text_len, ref_side.texts[first:last]))
    per_prediction = max(chars / (stop - start), 1.0)
    return max(1024, int(CHUNK_TEXT_BYTES / per_prediction))


def _text_len(text) -> int:
    return len(text) if isinstance(text, str) else 0  # a non-str is reported by the buffer step


def _delegated_rouge_tokenizer(name: str):
    """``text -> tokens`` with sacrebleu's own tokenizer ``name`` on the lowercased text."""
    tokenizer, _ = delegated_tokenizer(name)
    return lambda text: tokenizer(text.lower()).split()


def _native_rouge_tokenizer(name: str):
    """``text -> tokens``: the C++ sacrebleu tokenizer ``name`` on the lowercased text."""
    from . import _core

    code = NATIVE_TOKENIZERS[name]
    return lambda text: _core.sacrebleu_tokenize(*inputs.text_buffers([text.lower()], "texts"), code)[0].split()


def _statistics(pred_side, ref_side, groups, codes, use_stemmer, split_summaries, tokenizer, separator,
                n_threads, sacre_code=-1, out=None) -> np.ndarray:
    """int64 (n_references, n_types, 3) statistics (written into ``out`` where the kernel can)."""
    from . import _core

    n_refs = len(ref_side)
    if pred_side.kind == inputs.IDS:
        for option, value in (("use_stemmer", use_stemmer), ("split_summaries", split_summaries),
                              ("tokenizer", tokenizer), ("tokenize", sacre_code >= 0)):
            if value:
                raise ValueError(f"{option}: applies to text input only; token ids are compared as given")
    if n_refs == 0:
        return np.zeros((0, len(codes), 3), dtype=np.int64)
    lsum_at = [t for t, c in enumerate(codes) if c == ROUGE_LSUM]
    other_at = [t for t, c in enumerate(codes) if c != ROUGE_LSUM]
    other_codes = [codes[t] for t in other_at]

    if pred_side.kind == inputs.IDS:
        sep = -1 if separator is None else int(separator)
        # the kernel's array is the result: no zeroed array to copy into
        return _core.rouge_ids(*_ids(pred_side.batch), *_ids(ref_side.batch), groups, codes, sep, n_threads)

    if separator is not None:
        raise ValueError("sentence_separator: only for token-id input (text splits sentences on newlines)")
    if tokenizer is None and sacre_code < 0 and (not split_summaries or not lsum_at):
        return _core.rouge_text(*inputs.text_buffers(pred_side.texts, "predictions", n_threads),
                                *inputs.text_buffers(ref_side.texts, "references", n_threads),
                                groups, codes, use_stemmer, n_threads, out=out)
    stats = np.zeros((n_refs, len(codes), 3), dtype=np.int64)  # filled type by type below
    if tokenizer is not None:
        texts = {"predictions": pred_side.texts, "references": ref_side.texts}
        whole, sents, sep = _custom_token_ids(texts, tokenizer, bool(other_at), bool(lsum_at), split_summaries)
        if other_at:
            stats[:, other_at, :] = _core.rouge_ids(*_ids(whole[0]), *_ids(whole[1]), groups, other_codes, -1,
                                                    n_threads)
        if lsum_at:
            stats[:, lsum_at, :] = _core.rouge_ids(*_ids(sents[0]), *_ids(sents[1]), groups, [ROUGE_LSUM], sep,
                                                   n_threads)
        return stats

    if sacre_code >= 0:
        return _sacrebleu_tokenized_statistics(pred_side, ref_side, groups, codes, n_threads, sacre_code, stats)
    # rougeLsum over punkt sentences, the other types over the texts (whose buffers also name a
    # non-str item before punkt sees it)
    pred_buf = inputs.text_buffers(pred_side.texts, "predictions", n_threads)
    ref_buf = inputs.text_buffers(ref_side.texts, "references", n_threads)
    if other_at:
        stats[:, other_at, :] = _core.rouge_text(*pred_buf, *ref_buf, groups, other_codes, use_stemmer, n_threads)
    from .sentences import punkt_joined

    pred_sent = inputs.text_buffers([punkt_joined(t) for t in pred_side.texts], "predictions", n_threads)
    ref_sent = inputs.text_buffers([punkt_joined(t) for t in ref_side.texts], "references", n_threads)
    stats[:, lsum_at, :] = _core.rouge_text(*pred_sent, *ref_sent, groups, [ROUGE_LSUM], use_stemmer, n_threads)
    return stats


def _sacrebleu_tokenized_statistics(pred_side, ref_side, groups, codes, n_threads, sacre_code,
                                    stats) -> np.ndarray:
    """Statistics with a sacrebleu tokenizer on lowercased text: whole texts for rougeN/rougeL, each
    sentence on its own for rougeLsum (as rouge-score tokenizes them with a custom tokenizer)."""
    from . import _core

    lsum_at = [t for t, c in enumerate(codes) if c == ROUGE_LSUM]
    other_at = [t for t, c in enumerate(codes) if c != ROUGE_LSUM]
    preds = lowercased(pred_side.texts, True)
    refs = lowercased(ref_side.texts, True)
    if other_at:
        stats[:, other_at, :] = _core.rouge_text(
            *inputs.text_buffers(preds, "predictions", n_threads), *inputs.text_buffers(refs, "references", n_threads),
            groups,
            [codes[t] for t in other_at], False, n_threads, sacre_code, False)
    if lsum_at:
        stats[:, lsum_at, :] = _core.rouge_text(
            *inputs.text_buffers(preds, "predictions", n_threads), *inputs.text_buffers(refs, "references", n_threads),
            groups,
            [ROUGE_LSUM], False, n_threads, sacre_code, True)
    return stats


def _ids(batch: TokenBatch) -> tuple[np.ndarray, np.ndarray]:
    return batch.ids, batch.offsets


def tokenize(texts: list[str], *, use_stemmer: bool = False,
             threads: int | None = None) -> tuple[TokenBatch, list[str]]:
    """rouge-score's default tokenization of ``texts`` with one vocabulary.

    Returns ``(batch, vocabulary)``: ``batch`` a TokenBatch of the token ids of each text,
    ``vocabulary[id]`` the token (the stem, with ``use_stemmer``); ids are numbered in order of
    first appearance. Scoring such batches with :func:`rouge` gives the same numbers as scoring
    the texts (except rougeLsum, whose sentence breaks are not kept). ``threads``: worker
    threads (default: all cores of this process); the ids never depend on it.
    """
    from . import _core

    n_threads = resolve_threads(threads)
    data, offsets = inputs.text_buffers(texts, "texts", n_threads)
    ids, tok_offsets, vocabulary = _core.tokenize_text(data, offsets, bool(use_stemmer), n_threads)
    return TokenBatch._wrap(ids, tok_offsets), vocabulary
