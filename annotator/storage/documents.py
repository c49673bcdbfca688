"""Read documents and their metadata sidecars from a project, by the storage rules.

The text policy (decoding, newlines, the SHA-256, the metadata's fields) is the
model's (annotator.model.document); this module only finds and reads the files:
inside an area, regular files only, within the size limit.
"""

from __future__ import annotations

import os
from pathlib import Path

from annotator.model.document import (
    DOCUMENT_SUFFIX,
    Document,
    DocumentError,
    DocumentMeta,
    decode_text,
    document_id_for,
    meta_path_for,
    parse_meta,
    text_sha256,
)
from annotator.storage.files import DEFAULT_MAX_FILE_SIZE, Area, UnsafeFile, read_file

META_LIMIT = 1024 * 1024  # a sidecar holds a few short fields


def load_meta(document_path: Path, *, area: Area | None = None) -> DocumentMeta:
    """Read the sidecar `NAME.meta.json` (inside `area`, if given); the id, when it
    gives none or there is none, comes from the file name (`document_id_for`)."""
    meta_file = meta_path_for(document_path)
    if not os.path.lexists(meta_file):
        return DocumentMeta(id=document_id_for(document_path.stem))
    try:
        data = read_file(meta_file, limit=META_LIMIT, area=area, what="metadata file")
    except UnsafeFile as err:
        raise DocumentError(meta_file, f"cannot read metadata: {err.reason}") from None
    except OSError as err:
        raise DocumentError(meta_file, f"cannot read metadata: {err.strerror}") from None
    return parse_meta(data, meta_file, document_path.stem)


def load_document(
    root: Path, relative_path: str, *, area: Area | None = None, limit: int = DEFAULT_MAX_FILE_SIZE
) -> Document:
    """Load a document by its path relative to the project root. It is read only
    inside `area` (default: the root), links resolved, and only if it is a
    regular file of at most `limit` bytes."""
    full = root / relative_path
    area = area if area is not None else Area.of(root)
    try:
        data = read_file(full, limit=limit, area=area, what="document")
    except FileNotFoundError:
        raise DocumentError(relative_path, "document not found") from None
    except UnsafeFile as err:
        raise DocumentError(relative_path, err.reason) from None
    except OSError as err:
        raise DocumentError(relative_path, f"cannot read document: {err.strerror}") from None
    except ValueError:  # e.g. an embedded NUL byte, which no file system accepts
        raise DocumentError(relative_path, "document path is not a valid file name") from None
    text = decode_text(data, relative_path)
    return Document(path=relative_path, text=text, meta=load_meta(full, area=area), sha256=text_sha256(text))


def find_documents(paths: list[Path]) -> list[Path]:
    """Expand files and folders into a sorted list of document files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            # Hidden files and folders (editor backups, .git) are not documents.
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*" + DOCUMENT_SUFFIX)
                    if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            found.append(path)
    return found
