"""The audit trail's hash chain.

Each event's hash is SHA-256 over the previous event's hash and the event's
canonical JSON (sorted keys, no nulls). Editing, dropping or reordering any
event breaks every hash after it, so the trail cannot be rewritten silently.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from annotator.model.annotation import AuditEvent

GENESIS_HASH = "0" * 64

# The span fields each update operation may change (create and delete change all).
FIELDS_CHANGED_BY: dict[str, frozenset[str]] = {
    "relabel": frozenset({"label", "attributes"}),
    "resize": frozenset({"start", "end", "text"}),
    "attributes": frozenset({"attributes"}),
    "note": frozenset({"note"}),
}


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
