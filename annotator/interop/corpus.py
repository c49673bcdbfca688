"""Stream annotation files with their documents, for export.

One file is loaded at a time and only the current document is kept, so memory
stays flat however large the corpus. A file is exported only if `annotator
validate` would pass it: each is read once (inside the project's area, a
regular file of at most `limits.max_file_size` bytes), parsed once, and
checked with the validator's own rules (`Validator.check_model`: document
found and unchanged, offsets, span text, labels, attributes, unique ids,
duplicates, the audit trail, foreign records). A file that fails raises
InteropError naming the file and its first findings, as validate prints them,
or, with `on_error`, is reported there and skipped.

With `paths` (annotator.interop.output.Paths), each document and its metadata
file are recorded as inputs, so that an export never writes over them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path

from annotator.config import Config
from annotator.interop.model import ExportRecord, InteropError, shown
from annotator.interop.output import Paths
from annotator.model.document import Document, meta_path_for
from annotator.storage import Area, UnsafeFile, read_file
from annotator.storage.paths import expand_paths
from annotator.validation.engine import Validator, parse_annotation_bytes

SHOWN_FINDINGS = 3


def annotation_paths(paths: Iterable[Path] | None, config: Config) -> list[Path]:
    """Files and folders expanded to annotation files; default the annotations folder."""
    given = list(paths or ()) or [config.annotations_path]
    return list(expand_paths(given))


def iter_records(
    paths: Iterable[Path] | None,
    config: Config,
    *,
    on_error: Callable[[InteropError], None] | None = None,
    inputs: Paths | None = None,
) -> Iterator[ExportRecord]:
    """ExportRecords for the annotation files under `paths`, in path order."""
    validator: Validator | None = None
    current: str | None = None  # the document path the validator holds
    project_area, root = config.area, os.path.join(os.path.abspath(config.root), "")
    for path in annotation_paths(paths, config):
        try:
            # Config.area_for, with the project's area (links resolved) worked out once, not per file.
            inside = os.path.abspath(path).startswith(root)
            area = project_area if inside else config.area_for(path)
            raw = _read(path, area, config.max_file_size)
            model = parse_annotation_bytes(raw).model
            if model is not None and (validator is None or current != model.document.path):
                # A validator caches the documents it reads: a fresh one per document
                # keeps only the current one in memory.
                validator, current = Validator(config), model.document.path
            checker = validator if validator is not None else Validator(config)
            if model is None or checker.check_model(model):
                raise _invalid(path, raw, checker)
            document = checker.document(model.document.path)
            if not isinstance(document, Document):  # check_model reports this first (A301, A303)
                raise _invalid(path, raw, checker)
            if inputs is not None:
                # The descriptions are made only if needed: most exports never show one.
                file, ref = config.root / model.document.path, model.document.path
                inputs.add_input(file, partial(_describe, "document", ref, path))
                inputs.add_input(meta_path_for(file), partial(_describe, "metadata of the document", ref, path))
        except InteropError as err:
            if on_error is None:
                raise
            on_error(err)
            continue
        yield ExportRecord(path=path, file=model, document=document)


def _describe(what: str, document: str, path: Path) -> str:
    return f"{what} {document} of {shown(path)}"


def _read(path: Path, area: Area, limit: int) -> bytes:
    try:
        return read_file(path, limit=limit, area=area, what="annotation file")
    except UnsafeFile as err:
        raise InteropError(f"{shown(path)}: {err.reason}") from None
    except OSError as err:
        raise InteropError(f"{shown(path)}: cannot read: {err.strerror or err}") from None
    except ValueError:
        raise InteropError(f"{shown(path)}: not a valid file name") from None


def _invalid(path: Path, raw: bytes, validator: Validator) -> InteropError:
    """The error for a file that does not validate: its first findings, placed as validate places them.

    Only a failing file is parsed a second time, to place its findings by line and column.
    """
    findings = validator.validate_bytes(raw, shown(path))
    lines = [f"  {f.path}:{f.line}:{f.col}: {f.code} {f.message}" for f in findings[:SHOWN_FINDINGS]]
    if not lines:
        lines = ["  it cannot be loaded (run 'annotator validate' on it)"]
    more = len(findings) - SHOWN_FINDINGS
    tail = f"\n  ... and {more} more (see 'annotator validate')" if more > 0 else ""
    return InteropError(f"{shown(path)}: does not validate, so it is not exported:\n" + "\n".join(lines) + tail)
