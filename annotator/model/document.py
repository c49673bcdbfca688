"""Document text policy and document metadata.

Policy: a document file is read as bytes and decoded as strict UTF-8. One
leading byte-order mark is dropped, CRLF and lone CR become LF, and nothing
else changes (no Unicode normalisation). Offsets are code-point indices into
the resulting text; the SHA-256 is taken over that text encoded as UTF-8.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import orjson

UTF8_BOM = b"\xef\xbb\xbf"
META_SUFFIX = ".meta.json"
DOCUMENT_SUFFIX = ".txt"
META_FIELDS = ("id", "title", "publisher", "source", "language", "published")
# The schema's id pattern, repeated so the text policy does not import pydantic.
DOCUMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
DERIVED_ID_STEM = 55  # a derived id is this, '-' and 8 hex digits: 64, the longest id


class DocumentError(Exception):
    """A document that cannot be read under the text policy."""

    def __init__(self, path: Path | str, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(f"{path}:{line}:{col}: {message}")
        self.path = str(path)
        self.message = message
        self.line = line
        self.col = col


def decode_text(data: bytes, path: Path | str = "<bytes>") -> str:
    """Apply the text policy to raw bytes."""
    skipped = 0
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
        skipped = len(UTF8_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        # Everything before the bad byte is valid; count its lines as the policy
        # does (CRLF, CR, LF) and its columns in code points.
        before = _normalise_newlines(data[: err.start].decode("utf-8"))
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        raise DocumentError(
            path,
            f"not valid UTF-8: byte 0x{data[err.start]:02x} at byte offset {err.start + skipped} ({err.reason})",
            line,
            col,
        ) from None
    return _normalise_newlines(text)


def _normalise_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    id: str
    title: str | None = None
    publisher: str | None = None
    source: str | None = None
    language: str | None = None
    published: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {name: value for name in META_FIELDS if (value := getattr(self, name)) is not None}


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded document: its repo-relative path, text and metadata."""

    path: str
    text: str
    meta: DocumentMeta
    sha256: str = field(default="")

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def length(self) -> int:
        return len(self.text)


def document_id_for(name: str) -> str:
    """The id of a document that has no id of its own: its file name without
    `.txt`, when that is a valid id; otherwise one derived from it.

    File names like "my article", "Café crème" or one over 64 characters are
    common and are not ids (letters, digits, '.', '_', ':' and '-', at most 64,
    starting with a letter or digit). The derived id keeps what it can: accents
    are dropped, runs of other characters become one '-', the rest is cut to 55
    characters, and '-' plus 8 hex digits of the name's SHA-256 follow, so that
    two names that read alike ("my article", "my-article") never share an id.
    """
    if DOCUMENT_ID.fullmatch(name):
        return name
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9._:-]+", "-", plain).strip("-._:")[:DERIVED_ID_STEM].rstrip("-._:")
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"doc-{digest}"


def meta_path_for(document_path: Path) -> Path:
    return document_path.with_name(document_path.stem + META_SUFFIX)


def parse_meta(data: bytes, meta_file: Path | str, document_stem: str) -> DocumentMeta:
    """A sidecar's bytes as metadata, checked field by field; the id, when it gives
    none, comes from the document's file name (`document_id_for`)."""
    try:
        # Same policy as the text: a leading byte-order mark is dropped (orjson rejects it).
        raw = orjson.loads(data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data)
    except orjson.JSONDecodeError as err:
        raise DocumentError(meta_file, f"invalid JSON: {err.msg}", err.lineno, err.colno) from None
    if not isinstance(raw, dict):
        raise DocumentError(meta_file, "metadata must be a JSON object")
    unknown = sorted(set(raw) - set(META_FIELDS))
    if unknown:
        raise DocumentError(meta_file, f"unknown metadata field(s): {', '.join(unknown)}")
    for name, value in raw.items():
        if not isinstance(value, str):
            raise DocumentError(meta_file, f"metadata field {name!r} must be a string")
    # The id is copied into every annotation file, where the schema requires this form.
    if "id" in raw and not DOCUMENT_ID.fullmatch(raw["id"]):
        raise DocumentError(
            meta_file, f"metadata field 'id' {raw['id']!r} must be letters, digits, '.', '_', ':' or '-' (at most 64)"
        )
    raw.setdefault("id", document_id_for(document_stem))
    return DocumentMeta(**raw)
