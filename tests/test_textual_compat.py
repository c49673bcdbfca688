"""annotator.ui.textual_compat: what the app needs from Textual's private API.
A Textual upgrade that changes it fails here first."""

from __future__ import annotations

from conftest import run_async
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widget import Widget

from annotator.ui.textual_compat import add_instance_bindings, keys_from_terminal


class Box(Widget, can_focus=True):
    def __init__(self, name: str) -> None:
        super().__init__(id=name)
        self.pressed: list[str] = []

    def action_press(self, what: str) -> None:
        self.pressed.append(what)


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Box("one")
        yield Box("two")


@run_async
async def test_instance_bindings_bind_on_one_widget_only() -> None:
    app = Host()
    async with app.run_test() as pilot:
        one, two = app.query_one("#one", Box), app.query_one("#two", Box)
        add_instance_bindings(one, [Binding("x", "press('x')", "press x", id="box.x")])
        one.focus()
        await pilot.press("x")
        two.focus()
        await pilot.press("x")
        assert one.pressed == ["x"] and two.pressed == []
        app.set_keymap({"box.x": "y"})  # remapped by id, as [keys] does
        one.focus()
        await pilot.press("y")
        assert one.pressed == ["x", "x"]


def test_keys_from_terminal_are_the_names_textual_binds() -> None:
    assert keys_from_terminal("\x1b[1;6C") == ["ctrl+shift+right"]  # C-S-Right, as xterm sends it
    assert keys_from_terminal("\x1bOP") == ["f1"]
    assert keys_from_terminal("\x1b") == ["escape"]
    assert keys_from_terminal("?") == ["question_mark"]
