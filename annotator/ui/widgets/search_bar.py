"""The search bar: a query line under the text, and where the search stands.

It owns no search state. It tells the app what the person asks for, as
messages (the query changed, step to the next or previous match, close),
and shows the count or the error the app hands back with `show_status`.

Keys, while the query line has the focus: enter or down the next match,
shift+enter or up the previous one (most terminals send shift+enter as a
plain enter, so up is the one that always works), ctrl+r switches between
literal text and a regular expression, esc closes the bar and leaves the
current match selected, so that a tag key tags it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from annotator.keys import SEARCH_BINDINGS
from annotator.text import display_text
from annotator.ui.bindings import textual_bindings

HINT = "↵/↓ next · ↑ previous · ctrl+r regex · esc done"


class SearchBar(Horizontal):
    """Hidden until shown with `open`."""

    BINDINGS: ClassVar[list[BindingType]] = textual_bindings(SEARCH_BINDINGS)

    class Changed(Message):
        """The query or its mode changed."""

        def __init__(self, query: str, regex: bool) -> None:
            super().__init__()
            self.query = query
            self.regex = regex

    class Step(Message):
        """Go to the next (1) or previous (-1) match."""

        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

    class Closed(Message):
        """The person is done searching."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.regex = False

    def compose(self) -> ComposeResult:
        yield Static(Content("/"), id="search-prompt")
        yield Input(placeholder="search: text, any case", compact=True, id="search-query")
        yield Static(Content(HINT), id="search-status")

    @property
    def query_input(self) -> Input:
        return self.query_one("#search-query", Input)

    def open(self) -> None:
        """Show the bar and put the cursor in the query, its text selected."""
        self.add_class("-shown")
        field = self.query_input
        self.screen.set_focus(field)  # at once: the query's first letters must not reach the text
        field.select_all()
        if field.value:
            self.post_message(self.Changed(field.value, self.regex))

    def close(self) -> None:
        self.remove_class("-shown")

    @property
    def is_open(self) -> bool:
        return self.has_class("-shown")

    def show_status(self, status: str, *, error: bool = False) -> None:
        """The count ("3/17"), or why the query is not valid, before the key hint."""
        shown = display_text(status).replace("\n", " ")
        self.query_one("#search-status", Static).update(
            Content.assemble((shown, "bold" if error else ""), " · " if shown else "", HINT)
        )
        self.set_class(error, "-error")

    @on(Input.Changed, "#search-query")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value, self.regex))

    @on(Input.Submitted, "#search-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Step(1))

    def action_step(self, direction: int) -> None:
        self.post_message(self.Step(direction))

    def action_toggle_regex(self) -> None:
        self.regex = not self.regex
        self.query_input.placeholder = "search: regular expression" if self.regex else "search: text, any case"
        self.query_one("#search-prompt", Static).update(Content("re/" if self.regex else "/"))
        self.post_message(self.Changed(self.query_input.value, self.regex))

    def action_close(self) -> None:
        self.post_message(self.Closed())
