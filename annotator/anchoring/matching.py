"""Finding a span in a text by its quote: its text, its context and where it was.

The way Hypothesis re-anchors annotations on changed web pages
(client/src/annotator/anchoring/match-quote.ts), for annotation files:

1. At the expected place: the text is there and so is its context. Most spans
   of an edited article are found here, at their old offset plus the shift of
   the span before them, at no cost.
2. The exact text elsewhere: every occurrence near the expected place, then
   in the whole text, each scored. A span goes to the occurrence its context
   points to; when several fit equally and the context points to none of
   them, it is ambiguous and goes nowhere (orphaned, never a guess).
3. Text that changed: a fuzzy alignment (rapidfuzz's partial_ratio_alignment)
   in a window around the expected place, and the stretch framed by the
   span's unchanged prefix and suffix.

Every candidate is scored as Hypothesis scores them, each part in [0, 1]:

    score = (50 * text + 20 * prefix + 20 * suffix + 2 * position) / 92

text, prefix and suffix are rapidfuzz similarities (Indel ratio) of the old
and the found, and position is 1 minus the distance from the expected place
over the text's length, so the place only breaks ties. A changed span is
accepted at `threshold` (DEFAULT_THRESHOLD, configurable), or when its prefix
and suffix both survived exactly and frame a stretch of a plausible length:
then the words between them are what replaced it (a revised figure "42" ->
"1,200", whose text similarity alone is low).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from annotator.anchoring.text_quote import TextQuote

DEFAULT_THRESHOLD = 0.75
WINDOW = 4096  # code points each side of the expected place searched first
MAX_OCCURRENCES = 500  # exact occurrences scored in the whole text: enough for any word of an article
CONTEXT_SUPPORT = 0.5  # mean prefix/suffix similarity that lets an occurrence win among several
TIE = 0.01


@dataclass(frozen=True, slots=True)
class Match:
    """Where a quote was found. `exact`: the text there is the quote's, code point for code point;
    `context`: the mean similarity of its prefix and suffix to the quote's."""

    start: int
    end: int
    score: float
    exact: bool
    context: float

    @property
    def same_place(self) -> bool:
        """The same words in the same surroundings: the span moved, nothing else."""
        return self.exact and self.context >= CONTEXT_SUPPORT


@dataclass(frozen=True, slots=True)
class Miss:
    """Why a quote was not placed: nothing scored high enough, or several places fit equally."""

    reason: str
    best: Match | None = None


def similarity(a: str, b: str) -> float:
    """1.0 for equal strings (two empty ones included), down to 0.0."""
    if a == b:
        return 1.0
    return Indel.normalized_similarity(a, b)


class Locator:
    """Finds quotes in one text."""

    def __init__(self, text: str, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.text = text
        self.threshold = threshold

    def score(self, quote: TextQuote, start: int, end: int, expected: int) -> Match:
        text = self.text
        found = text[start:end]
        prefix = text[max(0, start - len(quote.prefix)) : start]
        suffix = text[end : end + len(quote.suffix)]
        position = 1.0 - min(1.0, abs(start - expected) / max(len(text), 1))
        before, after = similarity(quote.prefix, prefix), similarity(quote.suffix, suffix)
        value = (50 * similarity(quote.text, found) + 20 * before + 20 * after + 2 * position) / 92
        return Match(start, end, value, found == quote.text, (before + after) / 2)

    def at(self, quote: TextQuote, expected: int) -> Match | None:
        """The quote at `expected` with its whole context, or None."""
        end = expected + len(quote.text)
        text = self.text
        if expected < 0 or text[expected:end] != quote.text:
            return None
        if text[max(0, expected - len(quote.prefix)) : expected] != quote.prefix:
            return None
        if text[end : end + len(quote.suffix)] != quote.suffix:
            return None
        return Match(expected, end, 1.0, True, 1.0)

    def locate(self, quote: TextQuote, expected: int, hint: tuple[int, int] | None = None) -> Match | Miss:
        """The best place for `quote`, expected at `expected`; `hint` is one more candidate stretch
        (a diff's mapping of the old edges)."""
        found = self.at(quote, expected)
        if found is not None:
            return found
        exact = self._exact(quote, expected)
        if exact is not None:
            return exact  # the words, in their context; or several places that fit equally: never a guess
        candidates = self._changed(quote, expected, hint)
        if not candidates:
            return Miss("no similar text")
        best = max(candidates, key=lambda match: match.score)
        if best.score >= self.threshold or self._framed(quote, best):
            return best
        return Miss(f"the best match scores {best.score:.2f}, below the threshold {self.threshold:.2f}", best)

    # -- exact text -----------------------------------------------------------------------

    def _exact(self, quote: TextQuote, expected: int) -> Match | Miss | None:
        if not quote.text:
            return None
        near = self._occurrences(quote.text, max(0, expected - WINDOW), expected + WINDOW + len(quote.text))
        scored = [self.score(quote, start, start + len(quote.text), expected) for start in near]
        decided = self._decide(quote, scored)
        if isinstance(decided, Match):
            return decided
        everywhere = self._occurrences(quote.text, 0, len(self.text))
        if len(everywhere) == len(near):
            return decided
        scored = [self.score(quote, start, start + len(quote.text), expected) for start in everywhere]
        return self._decide(quote, scored)

    def _decide(self, quote: TextQuote, scored: list[Match]) -> Match | Miss | None:
        """The occurrence the context points to; a Miss when it points to several equally; None
        when it points to none (the words are elsewhere in other surroundings: looked at as changed)."""
        supported = sorted((m for m in scored if m.same_place), key=lambda match: match.score, reverse=True)
        if not supported:
            return None
        if len(supported) > 1 and supported[0].score - supported[1].score <= TIE:
            return Miss(f"its text and context occur {len(supported)} times and nothing says which", supported[0])
        return supported[0]

    def _occurrences(self, needle: str, start: int, end: int) -> list[int]:
        found = []
        at = self.text.find(needle, start, end)
        while at != -1 and len(found) < MAX_OCCURRENCES:
            found.append(at)
            at = self.text.find(needle, at + 1, end)
        return found

    # -- changed text ---------------------------------------------------------------------

    def _changed(self, quote: TextQuote, expected: int, hint: tuple[int, int] | None) -> list[Match]:
        candidates = []
        if hint is not None and hint[0] < hint[1]:
            candidates.append(self.score(quote, *hint, expected))
        framed = self._between_context(quote, expected)
        if framed is not None:
            candidates.append(framed)
        aligned = self._aligned(quote, expected)
        if aligned is not None:
            candidates.append(aligned)
        return candidates

    def _aligned(self, quote: TextQuote, expected: int) -> Match | None:
        low = max(0, expected - WINDOW)
        window = self.text[low : expected + WINDOW + len(quote.text)]
        if not quote.text or not window:
            return None
        alignment = fuzz.partial_ratio_alignment(quote.text, window)
        if alignment is None or alignment.dest_end <= alignment.dest_start:
            return None
        return self.score(quote, low + alignment.dest_start, low + alignment.dest_end, expected)

    def _between_context(self, quote: TextQuote, expected: int) -> Match | None:
        """The stretch between the nearest exact prefix and the exact suffix after it."""
        if len(quote.prefix) < 8 or len(quote.suffix) < 8:
            return None  # too little context to frame anything (a document's first or last words)
        text = self.text
        low = max(0, expected - WINDOW)
        starts = []
        at = text.find(quote.prefix, low, expected + WINDOW)
        while at != -1 and len(starts) < MAX_OCCURRENCES:
            starts.append(at + len(quote.prefix))
            at = text.find(quote.prefix, at + 1, expected + WINDOW)
        best: Match | None = None
        for start in starts:
            end = text.find(quote.suffix, start, start + self._longest(quote) + len(quote.suffix))
            if end > start:
                match = self.score(quote, start, end, expected)
                if best is None or match.score > best.score:
                    best = match
        return best

    @staticmethod
    def _longest(quote: TextQuote) -> int:
        return 2 * len(quote.text) + 40  # a rewrite may double a span; beyond that it is another one

    def _framed(self, quote: TextQuote, match: Match) -> bool:
        text = self.text
        return (
            len(quote.prefix) >= 8
            and len(quote.suffix) >= 8
            and text[max(0, match.start - len(quote.prefix)) : match.start] == quote.prefix
            and text[match.end : match.end + len(quote.suffix)] == quote.suffix
            and 0 < match.end - match.start <= self._longest(quote)
        )
