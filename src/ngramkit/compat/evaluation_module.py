"""The object ``ngramkit.compat.evaluate.load(name)`` returns: HF evaluate's ``EvaluationModule``
calling convention (``compute(predictions=..., references=..., **options)``, ``add``,
``add_batch``, ``name``) around one of the drop-in functions of :mod:`ngramkit.compat.evaluate`."""
from __future__ import annotations

import inspect
from typing import Any, Callable


class EvaluationModule:
    """One metric as ``evaluate.load(name)`` gives it.

    ``compute(predictions=..., references=..., **options)`` returns what evaluate's script returns
    (a dict; a float for ``wer`` / ``cer``). ``add(prediction=..., reference=...)`` and
    ``add_batch(predictions=..., references=...)`` accumulate pairs that the next ``compute()``
    scores (with any pairs passed to it appended), after which the module is empty again, as in
    evaluate. ``options`` given to ``load`` are defaults that ``compute``'s override.
    """

    def __init__(self, name: str, compute: Callable[..., Any], defaults: dict):
        self.name = name
        self._compute = compute
        self._options = [p for p in inspect.signature(compute).parameters if p not in ("predictions", "references")]
        self._defaults = self._checked(defaults, "load")
        self._predictions: list = []
        self._references: list = []

    def _checked(self, options: dict, caller: str) -> dict:
        unknown = [k for k in options if k not in self._options]
        if unknown:
            raise TypeError(f"{self.name}.{caller}: unknown option {', '.join(map(repr, unknown))}; "
                            f"this metric takes {', '.join(self._options)}")
        return dict(options)

    def add(self, *, prediction=None, reference=None) -> None:
        """Add one (prediction, reference) pair; ``reference`` may be a list of references."""
        if prediction is None or reference is None:
            raise ValueError(f"{self.name}.add: give both prediction= and reference=")
        self._predictions.append(prediction)
        self._references.append(reference)

    def add_batch(self, *, predictions=None, references=None) -> None:
        """Add equally long lists of predictions and references."""
        if predictions is None or references is None:
            raise ValueError(f"{self.name}.add_batch: give both predictions= and references=")
        if isinstance(predictions, (str, bytes)) or isinstance(references, (str, bytes)):
            raise TypeError(f"{self.name}.add_batch: predictions and references must be lists, not strings")
        predictions, references = list(predictions), list(references)
        if len(predictions) != len(references):
            raise ValueError(f"{self.name}.add_batch: Mismatch in the number of predictions ({len(predictions)}) "
                             f"and references ({len(references)})")
        self._predictions += predictions
        self._references += references

    def compute(self, *, predictions=None, references=None, **options) -> Any:
        """Score the added pairs and ``predictions`` / ``references`` (if given); empties the module."""
        options = {**self._defaults, **self._checked(options, "compute")}
        if predictions is not None or references is not None:
            self.add_batch(predictions=predictions, references=references)
        if not self._predictions:
            raise ValueError(f"{self.name}.compute: no predictions and references given or added")
        predictions, references = self._predictions, self._references
        self._predictions, self._references = [], []
        return self._compute(predictions, references, **options)

    def __repr__(self) -> str:
        return f"EvaluationModule(name={self.name!r}, computed by ngramkit)"
