"""``ngramkit.accumulator(metric, **options)``: score batch after batch, merge across workers, and
get the corpus score of all pairs at the end, bit for bit what one call on all pairs gives.

What the state holds (``state_dict()``: numpy arrays, every one reduced by a plain sum):

* BLEU and chrF: ``statistics`` — the column sums of the integer per-pair statistics (int64,
  ``(width,)``: BLEU ``2 + 2 * max_ngram_order``, chrF ``3 * (char_order + word_order)``). The
  corpus score is a function of these sums only, so any split and any merge order is exact.
* ROUGE: the corpus figure is the *mean of per-pair floats* (precision, recall, F1 per type), not
  a function of integer sums, and ``numpy.mean``'s pairwise summation depends on the order of the
  values. So ROUGE keeps every pair's values: ``values`` float64 ``(3 * n_types, n_pairs)`` (rows
  ``<type> precision, recall, fmeasure``, 24 bytes a pair and type) and means each row at the end.
* TER: its corpus score adds the pairs' average reference lengths left to right (floats, as
  sacrebleu does), so TER keeps every pair's ``[edits, average reference length]``: ``values``
  float64 ``(n_pairs, 2)``.

ROUGE and TER rows are kept in the order fed; :meth:`Accumulator.merge` appends the other's rows
after this one's (merge in row order). For a sum all-reduce (``torch.distributed``), give
``n_total`` (all pairs, every worker) and ``first_row`` (where this worker's pairs start): the rows
are then written at their global positions in zero-filled ``(.., n_total)`` arrays, and a sum over
workers (``0.0 + x == x``) yields every row in global order, whichever worker scored it.

Every state also holds ``n_pairs`` (int64 ``(1,)``) and ``nrefs`` (int64 ``(2,)``: Σ references,
Σ references² over pairs, plus one in the second slot for each batch with a varying number — the
signature's ``nrefs`` is their mean when ``n_pairs * Σ r² == (Σ r)²``, i.e. all equal, else ``var``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..metrics.bleu import BleuResult, bleu
from ..metrics.chrf import ChrfResult, chrf
from ..metrics.error_rates import CerResult, WerResult, cer, wer
from ..metrics.registry import METRICS, empty_result
from ..metrics.rouge import rouge
from ..metrics.ter import TerResult, ter
from ..stats.scores import Score

_FUNCTIONS = {"rouge": rouge, "bleu": bleu, "chrf": chrf, "ter": ter, "wer": wer, "cer": cer}
_SUMMED = {"bleu": BleuResult, "chrf": ChrfResult, "wer": WerResult, "cer": CerResult}


def _nrefs_moments(label, n: int) -> np.ndarray:
    if label == "var":  # Σr² strictly above (Σr)²/n keeps the label "var" after any sum
        return np.array([n, n + 1], dtype=np.int64)
    return np.array([label * n, label * label * n], dtype=np.int64)


class Accumulator:
    """Corpus scores accumulated over batches of pairs (see the module docstring for the state).

    Parameters
    ----------
    metric : ``"rouge"``, ``"bleu"``, ``"chrf"``, ``"ter"``, ``"wer"`` or ``"cer"`` (BLEU, chrF, WER and
        CER keep summed int64 statistics).
    n_total, first_row : ROUGE and TER only, optional: the number of pairs all workers will be fed
        and the global index of this worker's first pair, so the state sum-reduces (module docstring).
    **options : keyword arguments of :func:`ngramkit.rouge` / ``bleu`` / ``chrf`` / ``ter``.
    """

    def __init__(self, metric: str, *, n_total: int | None = None, first_row: int = 0, **options: Any):
        if metric not in METRICS:
            raise ValueError(f"metric: unknown {metric!r}; choose among {', '.join(METRICS)}")
        if n_total is not None and metric in _SUMMED:
            raise ValueError(f"n_total: {metric}'s state is summed integer statistics already; it takes no n_total")
        if n_total is not None and not 0 <= int(first_row) <= int(n_total):
            raise ValueError(f"first_row: {first_row} outside [0, n_total={n_total}]")
        self.metric, self.options = metric, dict(options)
        self.n_total, self.first_row = (None if n_total is None else int(n_total)), int(first_row)
        empty = empty_result(metric, options)
        self._empty_config = None if metric == "rouge" else empty.config  # until a batch tells text or ids
        self._types = list(empty) if metric == "rouge" else []
        self.reset()

    @property
    def _width(self) -> int:
        return {"rouge": 3 * len(self._types), "ter": 2}.get(self.metric) or self._config.width

    def reset(self) -> None:
        """Forget every pair fed so far (options kept)."""
        self._config, self._config_set = self._empty_config, False
        self.n_pairs = np.zeros(1, np.int64)
        self.nrefs = np.zeros(2, np.int64)
        if self.metric in _SUMMED:
            self.statistics = np.zeros(self._width, np.int64)
        elif self.n_total is not None:
            shape = (self._width, self.n_total) if self.metric == "rouge" else (self.n_total, 2)
            self.values = np.zeros(shape, np.float64)
        else:
            self._parts: list[np.ndarray] = []
        self._seen = 0  # pairs fed to this accumulator itself (its next global row: first_row + _seen)

    def update(self, predictions: Any, references: Any) -> None:
        """Score a batch: the arguments of :func:`ngramkit.rouge` (predictions first; text, token
        ids, TokenBatch, one or several references per prediction)."""
        result = _FUNCTIONS[self.metric](predictions, references, **self.options)
        if self.metric == "rouge":
            rows = np.stack([getattr(result[t], f) for t in self._types for f in ("precision", "recall", "fmeasure")])
            n, label = rows.shape[1], result.signature.info["nrefs"] if rows.shape[1] else 1
        else:
            rows, n, label = result.statistics, len(result.statistics), result.n_references
            if n and not self._config_set:
                self._config, self._config_set = result.config, True
            elif n and result.config != self._config:
                raise ValueError("update: this batch is not the kind (text or token ids) of the earlier ones")
        if self.metric in _SUMMED:
            self.statistics += result.summed_statistics()
        elif self.n_total is not None:
            start = self.first_row + self._seen
            if start + n > self.n_total:
                raise ValueError(f"update: {self._seen + n} pairs from row {self.first_row} exceed "
                                 f"n_total={self.n_total}")
            if self.metric == "rouge":
                self.values[:, start:start + n] = rows
            else:
                self.values[start:start + n] = rows
        elif n:
            self._parts.append(np.array(rows, dtype=np.float64))
        self._seen += n
        self.n_pairs += n
        if n:
            self.nrefs += _nrefs_moments(label, n)

    def merge(self, other: "Accumulator") -> "Accumulator":
        """Add another accumulator's pairs (same metric and options); returns ``self``. Without
        ``n_total``, ROUGE / TER rows of ``other`` come after this one's."""
        if (other.metric, other.options, other.n_total) != (self.metric, self.options, self.n_total):
            raise ValueError("merge: the accumulators must have the same metric, options and n_total")
        if other._config_set:
            if self._config_set and other._config != self._config:
                raise ValueError("merge: one accumulator scored text, the other token ids")
            self._config, self._config_set = other._config, True
        self.load_state_dict(other.state_dict(), add=True)
        return self

    def state_dict(self) -> dict[str, np.ndarray]:
        """The state as numpy arrays (copies): ``n_pairs``, ``nrefs`` and ``statistics`` (BLEU,
        chrF) or ``values`` (ROUGE, TER). With ``n_total`` (or for BLEU / chrF), the states of
        several workers sum to the state of all their pairs."""
        state = {"n_pairs": self.n_pairs.copy(), "nrefs": self.nrefs.copy()}
        if self.metric in _SUMMED:
            state["statistics"] = self.statistics.copy()
        elif self.n_total is not None:
            state["values"] = self.values.copy()
        else:
            state["values"] = self._joined()
        return state

    def load_state_dict(self, state: dict[str, np.ndarray], add: bool = False) -> None:
        """Replace the state by ``state`` (from :meth:`state_dict`, possibly summed over workers),
        or add it to the current one (``add=True``)."""
        if not add:
            self.reset()
        self.n_pairs += np.asarray(state["n_pairs"], np.int64).reshape(1)
        self.nrefs += np.asarray(state["nrefs"], np.int64).reshape(2)
        if self.metric in _SUMMED:
            self.statistics += np.asarray(state["statistics"], np.int64).reshape(self._width)
            return
        values = np.asarray(state["values"], np.float64)
        if self.n_total is not None:
            self.values += values.reshape(self.values.shape)
        elif values.size:
            self._parts.append(values.reshape((self._width, -1) if self.metric == "rouge" else (-1, 2)).copy())

    def _joined(self) -> np.ndarray:
        if self.n_total is not None:
            return self.values
        axis = 1 if self.metric == "rouge" else 0
        if not self._parts:
            return np.zeros((self._width, 0) if axis else (0, 2), np.float64)
        if len(self._parts) > 1:
            self._parts = [np.concatenate(self._parts, axis=axis)]
        return self._parts[0]

    def _label(self):
        n, (s1, s2) = int(self.n_pairs[0]), self.nrefs.tolist()
        if n == 0:
            return 1
        return s1 // n if n * s2 == s1 * s1 else "var"

    def compute(self):
        """The corpus score of every pair fed (and merged): ROUGE a ``{type: Score}`` of mean
        precision / recall / F1 (what ``ngramkit.rouge(all).mean()`` gives); BLEU / chrF / TER / WER /
        CER their result type."""
        if self.n_total is not None and int(self.n_pairs[0]) != self.n_total:
            raise ValueError(f"compute: fed {int(self.n_pairs[0])} pairs, expected n_total={self.n_total}")
        if self.metric in _SUMMED:
            return _SUMMED[self.metric].from_statistics(self.statistics[None, :], self._config, self._label())
        values = self._joined()
        if self.metric == "ter":
            return TerResult.from_statistics(values, self._config, self._label())
        if values.shape[1] == 0:
            return {t: Score(0.0, 0.0, 0.0) for t in self._types}
        means = [float(np.mean(np.ascontiguousarray(row))) for row in values]
        return {t: Score(*means[3 * i:3 * i + 3]) for i, t in enumerate(self._types)}

    def __repr__(self) -> str:
        return f"Accumulator({self.metric!r}, n_pairs={int(self.n_pairs[0])})"


def accumulator(metric: str, **options: Any) -> Accumulator:
    """An :class:`Accumulator` of ``metric`` (``rouge``, ``bleu``, ``chrf``, ``ter``) with the
    metric function's keyword options (and ``n_total`` / ``first_row`` for ROUGE and TER)."""
    return Accumulator(metric, **options)
