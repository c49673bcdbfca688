"""brat export: each record's ``DOC.txt`` and ``DOC.ann``, then ``annotation.conf``
and ``visual.conf``, all staged and moved into place together (layout, line
order and what is lost: the package docstring).

The ``.ann`` of one annotation file is built kind by kind, in the order it is
written: ``T`` lines (_t_lines), ``A`` lines (_attribute_lines), ``#`` lines
(_note_lines), then the kept brat records (_record_lines)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from annotator.interop.formats import check_unit, report
from annotator.interop.formats.brat.conf import CONF_FILES, Conf, annotation_conf, visual_conf
from annotator.interop.formats.brat.records import Fragment, Ref
from annotator.interop.formats.brat.standoff import (
    BREAK_RUN,
    NAME,
    NOTE_TYPE,
    OFFSET_UNITS,
    T_REF,
    encode_token,
    encode_value,
    escape_note,
    line_kind,
    ref_positions,
    split_line,
)
from annotator.interop.model import ExportRecord, InteropError
from annotator.interop.output import Staging
from annotator.model.annotation import AnnotationFile, ForeignRecord, Span

LAYOUTS = ("flat", "annotator")
FOLDER_OUTPUT = True  # `dest` is a folder (annotator.interop.output.check_destination)


@dataclass(frozen=True, slots=True)
class _Unit:
    """One T line to write: its label, its fragments in text order and the spans it stands for."""

    label: str
    fragments: list[Fragment]
    spans: list[Span]


@dataclass(frozen=True, slots=True)
class _Kept:
    """A kept brat record to write back: its line taken apart, and its T ids' new names."""

    record: ForeignRecord
    line_id: str
    kind: str
    tokens: tuple[str, ...]  # the data split on whitespace; renumbered by _renumbered
    tail: str | None
    refs: tuple[Ref, ...]  # the ids it names, as read (old T ids)
    mapping: dict[str, str]  # old T id -> new T id, for the spans still there


# -- the files --------------------------------------------------------------------


def outputs(dest: Path) -> tuple[Path, ...]:
    """The files an export to `dest` writes whatever the records: the configuration."""
    return tuple(Path(dest) / name for name in CONF_FILES)


def export_options_for(files: Sequence[Path]) -> dict:
    """brat keeps one .ann per text: several annotators of a document need a folder each."""
    annotators_per_document: dict[Path, int] = {}
    for path in files:
        annotators_per_document[path.parent] = annotators_per_document.get(path.parent, 0) + 1
    return {"layout": "annotator"} if any(count > 1 for count in annotators_per_document.values()) else {}


def export(records: Iterable[ExportRecord], dest: Path, *, offsets: str, options: dict) -> int:
    """Write `records` as a brat collection in the folder `dest`; the number of spans written."""
    check_unit(NAME, OFFSET_UNITS, offsets)
    layout = options.get("layout", "flat")
    if layout not in LAYOUTS:
        raise InteropError(f"{NAME}: layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    paths = options.get("paths")  # annotation.interop.output.Paths, from `annotator export`
    dest = Path(dest)
    if os.path.lexists(dest) and not dest.is_dir():
        raise InteropError(f"{dest}: brat export needs a folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    conf = Conf()
    written_by: dict[Path, str] = {}  # base path of a .txt/.ann pair -> the annotator written there
    total = 0
    # Everything is written into a folder beside `dest` and moved into it only when the whole export succeeded.
    with Staging() as staging:
        stage = staging.folder(dest)
        for record in records:
            _check_text(record)
            relative = _relative(record, layout)
            base = dest / relative
            _claim(base, record, written_by)
            _check_spans(record)
            ann, count = _ann(record.file, record.document.text, conf, options, str(record.path))
            if paths is not None:
                for suffix in (".txt", ".ann"):
                    paths.add_output(base.with_name(base.name + suffix))
            _write_pair(stage / relative, record.document.text, ann)
            total += count
        _write_conf(stage, conf, options)
    return total


def _check_text(record: ExportRecord) -> None:
    """brat offsets count characters of the .txt: the text must be the policy text the file was made on."""
    if "\r" in record.document.text or len(record.document.text) != record.file.document.length:
        raise InteropError(f"{record.path}: document text does not follow the text policy or its length")


def _relative(record: ExportRecord, layout: str) -> Path:
    """Where a record's DOC.txt and DOC.ann go, relative to `dest`, without the suffix."""
    file, document = record.file, record.document
    return Path(file.annotator, document.id) if layout == "annotator" else Path(document.id)


def _claim(base: Path, record: ExportRecord, written_by: dict[Path, str]) -> None:
    """Refuse a second .ann for the same place (flat layout, several annotators of a document)."""
    if base in written_by:
        raise InteropError(
            f"{record.path}: {base.name}.ann was already written for {written_by[base]}; "
            f"several annotators of one document need layout 'annotator'"
        )
    written_by[base] = record.file.annotator


def _check_spans(record: ExportRecord) -> None:
    for span in record.file.spans:
        if record.document.text[span.start : span.end] != span.text:
            raise InteropError(f"{record.path}: span {span.id} text differs from the document")


def _write_pair(staged: Path, text: str, ann: str) -> None:
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.with_name(staged.name + ".txt").write_bytes(text.encode("utf-8"))
    staged.with_name(staged.name + ".ann").write_bytes(ann.encode("utf-8"))


def _write_conf(stage: Path, conf: Conf, options: dict) -> None:
    tagset = options.get("tagset")
    (stage / "annotation.conf").write_bytes(annotation_conf(conf, tagset).encode("utf-8"))
    visual = options.get("visual_conf", True)
    if tagset is not None and visual not in (False, "false", "0", "no"):
        (stage / "visual.conf").write_bytes(visual_conf(tagset).encode("utf-8"))


# -- T lines -------------------------------------------------------------------------


def _pieces(span: Span) -> list[Fragment]:
    """The span's range minus line breaks (a .ann line cannot hold one)."""
    pieces, position = [], span.start
    for match in BREAK_RUN.finditer(span.text):
        if match.start() > 0 and position < span.start + match.start():
            pieces.append(Fragment(position, span.start + match.start()))
        position = span.start + match.end()
    if position < span.end:
        pieces.append(Fragment(position, span.end))
    return pieces


def _units(spans: list[Span]) -> list[_Unit]:
    """The T lines to write, in text order: a lone span, or the spans of one group and label."""
    grouped: dict[tuple[str, str], list[Span]] = {}
    order: list[tuple[str, str] | Span] = []
    for span in spans:
        if span.group is None:
            order.append(span)
        else:
            key = (span.group, span.label)
            if key not in grouped:
                grouped[key] = []
                order.append(key)
            grouped[key].append(span)
    units: list[_Unit] = []
    for item in order:
        members = [item] if isinstance(item, Span) else grouped[item]
        fragments = sorted({piece for span in members for piece in _pieces(span)})
        units.extend(_Unit(members[0].label, line, members) for line in _without_overlaps(fragments))
    units.sort(key=lambda unit: (unit.fragments[0], unit.fragments[-1], unit.label))
    return units


def _without_overlaps(fragments: list[Fragment]) -> list[list[Fragment]]:
    """Sorted fragments spread over as few lines as needed: brat refuses fragments that overlap."""
    lines: list[list[Fragment]] = []
    for fragment in fragments:
        for line in lines:
            if line[-1].end < fragment.start:
                line.append(fragment)
                break
        else:
            lines.append([fragment])
    return lines


def _t_lines(units: list[_Unit], text: str) -> list[str]:
    """One T line per unit, numbered from T1; its text is the fragments' text joined by one space."""
    lines = []
    for number, unit in enumerate(units, 1):
        offsets = ";".join(f"{piece.start} {piece.end}" for piece in unit.fragments)
        stored = " ".join(text[piece.start : piece.end] for piece in unit.fragments)
        lines.append(f"T{number}\t{unit.label} {offsets}\t{stored}")
    return lines


def _new_ids(units: list[_Unit]) -> dict[str, list[str]]:
    """span id -> the T ids it was written as (several when its fragments overlap a group's)."""
    new_ids: dict[str, list[str]] = {}
    for number, unit in enumerate(units, 1):
        for span in unit.spans:
            new_ids.setdefault(span.id, []).append(f"T{number}")
    return new_ids


def _report_left_out_spans(spans: Iterable[Span], new_ids: dict[str, list[str]], options: dict, where: str) -> None:
    for span in spans:
        if span.id not in new_ids:
            report(
                options, f"{where}: span {span.id} ({span.label} {span.start}-{span.end}) is only line breaks; left out"
            )


# -- A and # lines ---------------------------------------------------------------------


class _Numbers:
    """The next free id with a prefix (A1, A2, ...), skipping the ids of kept records."""

    def __init__(self, prefix: str, taken: set[str]) -> None:
        self.prefix, self.taken, self.next = prefix, taken, 1

    def __call__(self) -> str:
        while f"{self.prefix}{self.next}" in self.taken:
            self.next += 1
        self.next += 1
        return f"{self.prefix}{self.next - 1}"


def _merged_attributes(unit: _Unit) -> dict[str, Any]:
    """The attributes of a unit's spans; the first span's value wins a conflict."""
    attributes: dict[str, Any] = {}
    for span in unit.spans:
        for name, value in span.attributes.items():
            attributes.setdefault(name, value)
    return attributes


def _attribute_lines(units: list[_Unit], conf: Conf, next_id: _Numbers) -> list[str]:
    lines = []
    for number, unit in enumerate(units, 1):
        attributes = _merged_attributes(unit)
        for name in sorted(attributes):
            value = attributes[name]
            if value is False or not name:
                continue
            token = encode_token(name)
            if value is True:
                lines.append(f"{next_id()}\t{token} T{number}")
                conf.attribute(token, unit.label, None)
            else:
                encoded = encode_value(value)
                lines.append(f"{next_id()}\t{token} T{number} {encoded}")
                conf.attribute(token, unit.label, encoded)
    return lines


def _note_lines(units: list[_Unit], next_id: _Numbers) -> list[str]:
    """One line per distinct note of a unit's spans, in span order."""
    lines = []
    for number, unit in enumerate(units, 1):
        notes: list[str] = []
        for span in unit.spans:
            if span.note and span.note not in notes:
                notes.append(span.note)
        lines.extend(f"{next_id()}\t{NOTE_TYPE} T{number}\t{escape_note(note)}" for note in notes)
    return lines


# -- kept records ----------------------------------------------------------------------


def _old_t_id(span: Span) -> str | None:
    if span.source is None:
        return None
    old = span.source.rpartition("#")[2]
    return old if T_REF.fullmatch(old) else None


def _t_mapping(record: ForeignRecord, spans_by_id: dict[str, Span], new_ids: dict[str, list[str]]) -> dict[str, str]:
    """Old T id -> new T id, through the spans the record lists (a span's source names its old id)."""
    mapping: dict[str, str] = {}
    for span_id in record.spans:
        span = spans_by_id.get(span_id)
        old = _old_t_id(span) if span is not None else None
        if old is not None and span_id in new_ids:
            mapping.setdefault(old, new_ids[span_id][0])
    return mapping


def _parse_kept(record: ForeignRecord, mapping: dict[str, str]) -> _Kept:
    """The record's line taken apart; ValueError if it cannot be written back."""
    if "\n" in record.record or "\r" in record.record:
        raise ValueError("it holds a line break")
    line_id, data, tail = split_line(record.record)
    kind = line_kind(line_id)
    if kind is None:
        raise ValueError(f"unknown id {line_id!r}")
    tokens = data.split()
    refs = ref_positions(kind, tokens)
    return _Kept(record, line_id, kind, tuple(tokens), tail, tuple(refs), mapping)


def _kept_records(
    file: AnnotationFile, foreign: list[ForeignRecord], new_ids: dict[str, list[str]], options: dict, where: str
) -> list[_Kept]:
    spans_by_id = {span.id: span for span in file.spans}
    kept = []
    for record in foreign:
        mapping = _t_mapping(record, spans_by_id, new_ids)
        try:
            kept.append(_parse_kept(record, mapping))
        except ValueError as err:
            report(options, f"{where}: kept brat record {record.id} is malformed ({err}); left out")
    return kept


def _still_whole(kept: list[_Kept], options: dict, where: str) -> list[_Kept]:
    """The records that name no missing span and no left-out record, reporting the others."""
    alive = [True] * len(kept)
    changed = True
    while changed:  # leaving one out may leave out those that refer to it
        changed = False
        kept_ids = {item.line_id for index, item in enumerate(kept) if alive[index] and item.line_id != "*"}
        for index, item in enumerate(kept):
            if not alive[index]:
                continue
            missing = [
                ref.id for ref in item.refs if ref.id not in (item.mapping if T_REF.fullmatch(ref.id) else kept_ids)
            ]
            if missing:
                alive[index] = False
                changed = True
                report(options, f"{where}: brat record {item.record.id} refers to {', '.join(missing)}; not exported")
    return [item for index, item in enumerate(kept) if alive[index]]


def _renumbered(item: _Kept, label_of: dict[str, str]) -> _Kept:
    """The record with its T ids renumbered (and an event's type set to its trigger's label)."""
    tokens = list(item.tokens)
    for ref in item.refs:
        if T_REF.fullmatch(ref.id):
            tokens[ref.index] = ref.prefix + item.mapping[ref.id]
    if item.kind == "event":  # brat wants the event type to be its trigger's label
        trigger = item.mapping.get(item.refs[0].id)
        if trigger is not None:
            tokens[0] = f"{label_of[trigger]}:{trigger}"
    return replace(item, tokens=tuple(tokens))


def _record_lines(
    file: AnnotationFile,
    foreign: list[ForeignRecord],
    units: list[_Unit],
    new_ids: dict[str, list[str]],
    conf: Conf,
    options: dict,
    where: str,
) -> list[str]:
    """Kept records, their T ids renumbered; ones that lost a span are left out. Declares the T labels too."""
    label_of = {f"T{number}": unit.label for number, unit in enumerate(units, 1)}
    kept = _still_whole(_kept_records(file, foreign, new_ids, options, where), options, where)
    kept = [_renumbered(item, label_of) for item in kept]
    triggers = {item.tokens[0].rpartition(":")[2] for item in kept if item.kind == "event"}
    for t_id, label in label_of.items():
        if t_id not in triggers:  # a trigger's label is an event type, declared under [events]
            conf.entities.setdefault(label, None)
    type_of = _types(label_of, kept)
    lines = []
    for item in kept:
        lines.append(f"{item.line_id}\t{' '.join(item.tokens)}" + ("" if item.tail is None else f"\t{item.tail}"))
        _configure(conf, item, type_of)
    return lines


def _types(label_of: dict[str, str], kept: list[_Kept]) -> dict[str, str]:
    """id -> type of everything a record may refer to: T ids, relations and events."""
    type_of: dict[str, str] = dict(label_of)
    for item in kept:
        if item.kind in ("relation", "event"):
            type_of[item.line_id] = item.tokens[0].rpartition(":")[0] if item.kind == "event" else item.tokens[0]
    return type_of


def _configure(conf: Conf, item: _Kept, type_of: dict[str, str]) -> None:
    """Declare what a renumbered kept record uses in annotation.conf."""

    def target_type(ref: str) -> str | None:
        return type_of.get(item.mapping.get(ref, ref))

    tokens = item.tokens
    if item.kind == "relation":
        roles = conf.relations.setdefault(tokens[0], {})
        for ref in item.refs:
            if (kind_of := target_type(ref.id)) is not None:
                roles.setdefault(ref.role, {})[kind_of] = None
    elif item.kind == "event":
        roles = conf.events.setdefault(tokens[0].rpartition(":")[0], {})
        for ref in item.refs[1:]:
            role = ref.role.rstrip("0123456789") or ref.role
            if (kind_of := target_type(ref.id)) is not None:
                roles.setdefault(role, {})[kind_of] = None
    elif item.kind == "equiv":
        types = conf.equivs.setdefault(tokens[0], {})
        for ref in item.refs:
            if (kind_of := target_type(ref.id)) is not None:
                types[kind_of] = None
    elif item.kind == "attribute":
        # Its target as the record named it: tokens[1] is renumbered already, and mapping
        # a new id again could land on another span (old T1 -> T2, old T2 -> T1).
        if (kind_of := target_type(item.refs[0].id)) is not None:
            conf.attribute(tokens[0], kind_of, " ".join(tokens[2:]) or None)


# -- one .ann --------------------------------------------------------------------------


def _ann(file: AnnotationFile, text: str, conf: Conf, options: dict, where: str) -> tuple[str, int]:
    """The .ann text of one annotation file and the number of spans written."""
    units = _units(list(file.spans))
    new_ids = _new_ids(units)
    _report_left_out_spans(file.spans, new_ids, options, where)
    foreign = [record for record in file.foreign if record.format == NAME]
    taken = {record.id for record in foreign}  # generated A and # ids skip these
    lines = _t_lines(units, text)
    lines.extend(_attribute_lines(units, conf, _Numbers("A", taken)))
    lines.extend(_note_lines(units, _Numbers("#", taken)))
    lines.extend(_record_lines(file, foreign, units, new_ids, conf, options, where))
    return "".join(line + "\n" for line in lines), len(new_ids)
