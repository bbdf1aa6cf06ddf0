"""Corpus WER: ngramkit.wer against jiwer.process_words and rapidfuzz's Levenshtein.distance per
pair, one invocation (best of 3 calls each, jiwer once), ratios printed.

    python benchmarks/wer_bench.py [--repeat 20] [--data ../shared/data]

The corpus is DialogSum's BART outputs against the first human summaries, repeated ``--repeat``
times (10k pairs at 20). rapidfuzz gets word lists already interned to ints (distance only, no
counts): the floor of per-pair Python calls to a C++ Levenshtein.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import jiwer
from rapidfuzz.distance import Levenshtein

import ngramkit
from timing import timed




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    d = args.data / "dialogsum"
    hyps = (d / "bart_baseline.test.hyp.txt").read_text(encoding="utf-8").split("\n")
    refs = (d / "test.ref1.txt").read_text(encoding="utf-8").split("\n")[: len(hyps)]
    hyps, refs = hyps * args.repeat, refs * args.repeat
    n_words = sum(len(r.split()) for r in refs)

    t_jiwer, want = timed(lambda: jiwer.process_words(refs, hyps), runs=1)
    t_one, got = timed(lambda: ngramkit.wer(hyps, refs, threads=1))
    t_two, got2 = timed(lambda: ngramkit.wer(hyps, refs, threads=2))
    assert got.wer == want.wer == got2.wer and got.wip == want.wip

    vocab: dict = {}
    ref_ids = [[vocab.setdefault(w, len(vocab)) for w in jiwer.wer_default(r)[0]] for r in refs]
    hyp_ids = [[vocab.setdefault(w, len(vocab)) for w in jiwer.wer_default(h)[0]] for h in hyps]
    t_rf, _ = timed(lambda: [Levenshtein.distance(r, h) for r, h in zip(ref_ids, hyp_ids)])
    batch_h, batch_r = ngramkit.TokenBatch.from_lists(hyp_ids), ngramkit.TokenBatch.from_lists(ref_ids)
    t_ids, got_ids = timed(lambda: ngramkit.wer(batch_h, batch_r, threads=1))
    assert got_ids.wer == want.wer

    print(f"{len(hyps)} pairs, {n_words} reference words (DialogSum x{args.repeat})")
    print(f"jiwer.process_words            {t_jiwer * 1e3:9.1f} ms")
    print(f"ngramkit.wer text, 1 thread    {t_one * 1e3:9.1f} ms   {t_jiwer / t_one:6.1f}x jiwer")
    print(f"ngramkit.wer text, 2 threads   {t_two * 1e3:9.1f} ms   {t_one / t_two:6.2f}x one thread")
    print(f"rapidfuzz distance per pair    {t_rf * 1e3:9.1f} ms   (interned word lists, no counts)")
    print(f"ngramkit.wer ids, 1 thread     {t_ids * 1e3:9.1f} ms   {t_rf / t_ids:6.1f}x rapidfuzz per pair")


if __name__ == "__main__":
    main()
