"""Annotation files grouped by document for comparison: {document id: {annotator: ComparedFile}}.

Only what agreement compares is read: the document reference (id, length,
hash), the annotator and the spans, and whether the file is a gold
(adjudicated) file by the rule of annotator.review.gold, from the same parsed
JSON. A file whose JSON has those in the right shape is taken as is (the full
pydantic validation of the audit trail costs five times as much and says
nothing about agreement; `annotator validate` checks the rest). Any other
file goes through the project's loader
(annotator.storage.loading), so a bad file is reported
in the validator's words, in one line naming the file, and left out.

Documents are not read: the files carry each document's length and hash, and
each span its text.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from annotator.config import Config
from annotator.interop.corpus import annotation_paths
from annotator.model.annotation import ID_PATTERN, LABEL_PATTERN, NAME_PATTERN, SCHEMA_VERSION, SHA256_PATTERN
from annotator.review.agreement import DocumentSpans, MarkedSpan
from annotator.review.gold import GOLD, is_gold, is_gold_data
from annotator.storage.files import DEFAULT_MAX_FILE_SIZE, Area, read_file, read_problem
from annotator.validation.engine import parse_annotation_file

_NAME = re.compile(NAME_PATTERN)
_ID = re.compile(ID_PATTERN)
_LABEL = re.compile(LABEL_PATTERN)
_SHA256 = re.compile(SHA256_PATTERN)


@dataclass(frozen=True)
class ComparedFile:
    """The parts of an annotation file that agreement compares."""

    path: Path
    document_id: str
    length: int
    sha256: str
    annotator: str
    spans: tuple[MarkedSpan, ...]
    gold: bool = False  # an adjudicated file (annotator.review.gold), not an annotator's own work


@dataclass
class Corpus:
    documents: dict[str, dict[str, ComparedFile]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def annotators(self) -> list[str]:
        return sorted({name for files in self.documents.values() for name in files})

    def without_gold(self) -> Corpus:
        """The same corpus without its gold files (the problems are kept)."""
        documents = {}
        for doc_id, files in self.documents.items():
            kept = {name: file for name, file in files.items() if not file.gold}
            if kept:
                documents[doc_id] = kept
        return Corpus(documents, self.problems)

    def document_spans(self, annotators: Iterable[str]) -> list[DocumentSpans]:
        """The documents, sorted by id, with the spans of those of `annotators` who annotated each."""
        wanted = set(annotators)
        result = []
        for doc_id, files in sorted(self.documents.items()):
            chosen = {name: file for name, file in files.items() if name in wanted}
            if chosen:
                length = next(iter(chosen.values())).length
                result.append(DocumentSpans(doc_id, length, {name: file.spans for name, file in chosen.items()}))
        return result


def load_corpus(paths: Iterable[Path] | None, config: Config, gold_names: Collection[str] = (GOLD,)) -> Corpus:
    """Load the annotation files under `paths` (default: the annotations folder); files of an annotator
    in `gold_names`, or with adjudication provenance, are marked gold."""
    corpus = Corpus()
    seen: set[Path] = set()
    for path in annotation_paths(paths, config):
        resolved = path.resolve()
        if resolved in seen:  # the same file reached through two PATHs
            continue
        seen.add(resolved)
        file = load_compared_file(
            path, corpus.problems, gold_names, area=config.area_for(path), limit=config.max_file_size
        )
        if file is not None and _consistent(file, corpus):
            corpus.documents.setdefault(file.document_id, {})[file.annotator] = file
    return corpus


def load_compared_file(
    path: Path,
    problems: list[str],
    gold_names: Collection[str] = (GOLD,),
    *,
    area: Area | None = None,
    limit: int = DEFAULT_MAX_FILE_SIZE,
) -> ComparedFile | None:
    """The file's document reference and spans, or None after adding a one-line problem.
    It is read only inside `area`, links resolved, and only if it is a regular file of at most `limit` bytes."""
    try:
        raw = read_file(path, limit=limit, area=area, what="annotation file")
    except OSError as err:
        problems.append(f"{path}: cannot read: {read_problem(err)}")
        return None
    file = _fast(path, raw, gold_names) or _validated(path, raw, problems, gold_names)
    if file is None:
        return None
    for index, span in enumerate(file.spans):
        if not 0 <= span.start < span.end <= file.length or len(span.text) != span.end - span.start:
            problems.append(
                f"{path}: spans[{index}] [{span.start}, {span.end}) does not fit the document (length "
                f"{file.length}) or its text; run 'annotator validate'"
            )
            return None
    return file


def _fast(path: Path, raw: bytes, gold_names: Collection[str]) -> ComparedFile | None:
    """The common case, a well-formed file, without building pydantic models; None if anything is unusual."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not _is_int(data.get("schema_version"), SCHEMA_VERSION):
        return None
    document, annotator, raw_spans = data.get("document"), data.get("annotator"), data.get("spans", [])
    if not (isinstance(document, dict) and isinstance(annotator, str) and _NAME.match(annotator)):
        return None
    doc_id, length, sha256 = document.get("id"), document.get("length"), document.get("sha256")
    if not (isinstance(doc_id, str) and _ID.match(doc_id) and _is_int(length) and isinstance(sha256, str)):
        return None
    if not (_SHA256.match(sha256) and isinstance(raw_spans, list)):
        return None
    spans = []
    for item in raw_spans:
        if not isinstance(item, dict):
            return None
        start, end, label, text = item.get("start"), item.get("end"), item.get("label"), item.get("text")
        if not (_is_int(start) and _is_int(end) and isinstance(label, str) and isinstance(text, str)):
            return None
        if not _LABEL.match(label):
            return None
        spans.append(MarkedSpan(start, end, label, text))
    return ComparedFile(path, doc_id, length, sha256, annotator, tuple(spans), is_gold_data(data, gold_names))


def _is_int(value: Any, equal: int | None = None) -> bool:
    return type(value) is int and value >= 0 and (equal is None or value == equal)


def _validated(path: Path, raw: bytes, problems: list[str], gold_names: Collection[str]) -> ComparedFile | None:
    """Through the full parser: it accepts what the schema accepts, and explains what it does not."""
    try:
        model = parse_annotation_file(path, raw)
    except ValueError as err:
        # One line per file: the first problem, and how many more 'annotator validate' lists.
        lines = [line for line in str(err).splitlines() if line.strip()] or [f"{path}: cannot be loaded"]
        first = lines[0] if path.name in lines[0] else f"{path}: {lines[0]}"
        more = f" (and {len(lines) - 1} more problem(s); run 'annotator validate')" if len(lines) > 1 else ""
        problems.append(first + more)
        return None
    except RecursionError:
        problems.append(f"{path}: JSON nests too deeply")
        return None
    ref = model.document
    spans = tuple(MarkedSpan(s.start, s.end, s.label, s.text) for s in model.spans)
    return ComparedFile(path, ref.id, ref.length, ref.sha256, model.annotator, spans, is_gold(model, gold_names))


def _consistent(file: ComparedFile, corpus: Corpus) -> bool:
    """A file agrees with the files already loaded for its document: same text, a new annotator."""
    others = corpus.documents.get(file.document_id, {})
    doc = repr(file.document_id)
    if file.annotator in others:
        first = others[file.annotator].path
        corpus.problems.append(
            f"{file.path}: {file.annotator!r} already annotated document {doc} in {first}; this file is ignored"
        )
        return False
    for other in others.values():
        if (other.sha256, other.length) != (file.sha256, file.length):
            corpus.problems.append(
                f"{file.path}: document {doc} has different text here (length {file.length}, "
                f"SHA-256 {file.sha256[:12]}…) than in {other.path} (length {other.length}, "
                f"SHA-256 {other.sha256[:12]}…); offsets cannot be compared, this file is ignored"
            )
            return False
    return True
