"""The recovery journal: every change of a session, appended at once beside the file.

`.NAME.journal` holds one JSON record a line: an audit event, the file's
status, or its list of rejected candidates. A writer thread appends and
fsyncs them in order, so `kill -9` loses at most what was typed in the last
moment. The journal keeps every change of the session until the session ends
with its work saved: cutting it back after each save lost work when the file
was replaced under the session. At the next open, `recover` replays what the
saved file lacks; a journal that continues another version of the file than
the one on disk gives back the session's version, for the person to settle.
Neither the journal nor its compaction is ever written through a link.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import get_args

import orjson
from pydantic import ValidationError

from annotator.model.annotation import AuditEvent, Rejection, Status
from annotator.model.document import Document
from annotator.model.editing import AnnotationSet, EditError
from annotator.model.tagset import TagSet
from annotator.storage.files import (
    OpenError,
    atomic_write,
    fsync_directory,
    open_no_follow,
    read_no_follow,
    read_problem,
)


def journal_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.journal")


class Reset(Enum):
    """Sent to the writer when the file just saved is the session's new starting point."""

    RESET = "reset"


RESET = Reset.RESET


@dataclass(frozen=True, slots=True)
class Compaction:
    """Sent to the writer at open: cut the journal down to what the saved file lacks."""

    saved_seq: int
    saved_status: str
    saved_rejected: list[dict]


class JournalWriter(threading.Thread):
    """Appends journal lines in order; compacts what an opened file holds already.

    A write that fails (disk full) is cut back off the file and retried with
    the next one, so the journal never has a gap or a torn line in the middle.
    """

    def __init__(self, path: Path, on_error: Callable[[str], None]) -> None:
        super().__init__(name="annotator-journal", daemon=True)
        self.path = path
        self.on_error = on_error
        self.items: queue.Queue = queue.Queue()
        self.pending = bytearray()  # lines not written yet
        self._unfinished = 0
        self._finished = threading.Condition()

    def run(self) -> None:
        while True:
            batch = [self.items.get()]
            while True:  # one fsync for everything queued meanwhile
                try:
                    batch.append(self.items.get_nowait())
                except queue.Empty:
                    break
            stop = None in batch
            try:
                self._handle([item for item in batch if item is not None])
            except OSError as err:
                self.on_error(f"cannot write the recovery journal {self.path}: {err.strerror or err}")
            except Exception as err:  # the writer must survive to write the next change
                self.on_error(f"cannot write the recovery journal {self.path}: {err}")
            with self._finished:
                self._unfinished -= len(batch)
                self._finished.notify_all()
            if stop:
                return

    def _handle(self, batch: list[bytes | Compaction | Reset]) -> None:
        failure: OSError | None = None
        for item in batch:
            if item is RESET:
                self.pending.clear()
                self.path.unlink(missing_ok=True)
            elif isinstance(item, Compaction):
                try:
                    self._write()  # what came before the save first
                    compact_journal(self.path, item.saved_seq, item.saved_status, item.saved_rejected)
                except OSError as err:
                    failure = failure or err  # not compacted: the journal only keeps more
            else:
                self.pending += item
        self._write()
        if failure is not None:
            raise failure

    def _write(self) -> None:
        if not self.pending:
            return
        created = not self.path.exists()
        fd = open_no_follow(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644, what="recovery journal")
        try:
            size = os.fstat(fd).st_size
            try:
                data = memoryview(bytes(self.pending))
                while data:
                    data = data[os.write(fd, data) :]
                os.fsync(fd)
            except OSError:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, size)
                raise
        finally:
            os.close(fd)
        self.pending.clear()
        if created:
            fsync_directory(self.path.parent)

    def submit(self, item: bytes | Compaction | Reset | None) -> None:
        """Queue journal lines, a compaction or a reset; None stops the writer."""
        with self._finished:
            self._unfinished += 1
        self.items.put(item)

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until everything submitted is handled; True if it was written."""
        with self._finished:
            done = self._finished.wait_for(lambda: self._unfinished == 0, timeout)
        return done and not self.pending


def rejection_records(rejected: list[Rejection]) -> list[dict]:
    return [item.model_dump(mode="json") for item in rejected]


def event_lines(events: list[AuditEvent]) -> bytes:
    """Journal lines for audit events, one a line."""
    return b"".join(
        orjson.dumps({"event": event.model_dump(mode="json", exclude_none=True)}) + b"\n" for event in events
    )


def status_line(status: Status) -> bytes:
    return orjson.dumps({"status": status}) + b"\n"


def rejected_line(rejected: list[Rejection]) -> bytes:
    return orjson.dumps({"rejected": rejection_records(rejected)}) + b"\n"


def compact_journal(path: Path, saved_seq: int, saved_status: str, saved_rejected: list | None = None) -> None:
    """Cut the journal down to what the saved file lacks.

    Keeps events after `saved_seq`, and the last status and the last list of
    rejected candidates if they differ from the saved ones (an older line would
    undo a later one), drops a line cut short by a crash, and removes the
    journal when nothing is left.
    """
    try:
        data = read_no_follow(path, what="recovery journal")
    except FileNotFoundError:
        return
    kept: list[bytes] = []
    status_line: bytes | None = None
    last_status: object = None
    rejected_line: bytes | None = None
    last_rejected: object = None
    for line in data.split(b"\n"):
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue  # blank, or cut short by a crash (_recover refuses one in the middle)
        if not isinstance(record, dict):
            continue
        if "status" in record:
            status_line, last_status = line, record["status"]
            continue
        if "rejected" in record:
            rejected_line, last_rejected = line, record["rejected"]
            continue
        event = record.get("event")
        seq = event.get("seq") if isinstance(event, dict) else None
        if isinstance(seq, int) and seq > saved_seq:
            kept.append(line + b"\n")
    if status_line is not None and last_status != saved_status:
        kept.append(status_line + b"\n")
    if rejected_line is not None and last_rejected != (saved_rejected or []):
        kept.append(rejected_line + b"\n")
    compacted = b"".join(kept)
    if not compacted:  # also an empty journal, left by a crash right after creating it
        path.unlink(missing_ok=True)
        return
    if compacted == data:
        return
    atomic_write(path, compacted, what="recovery journal")


def recover(
    path: Path, journal: Path, annotations: AnnotationSet, document: Document, tagset: TagSet, **kwargs
) -> AnnotationSet | None:
    """Replay journaled events the saved file does not have yet, onto `annotations`.

    Only the last line may be unreadable (a crash mid-write); anything else
    that cannot be replayed stops the open with the journal's line named,
    rather than drop changes silently. A journal that continues another version
    of the file than the one on disk (its event N differs from the file's event
    N: the file was replaced) is no error: the session's version is rebuilt,
    from the file's events before N and the journal's from N on, and returned,
    for the person to settle against the disk's. None when the journal simply
    continues the file.
    """
    try:
        data = read_no_follow(journal, what="recovery journal")
    except FileNotFoundError:
        return None
    except OSError as err:
        raise OpenError(f"cannot read the recovery journal {journal}: {read_problem(err)}") from None
    aside = f"move the journal aside to open {path} without the changes in it"
    lines = data.split(b"\n")
    target = annotations
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{journal}:{number}"
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            if number == len(lines):
                break  # cut short by a crash mid-write: that change never finished
            raise OpenError(f"{where}: unreadable journal record (not JSON); {aside}") from None
        event = _journal_record(record, where, aside, target)
        if event is None:
            continue
        history = target.history
        if 1 <= event.seq <= len(history) and history[event.seq - 1].hash == event.hash:
            continue  # saved before the crash
        if event.seq <= len(history):
            # The file was replaced by another version: the session's goes on from here.
            target = _version_before(annotations, event.seq, document, tagset, **kwargs)
        try:
            target.apply_event(event)
        except EditError as err:
            raise OpenError(f"{where}: journal does not continue the saved file: {err}; {aside}") from None
    return target if target is not annotations else None


def _journal_record(record: object, where: str, aside: str, annotations: AnnotationSet) -> AuditEvent | None:
    """Apply a status or rejections line to `annotations`; the event of an event line."""
    if isinstance(record, dict) and record.keys() == {"rejected"}:
        try:
            rejected = [Rejection.model_validate(item) for item in record["rejected"]]
        except (ValidationError, TypeError):
            raise OpenError(f"{where}: unreadable journal record (rejected candidates); {aside}") from None
        annotations.set_rejected(rejected)
        return None
    if isinstance(record, dict) and record.keys() == {"status"}:
        if record["status"] not in get_args(Status):
            raise OpenError(f"{where}: unknown status {record['status']!r} in the journal; {aside}")
        annotations.set_status(record["status"])
        return None
    if not isinstance(record, dict) or record.keys() != {"event"}:
        raise OpenError(f"{where}: unreadable journal record (neither an event nor a status); {aside}")
    try:
        return AuditEvent.model_validate(record["event"])
    except ValidationError as err:
        problem = err.errors(include_url=False)[0]
        field = ".".join(str(part) for part in problem["loc"])
        raise OpenError(f"{where}: unreadable journal record: {field}: {problem['msg']}; {aside}") from None


def _version_before(
    annotations: AnnotationSet, seq: int, document: Document, tagset: TagSet, **kwargs
) -> AnnotationSet:
    """The file's annotations as they were before its event `seq`: its events replayed from nothing."""
    rebuilt = AnnotationSet.new(document, annotations.annotator, tagset=tagset, **kwargs)
    rebuilt.foreign = list(annotations.foreign)
    rebuilt.status, rebuilt.rejected = annotations.status, list(annotations.rejected)
    for event in annotations.history[: seq - 1]:
        rebuilt.apply_event(event)
    return rebuilt
