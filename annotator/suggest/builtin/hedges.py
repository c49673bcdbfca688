"""Suggest `hedge` spans: words and phrases that soften or qualify a statement.

The rules (the project's guideline for hedges):

- A lexicon of hedging words and phrases (`LEXICON`), matched case-
  insensitively on word boundaries, with straight and curly apostrophes alike
  ("don't" = "don’t") and any run of spaces between words. Where phrases
  overlap, the one that starts first wins, then the longest ("it is unclear
  whether" before "unclear"); suggestions never overlap.
- Kinds: modal verbs of possibility ("may", "might", "could"), adverbs and
  adjectives of likelihood ("possibly", "perhaps", "probably", "likely",
  "unlikely", "possible"), distancing from a source ("reportedly",
  "allegedly", "alleged", "apparently", "purportedly", "so-called", "claimed
  to", "what was described as"), appearance and belief ("appears to",
  "seems", "suggests", "believed to", "thought to", "said to be", "expected
  to", "suspected"), admitted ignorance ("it remains to be seen", "we don't
  know", "it is unclear", "unclear whether", "did not rule out", "not ruling
  out"), limited scope ("in some cases", "at times", "to some extent",
  "somewhat", "at least"), and estimates ("an estimated", "or so").
- Approximators ("about", "around", "roughly", "nearly", "almost",
  "approximately", "some", "just over", "more than", "fewer than", "up to",
  "as many as", "close to") hedge only a number, so they match only directly
  before one (digits, a currency sign, a number word, "a dozen", "a year",
  "half"): "about 2,000" but not "talk about it"; "some 40 people" but not
  "some people". "We'll see" and "time will tell" hedge only before a pause
  or an open question ("We'll see.", "we'll see whether"), not in "we'll see
  a deal".
- Uses that are not hedges, where a simple rule tells:
  - "possibly" and "could" in "as many as we possibly could", "as fast as
    they could": the utmost someone did, not doubt;
  - "May" capitalised is the month or a name, unless it opens a sentence and
    no number follows ("May 5", "in May", "Theresa May");
  - "might" after a determiner or an adjective is the noun ("military
    might", "with all its might");
  - "possible" in "as soon as possible", "if possible", "where possible",
    "the best possible", "made it possible" only means "feasible";
  - "suspect(s)" after a determiner, a number or an adjective is a person
    ("the suspect", "two suspects"); "suspected" always hedges.
  "could" is otherwise always kept.
- A project's own phrases (`[suggest] hedges` in annotator.toml, given as
  `extra`) join the lexicon with the same matching rules.

One compiled pattern, a trie of every phrase's letters, scans the text once;
the exceptions look only at a few words around a match, so the work is
linear in the text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from annotator.suggest.base import Suggestion, TextSuggester
from annotator.suggest.builtin import BuiltinOptions

VERSION = "1"
LABEL = "hedge"


def _phrases(block: str) -> tuple[str, ...]:
    """Phrases written as a comma-separated block."""
    return tuple(phrase.strip() for phrase in block.split(",") if phrase.strip())


LEXICON: tuple[str, ...] = (
    # modality and likelihood
    *_phrases(
        """may, might, could, possibly, possible, perhaps, maybe, probably, probable, likely, unlikely,
        most likely, potentially, presumably, conceivably, arguably, plausibly, in theory, theoretically,
        not necessarily"""
    ),
    # distance from the source
    *_phrases(
        """reportedly, allegedly, alleged, purportedly, purported, supposedly, ostensibly, apparently,
        apparent, so-called, rumored, rumoured, unconfirmed, unverified, if confirmed, if true,
        what was described as, what were described as, claim to, claims to, claimed to, claiming to"""
    ),
    # appearance, belief, expectation
    *_phrases(
        """appears to, appeared to, appear to, it appears, it appeared, would appear, seems, seemed, seem,
        seemingly, suggests, suggest, suspected, suspect, suspects, believed to, thought to, said to be,
        reported to be, expected to, projected to, it is believed, it's believed, i think, we think,
        i believe, we believe, i suspect, we suspect"""
    ),
    # not knowing
    *_phrases(
        """it remains to be seen, remains to be seen, remain to be seen, it is unclear, it's unclear,
        it was unclear, it remains unclear, remains unclear, unclear whether, unclear if, unclear,
        it is not clear, it's not clear, it was not clear, not clear, not yet clear, uncertain,
        we don't know, we do not know, i don't know, don't know, do not know, no one knows, nobody knows,
        not sure, not certain, unsure, aren't sure, isn't sure, wasn't sure, weren't sure, hard to say,
        difficult to say, too early to say, too early to tell, no way of knowing, as far as we know,
        to our knowledge"""
    ),
    # limited scope and estimates
    *_phrases(
        """in some cases, at times, to some extent, to a certain extent, to some degree, in some ways,
        somewhat, sometimes, at least, for now, for the time being, an estimated, estimated, or so"""
    ),
)

# Hedge only a number that follows directly: "about 2,000", "nearly half".
APPROXIMATORS: tuple[str, ...] = _phrases(
    """about, around, roughly, nearly, almost, approximately, some, just over, just under, more than,
    fewer than, less than, up to, as many as, as much as, upwards of, close to"""
)

# Hedge only before a pause or an open question: "We'll see." and "we'll see
# whether ...", but not "we'll see a deal".
WAIT_AND_SEE: tuple[str, ...] = ("we'll see", "we will see", "we shall see", "time will tell")


def _ruling_out() -> tuple[str, ...]:
    """ "did not rule out", "wouldn't rule it out", "has not ruled out", "not ruling out" ..."""
    negations = [
        *(f"{aux} not" for aux in ("did", "does", "do", "would", "will", "could", "can", "has", "have", "had")),
        *("didn't doesn't don't wouldn't won't couldn't can't cannot hasn't haven't hadn't".split()),
    ]
    found = ["not ruling out", "not ruled out", "not rule out", "never ruled out"]
    for negation in negations:
        verb = "ruled" if negation.startswith(("has", "have", "had")) else "rule"
        found += [f"{negation} {verb} out", *(f"{negation} {verb} {it} out" for it in ("it", "that", "anything"))]
    return tuple(found)


_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|"
    "million|billion|trillion|dozen|half|twice|double|triple|dozens|hundreds|thousands|millions|billions"
)
_A_QUANTITY = (
    "dozen|hundred|thousand|million|billion|trillion|half|third|quarter|fifth|tenth|"
    "year|month|week|day|decade|century|hour|minute|mile|foot|percent"
)
# What a number looks like just after an approximator.
_NUMBER_AHEAD = (
    r"(?=[^\S\n]+(?:(?:US|A|C|HK|NZ)?[$€£¥₹]|\d|\.\d"
    rf"|(?:{_NUMBER_WORDS})(?![\w'’])|an?[^\S\n]+(?:{_A_QUANTITY}|estimated)(?![\w'’])"
    r"|an[^\S\n]+hour(?![\w'’])))"
)
_PAUSE_AHEAD = r"(?=[^\S\n]*(?:[.,;:!?…\"”’)—–-]|$)|[^\S\n]+(?:if|whether|how|what|who|when)\b)"
_LEFT = r"(?<!\w)(?<!\w['’])"
_RIGHT = r"(?!\w|['’]\w)"

_DETERMINERS = frozenset(
    "the a an this that these those its his her their our my your one each every any no another "
    "all full sheer whose".split()
)
# Adjectives that make "might" the noun: "military might".
_MIGHT_ADJECTIVES = frozenset(
    "military economic naval industrial financial nuclear political technological american russian "
    "chinese western soviet".split()
)
# Words before "suspect(s)" that make it a person: "the main suspect", "two suspects".
_SUSPECT_NOUN_BEFORE = frozenset(
    "main prime key chief lead primary lone possible potential other second third first alleged "
    "murder shooting terror terrorist bombing attack two three four five several many".split()
)
_POSSIBLE_IDIOM = re.compile(
    r"(?i:\b(?:as[^\S\n]+(?:\w+[^\S\n]+){1,2}as|if|where|wherever|whenever|when|best|worst|greatest|"
    r"highest|lowest|fastest|every|all|(?:make|makes|made|making)(?:[^\S\n]+(?:it|this|that|them))?))"
    r"[^\S\n]+\Z"
)
_PREVIOUS_WORD = re.compile(r"([\w'’-]+)\W*?[^\S\n]*\Z")
# "as many people out as we (possibly) could": a comparison with "as ... as" and a subject.
_AS_AS = re.compile(
    r"(?i:\bas[^\S\n]+(?:[\w'’-]+[^\S\n]+){1,4}as[^\S\n]+(?:[\w'’-]+[^\S\n]+){0,2}?(?:possibly[^\S\n]+)?)\Z"
)
_MODAL_AHEAD = re.compile(r"[^\S\n]+(?i:can|could)\b")
_DIGIT_AHEAD = re.compile(r"[^\S\n]+\d")
_LOOK = 40  # characters looked at before a match
_END = ""  # the trie key that marks the end of a phrase
_CHAR_PATTERNS = {" ": r"[^\S\n]+", "'": "['’]"}  # any spaces; either apostrophe


# -- entry points ----------------------------------------------------------------------


def find_hedges(text: str, extra: Sequence[str] = ()) -> list[Suggestion]:
    """The hedge spans of `text`, sorted and without overlaps; `extra` adds phrases to the lexicon."""
    pattern = _pattern(tuple(extra))
    found: list[Suggestion] = []
    for match in pattern.finditer(text):
        if not _is_other_use(text, match):
            found.append(Suggestion(match.start(), match.end(), LABEL))
    return found


def suggester(options: BuiltinOptions) -> TextSuggester:
    """The built-in `hedges` suggester, with the project's own phrases.

    A project's phrases change what it finds, so they are part of its version:
    "1+" and a digest of the phrases ("1+3f9a0c2d"), the same for the same set in
    any order. Stored suggestions of another lexicon are then found again, not
    kept as if nothing had changed."""
    extra = tuple(options.hedges)
    return TextSuggester("hedges", lexicon_version(extra), lambda text: find_hedges(text, extra))


def lexicon_version(extra: tuple[str, ...]) -> str:
    """VERSION alone without project phrases, else VERSION + "+" + 8 hex digits of their digest."""
    if not extra:
        return VERSION
    digest = hashlib.sha256("\n".join(sorted(set(extra))).encode("utf-8")).hexdigest()
    return f"{VERSION}+{digest[:8]}"


# -- the pattern -------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _pattern(extra: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for every phrase: a trie of their letters, so each position costs a step or two.

    At every node the longer continuations are tried before the phrase that
    ends there, so the longest phrase at a position wins; if its end is not a
    word boundary, the regex falls back to a shorter one.
    """
    ahead: dict[str, str] = {}  # phrase -> what must follow it ("" for anything)
    for phrase in (*LEXICON, *_ruling_out(), *extra):
        if key := _key(phrase):
            ahead[key] = ""
    for phrases, condition in ((APPROXIMATORS, _NUMBER_AHEAD), (WAIT_AND_SEE, _PAUSE_AHEAD)):
        for phrase in phrases:
            ahead.setdefault(_key(phrase), condition)
    trie: dict = {}
    for key, condition in ahead.items():
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[_END] = condition
    return re.compile(_LEFT + _render(trie), re.IGNORECASE)


def _key(phrase: str) -> str:
    """A phrase as the trie holds it: lower case, one space between words, one kind of apostrophe."""
    return " ".join(phrase.lower().replace("’", "'").split())


def _render(node: dict) -> str:
    """The regex for a trie node: its continuations, longest first, then the phrase ending here."""
    branches = [_CHAR_PATTERNS.get(char, re.escape(char)) + _render(node[char]) for char in node if char != _END]
    if _END in node:
        branches.append(_RIGHT + node[_END])
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


# -- uses that are not hedges ----------------------------------------------------------------


def _is_other_use(text: str, match: re.Match[str]) -> bool:
    word = match.group().lower()
    if word == "may":
        return _is_month_may(text, match)
    if word == "might":
        return _previous(text, match.start()) in _DETERMINERS | _MIGHT_ADJECTIVES
    if word in {"possibly", "could"} and _is_utmost(text, match, word):
        return True
    if word == "possible":
        return _POSSIBLE_IDIOM.search(text, max(0, match.start() - _LOOK), match.start()) is not None
    if word in {"suspect", "suspects"}:
        previous = _previous(text, match.start())
        return previous in _DETERMINERS | _SUSPECT_NOUN_BEFORE or (previous or "").isdigit()
    return False


def _is_utmost(text: str, match: re.Match[str], word: str) -> bool:
    """ "as many as we possibly could", "as fast as they could": doing one's utmost, not a hedge."""
    before = _AS_AS.search(text, max(0, match.start() - _LOOK - 20), match.start())
    if before is None:
        return False
    if word == "possibly":
        return _MODAL_AHEAD.match(text, match.end()) is not None
    return True


def _is_month_may(text: str, match: re.Match[str]) -> bool:
    """ "May 5", "in May", "Theresa May": the month or a name, not the modal."""
    if not match.group()[0].isupper():
        return False
    if _DIGIT_AHEAD.match(text, match.end()):
        return True
    return not _sentence_initial(text, match.start())


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - _LOOK) : start].rstrip(" \t\u00a0\"'“‘(")
    return not before or before[-1] in "\n.!?:;…—–"


def _previous(text: str, start: int) -> str | None:
    found = _PREVIOUS_WORD.search(text, max(0, start - _LOOK), start)
    return found.group(1).lower() if found else None


def lexicon(extra: Iterable[str] = ()) -> list[str]:
    """Every phrase matched (approximators only before a number, "we'll see" only before a pause)."""
    return sorted({*LEXICON, *_ruling_out(), *APPROXIMATORS, *WAIT_AND_SEE, *extra})
