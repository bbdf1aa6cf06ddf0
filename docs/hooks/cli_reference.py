"""MkDocs hook: replaces the marker ``<!-- cli-reference -->`` in a page with the reference of every
``ngramkit`` command, generated from the parser the command itself runs (``cli.main.build_parser``),
so the page cannot drift from the options."""
from __future__ import annotations

import argparse
import html

MARKER = "<!-- cli-reference -->"


def _flags(action: argparse.Action) -> str:
    if not action.option_strings:
        return f"`{action.metavar or action.dest}`"
    names = ", ".join(f"`{flag}`" for flag in action.option_strings)
    if action.nargs == 0:
        return names
    metavar = action.metavar or (("{" + ",".join(map(str, action.choices)) + "}") if action.choices else
                                 action.dest.upper())
    return f"{names} `{metavar}`"


def _default(action: argparse.Action) -> str:
    if action.nargs == 0 or action.default in (None, argparse.SUPPRESS) or action.required:
        return ""
    if isinstance(action.default, list) and not action.default:
        return ""
    return f"`{action.default}`"


def _cell(text: str) -> str:
    return html.escape(" ".join(text.split()), quote=False).replace("|", "\\|")


def _command(name: str, parser: argparse.ArgumentParser) -> str:
    lines = [f"### `ngramkit {name}`", "", _cell(parser.description or ""), "",
             "```text", parser.format_usage().strip(), "```", "",
             "| option | default | what it does |", "|---|---|---|"]
    for action in parser._actions:  # argparse keeps no public list of a parser's actions
        if isinstance(action, argparse._HelpAction) or action.help == argparse.SUPPRESS:
            continue
        help_text = (action.help or "") % {"default": action.default} if action.help else ""
        lines.append(f"| {_flags(action)} | {_default(action)} | {_cell(help_text)} |")
    return "\n".join(lines) + "\n"


def cli_reference() -> str:
    """The Markdown reference of every command, in the parser's order."""
    from ngramkit.cli.main import build_parser

    _, commands = build_parser()
    return "\n".join(_command(name, parser) for name, parser in commands.items())


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: ARG001 (the hook's signature)
    return markdown.replace(MARKER, cli_reference()) if MARKER in markdown else markdown
