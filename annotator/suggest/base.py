"""What a suggester is: a named, versioned source of candidate spans.

A suggester reads documents and returns, for each, `Suggestion`s: a range
`[start, end)` in code points of the document's exact text, a label and
attributes. It knows nothing of annotators, files or the tag set; running
it, checking its output against the text and the tag set, and storing what
it found is `annotator.suggest.run`'s job.

`name` (letters, digits, ".", "_", "-") and `version` together say exactly
what made a suggestion: an accepted span's `source` is "NAME@VERSION#ID".
Change the version whenever what the suggester finds changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from annotator.model.annotation import AttributeValue

SUGGESTER_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,47}")
SUGGESTER_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,31}")


class SuggesterError(Exception):
    """A suggester that cannot run, or whose output is unusable; the message says why."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A candidate span: `[start, end)` in code points, its label and attributes."""

    start: int
    end: int
    label: str
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DocumentInput:
    """What a suggester reads: the document's id, its exact text and its language if known."""

    id: str
    text: str
    language: str | None = None


class Suggester(Protocol):
    """A source of suggestions. `fast` ones may run while a document opens in the UI."""

    name: str
    version: str
    fast: bool

    def suggest(self, documents: Iterable[DocumentInput]) -> Iterator[list[Suggestion]]:
        """One list per document, in the order given."""
        ...


@dataclass(frozen=True)
class TextSuggester:
    """A suggester that reads one text at a time with a pure function (the built-ins)."""

    name: str
    version: str
    find: Callable[[str], list[Suggestion]]
    fast: bool = True
    # Makes this suggester again in another process (a picklable callable), so long runs can
    # use every core; None: it runs here only.
    remake: Callable[[], TextSuggester] | None = None

    def suggest(self, documents: Iterable[DocumentInput]) -> Iterator[list[Suggestion]]:
        for document in documents:
            yield self.find(document.text)


def check_identity(name: str, version: str) -> None:
    """SuggesterError unless `name` and `version` can name stored suggestions."""
    if not SUGGESTER_NAME.fullmatch(name):
        raise SuggesterError(
            f"{name!r} cannot name a suggester: use lower-case letters, digits, '.', '_' or '-' (at most 48)"
        )
    if not SUGGESTER_VERSION.fullmatch(version):
        raise SuggesterError(f"{version!r} cannot be a suggester version: use letters, digits, '.', '_', '+' or '-'")
