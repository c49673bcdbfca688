"""What exporters read and importers produce: plain dataclasses, no I/O; the error they raise.

A reader yields an `ImportedDocument` for each document (one annotator's or
one model's spans on one text) and, where it can go on with the next
document, an `UnreadableDocument` for one it cannot read, so that an import
reports every bad document at once. An error after which nothing more can be
read (the file is not JSON at all) is raised as an `InteropError`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.model.annotation import AnnotationFile
from annotator.model.document import Document

# After the file a message starts with: its line and column, if any, then ": " or ", ".
_PLACE = re.compile(r"(?P<place>(?::\d+)*)[:,] ")


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
    # The sources of identical spans (same offsets and label after mapping) merged into this one.
    merged: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source this span stands for: its own, then those merged into it."""
        return (self.source, *self.merged)


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
    """One document from another tool with the spans of one annotator, or of one model.

    `predicted`: the spans are a model's predictions (Label Studio's
    `predictions`), `annotator` naming the model; an import stores them as that
    model's suggestions, for people to accept or reject, not as anyone's spans.
    """

    doc_id: str
    text: str
    source: str
    annotator: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    spans: list[ImportedSpan] = field(default_factory=list)
    records: list[ImportedRecord] = field(default_factory=list)
    predicted: bool = False


@dataclass(frozen=True, slots=True)
class UnreadableDocument:
    """A document a reader could not read: where it is in the source and what is wrong."""

    where: str  # the file and the place in it, e.g. "in.jsonl:3" or "export.json: task 7"
    problem: str  # what is wrong, without `where`
    doc_id: str | None = None

    @classmethod
    def of(cls, where: str, err: InteropError, doc_id: str | None = None) -> UnreadableDocument:
        """The document at `where` that `err` refused. A message that starts with `where`
        loses it, and a line or column it names there ("WHERE:3: problem") joins `where`."""
        message = str(err)
        placed = _PLACE.match(message[len(where) :]) if message.startswith(where) else None
        if placed is not None:
            where += placed["place"]
            message = message[len(where) + len(placed[0]) - len(placed["place"]) :]
        return cls(where, message, doc_id)

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


ReadItem = ImportedDocument | UnreadableDocument
