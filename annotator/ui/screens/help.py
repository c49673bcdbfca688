"""The help screen: how to annotate, then every key binding by group.

The app passes the bindings in, as `[(group title, [(keys, description), ...]), ...]`,
so the screen shows exactly what is bound, including tag keys that come from the
tag set. Everything is built as Content: nothing is parsed as markup, so a
description or key display such as "[" or "[/quote]" shows as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from annotator.text import display_text

HelpSections = Sequence[tuple[str, Sequence[tuple[str, str]]]]

MAX_KEY_WIDTH = 24

INTRO = (
    "Move the cursor with the arrow keys (ctrl+arrows by word, home/end, page up/down). "
    "Select text with shift+arrows, or press v to set a mark and move. "
    "Press a label key (q quote, c claim, h hedge, n number) or its digit 1-4 to tag the selection; "
    "with no selection the word under the cursor is tagged. "
    "On a span: enter edits its note and attributes, r relabels, d deletes. "
    'On a quote with a speaker, " lists how other outlets worded it and what else the speaker said; '
    "enter goes to one. "
    "ctrl+z undoes. / searches the text, ctrl+g goes to a line or @offset. "
    "Suggestions (annotate --suggest) are double-underlined with ? in the gutter: "
    "j/k go to the next/previous, y accepts, x rejects, A accepts all of a label. "
    "ctrl+l moves to the span list, esc back to the text. "
    "ctrl+p opens the command palette (go to a span, filter by label, theme). "
    "? or F1 shows this help."
)


def _plain(text: str) -> str:
    return display_text(text).replace("\n", " ")


def bindings_table(sections: HelpSections) -> Content:
    """All sections as one Content: a bold title per group, then aligned key / description rows."""
    rows = [_plain(keys) for _, entries in sections for keys, _ in entries]
    width = min(max((cell_len(keys) for keys in rows), default=0), MAX_KEY_WIDTH)
    parts: list[str | tuple[str, str] | Content] = []
    for number, (title, entries) in enumerate(sections):
        if number:
            parts.append("\n")
        parts.append((_plain(title), "bold underline"))
        parts.append("\n")
        for keys, description in entries:
            shown_keys = _plain(keys)
            padding = " " * max(width - cell_len(shown_keys), 0)
            parts.append("  ")
            parts.append((shown_keys, "bold"))
            parts.append(padding + "  " + _plain(description) + "\n")
    return Content.assemble(*parts).rstrip()


def sections_from_active_bindings(app: App[Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The bindings active right now (focused widget, its ancestors, screen, app), grouped.

    A fallback for callers without their own list: call it before pushing the
    HelpScreen, since once the help is open its own bindings are the active ones.
    A binding's group is the part of its `id` before the first "." ("move.left"
    -> "Move"), else the class of the node that defines it. Bindings without a
    description are left out; keys bound to the same action and description
    are shown together ("f1, ?").
    """
    groups: dict[str, dict[tuple[str, str], list[str]]] = {}
    for active in app.active_bindings.values():
        binding = active.binding
        if not binding.description:
            continue
        group = binding.id.split(".")[0].replace("_", " ").capitalize() if binding.id else type(active.node).__name__
        rows = groups.setdefault(group, {})
        rows.setdefault((binding.action, binding.description), []).append(app.get_key_display(binding))
    return [
        (group, [(", ".join(keys), description) for (_, description), keys in rows.items()])
        for group, rows in groups.items()
    ]


class HelpScreen(ModalScreen[None]):
    """A scrollable list of the key bindings, grouped; escape, q, F1 or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "close help", id="help.close"),
        Binding("q", "close", "close help", show=False, id="help.close_q"),
        Binding("f1", "close", "close help", show=False, id="help.close_f1"),
        Binding("question_mark", "close", "close help", show=False, id="help.close_question_mark"),
    ]

    def __init__(
        self,
        sections: HelpSections,
        *,
        intro: str = INTRO,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.sections = [(title, list(entries)) for title, entries in sections]
        self.intro = intro

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="annotator-dialog"):
            yield Static(Content.styled("Keys", "bold"), id="help-title", classes="dialog-title")
            with VerticalScroll(id="help-body", can_focus=True):
                yield Static(Content(_plain(self.intro)), id="help-intro")
                if self.sections:
                    yield Static(bindings_table(self.sections), id="help-bindings")
                else:
                    yield Static(Content("No key bindings."), id="help-bindings")
            yield Static(
                Content("↑/↓ page up/down scroll · esc, q, F1 or ? close"),
                id="help-keys",
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
