"""Never lose work: an annotation file opened for editing.

- A lock file stops a second session from editing the same file.
- Every change is appended at once to a journal beside the file (by a writer
  thread, flushed and fsynced), so `kill -9` loses at most what was typed in
  the last moment; the next start replays the journal.
- The journal keeps every change of the session until the session ends with
  its work saved. Cutting it back after each save lost work when the file
  was replaced under the session (an older copy put back, a git checkout):
  the changes saved before were then in neither the file nor the journal.
- Saves are atomic and conflict-checked (annotator.storage) and run off the
  UI thread. A save that finds the file changed on disk overwrites nothing:
  the work file records the conflict, and `resolve` merges the two versions
  (annotator.model.merge), keeps the session's or takes the disk's, saving
  the side that is not kept beside the file (`.NAME.mine-…` or
  `.NAME.theirs-…`), so neither version is lost. A journal that continues
  another version than the one on disk is the same conflict, found at open.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import os
import queue
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import get_args

import orjson
from pydantic import ValidationError

from annotator.model.annotation import AnnotationFile, AuditEvent, Rejection, Span, Status
from annotator.model.document import Document
from annotator.model.editing import AnnotationSet, EditError, span_sort_key, utc_now
from annotator.model.merge import merge
from annotator.model.tagset import TagSet
from annotator.storage import (
    DEFAULT_MAX_FILE_SIZE,
    MISSING,
    Area,
    CanonicalEncoder,
    ConflictError,
    Fingerprint,
    StorageError,
    atomic_write,
    create_new,
    dumps,
    fsync_directory,
    open_no_follow,
    read_file,
    read_no_follow,
    read_problem,
    save,
)
from annotator.validation.engine import load_annotation_file

__all__ = [
    "ConflictError",
    "LockedError",
    "OpenError",
    "Snapshot",
    "StorageError",
    "WorkFile",
    "journal_path",
    "lock_path",
]


class OpenError(Exception):
    """The file cannot be opened for editing; the message says why."""


class Resolution(StrEnum):
    """How a conflict with the file on disk is settled."""

    MERGE = "merge"
    MINE = "mine"
    THEIRS = "theirs"


@dataclass(frozen=True, slots=True)
class DiskVersion:
    """The annotation file as found on disk: None when it is gone, or unreadable (`problem`)."""

    file: AnnotationFile | None
    fingerprint: Fingerprint
    problem: str | None


# A fingerprint no file on disk has: a session whose journal continued another
# version than the disk's must not save over it before the person decides.
DIVERGED = Fingerprint("diverged")


class LockedError(OpenError):
    """Another session holds the file."""


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def journal_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.journal")


class _Lock:
    """An exclusive flock on a lock file beside the annotation file.

    The kernel drops a flock when its holder dies, so a lock file left behind
    by `kill -9` does not block; the pid written into it is only for messages.
    """

    def __init__(self, path: Path) -> None:
        self.path = lock_path(path)
        self.released = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            while True:
                fd = open_no_follow(self.path, os.O_RDWR | os.O_CREAT, 0o644, what="lock file")
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "another process"
                    os.close(fd)
                    raise LockedError(
                        f"{path} is already open for editing by {holder}; close that session first, "
                        "or annotate under another name (--annotator NAME)"
                    ) from None
                except BaseException:
                    os.close(fd)
                    raise
                # The holder may have released the lock and removed the lock file
                # between our open() and flock(): then this lock is on a file that
                # nobody else can see, and a third session could lock a new one.
                if _same_file(fd, self.path):
                    break
                os.close(fd)
            self.fd = fd
            os.ftruncate(fd, 0)
            os.write(fd, f"{_user()} (pid {os.getpid()} on {socket.gethostname()}, since {utc_now()})\n".encode())
        except LockedError:
            raise
        except OSError as err:
            raise OpenError(f"cannot lock {path} for editing ({self.path}): {read_problem(err)}") from None

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        # Unlink while still holding the lock; see the check in __init__.
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self.fd)


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "someone"


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


RESET = ("reset",)


class _JournalWriter(threading.Thread):
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

    def _handle(self, batch: list) -> None:
        failure: OSError | None = None
        for item in batch:
            if item == RESET:  # the session starts over from the file saved now
                self.pending.clear()
                self.path.unlink(missing_ok=True)
            elif isinstance(item, tuple):  # ("compact", saved_seq, saved_status, saved_rejected)
                try:
                    self._write()  # what came before the save first
                    _compact_journal(self.path, *item[1:])
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

    def submit(self, item) -> None:
        with self._finished:
            self._unfinished += 1
        self.items.put(item)

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until everything submitted is handled; True if it was written."""
        with self._finished:
            done = self._finished.wait_for(lambda: self._unfinished == 0, timeout)
        return done and not self.pending


def _records(rejected: list[Rejection]) -> list[dict]:
    return [item.model_dump(mode="json") for item in rejected]


def _compact_journal(path: Path, saved_seq: int, saved_status: str, saved_rejected: list | None = None) -> None:
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


class Snapshot(tuple):
    """(spans, history, status) as `WorkFile.snapshot` takes it, plus the
    `AnnotationSet.version` it was taken at, so that an older snapshot saved
    after a newer one cannot overwrite it."""

    version: int | None
    rejected: list[Rejection] | None  # None: as the session has them

    def __new__(
        cls,
        spans: list[Span],
        history: list[AuditEvent],
        status: str,
        version: int | None = None,
        rejected: list[Rejection] | None = None,
    ):
        snapshot = super().__new__(cls, (spans, history, status))
        snapshot.version = version
        snapshot.rejected = rejected
        return snapshot


class WorkFile:
    """An annotation file opened for editing by one session."""

    def __init__(
        self,
        path: Path,
        annotations: AnnotationSet,
        fingerprint: Fingerprint,
        lock: _Lock,
        saved: tuple[int, str, list[Rejection]],
        on_error: Callable[[str], None],
        *,
        diverged: bool = False,
    ) -> None:
        self.path = path
        self.annotations = annotations
        self.fingerprint = fingerprint
        self._lock = lock
        self._saved_seq, self._saved_status, self._saved_rejected = saved
        self._saved_version: int | None = None  # of the last snapshot saved by this session
        self.recovered = len(annotations.history) - self._saved_seq
        self._journaled = len(annotations.history)
        self._journaled_status = annotations.status
        self._journaled_rejected = annotations.rejected
        self._save_lock = threading.Lock()
        self._encoder = CanonicalEncoder()  # used under _save_lock only
        self._closed = False
        self._writer = _JournalWriter(journal_path(path), on_error)
        if self._writer.path.exists():
            # First drop what is saved already and a line cut short by a crash,
            # which the next append would otherwise run into. A journal of another
            # version than the file's is all the session has: nothing of it is saved.
            saved_now = (0, "", None) if diverged else (self._saved_seq, self._saved_status, self._saved_rejected)
            self._writer.submit(("compact", saved_now[0], saved_now[1], _records(saved_now[2] or [])))
        self._writer.start()
        self.last_error: str | None = None
        # The file on disk is not the version this session last saw: a save found it
        # changed, or the journal continued another version. Saves refuse until resolved.
        self.conflict = False

    @classmethod
    def open(
        cls,
        path: Path,
        document: Document,
        annotator: str,
        tagset: TagSet,
        *,
        on_error: Callable[[str], None] = lambda message: None,
        area: Area | None = None,
        limit: int = DEFAULT_MAX_FILE_SIZE,
        **kwargs,
    ) -> WorkFile:
        """Lock `path`, load it (or start it empty) and replay its journal. The file is
        read only inside `area`, links resolved, and only if it has at most `limit` bytes.

        Raises LockedError if another session holds it, OpenError if it cannot
        be used; then nothing on disk was changed.
        """
        lock = _Lock(path)
        journal = journal_path(path)
        try:
            annotations, fingerprint = _load(path, document, annotator, tagset, area, limit, **kwargs)
            saved = (len(annotations.history), annotations.status, annotations.rejected)
            mine = _recover(path, journal, annotations, document, tagset, **kwargs)
        except BaseException:
            lock.release()
            raise
        fingerprint = fingerprint if mine is None else DIVERGED
        work = cls(path, mine or annotations, fingerprint, lock, saved, on_error, diverged=mine is not None)
        work.document, work.tagset, work._options = document, tagset, kwargs
        if mine is not None:
            work.conflict = True
            work._saved_seq = -1  # nothing of this version is on disk
        return work

    @property
    def dirty(self) -> bool:
        aset = self.annotations
        return (
            len(aset.history) != self._saved_seq
            or aset.status != self._saved_status
            or aset.rejected != self._saved_rejected
        )

    def record(self) -> None:
        """Journal the changes made since the last call. Cheap; call after every edit."""
        if self._closed:
            raise RuntimeError(f"{self.path} is closed; its changes can no longer be journaled")
        history = self.annotations.history
        lines = bytearray(self._journal_lines(since=self._journaled))
        self._journaled = len(history)
        if self.annotations.status != self._journaled_status:
            self._journaled_status = self.annotations.status
            lines += orjson.dumps({"status": self.annotations.status}) + b"\n"
        if self.annotations.rejected != self._journaled_rejected:
            self._journaled_rejected = self.annotations.rejected
            lines += orjson.dumps({"rejected": _records(self.annotations.rejected)}) + b"\n"
        if lines:
            self._writer.submit(bytes(lines))

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything recorded is in the journal on disk; False if it is not (yet)."""
        return self._writer.drain(timeout)

    def snapshot(self) -> Snapshot:
        """A consistent copy for a background save; take it on the UI thread."""
        aset = self.annotations
        return Snapshot(list(aset.spans.values()), list(aset.history), aset.status, aset.version, aset.rejected)

    def file_from(self, snapshot: tuple[list[Span], list[AuditEvent], str]) -> AnnotationFile:
        spans, history, status = snapshot
        aset = self.annotations
        rejected = getattr(snapshot, "rejected", None)
        return AnnotationFile(
            schema_version=1,
            document=aset.document,
            annotator=aset.annotator,
            status=status,
            spans=sorted(spans, key=span_sort_key),
            history=history,
            foreign=aset.foreign,
            rejected=aset.rejected if rejected is None else rejected,
        )

    def save(self, snapshot: tuple[list[Span], list[AuditEvent], str] | None = None) -> bool:
        """Write the file; safe to call from a worker thread. False if nothing changed.

        A snapshot older than one this session saved already is not written:
        background saves may finish out of order. Raises ConflictError if the
        file changed on disk since it was loaded (nothing is overwritten, the
        journal keeps the changes) and StorageError if it cannot be written.
        """
        if snapshot is None:
            snapshot = self.snapshot()
        spans, history, status = snapshot
        version = getattr(snapshot, "version", None)
        rejected = getattr(snapshot, "rejected", None)
        if rejected is None:
            rejected = self.annotations.rejected
        with self._save_lock:
            if len(history) == self._saved_seq and status == self._saved_status and rejected == self._saved_rejected:
                # Nothing new to write; but a file replaced under the session (an older copy
                # put back) has lost what was saved, and quitting now would lose it for good.
                self._check_unchanged_on_disk()
                return False
            if len(history) < self._saved_seq or (
                version is not None and self._saved_version is not None and version < self._saved_version
            ):
                return False  # a newer state is saved already
            file = self.file_from(Snapshot(spans, history, status, version, rejected))
            try:
                self.fingerprint = save(self.path, file, self.fingerprint, self._encoder)
            except ConflictError as err:
                self.conflict = True
                self.last_error = f"{err}. Your changes are kept in {journal_path(self.path)}."
                raise
            except StorageError as err:
                self.last_error = f"{err}. Your changes are kept in {journal_path(self.path)}."
                raise
            self._saved_seq = len(history)
            self._saved_status = status
            self._saved_rejected = rejected
            if version is not None:
                self._saved_version = version
            self.last_error = None
            return True

    def _check_unchanged_on_disk(self) -> None:
        try:
            current = Fingerprint.of_path(self.path)
        except OSError:
            return  # cannot tell; the next real save checks again
        if current != self.fingerprint:
            self.conflict = True
            self.last_error = (
                f"{self.path}: the file changed on disk since this session saved it. "
                f"Your changes are kept in {journal_path(self.path)}."
            )
            raise ConflictError(self.last_error)

    def close(self) -> None:
        """Flush the journal and release the lock. The journal goes when the
        session's work is saved, and stays otherwise."""
        if self._closed:
            return
        self._closed = True
        if not self.dirty and not self.conflict:
            self._writer.submit(RESET)
        self._writer.submit(None)
        self._writer.join(timeout=5)
        self._lock.release()

    # -- a file changed on disk under the session ------------------------------

    def disk_version(self) -> DiskVersion:
        """The file as it is on disk now: what a conflict is with."""
        try:
            file, raw = load_annotation_file(self.path)
        except FileNotFoundError:
            return DiskVersion(None, MISSING, None)
        except (OSError, ValueError) as err:
            return DiskVersion(None, Fingerprint.of_path(self.path), str(err).splitlines()[0])
        return DiskVersion(file, Fingerprint.of_bytes(raw), None)

    def resolve(self, choice: Resolution) -> str:
        """Settle a conflict with the file on disk and save the result over it.

        MERGE merges span by span (my changes win where both changed a span);
        MINE keeps this session's version and THEIRS takes the disk's; the
        version not kept is saved beside the file first. Returns what was done,
        in words; raises StorageError if the result cannot be saved.
        """
        disk = self.disk_version()
        if choice is Resolution.MERGE and disk.file is None:
            raise StorageError(f"{self.path}: cannot merge: {disk.problem or 'the file is gone from disk'}")
        with self._save_lock:
            if choice is Resolution.MERGE:
                result = merge(self.annotations, disk.file, self.document, self.tagset, editor=self.annotations.editor)
                said = f"merged with the version on disk: {result.summary()}"
                self._adopt(result.annotations)
            elif choice is Resolution.MINE:
                kept = self._set_aside("theirs", Fingerprint.of_path(self.path))
                said = f"kept your version; the one on disk is saved as {kept}"
            else:
                kept = self._set_aside("mine", None)
                said = f"took the version on disk; yours is saved as {kept}"
                editor = self.annotations.editor
                self._adopt(AnnotationSet(disk.file, self.document.text, tagset=self.tagset, **self._options))
                self.annotations.editor = editor
            self.fingerprint = disk.fingerprint
            self._saved_seq = -1  # force the save
            self.conflict = False
        self.save()
        self._writer.submit(RESET)  # the file just saved is the session's new starting point
        return said

    def _adopt(self, annotations: AnnotationSet) -> None:
        self.annotations = annotations
        self._saved_version = None
        self._journaled = len(annotations.history)
        self._journaled_status = annotations.status
        self._journaled_rejected = annotations.rejected
        self._encoder = CanonicalEncoder()

    def _set_aside(self, side: str, fingerprint: Fingerprint | None) -> Path:
        """Save one version beside the file as `.NAME.SIDE-TIME.json` (hidden: validate skips it)."""
        stamp = utc_now().replace(":", "").replace("-", "").replace(".", "")
        aside = self.path.with_name(f".{self.path.name}.{side}-{stamp}.json")
        if side == "theirs":
            data = read_file(self.path, what="annotation file") if fingerprint != MISSING else b""
        else:
            data = dumps(self.file_from(self.snapshot()))
        create_new(aside, data, what="copy of the version not kept")
        return aside

    def _journal_lines(self, since: int) -> bytes:
        lines = bytearray()
        for event in self.annotations.history[since:]:
            lines += orjson.dumps({"event": event.model_dump(mode="json", exclude_none=True)}) + b"\n"
        return bytes(lines)


def _load(
    path: Path, document: Document, annotator: str, tagset: TagSet, area: Area | None, limit: int, **kwargs
) -> tuple[AnnotationSet, Fingerprint]:
    try:
        file, raw = load_annotation_file(path, area=area, limit=limit)
    except FileNotFoundError:
        return AnnotationSet.new(document, annotator, tagset=tagset, **kwargs), MISSING
    except ValueError as err:
        raise OpenError(f"cannot open {path}:\n{err}") from None
    except OSError as err:
        raise OpenError(f"cannot read {path}: {read_problem(err)}") from None
    if file.document.sha256 != document.sha256:
        raise OpenError(
            f"{path}: document changed since annotation: {document.path} no longer has the text these "
            "spans were made on (SHA-256 differs); opening it would misplace them"
        )
    return AnnotationSet(file, document.text, tagset=tagset, **kwargs), Fingerprint.of_bytes(raw)


def _recover(
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
