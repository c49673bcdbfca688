"""`annotator suggest`: run suggesters over documents and store their suggestions.

Suggesters come from --by (built-ins), --spacy, --command and --plugin, in
that order; without any, the config's `[suggest] on_open`. Each runs over
every document and stores all or nothing (annotator.suggest.run); a failing
suggester is reported and the next one still runs.
"""

from __future__ import annotations

import argparse
import shlex
from typing import TYPE_CHECKING

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, project_config, requested_documents, say

if TYPE_CHECKING:
    from annotator.config import Config
    from annotator.model.document import Document
    from annotator.suggest.base import Suggester


def run(args: argparse.Namespace) -> int:
    from annotator.interop.labelmap import parse_mapping
    from annotator.interop.model import InteropError
    from annotator.suggest.base import SuggesterError

    config = project_config(args)
    if config is None:
        return EXIT_USAGE
    try:
        mapping = parse_mapping(args.map or (), config.tagset)
        suggesters = chosen_suggesters(args, config)
    except (InteropError, SuggesterError) as err:
        say(str(err))
        return EXIT_USAGE
    if not suggesters:
        say("name a suggester: --by quotes,numbers,hedges, --spacy PIPELINE, --command CMD or --plugin NAME")
        return EXIT_USAGE
    names = [suggester.name for suggester in suggesters]
    if clash := next((name for name in names if names.count(name) > 1), None):
        # Each is stored in suggestions/DOC-ID/NAME.json: the second would replace the first's.
        say(f"two suggesters are named {clash!r} and would be stored in the same files; give --name another name")
        return EXIT_USAGE
    relative = requested_documents(args.paths, config)
    if relative is None:
        return EXIT_USAGE
    documents = _load(config, relative)
    if documents is None:
        return EXIT_FINDINGS
    failed = False
    for suggester in suggesters:
        failed |= not _run_one(config, documents, suggester, mapping, args.drop_unmapped)
    return EXIT_FINDINGS if failed else EXIT_OK


def chosen_suggesters(args: argparse.Namespace, config: Config) -> list[Suggester]:
    """The suggesters the command line names, else the config's on_open ones. Raises SuggesterError."""
    from annotator.suggest.base import SuggesterError
    from annotator.suggest.builtin import BUILTINS, BuiltinOptions, builtin

    if args.name in BUILTINS:
        # Stored under a built-in's name, a model's suggestions would replace the built-in's file
        # and read as the built-in's in `agree` and `stats`.
        raise SuggesterError(f"--name {args.name}: that is a built-in suggester's name; choose another")
    options = BuiltinOptions(hedges=config.suggest.hedges)
    names = _names(args.by) if args.by else []
    found: list[Suggester] = [builtin(name, options) for name in names]
    if args.spacy:
        from annotator.suggest.spacy_pipeline import SpacySuggester

        found.append(SpacySuggester(args.spacy, spans_key=args.spans_key, name=args.name))
    if args.suggester_command:
        from annotator.suggest.command import CommandSuggester

        argv = shlex.split(args.suggester_command)
        name, version = args.name or "command", args.suggester_version or "1"
        found.append(CommandSuggester(argv, name=name, version=version, timeout=args.timeout, cwd=config.root))
    if args.plugin:
        from annotator.suggest.plugins import plugin_suggester

        found.append(plugin_suggester(args.plugin))
    if not found and not (args.spacy or args.suggester_command or args.plugin):
        found = [builtin(name, options) for name in config.suggest.on_open]
    return found


def _names(given: str) -> list[str]:
    return list(dict.fromkeys(name.strip() for name in given.split(",") if name.strip()))


def _load(config: Config, relative: list[str]) -> list[Document] | None:
    from annotator.model.document import DocumentError
    from annotator.storage.documents import load_document

    documents = []
    for path in relative:
        try:
            documents.append(load_document(config.root, path, area=config.area, limit=config.max_file_size))
        except DocumentError as err:
            say(f"{err}; nothing was suggested")
            return None
    return documents


def _run_one(config: Config, documents: list[Document], suggester: Suggester, mapping, drop_unmapped: bool) -> bool:
    from annotator.interop.progress import Progress
    from annotator.storage.files import StorageError
    from annotator.suggest.base import SuggesterError
    from annotator.suggest.run import suggest_documents

    label = f"{suggester.name}@{suggester.version}"
    with Progress(len(documents), f"suggesting {label}") as bar:
        try:
            report = suggest_documents(
                config, documents, suggester, mapping=mapping, drop_unmapped=drop_unmapped, advance=bar.advance
            )
        except SuggesterError as err:
            say(f"{err}")
            say(f"{label}: nothing was stored")
            return False
        except (StorageError, OSError) as err:
            say(f"{label}: cannot store the suggestions: {err}")
            return False
    for line in report.warnings:
        say(f"{label}: warning: {line}")
    say(
        f"{label}: {report.suggestions} suggestion(s) in {report.documents} document(s), "
        f"{report.written} file(s) written, {report.unchanged} unchanged, in {config.suggestions_path}"
    )
    return True
