"""brat standoff: a folder of ``DOC.txt`` + ``DOC.ann`` pairs and an ``annotation.conf``.

Offsets: "codepoint" only. brat counts characters of the ``.txt`` (Python code
points), 0-based, end exclusive.

Export layout (``dest`` is a folder; one record at a time):

* ``options["layout"] = "flat"`` (default): ``dest/<doc id>.txt`` and
  ``dest/<doc id>.ann``. A second annotation file for a document already
  written is refused (InteropError) -- use the "annotator" layout.
* ``options["layout"] = "annotator"``: ``dest/<annotator>/<doc id>.txt`` and
  ``.ann``; every annotator folder is a brat collection of its own.
* ``dest/annotation.conf`` (and ``dest/visual.conf`` when ``options["tagset"]``
  is given and ``options["visual_conf"]`` is not false) is written once at the
  end. brat looks for its configuration in the collection folder and then in
  each parent, so the subfolders of the "annotator" layout use it too.

The ``.txt`` is the document text exactly (UTF-8, LF, no BOM). The ``.ann``
holds, in this order:

* ``T`` lines, numbered from T1 in text order. Spans sharing a ``group`` (and
  label) become one discontinuous line ``T3\\tlabel s1 e1;s2 e2\\tfrag1 frag2``.
  brat's ``.ann`` is line based, so a span whose text holds a line break
  (``\\n``, or another character ``str.splitlines`` breaks on) is written as
  fragments that leave the line breaks out; reading joins fragments whose gap
  is only line breaks again (see below). Line breaks at the very start or end
  of a span are lost. Fragments of one group that overlap are split over
  several ``T`` lines (brat refuses overlapping fragments).
* ``A`` lines: ``True`` -> binary ``A1\\tName T1``; ``False`` -> no line;
  anything else -> ``A1\\tName T1 Value``. Names and values are
  percent-encoded (UTF-8 ``%XX``) for ``%``, ``"``, ``,``, ``|``, ``:``,
  ``;``, ``=``, ``<``, ``>``, ``#``, whitespace and unprintable characters.
  Integers are written as digits, floats with ``repr`` (``1.0``, ``1e+16``).
  A string that would read back as a number gets its first character
  percent-encoded (``"42"`` -> ``%342``); the empty string is written ``""``.
  Non-finite floats are written ``inf``/``nan`` and read back as strings.
* ``#`` lines: ``#1\\tAnnotatorNotes T1\\tnote`` with the note backslash-escaped
  (``\\\\``, ``\\n``, ``\\r``, ``\\t``, other line breaks as ``\\uXXXX``).
* the file's ``foreign`` records of format "brat" (relations, events,
  normalisations, equivs, attributes and notes on relations/events), written
  back as they were read with their ``T`` ids renumbered. A record is found
  through the spans it lists: each span's ``source`` (``x.ann#T3``) gives its old
  id. An event's type is set to its trigger's current label (brat requires
  them equal; labels may have been mapped on import). A record whose spans are
  gone (validation rule A407), or that holds a line break, is left out with a
  report, and so is any record that refers to a left-out record. Generated
  ``A``/``#`` ids skip the ids of kept records.

``annotation.conf``: ``[entities]`` the labels of non-trigger spans plus the
tag set's labels; ``[relations]`` each kept relation type with the labels seen
per argument, each equiv type as ``symmetric-transitive``, and ``<OVERLAP>``
allowing any overlap (annotator spans may overlap); ``[events]`` each event
type with ``Role*:`` and the labels seen; ``[attributes]`` each attribute with
``Arg:`` the labels it was used on and ``Value:`` the values written (plus a
tag set enum's values; a tag set string/number attribute never used is left
out, brat needs its values listed). ``visual.conf``: ``[labels]`` and
``[drawing]`` with each tag set label's colour.

Options: ``tagset`` (TagSet), ``layout`` ("flat" | "annotator"),
``visual_conf`` (default true), ``report`` (callable for messages).

Export writes into a folder beside ``dest`` and moves it into place only when
every record was written (annotator.interop.output.Staging): a failed export
leaves ``dest`` as it was. Into an existing folder the files are moved one by
one; other files there are left alone, and a link or file where a subfolder
should be is refused.

Read: ``source`` is a ``.ann`` file or a folder searched recursively (hidden
files and folders skipped, linked folders not followed); every ``X.ann``
needs ``X.txt`` beside it. Both are read only inside the source folder (a
link leading out of it is refused), only if they are regular files of at
most ``options["limit"]`` bytes (annotator.interop.sources). The text
is read with the document policy (BOM dropped, CR LF and lone CR -> LF). brat
offsets count characters of the raw file, so when the raw text differs they
are converted from raw positions (BOM and ``\\r`` counted) to policy positions,
and each span's stored text is checked against the raw slice (fragments joined
by one space). brat itself reads the ``.txt`` with universal newlines, so if
that check fails anywhere in a file, offsets into the LF text are tried for the
whole file before the first mismatch is reported. A mismatch, an unknown or
malformed line, a duplicate id or a reference to an undefined id raises
InteropError naming ``file:line``.

* ``T`` -> one ImportedSpan per fragment; ``source = "<ann path>#T3"`` (path
  relative to the source folder, with ``/``); fragments of a multi-fragment
  ``T`` share ``group = "T3"``. Neighbouring fragments whose gap is only line
  breaks are joined into one span first.
* ``A``/``M`` on a ``T``: binary -> ``True``; a value ``""`` -> ``""``; a value
  matching ``[+-]?[0-9]+`` -> int; else one matching
  ``[+-]?([0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?`` -> float; else
  the percent-decoded string (``%XX`` as UTF-8).
* ``#`` ``AnnotatorNotes`` on a ``T`` -> note (unescaped; several notes on one
  ``T`` are joined with a newline).
* ``R``, ``E``, ``N``, ``*`` and ``A``/``M``/``#`` lines on other ids ->
  ImportedRecord(format "brat", kind "relation", "event", "normalization",
  "equiv", "attribute" or "note"; id as written, ``*1``, ``*2``... for equivs;
  record = the raw line; span_sources = the sources of the ``T`` ids it names).
* ``doc_id`` is the file stem; ``annotator`` is None. Labels are kept as
  written (annotator labels are lower case; mapping is the caller's job).

Lost on the way out: span ids, origin, audit history, a single-fragment
group's id (group ids become ``T`` ids), ``False`` attributes, line breaks at
the edges of a span, spans that are only line breaks (reported). One ``T``
has one set of attributes and notes: the fragments of a group come back with
the attributes of all of them (the first fragment's value wins a conflict)
and every distinct note. Ambiguous on the way in: a brat ``T`` whose fragments
are separated only by line breaks is read as one span; a foreign note holding
a backslash escape (``\\n``) is unescaped. Not generated: ``tools.conf``
(normalisation databases).

Reports (left-out records) go to ``options["report"]`` when callable, else to
stderr.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from annotator.interop import registry
from annotator.interop.formats import check_unit, report
from annotator.interop.model import ExportRecord, ImportedDocument, ImportedRecord, ImportedSpan, InteropError
from annotator.interop.output import Staging
from annotator.interop.sources import read_source, source_area, source_limit
from annotator.model.annotation import AnnotationFile, Span
from annotator.model.document import DocumentError, decode_text
from annotator.storage import Area

NAME = "brat"
OFFSET_UNITS: tuple[str, ...] = registry.offset_units(NAME)

LAYOUTS = ("flat", "annotator")
# Characters str.splitlines() breaks on: none may appear inside a .ann line.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_RUN = re.compile(f"[{re.escape(LINE_BREAKS)}]+")
_SPECIAL = set('%",|:;=<>#')
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?")
_ID = re.compile(r"([A-Za-z]+|#[A-Za-z]*)([0-9]+)(\S*)")
_T_REF = re.compile(r"T[0-9]+\S*")
EMPTY_VALUE = '""'
NOTE_TYPE = "AnnotatorNotes"
KINDS = {"R": "relation", "E": "event", "N": "normalization", "*": "equiv", "A": "attribute", "M": "attribute"}


# -- escaping -------------------------------------------------------------------


def _pct(ch: str) -> str:
    return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8"))


def encode_token(text: str) -> str:
    """Percent-encode what brat cannot hold in a name or value token."""
    return "".join(_pct(ch) if ch in _SPECIAL or ch.isspace() or not ch.isprintable() else ch for ch in text)


def encode_value(value: str | int | float) -> str:
    """An attribute value as written after the target id (not for True/False)."""
    if isinstance(value, bool):
        raise TypeError("booleans are binary attributes")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if value == "":
        return EMPTY_VALUE
    token = encode_token(value)
    if _INT.fullmatch(token) or _FLOAT.fullmatch(token):
        token = _pct(token[0]) + token[1:]
    return token


def decode_value(token: str) -> str | int | float:
    """The reverse of encode_value."""
    if token == EMPTY_VALUE:
        return ""
    if _INT.fullmatch(token):
        return int(token)
    if _FLOAT.fullmatch(token):
        return float(token)
    return unquote(token, errors="strict")


_NOTE_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NOTE_UNESCAPE = re.compile(r"\\(\\|n|r|t|u[0-9a-fA-F]{4})")


def escape_note(note: str) -> str:
    out = []
    for ch in note:
        if ch in _NOTE_ESCAPES:
            out.append(_NOTE_ESCAPES[ch])
        elif ch in LINE_BREAKS:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def unescape_note(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] == "u":
            return chr(int(code[1:], 16))
        return {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}[code]

    return _NOTE_UNESCAPE.sub(replace, text)


# -- references inside non-T lines -------------------------------------------------


def _kind(line_id: str) -> str | None:
    if line_id == "*":
        return "equiv"
    if line_id.startswith("#"):
        return "note"
    return KINDS.get(line_id[:1])


def _ref_positions(kind: str, tokens: list[str]) -> list[tuple[int, str, str]]:
    """(token index, text before the id, referenced id) for each id a record names."""
    refs: list[tuple[int, str, str]] = []
    if not tokens:
        raise ValueError("nothing after the id")
    if kind == "relation" and len(tokens) != 3:
        raise ValueError("a relation has a type and exactly two arguments")
    if kind in ("relation", "event"):
        for index, token in enumerate(tokens):
            if index == 0 and kind == "relation":
                continue
            role, colon, ref = token.rpartition(":")
            if not colon or not role or not ref:
                raise ValueError(f"argument {token!r} is not ROLE:ID")
            refs.append((index, role + colon, ref))
    elif kind == "equiv":
        if len(tokens) < 2:
            raise ValueError("an equiv needs a type and ids")
        refs.extend((index, "", token) for index, token in enumerate(tokens) if index > 0)
    else:  # normalization, attribute, note: TYPE TARGET ...
        if len(tokens) < 2:
            raise ValueError("missing target id")
        refs.append((1, "", tokens[1]))
    return refs


def _split_line(line: str) -> tuple[str, str, str | None]:
    """id, data, tail (after the second tab, None without one)."""
    line_id, sep, rest = line.partition("\t")
    if not sep:
        raise ValueError("no tab after the id")
    data, sep, tail = rest.partition("\t")
    return line_id, data, (tail if sep else None)


# -- export -------------------------------------------------------------------------


@dataclass(slots=True)
class _Unit:
    """One T line to write."""

    label: str
    fragments: list[tuple[int, int]]
    spans: list[Span]


@dataclass(slots=True)
class _Conf:
    entities: dict[str, None] = field(default_factory=dict)
    # attribute name -> (labels it applies to, values seen; None = binary)
    attributes: dict[str, tuple[dict[str, None], dict[str, None]]] = field(default_factory=dict)
    binary: dict[str, None] = field(default_factory=dict)
    relations: dict[str, dict[str, dict[str, None]]] = field(default_factory=dict)
    events: dict[str, dict[str, dict[str, None]]] = field(default_factory=dict)
    equivs: dict[str, dict[str, None]] = field(default_factory=dict)

    def attribute(self, name: str, target_type: str, value: str | None) -> None:
        labels, values = self.attributes.setdefault(name, ({}, {}))
        labels[target_type] = None
        if value is None:
            self.binary[name] = None
        else:
            values[value] = None


def _pieces(span: Span) -> list[tuple[int, int]]:
    """The span's range minus line breaks (a .ann line cannot hold one)."""
    pieces, position = [], span.start
    for match in _BREAK_RUN.finditer(span.text):
        if match.start() > 0 and position < span.start + match.start():
            pieces.append((position, span.start + match.start()))
        position = span.start + match.end()
    if position < span.end:
        pieces.append((position, span.end))
    return pieces


def _units(spans: list[Span]) -> list[_Unit]:
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
        # brat refuses fragments that overlap: spread them over several lines.
        lines: list[list[tuple[int, int]]] = []
        for fragment in fragments:
            for line in lines:
                if line[-1][1] < fragment[0]:
                    line.append(fragment)
                    break
            else:
                lines.append([fragment])
        units.extend(_Unit(members[0].label, line, members) for line in lines)
    units.sort(key=lambda unit: (unit.fragments[0], unit.fragments[-1], unit.label))
    return units


def _old_t_id(span: Span) -> str | None:
    if span.source is None:
        return None
    old = span.source.rpartition("#")[2]
    return old if _T_REF.fullmatch(old) else None


class _Numbers:
    def __init__(self, prefix: str, taken: set[str]) -> None:
        self.prefix, self.taken, self.next = prefix, taken, 1

    def __call__(self) -> str:
        while f"{self.prefix}{self.next}" in self.taken:
            self.next += 1
        self.next += 1
        return f"{self.prefix}{self.next - 1}"


def _ann(file: AnnotationFile, text: str, conf: _Conf, options: dict, where: str) -> tuple[str, int]:
    """The .ann text of one annotation file and the number of spans written."""
    units = _units(list(file.spans))
    lines: list[str] = []
    new_ids: dict[str, list[str]] = {}  # span id -> T ids
    written = set()
    for number, unit in enumerate(units, 1):
        t_id = f"T{number}"
        for span in unit.spans:
            new_ids.setdefault(span.id, []).append(t_id)
            written.add(span.id)
        offsets = ";".join(f"{start} {end}" for start, end in unit.fragments)
        stored = " ".join(text[start:end] for start, end in unit.fragments)
        lines.append(f"{t_id}\t{unit.label} {offsets}\t{stored}")
    skipped = [span for span in file.spans if span.id not in written]
    for span in skipped:
        report(options, f"{where}: span {span.id} ({span.label} {span.start}-{span.end}) is only line breaks; left out")

    foreign = [record for record in file.foreign if record.format == NAME]
    taken = {record.id for record in foreign}
    a_ids, note_ids = _Numbers("A", taken), _Numbers("#", taken)
    notes: list[str] = []
    for number, unit in enumerate(units, 1):
        t_id = f"T{number}"
        attributes: dict[str, Any] = {}
        seen_notes: list[str] = []
        for span in unit.spans:
            for name, value in span.attributes.items():
                attributes.setdefault(name, value)
            if span.note and span.note not in seen_notes:
                seen_notes.append(span.note)
        for name in sorted(attributes):
            value = attributes[name]
            if value is False or not name:
                continue
            token = encode_token(name)
            if value is True:
                lines.append(f"{a_ids()}\t{token} {t_id}")
                conf.attribute(token, unit.label, None)
            else:
                encoded = encode_value(value)
                lines.append(f"{a_ids()}\t{token} {t_id} {encoded}")
                conf.attribute(token, unit.label, encoded)
        notes.extend(f"{note_ids()}\t{NOTE_TYPE} {t_id}\t{escape_note(note)}" for note in seen_notes)
    lines.extend(notes)

    # Kept records, their T ids renumbered; ones that lost a span are left out.
    spans_by_id = {span.id: span for span in file.spans}
    label_of = {f"T{number}": unit.label for number, unit in enumerate(units, 1)}
    parsed = []
    for record in foreign:
        mapping: dict[str, str] = {}
        for span_id in record.spans:
            span = spans_by_id.get(span_id)
            old = _old_t_id(span) if span is not None else None
            if old is not None and span_id in new_ids:
                mapping.setdefault(old, new_ids[span_id][0])
        try:
            if "\n" in record.record or "\r" in record.record:
                raise ValueError("it holds a line break")
            line_id, data, tail = _split_line(record.record)
            kind = _kind(line_id)
            if kind is None:
                raise ValueError(f"unknown id {line_id!r}")
            tokens = data.split()
            refs = _ref_positions(kind, tokens)
        except ValueError as err:
            report(options, f"{where}: kept brat record {record.id} is malformed ({err}); left out")
            continue
        parsed.append((record, line_id, kind, tokens, tail, refs, mapping))
    alive = [True] * len(parsed)
    changed = True
    while changed:  # leave out records that name a missing span or a left-out record
        changed = False
        kept_ids = {item[1] for index, item in enumerate(parsed) if alive[index] and item[1] != "*"}
        for index, (record, _line_id, _k, _tokens, _tail, refs, mapping) in enumerate(parsed):
            if not alive[index]:
                continue
            missing = [ref for _, _, ref in refs if ref not in (mapping if _T_REF.fullmatch(ref) else kept_ids)]
            if missing:
                alive[index] = False
                changed = True
                report(options, f"{where}: brat record {record.id} refers to {', '.join(missing)}; not exported")
    parsed = [item for index, item in enumerate(parsed) if alive[index]]
    remapped = []
    for _record, line_id, kind, tokens, tail, refs, mapping in parsed:
        tokens = list(tokens)
        for index, prefix, ref in refs:
            if _T_REF.fullmatch(ref):
                tokens[index] = prefix + mapping[ref]
        if kind == "event":  # brat wants the event type to be its trigger's label
            trigger = mapping.get(refs[0][2])
            if trigger is not None:
                tokens[0] = f"{label_of[trigger]}:{trigger}"
        remapped.append((line_id, kind, tokens, tail, refs, mapping))
    triggers = {tokens[0].rpartition(":")[2] for _, kind, tokens, *_ in remapped if kind == "event"}
    for t_id, label in label_of.items():
        if t_id not in triggers:  # a trigger's label is an event type, declared under [events]
            conf.entities.setdefault(label, None)
    type_of: dict[str, str] = dict(label_of)
    for line_id, kind, tokens, *_ in remapped:
        if kind in ("relation", "event"):
            type_of[line_id] = tokens[0].rpartition(":")[0] if kind == "event" else tokens[0]
    for line_id, kind, tokens, tail, refs, mapping in remapped:
        lines.append(f"{line_id}\t{' '.join(tokens)}" + ("" if tail is None else f"\t{tail}"))
        _configure(conf, kind, tokens, refs, mapping, type_of)
    return "".join(line + "\n" for line in lines), len(written)


def _configure(conf: _Conf, kind: str, tokens: list[str], refs, mapping, type_of: dict[str, str]) -> None:
    def target_type(ref: str) -> str | None:
        return type_of.get(mapping.get(ref, ref))

    if kind == "relation":
        roles = conf.relations.setdefault(tokens[0], {})
        for _, prefix, ref in refs:
            if (kind_of := target_type(ref)) is not None:
                roles.setdefault(prefix[:-1], {})[kind_of] = None
    elif kind == "event":
        event_type = tokens[0].rpartition(":")[0]
        roles = conf.events.setdefault(event_type, {})
        for _, prefix, ref in refs[1:]:
            role = prefix[:-1].rstrip("0123456789") or prefix[:-1]
            if (kind_of := target_type(ref)) is not None:
                roles.setdefault(role, {})[kind_of] = None
    elif kind == "equiv":
        types = conf.equivs.setdefault(tokens[0], {})
        for _, _, ref in refs:
            if (kind_of := target_type(ref)) is not None:
                types[kind_of] = None
    elif kind == "attribute":
        if (kind_of := target_type(tokens[1])) is not None:
            conf.attribute(tokens[0], kind_of, " ".join(tokens[2:]) or None)


def _annotation_conf(conf: _Conf, tagset) -> str:
    entities = dict(conf.entities)
    attributes = {name: (dict(labels), dict(values)) for name, (labels, values) in conf.attributes.items()}
    binary = dict(conf.binary)
    if tagset is not None:
        for spec in tagset:
            if spec.name not in conf.events:
                entities.setdefault(spec.name, None)
            for attribute in spec.attributes.values():
                token = encode_token(attribute.name)
                labels, values = attributes.setdefault(token, ({}, {}))
                labels[spec.name] = None
                if attribute.type == "boolean":
                    binary[token] = None
                elif attribute.type == "enum":
                    for value in attribute.values:
                        values[encode_value(value)] = None
    out = ["# Generated by annotator's brat export.", "[entities]"]
    out.extend(entities)
    out.append("")
    out.append("[relations]")
    for name, roles in conf.relations.items():
        out.append(f"{name}\t" + ", ".join(f"{role}:{'|'.join(types)}" for role, types in roles.items()))
    for name, types in conf.equivs.items():
        listed = "|".join(types) or "<ENTITY>"
        out.append(f"{name}\tArg1:{listed}, Arg2:{listed}, <REL-TYPE>:symmetric-transitive")
    out.append("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>")
    out.append("")
    out.append("[events]")
    for name, roles in conf.events.items():
        args = ", ".join(f"{role}*:{'|'.join(types)}" for role, types in roles.items())
        out.append(f"{name}\t{args}" if args else name)
    out.append("")
    out.append("[attributes]")
    for name, (labels, values) in attributes.items():
        line = f"{name}\tArg:{'|'.join(labels)}"
        if values:
            line += f", Value:{'|'.join(values)}"
        elif name not in binary:
            continue  # a string or number attribute never used: brat needs its values listed
        out.append(line)
    return "\n".join(out) + "\n"


def _visual_conf(tagset) -> str:
    out = ["# Generated by annotator's brat export.", "[labels]"]
    out.extend(f"{spec.name} | {spec.name}" for spec in tagset)
    out.extend(["", "[drawing]"])
    out.extend(f"{spec.name}\tbgColor:{spec.color}" for spec in tagset if spec.color)
    return "\n".join(out) + "\n"


CONF_FILES = ("annotation.conf", "visual.conf")
FOLDER_OUTPUT = True  # `dest` is a folder (annotator.interop.output.check_destination)


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
    check_unit(NAME, OFFSET_UNITS, offsets)
    layout = options.get("layout", "flat")
    if layout not in LAYOUTS:
        raise InteropError(f"{NAME}: layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    tagset = options.get("tagset")
    paths = options.get("paths")  # annotation.interop.output.Paths, from `annotator export`
    dest = Path(dest)
    if os.path.lexists(dest) and not dest.is_dir():
        raise InteropError(f"{dest}: brat export needs a folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    conf = _Conf()
    written_by: dict[Path, str] = {}
    total = 0
    # Everything is written into a folder beside `dest` and moved into it only when the whole export succeeded.
    with Staging() as staging:
        stage = staging.folder(dest)
        for record in records:
            file, document = record.file, record.document
            if "\r" in document.text or len(document.text) != file.document.length:
                raise InteropError(f"{record.path}: document text does not follow the text policy or its length")
            relative = Path(file.annotator, document.id) if layout == "annotator" else Path(document.id)
            base = dest / relative
            if base in written_by:
                raise InteropError(
                    f"{record.path}: {base.name}.ann was already written for {written_by[base]}; "
                    f"several annotators of one document need layout 'annotator'"
                )
            written_by[base] = file.annotator
            for span in file.spans:
                if document.text[span.start : span.end] != span.text:
                    raise InteropError(f"{record.path}: span {span.id} text differs from the document")
            ann, count = _ann(file, document.text, conf, options, str(record.path))
            if paths is not None:
                for suffix in (".txt", ".ann"):
                    paths.add_output(base.with_name(base.name + suffix))
            staged = stage / relative
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.with_name(staged.name + ".txt").write_bytes(document.text.encode("utf-8"))
            staged.with_name(staged.name + ".ann").write_bytes(ann.encode("utf-8"))
            total += count
        (stage / "annotation.conf").write_bytes(_annotation_conf(conf, tagset).encode("utf-8"))
        visual = options.get("visual_conf", True)
        if tagset is not None and visual not in (False, "false", "0", "no"):
            (stage / "visual.conf").write_bytes(_visual_conf(tagset).encode("utf-8"))
    return total


# -- read ---------------------------------------------------------------------------


@dataclass(slots=True)
class _TLine:
    lineno: int
    id: str
    label: str
    fragments: list[tuple[int, int]]
    text: str | None


@dataclass(slots=True)
class _Other:
    lineno: int
    id: str
    kind: str
    line: str
    data: str
    tail: str | None
    refs: list[str]


def _raw_to_policy(raw: str) -> list[int | None]:
    """Policy offset of each raw boundary; None between a CR and its LF."""
    table: list[int | None] = [0] * (len(raw) + 1)
    position = 0
    for index, ch in enumerate(raw):
        if index == 0 and ch == "\ufeff":
            pass
        elif ch == "\r" and raw.startswith("\n", index + 1):
            table[index + 1] = None
            continue
        else:
            position += 1
        table[index + 1] = position
    return table


def _parse_ann(data: bytes, where: str) -> tuple[list[_TLine], list[_Other]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InteropError(f"{where}:{line}: not valid UTF-8") from None
    t_lines: list[_TLine] = []
    others: list[_Other] = []
    seen: set[str] = set()
    equivs = 0
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for lineno, line in enumerate(lines, 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            line_id, body, tail = _split_line(line)
        except ValueError as err:
            raise InteropError(f"{where}:{lineno}: {err}: {line!r}") from None
        if line_id != "*" and not _ID.fullmatch(line_id):
            raise InteropError(f"{where}:{lineno}: {line_id!r} is not a brat id")
        if line_id in seen:
            raise InteropError(f"{where}:{lineno}: duplicate id {line_id}")
        if line_id == "*":
            equivs += 1
            record_id = f"*{equivs}"
        else:
            seen.add(line_id)
            record_id = line_id
        if line_id.startswith("T"):
            label, space, offsets = body.partition(" ")
            fragments = []
            try:
                if not space or not label:
                    raise ValueError
                for part in offsets.split(";"):
                    start, end = part.split(" ")
                    if not (start.isdigit() and end.rstrip().isdigit()):
                        raise ValueError
                    fragments.append((int(start), int(end)))
            except ValueError:
                raise InteropError(f"{where}:{lineno}: malformed text-bound line {line!r}") from None
            t_lines.append(_TLine(lineno, line_id, label, fragments, tail))
            continue
        kind = _kind(line_id)
        if kind is None:
            raise InteropError(f"{where}:{lineno}: unknown kind of line {line_id!r}")
        tokens = body.split()
        try:
            if kind == "attribute" and line_id.startswith("M") and len(tokens) != 2:
                raise ValueError("expected NAME TARGET")
            if kind == "note" and len(body.split()) != 2:
                raise ValueError("expected TYPE TARGET")
            if kind == "normalization" and not re.fullmatch(r"(\S+) (\S+) (\S+?):(\S+)", body):
                raise ValueError("expected TYPE TARGET DB:ID")
            refs = [ref for _, _, ref in _ref_positions(kind, tokens)]
            if kind == "event" and not tokens[0].rpartition(":")[0]:
                raise ValueError("an event needs TYPE:TRIGGER")
        except ValueError as err:
            raise InteropError(f"{where}:{lineno}: malformed {kind} line ({err}): {line!r}") from None
        others.append(_Other(lineno, record_id, kind, line, body, tail, refs))
    return t_lines, others


class _Mismatch(InteropError):
    pass


def _resolve(
    t_lines: list[_TLine], text: str, table: list[int | None] | None, policy: str, where: str
) -> dict[str, list[tuple[int, int]]]:
    """Policy-text fragments of each T line, after checking the stored text."""
    resolved: dict[str, list[tuple[int, int]]] = {}
    for t in t_lines:
        at = f"{where}:{t.lineno}"
        previous_end = -1
        for start, end in t.fragments:
            if start > end or end > len(text):
                raise _Mismatch(f"{at}: {t.id} offsets {start}-{end} are outside the text (length {len(text)})")
            if start == end:
                raise _Mismatch(f"{at}: {t.id} has an empty fragment {start}-{end}")
            if start < previous_end:
                raise _Mismatch(f"{at}: {t.id} fragments overlap or are out of order")
            previous_end = end
        expected = " ".join(text[start:end] for start, end in t.fragments)
        if t.text is None:
            raise _Mismatch(f"{at}: {t.id} has no text (expected {expected!r})")
        found = t.text[: len(expected)]
        rest = t.text[len(expected) :]
        if found != expected or (rest and not rest[0].isspace()):
            raise _Mismatch(f"{at}: {t.id} text does not match the document: expected {expected!r}, found {t.text!r}")
        fragments = []
        for start, end in t.fragments:
            if table is not None:
                mapped_start, mapped_end = table[start], table[end]
                if mapped_start is None or mapped_end is None:
                    raise _Mismatch(f"{at}: {t.id} offsets {start}-{end} fall between a CR and its LF")
                start, end = mapped_start, mapped_end
            fragments.append((start, end))
        # Join fragments separated only by line breaks (how export writes a span across lines).
        joined: list[tuple[int, int]] = []
        for start, end in sorted(fragments):
            if joined and joined[-1][1] < start and _BREAK_RUN.fullmatch(policy[joined[-1][1] : start]):
                joined[-1] = (joined[-1][0], end)
            else:
                joined.append((start, end))
        resolved[t.id] = [(start, end) for start, end in joined if start < end]
        if not resolved[t.id]:
            raise _Mismatch(f"{at}: {t.id} covers only a byte-order mark")
    return resolved


def _read_one(ann: Path, txt: Path, rel: str, where: str, area: Area, limit: int) -> ImportedDocument:
    data = read_source(txt, area, limit, "brat text file")
    try:
        policy = decode_text(data, str(txt))
    except DocumentError as err:
        raise InteropError(str(err)) from None
    raw = data.decode("utf-8")
    t_lines, others = _parse_ann(read_source(ann, area, limit, "brat annotation file"), where)
    if raw == policy:
        resolved = _resolve(t_lines, policy, None, policy, where)
    else:
        try:
            resolved = _resolve(t_lines, raw, _raw_to_policy(raw), policy, where)
        except _Mismatch as first:
            try:
                resolved = _resolve(t_lines, policy, None, policy, where)
            except _Mismatch:
                raise InteropError(str(first)) from None

    defined = {t.id for t in t_lines} | {o.id for o in others if o.kind != "equiv"}
    by_t = {t.id: t for t in t_lines}
    attributes: dict[str, dict[str, Any]] = {}
    notes: dict[str, list[str]] = {}
    records: list[ImportedRecord] = []
    for other in others:
        at = f"{where}:{other.lineno}"
        for ref in other.refs:
            if ref not in defined:
                raise InteropError(f"{at}: {other.id} refers to {ref}, which is not defined")
        if other.kind == "event":
            trigger = other.refs[0]
            if trigger not in by_t:
                raise InteropError(f"{at}: event {other.id} needs a text-bound trigger, not {trigger}")
        target = other.refs[0] if other.kind in ("attribute", "note") else None
        if other.kind == "attribute" and target in by_t:
            name, _, rest = other.data.partition(" ")
            _, _, value = rest.partition(" ")
            try:
                decoded = decode_value(value) if value else True
                attributes.setdefault(target, {})[unquote(name, errors="strict")] = decoded
            except UnicodeDecodeError:
                raise InteropError(f"{at}: attribute {other.id} has a bad %-escape") from None
            continue
        if other.kind == "note" and target in by_t and other.data.split()[0] == NOTE_TYPE:
            notes.setdefault(target, []).append(unescape_note(other.tail or ""))
            continue
        sources = tuple(dict.fromkeys(f"{rel}#{ref}" for ref in other.refs if ref in by_t))
        records.append(ImportedRecord(NAME, other.kind, other.id, other.line, sources, f"{rel}#{other.id}"))

    spans: list[ImportedSpan] = []
    for t in t_lines:
        fragments = resolved[t.id]
        group = t.id if len(fragments) > 1 else None
        note = "\n".join(notes[t.id]) if t.id in notes else None
        for start, end in fragments:
            spans.append(
                ImportedSpan(
                    start=start,
                    end=end,
                    label=t.label,
                    source=f"{rel}#{t.id}",
                    text=policy[start:end],
                    attributes=dict(attributes.get(t.id, {})),
                    note=note,
                    group=group,
                )
            )
    return ImportedDocument(doc_id=ann.stem, text=policy, source=rel, spans=spans, records=records)


def read(source: Path, *, offsets: str, options: dict) -> Iterator[ImportedDocument]:
    check_unit(NAME, OFFSET_UNITS, offsets)
    source = Path(source)
    area, limit = source_area(source, options), source_limit(options)
    if source.is_dir():
        # rglob does not descend into linked folders; a linked .ann or .txt is
        # read only if it stays inside the source folder (read_source).
        anns = sorted(
            path
            for path in source.rglob("*.ann")
            if not path.is_dir() and not any(part.startswith(".") for part in path.relative_to(source).parts)
        )
        base = source
    elif os.path.lexists(source):
        anns, base = [source], source.parent
    else:
        raise InteropError(f"{source}: no such file or folder")
    for ann in anns:
        rel = ann.relative_to(base).as_posix()
        txt = ann.with_suffix(".txt")
        if not os.path.lexists(txt):
            raise InteropError(f"{ann}: no {txt.name} beside it")
        yield _read_one(ann, txt, rel, str(ann), area, limit)
