"""The audit trail of one annotation file as a timeline.

Each event becomes one line: seq, time, who, operation, span, where it came
from, and a readable account of the change. A text shown before and after
(a resize, a note) is shown whole up to TEXT_LIMIT characters; beyond, both
sides are windows on where they differ, so a moved edge is never clipped away.
The JSON output keeps the full texts. The hash chain is checked on the way.
For a gold (adjudicated) file (annotator.review.gold), each adjudicated span's
create event is followed back into the annotators' own files, read from the
same folder.

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

from annotator.model.annotation import AnnotationFile, AuditEvent, Rejection, SpanState
from annotator.model.audit import verify_chain
from annotator.review.gold import is_gold
from annotator.storage.files import DEFAULT_MAX_FILE_SIZE, Area, read_problem
from annotator.storage.loading import load_annotation_file
from annotator.text import clip as clip_line
from annotator.text import one_line

TEXT_LIMIT = 40  # span text and note values are clipped to this many characters
ORIGIN_WORDS = {"manual": "typed", "imported": "imported", "suggested": "suggested", "adjudicated": "adjudicated"}
NONE = "(none)"


class ReportError(ValueError):
    """A file that cannot be reported on; the message is one line naming it."""


def load_report_file(path: Path, *, area: Area | None = None, limit: int = DEFAULT_MAX_FILE_SIZE) -> AnnotationFile:
    """Load an annotation file (inside `area`, at most `limit` bytes), or raise ReportError
    with one line: the file and its first problem."""
    if path.is_dir():
        raise ReportError(f"{path}: is a folder, not an annotation file")
    try:
        model, _ = load_annotation_file(path, area=area, limit=limit)
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except OSError as err:
        raise ReportError(f"{path}: cannot read: {one_line(read_problem(err))}") from None
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


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    return clip_line(text, limit)


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


# -- a before/after pair of texts -------------------------------------------------------
#
# Clipping each side from its start hides a change at the end of a long span, and
# a moved start shifts everything after it. So the two texts are aligned first:
# each is cut into the runs the other shares ("context") and the runs that changed
# (possibly empty on one side: the words a resize dropped or added). When either
# text is too long to show whole, both are shown as windows: every change, and a
# little of the shared text beside it, with "…" for what is left out.

CONTEXT = 15  # shared characters shown beside a change, at most
MIN_CONTEXT = 10  # ... and at least, when long changes need the room
MIN_CHANGE = 16  # characters of a change shown, at least, when it is cut
WINDOW_EXTRA = 10  # a window of a long text may be this much longer than TEXT_LIMIT


@dataclass(frozen=True)
class Piece:
    """A run of one side of a pair: shared with the other side, or changed (then possibly empty)."""

    text: str
    changed: bool


def clip_pair(before: str, after: str, limit: int = TEXT_LIMIT) -> tuple[str, str]:
    """Both texts printable and at most `limit` long, showing where they differ (common prefix and suffix)."""
    return _windows(before, after, _aligned_by_text(before, after), limit)


def clip_states(before: SpanState, after: SpanState, limit: int = TEXT_LIMIT) -> tuple[str, str]:
    """As clip_pair for a span's text before and after a change, aligned by the offsets where they fit the texts."""
    aligned = _aligned_by_offsets(before, after) or _aligned_by_text(before.text, after.text)
    return _windows(before.text, after.text, aligned, limit)


def _windows(before: str, after: str, aligned: tuple[list[Piece], list[Piece]], limit: int) -> tuple[str, str]:
    if before == after:
        return clip(before, limit), clip(after, limit)
    if len(before) <= limit and len(after) <= limit:
        return one_line(before), one_line(after)
    # A window may take a little more room than a clipped text: it may have to show two changes.
    room = limit + WINDOW_EXTRA
    # Both sides have the same shared pieces: the same context width keeps them parallel.
    width = _context_width(aligned, room)
    return _window(aligned[0], width, room), _window(aligned[1], width, room)


def _aligned_by_text(before: str, after: str) -> tuple[list[Piece], list[Piece]]:
    """Common prefix, the differing middles, common suffix."""
    prefix = _common_prefix(before, after)
    room = min(len(before), len(after)) - prefix  # the suffix must not reuse prefix characters
    suffix = min(_common_prefix(before[::-1], after[::-1]), room)

    def pieces(text: str) -> list[Piece]:
        middle = Piece(text[prefix : len(text) - suffix], changed=True)
        shared = [Piece(text[:prefix], False), middle, Piece(text[len(text) - suffix :], False)]
        return [piece for piece in shared if piece.changed or piece.text]

    return pieces(before), pieces(after)


def _common_prefix(first: str, second: str) -> int:
    for index, (one, other) in enumerate(zip(first, second, strict=False)):
        if one != other:
            return index
    return min(len(first), len(second))


def _aligned_by_offsets(before: SpanState, after: SpanState) -> tuple[list[Piece], list[Piece]] | None:
    """Where the two ranges overlap is the shared text; each moved edge is a change. None if they do not
    overlap or the texts do not fit the offsets (a hand-edited or forged trail)."""
    if any(len(state.text) != state.end - state.start for state in (before, after)):
        return None
    low, high = max(before.start, after.start), min(before.end, after.end)
    if low >= high:
        return None
    shared = before.text[low - before.start : high - before.start]
    if shared != after.text[low - after.start : high - after.start]:
        return None

    def pieces(state: SpanState) -> list[Piece]:
        result = [Piece(state.text[: low - state.start], True)] if before.start != after.start else []
        result.append(Piece(shared, False))
        if before.end != after.end:
            result.append(Piece(state.text[high - state.start :], True))
        return result

    return pieces(before), pieces(after)


def _context_width(aligned: tuple[list[Piece], list[Piece]], limit: int) -> int:
    """What the longer changes leave for context, after one "…" per shared piece, within bounds."""
    pieces = aligned[0]
    changed = max(sum(len(piece.text) for piece in side if piece.changed) for side in aligned)
    sides = [_touches(pieces, index) for index, piece in enumerate(pieces) if not piece.changed]
    count = sum(before + after for before, after in sides)
    if not count:
        return CONTEXT
    return max(MIN_CONTEXT, min(CONTEXT, (limit - changed - len(sides)) // count))


def _window(pieces: list[Piece], width: int, limit: int) -> str:
    """Every changed piece (cut in its middle if need be) with shared context beside it, about `limit` long."""
    shown = {
        index: _context(piece.text, *_touches(pieces, index), width)
        for index, piece in enumerate(pieces)
        if not piece.changed
    }
    budget = max(limit - sum(len(text) for text in shown.values()), MIN_CHANGE)
    fitted = iter(_fit([piece.text for piece in pieces if piece.changed], budget))
    return one_line("".join(shown[index] if index in shown else next(fitted) for index in range(len(pieces))))


def _touches(pieces: list[Piece], index: int) -> tuple[bool, bool]:
    """Whether a shared piece has a change before it and after it."""
    return (index > 0 and pieces[index - 1].changed, index + 1 < len(pieces) and pieces[index + 1].changed)


def _context(text: str, change_before: bool, change_after: bool, width: int) -> str:
    """The ends of a shared run that touch a change, from a word boundary where one is near; "…" for the rest."""
    head = _head(text, width) if change_before else ""
    tail = _tail(text, width) if change_after else ""
    # Word boundaries may stretch the ends until "…" would stand for almost nothing: then show it all.
    return text if len(head) + len(tail) + 1 >= len(text) else f"{head}…{tail}"


def _head(text: str, width: int) -> str:
    """About the first `width` characters, ending at a word's end when one is near."""
    if len(text) <= width + width // 2:
        return text
    beyond = text.find(" ", width, width + width // 2)
    if beyond >= 0:
        return text[:beyond].rstrip()
    within = text.rfind(" ", width // 2, width)
    return text[:within].rstrip() if within >= 0 else text[:width]


def _tail(text: str, width: int) -> str:
    """About the last `width` characters, starting at a word's start when one is near."""
    start = len(text) - width
    if start <= width // 2:
        return text
    before = text.rfind(" ", max(start - width // 2, 0), start + 1)
    if before >= 0:
        return text[before + 1 :].lstrip()
    within = text.find(" ", start, len(text) - width // 2)
    return text[within + 1 :].lstrip() if within >= 0 else text[start:]


def _fit(texts: list[str], budget: int) -> list[str]:
    """The texts within `budget` characters together, the shortest whole, the others cut in the middle."""
    widths: dict[int, int] = {}
    left = budget
    order = sorted(range(len(texts)), key=lambda index: len(texts[index]))
    for done, index in enumerate(order):
        widths[index] = min(len(texts[index]), left // (len(texts) - done))
        left -= widths[index]
    return [_cut_middle(text, widths[index]) for index, text in enumerate(texts)]


def _cut_middle(text: str, width: int) -> str:
    """Both ends of a change (where it meets the shared text, and the span's new edge) and "…" between."""
    if len(text) <= width:
        return text
    keep = max(width - 1, 2)
    head, tail = _head(text, (keep + 1) // 2), _tail(text, keep // 2)
    return text if len(head) + len(tail) + 1 >= len(text) else f"{head}…{tail}"


# -- describing one event -------------------------------------------------------------


def _where(state: SpanState) -> str:
    return f"[{state.start}, {state.end}) '{clip(state.text)}'"


def _moved(before: SpanState, after: SpanState) -> str:
    """A change of offsets or text: both sides, windowed on what changed when they are long."""
    shown_before, shown_after = clip_states(before, after)
    return f"[{before.start}, {before.end}) '{shown_before}' -> [{after.start}, {after.end}) '{shown_after}'"


def _value_change(before: Any, after: Any) -> str:
    if isinstance(before, str) and isinstance(after, str):
        shown_before, shown_after = clip_pair(before, after)
        return f"'{shown_before}' -> '{shown_after}'"
    return f"{show_value(before)} -> {show_value(after)}"


def _attribute_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    names = sorted(set(before) | set(after))
    return [
        f"{one_line(name)}: {_value_change(before.get(name), after.get(name))}"
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
    if event.op in ("delete", "orphan") and before is not None:
        return _whole(before)
    if before is None or after is None:
        return ""
    if event.op in ("resize", "reanchor"):
        return _moved(before, after)
    changes = []
    if before.label != after.label:
        changes.append(f"{before.label} -> {after.label}")
    if (before.start, before.end, before.text) != (after.start, after.end, after.text):
        changes.append(_moved(before, after))
    changes += _attribute_changes(before.attributes, after.attributes)
    if before.note != after.note:
        changes.append(f"note: {_value_change(before.note, after.note)}")
    if before.group != after.group:
        changes.append(f"group: {_value_change(before.group, after.group)}")
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
                    # A sibling is read inside the gold file's folder: a link cannot lead it out.
                    self._loaded[annotator] = load_report_file(path, area=Area.of(self.folder))
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
