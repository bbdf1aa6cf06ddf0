"""Command line: ``ngramkit score`` (every metric, streamed; see score.py), ``ngramkit compare``
(systems against a baseline with paired tests; compare.py), ``ngramkit rouge`` (ROUGE with
bootstrap intervals, whole files in memory) and ``ngramkit demo`` (the shipped example; rouge.py).

Every way out is one exit status and at most two lines on stderr:

* 0: done;
* 2: a usage error (``ngramkit <cmd>: error: <message>`` and ``see 'ngramkit <cmd> --help'``) or
  a file error (unreadable, corrupt, disk full, an output that is an input: one line naming the
  file and the cause);
* 130 on Ctrl-C (SIGINT), 143 on SIGTERM, 129 on SIGHUP: one line ``ngramkit <cmd>: interrupted``.

Whatever the exit, the command's temporary files (outputs being written, the stdin spool) are
removed and no output is left half written (see outputs.py, tempfiles.py, signals.py).
"""
from __future__ import annotations

import sys

from .._version import __version__
from . import compare as cli_compare, rouge as cli_rouge, score as cli_score, tempfiles
from .files import CliError, FileError
from .signals import INTERRUPT_STATUS, Terminated, ignore_signals, signals_raise
from .usage import Parser

_RUN = {"score": cli_score.run, "compare": cli_compare.run, "rouge": cli_rouge.run, "demo": cli_rouge.run}


def build_parser() -> tuple[Parser, dict[str, Parser]]:
    """The ``ngramkit`` parser and its subcommands' parsers by name."""
    parser = Parser(prog="ngramkit", description="ROUGE, BLEU and chrF identical to rouge-score "
                    "and sacrebleu, fast. `ngramkit score --help` for every metric on files.")
    parser.add_argument("--version", action="version", version=f"ngramkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    cli_score.add_parser(sub)
    cli_compare.add_parser(sub)
    cli_rouge.add_parsers(sub)
    return parser, sub.choices


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``): returns 0 when done; every
    other exit is SystemExit with the status above."""
    parser, commands = build_parser()
    command = parser
    with signals_raise():
        try:
            args = parser.parse_args(argv)
            command = commands[args.command]
            return _RUN[args.command](args)
        except FileError as err:
            command.fail(f"error: {err}")
        except CliError as err:
            command.error(str(err))
        except KeyboardInterrupt:
            command.fail("interrupted", INTERRUPT_STATUS)
        except Terminated as err:
            command.fail(f"interrupted ({err})", err.exit_status)
        finally:
            ignore_signals()  # the command is ending either way: let nothing interrupt the cleanup
            tempfiles.discard_all()


if __name__ == "__main__":
    sys.exit(main())
