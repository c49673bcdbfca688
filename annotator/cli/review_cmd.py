"""`annotator review DOC`: adjudicate a document's annotations into its gold file.

The annotators are the files in the document's folder, except gold files: the
one being written (--gold NAME) and any other, recognised by name ("gold", the
default) or by content (annotator.review.gold), so that an earlier review's
gold file is never reviewed as if an annotator had made it.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli.annotate_cmd import resolve_annotator, run_app
from annotator.cli.main import EXIT_FINDINGS, EXIT_USAGE, project_config, say
from annotator.model.annotation import NAME_PATTERN

if TYPE_CHECKING:
    from annotator.model.annotation import AnnotationFile


def run(args: argparse.Namespace) -> int:
    from annotator.model.document import DocumentError
    from annotator.storage.documents import find_documents, load_document, load_meta

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
                if load_meta(path, area=config.area).id == args.document:
                    candidates.append(path)
            except DocumentError:
                continue
    if not candidates:
        say(f"no document {args.document!r}: give its path (e.g. seeds/x.txt) or its id")
        return EXIT_USAGE
    try:
        relative = candidates[0].resolve().relative_to(root).as_posix()
        doc_id = load_meta(candidates[0], area=config.area).id
        sha256 = load_document(config.root, relative, area=config.area, limit=config.max_file_size).sha256
    except ValueError:
        say(f"{candidates[0]} is outside the project root {root}; documents must be inside it")
        return EXIT_USAGE
    except DocumentError as err:
        say(str(err))
        return EXIT_USAGE

    folder = out_dir / doc_id
    sources = review_sources(folder, args.gold, sha256, relative)
    if sources is None:
        return EXIT_FINDINGS
    if not sources:
        say(f"nobody has annotated {relative} yet: no annotation files in {folder}, gold files aside")
        return EXIT_USAGE

    from annotator.ui.review_app import ReviewApp

    return run_app(ReviewApp(relative, config, args.gold, adjudicator, out_dir, sources))


def review_sources(folder: Path, gold: str, sha256: str, relative: str) -> dict[str, AnnotationFile] | None:
    """The annotators' files of the document in `folder`, by annotator, leaving out every gold file;
    None after saying why a file cannot be used. `sha256` is the document's text now, `relative` its path."""
    from annotator.review.gold import GOLD, is_gold
    from annotator.storage.loading import load_annotation_file

    sources = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        if path.stem == gold:  # the gold file being written, whatever it holds
            continue
        try:
            model, _ = load_annotation_file(path)
        except (OSError, ValueError) as err:
            first = str(err).splitlines()[0] if str(err) else str(path)
            say(f"cannot review with {path}: {first}; run 'annotator validate {path}'")
            return None
        if is_gold(model, (gold, GOLD)):
            continue
        if model.document.sha256 != sha256:
            say(
                f"{path}: cannot be reviewed: document changed since annotation ({relative} no longer has "
                "the text these spans were made on)"
            )
            return None
        sources[model.annotator] = model
    return sources
