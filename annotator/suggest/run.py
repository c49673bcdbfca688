"""Run suggesters over documents and store what they find.

For each suggester, every document is read first and only then is anything
stored: a suggester that fails on the 900th document (a time-out, a crash,
malformed output, a span off the text) stores nothing, and the error names
the suggester and the document.

What a suggester returns is fitted to the project before it is stored:

- labels are mapped with `--map FROM=TO` (as `annotator import` maps them);
  a label that is not in the tag set after mapping is an error listing every
  such label with its count, unless unmapped labels are dropped (counted);
- attributes the tag set does not allow on the label, or of the wrong type,
  are dropped (counted), so the stored file validates;
- a span outside the text is an error; a second suggestion with the same
  start, end and label is dropped.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from annotator.config import Config
from annotator.model.document import Document
from annotator.model.editing import utc_now
from annotator.model.suggestion_ref import SuggestionRef
from annotator.model.tagset import TagSet
from annotator.storage.files import StorageError
from annotator.suggest.base import (
    DocumentInput,
    Suggester,
    SuggesterError,
    Suggestion,
    TextSuggester,
    check_identity,
)
from annotator.suggest.store import StoredSuggestions, StoreProblem, file_bytes, load_for, path_for, store, write


@dataclass
class Fitting:
    """How suggestions are fitted to the tag set, and what did not fit (counted)."""

    tagset: TagSet
    mapping: Mapping[str, str] = field(default_factory=dict)
    drop_unmapped: bool = False
    unmapped: Counter[str] = field(default_factory=Counter)  # label as suggested -> suggestions
    dropped_attributes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (label, attribute) -> suggestions
    duplicates: int = 0

    def fit(self, found: Iterable[Suggestion], text: str, where: str) -> list[Suggestion]:
        kept: dict[tuple[int, int, str], Suggestion] = {}
        for item in found:
            if not (
                isinstance(item.start, int) and isinstance(item.end, int) and 0 <= item.start < item.end <= len(text)
            ):
                raise SuggesterError(
                    f"{where}: a {item.label} suggestion [{item.start}, {item.end}) is not a range of the text "
                    f"(length {len(text)})"
                )
            fitted = self._fit_one(item)
            if fitted is None:
                continue
            key = (fitted.start, fitted.end, fitted.label)
            if key in kept:
                self.duplicates += 1
            else:
                kept[key] = fitted
        return list(kept.values())

    def _fit_one(self, item: Suggestion) -> Suggestion | None:
        label = self.mapping.get(item.label, item.label)
        if label not in self.tagset:
            self.unmapped[item.label] += 1
            return None
        attributes = dict(item.attributes)
        if attributes:
            bad = {name for name, _ in self.tagset.attribute_problems(label, attributes)}
            for name in sorted(bad):
                self.dropped_attributes[(label, name)] += 1
                del attributes[name]
        return replace(item, label=label, attributes=attributes)

    def check(self, name: str) -> None:
        """SuggesterError listing every label that is not in the tag set, unless they are dropped."""
        if self.unmapped and not self.drop_unmapped:
            lines = [f"  {label!r}: {count} suggestion(s)" for label, count in sorted(self.unmapped.items())]
            raise SuggesterError(
                f"{name}: {len(self.unmapped)} label(s) are not in the tag set ({', '.join(self.tagset.names())}); "
                "map them with --map FROM=TO or pass --drop-unmapped:\n" + "\n".join(lines)
            )

    def warnings(self) -> list[str]:
        lines = []
        if self.unmapped:
            detail = ", ".join(f"{label!r} ({count})" for label, count in sorted(self.unmapped.items()))
            lines.append(
                f"dropped {sum(self.unmapped.values())} suggestion(s) with labels not in the tag set: {detail}"
            )
        for (label, name), count in sorted(self.dropped_attributes.items()):
            lines.append(f"dropped attribute {name!r} from {count} {label} suggestion(s): not allowed or wrong type")
        if self.duplicates:
            lines.append(f"dropped {self.duplicates} duplicate suggestion(s) (same start, end and label)")
        return lines


@dataclass(frozen=True, slots=True)
class SuggesterReport:
    """What one suggester did: suggestions kept, files written and left as they were."""

    ref: SuggestionRef
    documents: int
    suggestions: int
    written: int
    unchanged: int
    warnings: tuple[str, ...] = ()


def suggest_documents(
    config: Config,
    documents: Sequence[Document],
    suggester: Suggester,
    *,
    mapping: Mapping[str, str] | None = None,
    drop_unmapped: bool = False,
    advance: Callable[[], None] = lambda: None,
) -> SuggesterReport:
    """Run `suggester` over `documents`, then store its suggestions: all or nothing."""
    check_identity(suggester.name, suggester.version)
    ref = SuggestionRef(suggester.name, suggester.version)
    fitting = Fitting(config.tagset, dict(mapping or {}), drop_unmapped)
    found = _run(suggester, documents, fitting, advance)
    fitting.check(str(ref))
    at = utc_now()
    written = _store_all(config, documents, ref, found, at)
    return SuggesterReport(
        ref,
        len(documents),
        sum(len(items) for items in found),
        written,
        len(documents) - written,
        tuple(fitting.warnings()),
    )


# Why threads: each file written is fsynced, twice (the file, then its folder after the
# rename), and on a busy disk one after another 1,000 of them took 5.7-7.3 s; from 8 threads
# the fsyncs share the file system's journal commits: 0.6 s (ext4, 2 cores, load 5.6). Only
# the writes go to the threads: building the files there too made them contend for the GIL.
STORE_THREADS = 8


def _store_all(
    config: Config, documents: Sequence[Document], ref: SuggestionRef, found: list[list[Suggestion]], at: str
) -> int:
    """Store each document's suggestions, writing from a few threads; how many files were
    written. The error raised is that of the first document, in order, that failed; a
    file of a later one may have been written by then (whole, as every write is atomic)."""
    if len(documents) < 2:
        return sum(store(config, document, ref, items, at=at) for document, items in zip(documents, found, strict=True))
    pool = ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="suggest-store")
    writes: deque[Future[None]] = deque()  # in document order, not yet known to have succeeded
    written = 0
    try:
        for document, items in zip(documents, found, strict=True):
            while writes and writes[0].done():
                writes.popleft().result()  # raises the write's error
                written += 1
            try:
                data = file_bytes(config, document, ref, items, at=at)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                for job in writes:  # an earlier document's error comes first
                    if not job.cancelled():
                        job.result()
                raise
            if data is not None:
                writes.append(pool.submit(write, config, document, ref, data))
        while writes:
            writes.popleft().result()
            written += 1
        return written
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run(
    suggester: Suggester, documents: Sequence[Document], fitting: Fitting, advance: Callable[[], None]
) -> list[list[Suggestion]]:
    if _worth_processes(suggester, documents):
        answers: Iterator[list[Suggestion]] | None = _in_processes(suggester, documents)
    else:
        answers = None
    inputs = (DocumentInput(document.id, document.text, document.meta.language) for document in documents)
    results: list[list[Suggestion]] = []
    for document in documents:
        where = f"{suggester.name}@{suggester.version} on {document.path}"
        try:
            if answers is None:
                answers = iter(suggester.suggest(inputs))
            items = next(answers, None)
            if items is None:
                break
            results.append(fitting.fit(items, document.text, where))
        except SuggesterError:
            raise
        except Exception as err:  # a plug-in's or a pipeline's own failure: reported by name, no traceback
            raise SuggesterError(f"{where}: the suggester failed: {type(err).__name__}: {err}") from err
        advance()
    if len(results) != len(documents):
        raise SuggesterError(
            f"{suggester.name}@{suggester.version}: answered for {len(results)} of {len(documents)} documents"
        )
    return results


# Why processes: the built-ins are pure Python, and 1,000 articles of 5 KB took 3.7 s of one
# core for the three of them; two cores halve it. Below a megabyte of text, starting the
# workers costs more than it saves.
PROCESS_MIN_CHARS = 1_000_000
PROCESS_CHUNK = 50  # documents a task: few enough messages, even enough shares


def _worth_processes(suggester: Suggester, documents: Sequence[Document]) -> bool:
    remake = getattr(suggester, "remake", None)
    return remake is not None and _cores() > 1 and sum(document.length for document in documents) >= PROCESS_MIN_CHARS


def _in_processes(suggester: Suggester, documents: Sequence[Document]) -> Iterator[list[Suggestion]]:
    """Each document's suggestions, in order, found by copies of `suggester` in other processes."""
    chunks = [
        [document.text for document in documents[at : at + PROCESS_CHUNK]]
        for at in range(0, len(documents), PROCESS_CHUNK)
    ]
    with ProcessPoolExecutor(max_workers=min(_cores(), 4)) as pool:
        for found in pool.map(_find_all, [suggester.remake] * len(chunks), chunks):  # type: ignore[attr-defined]
            yield from found


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _find_all(remake: Callable[[], TextSuggester], texts: list[str]) -> list[list[Suggestion]]:
    finder = remake().find
    return [finder(text) for text in texts]


def suggestions_for(document: Document, suggester: Suggester, tagset: TagSet) -> list[Suggestion]:
    """One document's suggestions, fitted to the tag set (unknown labels dropped): for the UI."""
    fitting = Fitting(tagset, drop_unmapped=True)
    (items,) = list(suggester.suggest([DocumentInput(document.id, document.text, document.meta.language)]))
    return fitting.fit(items, document.text, f"{suggester.name}@{suggester.version} on {document.path}")


def suggestions_on_open(
    config: Config, document: Document, names: Sequence[str]
) -> tuple[list[StoredSuggestions], list[StoreProblem]]:
    """A document's stored suggestions, with those of the built-ins `names` found first
    where they are not stored yet for this text and this version (and stored, so a second
    annotator opening the document finds them ready). Never raises: what cannot be
    found or stored is a StoreProblem."""
    from annotator.suggest.builtin import BuiltinOptions, builtin

    stored, problems = load_for(config, document)
    ready = {(item.suggester, item.version) for item in stored}
    options = BuiltinOptions(hedges=config.suggest.hedges)
    fresh = False
    for name in names:
        try:
            suggester = builtin(name, options)
            if (suggester.name, suggester.version) in ready:
                continue
            found = suggestions_for(document, suggester, config.tagset)
            store(config, document, SuggestionRef(suggester.name, suggester.version), found)
            fresh = True
        except (SuggesterError, StorageError, OSError) as err:
            problems.append(StoreProblem(path_for(config, document.id, name), f"{name}: {err}"))
    if fresh:
        stored, problems_again = load_for(config, document)
        problems = [*problems, *(p for p in problems_again if p not in problems)]
    return stored, problems
