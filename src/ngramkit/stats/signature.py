"""Reproducibility signatures: sacrebleu's ``key:value|...`` format, for every metric.

``Signature(fields).format()`` gives e.g. ``nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:ngramkit-0.2.0``;
``format(short=True)`` uses sacrebleu's abbreviations. ``None`` values are left out, booleans
read ``yes``/``no``, ``version`` comes last — as in sacrebleu, so the fields line up with its.
"""
from __future__ import annotations

from typing import Any, Mapping

ABBREVIATIONS = {
    "version": "v", "nrefs": "#", "bs": "bs", "ar": "ar", "seed": "rs", "test": "t", "lang": "l",
    "origlang": "o", "subset": "S", "case": "c", "eff": "e", "tok": "tok", "smooth": "s", "nc": "nc",
    "nw": "nw", "space": "s",
}


def package_version() -> str:
    from .._version import __version__

    return f"ngramkit-{__version__}"


class Signature:
    """An ordered set of ``key: value`` fields describing how a score was computed."""

    def __init__(self, fields: Mapping[str, Any], short_keys: Mapping[str, str] | None = None):
        """``short_keys``: a metric's own abbreviations where they differ from :data:`ABBREVIATIONS`
        (sacrebleu's TER writes ``t`` for ``tok``)."""
        self.info = dict(fields)
        self.info.setdefault("version", package_version())
        self.short_keys = {**ABBREVIATIONS, **(short_keys or {})}

    def format(self, short: bool = False) -> str:
        keys = [k for k in self.info if k != "version"] + ["version"]
        parts = []
        for key in keys:
            value = self.info[key]
            if value is None:
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            parts.append(f"{self.short_keys.get(key, key) if short else key}:{value}")
        return "|".join(parts)

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return f"Signature({self.format()!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Signature) and self.info == other.info
