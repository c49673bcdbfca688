"""A spaCy pipeline as a suggester: its entities or span groups become suggestions.

`SpacySuggester(pipeline)` loads `pipeline` with `spacy.load`: a folder written
by `nlp.to_disk` or the name of an installed pipeline package. spaCy is an
optional extra (`pip install 'annotator[spacy]'`) and is imported only when a
suggester is made, so importing this module costs nothing without it.

What becomes a suggestion, for each document:

- `spans_key` given: every span of `doc.spans[spans_key]`; a document without
  that key is an error naming the keys it has;
- otherwise `doc.spans["sc"]` when the pipeline set it (a span categoriser or
  a span ruler writing to "sc"), else `doc.ents`.

Each span gives `[span.start_char, span.end_char)`, which are code points into
`doc.text`, exactly the unit of a `Suggestion`, and `span.label_` as it is
("PERSON", "HEDGE"): mapping labels onto the tag set is the caller's job.
Attributes are always empty (a `kb_id_` is not kept either). The pipeline's
text must be the document's text: one whose tokenizer changed it would give
offsets into another string, which is an error, as are a span without a label
and an empty span, rather than a suggestion the caller cannot store.

The suggester is named `spacy.` + the pipeline's `meta["name"]` (lower-cased,
other characters replaced by "_") unless a name is given, and versioned by its
`meta["version"]`: change that version when the pipeline is retrained.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from annotator.suggest.base import (
    SUGGESTER_NAME,
    SUGGESTER_VERSION,
    DocumentInput,
    SuggesterError,
    Suggestion,
    check_identity,
)

MISSING = "spaCy is not installed: pip install 'annotator[spacy]'"
DEFAULT_KEY = "sc"  # spaCy's own default key for span categorisers
DEFAULT_VERSION = "0.0.0"

_NOT_NAME = re.compile(r"[^a-z0-9._-]+")
_NOT_VERSION = re.compile(r"[^A-Za-z0-9._+-]+")


@dataclass(frozen=True, slots=True)
class LoadedPipeline:
    """A loaded pipeline and what it is called in messages."""

    nlp: Any  # spacy.Language; not named, so this module never imports spaCy at load time
    label: str  # the pipeline as given: a path or a package name


def load_pipeline(pipeline: str) -> LoadedPipeline:
    """`spacy.load(pipeline)`, with every way it can fail turned into a SuggesterError."""
    try:
        import spacy
    except ImportError:
        raise SuggesterError(MISSING) from None
    try:
        nlp = spacy.load(pipeline)
    # spaCy fails with OSError (not found, no meta.json), ValueError (an incompatible or
    # unknown component), KeyError, ImportError (a package that is broken)...: all mean
    # "this is not a pipeline annotator can run", which is what the user needs to know.
    except Exception as err:
        raise SuggesterError(f"cannot load the spaCy pipeline {pipeline!r}: {err}") from None
    return LoadedPipeline(nlp, pipeline)


def default_name(meta: dict[str, Any]) -> str:
    """The suggester name "spacy." + the pipeline's name, lower-cased and cut to fit SUGGESTER_NAME."""
    raw = "spacy." + str(meta.get("name") or "pipeline").lower()
    name = _NOT_NAME.sub("_", raw)[:48].rstrip("._-")
    return name if SUGGESTER_NAME.fullmatch(name) else "spacy.pipeline"


def default_version(meta: dict[str, Any]) -> str:
    """The pipeline's version, with characters a version cannot hold replaced by "_"."""
    version = _NOT_VERSION.sub("_", str(meta.get("version") or DEFAULT_VERSION))[:32].lstrip("._+-")
    return version if SUGGESTER_VERSION.fullmatch(version) else DEFAULT_VERSION


class SpacySuggester:
    """Suggestions from a spaCy pipeline's entities or span groups (see the module docstring)."""

    fast = False  # a statistical pipeline is far too slow to run while a document opens

    def __init__(
        self, pipeline: str, *, spans_key: str | None = None, name: str | None = None, batch_size: int = 64
    ) -> None:
        if batch_size < 1:
            raise SuggesterError(f"batch_size must be at least 1, not {batch_size}")
        loaded = load_pipeline(pipeline)
        self.pipeline = loaded.label
        self.nlp = loaded.nlp
        self.spans_key = spans_key
        self.batch_size = batch_size
        self.name = name if name is not None else default_name(self.nlp.meta)
        self.version = default_version(self.nlp.meta)
        check_identity(self.name, self.version)

    def suggest(self, documents: Iterable[DocumentInput]) -> Iterator[list[Suggestion]]:
        # Documents are read lazily and paired with spaCy's docs as they come back: the
        # queue holds only those spaCy has taken but not yet returned (about one batch).
        pending: deque[DocumentInput] = deque()

        def texts() -> Iterator[str]:
            for document in documents:
                pending.append(document)
                yield document.text

        for doc in self.nlp.pipe(texts(), batch_size=self.batch_size):
            if not pending:
                raise SuggesterError(f"{self.name}: the pipeline returned more documents than it was given")
            yield self._suggestions(pending.popleft(), doc)
        if pending:
            raise SuggesterError(
                f"{self.name}: the pipeline returned no result for document {pending[0].id!r} "
                f"and {len(pending) - 1} after it"
            )

    def _suggestions(self, document: DocumentInput, doc: Any) -> list[Suggestion]:
        if doc.text != document.text:
            raise SuggesterError(
                f"{self.name}: the pipeline changed the text of document {document.id!r}, "
                "so its offsets cannot be trusted (does its tokenizer normalise the text?)"
            )
        return [self._suggestion(document, span) for span in self._spans(document, doc)]

    def _spans(self, document: DocumentInput, doc: Any) -> Iterable[Any]:
        if self.spans_key is not None:
            if self.spans_key not in doc.spans:
                keys = ", ".join(repr(key) for key in doc.spans) or "none"
                raise SuggesterError(
                    f"{self.name}: document {document.id!r} has no span group {self.spans_key!r} "
                    f"(the pipeline set: {keys})"
                )
            return doc.spans[self.spans_key]
        if DEFAULT_KEY in doc.spans:
            return doc.spans[DEFAULT_KEY]
        return doc.ents

    def _suggestion(self, document: DocumentInput, span: Any) -> Suggestion:
        where = f"{self.name}: document {document.id!r}, span [{span.start_char}, {span.end_char})"
        if not span.label_:
            raise SuggesterError(f"{where} has no label")
        # A span group may hold an empty span (start == end); no annotation can be one.
        if span.start_char >= span.end_char:
            raise SuggesterError(f"{where} {span.label_!r} is empty")
        return Suggestion(span.start_char, span.end_char, span.label_, {})
