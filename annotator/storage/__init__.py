"""Every read and write of a project file, and the rules they keep.

Annotation corpora come from other people: pull requests, other tools'
exports, downloaded datasets. A crafted file or a symlink (git stores them,
a pull request carries them) must not make annotator read or write anything
outside the project, destroy its own outputs, hang, or run out of memory.
So files are read and written only through this package, which enforces:

- Files are read and written only inside an `Area`: the project root and
  the documents folders the config names (for import, the source folder),
  after symlinks are resolved. A path, or a link, that leads elsewhere is
  refused with a message that names it and where it leads.
- Only regular files are read. FIFOs, devices, sockets and folders are
  refused at once (a FIFO is opened without blocking), and no more than a
  size limit is read into memory (`limits.max_file_size` in the config).
- Lock, journal and temporary files are never opened through a symlink
  (O_NOFOLLOW): a planted link is reported, not followed. Temporary files are
  made with mkstemp in the destination's folder (O_EXCL).
- Writes are atomic: a temporary file in the same folder, fsynced, renamed
  over the destination, the folder fsynced. A file that must not exist yet is
  created with a hard link, which fails rather than overwrite.

Modules, from the bottom up:

- `files`: those rules (standard library only);
- `paths`: which annotation files a list of paths names;
- `documents`: documents and their metadata sidecars;
- `annotation_files`: the canonical encoding of annotation files and their
  conflict-checked saves;
- `loading`: an annotation file read and parsed, refused with the
  validator's findings;
- `lock`, `journal`, `work_file`: a file opened for editing by one session:
  the edit lock, the recovery journal, saves and conflicts.

Layer: `files` and `paths` import only the standard library, so that
`annotator validate` lists its files before anything heavy is loaded, and
the model's text policy needs none of this. `documents` and
`annotation_files` import the model; `loading` and `work_file` import the
validator's parser. Nothing here imports the editor or the UI (contracts
`leaves` and `no-ui`). The names of
`annotation_files` are loaded on first use (they need pydantic).
"""

from typing import Any

from annotator.storage.files import (
    DEFAULT_MAX_FILE_SIZE,
    Area,
    FileTooLarge,
    NotRegularFile,
    OutsideArea,
    PlantedLink,
    StorageError,
    UnsafeFile,
    atomic_write,
    create_new,
    fsync_directory,
    open_no_follow,
    read_file,
    read_no_follow,
    read_problem,
)

__all__ = [
    "DEFAULT_MAX_FILE_SIZE",
    "JSON_OPTIONS",
    "MISSING",
    "OMITTED_WHEN_EMPTY",
    "Area",
    "CanonicalEncoder",
    "ConflictError",
    "FileTooLarge",
    "Fingerprint",
    "NotRegularFile",
    "OutsideArea",
    "PlantedLink",
    "StorageError",
    "UnsafeFile",
    "atomic_write",
    "canonical_dict",
    "create_new",
    "dumps",
    "fsync_directory",
    "open_no_follow",
    "read_file",
    "read_no_follow",
    "read_problem",
    "save",
]

_ANNOTATION_FILES = (
    "JSON_OPTIONS",
    "MISSING",
    "OMITTED_WHEN_EMPTY",
    "CanonicalEncoder",
    "ConflictError",
    "Fingerprint",
    "canonical_dict",
    "dumps",
    "save",
)


def __getattr__(name: str) -> Any:
    if name in _ANNOTATION_FILES:
        from annotator.storage import annotation_files

        return getattr(annotation_files, name)
    raise AttributeError(f"module 'annotator.storage' has no attribute {name!r}")
