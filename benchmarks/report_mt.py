"""BLEU and chrF: ngramkit vs sacrebleu (and nltk, fast-bleu) in one run, single thread; prints a
markdown table of pairs/s and ratios for the README.

    python benchmarks/report_mt.py            # from the repo root; about a minute

Before timing, ngramkit's corpus BLEU, sentence BLEU, chrF and chrF++ on each workload are checked
equal to sacrebleu's (mt_workloads.check_exact). nltk and fast-bleu are timed on sacrebleu's 13a
tokens (their tokenizing is not timed; they have no tokenizer of their own); their BLEU differs
from sacrebleu's by definition (nltk's denominators, fast-bleu's smoothing), so they are speed
references only. ngramkit from token ids scores those same 13a tokens interned to ids.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mt_workloads as mt  # noqa: E402


def rows():
    """(metric, ngramkit runner, [(peer name, peer runner)])."""
    peers_bleu = [("sacrebleu", mt.sacrebleu_bleu), ("nltk", mt.nltk_bleu)]
    if mt.fast_bleu_available():
        peers_bleu.append(("fast-bleu (sentence scores)", mt.fast_bleu_sentences))
    return [
        ("corpus BLEU, from text", mt.ngramkit_bleu, peers_bleu),
        ("sentence BLEU (every pair), from text", mt.ngramkit_sentence_bleu,
         [("sacrebleu", mt.sacrebleu_sentence_bleu)]),
        ("corpus BLEU, from token ids (TokenBatch)", mt.ngramkit_bleu_ids, [("sacrebleu, text", mt.sacrebleu_bleu)]),
        ("corpus chrF", lambda w: mt.ngramkit_chrf(w, 0), [("sacrebleu", lambda w: mt.sacrebleu_chrf(w, 0))]),
        ("corpus chrF++", lambda w: mt.ngramkit_chrf(w, 2), [("sacrebleu", lambda w: mt.sacrebleu_chrf(w, 2))]),
    ]


def main() -> int:
    if not mt.data_available():
        print(f"shared data not found at {mt.DATA}", file=sys.stderr)
        return 1
    print("| workload | metric | ngramkit pairs/s | peer | peer pairs/s | ratio |")
    print("|---|---|---:|---|---:|---:|")
    for w in mt.load().values():
        mt.check_exact(w)
        for label, ours, peers in rows():
            ours_rate = w.pairs / mt.best_time(ours, w)
            for peer_name, peer in peers:
                peer_rate = w.pairs / mt.best_time(peer, w, rounds=1, budget=0)
                print(f"| {w.label} | {label} | {ours_rate:,.0f} | {peer_name} | {peer_rate:,.0f} | "
                      f"{ours_rate / peer_rate:,.0f}× |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
