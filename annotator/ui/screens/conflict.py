"""The annotation file changed on disk under the session: merge, keep yours,
take the disk's, or decide later.

Shown when a save finds the file is not the version this session saw (git
checked out another one, another tool saved it, a copy was put back), and
when the app opens a file whose recovery journal continues another version.
Nothing is written before the person chooses; the version not kept is saved
beside the file (annotator.storage.work_file), so neither is lost.

Dismisses with a Resolution, or None for later (the journal keeps the work,
saves keep refusing, and the next start asks again). The path and counts are
shown as Content, never parsed as markup.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from annotator.storage.work_file import Resolution
from annotator.text import display_text

CHOICES = (
    (Resolution.MERGE, "m", "Merge", "both sides' changes, span by span; where both changed a span, yours wins"),
    (Resolution.MINE, "k", "Keep yours", "your version replaces the disk's, which is saved beside the file"),
    (Resolution.THEIRS, "t", "Take the disk's", "the disk's version replaces yours, which is saved beside the file"),
)


class ConflictScreen(ModalScreen[Resolution | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "choose('merge')", "merge", id="conflict.merge"),
        Binding("k", "choose('mine')", "keep yours", id="conflict.mine"),
        Binding("t", "choose('theirs')", "take the disk's", id="conflict.theirs"),
        Binding("escape", "later", "decide later", id="conflict.later"),
    ]

    def __init__(self, path: str, situation: str) -> None:
        super().__init__()
        self.path = path
        self.situation = situation

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict-dialog", classes="annotator-dialog"):
            yield Static(Content.styled("The annotation file changed on disk", "bold"), classes="dialog-title")
            yield Static(Content(display_text(f"{self.path}\n{self.situation}")), id="conflict-message")
            for _, key, title, help_text in CHOICES:
                yield Static(
                    Content.assemble((key, "bold"), "  ", (title, "bold"), ": ", help_text), classes="conflict-choice"
                )
            yield Static(
                Content("esc decides later: nothing is written over the file, the journal keeps your work"),
                classes="dialog-keys",
            )
            with Horizontal(classes="dialog-buttons"):
                for resolution, key, title, _ in CHOICES:
                    yield Button(Content.assemble(title, (f" ({key})", "dim")), id=f"conflict-{resolution.value}")

    def on_mount(self) -> None:
        self.query_one("#conflict-merge", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(Resolution(str(event.button.id).removeprefix("conflict-")))

    def action_choose(self, resolution: str) -> None:
        self.dismiss(Resolution(resolution))

    def action_later(self) -> None:
        self.dismiss(None)
