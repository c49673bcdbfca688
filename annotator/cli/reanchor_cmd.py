"""`annotator reanchor`: carry the spans of files whose document changed onto its current text.

For each annotation file whose document's text no longer has the recorded
SHA-256, the text it was made on comes from --old, else from the project's
git history (annotator.storage.git_history), else it is not known and spans
are found by their text and context alone (annotator.anchoring). Every span
is then moved, changed (marked for review) or orphaned (kept aside), each by
an audited event, and the file gets the document's new hash and length
(AnnotationSet.reanchor). Every annotator's file of a document, and its gold
file, are re-anchored in the same run. --dry-run reports and writes nothing.

Exit status: 0 every span moved exactly (or nothing to do), 1 some spans
changed or were orphaned and need a look, or a file could not be re-anchored,
2 usage or config error.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, project_config, requested_files, say

if TYPE_CHECKING:
    from annotator.storage.reanchor_files import Reanchored


def run(args: argparse.Namespace) -> int:
    from annotator.anchoring.matching import DEFAULT_THRESHOLD
    from annotator.storage.reanchor_files import OldText, ReanchorError, reanchor_file

    config = project_config(args)
    if config is None:
        return EXIT_USAGE
    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if not 0.0 < threshold <= 1.0:
        say(f"--threshold must be above 0 and at most 1, got {threshold:g}")
        return EXIT_USAGE
    old = None
    if args.old:
        text = _read_old(Path(args.old))
        if text is None:
            return EXIT_USAGE
        old = OldText(text, args.old)
    files = requested_files(args, config)
    if files is None:
        return EXIT_USAGE
    reports, failed = [], False
    history: dict[tuple[str, str], str | None] = {}
    for path in files:
        try:
            report = reanchor_file(
                config, Path(path), old=old, threshold=threshold, write=not args.dry_run, history=history
            )
        except ReanchorError as err:
            say(str(err))
            failed = True
            continue
        if report is not None:
            reports.append(report)
    _print(reports, args.format, args.dry_run)
    return EXIT_FINDINGS if failed or any(report.needs_review for report in reports) else EXIT_OK


def _read_old(path: Path) -> str | None:
    from annotator.model.document import DocumentError, decode_text

    try:
        return decode_text(path.read_bytes(), str(path))
    except OSError as err:
        say(f"--old {path}: cannot read it: {err.strerror or err}")
    except DocumentError as err:
        say(f"--old {err}")
    return None


_LISTED_FIRST = ("changed", "orphaned", "moved", "unchanged")


def _print(reports: list[Reanchored], format: str, dry_run: bool) -> None:
    from annotator.interop.model import shown
    from annotator.text import display_text
    from annotator.validation.findings import clip

    if format == "json":
        import orjson

        print(orjson.dumps([_as_json(r) for r in reports], option=orjson.OPT_INDENT_2).decode())
        return
    if not reports:
        say("no file's document has changed: nothing to re-anchor")
        return
    for report in reports:
        counts = Counter(p.outcome.value for p in report.placements)
        verb = "would be" if dry_run else "were"
        print(
            f"{shown(report.path)}: {report.document} changed ({report.old_text_from}); "
            + ", ".join(f"{counts[name]} {name}" for name in ("unchanged", "moved", "changed", "orphaned"))
            + f" ({verb} written)" * (not dry_run)
        )
        # Changed and orphaned first: they are what a person must look at; then every move.
        for placement in sorted(report.placements, key=lambda p: _LISTED_FIRST.index(p.outcome.value)):
            if placement.outcome.value == "unchanged":
                continue
            old = placement.old
            if placement.outcome.value == "orphaned":
                where = f"({placement.reason})"
            elif placement.outcome.value == "changed":
                where = f"-> [{placement.start}, {placement.end}) {display_text(repr(placement.text))}"
            else:
                where = f"-> [{placement.start}, {placement.end})"
            print(
                f"  {placement.outcome.value:<8} {placement.id} [{old.start}, {old.end}) "
                f"{display_text(clip(old.text, 60))} {where}"
            )
        for dropped in report.dropped_rejections:
            old = dropped.old
            print(
                f"  a rejected candidate [{old.start}, {old.end}) {display_text(repr(old.text))} has no place: kept in orphaned_rejected"
            )
    if dry_run:
        say("--dry-run: nothing was written")


def _as_json(report: Reanchored) -> dict:
    from annotator.interop.model import shown

    return {
        "file": shown(report.path),
        "document": report.document,
        "old_text_from": report.old_text_from,
        "written": report.written,
        "spans": [
            {
                "id": p.id,
                "outcome": p.outcome.value,
                "old": {"start": p.old.start, "end": p.old.end, "text": p.old.text},
                "new": None if p.start is None else {"start": p.start, "end": p.end, "text": p.text},
                "score": p.score,
                "reason": p.reason,
            }
            for p in report.placements
        ],
    }
