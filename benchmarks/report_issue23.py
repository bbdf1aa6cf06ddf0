"""Issue 23's BLEU/ROUGE targets in one run: prints a markdown table of rates and ratios.

    python benchmarks/report_issue23.py            # from the repo root; about a minute
    python benchmarks/report_issue23.py --clock cpu

Rows (single thread unless said):

* corpus BLEU (13a) and sentence BLEU (every pair) from text, ngramkit vs sacrebleu, on distinct
  WMT23 news lines: the five en-de systems' outputs (557 paragraphs each, 2,785 distinct
  hypotheses) against refA. sacrebleu caches tokenized lines (``lru_cache`` on its tokenizer), so
  the cache is cleared before each sacrebleu call; within a call it still tokenizes each of the
  557 references once, which favours sacrebleu.
* ROUGE-1/2/L with ``tokenize="13a"`` / ``"intl"`` vs the default (rouge-score's) tokenizer, on
  DialogSum (BART outputs vs the first human summary, 500 pairs x 20) and the WMT23 en-de pairs.
* rougeL on ~1,000-word documents, two threads vs one. The shared data holds no such document
  pairs, so they are built: consecutive WMT23 en-de paragraphs of one system are concatenated
  (joined by a space) until the hypothesis reaches 1,000 words, and the aligned refA paragraphs
  are concatenated the same way (about 135 document pairs, repeated x4).

Every ngramkit score is checked equal to the reference package before anything is timed.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mt_workloads as mt  # noqa: E402
from timing import best  # noqa: E402

WMT = mt.DATA / "wmt23" / "txt"
SYSTEMS = ("AIRC", "GPT4-5shot", "NLLB_Greedy", "ONLINE-B", "ZengHuiMT")
R12L = ["rouge1", "rouge2", "rougeL"]


def wmt_de_pairs() -> tuple[list[str], list[str]]:
    ref = mt._lines(WMT / "references" / "generaltest2023.en-de.ref.refA.de")
    hyps, refs = [], []
    for system in SYSTEMS:
        hyps += mt._lines(WMT / "system-outputs" / f"generaltest2023.en-de.hyp.{system}.de")
        refs += ref
    return hyps, refs


def documents(hyps: list[str], refs: list[str], words: int = 1000) -> tuple[list[str], list[str]]:
    """Aligned runs of consecutive pairs concatenated until the hypothesis has >= `words` words."""
    doc_h, doc_r, cur_h, cur_r, n = [], [], [], [], 0
    for h, r in zip(hyps, refs):
        cur_h.append(h)
        cur_r.append(r)
        n += len(h.split())
        if n >= words:
            doc_h.append(" ".join(cur_h))
            doc_r.append(" ".join(cur_r))
            cur_h, cur_r, n = [], [], 0
    return doc_h, doc_r


def clear_sacrebleu_cache() -> None:
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

    Tokenizer13a.__call__.cache_clear()


def sacrebleu_corpus(hyps, refs):
    from sacrebleu.metrics import BLEU

    clear_sacrebleu_cache()
    return BLEU().corpus_score(hyps, [refs]).score


def sacrebleu_sentences(hyps, refs):
    from sacrebleu.metrics import BLEU

    clear_sacrebleu_cache()
    metric = BLEU(effective_order=True)
    return [metric.sentence_score(h, [r]).score for h, r in zip(hyps, refs)]


def check(hyps, refs, docs) -> None:
    import ngramkit
    from rouge_score import rouge_scorer, tokenizers
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a
    from sacrebleu.tokenizers.tokenizer_intl import TokenizerV14International

    assert ngramkit.bleu(hyps, refs, threads=1).score == sacrebleu_corpus(hyps, refs)
    head = slice(0, 400)
    assert ngramkit.sentence_bleu(hyps[head], refs[head], threads=1).tolist() == \
        sacrebleu_sentences(hyps[head], refs[head])
    for name, tok in (("13a", Tokenizer13a()), ("intl", TokenizerV14International())):
        class T(tokenizers.Tokenizer):
            def tokenize(self, text, tok=tok):
                return tok(text.lower()).split()
        scorer = rouge_scorer.RougeScorer(R12L, tokenizer=T())
        ours = ngramkit.rouge(hyps[head], refs[head], rouge_types=R12L, tokenize=name, threads=1)
        for i in range(0, 400, 7):
            want = scorer.score(refs[i], hyps[i])
            for t in R12L:
                got = ours[t]
                assert (got.precision[i], got.recall[i], got.fmeasure[i]) == tuple(want[t]), (name, t, i)
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    for threads in (1, 2):
        ours = ngramkit.rouge(docs[0][:8], docs[1][:8], rouge_types=["rougeL"], threads=threads)["rougeL"]
        for i in range(8):
            assert ours.fmeasure[i] == scorer.score(docs[1][i], docs[0][i])["rougeL"].fmeasure


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="cpu: single-thread rates from process CPU time (busy machine); 2-thread rows stay wall")
    args = parser.parse_args()
    if not mt.data_available():
        print(f"shared data not found at {mt.DATA}", file=sys.stderr)
        return 1
    import ngramkit

    hyps, refs = wmt_de_pairs()
    doc_h, doc_r = documents(hyps, refs)
    docs = (doc_h * 4, doc_r * 4)
    check(hyps, refs, docs)
    clock = args.clock
    print(f"ngramkit from {Path(ngramkit.__file__).parent}; {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f}; "
          f"{len(hyps):,} WMT23 en-de pairs; {len(doc_h)} documents of "
          f"{sum(len(d.split()) for d in doc_h) / len(doc_h):,.0f} / {sum(len(d.split()) for d in doc_r) / len(doc_r):,.0f} words")
    print("| row | ngramkit /s | peer | peer /s | ratio |")
    print("|---|---:|---|---:|---:|")

    n = len(hyps)
    ours = n / best(lambda: ngramkit.bleu(hyps, refs, threads=1), clock)
    peer = n / best(lambda: sacrebleu_corpus(hyps, refs), clock, rounds=1, budget=0)
    print(f"| corpus BLEU 13a, WMT23 en-de distinct lines | {ours:,.0f} | sacrebleu | {peer:,.0f} | {ours / peer:,.1f}× |")
    ours = n / best(lambda: ngramkit.sentence_bleu(hyps, refs, threads=1), clock)
    peer = n / best(lambda: sacrebleu_sentences(hyps, refs), clock, rounds=1, budget=0)
    print(f"| sentence BLEU, WMT23 en-de distinct lines | {ours:,.0f} | sacrebleu | {peer:,.0f} | {ours / peer:,.1f}× |")

    ds = mt.load()["dialogsum"]
    for label, (h, r) in (("DialogSum", (ds.hypotheses, ds.references)), ("WMT23 en-de", (hyps, refs))):
        default = len(h) / best(lambda: ngramkit.rouge(h, r, rouge_types=R12L, threads=1), clock)
        for name in ("13a", "intl"):
            rate = len(h) / best(lambda: ngramkit.rouge(h, r, rouge_types=R12L, tokenize=name, threads=1), clock)
            print(f"| ROUGE-1/2/L tokenize={name!r}, {label} | {rate:,.0f} | default tokenizer | {default:,.0f} | "
                  f"{rate / default:.2f} |")

    rates, cores = {}, {}
    for threads in (1, 2):
        cpu = time.process_time()
        wall = time.perf_counter()
        rates[threads] = len(docs[0]) / best(lambda: ngramkit.rouge(*docs, rouge_types=["rougeL"], threads=threads),
                                             "wall")
        cores[threads] = (time.process_time() - cpu) / (time.perf_counter() - wall)
    print(f"| rougeL ~1,000-word documents, 2 threads (wall) | {rates[2]:,.0f} | 1 thread | {rates[1]:,.0f} | "
          f"{rates[2] / rates[1]:.2f}× |")
    print(f"\nCores this process got (CPU time / wall time) while timing rougeL: {cores[1]:.2f} with 1 thread, "
          f"{cores[2]:.2f} with 2 (2.00 = both cores free; the 2-thread ratio cannot exceed what the machine gave).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
