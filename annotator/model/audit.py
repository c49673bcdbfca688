"""The audit trail: its hash chain, and the rules by which it is replayed.

Each event's hash is SHA-256 over the previous event's hash and the event's
canonical JSON (sorted keys, no nulls). Editing, dropping or reordering any
event breaks every hash after it, so the trail cannot be rewritten silently.

`replay_event` is the one statement of how an event follows from the span it
changes: a create has no 'before' and makes a span that did not exist, a
change or delete finds the span as its 'before' says, a delete (or an
orphan, which re-anchoring records when a span finds no place on a changed
document) has no 'after', and an operation changes only its own fields. The validator
(validation.audit_rules) replays whole trails with it, reporting each break
and going on; the editor (AnnotationSet.apply_event) replays the recovery
journal with it, refusing the first break.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from annotator.model.annotation import AuditEvent, SpanState

GENESIS_HASH = "0" * 64

# The span fields each update operation may change (create and delete change all).
FIELDS_CHANGED_BY: dict[str, frozenset[str]] = {
    "relabel": frozenset({"label", "attributes"}),
    "resize": frozenset({"start", "end", "text"}),
    "attributes": frozenset({"attributes"}),
    "note": frozenset({"note"}),
    # The document changed under the span: it moved, or was placed on the text that replaced it.
    "reanchor": frozenset({"start", "end", "text"}),
}
# Operations that take a span out of `spans`: deleted by a person, or orphaned by re-anchoring
# (kept in the file's `orphaned` list).
REMOVING = frozenset({"delete", "orphan"})


STATE_FIELDS = ("start", "end", "label", "text", "attributes", "note", "group")
# The fields that place a span on the text; an event that changes one must land on the document.
PLACEMENT_FIELDS = frozenset({"start", "end", "text", "label"})


@dataclass(frozen=True, slots=True)
class TrailBreak:
    """Why an event does not follow from the span it changes. `field` is the event's
    field at fault ("span", "before", "after"), or None for the event as a whole."""

    message: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One event replayed onto the state of its span.

    `applied`: whether the trail goes on from this event (False when it creates
    a span that exists or changes one that does not). `state`: the span's state
    after it, None when deleted. `changed`: the fields it changes.
    """

    applied: bool
    state: SpanState | None
    changed: frozenset[str] = frozenset()
    problem: TrailBreak | None = None


def replay_event(event: AuditEvent, current: SpanState | None) -> Step:
    """Replay one event onto `current`, the state of its span (None: no such span).

    An event that breaks a rule is still applied where the trail can go on from
    it (a 'before' that does not match, an operation that changes other fields),
    so that one bad event is one finding and later events are checked against
    what it recorded.
    """
    if event.op == "create":
        if current is not None:
            return Step(
                False, current, problem=TrailBreak(f"creates span {event.span!r}, which already exists", "span")
            )
        if event.before is not None:
            return Step(False, None, problem=TrailBreak("a create event must not have a 'before'", "before"))
        if event.after is None:
            return Step(False, None, problem=TrailBreak("a create event needs an 'after'"))
        return Step(True, event.after, frozenset(STATE_FIELDS))
    if current is None:
        return Step(
            False,
            None,
            problem=TrailBreak(f"{event.op} of span {event.span!r}, which does not exist at this point", "span"),
        )
    problem = None
    if event.before != current:
        problem = TrailBreak(
            f"'before' of this {event.op} does not match span {event.span!r} as the trail left it", "before"
        )
    if event.op in REMOVING:
        if event.after is not None and problem is None:
            problem = TrailBreak(f"a {event.op} event must not have an 'after'", "after")
        return Step(True, None, frozenset(STATE_FIELDS), problem)
    if event.after is None:
        return Step(True, current, problem=problem or TrailBreak(f"a {event.op} event needs an 'after'"))
    before = event.before if event.before is not None else current
    changed = frozenset(name for name in STATE_FIELDS if getattr(before, name) != getattr(event.after, name))
    unexpected = changed - FIELDS_CHANGED_BY[event.op]
    if unexpected and problem is None:
        problem = TrailBreak(f"a {event.op} event may not change {', '.join(sorted(unexpected))}", "after")
    return Step(True, event.after, changed, problem)


def event_body(event: AuditEvent | dict[str, Any]) -> dict[str, Any]:
    if isinstance(event, dict):
        return _drop_nulls({key: value for key, value in event.items() if key != "hash"})
    return event.model_dump(mode="json", exclude={"hash"}, exclude_none=True)


def chain_hash(previous: str, body: dict[str, Any]) -> str:
    """`body` must be null-free, as event_body() returns it."""
    digest = hashlib.sha256(previous.encode("ascii"))
    digest.update(orjson.dumps(body, option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _drop_nulls(item) for key, item in value.items() if item is not None}
    return value


def verify_chain(events: Iterable[AuditEvent]) -> Iterator[tuple[int, str, str]]:
    """Yield (index, expected, found) for each event whose hash does not match."""
    previous = GENESIS_HASH
    for index, event in enumerate(events):
        expected = chain_hash(previous, event_body(event))
        if expected != event.hash:
            yield index, expected, event.hash
        previous = event.hash
