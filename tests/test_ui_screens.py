"""Modal screens (span details, relabel, confirm, help), driven with Pilot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import run_async
from textual.app import App
from textual.binding import Binding
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, OptionList, Select, Static

from annotator.model.annotation import Span
from annotator.model.tagset import AttributeSpec, LabelSpec, TagSet, default_tagset
from annotator.ui.screens.confirm import ConfirmScreen
from annotator.ui.screens.help import HelpScreen, bindings_table, sections_from_active_bindings
from annotator.ui.screens.relabel import RelabelScreen
from annotator.ui.screens.span_details import SpanDetails, SpanDetailsScreen

CSS = Path(__file__).resolve().parent.parent / "annotator" / "ui" / "screens" / "screens.tcss"
SIZE = (100, 30)
PROBE = "He said [/quote] and [bold] \x1b[31mred\x07"
STAMP = "2026-01-01T00:00:00Z"

TAGSET = default_tagset()
NUMBER = TAGSET.get("number")
CLAIM = TAGSET.get("claim")
HEDGE = TAGSET.get("hedge")
TYPED = LabelSpec(
    "typed",
    "Every attribute type.",
    "t",
    "#ffffff",
    {
        "count": AttributeSpec("count", "integer", "How many."),
        "ratio": AttributeSpec("ratio", "number", "A [b]ratio[/b]."),
        "flag": AttributeSpec("flag", "boolean", "Yes or no."),
        "level": AttributeSpec("level", "enum", "How much.", ("high", "medium", "low")),
        "who": AttributeSpec("who", "string", "Who."),
    },
)


def make_span(label: str = "number", text: str = "2,000", *, note: str | None = None, **attributes: Any) -> Span:
    return Span(
        id="s1",
        start=10,
        end=10 + len(text),
        label=label,
        text=text,
        attributes=attributes,
        note=note,
        created_by="tester",
        created_at=STAMP,
        modified_by="tester",
        modified_at=STAMP,
    )


class ScreenApp(App[None]):
    """Pushes one screen on mount and records what it is dismissed with."""

    CSS_PATH = str(CSS)
    BINDINGS = [Binding("f1", "help", "help", id="test.help")]  # noqa: RUF012 - Textual's own convention

    def __init__(self, make_screen: Callable[[], Screen]) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), self.results.append)

    def action_help(self) -> None:
        self.push_screen(HelpScreen([("App", [("f1", "help")])]), self.results.append)


def text_of(widget: Widget) -> str:
    """What the widget shows, as plain text, one line per row."""
    width, height = widget.outer_size
    strips = widget.render_lines(Region(0, 0, width, height))
    return "\n".join(strip.text.rstrip() for strip in strips)


def screen_text(app: App) -> str:
    """The text of every Static on the screen, with wrapped lines and padding collapsed to single spaces."""
    return " ".join(" ".join(text_of(widget) for widget in app.screen.query(Static)).split())


# -- span details -------------------------------------------------------------------


def details_app(span: Span, spec: LabelSpec, suggested: dict | None = None) -> ScreenApp:
    return ScreenApp(lambda: SpanDetailsScreen(span, spec, suggested=suggested))


def field(app: App, name: str) -> Widget:
    """The widget for attribute `name` of the open details screen."""
    screen = app.screen
    assert isinstance(screen, SpanDetailsScreen)
    for item in screen._fields:
        if item.spec.name == name:
            return screen.query_one(f"#{item.widget_id}")
    raise KeyError(name)


@run_async
async def test_details_prefill_from_attributes_and_submit_unchanged() -> None:
    span = make_span(note="rounded", value=42, unit="people")
    app = details_app(span, NUMBER, suggested={"value": 2000, "unit": "fighters"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert field(app, "value").value == "42"
        assert field(app, "unit").value == "people"
        assert app.screen.query_one("#details-note", Input).value == "rounded"
        assert "suggested" not in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [SpanDetails("rounded", {"value": 42, "unit": "people"})]


@run_async
async def test_details_prefill_from_suggested() -> None:
    app = details_app(make_span(), NUMBER, suggested={"value": 2000, "unit": "fighters"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert field(app, "value").value == "2000"
        assert field(app, "unit").value == "fighters"
        assert "suggested from the text" in screen_text(app)
        assert app.screen.focused is field(app, "value")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [SpanDetails(None, {"value": 2000, "unit": "fighters"})]
    assert type(app.results[0].attributes["value"]) is int


@run_async
async def test_details_suggested_fills_only_empty_fields_of_the_right_type() -> None:
    span = make_span(unit="USD")
    app = details_app(span, NUMBER, suggested={"value": "not a number", "unit": "fighters"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert field(app, "value").value == ""
        assert field(app, "unit").value == "USD"


@run_async
async def test_details_typed_values_by_keyboard() -> None:
    app = details_app(make_span("typed", "some text"), TYPED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.focused is field(app, "count")
        await pilot.press(*"12", "tab")  # count
        await pilot.press(*"3.5", "tab")  # ratio
        await pilot.press("space", "tab")  # flag on
        await pilot.press("space", "down", "down", "enter")  # level: blank -> high -> medium
        await pilot.pause()
        assert field(app, "level").value == "medium"
        await pilot.press("tab", *"Ann", "tab")  # who
        assert app.screen.focused is app.screen.query_one("#details-note")
        await pilot.press(*"checked", "enter")  # enter on the last field submits
        await pilot.pause()
    assert app.results == [
        SpanDetails("checked", {"count": 12, "ratio": 3.5, "flag": True, "level": "medium", "who": "Ann"})
    ]
    attributes = app.results[0].attributes
    assert [type(attributes[name]) for name in ("count", "ratio", "flag", "level", "who")] == [
        int,
        float,
        bool,
        str,
        str,
    ]
    assert TagSet([TYPED]).attribute_problems("typed", attributes) == []


@run_async
async def test_details_enter_moves_to_the_next_field() -> None:
    app = details_app(make_span(), NUMBER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"7", "enter")
        assert app.screen.focused is field(app, "unit")
        await pilot.press(*"people", "enter")
        assert app.screen.focused is app.screen.query_one("#details-note")
        assert app.results == []
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [SpanDetails(None, {"value": 7, "unit": "people"})]


@run_async
async def test_details_empty_fields_remove_attributes() -> None:
    span = make_span("typed", "x", note="old", count=3, ratio=0.5, flag=False, level="low", who="Bo")
    app = details_app(span, TYPED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert field(app, "flag").value is False
        assert field(app, "level").value == "low"
        for name in ("count", "ratio", "who"):
            field(app, name).value = ""
        field(app, "level").clear()
        app.screen.query_one("#details-note", Input).value = "   "
        await pilot.press("ctrl+s")
        await pilot.pause()
    # The flag was False and stays False: a checkbox cannot be empty.
    assert app.results == [SpanDetails(None, {"flag": False})]


@run_async
async def test_details_untouched_checkbox_adds_nothing() -> None:
    app = details_app(make_span("typed", "x"), TYPED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(field(app, "flag"), Checkbox)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [SpanDetails(None, {})]


@run_async
async def test_details_invalid_number_blocks_submit() -> None:
    app = details_app(make_span(), NUMBER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("-", "tab", *"USD")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert isinstance(app.screen, SpanDetailsScreen)
        assert "not a number: -" in screen_text(app)
        assert app.screen.focused is field(app, "value")  # focus goes back to the bad field
        assert field(app, "value").has_class("-invalid")
        await pilot.press("backspace", *"1.25")
        assert "not a number: -" not in screen_text(app)  # typing clears the error
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [SpanDetails(None, {"value": 1.25, "unit": "USD"})]


@run_async
async def test_details_integer_field_rejects_huge_numbers() -> None:
    app = details_app(make_span("typed", "x"), TYPED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"9" * 20)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert "too large" in screen_text(app)


@run_async
async def test_details_escape_cancels() -> None:
    app = details_app(make_span(value=1), NUMBER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"23", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, SpanDetailsScreen)
    assert app.results == [None]


@run_async
async def test_details_escape_closes_an_open_select_first() -> None:
    app = details_app(make_span("claim", "x"), CLAIM)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen.focused, Select)
        await pilot.press("space")  # open the menu
        await pilot.press("escape")  # closes the menu only
        await pilot.pause()
        assert isinstance(app.screen, SpanDetailsScreen)
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


@run_async
async def test_details_show_markup_and_control_characters_as_text() -> None:
    span = make_span("claim", PROBE, note="[b]keep[/b]\x1b", check_worthiness="high", extra="[/x]")
    app = details_app(span, CLAIM)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "He said [/quote] and [bold] ␛[31mred␇" in shown
        assert "Kept unchanged (not in the tag set): extra" in shown
        assert "\x1b" not in shown
        note = app.screen.query_one("#details-note", Input)
        assert note.value == "[b]keep[/b]␛"
        await pilot.press("ctrl+s")
        await pilot.pause()
    # Fields left as shown keep their original values; undeclared attributes are kept.
    assert app.results == [SpanDetails("[b]keep[/b]\x1b", {"check_worthiness": "high", "extra": "[/x]"})]


@run_async
async def test_details_for_a_label_without_attributes() -> None:
    app = details_app(make_span("hedge", "may"), HEDGE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#details-note")
        await pilot.press(*"soft", "enter")
        await pilot.pause()
    assert app.results == [SpanDetails("soft", {})]


@run_async
async def test_details_save_button() -> None:
    app = details_app(make_span(value=5), NUMBER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#details-save")
        await pilot.pause()
    assert app.results == [SpanDetails(None, {"value": 5})]


# -- relabel -----------------------------------------------------------------------------


def relabel_app(current: str | None = "quote") -> ScreenApp:
    return ScreenApp(lambda: RelabelScreen(TAGSET, current))


@pytest.mark.parametrize(("keys", "expected"), [("c", "claim"), ("n", "number"), ("3", "hedge"), ("1", "quote")])
@run_async
async def test_relabel_by_key(keys: str, expected: str) -> None:
    app = relabel_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(keys)
        await pilot.pause()
    assert app.results == [expected]


@run_async
async def test_relabel_by_arrows_and_enter() -> None:
    app = relabel_app("claim")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert options.highlighted == 1  # the current label
        await pilot.press("down", "down", "enter")
        await pilot.pause()
    assert app.results == ["number"]


@run_async
async def test_relabel_escape_and_other_keys() -> None:
    app = relabel_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x", "9")  # neither a label key nor a label's digit
        await pilot.pause()
        assert isinstance(app.screen, RelabelScreen)
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


@run_async
async def test_relabel_lists_labels_with_keys() -> None:
    app = relabel_app("quote")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = text_of(app.screen.query_one(OptionList))
        assert "▸ q 1  quote" in shown
        assert "  c 2  claim" in shown
        assert "Relabel quote as…" in screen_text(app)


# -- confirm ---------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "expected"), [("y", True), ("n", False), ("escape", False), ("enter", False)])
@run_async
async def test_confirm_keys(key: str, expected: bool) -> None:
    app = ScreenApp(lambda: ConfirmScreen("Unsaved [b]changes", "Quit [/quote] anyway?", "Quit", "Stay"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "Unsaved [b]changes" in shown
        assert "Quit [/quote] anyway?" in shown
        await pilot.press(key)
        await pilot.pause()
    assert app.results == [expected]


@run_async
async def test_confirm_yes_button_by_keyboard() -> None:
    app = ScreenApp(lambda: ConfirmScreen("Delete", "Delete 3 spans?"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("left", "enter")
        await pilot.pause()
    assert app.results == [True]


# -- help -----------------------------------------------------------------------------

SECTIONS = [
    ("Tag", [("q", "quote"), ("1", "quote (digit)")]),
    ("Spans", [("[", "previous span [/quote]"), ("]", "next [bold] span")]),
]


@run_async
async def test_help_lists_the_bindings_passed() -> None:
    app = ScreenApp(lambda: HelpScreen(SECTIONS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "Tag" in shown and "Spans" in shown
        table = text_of(app.screen.query_one("#help-bindings"))
        assert "  q  quote" in table
        assert "  [  previous span [/quote]" in table
        assert "  ]  next [bold] span" in table
        assert "shift+arrows" in shown and "ctrl+p" in shown
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


@pytest.mark.parametrize("key", ["escape", "q", "f1", "question_mark"])
@run_async
async def test_help_closes(key: str) -> None:
    app = ScreenApp(lambda: HelpScreen(SECTIONS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)  # F1 closes, it does not open a second help
    assert app.results == [None]


@run_async
async def test_help_scrolls_a_long_list() -> None:
    many = [("Many", [(f"ctrl+{i}", f"action {i}") for i in range(80)])]
    app = ScreenApp(lambda: HelpScreen(many))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        assert app.screen.focused is body
        assert body.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0


def test_bindings_table_aligns_keys() -> None:
    table = bindings_table([("Move", [("ctrl+left", "word left"), ("h", "x\x1by")])]).plain
    assert table.splitlines() == ["Move", "  ctrl+left  word left", "  h          x␛y"]


@run_async
async def test_details_tab_cycles_through_fields_and_buttons_only() -> None:
    app = details_app(make_span(), NUMBER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        seen = []
        for _ in range(6):
            seen.append(app.screen.focused.id)
            await pilot.press("tab")
    assert seen == [
        "details-attr-0",
        "details-attr-1",
        "details-note",
        "details-save",
        "details-cancel",
        "details-attr-0",
    ]


@run_async
async def test_details_wrong_typed_values_are_shown_not_dropped() -> None:
    span = make_span("typed", "x", count="2,000", level="extreme")
    app = details_app(span, TYPED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert field(app, "count").value == "2,000"
        assert "now 'extreme', which is not allowed" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert "not a whole number: 2,000" in screen_text(app)


class PlainApp(App[None]):
    BINDINGS = [  # noqa: RUF012 - Textual's own convention
        Binding("f1", "help", "help", id="app.help"),
        Binding("question_mark", "help", "help", show=False, id="app.help_alt"),
        Binding("ctrl+d", "done", "[b]done[/b]", id="app.done"),
        Binding("x", "nothing", "", id="app.hidden"),
    ]

    def compose(self):
        yield OptionList("one", "two")


@run_async
async def test_help_sections_from_active_bindings() -> None:
    app = PlainApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sections = dict(sections_from_active_bindings(app))
        assert sections["App"] == [("f1, ?", "help"), ("^d", "[b]done[/b]")]
        assert ("⏎", "Select") in sections["OptionList"]  # the focused widget's bindings
        app.push_screen(HelpScreen(list(sections.items())))
        await pilot.pause()
        table = text_of(app.screen.query_one("#help-bindings"))
        assert "  f1, ?        help" in table  # keys aligned to the widest key
        assert "[b]done[/b]" in table
