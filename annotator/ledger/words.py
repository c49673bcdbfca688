"""A quote's spoken words: found inside its quotation marks, normalised for comparison.

Quotation marks: “ ” „ ‟ « » ‹ › and straight " open and close a quotation,
as do ‘ and ’ where they stand at a word's edge (a headline's ‘Possible’),
never inside a word (Taliban’s, don’t). A quotation still open at the end
of the span closes there: news opens each quoted paragraph with “ and closes
only the last one.

A span with no quotation mark is reported speech (QuoteKind.PARAPHRASE) and
all its words count; a span with some words outside the marks (“it’s
possible” that the U.S. could…) is PARTIAL, and only the quoted words count,
since only they claim to be the speaker's.

Tokens are annotator.tokens's, as the CoNLL export cuts them (words with
their inner apostrophes and number punctuation, "U.S.", "...", each other
mark on its own; "IS-Khorasan" is "IS", "-", "Khorasan"), quotation marks
left out. A token's `norm` is what comparison sees: case-folded, curly
apostrophes straight, "..." as "…", dashes as "-". Words are shown again
with the spacing they had in the text (`joined`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from annotator.ledger.model import QuoteKind, Word
from annotator.tokens import tokenise

OPENING = "“„‟«‹"
CLOSING = "”»›"
STRAIGHT = '"'
SINGLE_OPENING = "‘"
SINGLE_CLOSING = "’"
_QUOTATION_MARKS = frozenset(OPENING + CLOSING + STRAIGHT + SINGLE_OPENING + SINGLE_CLOSING)
_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "―": "-", "’": "'", "‘": "'"})


def spoken_ranges(text: str) -> tuple[list[tuple[int, int]], QuoteKind]:
    """The ranges of `text` inside quotation marks (the marks excluded), and the kind of quote."""
    ranges: list[tuple[int, int]] = []
    opened: int | None = None
    closer = ""
    for index, char in enumerate(text):
        if opened is None:
            if char in OPENING or char == STRAIGHT or (char == SINGLE_OPENING and _at_word_start(text, index)):
                opened, closer = index + 1, _closer_of(char)
        elif char in closer and (char != SINGLE_CLOSING or _at_word_end(text, index)):
            ranges.append((opened, index))
            opened = None
    if opened is not None:
        ranges.append((opened, len(text)))
    ranges = [(start, end) for start, end in ranges if text[start:end].strip()]
    if not ranges:
        return [(0, len(text))], QuoteKind.PARAPHRASE
    outside = _outside_words(text, ranges)
    return ranges, QuoteKind.PARTIAL if outside else QuoteKind.DIRECT


def _closer_of(opener: str) -> str:
    if opener == STRAIGHT:
        return STRAIGHT
    if opener == SINGLE_OPENING:
        return SINGLE_CLOSING
    return CLOSING + STRAIGHT


def _at_word_start(text: str, index: int) -> bool:
    before = text[index - 1] if index else " "
    return not before.isalnum()


def _at_word_end(text: str, index: int) -> bool:
    after = text[index + 1] if index + 1 < len(text) else " "
    return not after.isalnum()


def _outside_words(text: str, ranges: list[tuple[int, int]]) -> bool:
    """Whether words stand outside the quoted ranges (beyond an attribution's punctuation)."""
    edges = [0, *(edge for start, end in ranges for edge in (start - 1, end + 1)), len(text)]
    return any(re.search(r"\w", text[edges[i] : edges[i + 1]]) for i in range(0, len(edges), 2))


def tokens(text: str, offset: int = 0) -> Iterator[Word]:
    """The words and punctuation of `text`, at document offsets from `offset`."""
    for token in tokenise(text):
        if token.text in _QUOTATION_MARKS:
            continue  # a quotation mark is not a word of the speaker's
        punct = not token.text[0].isalnum()
        yield Word(token.text, normalise(token.text), offset + token.start, offset + token.end, punct)


def normalise(token: str) -> str:
    if token == "...":
        return "…"
    return token.casefold().translate(_DASHES)


def spoken_words(text: str, offset: int = 0) -> tuple[tuple[Word, ...], QuoteKind]:
    """The words a quote span claims as the speaker's, and its kind."""
    ranges, kind = spoken_ranges(text)
    words = [word for start, end in ranges for word in tokens(text[start:end], offset + start)]
    return tuple(words), kind


def joined(words: Sequence[Word]) -> str:
    """Words as the text spaced them: a space where the text had room between two
    (or where an attribution was cut out between them), none before "," or after "“"."""
    out: list[str] = []
    for index, word in enumerate(words):
        if index and words[index - 1].end < word.start:
            out.append(" ")
        out.append(word.text)
    return "".join(out)
