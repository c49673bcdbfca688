"""Tokens and sentences of news prose: deterministic, standard library only.

The token-level exports (CoNLL) cut documents with it, and the quote ledger
reads a quote's words with it, so both see the same words.

`tokenise(text)` cuts a text into tokens (`Tokens`: their code-point
offsets `[start, end)`, each readable as a `Token`); nothing is normalised,
so `text[token.start:token.end]` is the token. Characters between tokens are
separators and belong to no token: whitespace (`str.isspace`), C0/C1 control
characters, and the invisible U+200B ZERO WIDTH SPACE, U+2060 WORD JOINER
and U+FEFF. A token therefore never holds anything `str.split()` would split
on.

A token is, tried in this order at each place:

1. a URL: `http://`, `https://` or `www.` up to the next separator, quote or
   angle bracket, without trailing punctuation (`.,;:!?)]}'`), so that the
   full stop after a link ends the sentence;
2. an e-mail address (`name@host.tld`);
3. a dotted acronym: two or more letter-and-dot pairs, "U.S.", "a.m.", as
   `annotator.prose.token_at` reads them;
4. a run of two or more full stops ("...") or of two or more hyphens ("--");
5. a CJK character: each Han ideograph, kana and CJK radical is a token of
   its own (with its combining marks and variation selectors), as is usual for
   Chinese and Japanese NER, which have no spaces to split on;
6. a word: letters and digits (`\\w` minus CJK), with combining marks and
   ZWJ/ZWNJ/soft hyphen/variation selectors inside it, so a decomposed "é"
   and a keycap "1️⃣" stay whole; an apostrophe (' or ’) between two word
   characters is inside it ("Taliban’s", "don't"), and so is `.` or `,`
   between two digits ("1,200.5", "3.5bn"; "10:30" is three tokens, as the
   `n` key reads it). Hyphens and slashes split: "IS-Khorasan" is "IS",
   "-", "Khorasan"; "500-pound" is "500", "-", "pound". Hangul, Thai and
   other scripts without ideographs make words as Latin does (a Thai run is
   not cut into words);
7. any other character: a punctuation mark, a symbol or an emoji, one token
   each: straight and curly quotation marks, "%", "$", "€", "#", "@", "—".
   Combining marks, variation selectors, skin-tone modifiers, tag
   characters and ZWJ-joined characters stay with it, so "👍🏽", "❤️" and
   the family "👨‍👩‍👧" are one token each; two regional indicators are one
   flag.

Why this cut: token edges should include the edges of the spans annotators
draw. Word motion in the editor stops at hyphens and at apostrophes on a
word's edge (annotator.prose), and the `n` key's number expressions ("$1.2
billion", "13%", "500-pound") are made of whole tokens here, so a span drawn
with the keys seldom cuts a token (one that does, say "U" of "U.S.", is
widened by the export and reported). Words keep their internal apostrophes
and number punctuation, so a model is not fed "1 , 200 . 5".

`sentence_starts(tokens)` gives the indices of the tokens that begin a
sentence, by `annotator.prose.sentences`: a sentence ends after . ! ? or …
(and closing quotes) unless an abbreviation, and never crosses a line break,
so each paragraph starts a sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from annotator.prose import APOSTROPHES, MARKS, sentences

# Characters that separate tokens and belong to none. \s covers Unicode spaces
# and the line/paragraph separators; the rest are invisible and would make a
# token line that looks empty.
_SEPARATORS = r"\s\x00-\x1f\x7f-\x9f\u200b\u2060\ufeff"
# Han, kana and CJK radicals (not the combining sound marks U+3099/U+309A, which attach).
_CJK = (
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303c\u3041-\u3096\u309d-\u309f"
    "\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003ffff"
)
# Continue a token without being one: variation selectors (also ideographic ones),
# ZWNJ/ZWJ and the soft hyphen inside words.
_VARIATIONS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_WORD_START = rf"[^\W{_CJK}]"
_WORD_CONTINUE = rf"[^\W{_CJK}]|[{MARKS}{_VARIATIONS}\u200c\u200d\u00ad]"
_WORD = (
    rf"{_WORD_START}(?:{_WORD_CONTINUE})*+"
    rf"(?:(?:[{APOSTROPHES}]|(?<=\d)[.,](?=\d)){_WORD_START}(?:{_WORD_CONTINUE})*+)*"
)
# What stays with a symbol or emoji: marks, variation selectors, skin tones, tag characters.
_ATTACHED = rf"[{MARKS}{_VARIATIONS}\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]"
_OTHER = rf"[^{_SEPARATORS}](?:{_ATTACHED}|\u200d[^{_SEPARATORS}])*"
_URL_CHAR = rf"[^{_SEPARATORS}<>\"“”‘’«»]"
_URL = rf"(?<!\w)(?:https?://|www\.){_URL_CHAR}*[^{_SEPARATORS}<>\"“”‘’«».,;:!?)\]}}']"
# Bounded like the RFC's 64-character local part and possessive (no backtracking:
# "@" is not in the run), so that trying it at every word costs a short scan.
_EMAIL = r"(?<![\w.+-])\w[\w.+-]{0,63}+@\w[\w-]{0,62}+(?:\.\w[\w-]{0,62}+)+"
_ACRONYM = r"(?:[A-Za-z]\.){2,}"
_TOKEN = re.compile(
    "|".join(
        (
            _URL,
            _EMAIL,
            _ACRONYM,
            r"\.{2,}|-{2,}",
            rf"[{_CJK}](?:[{MARKS}{_VARIATIONS}])*",
            _WORD,
            r"[\U0001f1e6-\U0001f1ff]{2}",
            _OTHER,
        )
    )
)


@dataclass(frozen=True, slots=True)
class Token:
    """One token: `text[start:end]` of the document, offsets in code points."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Tokens:
    """The tokens of a text, as two ascending lists of offsets: a 1 MB article has
    some 200,000 tokens, and the lists are what `bisect` searches."""

    text: str
    starts: list[int]
    ends: list[int]

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> Token:
        start, end = self.starts[index], self.ends[index]
        return Token(start, end, self.text[start:end])

    def __iter__(self) -> Iterator[Token]:
        return (self[index] for index in range(len(self.starts)))

    def covering(self, start: int, end: int) -> range:
        """The indices of the tokens that overlap `[start, end)` (empty if none does)."""
        return range(bisect_right(self.ends, start), bisect_left(self.starts, end))


def tokenise(text: str) -> Tokens:
    """Every token of `text`, in order (see the module docstring for the rules)."""
    found = [match.span() for match in _TOKEN.finditer(text)]
    return Tokens(text, [start for start, _ in found], [end for _, end in found])


def sentence_starts(tokens: Tokens) -> list[int]:
    """Indices of the first token of each sentence, ascending; [] if there are no tokens.

    Sentence edges fall on whitespace, which no token holds, so every token
    belongs to exactly one sentence.
    """
    if not tokens.starts:
        return []
    found = {bisect_left(tokens.starts, start) for start, _ in sentences(tokens.text, 0, len(tokens.text))}
    found.add(0)
    return sorted(index for index in found if index < len(tokens))
