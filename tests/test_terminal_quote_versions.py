"""The quote panel in a real terminal: `"` sent as tmux sends it, the panel read from the screen,
its keys pressed, and the differences legible without colour.

Pilot presses a binding by its own name; here the keys arrive as bytes through Textual's
driver (tests/terminal.py), so a key no terminal sends would fail. test_terminal_app checks
that `"` reaches the app (on a quote with no speaker); the panel's own keys are pressed here,
where there is a corpus to list.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from quote_project import DEFENSE_ONE, FORGET, LEAPS, LEAPS_OF_LOGIC, VOA, at, make_quote_project
from terminal import Pane, run_annotator
from test_terminal_app import assert_screen_readable, cursor, status_line

from annotator.keys import QUOTE_PANEL_BINDINGS, all_bindings

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

PANEL_KEYS = {
    "Up": "up",
    "Down": "down",
    "PageUp": "pageup",
    "PageDown": "pagedown",
    "Home": "home",
    "End": "end",
    "Enter": "enter",
    "Escape": "escape",
}


def _start(tmp_path: Path, env: dict[str, str | None] | None = None, theme: str | None = None) -> Pane:
    root = make_quote_project(tmp_path / "project").root
    if theme is not None:
        with (root / "annotator.toml").open("a", encoding="utf-8") as config:
            config.write(f'theme = "{theme}"\n')
    pane = run_annotator("annotate", "docs/voa.txt", cwd=root, exit_file=tmp_path / "exit", env=env)
    pane.wait_for(lambda screen: "Lloyd Austin was asked" in screen and "valid" in screen, "the first paint")
    return pane


def _open_panel(pane: Pane) -> str:
    pane.keys("]")  # the first span: Voice of America's quote
    pane.wait_for(lambda screen: cursor(screen) == at(VOA, LEAPS_OF_LOGIC)[0], "the cursor on the quote")
    pane.keys('"')
    return pane.wait_for(lambda screen: "Other versions (1)" in screen and "[-of logic-]" in screen, "the panel")


def _pointer_on(screen: str, needle: str) -> bool:
    return any(line.strip().startswith(f"▸ {needle}") for line in (row[row.find("▸") :] for row in screen.split("\n")))


def test_the_quote_panel_with_the_keys_a_terminal_sends(tmp_path: Path) -> None:
    leaps, forget = at(DEFENSE_ONE, LEAPS), at(DEFENSE_ONE, FORGET)
    first, other = f"Defense One · d1 [{leaps[0]}, {leaps[1]})", f"Defense One · d1 [{forget[0]}, {forget[1]})"
    with _start(tmp_path) as pane:
        screen = _open_panel(pane)
        assert "Lloyd Austin" in screen and "this quote: Voice of America · voa" in screen
        assert _pointer_on(screen, first) and LEAPS in screen and FORGET in screen
        pane.wait_stable()
        assert_screen_readable(pane, "the quote panel open")  # 4.5:1, the struck and dimmed words too
        pane.keys("Down")
        pane.wait_for(lambda screen: _pointer_on(screen, other), "down: the speaker's other quote")
        pane.keys("Up")
        pane.wait_for(lambda screen: _pointer_on(screen, first), "up: back to the other version")
        pane.keys("PageDown")
        pane.wait_for(lambda screen: _pointer_on(screen, other), "page down: as far as the list goes")
        pane.keys("PageUp")
        pane.wait_for(lambda screen: _pointer_on(screen, first), "page up: back")
        pane.keys("End")
        pane.wait_for(lambda screen: _pointer_on(screen, other), "end: the last entry")
        pane.keys("Home")
        pane.wait_for(lambda screen: _pointer_on(screen, first), "home: the first entry")
        pane.keys("Enter")
        pane.wait_for(
            lambda screen: status_line(screen).lstrip().startswith("d1") and cursor(screen) == leaps[0],
            "enter: Defense One's article, the cursor on its quote",
        )
        pane.wait_for("{+of logic+}", "the panel on Defense One's quote: Voice of America has more words")
        pane.keys("Escape")
        pane.wait_for(lambda screen: "quote versions" not in screen, "escape closes the panel")
        pane.keys("C-q")
        assert pane.wait_exit() == 0


def test_the_differences_read_without_colour(tmp_path: Path) -> None:
    with _start(tmp_path, env={"NO_COLOR": "1"}) as pane:
        _open_panel(pane)
        pane.wait_stable()
        grid = pane.cells()
        row, column = grid.find("[-of logic-]")
        words = grid.row(row, column + 2, column + 2 + len("of logic"))
        assert all("strike" in cell.attrs for cell in words if cell.char.strip()), [c.describe() for c in words]
        marks = grid.row(row, column, column + 2)
        assert "".join(cell.char for cell in marks) == "[-" and not any("strike" in cell.attrs for cell in marks)
        # The highlighted entry has a pointer, not a background alone.
        assert grid.find("▸ Defense One") is not None
        pane.keys("C-q")
        assert pane.wait_exit() == 0


def test_readable_in_the_light_theme_with_256_colours(tmp_path: Path) -> None:
    """The differences' colours are moved until they read on the highlighted entry's tint."""
    with _start(tmp_path, env={"COLORTERM": None}, theme="textual-light") as pane:
        _open_panel(pane)
        pane.wait_stable()
        assert_screen_readable(pane, "the quote panel, light theme, 256 colours")
        pane.keys("Enter")
        pane.wait_for("{+of logic+}", "Defense One's quote: the added words")
        pane.wait_stable()
        assert_screen_readable(pane, "the added words, light theme, 256 colours")
        pane.keys("C-q")
        assert pane.wait_exit() == 0


def test_every_quote_panel_key_is_pressed_here() -> None:
    """test_terminal_app leaves the panel's keys to this module: the test above presses each."""
    assert {binding.key for binding in QUOTE_PANEL_BINDINGS} == set(PANEL_KEYS.values())
    assert {b.id for b in all_bindings() if b.group == "quote_panel"} == {b.id for b in QUOTE_PANEL_BINDINGS}
