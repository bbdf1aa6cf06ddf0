"""Seq2SeqTrainer ``compute_metrics``: ROUGE on token ids (ngramkit, no decoding) vs the summarization
example's path (decode, then evaluate's rouge = rouge-score + BootstrapAggregator, use_stemmer=True).

    python benchmarks/transformers_compute_metrics.py [--repeat 4]

Data: DialogSum BART outputs vs the first human summary (``../shared/data``), 500 pairs × ``--repeat``,
tokenized by a word-level tokenizer built locally with ``tokenizers`` (no hub), padded as the
trainer hands them over (generated ids padded with pad, labels with -100). Needs transformers.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from mt_workloads import DATA, _lines


def _tokenizer(texts):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    words = sorted({w for t in texts for w in t.split()})
    vocab = {w: i for i, w in enumerate(["<pad>", "</s>", "<unk>", *words])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")


def _padded(tokenizer, texts, filler):
    ids = [tokenizer(t, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id] for t in texts]
    width = max(map(len, ids))
    return np.array([row + [filler] * (width - len(row)) for row in ids], dtype=np.int64)


def _example_path(tokenizer, eval_preds):
    from rouge_score import rouge_scorer, scoring

    preds, labels = eval_preds
    preds = np.where(preds != -100, preds, tokenizer.pad_token_id)
    labels = np.where(labels != -100, labels, tokenizer.pad_token_id)
    decoded_preds = [p.strip() for p in tokenizer.batch_decode(preds, skip_special_tokens=True)]
    decoded_labels = [x.strip() for x in tokenizer.batch_decode(labels, skip_special_tokens=True)]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    aggregator = scoring.BootstrapAggregator()
    for ref, pred in zip(decoded_labels, decoded_preds):
        aggregator.add_scores(scorer.score(ref, pred))
    result = {k: round(v.mid.fmeasure * 100, 4) for k, v in aggregator.aggregate().items()}
    result["gen_len"] = np.mean([np.count_nonzero(p != tokenizer.pad_token_id) for p in preds])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=4)
    args = parser.parse_args()
    from ngramkit.integrations.transformers import rouge_on_ids

    hyp = _lines(DATA / "dialogsum" / "bart_baseline.test.hyp.txt")
    ref = _lines(DATA / "dialogsum" / "test.ref1.txt")[: len(hyp)]
    hyp, ref = hyp * args.repeat, ref * args.repeat
    tokenizer = _tokenizer(hyp + ref)
    eval_preds = (_padded(tokenizer, hyp, tokenizer.pad_token_id), _padded(tokenizer, ref, -100))
    on_ids = rouge_on_ids(tokenizer.pad_token_id, ignore_ids=tokenizer.all_special_ids)
    start = time.perf_counter()
    ids_result = on_ids(eval_preds)
    fast = time.perf_counter() - start
    start = time.perf_counter()
    text_result = _example_path(tokenizer, eval_preds)
    slow = time.perf_counter() - start
    print(f"{len(hyp)} pairs: ids {1e3 * fast:.1f} ms, decode + rouge-score (the example) {1e3 * slow:.1f} ms, "
          f"ratio {slow / fast:.0f}x")
    print(f"  ids:     {ids_result}\n  example: {text_result}  (text tokenization and stemming differ from ids)")


if __name__ == "__main__":
    main()
