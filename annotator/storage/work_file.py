"""Never lose work: an annotation file opened for editing by one session.

- `EditLock` (storage.lock) stops a second session from editing it.
- Every change goes to the recovery journal (storage.journal) at once.
- Saves are atomic and conflict-checked (storage.annotation_files) and run
  off the UI thread. A save that finds the file changed on disk overwrites
  nothing: the work file records the conflict, and `resolve` merges the two
  versions (annotator.model.merge), keeps the session's or takes the disk's,
  saving the side that is not kept beside the file (`.NAME.mine-…` or
  `.NAME.theirs-…`), so neither version is lost. A journal that continues
  another version than the one on disk is the same conflict, found at open.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from annotator.model.annotation import AnnotationFile, AuditEvent, Rejection, Span, Status
from annotator.model.document import Document
from annotator.model.editing import AnnotationSet, span_sort_key, utc_now
from annotator.model.merge import merge
from annotator.model.tagset import TagSet
from annotator.storage.annotation_files import MISSING, CanonicalEncoder, ConflictError, Fingerprint, dumps, save
from annotator.storage.files import (
    DEFAULT_MAX_FILE_SIZE,
    Area,
    OpenError,
    StorageError,
    create_new,
    read_file,
    read_problem,
)
from annotator.storage.journal import (
    RESET,
    Compaction,
    JournalWriter,
    event_lines,
    journal_path,
    recover,
    rejected_line,
    rejection_records,
    status_line,
)
from annotator.storage.loading import load_annotation_file
from annotator.storage.lock import EditLock


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


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a background save writes, taken on the UI thread: the spans, the trail
    and the status, and the `AnnotationSet.version` it was taken at, so that an
    older snapshot saved after a newer one cannot overwrite it."""

    spans: list[Span]
    history: list[AuditEvent]
    status: Status
    version: int | None = None
    rejected: list[Rejection] | None = None  # None: as the session has them


class WorkFile:
    """An annotation file opened for editing by one session."""

    def __init__(
        self,
        path: Path,
        annotations: AnnotationSet,
        fingerprint: Fingerprint,
        lock: EditLock,
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
        # Spans still marked for review after re-anchoring: accepting one changes no span's
        # content and makes no event, but must still be saved.
        self._saved_marks = _review_marks(annotations.spans.values(), annotations.orphaned)
        self.recovered = len(annotations.history) - self._saved_seq
        self._journaled = len(annotations.history)
        self._journaled_status = annotations.status
        self._journaled_rejected = annotations.rejected
        self._save_lock = threading.Lock()
        self._encoder = CanonicalEncoder()  # used under _save_lock only
        self._closed = False
        self._writer = JournalWriter(journal_path(path), on_error)
        if self._writer.path.exists():
            # First drop what is saved already and a line cut short by a crash,
            # which the next append would otherwise run into. A journal of another
            # version than the file's is all the session has: nothing of it is saved.
            if diverged:
                self._writer.submit(Compaction(0, "", []))
            else:
                self._writer.submit(
                    Compaction(self._saved_seq, self._saved_status, rejection_records(self._saved_rejected))
                )
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
        lock = EditLock(path)
        journal = journal_path(path)
        try:
            annotations, fingerprint = _load(path, document, annotator, tagset, area, limit, **kwargs)
            saved = (len(annotations.history), annotations.status, annotations.rejected)
            mine = recover(path, journal, annotations, document, tagset, **kwargs)
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
            or _review_marks(aset.spans.values(), aset.orphaned) != self._saved_marks
        )

    def record(self) -> None:
        """Journal the changes made since the last call. Cheap; call after every edit."""
        if self._closed:
            raise RuntimeError(f"{self.path} is closed; its changes can no longer be journaled")
        aset = self.annotations
        lines = bytearray(event_lines(aset.history[self._journaled :]))
        self._journaled = len(aset.history)
        if aset.status != self._journaled_status:
            self._journaled_status = aset.status
            lines += status_line(aset.status)
        if aset.rejected != self._journaled_rejected:
            self._journaled_rejected = aset.rejected
            lines += rejected_line(aset.rejected)
        if lines:
            self._writer.submit(bytes(lines))

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything recorded is in the journal on disk; False if it is not (yet)."""
        return self._writer.drain(timeout)

    def snapshot(self) -> Snapshot:
        """A consistent copy for a background save; take it on the UI thread."""
        aset = self.annotations
        return Snapshot(list(aset.spans.values()), list(aset.history), aset.status, aset.version, aset.rejected)

    def file_from(self, snapshot: Snapshot) -> AnnotationFile:
        aset = self.annotations
        return AnnotationFile(
            schema_version=aset.written_version(),
            document=aset.document,
            annotator=aset.annotator,
            status=snapshot.status,
            spans=sorted(snapshot.spans, key=span_sort_key),
            history=snapshot.history,
            foreign=aset.foreign,
            rejected=aset.rejected if snapshot.rejected is None else snapshot.rejected,
            orphaned=aset.orphaned,
            orphaned_rejected=aset.orphaned_rejected,
        )

    def save(self, snapshot: Snapshot | None = None) -> bool:
        """Write the file; safe to call from a worker thread. False if nothing changed.

        A snapshot older than one this session saved already is not written:
        background saves may finish out of order. Raises ConflictError if the
        file changed on disk since it was loaded (nothing is overwritten, the
        journal keeps the changes) and StorageError if it cannot be written.
        """
        if snapshot is None:
            snapshot = self.snapshot()
        history, status, version = snapshot.history, snapshot.status, snapshot.version
        rejected = self.annotations.rejected if snapshot.rejected is None else snapshot.rejected
        marks = _review_marks(snapshot.spans, self.annotations.orphaned)
        with self._save_lock:
            if (
                len(history) == self._saved_seq
                and status == self._saved_status
                and rejected == self._saved_rejected
                and marks == self._saved_marks
            ):
                # Nothing new to write; but a file replaced under the session (an older copy
                # put back) has lost what was saved, and quitting now would lose it for good.
                self._check_unchanged_on_disk()
                return False
            if len(history) < self._saved_seq or (
                version is not None and self._saved_version is not None and version < self._saved_version
            ):
                return False  # a newer state is saved already
            file = self.file_from(Snapshot(snapshot.spans, history, status, version, rejected))
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
            self._saved_marks = marks
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


def _review_marks(spans, orphaned) -> frozenset[str]:
    """What a person reviews after re-anchoring and no event records: the spans still marked,
    and the orphans still kept. Settling one must still be saved."""
    marked = {span.id for span in spans if span.reanchored is not None}
    return frozenset(marked | {f"orphan:{orphan.span.id}" for orphan in orphaned})


class DocumentChanged(OpenError):
    """The annotation file was made on another text of its document: re-anchor it first
    (annotator.storage.reanchor_files)."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


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
        raise DocumentChanged(
            f"{path}: document changed since annotation: {document.path} no longer has the text these "
            "spans were made on (SHA-256 differs); opening it would misplace them: re-anchor them "
            "(annotator reanchor) first",
            path,
        )
    return AnnotationSet(file, document.text, tagset=tagset, **kwargs), Fingerprint.of_bytes(raw)
