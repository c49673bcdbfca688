"""Go to a line or an offset: one field, checked as it is typed.

A line number (1, 2, …; lines end at a newline, so a paragraph is a line)
or `@offset` in characters, as the status line shows the cursor. Enter moves
there; a target that does not exist says why under the field and stays
open; esc cancels. Dismisses with the offset, or None.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from annotator.editor.search import line_of, line_starts, parse_goto


class GotoScreen(ModalScreen[int | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", id="goto.cancel"),
    ]

    def __init__(self, text: str, cursor: int) -> None:
        super().__init__()
        self.text = text
        self.cursor = cursor

    def compose(self) -> ComposeResult:
        lines = len(line_starts(self.text))
        here = line_of(line_starts(self.text), self.cursor)
        with Vertical(id="goto-dialog", classes="annotator-dialog"):
            yield Static(Content.styled("Go to", "bold"), classes="dialog-title")
            yield Static(
                Content(f"a line (1–{lines}, now {here}) or @offset (0–{len(self.text)}, now @{self.cursor})"),
                id="goto-help",
            )
            yield Input(placeholder="line, or @offset", compact=True, id="goto-target")
            yield Static("", id="goto-error", classes="field-error")
            yield Static(Content("enter go · esc cancel"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#goto-target", Input).focus()

    @on(Input.Changed, "#goto-target")
    def _changed(self, event: Input.Changed) -> None:
        self._show_error(None)

    @on(Input.Submitted, "#goto-target")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            offset = parse_goto(event.value, self.text)
        except ValueError as err:
            self._show_error(str(err))
            return
        self.dismiss(offset)

    def _show_error(self, message: str | None) -> None:
        error = self.query_one("#goto-error", Static)
        error.update(Content(message or ""))
        error.set_class(message is not None, "-shown")

    def action_cancel(self) -> None:
        self.dismiss(None)
