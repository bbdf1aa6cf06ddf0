"""The ``ngramkit`` command: ``score``, ``compare``, ``rouge`` and ``demo`` (see ``ngramkit --help``)."""
from .main import main

__all__ = ["main"]
