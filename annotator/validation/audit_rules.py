"""Check that the audit trail is intact and reproduces the spans exactly.

The trail is replayed by the model's rules (model.audit.replay_event), the
same ones the editor replays its recovery journal by; this module turns each
break into a finding and goes on.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.model.annotation import AuditEvent, Span, SpanState
from annotator.model.audit import STATE_FIELDS, replay_event, verify_chain
from annotator.validation.findings import Problem, clip


def _state(item: Span | SpanState) -> tuple:
    return (item.start, item.end, item.label, item.text, item.attributes, item.note, item.group)


class _Live:
    __slots__ = ("created", "index", "last", "state")

    def __init__(self, state: SpanState, created: AuditEvent, index: int) -> None:
        self.state = state
        self.created = created
        self.last = created
        self.index = index


def check_audit(spans: Sequence[Span], history: Sequence[AuditEvent]) -> list[Problem]:
    problems: list[Problem] = []
    for index, expected, _found in verify_chain(history):
        problems.append(
            Problem(
                "A501",
                f"audit event {index + 1} does not chain to the one before it (expected hash {expected[:12]}…): "
                "the trail was edited, reordered or cut",
                ("history", index, "hash"),
            )
        )
    live: dict[str, _Live] = {}
    for index, event in enumerate(history):
        where = ("history", index)
        if event.seq != index + 1:
            problems.append(Problem("A502", f"audit event {index + 1} is numbered {event.seq}", (*where, "seq")))
        problem = _apply(event, live, index)
        if problem is not None:
            problems.append(Problem("A503", problem[0], (*where, *problem[1])))
    matched: set[str] = set()
    for index, span in enumerate(spans):
        where = ("spans", index)
        if span.id in matched:
            continue  # a second span with the same id is A405, not a span without a trail
        matched.add(span.id)
        entry = live.pop(span.id, None)
        if entry is None:
            problems.append(Problem("A505", f"span {span.id!r} has no create event in the audit trail", (*where, "id")))
            continue
        state, trail = _state(span), _state(entry.state)
        if state != trail:
            changed = [name for name, a, b in zip(STATE_FIELDS, state, trail, strict=True) if a != b]
            problems.append(
                Problem(
                    "A504",
                    f"span {span.id!r} differs from its audit trail in {', '.join(changed)}: "
                    f"the trail gives {_describe(trail, changed)}",
                    (*where, changed[0]),
                )
            )
        created, last = entry.created, entry.last
        if (span.created_by, span.created_at) != (created.by, created.at):
            problems.append(
                Problem(
                    "A506",
                    f"span {span.id!r} says created by {span.created_by} at {span.created_at}; "
                    f"the trail says {created.by} at {created.at}",
                    (*where, "created_by"),
                )
            )
        if (span.modified_by, span.modified_at) != (last.by, last.at):
            problems.append(
                Problem(
                    "A506",
                    f"span {span.id!r} says modified by {span.modified_by} at {span.modified_at}; "
                    f"the trail says {last.by} at {last.at}",
                    (*where, "modified_by"),
                )
            )
        if (span.origin, span.source, span.adjudicated_from) != (
            created.origin,
            created.source,
            created.adjudicated_from,
        ):
            problems.append(
                Problem(
                    "A506",
                    f"span {span.id!r} has origin {span.origin!r}; the trail created it as {created.origin!r}",
                    (*where, "origin"),
                )
            )
    for span_id, entry in live.items():
        problems.append(
            Problem(
                "A505",
                f"the audit trail leaves span {span_id!r} in place, but it is missing from spans",
                ("history", entry.index, "span"),
            )
        )
    return problems


def _apply(event: AuditEvent, live: dict[str, _Live], index: int) -> tuple[str, tuple] | None:
    """Replay one event onto the spans the trail has made so far; a (message, sub-path)
    when it does not follow."""
    entry = live.get(event.span)
    step = replay_event(event, entry.state if entry is not None else None)
    if step.applied:
        if step.state is None:
            del live[event.span]
        elif entry is None:
            live[event.span] = _Live(step.state, event, index)
        else:
            entry.state, entry.last, entry.index = step.state, event, index
    if step.problem is None:
        return None
    return step.problem.message, () if step.problem.field is None else (step.problem.field,)


def _describe(state: tuple, fields: list[str]) -> str:
    # A note or a text can be megabytes; quoting it whole made one finding a line that long.
    values = dict(zip(STATE_FIELDS, state, strict=True))
    return ", ".join(f"{name}={_quoted(values[name])}" for name in fields)


def _quoted(value: object) -> str:
    if isinstance(value, str):
        return clip(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{clip(str(name))}: {_quoted(item)}" for name, item in value.items()) + "}"
    return repr(value)
