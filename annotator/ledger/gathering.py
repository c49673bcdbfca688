"""The quotes of a corpus, read from its annotation files.

Each document contributes the quote spans (label `quote`) of one file: its
gold file when it has one (annotator.review.gold: named "gold", or carrying
adjudication), else the chosen annotator's (`--annotator`, else the
project's `annotator`). A document with neither is skipped and named in
`Ledger.skipped`, so that the ledger never mixes one person's reading of a
text with another's without saying so.

A speaker's words split by an attribution ("…issues,” Austin said. “And it
was just that…") are one quote: consecutive quote spans of one file with the
same speaker, both with quotation marks, whose gap is at most
MAX_ATTRIBUTION_GAP characters on one line and holds no quotation mark.
Their words are compared as one utterance, and the ledger shows them joined
by " … ".

A file or document that cannot be read is reported in one line naming it and
left out; the rest of the corpus still makes a ledger.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.config import Config
from annotator.ledger.model import QUOTE_LABEL, SPEAKER, Quote, QuoteKind, Source, SpanRef
from annotator.ledger.words import spoken_words
from annotator.model.annotation import AnnotationFile, Span
from annotator.model.document import Document, DocumentError
from annotator.review.gold import is_gold
from annotator.storage.documents import load_document
from annotator.storage.files import read_problem
from annotator.storage.loading import load_annotation_file
from annotator.text import one_line

MAX_ATTRIBUTION_GAP = 80
CONTEXT = 240  # characters of the article shown on each side of a quote
_QUOTATION_MARK = re.compile('["“”„‟«»‹›]')


@dataclass
class Gathered:
    """The quotes of a corpus, its sources, and what could not be used."""

    quotes: list[Quote] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # documents with no file to take
    problems: list[str] = field(default_factory=list)  # files and documents that could not be read


def gather(paths: Iterable[Path], config: Config, annotator: str | None = None) -> Gathered:
    """The quotes of the annotation files at `paths`, one file per document."""
    gathered = Gathered()
    by_document: dict[str, list[tuple[Path, AnnotationFile]]] = {}
    for path in dict.fromkeys(Path(p) for p in paths):
        file = _load(path, config, gathered.problems)
        if file is not None:
            by_document.setdefault(file.document.id, []).append((path, file))
    wanted = annotator or config.annotator
    for doc_id in sorted(by_document):
        chosen = _chosen(by_document[doc_id], wanted)
        if chosen is None:
            gathered.skipped.append(doc_id)
            continue
        path, file = chosen
        document = _document(config, file, gathered.problems)
        if document is not None:
            source = _source(path, file, document, config)
            gathered.sources.append(source)
            gathered.quotes.extend(quotes_of(file.spans, document.text, source))
    gathered.sources.sort(key=lambda source: (source.published or "", source.doc_id))
    return gathered


def _load(path: Path, config: Config, problems: list[str]) -> AnnotationFile | None:
    try:
        file, _ = load_annotation_file(path, area=config.area_for(path), limit=config.max_file_size)
    except OSError as err:
        problems.append(f"{path}: cannot read: {one_line(read_problem(err))}")
        return None
    except ValueError as err:
        first = (str(err).splitlines() or [f"{path}: not an annotation file"])[0]
        problems.append(f"{one_line(first)} (see 'annotator validate')")
        return None
    return file


def _chosen(files: Sequence[tuple[Path, AnnotationFile]], annotator: str | None):
    gold = [each for each in files if is_gold(each[1])]
    if gold:
        return min(gold, key=lambda each: each[1].annotator)
    return next((each for each in files if each[1].annotator == annotator), None)


def _document(config: Config, file: AnnotationFile, problems: list[str]) -> Document | None:
    try:
        document = load_document(config.root, file.document.path, area=config.area, limit=config.max_file_size)
    except DocumentError as err:
        problems.append(f"{file.document.path}: {err}")
        return None
    if document.sha256 != file.document.sha256:
        problems.append(
            f"{file.document.path}: the text changed since its quotes were marked; "
            "run 'annotator reanchor' first. Its quotes are left out"
        )
        return None
    return document


def _source(path: Path, file: AnnotationFile, document: Document, config: Config) -> Source:
    try:
        shown = path.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        shown = str(path)
    meta = document.meta
    return Source(
        doc_id=file.document.id,
        document_path=file.document.path,
        annotation_path=shown,
        annotator=file.annotator,
        publisher=meta.publisher,
        title=meta.title,
        published=meta.published,
    )


def quotes_of(spans: Iterable[Span], text: str, source: Source) -> list[Quote]:
    """The quotes of one file's spans, split quotes joined."""
    quoted = sorted((span for span in spans if span.label == QUOTE_LABEL), key=lambda span: (span.start, span.end))
    quotes: list[Quote] = []
    run: list[Span] = []
    for span in quoted:
        if run and not _continues(run[-1], span, text):
            quotes.append(_quote(run, text, source))
            run = []
        run.append(span)
    if run:
        quotes.append(_quote(run, text, source))
    return quotes


def speaker_of(span: Span) -> str | None:
    value = span.attributes.get(SPEAKER)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _continues(previous: Span, span: Span, text: str) -> bool:
    """Whether `span` carries on `previous` past an attribution ("…,” he said. “…")."""
    gap = text[previous.end : span.start]
    same_speaker = (speaker_of(previous) or "").casefold() == (speaker_of(span) or "").casefold() != ""
    return (
        same_speaker
        and 0 < len(gap) <= MAX_ATTRIBUTION_GAP
        and "\n" not in gap
        and not _QUOTATION_MARK.search(gap)
        and bool(_QUOTATION_MARK.search(previous.text))
        and bool(_QUOTATION_MARK.search(span.text))
    )


def _quote(run: list[Span], text: str, source: Source) -> Quote:
    words = []
    kinds = set()
    for span in run:
        found, kind = spoken_words(span.text, span.start)
        words.extend(found)
        kinds.add(kind)
    kind = kinds.pop() if len(kinds) == 1 else QuoteKind.PARTIAL
    return Quote(
        source=source,
        spans=tuple(SpanRef(span.id, span.start, span.end) for span in run),
        text=" … ".join(span.text for span in run),
        speaker=speaker_of(run[0]),
        kind=kind,
        words=tuple(words),
        before=_before(text, run[0].start),
        after=_after(text, run[-1].end),
    )


def _before(text: str, start: int) -> str:
    begin = max(0, start - CONTEXT)
    cut = text.rfind("\n\n", begin, start)
    return text[cut + 2 if cut >= 0 else begin : start].lstrip()


def _after(text: str, end: int) -> str:
    stop = min(len(text), end + CONTEXT)
    cut = text.find("\n\n", end, stop)
    return text[end : cut if cut >= 0 else stop].rstrip()
