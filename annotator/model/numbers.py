"""Read a number span's text as (value, unit), to pre-fill the number form.

Pure and heuristic: a suggestion the annotator confirms or edits, never a
verdict. `parse_number` never raises; it returns `(None, None)` for text it
cannot read. The rules, in order:

1. Only the first 400 characters are read. Dashes and the minus sign become
   "-", no-break and thin spaces become spaces.
2. A date ("Aug. 31, 2021", "31 August", "March 2020", "2021-08-31",
   "8/31/2021") gives `(None, "date")`; a clock time ("10:30", "9 a.m.")
   gives `(None, "time")`.
3. A decade gives its first year: "1990s", "mid-1990s" -> `(1990, "decade")`;
   "'90s" -> 1990 and "'10s" -> 2010 (two digits from 30 up are 19xx).
4. Otherwise the first quantity in the text is read, digits or words:
   "2,000", "3.5", ".5", "1½", "1/2", "two", "twenty-five", "a dozen",
   "one and a half million", "half a million". Scale words and abbreviations
   that follow multiply it: thousand, million, billion, trillion, dozen,
   hundred, "bn", "mn", "mln", "tn", and directly attached "k", or "m"/"b"
   after a currency ("$5m"). A range ("10-15", "10 to 15") gives its first
   number. A "-" directly before the number, or "minus", makes it negative.
   Digits with an ordinal suffix ("21st") give `(21, "ordinal")`.
5. The unit, first match wins:
   - a currency symbol or ISO code before or after the number ("$", "US$",
     "C$", "€", "£", "¥", "₹", "USD 5", "5 EUR"), or a currency word after it
     ("dollars", "euros", "yen", "sterling"): the ISO 4217 code ("USD");
   - "%", "percent", "per cent", "pct": "percent"; "percentage points",
     "basis points", "miles per hour" ("mph"), "square miles" and the like
     as written in `_COMPOUNDS`;
   - a word hyphenated to the number ("500-pound", "13-year-old"): that word;
   - else the noun phrase that follows the number: the run of words up to
     the first punctuation or function word (of, in, who, were, said, ...),
     at most four words; the unit is its LAST word ("2,000 hardcore ISIS
     fighters" -> "fighters", "13 service members" -> "members"). Adjectives
     cannot be told from nouns without a tagger, and the head noun of an
     English noun phrase is its last word.
   Known unit words are given in the plural ("pound" -> "pounds", "person"
   -> "people"); other words are kept as written. "pounds" means weight:
   only "£" or "sterling" give GBP.
   "dozens/hundreds/thousands/millions of X" give `(None, X)`.
6. The value is an `int` when integral and within ±2**53 (JSON's exact
   range), else a finite `float`, else None.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

Number = int | float

MAX_SCAN = 400
MAX_PHRASE_WORDS = 4
SAFE_INTEGER = 2**53 - 1

# -- vocabulary ----------------------------------------------------------------

_SMALL = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    word: 10 * (index + 2) for index, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())
}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_MULTIPLIERS = {**_SCALES, "hundred": 100, "dozen": 12, "lakh": 10**5, "crore": 10**7}
_AFTER_ARTICLE = frozenset({*_MULTIPLIERS, "half"})  # "a dozen", "a million", "a half"
# Abbreviations that are a scale wherever they appear ("5bn", "5 bn").
_SCALE_ABBREVIATIONS = {
    "bn": 10**9,
    "bln": 10**9,
    "mn": 10**6,
    "mln": 10**6,
    "tn": 10**12,
    "trn": 10**12,
}
# Single letters that are a scale only when attached ("50k"); "m" and "b" only
# after a currency ("$5m"), because "5m" alone is five metres.
_LETTER_SCALES = {"k": 10**3, "m": 10**6, "b": 10**9}
_NUMBER_WORDS = frozenset({*_SMALL, *_TENS, *_MULTIPLIERS, "half"})
_NUMBER_WORDS_OR_A = _NUMBER_WORDS | {"a"}
_VAGUE_PLURALS = {"dozens", "scores", "tens", "hundreds", "thousands", "millions", "billions", "trillions"}
_UNICODE_FRACTIONS = {"½": "0.5", "¼": "0.25", "¾": "0.75", "⅓": "0.3333", "⅔": "0.6667", "⅕": "0.2", "⅒": "0.1"}

_CURRENCY_SYMBOLS = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₽": "RUB",
    "₩": "KRW",
    "₪": "ILS",
    "₺": "TRY",
    "₴": "UAH",
    "₦": "NGN",
    "₱": "PHP",
}
# Letters written before "$": US$, C$, A$, HK$ ...
_DOLLAR_PREFIXES = {
    "us": "USD",
    "u.s.": "USD",
    "c": "CAD",
    "ca": "CAD",
    "can": "CAD",
    "a": "AUD",
    "au": "AUD",
    "hk": "HKD",
    "nz": "NZD",
    "s": "SGD",
    "r": "BRL",
    "mx": "MXN",
}
_ISO_CODES = frozenset(
    "USD EUR GBP JPY CNY INR CAD AUD CHF RUB KRW HKD NZD SGD BRL MXN ZAR TRY SEK NOK DKK PLN ILS UAH NGN PHP".split()
)
_CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "sterling": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupee": "INR",
    "rupees": "INR",
    "ruble": "RUB",
    "rubles": "RUB",
    "rouble": "RUB",
    "roubles": "RUB",
    "won": "KRW",
    "shekel": "ILS",
    "shekels": "ILS",
    "hryvnia": "UAH",
    "hryvnias": "UAH",
    "naira": "NGN",
    "pesos": "MXN",
}

_PERCENT_WORDS = {"percent", "pct", "percentage"}

# Multi-word units, matched on the lower-cased words right after the number.
_COMPOUNDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("per", "cent"), "percent"),
    (("percentage", "points"), "percentage points"),
    (("percentage", "point"), "percentage points"),
    (("basis", "points"), "basis points"),
    (("basis", "point"), "basis points"),
    (("miles", "per", "hour"), "mph"),
    (("mile", "per", "hour"), "mph"),
    (("kilometers", "per", "hour"), "km/h"),
    (("kilometres", "per", "hour"), "km/h"),
    (("square", "miles"), "square miles"),
    (("square", "mile"), "square miles"),
    (("square", "kilometers"), "square kilometers"),
    (("square", "kilometres"), "square kilometers"),
    (("square", "feet"), "square feet"),
    (("square", "foot"), "square feet"),
    (("square", "meters"), "square meters"),
    (("square", "metres"), "square meters"),
    (("degrees", "celsius"), "degrees Celsius"),
    (("degrees", "fahrenheit"), "degrees Fahrenheit"),
    (("pounds", "sterling"), "GBP"),
    (("us", "dollars"), "USD"),
    (("u.s.", "dollars"), "USD"),
)

# Unit words given in a canonical plural.
_UNIT_PLURALS = {
    "pound": "pounds",
    "lb": "pounds",
    "lbs": "pounds",
    "ton": "tons",
    "tonne": "tonnes",
    "mile": "miles",
    "kilometer": "kilometers",
    "kilometre": "kilometers",
    "kilometres": "kilometers",
    "meter": "meters",
    "metre": "meters",
    "metres": "meters",
    "foot": "feet",
    "inch": "inches",
    "yard": "yards",
    "acre": "acres",
    "hectare": "hectares",
    "gallon": "gallons",
    "liter": "liters",
    "litre": "liters",
    "litres": "liters",
    "barrel": "barrels",
    "kilogram": "kilograms",
    "kilo": "kilograms",
    "kilos": "kilograms",
    "gram": "grams",
    "ounce": "ounces",
    "degree": "degrees",
    "year": "years",
    "month": "months",
    "week": "weeks",
    "day": "days",
    "hour": "hours",
    "minute": "minutes",
    "second": "seconds",
    "decade": "decades",
    "century": "centuries",
    "person": "people",
    "persons": "people",
    "member": "members",
    "seat": "seats",
    "vote": "votes",
    "point": "points",
    "time": "times",
    "percent": "percent",
    "pct": "percent",
}

# Words that end the noun phrase after a number.
_STOPWORDS = frozenset(
    """
    a an the this that these those his her their its our my your some any each every all both no
    of in on at to from by for with without over under into onto since during after before between
    among across through against toward towards about around per via than as like near
    and or but nor so yet if while because although though whereas
    who whom whose which what where when why how
    is are was were be been being am have has had do does did will would shall should can could
    may might must said says say told tell according reported reportedly
    ago more less fewer most least each apiece already also now still only just then there here
    nearly roughly approximately almost about some up down out off not
    """.split()
)

_MONTHS_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTHS_SHORT = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_MONTH = rf"(?:(?:{_MONTHS_FULL})|(?:{_MONTHS_SHORT})\.?)"
_DATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b"  # Aug. 31, March 5th
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?![A-Za-z])"  # 31 August, 5th of May
    rf"|\b{_MONTH}\s+\d{{4}}\b"  # March 2020
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b"  # 2021-08-31
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"  # 8/31/2021
    r"|\b\d{1,2}\.\d{1,2}\.\d{4}\b"  # 31.08.2021
)
_TIME = re.compile(
    r"\b\d{1,2}:\d{2}(?::\d{2})?\b|\b\d{1,2}(?::\d{2})?\s*(?:[ap]\.m\.|[ap]m\b)",
    re.IGNORECASE,
)
_DECADE = re.compile(r"(?<![\d.,])(\d{3}0)['’]?s\b")
_SHORT_DECADE = re.compile(r"(?<![\w'’])['’](\d0)['’]?s\b")

_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"|(?P<word>(?:[^\W\d_]\.){2,}|[^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|(?P<sym>\S)"
)

_NORMALISE = str.maketrans(
    {
        "\u2212": "-",  # minus sign
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
    }
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "num", "word" or "sym"
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


# -- entry point -------------------------------------------------------------------


def parse_number(text: str) -> tuple[Number | None, str | None]:
    """(value, unit) read from a number span's text; `(None, None)` if unreadable. Never raises."""
    try:
        return _parse(text)
    except Exception:  # a pre-fill must never break the form
        return None, None


def _parse(text: str) -> tuple[Number | None, str | None]:
    if not isinstance(text, str):
        return None, None
    source = text[:MAX_SCAN].translate(_NORMALISE).strip()
    if not source:
        return None, None
    if _DATE.search(source):
        return None, "date"
    if _TIME.search(source):
        return None, "time"
    if match := _DECADE.search(source):
        return int(match.group(1)), "decade"
    if match := _SHORT_DECADE.search(source):
        two = int(match.group(1))
        return (1900 + two if two >= 30 else 2000 + two), "decade"

    tokens = [
        _Token(match.lastgroup or "sym", match.group(), match.start(), match.end()) for match in _TOKEN.finditer(source)
    ]
    start = _first_quantity(tokens)
    if start is None:
        return None, _vague_unit(tokens)

    value, end, numeric = _read_quantity(tokens, start)
    if value is None:
        return None, None
    if _is_negative(tokens, start):
        value = -value

    if (
        numeric
        and end < len(tokens)
        and _attached(tokens, end - 1, end)
        and tokens[end].lower in {"st", "nd", "rd", "th"}
    ):
        return _finish(value), "ordinal"

    currency = _currency_before(tokens, start)
    # A letter scale right after the digits: "50k", "$5m".
    if end < len(tokens) and _attached(tokens, end - 1, end):
        letter = tokens[end].lower
        if letter in _LETTER_SCALES and (letter == "k" or currency):
            value *= _LETTER_SCALES[letter]
            end += 1
    value, end = _read_multipliers(tokens, end, value)
    end = _skip_range(tokens, end)

    unit = _unit_after(tokens, end)
    if currency is not None:
        unit = currency
    return _finish(value), unit


# -- quantity ------------------------------------------------------------------------


def _first_quantity(tokens: list[_Token]) -> int | None:
    for index, token in enumerate(tokens):
        if token.kind == "num" or token.text in _UNICODE_FRACTIONS:
            return index
        if token.kind != "word":
            continue
        word = token.lower
        if word in _NUMBER_WORDS:
            return index
        if word in {"a", "an"}:
            following = _next_word(tokens, index)
            if following is not None and following in _AFTER_ARTICLE:
                return index
    return None


def _next_word(tokens: list[_Token], index: int) -> str | None:
    if index + 1 < len(tokens) and tokens[index + 1].kind == "word":
        return tokens[index + 1].lower
    return None


def _read_quantity(tokens: list[_Token], start: int) -> tuple[Decimal | None, int, bool]:
    """The value of the quantity starting at `start`, the index after it, and whether it was digits."""
    token = tokens[start]
    if token.text in _UNICODE_FRACTIONS:
        return Decimal(_UNICODE_FRACTIONS[token.text]), start + 1, True
    if token.kind == "num":
        value = Decimal(token.text.replace(",", ""))
        end = start + 1
        if end < len(tokens) and _attached(tokens, start, end) and tokens[end].text in _UNICODE_FRACTIONS:
            value += Decimal(_UNICODE_FRACTIONS[tokens[end].text])
            end += 1
        elif (
            end + 1 < len(tokens)
            and tokens[end].text == "/"
            and tokens[end + 1].kind == "num"
            and _attached(tokens, start, end)
            and _attached(tokens, end, end + 1)
        ):
            denominator = Decimal(tokens[end + 1].text.replace(",", ""))
            if denominator:
                value = value / denominator
            end += 2
        return value, end, True
    return _read_number_words(tokens, start)


def _read_number_words(tokens: list[_Token], start: int) -> tuple[Decimal | None, int, bool]:
    words: list[str] = []
    index = start
    while index < len(tokens):
        token = tokens[index]
        word = token.lower
        if token.kind == "word" and word in _NUMBER_WORDS:
            words.append(word)
        elif token.kind == "word" and word in {"a", "an"} and _next_word(tokens, index) in _AFTER_ARTICLE:
            pass
        elif token.kind == "word" and word == "and" and words and _next_word(tokens, index) in _NUMBER_WORDS_OR_A:
            pass
        elif token.text == "-" and words and _attached(tokens, index - 1, index) and _next_word(tokens, index):
            following = tokens[index + 1].lower
            if following not in _NUMBER_WORDS or not _attached(tokens, index, index + 1):
                break
        else:
            break
        index += 1
    if not words:
        return None, start, False
    total = Decimal(0)
    current = Decimal(0)
    last_scale = 0
    for word in words:
        if word in _SMALL:
            current += _SMALL[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "half":
            if not current and last_scale:  # "a million and a half"
                total += Decimal(last_scale) / 2
            else:
                current += Decimal("0.5")
        elif word in _SCALES:
            last_scale = _SCALES[word]
            total += (current or 1) * last_scale
            current = Decimal(0)
        else:  # hundred, dozen, lakh, crore
            current = (current or 1) * _MULTIPLIERS[word]
    return total + current, index, False


def _read_multipliers(tokens: list[_Token], index: int, value: Decimal) -> tuple[Decimal, int]:
    """Multiply by the scale words that follow: "1.2 billion", "2 dozen", "5bn", "3.5-million"."""
    while index < len(tokens):
        token = tokens[index]
        if (
            token.text == "-"
            and index + 1 < len(tokens)
            and _attached(tokens, index - 1, index)
            and _attached(tokens, index, index + 1)
            and tokens[index + 1].lower in _MULTIPLIERS
        ):
            index += 1
            continue
        if token.kind != "word":
            break
        word = token.lower
        if word in _MULTIPLIERS:
            value *= _MULTIPLIERS[word]
        elif word in _SCALE_ABBREVIATIONS:
            value *= _SCALE_ABBREVIATIONS[word]
        else:
            break
        index += 1
    return value, index


def _skip_range(tokens: list[_Token], index: int) -> int:
    """Skip the upper end of a range: "10-15", "10 to 15", "10-to-15"."""
    if index + 1 < len(tokens) and tokens[index + 1].kind == "num":
        if tokens[index].text == "-" or tokens[index].lower == "to":
            index += 2
            return _read_multipliers(tokens, index, Decimal(0))[1]
    return index


def _is_negative(tokens: list[_Token], start: int) -> bool:
    if start >= 1 and tokens[start - 1].text == "-" and _attached(tokens, start - 1, start):
        # "COVID-19" and "10-15" are not negative: the dash is attached to what is before it.
        return start < 2 or not _attached(tokens, start - 2, start - 1)
    return start >= 1 and tokens[start - 1].lower == "minus"


def _attached(tokens: list[_Token], left: int, right: int) -> bool:
    return 0 <= left < right < len(tokens) and tokens[left].end == tokens[right].start


# -- unit --------------------------------------------------------------------------


def _currency_before(tokens: list[_Token], start: int) -> str | None:
    index = start - 1
    if index >= 0 and tokens[index].text == "-":  # -$5
        index -= 1
    if index < 0:
        return None
    token = tokens[index]
    if token.text in _CURRENCY_SYMBOLS:
        if token.text == "$" and index >= 1 and _attached(tokens, index - 1, index):
            prefix = tokens[index - 1].lower
            if prefix in _DOLLAR_PREFIXES:
                return _DOLLAR_PREFIXES[prefix]
        return _CURRENCY_SYMBOLS[token.text]
    if token.kind == "word" and token.text in _ISO_CODES:
        return token.text
    return None


def _unit_after(tokens: list[_Token], index: int) -> str | None:
    if index >= len(tokens):
        return None
    token = tokens[index]
    if token.text in _CURRENCY_SYMBOLS:
        return _CURRENCY_SYMBOLS[token.text]
    if token.text == "%":
        return "percent"
    if token.text == "°":
        following = _next_word(tokens, index)
        if following in {"c", "celsius"}:
            return "degrees Celsius"
        if following in {"f", "fahrenheit"}:
            return "degrees Fahrenheit"
        return "degrees"
    if token.text == "-" and _attached(tokens, index - 1, index) and _attached(tokens, index, index + 1):
        if tokens[index + 1].kind == "word":  # "500-pound", "13-year-old"
            return _canonical_unit(tokens[index + 1].text)
        return None
    if token.kind != "word":
        return None
    if token.text in _ISO_CODES:
        return token.text
    words = [t.lower for t in tokens[index : index + 3] if t.kind == "word"]
    for compound, unit in _COMPOUNDS:
        if tuple(words[: len(compound)]) == compound and all(
            t.kind == "word" for t in tokens[index : index + len(compound)]
        ):
            return unit
    phrase: list[str] = []
    for t in tokens[index:]:
        if t.kind != "word" or t.lower in _STOPWORDS or len(phrase) >= MAX_PHRASE_WORDS:
            break
        phrase.append(t.text)
    if not phrase:
        return None
    return _canonical_unit(phrase[-1])


def _canonical_unit(word: str) -> str:
    lower = word.lower()
    if lower in _PERCENT_WORDS:
        return "percent"
    if lower in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[lower]
    return _UNIT_PLURALS.get(lower, word)


def _vague_unit(tokens: list[_Token]) -> str | None:
    """The X of "hundreds of X", "dozens of X"; None otherwise."""
    for index, token in enumerate(tokens):
        if token.kind == "word" and token.lower in _VAGUE_PLURALS:
            following = index + 1
            if following < len(tokens) and tokens[following].lower == "of":
                following += 1
            return _unit_after(tokens, following)
    return None


def _finish(value: Decimal) -> Number | None:
    if value == value.to_integral_value() and abs(value) <= SAFE_INTEGER:
        return int(value)
    number = float(value)
    if not math.isfinite(number):
        return None
    if number.is_integer() and abs(number) <= SAFE_INTEGER:
        return int(number)
    return number
