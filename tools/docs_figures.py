"""Regenerate the figures of the documentation from a real comparison: WMT23 en-de, the NLLB
baseline against GPT4-5shot and ONLINE-B, BLEU + chrF, paired bootstrap (sacrebleu's defaults).

    python tools/docs_figures.py [--data ../shared/data]

Writes docs/images/compare-*.svg (the report's figures, cut out of the report as it embeds them)
and docs/images/compare-table.txt (the text table). Needs ngramkit[plot].
"""
from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

import ngramkit

ROOT = Path(__file__).resolve().parent.parent
SYSTEMS = ("NLLB_Greedy", "GPT4-5shot", "ONLINE-B")


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    txt = args.data / "wmt23" / "txt"
    refs = _lines(txt / "references" / "generaltest2023.en-de.ref.refA.de")
    systems = {name: _lines(txt / "system-outputs" / f"generaltest2023.en-de.hyp.{name}.de") for name in SYSTEMS}
    result = ngramkit.compare(systems, refs, metrics=("bleu", "chrf"), test="bs")
    out = ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.html"
        result.report(str(report))
        figures = re.findall(r"<svg.*?</svg>", report.read_text(encoding="utf-8"), flags=re.DOTALL)
    for number, svg in enumerate(figures, 1):
        (out / f"compare-{number}.svg").write_text('<?xml version="1.0" encoding="utf-8"?>\n' + svg + "\n",
                                                   encoding="utf-8")
    (out / "compare-table.txt").write_text(str(result) + "\n", encoding="utf-8")
    print(f"{out}: {len(figures)} figures")


if __name__ == "__main__":
    main()
