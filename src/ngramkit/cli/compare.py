# SPDX-License-Identifier: Apache-2.0
"""``ngramkit compare``: several systems' line-aligned outputs against the same references, with a
paired significance test against the first (the baseline) and an optional HTML report."""
from __future__ import annotations

import argparse
import json
import os

from .files import LINE_FILES_HELP, CliError, FileError, int_at_least, read_lines
from .outputs import AtomicOutput, write_stdout
from .same_file import refuse_output_over_input
from .score import _metrics, add_metric_options

EPILOG = """\
example:
  ngramkit compare --ref refs.txt base.txt tuned.txt --metrics rouge,bleu,chrf --paired-bs --report report.html

The first system file is the baseline; each other system is tested against it. The paired bootstrap
(--paired-bs, default) gives each system's mean and 95% interval; --paired-ar runs approximate
randomization. TER is lower-is-better (the table says so). For BLEU, chrF and TER the numbers equal sacrebleu's (`sacrebleu -i SYS... --paired-bs`)."""

_positive = int_at_least(1, "positive")
_non_negative = int_at_least(0, "non-negative")


def add_parser(sub) -> argparse.ArgumentParser:
    """Register the ``compare`` subcommand on an argparse subparsers object."""
    p = sub.add_parser("compare", help="compare systems on the same references: scores, intervals, paired tests",
                       description="Compare several systems' outputs (one text per line) on the same references. "
                                   + LINE_FILES_HELP,
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("systems", nargs="+", metavar="SYSTEM", help="system output files; the first is the baseline")
    p.add_argument("--ref", action="append", required=True,
                   help="references, one per line; repeat for several references per hypothesis")
    p.add_argument("--metrics", default="rouge,bleu,chrf",
                   help="comma-separated among rouge,bleu,chrf,ter,wer,cer (default: %(default)s)")
    test = p.add_mutually_exclusive_group()
    test.add_argument("--paired-bs", dest="test", action="store_const", const="bs",
                      help="paired bootstrap resampling (default)")
    test.add_argument("--paired-ar", dest="test", action="store_const", const="ar",
                      help="paired approximate randomization")
    p.set_defaults(test="bs")
    p.add_argument("--n-samples", type=_positive, default=None, metavar="N",
                   help="resamples (bs, default 1000) or trials (ar, default 10000)")
    p.add_argument("--seed", type=_non_negative, default=12345, help="generator seed (default: %(default)s, as sacrebleu)")
    p.add_argument("--rouge-measures", default="fmeasure",
                   help="ROUGE rows to test: comma-separated among fmeasure,precision,recall (default: %(default)s)")
    p.add_argument("--names", default=None, help="comma-separated system names (default: the file names)")
    p.add_argument("--threads", type=_positive, default=None, help="worker threads (default: all cores)")
    add_metric_options(p)
    g = p.add_argument_group("output")
    g.add_argument("--format", choices=("table", "json"), default="table", help="default: %(default)s")
    g.add_argument("--report", metavar="PATH", help="also write a self-contained HTML report to PATH")
    g.add_argument("--report-metrics", metavar="NAMES", default=None,
                   help="the report's 'pairs that differ most' tables: comma-separated metric rows (rouge1,BLEU,"
                        "chrF2; 'rouge' for every ROUGE row; default: every metric)")
    g.add_argument("--report-examples", type=_non_negative, metavar="N", default=20,
                   help="pairs per 'differ most' table in the report (default: %(default)s; 0: none)")
    return p


def _names(args) -> list[str]:
    if args.names is not None:
        names = [n.strip() for n in args.names.split(",")]
        if len(names) != len(args.systems) or not all(names):
            raise CliError(f"--names: expected {len(args.systems)} non-empty names, got {args.names!r}")
        if len(set(names)) != len(names):
            raise CliError(f"--names: names must be unique, got {args.names!r}")
        return names
    names = [os.path.basename(p) for p in args.systems]
    if len(set(names)) != len(names):  # same file name in different directories: keep the paths
        names = list(args.systems)
    if len(set(names)) != len(names):
        raise CliError("systems: the same file is given twice")
    return names


def _options(args) -> dict:
    return {
        "rouge_types": [t.strip() for t in args.rouge_types.split(",") if t.strip()],
        "use_stemmer": args.use_stemmer, "rouge_tokenize": args.rouge_tokenize,
        "multi_reference": args.multi_reference,
        "tokenize": args.tokenize, "smooth_method": args.smooth_method, "smooth_value": args.smooth_value,
        "max_ngram_order": args.max_ngram_order, "effective_order": args.effective_order,
        "char_order": args.char_order, "word_order": args.word_order, "beta": args.beta,
        "eps_smoothing": args.eps_smoothing, "whitespace": args.chrf_whitespace, "lowercase": args.lowercase,
        "normalized": args.ter_normalized, "no_punct": args.ter_no_punct, "asian_support": args.ter_asian_support,
        "case_sensitive": args.ter_case_sensitive,
    }


def _read(args, names):
    if len(args.systems) < 2:
        raise CliError("systems: give a baseline and at least one system file to compare with it")
    systems = {name: read_lines(path) for name, path in zip(names, args.systems)}
    columns = [read_lines(path) for path in args.ref]
    n = len(systems[names[0]])
    for path, lines in [*zip(args.systems, systems.values()), *zip(args.ref, columns)]:
        if len(lines) != n:
            raise FileError(f"{path} has {len(lines)} lines but {args.systems[0]} has {n}")
    if n == 0:
        raise CliError(f"{args.systems[0]}: no lines to compare")
    if args.sentence_sep:
        systems = {k: [t.replace(args.sentence_sep, "\n") for t in v] for k, v in systems.items()}
        columns = [[t.replace(args.sentence_sep, "\n") for t in c] for c in columns]
    references = columns[0] if len(columns) == 1 else [list(r) for r in zip(*columns)]
    return systems, references


def run(args) -> int:
    """Run ``ngramkit compare`` with parsed arguments; CliError for user errors. The report is
    refused when it is an input, and written atomically (see :mod:`.outputs`)."""
    from ..comparison.compare import compare

    metrics = _metrics(args)
    measures = [m.strip() for m in args.rouge_measures.split(",") if m.strip()]
    names = _names(args)
    refuse_output_over_input([("--report", args.report)],
                             [*(("system", s) for s in args.systems), *(("--ref", r) for r in args.ref)])
    systems, references = _read(args, names)
    try:
        result = compare(systems, references, metrics=metrics, test=args.test, n_samples=args.n_samples,
                         seed=args.seed, rouge_measures=measures, threads=args.threads, **_options(args))
    except (TypeError, ValueError, ImportError) as err:
        raise CliError(str(err)) from None
    if args.report:
        from ..comparison.html_report import choose_example_metrics

        try:
            choose_example_metrics(result, args.report_metrics)
        except (TypeError, ValueError) as err:
            raise CliError(f"--report-metrics: {str(err).removeprefix('example_metrics: ')}") from None
        with AtomicOutput(args.report, "--report", ".html") as out:
            result.report(out.temp, max_examples=args.report_examples, example_metrics=args.report_metrics)
    elif args.report_metrics is not None:
        raise CliError("--report-metrics: needs --report PATH")
    if args.format == "json":
        write_stdout(json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n")
    else:
        write_stdout(result.format() + "\n")
    return 0
