"""The details form's keys in every kind of field: enter moves on, space opens a list or toggles."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import run_async
from test_ui_screens import ScreenApp, make_span
from textual.app import App
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static

from annotator.model.tagset import AttributeSpec, LabelSpec
from annotator.ui.screens import span_details
from annotator.ui.screens.span_details import SpanDetails, SpanDetailsScreen

SIZE = (100, 30)

# One field of each kind that is not a text box, then a text box; the note always comes last.
FORM = LabelSpec(
    "form",
    "An enum, a boolean and a string.",
    "f",
    "#ffffff",
    {
        "level": AttributeSpec("level", "enum", "How much.", ("high", "medium", "low")),
        "flag": AttributeSpec("flag", "boolean", "Yes or no."),
        "who": AttributeSpec("who", "string", "Who."),
    },
)


def form_app(**attributes: Any) -> ScreenApp:
    """The details form of a "form" span with `attributes`; `app.results` has what it is dismissed with."""
    return ScreenApp(lambda: SpanDetailsScreen(make_span("form", "some", **attributes), FORM))


def field(app: App, name: str) -> Widget:
    """The widget for attribute `name`, or the note for "note"."""
    screen = app.screen
    assert isinstance(screen, SpanDetailsScreen)
    if name == "note":
        return screen.query_one("#details-note", Input)
    for item in screen._fields:
        if item.spec.name == name:
            return screen.query_one(f"#{item.widget_id}")
    raise KeyError(name)


def select(app: App) -> Select:
    widget = field(app, "level")
    assert isinstance(widget, Select)
    return widget


def checkbox(app: App) -> Checkbox:
    widget = field(app, "flag")
    assert isinstance(widget, Checkbox)
    return widget


@run_async
async def test_enter_moves_from_every_kind_of_field_to_the_next() -> None:
    app = form_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.focused is select(app)
        await pilot.press("enter")  # enum: next field, the list stays closed
        await pilot.pause()
        assert app.screen.focused is checkbox(app)
        assert not select(app).expanded
        await pilot.press("enter")  # boolean: next field, not toggled
        await pilot.pause()
        assert app.screen.focused is field(app, "who")
        assert checkbox(app).value is False
        await pilot.press("enter")  # string: next field
        await pilot.pause()
        assert app.screen.focused is field(app, "note")
        assert isinstance(app.screen, SpanDetailsScreen)
    assert app.results == []


@run_async
async def test_enter_on_the_last_field_submits() -> None:
    app = form_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter", "enter", *"Ann", "enter")
        await pilot.pause()
        assert app.screen.focused is field(app, "note")
        await pilot.press(*"done", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, SpanDetailsScreen)
    # The untouched checkbox adds nothing; the blank enum adds nothing.
    assert app.results == [SpanDetails("done", {"who": "Ann"})]


@pytest.mark.parametrize("key", ["space", "down", "up"])
@run_async
async def test_a_key_opens_the_select_and_enter_chooses_then_moves_on(key: str) -> None:
    app = form_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert select(app).expanded
        assert app.screen.focused is not select(app)  # the open list has focus
        assert app.screen.focused in select(app).walk_children()
        await pilot.press("down", "enter")  # blank -> high, chosen
        await pilot.pause()
        assert select(app).value == "high"
        assert not select(app).expanded
        assert app.screen.focused is select(app)
        await pilot.press("enter")  # and now enter moves on
        await pilot.pause()
        assert not select(app).expanded
        assert app.screen.focused is checkbox(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [SpanDetails(None, {"level": "high"})]


@run_async
async def test_space_toggles_the_checkbox_and_enter_does_not() -> None:
    app = form_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.focused is checkbox(app)
        await pilot.press("space")
        await pilot.pause()
        assert checkbox(app).value is True
        await pilot.press("enter")
        await pilot.pause()
        assert checkbox(app).value is True
        assert app.screen.focused is field(app, "who")
        await pilot.press("shift+tab", "space", "space")  # back, off, on again
        await pilot.pause()
        assert checkbox(app).value is True
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [SpanDetails(None, {"flag": True})]


@run_async
async def test_enter_on_a_closed_select_does_not_open_it() -> None:
    app = form_app(level="low")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.focused is select(app)
        await pilot.press("enter")
        await pilot.pause()
        assert not select(app).expanded
        assert app.screen.focused not in select(app).walk_children()
        assert select(app).value == "low"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [SpanDetails(None, {"level": "low"})]


@run_async
async def test_escape_closes_an_open_select_then_enter_moves_on() -> None:
    app = form_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("space")  # open the list
        await pilot.pause()
        assert select(app).expanded
        await pilot.press("escape")  # closes the list only
        await pilot.pause()
        assert isinstance(app.screen, SpanDetailsScreen)
        assert not select(app).expanded
        assert app.screen.focused is select(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.focused is checkbox(app)
        await pilot.press("escape")  # cancels the form
        await pilot.pause()
        assert not isinstance(app.screen, SpanDetailsScreen)
    assert app.results == [None]


@run_async
async def test_the_hint_line_says_what_enter_and_space_do() -> None:
    app = form_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        hint = str(app.screen.query_one("#details-keys", Static).render())
        assert "enter next field / save" in hint
        assert "space opens a list / toggles" in hint
        assert "tab move" in hint and "ctrl+s save" in hint and "esc cancel" in hint
    keys = (span_details.__doc__ or "").split("Keys:", 1)[1]
    assert "enter" in keys and "space" in keys and "opens the list" in keys and "toggles" in keys
