"""Span counts, status and density over a set of annotation files.

Pure: it takes loaded AnnotationFiles and returns a plain dict (the JSON
report) or lines of text, so it can be tested without files or a terminal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.model.annotation import AnnotationFile
from annotator.suggest.pending import SuggestionCounts, Suggestions
from annotator.suggest.store import StoredSuggestions
from annotator.text import display_text

PER_CHARACTERS = 1000  # density is reported as spans per 1,000 characters


@dataclass
class _Tally:
    """Running totals for one annotator, or for everyone."""

    files: int = 0
    done: int = 0
    spans: int = 0
    characters: int = 0
    labels: Counter[str] = field(default_factory=Counter)

    def add(self, file: AnnotationFile) -> None:
        self.files += 1
        self.done += file.status == "done"
        self.spans += len(file.spans)
        self.characters += file.document.length
        self.labels.update(span.label for span in file.spans)

    def as_dict(self, labels: Sequence[str]) -> dict[str, Any]:
        return {
            "files": self.files,
            "done": self.done,
            "in_progress": self.files - self.done,
            "spans": self.spans,
            "characters": self.characters,
            "spans_per_1000_chars": density(self.spans, self.characters),
            "labels": {label: self.labels[label] for label in labels},
        }


def density(spans: int, characters: int) -> float | None:
    """Spans per 1,000 characters, to two decimals; None when there is no text to divide by."""
    if characters <= 0:
        return None
    return round(spans * PER_CHARACTERS / characters, 2)


def build_stats(
    files: Iterable[AnnotationFile],
    labels: Sequence[str] = (),
    suggestions: Mapping[str, Sequence[StoredSuggestions]] | None = None,
) -> dict[str, Any]:
    """The report as a JSON-ready dict. `labels` (the tag set) are listed even with no spans.
    `suggestions`: each document's stored suggestions, by document id, to count how each
    annotator settled them."""
    files = list(files)
    overall = _Tally()
    by_annotator: dict[str, _Tally] = {}
    documents: dict[str, dict[str, Any]] = {}
    for file in files:
        overall.add(file)
        by_annotator.setdefault(file.annotator, _Tally()).add(file)
        document = documents.setdefault(file.document.id, {"length": file.document.length, "annotators": {}})
        document["annotators"][file.annotator] = {"spans": len(file.spans), "status": file.status}

    # Tag set order first, then any label only the files know (a tag set edited since).
    all_labels = list(dict.fromkeys([*labels, *sorted(overall.labels)]))
    for document in documents.values():
        statuses = [entry["status"] for entry in document["annotators"].values()]
        document["spans"] = sum(entry["spans"] for entry in document["annotators"].values())
        document["status"] = "done" if all(status == "done" for status in statuses) else "in_progress"
    documents_done = sum(document["status"] == "done" for document in documents.values())
    report = {
        "labels": {label: overall.labels[label] for label in all_labels},
        "annotators": {name: by_annotator[name].as_dict(all_labels) for name in sorted(by_annotator)},
        "documents": {doc_id: documents[doc_id] for doc_id in sorted(documents)},
        "progress": {
            "files_done": overall.done,
            "files_total": overall.files,
            "documents_done": documents_done,
            "documents_total": len(documents),
        },
        "overall": {
            "spans": overall.spans,
            "characters": overall.characters,
            "spans_per_1000_chars": density(overall.spans, overall.characters),
        },
    }
    counts = suggestion_counts(files, suggestions or {})
    if counts:  # only a project with stored suggestions has the section
        report["suggestions"] = counts
    return report


def suggestion_counts(
    files: Sequence[AnnotationFile], suggestions: Mapping[str, Sequence[StoredSuggestions]]
) -> dict[str, dict[str, dict[str, int]]]:
    """suggester -> annotator -> suggested, accepted, rejected, marked and pending, over the
    documents the annotator has a file of (each suggester counted on its own)."""
    counts: dict[str, dict[str, SuggestionCounts]] = {}
    for file in files:
        for stored in suggestions.get(file.document.id, ()):
            one = Suggestions.of([stored])
            settled = one.settled(file.spans, file.rejected)
            by_annotator = counts.setdefault(stored.suggester, {})
            by_annotator[file.annotator] = by_annotator.get(file.annotator, SuggestionCounts()) + one.counts(settled)
    return {
        suggester: {
            annotator: {
                "suggested": c.suggested,
                "accepted": c.accepted,
                "rejected": c.rejected,
                "marked": c.marked,
                "pending": c.pending,
            }
            for annotator, c in sorted(by_annotator.items())
        }
        for suggester, by_annotator in sorted(counts.items())
    }


# -- table -----------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    # Names and labels are pattern-checked, but a table must never carry a control character.
    return display_text(str(value)).replace("\n", " ")


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]], left: frozenset[int] = frozenset({0})) -> list[str]:
    """Aligned columns: those in `left` (names) left-aligned, the rest (numbers) right-aligned."""
    cells = [[_cell(value) for value in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        parts = [
            value.ljust(width) if i in left else value.rjust(width)
            for i, (value, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(parts).rstrip())
    return lines


def render_table(report: dict[str, Any]) -> list[str]:
    """The report as aligned plain text."""
    progress = report["progress"]
    annotators = report["annotators"]
    names = list(annotators)
    lines = [
        f"files: {progress['files_done']} of {progress['files_total']} done",
        f"documents: {progress['documents_done']} of {progress['documents_total']} done by every annotator",
        "",
    ]
    label_rows = [
        [label, count, *(annotators[name]["labels"][label] for name in names)]
        for label, count in report["labels"].items()
    ]
    label_rows.append(["total", report["overall"]["spans"], *(annotators[name]["spans"] for name in names)])
    lines += _table(["label", "all", *names], label_rows)
    lines.append("")

    annotator_rows = [
        [name, a["files"], a["done"], a["in_progress"], a["spans"], a["characters"], a["spans_per_1000_chars"]]
        for name, a in annotators.items()
    ]
    overall = report["overall"]
    annotator_rows.append(
        [
            "all",
            progress["files_total"],
            progress["files_done"],
            progress["files_total"] - progress["files_done"],
            overall["spans"],
            overall["characters"],
            overall["spans_per_1000_chars"],
        ]
    )
    lines += _table(
        ["annotator", "files", "done", "in progress", "spans", "characters", "spans/1k chars"], annotator_rows
    )
    lines.append("")

    document_rows = []
    for doc_id, document in report["documents"].items():
        entries = document["annotators"]
        per_annotator = [
            f"{entries[name]['spans']}{'' if entries[name]['status'] == 'done' else '*'}" if name in entries else None
            for name in names
        ]
        status = "done" if document["status"] == "done" else "in progress"
        document_rows.append([doc_id, document["length"], len(entries), *per_annotator, status])
    header = ["document", "length", "annotators", *names, "status"]
    lines += _table(header, document_rows, left=frozenset({0, len(header) - 1}))
    lines.append("(spans per annotator; * = that annotator's file is in progress, - = no file)")
    if report.get("suggestions"):
        lines.append("")
        rows = [
            [suggester, annotator, c["suggested"], c["accepted"], c["rejected"], c["marked"], c["pending"]]
            for suggester, by_annotator in report["suggestions"].items()
            for annotator, c in by_annotator.items()
        ]
        lines += _table(
            ["suggester", "annotator", "suggested", "accepted", "rejected", "marked", "pending"],
            rows,
            left=frozenset({0, 1}),
        )
        lines.append("(marked: the annotator made the same span another way)")
    return lines
