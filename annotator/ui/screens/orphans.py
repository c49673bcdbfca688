"""The spans re-anchoring orphaned: listed, then placed on the selection or let go.

A span orphaned when its article changed left `spans` but is kept in the
file's `orphaned` list with its old text, offsets and the reason. Here a
person goes through them: enter places the highlighted one on the text
selected before opening this screen (the span comes back with its id, label,
attributes and note), d lets it go, escape closes. The screen dismisses with
the choice; the app makes the edit, which undo takes back. Span text and
reasons come from files, so everything is Content, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotator.model.annotation import Orphan
from annotator.text import clip, display_text

SHOWN_TEXT = 60  # code points of an orphan's text in its row


class OrphanAction(StrEnum):
    PLACE = "place"
    DROP = "drop"


@dataclass(frozen=True, slots=True)
class OrphanChoice:
    action: OrphanAction
    number: int  # in the file's orphaned list


def orphan_row(orphan: Orphan) -> Content:
    span = orphan.span
    text = clip(span.text, SHOWN_TEXT)
    return Content.assemble(
        (f"{span.label} ", "bold"), f"[{span.start}, {span.end}) '{text}'\n", (display_text(orphan.reason), "dim")
    )


class OrphansScreen(ModalScreen[OrphanChoice | None]):
    """The orphaned spans of the open file; enter places one on the selection, d drops it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose('place')", "place on the selection", id="orphans.place", priority=True),
        Binding("d", "choose('drop')", "let it go", id="orphans.drop"),
        Binding("escape", "close", "close", id="orphans.close"),
    ]

    def __init__(self, orphans: Sequence[Orphan], has_selection: bool) -> None:
        super().__init__()
        self.orphans = list(orphans)
        self.has_selection = has_selection

    def compose(self) -> ComposeResult:
        with Vertical(id="orphans-dialog", classes="annotator-dialog"):
            yield Static(Content.styled(f"Orphaned spans ({len(self.orphans)})", "bold"), classes="dialog-title")
            yield OptionList(*(Option(orphan_row(orphan)) for orphan in self.orphans), id="orphans-list")
            hint = "enter place on the selection" if self.has_selection else "select where one belongs first"
            yield Static(Content(f"{hint} · d let it go · esc close"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_choose(self, action: str) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None:
            self.dismiss(OrphanChoice(OrphanAction(action), highlighted))

    def action_close(self) -> None:
        self.dismiss(None)
