"""Where each span of a file goes on the new text: moved, changed or orphaned.

`place_spans(spans, new_text, old_text=None)` decides for every span, in the
order of the old text:

- with the old text, the diff (`offset_map`) moves every span no edit touched
  by its exact delta; a touched span is looked for by its quote, taken from
  the old text, with the diff's mapping of its edges as a candidate;
- without it, each span is looked for by the quote the file kept (its text,
  prefix and suffix), expected at its old offset plus the shift of the span
  placed before it (`matching`).

Moved means the same text in the same surroundings at new offsets; anything
else a match found is changed, and no match (or several that fit equally) is
orphaned. Nothing here edits a file: see `apply`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from annotator.anchoring.matching import DEFAULT_THRESHOLD, Locator, Match
from annotator.anchoring.offset_map import OffsetMap
from annotator.anchoring.text_quote import TextQuote, quote_of


class Outcome(StrEnum):
    UNCHANGED = "unchanged"  # same offsets, same text
    MOVED = "moved"  # same text, new offsets
    CHANGED = "changed"  # the edit touched it: placed on the best match, to be reviewed
    ORPHANED = "orphaned"  # no acceptable match: kept aside, never dropped


@dataclass(frozen=True, slots=True)
class AnchoredSpan:
    """A span to place: its id and where it was, with the quote to look for."""

    id: str
    quote: TextQuote


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a span went. `start`, `end` and `text` are on the new text (None when orphaned)."""

    id: str
    outcome: Outcome
    old: TextQuote
    start: int | None = None
    end: int | None = None
    text: str | None = None
    score: float | None = None
    reason: str = ""


def place_spans(
    spans: Sequence[AnchoredSpan],
    new_text: str,
    old_text: str | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Placement]:
    """Every span's placement on `new_text`, in the order of `spans`."""
    offsets = OffsetMap(old_text, new_text) if old_text is not None else None
    locator = Locator(new_text, threshold)
    placed: dict[str, Placement] = {}
    shift = 0  # of the last span placed exactly: where the next one is expected
    for span in sorted(spans, key=lambda s: (s.quote.start, s.quote.end, s.id)):
        placement = _place(span, locator, offsets, old_text, shift)
        if placement.outcome in (Outcome.UNCHANGED, Outcome.MOVED):
            shift = placement.start - span.quote.start
        placed[span.id] = placement
    return [placed[span.id] for span in spans]


def _place(
    span: AnchoredSpan, locator: Locator, offsets: OffsetMap | None, old_text: str | None, shift: int
) -> Placement:
    old = span.quote
    hint = None
    if offsets is not None and old_text is not None:
        moved = offsets.moved(old.start, old.end)
        if moved is not None:
            return _placed(span, Match(*moved, 1.0, True, 1.0), locator.text, "no edit touched it")
        old = quote_of(old_text, old.start, old.end)  # the context as the old text has it
        hint = offsets.bounds(old.start, old.end)
        expected = hint[0]
    else:
        expected = old.start + shift
    found = locator.locate(old, expected, hint)
    if isinstance(found, Match):
        return _placed(span, found, locator.text, "")
    best = found.best
    return Placement(span.id, Outcome.ORPHANED, span.quote, score=best.score if best else None, reason=found.reason)


def _placed(span: AnchoredSpan, match: Match, text: str, reason: str) -> Placement:
    old = span.quote
    if match.same_place:
        outcome = Outcome.UNCHANGED if (match.start, match.end) == (old.start, old.end) else Outcome.MOVED
    else:
        outcome = Outcome.CHANGED
        reason = reason or ("its context changed" if match.exact else "its text changed")
    return Placement(
        span.id, outcome, old, match.start, match.end, text[match.start : match.end], round(match.score, 3), reason
    )
