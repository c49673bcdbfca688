"""doccano JSONL, sequence-labeling and relation projects.

Offsets: "utf16" is the default. doccano's backend is Python, but offsets are
made in the browser by the annotation component from JavaScript string
indices (UTF-16 code units) and stored as sent; the backend never converts
them (doccano PR #99 describes exactly this for emoji). Text without
characters beyond U+FFFF reads the same in both units. "codepoint" is offered
for JSONL written by Python scripts.

One line per (document, annotator)::

    {"id": <doc id>, "text": ..., "label": [[start, end, "label"], ...],
     "annotator": <name>, "title": ..., "publisher": ..., ...}

Document metadata is flattened into the line, as doccano itself exports the
metadata of imported examples. With `options["relations"]` the relation-project
form is written instead: `"entities": [{"id", "label", "start_offset",
"end_offset"}]` (ids numbered from 1 in each line) and `"relations": [{"id",
"from_id", "to_id", "type"}]` from kept doccano relation records.

Read accepts both forms (also the older `labels` key and a nested `meta`);
relations become foreign records of kind "relation" and document-level
categories (text-classification `label: ["positive"]`) records of kind
"category". Errors name `file:line`. The file is streamed line by line,
opened only inside the source folder and only if it is a regular file; a line
longer than `options["limit"]` bytes is refused.

Kept: spans (start, end, label), annotator, document id and metadata.
Lost: attributes, notes, span ids and groups, audit history; doccano's span
format has no place for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.interop import registry
from annotator.interop.formats import check_unit, report
from annotator.interop.model import (
    ExportRecord,
    ImportedDocument,
    ImportedRecord,
    ImportedSpan,
    InteropError,
    ReadItem,
    UnreadableDocument,
)
from annotator.interop.offsets import OffsetMap, parse_range
from annotator.interop.output import Staging
from annotator.interop.sources import read_lines, source_area, source_limit
from annotator.model.annotation import NAME_PATTERN
from annotator.model.document import DOCUMENT_ID, META_FIELDS

NAME = "doccano"
OFFSET_UNITS: tuple[str, ...] = registry.offset_units(NAME)

_NAME = re.compile(NAME_PATTERN)


# -- export -------------------------------------------------------------------


def export(records: Iterable[ExportRecord], dest: Path, *, offsets: str, options: dict) -> int:
    unit = check_unit(NAME, OFFSET_UNITS, offsets)
    relations = bool(options.get("relations"))
    written = 0
    lost = 0
    with Staging() as staging, staging.open(dest) as out:
        for record in records:
            document = record.document
            offset_map = OffsetMap(document.text)
            ranges = []
            for span in record.file.spans:
                if document.text[span.start : span.end] != span.text:
                    raise InteropError(
                        f"{record.path}: span {span.id} [{span.start}, {span.end}) says {span.text!r} but the"
                        f" document has {document.text[span.start : span.end]!r} there"
                    )
                try:
                    ranges.append((offset_map.convert(span.start, unit), offset_map.convert(span.end, unit), span))  # type: ignore[arg-type]
                except ValueError as err:
                    raise InteropError(f"{record.path}: span {span.id} [{span.start}, {span.end}): {err}") from None
            line: dict[str, Any] = {"id": document.id, "text": document.text}
            if relations:
                numbers = {span.id: n for n, (_, _, span) in enumerate(ranges, start=1)}
                line["entities"] = [
                    {"id": numbers[span.id], "label": span.label, "start_offset": start, "end_offset": end}
                    for start, end, span in ranges
                ]
                line["relations"] = _relations(record, numbers)
            else:
                line["label"] = [[start, end, span.label] for start, end, span in ranges]
            line["annotator"] = record.file.annotator
            line.update((k, v) for k, v in document.meta.as_dict().items() if k != "id")
            out.write(orjson.dumps(line))
            out.write(b"\n")
            written += len(ranges)
            lost += sum(bool(span.attributes or span.note or span.group) for span in record.file.spans)
    if lost:
        report(options, f"{NAME}: {lost} span(s) lost attributes, notes or groups, which doccano JSONL cannot carry")
    return written


def _relations(record: ExportRecord, numbers: dict[str, int]) -> list[dict[str, Any]]:
    relations = []
    for foreign in record.file.foreign:
        if foreign.format != NAME or foreign.kind != "relation" or len(foreign.spans) != 2:
            continue
        if not all(span_id in numbers for span_id in foreign.spans):
            continue
        try:
            kept = orjson.loads(foreign.record)
        except orjson.JSONDecodeError:
            kept = {}
        relation_type = kept.get("type") if isinstance(kept, dict) else None
        relations.append(
            {
                "id": len(relations) + 1,
                "from_id": numbers[foreign.spans[0]],
                "to_id": numbers[foreign.spans[1]],
                "type": relation_type if isinstance(relation_type, str) else foreign.id,
            }
        )
    return relations


# -- read ---------------------------------------------------------------------


def read(source: Path, *, offsets: str, options: dict) -> Iterator[ReadItem]:
    """Each line's document; a line that cannot be read is an UnreadableDocument and the reading goes on."""
    unit = check_unit(NAME, OFFSET_UNITS, offsets)
    source = Path(source)
    default_annotator = options.get("annotator")
    lines = read_lines(source, source_area(source, options), source_limit(options), "doccano JSONL file")
    for lineno, raw in lines:
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            line = orjson.loads(raw)
        except orjson.JSONDecodeError as err:
            yield UnreadableDocument(f"{where}:{err.colno}", f"invalid JSON: {err.msg}")
            continue
        try:
            yield _read_line(source, lineno, line, unit, default_annotator)
        except InteropError as err:
            yield UnreadableDocument.of(where, err)


def _read_line(source: Path, lineno: int, line: Any, unit: str, default_annotator: str | None) -> ImportedDocument:
    where = f"{source}:{lineno}"
    if not isinstance(line, dict):
        raise InteropError(f"{where}: a line must be a JSON object")
    text = line.get("text", line.get("data"))
    if not isinstance(text, str):
        raise InteropError(f"{where}: no 'text' string")
    raw_id = line.get("id")
    if isinstance(raw_id, str) and DOCUMENT_ID.fullmatch(raw_id):
        doc_id = raw_id
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
        doc_id = f"doccano-{raw_id}"
    else:
        doc_id = f"line-{lineno}"
    nested = line.get("meta") if isinstance(line.get("meta"), dict) else {}
    meta = {k: v for k, v in {**nested, **line}.items() if k in META_FIELDS and k != "id" and isinstance(v, str)}
    annotator = _annotator(line.get("annotator", line.get("user")), default_annotator)
    document = ImportedDocument(
        doc_id=doc_id, text=text, source=f"{source.name}:{lineno}", annotator=annotator, meta=meta
    )
    offset_map = OffsetMap(text)
    if "entities" in line:
        _read_entities(where, document, line, offset_map, unit)
    else:
        labels = line.get("label", line.get("labels", []))
        if not isinstance(labels, list):
            raise InteropError(f"{where}: 'label' must be a list")
        for index, item in enumerate(labels):
            item_where = f"{where}: label #{index + 1}"
            span_source = f"{document.source}#label-{index + 1}"
            if isinstance(item, str):
                document.records.append(
                    ImportedRecord(
                        NAME, "category", f"category-{index + 1}", orjson.dumps(item).decode(), (), span_source
                    )
                )
                continue
            if isinstance(item, dict):
                item = [item.get("start_offset"), item.get("end_offset"), item.get("label")]
            if not (isinstance(item, list) and len(item) == 3 and isinstance(item[2], str)):
                raise InteropError(f'{item_where}: expected [start, end, "label"], got {orjson.dumps(item).decode()}')
            start, end = parse_range(item_where, item[0], item[1], offset_map, unit)
            document.spans.append(ImportedSpan(start=start, end=end, label=item[2], source=span_source))
    return document


def _read_entities(where: str, document: ImportedDocument, line: dict, offset_map: OffsetMap, unit: str) -> None:
    entities = line.get("entities")
    relations = line.get("relations", [])
    if not isinstance(entities, list) or not isinstance(relations, list):
        raise InteropError(f"{where}: 'entities' and 'relations' must be lists")
    sources: dict[Any, str] = {}
    for index, entity in enumerate(entities):
        if not isinstance(entity, dict):
            raise InteropError(f"{where}: entity #{index + 1} is not a JSON object")
        entity_id = entity.get("id", index + 1)
        entity_where = f"{where}: entity {entity_id}"
        label = entity.get("label")
        if not isinstance(label, str):
            raise InteropError(f"{entity_where}: 'label' must be a string")
        start, end = parse_range(entity_where, entity.get("start_offset"), entity.get("end_offset"), offset_map, unit)
        span_source = f"{document.source}#entity-{entity_id}"
        if entity_id in sources:
            raise InteropError(f"{entity_where}: duplicate entity id")
        sources[entity_id] = span_source
        document.spans.append(ImportedSpan(start=start, end=end, label=label, source=span_source))
    for index, relation in enumerate(relations):
        if not isinstance(relation, dict):
            raise InteropError(f"{where}: relation #{index + 1} is not a JSON object")
        relation_id = relation.get("id", index + 1)
        ends = (relation.get("from_id"), relation.get("to_id"))
        missing = [e for e in ends if e not in sources]
        if missing:
            raise InteropError(f"{where}: relation {relation_id} refers to unknown entity {missing[0]!r}")
        document.records.append(
            ImportedRecord(
                format=NAME,
                kind="relation",
                id=str(relation_id),
                record=orjson.dumps(relation).decode(),
                span_sources=(sources[ends[0]], sources[ends[1]]),
                source=f"{document.source}#relation-{relation_id}",
            )
        )


def _annotator(value: Any, default: str | None) -> str | None:
    if isinstance(value, str) and _NAME.match(value):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return f"doccano-{value}"
    return default
