"""Which annotation files a list of paths names: files as given, folders searched.

Standard library only, so that `annotator validate` lists its files before
anything heavy is imported.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

ANNOTATION_SUFFIX = ".json"


class FolderLink(type(Path())):  # type: ignore[misc]
    """A link to a folder outside the folder searched, found in it: listed so that it is
    reported (A101), never searched, also when the list is expanded again."""


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders searched for `*.json`, sorted, hidden files and folders skipped.

    Everything a folder holds under that name is listed but folders: a FIFO, a
    device or a broken link is a finding when it is read (A101), not a file
    silently left out, and never a hang. Links to folders are not followed: one
    that leads inside the folder searched adds nothing (its files are found where
    they are), and one that leads outside is listed as a FolderLink, so that it is
    reported rather than read or silently skipped.
    """
    for path in paths:
        if path.is_dir() and not isinstance(path, FolderLink):
            yield from sorted(_search(path))
        else:
            yield path


def _search(folder: Path) -> Iterator[Path]:
    inside = os.path.realpath(folder)
    for current, folders, names in os.walk(folder):
        base = Path(current)
        kept = []
        for name in folders:
            if name.startswith("."):
                continue
            path = base / name
            if not path.is_symlink():
                kept.append(name)
            elif os.path.commonpath([inside, os.path.realpath(path)]) != inside:
                yield FolderLink(path)
        folders[:] = kept  # what os.walk goes into: the real folders, not the links
        for name in names:
            if name.endswith(ANNOTATION_SUFFIX) and not name.startswith("."):
                yield base / name
