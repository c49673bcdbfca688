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
- SUGGEST: in `annotator annotate` while the document has suggestions,
  everywhere; on the review's keys, since the two never run together and
  settle candidates the same way;
- SEARCH: while the search bar's query line has the focus (enter, which
  the query line itself takes, also goes to the next match);
- QUOTES: while the quote panel (a quote's other versions, opened with `"`
  on a quote) has the focus.

A binding's id is what `[keys]` in annotator.toml remaps; the part before
the first "." is its group in the help screen.

A key name in `[keys]` (`parse_key`) is one Textual's driver produces, so
that a remapped binding can fire; several are joined by ",". A name is any
of the modifiers alt, ctrl, hyper, meta, shift, super, in that (alphabetical)
order, each followed by "+", then the key:

- a lower-case letter, a digit, or any other printable character, written
  as itself ("?", "é") or by Textual's name for it ("question_mark"); the
  character is kept as Textual names it ("?" becomes "question_mark");
- an upper-case letter, without modifiers: it is shift with the letter
  ("shift+a" never fires, "A" does; with other modifiers the letter is lower
  case: "ctrl+shift+a");
- up, down, left, right, home, end, pageup, pagedown, insert, delete,
  backspace, tab, enter, escape, space, f1 to f24.

Shift with any other character key is refused ("shift+1" arrives as "!"),
and so are ctrl+h, ctrl+i, ctrl+m and ctrl+[, which terminals send as
backspace, tab, enter and escape.

Two bindings may share a key only when they are never active together
(`active_together`): the text, the span list, the quote panel and the search
bar each have their keys while they have the focus, one at a time, so a
SPAN_LIST or QUOTES key may be a DOCUMENT key; APP, REVIEW and SUGGEST keys
are active everywhere, so they share with nothing (but REVIEW and SUGGEST
keys with each other, never active in one app), and a priority key
(`KeyBinding.priority`) goes before every other. The search bar is the
exception: its query line is where one types, and its own keys go before
the app's there (ctrl+r toggles regex instead of redoing), so it may take an
app key that is not a priority. A remapped key
must also keep clear of the keys Textual binds on its own (`TEXTUAL_BINDINGS`:
the command palette; the query line's editing keys and every key that types
a character). `keymap_clashes` finds the keys `[keys]` makes collide.
"""

from __future__ import annotations

import string
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache

from annotator.model.tagset import TagSet


class Scope(StrEnum):
    APP = "app"
    DOCUMENT = "document"
    SPAN_LIST = "span_list"
    REVIEW = "review"
    SUGGEST = "suggest"
    SEARCH = "search"
    QUOTES = "quotes"


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
    follows: str | None = None  # takes the key `[keys]` gives this binding id, unless it names this one

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
    # Spans re-anchoring placed on changed text (annotator reanchor): find each, fix it with the
    # keys above or delete it, or accept it as it is.
    KeyBinding("span.next_reanchored", "exclamation_mark", "app.next_reanchored", "next re-anchored", Scope.DOCUMENT),
    KeyBinding("span.accept_reanchored", "equals_sign", "app.accept_reanchored", "accept re-anchored", Scope.DOCUMENT),
    # " for quote: a punctuation key, so that no project's label key (a letter) can have taken it.
    KeyBinding(
        "quote.versions",
        "quotation_mark",
        "app.quote_versions",
        "other versions of this quote, and the speaker's other quotes",
        Scope.DOCUMENT,
        key_display='"',
    ),
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

# The review's keys, for the same moves: settling suggestions is settling candidates.
SUGGEST_BINDINGS: tuple[KeyBinding, ...] = tuple(
    KeyBinding(f"suggest.{name}", review.key, action, description, Scope.SUGGEST, follows=review.id)
    for review, (name, action, description) in zip(
        REVIEW_BINDINGS,
        (
            ("next", "suggestion_next", "next suggestion"),
            ("previous", "suggestion_previous", "prev suggestion"),
            ("next_version", "suggestion_version", "next version"),
            ("accept", "suggestion_accept", "accept suggestion"),
            ("reject", "suggestion_reject", "reject suggestion"),
            ("accept_label", "suggestion_accept_label", "accept all of label"),
        ),
        strict=True,
    )
)

# The quote panel lists versions and quotes; like the span list, it moves with the arrows (j and
# k settle suggestions everywhere) and enter goes to the highlighted one.
QUOTE_PANEL_BINDINGS: tuple[KeyBinding, ...] = (
    KeyBinding("quote_panel.up", "up", "cursor_up", "previous entry", Scope.QUOTES),
    KeyBinding("quote_panel.down", "down", "cursor_down", "next entry", Scope.QUOTES),
    KeyBinding("quote_panel.page_up", "pageup", "page_up", "page up", Scope.QUOTES),
    KeyBinding("quote_panel.page_down", "pagedown", "page_down", "page down", Scope.QUOTES),
    KeyBinding("quote_panel.first", "home", "first", "first entry", Scope.QUOTES),
    KeyBinding("quote_panel.last", "end", "last", "last entry", Scope.QUOTES),
    KeyBinding("quote_panel.jump", "enter", "select", "go to this quote", Scope.QUOTES),
    KeyBinding("quote_panel.close", "escape", "close", "close the quote panel", Scope.QUOTES),
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
    # After help and quit, which must fit at 80 columns: the suggestion panel names these keys too.
    "suggest.next",
    "suggest.accept",
    "suggest.reject",
    "span_list.leave",
    "span_list.select",
    "span_list.filter",
    "quote_panel.close",
    "quote_panel.jump",
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


def all_bindings(tagset: TagSet | None = None, *, review: bool = True, suggest: bool = True) -> list[KeyBinding]:
    """Every binding of the annotation app (with suggestions, and the review's), the tag keys of `tagset` included."""
    found = [*APP_BINDINGS, *DOCUMENT_BINDINGS, *SPAN_LIST_BINDINGS, *QUOTE_PANEL_BINDINGS, *SEARCH_BINDINGS]
    if suggest:
        found += SUGGEST_BINDINGS
    if tagset is not None:
        found += tag_bindings(tagset)
    if review:
        found += REVIEW_BINDINGS
    return found


def remapped(bindings: Iterable[KeyBinding], keymap: Mapping[str, str]) -> Iterator[KeyBinding]:
    """`bindings` with the keys `[keys]` gives their ids (several keys: one binding each). A binding
    that follows another (the suggestion keys follow the review's) takes that one's keys unless
    `[keys]` names it itself."""
    for binding in bindings:
        keys = keymap.get(binding.id)
        if keys is None and binding.follows is not None:
            keys = keymap.get(binding.follows)
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


@lru_cache(maxsize=1024)
def key_character(key: str) -> str | None:
    """The character a key name types ("question_mark" -> "?", "A" -> "A", "space" -> " "),
    None for keys with modifiers and keys that type nothing ("enter")."""
    if len(key) == 1:
        return key
    if key in _CHARACTERS_BY_KEY:
        return _CHARACTERS_BY_KEY[key]
    # Any other character, by its Unicode name ("pound_sign"). A name must name the character
    # back: "escape" and "delete" are aliases of control characters, not the names Textual gives.
    try:
        character = unicodedata.lookup(key.replace("_", " "))
    except KeyError:
        return None
    return character if len(character) == 1 and character_key(character) == key else None


def label_key_conflict(letter: str, keymap: Mapping[str, str] | None = None) -> str | None:
    """Why a label cannot take `letter` as its key, or None when it can.

    A label's key tags and its upper case jumps to the next span of the label,
    both while the text has the focus: neither may be a key bound in the app,
    the text, the review or for suggestions. The span list binds keys of its own only while it
    has the focus, when the tag keys are not active, so its keys are free.
    Bindings are taken as `keymap` (`[keys]`) remaps them."""
    for binding in remapped((*APP_BINDINGS, *DOCUMENT_BINDINGS, *REVIEW_BINDINGS, *SUGGEST_BINDINGS), keymap or {}):
        character = key_character(binding.key)
        if character == letter:
            return f"{letter!r} is bound to {binding.id} ({binding.description})"
        if character == letter.upper():
            return f"{letter!r} cannot be a label key: shift+{letter} ({character!r}) is bound to {binding.id}"
    return None


# -- key names in [keys] ----------------------------------------------------------------------

MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")  # in the order Textual joins them
NAMED_KEYS = (
    "up",
    "down",
    "left",
    "right",
    "home",
    "end",
    "pageup",
    "pagedown",
    "insert",
    "delete",
    "backspace",
    "tab",
    "enter",
    "escape",
    "space",
    *(f"f{number}" for number in range(1, 25)),
)
_GRAMMAR = (
    "a key is a letter, a digit or another character (or its name, such as 'question_mark'), "
    f"or one of {', '.join(NAMED_KEYS[:15])}, f1 to f24, "
    f"after any of the modifiers {', '.join(MODIFIERS)} in that order, each followed by '+'"
)
# Other spellings people write, for the message that refuses them.
_SPELLINGS = {
    "control": "ctrl",
    "option": "alt",
    "opt": "alt",
    "cmd": "super",
    "command": "super",
    "win": "super",
    "esc": "escape",
    "return": "enter",
    "del": "delete",
    "ins": "insert",
    "pgup": "pageup",
    "pgdn": "pagedown",
    "page_up": "pageup",
    "page_down": "pagedown",
    "bs": "backspace",
    "spacebar": "space",
}
# ctrl with these sends the same byte as a named key, which Textual names instead
# (and Textual fires a ctrl+i binding on tab as well).
_TERMINAL_TWINS = {"ctrl+h": "backspace", "ctrl+i": "tab", "ctrl+m": "enter", "ctrl+left_square_bracket": "escape"}


class KeyNameError(ValueError):
    """A key name Textual's driver never produces; the message says why, and what to write."""


def parse_keys(text: str) -> tuple[str, ...]:
    """The keys of a `[keys]` value, key names joined by "," ("f5, ctrl+w"), each as `parse_key` spells it."""
    return tuple(parse_key(part) for part in text.split(","))


def parse_key(text: str) -> str:
    """`text` as Textual names the key ("?" -> "question_mark"); KeyNameError when no terminal sends it
    under that name. The grammar is in this module's docstring."""
    name = text.strip(" ")
    if not name:
        raise KeyNameError("a key name is missing (before, after or between commas; the ',' key is 'comma')")
    if len(name) == 1:
        return _base_key(name, [], name)
    *modifiers, base = name.split("+")
    if not base:
        raise KeyNameError(f"{name!r} ends in '+': name a key after the modifiers (the '+' key is 'plus')")
    for modifier in modifiers:
        if not modifier:
            raise KeyNameError(f"{name!r} has an empty part between '+' signs")
        if modifier not in MODIFIERS:
            raise KeyNameError(
                f"{modifier!r} in {name!r} is not a modifier{_suggestion(modifier, MODIFIERS)}; "
                f"the modifiers are {', '.join(MODIFIERS)}"
            )
    if len(set(modifiers)) < len(modifiers):
        raise KeyNameError(f"{name!r} names a modifier twice")
    if modifiers != sorted(modifiers):
        ordered = "+".join([*sorted(modifiers), base])
        raise KeyNameError(f"{name!r} never fires: Textual puts the modifiers in alphabetical order, {ordered!r}")
    key = "+".join([*modifiers, _base_key(base, modifiers, name)])
    if key in _TERMINAL_TWINS:
        twin = _TERMINAL_TWINS[key]
        raise KeyNameError(f"terminals send {key!r} as {twin!r} (the same byte): bind {twin!r}, or another key")
    return key


def _base_key(base: str, modifiers: list[str], name: str) -> str:
    """The key after the modifiers, as Textual names it."""
    if base in NAMED_KEYS:
        return base
    character = base if len(base) == 1 else key_character(base)
    if character is None:
        names = [*NAMED_KEYS, *_CHARACTERS_BY_KEY]
        raise KeyNameError(f"{base!r} is not a key name{_suggestion(base, names)}: {_GRAMMAR}")
    if not character.isprintable() or character.isspace():
        within = f" in {name!r}" if name != character else ""
        raise KeyNameError(
            f"{character!r}{within} is a control character or a blank, not a key name: "
            "name the key, such as 'escape', 'tab' or 'space'"
        )
    is_letter = character.lower() != character.upper()
    if modifiers == ["shift"]:
        if is_letter:
            raise KeyNameError(
                f"shift+{character.lower()} arrives as the upper-case letter: write {character.upper()!r}"
            )
        raise KeyNameError(
            f"{name!r} never fires: shift with a character key types another character, "
            "which arrives instead (write '!' rather than 'shift+1')"
        )
    if modifiers and character != character.lower():
        lowered = with_shift("+".join([*modifiers, character.lower()]))
        raise KeyNameError(
            f"{name!r} never fires: with modifiers, a letter is lower case and shift is named: {lowered!r}"
        )
    return character_key(character)


def _suggestion(word: str, names: Iterable[str]) -> str:
    names = list(names)
    spelled = _SPELLINGS.get(word.lower(), word.lower())
    if spelled in names:
        return f" (write {spelled!r})"
    import difflib  # only for a refused key: validate starts without it

    close = difflib.get_close_matches(word.lower(), names, n=3)
    return f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""


def unknown_binding(binding_id: str, bindings: Iterable[KeyBinding]) -> str | None:
    """Why `[keys]` cannot remap `binding_id`: no binding of `bindings` has it (with the ids
    closest to it). None when one has."""
    ids = [binding.id for binding in bindings]
    if binding_id in ids:
        return None
    import difflib

    close = difflib.get_close_matches(binding_id, ids, n=3, cutoff=0.6)
    where = "F1 in the app lists every binding with its id"
    if close:
        return f"unknown binding id; did you mean {' or '.join(map(repr, close))}? ({where})"
    groups = ", ".join(f"{group}.*" for group in dict.fromkeys(identifier.split(".")[0] for identifier in ids))
    return f"unknown binding id: ids are a group and a name, such as 'span.delete' (groups {groups}); {where}"


# -- which keys may be shared -----------------------------------------------------------------

# The search bar's query line is Textual's Input: its keys, as its BINDINGS name them (a test keeps
# them in step), go before the search bar's, and it types every key that is a character.
_QUERY_LINE_KEYS = (
    ("left", "cursor_left"),
    ("shift+left", "cursor_left"),
    ("ctrl+left", "cursor_left_word"),
    ("ctrl+shift+left", "cursor_left_word"),
    ("right", "cursor_right"),
    ("shift+right", "cursor_right"),
    ("ctrl+right", "cursor_right_word"),
    ("ctrl+shift+right", "cursor_right_word"),
    ("backspace", "delete_left"),
    ("ctrl+shift+a", "select_all"),
    ("home", "home"),
    ("ctrl+a", "home"),
    ("end", "end"),
    ("ctrl+e", "end"),
    ("shift+home", "home"),
    ("shift+end", "end"),
    ("delete", "delete_right"),
    ("ctrl+d", "delete_right"),
    ("enter", "submit"),
    ("ctrl+w", "delete_left_word"),
    ("ctrl+u", "delete_left_all"),
    ("super+backspace", "delete_left_all"),
    ("ctrl+backspace", "delete_right_word"),
    ("alt+backspace", "delete_right_word"),
    ("ctrl+k", "delete_right_all"),
    ("ctrl+x", "cut"),
    ("ctrl+c", "copy"),
    ("super+c", "copy"),
    ("ctrl+v", "paste"),
)

# Keys Textual binds on its own, which `[keys]` cannot move; group "textual".
TEXTUAL_BINDINGS: tuple[KeyBinding, ...] = (
    KeyBinding(
        "textual.command_palette",
        "ctrl+p",
        "command_palette",
        "the key of Textual's command palette",
        Scope.APP,
        priority=True,
    ),
    *(
        KeyBinding(
            "textual.query_line",
            key,
            action,
            f"a key of the search bar's query line ({action.replace('_', ' ')})",
            Scope.SEARCH,
        )
        for key, action in _QUERY_LINE_KEYS
    ),
)
_TYPED = KeyBinding("textual.query_line", "", "insert", "typed by the search bar's query line", Scope.SEARCH)

_WHERE = {
    Scope.APP: "everywhere",
    Scope.DOCUMENT: "while the text has the focus",
    Scope.SPAN_LIST: "while the span list has the focus",
    Scope.REVIEW: "everywhere in `annotator review`",
    Scope.SUGGEST: "everywhere while a document has suggestions",
    Scope.SEARCH: "while the search bar has the focus",
    Scope.QUOTES: "while the quote panel has the focus",
}


def active_together(first: KeyBinding, second: KeyBinding) -> bool:
    """Whether a key bound to both would reach only one of them (the rules are in this module's docstring)."""
    if first.scope == second.scope:
        return True
    scopes = {first.scope, second.scope}
    if scopes == {Scope.REVIEW, Scope.SUGGEST}:
        return False  # the review shows no suggestions
    if not scopes & {Scope.APP, Scope.REVIEW, Scope.SUGGEST}:
        return False  # the text, the span list and the search bar have the focus one at a time
    if Scope.SEARCH in scopes:
        return first.priority or second.priority  # the query line's own keys go first, but for a priority key
    return True


@dataclass(frozen=True, slots=True)
class KeyClash:
    """`binding`, which `[keys]` moves, on the key of `other`, which is active at the same time."""

    binding: KeyBinding
    other: KeyBinding
    other_remapped: bool = False  # `[keys]` moves `other` too (onto this key)
    label: str | None = None  # the label `other` tags or jumps to, when it is tag.LABEL or span.next_LABEL

    def __str__(self) -> str:
        binding, other, label = self.binding, self.other, self.label
        textual = other.group == "textual"
        if textual:
            what = other.description
        elif label is not None and other.id == f"tag.{label}":
            what = f"the key of label {label!r} ({other.id})"
        elif label is not None:
            what = f"bound to {other.id}, which jumps to the next {label!r} span (shift with the label's key)"
        else:
            what = f"bound to {other.id} ({other.description})"
        if self.other_remapped:
            what += " as [keys] remaps it"
        if other.priority:
            when = f"{'it' if textual else other.id} goes before every other key, so {binding.id} would never fire"
        elif binding.priority and other.id == "textual.query_line":
            when = f"{binding.id} goes before every other key, even in the query line, which would lose it"
        elif binding.priority:
            when = f"{binding.id} goes before every other key, so {other.id} would never fire"
        elif other.id == "textual.query_line":
            when = f"the query line takes it first, so {binding.id} would never fire"
        elif binding.scope == other.scope:
            when = f"both are active {_WHERE[binding.scope]}"
        else:
            when = f"{other.id} is active {_WHERE[other.scope]}, {binding.id} {_WHERE[binding.scope]}"
        if textual:
            fix = "choose another key"
        elif label is not None:
            fix = f"choose another key, or give label {label!r} another one (labels.{label}.key)"
        else:
            fix = f"choose another key, or remap {other.id} too"
        return f"{binding.key!r} is already {what}; {when}: {fix}"


def _without_twins(bindings: list[KeyBinding]) -> list[KeyBinding]:
    """Leave out a binding on the same key as the one it follows (a suggestion key on its review
    key): it clashes where that one does, and a clash is reported once, for the binding `[keys]` names."""
    keys_of: dict[str, set[str]] = defaultdict(set)
    for binding in bindings:
        keys_of[binding.id].add(binding.key)
    return [b for b in bindings if b.follows is None or b.key not in keys_of.get(b.follows, set())]


def keymap_clashes(keymap: Mapping[str, str], tagset: TagSet | None = None) -> list[KeyClash]:
    """Where `keymap` (`[keys]`, in Textual's spelling) moves a binding of the app, the review or
    `tagset` onto a key that a binding active at the same time has, as the keymap leaves it, or that
    Textual binds: one KeyClash each, in the order of the keymap. Bindings the keymap does not move
    do not clash among themselves (tests keep it so; label keys are checked as the tag set is built:
    `label_key_conflict`)."""
    if not keymap:
        return []
    order = {binding_id: position for position, binding_id in enumerate(keymap)}
    labels: dict[str, str] = {}
    for label in tagset or ():
        labels[f"tag.{label.name}"] = labels[f"span.next_{label.name}"] = label.name
    bindings = _without_twins([*remapped(all_bindings(tagset), keymap), *TEXTUAL_BINDINGS])
    sharing: dict[str, list[KeyBinding]] = defaultdict(list)
    for binding in bindings:
        sharing[binding.key].append(binding)
    clashes = []
    for group in sharing.values():
        for index, first in enumerate(group):
            for second in group[index + 1 :]:
                if first.id == second.id or not (first.id in order or second.id in order):
                    continue
                if active_together(first, second):
                    # The later entry of [keys] is the one that takes a key already taken.
                    moved, other = sorted((first, second), key=lambda each: order.get(each.id, -1), reverse=True)
                    clashes.append(KeyClash(moved, other, other.id in order, labels.get(other.id)))
    for binding in bindings:
        typed = key_character(binding.key)
        if (
            binding.id in order
            and (binding.scope is Scope.SEARCH or binding.priority)
            and typed
            and typed.isprintable()
        ):
            clashes.append(KeyClash(binding, replace(_TYPED, key=binding.key)))
    return sorted(clashes, key=lambda clash: order[clash.binding.id])
