"""``ngramkit score``: every metric over line-aligned files (or a table file), streamed in chunks."""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys

from ..metrics.registry import METRICS
from ..metrics.rouge_types import DEFAULT_ROUGE_TYPES
from ..pipelines.streaming import StreamScorer
from . import tempfiles
from .files import CliError, FileError, count_lines, int_at_least, int_or_float, line_chunks, spool_stdin
from .outputs import write_stdout
from .per_pair import PerPairWriter
from .same_file import refuse_output_over_input

DEFAULT_CHUNK_SIZE = 50_000

EPILOG = """\
input:
  One text per line; the hypothesis file and every reference file must have the same number of
  lines. A line is what ends in \\n (\\r\\n counts as one break; a lone \\r is text; a last line
  without \\n counts). "-" reads stdin; *.gz, *.bz2 and *.xz files are decompressed, *.zst too
  with zstandard installed. A table file (*.jsonl, *.csv, *.parquet) is read with --hyp-col / --ref-col instead
  (a reference column may hold a list of references; several --ref-col give several references).
  Text is UTF-8; a byte-order mark at the start of a line file is kept as text, as sacrebleu reads
  files (a BOM before a CSV header or a JSON record is ignored). Empty input: 0 pairs, every corpus
  number 0.0.

examples:
  ngramkit score --hyp preds.txt --ref refs.txt
  ngramkit score --metrics rouge,bleu --hyp preds.txt.gz --ref refs1.txt --ref refs2.txt --format json
  ngramkit score --metrics chrf --word-order 2 --hyp preds.txt --ref refs.txt --per-pair scores.tsv
  ngramkit score --hyp data.jsonl --hyp-col prediction --ref-col references
  cat preds.txt | ngramkit score --hyp - --ref refs.txt --quiet
  ngramkit score --example

The input is read and scored --chunk-size pairs at a time; corpus BLEU/chrF are finalized from
summed integer statistics and ROUGE's means reproduce numpy's summation, so every number equals
scoring all pairs at once with the Python API, bit for bit.
"""


_positive = int_at_least(1, "positive")
_non_negative = int_at_least(0, "non-negative")


def add_metric_options(p: argparse.ArgumentParser) -> None:
    """The metric options shared by ``ngramkit score`` and ``ngramkit compare``."""
    g = p.add_argument_group("ROUGE (as ngramkit.rouge)")
    g.add_argument("--rouge-types", default=",".join(DEFAULT_ROUGE_TYPES), help="comma-separated (default: %(default)s)")
    g.add_argument("--use-stemmer", action="store_true", help="Porter-stem tokens longer than 3 characters")
    g.add_argument("--rouge-tokenize", default=None, metavar="NAME",
                   help="a sacrebleu tokenizer for ROUGE (13a, intl, zh, char, none) instead of rouge-score's")
    g.add_argument("--multi-reference", default="best", choices=("best", "mean"),
                   help="with several references: the best per type (rouge-score's score_multi) or the mean")
    g.add_argument("--sentence-sep", default=None, metavar="SEP",
                   help="string separating sentences within a line (e.g. '<q>'), for rougeLsum")
    g = p.add_argument_group("BLEU (as ngramkit.bleu / sacrebleu)")
    g.add_argument("--tokenize", default=None, help="13a (default), intl, zh, char, none, ja-mecab, ...")
    g.add_argument("--smooth-method", default="exp", help="exp (default), floor, add-k, none")
    g.add_argument("--smooth-value", type=float, default=None, help="floor / add-k value")
    g.add_argument("--max-ngram-order", type=_positive, default=4, help="default: %(default)s")
    g.add_argument("--effective-order", action="store_true", help="corpus BLEU with effective order")
    g = p.add_argument_group("chrF (as ngramkit.chrf / sacrebleu)")
    g.add_argument("--char-order", type=int, default=6, help="default: %(default)s")
    g.add_argument("--word-order", type=int, default=0, help="default: %(default)s (2: chrF++)")
    g.add_argument("--beta", type=int_or_float, default=2,
                   help="recall weight; names the score chrF{beta} as sacrebleu (default: %(default)s)")
    g.add_argument("--eps-smoothing", action="store_true", help="sacrebleu's eps smoothing")
    g.add_argument("--chrf-whitespace", action="store_true", help="keep whitespace in character n-grams")
    g = p.add_argument_group("BLEU and chrF")
    g.add_argument("--lowercase", action="store_true", help="str.lower() before scoring")
    g = p.add_argument_group("TER (as ngramkit.ter / sacrebleu; lower is better)")
    g.add_argument("--ter-normalized", action="store_true", help="Tercom normalization (punctuation, XML entities)")
    g.add_argument("--ter-no-punct", action="store_true", help="remove punctuation")
    g.add_argument("--ter-asian-support", action="store_true", help="split CJK characters, remove CJK punctuation")
    g.add_argument("--ter-case-sensitive", action="store_true", help="keep case (default: lowercase)")


def add_parser(sub) -> argparse.ArgumentParser:
    """Register the ``score`` subcommand on an argparse subparsers object."""
    p = sub.add_parser("score", help="ROUGE, BLEU, chrF, TER, WER and CER of line-aligned files or a table file, streamed",
                       description="Score hypotheses against references with ROUGE, BLEU, chrF, TER, WER and CER.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--metrics", default="rouge,bleu,chrf",
                   help="comma-separated among rouge,bleu,chrf,ter,wer,cer (default: %(default)s)")
    p.add_argument("--hyp", help="hypotheses: a text file, one per line ('-' = stdin), or a .jsonl/.csv/.parquet table")
    p.add_argument("--ref", action="append", default=[], help="references, one per line; repeat for several per hypothesis")
    p.add_argument("--hyp-col", help="table input: the hypothesis column")
    p.add_argument("--ref-col", action="append", default=[],
                   help="table input: a reference column (a string or a list of strings); repeatable")
    p.add_argument("--example", action="store_true", help="score the 25 REALSumm pairs shipped with ngramkit")
    p.add_argument("--chunk-size", type=_positive, default=DEFAULT_CHUNK_SIZE, metavar="N",
                   help="pairs read and scored at a time (default: %(default)s)")
    p.add_argument("--threads", type=_positive, default=None, help="worker threads (default: all cores)")
    add_metric_options(p)
    g = p.add_argument_group("bootstrap")
    g.add_argument("--bootstrap", type=_non_negative, default=0, metavar="N",
                   help="95%% intervals of every corpus number from N Poisson-bootstrap resamples (default: 0, none); "
                        "the same for any --chunk-size")
    g.add_argument("--seed", type=_non_negative, default=None, metavar="S",
                   help="the bootstrap's seed, 0 <= S < 2^64 (default: 12345)")
    g = p.add_argument_group("output")
    g.add_argument("--format", choices=("table", "json"), default="table", help="summary format (default: %(default)s)")
    g.add_argument("--per-pair", metavar="PATH",
                   help="also write every pair's scores to PATH (.tsv, .jsonl, or .parquet with pyarrow)")
    g.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    return p


def _options(args) -> dict:
    types = [t.strip() for t in args.rouge_types.split(",") if t.strip()]
    return {
        "rouge": {"rouge_types": types, "use_stemmer": args.use_stemmer, "tokenize": args.rouge_tokenize,
                  "multi_reference": args.multi_reference, "threads": args.threads},
        "bleu": {"tokenize": args.tokenize, "smooth_method": args.smooth_method, "smooth_value": args.smooth_value,
                 "lowercase": args.lowercase, "max_ngram_order": args.max_ngram_order,
                 "effective_order": args.effective_order, "threads": args.threads},
        "chrf": {"char_order": args.char_order, "word_order": args.word_order, "beta": args.beta,
                 "lowercase": args.lowercase, "whitespace": args.chrf_whitespace,
                 "eps_smoothing": args.eps_smoothing, "threads": args.threads},
        "ter": {"normalized": args.ter_normalized, "no_punct": args.ter_no_punct,
                "asian_support": args.ter_asian_support, "case_sensitive": args.ter_case_sensitive,
                "threads": args.threads},
        "wer": {"threads": args.threads},
        "cer": {"threads": args.threads},
    }


def _metrics(args) -> list[str]:
    metrics = [m.strip().lower() for m in args.metrics.split(",") if m.strip()]
    unknown = [m for m in metrics if m not in METRICS]
    if unknown or not metrics:
        raise CliError(f"--metrics: unknown metric {', '.join(map(repr, unknown)) or '(none given)'}; "
                       f"choose among {','.join(METRICS)}")
    return list(dict.fromkeys(metrics))


def _check_options(metrics, options) -> None:
    """Score one dummy pair so a bad option fails before any file is opened or written."""
    try:
        StreamScorer(metrics, 1, options, per_pair=True).add(["a"], ["a"])
    except (TypeError, ValueError, ImportError) as err:
        raise CliError(str(err)) from None


def _sources(args, stack: contextlib.ExitStack):
    """(number of pairs, iterator of (hypotheses, references) chunks)."""
    if args.example:
        if args.hyp or args.ref:
            raise CliError("--example: takes no --hyp / --ref")
        from ..examples import realsumm_bart

        hyps, refs = realsumm_bart()
        size = args.chunk_size
        return len(hyps), ((hyps[i:i + size], refs[i:i + size]) for i in range(0, len(hyps), size))
    if not args.hyp:
        raise CliError("--hyp is required (or --example)")
    from .table_input import TABLE_SUFFIXES, table_chunks

    if args.hyp.endswith(TABLE_SUFFIXES) or args.hyp_col or args.ref_col:
        if args.ref:
            raise CliError("--ref: a table input takes --ref-col, not --ref")
        return table_chunks(args.hyp, args.hyp_col, args.ref_col, args.chunk_size)
    if not args.ref:
        raise CliError("--ref is required (one or more reference files)")
    paths = [args.hyp, *args.ref]
    if paths.count("-") > 1:
        raise CliError("-: stdin can be only one of --hyp / --ref")
    if "-" in paths:
        spooled = spool_stdin("--hyp -" if args.hyp == "-" else "--ref -")
        stack.callback(tempfiles.discard, spooled)
        actual = [spooled if p == "-" else p for p in paths]
    else:
        actual = paths
    counts = [count_lines(p) for p in actual]
    for path, count in zip(args.ref, counts[1:]):
        if count != counts[0]:
            raise FileError(f"{path} has {count} lines but {args.hyp} has {counts[0]}")

    def chunks():
        for hyps, *columns in line_chunks(actual, args.chunk_size, counts):
            yield hyps, (columns[0] if len(columns) == 1 else [list(r) for r in zip(*columns)])

    return counts[0], chunks()


def _progress(total: int, quiet: bool):
    if quiet or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="pairs", unit_scale=True, file=sys.stderr)


def _sep(texts, sep):
    return [t.replace(sep, "\n") for t in texts]


def run(args) -> int:
    """Run ``ngramkit score`` with parsed arguments; CliError for user errors. The per-pair file
    is refused when it is an input, and written atomically (see :mod:`.outputs`)."""
    metrics = _metrics(args)
    options = _options(args)
    _check_options(metrics, options)
    refuse_output_over_input([("--per-pair", args.per_pair)],
                             [("--hyp", args.hyp), *(("--ref", r) for r in args.ref)])
    with contextlib.ExitStack() as stack:
        n_total, chunks = _sources(args, stack)
        try:
            scorer = StreamScorer(metrics, n_total, options, per_pair=bool(args.per_pair),
                                  bootstrap=args.bootstrap, seed=args.seed)
        except ValueError as err:
            raise CliError(str(err)) from None
        if args.bootstrap and n_total == 0:
            raise CliError("--bootstrap: needs at least one pair (the input is empty)")
        writer = stack.enter_context(PerPairWriter(args.per_pair)) if args.per_pair else None
        bar = _progress(n_total, args.quiet)
        try:
            for hyps, refs in chunks:
                if args.sentence_sep:
                    hyps = _sep(hyps, args.sentence_sep)
                    refs = _sep(refs, args.sentence_sep) if refs and isinstance(refs[0], str) else [
                        _sep(r, args.sentence_sep) for r in refs]
                try:
                    columns = scorer.add(hyps, refs)
                except (TypeError, ValueError) as err:
                    raise CliError(f"pairs {scorer.n_pairs + 1}-{scorer.n_pairs + len(hyps)}: {err}") from None
                if writer:
                    writer.write(columns)
                if bar:
                    bar.update(len(hyps))
        finally:
            if bar:
                bar.close()
    summary = scorer.summary()
    if args.format == "json":
        write_stdout(json.dumps(summary, indent=2) + "\n")
    else:
        text = io.StringIO()
        print_table(summary, text)
        write_stdout(text.getvalue())
    return 0


def _fmt(value) -> str:
    return "nan" if value is None else f"{value:.4f}"


def print_table(summary: dict, stream) -> None:
    """The human-readable summary."""
    print(f"{summary['pairs']} pairs", file=stream)
    if "rouge" in summary:
        entry = summary["rouge"]
        print(f"{'ROUGE':<10} {'precision':>9} {'recall':>9} {'fmeasure':>9}", file=stream)
        for name, m in entry.items():
            if name != "signature":
                print(f"{name:<10} {_fmt(m['precision']):>9} {_fmt(m['recall']):>9} {_fmt(m['fmeasure']):>9}", file=stream)
        print(f"  {entry['signature']}", file=stream)
    if "bleu" in summary:
        b = summary["bleu"]
        precisions = "/".join(f"{p:.1f}" for p in b["precisions"])
        print(f"BLEU = {b['score']:.2f} {precisions} (BP = {b['bp']:.3f} ratio = {b['ratio']:.3f} "
              f"hyp_len = {b['sys_len']} ref_len = {b['ref_len']})", file=stream)
        print(f"  {b['signature']}", file=stream)
    if "chrf" in summary:
        c = summary["chrf"]
        print(f"{c['name']} = {c['score']:.2f}", file=stream)
        print(f"  {c['signature']}", file=stream)
    if "ter" in summary:
        t = summary["ter"]
        print(f"TER = {t['score']:.2f} (num_edits = {t['num_edits']} ref_length = {t['ref_length']:.1f}; "
              "lower is better)", file=stream)
        print(f"  {t['signature']}", file=stream)
    for metric in ("wer", "cer"):
        if metric in summary:
            e = summary[metric]
            print(f"{metric.upper()} = {e['wer']:.4f} (mer = {e['mer']:.4f} wil = {e['wil']:.4f} wip = {e['wip']:.4f}; "
                  f"hits = {e['hits']} substitutions = {e['substitutions']} deletions = {e['deletions']} "
                  f"insertions = {e['insertions']}; lower is better, as jiwer)", file=stream)
    if "bootstrap" in summary:
        print_bootstrap(summary["bootstrap"], stream, summary.get("chrf", {}).get("name", "chrF"))


def print_bootstrap(b: dict, stream, chrf_name: str = "chrF") -> None:
    """The bootstrap section of the table: every number's mean and interval (chrF labelled
    ``chrf_name``, as in the summary above it)."""
    print(f"bootstrap: {b['n_samples']} Poisson resamples, seed {b['seed']}, {b['confidence']:.0%} intervals "
          f"(low mean high)", file=stream)
    for name, entry in b.get("rouge", {}).items():
        cells = "  ".join(f"{f[0].upper()} {_fmt(v['low'])} {_fmt(v['mean'])} {_fmt(v['high'])}" for f, v in entry.items())
        print(f"  {name:<10} {cells}", file=stream)
    for metric, label, digits in (("bleu", "BLEU", 2), ("chrf", chrf_name, 2), ("wer", "WER", 4), ("cer", "CER", 4)):
        if metric in b:
            v = b[metric]["score"]
            print(f"  {label:<10} {v['low']:.{digits}f} {v['mean']:.{digits}f} {v['high']:.{digits}f}", file=stream)
