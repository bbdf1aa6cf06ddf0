"""The one rule by which results of any metric combine (chunks, files, Dask partitions, accumulators).

* Two results combine only when their configurations (frozen dataclasses of the options that
  can change a score, as the signature describes them) are equal; otherwise ValueError names
  every field that differs.
* The combination's number of references per prediction is what one call over all the pairs
  would report: the common count of the parts that hold pairs, ``"var"`` when they differ (an
  empty part has no references to count), 1 when no part holds a pair. Every signature field
  that depends on it (ROUGE's ``multi``) is derived from that label again, never copied from a
  part.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Sequence


def config_differences(a: Any, b: Any) -> list[str]:
    """``"field: a_value vs b_value"`` for every field of two dataclass configs that differs."""
    if a == b:
        return []
    if type(a) is not type(b) or not dataclasses.is_dataclass(a):
        return [f"config: {a!r} vs {b!r}"]
    return [f"{f.name}: {getattr(a, f.name)!r} vs {getattr(b, f.name)!r}" for f in dataclasses.fields(a)
            if getattr(a, f.name) != getattr(b, f.name)]


def check_combinable(parts: Sequence[Any], result_type: type) -> None:
    """Raise ValueError unless every part is a ``result_type`` with the first part's ``config``."""
    first = parts[0]
    for i, other in enumerate(parts[1:], start=1):
        if not isinstance(other, result_type):
            raise ValueError(f"combine: result {i} is a {type(other).__name__}, not a {result_type.__name__}")
        differences = config_differences(first.config, other.config)
        if differences:
            raise ValueError(f"combine: result {i} was computed with other options than the first "
                             f"({'; '.join(differences)}); only results computed alike combine")


def combined_label(parts: Iterable[tuple[int, int | str]]) -> int | str:
    """The ``nrefs`` of all pairs together from ``(n_pairs, n_references)`` of each part."""
    labels = {label for n_pairs, label in parts if n_pairs}
    if not labels:
        return 1
    return labels.pop() if len(labels) == 1 else "var"


def check_n_references(value: Any) -> int | str:
    """``n_references``: a positive int or ``"var"`` (the signature's ``nrefs``)."""
    if value == "var" and isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"n_references: expected a positive int or 'var', got {value!r}")
    return value
