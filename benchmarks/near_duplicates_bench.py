"""The self-instruct near-duplicate filter on 50,000 instruction-like texts, and ROUGE-L / ROUGE-1
score matrices, against rouge-score loops, one invocation, ratios printed.

    python benchmarks/near_duplicates_bench.py [--texts 50000] [--matrix 2000] [--data ../shared/data]

Texts: English sentences of the shared data (DialogSum dialogue turns and summaries, WMT23/24
English sources) cut to 4-30 words behind one of 24 instruction openings ("Explain why", "Rewrite
in a formal tone:", ...), with 12% exact repeats and 13% near repeats (a word dropped or added), as
an instruction generator's output has. Deterministic (seed 0).

The rouge-score baselines are extrapolated, not run in full (hours): the filter's baseline is
self-instruct / Alpaca's loop (texts tokenized once, ``rouge_scorer._score_lcs(new, kept).fmeasure``
per kept text, no process pool) timed on the first ``--loop`` texts, its time per cell times the
cells the full filter has (sum over texts of the texts kept before each); the matrices' baseline
is ``RougeScorer([type]).score(target, prediction)`` on 3,000 sampled cells, times H x R. Both
baselines' values are compared with ngramkit's on what they ran.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np
from rouge_score import rouge_scorer

import ngramkit
from timing import timed
from ngramkit.pipelines.rouge_matrix import rouge_matrix

OPENINGS = [
    "Explain why", "Summarize the following in one sentence:", "Rewrite in a formal tone:", "Give three examples of",
    "Translate into French:", "Write a short story that begins with", "Classify the sentiment of:",
    "What is the main point of", "Correct the grammar in:", "Generate a question about", "Paraphrase:",
    "Describe in detail", "List the steps to", "Write a tweet about", "Find the verbs in:",
    "Suggest a title for", "Continue the dialogue:", "Is the following statement true?",
    "Write a polite reply to", "Extract the names mentioned in:", "Make this sentence shorter:",
    "Give the opposite of", "Write a haiku inspired by", "Explain to a child",
]


def english_lines(data: Path) -> list[str]:
    lines = []
    for name in ("dialogsum.dev.jsonl", "dialogsum.test.jsonl"):
        for row in (data / "dialogsum" / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(row)
            lines += [turn.split(":", 1)[-1] for turn in record["dialogue"].split("\n")]
            lines += [v for k, v in record.items() if k.startswith("summary")]
    for path in sorted((data / "wmt23" / "txt" / "sources").glob("*.en")):
        lines += path.read_text(encoding="utf-8").splitlines()
    lines += (data / "wmt24" / "txt" / "sources" / "en-ja.txt").read_text(encoding="utf-8").splitlines()
    return sorted({" ".join(line.split()) for line in lines if len(line.split()) >= 4})


def instructions(data: Path, n: int) -> list[str]:
    rng = random.Random(0)
    lines = english_lines(data)
    texts: list[str] = []
    while len(texts) < n:
        roll = rng.random()
        if texts and roll < 0.12:
            texts.append(rng.choice(texts))
        elif texts and roll < 0.25:
            words = rng.choice(texts).split()
            if rng.random() < 0.5 and len(words) > 3:
                del words[rng.randrange(len(words))]
            else:
                words.insert(rng.randrange(len(words) + 1), rng.choice(["please", "briefly", "now", "again"]))
            texts.append(" ".join(words))
        else:
            words = rng.choice(lines).split()
            start = rng.randrange(max(1, len(words) - 4))
            piece = words[start:start + rng.randrange(4, 31)]
            texts.append(f"{rng.choice(OPENINGS)} {' '.join(piece)}")
    return texts




def cpu_timed(fn):
    """(wall seconds, CPU seconds of this process, result) of one call: on a loaded machine the
    CPU time of a one-thread run is the steadier figure."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def self_instruct_loop(tokens: list[list[str]]):
    """self-instruct / Alpaca's filter, serially: (kept, best) like ngramkit.near_duplicates."""
    kept, best = [], []
    for i, new in enumerate(tokens):
        scores = [rouge_scorer._score_lcs(new, tokens[k]).fmeasure for k in kept]
        best.append(max(scores, default=0.0))
        if not kept or not best[-1] > 0.7:
            kept.append(i)
    return kept, best


def filter_cells(kept: np.ndarray, n: int) -> int:
    """Cells the filter scores: for every text, the texts kept before it."""
    before = np.searchsorted(kept, np.arange(n), side="left")
    return int(before.sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=50_000)
    parser.add_argument("--loop", type=int, default=1000, help="texts the rouge-score filter loop runs on")
    parser.add_argument("--matrix", type=int, default=2000, help="H = R of the matrices")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    texts = instructions(args.data, args.texts)
    words = np.mean([len(t.split()) for t in texts])
    print(f"{len(texts)} instruction-like texts, {words:.1f} words on average")

    # ---- the filter ----
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
    head = texts[: args.loop]
    t_loop, (want_kept, want_best) = timed(lambda: self_instruct_loop([scorer._tokenizer.tokenize(t) for t in head]), runs=1)
    kept_head, best_head = ngramkit.near_duplicates(head, threads=1)
    assert kept_head.tolist() == want_kept and best_head.tolist() == want_best, "differs from rouge-score"
    per_cell = t_loop / max(filter_cells(np.array(want_kept), len(head)), 1)

    t_one, cpu_one, (kept, best) = cpu_timed(lambda: ngramkit.near_duplicates(texts, threads=1))
    t_two, cpu_two, (kept2, best2) = cpu_timed(lambda: ngramkit.near_duplicates(texts, threads=2))
    assert (kept == kept2).all() and (best == best2).all()
    cells = filter_cells(kept, len(texts))
    t_est = per_cell * cells
    print(f"near_duplicates(rougeL, 0.7): kept {len(kept)} of {len(texts)}, {cells / 1e6:.0f}M cells")
    print(f"  rouge-score loop (extrapolated from {len(head)} texts)  {t_est / 60:9.1f} min"
          f"   ({per_cell * 1e6:.1f} us/cell)")
    print(f"  ngramkit, 1 thread     {t_one / 60:9.2f} min   {t_est / t_one:7.0f}x rouge-score"
          f"   (CPU {cpu_one / 60:.2f} min, {cpu_one / cells * 1e9:.0f} ns/cell)")
    print(f"  ngramkit, 2 threads    {t_two / 60:9.2f} min   {t_one / t_two:7.2f}x one thread"
          f"   (CPU {cpu_two / 60:.2f} min)")

    # ---- matrices ----
    rng = random.Random(1)
    hyps, refs = texts[: args.matrix], texts[args.matrix: 2 * args.matrix]
    sample = [(rng.randrange(len(hyps)), rng.randrange(len(refs))) for _ in range(3000)]
    for name in ("rougeL", "rouge1"):
        one_type = rouge_scorer.RougeScorer([name])
        t_ref, want = timed(lambda: [one_type.score(refs[j], hyps[i])[name].fmeasure for i, j in sample], runs=1)
        t_m1, got = timed(lambda: rouge_matrix(hyps, refs, name, threads=1), runs=3)
        t_m2, got2 = timed(lambda: rouge_matrix(hyps, refs, name, threads=2), runs=3)
        assert [got[i, j] for i, j in sample] == want and (got == got2).all(), name
        t_ref_all = t_ref / len(sample) * got.size
        print(f"{name} matrix {len(hyps)} x {len(refs)} ({got.size / 1e6:.0f}M cells):")
        print(f"  rouge-score score() loop (extrapolated from {len(sample)} cells) {t_ref_all:9.1f} s")
        print(f"  ngramkit, 1 thread     {t_m1:9.3f} s   {t_ref_all / t_m1:7.0f}x rouge-score"
              f"   ({t_m1 / got.size * 1e9:.0f} ns/cell)")
        print(f"  ngramkit, 2 threads    {t_m2:9.3f} s   {t_m1 / t_m2:7.2f}x one thread")


if __name__ == "__main__":
    main()
