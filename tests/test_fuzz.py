"""CI runs every atheris fuzz target of tests/fuzz/ for a few seconds (about 45 s in total).

A longer run is one command from the repository root: ``python -m tests.fuzz.run --seconds 600``
(see tests/fuzz/run.py).
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("atheris", reason="atheris not installed: pip install atheris (it is in the test extra)")

import ngramkit  # noqa: E402
from tests.fuzz.run import ROOT, TARGET_NAMES  # noqa: E402

SECONDS = float(os.environ.get("NGRAMKIT_FUZZ_SECONDS", "7"))


@pytest.mark.parametrize("target", TARGET_NAMES)
def test_fuzz_target(target, tmp_path):
    src = os.path.dirname(os.path.dirname(os.path.abspath(ngramkit.__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p))
    proc = subprocess.run([sys.executable, "-m", "tests.fuzz.run", "--targets", target, "--seconds", str(SECONDS),
                           "--artifacts", str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=SECONDS + 120)
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"
