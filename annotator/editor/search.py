"""Finding text in the document: the search bar's model, and "go to" targets.

Search is literal and case-insensitive unless asked for a regular expression
(Python's `re`, case-insensitive too; `(?-i)` turns that off). A literal
query is an escaped pattern with IGNORECASE rather than a casefolded copy of
the text: casefolding changes lengths ("ß" becomes "ss") and would move every
offset after it. Matches are code-point ranges `[start, end)` of the exact
text; empty matches (a regex like `a*`) are skipped.

Highlighting keeps at most MAX_MATCHES ranges: a one-letter query in a 1 MB
article has ~60,000 of them, and drawing them all helps nobody. Stepping to
the next or previous match searches the text from the cursor, so it reaches
every match, listed or not.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

MAX_MATCHES = 10_000


class SearchError(ValueError):
    """A query that is not a valid regular expression; the message says where."""


@dataclass(frozen=True, slots=True)
class Matches:
    """Where a query matches: the first MAX_MATCHES ranges, and whether there are more."""

    ranges: tuple[tuple[int, int], ...] = ()
    more: bool = False

    def count_text(self) -> str:
        return f"{len(self.ranges)}{'+' if self.more else ''}"

    def number_of(self, match: tuple[int, int] | None) -> int | None:
        """1-based position of `match` among the listed ranges, None when it is not listed."""
        if match is None:
            return None
        index = bisect_left(self.ranges, match)
        return index + 1 if index < len(self.ranges) and self.ranges[index] == match else None


@dataclass(slots=True)
class SearchState:
    """Where a search stands: its pattern, the matches to highlight, the match
    it is on, and the offset stepping starts from (where the search began, then
    each match it moved to)."""

    pattern: re.Pattern[str] | None = None
    matches: Matches = Matches()
    current: tuple[int, int] | None = None
    origin: int = 0

    @classmethod
    def start(cls, text: str, query: str, regex: bool, origin: int) -> SearchState:
        """A search for `query`, standing on the first match at or after `origin`
        (typing a query moves to its first match from where the search began).
        SearchError for a regular expression that does not compile."""
        pattern = compile_query(query, regex=regex)
        state = cls(pattern, find_all(text, pattern), None, origin)
        if pattern is not None:
            state.current = next_match(text, pattern, origin - 1)
        return state

    def step(self, text: str, direction: int) -> bool:
        """Move to the next (1) or previous (-1) match; False when there is none."""
        if self.pattern is None:
            return False
        at = self.current[0] if self.current is not None else self.origin
        if direction > 0:
            found = next_match(text, self.pattern, at if self.current is not None else at - 1)
        else:
            found = previous_match(text, self.pattern, at, self.matches)
        if found is None:
            return False
        self.current = found
        self.origin = found[0]
        return True

    def status(self) -> str:
        if self.pattern is None:
            return ""
        if not self.matches.ranges:
            return "no matches"
        number = self.matches.number_of(self.current)
        return f"{number if number is not None else '…'}/{self.matches.count_text()}"


def compile_query(query: str, *, regex: bool = False) -> re.Pattern[str] | None:
    """The pattern for a query, None for an empty one; SearchError for a bad regex."""
    if not query:
        return None
    if not regex:
        return re.compile(re.escape(query), re.IGNORECASE)
    try:
        return re.compile(query, re.IGNORECASE | re.MULTILINE)
    except re.error as err:
        where = f" at position {err.pos}" if err.pos is not None else ""
        raise SearchError(f"not a regular expression: {err.msg}{where}") from None


def find_all(text: str, pattern: re.Pattern[str] | None, limit: int = MAX_MATCHES) -> Matches:
    if pattern is None:
        return Matches()
    ranges: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        if match.end() > match.start():
            if len(ranges) == limit:
                return Matches(tuple(ranges), more=True)
            ranges.append(match.span())
    return Matches(tuple(ranges))


def next_match(text: str, pattern: re.Pattern[str], after: int, *, wrap: bool = True) -> tuple[int, int] | None:
    """The first non-empty match starting after offset `after` (wrapping to the top)."""
    for start in (after + 1, 0) if wrap else (after + 1,):
        position = start
        while position <= len(text):
            match = pattern.search(text, position)
            if match is None:
                break
            if match.end() > match.start():
                return match.span()
            position = match.start() + 1
    return None


def previous_match(
    text: str, pattern: re.Pattern[str], before: int, matches: Matches, *, wrap: bool = True
) -> tuple[int, int] | None:
    """The last non-empty match starting before offset `before` (wrapping to the bottom).

    Regular expressions only search forwards; the listed ranges answer when
    they reach far enough, else the text is scanned from the start.
    """
    ranges = matches.ranges
    index = bisect_left(ranges, (before, -1)) - 1
    if index >= 0 and (not matches.more or ranges[-1][0] >= before):
        return ranges[index]
    found = None
    for match in pattern.finditer(text):
        if match.start() >= before:
            break
        if match.end() > match.start():
            found = match.span()
    if found is not None or not wrap:
        return found
    if not matches.more and ranges:
        return ranges[-1]
    last = None
    for match in pattern.finditer(text):
        if match.end() > match.start():
            last = match.span()
    return last


def line_starts(text: str) -> list[int]:
    """Offset of the first character of each line (lines end at "\\n")."""
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def parse_goto(target: str, text: str) -> int:
    """The offset a "go to" entry names: a 1-based line number, or `@offset`
    (code points). ValueError with a message for the person otherwise."""
    entry = target.strip().replace(",", "").replace("_", "")
    if entry.startswith("@"):
        number = entry[1:].strip()
        if not number.isdigit():
            raise ValueError("after @ give an offset in characters, e.g. @1200")
        offset = int(number)
        if offset > len(text):
            raise ValueError(f"offset {offset} is past the end of the document ({len(text)} characters)")
        return offset
    if not entry.isdigit() or int(entry) == 0:
        raise ValueError("give a line number (1, 2, …) or @offset")
    starts = line_starts(text)
    line = int(entry)
    if line > len(starts):
        raise ValueError(f"line {line} is past the end: the document has {len(starts)} lines")
    return starts[line - 1]


def line_of(text_starts: list[int], offset: int) -> int:
    """1-based line number of `offset`, given `line_starts` of the text."""
    return bisect_right(text_starts, offset)
