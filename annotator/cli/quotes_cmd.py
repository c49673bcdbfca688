"""`annotator quotes`: the quote ledger, as a table, JSON or a self-contained HTML page."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, project_config, requested_files, say, searched_in


def run(args: argparse.Namespace) -> int:
    from annotator.ledger.build import ledger_of

    config = project_config(args)
    if config is None:
        return EXIT_USAGE
    if args.threshold is not None and not 0 < args.threshold <= 1:
        say(f"--threshold must be a number above 0 and at most 1, not {args.threshold}")
        return EXIT_USAGE
    paths = requested_files(args, config)
    if paths is None:
        return EXIT_USAGE
    if not paths:
        say(f"no annotation files found in {searched_in(args, config)}")
        return EXIT_FINDINGS
    built = ledger_of(paths, config, annotator=args.annotator, threshold=args.threshold)
    for problem in built.problems:
        say(f"left out: {problem}")
    ledger = built.ledger
    if args.speaker:
        ledger = _only(ledger, args.speaker)
        if not ledger.speakers:
            say(f"no quotes of a speaker named {args.speaker!r}")
    if ledger.skipped and not args.annotator:
        say(
            f"{len(ledger.skipped)} document(s) have no gold file and no file of the project's annotator: "
            "name one with --annotator"
        )
    data = _rendered(ledger, args.format)
    if args.out:
        if not _write(Path(args.out), data):
            return EXIT_FINDINGS
        say(f"wrote the ledger of {len(ledger.sources)} document(s) to {args.out}")
    else:
        _print(data)
    return EXIT_FINDINGS if built.problems else EXIT_OK


def _only(ledger, name: str):
    """The ledger of the persons one of whose names holds `name` as whole words, case
    aside: "Lee" finds "Ann Lee" and "Gen. Lee", not "Ann Leeds"."""
    import re

    wanted = re.compile(rf"(?<!\w){re.escape(' '.join(name.split()))}(?!\w)", re.IGNORECASE)
    speakers = tuple(
        entry
        for entry in ledger.speakers
        if any(wanted.search(each) for each in (entry.person.name, *entry.person.names))
    )
    return dataclasses.replace(ledger, speakers=speakers, unattributed=())


def _rendered(ledger, fmt: str) -> bytes:
    if fmt == "json":
        from annotator.ledger.render.json import render_json

        return render_json(ledger)
    if fmt == "html":
        from annotator.ledger.render.html import render_html

        return render_html(ledger).encode("utf-8")
    from annotator.ledger.render.table import render_table

    return ("\n".join(render_table(ledger)) + "\n").encode("utf-8")


def _write(path: Path, data: bytes) -> bool:
    from annotator.storage.files import atomic_write, read_problem

    try:
        atomic_write(path, data, what="ledger")
    except OSError as err:
        say(f"{path}: cannot write: {read_problem(err)}")
        return False
    return True


def _print(data: bytes) -> None:
    import sys

    sys.stdout.buffer.write(data)
    sys.stdout.flush()
