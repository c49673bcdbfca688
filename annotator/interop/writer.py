"""Write imported documents as documents, annotation files and suggestions, or nothing at all.

An import runs in two passes over its source:

1. check: every document is read, its labels and attributes mapped and its
   identical spans merged (annotator.interop.labelmap), every span checked
   against the text it will have, and the file it would become is built and
   validated in memory; documents, annotation files and suggestions already on
   disk are checked too. Every problem of every document is collected and kept
   with its document (a `Refusal`): a document the reader could not read (an
   `UnreadableDocument`) is refused like the others, and an error that ends the
   reading is reported together with the refusals found before it.
2. write: the source is read again and the files are written, each then
   validated from disk.

If any document is refused, nothing is written, and the error lists every
refused document with all its problems. With `skip_invalid`, the refused
documents are left out instead, every other one is written, and the report
lists the refused (`ImportReport.refused`). Problems of the whole import (a
label with no mapping, a source that cannot be read to its end, a folder that
cannot be written) write nothing either way.

Predictions (`ImportedDocument.predicted`) become their model's stored
suggestions, `suggestions/DOC-ID/NAME.json`, the file `annotator suggest`
writes, so the app offers them for review. Interop and suggest are on one
layer and may not import each other, so the caller says how that file is
named and built (a `SuggestionStore`; the CLI's is annotator.suggest.store's);
the file is checked, created and removed on failure like an annotation file.
A span merged from identical ones records every source it stands for,
joined by ",".

Nothing is left behind by a failed import. Before either pass, the documents
and annotations folders are checked to be writable (or creatable), and the
suggestions folder when the first prediction is met. An import only ever
creates files, never replaces one: texts, metadata, annotation files and
suggestions are created with `annotator.storage.create_new`, which fails
rather than overwrite, so an import running at the same time that creates one
of them first is reported ("X was created by another process during this
import"), not overwritten. If anything fails during the write pass, every file
and folder this import created is removed again (a file only if it is still
the one it wrote), and the error says so.

Only counts, ids and refusals are kept between documents, so memory stays
flat (and the paths written, to report them and to remove them on failure).
Give `docs` as a callable returning a fresh iterable to read the source
twice; a plain iterable is held in memory instead. Documents are told apart
between the passes by their position in the source.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import orjson
from pydantic import ValidationError

from annotator.config import Config
from annotator.interop.formats import MissingDependency
from annotator.interop.labelmap import LabelMapper
from annotator.interop.model import ImportedDocument, ImportedSpan, InteropError, ReadItem, UnreadableDocument
from annotator.model.annotation import AnnotationFile, ForeignRecord
from annotator.model.document import (
    DOCUMENT_ID,
    META_FIELDS,
    Document,
    DocumentError,
    DocumentMeta,
    decode_text,
    meta_path_for,
    text_sha256,
)
from annotator.model.editing import AnnotationSet, EditError, utc_now
from annotator.storage import StorageError, create_new, dumps
from annotator.storage.documents import load_document
from annotator.validation.engine import Validator

ANNOTATOR_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
MAX_PROBLEMS_SHOWN = 20  # of one document; the rest are counted
SOURCES_JOINED_BY = ","

DocSource = Iterable[ReadItem] | Callable[[], Iterable[ReadItem]]


class SuggestionStore(Protocol):
    """Where a model's predictions are stored as its suggestions, and the file they make."""

    folder: Path  # the suggestions folder

    def name(self, model: str) -> str:
        """The suggester name the predictions of `model` are stored under."""
        ...

    def path(self, document_id: str, suggester: str) -> Path:
        """The suggestions file of `suggester` for a document."""
        ...

    def build(self, document: Document, suggester: str, spans: Sequence[ImportedSpan], at: str) -> AnnotationFile:
        """The suggestions file of `spans`, which fit the document and the tag set already."""
        ...


@dataclass(frozen=True, slots=True)
class Refusal:
    """A document the import cannot take: where it is, and every reason."""

    heading: str  # the place in the source, the document id and whose spans
    problems: tuple[str, ...]

    def lines(self) -> list[str]:
        if len(self.problems) == 1:  # one line, "FILE:LINE: problem", as compilers and grep have it
            return [f"{self.heading}: {self.problems[0]}"]
        shown = [f"  {problem}" for problem in self.problems[:MAX_PROBLEMS_SHOWN]]
        more = len(self.problems) - MAX_PROBLEMS_SHOWN
        return [f"{self.heading}:", *shown, *([f"  ... and {more} more"] if more > 0 else [])]


def listing(refused: Iterable[Refusal]) -> str:
    """Refused documents, each with its problems indented below it."""
    return "\n".join(line for refusal in refused for line in refusal.lines())


@dataclass
class ImportReport:
    read: int = 0  # documents in the source
    documents: int = 0  # annotation files written
    texts_written: int = 0  # document texts created
    texts_reused: int = 0  # document texts already there, identical
    spans: int = 0
    foreign: int = 0
    suggestion_files: int = 0
    suggestions: int = 0
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what was lost
    notes: list[str] = field(default_factory=list)  # what was changed to fit: merged spans
    refused: list[Refusal] = field(default_factory=list)  # left out (skip_invalid)


@dataclass
class _Checked:
    """What the check pass found."""

    read: int = 0
    refused: dict[int, Refusal] = field(default_factory=dict)  # by position in the source
    general: list[str] = field(default_factory=list)  # problems of the whole import

    def failure(self) -> str:
        parts = list(self.general)
        if self.refused:
            parts.append(f"{len(self.refused)} of the {self.read} document(s) read cannot be imported:")
            parts.append(listing(self.refused.values()))
        return "\n".join([*parts, "nothing was imported"])


@dataclass(frozen=True, slots=True)
class _Text:
    """A document's text as the import will have it, and whether it is on disk already."""

    document: Document
    path: Path
    exists: bool
    normalised: bool  # the source's text had CR line ends or a byte-order mark


@dataclass
class _Plan:
    """What one imported document becomes: its text, and the file of its spans."""

    text: _Text
    path: Path  # the annotation file, or the suggestions file
    file: AnnotationFile
    suggested: bool


class _PlannedValidator(Validator):
    """Validates an annotation file against a document that is not on disk yet."""

    def __init__(self, config: Config, planned: Document) -> None:
        super().__init__(config)
        self.planned = planned

    def document(self, relative_path: str):
        return self.planned if relative_path == self.planned.path else super().document(relative_path)


def write_imported(
    docs: DocSource,
    config: Config,
    *,
    docs_dir: Path,
    out_dir: Path,
    annotator_default: str,
    clock: Callable[[], str] | None = None,
    mapper: LabelMapper | None = None,
    suggestions: SuggestionStore | None = None,
    skip_invalid: bool = False,
) -> ImportReport:
    """Check the whole import, then write it (all of it, or with `skip_invalid` every
    document not refused); InteropError listing every problem if nothing can be written."""
    source: Callable[[], Iterable[ReadItem]]
    if callable(docs):
        source = docs
    else:
        held = list(docs)
        source = lambda: held  # noqa: E731
    mapper = mapper or LabelMapper(config.tagset)
    root = config.root.resolve()
    try:
        docs_rel = docs_dir.resolve().relative_to(root).as_posix()
    except ValueError:
        raise InteropError(f"documents folder {docs_dir} is outside the project root {root}") from None
    problems = [p for p in (_unwritable(docs_dir, "documents"), _unwritable(out_dir, "annotations")) if p]
    if problems:
        raise InteropError("\n".join(problems) + "\nnothing was imported")
    writer = _Writer(config, docs_dir, docs_rel, out_dir, annotator_default, clock, mapper, suggestions)
    checked = writer.check_all(source)
    if checked.general or (checked.refused and not skip_invalid):
        raise InteropError(checked.failure())
    if checked.read == 0:
        raise InteropError("the source holds no documents; nothing was imported")
    if len(checked.refused) == checked.read:
        raise InteropError(checked.failure())
    report = writer.write_all(source, skip=checked.refused.keys())
    report.read = checked.read
    report.refused = list(checked.refused.values())
    return report


def heading(doc: ImportedDocument | UnreadableDocument) -> str:
    """How messages name a document: its place in the source, its id and whose spans they are."""
    if isinstance(doc, UnreadableDocument):
        return doc.where if doc.doc_id is None else f"{doc.where}: document {doc.doc_id}"
    said = f"{doc.source}: document {doc.doc_id}"
    if doc.annotator is not None:
        said += f" ({'predictions of' if doc.predicted else 'by'} {doc.annotator})"
    return said


def _unwritable(folder: Path, what: str) -> str | None:
    """Why files cannot be created in `folder` (made first if missing), or None if they can."""
    existing = Path(os.path.abspath(folder))
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"the {what} folder {folder} cannot be made: {existing} is not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"the {what} folder {folder} cannot be written: {existing} is not writable"
    return None


@dataclass
class _Created:
    """The files and folders this import made, to remove them if it fails."""

    files: list[tuple[Path, int, int]] = field(default_factory=list)  # path, device, inode
    folders: list[Path] = field(default_factory=list)

    def folder(self, folder: Path) -> None:
        """Make `folder` and its missing parents, remembering the ones this import made."""
        missing = []
        while not os.path.lexists(folder) and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        for each in reversed(missing):
            try:
                each.mkdir()
            except FileExistsError:  # made by another process meanwhile: not ours to remove
                continue
            self.folders.append(each)

    def file(self, path: Path, data: bytes, what: str) -> None:
        """Create `path`, which must not exist; InteropError if another process created it first."""
        try:
            self.folder(path.parent)
            create_new(path, data, what=what)
        except FileExistsError:
            raise InteropError(f"{path} was created by another process during this import") from None
        except StorageError as err:
            raise InteropError(str(err)) from None
        except OSError as err:
            raise InteropError(f"{path}: cannot write the {what}: {err.strerror or err}") from None
        info = os.lstat(path)
        self.files.append((path, info.st_dev, info.st_ino))

    def remove(self) -> str:
        """Remove what was made, newest first; a sentence saying what was done."""
        left: list[str] = []
        removed = 0
        for path, device, inode in reversed(self.files):
            try:
                info = os.lstat(path)
                if (info.st_dev, info.st_ino) != (device, inode):
                    left.append(f"{path} (replaced by another process; left alone)")
                    continue
                path.unlink()
                removed += 1
            except FileNotFoundError:
                continue
            except OSError as err:
                left.append(f"{path} ({err.strerror or err})")
        for folder in reversed(self.folders):
            try:
                folder.rmdir()
            except FileNotFoundError:
                continue
            except OSError as err:  # not empty: another process wrote in it too
                left.append(f"{folder} ({err.strerror or err})")
        self.files.clear()
        self.folders.clear()
        said = f"the {removed} file(s) it had written were removed" if removed else "no file was written"
        if left:
            said += "; could not remove:\n  " + "\n  ".join(left)
        return said


@dataclass(frozen=True, slots=True)
class _Spans:
    """A document's spans made in an annotation set, checked, and the span each source became."""

    aset: AnnotationSet
    ids: dict[str, str]  # source -> span id


class _Writer:
    def __init__(
        self,
        config: Config,
        docs_dir: Path,
        docs_rel: str,
        out_dir: Path,
        annotator_default: str,
        clock: Callable[[], str] | None,
        mapper: LabelMapper,
        suggestions: SuggestionStore | None,
    ) -> None:
        self.config = config
        self.docs_dir = docs_dir
        self.docs_rel = docs_rel
        self.out_dir = out_dir
        self.annotator_default = annotator_default
        self.clock = clock
        self.mapper = mapper
        self.suggestions = suggestions
        self.suggestions_checked = False
        self.dropped_meta: set[str] = set()
        self.dropped: Counter[str] = Counter()  # what a pass dropped -> how many
        self.existing_texts: set[str] = set()  # ids of the texts on disk when checked
        self.created_texts: set[str] = set()  # ids of the texts this import wrote

    @property
    def warnings(self) -> list[str]:
        lines = []
        if self.dropped_meta:
            lines.append(f"dropped unknown document metadata field(s): {', '.join(sorted(self.dropped_meta))}")
        lines.extend(f"dropped {count} {what}" for what, count in sorted(self.dropped.items()) if count)
        return lines

    # -- the check pass ------------------------------------------------------------------

    def check_all(self, source: Callable[[], Iterable[ReadItem]]) -> _Checked:
        """Every document planned and checked, nothing written."""
        checked = _Checked()
        seen_files: set[tuple[bool, str, str]] = set()
        seen_texts: dict[str, tuple[str, str]] = {}  # doc id -> (sha256, source)
        try:
            for index, item in enumerate(source()):
                checked.read += 1
                problems = self._check(item, seen_files, seen_texts, checked.general)
                if problems:
                    checked.refused[index] = Refusal(heading(item), tuple(problems))
        except MissingDependency:
            raise
        except InteropError as err:  # the reader cannot go on: reported with what it found before
            checked.general.append(str(err))
        try:
            self.mapper.check()
        except InteropError as err:
            checked.general.insert(0, str(err))
        return checked

    def _check(
        self,
        item: ReadItem,
        seen_files: set[tuple[bool, str, str]],
        seen_texts: dict[str, tuple[str, str]],
        general: list[str],
    ) -> list[str]:
        """The problems of one document (none: it can be written)."""
        if isinstance(item, UnreadableDocument):
            return [item.problem]
        if item.predicted:
            self._check_suggestions_folder(general)
        problems: list[str] = []
        plan = self.plan(item, problems)
        if plan is None:
            return problems
        document = plan.text.document
        key = (plan.suggested, document.id, plan.file.annotator)
        if key in seen_files:
            what = "predictions" if plan.suggested else "annotations"
            return [f"a second set of {what} by {key[2]!r} in this import"]
        earlier = seen_texts.setdefault(document.id, (document.sha256, item.source))
        if earlier[0] != document.sha256:
            return [f"its text differs from the text of the same id in {earlier[1]}"]
        seen_files.add(key)
        return []

    def _check_suggestions_folder(self, general: list[str]) -> None:
        if self.suggestions is None or self.suggestions_checked:
            return
        self.suggestions_checked = True
        if problem := _unwritable(self.suggestions.folder, "suggestions"):
            general.append(problem)

    # -- one document ------------------------------------------------------------------

    def plan(self, original: ImportedDocument, problems: list[str], *, writing: bool = False) -> _Plan | None:
        """What `original` becomes, checked; None, with every reason in `problems`, if it
        cannot be imported. `writing`: the write pass, which trusts what the check pass
        found on disk and lets create_new notice a file another process made since."""
        if not DOCUMENT_ID.fullmatch(original.doc_id):
            problems.append("the id must be letters, digits, '.', '_', ':' or '-' (at most 64)")
            return None
        name = self._owner(original, problems)
        if name is None:
            return None
        doc = self.mapper.map_document(original, problems)
        text = self._text(doc, problems, writing)
        path = self._target(doc, name, problems, writing) if text is not None else None
        if text is None or path is None:
            return None
        spans = self._spans(doc, text, name, problems)
        if problems:
            return None
        if doc.predicted and self.suggestions is not None:  # _owner refused predictions without a store
            file = self._suggestions_file(self.suggestions, doc, text.document, name, problems)
        else:
            file = self._annotation_file(original, doc, spans, problems)
        if file is None:
            return None
        if not writing:  # validated in memory; the write pass validates from disk
            found = _PlannedValidator(self.config, text.document).check_model(file)
            what = "suggestions file" if doc.predicted else "annotation file"
            problems.extend(f"the {what} would not validate: {p.code} {p.message}" for p in found)
            if found:
                return None
        return _Plan(text, path, file, doc.predicted)

    def _owner(self, doc: ImportedDocument, problems: list[str]) -> str | None:
        """The annotator whose file the spans go to, or the suggester the predictions are stored as."""
        annotator = doc.annotator or self.annotator_default
        if not ANNOTATOR_NAME.fullmatch(annotator):
            problems.append(f"annotator {annotator!r} is not a valid name (letters, digits, . _ @ + -)")
            return None
        if not doc.predicted:
            return annotator
        if self.suggestions is None:
            problems.append("it holds a model's predictions, and this import stores no suggestions")
            return None
        return self.suggestions.name(annotator)

    def _text(self, doc: ImportedDocument, problems: list[str], writing: bool) -> _Text | None:
        """The document the spans are on: the text on disk if there is one, else the one to write."""
        try:
            text = decode_text(doc.text.encode("utf-8"))
        except UnicodeEncodeError as err:
            problems.append(f"the text cannot be written as UTF-8: {err.reason} at {err.start}")
            return None
        path = self.docs_dir / f"{doc.doc_id}.txt"
        relative = f"{self.docs_rel}/{doc.doc_id}.txt" if self.docs_rel != "." else f"{doc.doc_id}.txt"
        document = Document(path=relative, text=text, meta=self._meta(doc), sha256=text_sha256(text))
        if not writing:
            exists = os.path.lexists(path)
            if exists:
                self.existing_texts.add(doc.doc_id)
        else:
            exists = doc.doc_id in self.existing_texts or doc.doc_id in self.created_texts
        if exists and doc.doc_id not in self.created_texts:
            on_disk = self._on_disk(doc.doc_id, path, relative, text, problems, writing)
            if on_disk is None:
                return None
            document = on_disk
        elif not exists and not writing and os.path.lexists(meta_path_for(path)):
            problems.append(f"{meta_path_for(path)} exists without its text {path.name}; an import never overwrites it")
            return None
        return _Text(document, path, exists, normalised=text != doc.text)

    def _on_disk(
        self, doc_id: str, path: Path, relative: str, text: str, problems: list[str], writing: bool
    ) -> Document | None:
        """The document already at `path`, if it has this text and id."""
        try:
            existing = load_document(self.config.root, relative, area=self.config.area, limit=self.config.max_file_size)
        except DocumentError as err:
            problems.append(f"{path} exists and cannot be read: {err}")
            return None
        if existing.text != text:
            if writing:
                problems.append(f"{path} changed during this import")
            else:
                problems.append(f"{path} exists with a different text; it is never overwritten")
            return None
        if existing.id != doc_id:
            problems.append(f"{path} exists with the id {existing.id!r} in its metadata")
            return None
        return existing

    def _target(self, doc: ImportedDocument, name: str, problems: list[str], writing: bool) -> Path | None:
        """The file the spans go to, which must not exist yet."""
        if doc.predicted and self.suggestions is not None:
            path, what = self.suggestions.path(doc.doc_id, name), "suggestions"
        else:
            path, what = self.out_dir / doc.doc_id / f"{name}.json", "annotations"
        if not writing and os.path.lexists(path):
            problems.append(f"{path} exists; an import never overwrites {what}")
            return None
        return path

    def _spans(self, doc: ImportedDocument, text: _Text, name: str, problems: list[str]) -> _Spans:
        """The spans made one by one, as an annotator would, so each is checked as an edit is."""
        kwargs = {"tagset": self.config.tagset}
        if self.clock is not None:
            kwargs["clock"] = self.clock
        aset = AnnotationSet.new(text.document, name, **kwargs)
        ids: dict[str, str] = {}
        for span in doc.spans:
            source = SOURCES_JOINED_BY.join(span.sources)
            problem = _misplaced(span, text)
            if problem is None:
                try:
                    created = aset.create(
                        span.start,
                        span.end,
                        span.label,
                        attributes=span.attributes,
                        note=span.note,
                        origin="imported",
                        source=source,
                        group=span.group,
                    )
                except EditError as err:
                    problem = str(err)
                else:
                    ids.update(dict.fromkeys(span.sources, created.id))
                    continue
            problems.append(f"span {source} [{span.start}, {span.end}) {span.label}: {problem}")
        return _Spans(aset, ids)

    def _annotation_file(
        self, original: ImportedDocument, doc: ImportedDocument, spans: _Spans, problems: list[str]
    ) -> AnnotationFile | None:
        foreign = self._foreign(original, doc, spans.ids, problems)
        if foreign is None:
            return None
        file = spans.aset.to_file()
        return file.model_copy(update={"foreign": foreign}) if foreign else file

    def _foreign(
        self, original: ImportedDocument, doc: ImportedDocument, ids: dict[str, str], problems: list[str]
    ) -> list[ForeignRecord] | None:
        """The document's records pointed at the spans made; a record of a dropped span is dropped too."""
        kept_sources = {source for span in doc.spans for source in span.sources}
        dropped_sources = {span.source for span in original.spans} - kept_sources
        foreign: list[ForeignRecord] = []
        failed = False
        for record in doc.records:
            what = f"{record.format} {record.kind} {record.id}"
            if any(ref in dropped_sources for ref in record.span_sources):
                self.dropped["foreign record(s) that refer to dropped spans"] += 1
                continue
            missing = [ref for ref in record.span_sources if ref not in ids]
            if missing:
                problems.append(f"{what} refers to unknown span(s) {missing}")
                failed = True
                continue
            try:
                foreign.append(
                    ForeignRecord(
                        format=record.format,
                        kind=record.kind,
                        id=record.id,
                        record=record.record,
                        spans=[ids[ref] for ref in record.span_sources],
                        source=record.source,
                    )
                )
            except ValidationError as err:
                problems.append(f"{what}: {err.errors(include_url=False)[0]['msg']}")
                failed = True
        return None if failed else foreign

    def _suggestions_file(
        self, store: SuggestionStore, doc: ImportedDocument, document: Document, name: str, problems: list[str]
    ) -> AnnotationFile | None:
        """The file `annotator suggest` would store for these predictions. A suggestion is a
        range, a label and attributes: notes, groups and other records are dropped (counted)."""
        self.dropped["note(s) of predictions: a suggestion has none"] += sum(
            span.note is not None for span in doc.spans
        )
        self.dropped["span group(s) of predictions: a suggestion is one range"] += len(
            {span.group for span in doc.spans if span.group is not None}
        )
        self.dropped["record(s) of predictions that annotator cannot edit: a suggester's file keeps none"] += len(
            doc.records
        )
        at = self.clock() if self.clock is not None else utc_now()
        try:
            return store.build(document, name, doc.spans, at)
        except ValueError as err:  # an EditError or a pydantic ValidationError
            problems.append(f"the predictions cannot be stored as suggestions: {err}")
            return None

    def _meta(self, doc: ImportedDocument) -> DocumentMeta:
        fields = {}
        for name, value in doc.meta.items():
            if name in META_FIELDS and name != "id" and value is not None:
                fields[name] = value if isinstance(value, str) else str(value)
            elif name != "id":
                self.dropped_meta.add(name)
        return DocumentMeta(id=doc.doc_id, **fields)

    # -- the write pass ------------------------------------------------------------------

    def write_all(self, source: Callable[[], Iterable[ReadItem]], skip: Iterable[int]) -> ImportReport:
        """Every document not in `skip` (positions in the source) written; if anything fails,
        everything written is removed again."""
        skipped = set(skip)
        self.mapper.reset()
        self.dropped.clear()
        report = ImportReport()
        created = _Created()
        try:
            for index, item in enumerate(source()):
                if index not in skipped:
                    self._write_one(item, report, created)
        except BaseException as err:  # an interrupt too: what was written is removed
            undone = created.remove()
            if isinstance(err, InteropError | OSError | ValueError):
                raise InteropError(f"{err}\nnothing was imported: {undone}") from None
            raise
        report.warnings = self.warnings + self.mapper.warnings()
        report.notes = self.mapper.notes()
        return report

    def _write_one(self, item: ReadItem, report: ImportReport, created: _Created) -> None:
        problems: list[str] = []
        if isinstance(item, UnreadableDocument):
            problems.append(item.problem)
            plan = None
        else:
            plan = self.plan(item, problems, writing=True)
        if plan is None:
            said = listing([Refusal(heading(item), tuple(problems))])
            raise InteropError(f"{said}\nthe source or the project changed during the import")
        self.write(plan, report, created)

    def write(self, plan: _Plan, report: ImportReport, created: _Created) -> None:
        text = plan.text
        if not text.exists:
            created.file(text.path, text.document.text.encode("utf-8"), "document")
            meta = orjson.dumps(text.document.meta.as_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
            created.file(meta_path_for(text.path), meta, "metadata file")
            self.created_texts.add(text.document.id)
            report.texts_written += 1
        else:
            report.texts_reused += 1
        created.file(plan.path, dumps(plan.file), "suggestions file" if plan.suggested else "annotation file")
        findings = Validator(self.config).validate_file(plan.path)
        if findings:
            lines = [f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}" for f in findings]
            raise InteropError("an imported file does not validate:\n" + "\n".join(lines))
        if plan.suggested:
            report.suggestion_files += 1
            report.suggestions += len(plan.file.spans)
        else:
            report.documents += 1
            report.spans += len(plan.file.spans)
            report.foreign += len(plan.file.foreign)
        report.files.append(plan.path)


def _misplaced(span: ImportedSpan, text: _Text) -> str | None:
    """Why `span` does not fit the text it will be on, or None."""
    whole = text.document.text
    if not (isinstance(span.start, int) and isinstance(span.end, int)) or not (
        0 <= span.start < span.end <= len(whole)
    ):
        return f"empty or outside the text (length {len(whole)})"
    actual = whole[span.start : span.end]
    if span.text is None:
        if text.normalised:
            return (
                "the text had CR line ends or a byte-order mark, which are normalised, "
                "and the span gives no text to check its offsets against"
            )
        return None
    expected = span.text.replace("\r\n", "\n").replace("\r", "\n")
    if expected != actual:
        return f"misaligned: the source says {expected!r}, the text there is {actual!r}"
    return None
