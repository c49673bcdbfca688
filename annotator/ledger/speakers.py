"""Speaker names to persons: which `speaker` attributes of a corpus name one person.

`resolve(mentions, aliases)` takes every speaker name as an annotation file
writes it, with the document it was written for, and gives each the Person it
names within this corpus. The rules follow how news copy names people; the
word lists are annotator.names.

Reading one name
----------------
Each step decides or passes the name on to the next.

1. Cleaning. Spaces are collapsed; quotation marks and brackets around the
   name, a parenthesis inside it, trailing ``,;:`` and a possessive (``Milley’s``,
   ``Reuters’``) are dropped. Of the parts of a name split by commas, a suffix
   (``King, Jr.``) is dropped, and the first part that names a person is taken,
   else the first that names an organisation (``Mark Milley, chairman of the
   Joint Chiefs``; ``the ministry’s spokesman, Ali Hassan``); with neither,
   the whole is a description.
2. A description when it opens with an article or quantifier other than "the"
   (``a senior U.S. official``, ``two officials``, ``Some analysts``) or with
   ``unnamed``, ``anonymous`` or ``unidentified``. A leading "the" is dropped.
3. A titled name: the name is what follows the last title, role, department or
   person word that has more words after it (``Joint Chiefs Chairman Gen. Mark
   Milley``, ``Defense Secretary Lloyd Austin``, ``Secretary of State Antony
   Blinken``, ``White House press secretary Karine Jean-Pierre``, ``analyst
   Bill Roggio``), if those words are all name words (capitalised, a particle,
   a nickname in quotation marks), none a department word, and the last no
   title or word for a person (``Prime Minister``, ``Pentagon Press
   Secretary``: a post, no name). Titles may be abbreviated, with or without
   the period, stacked, or hyphenated (``Secretary-General``). A title phrase
   that runs on through a connective takes one more capitalised word when two
   name words remain after it (``Secretary of Transportation Pete Buttigieg``).
4. A description, when
   - a word other than a name particle or a connective (of, for, and, &, on,
     in, at, to, the) is lower-case (``officials``, ``U.S. officials``,
     ``intelligence agencies``, ``the company``, ``officials at the
     Pentagon``): a proper name capitalises its words; or
   - it is capitalised, but its last word is a word for people in the plural
     (``Experts``, ``U.S. Officials``, ``Police``), its only word is a word for
     a person or a body (``Spokesman``, ``the Ministry``), its last word is a
     title or a word for a person (``Pentagon Spokesman``, ``Finance
     Minister``, ``Joint Chiefs Chairman``), or its first word is a title
     (``the President``, ``Secretary of State``): a sentence's capital or a
     post, not a name.
   A description is a name after all when a name written with capitals
   elsewhere in the corpus reads the same, case aside (``mark milley`` where
   another file has ``Mark Milley``).
5. An organisation: an acronym (``UN``, ``U.N.``, ``NATO``), one department
   word (``Pentagon``), or several words with a connective inside or a
   department or organisation word last (``Human Rights Watch``, ``the State
   Department``, ``Bank of England``).
6. A person's name. Nicknames in quotation marks and suffixes (Jr., Sr., II,
   III, IV) are dropped. The surname is the last word with the name particles
   before it (``von der Leyen``); a leading particle makes the whole a surname
   (``De Niro``). The given names are the words before it; initials among
   them (``A.``, ``J.R.``, ``J``) are middle initials when a given name is
   written too (``Mark A. Milley`` is ``Mark Milley``), else the name is
   initials and a surname (``J. Smith``). No given name: a surname alone
   (``Milley``, and any other one-word proper name, ``Reuters``).

Names are compared case-folded, without accents (``José Núñez`` is ``Jose
Nunez``: outlets drop accents), with curly apostrophes straightened and
periods dropped (``U.N.`` is ``UN``), and an Arabic article joined by a hyphen
left out of a surname (``al-Assad`` is ``Assad``).

Who is who
----------
- A full name is one person across the corpus: ``milley/mark`` (surname /
  given names). Different given names are different people (``John Smith``,
  ``Jane Smith``); nicknames (``Dan`` for ``Daniel``) need an alias.
- A surname alone (or with a title) joins the full name with that surname in
  its own document; else the only one in the corpus. With two or more and none
  in its own document, or two or more in its own document, it cannot be told:
  it is its own person in its document (``smith@doc-b``), never merged with
  another document's. With no full name anywhere it is one person across the
  corpus (``reuters``): a one-word name may be an organisation.
- Initials and a surname do the same among the full names whose first given
  name starts with the first initial: ``J. Smith`` joins ``John Smith`` when
  no other J. Smith is named (``Mary Smith`` does not count); with ``John
  Smith`` and ``Jane Smith`` elsewhere it joins neither (``smith/j@doc-a``);
  with no J. Smith anywhere it is ``smith/j`` across the corpus.
- An organisation is one across the corpus: its folded words (``un``,
  ``human rights watch``).
- A description is one speaker within its document, whatever its case and
  leading article or quantifier (``officials@doc-a``; ``a military official``,
  ``the military official`` and ``unnamed military official`` are one):
  the same words in two articles need not be the same source.
- Aliases (``[quotes.aliases]``) come first: a name as written, its cleaned
  form or its untitled form, matched case-insensitively with spaces
  collapsed, is read as its canonical name, without titles stripped and
  without the surname rules (an alias settles what they cannot). The
  canonical name is not looked up again.

Person.key is as above: it depends on the corpus alone, not on the order of
the mentions, and neither does anything else in the result. Person.name is
the canonical name of an alias that leads to the person, else the fullest
name written without titles: the most names (initials and suffixes aside),
then the most often written, then the most words, then the one with accents,
then the one not capitalised by a sentence start, then alphabetical; a
description keeps its words as written. Person.names is every distinct name
as written, sorted.

Known limits: a given name that is also a title (``Dean Baker``) is read as
the title; a surname that is a title or a word for a person (``John Major``,
``Howard Dean``) makes a post, kept to its document; two surnames (``López
Obrador``) are keyed by the last; an organisation that opens with a title
(``General Motors``) is a title and a name; two people told apart only by
a middle initial (``George W. Bush``, ``George H.W. Bush``) are one. An alias
settles each.

Cost: each distinct name is read once; each mention is then a few dictionary
look-ups. Linear in the number of mentions.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import Enum

from annotator.ledger.model import Person
from annotator.names import (
    BODY_NOUNS,
    DEPARTMENTS,
    INDEFINITES,
    NAME_PARTICLES,
    ORGANISATION_ENDS,
    PERSON_NOUNS,
    PLURAL_PERSONS,
    QUANTIFIERS,
    SUFFIXES,
    TITLES,
)


@dataclass(frozen=True, slots=True)
class Mention:
    name: str  # the speaker attribute as written in one annotation file
    doc_id: str  # the document it was written for


def resolve(mentions: Iterable[Mention], aliases: Mapping[str, str] | None = None) -> dict[Mention, Person]:
    """The person each mention names, within this corpus (Person from annotator.ledger.model)."""
    # Pairs, not Mentions, as keys: a tuple hashes in C, a dataclass in Python.
    counts = Counter((mention.name, mention.doc_id) for mention in mentions)
    reader = _Reader(aliases or {})
    read = _promote_lower_case({raw: reader.read(raw) for raw in {raw for raw, _ in counts}})
    names = {pair: read[pair[0]] for pair in counts}
    index = _FullNames.of(names)
    keys = {pair: _key(pair[1], name, index) for pair, name in names.items()}
    persons = _persons(keys, names, counts)
    return {Mention(*pair): persons[key] for pair, key in keys.items()}


_Pair = tuple[str, str]  # a mention: (the name as written, the document)


# -- reading one name --------------------------------------------------------------


class _Kind(Enum):
    FULL = "full"  # given name and surname: "Mark Milley"
    INITIALS = "initials"  # initials and surname: "J. Smith"
    SURNAME = "surname"  # one name alone: "Milley", "Reuters"
    ORGANISATION = "organisation"  # "UN", "the State Department"
    DESCRIPTION = "description"  # "officials", "a senior U.S. official"


@dataclass(frozen=True, slots=True)
class _Name:
    kind: _Kind
    display: str  # without titles, quotation marks, possessive or "the"; a description as written
    folded: str  # the cleaned text, folded, without a leading "the": what case-blind matching compares
    surname: str = ""  # folded; for an organisation or a description, the folded words that key it
    given: str = ""  # folded given names ("mark"); for initials, the first initial ("j")
    aliased: bool = False  # read from an alias's canonical name: the surname rules do not apply


_OPENERS = INDEFINITES | QUANTIFIERS | {"unnamed", "anonymous", "unidentified"}
_CONNECTIVES = frozenset("of for and & on in at to the".split())
_EDGES = "\"'“”‘’«»()[]{}<> \t,;:"
_POSSESSIVE = re.compile(r"(?<=\w)['’]s$|(?<=s)['’]$")
_PARENTHESIS = re.compile(r"\s*\([^()]*\)")
_INITIAL = re.compile(r"(?:[^\W\d_]\.){1,3}|[^\W\d_]", re.UNICODE)
_PREFIXED = re.compile(r"[a-z]{1,3}['’-](\w)")  # al-Assad, d’Estaing
_ARABIC_ARTICLE = re.compile(r"^(?:al|el)-(?=\w)")
_NICKNAME_MARKS = "\"“‘'"


class _Reader:
    """Reads names, with the aliases applied first."""

    def __init__(self, aliases: Mapping[str, str]) -> None:
        self._aliases = {_alias_key(name): canonical for name, canonical in aliases.items()}

    def read(self, raw: str) -> _Name:
        cleaned = _clean(raw)
        name = _parse(cleaned)
        if not self._aliases:
            return name
        for written in (raw, cleaned, name.display):
            canonical = self._aliases.get(_alias_key(written))
            if canonical is not None:
                return replace(_parse(_clean(canonical), titled=False), aliased=True)
        return name


def _alias_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _clean(raw: str) -> str:
    text = _PARENTHESIS.sub("", " ".join(raw.split())).strip(_EDGES)
    return _POSSESSIVE.sub("", text).strip(_EDGES)


def _parse(text: str, titled: bool = True) -> _Name:
    """The name `text` (cleaned) gives; `titled`: strip titles (an alias's canonical name has none)."""
    parts = [part.strip() for part in text.split(",")]
    parts = [part for part in parts if part and _bare(part) not in SUFFIXES]
    if len(parts) == 1:
        return _parse_part(parts[0], titled)
    read = [_parse_part(part, titled) for part in parts]
    for wanted in (_PERSONS, {_Kind.ORGANISATION}):
        chosen = next((name for name in read if name.kind in wanted), None)
        if chosen is not None:
            return chosen
    return _description(text)


_PERSONS = {_Kind.FULL, _Kind.INITIALS, _Kind.SURNAME}


def _parse_part(text: str, titled: bool) -> _Name:
    words = text.split()
    if not words or words[0].lower() in _OPENERS:
        return _description(text)
    if words[0].lower() == "the":
        words = words[1:]
    if not words:
        return _description(text)
    untitled = _after_title(words) if titled else None
    if untitled is not None:
        return _person(untitled, text)
    if not _is_proper(words) or (titled and _describes(words)):
        return _description(text)
    if _is_organisation(words):
        return _organisation(words, text)
    return _person(words, text)


def _after_title(words: list[str]) -> list[str] | None:
    """The name after the last title, role or department word, if a name follows it."""
    last = max((k for k, word in enumerate(words[:-1]) if _is_role(word)), default=-1)
    if last < 0:
        return None
    rest = _past_title_phrase(words[last + 1 :])
    if not rest or _is_post(rest[-1]):  # "Prime Minister", "Pentagon Press Secretary": a post, no name
        return None
    if _is_name_word(rest[-1], last=True) and all(_is_name_word(word) for word in rest):
        if not any(_bare(word) in DEPARTMENTS for word in rest):
            return rest
    return None


def _past_title_phrase(rest: list[str]) -> list[str]:
    """Past "of Transportation" in "Secretary of Transportation Pete Buttigieg", when two name words remain:
    a department the lexicon lacks is one capitalised word after the connective."""
    k = 0
    while k < len(rest) and rest[k].lower() in _CONNECTIVES:
        k += 1
    if k == 0:
        return rest
    k += 1  # the department's word
    while k < len(rest) and _bare(rest[k]) in DEPARTMENTS:
        k += 1
    return rest[k:] if len(rest) - k >= 2 else []


def _is_role(word: str) -> bool:
    bare = _bare(word)
    if bare in TITLES or bare in DEPARTMENTS or bare in PERSON_NOUNS:
        return True
    if "-" in bare:  # Secretary-General, Vice-President, ex-president
        return any(part in TITLES for part in bare.split("-"))
    dotted = [part for part in bare.split(".") if part]
    return len(dotted) > 1 and all(part in TITLES for part in dotted)  # Lt.Gen.


def _is_name_word(word: str, last: bool = False) -> bool:
    """A word a proper name may hold: capitalised, a number, al-Assad, or (not last) a particle or nickname."""
    if word[:1].isupper() or word[:1].isdigit():
        return True
    prefixed = _PREFIXED.match(word)
    if prefixed is not None and prefixed.group(1).isupper():
        return True
    return not last and (word.lower() in NAME_PARTICLES or word[:1] in _NICKNAME_MARKS)


def _is_proper(words: list[str]) -> bool:
    """Capitalised words, with connectives and particles between them: a name, not a description."""
    if not _is_name_word(words[-1], last=True):
        return False
    if not (_is_name_word(words[0], last=True) or words[0].lower() in NAME_PARTICLES):
        return False
    return all(_is_name_word(word) or word.lower() in _CONNECTIVES for word in words)


def _describes(words: list[str]) -> bool:
    """Capitalised words that are a description or a post: `Experts`, `Pentagon Spokesman`, `the President`."""
    head = _bare(words[-1])
    if _is_people(head) or _is_title(words[0]):
        return True
    if len(words) == 1:
        return head in PERSON_NOUNS or head in BODY_NOUNS
    # "Finance Minister", "Campaign Manager": a post. It costs the names that end in one ("Howard
    # Dean") their merging across documents, which an alias gives back; the other way round, one
    # country's finance minister would be another's.
    return _is_post(words[-1])


def _is_post(word: str) -> bool:
    bare = _bare(word)
    return bare in PERSON_NOUNS or _is_title(word)


def _is_title(word: str) -> bool:
    bare = _bare(word)
    return bare in TITLES or ("-" in bare and any(part in TITLES for part in bare.split("-")))


def _is_people(bare: str) -> bool:
    """A word for people in the plural: officials, experts, witnesses, spokesmen, police."""
    if bare in PLURAL_PERSONS:
        return True
    if not bare.endswith("s") and not bare.endswith("men"):
        return False
    singulars = (bare[:-1], bare[:-2], bare[:-3] + "y", bare[:-3] + "man")
    return any(singular in PERSON_NOUNS for singular in singulars)


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _is_organisation(words: list[str]) -> bool:
    if len(words) == 1:
        return _is_acronym(words[0]) or _bare(words[0]) in DEPARTMENTS
    if any(word.lower() in _CONNECTIVES for word in words[1:-1]):
        return True
    return _bare(words[-1]) in ORGANISATION_ENDS or _bare(words[-1]) in DEPARTMENTS


def _person(words: list[str], text: str) -> _Name:
    """A person's name from its words (titles gone): surname with its particles, given names, initials."""
    shown = [word for word in words if word[:1] not in _NICKNAME_MARKS] or words
    named = [word for word in shown if _bare(word) not in SUFFIXES] or shown
    start = len(named) - 1
    while start > 0 and named[start - 1].lower() in NAME_PARTICLES:
        start -= 1
    surname = _ARABIC_ARTICLE.sub("", _fold(" ".join(named[start:])))
    given = [_fold(word) for word in named[:start] if not _INITIAL.fullmatch(word)]
    initials = [_fold(word) for word in named[:start] if _INITIAL.fullmatch(word)]
    folded = _fold(_without_the(text))
    display = " ".join(shown)
    if given:
        return _Name(_Kind.FULL, display, folded, surname, " ".join(given))
    if initials:
        return _Name(_Kind.INITIALS, display, folded, surname, initials[0][:1])
    return _Name(_Kind.SURNAME, display, folded, surname)


def _organisation(words: list[str], text: str) -> _Name:
    folded = _fold(" ".join(words))
    return _Name(_Kind.ORGANISATION, " ".join(words), _fold(_without_the(text)), folded)


def _description(text: str) -> _Name:
    words = text.split()
    start = 0
    # The article and the quantifier name no one: "a military official", "the official", "unnamed
    # military official" are one speaker in an article.
    while start < len(words) - 1 and (words[start].lower() in _OPENERS or words[start].lower() == "the"):
        start += 1
    return _Name(_Kind.DESCRIPTION, text, _fold(_without_the(text)), _fold(" ".join(words[start:])))


def _without_the(text: str) -> str:
    return text[4:] if text[:4].lower() == "the " else text


def _bare(word: str) -> str:
    """A word as the lexicons hold it: lower-case, without a final period or a possessive."""
    if "'" in word or "’" in word:
        word = _POSSESSIVE.sub("", word)
    return word.lower().rstrip(".")


def _fold(text: str) -> str:
    """Case, accents, apostrophes and periods aside (`U.N.` is `un`); `/` and `@` are the keys' own separators."""
    plain = text.casefold()
    if not plain.isascii():
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = plain.replace("’", "'").replace(".", "").replace("/", " ").replace("@", " ")
    return " ".join(plain.split())


def _promote_lower_case(read: dict[str, _Name]) -> dict[str, _Name]:
    """A description that reads as a capitalised name of the corpus, case aside, is that name.
    `read`: each distinct name as written -> what it was read as."""
    proper: dict[str, _Name] = {}
    # Sorted on every field, so that which of two names folded alike wins does not depend on the order.
    names = sorted(
        (name for name in read.values() if name.kind is not _Kind.DESCRIPTION),
        key=lambda name: (name.display, name.aliased, name.kind.value, name.surname, name.given),
    )
    for name in names:
        proper.setdefault(name.folded, name)
    return {
        raw: proper.get(name.folded, name) if name.kind is _Kind.DESCRIPTION and not name.aliased else name
        for raw, name in read.items()
    }


# -- who is who ----------------------------------------------------------------------


def _full_key(name: _Name) -> str:
    return f"{name.surname}/{name.given}"


def _own_key(name: _Name) -> str:
    """A surname's or initials' key when it joins no full name: the surname, or surname/initial."""
    return name.surname if name.kind is _Kind.SURNAME else f"{name.surname}/{name.given}"


@dataclass(frozen=True, slots=True)
class _FullNames:
    """The full names of the corpus by surname: in each document, and in all of them."""

    in_document: Mapping[tuple[str, str], Mapping[str, str]]  # (doc, surname) -> key -> first initial
    in_corpus: Mapping[str, Mapping[str, str]]  # surname -> key -> first initial

    @classmethod
    def of(cls, names: Mapping[_Pair, _Name]) -> _FullNames:
        in_document: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        in_corpus: dict[str, dict[str, str]] = defaultdict(dict)
        for (_, doc_id), name in names.items():
            if name.kind is _Kind.FULL:
                in_document[(doc_id, name.surname)][_full_key(name)] = name.given[:1]
                in_corpus[name.surname][_full_key(name)] = name.given[:1]
        return cls(in_document, in_corpus)

    def join(self, name: _Name, doc_id: str) -> str:
        """The full name a surname (or initials and a surname) joins, else its own key."""
        own = _own_key(name)
        for found in (self.in_document.get((doc_id, name.surname), {}), self.in_corpus.get(name.surname, {})):
            fits = [key for key, initial in found.items() if name.kind is _Kind.SURNAME or initial == name.given]
            if len(fits) == 1:
                return fits[0]
            if fits:
                return f"{own}@{doc_id}"
        return own


def _key(doc_id: str, name: _Name, index: _FullNames) -> str:
    if name.kind is _Kind.FULL:
        return _full_key(name)
    if name.kind is _Kind.ORGANISATION:
        return name.surname
    if name.kind is _Kind.DESCRIPTION:
        return f"{name.surname}@{doc_id}"
    if name.aliased:
        return _own_key(name)
    return index.join(name, doc_id)


def _persons(keys: Mapping[_Pair, str], names: Mapping[_Pair, _Name], counts: Counter[_Pair]) -> dict[str, Person]:
    by_key: dict[str, list[_Pair]] = defaultdict(list)
    for pair, key in keys.items():
        by_key[key].append(pair)
    return {key: _person_of(key, pairs, names, counts) for key, pairs in by_key.items()}


def _person_of(key: str, pairs: list[_Pair], names: Mapping[_Pair, _Name], counts: Counter[_Pair]) -> Person:
    written: Counter[str] = Counter()
    chosen = [pair for pair in pairs if names[pair].aliased] or pairs
    for pair in chosen:
        written[names[pair].display] += counts[pair]
    name = (
        next(iter(written)) if len(written) == 1 else min(written, key=lambda shown: _fullness(shown, written[shown]))
    )
    return Person(key, name, tuple(sorted({raw for raw, _ in pairs})))


def _fullness(shown: str, count: int) -> tuple[int, int, int, int, bool, str]:
    """Sorts the fullest name first: most names (not initials or suffixes), most often written,
    most words, accents, no sentence capital."""
    words = shown.split()
    names = sum(1 for word in words if not _INITIAL.fullmatch(word) and _bare(word) not in SUFFIXES)
    accents = sum(1 for char in shown if not char.isascii())
    return (-names, -count, -len(words), -accents, shown[:1].isupper(), shown)
