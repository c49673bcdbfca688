"""Merging two versions of one annotation file that share a history: the
session's ("mine") and the one found on disk ("theirs").

The audit trail says where they part: the longest common prefix of the two
trails, compared by event hash, is the base. If one trail simply continues
the other, nothing needs merging: the longer one is the result, every event
kept as it was (a fast-forward; an older copy of the file put back over it,
say, is caught up by the session).

Otherwise, spans are independent records, so the merge goes span by span
(three-way, by span id): a span only one side changed takes that side's
version; a span both changed the same way is that version; a span both
changed differently is a conflict, and `prefer` decides which side wins
(the person chooses; the result lists every such span). The result is
theirs with my net changes applied on top as new audited edits by me, so
its trail replays: their events first, untouched, then mine. Status and
rejected candidates (gold files) are not in the trail: when the statuses
differ `prefer` decides, and rejections, which only accumulate, are united.

Pure model code: no files, no UI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from annotator.model.annotation import AnnotationFile, AuditEvent, SpanState
from annotator.model.document import Document
from annotator.model.editing import AnnotationSet, EditError, Provenance, utc_now
from annotator.model.tagset import TagSet


class Side(StrEnum):
    MINE = "mine"
    THEIRS = "theirs"


@dataclass(frozen=True, slots=True)
class SpanConflict:
    """A span both sides changed, differently; `winner` is the side kept."""

    span: str
    mine: SpanState | None  # None: deleted on that side
    theirs: SpanState | None
    winner: Side


@dataclass
class MergeResult:
    annotations: AnnotationSet
    fast_forward: bool  # one side's trail continued the other's: nothing was rebased
    common: int  # events both trails share
    mine_only: int  # events only mine had
    theirs_only: int  # events only theirs had
    conflicts: list[SpanConflict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # my changes that could not be applied, and why

    def summary(self) -> str:
        if self.fast_forward:
            return f"caught up: {self.mine_only or self.theirs_only} event(s) on top of {self.common} shared"
        parts = [f"{self.theirs_only} change(s) of theirs and {self.mine_only} of mine merged"]
        if self.conflicts:
            won = {side: sum(c.winner == side for c in self.conflicts) for side in Side}
            parts.append(f"{len(self.conflicts)} span(s) changed on both sides ({won[Side.MINE]} kept as mine)")
        if self.skipped:
            parts.append(f"{len(self.skipped)} change(s) of mine not applied")
        return "; ".join(parts)


def common_prefix(mine: list[AuditEvent], theirs: list[AuditEvent]) -> int:
    """How many leading events the two trails share (equal hashes)."""
    count = 0
    for a, b in zip(mine, theirs, strict=False):
        if a.hash != b.hash:
            break
        count += 1
    return count


def merge(
    mine: AnnotationSet,
    theirs: AnnotationFile,
    document: Document,
    tagset: TagSet | None,
    *,
    prefer: Side = Side.MINE,
    editor: str | None = None,
    clock: Callable[[], str] = utc_now,
) -> MergeResult:
    """Merge the session's annotations with the version on disk (see the module docstring)."""
    common = common_prefix(mine.history, theirs.history)
    mine_only, theirs_only = len(mine.history) - common, len(theirs.history) - common
    if theirs_only == 0 or mine_only == 0:
        winner = mine if theirs_only == 0 else AnnotationSet(theirs, document.text, tagset=tagset, clock=clock)
        winner.editor = editor or mine.editor
        return MergeResult(winner, True, common, mine_only, theirs_only)
    base = _replay(mine.history[:common], mine.to_file(), document, tagset)
    result = AnnotationSet(theirs, document.text, tagset=tagset, clock=clock)
    result.editor = editor or mine.editor
    outcome = MergeResult(result, False, common, mine_only, theirs_only)
    mine_spans = {span_id: span.state() for span_id, span in mine.spans.items()}
    theirs_spans = {span_id: span.state() for span_id, span in result.spans.items()}
    for span_id in sorted(set(base) | set(mine_spans) | set(theirs_spans)):
        b, m, t = base.get(span_id), mine_spans.get(span_id), theirs_spans.get(span_id)
        if m == b or m == t:
            continue  # only theirs changed it, or both the same way: theirs already has it
        if t != b:
            outcome.conflicts.append(SpanConflict(span_id, m, t, prefer))
            if prefer is Side.THEIRS:
                continue
        provenance = Provenance.of(mine.spans[span_id]) if m is not None else None
        try:
            result.bring(span_id, m, provenance)
        except EditError as err:
            outcome.skipped.append(f"span {span_id}: {err}")
    _merge_status_and_rejections(outcome, mine, prefer)
    return outcome


def _replay(
    events: list[AuditEvent], like: AnnotationFile, document: Document, tagset: TagSet | None
) -> dict[str, SpanState]:
    """Span states after `events`, replayed from nothing."""
    empty = like.model_copy(update={"spans": [], "history": [], "foreign": [], "rejected": []})
    replayed = AnnotationSet(empty, document.text, tagset=tagset)
    for event in events:
        replayed.apply_event(event)
    return {span_id: span.state() for span_id, span in replayed.spans.items()}


def _merge_status_and_rejections(outcome: MergeResult, mine: AnnotationSet, prefer: Side) -> None:
    """The status is not in the trail, so there is no base to compare with: when
    the sides differ, `prefer` decides. Rejections only accumulate: their union."""
    result = outcome.annotations
    if mine.status != result.status and prefer is Side.MINE:
        result.set_status(mine.status)
    known = {(item.annotator, item.span) for item in result.rejected}
    added = [item for item in mine.rejected if (item.annotator, item.span) not in known]
    if added:
        result.set_rejected([*result.rejected, *added])
