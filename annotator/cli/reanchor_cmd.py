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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, project_config, requested_files, say

if TYPE_CHECKING:
    from annotator.anchoring.outcome import Placement


@dataclass
class FileReport:
    path: str
    document: str
    old_text_from: str  # where the old text came from, in words
    placements: list[Placement]
    crowded: list[str]
    written: bool
    dropped_rejections: list[Placement]


def run(args: argparse.Namespace) -> int:
    from annotator.anchoring.matching import DEFAULT_THRESHOLD

    config = project_config(args)
    if config is None:
        return EXIT_USAGE
    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    if not 0.0 < threshold <= 1.0:
        say(f"--threshold must be above 0 and at most 1, got {threshold:g}")
        return EXIT_USAGE
    old_given = _read_old(Path(args.old)) if args.old else None
    if args.old and old_given is None:
        return EXIT_USAGE
    files = requested_files(args, config)
    if files is None:
        return EXIT_USAGE
    reports, failed = [], False
    for path in files:
        try:
            report = _reanchor_file(config, Path(path), old_given, threshold, args.dry_run, args.old)
        except _Refused as err:
            say(str(err))
            failed = True
            continue
        if report is not None:
            reports.append(report)
    _print(reports, args.format, args.dry_run)
    needs_review = any(p.outcome in ("changed", "orphaned") for r in reports for p in r.placements)
    return EXIT_FINDINGS if failed or needs_review else EXIT_OK


class _Refused(Exception):
    pass


def _read_old(path: Path) -> str | None:
    from annotator.model.document import DocumentError, decode_text

    try:
        return decode_text(path.read_bytes(), str(path))
    except OSError as err:
        say(f"--old {path}: cannot read it: {err.strerror or err}")
    except DocumentError as err:
        say(f"--old {err}")
    return None


def _reanchor_file(config, path: Path, old_given: str | None, threshold: float, dry_run: bool, old_name: str | None):
    from annotator.anchoring.outcome import AnchoredSpan, place_spans
    from annotator.anchoring.text_quote import TextQuote
    from annotator.model.document import DocumentError, text_sha256
    from annotator.model.editing import AnnotationSet, EditError
    from annotator.storage.annotation_files import Fingerprint, save
    from annotator.storage.documents import load_document
    from annotator.storage.files import StorageError
    from annotator.storage.git_history import text_in_history
    from annotator.storage.loading import load_annotation_file

    try:
        file, raw = load_annotation_file(path, area=config.area_for(path), limit=config.max_file_size)
        document = load_document(config.root, file.document.path, area=config.area, limit=config.max_file_size)
    except (OSError, ValueError, DocumentError) as err:
        raise _Refused(f"{err}; not re-anchored") from None
    if document.sha256 == file.document.sha256:
        return None  # the document has not changed: nothing to do
    if old_given is not None:
        if text_sha256(old_given) != file.document.sha256:
            raise _Refused(
                f"{path}: --old {old_name} is not the text this file was made on (its SHA-256 differs); not re-anchored"
            )
        old_text, source = old_given, f"old text from --old {old_name}"
    else:
        old_text = text_in_history(config.root, file.document.path, file.document.sha256)
        source = "old text from git" if old_text is not None else "old text not found: by text and context"
    quotes = [
        AnchoredSpan(span.id, TextQuote(span.start, span.end, span.text, span.prefix or "", span.suffix or ""))
        for span in file.spans
    ]
    placements = place_spans(quotes, document.text, old_text, threshold=threshold)
    # A gold file's rejected candidates are found again as the spans are (they keep no context).
    rejected = [AnchoredSpan(str(n), TextQuote(r.start, r.end, r.text, "", "")) for n, r in enumerate(file.rejected)]
    rejections = place_spans(rejected, document.text, old_text, threshold=threshold) if rejected else []
    aset = AnnotationSet(file, old_text if old_text is not None else document.text, tagset=config.tagset)
    try:
        crowded = aset.reanchor(document, placements, rejections=rejections)
    except EditError as err:
        raise _Refused(f"{path}: {err}; not re-anchored") from None
    if not dry_run:
        try:
            save(path, aset.to_file(), Fingerprint.of_bytes(raw))
        except StorageError as err:
            raise _Refused(str(err)) from None
    dropped = [r for r in rejections if r.outcome.value == "orphaned"]
    return FileReport(_shown(path), file.document.path, source, placements, crowded, not dry_run, dropped)


def _shown(path: Path) -> str:
    """`path` relative to the working folder when it is inside it, as validate shows paths."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _print(reports: list[FileReport], format: str, dry_run: bool) -> None:
    from annotator.text import display_text

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
            f"{report.path}: {report.document} changed ({report.old_text_from}); "
            + ", ".join(f"{counts[name]} {name}" for name in ("unchanged", "moved", "changed", "orphaned"))
            + f" ({verb} written)" * (not dry_run)
        )
        for placement in report.placements:
            if placement.outcome.value in ("changed", "orphaned"):
                old = placement.old
                where = (
                    f"-> [{placement.start}, {placement.end}) {display_text(repr(placement.text))}"
                    if placement.outcome.value == "changed"
                    else f"({placement.reason})"
                )
                print(
                    f"  {placement.outcome.value:<8} {placement.id} [{old.start}, {old.end}) "
                    f"{display_text(repr(old.text))} {where}"
                )
        for dropped in report.dropped_rejections:
            old = dropped.old
            print(
                f"  a rejected candidate [{old.start}, {old.end}) {display_text(repr(old.text))} has no place: dropped"
            )
    if dry_run:
        say("--dry-run: nothing was written")


def _as_json(report: FileReport) -> dict:
    return {
        "file": report.path,
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
