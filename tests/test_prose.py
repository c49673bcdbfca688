"""Motions and text objects: words, tokens, sentences, paragraphs, trim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import prose
from annotator.prose import (
    line_bounds,
    next_paragraph_start,
    next_sentence_start,
    next_word_start,
    paragraph_at,
    prev_paragraph_start,
    prev_sentence_start,
    prev_word_start,
    sentence_at,
    sentences,
    token_at,
    trim,
    word_at,
    word_end,
)

SEEDS = Path(__file__).parent.parent / "seeds"
VOA = (SEEDS / "000_386033cfb5d56fdc.txt").read_text(encoding="utf-8")
DEFENSE_ONE = (SEEDS / "001_caaeb1a50e16237d.txt").read_text(encoding="utf-8")


def spans_of(text: str, found: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in found]


def ref_words(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in prose._WORD.finditer(text)]


def ref_tokens_by_line(text: str) -> list[tuple[int, int]]:
    found = []
    for line in re.finditer(r"[^\n]*", text):
        found.extend(match.span() for match in prose._TOKEN.finditer(text, line.start(), line.end()))
    return found


def substring(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


# -- words -----------------------------------------------------------------


def test_word_motion_on_a_seed_sentence() -> None:
    start, end = substring(VOA, "“It’s possible,” General Mark Milley, the chairman")
    line = VOA[start:end]
    offsets = []
    offset = start
    while True:
        offset = next_word_start(VOA, offset)
        if offset >= end:
            break
        offsets.append(offset)
    words = [VOA[o : word_end(VOA, o)] for o in offsets]
    assert words == ["It’s", "possible", "General", "Mark", "Milley", "the", "chairman"]
    assert VOA[start + 1 : word_end(VOA, start)] == "It’s"  # from the quote to the end of It’s
    # Back again from the end: every word start, the apostrophe kept inside.
    back = []
    offset = end
    while offset > start:
        offset = prev_word_start(VOA, offset)
        back.append(VOA[offset : word_end(VOA, offset)])
    assert back[:7] == ["chairman", "the", "Milley", "Mark", "General", "possible", "It’s"]
    assert line.startswith("“")


def test_word_end_moves_to_the_end_of_the_current_or_next_word() -> None:
    text = "Defense Secretary  Lloyd"
    assert word_end(text, 0) == 7
    assert word_end(text, 3) == 7
    assert word_end(text, 7) == 17
    assert word_end(text, 17) == 24
    assert word_end(text, 24) == 24


def test_word_at() -> None:
    text = "the Taliban’s takeover, IS-Khorasan  x"
    assert word_at(text, 5) == substring(text, "Taliban’s")
    assert word_at(text, 4) == substring(text, "Taliban’s")
    assert word_at(text, 13) == substring(text, "Taliban’s")  # just after it
    assert word_at(text, 22) == substring(text, "takeover")  # on the comma, just after
    assert word_at(text, 23) is None  # after the comma
    assert word_at(text, 24) == (24, 26)  # "IS": hyphens split words
    assert word_at(text, 36) is None  # between two spaces
    assert word_at("", 0) is None


def test_words_keep_combining_marks() -> None:
    text = "a cafe\u0301 here"
    assert word_at(text, 3) == (2, 7)
    assert next_word_start(text, 2) == 8
    assert word_end(text, 2) == 7


def test_trailing_apostrophe_is_not_part_of_the_word() -> None:
    text = "the troops’ return"
    assert word_at(text, 5) == (4, 10)
    assert next_word_start(text, 4) == 12


word_text = st.lists(
    st.sampled_from(
        ["a", "bc", "Taliban", "’", "'", "s", " ", "  ", "-", ",", ".", "\n", "e\u0301", "中文", "👍🏽", "_", "9"]
    ),
    max_size=80,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(word_text)
def test_word_functions_match_a_whole_text_reference(text: str) -> None:
    words = ref_words(text)
    starts = [start for start, _ in words]
    for offset in range(len(text) + 1):
        after = [start for start in starts if start > offset]
        assert next_word_start(text, offset) == (after[0] if after else len(text))
        before = [start for start in starts if start < offset]
        assert prev_word_start(text, offset) == (before[-1] if before else 0)
        ends = [end for _, end in words if end > offset]
        assert word_end(text, offset) == (ends[0] if ends else len(text))
        covering = [word for word in words if word[0] <= offset < word[1]]
        touching = [word for word in words if word[1] == offset]
        expected = covering[0] if covering else (touching[0] if touching else None)
        assert word_at(text, offset) == expected


# -- tokens ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("about 2,000 fighters", "2,000"),
        ("spent $100 million on", "$100 million"),
        ("a $1.2 billion deal", "$1.2 billion"),
        ("up 13% from", "13%"),
        ("up 13 percent from", "13 percent"),
        ("if a 500-pound bomb", "500-pound"),
        ("in the 1990s.", "1990s"),
        ("rose 3.5 points", "3.5"),
        ("a 10-year-old boy", "10-year-old"),
        ("the Taliban’s takeover", "Taliban’s"),
        ("the IS-Khorasan group", "IS-Khorasan"),
        ("the U.S. military", "U.S."),
        ("COVID-19 cases", "COVID-19"),
        ("3D printers", "3D"),
        ("costs €5 each", "€5"),
    ],
)
def test_token_at_covers_the_whole_expression(text: str, token: str) -> None:
    start, end = substring(text, token)
    for offset in range(start, end + 1):
        assert token_at(text, offset) == (start, end), (text, offset)


def test_token_at_keeps_numbers_apart_from_ordinary_words() -> None:
    text = "13 service members"
    assert token_at(text, 0) == (0, 2)
    assert token_at(text, 3) == substring(text, "service")


def test_token_at_does_not_join_dates() -> None:
    text = "in Kabul, Aug. 31, 2021."
    assert token_at(text, text.index("Aug")) == substring(text, "Aug")
    assert token_at(text, text.index("31")) == substring(text, "31")
    assert token_at(text, text.index("2021")) == substring(text, "2021")


def test_token_at_on_whitespace_and_punctuation() -> None:
    text = "He said  — “no.”"
    assert token_at(text, 7) == (3, 7)  # just after "said"
    assert token_at(text, 8) is None  # between two spaces
    assert token_at(text, 9) is None  # on the dash
    assert token_at(text, 11) is None  # on the opening quote
    assert token_at(text, 12) == (12, 14)
    assert token_at("", 0) is None
    assert token_at(text, -1) is None


def test_token_at_in_the_seeds_matches_tokenising_each_line() -> None:
    for text in (VOA, DEFENSE_ONE):
        tokens = ref_tokens_by_line(text)
        by_offset: dict[int, tuple[int, int]] = {}
        for start, end in tokens:
            by_offset.setdefault(end, (start, end))
        for start, end in tokens:
            for offset in range(start, end):
                by_offset[offset] = (start, end)
        for offset in range(len(text) + 1):
            assert token_at(text, offset) == by_offset.get(offset), offset


token_text = st.lists(
    st.sampled_from(
        ["$", "100", " ", "million", "percent", "%", "2,000", "3.5", "-", "pound", "s", "U.S.", "a", "’", "\n", ","]
    ),
    max_size=400,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(token_text)
def test_token_at_windowing_matches_a_whole_line_reference(text: str) -> None:
    tokens = ref_tokens_by_line(text)
    for offset in range(0, len(text) + 1, 3):
        covering = [token for token in tokens if token[0] <= offset < token[1]]
        touching = [token for token in tokens if token[1] == offset]
        expected = covering[0] if covering else (touching[0] if touching else None)
        assert token_at(text, offset) == expected


# -- trim ----------------------------------------------------------------------


def test_trim() -> None:
    assert trim("  ab c \n", 0, 8) == (2, 6)
    assert trim("abc", 0, 3) == (0, 3)
    assert trim("a   b", 1, 4) == (4, 4)
    assert trim("", 0, 0) == (0, 0)


@given(st.text(alphabet=" \n\tab’"), st.integers(0, 30), st.integers(0, 30))
def test_trim_properties(text: str, start: int, end: int) -> None:
    start, end = min(start, len(text)), min(end, len(text))
    if start > end:
        start, end = end, start
    first, last = trim(text, start, end)
    assert start <= first <= last <= end
    assert text[first:last] == text[start:end].strip()


# -- sentences -----------------------------------------------------------------


def test_sentences_of_a_seed_paragraph() -> None:
    start = DEFENSE_ONE.index("“We don't know what the future")
    line_start, line_end = line_bounds(DEFENSE_ONE, start)
    assert spans_of(DEFENSE_ONE, sentences(DEFENSE_ONE, line_start, line_end)) == [
        "“We don't know what the future of the Taliban is.",
        "But I can tell you from personal experience that this is a ruthless group,” Milley said.",
        "“Whether or not they change remains to be seen.”",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        # abbreviation "Aug.", acronym "U.S." before a lowercase word, a date
        "Taliban special force fighters arrive inside the Hamid Karzai International Airport after the U.S. "
        "military's withdrawal, in Kabul, Afghanistan, Aug. 31, 2021.",
        # "U.S." inside, "Gen." before a name
        "Given the common enemy, and the coordination that occurred during the evacuation, “it’s possible” that "
        "the U.S. could coordinate with the Taliban on those strikes, Chairman of the Joint Chiefs of Staff Army "
        "Gen. Mark Milley said Wednesday.",
        "The U.S. is planning more retaliatory strikes against ISIS-K in response to a suicide bombing last week "
        "that took the lives of 13 service members.",
        # closing quote after the period
        "“ISIS will last in Afghanistan as long as the Taliban wants them to,” he said.",
        "“We were working with the Taliban on a very narrow set of issues,” Austin said.",
    ],
)
def test_sentence_at_on_seed_sentences(sentence: str) -> None:
    text = DEFENSE_ONE if sentence in DEFENSE_ONE else VOA
    start, end = substring(text, sentence)
    for offset in (start, start + 1, (start + end) // 2, end - 1):
        assert sentence_at(text, offset) == (start, end)


def test_said_quote_ends_the_sentence() -> None:
    text = "“It’s possible,” he said.” Then he left."
    assert spans_of(text, sentences(text, 0, len(text))) == ["“It’s possible,” he said.”", "Then he left."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prices rose 3.5 percent. Then they fell.", ["Prices rose 3.5 percent.", "Then they fell."]),
        ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
        ("Defense Secretary Lloyd J. Austin said so. Yes.", ["Defense Secretary Lloyd J. Austin said so.", "Yes."]),
        ("They left the U.S. The war ended.", ["They left the U.S.", "The war ended."]),
        ("U.S. Army troops left. Others stayed.", ["U.S. Army troops left.", "Others stayed."]),
        ("See No. 5 here. Done.", ["See No. 5 here.", "Done."]),
        ("“Why?” he asked. “Because!” she said.", ["“Why?” he asked.", "“Because!” she said."]),
        ("Wait... What? Really!", ["Wait...", "What?", "Really!"]),
        ("It was at 5 p.m. on Tuesday.", ["It was at 5 p.m. on Tuesday."]),
        ("No end", ["No end"]),
        ("   ", []),
    ],
)
def test_sentence_rules(text: str, expected: list[str]) -> None:
    assert spans_of(text, sentences(text, 0, len(text))) == expected


def test_sentence_at_whitespace_and_blank_lines() -> None:
    text = "One two.  Three four.\n\n  Five."
    assert sentence_at(text, 8) == (0, 8)  # trailing space belongs to the sentence before
    assert sentence_at(text, 9) == (0, 8)
    assert sentence_at(text, 10) == (10, 21)
    assert sentence_at(text, 21) == (10, 21)  # on the "\n"
    assert sentence_at(text, 22) == (22, 22)  # blank line
    assert sentence_at(text, 23) == (25, 30)  # leading spaces go to the first sentence


def all_sentence_starts(text: str) -> list[int]:
    return [start for start, _ in sentences(text, 0, len(text))]


def assert_motion_walks(text: str, starts: list[int], forward, backward) -> None:
    """`forward` from 0 steps onto every start after 0, in order; `backward` from the end onto
    every start, then 0."""
    walk = []
    offset = 0
    while True:
        offset = forward(text, offset)
        if offset >= len(text):
            break
        walk.append(offset)
    assert walk == [start for start in starts if start > 0]
    back = []
    offset = len(text)
    while offset > 0:
        offset = backward(text, offset)
        back.append(offset)
    expected = starts[::-1]
    if text and (not starts or starts[0] != 0):
        expected.append(0)
    assert back == expected


@pytest.mark.parametrize("text", [VOA, DEFENSE_ONE, "", "\n\n", "A. B.\n\nC d.  E f.\n"])
def test_sentence_motion_walks_every_sentence(text: str) -> None:
    assert_motion_walks(text, all_sentence_starts(text), next_sentence_start, prev_sentence_start)


# -- paragraphs ----------------------------------------------------------------


def paragraph_starts(text: str) -> list[int]:
    return [match.start() + len(match.group(1)) for match in re.finditer(r"^([ \t\xa0]*)\S", text, re.MULTILINE)]


@pytest.mark.parametrize("text", [VOA, DEFENSE_ONE, "", "one", "\n\n  two\n\nthree\n", "a\nb\nc"])
def test_paragraph_motion_walks_every_non_blank_line(text: str) -> None:
    assert_motion_walks(text, paragraph_starts(text), next_paragraph_start, prev_paragraph_start)


def test_paragraph_at() -> None:
    text = "Title\n\n  Body text here. \nEnd"
    assert paragraph_at(text, 12) == substring(text, "Body text here.")
    assert paragraph_at(text, 6) == (6, 6)
    assert paragraph_at(text, 0) == (0, 5)


def test_motions_stay_local_on_a_huge_line() -> None:
    """A one-line megabyte still gives sensible answers near the cursor."""
    text = "Word one. " * 100_000
    middle = len(text) // 2
    start, end = sentence_at(text, middle)
    assert text[start:end] == "Word one."
    assert next_sentence_start(text, middle) == end + 1
    assert token_at(text, middle) is not None
    assert prev_word_start(text, middle) <= middle
