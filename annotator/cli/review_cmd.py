"""`annotator review DOC`: adjudicate a document's annotations into its gold file."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from annotator.cli.annotate_cmd import resolve_annotator
from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, project_config, say
from annotator.model.annotation import NAME_PATTERN


def run(args: argparse.Namespace) -> int:
    from annotator.model.document import DocumentError, find_documents, load_document, load_meta
    from annotator.validation.engine import load_annotation_file

    config = project_config(args)
    if config is None:
        return EXIT_USAGE
    adjudicator = resolve_annotator(args.annotator, config.annotator)
    for role, name in (("adjudicator", adjudicator), ("gold", args.gold)):
        if not re.match(NAME_PATTERN, name) or name.endswith("\n"):
            say(f"{name!r} cannot be the {role} name: use letters, digits and . _ @ + - (it is also a file name)")
            return EXIT_USAGE
    out_dir = Path(args.out) if args.out else config.annotations_path
    root = config.root.resolve()

    # DOC is a document path, or the id of a document in the project's document folders.
    candidates = [Path(args.document)] if Path(args.document).is_file() else []
    if not candidates:
        for path in find_documents([config.root / d for d in config.document_dirs if (config.root / d).exists()]):
            try:
                if load_meta(path).id == args.document:
                    candidates.append(path)
            except DocumentError:
                continue
    if not candidates:
        say(f"no document {args.document!r}: give its path (e.g. seeds/x.txt) or its id")
        return EXIT_USAGE
    try:
        relative = candidates[0].resolve().relative_to(root).as_posix()
        doc_id = load_meta(candidates[0]).id
        sha256 = load_document(config.root, relative).sha256
    except ValueError:
        say(f"{candidates[0]} is outside the project root {root}; documents must be inside it")
        return EXIT_USAGE
    except DocumentError as err:
        say(str(err))
        return EXIT_USAGE

    sources = {}
    folder = out_dir / doc_id
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        if path.stem == args.gold:
            continue
        try:
            model, _ = load_annotation_file(path)
        except (OSError, ValueError) as err:
            first = str(err).splitlines()[0] if str(err) else str(path)
            say(f"cannot review with {path}: {first}; run 'annotator validate {path}'")
            return EXIT_FINDINGS
        if model.document.sha256 != sha256:
            say(
                f"{path}: cannot be reviewed: document changed since annotation ({relative} no longer has "
                "the text these spans were made on)"
            )
            return EXIT_FINDINGS
        sources[model.annotator] = model
    if not sources:
        say(f"nobody has annotated {relative} yet: no annotation files in {folder}")
        return EXIT_USAGE

    from annotator.ui.review_app import ReviewApp

    ReviewApp(relative, config, args.gold, adjudicator, out_dir, sources).run()
    return EXIT_OK
