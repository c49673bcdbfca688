"""Suggest `number` spans: every numeric expression the `n` key understands.

One scan of the text with one compiled pattern finds candidates; a short rule
per kind then widens, keeps or drops each. The rules are the project's
guideline for number spans, written from how news is written:

What is a number span
- Digits with separators and decimals ("2,000", "3.5"), as `annotator.prose`
  reads a number token (`prose.NUMBER`), and number words ("two",
  "twenty-five", "a dozen", "two hundred and fifty", "half a million",
  "one and a half million").
- Money, percentages and scaled numbers are one span with their symbol,
  scale and percent word: "$1.2 billion", "€40m", "$5bn", "13%",
  "13 percent", "2 percentage points", "2.5 million", "five million dollars".
- A quantity of time is one span with its unit: "20 years", "three months",
  "48 hours", "a year and a half", "half an hour".
- A hyphenated compound is one span: "500-pound", "13-year-old", "two-day".
- A range is one span: "10-15", "10–15", "10 to 15 percent", "two to three
  weeks"; "X to Y" only when Y is the larger and no change is told ("rose
  from 12 to 18", "fell $4 to $38" and the tally "passed 230 to 198" are two
  spans). So is a ratio, a smaller number in a larger: "one in five", "2 out
  of 10".
- A count is the numeral alone: "13" in "13 service members", "2,000" in "at
  least 2,000 fighters". The qualifier ("at least", "about", "more than") is
  a hedge, not part of the number; the counted noun is the unit.
- Vague quantities are spans without a value: "hundreds", "thousands",
  "tens of thousands", "several hundred".
- A date is one span with unit "date" and no value: "Aug. 31, 2021",
  "September 1, 2021", "31 August", "February 2020", "2021-08-31",
  "8/31/2021". A bare year (four digits, 1600-2099, no separator) is a date
  too, unless a plural noun follows it and nothing before it reads as a date
  ("2000 troops", but "in 2021", "the 2020 elections"). A decade ("1990s",
  "mid-1990s", "'90s") is one span. A clock time ("10:30 a.m.", "9 p.m.",
  "14:00") has unit "time".
- A temperature written with its scale is one span: "40C", "-5°C", "104F".
- Digits with an ordinal suffix ("20th anniversary", "21st century") are
  kept with unit "ordinal", except before a capitalised word, where they name
  something ("82nd Airborne").

What is left out
- "one" as a pronoun or article-like word ("one of the", "no one", "one
  day", "at one point", "one official said"): "one" is kept only when it
  clearly counts: part of a larger number, before a time unit other than
  "day", before "percent", in a unit compound ("one-year"), in a range or
  ratio ("one or two", "one in five"), or after a counting qualifier ("at
  least one", "only one person").
- Ordinals written as words ("first", "second"): never matched.
- Numbers inside names and codes: attached to a word by a hyphen or slash
  ("COVID-19", "F-16", "9/11", "24/7"); after a code word ("Section 230",
  "route 66", "No. 5", "page 3"); after a capitalised word in mid-sentence
  ("Boeing 737", "Apollo 11"); phone numbers, dotted or dashed codes of three
  or more parts ("1.2.3", "202-555-0173"); a leading zero ("007", "02139");
  five or more digits without separators (identifiers and postcodes).
  Number words capitalised in mid-sentence ("Air Force One", "Group of
  Seven") are names too.
- Numbers inside words ("5G", "H1N1", "someone", "often").

Attributes
- `value` and `unit` come from `annotator.model.numbers.parse_number` on the
  span's text; when the span has no unit of its own, the unit is read from
  the span plus the noun phrase that follows it ("2,000 hardcore fighters"
  -> "fighters"). The phrase ends at punctuation, a digit (so a later date is
  never the unit) or a line end, and after its first plural noun, since a
  verb often follows ("fighters remain"). `value` is omitted when None
  (dates, times, vague quantities), and so is `unit`.

Everything is linear in the text: one compiled alternation, anchored
lookups of bounded width around each candidate, and possessive repeats where
a long run could otherwise be retried.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from annotator.model.annotation import AttributeValue
from annotator.model.numbers import Number, parse_number
from annotator.prose import NUMBER
from annotator.suggest.base import Suggestion, TextSuggester
from annotator.suggest.builtin import BuiltinOptions

VERSION = "1"
LABEL = "number"

_SP = r"[^\S\n]"  # a space that stays in the paragraph
_GAP = rf"{_SP}{{1,3}}"  # words are one (rarely a few) spaces apart
_END = r"(?![\w'’])"  # a word ends here: not inside a longer word or "one’s"

# -- vocabulary ----------------------------------------------------------------

_UNITS_WORDS = "one two three four five six seven eight nine".split()
_SMALL_WORDS = [
    "zero",
    *_UNITS_WORDS,
    *"ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split(),
]
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALE_WORDS = "hundred thousand million billion trillion dozen".split()
_TIME_UNITS = "years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century"


def _one_of(words: list[str]) -> str:
    """An alternation of `words` as a trie ("t(?:en|wo|hree)..."): one step per letter, not per word.

    Longer words come before their prefixes ("seventeen" before "seven"); a word
    boundary after the group decides.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _render_trie(trie)


def _render_trie(node: dict) -> str:
    branches = [re.escape(char) + _render_trie(child) for char, child in node.items() if char]
    if "" in node:
        branches.append("")
    if len(branches) == 1:
        return branches[0]
    return f"(?:{'|'.join(branches)})"


_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_CURRENCY = r"(?:(?:US|A|C|HK|NZ)?[$€£¥₹₽₩₪₺₴₦₱])"

# -- the candidates, one alternation -----------------------------------------------

# A number never starts inside a word ("5G" is not found at "G", nor "19" in
# "COVID-19"), after a decimal point or a separator, nor after / : # @ & that
# join codes ("24/7", "3:1", "#1").
_LEFT = r"(?<![\w.,:/#@&])(?<!\w[-‐‑'’])"

_DATE = (
    rf"{_MONTH}{_GAP}{_DAY}(?:[-–]{_DAY})?(?!\w|,\d)(?:,?{_GAP}{_YEAR}(?!\w|,\d))?"  # Aug. 31, 2021
    rf"|{_MONTH}{_GAP}{_YEAR}(?!\w)"  # February 2020
    rf"|{_DAY}{_GAP}(?:of{_GAP})?{_MONTH}(?!\w)(?:,?{_GAP}{_YEAR}(?!\w|,\d))?"  # 31 August 2021
    r"|\d{4}-\d\d-\d\d(?![\w-])"  # 2021-08-31
    r"|\d{1,2}/\d{1,2}/(?:\d{4}|\d\d)(?![\w/])"  # 8/31/2021
)
_AM_PM = r"(?i:[ap]\.m\.|[ap]m(?!\w))"
_TIME = rf"(?:[01]\d|2[0-3]|[1-9]):[0-5]\d(?::[0-5]\d)?(?:{_SP}?{_AM_PM})?(?![\w:])|(?:1[0-2]|0?[1-9]){_SP}?{_AM_PM}"
# An hour of "0" ("0:00", "0:02:20") is a media player's clock, not a time of day.
# Codes that look like numbers: phone numbers, identifiers of three or more
# parts, and digit pairs joined by / or : that are not dates or times.
_CODE = (
    r"\+\d{1,3}(?:[ .-]\d{2,4}){2,}+(?![\w-])"
    r"|\(\d{3}\)[ ]?\d{3}[-. ]\d{4}(?![\w-])"
    r"|\d{3}[-. ]\d{3}[-. ]\d{4}(?![\w-])"
    r"|\d{3}-\d{4}(?![\w-])"
    r"|\d++(?:-\d++){2,}+|\d++(?:\.\d++){2,}+"
    r"|\d++(?:[/:]\d++)++"
)
_DECADE = r"(?i:mid-)?\d{3}0['’]?s(?!\w)|['’]\d0s(?!\w)"
# Scale letters attached to digits: "50k", "$5m", "€1.2bn", "5 bn"; "m" and
# "b" only after a currency, since "5m" alone is five metres.
_LETTER_SCALED = (
    rf"{_CURRENCY}{_SP}?\d++(?:[.,]\d++)*+(?:[kKmMbB]|bn|mn|mln|tn|trn)(?!\w)"
    rf"|\d++(?:[.,]\d++)*+(?:k|K|{_SP}?(?:bn|mn|mln|tn|trn))(?!\w)"
)
_ORDINAL = r"\d++(?:st|nd|rd|th)(?!\w)"
# A temperature written with its scale: "40C", "104F", "-5°C", "21.5°".
_TEMPERATURE = r"[-−]?\d++(?:\.\d++)?(?:°[CF]?|[CF])(?!\w)"
_BASIC = rf"(?:{_one_of(_TENS_WORDS)}(?:-{_one_of(_UNITS_WORDS)})?{_END}|{_one_of(_SMALL_WORDS)}{_END})"
_SCALE = rf"{_one_of(_SCALE_WORDS)}{_END}"
_SEP = rf"(?:{_GAP}|-)"
_AND_A_HALF = rf"{_GAP}and{_GAP}a{_GAP}half{_END}"
# "two", "twenty-five", "a dozen", "half a million", "one and a half million",
# "three hundred and fifty", "two and a half".
_SCALES = (
    rf"{_SCALE}(?:{_SEP}{_SCALE})*+"
    rf"(?:{_SEP}(?:(?<=hundred[ ])and{_GAP})?{_BASIC}(?:{_SEP}{_SCALE})*+)*+"
)
_WORDS = rf"(?i:(?:an?|half{_GAP}an?){_GAP}{_SCALES}|{_BASIC}(?:{_AND_A_HALF})?(?:{_SEP}{_SCALES})?)"
# "a year and a half", "an hour and a half", "half an hour".
_HALF_TIME = rf"(?i:an?{_GAP}(?:{_TIME_UNITS}){_AND_A_HALF}|half{_GAP}an?{_GAP}(?:{_TIME_UNITS}){_END})"
_VAGUE = (
    rf"(?i:(?:tens|hundreds){_GAP}of{_GAP}(?:thousands|millions|billions)"
    rf"|(?:a{_GAP}few|several|a{_GAP}couple{_GAP}of){_GAP}(?:hundred|thousand|million|billion|dozen)"
    rf"|dozens|hundreds|thousands|millions|billions){_END}"
)

# The first character picks the alternatives worth trying, which halves the scan.
_DIGIT_FIRST = r"(?=[\d$€£¥₹₽₩₪₺₴₦₱(+'’]|[-−]\d|(?:US|A|C|HK|NZ)[$€£¥₹]|(?i:mid-)\d)"
_CANDIDATE = re.compile(
    rf"{_LEFT}(?:{_DIGIT_FIRST}(?:"
    rf"(?P<date>{_DATE})"
    rf"|(?P<time>{_TIME})"
    rf"|(?P<code>{_CODE})"
    rf"|(?P<decade>{_DECADE})"
    rf"|(?P<temperature>{_TEMPERATURE})"
    rf"|(?P<scaled>{_LETTER_SCALED})"
    rf"|(?P<digits>{NUMBER})"
    rf"|(?P<ordinal>{_ORDINAL})"
    r")|(?=[^\W\d_])(?:"
    rf"(?P<month_date>{_DATE})"
    rf"|(?P<half_time>{_HALF_TIME})"
    rf"|(?P<vague>{_VAGUE})"
    rf"|(?P<words>{_WORDS})"
    r"))"
)

# -- what may follow a number --------------------------------------------------------

_PERCENT = re.compile(rf"{_SP}?%|{_GAP}(?i:percent|per{_SP}?cent|pct|percentage{_GAP}points?){_END}")
_CURRENCY_WORD = re.compile(
    rf"{_GAP}(?i:dollars|euros|pounds{_GAP}sterling|yen|yuan|renminbi|rupees|rubles|roubles|pesos|francs|shekels)"
    rf"{_END}"
)
_TIME_UNIT = re.compile(rf"{_GAP}(?i:({_TIME_UNITS}))(?![\w-])")
_COMPOUND = re.compile(r"(?:-[^\W\d_]+)++(?![\w'’-])")  # "-year-old", "-pound"
_RANGE_LINK = re.compile(rf"{_GAP}to{_GAP}|[–—]|{_SP}[–—]{_SP}(?=\d)")
_RANGE_DIGITS = re.compile(rf"(?:{_LETTER_SCALED}|{NUMBER})")
_RANGE_WORDS = re.compile(_WORDS)
_RATIO = re.compile(rf"{_GAP}(?:in|out{_GAP}of){_GAP}(\d{{1,3}}(?!\w|[,.]\d)|(?i:{_BASIC}))")
# Words before "X to Y" that tell a change from X to Y, not a range.
_CHANGE_BEFORE = re.compile(
    r"(?i:\b(?:from|rose|rise|rises|rising|fell|fall|falls|falling|increased?|increases|increasing|"
    r"decreased?|decreases|decreasing|climbed|climbs|dropped|drops|jumped|jumps|grew|grows|declined|declines|"
    r"slipped|slips|gained|gains|lost|loses|raised|raises|cut|cuts|lowered|lowers)\b)"
    r"(?:[^\S\n]+[\w'’.-]+)?[^\S\n]+\Z"
)
_SCALE_AFTER = re.compile(rf"(?:{_SEP}(?i:{_SCALE}))++")

# -- context ----------------------------------------------------------------------------

_PREVIOUS_WORD = re.compile(r"(\S+)[^\S\n]+\Z")
_NEXT_WORD = re.compile(rf"{_SP}+([^\s]+)")
_CONTEXT = re.compile(r"[^\d\n,;:!?()\"“”]{0,80}")
# A plural noun: a word ending in "s" but not "ss", "us" or "is" ("was",
# "this", "across"), capitalised at most ("Marines", not "ISIS"), or a common
# irregular plural.
_PLURAL_NOUN = re.compile(
    r"\b(?:[A-Za-z][a-z'’-]*[a-rt-z]s|[a-z]*(?:people|men|children|police|personnel))\b(?<!\bhas)(?<!\bours)(?<!\bhers)"
)
_OF_AHEAD = re.compile(rf"{_GAP}of{_GAP}")
_SENTENCE_END = re.compile(r"(?<=[a-z]{2})\.(?:\s|$)")
_RANGE_UPPER = re.compile(rf"{_GAP}to{_GAP}|[–—-](?=\d)|{_SP}[–—]{_SP}")
# Quotes and brackets skipped when looking for what begins a sentence.
_QUOTES = "\"'“”‘’([«»)"
_SENTENCE_BREAKS = ".!?:;…—–"
_LOOK = 40  # characters looked at before a candidate

# Words that make the number after them a code or a name: "Section 230".
_CODE_WORDS = frozenset(
    """
    no nos number # p pp page pages section sec article art chapter ch clause para paragraph
    route highway interstate flight room suite gate terminal platform exit channel episode
    version vol volume title resolution proposition prop amendment model
    """.split()
)
# Capitalised words that do not name what a number after them belongs to.
_WEEKDAYS = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())
# Words before a bare year that make it a date: "in 2021", "the 2020 elections".
_DATE_CONTEXT = frozenset(
    """
    in since by until till from through to during before after of between and the early late mid
    spring summer fall autumn winter year
    """.split()
)
# Words before "one" that make it a count: "at least one", "only one person".
_COUNTING = re.compile(
    r"(?i:\b(?:least|only|just|than|about|nearly|almost|exactly|roughly|approximately|around|"
    r"most|estimated|up[^\S\n]+to))[^\S\n]+\Z"
)
# Words after "one" that make it a pronoun: "only one of", "the one who".
_PRONOUN_AFTER = frozenset("of who whom whose that which another thing way side hand point day time".split())
_ONE_COUNTS = re.compile(
    rf"{_GAP}(?:or|to){_GAP}(?:\d|(?i:{_BASIC}))"
    rf"|{_SP}?%|{_GAP}(?i:percent|per{_SP}?cent){_END}"
    rf"|-(?i:{_TIME_UNITS}|third|quarter|fifth|percent){_END}"
)

Attributes = dict[str, AttributeValue]
Found = tuple[int, int, Attributes]


# -- entry points --------------------------------------------------------------------------


def find_numbers(text: str) -> list[Suggestion]:
    """The number spans of `text`, sorted, with `value` and `unit` where known."""
    found: list[Suggestion] = []
    position = 0
    while (match := _CANDIDATE.search(text, position)) is not None:
        kind = match.lastgroup or ""
        span = _READERS[kind](text, match)
        if span is None:
            position = match.end()
            continue
        start, end, attributes = span
        found.append(Suggestion(start, end, LABEL, attributes))
        position = end
    return found


def suggester(options: BuiltinOptions) -> TextSuggester:
    """The built-in `numbers` suggester; it has no options."""
    return TextSuggester("numbers", VERSION, find_numbers)


# -- one reader per kind of candidate -------------------------------------------------------


def _read_date(text: str, match: re.Match[str]) -> Found | None:
    return match.start(), match.end(), {"unit": "date"}


def _read_time(text: str, match: re.Match[str]) -> Found | None:
    return match.start(), match.end(), {"unit": "time"}


def _read_code(text: str, match: re.Match[str]) -> Found | None:
    return None


def _read_decade(text: str, match: re.Match[str]) -> Found | None:
    return _with_attributes(text, match.start(), match.end())


def _read_temperature(text: str, match: re.Match[str]) -> Found | None:
    start, end = match.span()
    if _is_code(text, start, end, match.group()):
        return None  # "Flat 5C"
    value, _ = parse_number(match.group().replace("°", ""))
    unit = _TEMPERATURE_UNITS.get(match.group()[-1], "degrees")
    return start, end, {"value": value, "unit": unit} if value is not None else {"unit": unit}


_TEMPERATURE_UNITS = {"C": "degrees Celsius", "F": "degrees Fahrenheit"}


def _read_scaled(text: str, match: re.Match[str]) -> Found | None:
    end = _extend_range(text, match.start(), match.end(), words=False)
    return _with_attributes(text, match.start(), end)


def _read_digits(text: str, match: re.Match[str]) -> Found | None:
    start, end = match.span()
    core = match.group()
    if _CUT_SHORT.match(text, end) or _is_code(text, start, end, core):
        return None
    if _YEARISH.fullmatch(core) and not _counts_years(text, start, end):
        return start, end, {"unit": "date"}
    if _COMPLETE.search(core[-_LOOK:]):  # already has its unit: 13%, 1990s, 500-pound
        return _with_attributes(text, start, end)
    end = _extend(text, start, end, words=False, money=bool(_HAS_CURRENCY.match(core)))
    return _with_attributes(text, start, end)


def _read_ordinal(text: str, match: re.Match[str]) -> Found | None:
    if _next_is_capitalised(text, match.end()):
        return None  # "82nd Airborne", "5th Fleet": part of a name
    return _with_attributes(text, match.start(), match.end())


def _read_half_time(text: str, match: re.Match[str]) -> Found | None:
    words = match.group().lower().split()
    unit = _plural(words[1] if words[0] != "half" else words[2])
    value = 0.5 if words[0] == "half" else 1.5
    return match.start(), match.end(), {"value": value, "unit": unit}


def _read_vague(text: str, match: re.Match[str]) -> Found | None:
    start, end = match.span()
    if _is_name_word(text, start, end):
        return None
    # No exact value. The unit is the noun counted: "several hundred troops", and
    # after a plural only with "of" ("tens of thousands of refugees", not "thousands fled").
    last = text[max(start, text.rfind(" ", start, end) + 1) : end]
    counted = not last.lower().endswith("s") or _OF_AHEAD.match(text, end)
    unit = _unit_after(last, text, end, parse_number(last)[0]) if counted else None
    return start, end, {"unit": unit} if unit else {}


def _read_words(text: str, match: re.Match[str]) -> Found | None:
    start, end = match.span()
    if _is_name_word(text, start, end):
        return None
    if match.group().lower() == "one" and not _one_counts(text, start, end):
        return None
    end = _extend(text, start, end, words=True, money=False)
    return _with_attributes(text, start, end)


_READERS: Mapping[str, Callable[[str, re.Match[str]], Found | None]] = {
    "date": _read_date,
    "month_date": _read_date,
    "time": _read_time,
    "code": _read_code,
    "decade": _read_decade,
    "temperature": _read_temperature,
    "scaled": _read_scaled,
    "digits": _read_digits,
    "ordinal": _read_ordinal,
    "half_time": _read_half_time,
    "vague": _read_vague,
    "words": _read_words,
}

# -- widening a number to its unit ------------------------------------------------------------

# The pattern gave back digits to find a word end: "0.5C" must not yield "0".
_CUT_SHORT = re.compile(r"[.,]\d")
_YEARISH = re.compile(rf"{_YEAR}(?:[-–/](?:{_YEAR}|\d\d))?")
_COMPLETE = re.compile(r"(?:%|percent|cent|\ds|-[^\W\d_][\w'’-]*)$", re.IGNORECASE)
_HAS_CURRENCY = re.compile(_CURRENCY)
_LONG_DIGITS = re.compile(r"\d{5}")


def _extend(text: str, start: int, end: int, *, words: bool, money: bool) -> int:
    """The end of the number at [start, end) with its range, ratio, compound, percent, currency or time unit."""
    if words and (compound := _COMPOUND.match(text, end)):
        return compound.end()  # "two-year", "three-day-old"
    end = _extend_range(text, start, end, words=words)
    end = _extend_ratio(text, start, end)
    for follower in (_PERCENT, _CURRENCY_WORD):
        if (found := follower.match(text, end)) and not (money and follower is _CURRENCY_WORD):
            return found.end()
    if not money and (unit := _TIME_UNIT.match(text, end)):
        return unit.end()
    return end


def _extend_range(text: str, start: int, end: int, *, words: bool) -> int:
    """Past the upper end of a range: "10 to 15", "10–15", "two to three".

    "X to Y" is a range only if Y is larger and no change is told: "rose from
    12 to 18" and "fell 5 to 245" are two numbers, "passed 221 to 207" a tally.
    """
    link = _RANGE_LINK.match(text, end)
    if link is None:
        return end
    upper = (_RANGE_WORDS if words else _RANGE_DIGITS).match(text, link.end())
    if upper is None or upper.end() - upper.start() > 40:
        return end
    scaled = _SCALE_AFTER.match(text, upper.end())
    upper_end = scaled.end() if scaled else upper.end()
    if link.group().strip() == "to":
        lower_value = parse_number(text[start:end])[0]
        upper_value = parse_number(text[link.end() : upper_end])[0]
        if lower_value is None or upper_value is None or upper_value <= lower_value:
            return end
        if _CHANGE_BEFORE.search(text, max(0, start - _LOOK), start):
            return end
    return upper_end


def _extend_ratio(text: str, start: int, end: int) -> int:
    """Past "in five" of "one in five": a ratio is read "a smaller number in a larger one"."""
    ratio = _RATIO.match(text, end)
    if ratio is None:
        return end
    lower, _ = parse_number(text[start:end])
    upper, _ = parse_number(ratio.group(1))
    if isinstance(lower, int) and isinstance(upper, int) and 0 < lower < upper:
        return ratio.end()
    return end


def _one_counts(text: str, start: int, end: int) -> bool:
    """Does this "one" count something, rather than stand for a person or an article?"""
    if _ONE_COUNTS.match(text, end) or _extend_ratio(text, start, end) > end:
        return True
    unit = _TIME_UNIT.match(text, end)
    if unit is not None:
        return unit.group(1).lower() != "day"  # "one day" is "some day"
    following = _NEXT_WORD.match(text, end)
    if following is not None and following.group(1).lower().strip(".,;:!?") in _PRONOUN_AFTER:
        return False
    before = text[max(0, start - _LOOK) : start]
    return following is not None and _COUNTING.search(before) is not None


def _counts_years(text: str, start: int, end: int) -> bool:
    """Is a year-like number ("2000") a count here, as in "2000 troops"? Only before a plural noun."""
    following = _NEXT_WORD.match(text, end)
    if following is None:
        return False
    word = following.group(1).rstrip(".,;:!?)”’\"'")
    if not (word.islower() and len(word) > 3 and word.endswith("s") and not word.endswith("ss")):
        return False
    previous = _previous_word(text, start)
    return previous is None or previous.lower() not in _DATE_CONTEXT


# -- names and codes ------------------------------------------------------------------------


def _is_code(text: str, start: int, end: int, core: str) -> bool:
    """Digits that name or number a thing rather than count: "Section 230", "Boeing 737", "007"."""
    currency = _HAS_CURRENCY.match(core)
    digits = core[currency.end() :].lstrip() if currency else core
    if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
        return True  # "007", "02139"
    if _LONG_DIGITS.match(digits) and not currency:
        return True  # identifiers and postcodes; counts are written "10,000"
    previous = _previous_word(text, start)
    if previous is None:
        return False
    if previous.lower().rstrip(".") in _CODE_WORDS:
        return True
    return core == digits and _is_name_before(text, start, previous) and not _next_is_capitalised(text, end)


def _is_name_before(text: str, start: int, previous: str) -> bool:
    """Is `previous` (the word before `start`) a capitalised word in mid-sentence?"""
    capitalised = any(char.isupper() for char in previous)  # "Boeing", "iPhone", "COVID"
    if not (capitalised and previous.replace("-", "").isalpha()) or previous in _WEEKDAYS:
        return False
    word_start = text.rfind(previous, max(0, start - _LOOK), start)
    return not _sentence_initial(text, word_start)


def _is_name_word(text: str, start: int, end: int) -> bool:
    """A number word capitalised in mid-sentence names something: "Air Force One", "Group of Seven"."""
    return text[start].isupper() and not _sentence_initial(text, start) and not _next_is_capitalised(text, end)


def _sentence_initial(text: str, start: int) -> bool:
    """Does a sentence (or a line, or a quotation) begin at `start`?"""
    index = start - 1
    low = max(0, start - _LOOK)
    while index >= low and (text[index] in _QUOTES or text[index] in " \t\u00a0"):
        index -= 1
    return index < low or text[index] == "\n" or text[index] in _SENTENCE_BREAKS


def _previous_word(text: str, start: int) -> str | None:
    found = _PREVIOUS_WORD.search(text, max(0, start - _LOOK), start)
    return found.group(1) if found else None


def _next_is_capitalised(text: str, end: int) -> bool:
    found = _NEXT_WORD.match(text, end)
    return found is not None and found.group(1)[0].isupper()


# -- attributes ---------------------------------------------------------------------------------


def _with_attributes(text: str, start: int, end: int) -> Found:
    return start, end, _attributes(text, start, end)


def _attributes(text: str, start: int, end: int) -> Attributes:
    """`value` and `unit` from `parse_number`, the unit read on past the span if it has none."""
    span = text[start:end]
    value, unit = parse_number(span)
    if unit is None and (upper := _RANGE_UPPER.search(span)):
        unit = parse_number(span[upper.end() :])[1]  # "two to three weeks": the unit is the upper end's
    if unit is None:
        unit = _unit_after(span, text, end, value)
    if unit is not None and len(unit) < 2:
        unit = None  # "747s": a plural letter, not a unit
    attributes: Attributes = {}
    if value is not None:
        attributes["value"] = value
    if unit:
        attributes["unit"] = unit
    return attributes


def _unit_after(span: str, text: str, end: int, value: Number | None) -> str | None:
    """The counted noun after the span: parse_number on the span and the noun phrase that follows.

    The phrase stops at punctuation, a digit or a line end, and after its first
    plural noun ("2,000 hardcore fighters remain" -> "fighters"), since a verb
    often follows a counted noun and parse_number takes the phrase's last word.
    """
    context = _CONTEXT.match(text, end).group()
    if stop := _SENTENCE_END.search(context):
        context = context[: stop.start()]
    if plural := _PLURAL_NOUN.search(context):
        context = context[: plural.end()]
    more_value, more_unit = parse_number(span + context)
    if more_value == value and more_unit not in {None, "date", "time", "decade", "ordinal"}:
        return more_unit
    return None


def _plural(unit: str) -> str:
    if unit.endswith("s"):
        return unit
    return "centuries" if unit == "century" else unit + "s"
