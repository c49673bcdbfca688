"""Validate annotation files: parse, check the schema with pydantic's compiled
core, explain failures with `jsonschema`, then check what a schema cannot.

Files are read through the storage layer (annotator.storage): only regular
files, of at most `limits.max_file_size` bytes, inside the project (or, for a
file named outside any project, its own folder), so that a FIFO, a device,
a link out of the project or a huge file is a finding (A101, A105; A303 for a
document), never a hang, a read outside the project or a traceback.

Cost: linear in the size of the file and the number of its findings. All the
findings of a file are placed in one pass over its text (locate), and
quoted values are clipped, so that a finding is one short line.

Memory: a small multiple of the file's size. The bytes read are parsed and
validated as they are; a valid file is never decoded into a str (which can
be four times the size of its UTF-8), and findings are located in the bytes.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import orjson
from pydantic import ValidationError

from annotator.anchoring.text_quote import context_of
from annotator.config import Config
from annotator.model.annotation import AnnotationFile, AuditEvent, DocumentRef, Span
from annotator.model.document import UTF8_BOM, Document, DocumentError
from annotator.storage.documents import load_document
from annotator.storage.files import FileTooLarge, read_file, read_problem
from annotator.storage.paths import FolderLink, expand_paths
from annotator.validation.audit_rules import check_audit
from annotator.validation.findings import CLIP, Finding, Problem, clip
from annotator.validation.locate import line_cols, locate_offsets, to_pointer

_BLANK = re.compile(rb"[ \t\r\n]*\Z")  # only JSON's own whitespace: a lone form feed is invalid JSON
ANNOTATION_FILE = "annotation file"
# A message quotes values from the file (texts, notes, ids, names); past this it is clipped, so
# that one finding stays one line however large the value.
MESSAGE_LIMIT = 1000


@dataclass
class Parsed:
    """An annotation file read from bytes, as far as it could be.

    `body` is the JSON text as bytes (without a byte-order mark); `text` is set
    only when the bytes are not JSON: the part that decodes, to place the finding.
    """

    body: bytes = b""
    text: str | None = None
    data: Any = None
    model: AnnotationFile | None = None
    problems: list[Problem] = field(default_factory=list)


def parse_annotation_bytes(raw: bytes) -> Parsed:
    """Bytes to a validated model, or the problems that stop it."""
    parsed = Parsed()
    skipped = 0
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM) :]
        skipped = len(UTF8_BOM)
    parsed.body = raw
    if _BLANK.match(raw):
        parsed.problems.append(Problem("A104", "file is empty; expected a JSON object"))
        return parsed
    try:
        # orjson checks that all of the input is UTF-8 before it parses any of it.
        parsed.data = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        try:
            parsed.text = raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            kind = "binary data" if b"\x00" in raw[:8192] else "not valid UTF-8"
            # The byte offset counts from the start of the file, BOM included.
            message = f"{kind}: byte 0x{raw[bad.start]:02x} at byte offset {bad.start + skipped} cannot be decoded"
            parsed.text = raw[: bad.start].decode("utf-8")
            parsed.problems.append(Problem("A102", message, ("@offset", len(parsed.text))))
            return parsed
        # orjson's position counts characters. It says "depth limit exceeded"; others say "recursion".
        if "depth" in err.msg or "recursion" in err.msg.lower():
            parsed.problems.append(Problem("A106", f"JSON nests too deeply ({err.msg})", ("@offset", err.pos)))
        else:
            parsed.problems.append(Problem("A103", f"invalid JSON: {err.msg}", ("@offset", err.pos)))
        return parsed
    if not isinstance(parsed.data, dict):
        from annotator.validation.schema_errors import json_type

        parsed.problems.append(
            Problem("A201", f"expected a JSON object at the top level, got {json_type(parsed.data)}")
        )
        return parsed
    try:
        parsed.model = AnnotationFile.model_validate(parsed.data)
    except ValidationError as err:
        parsed.problems.extend(_explain_schema_failure(parsed.data, err))
    except RecursionError:
        parsed.problems.append(Problem("A106", "JSON nests too deeply to validate"))
    return parsed


def _explain_schema_failure(data: Any, err: ValidationError) -> list[Problem]:
    from annotator.validation.schema_errors import schema_issues

    try:
        issues = schema_issues(data)
    except RecursionError:
        issues = []
    if issues:
        return [Problem(i.code, i.message, i.path, i.at_key) for i in issues]
    # The models and the schema are proven to agree; if they ever do not,
    # still report what pydantic saw rather than pass the file.
    return [Problem("A209", e["msg"], tuple(e["loc"])) for e in err.errors(include_url=False)]


class Validator:
    """Validates many files against one configuration, caching documents."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.tagset = config.tagset
        self.limit = config.max_file_size
        self.area = config.area  # documents are read only inside the project's folders
        self._documents: dict[str, Document | DocumentError] = {}

    def document(self, relative_path: str) -> Document | DocumentError:
        cached = self._documents.get(relative_path)
        if cached is None:
            try:
                cached = load_document(self.config.root, relative_path, area=self.area, limit=self.limit)
            except DocumentError as err:
                cached = err
            self._documents[relative_path] = cached
        return cached

    # -- entry points ------------------------------------------------------

    def validate_paths(self, paths: Iterable[Path], jobs: int | None = None) -> Iterator[tuple[Path, list[Finding]]]:
        """Findings per file, in file order. Large batches use every core."""
        files = list(expand_paths(paths))
        jobs = _job_count(len(files)) if jobs is None else jobs
        if jobs <= 1:
            for path in files:
                yield path, self.validate_file(path)
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        global _worker_validator
        _worker_validator = self  # inherited by the forked workers
        chunk = max(1, min(PARALLEL_CHUNK, len(files) // (jobs * 4)))
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            yield from zip(files, pool.map(_validate_in_worker, files, chunksize=chunk), strict=True)

    def validate_file(self, path: Path) -> list[Finding]:
        if isinstance(path, FolderLink):
            message = (
                f"not searched: a symbolic link to a folder outside the folder searched (to {os.path.realpath(path)}); "
                "give that folder to check its files"
            )
            return [Finding(_display_path(path), 1, 1, "A101", _clipped(message))]
        try:
            raw = read_file(path, limit=self.limit, area=self.config.area_for(path), what=ANNOTATION_FILE)
        except FileTooLarge as err:
            return [Finding(_display_path(path), 1, 1, "A105", _clipped(err.reason))]
        except OSError as err:
            return [Finding(_display_path(path), 1, 1, "A101", _clipped(f"cannot read file: {read_problem(err)}"))]
        except ValueError:  # an embedded NUL byte, which no file system accepts
            return [Finding(_display_path(path), 1, 1, "A101", "cannot read file: the name is not a valid file name")]
        return self._validate(raw, lambda: _display_path(path))

    def validate_bytes(self, raw: bytes, display: str) -> list[Finding]:
        return self._validate(raw, lambda: display)

    def _validate(self, raw: bytes, display: Callable[[], str]) -> list[Finding]:
        parsed = parse_annotation_bytes(raw)
        problems = list(parsed.problems)
        if parsed.model is not None:
            problems.extend(self.check_model(parsed.model))
        elif isinstance(parsed.data, dict):
            problems.extend(self._check_salvaged(parsed.data))
        if not problems:
            return []
        return sorted(_place_all(display(), parsed, problems), key=Finding.sort_key)

    # -- rules a schema cannot express -------------------------------------

    def check_model(self, file: AnnotationFile) -> list[Problem]:
        problems: list[Problem] = []
        document = self._check_document(file.document, problems)
        problems.extend(self._check_spans(list(enumerate(file.spans)), document))
        problems.extend(check_audit(file.spans, file.history))
        problems.extend(_check_adjudication(file, document))
        if file.foreign:
            ids = {span.id for span in file.spans}
            for index, record in enumerate(file.foreign):
                for ref, span_id in enumerate(record.spans):
                    if span_id not in ids:
                        problems.append(
                            Problem(
                                "A407",
                                f"{record.format} {record.kind} {record.id} refers to span {span_id!r}, which is not in spans",
                                ("foreign", index, "spans", ref),
                            )
                        )
        return problems

    def _check_salvaged(self, data: dict[str, Any]) -> list[Problem]:
        """Semantic checks on the parts of a schema-invalid file that are valid."""
        problems: list[Problem] = []
        document = None
        try:
            ref = DocumentRef.model_validate(data.get("document"))
        except ValidationError:
            ref = None
        if ref is not None:
            document = self._check_document(ref, problems)
        spans: list[tuple[int, Span]] = []
        raw_spans = data.get("spans", [])
        if isinstance(raw_spans, list):
            for index, item in enumerate(raw_spans):
                try:
                    spans.append((index, Span.model_validate(item)))
                except ValidationError:
                    pass
        problems.extend(self._check_spans(spans, document))
        # The trail is checked too when every span and event is well-formed (say the
        # file only has an unknown property); with parts missing it would only add noise.
        history = _valid_events(data.get("history", []))
        if history is not None and isinstance(raw_spans, list) and len(spans) == len(raw_spans):
            problems.extend(check_audit([span for _, span in spans], history))
        return problems

    def _check_document(self, ref: DocumentRef, problems: list[Problem]) -> Document | None:
        pure = PurePosixPath(ref.path)
        # A NUL byte would make the operating system reject the path with ValueError.
        if pure.is_absolute() or ".." in pure.parts or "\\" in ref.path or "\x00" in ref.path:
            problems.append(
                Problem(
                    "A305",
                    f"document path {ref.path!r} must be relative to the project root, with '/'",
                    ("document", "path"),
                )
            )
            return None
        document = self.document(ref.path)
        if isinstance(document, DocumentError):
            if document.message == "document not found":
                where = self.config.root / ref.path
                problems.append(
                    Problem("A301", f"document not found: {ref.path} (looked in {where})", ("document", "path"))
                )
            else:
                problems.append(
                    Problem("A303", f"document {ref.path} cannot be used: {document}", ("document", "path"))
                )
            return None
        if document.id != ref.id:
            problems.append(
                Problem(
                    "A304", f"document id {ref.id!r} differs from the document's id {document.id!r}", ("document", "id")
                )
            )
        if document.sha256 != ref.sha256 or document.length != ref.length:
            problems.append(
                Problem(
                    "A302",
                    f"document changed since annotation: {ref.path} now has length {document.length} and SHA-256 "
                    f"{document.sha256[:12]}…, the file records length {ref.length} and {ref.sha256[:12]}…; "
                    "span offsets and texts were not checked",
                    ("document", "sha256"),
                )
            )
            return None
        return document

    def _check_spans(self, spans: list[tuple[int, Span]], document: Document | None) -> Iterator[Problem]:
        tagset = self.tagset
        text = document.text if document is not None else None
        length = len(text) if text is not None else None
        seen_ids: dict[str, int] = {}
        seen_ranges: dict[tuple[int, int, str], int] = {}
        for index, span in spans:
            where = ("spans", index)
            start, end = span.start, span.end
            if start >= end:
                yield Problem(
                    "A401", f"span is empty or reversed: start {start} must be less than end {end}", (*where, "start")
                )
            elif length is not None and end > length:
                yield Problem(
                    "A401", f"span end {end} is past the end of the document (length {length})", (*where, "end")
                )
            elif text is not None and not _text_at(text, start, end, span.text):
                yield Problem(
                    "A402",
                    f"span text {clip(span.text)} differs from the document at [{start}, {end}): "
                    f"{clip(_excerpt(text, start, end))}",
                    (*where, "text"),
                )
            elif text is not None:
                yield from _context_problems(text, span, where)
            if span.label not in tagset:
                yield Problem(
                    "A403", f"unknown label {span.label!r} (tag set: {', '.join(tagset.names())})", (*where, "label")
                )
            elif span.attributes:
                allowed = tagset.labels[span.label].attributes
                for name, message in tagset.attribute_problems(span.label, span.attributes):
                    # An attribute that is not allowed is placed at its key; a wrong value at the value.
                    yield Problem("A404", message, (*where, "attributes", name), at_key=name not in allowed)
            if span.id in seen_ids:
                yield Problem("A405", f"span id {span.id!r} is also used by /spans/{seen_ids[span.id]}", (*where, "id"))
            else:
                seen_ids[span.id] = index
            key = (start, end, span.label)
            if key in seen_ranges:
                yield Problem(
                    "A406",
                    f"duplicate span: /spans/{seen_ranges[key]} has the same start {start}, end {end} and label {span.label!r}",
                    where,
                )
            else:
                seen_ranges[key] = index


def _check_adjudication(file: AnnotationFile, document: Document | None) -> list[Problem]:
    """Gold files: adjudicated spans name their sources; rejected candidates match the text."""
    problems: list[Problem] = []
    for index, span in enumerate(file.spans):
        if (span.origin == "adjudicated") != bool(span.adjudicated_from):
            message = (
                f"span {span.id!r} has origin 'adjudicated' but names no source spans"
                if span.origin == "adjudicated"
                else f"span {span.id!r} names source spans but its origin is {span.origin!r}, not 'adjudicated'"
            )
            problems.append(Problem("A408", message, ("spans", index, "origin")))
    if document is None:
        return problems
    text = document.text
    for index, item in enumerate(file.rejected):
        if not 0 <= item.start < item.end <= len(text) or not _text_at(text, item.start, item.end, item.text):
            there = _excerpt(text, item.start, item.end)
            problems.append(
                Problem(
                    "A409",
                    f"rejected {item.label} span {item.span!r} of {item.annotator} [{item.start}, {item.end}) "
                    f"has text {clip(item.text)!r}; the document there has {clip(there)!r}",
                    ("rejected", index, "text"),
                )
            )
    return problems


def _valid_events(raw: Any) -> list[AuditEvent] | None:
    if not isinstance(raw, list):
        return None
    try:
        return [AuditEvent.model_validate(item) for item in raw]
    except ValidationError:
        return None


def _context_problems(text: str, span: Span, where: tuple) -> Iterator[Problem]:
    """A410: a span's stored context is not what surrounds it in the document. It is how the span
    is found again when the document changes, so a wrong one would misplace it then."""
    prefix, suffix = context_of(text, span.start, span.end)
    for name, stored, actual in (("prefix", span.prefix, prefix), ("suffix", span.suffix, suffix)):
        if stored is not None and stored != actual:
            yield Problem("A410", f"span {name} {clip(stored)} is not the document's {clip(actual)}", (*where, name))


def _text_at(text: str, start: int, end: int, expected: str) -> bool:
    """text[start:end] == expected, without copying the slice. Copying made the cost the
    number of spans times the length of the document: 200 wrong spans over a 10 MB
    document took 3.8 s, now 0.3 s."""
    return len(expected) == end - start and text.startswith(expected, start)


def _excerpt(text: str, start: int, end: int) -> str:
    """Enough of text[start:end] for clip() to quote it as it would the whole."""
    return text[start : min(end, start + 2 * CLIP)]


def _clipped(message: str) -> str:
    return message if len(message) <= MESSAGE_LIMIT else message[: MESSAGE_LIMIT - 1] + "…"


def _place_all(display: str, parsed: Parsed, problems: list[Problem]) -> list[Finding]:
    """Findings for a file's problems, all placed in one pass over its text."""
    by_offset = [problem.path[:1] == ("@offset",) for problem in problems]
    if any(by_offset):
        # The file is not JSON: the offsets count characters of the part that decodes.
        text: str | bytes = parsed.text if parsed.text is not None else parsed.body.decode("utf-8", "replace")
        offsets = [int(p.path[1]) if offset else 0 for p, offset in zip(problems, by_offset, strict=True)]
    else:
        text = parsed.body
        wanted = [(problem.path, problem.at_key) for problem in problems if problem.path]
        located = iter(locate_offsets(text, wanted))
        # A problem without a path (the file as a whole) is placed at its start.
        offsets = [next(located) if problem.path else 0 for problem in problems]
    return [
        Finding(display, line, col, p.code, _clipped(p.message), "" if offset else to_pointer(p.path))
        for p, offset, (line, col) in zip(problems, by_offset, line_cols(text, offsets), strict=True)
    ]


PARALLEL_MIN_FILES = 400
PARALLEL_CHUNK = 64
_worker_validator: Validator | None = None


def _job_count(files: int) -> int:
    # Forking pays off only for large batches, and only where fork exists.
    if files < PARALLEL_MIN_FILES or sys.platform != "linux":
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def _validate_in_worker(path: Path) -> list[Finding]:
    assert _worker_validator is not None
    return _worker_validator.validate_file(path)


def _display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def parse_annotation_file(path: Path, raw: bytes) -> AnnotationFile:
    """The model of an annotation file's bytes; ValueError with one "path:line:col: CODE message" a problem."""
    parsed = parse_annotation_bytes(raw)
    if parsed.model is None:
        findings = _place_all(_display_path(path), parsed, parsed.problems)
        lines = [f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}" for f in findings]
        raise ValueError("\n".join(lines) or f"{path}: cannot be loaded")
    return parsed.model


__all__ = [
    "AuditEvent",
    "Validator",
    "parse_annotation_bytes",
    "parse_annotation_file",
]
