"""The built-in `numbers` suggester: which numeric expressions become spans, and their value and unit."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.model.tagset import default_tagset
from annotator.suggest.base import Suggestion, check_identity
from annotator.suggest.builtin import BuiltinOptions, builtin
from annotator.suggest.builtin.numbers import VERSION, find_numbers, suggester


def texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_numbers(text)]


def only(text: str) -> Suggestion:
    found = find_numbers(text)
    assert len(found) == 1, [text[s.start : s.end] for s in found]
    return found[0]


def attributes(text: str, span: str) -> dict:
    """The attributes of the suggestion whose text is `span`."""
    for suggestion in find_numbers(text):
        if text[suggestion.start : suggestion.end] == span:
            return dict(suggestion.attributes)
    raise AssertionError(f"{span!r} not suggested in {text!r}: {texts(text)}")


def assert_well_formed(text: str, found: list[Suggestion]) -> None:
    """Sorted, inside the text, not overlapping, never empty or on whitespace, attributes valid."""
    tagset = default_tagset()
    previous_end = 0
    for suggestion in found:
        assert previous_end <= suggestion.start < suggestion.end <= len(text)
        assert not text[suggestion.start].isspace() and not text[suggestion.end - 1].isspace()
        assert suggestion.label == "number"
        assert tagset.attribute_problems("number", suggestion.attributes) == []
        previous_end = suggestion.end


# -- what becomes one span ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # digits, separators, decimals
        ("The plant employs 4,750 workers.", ["4,750"]),
        ("Output grew 3.25 points.", ["3.25"]),
        ("A total of 1,234,567 ballots.", ["1,234,567"]),
        # number words
        ("Seven firefighters and twenty-two police officers", ["Seven", "twenty-two"]),
        ("She waited for a dozen buses.", ["a dozen"]),
        ("They raised half a million in a week.", ["half a million"]),
        ("They raised one and a half million.", ["one and a half million"]),
        ("There were three hundred and forty guests.", ["three hundred and forty"]),
        ("It seats two thousand five hundred people.", ["two thousand five hundred"]),
        ("Eleven goats, twelve sheep.", ["Eleven", "twelve"]),
        # money, percentages, scaled numbers: one span with symbol, scale, percent word
        ("The bridge cost $3.4 billion.", ["$3.4 billion"]),
        ("A €75m budget and £2bn in debt.", ["€75m", "£2bn"]),
        ("The bonus was US$250,000.", ["US$250,000"]),
        ("Rents rose 8% in Lisbon.", ["8%"]),
        ("Support fell to 41 percent.", ["41 percent"]),
        ("Support is 41 per cent.", ["41 per cent"]),
        ("Rates rose 0.75 percentage points.", ["0.75 percentage points"]),
        ("The city has 8.3 million residents.", ["8.3 million"]),
        ("Fans bought 60k tickets.", ["60k"]),
        ("It was worth five million dollars.", ["five million dollars"]),
        # quantities of time: one span with the unit
        ("The siege lasted 11 months.", ["11 months"]),
        ("He spent two decades abroad.", ["two decades"]),
        ("She slept for an hour and a half.", ["an hour and a half"]),
        ("He returned after half a year.", ["half a year"]),
        ("The strike lasted two and a half weeks.", ["two and a half weeks"]),
        ("The talks ran 36 hours.", ["36 hours"]),
        # hyphenated compounds
        ("A 700-pound bear and a 9-year-old girl.", ["700-pound", "9-year-old"]),
        ("They signed a three-year deal.", ["three-year"]),
        ("Two-thirds of voters agreed.", ["Two-thirds"]),
        # ranges and ratios
        ("Expect 30-40 mm of rain.", ["30-40"]),
        ("Expect 30–40 mm of rain.", ["30–40"]),
        ("Between 5 to 7 percent of trees died.", ["5 to 7 percent"]),
        ("It takes four to six weeks.", ["four to six weeks"]),
        ("One in three adults smoke.", ["One in three"]),
        ("Nine out of 10 dentists agree.", ["Nine out of 10"]),
        # vague quantities
        ("Hundreds of sailors waited.", ["Hundreds"]),
        ("Tens of thousands of fans sang.", ["Tens of thousands"]),
        ("Several thousand ducks landed.", ["Several thousand"]),
        # temperatures with their scale
        ("Highs of 38C (100F), lows of -4°C.", ["38C", "100F", "-4°C"]),
        # decades, ordinals in digits
        ("Music of the 1960s and the '80s, and the mid-1970s.", ["1960s", "'80s", "mid-1970s"]),
        ("It marks the 50th anniversary.", ["50th"]),
    ],
)
def test_spans(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Polls close on Nov. 8, 2022.", ["Nov. 8, 2022"]),
        ("Polls close on November 8, 2022, at dusk.", ["November 8, 2022"]),
        ("The fair opens 14 June.", ["14 June"]),
        ("The fair opened on 14 June 2019.", ["14 June 2019"]),
        ("It began in October 2018.", ["October 2018"]),
        ("Filed on 2019-06-14 and 6/14/2019.", ["2019-06-14", "6/14/2019"]),
        ("The law passed in 1964 and changed in 2010.", ["1964", "2010"]),
        ("Since 1990, nothing.", ["1990"]),
        ("Kickoff is at 7:30 p.m. and the doors open at 6 pm.", ["7:30 p.m.", "6 pm"]),
        ("The train leaves at 18:45.", ["18:45"]),
        ("Talks run Sept. 12-14.", ["Sept. 12-14"]),
    ],
)
def test_dates_and_times_are_one_span(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_a_date_has_unit_date_and_no_value() -> None:
    assert attributes("Polls close on Nov. 8, 2022.", "Nov. 8, 2022") == {"unit": "date"}
    assert attributes("The law passed in 1964.", "1964") == {"unit": "date"}
    assert attributes("At 7:30 p.m. sharp.", "7:30 p.m.") == {"unit": "time"}


def test_a_bare_year_before_a_plural_noun_is_a_count() -> None:
    assert attributes("The ship carried 1850 passengers.", "1850") == {"value": 1850, "unit": "passengers"}
    assert attributes("The 1850 floods were worse.", "1850") == {"unit": "date"}


# -- counts: the numeral alone, the qualifier left to hedges ---------------------------------


@pytest.mark.parametrize(
    ("text", "span", "unit"),
    [
        ("At least 300 volunteers came.", "300", "volunteers"),
        ("More than 45 schools closed.", "45", "schools"),
        ("Nearly 900 dairy farmers protested.", "900", "farmers"),
        ("About 70 Marines landed.", "70", "Marines"),
        ("Some 1,200 striking nurses marched.", "1,200", "nurses"),
        ("Roughly 40 people attended.", "40", "people"),
    ],
)
def test_a_count_is_the_numeral_and_the_unit_the_counted_noun(text: str, span: str, unit: str) -> None:
    assert texts(text) == [span]
    assert attributes(text, span)["unit"] == unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The bridge cost $3.4 billion.", {"value": 3_400_000_000, "unit": "USD"}),
        ("Rents rose 8% in Lisbon.", {"value": 8, "unit": "percent"}),
        ("It grew 2.5 percent.", {"value": 2.5, "unit": "percent"}),
        ("The siege lasted 11 months.", {"value": 11, "unit": "months"}),
        ("She slept for an hour and a half.", {"value": 1.5, "unit": "hours"}),
        ("He returned after half a year.", {"value": 0.5, "unit": "years"}),
        ("A 700-pound bear.", {"value": 700, "unit": "pounds"}),
        ("She waited for a dozen buses.", {"value": 12, "unit": "buses"}),
        ("It takes four to six weeks.", {"value": 4, "unit": "weeks"}),
        ("Music of the 1960s.", {"value": 1960, "unit": "decade"}),
        ("Highs of 38C today.", {"value": 38, "unit": "degrees Celsius"}),
        ("Tens of thousands of fans sang.", {"unit": "fans"}),
        ("Hundreds waited.", {}),
    ],
)
def test_value_and_unit(text: str, expected: dict) -> None:
    assert dict(only(text).attributes) == expected


def test_value_is_an_int_when_integral_and_a_float_otherwise() -> None:
    assert type(only("It weighs 12 tons.").attributes["value"]) is int
    assert type(only("It weighs 12.0 tons.").attributes["value"]) is int
    assert type(only("It weighs 12.5 tons.").attributes["value"]) is float


def test_the_unit_stops_at_a_verb_after_a_plural_noun_and_never_reads_a_later_date() -> None:
    assert attributes("Some 80 hardcore fans remain outside.", "80")["unit"] == "fans"
    assert attributes("He fed 12 stray cats on Aug. 3.", "12")["unit"] == "cats"
    assert attributes("They counted 12, then left.", "12") == {"value": 12}


# -- what is left out -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # "one" as a pronoun or an article-like word
        "One of the guards left.",
        "No one answered the phone.",
        "One day she will return.",
        "At one point the lights went out.",
        "One official said the talks failed.",
        "He is the one who called.",
        "They helped one another.",
        # ordinals as words
        "The first and second rounds were close.",
        # names and codes
        "The COVID-19 wave.",
        "An F-16 and a MiG-29 flew over.",
        "She cited Section 230 of the law.",
        "They drove along Route 66 at night.",
        "The crew of Apollo 11 landed.",
        "He owns a Boeing 747 and an iPhone 12 too.",
        "Call 415-555-0199 now.",
        "Call (415) 555-0199 now.",
        "Call +44 20 7946 0958 now.",
        "See page 12 and chapter 3.",
        "He lives at No. 10 and was agent 007.",
        "She lives in Flat 5C.",
        "Ticket 48213 won.",
        "Version 1.2.3 shipped.",
        "After 9/11 they worked 24/7.",
        "The score was a 3:1 ratio.",
        "Air Force One landed and the Group of Seven met.",
        "She led the 101st Airborne.",
        # numbers inside words
        "The 5G rollout and the H1N1 virus.",
        "Someone often phoned.",
        # a media player's clock
        "0:00 0:02:20 0:00",
    ],
)
def test_left_out(text: str) -> None:
    assert texts(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At least one soldier died.", ["one"]),
        ("Only one bakery survived.", ["one"]),
        ("It took one year.", ["one year"]),
        ("It was a one-year deal.", ["one-year"]),
        ("One in five homes flooded.", ["One in five"]),
        ("Pick one or two books.", ["one", "two"]),
        ("Only one percent agreed.", ["one percent"]),
        ("One hundred guests came.", ["One hundred"]),
        ("Twenty-one guns fired.", ["Twenty-one"]),
    ],
)
def test_one_is_kept_when_it_counts(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_a_change_from_one_number_to_another_is_two_spans_not_a_range() -> None:
    assert texts("Turnout rose from 52 to 61 percent.") == ["52", "61 percent"]
    assert texts("The stock fell $4 to $38.") == ["$4", "$38"]
    assert texts("The motion passed 230 to 198.") == ["230", "198"]
    assert texts("Expect 10 to 12 inches.") == ["10 to 12"]


def test_title_case_headlines_keep_their_numbers() -> None:
    assert texts("Storm Leaves 40 Towns Without Power, Kills Three Hikers") == ["40", "Three"]


def test_a_month_name_alone_is_not_a_date_and_may_is_not_a_month() -> None:
    assert texts("They may 3D-print it.") == []
    assert texts("In March, prices fell.") == []


# -- offsets, shape and speed ---------------------------------------------------------------


def test_offsets_are_code_points_after_emoji_and_combining_marks() -> None:
    text = "👩🏽‍🚒 Cafe\u0301 🇫🇷 na\u0308ive: 13 firefighters and $2.5 million"
    found = find_numbers(text)
    assert [text[s.start : s.end] for s in found] == ["13", "$2.5 million"]
    assert found[0].start == text.index("13")
    assert found[1].start == text.index("$")
    assert found[1].end == len(text)


def test_suggestions_are_sorted_and_well_formed_on_a_mixed_paragraph() -> None:
    text = (
        "On Jan. 5, 2023, about 2,400 workers at 17 plants walked out for three weeks, costing $1.1 billion.\n"
        "Since 2019 the union has grown 12% to 48,000 members; one in four is under 30, and no one expected it.\n"
    )
    found = find_numbers(text)
    assert_well_formed(text, found)
    assert [text[s.start : s.end] for s in found] == [
        "Jan. 5, 2023",
        "2,400",
        "17",
        "three weeks",
        "$1.1 billion",
        "2019",
        "12%",
        "48,000",
        "one in four",
        "30",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "9" * 100_000,
        "1," * 50_000,
        "1,000" * 20_000 + "x",
        "1." * 50_000,
        "1-" * 50_000,
        "12-a" * 25_000,
        "3/" * 50_000,
        "2:" * 50_000,
        "1" + " " * 100_000 + "percent",
        "a hundred" + " hundred" * 12_000,
        "$" * 100_000,
        "Aug. " * 20_000,
        "one " * 25_000,
        "two hundred and " * 6_000,
        "13" + "-year" * 20_000,
        ("1,2.3-4/5:6 " * 1_000) + "9" * 50_000 + ",",
    ],
)
def test_adversarial_input_completes_with_valid_offsets(text: str) -> None:
    began = time.perf_counter()
    found = find_numbers(text)
    assert time.perf_counter() - began < 10  # linear: a quadratic scan would take minutes
    assert_well_formed(text, found)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"0123456789 ,.-–/:%$€kmb\n'’", "one", "a ", "half", "May ", " to ", "th", "years", "Aug. "])
    ).map("".join)
)
def test_any_text_gives_sorted_valid_suggestions(text: str) -> None:
    assert_well_formed(text, find_numbers(text))


def test_the_suggester() -> None:
    made = suggester(BuiltinOptions())
    check_identity(made.name, made.version)
    assert (made.name, made.version, made.fast) == ("numbers", VERSION, True)
    assert made.find is find_numbers
    loaded = builtin("numbers")
    assert (loaded.name, loaded.version) == ("numbers", VERSION)
    assert loaded.find("It cost $5.") == find_numbers("It cost $5.")
