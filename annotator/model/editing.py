"""A mutable working set of spans whose every change is appended to the audit trail."""

from __future__ import annotations

import secrets
from collections.abc import Callable, KeysView, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter

from pydantic import ValidationError

from annotator.anchoring.outcome import Outcome, Placement
from annotator.anchoring.text_quote import context_of
from annotator.model.annotation import (
    SCHEMA_VERSION,
    AnnotationFile,
    AttributeValue,
    AuditEvent,
    DocumentRef,
    ForeignRecord,
    Operation,
    Origin,
    Orphan,
    Reanchored,
    Rejection,
    SourceSpan,
    Span,
    SpanState,
    Status,
)
from annotator.model.audit import (
    GENESIS_HASH,
    PLACEMENT_FIELDS,
    chain_hash,
    event_body,
    replay_event,
)
from annotator.model.document import Document
from annotator.model.tagset import TagSet


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a span came from, kept when it is deleted and made again (undo, merge)."""

    origin: Origin = "manual"
    source: str | None = None
    adjudicated_from: list[SourceSpan] | None = None

    @classmethod
    def of(cls, span: Span) -> Provenance:
        return cls(span.origin, span.source, span.adjudicated_from)


class EditError(ValueError):
    """An edit that would make the annotations invalid."""


def utc_now() -> str:
    """Current UTC time in the file format, with milliseconds."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _earlier(timestamp: str, than: str) -> bool:
    try:
        return datetime.fromisoformat(timestamp.replace("Z", "+00:00")) < datetime.fromisoformat(
            than.replace("Z", "+00:00")
        )
    except ValueError:
        return False  # a malformed time is refused by the event's own validation


def _valid_state(fields: dict) -> SpanState:
    try:
        return SpanState.model_validate(fields)
    except ValidationError as err:
        raise EditError(_first_error(err)) from None


def _first_error(err: ValidationError) -> str:
    error = err.errors(include_url=False)[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]


def _placed_rejections(
    rejected: Sequence[Rejection], placements: Sequence[Placement]
) -> tuple[list[Rejection], list[Rejection]]:
    """The rejections carried onto the new text, and those with no place there (kept as they were)."""
    by_id = {placement.id: placement for placement in placements}
    placed, lost = [], []
    for number, rejection in enumerate(rejected):
        placement = by_id.get(str(number))
        if placement is None or placement.outcome is Outcome.UNCHANGED:
            placed.append(rejection)
        elif placement.outcome is Outcome.ORPHANED:
            lost.append(rejection)
        else:
            placed.append(
                rejection.model_copy(update={"start": placement.start, "end": placement.end, "text": placement.text})
            )
    return placed, lost


def new_span_id() -> str:
    return secrets.token_hex(6)


def span_created_by(event: AuditEvent) -> Span:
    """The span a create event brings into being."""
    assert event.after is not None
    return Span(
        id=event.span,
        origin=event.origin,
        source=event.source,
        adjudicated_from=event.adjudicated_from,
        created_by=event.by,
        created_at=event.at,
        modified_by=event.by,
        modified_at=event.at,
        **event.after.model_dump(),
    )


# (start, end, label, id): the order of spans in saved files. attrgetter runs in C,
# which matters when autosave sorts 10,000 spans on every save.
span_sort_key: Callable[[Span], tuple[int, int, str, str]] = attrgetter("start", "end", "label", "id")
rejection_sort_key: Callable[[Rejection], tuple] = attrgetter("start", "end", "label", "annotator", "span")


class SpanTable(dict[str, Span]):
    """Spans by id, also indexed by (start, end, label) so duplicate checks are O(1), and
    knowing which were taken from a candidate (a suggestion, or an annotator's span in gold)."""

    def __init__(self, spans=()) -> None:
        super().__init__()
        self._by_range: dict[tuple[int, int, str], str] = {}
        self._taken: set[str] = set()
        for span in spans:
            self[span.id] = span

    def __setitem__(self, span_id: str, span: Span) -> None:
        old = self.get(span_id)
        if old is not None and self._by_range.get((old.start, old.end, old.label)) == span_id:
            del self._by_range[(old.start, old.end, old.label)]
        super().__setitem__(span_id, span)
        self._by_range.setdefault((span.start, span.end, span.label), span_id)
        if span.origin == "suggested" or span.adjudicated_from:
            self._taken.add(span_id)
        else:
            self._taken.discard(span_id)

    def __delitem__(self, span_id: str) -> None:
        old = self[span_id]
        super().__delitem__(span_id)
        if self._by_range.get((old.start, old.end, old.label)) == span_id:
            del self._by_range[(old.start, old.end, old.label)]
        self._taken.discard(span_id)

    def holder(self, start: int, end: int, label: str) -> str | None:
        """The id of the span with exactly this range and label, if any."""
        return self._by_range.get((start, end, label))

    def ranges(self) -> KeysView[tuple[int, int, str]]:
        """The (start, end, label) of every span, as a live view."""
        return self._by_range.keys()

    def taken_from_candidates(self) -> list[Span]:
        """The spans accepted from a suggestion or adjudicated from an annotator's span."""
        return [self[span_id] for span_id in self._taken]


class AnnotationSet:
    """Spans of one annotator on one document, with an append-only history."""

    def __init__(
        self,
        file: AnnotationFile,
        text: str,
        *,
        tagset: TagSet | None = None,
        clock: Callable[[], str] = utc_now,
        make_id: Callable[[], str] = new_span_id,
    ) -> None:
        self.document: DocumentRef = file.document
        self.annotator: str = file.annotator
        # Who edits are by unless an edit names someone: the annotator, or, in a
        # gold file, the adjudicator working on it.
        self.editor: str = file.annotator
        self.status: Status = file.status
        self.text = text
        self.tagset = tagset
        self.spans = SpanTable(file.spans)
        self.history: list[AuditEvent] = list(file.history)
        # Kept as loaded: records from other tools, and (gold files) rejected candidates.
        self.foreign: list[ForeignRecord] = list(file.foreign)
        self.rejected: list[Rejection] = sorted(file.rejected, key=rejection_sort_key)
        self.orphaned: list[Orphan] = list(file.orphaned)
        self.orphaned_rejected: list[Rejection] = list(file.orphaned_rejected)
        self.schema_version = file.schema_version
        self.version = 0
        self._clock = clock
        self._make_id = make_id
        self._known_ids = set(self.spans) | {event.span for event in self.history}

    @classmethod
    def new(cls, document: Document, annotator: str, **kwargs) -> AnnotationSet:
        ref = DocumentRef(id=document.id, path=document.path, length=document.length, sha256=document.sha256)
        file = AnnotationFile(schema_version=SCHEMA_VERSION, document=ref, annotator=annotator)
        return cls(file, document.text, **kwargs)

    def to_file(self) -> AnnotationFile:
        return AnnotationFile(
            schema_version=self.written_version(),
            document=self.document,
            annotator=self.annotator,
            status=self.status,
            spans=sorted(self.spans.values(), key=span_sort_key),
            history=list(self.history),
            foreign=list(self.foreign),
            rejected=list(self.rejected),
            orphaned=list(self.orphaned),
            orphaned_rejected=list(self.orphaned_rejected),
        )

    def written_version(self) -> int:
        """The schema version to write: the file's own until it holds what only version 2 can
        (a span's context, a re-anchoring mark, an orphan), so an old file read and written
        unedited stays byte for byte."""
        if self.schema_version == SCHEMA_VERSION or self.orphaned or self.orphaned_rejected:
            return SCHEMA_VERSION
        if any(span.prefix is not None or span.reanchored is not None for span in self.spans.values()):
            return SCHEMA_VERSION
        return self.schema_version

    def in_context(self, span: Span) -> Span:
        """`span` with the context the text gives it (annotator.anchoring.text_quote)."""
        prefix, suffix = context_of(self.text, span.start, span.end)
        if (span.prefix, span.suffix) == (prefix, suffix):
            return span
        return span.model_copy(update={"prefix": prefix, "suffix": suffix})

    def now(self) -> str:
        """The time an edit made now would record."""
        return self._clock()

    def set_rejected(self, rejected: list[Rejection]) -> None:
        """Replace the rejected candidates (gold files); kept in a stable order."""
        self.rejected = sorted(rejected, key=rejection_sort_key)
        self.version += 1

    def sorted_spans(self) -> list[Span]:
        return sorted(self.spans.values(), key=span_sort_key)

    def set_status(self, status: Status) -> None:
        if status != self.status:
            self.status = status
            self.version += 1

    # -- edits -------------------------------------------------------------

    def create(
        self,
        start: int,
        end: int,
        label: str,
        *,
        attributes: Mapping[str, AttributeValue] | None = None,
        note: str | None = None,
        origin: Origin = "manual",
        source: str | None = None,
        by: str | None = None,
        span_id: str | None = None,
        group: str | None = None,
        adjudicated_from: list[SourceSpan] | None = None,
    ) -> Span:
        attributes = dict(attributes or {})
        note = note or None  # as set_note: an empty note is no note
        self._check_range(start, end)
        self._check_label(label, attributes)
        if span_id is None:
            span_id = self._fresh_id()
        elif span_id in self.spans:
            raise EditError(f"span id {span_id!r} is already in use")
        if self.spans.holder(start, end, label) is not None:
            raise EditError(f"a {label} span already covers [{start}, {end})")
        after = _valid_state(
            {
                "start": start,
                "end": end,
                "label": label,
                "text": self.text[start:end],
                "attributes": attributes,
                "note": note,
                "group": group,
            }
        )
        event = self._append("create", span_id, None, after, origin, source, by, adjudicated_from)
        span = self.in_context(span_created_by(event))
        self.spans[span_id] = span
        self._known_ids.add(span_id)
        return span

    def relabel(self, span_id: str, label: str, *, by: str | None = None) -> Span:
        span = self._get(span_id)
        if label == span.label:
            return span
        attributes = {k: v for k, v in span.attributes.items() if self._attribute_allowed(label, k, v)}
        self._check_label(label, attributes)
        if self.spans.holder(span.start, span.end, label) not in (None, span_id):
            raise EditError(f"a {label} span already covers [{span.start}, {span.end})")
        return self._update(span, "relabel", {"label": label, "attributes": attributes}, by)

    def resize(self, span_id: str, start: int, end: int, *, by: str | None = None) -> Span:
        span = self._get(span_id)
        if (start, end) == (span.start, span.end):
            return span
        self._check_range(start, end)
        if self.spans.holder(start, end, span.label) not in (None, span_id):
            raise EditError(f"a {span.label} span already covers [{start}, {end})")
        return self._update(span, "resize", {"start": start, "end": end, "text": self.text[start:end]}, by)

    def set_attributes(self, span_id: str, attributes: Mapping[str, AttributeValue], *, by: str | None = None) -> Span:
        span = self._get(span_id)
        attributes = dict(attributes)
        if attributes == span.attributes:
            return span
        self._check_label(span.label, attributes)
        return self._update(span, "attributes", {"attributes": attributes}, by)

    def set_note(self, span_id: str, note: str | None, *, by: str | None = None) -> Span:
        span = self._get(span_id)
        note = note or None
        if note == span.note:
            return span
        return self._update(span, "note", {"note": note}, by)

    def delete(self, span_id: str, *, by: str | None = None) -> Span:
        span = self._get(span_id)
        self._append("delete", span_id, span.state(), None, span.origin, None, by)
        del self.spans[span_id]
        return span

    def bring(self, span_id: str, target: SpanState | None, provenance: Provenance | None = None) -> Span | None:
        """Audited edits that make span `span_id` equal `target` (None: deleted); the span after.

        A span that does not exist yet is created with `provenance` (default: made by
        hand); one that does is relabelled, resized, and given the target's
        attributes and note, each an event of its own, as a person would make them.
        """
        current = self.spans.get(span_id)
        if target is None:
            if current is not None:
                self.delete(span_id)
            return None
        if current is None:
            made = provenance or Provenance()
            return self.create(
                target.start,
                target.end,
                target.label,
                attributes=target.attributes,
                note=target.note,
                origin=made.origin,
                source=made.source,
                span_id=span_id,
                group=target.group,
                adjudicated_from=made.adjudicated_from,
            )
        if target.label != current.label:
            self.relabel(span_id, target.label)
        if (target.start, target.end) != (current.start, current.end):
            self.resize(span_id, target.start, target.end)
        self.set_attributes(span_id, target.attributes)
        return self.set_note(span_id, target.note)

    def reanchor(
        self,
        document: Document,
        placements: Sequence[Placement],
        *,
        rejections: Sequence[Placement] = (),
        by: str | None = None,
    ) -> list[str]:
        """Carry the spans onto `document`, the new text of this set's document, as
        `placements` (annotator.anchoring.outcome.place_spans) say; the ids of spans orphaned
        here because another span of their label took their new place.

        Each move is a "reanchor" event (before and after); a changed span is marked
        `reanchored` with its old place and text, for review; an orphaned one leaves `spans`
        by an "orphan" event and is kept in `orphaned` as it was. The document reference,
        the text and every span's context are then the new document's. `rejections` place the
        rejected candidates (ids "0", "1", ... in the order of `rejected`); one with no place
        moves to `orphaned_rejected`, as it was."""
        at = self._clock()
        old = {p.id: self._get(p.id) for p in placements}
        moving = [p for p in placements if p.outcome in (Outcome.MOVED, Outcome.CHANGED)]
        for placement in moving:  # out of the range index first: two spans may trade places
            del self.spans[placement.id]
        self.text = document.text
        self.document = DocumentRef(id=document.id, path=document.path, length=document.length, sha256=document.sha256)
        crowded = []
        for placement in placements:
            span = old[placement.id]
            if placement.outcome is Outcome.ORPHANED:
                self._orphan(span, placement.reason, at, by)
            elif placement.outcome is not Outcome.UNCHANGED:
                assert placement.start is not None and placement.end is not None
                if self.spans.holder(placement.start, placement.end, span.label) is not None:
                    self.spans[span.id] = span  # put back, to leave by the trail
                    self._orphan(span, f"another {span.label} span is already at its new place", at, by)
                    crowded.append(span.id)
                    continue
                self._move(span, placement, at, by)
        for span_id, span in list(self.spans.items()):
            self.spans[span_id] = self.in_context(span)
        if rejections:
            placed, lost = _placed_rejections(self.rejected, rejections)
            self.rejected = sorted(placed, key=rejection_sort_key)
            self.orphaned_rejected += lost
        self.version += 1
        return crowded

    def set_reanchored(self, span_id: str, mark: Reanchored | None) -> Span:
        """Mark a span as placed on changed text (a Reanchored), or clear the mark once a person
        has reviewed it. The span's own content does not change, so there is no event."""
        span = self._get(span_id)
        if span.reanchored == mark:
            return span
        updated = span.model_copy(update={"reanchored": mark})
        self.spans[span_id] = updated
        self.version += 1
        return updated

    def restore_orphan(self, number: int, start: int, end: int) -> Span:
        """Place orphan `number` at `[start, end)` of the text, where a person says it belongs: it
        comes back with its id, label, attributes, note and provenance, by a create event."""
        orphan = self.orphaned[number]
        old = orphan.span
        self._check_range(start, end)
        target = _valid_state({**old.state().model_dump(), "start": start, "end": end, "text": self.text[start:end]})
        span = self.bring(old.id, target, Provenance.of(old))
        assert span is not None  # bring returns the span for any target that is not None
        self.orphaned = [item for index, item in enumerate(self.orphaned) if index != number]
        return span

    def set_orphaned(self, orphaned: list[Orphan]) -> None:
        """Replace the orphaned spans (a person dropped one, or an undo put it back)."""
        self.orphaned = list(orphaned)
        self.version += 1

    def _move(self, span: Span, placement: Placement, at: str, by: str | None) -> None:
        changes = {"start": placement.start, "end": placement.end, "text": placement.text}
        after = _valid_state({**span.state().model_dump(), **changes})
        event = self._append("reanchor", span.id, span.state(), after, span.origin, None, by)
        update = {**changes, "modified_by": event.by, "modified_at": event.at}
        if placement.outcome is Outcome.CHANGED:
            update["reanchored"] = Reanchored(
                start=span.start, end=span.end, text=span.text, score=min(1.0, placement.score or 0.0), at=at
            )
        self.spans[span.id] = span.model_copy(update=update)

    def _orphan(self, span: Span, reason: str, at: str, by: str | None) -> None:
        event = self._append("orphan", span.id, span.state(), None, span.origin, None, by)
        del self.spans[span.id]
        self.orphaned.append(Orphan(span=span, reason=reason or "no place on the new text", at=at, by=event.by))

    def apply_event(self, event: AuditEvent) -> None:
        """Replay an event recorded elsewhere (the recovery journal) onto this set.

        The event must continue the hash chain, follow from the current spans by
        the trail's rules (model.audit.replay_event, which the validator replays
        trails by too), and leave a span of this document's text that duplicates
        no other. Nothing changes if it does not.
        """
        seq = event.seq
        previous = self.history[-1].hash if self.history else GENESIS_HASH
        if seq != len(self.history) + 1:
            raise EditError(f"event {seq} does not follow event {len(self.history)}")
        if chain_hash(previous, event_body(event)) != event.hash:
            raise EditError(f"event {seq} does not chain to the one before it")
        if self.history and _earlier(event.at, self.history[-1].at):
            raise EditError(f"event {seq} is dated {event.at}, before event {seq - 1} ({self.history[-1].at})")
        current = self.spans.get(event.span)
        step = replay_event(event, current.state() if current is not None else None)
        if step.problem is not None:
            raise EditError(f"event {seq}: {step.problem.message}")
        if step.state is None:
            del self.spans[event.span]
        else:
            if step.changed & PLACEMENT_FIELDS:
                self._check_placement(step.state, event)
            if current is None:
                self.spans[event.span] = self.in_context(span_created_by(event))
            else:
                replayed = current.model_copy(
                    update={**step.state.model_dump(), "modified_by": event.by, "modified_at": event.at}
                )
                self.spans[event.span] = self.in_context(replayed) if step.changed & PLACEMENT_FIELDS else replayed
        self.history.append(event)
        self._known_ids.add(event.span)
        self.version += 1

    def _check_placement(self, state: SpanState, event: AuditEvent) -> None:
        """A replayed span must lie on this document's text and duplicate no other span."""
        if not 0 <= state.start < state.end <= len(self.text):
            raise EditError(
                f"event {event.seq}: span [{state.start}, {state.end}) is empty or outside the document "
                f"(length {len(self.text)})"
            )
        if self.text[state.start : state.end] != state.text:
            raise EditError(
                f"event {event.seq}: span text {state.text!r} differs from the document at [{state.start}, {state.end})"
            )
        if self.spans.holder(state.start, state.end, state.label) not in (None, event.span):
            raise EditError(f"event {event.seq}: a {state.label} span already covers [{state.start}, {state.end})")

    # -- internals ---------------------------------------------------------

    def _update(self, span: Span, op: Operation, changes: dict, by: str | None) -> Span:
        before = span.state()
        # model_copy does not validate; without a tag set a label like "Bad" would get through.
        after = _valid_state({**before.model_dump(), **changes})
        event = self._append(op, span.id, before, after, "manual", None, by)
        updated = span.model_copy(update={**changes, "modified_by": event.by, "modified_at": event.at})
        if "start" in changes:
            updated = self.in_context(updated)
        self.spans[span.id] = updated
        return updated

    def _append(
        self,
        op: Operation,
        span_id: str,
        before: SpanState | None,
        after: SpanState | None,
        origin: Origin,
        source: str | None,
        by: str | None,
        adjudicated_from: list[SourceSpan] | None = None,
    ) -> AuditEvent:
        at = self._clock()
        # A clock step backwards must not reorder the trail. Compare instants, not
        # strings: "...:00Z" sorts after "...:00.5Z" as text.
        if self.history and _earlier(at, self.history[-1].at):
            at = self.history[-1].at
        previous = self.history[-1].hash if self.history else GENESIS_HASH
        try:
            event = AuditEvent(
                seq=len(self.history) + 1,
                at=at,
                by=by or self.editor,
                op=op,
                span=span_id,
                origin=origin,
                source=source,
                adjudicated_from=adjudicated_from,
                before=before,
                after=after,
                hash=GENESIS_HASH,
            )
        except ValidationError as err:  # a malformed span id, name or timestamp
            raise EditError(_first_error(err)) from None
        event = event.model_copy(update={"hash": chain_hash(previous, event_body(event))})
        self.history.append(event)
        self.version += 1
        return event

    def _get(self, span_id: str) -> Span:
        try:
            return self.spans[span_id]
        except KeyError:
            raise EditError(f"no span with id {span_id!r}") from None

    def _fresh_id(self) -> str:
        while (candidate := self._make_id()) in self._known_ids:
            pass
        return candidate

    def _check_range(self, start: int, end: int) -> None:
        if not 0 <= start < end <= len(self.text):
            raise EditError(f"span [{start}, {end}) is empty or outside the document (length {len(self.text)})")

    def _check_label(self, label: str, attributes: Mapping[str, AttributeValue]) -> None:
        if self.tagset is None:
            return
        if label not in self.tagset:
            raise EditError(f"unknown label {label!r} (tag set: {', '.join(self.tagset.names())})")
        problems = self.tagset.attribute_problems(label, attributes)
        if problems:
            raise EditError("; ".join(message for _, message in problems))

    def _attribute_allowed(self, label: str, name: str, value: AttributeValue) -> bool:
        # An attribute of the same name but another type on the new label is dropped too.
        if self.tagset is None:
            return True
        spec = self.tagset.get(label)
        attribute = spec.attributes.get(name) if spec is not None else None
        return attribute is not None and attribute.problem(value) is None
