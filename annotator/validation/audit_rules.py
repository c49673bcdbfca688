"""Check that the audit trail is intact and reproduces the spans exactly."""

from __future__ import annotations

from collections.abc import Sequence

from annotator.model.annotation import AuditEvent, Span, SpanState
from annotator.model.audit import FIELDS_CHANGED_BY, verify_chain
from annotator.validation.findings import Problem, clip

STATE_FIELDS = ("start", "end", "label", "text", "attributes", "note", "group")


def _state(item: Span | SpanState) -> tuple:
    return (item.start, item.end, item.label, item.text, item.attributes, item.note, item.group)


class _Live:
    __slots__ = ("created", "index", "last", "state")

    def __init__(self, state: tuple, created: AuditEvent, index: int) -> None:
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
        state = _state(span)
        if state != entry.state:
            changed = [name for name, a, b in zip(STATE_FIELDS, state, entry.state, strict=True) if a != b]
            problems.append(
                Problem(
                    "A504",
                    f"span {span.id!r} differs from its audit trail in {', '.join(changed)}: "
                    f"the trail gives {_describe(entry.state, changed)}",
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
    """Replay one event; a (message, sub-path) when it does not follow."""
    entry = live.get(event.span)
    if event.op == "create":
        if entry is not None:
            return f"creates span {event.span!r}, which already exists", ("span",)
        if event.before is not None:
            return "a create event must not have a 'before'", ("before",)
        if event.after is None:
            return "a create event needs an 'after'", ()
        live[event.span] = _Live(_state(event.after), event, index)
        return None
    if entry is None:
        return f"{event.op} of span {event.span!r}, which does not exist at this point", ("span",)
    # The event is applied even when it does not follow, so that one bad event is
    # one finding: later events and the span are checked against what it recorded.
    problem = None
    if event.before is None or _state(event.before) != entry.state:
        problem = f"'before' of this {event.op} does not match span {event.span!r} as the trail left it", ("before",)
    entry.last = event
    entry.index = index
    if event.op == "delete":
        del live[event.span]
        if event.after is not None:
            return problem or ("a delete event must not have an 'after'", ("after",))
        return problem
    if event.after is None:
        return problem or (f"a {event.op} event needs an 'after'", ())
    before = _state(event.before) if event.before is not None else entry.state
    after = _state(event.after)
    changed = {name for name, a, b in zip(STATE_FIELDS, before, after, strict=True) if a != b}
    entry.state = after
    unexpected = changed - FIELDS_CHANGED_BY[event.op]
    if unexpected and problem is None:
        return f"a {event.op} event may not change {', '.join(sorted(unexpected))}", ("after",)
    return problem


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
