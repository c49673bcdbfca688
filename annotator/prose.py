"""Words, sentences, paragraphs and number tokens of news prose.

Pure functions of `(text, offset)`, standard library only: the editor moves
and selects by them, the suggesters read sentences and numbers with them.
They run on every keystroke over a document that may be 1 MB, so each looks
only at the neighbourhood of the offset: a regex from a nearby anchor (a
whitespace boundary, the line start), never a scan from the start of the text.

Definitions:

* word: a run of word characters (`str.isalnum()`, "_", and combining marks so
  a decomposed "é" stays whole), with ' or ’ allowed *inside* ("Taliban’s").
  Hyphens separate words for word motion ("IS-Khorasan" is two words).
* token (`token_at`): a number expression or a word, see `token_at`.
* paragraph: a line with something other than whitespace on it (news text puts
  one paragraph per line); blank lines are skipped. Paragraph and sentence
  starts are the first non-whitespace character, where the cursor is useful.
* sentence: ends after . ! ? or … (plus closing quotes/brackets) followed by
  whitespace or the end of the paragraph, unless it is an abbreviation, see
  `is_sentence_end`. A sentence never crosses a line break.

Offsets are code points. Results may land between code points of an exotic
grapheme cluster (a ZWJ joining two letters); the view snaps them with
`Layout.snap`.
"""

from __future__ import annotations

import re

# Combining marks (an approximation of categories Mn/Mc/Me that covers the
# scripts of news text), so that words never end inside a letter + mark.
MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u0900-\u0963\u0966-\u0dff\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u302a-\u302f\u3099\u309a\ufe20-\ufe2f"
)
APOSTROPHES = "'’"
_WC = rf"[\w{MARKS}]"  # continues a word; a word must start with \w
_WORD_PART = rf"\w{_WC}*(?:[{APOSTROPHES}]\w{_WC}*)*"
_WORD = re.compile(_WORD_PART)
_WORD_RUN_CLASS = rf"[\w{MARKS}{APOSTROPHES}]"
_WORD_RUN = re.compile(f"{_WORD_RUN_CLASS}*")
_NON_WORD_RUN = re.compile(r"\W*")  # reversed scans: back over non-word characters
_SPACE_RUN = re.compile(r"\s*")
_NON_SPACE_RUN = re.compile(r"\S*")
_NON_SPACE = re.compile(r"\S")
_SPACE = re.compile(r"\s+")

SCALE_WORDS = ("hundred", "thousand", "million", "billion", "trillion")
# One number expression as `token_at` reads it (a pattern string, uncompiled):
# public so that the number suggester finds exactly what the `n` key tags.
NUMBER = (
    r"(?:(?:US|A|C|HK|NZ)?[$€£¥₹]\s?)?"  # currency
    r"\d+(?:[.,]\d+)*"  # 2,000  3.5  1,234.56
    rf"(?:[\s-](?:{'|'.join(SCALE_WORDS)}))?"  # $100 million, $1.2 billion
    rf"(?:%|\s?percent|\s?per\s?cent|s|(?:-{_WORD_PART})+)?"  # 13%, 13 percent, 1990s, 500-pound
    rf"(?!{_WC})"
)
_ACRONYM = r"(?:[A-Za-z]\.){2,}"  # U.S.  a.m.
_HYPHENATED = rf"{_WORD_PART}(?:-{_WORD_PART})*"
_TOKEN = re.compile(f"{NUMBER}|{_ACRONYM}|{_HYPHENATED}")

_TOKEN_LOOKBACK = 200
_SENTENCE_WINDOW = 10_000
_SCAN_CHUNK = 256

# -- sentence rules -----------------------------------------------------------

ABBREVIATIONS = frozenset(
    """
    mr mrs ms messrs dr prof gen lt col maj capt cmdr adm sgt cpl pvt brig
    gov sen rep rev hon pres supt insp det atty amb
    jr sr st mt ft
    jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun
    inc corp co ltd llc bros dept univ assn ave blvd rd
    vs approx est cf al
    """.split()
)
# Abbreviations that precede a number: "No. 5", "Vol. 2".
NUMBER_ABBREVIATIONS = frozenset("no nos vol vols pp art fig figs sec ch".split())
# A dotted acronym ends a sentence only before a word that usually starts one:
# "troops left the U.S. The next day" vs "U.S. officials said".
SENTENCE_STARTERS = frozenset(
    """
    The A An And But Or So Yet For Nor In On At As If When While After Before
    Since Although Though Because It Its He She They We I You His Her Their Our
    This That These Those There Here However Meanwhile Also Still Some Many Most
    No Not One Officials What Who Why How Where Then Now Yes
    """.split()
)
_TERMINATOR = re.compile(r"([.!?…]+)([\"'”’»)\]]*)(?=\s|\Z)")
_ACRONYM_CORE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_OPENERS = "\"'“‘([«"


# -- local scanning helpers ------------------------------------------------------


def _run_end(run: re.Pattern[str], text: str, pos: int = 0) -> int:
    """End of the match of `run` (a `[...]*` regex, which always matches) at `pos`."""
    match = run.match(text, pos)
    return match.end() if match else pos


def _scan_back(text: str, index: int, run: re.Pattern[str]) -> int:
    """Smallest j <= index with text[j:index] all matched by `run` (a `[...]*` regex).

    Python's `re` cannot search backwards, so the regex runs forward over
    reversed chunks (character classes read the same both ways): the work is
    proportional to the run's length, at C speed.
    """
    while index > 0:
        low = max(0, index - _SCAN_CHUNK)
        chunk = text[low:index][::-1]
        matched = _run_end(run, chunk)
        if matched < len(chunk):
            return index - matched
        index = low
    return 0


def line_bounds(text: str, offset: int) -> tuple[int, int]:
    """[start, end) of the line holding `offset`; a "\\n" belongs to the line it ends."""
    offset = min(max(offset, 0), len(text))
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past whitespace at both edges; (end, end) if all blank.

    Spans should never begin or end on whitespace: a selection made by
    motions often does.
    """
    start = max(start, 0)
    end = min(end, len(text))
    found = _NON_SPACE.search(text, start, end)
    if found is None:
        return (end, end) if end >= start else (start, start)
    first = found.start()
    return first, _scan_back(text, end, _SPACE_RUN)


# -- words ---------------------------------------------------------------------


def _word_covering(text: str, index: int) -> tuple[int, int] | None:
    """The word with start <= index < end, found from the start of its run."""
    if not 0 <= index < len(text):
        return None
    high = _run_end(_WORD_RUN, text, index)
    if high == index:
        return None
    low = _scan_back(text, index, _WORD_RUN)
    for match in _WORD.finditer(text, low, high):
        if match.start() > index:
            break
        if match.end() > index:
            return match.start(), match.end()
    return None


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The word under the cursor, or the word just before it (cursor at its end)."""
    found = _word_covering(text, offset)
    if found is None and offset > 0:
        before = _word_covering(text, offset - 1)
        if before is not None and before[1] == offset:
            return before
    return found


def next_word_start(text: str, offset: int) -> int:
    """Start of the first word starting after `offset` (ctrl+right in many editors); len(text) if none."""
    offset = max(offset, 0)
    current = _word_covering(text, offset)
    match = _WORD.search(text, current[1] if current else offset)
    return match.start() if match else len(text)


def word_end(text: str, offset: int) -> int:
    """End of the word under the cursor, or of the next word (ctrl+right, end-of-word style)."""
    offset = max(offset, 0)
    current = _word_covering(text, offset)
    if current is not None:
        return current[1]
    match = _WORD.search(text, offset)
    return match.end() if match else len(text)


def prev_word_start(text: str, offset: int) -> int:
    """Start of the last word starting before `offset` (ctrl+left); 0 if none."""
    offset = min(offset, len(text))
    if offset <= 0:
        return 0
    current = _word_covering(text, offset - 1)
    if current is not None:
        return current[0]
    index = _scan_back(text, offset, _NON_WORD_RUN)
    if index == 0:
        return 0
    found = _word_covering(text, index - 1)
    return found[0] if found else index - 1


# -- tokens --------------------------------------------------------------------


def token_at(text: str, offset: int) -> tuple[int, int] | None:
    """The token under the cursor (or just before it), for one-key tagging.

    A number expression is one token: "2,000", "3.5", "$100 million",
    "$1.2 billion", "13%", "13 percent", "1990s", "500-pound", "10-year-old".
    Scale words (hundred … trillion) and a trailing % or "percent" are kept;
    other following words are not ("20 years" gives "20"). Dates are not
    joined: "Aug. 31, 2021" is "Aug", "31" and "2021". A dotted acronym is one
    token ("U.S."), and so is a hyphenated word ("IS-Khorasan", "COVID-19").
    Returns None on whitespace or punctuation not touching a token.
    """
    if not 0 <= offset <= len(text):
        return None
    start, end = line_bounds(text, offset)
    low = start
    if offset - start > _TOKEN_LOOKBACK:
        # Start tokenising at a whitespace boundary well before the cursor;
        # tokens cross at most a few spaces, so the tokenisation re-aligns.
        space = _SPACE.search(text, offset - _TOKEN_LOOKBACK, offset)
        low = space.end() if space else _scan_back(text, offset, _NON_SPACE_RUN)
    before: tuple[int, int] | None = None
    for match in _TOKEN.finditer(text, low, end):
        if match.start() > offset:
            break
        if match.end() > offset:
            return match.start(), match.end()
        if match.end() == offset:
            before = (match.start(), match.end())
    return before


# -- sentences -----------------------------------------------------------------


def is_sentence_end(text: str, match: re.Match[str], end: int) -> bool:
    """Does this terminator (see `_TERMINATOR`) end a sentence? `end`: paragraph end.

    Not after an abbreviation ("Gen.", "Aug.", "Mr."), an initial ("Lloyd J.
    Austin"), "No." before a number, or before a lowercase word; after a dotted
    acronym ("U.S.") only before a typical sentence opener or quote.
    Decimals ("3.5") never match: a terminator must be followed by whitespace.
    """
    following = _NON_SPACE.search(text, match.end(), end)
    if following is None:
        return True
    next_char = text[following.start()]
    if next_char.islower():
        return False
    if match.group(1) != ".":
        return True
    word_start = _scan_back(text, match.start(), _NON_SPACE_RUN)
    word = text[word_start : match.start()].lstrip(_OPENERS)
    if not word:
        return True
    lowered = word.lower()
    if lowered in ABBREVIATIONS:
        return False
    if lowered in NUMBER_ABBREVIATIONS and next_char.isdigit():
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False
    if _ACRONYM_CORE.fullmatch(word):
        if next_char in _OPENERS:
            return True
        starter = _WORD.match(text, following.start())
        return starter is not None and starter.group() in SENTENCE_STARTERS
    return True


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of text[start:end], trimmed, in order; a line break ends one."""
    found: list[tuple[int, int]] = []
    while True:
        newline = text.find("\n", start, end)
        found.extend(_line_sentences(text, start, end if newline < 0 else newline))
        if newline < 0:
            return found
        start = newline + 1


def _line_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    first = _NON_SPACE.search(text, start, end)
    if first is None:
        return []
    found: list[tuple[int, int]] = []
    current = first.start()
    for match in _TERMINATOR.finditer(text, current, end):
        if not is_sentence_end(text, match, end):
            continue
        found.append((current, match.end()))
        following = _NON_SPACE.search(text, match.end(), end)
        if following is None:
            return found
        current = following.start()
    found.append(trim(text, current, end))
    return found


def _paragraph_sentences(text: str, offset: int) -> list[tuple[int, int]]:
    start, end = line_bounds(text, offset)
    # A pathological one-line megabyte is cut into a window around the cursor.
    low = max(start, offset - _SENTENCE_WINDOW)
    high = min(end, offset + _SENTENCE_WINDOW)
    return _line_sentences(text, low, high)


def sentence_at(text: str, offset: int) -> tuple[int, int]:
    """The sentence holding `offset`, without surrounding whitespace.

    Whitespace after a sentence belongs to it, and leading whitespace of the
    line to the first sentence. On a blank line: the empty range (offset, offset).
    """
    offset = min(max(offset, 0), len(text))
    found = _paragraph_sentences(text, offset)
    if not found:
        return offset, offset
    best = found[0]
    for sentence in found:
        if sentence[0] > offset:
            break
        best = sentence
    return best


def next_sentence_start(text: str, offset: int) -> int:
    """First sentence start after `offset`, crossing lines; len(text) if none."""
    offset = min(max(offset, 0), len(text))
    for start, _ in _paragraph_sentences(text, offset):
        if start > offset:
            return start
    _, line_end = line_bounds(text, offset)
    following = _NON_SPACE.search(text, line_end)
    return following.start() if following else len(text)


def prev_sentence_start(text: str, offset: int) -> int:
    """Last sentence start before `offset`, crossing lines; 0 if none."""
    offset = min(max(offset, 0), len(text))
    starts = [start for start, _ in _paragraph_sentences(text, offset) if start < offset]
    if starts:
        return starts[-1]
    line_start, _ = line_bounds(text, offset)
    last = _scan_back(text, line_start, _SPACE_RUN)
    if last == 0:
        return 0
    found = _paragraph_sentences(text, last - 1)
    return found[-1][0] if found else 0


# -- paragraphs ----------------------------------------------------------------


def paragraph_at(text: str, offset: int) -> tuple[int, int]:
    """The line holding `offset`, trimmed; (x, x) on a blank line."""
    start, end = line_bounds(text, offset)
    return trim(text, start, end)


def next_paragraph_start(text: str, offset: int) -> int:
    """First non-blank character of the next non-blank line; len(text) if none."""
    offset = min(max(offset, 0), len(text))
    start, end = line_bounds(text, offset)
    first = _NON_SPACE.search(text, start, end)
    if first is not None and first.start() > offset:
        return first.start()
    following = _NON_SPACE.search(text, end)
    return following.start() if following else len(text)


def prev_paragraph_start(text: str, offset: int) -> int:
    """First non-blank character of this line if before `offset`, else of the previous non-blank line; 0 if none."""
    offset = min(max(offset, 0), len(text))
    start, end = line_bounds(text, offset)
    first = _NON_SPACE.search(text, start, end)
    if first is not None and first.start() < offset:
        return first.start()
    last = _scan_back(text, start, _SPACE_RUN)
    if last == 0:
        return 0
    previous_start, previous_end = line_bounds(text, last - 1)
    found = _NON_SPACE.search(text, previous_start, previous_end)
    return found.start() if found else 0
