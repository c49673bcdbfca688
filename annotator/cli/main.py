"""Argument parsing for `annotator` and dispatch to the subcommands.

Only the standard library and the format registry (annotator.interop.registry,
itself standard library only) are imported here, so `annotator validate`
starts without loading the UI, pydantic or a format.

Every message to the terminal goes through `say()` (argparse's through
`Parser`), which shows control characters as visible placeholders: messages
carry paths, ids and names out of files that other people made, and an
escape sequence in one would retitle the window, recolour or clear the
screen, or reorder the line.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from annotator import __version__
from annotator.interop import registry
from annotator.interop.registry import Purpose

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

# subcommand -> module in annotator.cli with run(args) -> int
COMMANDS = {
    "annotate": "annotate_cmd",
    "suggest": "suggest_cmd",
    "validate": "validate_cmd",
    "schema": "schema_cmd",
    "export": "export_cmd",
    "import": "import_cmd",
    "agree": "agree_cmd",
    "review": "review_cmd",
    "history": "history_cmd",
    "reanchor": "reanchor_cmd",
    "stats": "stats_cmd",
    "quotes": "quotes_cmd",
}

GOLD = "gold"  # the default annotator name of adjudicated files


def say(message: str) -> None:
    """An error, warning or summary line: always to stderr, never to stdout, made terminal-safe.
    A newline stays a line break; every other control character is shown as a placeholder."""
    print(f"annotator: {terminal_safe(message)}", file=sys.stderr)


def terminal_safe(text: str) -> str:
    """`text` with ESC, C0 and C1 controls and bidi overrides replaced by visible placeholders
    (annotator.text.display_text), newlines kept."""
    if all(line.isprintable() for line in text.split("\n")):
        return text  # nearly every message: nothing display_text would replace
    # Imported here, not at the top: the editor package it lies in loads its layout (and rich.cells) too.
    from annotator.text import display_text

    return display_text(text)


class Parser(argparse.ArgumentParser):
    """argparse, with its usage errors made terminal-safe like `say()`'s: "unrecognized
    arguments" repeats them as given."""

    def _print_message(self, message: str, file=None) -> None:
        super()._print_message(terminal_safe(message) if message else message, file)


def project_config(args: argparse.Namespace):
    """The project's Config (from --config or found from the working directory), or None after saying why."""
    from pathlib import Path

    from annotator.config import ConfigError, load_config

    try:
        return load_config(config_file=Path(args.config) if args.config else None)
    except ConfigError as err:
        say(f"config error: {err}")
        return None


def requested_files(args: argparse.Namespace, config) -> list | None:
    """The annotation files of `args.paths` (default: the annotations folder), or
    None after saying which PATH does not exist."""
    from pathlib import Path

    from annotator.interop.corpus import annotation_paths

    given = [Path(p) for p in args.paths]
    missing = [str(p) for p in given if not p.exists()]
    if missing:
        say(f"no such file or folder: {', '.join(missing)}")
        return None
    return annotation_paths(given, config) if given or config.annotations_path.exists() else []


def requested_documents(paths: Sequence[str], config) -> list[str] | None:
    """The documents (*.txt) of `paths` (default: the project's document folders), as paths
    relative to the project root; None after saying what is wrong."""
    from pathlib import Path

    from annotator.storage.documents import find_documents

    given = [Path(p) for p in paths] or [config.root / d for d in config.document_dirs]
    missing = [str(p) for p in given if not p.exists()]
    if missing:
        say(f"no such file or folder: {', '.join(missing)}")
        return None
    documents: list[str] = []
    root = config.root.resolve()
    for path in find_documents(given):
        try:
            documents.append(path.resolve().relative_to(root).as_posix())
        except ValueError:
            say(f"{path} is outside the project root {root}; documents must be inside it")
            return None
    if not documents:
        say(f"no documents (*.txt) found in {', '.join(map(str, given))}")
        return None
    return documents


def searched_in(args: argparse.Namespace, config) -> str:
    """Where requested_files looked, for a message that found nothing."""
    return ", ".join(args.paths) or str(config.annotations_path)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
    annotate.add_argument(
        "--suggest",
        metavar="NAME[,NAME]",
        help="run these built-in suggesters as each document opens (default: [suggest] on_open); 'none' for none",
    )
    annotate.add_argument("--config", metavar="FILE", help="use this annotator.toml or pyproject.toml")

    validate = commands.add_parser(
        "validate",
        help="check annotation files against the schema, their documents and the tag set",
        description=(
            "Check annotation files: the JSON Schema, then the rules a schema cannot express "
            "(document found and unchanged, offsets, span text, labels, attributes, unique ids, "
            "duplicates, audit trail). Each file is checked against the project it lies in. "
            "Exit 0 when clean, 1 with findings, 2 on a usage or config error."
        ),
    )
    validate.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: the annotations and suggestions folders)"
    )
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
    _add_suggest(commands)
    _add_export(commands)
    _add_import(commands)
    _add_review(commands)
    _add_reanchor(commands)
    return parser


def _add_reanchor(commands) -> None:
    reanchor = commands.add_parser(
        "reanchor",
        help="carry spans onto their document's edited text: moved, changed or orphaned, all audited",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "For every annotation file whose document changed since it was annotated, find each span on\n"
            "the new text. The old text comes from --old, else from the project's git history (the\n"
            "version with the SHA-256 the file recorded), else spans are found by their text and context.\n"
            "A span no edit touched moves by the exact offset delta; a span an edit touched is placed on\n"
            "the best match and marked for review (changed), or, below --threshold, kept in the file's\n"
            "orphaned list. Each is an audited event; `annotator history` shows them.\n"
            "\n"
            "Exit status: 0 every span moved exactly, 1 some changed or were orphaned (or a file failed),\n"
            "2 usage or config error."
        ),
        epilog=(
            "examples:\n"
            "  annotator reanchor --dry-run\n"
            "  annotator reanchor annotations/doc-1 --old ~/doc-1-as-first-published.txt\n"
            "  annotator reanchor --format json > reanchor.json"
        ),
    )
    reanchor.add_argument(
        "paths", nargs="*", metavar="PATH", help="annotation files or folders (default: the annotations folder)"
    )
    reanchor.add_argument("--old", metavar="FILE", help="the document's text as it was when annotated")
    reanchor.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
    reanchor.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    reanchor.add_argument(
        "--threshold",
        type=float,
        metavar="T",
        help="the match score (0-1) a changed span needs to be placed rather than orphaned (default: 0.75)",
    )
    reanchor.add_argument("--config", metavar="FILE", help="use this annotator.toml or pyproject.toml")


def _add_suggest(commands) -> None:
    suggest = commands.add_parser(
        "suggest",
        help="pre-annotate documents with suggesters: built-in rules, a spaCy pipeline, any command",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Run suggesters over documents and store their suggestions, one annotation file per suggester\n"
            "and document under the suggestions folder (suggestions/DOC-ID/NAME.json). A suggestion is not\n"
            "an annotator's span until that annotator accepts it in the UI (y), which records origin\n"
            "'suggested' and the suggester's name and version; a rejection (x) is kept in the annotator's\n"
            "file, so the suggestion does not come back. A suggester that fails (a time-out, a crash,\n"
            "malformed output, a span off the text) stores nothing.\n"
            "\n"
            "built-in suggesters (--by): quotes (direct and reported speech, with the speaker), numbers\n"
            "(with value and unit), hedges (a lexicon; add your own under [suggest] hedges).\n"
            "\n"
            "Exit status: 0 stored, 1 a suggester failed, 2 usage or config error."
        ),
        epilog=(
            "examples:\n"
            "  annotator suggest --by quotes,numbers,hedges\n"
            "  annotator suggest seeds/ --spacy ./my_pipeline --map PERSON_QUOTE=quote --drop-unmapped\n"
            "  annotator suggest --command 'python my_llm.py' --name llm --version 2 --map CLAIM=claim"
        ),
    )
    suggest.add_argument(
        "paths", nargs="*", metavar="PATH", help="documents or folders (default: the document folders)"
    )
    suggest.add_argument("--by", metavar="NAME[,NAME]", help="built-in suggesters: quotes, numbers, hedges")
    suggest.add_argument("--spacy", metavar="PIPELINE", help="a spaCy pipeline: a folder or an installed package")
    suggest.add_argument("--spans-key", metavar="KEY", help="spacy: take doc.spans[KEY] (default: 'sc', else doc.ents)")
    suggest.add_argument(
        "--command",
        dest="suggester_command",  # not `command`: that is the subcommand's own dest
        metavar="CMD",
        help="a command that reads JSON Lines documents and writes JSON Lines spans",
    )
    suggest.add_argument(
        "--plugin", metavar="NAME", help="a suggester installed under the annotator.suggesters entry points"
    )
    suggest.add_argument(
        "--name", metavar="NAME", help="the name --command's (or --spacy's) suggestions are stored under"
    )
    suggest.add_argument("--version", dest="suggester_version", metavar="V", help="--command's version (default: 1)")
    suggest.add_argument("--timeout", type=float, default=120.0, metavar="S", help="--command: seconds (default: 120)")
    suggest.add_argument(
        "--map", action="append", default=[], metavar="FROM=TO", help="map a suggested label onto the tag set's"
    )
    suggest.add_argument(
        "--drop-unmapped",
        action="store_true",
        help="drop suggestions whose label is not in the tag set, and count them",
    )
    suggest.add_argument("--config", metavar="FILE", help="use this annotator.toml or pyproject.toml")


def _add_export(commands) -> None:
    export = commands.add_parser(
        "export",
        help="write annotation files in another tool's format (jsonl, spacy, brat, label-studio, ...)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Export annotation files, with their documents, to another tool's format. Files are streamed\n"
            "one at a time, so memory stays flat however large the corpus; a progress bar shows on a terminal.\n"
            "Every file is checked as 'annotator validate' checks it, and the export is all or nothing: if a\n"
            "file does not validate, each such file is reported with its first findings, nothing is exported,\n"
            "an existing --out is left as it was, and the exit status is 1. The output is written beside --out\n"
            "and renamed over it only when everything succeeded. An --out that is one of the inputs (an\n"
            "annotation file, a document, or for brat a documents folder) is refused before anything is read.\n"
            "\n"
            "formats (offset units, the default first):\n"
            f"{registry.format_list(Purpose.EXPORT)}\n"
            "\n"
            "Exit status: 0 exported, 1 a file that does not validate (nothing exported) or, with --strict,\n"
            "a span the format could not hold (exported without it), 2 usage or config error."
        ),
        epilog=(
            "examples:\n"
            "  annotator export --format jsonl --out corpus.jsonl\n"
            "  annotator export --format label-studio annotations/ --out tasks.json --as-predictions\n"
            "  annotator export --format spacy --align expand --lang en --out train.spacy"
        ),
    )
    export.add_argument(
        "paths", nargs="*", metavar="PATH", help="annotation files or folders (default: the annotations folder)"
    )
    export.add_argument(
        "--format", "-f", required=True, choices=registry.names(Purpose.EXPORT), help="the format to write"
    )
    export.add_argument("--out", "-o", required=True, metavar="DEST", help="output file, or folder for brat")
    export.add_argument(
        "--offsets",
        choices=registry.OFFSET_CHOICES,
        help="offset unit, overriding the format's default (code points, or UTF-16 units as JavaScript tools count)",
    )
    export.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 if the format had to leave out any span (spaCy off token edges, CoNLL overlaps); "
        "the export is still written and every span left out is listed",
    )
    export.add_argument("--config", metavar="FILE", help="use this annotator.toml or pyproject.toml")
    registry.add_arguments(export, Purpose.EXPORT)


def _add_import(commands) -> None:
    imp = commands.add_parser(
        "import",
        help="read another tool's annotations into documents and annotation files",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Import annotations from another tool. Each document's text goes to the documents folder\n"
            "(unless a file with the same text is there; a different text is never overwritten) and its\n"
            "spans to an annotation file per (document, annotator), which is never overwritten either.\n"
            "\n"
            "The whole source is checked before anything is written: labels are mapped onto the tag set\n"
            "(--map); a label with no mapping is an error that lists every unmapped label, unless\n"
            "--drop-unmapped. Attributes are renamed with --map-attribute; those the tag set does not allow\n"
            "on a label are dropped with a warning. Spans with the same offsets and, after mapping, the same\n"
            "label are merged into one that keeps every source (attributes that disagree are an error).\n"
            "Every span is checked against the text: every bad document is listed with all its problems\n"
            "(a misaligned span with its offsets), and nothing is imported, unless --skip-invalid, which\n"
            "imports the other documents. Imported spans record origin 'imported' and their source (file\n"
            "and record id) in the audit trail; the files written pass 'annotator validate'.\n"
            "\n"
            "A model's predictions (Label Studio's 'predictions') become that model's suggestions, in\n"
            "suggestions/DOC-ID/MODEL.json, to accept or reject in the app; with --predictions, spans of an\n"
            "annotator named after the model.\n"
            "\n"
            "formats (offset units, the default first):\n"
            f"{registry.format_list(Purpose.IMPORT)}\n"
            "\n"
            "Exit status: 0 imported, 1 bad data (nothing written; with --skip-invalid, the other documents\n"
            "were), 2 usage or config error."
        ),
        epilog=(
            "examples:\n"
            "  annotator import --format brat corpus/ --map Quote=quote --map Claim=claim\n"
            "  annotator import --format brat corpus/ --map Cue=quote --map Attribution=quote "
            "--map-attribute Mention=speaker\n"
            "  annotator import --format label-studio export.json --drop-unmapped --annotator ls --skip-invalid"
        ),
    )
    imp.add_argument("source", metavar="SOURCE", help="the file or folder to import")
    imp.add_argument(
        "--format", "-f", required=True, choices=registry.names(Purpose.IMPORT), help="the format of SOURCE"
    )
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FROM=TO",
        help="map the source label FROM to the tag set's label TO (repeatable)",
    )
    imp.add_argument(
        "--map-attribute",
        action="append",
        default=[],
        metavar="FROM=TO",
        help="rename the source attribute FROM to the tag set's attribute TO, e.g. Mention=speaker (repeatable)",
    )
    imp.add_argument(
        "--drop-unmapped", action="store_true", help="drop spans whose label is not in the tag set, and count them"
    )
    imp.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the documents that can be imported, list the others with their reasons (exit 1)",
    )
    imp.add_argument(
        "--offsets",
        choices=registry.OFFSET_CHOICES,
        help="offset unit of SOURCE, overriding the format's default",
    )
    imp.add_argument(
        "--annotator",
        metavar="NAME",
        help="annotator name for documents whose source names none (default: config, then the format name)",
    )
    imp.add_argument("--docs", metavar="DIR", help="where document texts go (default: the first documents folder)")
    imp.add_argument("--out", metavar="DIR", help="where annotation files go (default: the annotations folder)")
    imp.add_argument("--config", metavar="FILE", help="use this annotator.toml or pyproject.toml")
    registry.add_arguments(imp, Purpose.IMPORT)


def _add_review(commands) -> None:
    agree = commands.add_parser(
        "agree",
        help="measure agreement between the annotators of the same documents",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Compare every pair of annotators who annotated the same documents, and all of them together:\n"
            "span precision, recall and F1 per label and overall, under exact match (same start, end and\n"
            "label) and overlap match (same label, overlapping characters); Cohen's kappa over characters\n"
            "per label; Krippendorff's unitizing alpha per label; and a list of the disagreements.\n"
            "The gold (adjudicated) files are left out unless --include-gold.\n"
            "With --suggestions each stored suggester (quotes, numbers, a model) is compared like an\n"
            "annotator: name it and gold in --annotators to measure a model against the adjudicated spans.\n"
            "\n"
            "Exit status: 0 done (and above --min-f1), 1 below --min-f1 or bad files, 2 usage or config error."
        ),
        epilog=(
            "examples:\n"
            "  annotator agree\n"
            "  annotator agree annotations/ --format json > agreement.json\n"
            "  annotator agree --min-f1 0.8 --match overlap     # a CI gate\n"
            "  annotator agree --suggestions --annotators gold,quotes --match overlap"
        ),
    )
    agree.add_argument(
        "paths", nargs="*", metavar="PATH", help="annotation files or folders (default: the annotations folder)"
    )
    agree.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    agree.add_argument(
        "--min-f1", type=float, metavar="F", help="exit 1 if the overall F1 (see --match) is below F, e.g. 0.8"
    )
    agree.add_argument(
        "--match", choices=("exact", "overlap"), default="exact", help="the F1 that --min-f1 checks (default: exact)"
    )
    agree.add_argument(
        "--annotators", metavar="A,B,...", help="compare only these annotators (default: all but the gold files)"
    )
    agree.add_argument(
        "--gold",
        metavar="NAME",
        default=GOLD,
        help=f"the adjudicated annotator (default: {GOLD}); files with adjudicated spans are gold whatever their name",
    )
    agree.add_argument("--include-gold", action="store_true", help="compare the gold files like any annotator")
    agree.add_argument(
        "--suggestions",
        action="store_true",
        help="read the suggestions folder too: each suggester is compared like an annotator",
    )
    agree.add_argument(
        "--disagreements",
        type=int,
        default=50,
        metavar="N",
        help="list at most N disagreements in the table (default: 50; json lists all)",
    )
    agree.add_argument("--config", metavar="FILE", help="use this annotator.toml or pyproject.toml")

    review = commands.add_parser(
        "review",
        help="adjudicate a document's annotations into a gold file, in the UI",
        description=(
            "Open a document with every annotator's spans, walk through the disagreements and settle "
            "each one with keys: accept a version, reject all, edit or add. Agreed spans can be accepted "
            "in bulk. The result is the gold annotation file (annotator 'gold' by default); each gold span "
            "records which annotators had it, who adjudicated it and when. Earlier gold files, under any "
            "name, are not taken for annotators. Leave at any time: the review resumes where it stopped."
        ),
    )
    review.add_argument("document", metavar="DOC", help="the document: its path (e.g. seeds/x.txt) or its id")
    review.add_argument(
        "--gold", metavar="NAME", default=GOLD, help=f"annotator name of the gold file (default: {GOLD})"
    )
    review.add_argument(
        "--annotator", metavar="NAME", help="your name, as the adjudicator (default: config, then login name)"
    )
    review.add_argument("--out", metavar="DIR", help="the annotations folder (default: from the config)")
    review.add_argument("--config", metavar="FILE", help="use this annotator.toml or pyproject.toml")

    history = commands.add_parser(
        "history",
        help="print the audit trail of an annotation file as a timeline",
        description=(
            "Print who did what to which span, when, and from where (typed, imported, suggested, adjudicated), "
            "from the file's hash-chained audit trail. For a gold file, each span's path is followed back "
            "into the annotators' files it was adjudicated from."
        ),
    )
    history.add_argument("file", metavar="FILE", help="an annotation file")
    history.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    history.add_argument("--span", metavar="ID", help="only the events of this span")
    history.add_argument("--config", metavar="FILE", help="use this annotator.toml or pyproject.toml")

    stats = commands.add_parser(
        "stats",
        help="count spans per label, annotator and document, and show progress",
        description=(
            "Report span counts per label, per annotator and per document, file status and progress "
            "(done out of total), and spans per 1,000 characters."
        ),
    )
    stats.add_argument(
        "paths", nargs="*", metavar="PATH", help="annotation files or folders (default: the annotations folder)"
    )
    stats.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    stats.add_argument("--config", metavar="FILE", help="use this annotator.toml or pyproject.toml")
    _add_quotes(commands)


def _add_quotes(commands) -> None:
    quotes = commands.add_parser(
        "quotes",
        help="a ledger of who said what, and how each outlet quoted it",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Gather every quote span (label 'quote', attribute 'speaker') across documents: each document's\n"
            "gold file, else --annotator's. Speakers are matched to persons (titles, initials, surnames;\n"
            "[quotes] aliases in annotator.toml settle the rest), and one person's quotes that render the\n"
            "same words in different documents are grouped, aligned word by word, and their differences\n"
            "shown: words added, dropped or changed, and, as a quieter kind, punctuation and sentence breaks.\n"
            "Flags come first: the same utterance quoted with different words, a quote one outlet\n"
            "paraphrases, and a quote the other documents about the same event lack.\n"
            "\n"
            "Exit status: 0 done, 1 a file or document could not be read (left out), 2 usage or config error."
        ),
        epilog=(
            "examples:\n"
            "  annotator quotes\n"
            "  annotator quotes --speaker Milley\n"
            "  annotator quotes --format html --out ledger.html\n"
            "  annotator quotes --format json --annotator alice --threshold 0.7"
        ),
    )
    quotes.add_argument(
        "paths", nargs="*", metavar="PATH", help="annotation files or folders (default: the annotations folder)"
    )
    quotes.add_argument("--speaker", metavar="NAME", help="only this person (any of their names, e.g. Milley)")
    quotes.add_argument(
        "--format", choices=("table", "json", "html"), default="table", help="output format (default: table)"
    )
    quotes.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    quotes.add_argument(
        "--annotator", metavar="NAME", help="whose file to take where a document has no gold file (default: config)"
    )
    quotes.add_argument(
        "--threshold",
        type=float,
        metavar="T",
        help="word similarity (0-1) from which two quotes are one utterance (default: [quotes] threshold, 0.6)",
    )
    quotes.add_argument("--config", metavar="FILE", help="use this annotator.toml or pyproject.toml")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in COMMANDS and not argv[0].startswith("-") and os.path.exists(argv[0]):
        argv.insert(0, "annotate")  # `annotator seeds/x.txt` opens it, as `annotator` alone opens the seeds
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["annotate"])
    module = importlib.import_module(f"annotator.cli.{COMMANDS[args.command]}")
    try:
        return module.run(args)
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK
