"""Validation of rouge type names, with rouge-score's rules."""
from __future__ import annotations

import re
from typing import Iterable

ROUGE_L = 10  # kernel codes; 1..9 are rougeN
ROUGE_LSUM = 11
DEFAULT_ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
VALID_ROUGE_TYPES = tuple(f"rouge{n}" for n in range(1, 10)) + ("rougeL", "rougeLsum")


def rouge_type_codes(rouge_types: Iterable[str] | str) -> tuple[list[str], list[int]]:
    """Names (deduplicated, in order) and kernel codes of ``rouge_types``.

    Accepts ``rouge1`` … ``rouge9``, ``rougeL`` and ``rougeLsum``, as rouge-score 0.1.2 does;
    anything else raises ValueError naming the argument.
    """
    if isinstance(rouge_types, str):
        rouge_types = [rouge_types]
    try:
        names = list(dict.fromkeys(rouge_types))
    except TypeError:
        raise TypeError(f"rouge_types: expected a list of names such as {list(DEFAULT_ROUGE_TYPES)}") from None
    if not names:
        raise ValueError("rouge_types: at least one rouge type is required")
    codes = []
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"rouge_types: expected str names, got {type(name).__name__} {name!r}")
        if name == "rougeL":
            codes.append(ROUGE_L)
        elif name == "rougeLsum":
            codes.append(ROUGE_LSUM)
        elif re.match(r"rouge[0-9]$", name):
            n = int(name[5:])
            if n <= 0:
                raise ValueError(f"rouge_types: rougen requires positive n: {name}")
            codes.append(n)
        else:
            raise ValueError(
                f"rouge_types: invalid rouge type {name!r}; valid: {', '.join(VALID_ROUGE_TYPES)}"
            )
    return names, codes
