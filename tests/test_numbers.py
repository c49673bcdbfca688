"""parse_number: (value, unit) read from a number span's text, to pre-fill the form."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.model.numbers import SAFE_INTEGER, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # plain numbers
        ("2,000", (2000, None)),
        ("3.5", (3.5, None)),
        ("1,234.56", (1234.56, None)),
        (".5", (0.5, None)),
        ("42", (42, None)),
        ("  42  ", (42, None)),
        # trailing noun phrase: its last word
        ("2,000 hardcore ISIS fighters", (2000, "fighters")),
        ("13 service members", (13, "members")),
        ("13 U.S. service members were killed", (13, "members")),
        ("about 42 people", (42, "people")),
        ("7 Marines", (7, "Marines")),
        ("2,000 of them", (2000, None)),
        ("three years ago", (3, "years")),
        # currency
        ("$100 million", (100_000_000, "USD")),
        ("$1.2 billion", (1_200_000_000, "USD")),
        ("US$5m", (5_000_000, "USD")),
        ("C$40", (40, "CAD")),
        ("€3bn", (3_000_000_000, "EUR")),
        ("£20", (20, "GBP")),
        ("¥100", (100, "JPY")),
        ("5 EUR", (5, "EUR")),
        ("USD 5", (5, "USD")),
        ("100 million dollars", (100_000_000, "USD")),
        ("$5 per share", (5, "USD")),
        ("$50k", (50_000, "USD")),
        ("20 pounds sterling", (20, "GBP")),
        # percentages and compound units
        ("13%", (13, "percent")),
        ("13 %", (13, "percent")),
        ("13 percent", (13, "percent")),
        ("13 per cent", (13, "percent")),
        ("2.5%", (2.5, "percent")),
        ("-4%", (-4, "percent")),
        ("3 percentage points", (3, "percentage points")),
        ("50 basis points", (50, "basis points")),
        ("60 miles per hour", (60, "mph")),
        ("32°F", (32, "degrees Fahrenheit")),
        # hyphenated units, canonical plurals
        ("500-pound", (500, "pounds")),
        ("a 500-pound bomb", (500, "pounds")),
        ("13-year-old", (13, "years")),
        ("20 pounds", (20, "pounds")),
        ("1½ miles", (1.5, "miles")),
        ("1 person", (1, "people")),
        # number words
        ("two", (2, None)),
        ("thirteen", (13, None)),
        ("Thirteen", (13, None)),
        ("a dozen", (12, None)),
        ("two dozen eggs", (24, "eggs")),
        ("twenty-five", (25, None)),
        ("a hundred", (100, None)),
        ("one hundred and five", (105, None)),
        ("two hundred thousand people", (200_000, "people")),
        ("one and a half million", (1_500_000, None)),
        ("half a million", (500_000, None)),
        ("a million and a half", (1_500_000, None)),
        ("thirteen service members", (13, "members")),
        # scales and ranges
        ("2 million people", (2_000_000, "people")),
        ("5 bn", (5_000_000_000, None)),
        ("10-15 people", (10, "people")),
        ("10 to 15 people", (10, "people")),
        ("minus 4 degrees", (-4, "degrees")),
        ("1/2", (0.5, None)),
        ("21st", (21, "ordinal")),
        # dates, times, decades
        ("Aug. 31, 2021", (None, "date")),
        ("31 August", (None, "date")),
        ("March 2020", (None, "date")),
        ("2021-08-31", (None, "date")),
        ("8/31/2021", (None, "date")),
        ("10:30", (None, "time")),
        ("9 a.m.", (None, "time")),
        ("1990s", (1990, "decade")),
        ("the mid-1990s", (1990, "decade")),
        ("'90s", (1990, "decade")),
        ("'10s", (2010, "decade")),
        # nothing to read
        ("", (None, None)),
        ("   ", (None, None)),
        ("an hour", (None, None)),
        ("reportedly", (None, None)),
        ("hundreds of people", (None, "people")),
    ],
)
def test_parse_number(text: str, expected: tuple[object, object]) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["2,000", "$100 million", "13%", "a dozen", "1990s", "3.0"])
def test_integral_values_are_ints(text: str) -> None:
    value, _ = parse_number(text)
    assert type(value) is int


def test_marine_is_not_a_month() -> None:
    assert parse_number("4 Marines") == (4, "Marines")


def test_dash_inside_a_word_is_not_a_minus() -> None:
    assert parse_number("COVID-19") == (19, None)


def test_huge_numbers_become_floats_or_none() -> None:
    assert parse_number("9" * 30) == (1e30, None)
    assert parse_number("1" * 500) == (None, None)  # past float range
    value, _ = parse_number(str(SAFE_INTEGER + 10))
    assert isinstance(value, float)


@pytest.mark.parametrize("bad", [None, 42, b"2,000", ["2"]])
def test_non_strings_do_not_raise(bad: object) -> None:
    assert parse_number(bad) == (None, None)  # type: ignore[arg-type]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"0123456789,.-$€£%½/' \n\tabmkstp", "million", " percent", "a dozen", "US", "-year"]),
        max_size=30,
    ).map("".join)
    | st.text(max_size=60)
)
def test_never_raises_and_returns_json_safe_values(text: str) -> None:
    value, unit = parse_number(text)
    assert unit is None or (isinstance(unit, str) and unit)
    assert value is None or type(value) in (int, float)
    if isinstance(value, float):
        assert math.isfinite(value)
        assert not (value.is_integer() and abs(value) <= SAFE_INTEGER)
    if isinstance(value, int):
        assert abs(value) <= SAFE_INTEGER


def test_long_input_is_fast_and_safe() -> None:
    assert parse_number("x " * 100_000 + "42 people")[0] is None  # only the start is read
    assert parse_number("1," * 10_000) == (1, None)


def test_module_does_not_import_textual() -> None:
    code = "import sys, annotator.model.numbers; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
