"""Reading and writing annotation files: deterministic bytes, atomic saves,
and a refusal to overwrite a file that changed on disk since it was loaded."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from annotator.model.annotation import AnnotationFile
from annotator.model.editing import span_sort_key

JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


class StorageError(Exception):
    """A file that cannot be read or written; the message names it."""


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
            return cls.of_bytes(path.read_bytes())
        except FileNotFoundError:
            return cls(None)


MISSING = Fingerprint(None)


def canonical_dict(file: AnnotationFile) -> dict[str, Any]:
    data = file.model_dump(mode="json", exclude_none=True)
    if not data["foreign"]:
        del data["foreign"]  # most files have none; keep them as they were
    data["spans"] = [
        _sorted_attributes(span.model_dump(mode="json", exclude_none=True))
        for span in sorted(file.spans, key=span_sort_key)
    ]
    for event in data["history"]:
        for side in ("before", "after"):
            if side in event:
                _sorted_attributes(event[side])
    return data


def _sorted_attributes(record: dict[str, Any]) -> dict[str, Any]:
    record["attributes"] = dict(sorted(record["attributes"].items()))
    return record


def dumps(file: AnnotationFile) -> bytes:
    """The canonical bytes of an annotation file: stable, indented, newline-terminated."""
    return orjson.dumps(canonical_dict(file), option=JSON_OPTIONS)


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, fsync it, and rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            # mkstemp makes the file 0600; the saved file keeps the mode it had, or
            # gets the mode a plain open() would give it, so others can still read it.
            os.fchmod(handle.fileno(), _target_mode(path))
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _target_mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save(path: Path, file: AnnotationFile, expected: Fingerprint) -> Fingerprint:
    """Save `file` unless the file on disk differs from `expected`.

    Returns the new fingerprint. Writing identical bytes is skipped, so saving
    an unchanged file touches nothing.
    """
    data = dumps(file)
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
