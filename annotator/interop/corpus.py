"""Stream annotation files with their documents, for export.

One file is loaded at a time and only the current document is kept, so memory
stays flat however large the corpus. A file that cannot be exported exactly
(does not load, its document is missing or changed, a span does not match the
text, an unknown label) is never exported: it raises InteropError naming the
file, or, with `on_error`, is reported there and skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath

from annotator.config import Config
from annotator.interop.model import ExportRecord, InteropError
from annotator.model.annotation import AnnotationFile
from annotator.model.document import Document, DocumentError, load_document
from annotator.validation.engine import expand_paths, load_annotation_file


def annotation_paths(paths: Iterable[Path] | None, config: Config) -> list[Path]:
    """Files and folders expanded to annotation files; default the annotations folder."""
    given = list(paths or ()) or [config.annotations_path]
    return list(expand_paths(given))


def iter_records(
    paths: Iterable[Path] | None,
    config: Config,
    *,
    on_error: Callable[[InteropError], None] | None = None,
) -> Iterator[ExportRecord]:
    """ExportRecords for the annotation files under `paths`, in path order."""
    current: Document | None = None
    for path in annotation_paths(paths, config):
        try:
            file = _load(path)
            if current is None or current.path != file.document.path:
                current = None  # only the current document is kept
                current = _document(path, file, config)
            _check(path, file, current, config)
        except InteropError as err:
            if on_error is None:
                raise
            on_error(err)
            continue
        yield ExportRecord(path=path, file=file, document=current)


def _load(path: Path) -> AnnotationFile:
    try:
        file, _ = load_annotation_file(path)
    except OSError as err:
        raise InteropError(f"{path}: cannot read: {err.strerror or err}") from None
    except ValueError as err:
        raise InteropError(f"{path}: not a valid annotation file:\n{err}") from None
    return file


def _document(path: Path, file: AnnotationFile, config: Config) -> Document:
    ref = file.document
    pure = PurePosixPath(ref.path)
    if pure.is_absolute() or ".." in pure.parts or "\\" in ref.path or "\x00" in ref.path:
        raise InteropError(f"{path}: document path {ref.path!r} must be relative to the project root, with '/'")
    try:
        return load_document(config.root, ref.path)
    except DocumentError as err:
        raise InteropError(f"{path}: document {ref.path} cannot be used: {err}") from None


def _check(path: Path, file: AnnotationFile, document: Document, config: Config) -> None:
    ref = file.document
    if document.id != ref.id:
        raise InteropError(f"{path}: document id {ref.id!r} differs from the document's id {document.id!r}")
    if document.sha256 != ref.sha256 or document.length != ref.length:
        raise InteropError(
            f"{path}: document changed since annotation: {ref.path} now has length {document.length}, "
            f"the file records {ref.length} (SHA-256 {ref.sha256[:12]}…); run 'annotator validate'"
        )
    text, tagset = document.text, config.tagset
    for index, span in enumerate(file.spans):
        if not 0 <= span.start < span.end <= len(text) or text[span.start : span.end] != span.text:
            raise InteropError(
                f"{path}: spans[{index}] (id {span.id}) [{span.start}, {span.end}) does not match the document text"
            )
        if span.label not in tagset:
            raise InteropError(f"{path}: spans[{index}] (id {span.id}) has unknown label {span.label!r}")
