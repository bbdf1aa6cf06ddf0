"""The argument parser of every ``ngramkit`` command: a usage error prints two short lines, not
argparse's full usage::

    ngramkit score: error: --ref is required (one or more reference files)
    see 'ngramkit score --help'

and exits with status 2. Subparsers made by ``add_subparsers`` inherit the class, so every command
behaves the same way."""
from __future__ import annotations

import argparse
from typing import NoReturn


class Parser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` with one-line errors (see the module docstring)."""

    def error(self, message: str) -> NoReturn:
        """Print the error and the pointer to ``--help``; exit 2."""
        self.exit(2, f"{self.prog}: error: {message}\nsee '{self.prog} --help'\n")

    def fail(self, message: str, status: int = 2) -> NoReturn:
        """Print ``<prog>: <message>`` alone (``error: <file error>``, ``interrupted``); exit ``status``."""
        self.exit(status, f"{self.prog}: {message}\n")
