"""`annotator validate`: the check that runs in CI on every commit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, project_config


def run(args: argparse.Namespace) -> int:
    from annotator.validation.report import WRITERS, rules_table

    if args.list_rules:
        print(rules_table())
        return EXIT_OK
    config = project_config(args)
    if config is None:
        return EXIT_USAGE

    from annotator.validation.engine import Validator

    paths = [Path(p) for p in args.paths] or [config.annotations_path]
    validator = Validator(config)
    # A project without an annotations folder yet has no files to check; it is not
    # an unreadable file. A path given on the command line must exist, though.
    default_missing = not args.paths and not config.annotations_path.exists()
    results = [] if default_missing else list(validator.validate_paths(paths))
    WRITERS[args.format](sys.stdout, results)
    sys.stdout.flush()

    findings = sum(len(found) for _, found in results)
    bad_files = sum(1 for _, found in results if found)
    if not args.quiet:
        if not results:
            shown = ", ".join(str(p) for p in paths)
            print(f"annotator: no annotation files found in {shown}", file=sys.stderr)
        elif findings:
            print(
                f"annotator: {findings} finding(s) in {bad_files} of {len(results)} file(s)",
                file=sys.stderr,
            )
        else:
            print(f"annotator: {len(results)} file(s) valid", file=sys.stderr)
    return EXIT_FINDINGS if findings else EXIT_OK
