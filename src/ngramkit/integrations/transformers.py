"""``compute_metrics`` factories for the Hugging Face ``Seq2SeqTrainer`` (``predict_with_generate=True``);
extra ``transformers`` (transformers >= 4.26; it imports without torch).

On token ids, no decoding (:func:`rouge_on_ids`, :func:`bleu_on_ids`): ``predictions`` and
``label_ids`` are padded int arrays ``(n, length)``; entries equal to ``-100`` (the label padding of
``DataCollatorForSeq2Seq``), to ``pad_token_id`` or to any of ``ignore_ids`` (e.g.
``tokenizer.all_special_ids``, what ``skip_special_tokens=True`` drops) are masked out
(:meth:`TokenBatch.from_padded` with a mask) and the rest scored as ids.

On decoded text, the numbers of the official examples (:func:`summarization_metrics`:
``examples/pytorch/summarization/run_summarization.py``; :func:`translation_metrics`:
``examples/pytorch/translation/run_translation.py``): the same decoding, post-processing, metric and
rounding, computed by ngramkit.

Every factory returns ``compute_metrics(eval_preds) -> dict[str, float]``; ``eval_preds`` is a
``transformers.EvalPrediction`` or a ``(predictions, label_ids)`` pair (``predictions`` may be a
tuple whose first item is the ids, as some models return).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np

from ._host import require

MINIMUM_VERSION = "4.26"
LABEL_PAD = -100


def _host() -> None:
    require("transformers", "transformers", "transformers", MINIMUM_VERSION)


def _arrays(eval_preds) -> tuple[np.ndarray, np.ndarray]:
    predictions, labels = eval_preds
    if isinstance(predictions, tuple):
        predictions = predictions[0]
    return np.asarray(predictions), np.asarray(labels)


def _batch(array: np.ndarray, pad_token_id: int | None, ignore_ids: Iterable[int]):
    """A TokenBatch of the entries that are not -100, ``pad_token_id`` or in ``ignore_ids``."""
    from ..ingest.token_batch import TokenBatch

    dropped = [LABEL_PAD, *([] if pad_token_id is None else [pad_token_id]), *ignore_ids]
    keep = ~np.isin(array, np.array(dropped, dtype=np.int64))
    return TokenBatch.from_padded(np.where(keep, array, 0), mask=keep)


def _gen_len(predictions: np.ndarray, pad_token_id: int | None) -> float:
    """The examples' ``gen_len``: mean count of entries that are not padding (-100 counted as pad)."""
    pad = LABEL_PAD if pad_token_id is None else pad_token_id
    filled = np.where(predictions != LABEL_PAD, predictions, pad)
    return float(np.mean([np.count_nonzero(row != pad) for row in filled]))


def rouge_on_ids(pad_token_id: int | None, *, rouge_types=("rouge1", "rouge2", "rougeL"), ignore_ids=(),
                 sentence_separator: int | None = None, digits: int | None = 4) -> Callable[[Any], dict]:
    """ROUGE on generated ids against label ids: ``{type: mean F1 * 100 rounded to digits, "gen_len"}``
    (the summarization example's scale; ``digits=None``: unrounded). ``sentence_separator``: an id
    that splits rows into sentences for rougeLsum (:func:`ngramkit.rouge`)."""
    from ..metrics.rouge import rouge

    _host()
    ignore = tuple(int(i) for i in ignore_ids)
    rouge([], [], rouge_types=rouge_types, sentence_separator=sentence_separator)  # options checked now

    def compute_metrics(eval_preds) -> dict:
        predictions, labels = _arrays(eval_preds)
        result = rouge(_batch(predictions, pad_token_id, ignore), _batch(labels, pad_token_id, ignore),
                       rouge_types=rouge_types, sentence_separator=sentence_separator)
        out = {name: _round(score.mean().fmeasure * 100, digits) for name, score in result.items()}
        out["gen_len"] = _gen_len(predictions, pad_token_id)
        return out

    return compute_metrics


def bleu_on_ids(pad_token_id: int | None, *, ignore_ids=(), digits: int | None = 4,
                **options: Any) -> Callable[[Any], dict]:
    """Corpus BLEU (0-100) on generated ids against label ids, as the translation example reports
    it: ``{"bleu": score, "gen_len": mean length}``, both rounded to ``digits``. ``options``: of
    :func:`ngramkit.bleu` (smoothing, order)."""
    from ..metrics.bleu import bleu

    _host()
    ignore = tuple(int(i) for i in ignore_ids)

    def compute_metrics(eval_preds) -> dict:
        predictions, labels = _arrays(eval_preds)
        score = bleu(_batch(predictions, pad_token_id, ignore), _batch(labels, pad_token_id, ignore), **options).score
        return {"bleu": _round(score, digits), "gen_len": _round(_gen_len(predictions, pad_token_id), digits)}

    return compute_metrics


def _round(value: float, digits: int | None) -> float:
    return float(value) if digits is None else round(float(value), digits)


def _decoded(tokenizer, eval_preds) -> tuple[list[str], list[str], np.ndarray]:
    """The examples' decoding: -100 replaced by the pad id, ``batch_decode(skip_special_tokens=True)``."""
    predictions, labels = _arrays(eval_preds)
    predictions = np.where(predictions != LABEL_PAD, predictions, tokenizer.pad_token_id)
    labels = np.where(labels != LABEL_PAD, labels, tokenizer.pad_token_id)
    return (tokenizer.batch_decode(predictions, skip_special_tokens=True),
            tokenizer.batch_decode(labels, skip_special_tokens=True), predictions)


def summarization_metrics(tokenizer, *, use_stemmer: bool = True, split_sentences: bool | Callable = True,
                          seed: int | None = None, rouge_types=None) -> Callable[[Any], dict]:
    """The summarization example's ``compute_metrics``: decode, strip, one sentence a line
    (``nltk.sent_tokenize``, so rougeLsum sees sentences; needs nltk and its punkt data; or a callable
    ``text -> list[str]`` of yours; ``False``: the texts as decoded), evaluate's
    ``rouge`` with ``use_stemmer`` (its default aggregator: the median of 1000 bootstrap means of
    F1, drawn from NumPy's global RNG; ``seed`` seeds it for the call), every value ``* 100``
    rounded to 4 digits, and ``gen_len``."""
    from ..compat.evaluate import rouge

    _host()
    splitter = split_sentences if callable(split_sentences) else None
    if split_sentences is True:
        import nltk

        splitter = nltk.sent_tokenize

    def compute_metrics(eval_preds) -> dict:
        predictions, references, ids = _decoded(tokenizer, eval_preds)
        predictions = [p.strip() for p in predictions]
        references = [r.strip() for r in references]
        if splitter is not None:
            predictions = ["\n".join(splitter(p)) for p in predictions]
            references = ["\n".join(splitter(r)) for r in references]
        result = rouge(predictions, references, rouge_types=rouge_types, use_stemmer=use_stemmer, seed=seed)
        out = {k: round(v * 100, 4) for k, v in result.items()}
        out["gen_len"] = float(np.mean([np.count_nonzero(row != tokenizer.pad_token_id) for row in ids]))
        return out

    return compute_metrics


def translation_metrics(tokenizer, **options: Any) -> Callable[[Any], dict]:
    """The translation example's ``compute_metrics``: decode, strip, sacrebleu's corpus BLEU of the
    predictions against one reference each (``options``: of :func:`ngramkit.bleu`), ``{"bleu",
    "gen_len"}`` rounded to 4 digits."""
    from ..metrics.bleu import bleu

    _host()

    def compute_metrics(eval_preds) -> dict:
        predictions, references, ids = _decoded(tokenizer, eval_preds)
        score = bleu([p.strip() for p in predictions], [r.strip() for r in references], **options).score
        gen_len = np.mean([np.count_nonzero(row != tokenizer.pad_token_id) for row in ids])
        return {"bleu": round(score, 4), "gen_len": round(float(gen_len), 4)}

    return compute_metrics
