"""Argument parsing for `annotator` and dispatch to the subcommands.

Only the standard library is imported here, so `annotator validate` starts
without loading the UI.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from annotator import __version__

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

# subcommand -> module in annotator.cli with run(args) -> int
COMMANDS = {
    "annotate": "annotate_cmd",
    "validate": "validate_cmd",
    "schema": "schema_cmd",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Keyboard-first editorial span annotation for the terminal.",
        epilog="Run 'annotator COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    annotate = commands.add_parser(
        "annotate",
        help="open documents in the annotation UI (the default command)",
        description=(
            "Open documents, or folders of documents as a queue, in the keyboard-driven annotation UI. "
            "With no PATH, opens the project's document folders (the bundled seeds/). Press F1 inside for help."
        ),
    )
    annotate.add_argument("paths", nargs="*", metavar="PATH", help="documents (*.txt) or folders of them")
    annotate.add_argument("--out", metavar="DIR", help="where annotation files go (default: the annotations folder)")
    annotate.add_argument(
        "--annotator", metavar="NAME", help="your name in the files (default: config, then login name)"
    )
    annotate.add_argument("--config", metavar="FILE", help="use this annotator.toml or pyproject.toml")

    validate = commands.add_parser(
        "validate",
        help="check annotation files against the schema, their documents and the tag set",
        description=(
            "Check annotation files: the JSON Schema, then the rules a schema cannot express "
            "(document found and unchanged, offsets, span text, labels, attributes, unique ids, "
            "duplicates, audit trail). Exit 0 when clean, 1 with findings, 2 on a usage or config error."
        ),
    )
    validate.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the annotations folder)")
    validate.add_argument(
        "--format", choices=("text", "json", "github", "junit"), default="text", help="output format (default: text)"
    )
    validate.add_argument("--config", metavar="FILE", help="use this annotator.toml or pyproject.toml")
    validate.add_argument("--quiet", "-q", action="store_true", help="print no summary")
    validate.add_argument("--list-rules", action="store_true", help="list the rule codes and exit")

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of annotation files, generated from the data model",
        description="Print the Draft 2020-12 JSON Schema of annotation files, or write or check a copy of it.",
    )
    schema.add_argument("--output", "-o", metavar="FILE", help="write the schema to FILE instead of stdout")
    schema.add_argument("--check", metavar="FILE", help="exit 1 if FILE differs from the generated schema")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["annotate"])
    module = importlib.import_module(f"annotator.cli.{COMMANDS[args.command]}")
    try:
        return module.run(args)
    except KeyboardInterrupt:
        print("annotator: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
