"""The key bindings as data (annotator.keys): every key is one a terminal sends,
ids are unique, and the keys a label may not take come from the bindings."""

from __future__ import annotations

import pytest
from terminal_keys import EXTENDED_ONLY_KEYS, SEQUENCES, textual_keys, tmux_key_for

from annotator.keys import (
    APP_BINDINGS,
    DOCUMENT_BINDINGS,
    FOOTER_ORDER,
    REVIEW_BINDINGS,
    SEARCH_BINDINGS,
    SPAN_LIST_BINDINGS,
    SUGGEST_BINDINGS,
    all_bindings,
    footer_rank,
    key_character,
    label_key_conflict,
    remapped,
    with_shift,
)
from annotator.model.tagset import default_tagset
from annotator.ui.screens.confirm import ConfirmScreen
from annotator.ui.screens.goto import GotoScreen
from annotator.ui.screens.help import HelpScreen
from annotator.ui.screens.relabel import RelabelScreen
from annotator.ui.screens.span_details import SpanDetailsScreen


def modal_keys() -> list[str]:
    keys = []
    for screen in (ConfirmScreen, GotoScreen, HelpScreen, RelabelScreen, SpanDetailsScreen):
        for binding in screen.BINDINGS:
            keys.extend(key.strip() for key in binding.key.split(","))
    return keys


def test_every_bound_key_is_one_a_terminal_sends() -> None:
    """A binding spelled "shift+ctrl+right" never fires: terminals send ESC [1;6C,
    which Textual names "ctrl+shift+right"."""
    sendable = tmux_key_for()
    keys = [binding.key for binding in all_bindings(default_tagset())] + modal_keys()
    unsendable = sorted({key for key in keys if key not in sendable and key not in EXTENDED_ONLY_KEYS})
    assert not unsendable, f"no terminal sends these key names: {unsendable}"
    for key, sequence in EXTENDED_ONLY_KEYS.items():
        assert textual_keys(sequence) == [key]


def test_terminal_table_matches_textual_names() -> None:
    assert textual_keys(SEQUENCES["C-S-Right"]) == ["ctrl+shift+right"]
    assert textual_keys(SEQUENCES["S-Home"]) == ["shift+home"]
    assert textual_keys(SEQUENCES["?"]) == ["question_mark"]
    assert textual_keys(SEQUENCES["F1"]) == ["f1"]


@pytest.mark.parametrize(
    ("key", "shifted"),
    [
        ("right", "shift+right"),
        ("ctrl+right", "ctrl+shift+right"),
        ("ctrl+home", "ctrl+shift+home"),
        ("alt+up", "alt+shift+up"),
    ],
)
def test_with_shift_orders_modifiers_as_textual_does(key: str, shifted: str) -> None:
    assert with_shift(key) == shifted


def test_binding_ids_are_unique_and_every_binding_is_described() -> None:
    bindings = all_bindings(default_tagset())
    ids = [binding.id for binding in bindings]
    assert len(ids) == len(set(ids))
    assert all(binding.description for binding in bindings)


def test_bindings_of_one_scope_do_not_share_a_key() -> None:
    for group in (
        APP_BINDINGS,
        [*DOCUMENT_BINDINGS, *all_bindings(default_tagset())[-12:]],
        SPAN_LIST_BINDINGS,
        REVIEW_BINDINGS,
        SEARCH_BINDINGS,
    ):
        keys = [binding.key for binding in group]
        assert len(keys) == len(set(keys)), sorted(key for key in keys if keys.count(key) > 1)


def test_label_keys_may_not_collide_with_any_binding_where_tag_keys_are_active() -> None:
    for binding in (*APP_BINDINGS, *DOCUMENT_BINDINGS, *REVIEW_BINDINGS):
        character = key_character(binding.key)
        if character is not None and character.isalpha():
            assert label_key_conflict(character.lower()) is not None, binding.id
    assert "review.accept" in label_key_conflict("y")
    assert "review.accept_agreed" in label_key_conflict("a")  # shift+a accepts the agreed spans
    assert label_key_conflict("f") is None  # the span list's filter key is only active while the list has the focus
    assert label_key_conflict("m") is None


def test_footer_order_names_real_bindings() -> None:
    ids = {binding.id for binding in all_bindings(default_tagset())}
    assert all(name in ids or name == "tag.*" for name in FOOTER_ORDER)
    assert footer_rank("tag.quote") == FOOTER_ORDER.index("tag.*")
    assert footer_rank("tag.quote_digit") is None and footer_rank("move.char_left") is None


def test_remapped_keys() -> None:
    bindings = list(remapped(APP_BINDINGS, {"app.save": "f5, ctrl+w"}))
    assert [binding.key for binding in bindings if binding.id == "app.save"] == ["f5", "ctrl+w"]


def test_key_character_knows_every_character_textual_names() -> None:
    """The search bar's query line types " " and "£" too: a binding there on "space" never fires."""
    assert key_character("space") == " "
    assert key_character("pound_sign") == "£"
    assert key_character("question_mark") == "?" and key_character("é") == "é"
    # Unicode aliases of control characters, and names in another case, are not Textual's names.
    for key in ("escape", "delete", "tab", "backspace", "QUESTION_MARK", "ctrl+a", "f1", "up"):
        assert key_character(key) is None, key


@pytest.mark.parametrize(
    ("first", "second", "together"),
    [
        ("span.delete", "span.relabel", True),  # one scope
        ("span.delete", "app.save", True),  # the app's keys work everywhere
        ("span_list.filter", "review.next", True),  # so do the review's, in the review
        ("app.save", "review.next", True),
        ("span_list.filter", "span.delete", False),  # the list and the text have the focus in turn
        ("search.close", "span.delete", False),
        ("search.regex", "app.redo_alt", False),  # the query line's keys go before the app's (ctrl+r)
        ("search.regex", "app.undo", True),  # ... but for a priority key
        ("span.delete", "app.quit", True),
        ("suggest.accept", "span.delete", True),  # suggestions are settled from anywhere in the app
        ("suggest.accept", "review.accept", False),  # the review shows no suggestions: one key scheme
    ],
)
def test_which_bindings_are_active_together(first: str, second: str, together: bool) -> None:
    from annotator.keys import active_together

    by_id = {binding.id: binding for binding in all_bindings(default_tagset())}
    assert active_together(by_id[first], by_id[second]) is together
    assert active_together(by_id[second], by_id[first]) is together


def test_suggestions_are_settled_with_the_reviews_keys() -> None:
    """One key scheme: next, previous, accept, reject and accept-all are the review's keys."""
    review_keys = [binding.key for binding in REVIEW_BINDINGS]
    assert [binding.key for binding in SUGGEST_BINDINGS] == review_keys
    assert all(binding.follows == review.id for binding, review in zip(SUGGEST_BINDINGS, REVIEW_BINDINGS, strict=True))


def test_a_review_key_remapped_in_the_config_moves_the_suggestion_key_too() -> None:
    moved = {binding.id: binding.key for binding in remapped(SUGGEST_BINDINGS, {"review.accept": "enter"})}
    assert moved["suggest.accept"] == "enter" and moved["suggest.reject"] == "x"
    # Named itself, a suggestion key goes its own way.
    own = {b.id: b.key for b in remapped(SUGGEST_BINDINGS, {"review.accept": "enter", "suggest.accept": "Y"})}
    assert own["suggest.accept"] == "Y"


def test_a_suggestion_key_may_not_take_a_label_key() -> None:
    assert label_key_conflict("g", {}) is None
    assert label_key_conflict("g", {"suggest.accept": "g"}) == "'g' is bound to suggest.accept (accept suggestion)"


def test_a_suggestion_key_onto_a_text_key_clashes_once() -> None:
    from annotator.keys import keymap_clashes

    clashes = keymap_clashes({"review.accept": "d"}, default_tagset())
    # `d` deletes a span in the text; the review's binding moves the suggestion's with it, and the
    # clash is reported once, for the id the config names.
    assert [clash.binding.id for clash in clashes] == ["review.accept"]
    assert keymap_clashes({"suggest.accept": "d"}, default_tagset())[0].binding.id == "suggest.accept"
