"""The lock that stops a second session from editing the same annotation file.

An exclusive flock on `.NAME.lock` beside the file. The kernel drops a flock
when its holder dies, so a lock file left behind by `kill -9` does not
block; what is written into it (user, process, host, since when) is only
for the message the second session shows. The lock file is never opened
through a symbolic link: a planted one is reported.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import os
import socket
from pathlib import Path

from annotator.model.editing import utc_now
from annotator.storage.files import OpenError, open_no_follow, read_problem


class LockedError(OpenError):
    """Another session holds the file."""


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


class EditLock:
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
