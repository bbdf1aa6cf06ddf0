"""One ingest step for every metric: ``(predictions, references)`` become one checked object.

Predictions are one text or token sequence each; references are one per prediction or several
(see :mod:`ngramkit.ingest.inputs` for the accepted layouts). Both sides must be of one kind: text or
token ids.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import inputs
from .inputs import IDS, TEXT, Side


@dataclass
class Pairs:
    """Predictions and their references, checked once.

    Attributes
    ----------
    predictions, references : Side
        The two sides (texts or a TokenBatch each).
    groups : numpy.ndarray, int64, shape (n_predictions + 1,)
        Prediction ``g`` owns references ``groups[g]:groups[g + 1]`` (at least one each).
    kind : str
        ``"text"`` or ``"ids"``.
    """

    predictions: Side
    references: Side
    groups: np.ndarray
    kind: str

    def __len__(self) -> int:
        return len(self.predictions)

    def reference_counts(self) -> np.ndarray:
        """References per prediction, int64 (n_predictions,)."""
        return np.diff(self.groups)

    def n_references_label(self) -> int | str:
        return n_references_label(self.groups)

    def slice(self, start: int, stop: int) -> "Pairs":
        """Predictions ``start:stop`` with their references (no copy of token ids)."""
        first, last = int(self.groups[start]), int(self.groups[stop])
        return Pairs(
            inputs.side_slice(self.predictions, start, stop),
            inputs.side_slice(self.references, first, last),
            self.groups[start : stop + 1] - first,
            self.kind,
        )


def n_references_label(groups: np.ndarray) -> int | str:
    """The number of references per prediction, or ``"var"`` when it varies (sacrebleu's ``nrefs``
    signature field); 1 for no predictions."""
    counts = np.diff(groups)
    if counts.size == 0:
        return 1
    fewest, most = int(counts.min()), int(counts.max())
    return fewest if fewest == most else "var"


def ingest_pairs(predictions: Any, references: Any, *, text_only: str | None = None,
                 predictions_name: str = "predictions", threads: int = 1) -> Pairs:
    """Check and convert ``predictions`` and ``references`` (any accepted layout) into :class:`Pairs`.

    ``text_only``: the metric's name if it is defined on text only (token ids then raise
    TypeError saying so). ``threads``: token-id lists are converted on that many threads.
    """
    pred_side = inputs.flat_side(predictions, predictions_name, threads)
    ref_side, groups = inputs.reference_side(references, len(pred_side), pred_side.kind, threads)
    if pred_side.kind != ref_side.kind and len(pred_side) and len(ref_side):
        raise TypeError(
            f"{predictions_name} are {pred_side.kind} but references are {ref_side.kind}; give both as text "
            "or both as token ids"
        )
    kind = pred_side.kind if len(pred_side) else TEXT  # no pairs: nothing to tell, text options apply
    if text_only and kind == IDS:
        raise TypeError(f"{text_only} is defined on characters: give {predictions_name} and references as text, "
                        "not token ids")
    return Pairs(pred_side, ref_side, groups, kind)
