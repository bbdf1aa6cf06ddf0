"""Import a host library lazily, or raise an ImportError naming ngramkit's extra and the version needed."""
from __future__ import annotations

import importlib
import importlib.metadata


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:3]:
        digits = "".join(c for c in piece if c.isdigit()) if not piece.isdigit() else piece
        if not digits:
            break
        parts.append(int(digits))
        if not piece.isdigit():
            break
    return tuple(parts)


def require(module: str, distribution: str, extra: str, minimum: str):
    """``importlib.import_module(module)`` if ``distribution`` >= ``minimum`` is installed; else an
    ImportError saying ``pip install 'ngramkit[<extra>]'`` and the version needed."""
    hint = f"ngramkit.integrations needs {distribution}>={minimum}: pip install 'ngramkit[{extra}]'"
    try:
        host = importlib.import_module(module)
    except ImportError as error:
        raise ImportError(f"{hint} ({distribution} is not installed: {error})") from error
    try:
        version = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        version = getattr(host, "__version__", "0")
    if _version_tuple(version) < _version_tuple(minimum):
        raise ImportError(f"{hint} (found {distribution} {version})")
    return host
