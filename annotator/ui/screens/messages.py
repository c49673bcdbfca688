"""The recent messages: what the app said in its toasts, newest first.

A toast is gone after a few seconds, often before it is read (an error while
typing, a conflict settled). The app keeps the last `RECENT_NOTICES` of them;
this screen lists them with their time and severity. Messages carry file
names and span text, so everything is built as Content, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from annotator.text import display_text

RECENT_NOTICES = 100
SEVERITY_STYLES = {"information": "bold", "warning": "bold $text-warning", "error": "bold $text-error"}


@dataclass(frozen=True, slots=True)
class Notice:
    """One message the app showed: when (HH:MM:SS), how serious, its title and text."""

    at: str
    severity: str
    title: str
    message: str


def notices_table(notices: Sequence[Notice]) -> Content:
    """Newest first: the time and severity on one line, the title and message under it."""
    if not notices:
        return Content("No messages yet.")
    parts: list[str | tuple[str, str]] = []
    for number, notice in enumerate(reversed(notices)):
        if number:
            parts.append("\n\n")
        parts.append((f"{notice.at}  {notice.severity}", SEVERITY_STYLES.get(notice.severity, "bold")))
        if notice.title:
            parts.append(f"  {display_text(notice.title)}")
        parts.append("\n" + display_text(notice.message))
    return Content.assemble(*parts)


class MessagesScreen(ModalScreen[None]):
    """A scrollable list of the recent messages; escape or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "close messages", id="messages.close"),
        Binding("q", "close", "close messages", show=False, id="messages.close_q"),
    ]

    def __init__(self, notices: Sequence[Notice]) -> None:
        super().__init__()
        self.notices = list(notices)

    def compose(self) -> ComposeResult:
        with Vertical(id="messages-dialog", classes="annotator-dialog"):
            yield Static(Content.styled("Recent messages", "bold"), classes="dialog-title")
            with VerticalScroll(id="messages-body", can_focus=True):
                yield Static(notices_table(self.notices), id="messages-list")
            yield Static(Content("↑/↓ page up/down scroll · esc or q close"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#messages-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
