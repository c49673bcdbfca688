"""`annotator import`: other tools' annotations into documents and annotation files."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, project_config, say
from annotator.interop import registry
from annotator.interop.registry import Purpose


def run(args: argparse.Namespace) -> int:
    from annotator.interop.formats import MissingDependency, chosen_format, dependencies_of
    from annotator.interop.labelmap import LabelMapper, parse_mapping
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
    mapper = LabelMapper(config.tagset, mapping, drop_unmapped=args.drop_unmapped)
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
    for line in report.warnings:
        say(f"warning: {line}")
    say(
        f"imported {report.documents} documents, {report.spans} spans from {source} into {out_dir} "
        f"({report.texts_written} new document texts in {docs_dir}, {report.texts_reused} already there; "
        f"offsets: {unit})"
    )
    return EXIT_OK


def _report(messages: dict[str, None]) -> None:
    for message in messages:
        say(f"{message}")
