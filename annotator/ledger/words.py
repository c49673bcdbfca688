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

Tokens: words (letters, digits and marks, with ' ’ - . , inside: don’t,
ISIS-K, 2,000, 3.5) and punctuation marks, each its own token ("..." and "…"
are one). A token's `norm` is what comparison sees: case-folded, curly
apostrophes straight, "..." as "…", dashes as "-".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from annotator.ledger.model import QuoteKind, Word

OPENING = "“„‟«‹"
CLOSING = "”»›"
STRAIGHT = '"'
SINGLE_OPENING = "‘"
SINGLE_CLOSING = "’"
_APOSTROPHES = "'’"
_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}"  # an acronym with its periods: U.S.  a.m.
    r"|[^\W_](?:[\w\u0300-\u036f]|['’.,\-](?=[^\W_]))*"  # a word, inner ' ’ . , - kept
    r"|\.\.\.|[^\w\s]"  # an ellipsis, or one punctuation mark
)
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
    for match in _TOKEN.finditer(text):
        raw = match[0]
        if raw in OPENING + CLOSING + STRAIGHT + SINGLE_OPENING + SINGLE_CLOSING:
            continue  # a quotation mark is not a word of the speaker's
        punct = not raw[0].isalnum()
        yield Word(raw, normalise(raw), offset + match.start(), offset + match.end(), punct)


def normalise(token: str) -> str:
    if token == "...":
        return "…"
    return token.casefold().translate(_DASHES)


def spoken_words(text: str, offset: int = 0) -> tuple[tuple[Word, ...], QuoteKind]:
    """The words a quote span claims as the speaker's, and its kind."""
    ranges, kind = spoken_ranges(text)
    words = [word for start, end in ranges for word in tokens(text[start:end], offset + start)]
    return tuple(words), kind


def joined(words: tuple[Word, ...] | list[Word]) -> str:
    """Words as a reader expects them: a space between words, none before , . ; : ! ? …"""
    out: list[str] = []
    for word in words:
        if out and not ((word.punct and word.text in ",.;:!?…)]}%") or word.text == "..."):
            out.append(" ")
        out.append(word.text)
    return "".join(out)
