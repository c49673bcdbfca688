"""Label Studio JSON export (a list of tasks) and a matching labeling config.

Offsets: Label Studio's frontend takes `start`/`end` of text regions from the
browser's DOM ranges, i.e. in UTF-16 code units, so "utf16" is the default.
"codepoint" is offered for files produced by Python scripts that use `len()`.

A task is written as::

    {"id": 1,
     "data": {"text": ..., "meta": {"id": <doc id>, "title": ..., ...}},
     "annotations": [{"completed_by": <annotator>, "created_at": ..., "updated_at": ...,
                      "was_cancelled": false, "ground_truth": false, "result": [...]}]}

with one `annotations` entry per annotator (or `predictions` entries with a
`model_version` when `options["as_predictions"]`). Each span is one region::

    {"id": <span id>, "from_name": "label", "to_name": "text", "type": "labels",
     "origin": "manual", "value": {"start": s, "end": e, "text": ..., "labels": [label]}}

and each attribute and the note are further results with the same region id, in
Label Studio's per-region form: `textarea` (`value.text: [str]`), `choices`
(`value.choices: [str]`; booleans as "true"/"false") or `number`
(`value.number`), each repeating `start`/`end`. The note is the textarea
"note"; an attribute whose name clashes with "label", "text" or "note" is
written as "attribute.<name>". The labeling config (`<dest stem>.config.xml`)
declares these controls with `perRegion="true"`.

Read: the export is one JSON file, read whole, only inside the source folder
(a link out of it is refused) and only if it is a regular file of at most
`options["limit"]` bytes (annotator.interop.sources). Each entry of a task's
`annotations` is one annotator's document (`completed_by`; a cancelled one is
skipped and reported), and each entry of its `predictions` one model's (its
`model_version`), so a task with both gives both: a model's predictions are
documents marked `predicted`, which an import stores as the model's
suggestions, or, with `options["predictions"]` (`--predictions`), ordinary
spans of an annotator named after the model. A task, or an entry of one, that
cannot be read is yielded as an UnreadableDocument naming it, and the reading
goes on; a file that is not JSON, or not a list of tasks, is an error.

Kept: spans, labels, attributes, notes, span ids (as region ids), annotators,
document metadata, Label Studio results annotator cannot edit (relations,
taxonomy, ...) which come back as foreign records. Lost: span groups
(discontinuous fragments become separate regions), audit history and status.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

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
from annotator.interop.sources import read_source, source_area, source_limit
from annotator.model.annotation import Span
from annotator.model.document import DOCUMENT_ID, META_FIELDS
from annotator.model.tagset import AttributeSpec, TagSet, default_tagset

NAME = "label-studio"
OFFSET_UNITS: tuple[str, ...] = registry.offset_units(NAME)

LABEL_CONTROL = "label"
TEXT_OBJECT = "text"
NOTE_CONTROL = "note"
ATTRIBUTE_PREFIX = "attribute."
_RESERVED = frozenset({LABEL_CONTROL, TEXT_OBJECT, NOTE_CONTROL})
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._@+-]")
_KIND = re.compile(r"[a-z][a-z0-9_-]{0,31}")


# -- shared helpers -----------------------------------------------------------


def control_name(attribute: str) -> str:
    """The per-region control that carries `attribute`."""
    if attribute in _RESERVED or attribute.startswith(ATTRIBUTE_PREFIX):
        return ATTRIBUTE_PREFIX + attribute
    return attribute


def attribute_name(control: str) -> str:
    return control[len(ATTRIBUTE_PREFIX) :] if control.startswith(ATTRIBUTE_PREFIX) else control


def _attribute_specs(tagset: TagSet) -> dict[str, AttributeSpec]:
    """Attribute name -> spec, first label wins when two labels disagree."""
    specs: dict[str, AttributeSpec] = {}
    for label in tagset:
        for name, spec in label.attributes.items():
            specs.setdefault(name, spec)
    return specs


# -- export -------------------------------------------------------------------


def export(records: Iterable[ExportRecord], dest: Path, *, offsets: str, options: dict) -> int:
    unit = check_unit(NAME, OFFSET_UNITS, offsets)
    tagset: TagSet = options.get("tagset") or default_tagset()
    as_predictions = bool(options.get("as_predictions"))
    written = 0
    dest = Path(dest)
    seen: set[str] = set()
    lost: dict[str, int] = {}
    # The tasks and their labeling config are put in place together, once both are written.
    with Staging() as staging:
        with staging.open(dest) as out:
            out.write(b"[")
            for task_id, (path, group) in enumerate(groupby(records, key=lambda r: r.document.path), start=1):
                if path in seen:
                    report(
                        options, f"{NAME}: the annotations of {path} were not consecutive; it is in more than one task"
                    )
                seen.add(path)
                task, count = _task(task_id, list(group), unit, tagset, as_predictions, lost)
                if task_id > 1:
                    out.write(b",")
                out.write(b"\n")
                out.write(orjson.dumps(task))
                written += count
            out.write(b"\n]\n")
        staging.write(config_path(dest), labeling_config(tagset).encode("utf-8"))
    for what, n in lost.items():
        report(options, f"{NAME}: {n} {what}")
    return written


def config_path(dest: Path) -> Path:
    """The labeling config written beside the tasks: `<dest stem>.config.xml`."""
    return Path(dest).with_name(Path(dest).stem + ".config.xml")


def outputs(dest: Path) -> tuple[Path, ...]:
    """Every file an export to `dest` writes."""
    return (Path(dest), config_path(dest))


def _task(
    task_id: int, records: list[ExportRecord], unit: str, tagset: TagSet, as_predictions: bool, lost: dict[str, int]
):
    document = records[0].document
    offset_map = OffsetMap(document.text)
    entries = []
    count = 0
    for record in records:
        file = record.file
        result: list[dict[str, Any]] = []
        ranges: dict[str, tuple[int, int]] = {}
        origin_default = "prediction" if as_predictions else None
        for span in file.spans:
            if document.text[span.start : span.end] != span.text:
                raise InteropError(
                    f"{record.path}: span {span.id} [{span.start}, {span.end}) says {span.text!r} but the document"
                    f" has {document.text[span.start : span.end]!r} there"
                )
            try:
                start, end = offset_map.convert(span.start, unit), offset_map.convert(span.end, unit)  # type: ignore[arg-type]
            except ValueError as err:
                raise InteropError(f"{record.path}: span {span.id} [{span.start}, {span.end}): {err}") from None
            ranges[span.id] = (start, end)
            if span.group is not None:
                key = "span(s) lost their group: Label Studio regions cannot be discontinuous"
                lost[key] = lost.get(key, 0) + 1
            result.extend(_span_results(span, start, end, tagset, origin_default))
            count += 1
        kept = _foreign_results(file, ranges)
        dropped = sum(f.format == NAME for f in file.foreign) - len(kept)
        if dropped:
            key = "kept Label Studio result(s) dropped: the spans they refer to were deleted"
            lost[key] = lost.get(key, 0) + dropped
        result.extend(kept)
        times = [event.at for event in file.history] or [t for s in file.spans for t in (s.created_at, s.modified_at)]
        entry: dict[str, Any]
        if as_predictions:
            entry = {"model_version": file.annotator}
        else:
            entry = {"completed_by": file.annotator}
        if times:
            entry["created_at"] = min(times)
            entry["updated_at"] = max(times)
        if not as_predictions:
            entry["was_cancelled"] = False
            entry["ground_truth"] = False
        entry["result"] = result
        entries.append(entry)
    data = {"text": document.text, "meta": document.meta.as_dict()}
    task: dict[str, Any] = {"id": task_id, "data": data}
    task["predictions" if as_predictions else "annotations"] = entries
    return task, count


def _span_results(span: Span, start: int, end: int, tagset: TagSet, origin: str | None) -> list[dict[str, Any]]:
    origin = origin or ("prediction" if span.origin == "suggested" else "manual")

    def result(from_name: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": span.id,
            "from_name": from_name,
            "to_name": TEXT_OBJECT,
            "type": kind,
            "origin": origin,
            "value": {"start": start, "end": end, **value},
        }

    results = [result(LABEL_CONTROL, "labels", {"text": span.text, "labels": [span.label]})]
    label_spec = tagset.get(span.label)
    for name in sorted(span.attributes):
        value = span.attributes[name]
        spec = label_spec.attributes.get(name) if label_spec is not None else None
        kind = spec.type if spec is not None else None
        if isinstance(value, bool):
            results.append(result(control_name(name), "choices", {"choices": ["true" if value else "false"]}))
        elif isinstance(value, int | float):
            results.append(result(control_name(name), "number", {"number": value}))
        elif kind == "enum":
            results.append(result(control_name(name), "choices", {"choices": [value]}))
        else:
            results.append(result(control_name(name), "textarea", {"text": [value]}))
    if span.note is not None:
        results.append(result(NOTE_CONTROL, "textarea", {"text": [span.note]}))
    return results


def _foreign_results(file, ranges: dict[str, tuple[int, int]]) -> list[dict[str, Any]]:
    """Label Studio results kept as foreign records, given back as they came,
    pointed at the current ids (and offsets) of the spans they refer to. A
    record whose spans have since been deleted is dropped: Label Studio
    refuses a result that names a missing region."""
    results = []
    for foreign in file.foreign:
        if foreign.format != NAME:
            continue
        try:
            result = orjson.loads(foreign.record)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(result, dict) or not all(span_id in ranges for span_id in foreign.spans):
            continue
        if foreign.kind == "relation" and len(foreign.spans) == 2:
            result["from_id"], result["to_id"] = foreign.spans
        elif len(foreign.spans) == 1:
            result["id"] = foreign.spans[0]
            if isinstance(result.get("value"), dict) and "start" in result["value"]:
                result["value"]["start"], result["value"]["end"] = ranges[foreign.spans[0]]
        results.append(result)
    return results


def labeling_config(tagset: TagSet) -> str:
    """A Label Studio labeling config for the tag set: labels, the text, one
    per-region control per attribute (shown for the labels that allow it) and
    a per-region note."""
    lines = ["<View>", f'  <Labels name="{LABEL_CONTROL}" toName="{TEXT_OBJECT}">']
    for label in tagset:
        lines.append(f"    <Label value={quoteattr(label.name)} background={quoteattr(label.color)}/>")
    lines.append("  </Labels>")
    lines.append(f'  <Text name="{TEXT_OBJECT}" value="$text"/>')
    owners: dict[str, list[str]] = {}
    for label in tagset:
        for name in label.attributes:
            owners.setdefault(name, []).append(label.name)
    for name, spec in _attribute_specs(tagset).items():
        control = quoteattr(control_name(name))
        when = quoteattr(",".join(owners[name]))
        lines.append(f'  <View visibleWhen="region-selected" whenTagName="{LABEL_CONTROL}" whenLabelValue={when}>')
        lines.append(f"    <Header value={quoteattr(spec.description or name)}/>")
        common = f'name={control} toName="{TEXT_OBJECT}" perRegion="true"'
        if spec.type == "enum":
            lines.append(f'    <Choices {common} choice="single">')
            lines.extend(f"      <Choice value={quoteattr(v)}/>" for v in spec.values)
            lines.append("    </Choices>")
        elif spec.type == "boolean":
            lines.append(f'    <Choices {common} choice="single">')
            lines.append('      <Choice value="true"/>')
            lines.append('      <Choice value="false"/>')
            lines.append("    </Choices>")
        elif spec.type in ("number", "integer"):
            step = "1" if spec.type == "integer" else "any"
            lines.append(f'    <Number {common} step="{step}"/>')
        else:
            lines.append(f'    <TextArea {common} editable="true" maxSubmissions="1" rows="1"/>')
        lines.append("  </View>")
    lines.append('  <View visibleWhen="region-selected">')
    lines.append('    <Header value="Note"/>')
    lines.append(
        f'    <TextArea name="{NOTE_CONTROL}" toName="{TEXT_OBJECT}" perRegion="true" editable="true" maxSubmissions="1"/>'
    )
    lines.append("  </View>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


# -- read ---------------------------------------------------------------------


def read(source: Path, *, offsets: str, options: dict) -> Iterator[ReadItem]:
    unit = check_unit(NAME, OFFSET_UNITS, offsets)
    source = Path(source)
    tagset: TagSet = options.get("tagset") or default_tagset()
    data = read_source(source, source_area(source, options), source_limit(options), "Label Studio export")
    try:
        tasks = orjson.loads(data)
    except orjson.JSONDecodeError as err:
        raise InteropError(f"{source}:{err.lineno}:{err.colno}: invalid JSON: {err.msg}") from None
    if isinstance(tasks, dict) and "data" in tasks:
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise InteropError(f"{source}: a Label Studio export is a JSON list of tasks")
    for index, raw in enumerate(tasks):
        where = (
            f"{source}: task {raw.get('id', index + 1)}" if isinstance(raw, dict) else f"{source}: task #{index + 1}"
        )
        try:
            task = _task_of(source, where, index, raw)
        except InteropError as err:
            yield UnreadableDocument.of(where, err)
            continue
        for kind, entry in task.entries:
            try:
                document = _entry(task, kind, entry, unit, tagset, options)
            except InteropError as err:
                yield UnreadableDocument.of(where, err, task.doc_id)
                continue
            if document is not None:
                yield document


@dataclass(frozen=True, slots=True)
class _Task:
    """What every entry of a task shares: where it is, its document, and the entries."""

    path: Path  # the export
    where: str  # the export and the task, as messages name it
    task_id: Any
    source: str  # the documents' source: FILE#task-ID
    doc_id: str
    text: str
    meta: dict[str, str]
    offset_map: OffsetMap
    entries: list[tuple[str, Any]]  # ("annotations" or "predictions", the entry)


def _task_of(path: Path, where: str, index: int, task: Any) -> _Task:
    if not isinstance(task, dict):
        raise InteropError(f"{where}: not a JSON object")
    task_id = task.get("id", index + 1)
    data = task.get("data")
    if not isinstance(data, dict):
        raise InteropError(f"{where}: no 'data' object")
    text = data.get("text")
    if not isinstance(text, str):
        text = next((v for v in data.values() if isinstance(v, str)), None)
        if text is None:
            raise InteropError(f"{where}: 'data' holds no text")
    raw_meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    doc_id = raw_meta.get("id")
    if not (isinstance(doc_id, str) and DOCUMENT_ID.fullmatch(doc_id)):
        doc_id = f"task-{task_id}"
    meta = {k: v for k, v in raw_meta.items() if k in META_FIELDS and k != "id" and isinstance(v, str)}
    entries: list[tuple[str, Any]] = []
    for kind in ("annotations", "predictions"):
        listed = task.get(kind) or []
        if not isinstance(listed, list):
            raise InteropError(f"{where}: '{kind}' is not a list")
        entries.extend((kind, entry) for entry in listed)
    source = f"{path.name}#task-{task_id}"
    return _Task(path, where, task_id, source, doc_id, text, meta, OffsetMap(text), entries)


def _entry(task: _Task, kind: str, entry: Any, unit: str, tagset: TagSet, options: dict) -> ImportedDocument | None:
    """One annotator's annotation, or one model's prediction, of the task; None if cancelled."""
    if not isinstance(entry, dict):
        raise InteropError(f"{task.where}: an entry of '{kind}' is not a JSON object")
    if entry.get("was_cancelled"):
        report(
            options,
            f"{task.where}: annotation {entry.get('id', '?')} was cancelled (skipped in Label Studio); not imported",
        )
        return None
    predicted = kind == "predictions"
    document = ImportedDocument(
        doc_id=task.doc_id,
        text=task.text,
        source=task.source,
        annotator=_prediction_name(entry) if predicted else _annotator_name(entry.get("completed_by")),
        meta=dict(task.meta),
        # --predictions: the model's spans are an annotator's like any other
        predicted=predicted and not options.get("predictions"),
    )
    _read_result(task.path, task.task_id, entry.get("result") or [], task.offset_map, unit, tagset, document)
    return document


def _annotator_name(completed_by: Any) -> str | None:
    if isinstance(completed_by, dict):
        email = completed_by.get("email")
        if isinstance(email, str) and _SAFE_NAME.fullmatch(email):
            return email
        completed_by = completed_by.get("id")
    if completed_by is None:
        return None
    if isinstance(completed_by, str) and _SAFE_NAME.fullmatch(completed_by):
        return completed_by
    cleaned = _UNSAFE_CHARS.sub("", str(completed_by))
    return f"labelstudio-{cleaned}"[:64] if cleaned else "labelstudio-unknown"


def _prediction_name(entry: dict) -> str:
    version = entry.get("model_version")
    if isinstance(version, str) and _SAFE_NAME.fullmatch(version):
        return version
    cleaned = _UNSAFE_CHARS.sub("", str(version)) if version is not None else ""
    return f"labelstudio-{cleaned}"[:64] if cleaned else "labelstudio-prediction"


def _kind(result_type: Any) -> str:
    kind = str(result_type).lower()
    return kind if _KIND.fullmatch(kind) else "result"


@dataclass(frozen=True, slots=True)
class _Region:
    """One label of a Label Studio region (a region with two labels is two spans)."""

    start: int
    end: int
    label: str
    quoted: str | None  # the text the region states, if any
    source: str  # the span's source: task/region id, and the label when there are several


def _read_result(
    source: Path,
    task_id: Any,
    results: Any,
    offset_map: OffsetMap,
    unit: str,
    tagset: TagSet,
    document: ImportedDocument,
) -> None:
    if not isinstance(results, list):
        raise InteropError(f"{source}: task {task_id}: 'result' is not a list")
    # Pass 1: the regions (results of type "labels") by id.
    regions: dict[str, list[_Region]] = {}
    for result in results:
        if not isinstance(result, dict):
            raise InteropError(f"{source}: task {task_id}: a result is not a JSON object")
        value = result.get("value")
        if result.get("type") != "labels" or not isinstance(value, dict) or "start" not in value:
            continue
        rid = str(result.get("id"))
        where = f"{source}: task {task_id}: result {rid}"
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
            raise InteropError(f"{where}: 'labels' must be a non-empty list of strings")
        raw_start, raw_end = value.get("start"), value.get("end")
        start, end = parse_range(where, raw_start, raw_end, offset_map, unit)
        quoted = value.get("text")
        if isinstance(quoted, str) and offset_map.text[start:end] != quoted:
            raise InteropError(
                f"{where}: [{raw_start}, {raw_end}) ({unit}) covers {offset_map.text[start:end]!r},"
                f" not the stated text {quoted!r}{_unit_hint(offset_map, raw_start, raw_end, unit, quoted)}"
            )
        base = f"{document.source}/{rid}"
        for label in labels:
            span_source = base if len(labels) == 1 else f"{base}:{label}"
            regions.setdefault(rid, []).append(
                _Region(start, end, label, quoted if isinstance(quoted, str) else None, span_source)
            )
    # Pass 2: per-region results, and records of everything else.
    attributes: dict[str, dict[str, Any]] = {}
    notes: dict[str, str] = {}
    specs = _attribute_specs(tagset)
    for result in results:
        value = result.get("value")
        rtype = result.get("type")
        rid = str(result.get("id")) if "id" in result else None
        if rtype == "labels" and rid in regions:
            continue
        if rtype == "relation":
            ends = [str(result.get("from_id")), str(result.get("to_id"))]
            document.records.append(
                ImportedRecord(
                    format=NAME,
                    kind="relation",
                    id=f"{ends[0]}>{ends[1]}",
                    record=orjson.dumps(result).decode(),
                    span_sources=tuple(region.source for r in ends for region in regions.get(r, [])),
                    source=f"{document.source}/{ends[0]}>{ends[1]}",
                )
            )
            continue
        if rid in regions and isinstance(value, dict):
            control = str(result.get("from_name"))
            parsed = _region_value(rtype, value, specs.get(attribute_name(control)))
            if parsed is not _UNSUPPORTED:
                if control == NOTE_CONTROL and rtype == "textarea":
                    notes[rid] = parsed
                else:
                    attributes.setdefault(rid, {})[attribute_name(control)] = parsed
                continue
        document.records.append(
            ImportedRecord(
                format=NAME,
                kind=_kind(rtype),
                id=rid or f"result-{len(document.records) + 1}",
                record=orjson.dumps(result).decode(),
                span_sources=tuple(region.source for region in regions.get(rid, [])) if rid else (),
                source=f"{document.source}/{rid}" if rid else document.source,
            )
        )
    for rid, labelled in regions.items():
        for region in labelled:
            document.spans.append(
                ImportedSpan(
                    start=region.start,
                    end=region.end,
                    label=region.label,
                    source=region.source,
                    text=region.quoted,
                    attributes=dict(attributes.get(rid, {})),
                    note=notes.get(rid),
                )
            )


def _unit_hint(offset_map: OffsetMap, raw_start: int, raw_end: int, unit: str, quoted: str) -> str:
    for other in OFFSET_UNITS:
        if other == unit:
            continue
        try:
            s, e = offset_map.parse(raw_start, other), offset_map.parse(raw_end, other)  # type: ignore[arg-type]
        except ValueError:
            continue
        if offset_map.text[s:e] == quoted:
            return f" (the offsets match in {other}; try --offsets {other})"
    return ""


_UNSUPPORTED = object()


def _region_value(rtype: Any, value: dict, spec: AttributeSpec | None) -> Any:
    """The attribute value of a per-region result, or _UNSUPPORTED."""
    kind = spec.type if spec is not None else None
    if rtype == "textarea":
        texts = value.get("text")
        if isinstance(texts, str):
            return texts
        if isinstance(texts, list) and all(isinstance(t, str) for t in texts):
            return "\n".join(texts)
        return _UNSUPPORTED
    if rtype == "choices":
        choices = value.get("choices")
        if not (isinstance(choices, list) and choices and all(isinstance(c, str) for c in choices)):
            return _UNSUPPORTED
        if kind == "boolean" and len(choices) == 1 and choices[0] in ("true", "false"):
            return choices[0] == "true"
        return ",".join(choices)
    if rtype in ("number", "rating"):
        number = value.get(rtype)
        if isinstance(number, bool) or not isinstance(number, int | float):
            return _UNSUPPORTED
        if kind == "integer" and isinstance(number, float) and number.is_integer():
            return int(number)
        return number
    if rtype == "datetime" and isinstance(value.get("datetime"), str):
        return value["datetime"]
    return _UNSUPPORTED
