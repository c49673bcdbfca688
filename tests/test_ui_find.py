"""Finding your way in the text: search, go to, what a span carries, the mark.

The search model (annotator.editor.search) is tested without a terminal first,
then the app with Pilot, keys as a terminal sends them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_async
from terminal_keys import press_as_sent
from test_ui_readable import make_project
from textual.widgets import Input

from annotator.editor.search import (
    Matches,
    SearchError,
    SearchState,
    compile_query,
    find_all,
    line_of,
    line_starts,
    next_match,
    parse_goto,
    previous_match,
)
from annotator.ui.app import AnnotatorApp
from annotator.ui.screens.goto import GotoScreen
from annotator.ui.widgets.document_view import MarkKind
from annotator.ui.widgets.search_bar import SearchBar
from annotator.ui.widgets.span_list import SpanList
from annotator.ui.widgets.status_line import StatusLine

TEXT = "Straße and STRASSE. The straße ends; the Straße, again.\nNext line 👍🏽 straße.\n"

# -- the model ----------------------------------------------------------------------


def test_literal_search_ignores_case_and_keeps_exact_offsets() -> None:
    pattern = compile_query("straße")
    ranges = find_all(TEXT, pattern).ranges
    assert [TEXT[start:end] for start, end in ranges] == ["Straße", "straße", "Straße", "straße"]
    # "ß" is not folded to "ss": offsets stay those of the text itself.
    assert all(end - start == len("straße") for start, end in ranges)


def test_special_characters_are_literal_unless_regex() -> None:
    assert find_all("a.b axb", compile_query("a.b")).ranges == ((0, 3),)
    assert find_all("a.b axb", compile_query("a.b", regex=True)).ranges == ((0, 3), (4, 7))
    with pytest.raises(SearchError, match="not a regular expression"):
        compile_query("(unclosed", regex=True)
    assert compile_query("") is None


def test_empty_regex_matches_are_skipped() -> None:
    assert find_all("aab", compile_query("a*", regex=True)).ranges == ((0, 2),)
    assert next_match("baab", compile_query("a*", regex=True), -1) == (1, 3)


def test_next_and_previous_wrap_around() -> None:
    pattern = compile_query("straße")
    matches = find_all(TEXT, pattern)
    first, *_, last = matches.ranges
    assert next_match(TEXT, pattern, last[0]) == first
    assert previous_match(TEXT, pattern, first[0], matches) == last
    assert previous_match(TEXT, pattern, last[0], matches) == matches.ranges[-2]


def test_highlights_are_capped_but_stepping_reaches_every_match() -> None:
    text = "x " * 50
    pattern = compile_query("x")
    matches = find_all(text, pattern, limit=10)
    assert len(matches.ranges) == 10 and matches.more and matches.count_text() == "10+"
    assert next_match(text, pattern, 90) == (92, 93)
    assert previous_match(text, pattern, 98, matches) == (96, 97)


def test_search_state_starts_at_the_first_match_after_where_it_began() -> None:
    state = SearchState.start(TEXT, "straße", False, origin=10)
    assert state.current == (24, 30)
    assert state.status() == "2/4"
    assert state.step(TEXT, 1) and state.status() == "3/4"
    assert state.step(TEXT, -1) and state.step(TEXT, -1) and state.status() == "1/4"
    assert SearchState.start(TEXT, "nowhere", False, 0).status() == "no matches"


def test_goto_takes_a_line_or_an_offset() -> None:
    starts = line_starts(TEXT)
    assert parse_goto("2", TEXT) == starts[1] == TEXT.index("Next")
    assert parse_goto("@12", TEXT) == 12
    assert parse_goto(" @1,000 ".replace("1,000", "10"), TEXT) == 10
    assert line_of(starts, TEXT.index("Next") + 3) == 2
    for bad, message in (("0", "line number"), ("9", "has 3 lines"), ("@999", "past the end"), ("@x", "offset")):
        with pytest.raises(ValueError, match=message):
            parse_goto(bad, TEXT)


# -- the app --------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AnnotatorApp:
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path / "project")


def status(app: AnnotatorApp) -> str:
    return app.query_one(StatusLine).render_line(0).text


def search_marks(app: AnnotatorApp) -> list:
    return [mark for mark in app.view.marks if mark[2] in (MarkKind.MATCH, MarkKind.MATCH_CURRENT)]


@run_async
async def test_search_finds_highlights_steps_and_leaves_the_match_selected(app: AnnotatorApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        text = app.session.text
        await press_as_sent(pilot, "/")
        bar = app.query_one(SearchBar)
        assert bar.is_open and isinstance(app.focused, Input)
        await pilot.press(*"the")
        await pilot.pause()
        first = text.lower().index("the")
        assert app.session.selection == (first, first + 3)
        assert len(search_marks(app)) == text.lower().count("the")
        assert "1/" in str(bar.query_one("#search-status").render())
        await press_as_sent(pilot, "Enter")
        second = text.lower().index("the", first + 1)
        assert app.session.selection == (second, second + 3)
        await press_as_sent(pilot, "Up")  # previous: terminals send shift+enter as enter
        assert app.session.selection == (first, first + 3)
        await press_as_sent(pilot, "Down")
        assert app.session.selection == (second, second + 3)
        await press_as_sent(pilot, "Escape")
        await pilot.pause()
        assert not bar.is_open and app.focused is app.view
        assert search_marks(app) == []
        assert app.session.selection == (second, second + 3)  # still selected: a tag key tags it
        await press_as_sent(pilot, "c")
        assert [span.text for span in app.session.annotations.spans.values() if span.label == "claim"] == ["the"]
        await press_as_sent(pilot, "C-q")


@run_async
async def test_search_regex_mode_and_bad_patterns(app: AnnotatorApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await press_as_sent(pilot, "C-f")
        bar = app.query_one(SearchBar)
        await pilot.press(*"[0-9],[0-9]+")
        await pilot.pause()
        assert app.search.status() == "no matches"  # literal: no text has these brackets
        await press_as_sent(pilot, "C-r")
        await pilot.pause()
        assert bar.regex and app.session.selection is not None
        start, end = app.session.selection
        assert app.session.text[start:end] == "2,000"
        await pilot.press("backspace", "backspace", "(")
        await pilot.pause()
        assert "not a regular expression" in str(bar.query_one("#search-status").render())
        assert bar.has_class("-error") and search_marks(app) == []
        await press_as_sent(pilot, "Escape", "C-q")


@run_async
async def test_a_query_that_looks_like_markup_is_searched_as_text(app: AnnotatorApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await press_as_sent(pilot, "/")
        await pilot.press(*"[/quote] [bold]")
        await pilot.pause()
        assert app.query_one(SearchBar).query_input.value == "[/quote] [bold]"
        assert app.search.status() == "no matches"
        await press_as_sent(pilot, "Escape", "C-q")


@run_async
async def test_goto_a_line_or_an_offset(app: AnnotatorApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await press_as_sent(pilot, "C-g")
        assert isinstance(app.screen, GotoScreen)
        await pilot.press(*"99", "enter")
        assert isinstance(app.screen, GotoScreen)  # no such line: it says so and stays
        assert "past the end" in str(app.screen.query_one("#goto-error").render())
        await pilot.press("backspace", "backspace", "3", "enter")
        await pilot.pause()
        assert app.session.cursor == app.session.text.index("About")
        await press_as_sent(pilot, "C-g")
        await pilot.press(*"@5", "enter")
        await pilot.pause()
        assert app.session.cursor == 5 and app.focused is app.view
        await press_as_sent(pilot, "C-q")


@run_async
async def test_the_status_line_shows_what_a_span_carries_and_the_mark(app: AnnotatorApp) -> None:
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        app.view.move_cursor(app.session.text.index("will act"))
        await pilot.pause()
        assert "speaker: the minister" in status(app)
        app.view.move_cursor(app.session.text.index("2,000"))
        await pilot.pause()
        assert "value: 2000" in status(app)
        await press_as_sent(pilot, "v")
        assert f"mark @{app.session.cursor}" in status(app)
        await press_as_sent(pilot, "Right", "Right")
        assert "sel 2" in status(app) and "mark @" in status(app)
        await press_as_sent(pilot, "Escape")
        await pilot.pause()
        assert "mark @" not in status(app)
        await press_as_sent(pilot, "C-q")


@run_async
async def test_the_span_list_shows_what_each_span_carries(app: AnnotatorApp) -> None:
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        rows = [app.query_one(SpanList).render_line(y).text for y in range(3)]
        # At most half of the row's free width, so that the text still shows.
        assert any("‹speaker: t" in row and "we will act" in row for row in rows), rows
        assert any("‹value: 2000›" in row for row in rows), rows
        await press_as_sent(pilot, "C-q")


@run_async
async def test_help_lists_search_and_goto(app: AnnotatorApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await press_as_sent(pilot, "F1")
        shown = str(app.screen.query_one("#help-bindings").render())
        for expected in ("app.search", "app.goto", "search.regex", "span_list.leave", "/", "^g"):
            assert expected in shown, expected
        await press_as_sent(pilot, "Escape", "C-q")


def test_matches_number_of() -> None:
    matches = Matches(((0, 1), (5, 6)))
    assert matches.number_of((5, 6)) == 2 and matches.number_of((1, 2)) is None and matches.number_of(None) is None
