"""Reading and writing files safely: inside an area, regular files only, a
size limit, no writing through links, atomic replacement.

Every function raises a subclass of StorageError whose message names the
file, the rule it breaks and what to do. The refusals (UnsafeFile) are also
OSErrors, so code that reports `except OSError` as "cannot read FILE: ..."
reports them too, in their own words.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_FILE_SIZE = 256 * 1024 * 1024
_CHUNK = 1 << 20


class StorageError(Exception):
    """A file that cannot be read or written; the message names it."""


class OpenError(Exception):
    """An annotation file that cannot be opened for editing; the message says why."""


class UnsafeFile(StorageError, OSError):
    """A file refused by the rules of this package: `reason` says why, the message
    is the path and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason
        self.message = f"{path}: {reason}"

    def __str__(self) -> str:
        return self.message


class OutsideArea(UnsafeFile):
    """A path, or a link, that leads outside the folders it may be in."""


class NotRegularFile(UnsafeFile):
    """A FIFO, a device, a socket or a folder where a file was expected."""


class FileTooLarge(UnsafeFile):
    """More bytes than the size limit."""


class PlantedLink(UnsafeFile):
    """A symbolic link where annotator writes its own file (a lock, a journal)."""


def read_problem(err: OSError) -> str:
    """Why a file could not be read, for "PATH: cannot read: ..." (without the path again)."""
    return err.reason if isinstance(err, UnsafeFile) else (err.strerror or str(err))


@dataclass(frozen=True)
class Area:
    """The folders files may be read from and written to, symlinks resolved."""

    roots: tuple[Path, ...]

    @classmethod
    def of(cls, *folders: Path | str) -> Area:
        return cls(tuple(dict.fromkeys(Path(os.path.realpath(folder)) for folder in folders)))

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str | os.PathLike):
            return False
        real = Path(os.path.realpath(path))
        return any(real == root or real.is_relative_to(root) for root in self.roots)

    def check(self, path: Path | str, what: str = "file") -> Path:
        """The path with its links resolved; OutsideArea when that is outside every root."""
        real = Path(os.path.realpath(path))
        if not any(real == root or real.is_relative_to(root) for root in self.roots):
            where = " or ".join(str(root) for root in self.roots)
            raise OutsideArea(path, f"the {what} leads outside {where} (to {real}); it is not read or written")
        return real


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _regular(fd: int, path: Path | str, what: str) -> os.stat_result:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise NotRegularFile(path, f"the {what} is {_kind(info.st_mode)}, not a regular file; it is not read")
    return info


def read_file(
    path: Path | str, *, limit: int = DEFAULT_MAX_FILE_SIZE, area: Area | None = None, what: str = "file"
) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (inside `area`, if given).

    A FIFO is opened without blocking and refused, as is any other file that
    is not regular. FileNotFoundError and other OSErrors of the open pass
    through as they are.
    """
    if area is not None:
        area.check(path, what)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    return _read_all(fd, _regular(fd, path, what), path, what, limit)


def read_no_follow(path: Path | str, *, limit: int = DEFAULT_MAX_FILE_SIZE, what: str = "file") -> bytes:
    """The bytes of one of annotator's own files (a journal), never through a link (PlantedLink)."""
    fd = open_no_follow(path, os.O_RDONLY, what=what)
    return _read_all(fd, os.fstat(fd), path, what, limit)


def _read_all(fd: int, info: os.stat_result, path: Path | str, what: str, limit: int) -> bytes:
    try:
        if info.st_size > limit:
            raise _too_large(path, what, info.st_size, limit)
        chunks, size = [], 0
        while chunk := os.read(fd, min(_CHUNK, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew, or says it is empty and is not (/proc)
                raise _too_large(path, what, size, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _too_large(path: Path | str, what: str, size: int, limit: int) -> FileTooLarge:
    return FileTooLarge(
        path,
        f"the {what} has {size:,} bytes or more; the limit is {limit:,} "
        "(raise limits.max_file_size in annotator.toml to read it)",
    )


def open_no_follow(path: Path | str, flags: int, mode: int = 0o644, *, what: str = "file") -> int:
    """A file descriptor for a regular file, never through a symbolic link.

    A link is reported as PlantedLink (and left alone), anything but a
    regular file as NotRegularFile. Other OSErrors pass through.
    """
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, mode)
    except OSError as err:
        if err.errno == errno.ELOOP or (err.errno == errno.ENXIO and os.path.islink(path)):
            target = os.readlink(path) if os.path.islink(path) else "?"
            raise PlantedLink(
                path,
                f"the {what} is a symbolic link (to {target}); annotator never writes through one. "
                "Remove the link and try again.",
            ) from None
        raise
    _regular(fd, path, what)
    os.set_blocking(fd, True)
    return fd


def fsync_directory(folder: Path | str) -> None:
    """Make a rename or a new file in `folder` durable (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temporary_beside(path: Path, mode: int | None = None) -> tuple[int, Path]:
    """A new, empty temporary file in `path`'s folder (mkstemp: O_EXCL, never a link),
    open for writing, with the mode `path` has or a plain open() would give it.
    Every atomic write of the tool starts here."""
    import tempfile  # only to write: reading (validate) starts without it

    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file 0600; others must still be able to read what they could.
        os.fchmod(fd, destination_mode(path) if mode is None else mode)
    except BaseException:
        os.close(fd)
        Path(temporary).unlink(missing_ok=True)
        raise
    return fd, Path(temporary)


def fsync_file(path: Path | str) -> None:
    """Flush a file written earlier (never through a link) to the disk."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_with(temporary: Path | str, path: Path | str) -> None:
    """Rename a finished temporary file over `path` and make the rename durable.
    A symbolic link at `path` is replaced, never followed."""
    os.replace(temporary, path)
    fsync_directory(Path(path).parent)


def _temporary_copy(path: Path, data: bytes) -> Path:
    """A fsynced temporary file with `data` beside `path`."""
    fd, temporary = temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _prepare(path: Path | str, area: Area | None, what: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if area is not None:
        area.check(path.parent, f"folder of the {what}")
    return path


def atomic_write(path: Path | str, data: bytes, *, area: Area | None = None, what: str = "file") -> None:
    """Write to a temporary file beside `path`, fsync it, and rename it over `path`.

    A symbolic link at `path` is replaced, never followed.
    """
    path = _prepare(path, area, what)
    temporary = _temporary_copy(path, data)
    try:
        replace_with(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def create_new(path: Path | str, data: bytes, *, area: Area | None = None, what: str = "file") -> None:
    """Write a file that must not exist yet, atomically: FileExistsError if it
    does (or if another process creates it first). A hard link from a
    temporary file, unlike a rename, never replaces the destination."""
    path = _prepare(path, area, what)
    temporary = _temporary_copy(path, data)
    try:
        os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    fsync_directory(path.parent)


def destination_mode(path: Path | str, default: int = 0o666) -> int:
    """The mode the file or folder at `path` has (not a link's target's), else
    `default` less the umask: what a plain open() or mkdir() would give it."""
    try:
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
            return stat.S_IMODE(info.st_mode)
    except OSError:
        pass
    umask = os.umask(0)
    os.umask(umask)
    return default & ~umask
