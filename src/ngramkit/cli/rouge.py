"""``ngramkit rouge`` (ROUGE of line-aligned files, whole files in memory, with bootstrap
intervals) and ``ngramkit demo`` (the same on the 25 REALSumm pairs shipped with ngramkit). Both
print to stdout only: no output file, so nothing to refuse or write atomically."""
from __future__ import annotations

import argparse
import io
import json

from ..metrics.rouge import rouge
from ..metrics.rouge_result import RougeResult
from ..metrics.rouge_types import DEFAULT_ROUGE_TYPES, VALID_ROUGE_TYPES
from .files import LINE_FILES_HELP, CliError, FileError, int_at_least, read_lines
from .outputs import write_stdout

_non_negative = int_at_least(0, "non-negative")

#: What ``ngramkit demo`` scores by default: the API's default types and rougeLsum, since the
#: shipped pairs have their sentences on separate lines (the --help text is made from this).
DEMO_ROUGE_TYPES = (*DEFAULT_ROUGE_TYPES, "rougeLsum")


def _summary(result: RougeResult, bootstrap: int, seed: int) -> dict:
    out: dict = {"pairs": result.n_pairs}
    intervals = result.aggregate(n_samples=bootstrap, seed=seed) if bootstrap else {}
    for name, scores in result.items():
        entry = {"mean": scores.mean()._asdict()}
        if name in intervals:
            agg = intervals[name]
            entry["bootstrap"] = {"low": agg.low._asdict(), "mid": agg.mid._asdict(), "high": agg.high._asdict(),
                                  "n_samples": bootstrap, "seed": seed}
        out[name] = entry
    return out


def _print_table(summary: dict, stream) -> None:
    print(f"{summary['pairs']} pairs", file=stream)
    has_ci = any("bootstrap" in v for v in summary.values() if isinstance(v, dict))
    header = f"{'type':<10} {'precision':>9} {'recall':>9} {'fmeasure':>9}"
    print(header + ("   fmeasure 95% CI (bootstrap)" if has_ci else ""), file=stream)
    for name, entry in summary.items():
        if not isinstance(entry, dict):
            continue
        m = entry["mean"]
        line = f"{name:<10} {m['precision']:>9.4f} {m['recall']:>9.4f} {m['fmeasure']:>9.4f}"
        if "bootstrap" in entry:
            b = entry["bootstrap"]
            line += f"   [{b['low']['fmeasure']:.4f}, {b['high']['fmeasure']:.4f}]"
        print(line, file=stream)


def _print_per_pair(result: RougeResult, stream) -> None:
    header = ["pair"] + [f"{n}_{c}" for n in result for c in ("precision", "recall", "fmeasure")]
    print("\t".join(header), file=stream)
    for i in range(result.n_pairs):
        row = [str(i)]
        for scores in result.values():
            row += [repr(float(scores.precision[i])), repr(float(scores.recall[i])), repr(float(scores.fmeasure[i]))]
        print("\t".join(row), file=stream)


def _add_scoring_options(p: argparse.ArgumentParser, default_types=DEFAULT_ROUGE_TYPES) -> None:
    p.add_argument("--rouge-types", default=",".join(default_types),
                   help=f"comma-separated, among {','.join(VALID_ROUGE_TYPES)} (default: %(default)s)")
    p.add_argument("--use-stemmer", action="store_true", help="Porter-stem tokens longer than 3 characters")
    p.add_argument("--threads", type=int, default=None, help="worker threads (default: all cores)")
    p.add_argument("--per-pair", action="store_true", help="print a TSV row per pair instead of the summary")
    p.add_argument("--bootstrap", type=_non_negative, default=0, metavar="N",
                   help="add bootstrap confidence intervals from N resamples (e.g. 1000)")
    p.add_argument("--seed", type=_non_negative, default=0, help="bootstrap seed (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--progress", action="store_true", help="show a progress bar on stderr (needs tqdm)")


def add_parsers(sub) -> None:
    """Register the ``rouge`` and ``demo`` subcommands on an argparse subparsers object."""
    p_rouge = sub.add_parser("rouge", help="score line-aligned prediction and reference files",
                             description=LINE_FILES_HELP)
    p_rouge.add_argument("--predictions", "-p", required=True, help="file with one prediction per line")
    p_rouge.add_argument("--references", "-r", required=True, action="append",
                         help="file with one reference per line; repeat for several references per prediction")
    p_rouge.add_argument("--sentence-sep", default=None,
                         help="string that separates sentences within a line (e.g. '<q>'), for rougeLsum")
    _add_scoring_options(p_rouge)
    p_demo = sub.add_parser("demo", help="score the 25 REALSumm pairs shipped with ngramkit (BART vs reference)")
    _add_scoring_options(p_demo, DEMO_ROUGE_TYPES)


def _inputs(args):
    """(predictions, references) of the files (``rouge``) or of the shipped example (``demo``)."""
    if args.command == "demo":
        from ..examples import realsumm_bart

        return realsumm_bart()
    predictions = read_lines(args.predictions)
    columns = [read_lines(path) for path in args.references]
    for path, column in zip(args.references, columns):
        if len(column) != len(predictions):
            raise FileError(f"{path} has {len(column)} lines but {args.predictions} has {len(predictions)}")
    if args.sentence_sep:
        predictions = [p.replace(args.sentence_sep, "\n") for p in predictions]
        columns = [[r.replace(args.sentence_sep, "\n") for r in col] for col in columns]
    return predictions, (columns[0] if len(columns) == 1 else [list(refs) for refs in zip(*columns)])


def run(args) -> int:
    """Run ``ngramkit rouge`` or ``ngramkit demo`` with parsed arguments; CliError for user errors."""
    types = [t.strip() for t in args.rouge_types.split(",") if t.strip()]
    predictions, references = _inputs(args)
    try:
        result = rouge(predictions, references, types, use_stemmer=args.use_stemmer, threads=args.threads,
                       progress=args.progress)
    except (TypeError, ValueError, ImportError) as err:
        raise CliError(str(err)) from None
    if args.bootstrap and result.n_pairs == 0:
        raise CliError("--bootstrap: there are no pairs to resample (the files are empty)")
    if args.json and not args.per_pair:
        write_stdout(json.dumps(_summary(result, args.bootstrap, args.seed), indent=2) + "\n")
        return 0
    text = io.StringIO()
    if args.per_pair:
        _print_per_pair(result, text)
    else:
        _print_table(_summary(result, args.bootstrap, args.seed), text)
    write_stdout(text.getvalue())
    return 0
