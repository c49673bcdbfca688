"""Built-in suggester "quotes": quotations in news text, with their speaker.

Every suggestion is labelled ``quote``; ``attributes`` is ``{"speaker": NAME}``
when the attribution names a source, else ``{}``. Offsets are code points,
half-open, and the result is sorted by ``(start, end)``.

What is found
-------------
1. Direct quotations. A span runs from the opening mark to the closing mark,
   both included, so punctuation inside the closing mark belongs to it
   (``“It’s possible,”``). Marks are straight (``"``) or curly (``“ ”``).
   A single-quoted stretch is a quotation only outside double quotes: it
   opens with ``‘`` (or ``'`` at a word start, before a letter) and closes
   with ``’`` (or ``'``) not followed by a letter or digit, because ``’`` is
   also the apostrophe of ``don’t``, ``Taliban’s`` and ``’90s``. A closing
   ``s’`` before a lower-case word may be a plural possessive (``the
   workers’ money``), so it closes only if no plainer closing mark follows
   in the paragraph. Single quotes inside double quotes stay inside the outer
   span (one span), and double quotes inside a single-quoted headline
   quotation likewise.
2. Quotations over several paragraphs. In news style a paragraph that ends
   inside a quotation leaves it open and the next paragraph reopens it with a
   quotation mark: one span, from the first opening mark to the final
   closing mark. An opening mark never closed that way is dropped.
3. A quotation split by its attribution (``“We don’t know,” Reyes said,
   “what comes next.”``) is two spans with the same speaker.
4. Reported speech: the reported clause of a clear reporting verb (say, tell,
   add, warn, caution, urge, stress, note, argue, claim, insist, explain,
   write, acknowledge, confirm, report, ...; and believe, think, suspect,
   fear, expect) whose subject is a source, or of "according to":

   - ``Officials said (that) the bridge was unsafe.`` -> the clause after the
     verb, without "that", a time phrase (``said Thursday``) or the object of
     "told" (``told reporters``);
   - ``The bridge carries 40,000 cars, according to the city.`` and
     ``The bridge was unsafe, Porter said.`` -> the clause before the
     attribution, without a leading connective ("However,", "But");
   - ``Officials cautioned against expecting help.`` -> warn, caution and
     urge followed, within a few words, by against / of / to / about take a
     phrase, not a clause: the span runs from the verb to the end of the
     sentence, because the verb is part of what was said ("cautioned against
     ...", "urged citizens to ..."). The same verbs with "that" take the clause.

   Without "that" a clause must open like one (a determiner, pronoun, name,
   number, "there", or a bare noun whose verb follows within a word or two)
   and show a finite verb near its start (an auxiliary, a modal, a negated or
   past-tense verb), so ``claimed responsibility for the attack`` is not
   speech. A clause framed by a closing attribution or by "according to"
   needs only three words: the frame leaves no doubt, and present tenses
   ("carries") bear no mark a rule could see. A short direct quotation
   inside a reported clause is part of the clause's span, and a clause that
   holds one after an introductory phrase (``Given the damage, “it is
   possible” that ..., Porter said``) starts at the quotation. At most one
   reported span per sentence, and none in headlines, whose compressed
   grammar says little about what was said.

What is left out
----------------
- Scare quotes: one or two quoted words with no attribution in their
  sentence (``the so-called “moderate” faction``). With an attribution in the
  same sentence or headline (``Ruiz calls the plan ‘reckless’``) they are kept.
- Names of works and slogans: a quotation after "titled", "entitled",
  "dubbed", "headlined", or in title case (``signs reading “Hands Off Our
  Parks”``) with no attribution in its sentence.
- A nickname inside a name (``Robert “Bobby” Keane``), and quotation marks
  with no word inside.
- Anything inside a direct quotation: quotations are opaque, so a "said"
  inside one never makes reported speech, and sentences are split around
  them.
- Reported clauses after an attribution that follows a quotation (``“...,”
  he said``): the quotation is what was said.
- Passive, infinitive and negated uses of a verb (``was said to be``,
  ``declined to say``, ``did not say``) and subjects that are not sources
  (``those who think``, ``the law``).

How the speaker is chosen
-------------------------
- The attribution of a quotation is a reporting verb in its own sentence,
  outside quotations, with its subject: ``X said``, ``said X``, ``X says``,
  ``according to X``, ``X told reporters``, ``X added``, ``X wrote``,
  ``X, the director of ..., said``, ``X, 52, who ..., said``, ``X: “...”``,
  and, for direct quotations only, frame verbs (asked, called, described,
  replied, ...). With several in a sentence the nearest one after the
  quotation wins (``“...,” X said`` is the usual order), else the nearest
  one before it.
- A subject is a source: a name, he / she / they, a noun phrase headed by a
  word for people who speak (official, spokesman, expert, analyst, witness,
  ...), for an institution (police, ministry, company, agency, ...) or for a
  document that news cites (statement, report, indictment, ...).
- Without an attribution in its sentence: the nearest attribution of an
  earlier sentence of the paragraph, else of a later one (``“...” “...,” X
  said``); else the speaker of the span just before it in the same or the
  previous paragraph (consecutive quotes keep their speaker); else none.
- A headline quotation with no attribution in the headline takes the speaker
  of the first later body quotation containing the same words (headlines
  quote the article); a one- or two-word headline quotation found nowhere
  below is a scare quote.
- Names: titles, roles and department words before a name are dropped, up to
  the last of them (``Defense Secretary Lloyd Austin``, ``Army Gen. Ruth
  Okafor``, ``Assistant Secretary of State for Consular Affairs Omar
  Haddad``, ``U.N. Secretary-General Ines Moreau``, and abbreviated titles
  with a capital inside, ``SecDef Austin``), and so are nicknames. An
  affiliation after a full name is dropped (``Ken Moore of Bernstein``), and
  a name in apposition is the speaker (``The ministry’s spokesman, Ali
  Hassan, said``). Particles stay (``Ursula von der Leyen``).
- A name of one word (``Vasquez said``) resolves to the last full name with
  that surname before it, else the first one after it (a headline comes
  before the full name); with none it stays as written (``Reuters``). An
  organisation stays as written (``the UN``, ``the State Department``).
- ``he`` / ``she`` resolve to the last person named outside quotations
  before them (named with a title, as a speaker, or by a known surname);
  ``they`` to the last group that spoke.
- Groups are as written without a quantifier (``Some analysts`` gives
  ``analysts``; ``U.S. officials``, ``the UN``, ``officials at the bank``).
- A described but unnamed source (``a military official``, ``one U.S.
  official, who spoke on condition of anonymity``, ``a spokeswoman for the
  mayor``) gives ``unnamed military official`` / ``unnamed U.S. official`` /
  ``unnamed spokeswoman for the mayor``: the description without its
  article, prefixed "unnamed". A later definite reference (``the official
  added``) is the last source described with that noun, or named with that
  title or role (``the chief`` after ``Police Chief Maria Gonzalez``).

Cost
----
Linear in the text: regexes are precompiled and never nest quantifiers over
the same characters; quotation marks are scanned once with no rescan after a
stray mark; each paragraph is read once for its sentences, names and verbs;
an attribution looks at most a couple of hundred characters around its verb;
work per run-on sentence is capped.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotator.names import (
    ABBREVIATED_TITLES,
    BODY_NOUNS,
    DEPARTMENTS,
    INDEFINITES,
    NAME_PARTICLES,
    ORGANISATION_ENDS,
    PERSON_NOUNS,
    PLURAL_PERSONS,
    QUANTIFIERS,
    SUFFIXES,
    SURNAME_PREFIXES,
    TITLES,
)
from annotator.prose import ABBREVIATIONS, is_sentence_end
from annotator.suggest.base import Suggestion, TextSuggester
from annotator.suggest.builtin import BuiltinOptions

VERSION = "1"
LABEL = "quote"

# -- lexicons --------------------------------------------------------------------
# Lower-case word lists. They describe how news prose attributes speech, and
# nothing of any one article. The words for names, titles and sources are
# annotator.names, shared with the quote ledger.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DETERMINERS = INDEFINITES | QUANTIFIERS | {"the"}
_PRONOUNS = {"he": "person", "she": "person", "they": "group"}
# Before a verb: auxiliaries and adverbs between the subject and the verb.
_PRE_VERB = _words(
    """also has have had will would could may might should must can did does do once again just even
    later then already still often first yet reportedly previously repeatedly recently publicly
    privately separately earlier"""
)
_BE = _words("is are was were be been being am 's ’s")
_NEGATIONS = _words("not never n't n’t no")
# Sentence-initial words that join a sentence to the last; never part of a name.
_CONNECTIVES = _words(
    """but and or so yet still however meanwhile specifically now then also instead indeed moreover
    separately later earlier today yesterday asked when while after before in on at for as if since
    although though because the a an this that these those some many most other both it he she they
    we i his her their its our there here thus still nevertheless nonetheless additionally further
    furthermore similarly likewise finally first second third last next despite given with without"""
)
_TIME_WORDS = _words(
    """monday tuesday wednesday thursday friday saturday sunday january february march april june
    july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    today yesterday tonight tomorrow"""
)
# Words that may follow an attribution at the end of a sentence ("said Wednesday",
# "told reporters at the Pentagon", "said in a statement").
_ADVERBIAL_OPENERS = _words(
    """on in at during this last earlier later after before while when as via through from to
    recently previously again adding citing using noting referring speaking who which according
    late early about of"""
    + " "
    + " ".join(_TIME_WORDS)
)
_FUNCTION_WORDS = _words(
    """the a an and or but nor of in on at for with by from to into onto than that which who whom
    whose when where while as if because since although though is are was were be been being has have
    had will would could can shall should may might must do does did not no also there those these
    this it its they them their he him his she her we us our i me my you your what how why"""
)
_TIME_LEADS = _words("on last this next early late")
_TIME_NOUNS = _TIME_WORDS | _words("week month year night morning afternoon evening weekend")
_CLAUSE_OPENERS = _words("there it he she they we this these those its his her their our no any such")
_TITLE_INTRODUCERS = _words("titled entitled dubbed headlined nicknamed")
_OBJECTS = _words("him her them us me reporters journalists lawmakers listeners viewers readers congress parliament")
_PREPOSITIONS = _words("for at from of with in")
_NOT_SURNAMES = SUFFIXES | NAME_PARTICLES
_PHRASE_VERBS = _words(
    "warn warns warned caution cautions cautioned urge urges urged"
)  # + against/of/to: the span starts at the verb
_PHRASE_PREPOSITIONS = _words("against of to about")
_TELL_VERBS = _words("tell tells told")
_INVERTIBLE = _words("say says said add adds added write writes wrote explain explains explained note notes noted")
_FRAME_VERBS = (
    r"ask(?:s|ed)?|call(?:s|ed)?|describe[sd]?|repl(?:y|ies|ied)|respond(?:s|ed)?|continue[sd]?"
    r"|tweet(?:s|ed)?|recall(?:s|ed)?|interject(?:s|ed)?|quip(?:s|ped)?|exclaim(?:s|ed)?"
)
_REPORTING_VERBS = (
    r"say|says|said|tell|tells|told|add|adds|added|warn(?:s|ed)?|caution(?:s|ed)?|stress(?:es|ed)?"
    r"|note[sd]?|argue[sd]?|claim(?:s|ed)?|insist(?:s|ed)?|explain(?:s|ed)?|write|writes|wrote"
    r"|acknowledge[sd]?|admit(?:s|ted)?|announce[sd]?|confirm(?:s|ed)?|stated|assert(?:s|ed)?"
    r"|maintain(?:s|ed)?|contend(?:s|ed)?|predict(?:s|ed)?|report(?:s|ed)?|urge[sd]?|emphasi[sz]e[sd]?"
    r"|concede[sd]?|allege[sd]?|declare[sd]?|testif(?:y|ies|ied)|estimate[sd]?"
    r"|believe[sd]?|think|thinks|thought|suspect(?:s|ed)?|fear(?:s|ed)?|expect(?:s|ed)?"
    r"|assess(?:es|ed)?|conclude[sd]?"
)

# -- regexes ---------------------------------------------------------------------


def _upper_class() -> str:
    """A regex class of the upper-case letters of the alphabetic scripts (Latin, Greek, Cyrillic, ...)."""
    ranges: list[str] = []
    start = previous = -2
    for code in [code for code in range(0x41, 0x2000) if chr(code).isupper()] + [-1]:
        if code != previous + 1:
            if start >= 0:
                ranges.append(chr(start) if start == previous else f"{chr(start)}-{chr(previous)}")
            start = code
        previous = code
    return "".join(ranges)


_UPPER = _upper_class()

_MASK = "\ue000"  # stands in for the inside of a quotation: not a word, not a space
_DOUBLE_MARKS = re.compile('["“”\n]')
# A mark between two word characters (don’t, Taliban’s) can neither open nor close:
# skipped by the regex, not by Python. The look-behind comes after the mark so
# the engine can still jump from mark to mark.
_SINGLE_MARKS = re.compile(r"['‘’](?:(?!\w)|(?<!\w.))|\n")
_NON_SPACE = re.compile(r"\S")
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")
_THREE_WORDS = re.compile(r"\w+(?:[’'-]\w+)*\W+\w+(?:[’'-]\w+)*\W+\w")
_TERMINATOR = re.compile(r"([.!?…]+)([\"'”’»)\]]*)(?=\s|\Z)")
# Run on the lower-cased text (far faster than re.IGNORECASE), from the space
# before the verb: a literal first character lets the regex engine skip ahead.
_VERB_ALTERNATIVES = rf"(?:(according\s+to)|({_REPORTING_VERBS})|({_FRAME_VERBS}))(?![\w’'-])"
_VERB = re.compile(rf"\s{_VERB_ALTERNATIVES}")
_VERB_AT_START = re.compile(_VERB_ALTERNATIVES)
# Tokens for reading an attribution: a masked quotation, a nickname in quotes,
# a word (dots inside for "U.S.", a final dot kept for now), or one other character.
_TOKEN = re.compile(rf"{_MASK}+|[“\"‘]\w[\w’'.-]*[”\"’]|\w(?:[\w’'&.-]*\w)?\.?|[^\s\w]")
# A finite verb: an auxiliary or modal, a negated or contracted verb, a past tense.
_FINITE = re.compile(
    r"(?i)(?<![\w’'-])(?:is|are|was|were|be|been|has|have|had|will|would|can|could|shall|should|may"
    r"|might|must|do|does|did|am|remains?|seems?|appears?)(?![\w’'-])"
    r"|\w(?:n[’']t|[’'](?:re|ll|ve|d))(?!\w)|(?<![\w’'-])\w{2,}ed(?![\w’'-])"
)
_NAME_PART = rf"[{_UPPER}][\w’'.&-]*"
# Two or more capitalised words (with particles and quoted nicknames): where titled names are.
_NAME_RUN = re.compile(
    rf"{_NAME_PART}(?:[ \t]+(?:{_NAME_PART}|[“\"][{_UPPER}][\w’'-]*[”\"]"
    rf"|(?:{'|'.join(sorted(NAME_PARTICLES))})(?=[ \t]+[{_UPPER}])))+"
)
_CONNECTIVE_START = re.compile(r"(?:(?:But|And|Yet|So|Or)\s+|[A-Z][a-z]+,\s+)")
_TRAILING_PUNCTUATION = frozenset(".,!?…;:’'\"”")
_OPENING_MARKS = frozenset("“\"‘'")
_CLOSING_MARKS = frozenset("”\"’'")

_SHORT_WINDOW = 40  # most subjects are this close to their verb
_TITLE_PHRASE = 120  # at most this between a clause's comma and its attribution (`Chairman of the Joint Chiefs`)
_FINITE_REACH = 120  # a clause's verb is this close to its start
_CLAUSE_TRIES = 3  # attributions tried for a reported clause, per sentence
_WINDOW = 160  # how far an attribution's subject may lie from its verb, in characters
_AFTER_WINDOW = 100  # a subject after its verb (`said Bill Roggio, a fellow at ...`)
_COMPLEMENT_WINDOW = 60  # how much after a verb is read to see what follows it
_HEADLINE_LENGTH = 250
_HEADLINE_LOOKAHEAD = 80  # body spans searched for the words of a headline quotation


# -- records ---------------------------------------------------------------------
# Not frozen: a frozen dataclass sets each field through object.__setattr__,
# several times slower, and these are made by the thousand on a long text.


@dataclass(slots=True)
class Span:
    """A half-open range of code points."""

    start: int
    end: int


@dataclass(slots=True)
class Token:
    """A word or punctuation mark of the masked text."""

    text: str
    start: int
    end: int
    lower: str


@dataclass(slots=True)
class Verb:
    """A reporting verb (say, warn, believe ...), "according to" or a frame verb (ask, call ...)."""

    start: int
    end: int
    word: str  # lower case
    kind: str  # "reporting", "according" or "frame"


@dataclass(slots=True)
class Source:
    """Who is quoted. `person` names may be one word, resolved at the end; `pronoun` too."""

    kind: str  # "person", "group", "unnamed" or "pronoun"
    name: str
    offset: int


@dataclass(slots=True)
class Subject:
    """A source and where its words are in the text."""

    source: Source
    start: int
    end: int
    roles: tuple[str, ...] = ()  # nouns that may refer back to it: "general", "official"


@dataclass(slots=True)
class Attribution:
    """A reporting verb with its subject."""

    source: Source
    start: int  # of the subject or the verb, whichever comes first
    end: int  # of the subject or the verb, whichever comes last
    verb: Span
    verb_word: str
    subject: Span
    inverted: bool  # "said X" or "according to X"
    reporting: bool  # can introduce reported speech (not a frame verb like "asked")
    quote_tail: bool  # right after a quotation (`“...,” he said`): that quotation is what was said


@dataclass(slots=True)
class Candidate:
    """A span on its way to becoming a suggestion."""

    start: int
    end: int
    block: int
    sentence: int
    short: bool  # one or two words
    reported: bool = False
    headline: bool = False
    source: Source | None = None
    own: bool = False  # attribution found in its own sentence
    dropped: bool = False


@dataclass(slots=True)
class Registry:
    """What the article has said about its people so far, for resolving references."""

    full_names: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # surname -> (offset, name)
    mentions: list[tuple[int, str]] = field(default_factory=list)  # persons named outside quotations
    groups: list[tuple[int, Source]] = field(default_factory=list)
    roles: dict[str, Source] = field(default_factory=dict)  # "official" -> its last holder

    def note(self, subject: Subject) -> None:
        """Remember a subject once it is known to attribute something."""
        source = subject.source
        if source.kind == "person":
            self.person(source.name, source.offset)
        elif source.kind == "group":
            self.groups.append((source.offset, source))
        for role in subject.roles:
            self.roles[role] = source

    def person(self, name: str, offset: int) -> None:
        parts = [part for part in name.split() if part.lower() not in _NOT_SURNAMES]
        if len(parts) >= 2:
            self.full_names.setdefault(parts[-1], []).append((offset, name))
        self.mentions.append((offset, name))

    def note_surnames(self, masked: str) -> None:
        """Every known surname outside quotations is a mention of that person, for "he" and "she".

        One regex of the surnames over the whole text once the article has been
        read, rather than a look at every capitalised word as it is read.
        """
        if not self.full_names:
            return
        names = "|".join(sorted(map(re.escape, self.full_names), key=len, reverse=True))
        # No look-behind before the names: it would keep the engine from skipping ahead.
        for match in re.finditer(rf"(?:{names})(?![\w’'-])", masked):
            start = match.start()
            if start == 0 or not (masked[start - 1].isalnum() or masked[start - 1] in "_’'-"):
                self.mentions.append((start, match.group()))

    def finish(self) -> None:
        self.mentions.sort()
        self.groups.sort(key=lambda item: item[0])
        for entries in self.full_names.values():
            entries.sort()

    def resolve(self, source: Source | None) -> str | None:
        if source is None:
            return None
        if source.kind == "pronoun":
            return self._pronoun(source)
        if source.kind == "person":
            return self._full_name(source.name, source.offset)
        return source.name

    def _pronoun(self, source: Source) -> str | None:
        if source.name == "group":
            index = bisect.bisect_left(self.groups, source.offset, key=lambda item: item[0])
            return self.groups[index - 1][1].name if index else None
        index = bisect.bisect_left(self.mentions, (source.offset, ""))
        if not index:
            return None
        offset, name = self.mentions[index - 1]
        return self._full_name(name, offset)

    def _full_name(self, name: str, offset: int) -> str:
        parts = [part for part in name.split() if part.lower() not in NAME_PARTICLES]
        if len(parts) != 1:
            return name
        entries = self.full_names.get(parts[0])
        if not entries:
            return name
        # The last full name before the reference, else the first after it.
        index = bisect.bisect_right(entries, (offset, "\U0010ffff"))
        return entries[index - 1][1] if index else entries[0][1]


@dataclass(frozen=True, slots=True)
class Document:
    """The text being read, its masked and lower-cased forms, its quotations and what is known of its people."""

    text: str
    masked: str  # quotations blanked out, see `_mask`
    lowered: str  # `masked` lower-cased, same offsets
    quotes: list[Span]
    quote_starts: list[int]
    registry: Registry


# -- the suggester -----------------------------------------------------------------


def suggester(options: BuiltinOptions) -> TextSuggester:
    """The quotes suggester; it has no options."""
    return TextSuggester("quotes", VERSION, find_quotes)


def find_quotes(text: str) -> list[Suggestion]:
    """Direct quotations and reported speech in `text`, sorted by (start, end)."""
    quotes = direct_quotations(text)
    masked = _mask(text, quotes)
    lowered = masked.lower()
    if len(lowered) != len(masked):  # a few letters lower-case to two code points ("İ")
        lowered = "".join(char.lower()[0] for char in masked)
    document = Document(text, masked, lowered, quotes, [quote.start for quote in quotes], Registry())
    candidates: list[Candidate] = []
    for block, line in enumerate(_blocks(masked)):
        candidates.extend(_BlockReader(document, line, block).read())
    _resolve_headlines(text, candidates)
    _fall_back_across_paragraphs(candidates)
    registry = document.registry
    registry.note_surnames(masked)
    registry.finish()
    found = []
    for candidate in candidates:
        if candidate.dropped:
            continue
        speaker = registry.resolve(candidate.source)
        found.append(Suggestion(candidate.start, candidate.end, LABEL, {"speaker": speaker} if speaker else {}))
    found.sort(key=lambda s: (s.start, s.end))
    return found


# -- direct quotations -------------------------------------------------------------


def direct_quotations(text: str) -> list[Span]:
    """Every direct quotation, sorted: doubles (over paragraphs), top-level singles, no nicknames."""
    doubles = _double_quotes(text)
    singles = _single_quotes(text, doubles)
    merged = _nest(doubles, singles)
    return [span for span in merged if _has_word(text, span) and not _is_nickname(text, span)]


def _double_quotes(text: str) -> list[Span]:
    """Double quotations. One pass over the marks; a stray opener never causes a rescan."""
    found: list[Span] = []
    opened = -1
    reopen = -1  # the mark that reopens a quotation continued into the next paragraph
    for mark in _DOUBLE_MARKS.finditer(text):
        i = mark.start()
        char = text[i]
        if char == "\n":
            if opened >= 0 and reopen < i:
                reopen = _reopening_mark(text, i)
                if reopen < 0:
                    opened = -1  # never closed and not continued: not a quotation
            continue
        if i == reopen:
            reopen = -1
            continue
        if char == "”":
            if opened >= 0:
                found.append(Span(opened, i + 1))
                opened = -1
        elif char == "“":
            opened = i  # a second opener means the first was stray
        elif opened < 0:
            if i == 0 or not text[i - 1].isalnum():  # 5'11" is not an opening mark
                opened = i
        elif text[i - 1].isspace():
            opened = i  # `" ` at a word start opens; the earlier one was stray
        else:
            found.append(Span(opened, i + 1))
            opened = -1
    return found


def _reopening_mark(text: str, newline: int) -> int:
    """Where the next paragraph reopens a quotation (its first character is a mark), else -1."""
    following = _NON_SPACE.search(text, newline)
    if following is not None and text[following.start()] in '“"':
        return following.start()
    return -1


def _single_quotes(text: str, doubles: Sequence[Span]) -> list[Span]:
    """Single quotations outside double ones, within a paragraph; apostrophes are skipped.

    `s’ ` before a lower-case word may be a plural possessive (`the workers’
    money`) as well as a closing mark: it closes only if no plainer closing
    mark follows in the paragraph.
    """
    found: list[Span] = []
    opened = tentative = -1
    inside = 0  # index of the first double quotation not yet passed
    for mark in _SINGLE_MARKS.finditer(text):
        i = mark.start()
        while inside < len(doubles) and doubles[inside].end <= i:
            inside += 1
        if inside < len(doubles) and doubles[inside].start <= i:
            continue  # nested inside a double quotation: part of it
        char = text[i]
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if char == "\n" or (char == "‘" and _opens_single(char, before, after)):
            if tentative >= 0:
                found.append(Span(opened, tentative + 1))
            opened = i if char != "\n" else -1
            tentative = -1
        elif opened < 0:
            if _opens_single(char, before, after):
                opened = i
        elif char != "‘" and _closes_single(before, after):
            if before == "s" and after == " " and text[i + 2 : i + 3].islower():
                tentative = i if tentative < 0 else tentative
                continue
            found.append(Span(opened, i + 1))
            opened = tentative = -1
    if tentative >= 0:
        found.append(Span(opened, tentative + 1))
    return found


def _opens_single(char: str, before: str, after: str) -> bool:
    if char == "‘":
        # "‘90s" is a misprinted apostrophe, "don‘t" too.
        return not before.isalnum() and not after.isspace() and not after.isdigit()
    if char == "'":
        return (before.isspace() or before in '([{—–-“"') and after.isalpha()
    return False  # ’ never opens


def _closes_single(before: str, after: str) -> bool:
    # ’ followed by a letter or digit is an apostrophe: don’t, Taliban’s.
    return not before.isspace() and not after.isalnum()


def _nest(doubles: list[Span], singles: list[Span]) -> list[Span]:
    """All quotations, sorted, without doubles inside a single (‘He said “no”’ is one span)."""
    if not singles:
        return doubles
    kept: list[Span] = []
    index = 0
    for double in doubles:
        while index < len(singles) and singles[index].end <= double.start:
            index += 1
        enclosed = index < len(singles) and singles[index].start < double.start and double.end <= singles[index].end
        if not enclosed:
            kept.append(double)
    return sorted(kept + singles, key=lambda span: span.start)


def _has_word(text: str, span: Span) -> bool:
    return _WORD.search(text, span.start, span.end) is not None


def _is_nickname(text: str, span: Span) -> bool:
    """`Kenneth “Frank” McKenzie`: one capitalised word in quotes between two parts of a name."""
    inner = text[span.start + 1 : span.end - 1]
    if not inner[:1].isupper() or not inner.replace("-", "").isalpha():
        return False
    if span.start < 2 or span.end + 1 >= len(text):
        return False
    if text[span.start - 1] != " " or text[span.end] != " " or not text[span.end + 1].isupper():
        return False
    previous = text[max(0, span.start - 40) : span.start - 1].split()
    return bool(previous) and previous[-1][:1].isupper()


def _mask(text: str, quotes: Sequence[Span]) -> str:
    """`text` with each quotation's inside blanked out, keeping its marks and final punctuation.

    Every later rule reads the masked text, so nothing inside a quotation is
    taken for a verb, a name or a sentence end, while `,”` and `.”` still
    show how the quotation ends its clause.
    """
    parts: list[str] = []
    last = 0
    for quote in quotes:
        keep = quote.end - 1
        while keep > quote.start + 1 and text[keep - 1] in _TRAILING_PUNCTUATION:
            keep -= 1
        parts.append(text[last : quote.start + 1])
        parts.append(_MASK * (keep - quote.start - 1))
        last = keep
    parts.append(text[last:])
    return "".join(parts)


def _blocks(masked: str) -> Iterable[Span]:
    """Paragraphs: lines with something on them. A continued quotation is masked, so it joins its lines."""
    for line in _LINE.finditer(masked):
        first = _NON_SPACE.search(masked, line.start(), line.end())
        if first is not None:
            yield Span(first.start(), line.end())


# -- one paragraph -----------------------------------------------------------------


class _BlockReader:
    """Reads one paragraph: its sentences, attributions, quotations and reported speech."""

    def __init__(self, document: Document, line: Span, block: int) -> None:
        self.text = document.text
        self.masked = document.masked
        self.lowered = document.lowered
        self.line = line
        self.block = block
        self.registry = document.registry
        low = bisect.bisect_left(document.quote_starts, line.start)
        high = bisect.bisect_left(document.quote_starts, line.end)
        self.quotes = document.quotes[low:high]
        self.quote_starts = document.quote_starts[low:high]
        self.quote_ends = {quote.end for quote in self.quotes}
        self.headline = False
        self.sentences: list[Span] = []

    def read(self) -> list[Candidate]:
        self._note_names()
        verbs = _verbs(self.lowered, self.line)
        if not verbs and not self.quotes:
            return []  # most paragraphs of a long text: nothing more to read
        self.headline = _is_headline(self.text, self.line)
        self.sentences = _sentences(self.masked, self.line)
        attributions = self._attributions(verbs)
        candidates = self._quotations()
        if not self.headline:
            candidates = self._reported(attributions, candidates)
        self._assign(candidates, attributions)
        return candidates

    # names ------------------------------------------------------------------------

    def _note_names(self) -> None:
        """Register persons named outside quotations after a title or a role (`Defense Secretary Lloyd Austin`)."""
        for run in _NAME_RUN.finditer(self.masked, self.line.start, self.line.end):
            words = run.group().split()
            role_before = _word_before(self.masked, run.start())
            if role_before not in PERSON_NOUNS and not any(_is_person_title(word) for word in words[:-1]):
                continue
            tokens = _tokens(self.masked, run.start(), run.end())
            title = max((k for k, token in enumerate(tokens[:-1]) if _is_person_title(token.text)), default=-1)
            name = _name_from(tokens[title + 1 :])
            if name and len(name.split()) <= 3 and "’s" not in name and "'s" not in name:
                source = Source("person", name, tokens[title + 1].start)
                role = _role(tokens[title].text) if title >= 0 else role_before
                self.registry.note(Subject(source, run.start(), run.end(), (role,)))

    # attributions -----------------------------------------------------------------

    def _attributions(self, verbs: list[Verb]) -> list[list[Attribution]]:
        """The attributions of each sentence, in order."""
        found: list[list[Attribution]] = [[] for _ in self.sentences]
        index = 0
        for verb in verbs:
            while index < len(self.sentences) and self.sentences[index].end <= verb.start:
                index += 1
            if index == len(self.sentences):
                break
            attribution = self._attribution(verb, self.sentences[index])
            if attribution is not None:
                found[index].append(attribution)
        return found

    def _attribution(self, verb: Verb, sentence: Span) -> Attribution | None:
        span = Span(verb.start, verb.end)
        # A subject never reaches back into a quotation: read from after the last one.
        after_quote = self.masked.rfind(_MASK, max(sentence.start, verb.start - _WINDOW), verb.start) + 1
        if verb.kind == "according":
            subject = self._subject_after(verb.end, sentence) or self._anything_after(verb.end, sentence)
            return self._made(subject, span, verb.word, after_quote, inverted=True, reporting=True)
        reporting = verb.kind == "reporting"
        floor = max(sentence.start, after_quote)
        low = max(floor, verb.start - _SHORT_WINDOW)
        before = _tokens(self.masked, low, verb.start)
        if _is_passive(before):
            return None
        if verb.word in _INVERTIBLE and _ends_clause(before):
            subject = self._subject_after(verb.end, sentence)
            if subject is not None:
                return self._made(subject, span, verb.word, after_quote, inverted=True, reporting=reporting)
        subject = self._subject_before(before)
        if low > floor and (subject is None or subject.start <= before[0].end):
            # The subject may reach further back than the short window: read again, wider.
            subject = self._subject_before(_tokens(self.masked, max(floor, verb.start - _WINDOW), verb.start))
        return self._made(subject, span, verb.word, after_quote, inverted=False, reporting=reporting)

    def _made(
        self, subject: Subject | None, verb: Span, word: str, after_quote: int, inverted: bool, reporting: bool
    ) -> Attribution | None:
        if subject is None:
            return None
        self.registry.note(subject)
        start, end = min(subject.start, verb.start), max(subject.end, verb.end)
        # `“...,” X said`: the attribution of that quotation, which is then the content said.
        tail = after_quote > 0 and _WORD.search(self.masked, after_quote, start) is None
        return Attribution(
            subject.source, start, end, verb, word, Span(subject.start, subject.end), inverted, reporting, tail
        )

    def _subject_before(self, tokens: list[Token]) -> Subject | None:
        """The subject ending just before the verb, past up to two appositives (`X, 52, who ..., said`)."""
        i = _skip_back(tokens, len(tokens) - 1)
        if i < 0:
            return None
        if tokens[i].text != ",":
            return self._noun_phrase_back(tokens, i, None)
        closing = i
        appositives: list[list[Token]] = []
        for _ in range(2):
            comma = _previous_comma(tokens, closing - 1)
            if comma is None or comma == 0 or not _is_appositive(tokens[comma + 1 : closing]):
                return None
            appositives.append(tokens[comma + 1 : closing])
            role = next((role for part in reversed(appositives) if (role := _appositive_role(part))), None)
            subject = self._noun_phrase_back(tokens, comma - 1, role)
            subject = self._named_in_apposition(subject, appositives[0], tokens[comma - 1].lower)
            if subject is not None:
                return subject
            closing = comma
        return None

    def _named_in_apposition(self, subject: Subject | None, appositive: list[Token], noun: str) -> Subject | None:
        """`The ministry’s spokesman, Ali Hassan, said`: the name in apposition is the speaker."""
        if not appositive or not all(_is_name_token(token) or token.lower in NAME_PARTICLES for token in appositive):
            return subject
        if subject is not None and subject.source.kind == "person":
            return subject
        named = self._name_subject(appositive, noun if noun in PERSON_NOUNS else None, None)
        if named is None or named.source.kind != "person":
            return subject
        start = subject.start if subject is not None else named.start
        return Subject(named.source, start, named.end, named.roles)

    def _noun_phrase_back(self, tokens: list[Token], i: int, role: str | None) -> Subject | None:
        """The subject ending at token `i`: a pronoun, a common noun phrase or a run of names."""
        last = tokens[i]
        if last.lower in _PRONOUNS:
            return Subject(Source("pronoun", _PRONOUNS[last.lower], last.start), last.start, last.end)
        if _common_head(last.lower) is not None:
            start = i
            while start > 0 and i - start < 4 and _is_modifier(tokens[start - 1]):
                start -= 1
            determiner = tokens[start - 1] if start > 0 and tokens[start - 1].lower in _DETERMINERS else None
            subject = self._common_subject(tokens[start : i + 1], determiner)
        elif _is_name_token(last):
            start = i
            while start > 0 and _continues_name_back(tokens, start - 1):
                start -= 1
            determiner = tokens[start - 1] if start > 0 and tokens[start - 1].lower == "the" else None
            subject = self._name_subject(tokens[start : i + 1], role, determiner)
        else:
            return self._prepositional_back(tokens, i, role)
        return self._with_holder(tokens, start - 1 if determiner else start, i, subject)

    def _with_holder(self, tokens: list[Token], first: int, last: int, subject: Subject | None) -> Subject | None:
        """`X of Y said`: the source is X, with Y where it works or what it speaks for.

        `a spokeswoman for the mayor` and `officials at the bank` are sources as
        written; `Ken Moore of Bernstein` and `Gov. Tom Baker of Ohio` are the
        persons. Not before a full name: `Secretary of State Antony Blinken` is a title.
        """
        if first < 2 or tokens[first - 1].lower not in _PREPOSITIONS:
            return subject
        if subject is not None and subject.source.kind == "person" and " " in subject.source.name:
            return subject
        holder_token = tokens[first - 2]
        if _common_head(holder_token.lower) is None and not _is_name_token(holder_token):
            return subject
        holder = self._noun_phrase_back(tokens, first - 2, None)
        if holder is None or holder.source.kind == "pronoun":
            return subject
        if holder.source.kind == "person":
            return holder if " " in holder.source.name else subject
        name = holder.source.name + " " + _collapse(self.text[tokens[first - 1].start : tokens[last].end])
        return Subject(Source(holder.source.kind, name, holder.start), holder.start, tokens[last].end, holder.roles)

    def _prepositional_back(self, tokens: list[Token], i: int, role: str | None) -> Subject | None:
        """`people familiar with the matter said`, `officials close to the talks said`."""
        for k in range(i - 1, max(i - 6, 0), -1):
            if tokens[k].lower in _PREPOSITIONS or tokens[k].lower == "to":
                head = k - 1
                if tokens[head].lower in ("familiar", "close") and head > 0:
                    head -= 1
                if _common_head(tokens[head].lower) is None:
                    return None
                inner = self._noun_phrase_back(tokens, head, role)
                if inner is None or inner.source.kind not in ("group", "unnamed"):
                    return None
                name = inner.source.name + " " + _collapse(self.text[tokens[head].end : tokens[i].end])
                return Subject(Source(inner.source.kind, name, inner.start), inner.start, tokens[i].end)
        return None

    def _subject_after(self, position: int, sentence: Span) -> Subject | None:
        """The source after "said" or "according to": `said Bill Roggio, a fellow ...`."""
        tokens = _tokens(self.masked, position, min(sentence.end, position + _AFTER_WINDOW))
        if not tokens:
            return None
        first = tokens[0]
        if first.lower in _PRONOUNS:
            subject = Subject(Source("pronoun", _PRONOUNS[first.lower], first.start), first.start, first.end)
            return subject if _ends_attribution(tokens, 1) else None
        determiner = first if first.lower in _DETERMINERS else None
        start = 1 if determiner is not None else 0
        end = start
        while end < len(tokens) and (_is_name_token(tokens[end]) or _continues_name_forward(tokens, end)):
            end += 1
        if end > start and (end == len(tokens) or _common_head(tokens[end].lower) is None):
            if not _ends_attribution(tokens, end):
                return None
            role = _appositive_role(_appositive_after(tokens, end))
            return self._name_subject(tokens[start:end], role, determiner)
        return self._common_after(tokens, start, determiner)

    def _anything_after(self, position: int, sentence: Span) -> Subject | None:
        """`according to a summary released by the mayor's office`: whatever follows is the source."""
        tokens = _tokens(self.masked, position, min(sentence.end, position + _AFTER_WINDOW))
        end = 0
        while end < len(tokens) and end < 12 and (tokens[end].text[:1].isalnum() or tokens[end].text in "’'-&"):
            end += 1
        start = 1 if tokens and (tokens[0].lower in INDEFINITES or tokens[0].lower in QUANTIFIERS) else 0
        if end <= start or (end < len(tokens) and tokens[end].text not in ",.;:—()!?"):
            return None
        first, last = tokens[start], tokens[end - 1]
        source = Source("group", _collapse(self.text[first.start : last.end]), first.start)
        return Subject(source, first.start, last.end)

    def _common_after(self, tokens: list[Token], start: int, determiner: Token | None) -> Subject | None:
        """`said a senior administration official`, `said a spokesman for the ministry`."""
        head = start
        while head < len(tokens) and head - start < 5 and _common_head(tokens[head].lower) is None:
            if not _is_modifier(tokens[head]):
                return None
            head += 1
        if head == len(tokens) or _common_head(tokens[head].lower) is None:
            return None
        subject = self._common_subject(tokens[start : head + 1], determiner)
        end = head + 1
        if subject is not None and end + 1 < len(tokens) and tokens[end].lower in _PREPOSITIONS - {"in"}:
            stop = end + 1
            while stop < len(tokens) and stop - end < 7 and _continues_holder(tokens[stop]):
                stop += 1
            if stop > end + 1:
                name = subject.source.name + " " + _collapse(self.text[tokens[end].start : tokens[stop - 1].end])
                subject = Subject(Source(subject.source.kind, name, subject.start), subject.start, tokens[stop - 1].end)
                end = stop
        if subject is None or not _ends_attribution(tokens, end):
            return None
        appositive = _appositive_after(tokens, end)
        return self._named_in_apposition(subject, appositive, tokens[head].lower)

    def _name_subject(self, run: list[Token], role: str | None, determiner: Token | None) -> Subject | None:
        """A run of capitalised words: a person (titles and nicknames dropped) or an organisation."""
        run = [token for token in run if not _is_quoted(token)]
        while len(run) > 1 and run[0].lower.rstrip(".") in _CONNECTIVES:
            if run[0].lower == "the":
                determiner = run[0]
            run = run[1:]
        if not run or run[0].lower in _CONNECTIVES:
            return None
        if len(run) == 1 and _common_head(run[0].lower) is not None:
            return self._common_subject(run, determiner)
        first, last = run[0], run[-1]
        begin = determiner.start if determiner is not None else first.start
        title = _last_title(run)
        name = _name_from(run[title + 1 :])
        if not name or _is_organisation(run) or (determiner is not None and title < 0):
            # `the UN`, `the State Department`, `Islamic State`: as written.
            return Subject(Source("group", _collapse(self.text[begin : last.end]), begin), begin, last.end)
        roles = tuple(word for word in (_role(run[title].lower) if title >= 0 else None, role) if word)
        return Subject(Source("person", name, run[title + 1].start), begin, last.end, roles)

    def _common_subject(self, words: list[Token], determiner: Token | None) -> Subject | None:
        """`a military official`, `U.S. officials`, `the official`, `police`."""
        first, head = words[0], words[-1]
        noun = head.lower
        kind = _common_head(noun)
        article = determiner.lower if determiner is not None else None
        begin = determiner.start if determiner is not None else first.start
        description = _collapse(self.text[first.start : head.end])
        if kind == "person" and article in INDEFINITES:
            return Subject(Source("unnamed", "unnamed " + description, begin), begin, head.end, (noun,))
        elif kind == "person" and article == "the" and len(words) == 1:
            known = self.registry.roles.get(noun)
            source = known if known is not None else Source("unnamed", "unnamed " + description, begin)
        elif kind == "person" and article is None and len(words) == 1:
            return None  # "spokesman said": no source without a description
        elif article == "the":
            source = Source("group", _collapse(self.text[begin : head.end]), begin)
        else:
            source = Source("group", description, begin)  # quantifiers ("some", "two") dropped
        return Subject(source, begin, head.end)

    # quotations -------------------------------------------------------------------

    def _quotations(self) -> list[Candidate]:
        found = []
        index = 0
        for quote in self.quotes:
            while index < len(self.sentences) - 1 and self.sentences[index].end <= quote.start:
                index += 1
            short = _is_short(self.text, quote.start, quote.end)
            found.append(Candidate(quote.start, quote.end, self.block, index, short, headline=self.headline))
        return found

    # reported speech --------------------------------------------------------------

    def _reported(self, attributions: list[list[Attribution]], quotes: list[Candidate]) -> list[Candidate]:
        """At most one reported clause per sentence; a quotation overlapping a clause joins it."""
        clauses: list[Candidate] = []
        for index, sentence in enumerate(self.sentences):
            tried = 0
            for attribution in attributions[index]:
                if not attribution.reporting or attribution.quote_tail:
                    continue
                if tried == _CLAUSE_TRIES:
                    break  # a run-on "sentence" of a thousand verbs: bounded work
                tried += 1
                clause = self._clause(attribution, sentence)
                if clause is not None:
                    clauses.append(
                        Candidate(
                            clause.start,
                            clause.end,
                            self.block,
                            index,
                            short=False,
                            reported=True,
                            source=attribution.source,
                            own=True,
                        )
                    )
                    break
        return _merge(quotes, clauses)

    def _clause(self, attribution: Attribution, sentence: Span) -> Span | None:
        if not attribution.inverted or attribution.verb_word.startswith("according"):
            front = self._front_clause(attribution, sentence)
            if front is not None:
                return front
        return self._end_clause(attribution, sentence)

    def _front_clause(self, attribution: Attribution, sentence: Span) -> Span | None:
        """`X said (that) CLAUSE.`, `According to X, CLAUSE.`, `X cautioned against ...`."""
        if not self._opens_clause(sentence, attribution.start):
            return None
        after = attribution.end
        tokens = _tokens(self.masked, after, min(sentence.end, after + _COMPLEMENT_WINDOW))
        if not tokens or tokens[0].text in '“"‘' or tokens[0].text.startswith(_MASK):
            return None  # a direct quotation follows: it is the content
        if tokens[0].text in ",:" and len(tokens) > 1 and (tokens[1].text in '“"‘' or tokens[1].text.startswith(_MASK)):
            return None
        if attribution.verb_word.startswith("according"):
            start = tokens[1].start if tokens[0].text == "," and len(tokens) > 1 else None
            return self._finish_clause(start, sentence, framed=True)
        word = attribution.verb_word
        if word in _PHRASE_VERBS and _takes_phrase(tokens):
            return self._finish_clause(attribution.verb.start, sentence, framed=True)
        start = _that_clause(tokens)
        if start is None:
            rest = _skip_object(tokens) if word in _TELL_VERBS else 0
            rest = _skip_time(tokens, rest)
            if rest < len(tokens) and _opens_like_clause(tokens[rest : rest + 4]):
                start = tokens[rest].start
        return self._finish_clause(start, sentence, framed=False)

    def _end_clause(self, attribution: Attribution, sentence: Span) -> Span | None:
        """`CLAUSE, X said.`, `CLAUSE, said X, a senior fellow ...`, `CLAUSE, according to X.`."""
        if not attribution.inverted:
            after = _tokens(self.masked, attribution.verb.end, min(sentence.end, attribution.verb.end + 40))
            after = [token for token in after if token.text not in ".!?"]
            rest = _skip_object(after) if attribution.verb_word in _TELL_VERBS else 0
            if rest < len(after) and after[rest].text != "," and after[rest].lower not in _ADVERBIAL_OPENERS:
                return None
        first = attribution.verb.start if attribution.inverted else attribution.subject.start
        comma = self.masked.rfind(",", max(sentence.start, first - _TITLE_PHRASE), first)
        if comma < 0 or not _is_title_phrase(self.masked[comma + 1 : first]):
            return None
        start = _skip_connective(self.masked, sentence.start, comma)
        start = self._from_quotation(start, comma)
        return _checked_clause(self.masked, start, comma, framed=True)

    def _opens_clause(self, sentence: Span, position: int) -> bool:
        """Is `position` where a clause starts: the sentence start, after a connective or a comma?"""
        words = self.lowered[max(sentence.start, position - 30) : position].split()
        if not words:
            return True
        last = words[-1]
        return last[-1] in ",;:—" or (last in _CONNECTIVES and last not in ("the", "a", "an"))

    def _from_quotation(self, start: int, end: int) -> int:
        """A clause holding a quotation after an introductory phrase starts at the quotation."""
        index = bisect.bisect_right(self.quote_starts, start)
        if index < len(self.quotes) and self.quotes[index].start < end:
            quote = self.quotes[index]
            if self.masked[start : quote.start].rstrip().endswith(","):
                return quote.start
        return start

    def _finish_clause(self, start: int | None, sentence: Span, framed: bool) -> Span | None:
        """The clause from `start` to the end of the sentence, without its final punctuation."""
        if start is None:
            return None
        end = sentence.end
        if end not in self.quote_ends:
            while end > start and (self.masked[end - 1] in ".!?…;:, " or self.masked[end - 1].isspace()):
                end -= 1
        return _checked_clause(self.masked, start, end, framed)

    # speakers ---------------------------------------------------------------------

    def _assign(self, candidates: list[Candidate], attributions: list[list[Attribution]]) -> None:
        starts = [[attribution.start for attribution in sentence] for sentence in attributions]
        earlier, later = _attributed_neighbours(attributions)
        for candidate in candidates:
            if candidate.reported:
                continue
            index = candidate.sentence
            own = _nearest(attributions[index], starts[index], candidate)
            if own is not None:
                candidate.source, candidate.own = own.source, True
            elif self.headline:
                continue  # see _resolve_headlines
            elif candidate.short or _is_title_of_work(self.text, self.masked, candidate):
                candidate.dropped = True  # a scare quote, or the name of a film or a slogan
            elif earlier[index] >= 0:
                candidate.source = attributions[earlier[index]][-1].source
            elif later[index] >= 0:
                candidate.source = attributions[later[index]][0].source


def _merge(quotes: list[Candidate], clauses: list[Candidate]) -> list[Candidate]:
    """Quotations and reported clauses in order, each quotation overlapping a clause joined to it."""
    merged: list[Candidate] = []
    index = 0
    for clause in clauses:
        while index < len(quotes) and quotes[index].end <= clause.start:
            merged.append(quotes[index])
            index += 1
        while index < len(quotes) and quotes[index].start < clause.end:
            clause.start = min(clause.start, quotes[index].start)
            clause.end = max(clause.end, quotes[index].end)
            index += 1
        merged.append(clause)
    merged.extend(quotes[index:])
    return merged


def _attributed_neighbours(attributions: list[list[Attribution]]) -> tuple[list[int], list[int]]:
    """For each sentence, the nearest earlier and the nearest later sentence with an attribution (-1: none)."""
    earlier, later = [-1] * len(attributions), [-1] * len(attributions)
    last = -1
    for index, found in enumerate(attributions):
        earlier[index] = last
        if found:
            last = index
    last = -1
    for index in range(len(attributions) - 1, -1, -1):
        later[index] = last
        if attributions[index]:
            last = index
    return earlier, later


def _is_title_of_work(text: str, masked: str, quote: Candidate) -> bool:
    """`the film “The Long Road Home”`, `signs reading “No New Taxes”`: a name, not speech.

    Either introduced as a title (titled, entitled, dubbed, headlined), or in
    title case: every word of four letters or more capitalised.
    """
    before = masked[max(0, quote.start - 20) : quote.start].split()
    if before and before[-1].lower().strip(",:") in _TITLE_INTRODUCERS:
        return True
    words = _WORD.findall(text, quote.start, quote.end)
    long = [word for word in words if len(word) >= 4]
    return len(words) >= 2 and bool(long) and all(word[0].isupper() for word in long)


# -- helpers for attributions ------------------------------------------------------


def _verbs(lowered: str, line: Span) -> list[Verb]:
    """The reporting, "according to" and frame verbs of a paragraph."""
    found = [_verb(match) for match in _VERB.finditer(lowered, max(line.start - 1, 0), line.end)]
    if line.start == 0:
        first = _VERB_AT_START.match(lowered, 0, line.end)
        if first is not None:
            found.insert(0, _verb(first))
    return found


def _verb(match: re.Match[str]) -> Verb:
    kind = match.lastindex or 2
    start = match.start(kind)
    return Verb(start, match.end(), match.group(kind), ("according", "reporting", "frame")[kind - 1])


def _tokens(masked: str, start: int, end: int) -> list[Token]:
    """The tokens of `masked[start:end]`; a word's final dot is dropped unless it abbreviates (`Gen.`, `U.S.`)."""
    found = []
    for match in _TOKEN.finditer(masked, start, end):
        word = match.group()
        stop = match.end()
        if len(word) > 2 and word[-1] == "." and "." not in word[:-1] and word[:-1].lower() not in ABBREVIATIONS:
            word = word[:-1]
            stop -= 1
        found.append(Token(word, match.start(), stop, word.lower()))
    return found


def _skip_back(tokens: list[Token], i: int) -> int:
    """Back over auxiliaries and adverbs between a subject and its verb ("have also warned")."""
    while i >= 0 and (tokens[i].lower in _PRE_VERB or (tokens[i].text.endswith("ly") and tokens[i].text.islower())):
        i -= 1
    return i


def _is_passive(tokens: list[Token]) -> bool:
    """`was said to`, `declined to say`, `did not say`: no attribution."""
    i = len(tokens) - 1
    while i >= 0 and (tokens[i].text.endswith("ly") and tokens[i].text.islower()):
        i -= 1
    if i < 0:
        return False
    word = tokens[i].lower
    return word in _BE or word == "to" or word in _NEGATIONS or word.endswith(("n't", "n’t"))


def _ends_clause(tokens: list[Token]) -> bool:
    """Does the text before a verb end a clause (`,`, a closing quotation mark) or is it empty?"""
    if not tokens:
        return True
    last = tokens[-1].text
    return last in ",:;—" or last in _CLOSING_MARKS or last.startswith(_MASK)


def _previous_comma(tokens: list[Token], i: int) -> int | None:
    """The comma opening an appositive that ends at `i`, within a dozen words."""
    for k in range(i, max(i - 16, -1), -1):
        text = tokens[k].text
        if text == ",":
            return k
        if text in ";:" or text.startswith(_MASK) or text in _CLOSING_MARKS:
            return None
    return None


def _is_appositive(tokens: list[Token]) -> bool:
    """`the chairman of the Joint Chiefs`, `who spoke on condition of anonymity`: no clause of its own."""
    if not tokens:
        return False
    if tokens[0].lower in ("who", "whose"):
        return True
    words = " ".join(token.text for token in tokens)
    return _FINITE.search(words) is None and not any(_VERB.fullmatch(token.lower) for token in tokens)


def _appositive_role(tokens: list[Token]) -> str | None:
    """The head noun of `the chairman of the Joint Chiefs` or `a senior fellow at ...`."""
    words = [token.lower for token in tokens]
    head = None
    for word in words:
        if word in _PREPOSITIONS or word in ("who", "whose", "which", ","):
            break
        head = word
    return head if head in PERSON_NOUNS else None


def _appositive_after(tokens: list[Token], end: int) -> list[Token]:
    if end < len(tokens) and tokens[end].text == ",":
        stop = end + 1
        while stop < len(tokens) and tokens[stop].text != ",":
            stop += 1
        return tokens[end + 1 : stop]
    return []


def _ends_attribution(tokens: list[Token], end: int) -> bool:
    """After a subject that follows its verb: the end, punctuation, or a time or place phrase."""
    if end >= len(tokens):
        return True
    following = tokens[end]
    return following.text in ",.;:—(" or following.lower in _ADVERBIAL_OPENERS


def _is_name_token(token: Token) -> bool:
    word = token.text
    if _is_quoted(token):
        return True
    if not word[:1].isupper() or word.startswith(_MASK):
        return False
    return word.lower().rstrip(".") not in _TIME_WORDS


def _is_quoted(token: Token) -> bool:
    return token.text[:1] in _OPENING_MARKS and len(token.text) > 2


def _continues_name_back(tokens: list[Token], k: int) -> bool:
    """Is token `k` part of a name that ends after it: a capitalised word or a particle (`von der`)?"""
    return _is_name_token(tokens[k]) or tokens[k].lower in NAME_PARTICLES


def _continues_name_forward(tokens: list[Token], k: int) -> bool:
    token = tokens[k]
    return token.lower in NAME_PARTICLES and k + 1 < len(tokens) and _is_name_token(tokens[k + 1]) and k > 0


def _continues_holder(token: Token) -> bool:
    """A word of the place after a source (`a spokesman for the ministry`)."""
    return token.text[:1].isalnum() and (token.lower in ("the", "a", "an") or token.lower not in _FUNCTION_WORDS)


def _is_modifier(token: Token) -> bool:
    """A word that may describe a source: `military`, `U.S.`, `senior`, `intelligence`."""
    word = token.text
    if not word[:1].isalnum() or token.lower in _FUNCTION_WORDS or token.lower in _DETERMINERS:
        return False
    return token.lower.rstrip(".") not in _CONNECTIVES or (word[:1].isupper() and "." in word)


def _common_head(word: str) -> str | None:
    """What a lower-case noun heading a subject is: "person", "group" or None."""
    if word in PERSON_NOUNS:
        return "person"
    if word in PLURAL_PERSONS or word in BODY_NOUNS:
        return "group"
    for singular in (word[:-1], word[:-2], word[:-3] + "y"):
        if word.endswith("s") and singular in PERSON_NOUNS:
            return "group"
    return None


def _last_title(run: Sequence[Token]) -> int:
    """Index of the last title or department word followed by more of the name, else -1."""
    found = -1
    for index, token in enumerate(run[:-1]):
        if _is_title(token.text):
            found = index
    return found


def _is_title(word: str) -> bool:
    return word.lower().rstrip(".") in DEPARTMENTS or _is_person_title(word)


def _is_person_title(word: str) -> bool:
    bare = word.lower().rstrip(".")
    if bare in TITLES or ("-" in bare and any(part in TITLES for part in bare.split("-"))):
        return True  # Secretary-General, Vice-President
    # "SecDef": a capital inside a word, unless a surname prefix explains it (McKenzie, DeSantis).
    if word[1:].islower() or word.isupper() or "." in word or "-" in word:
        return False
    inner = next((i for i, char in enumerate(word[1:], 1) if char.isupper()), len(word))
    return not word.startswith(SURNAME_PREFIXES) or word[:inner] not in SURNAME_PREFIXES


def _is_organisation(run: Sequence[Token]) -> bool:
    last = run[-1].text
    if last.lower().rstrip(".") in ORGANISATION_ENDS:
        return True
    return len(run) == 1 and (last.replace(".", "").isupper() and len(last.replace(".", "")) > 1)


def _name_from(run: Sequence[Token]) -> str:
    """A person's name from the tokens after any title: nicknames dropped, at most four words."""
    parts = [token.text for token in run if not _is_quoted(token)]
    if len(parts) > 4:
        parts = parts[-3:]
    if any(part.lower().rstrip(".") in DEPARTMENTS for part in parts):
        return ""
    return " ".join(parts)


def _role(title: str) -> str:
    bare = title.lower().rstrip(".")
    return ABBREVIATED_TITLES.get(bare, bare)


def _word_before(masked: str, position: int) -> str:
    start = max(0, position - 30)
    words = masked[start:position].split()
    return words[-1].lower() if words else ""


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _nearest(attributions: list[Attribution], starts: list[int], quote: Candidate) -> Attribution | None:
    """The attribution nearest after the quotation (`“...,” he said`), else the nearest before it."""
    after = bisect.bisect_left(starts, quote.end)
    if after < len(attributions):
        return attributions[after]
    before = bisect.bisect_right(starts, quote.start) - 1
    while before >= 0 and attributions[before].end > quote.start:
        before -= 1
    return attributions[before] if before >= 0 else None


# -- helpers for clauses -----------------------------------------------------------


def _that_clause(tokens: list[Token]) -> int | None:
    """Start of the clause after "that" within the first few words (`said Tuesday that`)."""
    for k, token in enumerate(tokens[:8]):
        if token.lower == "that":
            following = k + 1
            if following < len(tokens) and tokens[following].text == ",":
                following += 1
            return tokens[following].start if following < len(tokens) else None
        if not token.text[:1].isalnum():
            return None
    return None


def _skip_object(tokens: list[Token]) -> int:
    """Past the object of "told": `told reporters`, `told CNN`, `told the committee`."""
    if not tokens:
        return 0
    first = tokens[0]
    if first.lower in _OBJECTS:
        return 1
    if _is_name_token(first):
        k = 1
        while k < len(tokens) and _is_name_token(tokens[k]):
            k += 1
        return k
    if first.lower in ("the", "a", "an") and len(tokens) > 1:
        return 2
    return 0


def _skip_time(tokens: list[Token], k: int) -> int:
    """Past `Thursday`, `on Monday`, `last week` between a verb and its clause."""
    while k < len(tokens):
        if tokens[k].lower in _TIME_WORDS:
            k += 1
        elif k + 1 < len(tokens) and tokens[k].lower in _TIME_LEADS and tokens[k + 1].lower in _TIME_NOUNS:
            k += 2
        else:
            return k
    return k


def _opens_like_clause(tokens: list[Token]) -> bool:
    """Can a clause without "that" start here (`there are`, `a third attack was`, `prices will`)?"""
    word = tokens[0].lower
    if word in _DETERMINERS or word in _CLAUSE_OPENERS:
        return True
    if tokens[0].text[:1].isupper() or tokens[0].text[:1].isdigit():
        return True
    # A bare noun ("prices will rise"), not an object ("claimed responsibility for"):
    # its verb comes within a word or two.
    return _is_modifier(tokens[0]) and any(_FINITE.search(token.text) for token in tokens[1:4])


def _takes_phrase(tokens: list[Token]) -> bool:
    """`cautioned against ...`, `warned of ...`, `urged citizens to ...`: a preposition within a few words."""
    for token in tokens[:4]:
        if token.lower in _PHRASE_PREPOSITIONS:
            return True
        if not token.text[:1].isalnum() or token.lower == "that":
            return False
    return False


def _is_title_phrase(text: str) -> bool:
    """Between the clause's comma and its attribution: nothing, or a title (`Chairman of the Joint Chiefs`)."""
    words = text.split()
    return len(words) <= 12 and _FINITE.search(text) is None and _MASK not in text


def _skip_connective(masked: str, start: int, end: int) -> int:
    """Past `However,` / `But` / `And` at the start of a clause."""
    match = _CONNECTIVE_START.match(masked, start, end)
    if match is None:
        return start
    word = match.group().rstrip(", \t").lower()
    if word in _CONNECTIVES or word.endswith("ly"):
        return match.end()
    return start


def _checked_clause(masked: str, start: int, end: int, framed: bool) -> Span | None:
    """The clause `[start, end)` if it has words outside quotations and, near its start, a finite verb.

    A `framed` clause (`..., Roggio said.`, `According to X, ...`, `warned of
    ...`) needs only three words: the frame leaves little doubt, and present
    tenses ("carries") bear no mark a rule could see.
    """
    while end > start and masked[end - 1] in " \t,":
        end -= 1
    if end <= start or _WORD.search(masked, start, end) is None:
        return None
    if _FINITE.search(masked, start, min(end, start + _FINITE_REACH)) is None:
        if not framed or _THREE_WORDS.search(masked, start, end) is None:
            return None
    return Span(start, end)


# -- sentences and headlines -------------------------------------------------------


def _sentences(masked: str, line: Span) -> list[Span]:
    """The sentences of a paragraph, read on the masked text so quotations never split them."""
    found: list[Span] = []
    current = line.start
    for match in _TERMINATOR.finditer(masked, line.start, line.end):
        if not is_sentence_end(masked, match, line.end):
            continue
        found.append(Span(current, match.end()))
        following = _NON_SPACE.search(masked, match.end(), line.end)
        if following is None:
            return found
        current = following.start()
    found.append(Span(current, line.end))
    return found


def _is_headline(text: str, line: Span) -> bool:
    """A short line that does not end like a sentence: a headline, a deck or a label."""
    if line.end - line.start > _HEADLINE_LENGTH:
        return False
    end = line.end
    while end > line.start and (text[end - 1].isspace() or text[end - 1] in "”\"’')]"):
        end -= 1
    return end > line.start and text[end - 1] not in ".!?…:;,"


# -- across paragraphs ---------------------------------------------------------------


def _is_short(text: str, start: int, end: int) -> bool:
    """One or two words (a search that stops at the third word, however long the quotation)."""
    return _THREE_WORDS.search(text, start, end) is None


def _normalised_words(text: str, start: int, end: int) -> str:
    return " ".join(word.lower().replace("’", "'") for word in _WORD.findall(text, start, end))


def _resolve_headlines(text: str, candidates: list[Candidate]) -> None:
    """A headline quotation without attribution takes the speaker of the body quotation it repeats.

    Headlines quote the article; a one- or two-word headline quotation found
    nowhere in the quotations below it is a scare quote.
    """
    words: dict[int, str] = {}  # each candidate's words, worked out once

    def words_of(index: int) -> str:
        if index not in words:
            candidate = candidates[index]
            words[index] = " " + _normalised_words(text, candidate.start, candidate.end) + " "
        return words[index]

    for index, candidate in enumerate(candidates):
        if not candidate.headline or candidate.own or candidate.dropped:
            continue
        for later in range(index + 1, min(len(candidates), index + 1 + _HEADLINE_LOOKAHEAD)):
            body = candidates[later]
            if not body.headline and not body.reported and body.source is not None:
                if words_of(index) in words_of(later):
                    candidate.source = body.source
                    break
        if candidate.source is None and candidate.short:
            candidate.dropped = True


def _fall_back_across_paragraphs(candidates: list[Candidate]) -> None:
    """Consecutive quotes: a span without a speaker takes that of the span before it, in the same
    or the previous paragraph; else it has none."""
    previous: Candidate | None = None
    for candidate in candidates:
        if candidate.dropped:
            continue
        if candidate.source is None and not candidate.headline and previous is not None:
            if previous.source is not None and candidate.block - previous.block <= 1:
                candidate.source = previous.source
        previous = candidate
