"""Validate annotation files: parse, check the schema with pydantic's compiled
core, explain failures with `jsonschema`, then check what a schema cannot."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import orjson
from pydantic import ValidationError

from annotator.config import Config
from annotator.model.annotation import AnnotationFile, AuditEvent, DocumentRef, Span
from annotator.model.document import UTF8_BOM, Document, DocumentError, load_document
from annotator.validation.audit_rules import check_audit
from annotator.validation.findings import Finding, Problem
from annotator.validation.locate import locate, to_pointer

MAX_FILE_BYTES = 256 * 1024 * 1024
JSON_WHITESPACE = b" \t\r\n"
ANNOTATION_SUFFIX = ".json"


@dataclass
class Parsed:
    """An annotation file read from bytes, as far as it could be."""

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
    # Only JSON's own whitespace: a lone form feed is invalid JSON, not an empty file.
    if not raw.strip(JSON_WHITESPACE):
        parsed.problems.append(Problem("A104", "file is empty; expected a JSON object"))
        return parsed
    try:
        parsed.text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        kind = "binary data" if b"\x00" in raw[:8192] else "not valid UTF-8"
        # The byte offset counts from the start of the file, BOM included.
        parsed.problems.append(
            Problem(
                "A102",
                f"{kind}: byte 0x{raw[err.start]:02x} at byte offset {err.start + skipped} cannot be decoded",
            )
        )
        parsed.text = raw[: err.start].decode("utf-8")
        parsed.problems[-1].path = ("@offset", len(parsed.text))
        return parsed
    try:
        parsed.data = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        # orjson says "depth limit exceeded"; other parsers say "recursion".
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
        self._documents: dict[str, Document | DocumentError] = {}

    def document(self, relative_path: str) -> Document | DocumentError:
        cached = self._documents.get(relative_path)
        if cached is None:
            try:
                cached = load_document(self.config.root, relative_path)
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
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                message = f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
                return [Finding(_display_path(path), 1, 1, "A105", message)]
            raw = path.read_bytes()
        except OSError as err:
            return [Finding(_display_path(path), 1, 1, "A101", f"cannot read file: {err.strerror or err}")]
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
        text = parsed.text if parsed.text is not None else raw.decode("utf-8", errors="replace")
        shown = display()
        return sorted((_place(shown, text, p) for p in problems), key=Finding.sort_key)

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
            elif text is not None and text[start:end] != span.text:
                yield Problem(
                    "A402",
                    f"span text {_clip(span.text)} differs from the document at [{start}, {end}): {_clip(text[start:end])}",
                    (*where, "text"),
                )
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
        if not 0 <= item.start < item.end <= len(text) or text[item.start : item.end] != item.text:
            problems.append(
                Problem(
                    "A409",
                    f"rejected {item.label} span {item.span!r} of {item.annotator} [{item.start}, {item.end}) "
                    f"has text {_clip(item.text)!r}; the document there has {_clip(text[item.start : item.end])!r}",
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


def _clip(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _place(display: str, text: str, problem: Problem) -> Finding:
    if problem.path[:1] == ("@offset",):
        from annotator.validation.locate import line_col

        offset = min(int(problem.path[1]), len(text))
        line, col = line_col(text, offset)
        return Finding(display, line, col, problem.code, problem.message)
    line, col = locate(text, problem.path, key=problem.at_key) if problem.path else (1, 1)
    return Finding(display, line, col, problem.code, problem.message, to_pointer(problem.path))


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


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders searched for `*.json`, sorted, hidden files skipped."""
    for path in paths:
        if path.is_dir():
            for candidate in sorted(path.rglob("*" + ANNOTATION_SUFFIX)):
                relative = candidate.relative_to(path).parts
                if candidate.is_file() and not any(part.startswith(".") for part in relative):
                    yield candidate
        else:
            yield path


def load_annotation_file(path: Path) -> tuple[AnnotationFile, bytes]:
    """Read one annotation file for editing; raise ValueError naming each problem."""
    raw = path.read_bytes()
    parsed = parse_annotation_bytes(raw)
    if parsed.model is None:
        text = parsed.text if parsed.text is not None else raw.decode("utf-8", errors="replace")
        findings = [_place(_display_path(path), text, p) for p in parsed.problems]
        lines = [f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}" for f in findings]
        raise ValueError("\n".join(lines) or f"{path}: cannot be loaded")
    return parsed.model, raw


__all__ = ["AuditEvent", "Validator", "expand_paths", "load_annotation_file", "parse_annotation_bytes"]
