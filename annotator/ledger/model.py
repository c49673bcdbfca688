"""The ledger's records: plain frozen dataclasses and enums, no I/O.

Offsets are code points into the document text, half-open, as everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

QUOTE_LABEL = "quote"  # the label the ledger reads
SPEAKER = "speaker"  # the attribute that names who said it


class QuoteKind(StrEnum):
    """How a span renders speech: what a reader can tell from the quotation marks."""

    DIRECT = "direct"  # every word inside quotation marks
    PARTIAL = "partial"  # some words quoted, the rest reported ("“it’s possible” that the U.S. could…")
    PARAPHRASE = "paraphrase"  # no quotation marks at all: reported speech


class ChangeKind(StrEnum):
    """One difference between two versions of an utterance, by how much it matters."""

    CHANGED = "changed"  # words replaced by other words
    ADDED = "added"  # words in the right version only
    DROPPED = "dropped"  # words in the left version only
    PUNCTUATION = "punctuation"  # punctuation, a sentence break, the case of a letter: quieter


class FlagKind(StrEnum):
    """What an editor wants to see first, most important first."""

    WORDING = "wording"  # the same utterance quoted with different words
    PARAPHRASE = "paraphrase"  # quoted directly in one outlet, paraphrased in another
    MISSING = "missing"  # quoted by one outlet, absent from others covering the same event


@dataclass(frozen=True, slots=True)
class Word:
    """One word or punctuation mark of a quote, with its offsets in the document."""

    text: str  # as written
    norm: str  # as compared: case-folded, curly apostrophes straightened
    start: int
    end: int
    punct: bool = False


@dataclass(frozen=True, slots=True)
class Source:
    """The document a quote comes from, and whose file its span is in."""

    doc_id: str
    document_path: str  # relative to the project root, as annotation files name it
    annotation_path: str  # the annotation file the span was read from
    annotator: str
    publisher: str | None = None
    title: str | None = None
    published: str | None = None

    @property
    def outlet(self) -> str:
        """How messages name the source: its publisher, else its document id."""
        return self.publisher or self.doc_id


@dataclass(frozen=True, slots=True)
class SpanRef:
    span_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quote:
    """One utterance as one document renders it: one quote span, or several spans
    of one speaker that an attribution splits ("…issues,” Austin said. “And it…")."""

    source: Source
    spans: tuple[SpanRef, ...]
    text: str  # the spans' texts, joined with " … " where an attribution was cut out
    speaker: str | None  # the speaker attribute as written; None: unattributed
    kind: QuoteKind
    words: tuple[Word, ...]  # the spoken words (inside the quotation marks, when there are any)
    before: str = ""  # the text just before the first span, for context
    after: str = ""  # the text just after the last span

    @property
    def start(self) -> int:
        return self.spans[0].start

    @property
    def end(self) -> int:
        return self.spans[-1].end

    @property
    def key(self) -> tuple[str, str, str]:
        """Unique in a ledger: document, annotator and first span id."""
        return (self.source.doc_id, self.source.annotator, self.spans[0].span_id)


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between the left and the right version, as the words of each."""

    kind: ChangeKind
    left: str  # the words of the left version ("" when added)
    right: str  # the words of the right version ("" when dropped)


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of the aligned text: shared words (change None), or one change."""

    left: str
    right: str
    change: ChangeKind | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two versions of one utterance from different documents, aligned word by word.

    `partial`: the shorter version was compared with the part of the longer one
    it aligns to; the rest of the longer one is context it did not quote, not a
    difference."""

    left: Quote
    right: Quote
    score: float  # word-level similarity, 0..1
    segments: tuple[Segment, ...]
    partial: bool = False

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(Change(each.change, each.left, each.right) for each in self.segments if each.change is not None)

    @property
    def wording_differs(self) -> bool:
        return any(change.kind is not ChangeKind.PUNCTUATION for change in self.changes)

    def seen_from(self, quote: Quote) -> tuple[Segment, ...]:
        """The segments with `quote` on the left: words only in `quote` are DROPPED."""
        if self.left.key == quote.key:
            return self.segments
        return tuple(
            Segment(each.right, each.left, _MIRRORED.get(each.change, each.change) if each.change else None)
            for each in self.segments
        )


_MIRRORED = {ChangeKind.ADDED: ChangeKind.DROPPED, ChangeKind.DROPPED: ChangeKind.ADDED}


@dataclass(frozen=True, slots=True)
class Flag:
    kind: FlagKind
    message: str
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True, slots=True)
class Person:
    """A speaker as the ledger knows them: one key per person in a corpus."""

    key: str
    name: str  # the fullest name seen, without titles ("Mark Milley")
    names: tuple[str, ...] = ()  # every way the files name them ("Gen. Mark Milley", "Milley")

    @property
    def in_one_document(self) -> bool:
        """A description ("officials@doc-a") or an unresolved surname: by its key
        (annotator.ledger.speakers), a speaker no other document can quote."""
        return "@" in self.key


@dataclass(frozen=True, slots=True)
class Utterance:
    """The versions of one thing a person said, across documents (or one version alone)."""

    person: Person
    quotes: tuple[Quote, ...]
    comparisons: tuple[Comparison, ...] = ()
    flags: tuple[Flag, ...] = ()

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(quote.source.doc_id for quote in self.quotes))

    def comparison_of(self, one: Quote, other: Quote) -> Comparison | None:
        """The comparison of two of its versions, if they were compared."""
        keys = {one.key, other.key}
        return next((each for each in self.comparisons if {each.left.key, each.right.key} == keys), None)


@dataclass(frozen=True, slots=True)
class SpeakerEntry:
    person: Person
    utterances: tuple[Utterance, ...]


@dataclass(frozen=True)  # no slots: `_by_span` is cached in the instance's __dict__
class Ledger:
    speakers: tuple[SpeakerEntry, ...]
    unattributed: tuple[Quote, ...]
    sources: tuple[Source, ...]
    threshold: float
    skipped: tuple[str, ...] = ()  # documents with neither a gold file nor the chosen annotator's

    @property
    def flags(self) -> tuple[Flag, ...]:
        """Every flag, the most important kind first."""
        order = list(FlagKind)
        found = [flag for entry in self.speakers for utterance in entry.utterances for flag in utterance.flags]
        return tuple(sorted(found, key=lambda flag: order.index(flag.kind)))

    @cached_property
    def _by_span(self) -> dict[tuple[str, str], tuple[Utterance, Quote]]:
        return {
            (quote.source.doc_id, span.span_id): (utterance, quote)
            for entry in self.speakers
            for utterance in entry.utterances
            for quote in utterance.quotes
            for span in quote.spans
        }

    def quote_of(self, doc_id: str, span_id: str) -> tuple[Utterance, Quote] | None:
        """The quote a span of document `doc_id` belongs to, with its utterance; None if the
        ledger has no such quote."""
        return self._by_span.get((doc_id, span_id))

    def entry_of(self, person_key: str) -> SpeakerEntry | None:
        return next((entry for entry in self.speakers if entry.person.key == person_key), None)
