"""`annotator history`: an annotation file's audit trail as a timeline."""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, project_config, say


def run(args: argparse.Namespace) -> int:
    from annotator.reports.history import (
        ReportError,
        build_timeline,
        dumps_json,
        load_report_file,
        render_text,
        to_json,
    )

    # The config is not needed to read one file, but a broken one is still a usage error, as in every command.
    config = project_config(args)
    if config is None:
        return EXIT_USAGE
    path = Path(args.file)
    try:
        file = load_report_file(path, area=config.area_for(path), limit=config.max_file_size)
    except ReportError as err:
        say(str(err))
        return EXIT_FINDINGS
    timeline = build_timeline(path, file, span=args.span)
    if args.span is not None and not timeline.events and not timeline.rejected:
        say(f"{path}: no events for span {args.span!r}")
        return EXIT_FINDINGS
    if args.format == "json":
        print(dumps_json(to_json(timeline)))
    else:
        print("\n".join(render_text(timeline)))
    if not timeline.chain.intact:
        say(f"{path}: audit chain broken at event {timeline.chain.broken_at}")
        return EXIT_FINDINGS
    return EXIT_OK
