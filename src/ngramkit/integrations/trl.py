"""Reward functions for TRL trainers (``GRPOTrainer(reward_funcs=[...])``): ROUGE, BLEU, chrF and
TER of each completion against a reference column of the dataset, one kernel call per batch.

TRL calls a reward function as ``f(prompts=..., completions=..., completion_ids=..., **columns)``
and wants ``list[float]``, one reward per completion; every dataset column arrives as a list
aligned with the completions. These functions need nothing from TRL (no import, no torch).

>>> from ngramkit.integrations.trl import rouge_reward
>>> reward = rouge_reward("summary")          # dataset column "summary" holds the references
>>> reward(completions=["the cat sat"], summary=["the cat sat down"])
[0.8571428571428571]

Inputs
    ``completions``: ``list[str]`` (standard format) or ``list[list[dict]]`` (conversational: the
    last message's ``"content"`` is scored). With ``token_ids=True`` the completions' token ids
    (TRL's ``completion_ids``: ``list[list[int]]``) are scored instead and the reference column
    must hold token ids (``list[int]``, or a list of them per completion); ROUGE, BLEU and TER take
    ids, chrF is character-level and takes text only. A reference cell is one reference or a list
    of references (multi-reference).

Scales (floats, one per completion, higher is better)
    ROUGE: the F1 (or ``measure``) of ``rouge_type`` in [0, 1]. BLEU (sacrebleu's ``sentence_bleu``,
    effective order) and chrF (``sentence_chrf``): the 0-100 score divided by 100, so [0, 1]
    (``percent=True``: 0-100 as sacrebleu). TER is an error rate: the reward is its **negative**,
    ``-TER / 100`` (``percent=True``: ``-TER``; 0 for a
    perfect completion, below -1 when the edits exceed the reference length) — we chose the negative
    over ``100 - TER`` because it adds no offset and keeps TER's unbounded range honest; GRPO
    normalizes rewards within each group, so an offset would not change training anyway.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..metrics.bleu import sentence_bleu
from ..metrics.chrf import sentence_chrf
from ..metrics.registry import empty_result
from ..metrics.rouge import rouge
from ..metrics.ter import sentence_ter


def _texts(completions) -> list:
    """Completion texts: strings as given, conversational completions by their last message."""
    out = []
    for completion in completions:
        if isinstance(completion, (list, tuple)) and completion and isinstance(completion[-1], dict):
            completion = completion[-1].get("content")
        if not isinstance(completion, str):
            raise TypeError(f"completions: expected str or a list of messages with 'content', got "
                            f"{type(completion).__name__}")
        out.append(completion)
    return out


def _inputs(reference_column: str, token_ids: bool, completions, columns: dict) -> tuple[list, list]:
    if reference_column not in columns:
        raise KeyError(f"reference column {reference_column!r} not among the reward function's columns "
                       f"({', '.join(sorted(columns)) or 'none'}); name the dataset column holding the references")
    references = list(columns[reference_column])
    if token_ids:
        if columns.get("completion_ids") is None:
            raise ValueError("token_ids=True: the trainer passed no completion_ids")
        predictions = [list(ids) for ids in columns["completion_ids"]]
    else:
        predictions = _texts(completions)
    if len(references) != len(predictions):
        raise ValueError(f"{reference_column}: {len(references)} references for {len(predictions)} completions")
    return predictions, references


def _scaled(scores: np.ndarray, percent: bool) -> np.ndarray:
    return scores if percent else scores / 100


def _reward(name: str, score: Callable[[list, list], np.ndarray], reference_column: str,
            token_ids: bool) -> Callable[..., list[float]]:
    def reward(completions=None, **columns: Any) -> list[float]:
        predictions, references = _inputs(reference_column, token_ids, completions, columns)
        return np.asarray(score(predictions, references), dtype=np.float64).tolist()

    reward.__name__ = reward.__qualname__ = name  # TRL logs rewards under the function's __name__
    return reward


def rouge_reward(reference_column: str = "reference", rouge_type: str = "rougeL", measure: str = "fmeasure",
                 *, token_ids: bool = False, **options: Any) -> Callable[..., list[float]]:
    """ROUGE reward: per completion, ``measure`` (``fmeasure``, ``precision``, ``recall``) of
    ``rouge_type`` against ``columns[reference_column]``; ``options`` go to :func:`ngramkit.rouge`."""
    if measure not in ("fmeasure", "precision", "recall"):
        raise ValueError(f"measure: expected fmeasure, precision or recall, got {measure!r}")
    empty_result("rouge", dict(options, rouge_types=[rouge_type]))  # checks the options now

    def score(predictions, references):
        return getattr(rouge(predictions, references, rouge_types=[rouge_type], **options)[rouge_type], measure)

    return _reward(f"{rouge_type}_{measure}", score, reference_column, token_ids)


def bleu_reward(reference_column: str = "reference", *, percent: bool = False, token_ids: bool = False,
                **options: Any) -> Callable[..., list[float]]:
    """Sentence BLEU reward (``options`` as :func:`ngramkit.sentence_bleu`): score / 100 (``percent``:
    sacrebleu's 0-100 score as it is)."""
    return _reward("sentence_bleu", lambda p, r: _scaled(sentence_bleu(p, r, **options), percent), reference_column,
                   token_ids)


def chrf_reward(reference_column: str = "reference", *, percent: bool = False,
                **options: Any) -> Callable[..., list[float]]:
    """Sentence chrF reward (``word_order=2``: chrF++; ``options`` as :func:`ngramkit.sentence_chrf`),
    / 100 (``percent``: 0-100). Text only."""
    return _reward("sentence_chrf", lambda p, r: _scaled(sentence_chrf(p, r, **options), percent),
                   reference_column, False)


def ter_reward(reference_column: str = "reference", *, percent: bool = False, token_ids: bool = False,
               **options: Any) -> Callable[..., list[float]]:
    """Negative sentence TER reward: ``-TER / 100`` (``percent``: ``-TER``; ``options`` as
    :func:`ngramkit.sentence_ter`)."""
    return _reward("negative_ter", lambda p, r: -_scaled(sentence_ter(p, r, **options), percent), reference_column,
                   token_ids)
