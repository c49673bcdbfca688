"""What a terminal sends for each key, and what Textual names it.

Pilot presses keys by the names bindings use, so a binding spelled in a way
no terminal produces ("shift+ctrl+right") passes every Pilot test and never
fires for a person. These tables hold the bytes xterm, and tmux in its
default configuration, send for the keys a person presses, keyed by tmux's
`send-keys` names; `textual_key` runs the bytes through Textual's own input
parser. Together they answer: which tmux key produces this binding's key?
"""

from __future__ import annotations

import string
from functools import cache

from annotator.ui.textual_compat import keys_from_terminal

# xterm's modifier parameter: 1 + (shift 1, alt 2, ctrl 4).
MODIFIERS = {"S-": 2, "M-": 3, "M-S-": 4, "C-": 5, "C-S-": 6, "C-M-": 7, "C-M-S-": 8}
CURSOR_KEYS = {"Up": "A", "Down": "B", "Right": "C", "Left": "D", "Home": "H", "End": "F"}
TILDE_KEYS = {"IC": 2, "DC": 3, "PageUp": 5, "PageDown": 6, "F5": 15, "F6": 17, "F7": 18, "F8": 19}
TILDE_KEYS |= {"F9": 20, "F10": 21, "F11": 23, "F12": 24}
SS3_KEYS = {"F1": "P", "F2": "Q", "F3": "R", "F4": "S"}
PLAIN = {"Tab": "\t", "BTab": "\x1b[Z", "Enter": "\r", "Escape": "\x1b", "BSpace": "\x7f", "Space": " "}


def _sequences() -> dict[str, str]:
    sent: dict[str, str] = dict(PLAIN)
    for character in string.printable:
        if character.isprintable() and character != " ":
            sent[character] = character
    for letter in string.ascii_lowercase:
        sent[f"C-{letter}"] = chr(ord(letter) - 96)
    for name, final in CURSOR_KEYS.items():
        sent[name] = f"\x1b[{final}"
        for prefix, parameter in MODIFIERS.items():
            sent[prefix + name] = f"\x1b[1;{parameter}{final}"
    for name, number in TILDE_KEYS.items():
        sent[name] = f"\x1b[{number}~"
        for prefix, parameter in MODIFIERS.items():
            sent[prefix + name] = f"\x1b[{number};{parameter}~"
    for name, final in SS3_KEYS.items():
        sent[name] = f"\x1bO{final}"
        for prefix, parameter in MODIFIERS.items():
            sent[prefix + name] = f"\x1b[1;{parameter}{final}"
    return sent


SEQUENCES: dict[str, str] = _sequences()
# Keys only terminals that report modified keys send (kitty's keyboard protocol,
# CSI u; tmux only with `extended-keys`), by Textual name: a binding on one of
# these needs a twin that every terminal sends.
EXTENDED_ONLY_KEYS: dict[str, str] = {"shift+enter": "\x1b[13;2u"}


def textual_keys(sequence: str) -> list[str]:
    """The key names Textual's driver gives the bytes a terminal sent (Textual's own
    parser: the point is to use exactly it)."""
    return keys_from_terminal(sequence)


@cache
def tmux_key_for() -> dict[str, str]:
    """Textual key name -> the tmux key name that produces it."""
    table: dict[str, str] = {}
    for tmux_name, sequence in SEQUENCES.items():
        keys = textual_keys(sequence)
        if len(keys) == 1:
            table.setdefault(keys[0], tmux_name)
    return table


async def press_as_sent(pilot, *tmux_names: str) -> None:
    """Press keys as a terminal sends them: tmux key names, through Textual's parser."""
    for name in tmux_names:
        for key in textual_keys(SEQUENCES[name]):
            await pilot.press(key)
