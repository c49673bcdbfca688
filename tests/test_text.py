"""display_text: terminal-unsafe characters become visible placeholders, 1:1."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.text import TRANSLATION, display_text, is_safe

BIDI_AND_SEPARATORS = [0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]


def unsafe(char: str) -> bool:
    code = ord(char)
    return (code < 0x20 and char != "\n") or 0x7F <= code <= 0x9F or code in BIDI_AND_SEPARATORS or code == 0x061C


def test_specific_placeholders() -> None:
    assert display_text("\x1b") == "␛"
    assert display_text("\t") == "␉"
    assert display_text("\x00") == "␀"
    assert display_text("\x1f") == "␟"
    assert display_text("\r") == "␍"
    assert display_text("\x7f") == "␡"
    assert display_text("\x85\x9b") == "��"
    assert display_text("a\u202eb\u2066c\u200fd") == "a�b�c�d"
    assert display_text("line\u2028sep\u2029") == "line�sep�"


def test_newline_is_kept() -> None:
    assert display_text("one\ntwo\n\n") == "one\ntwo\n\n"


def test_markup_and_ansi_keep_their_length() -> None:
    markup = "He said [/quote] and [bold]"
    assert display_text(markup) == markup
    ansi = "\x1b[31mred\x1b[0m and \x1b]8;;http://x\x07link\x1b]8;;\x07"
    shown = display_text(ansi)
    assert len(shown) == len(ansi)
    assert shown == "␛[31mred␛[0m and ␛]8;;http://x␇link␛]8;;␇"
    assert "\x1b" not in shown and "\x07" not in shown


def test_safe_text_is_returned_unchanged() -> None:
    text = "‘Possible’ But Unlikely — 2,000 troops 👨🏻‍🚒 中文 e\u0301"
    assert is_safe(text)
    assert display_text(text) is text


def test_table_covers_exactly_the_unsafe_characters() -> None:
    assert sorted(TRANSLATION) == sorted(code for code in range(0x110000) if unsafe(chr(code)))


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_same_length_and_nothing_unsafe_left(text: str) -> None:
    shown = display_text(text)
    assert len(shown) == len(text)
    assert not any(unsafe(char) for char in shown)
    for original, char in zip(text, shown, strict=True):
        if not unsafe(original):
            assert char == original
        else:
            assert char != original
    assert is_safe(shown)
