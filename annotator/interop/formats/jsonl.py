"""Prodigy-compatible JSONL: one task per line, export and import.

Export writes one line per annotation file, keys in this fixed order::

    {"text", "spans": [{"start", "end", "label", "text", "attributes"?, "note"?, "id", "group"?}],
     "meta": {"id", "title"?, "publisher"?, "source"?, "language"?, "published"?, "path", "annotator",
              "offsets"? (only when not code points)},
     "_input_hash", "_task_hash", "answer": "accept"}

`start`/`end` are code points (Prodigy's own unit, Python string indices) or,
with ``offsets="utf16"``, UTF-16 code units; a UTF-16 file says so in
``meta.offsets`` and the reader refuses it under another unit.

Hashes: Prodigy stores 32-bit *signed* ints (it uses MurmurHash). We use
CRC-32 (zlib), made signed: ``_input_hash`` = crc32(text as UTF-8);
``_task_hash`` = crc32 of the JSON list ``[[start, end, label], ...]``
continued from the input hash. Both are deterministic across runs and
machines; they are not Prodigy's values (``prodigy db-in --rehash`` recomputes
them if a dataset needs Prodigy's own).

No ``tokens``: they depend on the tokenizer of the Prodigy recipe (a spaCy
pipeline), span boundaries need not fall on any tokenizer's token boundaries,
and ``token_start``/``token_end`` from a whitespace split would disagree with
what Prodigy recomputes; span recipes add tokens themselves.

Kept: text, document metadata and path, annotator, each span's offsets,
label, text, attributes, note, id and group. Lost: span origin/source,
created/modified by/at, the audit history, status and foreign records.

Import (also for "prodigy"): spans with ``start``/``end``/``label`` (labels
verbatim: Prodigy's "ORG" stays "ORG"; mapping it to a tag set is the
caller's business); tokens,
``token_start``/``token_end`` and unknown keys are ignored. Tasks whose
``answer`` is "reject" or "ignore" are skipped and counted. The document id is
``meta.id`` or ``meta.doc_id``, else the first 16 hex digits of the SHA-256 of
the text; the annotator is ``meta.annotator``, else ``_annotator_id``, else
``_session_id``. CR LF / lone CR in a text become LF (the document policy) and
offsets are shifted to match. Each span's source is ``FILE#line-N/ID``: the
file's name, the line, and the span's ``id`` or else ``span-K``, its place in
the task's ``spans`` from 1 (``news.jsonl#line-3/span-1``). Errors name
``file:line``; a line that cannot be read (bad JSON, a malformed task or
span) is yielded as an UnreadableDocument and the reading goes on with the
next line. The file is streamed line by line, opened only inside the source
folder and only if it is a regular file; a line longer than
``options["limit"]`` bytes is refused.

Reports: messages (skip counts) go to ``options["report"]`` when it is
callable, else to stderr; counts are also added to ``options["stats"]`` when
that is a dict.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.interop import registry
from annotator.interop.formats import check_unit, report
from annotator.interop.model import (
    ExportRecord,
    ImportedDocument,
    ImportedSpan,
    InteropError,
    ReadItem,
    UnreadableDocument,
)
from annotator.interop.offsets import OffsetMap
from annotator.interop.output import Staging
from annotator.interop.sources import read_lines, source_area, source_limit
from annotator.model.document import DOCUMENT_ID, META_FIELDS

NAME = "jsonl"
OFFSET_UNITS: tuple[str, ...] = registry.offset_units(NAME)

BATCH_BYTES = 1 << 20  # flush the output buffer every ~1 MB
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def signed32(value: int) -> int:
    """An unsigned 32-bit value as the signed int Prodigy stores."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def input_hash(text: str) -> int:
    return signed32(zlib.crc32(text.encode("utf-8")))


def task_hash(input_value: int, spans: Iterable[tuple[int, int, str]]) -> int:
    key = orjson.dumps([list(span) for span in spans])
    return signed32(zlib.crc32(key, input_value & 0xFFFFFFFF))


def astral_positions(text: str) -> list[int]:
    """Code-point positions of the characters that take two UTF-16 units (found at C speed)."""
    return [] if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]


# -- export ------------------------------------------------------------------


def _task(record: ExportRecord, offsets: str) -> tuple[dict[str, Any], int]:
    document = record.document
    text = document.text
    astral = astral_positions(text) if offsets == "utf16" else None
    spans = []
    keys = []
    for span in record.file.spans:
        start, end = span.start, span.end
        if astral:
            start, end = start + bisect_left(astral, start), end + bisect_left(astral, end)
        item: dict[str, Any] = {"start": start, "end": end, "label": span.label, "text": span.text}
        if span.attributes:
            item["attributes"] = span.attributes
        if span.note is not None:
            item["note"] = span.note
        item["id"] = span.id
        if span.group is not None:
            item["group"] = span.group
        spans.append(item)
        keys.append((start, end, span.label))
    meta: dict[str, Any] = document.meta.as_dict()
    meta["path"] = document.path
    meta["annotator"] = record.file.annotator
    if offsets != "codepoint":
        meta["offsets"] = offsets
    in_hash = input_hash(text)
    task = {
        "text": text,
        "spans": spans,
        "meta": meta,
        "_input_hash": in_hash,
        "_task_hash": task_hash(in_hash, keys),
        "answer": "accept",
    }
    return task, len(spans)


def export(records: Iterable[ExportRecord], dest: Path, *, offsets: str = "codepoint", options: dict) -> int:
    check_unit(NAME, OFFSET_UNITS, offsets)
    written = 0
    buffer: list[bytes] = []
    size = 0
    dumps = orjson.dumps
    newline = orjson.OPT_APPEND_NEWLINE
    with Staging() as staging, staging.open(dest) as out:
        for record in records:
            task, count = _task(record, offsets)
            line = dumps(task, option=newline)
            buffer.append(line)
            size += len(line)
            written += count
            if size >= BATCH_BYTES:
                out.write(b"".join(buffer))
                buffer.clear()
                size = 0
        out.write(b"".join(buffer))
    return written


# -- import ------------------------------------------------------------------


def _int(value: Any, where: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InteropError(f"{where}: span {name!r} must be an integer, not {value!r}")
    return value


def _normalise(text: str) -> tuple[str, list[int]]:
    """Text under the document newline policy, and the positions of dropped CRs."""
    if "\r" not in text:
        return text, []
    dropped = [i for i in range(len(text) - 1) if text[i] == "\r" and text[i + 1] == "\n"]
    return text.replace("\r\n", "\n").replace("\r", "\n"), dropped


def _shift(offset: int, dropped: list[int]) -> int:
    return offset - bisect_left(dropped, offset) if dropped else offset


def _document(task: Any, where: str, offsets: str, record: str) -> ImportedDocument:
    """The task of one line as a document; `record` is the line as span sources name it (FILE#line-N)."""
    if not isinstance(task, dict):
        raise InteropError(f"{where}: a task must be a JSON object")
    raw_text = task.get("text")
    if not isinstance(raw_text, str):
        raise InteropError(f"{where}: task has no string 'text'")
    meta = task.get("meta") or {}
    if not isinstance(meta, dict):
        raise InteropError(f"{where}: 'meta' must be an object")
    declared = meta.get("offsets")
    if declared is not None and declared != offsets:
        raise InteropError(f"{where}: file says offsets are {declared!r} but {offsets!r} was asked for")
    text, dropped = _normalise(raw_text)
    doc_id = meta.get("id", meta.get("doc_id"))
    if doc_id is None:
        doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    if not isinstance(doc_id, str) or not DOCUMENT_ID.fullmatch(doc_id):
        raise InteropError(
            f"{where}: document id {doc_id!r} must be letters, digits, '.', '_', ':' or '-' (at most 64)"
        )
    annotator = meta.get("annotator") or task.get("_annotator_id") or task.get("_session_id")
    if annotator is not None and not isinstance(annotator, str):
        raise InteropError(f"{where}: annotator must be a string, not {annotator!r}")
    doc_meta = {k: v for k in META_FIELDS if k != "id" and isinstance(v := meta.get(k), str)}
    omap = OffsetMap(raw_text) if offsets == "utf16" else None
    spans_raw = task.get("spans") or []
    if not isinstance(spans_raw, list):
        raise InteropError(f"{where}: 'spans' must be a list")
    spans = []
    for i, raw in enumerate(spans_raw):
        at = f"{where}: spans[{i}]"
        if not isinstance(raw, dict):
            raise InteropError(f"{at}: a span must be an object")
        start = _int(raw.get("start"), at, "start")
        end = _int(raw.get("end"), at, "end")
        label = raw.get("label")
        if not isinstance(label, str):
            raise InteropError(f"{at}: span has no string 'label'")
        if omap is not None:
            try:
                start, end = omap.parse(start, "utf16"), omap.parse(end, "utf16")
            except ValueError as err:
                raise InteropError(f"{at}: {err}") from None
        elif not 0 <= start <= end <= len(raw_text):
            raise InteropError(f"{at}: [{start}, {end}) is outside the text (length {len(raw_text)})")
        start, end = _shift(start, dropped), _shift(end, dropped)
        attributes = raw.get("attributes") or {}
        if not isinstance(attributes, dict):
            raise InteropError(f"{at}: 'attributes' must be an object")
        note = raw.get("note")
        group = raw.get("group")
        span_text = raw.get("text")
        for name, value in (("note", note), ("group", group), ("text", span_text)):
            if value is not None and not isinstance(value, str):
                raise InteropError(f"{at}: {name!r} must be a string")
        if span_text is not None and "\r" in span_text:
            span_text = span_text.replace("\r\n", "\n").replace("\r", "\n")
        span_id = raw.get("id")
        source = f"{record}/{span_id}" if isinstance(span_id, str) and span_id else f"{record}/span-{i + 1}"
        spans.append(
            ImportedSpan(
                start=start,
                end=end,
                label=label,
                source=source,
                text=span_text,
                attributes=attributes,
                note=note,
                group=group,
            )
        )
    return ImportedDocument(doc_id=doc_id, text=text, source=where, annotator=annotator, meta=doc_meta, spans=spans)


def read(source: Path, *, offsets: str = "codepoint", options: dict) -> Iterator[ReadItem]:
    check_unit(NAME, OFFSET_UNITS, offsets)
    skipped = {"reject": 0, "ignore": 0}
    source = Path(source)
    lines = read_lines(source, source_area(source, options), source_limit(options), "JSONL file")
    for lineno, line in lines:
        if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            document = _line(line, where, offsets, f"{source.name}#line-{lineno}", skipped)
        except InteropError as err:
            yield UnreadableDocument.of(where, err, _declared_id(line))
            continue
        if document is not None:
            yield document
    if any(skipped.values()):
        report(
            options,
            f"{source}: skipped {skipped['reject']} rejected and {skipped['ignore']} ignored task(s)",
            skipped_reject=skipped["reject"],
            skipped_ignore=skipped["ignore"],
        )


def _declared_id(line: bytes) -> str | None:
    """The id a line that cannot be read says its document has, if it says one, to name it by."""
    try:
        meta = orjson.loads(line).get("meta")
        doc_id = meta.get("id", meta.get("doc_id"))
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return doc_id if isinstance(doc_id, str) and DOCUMENT_ID.fullmatch(doc_id) else None


def _line(line: bytes, where: str, offsets: str, record: str, skipped: dict[str, int]) -> ImportedDocument | None:
    """The document of one line, or None for a task rejected or ignored (counted in `skipped`)."""
    try:
        task = orjson.loads(line)
    except orjson.JSONDecodeError as err:
        raise InteropError(f"{where}: invalid JSON: {err.msg}") from None
    answer = task.get("answer", "accept") if isinstance(task, dict) else "accept"
    if not isinstance(answer, str):
        raise InteropError(f"{where}: 'answer' must be a string, not {answer!r}")
    if answer in skipped:
        skipped[answer] += 1
        return None
    if answer != "accept":
        raise InteropError(f"{where}: unknown answer {answer!r} (accept, reject or ignore)")
    return _document(task, where, offsets, record)
