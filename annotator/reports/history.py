"""The audit trail of one annotation file as a timeline.

Each event becomes one line: seq, time, who, operation, span, where it came
from, and a readable account of the change. The hash chain is checked on the
way. For a gold (adjudicated) file, each adjudicated span's create event is
followed back into the annotators' own files, read from the same folder.

Pure apart from reading those files: no UI imports. Every string that came
from a file is made single-line and terminal-safe before it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from annotator.editor.display import display_text
from annotator.model.annotation import AnnotationFile, AuditEvent, Rejection, SpanState
from annotator.model.audit import verify_chain
from annotator.validation.engine import load_annotation_file

TEXT_LIMIT = 40  # span text and note values are clipped to this many characters
ORIGIN_WORDS = {"manual": "typed", "imported": "imported", "suggested": "suggested", "adjudicated": "adjudicated"}
NONE = "(none)"


class ReportError(ValueError):
    """A file that cannot be reported on; the message is one line naming it."""


def load_report_file(path: Path) -> AnnotationFile:
    """Load an annotation file, or raise ReportError with one line: the file and its first problem."""
    try:
        model, _ = load_annotation_file(path)
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReportError(f"{path}: is a folder, not an annotation file") from None
    except OSError as err:
        raise ReportError(f"{path}: cannot read: {err.strerror or err}") from None
    except ValueError as err:  # one "path:line:col: CODE message" per problem
        first, *rest = str(err).splitlines() or [f"{path}: not an annotation file"]
        extra = f"; and {len(rest)} more problem(s), see 'annotator validate'" if rest else ""
        raise ReportError(f"{one_line(first)}{extra}") from None
    return model


# -- making file content printable ----------------------------------------------

# Characters a JSON encoder leaves raw but a terminal may act on (C1 controls,
# DEL, bidi overrides, line separators). They can only occur inside JSON
# strings, so escaping them keeps the JSON valid and the terminal safe.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """Terminal-safe and on one line: controls become visible placeholders, newlines '↵'."""
    return display_text(text).replace("\n", "↵")


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show_value(value: Any) -> str:
    """An attribute or note value as it reads in a line: 'text', 42, true, (none)."""
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{clip(value)}'"
    return str(value)


def dumps_json(data: Any) -> str:
    """Deterministic JSON (sorted keys, 2-space indent) that is safe to print to a terminal."""
    text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode("utf-8")
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


# -- describing one event -------------------------------------------------------------


def _where(state: SpanState) -> str:
    return f"[{state.start}, {state.end}) '{clip(state.text)}'"


def _attribute_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    names = sorted(set(before) | set(after))
    return [
        f"{one_line(name)}: {show_value(before.get(name))} -> {show_value(after.get(name))}"
        for name in names
        if before.get(name) != after.get(name)
    ]


def _whole(state: SpanState) -> str:
    parts = [f"{state.label} {_where(state)}"]
    parts += [f"{one_line(name)}: {show_value(state.attributes[name])}" for name in sorted(state.attributes)]
    if state.note is not None:
        parts.append(f"note: {show_value(state.note)}")
    if state.group is not None:
        parts.append(f"group: {one_line(state.group)}")
    return ", ".join(parts)


def describe(event: AuditEvent) -> str:
    """What the event changed, in words."""
    before, after = event.before, event.after
    if event.op == "create" and after is not None:
        return _whole(after)
    if event.op == "delete" and before is not None:
        return _whole(before)
    if before is None or after is None:
        return ""
    if event.op == "resize":
        return f"{_where(before)} -> {_where(after)}"
    changes = []
    if before.label != after.label:
        changes.append(f"{before.label} -> {after.label}")
    if (before.start, before.end, before.text) != (after.start, after.end, after.text):
        changes.append(f"{_where(before)} -> {_where(after)}")
    changes += _attribute_changes(before.attributes, after.attributes)
    if before.note != after.note:
        changes.append(f"note: {show_value(before.note)} -> {show_value(after.note)}")
    if before.group != after.group:
        changes.append(f"group: {show_value(before.group)} -> {show_value(after.group)}")
    return ", ".join(changes) or "no change"


# -- the chain -----------------------------------------------------------------------------


@dataclass
class ChainCheck:
    intact: bool
    broken_at: int | None  # seq of the first event whose hash does not match
    bad: set[int]  # seqs of every event whose hash does not match


def check_chain(events: Sequence[AuditEvent]) -> ChainCheck:
    bad = [events[index].seq for index, _expected, _found in verify_chain(events)]
    return ChainCheck(intact=not bad, broken_at=bad[0] if bad else None, bad=set(bad))


# -- gold files: following a span back to the annotators --------------------------------


def _sources_of(event: AuditEvent) -> list[tuple[str, str]]:
    """(annotator, span id) pairs of the annotators' spans a gold span was taken from."""
    return [(ref.annotator, ref.span) for ref in event.adjudicated_from or []]


def is_gold(file: AnnotationFile, gold_name: str = "gold") -> bool:
    """A gold file: named so, or carrying adjudication provenance."""
    return (
        file.annotator == gold_name
        or bool(file.rejected)
        or any(event.origin == "adjudicated" or event.adjudicated_from for event in file.history)
    )


@dataclass
class SourceTrail:
    """One annotator's own events for a span a gold span was taken from."""

    annotator: str
    span: str
    file: str
    events: list[AuditEvent] = field(default_factory=list)
    problem: str | None = None  # why the events could not be shown
    chain: ChainCheck | None = None


class _Siblings:
    """The annotators' files next to a gold file, each loaded once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._loaded: dict[str, AnnotationFile | str] = {}

    def load(self, annotator: str) -> tuple[Path, AnnotationFile | str]:
        path = self.folder / f"{annotator}.json"
        if annotator not in self._loaded:
            if not path.exists():
                self._loaded[annotator] = f"{path}: file not found"
            else:
                try:
                    self._loaded[annotator] = load_report_file(path)
                except ReportError as err:
                    self._loaded[annotator] = str(err)
        return path, self._loaded[annotator]

    def trail(self, annotator: str, span_id: str, document_id: str) -> SourceTrail:
        path, loaded = self.load(annotator)
        trail = SourceTrail(annotator, span_id, str(path))
        if isinstance(loaded, str):
            trail.problem = loaded
            return trail
        if loaded.document.id != document_id:
            trail.problem = f"{path}: annotates document {loaded.document.id}, not {document_id}"
            return trail
        trail.events = [event for event in loaded.history if event.span == span_id]
        trail.chain = check_chain(loaded.history)
        if not trail.events:
            trail.problem = f"{path}: no span {span_id} in this file (not in its spans or its history)"
        return trail


# -- the timeline ------------------------------------------------------------------------------


@dataclass
class Timeline:
    path: str
    file: AnnotationFile
    events: list[AuditEvent]  # after the --span filter
    chain: ChainCheck
    sources: dict[int, list[SourceTrail]]  # create event seq -> where that gold span came from
    rejected: list[Rejection]
    span: str | None = None
    gold: bool = False


def build_timeline(path: Path, file: AnnotationFile, span: str | None = None) -> Timeline:
    """The file's events in order (only `span`'s if given), with the chain checked over all of them."""
    events = [event for event in file.history if span is None or event.span == span]
    rejected = [entry for entry in file.rejected if span is None or entry.span == span]
    sources: dict[int, list[SourceTrail]] = {}
    gold = is_gold(file)
    if gold:
        siblings = _Siblings(path.parent)
        for event in events:
            pairs = _sources_of(event)
            if event.op == "create" and pairs:
                sources[event.seq] = [siblings.trail(name, span_id, file.document.id) for name, span_id in pairs]
    return Timeline(str(path), file, events, check_chain(file.history), sources, rejected, span, gold)


def _origin(event: AuditEvent) -> str:
    return ORIGIN_WORDS.get(event.origin, event.origin)


def _added_by_adjudicator(event: AuditEvent) -> bool:
    """A gold span created from no annotator's span (typed, or 'adjudicated' with an empty source list)."""
    return event.op == "create" and not _sources_of(event) and event.origin in ("manual", "adjudicated")


def _event_lines(events: Iterable[AuditEvent], bad: set[int], indent: str = "", gold: bool = False) -> list[str]:
    events = list(events)
    if not events:
        return []
    seq_width = max(len(str(event.seq)) for event in events)
    by_width = max(len(event.by) for event in events)
    span_width = max(len(event.span) for event in events)
    origin_width = max(len(_origin(event)) for event in events)
    lines = []
    for event in events:
        line = (
            f"{indent}{event.seq:>{seq_width}}  {event.at}  {event.by:<{by_width}}  {event.op:<10}  "
            f"{event.span:<{span_width}}  {_origin(event):<{origin_width}}  {describe(event)}"
        )
        if gold and _added_by_adjudicator(event):
            line += "  (added by the adjudicator)"
        if event.source is not None:
            line += f"  (source: {clip(event.source, 80)})"
        if event.seq in bad:
            line += "  [hash mismatch]"
        lines.append(line.rstrip())
    return lines


def _source_lines(trail: SourceTrail) -> list[str]:
    head = f"      from {trail.annotator} span {trail.span}"
    if trail.problem is not None:
        return [f"{head}: {one_line(trail.problem)}"]
    lines = [f"{head} ({trail.file}):"]
    lines += _event_lines(trail.events, trail.chain.bad if trail.chain else set(), indent="        ")
    if trail.chain is not None and not trail.chain.intact:
        lines.append(f"        (that file's audit chain is broken at event {trail.chain.broken_at})")
    return lines


def render_text(timeline: Timeline) -> list[str]:
    """The timeline as plain-text lines."""
    file = timeline.file
    which = f", span {one_line(timeline.span)}" if timeline.span else ""
    lines = [
        f"{one_line(timeline.path)}: document {file.document.id}, annotator {file.annotator}, "
        f"{len(file.history)} event(s){which}"
    ]
    if not timeline.events:
        lines.append("  no events")
    for event, line in zip(
        timeline.events, _event_lines(timeline.events, timeline.chain.bad, indent="  ", gold=timeline.gold), strict=True
    ):
        lines.append(line)
        for trail in timeline.sources.get(event.seq, []):
            lines += _source_lines(trail)
    if timeline.rejected:
        lines.append(f"rejected ({len(timeline.rejected)}):")
        for entry in timeline.rejected:
            lines.append(
                f"  {entry.at}  {entry.by} rejected {entry.annotator} span {entry.span}: "
                f"{entry.label} [{entry.start}, {entry.end}) '{clip(entry.text)}'"
            )
    chain = timeline.chain
    if chain.intact:
        lines.append(f"audit chain intact ({len(file.history)} event(s))")
    else:
        lines.append(
            f"audit chain BROKEN at event {chain.broken_at}: its hash does not match the event and the one before it"
        )
    return lines


def _event_json(event: AuditEvent, bad: set[int]) -> dict[str, Any]:
    data = event.model_dump(mode="json", exclude={"hash"})
    data["origin_described"] = _origin(event)
    data["description"] = describe(event)
    data["hash_ok"] = event.seq not in bad
    return data


def _gold_event_json(event: AuditEvent, bad: set[int]) -> dict[str, Any]:
    data = _event_json(event, bad)
    data["added_by_adjudicator"] = _added_by_adjudicator(event)
    return data


def to_json(timeline: Timeline) -> dict[str, Any]:
    """The timeline as a JSON-ready dict."""
    events = []
    for event in timeline.events:
        data = (_gold_event_json if timeline.gold else _event_json)(event, timeline.chain.bad)
        if event.seq in timeline.sources:
            data["sources"] = [
                {
                    "annotator": trail.annotator,
                    "span": trail.span,
                    "file": trail.file,
                    "problem": trail.problem,
                    "chain_intact": trail.chain.intact if trail.chain else None,
                    "events": [_event_json(e, trail.chain.bad if trail.chain else set()) for e in trail.events],
                }
                for trail in timeline.sources[event.seq]
            ]
        events.append(data)
    rejected = [entry.model_dump(mode="json") for entry in timeline.rejected]
    return {
        "file": timeline.path,
        "gold": timeline.gold,
        "document": timeline.file.document.id,
        "annotator": timeline.file.annotator,
        "span": timeline.span,
        "chain_intact": timeline.chain.intact,
        "chain_broken_at": timeline.chain.broken_at,
        "events": events,
        "rejected": rejected,
    }
