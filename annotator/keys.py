"""Every key the annotation app binds, as data: the key, the action, what it
does, where it is bound and whether the Footer lists it. No Textual imports.

The UI builds its Textual bindings, the help screen and the Footer's order
from these records (annotator.ui.bindings); the configuration checks label
keys and `[keys]` remaps against them. One list, so that a label key cannot
collide with a key the editor or the review binds, and the help cannot
drift from what is bound.

Key names are Textual's, exactly as its driver names what a terminal sends:
ESC [1;6C is "ctrl+shift+right" (modifiers in alphabetical order), "?" is
"question_mark", "[" is "left_square_bracket". A binding spelled any other
way ("shift+ctrl+right") never fires, although a Pilot test that presses the
binding's own spelling passes; tests check every key here against the
sequences terminals send.

Where a binding is active (`Scope`):

- APP: everywhere (priority bindings even in a focused text field);
- DOCUMENT: while the text has the focus; the tag keys of the tag set are
  bound here too (`tag_bindings`);
- SPAN_LIST: while the span list has the focus;
- REVIEW: in `annotator review`, everywhere;
- SEARCH: while the search bar's query line has the focus (enter, which
  the query line itself takes, also goes to the next match).

A binding's id is what `[keys]` in annotator.toml remaps; the part before
the first "." is its group in the help screen.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from annotator.model.tagset import TagSet


class Scope(StrEnum):
    APP = "app"
    DOCUMENT = "document"
    SPAN_LIST = "span_list"
    REVIEW = "review"
    SEARCH = "search"


@dataclass(frozen=True, slots=True)
class KeyBinding:
    """One key bound to one action."""

    id: str
    key: str  # a Textual key name
    action: str  # a Textual action string, run on the widget of `scope` (or "app.…")
    description: str
    scope: Scope
    priority: bool = False  # fires even when a focused widget binds the key
    key_display: str | None = None

    @property
    def group(self) -> str:
        return self.id.split(".", 1)[0]


def with_shift(key: str) -> str:
    """`key` with shift added, modifiers in the order Textual names them."""
    *modifiers, base = key.split("+")
    return "+".join([*sorted({*modifiers, "shift"}), base])


def _move(key: str, motion: str, description: str) -> list[KeyBinding]:
    """A movement and its shift+ twin that extends the selection."""
    return [
        KeyBinding(f"move.{motion}", key, f"move('{motion}')", description, Scope.DOCUMENT),
        KeyBinding(
            f"select.{motion}", with_shift(key), f"move('{motion}', True)", f"select {description}", Scope.DOCUMENT
        ),
    ]


APP_BINDINGS: tuple[KeyBinding, ...] = (
    KeyBinding("app.help", "f1", "help", "help", Scope.APP),
    KeyBinding("app.help_alt", "question_mark", "help", "help", Scope.APP),
    KeyBinding("app.undo", "ctrl+z", "undo", "undo", Scope.APP, priority=True),
    KeyBinding("app.redo", "ctrl+y", "redo", "redo", Scope.APP, priority=True),
    KeyBinding("app.undo_alt", "u", "undo", "undo", Scope.APP),
    KeyBinding("app.redo_alt", "ctrl+r", "redo", "redo", Scope.APP),
    KeyBinding("app.search", "slash", "search", "search", Scope.APP, key_display="/"),
    KeyBinding("app.search_alt", "ctrl+f", "search", "search", Scope.APP),
    KeyBinding("app.goto", "ctrl+g", "goto", "go to line or @offset", Scope.APP),
    KeyBinding("app.save", "ctrl+s", "save", "save", Scope.APP),
    KeyBinding("app.toggle_done", "ctrl+d", "toggle_done", "done", Scope.APP),
    KeyBinding("app.next_document", "greater_than_sign", "next_document", "next doc", Scope.APP),
    KeyBinding("app.previous_document", "less_than_sign", "previous_document", "prev doc", Scope.APP),
    KeyBinding("app.toggle_span_list", "f2", "toggle_span_list", "span list", Scope.APP),
    KeyBinding("app.focus_span_list", "ctrl+l", "focus_span_list", "focus span list", Scope.APP),
    KeyBinding("app.quit", "ctrl+q", "quit", "quit", Scope.APP, priority=True),
)

DOCUMENT_BINDINGS: tuple[KeyBinding, ...] = (
    *_move("left", "char_left", "character left"),
    *_move("right", "char_right", "character right"),
    *_move("up", "row_up", "line up"),
    *_move("down", "row_down", "line down"),
    *_move("ctrl+left", "word_left", "word left"),
    *_move("ctrl+right", "word_right", "word right"),
    *_move("home", "row_start", "line start"),
    *_move("end", "row_end", "line end"),
    *_move("pageup", "page_up", "page up"),
    *_move("pagedown", "page_down", "page down"),
    *_move("ctrl+home", "doc_start", "document start"),
    *_move("ctrl+end", "doc_end", "document end"),
    *_move("ctrl+up", "paragraph_up", "paragraph up"),
    *_move("ctrl+down", "paragraph_down", "paragraph down"),
    KeyBinding(
        "move.sentence_prev",
        "left_parenthesis",
        "move('sentence_prev')",
        "previous sentence",
        Scope.DOCUMENT,
        key_display="(",
    ),
    KeyBinding(
        "move.sentence_next",
        "right_parenthesis",
        "move('sentence_next')",
        "next sentence",
        Scope.DOCUMENT,
        key_display=")",
    ),
    KeyBinding(
        "move.paragraph_prev", "left_curly_bracket", "move('paragraph_up')", "previous paragraph", Scope.DOCUMENT
    ),
    KeyBinding(
        "move.paragraph_next", "right_curly_bracket", "move('paragraph_down')", "next paragraph", Scope.DOCUMENT
    ),
    KeyBinding("select.mark", "v", "mark", "mark", Scope.DOCUMENT),
    KeyBinding("select.word", "w", "select_word", "select word", Scope.DOCUMENT),
    KeyBinding("select.sentence", "s", "select_sentence", "select sentence", Scope.DOCUMENT),
    KeyBinding("select.clear", "escape", "clear_selection", "clear selection", Scope.DOCUMENT),
    KeyBinding("span.next", "right_square_bracket", "app.jump_span(1)", "next span", Scope.DOCUMENT),
    KeyBinding("span.previous", "left_square_bracket", "app.jump_span(-1)", "previous span", Scope.DOCUMENT),
    KeyBinding("span.cycle", "tab", "app.cycle_stack", "cycle stacked spans", Scope.DOCUMENT),
    KeyBinding("span.delete", "d", "app.delete_span", "delete span", Scope.DOCUMENT),
    KeyBinding("span.delete_alt", "delete", "app.delete_span", "delete span", Scope.DOCUMENT),
    KeyBinding("span.relabel", "r", "app.relabel", "relabel", Scope.DOCUMENT),
    KeyBinding("span.details", "enter", "app.edit_details", "details", Scope.DOCUMENT),
    KeyBinding("span.grow_end", "e", "app.resize('end', True)", "grow end by a word", Scope.DOCUMENT),
    KeyBinding("span.shrink_end", "E", "app.resize('end', False)", "shrink end by a word", Scope.DOCUMENT),
    KeyBinding("span.grow_start", "b", "app.resize('start', True)", "grow start by a word", Scope.DOCUMENT),
    KeyBinding("span.shrink_start", "B", "app.resize('start', False)", "shrink start by a word", Scope.DOCUMENT),
)

SPAN_LIST_BINDINGS: tuple[KeyBinding, ...] = (
    KeyBinding("span_list.up", "up", "cursor_up", "previous span", Scope.SPAN_LIST),
    KeyBinding("span_list.down", "down", "cursor_down", "next span", Scope.SPAN_LIST),
    KeyBinding("span_list.page_up", "pageup", "page_up", "page up", Scope.SPAN_LIST),
    KeyBinding("span_list.page_down", "pagedown", "page_down", "page down", Scope.SPAN_LIST),
    KeyBinding("span_list.first", "home", "first", "first span", Scope.SPAN_LIST),
    KeyBinding("span_list.last", "end", "last", "last span", Scope.SPAN_LIST),
    KeyBinding("span_list.select", "enter", "select", "go to span", Scope.SPAN_LIST),
    KeyBinding("span_list.filter", "f", "cycle_filter", "filter label", Scope.SPAN_LIST),
    KeyBinding("span_list.leave", "escape", "app.focus_document", "back to the text", Scope.SPAN_LIST),
)

REVIEW_BINDINGS: tuple[KeyBinding, ...] = (
    KeyBinding("review.next", "j", "next_disagreement", "next disagreement", Scope.REVIEW),
    KeyBinding("review.previous", "k", "previous_disagreement", "prev disagreement", Scope.REVIEW),
    KeyBinding("review.next_version", "o", "next_version", "next version", Scope.REVIEW),
    KeyBinding("review.accept", "y", "accept", "accept version", Scope.REVIEW),
    KeyBinding("review.reject_rest", "x", "reject_rest", "reject the rest", Scope.REVIEW),
    KeyBinding("review.accept_agreed", "A", "accept_agreed", "accept agreed", Scope.REVIEW),
)

SEARCH_BINDINGS: tuple[KeyBinding, ...] = (
    KeyBinding("search.next", "down", "step(1)", "next match", Scope.SEARCH),
    KeyBinding("search.previous", "up", "step(-1)", "previous match", Scope.SEARCH),
    # Only terminals that report modified enter (kitty, foot, WezTerm) send shift+enter; up always works.
    KeyBinding("search.previous_alt", "shift+enter", "step(-1)", "previous match", Scope.SEARCH),
    KeyBinding("search.regex", "ctrl+r", "toggle_regex", "regex on/off", Scope.SEARCH),
    KeyBinding("search.close", "escape", "close", "done: keep the match selected", Scope.SEARCH),
)

# The Footer lists these, in this order, as far as the width allows: first what
# a newcomer needs (select, tag, undo, help, quit), so that at 80 columns help
# and quit are still there. The tag keys of the tag set come in at "tag.*".
FOOTER_ORDER: tuple[str, ...] = (
    "search.close",
    "search.next",
    "search.previous",
    "search.regex",
    "review.next",
    "review.next_version",
    "review.accept",
    "review.reject_rest",
    "review.accept_agreed",
    "select.mark",
    "tag.*",
    "app.undo",
    "app.help",
    "app.quit",
    "span_list.leave",
    "span_list.select",
    "span_list.filter",
    "app.search",
    "span.next",
    "span.details",
    "span.relabel",
    "span.delete",
    "app.toggle_done",
    "app.next_document",
)


def footer_rank(binding_id: str | None) -> int | None:
    """Where the Footer lists a binding, or None when it does not."""
    if binding_id is None:
        return None
    if binding_id in FOOTER_ORDER:
        return FOOTER_ORDER.index(binding_id)
    group, _, name = binding_id.partition(".")
    if group == "tag" and not name.endswith("_digit"):
        return FOOTER_ORDER.index("tag.*")
    return None


def tag_bindings(tagset: TagSet) -> list[KeyBinding]:
    """Per label: its key tags, its digit (1-9, by position) tags, shift+key jumps to the next one."""
    bindings = []
    for number, label in enumerate(tagset, start=1):
        name = label.name
        bindings.append(KeyBinding(f"tag.{name}", label.key, f"app.tag('{name}')", name, Scope.DOCUMENT))
        if number <= 9:
            bindings.append(KeyBinding(f"tag.{name}_digit", str(number), f"app.tag('{name}')", name, Scope.DOCUMENT))
        bindings.append(
            KeyBinding(
                f"span.next_{name}", label.key.upper(), f"app.jump_span(1, '{name}')", f"next {name}", Scope.DOCUMENT
            )
        )
    return bindings


def all_bindings(tagset: TagSet | None = None, *, review: bool = True) -> list[KeyBinding]:
    """Every binding of the annotation app (and the review's), the tag keys of `tagset` included."""
    found = [*APP_BINDINGS, *DOCUMENT_BINDINGS, *SPAN_LIST_BINDINGS, *SEARCH_BINDINGS]
    if tagset is not None:
        found += tag_bindings(tagset)
    if review:
        found += REVIEW_BINDINGS
    return found


def remapped(bindings: Iterable[KeyBinding], keymap: Mapping[str, str]) -> Iterator[KeyBinding]:
    """`bindings` with the keys `[keys]` gives their ids (several keys: one binding each)."""
    for binding in bindings:
        keys = keymap.get(binding.id)
        if keys is None:
            yield binding
        else:
            for key in keys.split(","):
                yield replace(binding, key=key.strip())


# Textual names a punctuation key by its Unicode name ("?" -> "question_mark"),
# with a few shortened (its KEY_NAME_REPLACEMENTS).
_SHORT_NAMES = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def character_key(character: str) -> str:
    """Textual's key name for a character typed without modifiers ("?" -> "question_mark", "a" -> "a")."""
    if character.isalnum():
        return character
    name = unicodedata.name(character, character).lower().replace("-", "_").replace(" ", "_")
    return _SHORT_NAMES.get(name, name)


_CHARACTERS_BY_KEY = {character_key(c): c for c in string.punctuation}


def key_character(key: str) -> str | None:
    """The character a key name types ("question_mark" -> "?", "A" -> "A"), None for keys with modifiers."""
    if len(key) == 1:
        return key
    return _CHARACTERS_BY_KEY.get(key)


def label_key_conflict(letter: str, keymap: Mapping[str, str] | None = None) -> str | None:
    """Why a label cannot take `letter` as its key, or None when it can.

    A label's key tags and its upper case jumps to the next span of the label,
    both while the text has the focus: neither may be a key bound in the app,
    the text or the review. The span list binds keys of its own only while it
    has the focus, when the tag keys are not active, so its keys are free.
    Bindings are taken as `keymap` (`[keys]`) remaps them."""
    for binding in remapped((*APP_BINDINGS, *DOCUMENT_BINDINGS, *REVIEW_BINDINGS), keymap or {}):
        character = key_character(binding.key)
        if character == letter:
            return f"{letter!r} is bound to {binding.id} ({binding.description})"
        if character == letter.upper():
            return f"{letter!r} cannot be a label key: shift+{letter} ({character!r}) is bound to {binding.id}"
    return None
