"""A yes/no question: y or the yes button answers True; n, escape or the no button False."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from annotator.text import display_text


def _plain(text: str) -> str:
    return display_text(text)


class ConfirmScreen(ModalScreen[bool]):
    """Ask a question; dismisses with True (yes) or False (no, escape).

    The title, message and button labels are shown as Content, never parsed as
    markup, so they may carry user data such as file names or error messages.
    The "no" button has focus at first, so a stray enter does not confirm.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "yes", id="confirm.yes"),
        Binding("n", "answer(False)", "no", id="confirm.no"),
        Binding("escape", "answer(False)", "no", show=False, id="confirm.cancel"),
        Binding("left,right", "switch_button", "switch button", show=False, id="confirm.switch"),
    ]

    def __init__(
        self,
        title: str,
        message: str,
        yes_label: str = "Yes",
        no_label: str = "No",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.title_text = title
        self.message = message
        self.yes_label = yes_label
        self.no_label = no_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="annotator-dialog"):
            yield Static(Content.styled(_plain(self.title_text), "bold"), id="confirm-title", classes="dialog-title")
            yield Static(Content(_plain(self.message)), id="confirm-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    Content.assemble(_plain(self.yes_label), (" (y)", "dim")), variant="primary", id="confirm-yes"
                )
                yield Button(Content.assemble(_plain(self.no_label), (" (n)", "dim")), id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_switch_button(self) -> None:
        yes = self.query_one("#confirm-yes", Button)
        no = self.query_one("#confirm-no", Button)
        (no if yes.has_focus else yes).focus()
