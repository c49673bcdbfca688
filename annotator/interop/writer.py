"""Write imported documents as documents and annotation files, or nothing at all.

An import runs in two passes over its source:

1. plan: every document is read, its labels mapped and every span checked
   against the text it will have, and the annotation file it would become is
   built and validated in memory; documents and annotation files already on
   disk are checked too. Every problem of the whole import is collected, and
   if there is one, nothing is written.
2. write: the source is read again and the files are written, each then
   validated from disk.

Nothing is left behind by a failed import. Before either pass, the documents
and annotations folders are checked to be writable (or creatable). An import
only ever creates files, never replaces one: texts, metadata and annotation
files are created with `annotator.storage.create_new`, which fails rather
than overwrite, so an import running at the same time that creates one of
them first is reported ("X was created by another process during this
import"), not overwritten. If anything fails during the write pass, every file
and folder this import created is removed again (a file only if it is still
the one it wrote), and the error says so.

Only counts and ids are kept between documents, so memory stays flat (and
the paths written, to report them and to remove them on failure). Give `docs`
as a callable returning a fresh iterable to read the source twice; a plain
iterable is held in memory instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from pydantic import ValidationError

from annotator.config import Config
from annotator.interop.labelmap import LabelMapper
from annotator.interop.model import ImportedDocument, InteropError
from annotator.model.annotation import ForeignRecord
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
from annotator.model.editing import AnnotationSet, EditError
from annotator.storage import StorageError, create_new, dumps
from annotator.storage.documents import load_document
from annotator.validation.engine import Validator

ANNOTATOR_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
MAX_LISTED_ERRORS = 100

DocSource = Iterable[ImportedDocument] | Callable[[], Iterable[ImportedDocument]]


@dataclass
class ImportReport:
    documents: int = 0  # annotation files written
    texts_written: int = 0  # document texts created
    texts_reused: int = 0  # document texts already there, identical
    spans: int = 0
    foreign: int = 0
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    doc: ImportedDocument
    document: Document
    text_path: Path
    text_exists: bool
    annotation_path: Path
    aset: AnnotationSet
    foreign: list[ForeignRecord]


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
) -> ImportReport:
    """Check the whole import, then write it; InteropError listing every problem if any."""
    source: Callable[[], Iterable[ImportedDocument]]
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
    writer = _Writer(config, docs_dir, docs_rel, out_dir, annotator_default, clock, mapper)

    # Pass 1: plan and check everything; write nothing.
    errors: list[str] = []
    seen_files: set[tuple[str, str]] = set()
    seen_texts: dict[str, tuple[str, str]] = {}  # doc id -> (sha256, source)
    count = 0
    for doc in source():
        count += 1
        plan = writer.plan(doc, errors)
        if plan is None:
            continue
        key = (plan.document.id, plan.aset.annotator)
        if key in seen_files:
            errors.append(
                f"{doc.source}: document {doc.doc_id}: a second set of annotations by {key[1]!r} in this import"
            )
        seen_files.add(key)
        earlier = seen_texts.setdefault(plan.document.id, (plan.document.sha256, doc.source))
        if earlier[0] != plan.document.sha256:
            errors.append(
                f"{doc.source}: document {doc.doc_id}: its text differs from the text of the same id in {earlier[1]}"
            )
    try:
        mapper.check()
    except InteropError as err:
        errors.insert(0, str(err))
    if errors:
        shown = errors[:MAX_LISTED_ERRORS]
        more = len(errors) - len(shown)
        tail = f"\n... and {more} more" if more else ""
        raise InteropError("\n".join(shown) + tail + "\nnothing was imported")
    if count == 0:
        raise InteropError("the source holds no documents; nothing was imported")

    # Pass 2: write, and remove everything written if anything fails.
    mapper.reset()
    writer.dropped_foreign = 0
    report = ImportReport()
    created = _Created()
    try:
        for doc in source():
            problems: list[str] = []
            plan = writer.plan(doc, problems, written=report)
            if plan is None:
                raise InteropError("\n".join(problems) + "\nthe source or the project changed during the import")
            writer.write(plan, report, created)
    except BaseException as err:  # an interrupt too: what was written is removed
        undone = created.remove()
        if isinstance(err, InteropError | OSError | ValueError):
            raise InteropError(f"{err}\nnothing was imported: {undone}") from None
        raise
    report.warnings = writer.warnings + mapper.warnings()
    return report


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


class _Writer:
    def __init__(self, config, docs_dir, docs_rel, out_dir, annotator_default, clock, mapper) -> None:
        self.config = config
        self.docs_dir = docs_dir
        self.docs_rel = docs_rel
        self.out_dir = out_dir
        self.annotator_default = annotator_default
        self.clock = clock
        self.mapper = mapper
        self.dropped_meta: set[str] = set()
        self.dropped_foreign = 0
        self.existing_texts: set[str] = set()  # ids of the texts on disk when planned
        self.created_texts: set[str] = set()  # ids of the texts this import wrote

    @property
    def warnings(self) -> list[str]:
        lines = []
        if self.dropped_meta:
            lines.append(f"dropped unknown document metadata field(s): {', '.join(sorted(self.dropped_meta))}")
        if self.dropped_foreign:
            lines.append(f"dropped {self.dropped_foreign} foreign record(s) that refer to dropped spans")
        return lines

    def plan(self, original: ImportedDocument, errors: list[str], written: ImportReport | None = None) -> _Plan | None:
        where = f"{original.source}: document {original.doc_id}"
        if not DOCUMENT_ID.fullmatch(original.doc_id):
            errors.append(f"{where}: the id must be letters, digits, '.', '_', ':' or '-' (at most 64)")
            return None
        annotator = original.annotator or self.annotator_default
        if not ANNOTATOR_NAME.fullmatch(annotator):
            errors.append(f"{where}: annotator {annotator!r} is not a valid name (letters, digits, . _ @ + -)")
            return None
        doc = self.mapper.map_document(original)
        try:
            text = decode_text(doc.text.encode("utf-8"))
        except UnicodeEncodeError as err:
            errors.append(f"{where}: the text cannot be written as UTF-8: {err.reason} at {err.start}")
            return None
        policy_changed = text != doc.text
        text_path = self.docs_dir / f"{doc.doc_id}.txt"
        relative = f"{self.docs_rel}/{doc.doc_id}.txt" if self.docs_rel != "." else f"{doc.doc_id}.txt"
        meta = self._meta(doc)
        document = Document(path=relative, text=text, meta=meta, sha256=text_sha256(text))
        if written is None:
            # The plan pass: what is on disk now. The write pass trusts this and lets
            # create_new notice a file that another process created in between.
            text_exists = os.path.lexists(text_path)
            if text_exists:
                self.existing_texts.add(doc.doc_id)
        else:
            text_exists = doc.doc_id in self.existing_texts or doc.doc_id in self.created_texts
        if text_exists and doc.doc_id not in self.created_texts:
            try:
                existing = load_document(
                    self.config.root, relative, area=self.config.area, limit=self.config.max_file_size
                )
            except DocumentError as err:
                errors.append(f"{where}: {text_path} exists and cannot be read: {err}")
                return None
            if existing.text != text:
                if written is not None:
                    errors.append(f"{where}: {text_path} changed during this import")
                else:
                    errors.append(f"{where}: {text_path} exists with a different text; it is never overwritten")
                return None
            if existing.id != doc.doc_id:
                errors.append(f"{where}: {text_path} exists with the id {existing.id!r} in its metadata")
                return None
            document = existing
        elif not text_exists and written is None and os.path.lexists(meta_path_for(text_path)):
            errors.append(
                f"{where}: {meta_path_for(text_path)} exists without its text {text_path.name}; "
                "an import never overwrites it"
            )
            return None
        annotation_path = self.out_dir / doc.doc_id / f"{annotator}.json"
        if written is None and os.path.lexists(annotation_path):
            errors.append(f"{where}: {annotation_path} exists; an import never overwrites annotations")
            return None

        kwargs = {"tagset": self.config.tagset}
        if self.clock is not None:
            kwargs["clock"] = self.clock
        aset = AnnotationSet.new(document, annotator, **kwargs)
        span_ids: dict[str, str] = {}
        failed = False
        for span in doc.spans:
            at = f"{where}: span {span.source} [{span.start}, {span.end}) {span.label}"
            if not (isinstance(span.start, int) and isinstance(span.end, int)) or not (
                0 <= span.start < span.end <= len(text)
            ):
                errors.append(f"{at}: empty or outside the text (length {len(text)})")
                failed = True
                continue
            actual = text[span.start : span.end]
            if span.text is None:
                if policy_changed:
                    errors.append(
                        f"{at}: the text had CR line ends or a byte-order mark, which are normalised, "
                        "and the span gives no text to check its offsets against"
                    )
                    failed = True
                    continue
            else:
                expected = span.text.replace("\r\n", "\n").replace("\r", "\n")
                if expected != actual:
                    errors.append(f"{at}: misaligned: the source says {expected!r}, the text there is {actual!r}")
                    failed = True
                    continue
            try:
                created = aset.create(
                    span.start,
                    span.end,
                    span.label,
                    attributes=span.attributes,
                    note=span.note,
                    origin="imported",
                    source=span.source,
                    group=span.group,
                )
            except EditError as err:
                errors.append(f"{at}: {err}")
                failed = True
                continue
            span_ids[span.source] = created.id
        if failed:
            return None

        kept_sources = {span.source for span in doc.spans}
        dropped_sources = {span.source for span in original.spans} - kept_sources
        foreign: list[ForeignRecord] = []
        for record in doc.records:
            if any(ref in dropped_sources for ref in record.span_sources):
                self.dropped_foreign += 1
                continue
            missing = [ref for ref in record.span_sources if ref not in span_ids]
            if missing:
                errors.append(f"{where}: {record.format} {record.kind} {record.id} refers to unknown span(s) {missing}")
                failed = True
                continue
            try:
                foreign.append(
                    ForeignRecord(
                        format=record.format,
                        kind=record.kind,
                        id=record.id,
                        record=record.record,
                        spans=[span_ids[ref] for ref in record.span_sources],
                        source=record.source,
                    )
                )
            except ValidationError as err:
                message = err.errors(include_url=False)[0]["msg"]
                errors.append(f"{where}: {record.format} {record.kind} {record.id}: {message}")
                failed = True
        if failed:
            return None

        plan = _Plan(doc, document, text_path, text_exists, annotation_path, aset, foreign)
        if written is None:  # the plan pass: validate in memory
            problems = _PlannedValidator(self.config, document).check_model(self._file(plan))
            for problem in problems:
                errors.append(f"{where}: the annotation file would not validate: {problem.code} {problem.message}")
            if problems:
                return None
        return plan

    def _meta(self, doc: ImportedDocument) -> DocumentMeta:
        fields = {}
        for name, value in doc.meta.items():
            if name in META_FIELDS and name != "id" and value is not None:
                fields[name] = value if isinstance(value, str) else str(value)
            elif name != "id":
                self.dropped_meta.add(name)
        return DocumentMeta(id=doc.doc_id, **fields)

    @staticmethod
    def _file(plan: _Plan):
        file = plan.aset.to_file()
        return file.model_copy(update={"foreign": plan.foreign}) if plan.foreign else file

    def write(self, plan: _Plan, report: ImportReport, created: _Created) -> None:
        if not plan.text_exists:
            created.file(plan.text_path, plan.document.text.encode("utf-8"), "document")
            meta = orjson.dumps(plan.document.meta.as_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
            created.file(meta_path_for(plan.text_path), meta, "metadata file")
            self.created_texts.add(plan.document.id)
            report.texts_written += 1
        else:
            report.texts_reused += 1
        created.file(plan.annotation_path, dumps(self._file(plan)), "annotation file")
        findings = Validator(self.config).validate_file(plan.annotation_path)
        if findings:
            lines = [f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}" for f in findings]
            raise InteropError("an imported file does not validate:\n" + "\n".join(lines))
        report.documents += 1
        report.spans += len(plan.aset.spans)
        report.foreign += len(plan.foreign)
        report.files.append(plan.annotation_path)
