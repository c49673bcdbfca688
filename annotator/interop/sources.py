"""Reading an import's source files: inside the source folder, regular files, a size limit.

An import reads files other people made: a crafted annotation file or a
symbolic link (git and zip archives carry them) must not make annotator copy
`/etc/shadow` or `/proc/self/environ` into the project. So every importer
reads its files only through this module, which applies the storage layer's
rules (`annotator.storage.read_file`):

- A file is read only inside the import's `Area`: the source folder (a
  folder given as SOURCE, or the folder of a file given as SOURCE), after
  links are resolved; a link that leads elsewhere is refused, not followed.
  `options["area"]` overrides it (the CLI passes the same).
- Only regular files: a FIFO, device, socket or folder is refused before a
  byte is read (a FIFO is opened without blocking).
- At most `options["limit"]` bytes (the config's `limits.max_file_size`) are
  read into memory from one file. Line-oriented files (JSONL) are streamed
  line by line, so memory stays flat; the limit then applies to each line.

Every refusal is an InteropError whose message names the file and the rule.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from annotator.interop.model import InteropError
from annotator.storage import DEFAULT_MAX_FILE_SIZE, Area, UnsafeFile, read_file

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def source_folder(source: Path) -> Path:
    """The folder an import may read from: SOURCE itself if it is a folder, else its folder."""
    return source if source.is_dir() else source.parent


def source_area(source: Path, options: dict) -> Area:
    """`options["area"]`, else the source folder."""
    area = options.get("area")
    return area if isinstance(area, Area) else Area.of(source_folder(Path(source)))


def source_limit(options: dict) -> int:
    """`options["limit"]` (bytes), else the storage layer's default."""
    limit = options.get("limit")
    return limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else DEFAULT_MAX_FILE_SIZE


def refusal(path: Path | str, what: str, err: OSError) -> InteropError:
    """The error for a file that cannot be read: the storage layer's reason for a
    refused file, else the system's."""
    if isinstance(err, UnsafeFile):
        return InteropError(f"{path}: {err.reason}")
    return InteropError(f"{path}: cannot read the {what}: {err.strerror or err}")


def read_source(path: Path, area: Area, limit: int, what: str) -> bytes:
    """The bytes of `path`, read under the rules above; InteropError naming the file otherwise."""
    try:
        return read_file(path, limit=limit, area=area, what=what)
    except OSError as err:
        raise refusal(path, what, err) from None
    except ValueError:  # an embedded NUL byte, which no file system accepts
        raise InteropError(f"{path}: not a valid file name") from None


def read_lines(path: Path, area: Area, limit: int, what: str) -> Iterator[tuple[int, bytes]]:
    """(line number, line) for each line of `path`, streamed; InteropError naming the file
    if it may not be read, and naming the line if one is longer than `limit` bytes."""
    try:
        area.check(path, what)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as err:
        raise refusal(path, what, err) from None
    except ValueError:
        raise InteropError(f"{path}: not a valid file name") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
            raise InteropError(f"{path}: the {what} is {kind}, not a regular file; it is not read")
        os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        lineno = 0
        while True:
            try:
                line = handle.readline(limit + 1)
            except OSError as err:
                raise refusal(f"{path}:{lineno + 1}", what, err) from None
            if not line:
                return
            lineno += 1
            if len(line) > limit:
                raise InteropError(
                    f"{path}:{lineno}: the line has more than {limit:,} bytes, the limit "
                    "(raise limits.max_file_size in annotator.toml to read it)"
                )
            yield lineno, line
