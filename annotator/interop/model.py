"""What exporters read and importers produce: plain dataclasses, no I/O; the error they raise."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.model.annotation import AnnotationFile
from annotator.model.document import Document


class InteropError(Exception):
    """Bad input to an import or export; the message names the file and the place."""


def shown(path: Path | str) -> str:
    """A path as messages show it: relative to the working directory when inside it, as validate does."""
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):
        return str(path)


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """One annotation file with its document, as exporters receive it."""

    path: Path
    file: AnnotationFile
    document: Document


@dataclass(frozen=True, slots=True)
class ImportedSpan:
    """A span read from another tool, already converted to code-point offsets.

    `text` is what the source says the span covers; the writer checks it
    against the document and refuses a misaligned span.
    """

    start: int
    end: int
    label: str
    source: str
    text: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class ImportedRecord:
    """A record annotator keeps but cannot edit (brat relation, event, ...)."""

    format: str
    kind: str
    id: str
    record: str
    span_sources: tuple[str, ...]  # `source` of each ImportedSpan it refers to
    source: str | None = None


@dataclass(slots=True)
class ImportedDocument:
    """One document from another tool with the spans of one annotator."""

    doc_id: str
    text: str
    source: str
    annotator: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    spans: list[ImportedSpan] = field(default_factory=list)
    records: list[ImportedRecord] = field(default_factory=list)
