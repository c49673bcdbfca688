"""The app in a real terminal: what tmux shows and what it sends.

Pilot renders headless and presses keys by the names bindings use, so it saw
neither text drawn in its background colour at first paint nor a binding
(shift+ctrl+right) that no terminal sends. These tests run `annotator` in
tmux (tests/terminal.py), read the screen with its colours (`capture-pane
-e`) and send keys as tmux sends them:

- colours: the WCAG contrast of the text, the cursor, each label's tint, a
  selection, the status line and the Footer is at least 4.5:1, in the dark and
  the light theme, with truecolor and with 256 colours, under both TERMs;
- keys: every binding the help screen lists, sent with `send-keys` and checked
  by its effect on the screen;
- sizes: at 40x12, 80x24, 120x40 and 200x60 the text shows and wraps.

They are few and share app starts: each start costs about a second.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from terminal import Grid, Pane, min_contrast, run_annotator
from terminal_keys import EXTENDED_ONLY_KEYS, tmux_key_for

from annotator.keys import all_bindings
from annotator.model.tagset import default_tagset

REANCHOR_KEYS = ("span.next_reanchored", "span.accept_reanchored")
QUOTE_PANEL = "quote_panel"  # the panel's keys need a corpus to list: tests/test_terminal_quote_versions.py

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

READABLE = 4.5
ESCAPE_PAUSE = 0.25
P0 = "Alpha beta gamma. Delta epsilon zeta. Eta theta iota."
P1 = "The minister said 42 people came."
FILLER = [f"Line {number} of the article, which goes on." for number in range(60)]
TEXT = "\n".join([P0, P1, *FILLER]) + "\n"
SECOND = "A second article.\n"
# Frames, borders and scroll thumbs are drawn, not read: WCAG asks 3:1 of them, not 4.5:1.
DECORATION = re.compile(r"[\u2500-\u259f\u25b6\u25b8▏▕▐]")


def make_project(root: Path, theme: str | None = None) -> Path:
    (root / "docs").mkdir(parents=True)
    config = 'documents = ["docs"]\nannotator = "tester"\n'
    if theme:
        config += f'theme = "{theme}"\n'
    (root / "annotator.toml").write_text(config, encoding="utf-8")
    (root / "docs" / "a.txt").write_text(TEXT, encoding="utf-8")
    (root / "docs" / "b.txt").write_text(SECOND, encoding="utf-8")
    return root


def start(tmp_path: Path, *, theme: str | None = None, size=(120, 40), **options) -> Pane:
    root = make_project(tmp_path / "project", theme)
    pane = run_annotator("annotate", "docs", cwd=root, exit_file=tmp_path / "exit-code", size=size, **options)
    pane.wait_for(lambda screen: "Alpha beta gamma" in screen and "valid" in screen, "the first paint")
    return pane


# -- reading the screen ---------------------------------------------------------------------------


def status_line(screen: str) -> str:
    return screen.rstrip("\n").split("\n")[-2]


def cursor(screen: str) -> int | None:
    found = re.search(r"│ @(\d+)", status_line(screen))
    return int(found.group(1)) if found else None


def selection(screen: str) -> int | None:
    found = re.search(r"@\d+ sel (\d+)", status_line(screen))
    return int(found.group(1)) if found else None


def side_column(screen: str) -> int:
    """The column of the side panel's left border."""
    for line in screen.rstrip("\n").split("\n")[:-1]:  # the Footer's palette key has a border of its own
        if "▏" in line:
            return line.index("▏")
    return len(screen)


def side_text(screen: str) -> str:
    """What the side panel shows, its rows joined."""
    column = side_column(screen)
    return " ".join(line[column + 1 :].strip() for line in screen.split("\n"))


def legend(screen: str) -> dict[str, int]:
    """The legend's counts: the side panel's rows above the span list's border."""
    rows = []
    column = side_column(screen)
    for line in screen.split("\n"):
        side = line[column + 1 :]
        if "spans" in side and "─" in side:
            break
        rows.append(side)
    return {label: int(count) for label, count in re.findall(r"(quote|claim|hedge|number) (\d+)", " ".join(rows))}


def text_cells_of(grid: Grid, top: int, bottom: int, left: int, right: int) -> list:
    return [cell for cell in grid.region(top, left, bottom, right) if not DECORATION.fullmatch(cell.char or " ")]


def assert_readable(grid: Grid, what: str, top: int, bottom: int, left: int = 0, right: int | None = None) -> None:
    right = grid.width if right is None else right
    contrast = min_contrast(text_cells_of(grid, top, bottom, left, right))
    assert contrast.meets(READABLE), f"{what}: {contrast}"


def assert_screen_readable(pane: Pane, what: str) -> None:
    grid = pane.cells()
    height = grid.height
    column = side_column(pane.screen())
    assert_readable(grid, f"{what}, the text", 0, height - 2, 0, column)
    if column < grid.width:
        assert_readable(grid, f"{what}, the side panel", 0, height - 2, column + 1)
    assert_readable(grid, f"{what}, the status line", height - 2, height - 1)
    assert_readable(grid, f"{what}, the Footer", height - 1, height)


# -- colours --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("theme", "truecolor", "term"),
    [
        ("textual-dark", True, "xterm-256color"),
        ("textual-dark", False, "tmux-256color"),
        ("textual-light", True, "tmux-256color"),
        ("textual-light", False, "xterm-256color"),
    ],
)
def test_readable_in_every_theme_and_colour_depth(tmp_path: Path, theme: str, truecolor: bool, term: str) -> None:
    """At first paint with nothing pressed (where the text was colour 233 on 233),
    then with a span of each label, a selection, and the span list focused."""
    env = {} if truecolor else {"COLORTERM": None}
    with start(tmp_path, theme=theme, env=env, term=term) as pane:
        where = f"{theme}, {'truecolor' if truecolor else '256 colours'}, TERM={term}"
        assert_screen_readable(pane, f"first paint ({where})")
        # One span of each label on the first words, the cursor on the last of them, and a selection.
        pane.keys("q", "C-Right", "Right", "c", "C-Right", "Right", "h", "C-Down", "C-Right", "C-Right", "C-Right")
        pane.keys("Right", "n")
        pane.wait_for(lambda screen: legend(screen) == {"quote": 1, "claim": 1, "hedge": 1, "number": 1}, "four spans")
        pane.keys("C-Home", "S-Right", "S-Right")
        pane.wait_for(lambda screen: selection(screen) == 2, "a selection")
        pane.wait_stable()
        assert_screen_readable(pane, f"spans and a selection ({where})")
        pane.keys("C-l")
        pane.wait_for("back to the text", "the span list's keys in the Footer")
        pane.wait_stable()
        assert_screen_readable(pane, f"the span list focused ({where})")
        pane.keys("C-q")
        assert pane.wait_exit() == 0


def test_a_theme_chosen_in_the_palette_reaches_the_text(tmp_path: Path) -> None:
    """ctrl+p, change theme, textual-light: the document turned light one switch late."""
    with start(tmp_path) as pane:
        dark_background = pane.cells().cell(0, 0).bg
        pane.keys("C-p")
        pane.wait_for("Change theme", "the palette")
        pane.type("change theme")
        pane.keys("Enter")
        pane.wait_for("textual-light", "the themes")
        pane.type("textual-light")
        pane.keys("Enter")
        pane.wait_for(
            lambda screen: "Change theme" not in screen and "textual-light" not in screen, "the palette to close"
        )
        pane.wait_stable()
        grid = pane.cells()
        assert grid.cell(0, 0).bg != dark_background
        assert grid.cell(0, 0).bg == grid.cell(0, side_column(pane.screen()) + 2).bg  # text and side panel agree
        assert_screen_readable(pane, "after switching to the light theme")
        pane.keys("C-q")
        assert pane.wait_exit() == 0


# -- sizes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(40, 12), (80, 24), (120, 40), (200, 60)])
def test_the_text_shows_and_wraps_at_every_size(tmp_path: Path, size: tuple[int, int]) -> None:
    columns, rows = size
    with start(tmp_path, size=size) as pane:
        screen = pane.screen()
        lines = screen.rstrip("\n").split("\n")
        column = side_column(screen)
        text_width = min(column, columns)
        assert text_width >= columns // 2, f"the text gets {text_width} of {columns} columns:\n{screen}"
        shown = " ".join(line[:text_width].strip() for line in lines[: rows - 2])
        words = " ".join(P0.split()[:6])
        assert words in " ".join(shown.split()), f"the first sentence is not readable at {size}:\n{screen}"
        assert all(len(line[:text_width].rstrip()) <= text_width for line in lines)
        if len(P0) + 6 > text_width:  # wrapped, not cut: the paragraph's last word shows too
            assert "iota." in shown
        assert cursor(screen) == 0 or columns < 60  # the status line keeps the cursor's place
        pane.keys("C-q")
        assert pane.wait_exit() == 0


# -- keys -----------------------------------------------------------------------------------------


@dataclass
class Keys:
    """The app in a pane, with what the key checks read from it."""

    pane: Pane

    def screen(self) -> str:
        return self.pane.screen()

    def press(self, *keys: str) -> None:
        self.pane.keys(*keys)

    def expect(self, condition: Callable[[str], bool], what: str) -> None:
        self.pane.wait_for(condition, what)

    def at(self, offset: int, what: str) -> None:
        self.expect(
            lambda screen: cursor(screen) == offset and selection(screen) is None, f"{what}: the cursor at @{offset}"
        )

    def selected(self, length: int, what: str) -> None:
        self.expect(lambda screen: selection(screen) == length, f"{what}: {length} characters selected")

    def counts(self, what: str, **expected: int) -> None:
        self.expect(lambda screen: all(legend(screen).get(k) == v for k, v in expected.items()), f"{what}: {expected}")

    def escape(self) -> None:
        """Esc alone: a key sent right after it would arrive as alt+key, so wait out
        the terminal driver's escape timeout (Textual waits about 100 ms)."""
        self.press("Escape")
        time.sleep(ESCAPE_PAUSE)

    def home(self) -> None:
        self.escape()
        self.press("C-Home")
        self.at(0, "back to the start")


def after(text: str, word: str, nth: int = 0) -> int:
    position = -1
    for _ in range(nth + 1):
        position = text.index(word, position + 1)
    return position


P1_START = len(P0) + 1


def check_movement(k: Keys) -> set[str]:
    k.home()
    k.press("Right"), k.at(1, "right")
    k.press("Left"), k.at(0, "left")
    k.press("C-Right"), k.at(len("Alpha"), "ctrl+right")
    k.press("C-Left"), k.at(0, "ctrl+left")
    k.press("Down"), k.at(P1_START, "down")
    k.press("Up"), k.at(0, "up")
    k.press("End"), k.at(len(P0), "end")
    k.press("Home"), k.at(0, "home")
    k.press("C-End"), k.at(len(TEXT), "ctrl+end")
    k.press("C-Home"), k.at(0, "ctrl+home")
    k.press("PageDown"), k.expect(lambda s: (cursor(s) or 0) > after(TEXT, "Line 20"), "page down")
    k.press("PageUp"), k.at(0, "page up")
    k.press("C-Down"), k.at(P1_START, "ctrl+down")
    k.press("C-Up"), k.at(0, "ctrl+up")
    k.press("}"), k.at(P1_START, "}")
    k.press("{"), k.at(0, "{")
    k.press(")"), k.at(after(P0, "Delta"), ")")
    k.press("("), k.at(0, "(")
    return {f"move.{name}" for name in (
        "char_right", "char_left", "word_right", "word_left", "row_down", "row_up", "row_end", "row_start",
        "doc_end", "doc_start", "page_down", "page_up", "paragraph_down", "paragraph_up",
        "paragraph_next", "paragraph_prev", "sentence_next", "sentence_prev",
    )}  # fmt: skip


def check_selection(k: Keys) -> set[str]:
    k.home()
    pairs = [
        ("S-Right", "S-Left", 1, "char_right", "char_left"),
        ("C-S-Right", "C-S-Left", len("Alpha"), "word_right", "word_left"),
        ("S-Down", "S-Up", P1_START, "row_down", "row_up"),
        ("S-End", "S-Home", len(P0), "row_end", "row_start"),
        ("C-S-End", "C-S-Home", len(TEXT), "doc_end", "doc_start"),
        ("C-S-Down", "C-S-Up", P1_START, "paragraph_down", "paragraph_up"),
    ]
    checked = set()
    for forward, back, length, name, back_name in pairs:
        k.press(forward), k.selected(length, forward)
        k.press(back), k.at(0, back)  # back where it began: nothing selected
        checked |= {f"select.{name}", f"select.{back_name}"}
    k.press("S-PageDown"), k.expect(lambda s: (selection(s) or 0) > after(TEXT, "Line 20"), "shift+page down")
    k.press("S-PageUp"), k.at(0, "shift+page up")
    k.press("v"), k.expect(lambda s: "mark @0" in status_line(s), "v sets the mark")
    k.press("Right", "Right", "Right"), k.selected(3, "moving from the mark")
    k.escape(), k.expect(lambda s: selection(s) is None and "mark" not in status_line(s), "esc clears")
    k.press("w"), k.selected(len("Alpha"), "w selects the word")
    k.escape()
    k.press("s"), k.selected(len("Alpha beta gamma."), "s selects the sentence")
    k.escape()
    return checked | {
        "select.page_down",
        "select.page_up",
        "select.mark",
        "select.clear",
        "select.word",
        "select.sentence",
    }


def check_tagging(k: Keys) -> set[str]:
    k.home()
    k.press("q"), k.counts("q tags the word", quote=1)  # Alpha
    k.press("C-Right", "Right", "c"), k.counts("c", claim=1)  # beta
    k.press("C-Right", "Right", "h"), k.counts("h", hedge=1)  # gamma
    k.press(")", "n"), k.counts("n", number=1)  # Delta
    k.press("C-Right", "Right", "1"), k.counts("1", quote=2)  # epsilon
    k.press("C-Right", "Right", "2"), k.counts("2", claim=2)  # zeta
    k.press(")", "3"), k.counts("3", hedge=2)  # Eta
    k.press("C-Right", "Right", "4"), k.counts("4", number=2)  # theta
    names = ("quote", "claim", "hedge", "number")
    return {f"tag.{name}" for name in names} | {f"tag.{name}_digit" for name in names}


def check_spans(k: Keys) -> set[str]:
    """Spans from check_tagging: quote Alpha, claim beta, hedge gamma, number Delta,
    quote epsilon, claim zeta, hedge Eta, number theta."""
    k.home()
    k.press("]"), k.at(after(P0, "beta"), "] next span")
    k.press("]"), k.at(after(P0, "gamma"), "] again")
    k.press("["), k.at(after(P0, "beta"), "[ previous span")
    for key, word in (("Q", "epsilon"), ("C", "zeta"), ("H", "Eta"), ("N", "theta")):
        k.press(key), k.at(after(P0, word), f"{key}: the next span of its label")
    k.home()  # the quote on "Alpha"
    k.press("e"), k.expect(lambda s: "Alpha beta" in side_text(s), "e grows the quote's end by a word")
    k.press("E"), k.expect(lambda s: "Alpha beta" not in side_text(s), "E shrinks it back")
    k.press("]")  # the claim on "beta"
    k.press("b"), k.expect(lambda s: "Alpha beta" in side_text(s), "b grows the claim's start")
    k.press("B"), k.expect(lambda s: "Alpha beta" not in side_text(s), "B shrinks it back")
    k.home()
    k.press("C-S-Right", "C-S-Right", "c"), k.counts("a claim over a quote", claim=3)
    (
        k.press("C-Home", "Tab"),
        k.expect(lambda s: "quote: Alpha" in s or "claim: Alpha beta" in s, "tab cycles stacked spans"),
    )
    k.press("r"), k.expect(lambda s: "Relabel" in s, "r opens the relabel dialog")
    k.escape(), k.expect(lambda s: "Relabel" not in s, "esc closes it")
    k.press("Enter"), k.expect(lambda s: "Span details" in s, "enter opens the details")
    k.escape(), k.expect(lambda s: "Span details" not in s, "esc closes them")
    k.home()

    def count_of_spans(screen: str) -> int:
        return sum(legend(screen).values())

    before = count_of_spans(k.screen())
    k.press("d"), k.expect(lambda s: count_of_spans(s) == before - 1, "d deletes the span")
    k.press("C-z"), k.expect(lambda s: count_of_spans(s) == before, "ctrl+z undoes")
    k.press("C-y"), k.expect(lambda s: count_of_spans(s) == before - 1, "ctrl+y redoes")
    k.press("u"), k.expect(lambda s: count_of_spans(s) == before, "u undoes")
    k.press("C-r"), k.expect(lambda s: count_of_spans(s) == before - 1, "ctrl+r redoes")
    k.press("u")
    k.press("DC"), k.expect(lambda s: count_of_spans(s) == before - 1, "delete deletes the span")
    k.press("u"), k.expect(lambda s: count_of_spans(s) == before, "and u brings it back")
    return {
        "span.next", "span.previous", "span.cycle", "span.relabel", "span.details", "span.delete", "span.delete_alt",
        "span.grow_end", "span.shrink_end", "span.grow_start", "span.shrink_start",
        "app.undo", "app.redo", "app.undo_alt", "app.redo_alt",
        *(f"span.next_{name}" for name in ("quote", "claim", "hedge", "number")),
    }  # fmt: skip


def check_app(k: Keys) -> set[str]:
    k.home()
    for key in ("F1", "?"):
        k.press(key), k.expect(lambda s: "Keys" in s and "move.char_left" in s, f"{key} opens the help")
        k.escape(), k.expect(lambda s: "move.char_left" not in s, "esc closes it")
    k.press("C-g"), k.expect(lambda s: "Go to" in s, "ctrl+g asks where to")
    k.pane.type("2")
    k.press("Enter"), k.at(P1_START, "ctrl+g 2: the second line")
    k.press("C-s"), k.expect(lambda s: "Saved." in s or "Nothing to save." in s, "ctrl+s saves")
    k.press("C-d"), k.expect(lambda s: "done 1/2" in status_line(s), "ctrl+d marks the document done")
    k.press(">"), k.expect(lambda s: "A second article" in s and "│ 2/2 │" in status_line(s), "> opens the next")
    k.press("<"), k.expect(lambda s: "Alpha beta" in s and "│ 1/2 │" in status_line(s), "< the previous")
    k.press("F2"), k.expect(lambda s: "─spans" not in s, "f2 hides the side panel")
    k.press("F2"), k.expect(lambda s: "─spans" in s, "f2 shows it")
    return {"app.help", "app.help_alt", "app.goto", "app.save", "app.toggle_done", "app.next_document",
            "app.previous_document", "app.toggle_span_list"}  # fmt: skip


def check_quote_versions(k: Keys) -> set[str]:
    """The quotes of check_tagging have no speaker: `"` says so, and opens no panel."""
    k.home()  # the quote on "Alpha"
    k.press('"'), k.expect(lambda s: "This quote has no speaker" in s, '" on a quote with no speaker')
    return {"quote.versions"}


def check_search(k: Keys) -> set[str]:
    k.home()
    found = [match.start() for match in re.finditer("eta", P0, re.IGNORECASE)]  # beta, zeta, Eta, theta
    k.press("/"), k.expect(lambda s: "ctrl+r regex" in s, "/ opens the search bar")
    k.pane.type("eta")
    k.expect(lambda s: selection(s) == 3 and cursor(s) == found[0] + 3, "typing finds the first match")
    k.press("Enter"), k.expect(lambda s: cursor(s) == found[1] + 3, "enter: the next match")
    k.press("Down"), k.expect(lambda s: cursor(s) == found[2] + 3, "down: the next match")
    k.press("Up"), k.expect(lambda s: cursor(s) == found[1] + 3, "up: the previous match")
    k.press("C-r"), k.expect(lambda s: "re/" in s, "ctrl+r: regular expressions")
    k.escape(), k.expect(lambda s: "ctrl+r regex" not in s and selection(s) == 3, "esc: the match stays selected")
    k.press("C-f"), k.expect(lambda s: "ctrl+r regex" in s, "ctrl+f opens it too")
    k.escape(), k.expect(lambda s: "ctrl+r regex" not in s, "and esc closes it")
    k.escape()
    return {"app.search", "app.search_alt", "search.next", "search.previous", "search.regex", "search.close"}


def check_span_list(k: Keys) -> set[str]:
    k.home()
    first, last = after(P0, "Alpha"), after(P0, "theta")

    def choose(*keys: str, offset: int, what: str) -> None:
        """In the span list, these keys then enter: back in the text, at the span's start."""
        k.press("C-l"), k.expect(lambda s: "back to the text" in s, "ctrl+l focuses the span list")
        k.press(*keys, "Enter")
        k.expect(lambda s: cursor(s) == offset and "back to the text" not in s, what)

    choose("End", offset=last, what="end, enter: the last span")
    choose("Home", offset=first, what="home, enter: the first span")
    choose("Down", offset=first, what="down: the second span (the claim on Alpha beta)")
    choose("Down", "Up", offset=first, what="up")
    choose("PageDown", offset=last, what="page down: the last span")
    choose("PageUp", offset=first, what="page up: the first")
    k.press("C-l", "f"), k.expect(lambda s: "Showing quote spans" in s, "f filters the list")
    k.escape(), k.expect(lambda s: "back to the text" not in s, "esc goes back to the text")
    return {f"span_list.{name}" for name in ("down", "up", "page_down", "page_up", "first", "last", "select",
                                             "filter", "leave")} | {"app.focus_span_list"}  # fmt: skip


def test_every_key_in_the_help_works_as_tmux_sends_it(tmp_path: Path) -> None:
    """Each binding the help screen lists, by its effect on the screen. A binding
    added without a check here fails the test, as does one no terminal sends."""
    # The suggestion keys act only on a document with suggestions (tests/test_terminal_suggestions.py),
    # the re-anchoring keys on one that changed (tests/test_terminal_reanchor.py), and the quote
    # panel's keys on a corpus with quotes to list (tests/test_terminal_quote_versions.py).
    every = {binding.id: binding.key for binding in all_bindings(default_tagset(), review=False, suggest=False)}
    sendable = tmux_key_for()
    unsendable = {name: key for name, key in every.items() if key not in sendable and key not in EXTENDED_ONLY_KEYS}
    assert not unsendable, f"no terminal sends these keys: {unsendable}"
    listed = {
        name: key for name, key in every.items() if name not in REANCHOR_KEYS and not name.startswith(f"{QUOTE_PANEL}.")
    }
    with start(tmp_path) as pane:
        keys = Keys(pane)
        checked = set()
        for check in (
            check_movement,
            check_selection,
            check_tagging,
            check_spans,
            check_quote_versions,
            check_search,
            check_span_list,
            check_app,
        ):
            checked |= check(keys)
        pane.keys("C-q")
        assert pane.wait_exit() == 0
    checked |= {"app.quit", "search.previous_alt"}  # quit just now; shift+enter as `Up` (extended keys only)
    assert set(listed) - checked == set(), "bindings without a check in a real terminal"
