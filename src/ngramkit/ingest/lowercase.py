"""UTF-8 kernel buffers of lowercased text, ``str.lower()`` exactly, lowered in C++ where a table
of single code points decides (csrc/text/ucs_utf8.hpp) and by Python's ``str.lower()`` elsewhere.

The table is built once per process from this interpreter's own ``str.lower()`` (so it follows its
Unicode version): for each code point below U+10000, the one code point ``chr(c).lower()`` is, or
0xFFFF where that is not one code point fixed by ``c`` alone (U+0130 lowers to two; U+03A3 to
sigma or final sigma, by its neighbours). A str holding such a code point, or any code point
above U+FFFF, is lowered by ``str.lower()``.
"""
from __future__ import annotations

import numpy as np

LOWER_BY_PYTHON = 0xFFFF
_table: np.ndarray | None = None


def lower_table() -> np.ndarray:
    """uint16 (65536,): code point -> its lowercase code point, or LOWER_BY_PYTHON (built on first
    use, about 10 ms)."""
    global _table
    if _table is None:
        lowered = [chr(c).lower() for c in range(0x10000)]
        table = np.fromiter((ord(s) if len(s) == 1 else LOWER_BY_PYTHON for s in lowered), dtype=np.uint16,
                            count=0x10000)
        table[0x03A3] = LOWER_BY_PYTHON  # GREEK CAPITAL SIGMA: final or not by context
        _table = table
    return _table


def lowered_text_buffers(texts: list, name: str, threads: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``text_buffers([t.lower() for t in texts], name, threads)``, the lowering done on the
    threads for strs of width 1 and 2 (a non-str item raises TypeError naming ``name[i]``)."""
    from .. import _core
    from .inputs import text_buffers
    from .text_tokenizers import lowercased

    if not isinstance(texts, list):
        texts = list(texts)
    buffers = _core.utf8_batch_lowered(texts, threads, lower_table())
    if buffers is None:  # a non-str item (the serial path names it) or a str subclass (its own lower())
        buffers = text_buffers(lowercased(texts, True), name, threads)
    return buffers
