"""Shared fixtures: the real evaluation data in ../shared/data (beside the repository)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(os.environ.get("NGRAMKIT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def read_lines(path: Path) -> list[str]:
    """Lines of a UTF-8 file without their newlines (a missing trailing newline is fine)."""
    return path.read_text(encoding="utf-8").split("\n")


def read_segments(path: Path) -> list[str]:
    """Lines of a segment file: split on '\\n' only (a final newline ends the last line)."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    return lines[:-1] if text.endswith("\n") else lines


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def dialogsum(shared_data):
    """DialogSum test split: BART outputs and the three human summaries, line-aligned (500 each)."""
    d = shared_data / "dialogsum"
    hyp = read_lines(d / "bart_baseline.test.hyp.txt")
    refs = [read_lines(d / f"test.ref{k}.txt")[: len(hyp)] for k in (1, 2, 3)]
    assert len(hyp) == 500 and all(len(r) == 500 for r in refs)
    return hyp, refs


WMT23_LANGS = {"en-de": "de", "en-zh": "zh", "en-ja": "ja"}


@pytest.fixture(scope="session")
def wmt23(shared_data):
    """WMT23 general test: {pair: (reference lines, {system: hypothesis lines})}."""
    root = shared_data / "wmt23" / "txt"
    out = {}
    for pair, lang in WMT23_LANGS.items():
        ref = read_segments(root / "references" / f"generaltest2023.{pair}.ref.refA.{lang}")
        systems = {p.name.split(".hyp.")[1][: -len(lang) - 1]: read_segments(p)
                   for p in sorted((root / "system-outputs").glob(f"generaltest2023.{pair}.hyp.*"))}
        assert systems and all(len(h) == len(ref) for h in systems.values())
        out[pair] = (ref, systems)
    return out


@pytest.fixture(scope="session")
def wmt24(shared_data):
    """WMT24 en-ja: (reference lines, {system: hypothesis lines})."""
    root = shared_data / "wmt24" / "txt"
    ref = read_segments(root / "references" / "en-ja.refA.txt")
    systems = {p.stem: read_segments(p) for p in sorted((root / "system-outputs" / "en-ja").glob("*.txt"))}
    return ref, systems


from ngramkit.examples import sentences_from_tags as realsumm_sentences  # noqa: E402


@pytest.fixture(scope="session")
def realsumm_pairs(shared_data):
    """(system output, reference) pairs of every REALSumm system, sentences on separate lines."""
    root = shared_data / "realsumm" / "selected_docs_for_human_eval"
    pairs = []
    for ref_path in sorted(root.glob("*/*/ref.txt")):
        refs = read_lines(ref_path)
        for out_path in sorted(ref_path.parent.glob("out*.txt")):
            outs = read_lines(out_path)
            pairs.extend((realsumm_sentences(o), realsumm_sentences(r)) for o, r in zip(outs, refs))
    assert pairs
    return pairs


def assert_cli_error(stderr: str, prog: str, message: str, usage: bool | None = None) -> None:
    """``stderr`` of a failed ``ngramkit`` command: ``<prog>: error: ...<message>...``, no traceback,
    then for a usage error only (``usage``; None: either) ``see '<prog> --help'``."""
    lines = stderr.strip().splitlines()
    assert "Traceback" not in stderr, stderr
    assert lines and lines[0].startswith(f"{prog}: error: ") and message in lines[0], stderr
    pointer = [f"see '{prog} --help'"]
    assert lines[1:] in (([], pointer) if usage is None else (pointer,) if usage else ([],)), stderr
