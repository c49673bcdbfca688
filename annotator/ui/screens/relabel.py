"""Choose a new label for a span: by its key, its digit, or arrows and enter."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotator.model.tagset import TagSet
from annotator.text import display_text


def _plain(text: str, limit: int = 80) -> str:
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return display_text(text).replace("\n", " ")


class RelabelScreen(ModalScreen[str | None]):
    """The labels of the tag set with their keys; dismisses with a label name, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", id="relabel.cancel"),
        Binding("enter", "choose", "choose label", show=False, id="relabel.choose"),
    ]

    def __init__(
        self,
        tagset: TagSet,
        current: str | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.tagset = tagset
        self.current = current
        self.labels = tagset.names()
        # A label's own key first; digits 1-9 by position.
        self._by_key: dict[str, str] = {}
        for number, label in enumerate(tagset, start=1):
            if number <= 9:
                self._by_key.setdefault(str(number), label.name)
        for label in tagset:
            if label.key:
                self._by_key[label.key] = label.name

    def compose(self) -> ComposeResult:
        title = Content.assemble(("Relabel", "bold"))
        if self.current:
            title = Content.assemble(("Relabel ", "bold"), (_plain(self.current), "bold reverse"), " as…")
        options = []
        for number, label in enumerate(self.tagset, start=1):
            digit = str(number) if number <= 9 else " "
            marker = "▸ " if label.name == self.current else "  "
            options.append(
                Option(
                    Content.assemble(
                        marker,
                        (_plain(label.key, 3), "bold"),
                        f" {digit}  ",
                        (_plain(label.name, 32), "bold"),
                        "  ",
                        (_plain(label.description), "dim"),
                    ),
                    id=f"relabel-{number}",
                )
            )
        with Vertical(id="relabel-dialog", classes="annotator-dialog"):
            yield Static(title, id="relabel-title", classes="dialog-title")
            yield OptionList(*options, id="relabel-options", markup=False)
            yield Static(
                Content("label key or digit · ↑/↓ and enter · esc cancel"),
                id="relabel-keys",
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.labels.index(self.current) if self.current in self.labels else 0
        options.focus()

    def on_key(self, event: events.Key) -> None:
        label = self._by_key.get(event.character or "") or self._by_key.get(event.key)
        if label is not None:
            event.stop()
            event.prevent_default()
            self.dismiss(label)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.labels[event.option_index])

    def action_choose(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None:
            self.dismiss(self.labels[highlighted])

    def action_cancel(self) -> None:
        self.dismiss(None)
