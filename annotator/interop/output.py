"""Where an export writes: never over one of its inputs, and only once it has succeeded.

An export reads annotation files and their documents and writes one file (a
folder for brat). Two rules keep it from destroying data:

- An output is never one of the export's inputs. `Paths` compares files by
  identity (device and inode, links followed): the annotation files and the
  fixed outputs (`--out`, Label Studio's `<stem>.config.xml`, brat's
  `annotation.conf`) before anything is read (`check_destination`, which
  also refuses a brat --out that is a documents folder and an --out that is
  a document); the documents, found only as the files are read, and brat's
  per-document files as they come. A clash is an InteropError naming both.
- Nothing is replaced until the whole export has succeeded. `Staging` writes
  each output to a temporary file (or folder, for brat) beside its
  destination, created as every atomic write's (storage.files.temporary_beside)
  or with mkdtemp (O_EXCL, never through a link);
  `commit()` fsyncs each file and renames it over its destination, and
  leaving the `with` block with an exception removes them instead, so a
  failed export leaves an existing destination exactly as it was. A staged
  folder replaces a missing destination folder in one rename; into an
  existing one its files are renamed one by one (other files there are left
  alone), never through a link planted in it. The files of a staged folder
  are not fsynced one by one (see `commit`); the folders they land in are.

Format modules use `Staging` themselves, so they are safe when called
directly as well as from `annotator export`, which adds `Paths` as
`options["paths"]`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from annotator.interop.model import InteropError, shown
from annotator.storage.files import destination_mode, fsync_directory, fsync_file, replace_with, temporary_beside

if TYPE_CHECKING:
    from annotator.config import Config


def real(path: Path | str) -> str:
    return os.path.realpath(path)


def _identity(path: Path | str) -> tuple[int, int] | None:
    """(device, inode) of the file `path` leads to, or None if there is none: a file
    that does not exist cannot be an input, nor be destroyed by an output."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


class Paths:
    """The files an export reads and writes, compared by identity (device and inode,
    links followed); an output that is also an input is refused.

    Inputs are remembered only while outputs may still be added (`seal()` ends
    that), so a file format's export keeps no per-document memory.
    """

    def __init__(self) -> None:
        self._inputs: dict[tuple[int, int], str] = {}  # identity -> what it is, for the message
        self._outputs: dict[tuple[int, int], Path] = {}  # identity -> the path as it will be written
        self._sealed = False

    def seal(self) -> None:
        """No more outputs will be added: inputs need only be compared, not remembered."""
        self._sealed = True
        self._inputs.clear()

    def add_input(self, path: Path | str, what: str | Callable[[], str]) -> None:
        """Record an input; `what` names it in a message ("annotation file X"), or
        makes that name when it is needed."""
        key = _identity(path)
        if key is None:
            return
        if key in self._outputs:
            name = what if isinstance(what, str) else what()
            raise InteropError(
                f"{self._outputs[key]}: the export would write over its own input, the {name}; choose another --out"
            )
        if not self._sealed:
            self._inputs.setdefault(key, what if isinstance(what, str) else what())

    def add_output(self, path: Path) -> None:
        if self._sealed:
            raise RuntimeError("Paths.add_output after seal()")
        key = _identity(path)
        if key is None:
            return
        if key in self._inputs:
            raise InteropError(
                f"{path}: the export would write over its own input, the {self._inputs[key]}; choose another --out"
            )
        self._outputs.setdefault(key, path)


def _cannot_write(dest: Path, err: OSError) -> InteropError:
    return InteropError(f"{dest}: cannot write: {err.strerror or err}")


class Staging:
    """Outputs written beside their destinations and put in place together.

    with Staging() as staging:
        with staging.open(dest) as out:
            out.write(...)
    # renamed over dest here, or removed if the block raised

    """

    def __init__(self) -> None:
        self._files: list[tuple[Path, Path]] = []  # (temporary, destination)
        self._folders: list[tuple[Path, Path]] = []

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    # -- making -------------------------------------------------------------------

    def open(self, dest: Path | str, mode: str = "wb", **options: Any) -> IO[Any]:
        """A new file object for `dest`, writing to a temporary file beside it."""
        dest = Path(dest)
        if dest.is_dir():
            raise InteropError(f"{dest}: is a folder; --out must name a file for this format")
        try:
            fd, temporary = temporary_beside(dest)
        except OSError as err:
            raise _cannot_write(dest, err) from None
        self._files.append((temporary, dest))
        try:
            return os.fdopen(fd, mode, **options)
        except BaseException:
            os.close(fd)
            raise

    def write(self, dest: Path | str, data: bytes) -> None:
        with self.open(dest) as out:
            out.write(data)

    def folder(self, dest: Path | str) -> Path:
        """A new, empty folder beside `dest` to write into in its place."""
        dest = Path(dest)
        if os.path.lexists(dest) and not dest.is_dir():
            raise InteropError(f"{dest}: is not a folder; this format writes a folder")
        try:
            temporary = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
        except OSError as err:
            raise _cannot_write(dest, err) from None
        self._folders.append((temporary, dest))
        os.chmod(temporary, destination_mode(dest, 0o777))
        return temporary

    # -- putting in place -----------------------------------------------------------

    def commit(self) -> None:
        """fsync each staged file, check each staged folder, then rename each over its destination.

        Every check comes before the first rename; what is left over (after a
        failure) is removed.
        """
        where: Path | None = None  # the destination being handled, for the message
        try:
            for temporary, dest in self._files:
                where = dest
                fsync_file(temporary)
            for temporary, dest in self._folders:
                where = dest
                # Checks only. A staged folder's files are not fsynced one by one: for a
                # brat export of 10,000 documents that is 20,000 fsyncs, which more than
                # doubled its time, for output that can always be made again.
                for _source, _target in _staged_files(temporary, dest):
                    pass
            for temporary, dest in self._files:
                where = dest
                replace_with(temporary, dest)
            for temporary, dest in self._folders:
                where = dest
                _put_folder(temporary, dest)
        except OSError as err:
            raise InteropError(f"{where}: cannot put the export in place: {err.strerror or err}") from None
        finally:
            self.discard()

    def discard(self) -> None:
        """Remove every temporary file and folder; the destinations stay as they were."""
        for temporary, _ in self._files:
            temporary.unlink(missing_ok=True)
        for temporary, _ in self._folders:
            shutil.rmtree(temporary, ignore_errors=True)
        self._files.clear()
        self._folders.clear()


def _staged_files(temporary: Path, dest: Path) -> Iterator[tuple[Path, Path]]:
    """(file in the staged folder, where it goes in `dest`), one folder at a time,
    checking that no folder on the way in `dest` is a link or a file and no
    file would replace a folder: a rename must land inside `dest`."""
    for folder, _subfolders, names in os.walk(temporary):
        relative = Path(folder).relative_to(temporary)
        target_folder = dest / relative
        if relative.parts and os.path.lexists(target_folder):
            if os.path.islink(target_folder) or not target_folder.is_dir():
                raise InteropError(f"{target_folder}: is a link or not a folder; the export does not write into it")
        for name in names:
            target = target_folder / name
            if os.path.isdir(target) and not os.path.islink(target):
                raise InteropError(f"{target}: is a folder; the export does not replace it")
            yield Path(folder) / name, target


def _put_folder(temporary: Path, dest: Path) -> None:
    if not os.path.lexists(dest):
        os.rename(temporary, dest)  # one step: the folder appears whole
        fsync_directory(dest.parent)
        return
    folder = None
    for source, target in _staged_files(temporary, dest):
        if target.parent != folder:
            if folder is not None:
                fsync_directory(folder)
            folder = target.parent
            folder.mkdir(exist_ok=True)
        os.replace(source, target)  # a link at `target` is replaced, never followed
    if folder is not None:
        fsync_directory(folder)
    shutil.rmtree(temporary, ignore_errors=True)


def check_destination(module: Any, dest: Path, files: Iterable[Path], configs: Iterable[Config]) -> Paths:
    """The Paths of an export of `files` to `dest` by a format module, checked before
    anything is read: InteropError if `dest` (or another file the format always writes)
    is one of the files, a folder where a file is needed, or a document.

    A format writes `module.outputs(dest)` if it has that function, else `dest`;
    a module with FOLDER_OUTPUT (brat, hf) writes a folder that replaces --out as a
    whole, so its --out may not be a documents folder either.
    """
    dest = Path(dest)
    paths = Paths()
    for file in files:
        paths.add_input(file, f"annotation file {shown(file)}")
    outputs = getattr(module, "outputs", None)
    for output in outputs(dest) if callable(outputs) else (dest,):
        paths.add_output(Path(output))
    folder_output = bool(getattr(module, "FOLDER_OUTPUT", False))
    if not folder_output:  # the outputs are all known: documents are only compared with them
        paths.seal()
    if not folder_output and dest.is_dir():
        raise InteropError(f"{dest}: is a folder; --out must name a file for this format")
    documents = {
        real(config.root / folder): config.root / folder for config in configs for folder in config.document_dirs
    }
    target = real(dest)
    for key, folder in documents.items():
        if folder_output and target == key:
            raise InteropError(
                f"{dest}: is the documents folder {folder}; a {getattr(module, 'NAME', 'folder')} export "
                "replaces the folder it writes, documents and all; choose another --out"
            )
        inside = Path(target).is_relative_to(key)
        if not folder_output and inside and (dest.name.endswith(".txt") or dest.name.endswith(".meta.json")):
            raise InteropError(
                f"{dest}: is a document (or its metadata) in the documents folder {folder}; choose another --out"
            )
    return paths
