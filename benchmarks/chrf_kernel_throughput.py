"""Single-thread chrF / chrF++ throughput of _core.chrf_text vs sacrebleu CHRF().corpus_score.

    PYTHONPATH=src python benchmarks/chrf_kernel_throughput.py [--clock cpu|wall]

Rates are pairs/s, best of several runs. "from text" includes the Python around the kernel
(UTF-8 buffers, groups, summing the statistics, the corpus F); "kernel" is the _core call alone
on ready buffers. Every timed result is first checked against sacrebleu (corpus score ==).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from sacrebleu.metrics import CHRF

from ngramkit import _core
from ngramkit.ingest.inputs import text_buffers

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def lines(path):
    text = path.read_text(encoding="utf-8")
    return (text[:-1] if text.endswith("\n") else text).split("\n")


def workloads():
    d = DATA / "dialogsum"
    yield "DialogSum hyp vs ref1", lines(d / "bart_baseline.test.hyp.txt"), lines(d / "test.ref1.txt")[:500]
    w = DATA / "wmt23" / "txt"
    yield ("WMT23 en-de GPT4-5shot", lines(w / "system-outputs" / "generaltest2023.en-de.hyp.GPT4-5shot.de"),
           lines(w / "references" / "generaltest2023.en-de.ref.refA.de"))
    yield ("WMT23+24 every system (distinct lines)", *wmt_every_system())


def wmt_every_system():
    """Every system output of WMT23 (en-de/ja/zh) and WMT24 (en-ja) against refA: distinct lines."""
    hyps, refs = [], []
    w23 = DATA / "wmt23" / "txt"
    for path in sorted((w23 / "system-outputs").iterdir()):
        pair = path.name.split(".")[1]
        hyps += lines(path)
        refs += lines(w23 / "references" / f"generaltest2023.{pair}.ref.refA.{pair[3:]}")
    w24 = DATA / "wmt24" / "txt"
    for path in sorted((w24 / "system-outputs" / "en-ja").iterdir()):
        hyps += lines(path)
        refs += lines(w24 / "references" / "en-ja.refA.txt")
    assert len(hyps) == len(refs)
    return hyps, refs


def ngramkit_corpus(hyps, refs, char_order, word_order):
    pb, po = text_buffers(hyps, "predictions")
    rb, ro = text_buffers(refs, "references")
    groups = np.arange(len(hyps) + 1, dtype=np.int64)
    stats, _, _ = _core.chrf_text(pb, po, rb, ro, groups, char_order, word_order, 4.0, False, False, 1)
    return _core.chrf_f_score(stats.sum(axis=0), char_order, word_order, 4.0, False)


def best_rate(fn, pairs, clock, min_time=1.0, repeats=5):
    best = 0.0
    for _ in range(repeats):
        n, start = 0, clock()
        while True:
            fn()
            n += 1
            elapsed = clock() - start
            if elapsed >= min_time / repeats:
                break
        best = max(best, n * pairs / elapsed)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu")
    clock = time.process_time if parser.parse_args().clock == "cpu" else time.perf_counter
    print("| workload | metric | sacrebleu pairs/s | ngramkit from text | kernel only | from text / sacrebleu |")
    print("|---|---|---|---|---|---|")
    for name, hyps, refs in workloads():
        pb, po = text_buffers(hyps, "predictions")
        rb, ro = text_buffers(refs, "references")
        groups = np.arange(len(hyps) + 1, dtype=np.int64)
        for label, c, w in (("chrF", 6, 0), ("chrF++", 6, 2)):
            metric = CHRF(char_order=c, word_order=w)
            assert ngramkit_corpus(hyps, refs, c, w) == metric.corpus_score(hyps, [refs]).score
            sb = best_rate(lambda: metric.corpus_score(hyps, [refs]), len(hyps), clock, min_time=3.0, repeats=3)
            text = best_rate(lambda: ngramkit_corpus(hyps, refs, c, w), len(hyps), clock)
            kern = best_rate(lambda: _core.chrf_text(pb, po, rb, ro, groups, c, w, 4.0, False, False, 1),
                             len(hyps), clock)
            print(f"| {name} | {label} | {sb:,.0f} | {text:,.0f} | {kern:,.0f} | {text / sb:.1f}x |")


if __name__ == "__main__":
    main()
