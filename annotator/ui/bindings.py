"""Textual's side of annotator.keys: Binding objects, the Footer's order and
the help screen's sections, all built from the same records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from textual.app import App
from textual.binding import ActiveBinding, Binding
from textual.screen import Screen

from annotator.keys import KeyBinding, footer_rank, remapped

# Help groups (a binding id's first part), in the order the help lists them.
GROUP_TITLES = {
    "review": "Review",
    "move": "Move",
    "select": "Select",
    "tag": "Tag",
    "span": "Spans",
    "quote": "Quotes",
    "app": "Documents and app",
    "search": "Search bar",
    "span_list": "Span list",
    "quote_panel": "Quote panel",
}


def textual_bindings(bindings: Iterable[KeyBinding]) -> list[Binding]:
    """Textual Bindings; those with a Footer rank are shown there."""
    return [
        Binding(
            binding.key,
            binding.action,
            binding.description,
            show=footer_rank(binding.id) is not None,
            key_display=binding.key_display,
            priority=binding.priority,
            id=binding.id,
        )
        for binding in bindings
    ]


class FooterOrderScreen(Screen[None]):
    """A screen whose Footer lists keys in `annotator.keys.FOOTER_ORDER`.

    Textual's Footer lists the active bindings in the order of the focus chain:
    the focused widget's first, the app's (help, quit, undo) last, where a
    narrow window cuts them off. The order of `active_bindings` is all the
    Footer reads, so this reorders it and changes nothing else.
    """

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        active = super().active_bindings
        last = len(active) + 1000

        def rank(item: tuple[str, ActiveBinding]) -> int:
            found = footer_rank(item[1].binding.id)
            return last if found is None else found

        return dict(sorted(active.items(), key=rank))


HelpRows = list[tuple[str, list[tuple[str, str]]]]


def help_sections(app: App, bindings: Sequence[KeyBinding], keymap: Mapping[str, str]) -> HelpRows:
    """(group title, [(keys, description · id)]) for every binding with a description,
    as remapped by `keymap`; keys of one binding id are shown together."""
    groups: dict[str, dict[str, tuple[list[str], str]]] = {}
    for binding in remapped(bindings, keymap):
        if not binding.description:
            continue
        rows = groups.setdefault(binding.group, {})
        display = app.get_key_display(textual_bindings([binding])[0])
        keys, _ = rows.setdefault(binding.id, ([], binding.description))
        if display not in keys:
            keys.append(display)
    order = list(GROUP_TITLES)  # review keys first, then what a newcomer needs first
    return [
        (
            GROUP_TITLES.get(group, group.replace("_", " ").title()),
            # The id is what [keys] in annotator.toml remaps.
            [(", ".join(keys), f"{description}  · {binding_id}") for binding_id, (keys, description) in rows.items()],
        )
        for group, rows in sorted(
            groups.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)
        )
    ]
