"""Checks of plain arguments shared by every public function: flags, counts with a documented
limit, and the collections accepted as a batch. Errors name the argument: TypeError for a wrong
type, ValueError for a wrong value."""
from __future__ import annotations

import numbers
from collections.abc import Iterator, Mapping, MappingView, Set
from typing import Any

import numpy as np

#: the most resamples any bootstrap or paired test draws (``n_samples``, ``--bootstrap``): far
#: beyond what an interval needs, and small enough that the resample sums always fit in memory
MAX_RESAMPLES = 10_000_000


def check_bool(value: Any, name: str) -> bool:
    """``value`` as a bool: a bool, a numpy bool, or the int 0 / 1. Anything else (``"no"``,
    ``None``, ``2``, ``0.5``) raises, since ``bool("no")`` is true."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        if value in (0, 1):
            return bool(value)
        raise ValueError(f"{name}: expected True or False (or 0 / 1), got {value!r}")
    raise TypeError(f"{name}: expected a bool, got {type(value).__name__} {value!r}")


def check_int(value: Any, name: str, low: int, high: int) -> int:
    """``value`` as an int in ``[low, high]`` (bools are not ints here)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an int, got {type(value).__name__} {value!r}")
    if value < low:
        raise ValueError(f"{name}: must be at least {low:,}, got {value:,}")
    if value > high:
        raise ValueError(f"{name}: at most {high:,} (the limit), got {value:,}")
    return int(value)


def check_n_samples(value: Any, name: str = "n_samples") -> int:
    """A number of resamples in ``[1, MAX_RESAMPLES]``, checked before anything is allocated."""
    return check_int(value, name, 1, MAX_RESAMPLES)


def reject_unordered(values: Any, name: str, what: str = "a list of texts or token sequences") -> None:
    """Raise TypeError for what cannot be a batch: a single str / bytes, a set or a mapping (no
    order: results would depend on hashing), an iterator or generator (consumed once, no length)."""
    if isinstance(values, (str, bytes, bytearray)):
        raise TypeError(f"{name}: expected {what}, got a single {type(values).__name__}")
    if isinstance(values, (Set, Mapping, MappingView)):
        raise TypeError(f"{name}: expected {what}, got a {type(values).__name__} (unordered); pass a list")
    if isinstance(values, Iterator):
        raise TypeError(f"{name}: expected {what}, got an iterator ({type(values).__name__}); pass a list")
    if values is None:
        raise TypeError(f"{name}: expected {what}, got None")


def bytes_item_error(values: list, name: str, indexed: bool = True) -> TypeError | None:
    """A TypeError naming the first bytes item of ``values`` (``name[i]``, or ``name`` itself
    when not ``indexed``): texts must be decoded. None if there is no bytes item."""
    for i, item in enumerate(values):
        if isinstance(item, (bytes, bytearray, np.bytes_)):
            where = f"{name}[{i}]" if indexed else name
            return TypeError(f"{where}: bytes are not accepted; decode them to str first "
                             "(e.g. [t.decode('utf-8') for t in ...])")
    return None


def check_tokenizer_object(tokenizer: Any, name: str = "tokenizer") -> None:
    """A user tokenizer: None, an object with a ``.tokenize(text)`` method, or a callable."""
    if tokenizer is not None and not callable(getattr(tokenizer, "tokenize", None)) and not callable(tokenizer):
        raise TypeError(f"{name}: expected an object with a .tokenize(text) method or a callable text -> tokens, "
                        f"got {type(tokenizer).__name__}")
