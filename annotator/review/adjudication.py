"""What an adjudicator settles: the annotators' spans of one document, as
candidates for the gold file, grouped where they overlap.

A candidate is one (start, end, label) that at least one annotator marked,
with the (annotator, span id) of every annotator who did. It is *agreed* when
every annotator of the document marked it. Candidates that overlap, whatever
their labels, form a group; a group with a candidate that is not agreed is a
disagreement. A candidate is decided once the gold file has a span adjudicated
from one of its source spans (accepted, perhaps edited since) or lists one of
them as rejected. Nothing else is stored: leaving and reopening a review picks
up exactly where it stopped.

Plain Python: the review screen, the tests and any script use the same logic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Literal

from annotator.model.annotation import AnnotationFile, AttributeValue, Rejection, SourceSpan, Span
from annotator.model.suggestion_ref import SuggestionRef
from annotator.review.groups import overlapping_runs

Decision = Literal["accepted", "rejected"]


@dataclass(frozen=True)
class Candidate:
    """One (start, end, label) and the annotators' spans that mark it."""

    start: int
    end: int
    label: str
    # A candidate is its (start, end, label): equal and hashed by that alone.
    text: str = field(compare=False)
    sources: tuple[SourceSpan, ...] = field(compare=False)  # sorted by annotator
    attributes: Mapping[str, Mapping[str, AttributeValue]] = field(compare=False)  # annotator -> their attributes

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)

    @property
    def annotators(self) -> tuple[str, ...]:
        return tuple(source.annotator for source in self.sources)

    def gold_attributes(self) -> dict[str, AttributeValue]:
        """The attributes to accept: those most annotators gave (ties: the first annotator's)."""
        versions = [dict(self.attributes[a]) for a in self.annotators]
        return max(versions, key=versions.count)


@dataclass(frozen=True)
class Group:
    """Candidates that overlap one another, directly or through others."""

    start: int
    end: int
    candidates: tuple[Candidate, ...]
    agreed: bool  # every candidate in it is agreed


@dataclass
class Adjudication:
    """The candidates of one document and which of them the gold file settles."""

    annotators: tuple[str, ...]
    candidates: list[Candidate]
    groups: list[Group]
    _by_source: dict[tuple[str, str], Candidate] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, files: Mapping[str, AnnotationFile]) -> Adjudication:
        """`files`: annotator name -> that annotator's file of the document."""
        annotators = tuple(sorted(files))
        marks: dict[tuple[int, int, str], list[tuple[str, Span]]] = {}
        for annotator in annotators:
            for span in files[annotator].spans:
                marks.setdefault((span.start, span.end, span.label), []).append((annotator, span))
        candidates = [
            Candidate(
                start,
                end,
                label,
                spans[0][1].text,
                tuple(SourceSpan(annotator=a, span=s.id) for a, s in spans),
                {a: s.attributes for a, s in spans},
            )
            for (start, end, label), spans in sorted(marks.items())
        ]
        everyone = set(annotators)
        groups = [
            Group(
                min(c.start for c in members),
                max(c.end for c in members),
                tuple(members),
                all(set(c.annotators) == everyone for c in members),
            )
            for members in overlapping_runs(candidates, attrgetter("start"), attrgetter("end"))
        ]
        by_source = {(s.annotator, s.span): c for c in candidates for s in c.sources}
        return cls(annotators, candidates, groups, by_source)

    def is_agreed(self, candidate: Candidate) -> bool:
        return set(candidate.annotators) == set(self.annotators)

    @property
    def disagreements(self) -> list[Group]:
        return [group for group in self.groups if not group.agreed]

    def decisions(self, spans: Iterable[Span], rejected: Iterable[Rejection]) -> dict[Candidate, Decision]:
        """How a file (a gold file, or an annotator's file for suggestions) has settled each
        candidate it settles: a span that names the candidate's source, or a rejection of it."""
        decided: dict[Candidate, Decision] = {}
        for item in rejected:
            candidate = self._by_source.get((item.annotator, item.span))
            if candidate is not None:
                decided[candidate] = "rejected"
        for span in spans:
            for source in settled_sources(span):
                candidate = self._by_source.get(source)
                if candidate is not None:
                    decided[candidate] = "accepted"  # accepting wins over an older rejection
        return decided

    def open_candidates(self, group: Group, decided: Mapping[Candidate, Decision]) -> list[Candidate]:
        return [candidate for candidate in group.candidates if candidate not in decided]

    def progress(self, decided: Mapping[Candidate, Decision]) -> tuple[int, int]:
        """(disagreements settled, disagreements)."""
        groups = self.disagreements
        settled = sum(all(candidate in decided for candidate in group.candidates) for group in groups)
        return settled, len(groups)

    def open_agreed(self, decided: Mapping[Candidate, Decision]) -> list[Candidate]:
        """Agreed candidates not yet accepted (or rejected): what bulk accept takes."""
        return [c for c in self.candidates if self.is_agreed(c) and c not in decided]


def settled_sources(span: Span) -> Iterator[tuple[str, str]]:
    """(annotator, span id) of each candidate span `span` was accepted from: the annotators'
    spans a gold span was adjudicated from, or the suggestion a suggested span came from."""
    for source in span.adjudicated_from or ():
        yield source.annotator, source.span
    if span.origin == "suggested":
        ref = SuggestionRef.parse(span.source)
        if ref is not None and ref.suggestion is not None:
            yield ref.suggester, ref.suggestion


def rejection_of(candidate: Candidate, by: str, at: str) -> list[Rejection]:
    """One Rejection per source span of `candidate`."""
    return [
        Rejection(
            annotator=source.annotator,
            span=source.span,
            start=candidate.start,
            end=candidate.end,
            label=candidate.label,
            text=candidate.text,
            by=by,
            at=at,
        )
        for source in candidate.sources
    ]
