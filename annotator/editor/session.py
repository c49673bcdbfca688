"""The editing session behind the document view: cursor, selection, tagging,
span edits and undo/redo. Plain Python, so every behaviour is testable
without a terminal."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.editor.span_index import SpanIndex
from annotator.model.annotation import AttributeValue, Orphan, Reanchored, Rejection, Span, SpanState
from annotator.model.editing import AnnotationSet, EditError, Provenance
from annotator.model.tagset import TagSet
from annotator.prose import token_at, trim, word_at

if TYPE_CHECKING:
    from annotator.review.adjudication import Candidate


def adjudicated(candidate: Candidate) -> Provenance:
    """A gold span accepted from annotators' spans."""
    return Provenance("adjudicated", None, list(candidate.sources))


@dataclass(frozen=True, slots=True)
class Step:
    """One span going from `before` to `after` (None: absent)."""

    span_id: str
    before: SpanState | None
    after: SpanState | None


@dataclass(frozen=True, slots=True)
class Change:
    """What an edit touched, so that views repaint and update only that."""

    ranges: tuple[tuple[int, int], ...]
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    description: str = ""


@dataclass
class _Command:
    description: str
    steps: list[Step] = field(default_factory=list)
    # Gold files: the rejected candidates before and after the command.
    rejected: tuple[list[Rejection], list[Rejection]] | None = None
    # A re-anchored span reviewed: its id and the mark it had (None after).
    reviewed: tuple[str, Reanchored] | None = None
    # The spans re-anchoring orphaned, before and after the command.
    orphaned: tuple[list[Orphan], list[Orphan]] | None = None


class EditorSession:
    """Spans of one document plus the cursor and the undo history."""

    def __init__(self, annotations: AnnotationSet, tagset: TagSet) -> None:
        self.annotations = annotations
        self.text = annotations.text
        self.tagset = tagset
        self.index = SpanIndex(annotations.spans.values())
        self.cursor = 0
        self.anchor: int | None = None
        self.marking = False  # after set_mark, plain moves extend the selection
        self._undo: list[_Command] = []
        self._redo: list[_Command] = []
        self._listeners: list[Callable[[Change], None]] = []
        # Origin, source and adjudication sources of deleted spans, so that undoing
        # a delete brings an imported, suggested or adjudicated span back as it was.
        self._origins: dict[str, Provenance] = {}

    @classmethod
    def empty(cls, tagset: TagSet) -> EditorSession:
        """A session on an empty text, shown before the first document opens."""
        from annotator.model.document import Document, DocumentMeta, text_sha256

        document = Document("-", "", DocumentMeta("empty"), text_sha256(""))
        return cls(AnnotationSet.new(document, "nobody", tagset=tagset), tagset)

    # -- observers ---------------------------------------------------------

    def subscribe(self, listener: Callable[[Change], None]) -> None:
        self._listeners.append(listener)

    def _emit(self, change: Change) -> None:
        for listener in self._listeners:
            listener(change)

    # -- cursor and selection ----------------------------------------------

    @property
    def selection(self) -> tuple[int, int] | None:
        if self.anchor is None or self.anchor == self.cursor:
            return None
        return (min(self.anchor, self.cursor), max(self.anchor, self.cursor))

    def move_to(self, offset: int, *, extend: bool = False) -> None:
        offset = max(0, min(offset, len(self.text)))
        if extend or self.marking:
            if self.anchor is None:
                self.anchor = self.cursor
        else:
            self.anchor = None
        self.cursor = offset

    def set_mark(self) -> None:
        """Start a selection at the cursor (for terminals without shift+arrows):
        until the selection is cleared or used, every move extends it."""
        self.anchor = self.cursor
        self.marking = True

    def clear_selection(self) -> None:
        self.anchor = None
        self.marking = False

    def select(self, start: int, end: int) -> None:
        self.anchor, self.cursor = start, end
        self.marking = False

    def select_word(self) -> bool:
        found = word_at(self.text, self.cursor)
        if found is None:
            return False
        self.select(*found)
        return True

    def spans_at_cursor(self) -> list[Span]:
        return self.index.at(self.cursor)

    # -- edits ---------------------------------------------------------------

    def target_range(self) -> tuple[int, int] | None:
        """The trimmed selection, or the token under the cursor."""
        selected = self.selection
        if selected is None:
            selected = token_at(self.text, self.cursor)
            if selected is None:
                return None
        start, end = trim(self.text, *selected)
        return (start, end) if start < end else None

    def tag(self, label: str) -> Span:
        target = self.target_range()
        if target is None:
            raise EditError("nothing to tag here: select text or put the cursor on a word")
        start, end = target
        command = _Command(f"tag {label}")
        span = self._create(command, start, end, label)
        self.anchor = None
        self.marking = False
        self._commit(command, Change(((start, end),), added=(span.id,), description=command.description))
        return span

    def delete(self, span_id: str) -> None:
        span = self._span(span_id)
        command = _Command(f"delete {span.label}")
        self._transition(command, span_id, None)
        self._commit(command, Change(((span.start, span.end),), removed=(span_id,), description=command.description))

    def relabel(self, span_id: str, label: str) -> Span:
        span = self._span(span_id)
        target = span.state().model_copy(
            update={
                "label": label,
                "attributes": {k: v for k, v in span.attributes.items() if self._allows(label, k, v)},
            }
        )
        return self._edit(span, target, f"relabel {span.label} → {label}")

    def resize(self, span_id: str, start: int, end: int) -> Span:
        span = self._span(span_id)
        start, end = trim(self.text, start, end)
        if start >= end:
            raise EditError("a span cannot shrink to nothing; delete it instead")
        target = span.state().model_copy(update={"start": start, "end": end, "text": self.text[start:end]})
        return self._edit(span, target, f"resize {span.label}")

    def set_details(self, span_id: str, note: str | None, attributes: Mapping[str, AttributeValue]) -> Span:
        span = self._span(span_id)
        target = span.state().model_copy(update={"note": note or None, "attributes": dict(attributes)})
        return self._edit(span, target, f"edit {span.label} details")

    # -- adjudication (gold files) -------------------------------------------

    def accept(
        self,
        candidates: Sequence[Candidate],
        description: str,
        provenance: Callable[[Candidate], Provenance] = adjudicated,
    ) -> list[Span]:
        """Make spans of candidates (annotators' spans, or suggestions), as one undoable change.

        Each span records where it came from, as `provenance` gives it: by
        default origin 'adjudicated' with the annotators' spans (gold files).
        A candidate whose range and label the file has already is refused with
        EditError when it is the only one; in a bulk accept it is skipped.
        """
        holder = self.annotations.spans.holder
        todo = [c for c in candidates if holder(c.start, c.end, c.label) is None]
        if not todo:
            if len(candidates) == 1:
                c = candidates[0]
                raise EditError(f"the file already has a {c.label} span on [{c.start}, {c.end})")
            return []
        command = _Command(description)
        created = []
        for candidate in todo:
            made = provenance(candidate)
            span = self.annotations.create(
                candidate.start,
                candidate.end,
                candidate.label,
                attributes=candidate.gold_attributes(),
                origin=made.origin,
                source=made.source,
                adjudicated_from=made.adjudicated_from,
            )
            self.index.add(span)
            command.steps.append(Step(span.id, None, span.state()))
            created.append(span)
        ranges = tuple((span.start, span.end) for span in created)
        self._commit(command, Change(ranges, added=tuple(span.id for span in created), description=description))
        return created

    def reject(self, rejections: Sequence[Rejection], description: str) -> None:
        """Record candidates (annotators' spans, or suggestions) as rejected, as one undoable change."""
        before = self.annotations.rejected
        known = {(item.annotator, item.span) for item in before}
        new = [item for item in rejections if (item.annotator, item.span) not in known]
        if not new:
            return
        self.annotations.set_rejected([*before, *new])
        command = _Command(description, rejected=(before, self.annotations.rejected))
        self._commit(command, self._change_for([], description, command.rejected))

    def accept_reanchored(self, span_id: str) -> str:
        """Accept a span re-anchoring placed on changed text, as it is now: its mark is cleared,
        as one undoable change. EditError if it has no mark."""
        span = self._span(span_id)
        if span.reanchored is None:
            raise EditError("this span was not re-anchored: nothing to review")
        description = "accept re-anchored span"
        command = _Command(description, reviewed=(span_id, span.reanchored))
        self.index.replace(self.annotations.set_reanchored(span_id, None))
        self._commit(command, Change(((span.start, span.end),), updated=(span_id,), description=description))
        return description

    def restore_orphan(self, number: int) -> Span:
        """Place orphan `number` on the selection, as one undoable change. EditError without one."""
        if self.selection is None:
            raise EditError("select where the span belongs first, then place it")
        start, end = self.selection
        before = list(self.annotations.orphaned)
        command = _Command("place an orphaned span")
        span = self.annotations.restore_orphan(number, start, end)
        self.index.add(span)
        command.steps.append(Step(span.id, None, span.state()))
        command.orphaned = (before, list(self.annotations.orphaned))
        self._commit(command, self._change_for(command.steps, command.description))
        return span

    def drop_orphan(self, number: int) -> str:
        """Let orphan `number` go (it stays in the audit trail), as one undoable change."""
        before = list(self.annotations.orphaned)
        after = [item for index, item in enumerate(before) if index != number]
        self.annotations.set_orphaned(after)
        command = _Command("drop an orphaned span", orphaned=(before, after))
        self._commit(command, Change((), description=command.description))
        return command.description

    def _apply_review(self, command: _Command, undo: bool) -> tuple[tuple[int, int], ...]:
        """Put a reviewed span's mark back (undo) or clear it again (redo); the range it repaints."""
        if command.orphaned is not None:
            self.annotations.set_orphaned(command.orphaned[0] if undo else command.orphaned[1])
        if command.reviewed is None:
            return ()
        span_id, mark = command.reviewed
        span = self.annotations.set_reanchored(span_id, mark if undo else None)
        self.index.replace(span)
        return ((span.start, span.end),)

    def undo(self) -> str | None:
        if not self._undo:
            return None
        command = self._undo.pop()
        replay = _Command(command.description)
        try:
            for step in reversed(command.steps):
                self._transition(replay, step.span_id, step.before)
        except EditError:
            self._undo.append(command)  # not lost: the user can fix what blocks it and retry
            self._emit_partial(replay, f"undo {command.description}")
            raise
        if command.rejected is not None:
            self.annotations.set_rejected(command.rejected[0])
        reviewed = self._apply_review(command, undo=True)
        self._redo.append(command)
        self._emit(self._change_for(replay.steps, f"undo {command.description}", command.rejected, reviewed))
        return command.description

    def redo(self) -> str | None:
        if not self._redo:
            return None
        command = self._redo.pop()
        replay = _Command(command.description)
        try:
            for step in command.steps:
                self._transition(replay, step.span_id, step.after)
        except EditError:
            self._redo.append(command)
            self._emit_partial(replay, f"redo {command.description}")
            raise
        if command.rejected is not None:
            self.annotations.set_rejected(command.rejected[1])
        reviewed = self._apply_review(command, undo=False)
        self._undo.append(command)
        self._emit(self._change_for(replay.steps, f"redo {command.description}", command.rejected, reviewed))
        return command.description

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    # -- internals -----------------------------------------------------------

    def _edit(self, span: Span, target: SpanState, description: str) -> Span:
        if target == span.state():
            return span
        command = _Command(description)
        self._transition(command, span.id, target)
        updated = self.annotations.spans[span.id]
        ranges = ((span.start, span.end), (updated.start, updated.end))
        self._commit(command, Change(ranges, updated=(span.id,), description=description))
        return updated

    def _emit_partial(self, replay: _Command, description: str) -> None:
        if replay.steps:
            self._emit(self._change_for(replay.steps, description))

    def _commit(self, command: _Command, change: Change) -> None:
        if command.steps or command.rejected is not None or command.reviewed is not None or command.orphaned:
            self._undo.append(command)
            self._redo.clear()
            self._emit(change)

    def _create(self, command: _Command, start: int, end: int, label: str) -> Span:
        span = self.annotations.create(start, end, label)
        self.index.add(span)
        command.steps.append(Step(span.id, None, span.state()))
        return span

    def _transition(self, command: _Command, span_id: str, target: SpanState | None) -> None:
        """Bring one span to `target` through audited edits."""
        aset = self.annotations
        current = aset.spans.get(span_id)
        before = current.state() if current is not None else None
        if target is None:
            if current is None:
                return
            aset.bring(span_id, None)
            self.index.remove(span_id)
            self._origins[span_id] = Provenance.of(current)
        elif current is None:
            self.index.add(aset.bring(span_id, target, self._origins.get(span_id)))
        else:
            # Up to four audited edits make one change: check it whole first, so
            # that a refused change leaves no half of itself behind.
            self._check_update(current, target)
            try:
                aset.bring(span_id, target)
            finally:
                self.index.replace(aset.spans[span_id])
        command.steps.append(Step(span_id, before, target))

    def _check_update(self, current: Span, target: SpanState) -> None:
        """Raise EditError if `current` cannot become `target` (what the AnnotationSet would refuse)."""
        relabel = target.label != current.label
        if relabel or target.attributes != current.attributes:
            if target.label not in self.tagset:
                raise EditError(f"unknown label {target.label!r} (tag set: {', '.join(self.tagset.names())})")
            problems = self.tagset.attribute_problems(target.label, target.attributes)
            if problems:
                raise EditError("; ".join(message for _, message in problems))
        moved = (target.start, target.end) != (current.start, current.end)
        if moved and not 0 <= target.start < target.end <= len(self.text):
            raise EditError(
                f"span [{target.start}, {target.end}) is empty or outside the document (length {len(self.text)})"
            )
        # Relabelled first, then resized: neither step may duplicate another span.
        ranges = set()
        if relabel:
            ranges.add((current.start, current.end))
        if relabel or moved:
            ranges.add((target.start, target.end))
        for start, end in ranges:
            for other in self.index.overlapping(start, end):
                if other.id != current.id and (other.start, other.end, other.label) == (start, end, target.label):
                    raise EditError(f"a {target.label} span already covers [{start}, {end})")

    def _change_for(
        self,
        steps: list[Step],
        description: str,
        rejected: tuple[list[Rejection], list[Rejection]] | None = None,
        reviewed: tuple[tuple[int, int], ...] = (),
    ) -> Change:
        ranges, added, removed, updated = list(reviewed), [], [], []
        if rejected is not None:
            ranges.extend((item.start, item.end) for item in set(rejected[0]) ^ set(rejected[1]))
        for step in steps:
            for state in (step.before, step.after):
                if state is not None:
                    ranges.append((state.start, state.end))
            if step.before is None:
                added.append(step.span_id)
            elif step.after is None:
                removed.append(step.span_id)
            else:
                updated.append(step.span_id)
        return Change(tuple(ranges), tuple(added), tuple(removed), tuple(updated), description)

    def _span(self, span_id: str) -> Span:
        try:
            return self.annotations.spans[span_id]
        except KeyError:
            raise EditError(f"no span with id {span_id!r}") from None

    def _allows(self, label: str, name: str, value: AttributeValue) -> bool:
        """May `label` keep this attribute? Not if the name is unknown to it, nor if
        it takes another type of value under that name (as AnnotationSet.relabel)."""
        spec = self.tagset.get(label)
        attribute = spec.attributes.get(name) if spec is not None else None
        return attribute is not None and attribute.problem(value) is None
