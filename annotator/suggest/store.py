"""Stored suggestions: one annotation file per suggester and document, under `suggestions/`.

`suggestions/DOCUMENT-ID/NAME.json` is an ordinary annotation file (the same
schema, checked by the same validator):

- its annotator is the suggester's name and its status "done";
- each suggestion is a span with the id `LABEL-START-END`, origin
  "suggested" and source "NAME@VERSION", created by the suggester at the
  time of the run;
- its audit trail has one create event per span.

So `validate`, `agree` (a suggester against people, or gold), `stats`,
`history` and `export` read suggestions as they read any annotation file,
and the people's files stay theirs: a suggestion is not a span of an
annotator's file until that annotator accepts it.

A run replaces a file only when it found something else (other spans,
another version of the suggester, another text): suggestions found again
keep their file byte for byte, so re-running does not churn in git.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from annotator.config import Config
from annotator.model.annotation import SCHEMA_VERSION, AnnotationFile, DocumentRef
from annotator.model.audit import GENESIS_HASH, chain_hash
from annotator.model.document import Document
from annotator.model.editing import AnnotationSet, utc_now
from annotator.model.suggestion_ref import SuggestionRef, suggestion_id
from annotator.storage import dumps
from annotator.storage.files import atomic_write, read_problem
from annotator.storage.loading import load_annotation_file
from annotator.suggest.base import Suggestion

SUFFIX = ".json"


@dataclass(frozen=True, slots=True)
class StoredSuggestions:
    """One suggester's stored suggestions for one document."""

    path: Path
    suggester: str
    version: str
    file: AnnotationFile


@dataclass(frozen=True, slots=True)
class StoreProblem:
    """A stored suggestions file that cannot be used; `message` names it and says why."""

    path: Path
    message: str


def folder_for(config: Config, document_id: str) -> Path:
    return config.suggestions_path / document_id


def path_for(config: Config, document_id: str, suggester: str) -> Path:
    return folder_for(config, document_id) / f"{suggester}{SUFFIX}"


def build(document: Document, ref: SuggestionRef, suggestions: Iterable[Suggestion], at: str) -> AnnotationFile:
    """The annotation file of a suggester's suggestions for a document: spans sorted, one
    create event each. The suggestions must fit the document and the tag set already."""
    items = sorted(suggestions, key=_order)
    return _build_direct(document, ref, items, at) or _build_audited(document, ref, items, at)


def _order(item: Suggestion) -> tuple[int, int, str]:
    return (item.start, item.end, item.label)


def _build_audited(document: Document, ref: SuggestionRef, items: list[Suggestion], at: str) -> AnnotationFile:
    """The file made by audited edits, one `AnnotationSet.create` a suggestion: the reference
    `_build_direct` must equal, and the one that raises the edit's error on a bad suggestion."""
    clock = lambda: at  # noqa: E731 - one time for the whole run
    made = AnnotationSet.new(document, ref.suggester, clock=clock)
    source = str(SuggestionRef(ref.suggester, ref.version))
    for item in items:
        made.create(
            item.start,
            item.end,
            item.label,
            attributes=item.attributes,
            origin="suggested",
            source=source,
            span_id=suggestion_id(item.label, item.start, item.end),
        )
    made.set_status("done")
    return made.to_file()


def _build_direct(document: Document, ref: SuggestionRef, items: list[Suggestion], at: str) -> AnnotationFile | None:
    """The same file as `_build_audited`, byte for byte, built as plain dicts (the events
    hash-chained as AnnotationSet chains them) and validated once; None for anything out of
    the ordinary (a range off the text, a repeated span, an attribute value that is not a
    plain finite str, bool, int or float, a name or label the schema refuses), which the
    audited build then refuses with its own error.

    Why: `annotator suggest` over 1,000 articles of 5 KB builds 3,000 files of 48,000
    suggestions in all; one audited create a suggestion (a SpanState, an AuditEvent, its
    copy and a Span validated, two timestamps parsed, each time) took 3.1 s of CPU for
    them, this 2.1 s (best of 3, load 2.8 on 2 cores), most of it the one validation."""
    text = document.text
    name = ref.suggester
    source = str(SuggestionRef(ref.suggester, ref.version))
    spans: list[dict] = []
    history: list[dict] = []
    ids: set[str] = set()
    previous = GENESIS_HASH
    try:
        for seq, item in enumerate(items, 1):
            start, end, label = item.start, item.end, item.label
            if not (type(start) is int and type(end) is int and type(label) is str and 0 <= start < end <= len(text)):
                return None
            attributes = dict(item.attributes)
            if not all(type(key) is str and _plain(value) for key, value in attributes.items()):
                return None
            span_id = suggestion_id(label, start, end)
            if span_id in ids:
                return None
            ids.add(span_id)
            after = {"start": start, "end": end, "label": label, "text": text[start:end], "attributes": attributes}
            event = {"seq": seq, "at": at, "by": name, "op": "create", "span": span_id}
            event |= {"origin": "suggested", "source": source, "after": after}
            # Hashed as it is: without its hash and with no nulls, it is what `event_body`
            # makes of the AuditEvent (and walking it for nulls took a quarter of the time).
            previous = event["hash"] = chain_hash(previous, event)
            history.append(event)
            spans.append(
                {"id": span_id, **after, "origin": "suggested", "source": source}
                | {"created_by": name, "created_at": at, "modified_by": name, "modified_at": at}
            )
        ref_fields = {"id": document.id, "path": document.path, "length": document.length, "sha256": document.sha256}
        return AnnotationFile.model_validate(
            {
                "schema_version": SCHEMA_VERSION,
                "document": ref_fields,
                "annotator": name,
                "status": "done",
                "spans": spans,
                "history": history,
            }
        )
    except (ValidationError, TypeError, ValueError):  # orjson's encode error is a TypeError
        return None


def _plain(value: object) -> bool:
    return type(value) in (str, bool, int) or (type(value) is float and math.isfinite(value))


def same_suggestions(old: AnnotationFile, new: AnnotationFile) -> bool:
    """Whether two runs found the same: the same text, suggester version and spans."""
    if old.document.sha256 != new.document.sha256 or old.annotator != new.annotator:
        return False
    return _found(old) == _found(new)


def _found(file: AnnotationFile) -> list[tuple]:
    return [(s.id, s.label, s.start, s.end, s.attributes, s.source) for s in file.spans]


def _finds_again(old: AnnotationFile, document: Document, ref: SuggestionRef, items: list[Suggestion]) -> bool:
    """`same_suggestions(old, build(document, ref, items, ...))` without building: whether
    the stored file has these suggestions (sorted) already.

    Why: a run that finds what is stored built each file only to compare it: for the
    3,000 files of 1,000 5 KB articles, building, loading and comparing took 3.2 s of
    CPU, loading and comparing 1.0 s (best of 3, load 2.8 on 2 cores)."""
    if old.document.sha256 != document.sha256 or old.annotator != ref.suggester or len(old.spans) != len(items):
        return False
    source = str(SuggestionRef(ref.suggester, ref.version))
    found = [
        (suggestion_id(s.label, s.start, s.end), s.label, s.start, s.end, dict(s.attributes), source) for s in items
    ]
    return _found(old) == found


def store(
    config: Config, document: Document, ref: SuggestionRef, suggestions: Iterable[Suggestion], *, at: str | None = None
) -> bool:
    """Write the suggestions of `ref` for `document`; False if the stored file has them already."""
    data = file_bytes(config, document, ref, suggestions, at=at)
    if data is None:
        return False
    write(config, document, ref, data)
    return True


def file_bytes(
    config: Config, document: Document, ref: SuggestionRef, suggestions: Iterable[Suggestion], *, at: str | None = None
) -> bytes | None:
    """What `store` writes: the file of the suggestions of `ref` for `document`, or None if
    the stored file has them already. Raises what building the file raises."""
    path = path_for(config, document.id, ref.suggester)
    items = sorted(suggestions, key=_order)
    try:
        old, _ = load_annotation_file(path, area=config.area, limit=config.max_file_size)
    except (OSError, ValueError):
        old = None  # missing or unusable: the new run replaces it
    if old is not None and _finds_again(old, document, ref, items):
        return None
    return dumps(build(document, ref, items, at or utc_now()))


def write(config: Config, document: Document, ref: SuggestionRef, data: bytes) -> None:
    """Write `file_bytes`' answer where `store` writes it (atomically)."""
    atomic_write(path_for(config, document.id, ref.suggester), data, area=config.area, what="suggestions file")


def load_for(config: Config, document: Document | DocumentRef) -> tuple[list[StoredSuggestions], list[StoreProblem]]:
    """Every suggester's stored suggestions for `document` (or the document an annotation
    file names), by name; and the files that cannot be used (unreadable, invalid, or made
    on another text of the document)."""
    found: list[StoredSuggestions] = []
    problems: list[StoreProblem] = []
    for path in _files(folder_for(config, document.id)):
        try:
            file, _ = load_annotation_file(path, area=config.area, limit=config.max_file_size)
        except ValueError as err:
            problems.append(StoreProblem(path, str(err).splitlines()[0]))
            continue
        except OSError as err:
            problems.append(StoreProblem(path, f"{_shown(config, path)}: cannot read: {read_problem(err)}"))
            continue
        stored = _stored(path, _shown(config, path), file, document)
        if isinstance(stored, StoreProblem):
            problems.append(stored)
        else:
            found.append(stored)
    return found, problems


def _files(folder: Path) -> Iterator[Path]:
    try:
        names = sorted(entry.name for entry in folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in names:
        if name.endswith(SUFFIX) and not name.startswith("."):
            yield folder / name


def _shown(config: Config, path: Path) -> str:
    """A path as messages show it: from the project root."""
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def _stored(
    path: Path, shown: str, file: AnnotationFile, document: Document | DocumentRef
) -> StoredSuggestions | StoreProblem:
    if file.document.sha256 != document.sha256:
        return StoreProblem(path, f"{shown}: made on another text of {document.path}; run the suggester again")
    refs = {SuggestionRef.parse(span.source) for span in file.spans}
    if None in refs or len({(ref.suggester, ref.version) for ref in refs if ref}) > 1:
        return StoreProblem(path, f"{shown}: not the suggestions of one suggester (each span's source NAME@VERSION)")
    ref = next(iter(refs), None)
    if ref is not None and ref.suggester != file.annotator:
        return StoreProblem(path, f"{shown}: its spans come from {ref.suggester}, not {file.annotator}")
    return StoredSuggestions(path, file.annotator, ref.version if ref else "", file)
