"""`annotator stats`: span counts per label, annotator and document, and progress."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, project_config, requested_files, say, searched_in


def run(args: argparse.Namespace) -> int:
    from annotator.reports.history import ReportError, dumps_json, load_report_file
    from annotator.reports.stats import build_stats, render_table

    config = project_config(args)
    if config is None:
        return EXIT_USAGE
    paths = requested_files(args, config)
    if paths is None:
        return EXIT_USAGE
    # The same file named twice (a file and its folder) is counted once.
    paths = list(dict.fromkeys(path.resolve() for path in paths))
    display = {path: _shown(path) for path in paths}

    files, failed = [], 0
    for path in paths:
        try:
            files.append(load_report_file(path, area=config.area_for(path), limit=config.max_file_size))
        except ReportError as err:
            say(str(err).replace(str(path), display[path], 1))
            failed += 1
    if not files and not failed:
        say(f"no annotation files found in {searched_in(args, config)}")

    report = build_stats(files, config.tagset.names(), _stored_suggestions(files, config))
    if args.format == "json":
        print(dumps_json(report))
    else:
        print("\n".join(render_table(report)))
    if failed:
        say(f"{failed} file(s) could not be read and are not counted")
        return EXIT_FINDINGS
    return EXIT_OK


def _stored_suggestions(files, config) -> dict:
    """Each document's stored suggestions (those made on the text the files annotate)."""
    from annotator.suggest.store import load_for

    found = {}
    for file in files:
        if file.document.id not in found:
            found[file.document.id] = load_for(config, file.document)[0]
    return found


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
