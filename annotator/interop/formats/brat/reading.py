"""brat import: each ``X.ann`` with its ``X.txt`` as one ImportedDocument (what
each kind of line becomes, and the offset checks: the package docstring).

Whose annotations each file holds is settled first, for the whole source: a
folder per annotator names them (_annotator_folders). A file is then read in
three steps: its lines are parsed (_parse_ann), the ``T`` lines' offsets are
checked against the text and converted to the document policy
(_resolved_fragments), and the other lines are sorted into attributes and
notes of ``T`` ids or records kept as they are (_sort_others)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from annotator.config import ANNOTATOR_NAME
from annotator.interop.formats import check_unit, report
from annotator.interop.formats.brat.records import Fragment
from annotator.interop.formats.brat.standoff import (
    BREAK_RUN,
    ID,
    NAME,
    NOTE_TYPE,
    OFFSET_UNITS,
    decode_value,
    line_kind,
    ref_positions,
    split_line,
    unescape_note,
)
from annotator.interop.model import (
    ImportedDocument,
    ImportedRecord,
    ImportedSpan,
    InteropError,
    ReadItem,
    UnreadableDocument,
)
from annotator.interop.sources import read_source, source_area, source_limit
from annotator.model.document import DocumentError, decode_text
from annotator.storage import Area


@dataclass(frozen=True, slots=True)
class _TLine:
    """A text-bound line as written: fragments count characters of the raw .txt; text is the tail."""

    lineno: int
    id: str
    label: str
    fragments: tuple[Fragment, ...]
    text: str | None


@dataclass(frozen=True, slots=True)
class _Other:
    """Any other line: its record id (``*1`` for an equiv), kind, the line and its parts, the ids it names."""

    lineno: int
    id: str
    kind: str
    line: str
    data: str
    tail: str | None
    refs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Sorted:
    """What the non-T lines give: attributes and notes by T id, and the records kept as they are."""

    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    records: list[ImportedRecord] = field(default_factory=list)


class _Mismatch(InteropError):
    """A T line does not fit the text as it was read (the other reading may fit)."""


def read(source: Path, *, offsets: str, options: dict) -> Iterator[ReadItem]:
    """The documents of a ``.ann`` file or of every ``.ann`` in a folder, recursively.

    A ``.ann`` that cannot be read is yielded as an UnreadableDocument and the
    reading goes on, so that an import lists every bad file at once."""
    check_unit(NAME, OFFSET_UNITS, offsets)
    source = Path(source)
    area, limit = source_area(source, options), source_limit(options)
    anns, base = _ann_files(source)
    annotators = _annotator_folders(anns, base, options)
    for ann in anns:
        rel = ann.relative_to(base).as_posix()
        txt = ann.with_suffix(".txt")
        if not os.path.lexists(txt):
            yield UnreadableDocument(str(ann), f"no {txt.name} beside it")
            continue
        try:
            yield _read_one(ann, txt, rel, annotators.get(ann), area, limit)
        except InteropError as err:
            yield UnreadableDocument.of(str(ann), err)


def _ann_files(source: Path) -> tuple[list[Path], Path]:
    """The .ann files to read, and the folder their sources are relative to."""
    if source.is_dir():
        # rglob does not descend into linked folders; a linked .ann or .txt is
        # read only if it stays inside the source folder (read_source).
        anns = sorted(
            path
            for path in source.rglob("*.ann")
            if not path.is_dir() and not any(part.startswith(".") for part in path.relative_to(source).parts)
        )
        return anns, source
    if os.path.lexists(source):
        return [source], source.parent
    raise InteropError(f"{source}: no such file or folder")


def _annotator_folders(anns: list[Path], base: Path, options: dict) -> dict[Path, str]:
    """Each .ann's annotator, its folder's name, when `base` holds a folder per annotator
    (reported); else nothing.

    That is the export's "annotator" layout: every .ann one folder down and some
    document in more than one folder. Subfolders alone are no sign of it: brat
    corpora come split into train/ and test/, which are no annotators. A document
    in two folders is one: read as one annotator's, its second copy could never be
    imported."""
    parts = [ann.relative_to(base).parts for ann in anns]
    if not parts or any(len(each) != 2 for each in parts):
        return {}
    documents = [Path(each[1]).stem for each in parts]
    if len(set(documents)) == len(documents):
        return {}
    folders = sorted({each[0] for each in parts})
    _check_annotator_names(folders, base)
    report(options, f"{base}: read as a folder per annotator: {', '.join(folders)}")
    return {ann: each[0] for ann, each in zip(anns, parts, strict=True)}


def _check_annotator_names(folders: list[str], base: Path) -> None:
    bad = [folder for folder in folders if not ANNOTATOR_NAME.fullmatch(folder)]
    if bad:
        raise InteropError(
            "\n".join(
                f"{base / folder}: a folder per annotator is named after its annotator, and {folder!r} "
                "is not a valid annotator name (letters, digits and . _ @ + -, at most 64)"
                for folder in bad
            )
        )


def _read_one(ann: Path, txt: Path, rel: str, annotator: str | None, area: Area, limit: int) -> ImportedDocument:
    where = str(ann)
    data = read_source(txt, area, limit, "brat text file")
    try:
        policy = decode_text(data, str(txt))
    except DocumentError as err:
        raise InteropError(str(err)) from None
    raw = data.decode("utf-8")
    t_lines, others = _parse_ann(read_source(ann, area, limit, "brat annotation file"), where)
    resolved = _resolved_fragments(t_lines, raw, policy, where)
    extras = _sort_others(t_lines, others, rel, where)
    spans = [span for t in t_lines for span in _spans(t, resolved[t.id], extras, rel, policy)]
    return ImportedDocument(
        doc_id=ann.stem, text=policy, source=rel, annotator=annotator, spans=spans, records=extras.records
    )


# -- parsing the lines -------------------------------------------------------------------


def _ann_lines(data: bytes, where: str) -> list[str]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InteropError(f"{where}:{line}: not valid UTF-8") from None
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _parse_ann(data: bytes, where: str) -> tuple[list[_TLine], list[_Other]]:
    """The T lines and the other lines of a .ann, blank lines skipped; InteropError naming file:line."""
    t_lines: list[_TLine] = []
    others: list[_Other] = []
    seen: set[str] = set()
    equivs = 0
    for lineno, line in enumerate(_ann_lines(data, where), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        at = f"{where}:{lineno}"
        try:
            line_id, body, tail = split_line(line)
        except ValueError as err:
            raise InteropError(f"{at}: {err}: {line!r}") from None
        if line_id != "*" and not ID.fullmatch(line_id):
            raise InteropError(f"{at}: {line_id!r} is not a brat id")
        if line_id in seen:
            raise InteropError(f"{at}: duplicate id {line_id}")
        if line_id == "*":  # equivs have no id of their own: numbered here
            equivs += 1
            record_id = f"*{equivs}"
        else:
            seen.add(line_id)
            record_id = line_id
        if line_id.startswith("T"):
            label, fragments = _text_bound(line, body, at)
            t_lines.append(_TLine(lineno, line_id, label, fragments, tail))
        else:
            others.append(_other(lineno, record_id, line_id, line, body, tail, at))
    return t_lines, others


def _text_bound(line: str, body: str, at: str) -> tuple[str, tuple[Fragment, ...]]:
    """A T line's label and fragments (``label s1 e1;s2 e2``)."""
    label, space, offsets = body.partition(" ")
    fragments = []
    try:
        if not space or not label:
            raise ValueError
        for part in offsets.split(";"):
            start, end = part.split(" ")
            if not (start.isdigit() and end.rstrip().isdigit()):
                raise ValueError
            fragments.append(Fragment(int(start), int(end)))
    except ValueError:
        raise InteropError(f"{at}: malformed text-bound line {line!r}") from None
    return label, tuple(fragments)


def _other(lineno: int, record_id: str, line_id: str, line: str, body: str, tail: str | None, at: str) -> _Other:
    """A relation, event, normalization, equiv, attribute or note line, checked for its kind's shape."""
    kind = line_kind(line_id)
    if kind is None:
        raise InteropError(f"{at}: unknown kind of line {line_id!r}")
    tokens = body.split()
    try:
        if kind == "attribute" and line_id.startswith("M") and len(tokens) != 2:
            raise ValueError("expected NAME TARGET")
        if kind == "note" and len(body.split()) != 2:
            raise ValueError("expected TYPE TARGET")
        if kind == "normalization" and not re.fullmatch(r"(\S+) (\S+) (\S+?):(\S+)", body):
            raise ValueError("expected TYPE TARGET DB:ID")
        refs = tuple(ref.id for ref in ref_positions(kind, tokens))
        if kind == "event" and not tokens[0].rpartition(":")[0]:
            raise ValueError("an event needs TYPE:TRIGGER")
    except ValueError as err:
        raise InteropError(f"{at}: malformed {kind} line ({err}): {line!r}") from None
    return _Other(lineno, record_id, kind, line, body, tail, refs)


# -- T lines against the text ---------------------------------------------------------------


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


def _resolved_fragments(t_lines: list[_TLine], raw: str, policy: str, where: str) -> dict[str, list[Fragment]]:
    """Policy-text fragments of each T line: offsets into the raw file, else into the LF text as brat reads it."""
    if raw == policy:
        return _resolve(t_lines, policy, None, policy, where)
    try:
        return _resolve(t_lines, raw, _raw_to_policy(raw), policy, where)
    except _Mismatch as first:
        try:
            return _resolve(t_lines, policy, None, policy, where)
        except _Mismatch:
            raise InteropError(str(first)) from None


def _resolve(
    t_lines: list[_TLine], text: str, table: list[int | None] | None, policy: str, where: str
) -> dict[str, list[Fragment]]:
    """Policy-text fragments of each T line, after checking the stored text."""
    resolved: dict[str, list[Fragment]] = {}
    for t in t_lines:
        at = f"{where}:{t.lineno}"
        _check_offsets(t, text, at)
        _check_stored_text(t, text, at)
        fragments = [_to_policy(fragment, table, t.id, at) for fragment in t.fragments]
        resolved[t.id] = [fragment for fragment in _joined(fragments, policy) if fragment.start < fragment.end]
        if not resolved[t.id]:
            raise _Mismatch(f"{at}: {t.id} covers only a byte-order mark")
    return resolved


def _check_offsets(t: _TLine, text: str, at: str) -> None:
    for fragment in t.fragments:
        start, end = fragment.start, fragment.end
        if start > end or end > len(text):
            raise _Mismatch(f"{at}: {t.id} offsets {start}-{end} are outside the text (length {len(text)})")
        if start == end:
            raise _Mismatch(f"{at}: {t.id} has an empty fragment {start}-{end}")
    _check_apart(t, at)


def _check_apart(t: _TLine, at: str) -> None:
    """brat takes a T line's fragments in any order but refuses two that overlap.

    An overlap is wrong whichever way the text is read, so it is an InteropError,
    not a _Mismatch that would send _resolved_fragments to the other reading."""
    ordered = sorted(t.fragments)
    for before, after in pairwise(ordered):
        if after.start < before.end:
            raise InteropError(
                f"{at}: {t.id} fragments {before.start}-{before.end} and {after.start}-{after.end} overlap "
                "(brat takes fragments in any order, but never overlapping)"
            )


def _check_stored_text(t: _TLine, text: str, at: str) -> None:
    """The text after the offsets must be the fragments' text joined by one space in the order the
    line lists them, which need not be text order (then a space or nothing)."""
    expected = " ".join(text[fragment.start : fragment.end] for fragment in t.fragments)
    if t.text is None:
        raise _Mismatch(f"{at}: {t.id} has no text (expected {expected!r})")
    found = t.text[: len(expected)]
    rest = t.text[len(expected) :]
    if found != expected or (rest and not rest[0].isspace()):
        raise _Mismatch(f"{at}: {t.id} text does not match the document: expected {expected!r}, found {t.text!r}")


def _to_policy(fragment: Fragment, table: list[int | None] | None, t_id: str, at: str) -> Fragment:
    if table is None:
        return fragment
    start, end = table[fragment.start], table[fragment.end]
    if start is None or end is None:
        raise _Mismatch(f"{at}: {t_id} offsets {fragment.start}-{fragment.end} fall between a CR and its LF")
    return Fragment(start, end)


def _joined(fragments: list[Fragment], policy: str) -> list[Fragment]:
    """Fragments separated only by line breaks joined (how export writes a span across lines)."""
    joined: list[Fragment] = []
    for fragment in sorted(fragments):
        if joined and joined[-1].end < fragment.start and BREAK_RUN.fullmatch(policy[joined[-1].end : fragment.start]):
            joined[-1] = Fragment(joined[-1].start, fragment.end)
        else:
            joined.append(fragment)
    return joined


# -- the other lines, and the spans --------------------------------------------------------


def _sort_others(t_lines: list[_TLine], others: list[_Other], rel: str, where: str) -> _Sorted:
    """Attributes and AnnotatorNotes on T ids, and every other line as an ImportedRecord."""
    defined = {t.id for t in t_lines} | {o.id for o in others if o.kind != "equiv"}
    by_t = {t.id for t in t_lines}
    result = _Sorted()
    for other in others:
        at = f"{where}:{other.lineno}"
        _check_refs(other, defined, by_t, at)
        target = other.refs[0] if other.kind in ("attribute", "note") else None
        if other.kind == "attribute" and target in by_t:
            name, value = _attribute(other, at)
            result.attributes.setdefault(target, {})[name] = value
        elif other.kind == "note" and target in by_t and other.data.split()[0] == NOTE_TYPE:
            result.notes.setdefault(target, []).append(unescape_note(other.tail or ""))
        else:
            result.records.append(_kept_record(other, by_t, rel))
    return result


def _check_refs(other: _Other, defined: set[str], t_ids: set[str], at: str) -> None:
    for ref in other.refs:
        if ref not in defined:
            raise InteropError(f"{at}: {other.id} refers to {ref}, which is not defined")
    if other.kind == "event":
        trigger = other.refs[0]
        if trigger not in t_ids:
            raise InteropError(f"{at}: event {other.id} needs a text-bound trigger, not {trigger}")


def _attribute(other: _Other, at: str) -> tuple[str, str | int | float | bool]:
    """An A or M line's name and value (True when binary), both percent-decoded."""
    name, _, rest = other.data.partition(" ")
    _, _, value = rest.partition(" ")
    try:
        decoded = decode_value(value) if value else True
        return unquote(name, errors="strict"), decoded
    except UnicodeDecodeError:
        raise InteropError(f"{at}: attribute {other.id} has a bad %-escape") from None


def _kept_record(other: _Other, t_ids: set[str], rel: str) -> ImportedRecord:
    sources = tuple(dict.fromkeys(f"{rel}#{ref}" for ref in other.refs if ref in t_ids))
    return ImportedRecord(NAME, other.kind, other.id, other.line, sources, f"{rel}#{other.id}")


def _spans(t: _TLine, fragments: list[Fragment], extras: _Sorted, rel: str, policy: str) -> list[ImportedSpan]:
    """One ImportedSpan per fragment of a T line; several share the group ``T3``."""
    group = t.id if len(fragments) > 1 else None
    note = "\n".join(extras.notes[t.id]) if t.id in extras.notes else None
    return [
        ImportedSpan(
            start=fragment.start,
            end=fragment.end,
            label=t.label,
            source=f"{rel}#{t.id}",
            text=policy[fragment.start : fragment.end],
            attributes=dict(extras.attributes.get(t.id, {})),
            note=note,
            group=group,
        )
        for fragment in fragments
    ]
