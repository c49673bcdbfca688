"""`annotator import`: other tools' annotations into documents, annotation files and suggestions.

The check and the write are annotator.interop.writer's; this command reads
the options, reports, and gives the writer the project's suggestions store
(annotator.suggest.store), where a model's predictions go: interop may not
import suggest, the command line may import both.

Exit status: 0 everything was imported; 1 nothing was (bad data), or, with
`--skip-invalid`, some documents were refused and the others imported; 2 a
usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, project_config, say
from annotator.interop import registry
from annotator.interop.registry import Purpose

if TYPE_CHECKING:
    from annotator.config import Config
    from annotator.interop.model import ImportedSpan
    from annotator.interop.writer import ImportReport
    from annotator.model.annotation import AnnotationFile
    from annotator.model.document import Document

_NOT_SUGGESTER = re.compile(r"[^a-z0-9._-]+")
_NOT_VERSION = re.compile(r"[^A-Za-z0-9._+-]+")


def run(args: argparse.Namespace) -> int:
    from annotator.interop.formats import MissingDependency, chosen_format, dependencies_of
    from annotator.interop.labelmap import LabelMapper, parse_attribute_mapping, parse_mapping
    from annotator.interop.model import InteropError
    from annotator.interop.sources import source_folder
    from annotator.interop.writer import ANNOTATOR_NAME, write_imported
    from annotator.storage import Area

    config = project_config(args)
    if config is None:
        return EXIT_USAGE
    fmt = args.format
    try:
        module, unit = chosen_format(args, Purpose.IMPORT)
        mapping = parse_mapping(args.map or (), config.tagset)
        attributes = parse_attribute_mapping(args.map_attribute or (), config.tagset)
    except InteropError as err:
        say(str(err))
        return EXIT_USAGE
    source = Path(args.source)
    if not os.path.lexists(source):
        say(f"no such file or folder: {source}")
        return EXIT_USAGE
    annotator = args.annotator or config.annotator or module.NAME
    if not ANNOTATOR_NAME.fullmatch(annotator):
        say(f"{annotator!r} cannot be an annotator name: use letters, digits and . _ @ + -")
        return EXIT_USAGE
    docs_dir = Path(args.docs) if args.docs else config.root / config.document_dirs[0]
    out_dir = Path(args.out) if args.out else config.annotations_path
    mapper = LabelMapper(config.tagset, mapping, drop_unmapped=args.drop_unmapped, attributes=attributes)
    # The source is read twice (check, then write): report each message once.
    messages: dict[str, None] = {}
    options: dict = {
        "report": lambda message: messages.setdefault(str(message)),
        "tagset": config.tagset,
        # W3C annotations name their document by path, relative to the project root.
        "documents": config.root,
        # The documents folder: where a format that carries no text (W3C) also looks for it.
        "docs": docs_dir,
        # Source files are read only inside the source folder, never through a link
        # out of it, and at most this many bytes (per line for JSONL).
        "area": Area.of(source_folder(source)),
        "limit": config.max_file_size,
        **registry.chosen_options(args, fmt, Purpose.IMPORT),
    }

    try:
        with dependencies_of(fmt):
            report = write_imported(
                lambda: module.read(source, offsets=unit, options=options),
                config,
                docs_dir=docs_dir,
                out_dir=out_dir,
                annotator_default=annotator,
                mapper=mapper,
                suggestions=StoredSuggestions(config, fmt),
                skip_invalid=args.skip_invalid,
            )
    except MissingDependency as err:
        say(str(err))
        return EXIT_USAGE
    except InteropError as err:
        _report(messages)
        say(f"import failed:\n{err}")
        return EXIT_FINDINGS
    except OSError as err:
        say(f"{err.filename or source}: {err.strerror or err}")
        return EXIT_FINDINGS
    except ValueError as err:
        say(f"import failed: {source}: {err}")
        return EXIT_FINDINGS

    _report(messages)
    return _summary(report, source, out_dir, docs_dir, unit, config)


def _summary(report: ImportReport, source: Path, out_dir: Path, docs_dir: Path, unit: str, config: Config) -> int:
    from annotator.interop.writer import listing

    for line in report.warnings:
        say(f"warning: {line}")
    for line in report.notes:
        say(line)
    if report.refused:
        say(
            f"refused {len(report.refused)} of {report.read} document(s) (--skip-invalid; nothing of them was "
            f"written):\n{listing(report.refused)}"
        )
    suggested = (
        f"; {report.suggestion_files} suggestion file(s), {report.suggestions} suggestions, "
        f"into {config.suggestions_path}"
        if report.suggestion_files
        else ""
    )
    say(
        f"imported {report.documents} documents, {report.spans} spans from {source} into {out_dir} "
        f"({report.texts_written} new document texts in {docs_dir}, {report.texts_reused} already there; "
        f"offsets: {unit}){suggested}"
    )
    return EXIT_FINDINGS if report.refused else EXIT_OK


def _report(messages: dict[str, None]) -> None:
    for message in messages:
        say(f"{message}")


def suggester_name(model: str) -> str:
    """A valid suggester name for a model's name: lower-cased, what a name cannot hold made "-"."""
    from annotator.suggest.base import SUGGESTER_NAME
    from annotator.suggest.builtin import BUILTINS

    name = _NOT_SUGGESTER.sub("-", model.lower()).strip("._-")[:48].rstrip("._-")
    if name in BUILTINS:
        # Stored under a built-in's name, a model's predictions would read as the built-in's
        # suggestions in `agree` and `stats` (`suggest --name` refuses these names too).
        name = f"imported.{name}"
    return name if SUGGESTER_NAME.fullmatch(name) else "imported"


class StoredSuggestions:
    """A model's predictions stored as `annotator suggest` stores a suggester's suggestions
    (annotator.suggest.store), the import's format standing as their version: an accepted
    span's source says "MODEL@label-studio#ID"."""

    def __init__(self, config: Config, fmt: str) -> None:
        self.config = config
        self.folder = config.suggestions_path
        self.version = _NOT_VERSION.sub("-", fmt).strip("._+-")[:32] or "imported"

    def name(self, model: str) -> str:
        return suggester_name(model)

    def path(self, document_id: str, suggester: str) -> Path:
        from annotator.suggest.store import path_for

        return path_for(self.config, document_id, suggester)

    def build(self, document: Document, suggester: str, spans: Sequence[ImportedSpan], at: str) -> AnnotationFile:
        from annotator.model.suggestion_ref import SuggestionRef
        from annotator.suggest.base import Suggestion
        from annotator.suggest.store import build

        found = [Suggestion(span.start, span.end, span.label, span.attributes) for span in spans]
        return build(document, SuggestionRef(suggester, self.version), found, at)
