"""The example pairs that ship with ngramkit (REALSumm, CC BY 4.0; see data/README.md)."""
from __future__ import annotations

from importlib import resources


def _lines(name: str) -> list[str]:
    text = resources.files("ngramkit").joinpath("data", name).read_text(encoding="utf-8")
    return text.rstrip("\n").split("\n")


def sentences_from_tags(summary: str) -> str:
    """'<t> s1 </t> <t> s2 </t>' -> 's1\\ns2' (newline-separated sentences, as rougeLsum wants)."""
    parts = [p.replace("<t>", "").strip() for p in summary.split("</t>")]
    return "\n".join(p for p in parts if p)


def realsumm_bart() -> tuple[list[str], list[str]]:
    """25 (BART summary, reference) pairs of CNN/DailyMail articles, sentences on separate lines.

    Returns ``(predictions, references)``, two lists of 25 str.
    """
    predictions = [sentences_from_tags(s) for s in _lines("realsumm_bart_out.txt")]
    references = [sentences_from_tags(s) for s in _lines("realsumm_bart_ref.txt")]
    return predictions, references
