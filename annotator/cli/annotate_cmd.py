"""`annotator annotate`: open documents in the annotation UI."""

from __future__ import annotations

import argparse
import getpass
import re
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli.main import EXIT_OK, EXIT_USAGE, project_config, say
from annotator.model.annotation import NAME_PATTERN
from annotator.storage.documents import find_documents

if TYPE_CHECKING:
    from annotator.ui.app import AnnotatorApp


def resolve_annotator(explicit: str | None, configured: str | None) -> str:
    """--annotator, then the config, then the login name."""
    if explicit:
        return explicit
    if configured:
        return configured
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "annotator"


def run(args: argparse.Namespace) -> int:
    config = project_config(args)
    if config is None:
        return EXIT_USAGE
    annotator = resolve_annotator(args.annotator, config.annotator)
    if not re.match(NAME_PATTERN, annotator) or annotator.endswith("\n"):
        say(
            f"{annotator!r} cannot be an annotator name: use letters, digits and . _ @ + - "
            "(it is also a file name); pass --annotator NAME"
        )
        return EXIT_USAGE
    given = [Path(p) for p in args.paths] or [config.root / d for d in config.document_dirs]
    missing = [str(p) for p in given if not p.exists()]
    if missing:
        say(f"no such file or folder: {', '.join(missing)}")
        return EXIT_USAGE
    documents: list[str] = []
    root = config.root.resolve()
    for path in find_documents(given):
        try:
            documents.append(path.resolve().relative_to(root).as_posix())
        except ValueError:
            say(f"{path} is outside the project root {root}; documents must be inside it")
            return EXIT_USAGE
    if not documents:
        say(f"no documents (*.txt) found in {', '.join(map(str, given))}")
        return EXIT_USAGE
    out_dir = Path(args.out) if args.out else config.annotations_path

    from annotator.ui.app import AnnotatorApp

    return run_app(AnnotatorApp(documents, config, annotator, out_dir))


def run_app(app: AnnotatorApp) -> int:
    """Run the UI; its exit status, after saying why it stopped if it stopped on its own."""
    if (problem := app.theme_problem()) is not None:
        say(f"config error: {problem}")
        return EXIT_USAGE
    app.run()
    if app.failure:
        say(app.failure)
    return app.return_code or EXIT_OK
