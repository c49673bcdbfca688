"""`annotator annotate`: open documents in the annotation UI."""

from __future__ import annotations

import argparse
import getpass
import re
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli.main import EXIT_OK, EXIT_USAGE, project_config, requested_documents, say
from annotator.model.annotation import NAME_PATTERN

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
    documents = requested_documents(args.paths, config)
    if documents is None:
        return EXIT_USAGE
    out_dir = Path(args.out) if args.out else config.annotations_path
    suggest = suggesters_on_open(args.suggest, config.suggest.on_open)
    if suggest is None:
        return EXIT_USAGE

    from annotator.ui.app import AnnotatorApp

    return run_app(AnnotatorApp(documents, config, annotator, out_dir, suggest=suggest))


def suggesters_on_open(given: str | None, configured: tuple[str, ...]) -> tuple[str, ...] | None:
    """The built-ins to run as documents open: --suggest (or "none"), else the config's; None
    after saying which name is not a built-in."""
    from annotator.suggest.builtin import BUILTINS

    if given is None:
        names = configured
    elif given.strip().lower() == "none":
        return ()
    else:
        names = tuple(dict.fromkeys(name.strip() for name in given.split(",") if name.strip()))
    unknown = [name for name in names if name not in BUILTINS]
    if unknown:
        say(
            f"no built-in suggester {', '.join(map(repr, unknown))} (choose from: {', '.join(BUILTINS)}); "
            "other suggesters run with 'annotator suggest', and their suggestions show when a document opens"
        )
        return None
    return names


def run_app(app: AnnotatorApp) -> int:
    """Run the UI; its exit status, after saying why it stopped if it stopped on its own."""
    if (problem := app.theme_problem()) is not None:
        say(f"config error: {problem}")
        return EXIT_USAGE
    app.run()
    if app.failure:
        say(app.failure)
    return app.return_code or EXIT_OK
