"""CSV for spreadsheet audits: one row per span (export only).

Columns, in order: document, path, annotator, id, label, start, end, text,
attributes, note, group, origin, source, created_by, created, modified_by,
modified. ``attributes`` is a JSON object (keys sorted, ``{}`` when none);
missing note/group/source are empty cells. ``start``/``end`` are code points
or, with ``offsets="utf16"``, UTF-16 code units.

Encoding: UTF-8 *with* a byte-order mark by default, because Excel opens a
BOM-less UTF-8 CSV in the legacy code page and garbles every non-ASCII
character; Python reads it back with ``encoding="utf-8-sig"``. Pass
``options["bom"] = False`` for tools that dislike the BOM.

Quoting: the csv module with QUOTE_MINIMAL and CRLF row ends (RFC 4180);
a cell holding a comma, quote or newline is quoted, and newlines inside a span
text are kept as they are inside the quotes.

Formula injection: a string cell that starts with ``= + - @``, a tab or a CR
(the OWASP list) would be run as a formula by Excel/LibreOffice, so it gets a
leading apostrophe. To keep this reversible, a cell that is a run of
apostrophes followed by one of those characters gets one more apostrophe;
``unguard`` undoes it exactly. So a guarded ``text`` cell can be one character
longer than ``end - start``. ``options["formula_guard"] = False`` turns it off.

Kept: everything on a span except the audit history; lost: status, history,
foreign records, document metadata other than id and path.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_left
from collections.abc import Iterable
from pathlib import Path

import orjson

from annotator.interop import registry
from annotator.interop.formats import check_unit
from annotator.interop.formats.jsonl import astral_positions
from annotator.interop.model import ExportRecord
from annotator.interop.output import Staging

NAME = "csv"
OFFSET_UNITS: tuple[str, ...] = registry.offset_units(NAME)

COLUMNS = (
    "document",
    "path",
    "annotator",
    "id",
    "label",
    "start",
    "end",
    "text",
    "attributes",
    "note",
    "group",
    "origin",
    "source",
    "created_by",
    "created",
    "modified_by",
    "modified",
)

_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def guard(value: str) -> str:
    """Defuse a cell a spreadsheet would run as a formula (reversible)."""
    return "'" + value if _FORMULA.match(value) else value


def unguard(value: str) -> str:
    """Undo `guard`."""
    return value[1:] if value.startswith("'") and _FORMULA.match(value, 1) else value


def export(records: Iterable[ExportRecord], dest: Path, *, offsets: str = "codepoint", options: dict) -> int:
    check_unit(NAME, OFFSET_UNITS, offsets)
    safe = guard if options.get("formula_guard", True) else (lambda value: value)
    encoding = "utf-8-sig" if options.get("bom", True) else "utf-8"
    written = 0
    with Staging() as staging, staging.open(dest, "w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for record in records:
            document = record.document
            astral = astral_positions(document.text) if offsets == "utf16" else None
            annotator = record.file.annotator
            rows = []
            for span in record.file.spans:
                start, end = span.start, span.end
                if astral:
                    start, end = start + bisect_left(astral, start), end + bisect_left(astral, end)
                rows.append(
                    (
                        safe(document.id),
                        safe(document.path),
                        safe(annotator),
                        safe(span.id),
                        safe(span.label),
                        start,
                        end,
                        safe(span.text),
                        orjson.dumps(span.attributes, option=orjson.OPT_SORT_KEYS).decode(),
                        safe(span.note or ""),
                        safe(span.group or ""),
                        span.origin,
                        safe(span.source or ""),
                        safe(span.created_by),
                        span.created_at,
                        safe(span.modified_by),
                        span.modified_at,
                    )
                )
            writer.writerows(rows)
            written += len(rows)
    return written
