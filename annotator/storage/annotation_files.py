"""Annotation files on disk: deterministic bytes, and saves that are atomic and
refuse to overwrite a file that changed on disk since it was loaded."""

from __future__ import annotations

import hashlib
import operator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from annotator.model.annotation import AnnotationFile, AuditEvent, Span
from annotator.model.editing import span_sort_key
from annotator.storage.files import StorageError, atomic_write, read_file

JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
# Top-level lists left out of a file when empty, as files written before they existed.
OMITTED_WHEN_EMPTY = ("foreign", "rejected", "orphaned", "orphaned_rejected")


class ConflictError(StorageError):
    """The file on disk is not the one that was loaded."""


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a file looked like when it was loaded: None means it did not exist."""

    sha256: str | None

    @classmethod
    def of_bytes(cls, data: bytes) -> Fingerprint:
        return cls(hashlib.sha256(data).hexdigest())

    @classmethod
    def of_path(cls, path: Path) -> Fingerprint:
        try:
            return cls.of_bytes(read_file(path, what="annotation file"))
        except FileNotFoundError:
            return cls(None)


MISSING = Fingerprint(None)


def canonical_dict(file: AnnotationFile) -> dict[str, Any]:
    data = file.model_dump(mode="json", exclude_none=True)
    _sort_rejections(data)
    for optional in OMITTED_WHEN_EMPTY:
        if not data[optional]:
            del data[optional]  # most files have none; keep them as they were
    data["spans"] = [
        _sorted_attributes(span.model_dump(mode="json", exclude_none=True))
        for span in sorted(file.spans, key=span_sort_key)
    ]
    for event in data["history"]:
        _sort_event_attributes(event)
    return data


def _sort_rejections(data: dict[str, Any]) -> dict[str, Any]:
    """The rejections in a stable order, and each orphaned span's attributes sorted as a span's."""
    data["rejected"].sort(key=lambda r: (r["start"], r["end"], r["label"], r["annotator"], r["span"]))
    for orphan in data.get("orphaned", ()):
        _sorted_attributes(orphan["span"])
    return data


def _sorted_attributes(record: dict[str, Any]) -> dict[str, Any]:
    record["attributes"] = dict(sorted(record["attributes"].items()))
    return record


def dumps(file: AnnotationFile) -> bytes:
    """The canonical bytes of an annotation file: stable, indented, newline-terminated."""
    return orjson.dumps(canonical_dict(file), option=JSON_OPTIONS)


class CanonicalEncoder:
    """`dumps` for a file that is saved again and again, byte for byte the same.

    Spans and audit events are frozen models, so each is encoded once and its
    bytes reused for as long as it stays in the file. An autosave of 10,000
    spans and 10,000 events took 90-150 ms of work that holds the GIL, which
    the UI thread then waited for between keystrokes; with this, a save
    encodes only what changed since the last one. Not thread-safe: give each
    writer its own.
    """

    def __init__(self) -> None:
        self._spans: dict[int, tuple[Span, bytes]] = {}
        self._events: list[AuditEvent] = []
        self._event_bytes: list[bytes] = []

    def dumps(self, file: AnnotationFile) -> bytes:
        rest = _sort_rejections(file.model_dump(mode="json", exclude_none=True, exclude={"spans", "history"}))
        fields = []
        for name in AnnotationFile.model_fields:  # the order model_dump, and so dumps, uses
            if name == "spans":
                value = _array(self._encode_spans(sorted(file.spans, key=span_sort_key)))
            elif name == "history":
                value = _array(self._encode_history(file.history))
            elif name not in rest or (name in OMITTED_WHEN_EMPTY and not rest[name]):
                continue
            else:
                value = _indented(orjson.dumps(rest[name], option=orjson.OPT_INDENT_2), 2)
            fields.append(b'  "' + name.encode() + b'": ' + value)
        return b"{\n" + b",\n".join(fields) + b"\n}\n"

    def _encode_spans(self, spans: list[Span]) -> list[bytes]:
        cache = self._spans
        get = cache.get
        encoded = [
            hit[1] if (hit := get(id(span))) is not None and hit[0] is span else self._encode_span(span)
            for span in spans
        ]
        if len(cache) > 2 * len(spans) + 1024:  # forget spans that left the file
            self._spans = {id(span): cache[id(span)] for span in spans}
        return encoded

    def _encode_span(self, span: Span) -> bytes:
        data = _element(_span_record(span))
        self._spans[id(span)] = (span, data)
        return data

    def _encode_history(self, history: list[AuditEvent]) -> list[bytes]:
        known = len(self._events)
        # The trail only grows; anything else is encoded again from the start.
        if known > len(history) or not all(map(operator.is_, history, self._events)):
            self._events, self._event_bytes, known = [], [], 0
        for event in history[known:]:
            self._events.append(event)
            self._event_bytes.append(_element(_event_record(event)))
        return self._event_bytes


def _indented(data: bytes, spaces: int) -> bytes:
    # JSON strings escape newlines, so every newline is a line break of the layout.
    return data.replace(b"\n", b"\n" + b" " * spaces)


def _element(record: dict[str, Any]) -> bytes:
    """A record as an element of a top-level array: two levels deep."""
    return b"    " + _indented(orjson.dumps(record, option=orjson.OPT_INDENT_2), 4)


def _array(items: list[bytes]) -> bytes:
    return b"[\n" + b",\n".join(items) + b"\n  ]" if items else b"[]"


def _span_record(span: Span) -> dict[str, Any]:
    return _sorted_attributes(span.model_dump(mode="json", exclude_none=True))


def _event_record(event: AuditEvent) -> dict[str, Any]:
    return _sort_event_attributes(event.model_dump(mode="json", exclude_none=True))


def _sort_event_attributes(record: dict[str, Any]) -> dict[str, Any]:
    for side in ("before", "after"):
        if side in record:
            _sorted_attributes(record[side])
    return record


def save(
    path: Path, file: AnnotationFile, expected: Fingerprint, encoder: CanonicalEncoder | None = None
) -> Fingerprint:
    """Save `file` unless the file on disk differs from `expected`.

    Returns the new fingerprint. Writing identical bytes is skipped, so saving
    an unchanged file touches nothing.
    """
    data = encoder.dumps(file) if encoder is not None else dumps(file)
    try:
        current = Fingerprint.of_path(path)
    except OSError as err:
        raise StorageError(f"{path}: cannot save: {err.strerror or err}") from None
    if current != expected:
        if expected.sha256 is None:
            raise ConflictError(f"{path}: not saved: the file was created by someone else since this session began")
        if current.sha256 is None:
            raise ConflictError(f"{path}: not saved: the file was deleted or moved since it was loaded")
        raise ConflictError(f"{path}: not saved: the file changed on disk since it was loaded")
    new = Fingerprint.of_bytes(data)
    if new == current:
        return current
    try:
        atomic_write(path, data)
    except OSError as err:
        raise StorageError(f"{path}: cannot save: {err.strerror or err}") from None
    return new
