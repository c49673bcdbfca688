"""What a person's terminal shows: run a program in tmux, read its text and its colours.

Tests that start the real app use this module to drive it with keys and to look
at the screen the way a person would. Unit tests of the module itself are in
tests/test_terminal_harness.py and need neither the app nor (except a few) tmux.

Running a program: `Pane`
    ``Pane(command, size=(cols, rows), env={...}, term=..., cwd=...)`` starts
    `command` (a shell string, or an argv list) in a detached session on a
    private tmux server (``tmux -L <unique name> -f /dev/null``), so the user's
    tmux configuration and sessions are never involved. The server is set up
    before the session starts: ``default-terminal`` is `term` (the pane's TERM:
    "xterm-256color" or "tmux-256color"), ``default-shell`` is /bin/sh, and the
    status line is off (the pane is exactly `size`). `env` adds variables to the
    server's environment, which the pane inherits; a value of None removes the
    variable (e.g. ``{"COLORTERM": None}`` for a terminal that does not announce
    truecolor). TMUX, TMUX_PANE, COLUMNS and LINES are always removed (the last two
    would override the size of the pane).

    The pane's shell runs ``( command )``, then ``echo $? > exit_file`` (a
    private temporary file unless `exit_file` is given; `exit_code()` reads it),
    then stays alive as long as the test process does. So the program's last
    screen (a traceback) stays readable after it exits, and none of its output is
    lost: tmux discards what a pane's process wrote if that process has exited
    before tmux read it (tmux/tmux#506; 4 runs in 30 lost output in a probe),
    which is why the shell must outlive the program. A watchdog in the background
    of that shell kills the private server within a second of the test process
    dying and removes its socket and scratch files, so nothing is left behind
    even by a killed test run.
    `run_annotator(*args, cwd=..., exit_file=...)` starts ``python -m annotator
    ARGS`` this way, with TEXTUAL_ANIMATIONS=none, COLORTERM=truecolor and
    PYTHONPATH set to this checkout.

    Reading: `screen()` is the plain text (``capture-pane -p``, `history` lines
    of scrollback on request); `cells()` is the parsed `Grid` (``capture-pane -e
    -p -N``); `capture(*flags)` is the raw capture; `size` is (cols, rows).
    Input: `keys("C-S-Right", "F1")` sends tmux key names, one send-keys call per
    key; `type(text)` sends text literally. tmux reads an argument that ends in
    ";" as a command separator, so such arguments (a key ";", text, the command)
    are sent as "\\;", which tmux reads as a literal ";". Waiting never sleeps a fixed time: `wait_for(predicate or string,
    what)` polls the screen every 50 ms until the predicate holds,
    `wait_stable()` until two captures 50 ms apart are equal (colours included),
    `wait_exit()` until the program has exited. A wait that fails raises
    AssertionError with the screen in the message; it fails early (after a short
    grace) when the program has exited, and then shows its scrollback too, so a
    traceback is in the test report; `report(problem)` builds that message.
    `resize(cols, rows)`, `kill()`; a Pane is a
    context manager that kills its server on exit.

The capture format: `parse_capture(text, width, height) -> Grid`
    ``capture-pane -e`` writes each row's characters with SGR sequences
    (``ESC [ params m``) where the style changes. The style carries over from one
    row to the next (tmux only writes differences), so the parser keeps its state
    across rows. Parameters are separated by ';', subparameters by ':'. Codes:
    0 (or none) reset; 1 bold; 2 dim; 3 italic; 4 underline, with 4:0 none,
    4:1 single, 4:2 double, 4:3 curly, 4:4 dotted, 4:5 dashed; 5 and 6 blink;
    7 reverse; 8 hidden; 9 strike; 21 double underline (as xterm and tmux read
    it: tmux writes it back as 4:2); 22 neither bold nor dim; 23, 24, 25, 27, 28,
    29 end italic, underline, blink, reverse, hidden, strike; 53 overline, 55 not
    overline (tmux 3.3 writes its overline as ``5:3``, read here as overline);
    30-37 and 90-97 foreground, 40-47 and 100-107 background, palette colours
    0-7 and 8-15; 38/48 then 5;N (palette) or 2;R;G;B (truecolor), also with ':'
    (``38:5:N``, ``38:2::R:G:B`` with the empty colour-space id, ``38:2:R:G:B``);
    39 and 49 the terminal's default colours; 58 (underline colour, same forms)
    and 59 are consumed and ignored. Unknown codes are ignored; other escape
    sequences (CSI, OSC such as hyperlinks) are skipped.

    What tmux 3.3a wrote in the probe: truecolor as ``38;2;R;G;B`` and
    ``48;2;R;G;B`` (also when the program wrote the ':' form), palette colours as
    ``38;5;N`` and ``48;5;N`` (also for N < 16 when the program wrote them that
    way), 30-37/90-97/40-47/100-107 as written, resets as ``0`` followed by
    ``39`` and ``49``, 22 as ``0;3`` when italic stays (a reset and what remains),
    curly underline as ``4:3``. Trailing blanks of a row are written only with
    -N; cells no program ever wrote are absent and parse as default blanks.

    Wide characters (CJK, most emoji) take two columns, as in tmux: the cell at
    the first column holds the character and the next column holds a
    continuation cell whose `char` is "". Widths come from rich's cell table,
    which agrees with tmux for CJK and emoji; zero-width characters (combining
    accents, joiners, variation selectors) join the previous cell's `char`.

Cells and colours: `Cell`, `Grid`
    A `Cell` has its `row` and `col`, `char`, `fg` and `bg` as RGB tuples,
    `fg_index`/`bg_index` (the palette index when the colour came from the
    palette, None for truecolor or default), `attrs` (a frozenset of "bold",
    "dim", "italic", "underline", "blink", "reverse", "hidden", "strike",
    "overline") and `underline` (its style: "", "single", "double", "curly",
    "dotted", "dashed"). Palette colours resolve to RGB with xterm's defaults:
    the 16 standard colours (0 #000000 ... 7 #e5e5e5, 8 #7f7f7f ... 15
    #ffffff), the 6x6x6 cube 16-231 with levels 0, 95, 135, 175, 215, 255, and
    the greys 232-255, 8 + 10 * i. A person's terminal may theme colours 0-15;
    xterm's values are an assumption. The terminal's default colours (39, 49 or
    never set) are None: a test cannot know them; callers pass `default_fg` and
    `default_bg` to the contrast functions when they want to assume some.

    A `Grid` has `width`, `height`, `cell(row, col)`, `line(row)` (the row's
    text), `text()`, `region(top, left, bottom, right)` (bottom and right
    exclusive, None for the edge), `row(r, start, end)`, `find(needle)` (the
    (row, col) of the first occurrence, within a row), `find_all(needle)` and
    `cells_of(needle)` (the cells showing the first occurrence).

Contrast: WCAG 2.x
    `luminance(rgb)` is the relative luminance (sRGB channels linearised with
    the 0.04045 threshold; WCAG 2.0's 0.03928 gives the same result for 8-bit
    values), `contrast_ratio(a, b)` is (L1 + 0.05) / (L2 + 0.05), from 1 to 21.
    `effective_colors(cell)` is what a person sees: the defaults substituted,
    then reverse swaps foreground and background, hidden draws the foreground in
    the background colour, and dim draws a fainter foreground, modelled as the
    foreground blended 50% toward the background in sRGB (terminals differ:
    xterm and VTE blend about this much; bold drawn as bright is not modelled).
    `cell_contrast(cell)` is None when a colour is the terminal default and no
    default was given. `text_cells(cells)` keeps the cells that show a
    character (not blanks, not continuations). `min_contrast(cells)` returns a
    `Contrast`: the lowest ratio over the text cells, the worst cell with its
    effective colours, and the text cells whose contrast is unknown;
    ``assert report.meets(4.5), report`` fails with a message naming the cell.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.cells import get_character_cell_size

RGB = tuple[int, int, int]

TMUX = shutil.which("tmux")
REPO = Path(__file__).resolve().parent.parent
TERMS = ("xterm-256color", "tmux-256color")
TIMEOUT = 20.0  # seconds a wait may take: generous, waits end as soon as the screen is right
POLL = 0.05  # seconds between two captures
EXIT_GRACE = 0.5  # seconds a wait goes on after the program exited (its last output may be on its way)
LINGER = 1  # seconds between the watchdog's checks that the test process is alive
SESSION = "main"

# ---------------------------------------------------------------------------------------------------- palette

_STANDARD = (
    "000000 cd0000 00cd00 cdcd00 0000ee cd00cd 00cdcd e5e5e5 7f7f7f ff0000 00ff00 ffff00 5c5cff ff00ff 00ffff ffffff"
)
_LEVELS = (0, 95, 135, 175, 215, 255)


def _hex_rgb(value: str) -> RGB:
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _palette_color(index: int) -> RGB:
    if index < 16:
        return _hex_rgb(_STANDARD.split()[index])
    if index < 232:
        i = index - 16
        return _LEVELS[i // 36], _LEVELS[i // 6 % 6], _LEVELS[i % 6]
    grey = 8 + 10 * (index - 232)
    return grey, grey, grey


PALETTE: tuple[RGB, ...] = tuple(_palette_color(i) for i in range(256))


def xterm_color(index: int) -> RGB:
    """The RGB value of palette colour `index` (0-255) with xterm's defaults."""
    return PALETTE[index]


def hex_color(rgb: RGB | None) -> str:
    """The colour as "#rrggbb", or "default" for the terminal's default colour (None)."""
    return "default" if rgb is None else "#{:02x}{:02x}{:02x}".format(*rgb)


# ---------------------------------------------------------------------------------------------------- cells


@dataclass(frozen=True, slots=True)
class Cell:
    """One column of one row as tmux holds it; `char` is "" for the right half of a wide character."""

    row: int
    col: int
    char: str = " "
    fg: RGB | None = None
    bg: RGB | None = None
    attrs: frozenset[str] = frozenset()
    underline: str = ""
    fg_index: int | None = None
    bg_index: int | None = None

    @property
    def is_text(self) -> bool:
        """Whether the cell shows a character (not a blank, not the right half of a wide character)."""
        return self.char.strip() != ""

    def describe(self) -> str:
        """Position, character, colours and attributes, for assertion messages."""
        attrs = f" [{', '.join(sorted(self.attrs))}]" if self.attrs else ""
        return f"(row {self.row}, col {self.col}) {self.char!r}: fg {hex_color(self.fg)} bg {hex_color(self.bg)}{attrs}"


@dataclass(frozen=True, slots=True)
class Grid:
    """The parsed screen: `rows[r][c]` is the Cell at row r, column c."""

    rows: tuple[tuple[Cell, ...], ...]

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def cell(self, row: int, col: int) -> Cell:
        return self.rows[row][col]

    def line(self, row: int) -> str:
        """The text of one row, full width (wide characters once, blanks as spaces)."""
        return "".join(cell.char for cell in self.rows[row])

    def text(self) -> str:
        """The whole screen as text, each row's trailing blanks removed (like `Pane.screen()`)."""
        return "\n".join(self.line(row).rstrip() for row in range(self.height))

    def region(self, top: int = 0, left: int = 0, bottom: int | None = None, right: int | None = None) -> list[Cell]:
        """The cells of rows top..bottom-1 and columns left..right-1, row by row (None: to the edge)."""
        return [cell for row in self.rows[top:bottom] for cell in row[left:right]]

    def row(self, row: int, start: int = 0, end: int | None = None) -> list[Cell]:
        """The cells of one row, columns start..end-1."""
        return list(self.rows[row][start:end])

    def find_all(self, needle: str) -> list[tuple[int, int]]:
        """The (row, col) of every occurrence of `needle` within a row, top to bottom, left to right."""
        found = []
        for r, cells in enumerate(self.rows):
            text, columns = "", []
            for cell in cells:
                text += cell.char
                columns += [cell.col] * len(cell.char)
            at = text.find(needle)
            while at != -1 and needle:
                found.append((r, columns[at]))
                at = text.find(needle, at + 1)
        return found

    def find(self, needle: str) -> tuple[int, int] | None:
        """The (row, col) of the first occurrence of `needle` within a row, or None."""
        found = self.find_all(needle)
        return found[0] if found else None

    def cells_of(self, needle: str) -> list[Cell]:
        """The cells that show the first occurrence of `needle` (continuation cells included); [] if absent."""
        at = self.find(needle)
        if at is None:
            return []
        row, col = at
        cells, length = [], 0
        for cell in self.rows[row][col:]:
            if length >= len(needle) and cell.char:
                break
            cells.append(cell)
            length += len(cell.char)
        return cells


# ---------------------------------------------------------------------------------------------------- parser

_ESCAPE = re.compile(
    r"\x1b(?:\[(?P<params>[0-?]*)[ -/]*(?P<final>[@-~])"  # CSI: SGR when the final byte is "m"
    r"|\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (hyperlinks), ended by BEL or ST
    r"|[ -/]*[0-~])?"  # any other escape (or a lone ESC)
)
_UNDERLINE_STYLES = {1: "single", 2: "double", 3: "curly", 4: "dotted", 5: "dashed"}
_SIMPLE_ON = {
    1: "bold",
    2: "dim",
    3: "italic",
    5: "blink",
    6: "blink",
    7: "reverse",
    8: "hidden",
    9: "strike",
    53: "overline",
}
_SIMPLE_OFF = {
    22: ("bold", "dim"),
    23: ("italic",),
    25: ("blink",),
    27: ("reverse",),
    28: ("hidden",),
    29: ("strike",),
    55: ("overline",),
}

_Color = tuple[RGB | None, int | None]  # (RGB, palette index)
_DEFAULT: _Color = (None, None)


def _number(text: str) -> int | None:
    if text == "":
        return 0
    return int(text) if text.isdigit() else None


def _palette(index: int | None) -> _Color | None:
    return (PALETTE[index], index) if index is not None and 0 <= index < 256 else None


def _rgb(values: Sequence[str]) -> _Color | None:
    channels = [_number(value) for value in values]
    if len(channels) != 3 or any(c is None or c > 255 for c in channels):
        return None
    return (channels[0], channels[1], channels[2]), None  # type: ignore[return-value]


def _extended_colon(subs: list[str]) -> _Color | None:
    """38:5:N, 38:2:R:G:B, 38:2:ID:R:G:B (ITU T.416, the colour-space id often empty)."""
    mode = _number(subs[0]) if subs else None
    if mode == 5 and len(subs) >= 2:
        return _palette(_number(subs[1]))
    if mode == 2:
        values = subs[1:]
        return _rgb(values[1:4] if len(values) >= 4 else values)
    return None


def _extended_semicolon(groups: list[str], i: int) -> tuple[_Color | None, int]:
    """38;5;N or 38;2;R;G;B starting at groups[i] (the mode); returns the colour and the next index."""
    mode = _number(groups[i]) if i < len(groups) else None
    if mode == 5:
        return (_palette(_number(groups[i + 1])) if i + 1 < len(groups) else None), i + 2
    if mode == 2:
        return _rgb(groups[i + 1 : i + 4]), i + 4
    return None, i + 1


@dataclass(slots=True)
class _Pen:
    fg: _Color = _DEFAULT
    bg: _Color = _DEFAULT
    attrs: frozenset[str] = frozenset()
    underline: str = ""

    def apply(self, params: str) -> None:
        """Apply one SGR sequence's parameters ("1;38;5;21", "4:3", "" for a reset)."""
        groups = params.split(";")
        i = 0
        while i < len(groups):
            parts = groups[i].split(":")
            code, subs = _number(parts[0]), parts[1:]
            i += 1
            if code in (38, 48, 58):
                if subs:
                    color = _extended_colon(subs)
                else:
                    color, i = _extended_semicolon(groups, i)
                if color is not None and code == 38:
                    self.fg = color
                elif color is not None and code == 48:
                    self.bg = color
            elif code is not None:
                self._simple(code, subs)

    def _simple(self, code: int, subs: list[str]) -> None:
        attrs = set(self.attrs)
        if code == 0:
            self.fg, self.bg, attrs, self.underline = _DEFAULT, _DEFAULT, set(), ""
        elif code in (4, 21):
            style = 2 if code == 21 else (_number(subs[0]) if subs else 1)
            self.underline = _UNDERLINE_STYLES.get(style or 0, "")
            (attrs.add if self.underline else attrs.discard)("underline")
        elif code == 24:
            self.underline = ""
            attrs.discard("underline")
        elif code == 5 and subs[:1] == ["3"]:  # tmux 3.3 writes overline (53) as 5:3
            attrs.add("overline")
        elif code in _SIMPLE_ON:
            attrs.add(_SIMPLE_ON[code])
        elif code in _SIMPLE_OFF:
            attrs.difference_update(_SIMPLE_OFF[code])
        elif 30 <= code <= 37 or 90 <= code <= 97:
            self.fg = _palette(code - 30 if code < 90 else code - 82) or _DEFAULT
        elif 40 <= code <= 47 or 100 <= code <= 107:
            self.bg = _palette(code - 40 if code < 100 else code - 92) or _DEFAULT
        elif code == 39:
            self.fg = _DEFAULT
        elif code == 49:
            self.bg = _DEFAULT
        self.attrs = frozenset(attrs)  # 59 (default underline colour) and unknown codes: no change

    def cell(self, row: int, col: int, char: str) -> Cell:
        return Cell(row, col, char, self.fg[0], self.bg[0], self.attrs, self.underline, self.fg[1], self.bg[1])


def _row_cells(line: str, pen: _Pen, row: int) -> list[Cell]:
    cells: list[Cell] = []

    def put(text: str) -> None:
        for char in text:
            width = get_character_cell_size(char)
            if width == 0:
                if cells and unicodedata.category(char) != "Cc":  # combining mark, joiner, variation selector
                    base = next(i for i in range(len(cells) - 1, -1, -1) if cells[i].char)
                    old = cells[base]
                    cells[base] = _with_char(old, old.char + char)
                continue
            cells.append(pen.cell(row, len(cells), char))
            if width == 2:
                cells.append(pen.cell(row, len(cells), ""))

    position = 0
    for match in _ESCAPE.finditer(line):
        put(line[position : match.start()])
        position = match.end()
        params = match.group("params")
        if match.group("final") == "m" and params is not None and not re.search(r"[<=>?]", params):
            pen.apply(params)
    put(line[position:])
    return cells


def _with_char(cell: Cell, char: str) -> Cell:
    return Cell(cell.row, cell.col, char, cell.fg, cell.bg, cell.attrs, cell.underline, cell.fg_index, cell.bg_index)


def parse_capture(text: str, width: int | None = None, height: int | None = None) -> Grid:
    """Parse `capture-pane -e -p` output into a Grid.

    Rows are padded with default blank cells (or cut) to `width` (default: the widest row) and
    the grid to `height` rows (default: the rows given). The style carries across rows, as tmux
    writes it.
    """
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    pen = _Pen()
    rows = [_row_cells(line.rstrip("\r"), pen, r) for r, line in enumerate(lines)]
    if height is not None:
        rows = rows[:height] + [[] for _ in range(height - len(rows))]
    if width is None:
        width = max((len(cells) for cells in rows), default=0)
    grid = []
    for r, cells in enumerate(rows):
        cells = cells[:width]
        if cells and cells[-1].char and get_character_cell_size(cells[-1].char[0]) == 2:
            cells[-1] = _with_char(cells[-1], " ")  # a wide character cut in half by the edge
        grid.append(tuple(cells + [Cell(r, c) for c in range(len(cells), width)]))
    return Grid(tuple(grid))


# ---------------------------------------------------------------------------------------------------- contrast


def luminance(rgb: RGB) -> float:
    """WCAG 2.x relative luminance of an sRGB colour, from 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG 2.x contrast ratio of two colours, from 1 (equal) to 21 (black and white); symmetric."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _blend(a: RGB, b: RGB, amount: float) -> RGB:
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def effective_colors(
    cell: Cell, default_fg: RGB | None = None, default_bg: RGB | None = None
) -> tuple[RGB | None, RGB | None]:
    """The (foreground, background) a person sees: defaults substituted, then reverse, hidden and dim
    (dim: the foreground blended 50% toward the background). None where a colour stays unknown."""
    fg = default_fg if cell.fg is None else cell.fg
    bg = default_bg if cell.bg is None else cell.bg
    if "reverse" in cell.attrs:
        fg, bg = bg, fg
    if "hidden" in cell.attrs:
        fg = bg
    if "dim" in cell.attrs and fg is not None and bg is not None:
        fg = _blend(fg, bg, 0.5)
    return fg, bg


def cell_contrast(cell: Cell, default_fg: RGB | None = None, default_bg: RGB | None = None) -> float | None:
    """The contrast ratio of a cell's effective colours, or None when one of them is unknown."""
    fg, bg = effective_colors(cell, default_fg, default_bg)
    return None if fg is None or bg is None else contrast_ratio(fg, bg)


def text_cells(cells: Iterable[Cell]) -> list[Cell]:
    """The cells that show a character: not blanks, not the right halves of wide characters."""
    return [cell for cell in cells if cell.is_text]


@dataclass(frozen=True)
class Contrast:
    """The result of `min_contrast`: the worst text cell and what is known about the rest."""

    ratio: float | None  # the lowest contrast over the text cells with known colours
    cell: Cell | None  # the cell with that contrast
    fg: RGB | None  # its effective colours
    bg: RGB | None
    count: int  # text cells examined
    unknown: tuple[Cell, ...]  # text cells with a default colour and no default given

    def meets(self, minimum: float) -> bool:
        """Every text cell has a known contrast of at least `minimum` (and there is at least one)."""
        return self.count > 0 and not self.unknown and self.ratio is not None and self.ratio >= minimum - 1e-9

    def __str__(self) -> str:
        if self.count == 0:
            return "no text cells in the region"
        parts = []
        if self.cell is not None and self.ratio is not None:
            parts.append(
                f"minimum contrast {self.ratio:.2f}:1 over {self.count} text cells, at {self.cell.describe()}"
                f", seen as {hex_color(self.fg)} on {hex_color(self.bg)}"
            )
        if self.unknown:
            parts.append(
                f"{len(self.unknown)} text cells show a terminal default colour and no default was given,"
                f" first at {self.unknown[0].describe()}"
            )
        return "; ".join(parts)


def min_contrast(cells: Iterable[Cell], default_fg: RGB | None = None, default_bg: RGB | None = None) -> Contrast:
    """The lowest contrast over the text cells of `cells` (e.g. `grid.region(...)`), with the worst cell."""
    worst: tuple[float, Cell, RGB, RGB] | None = None
    count, unknown = 0, []
    for cell in text_cells(cells):
        count += 1
        fg, bg = effective_colors(cell, default_fg, default_bg)
        if fg is None or bg is None:
            unknown.append(cell)
            continue
        ratio = contrast_ratio(fg, bg)
        if worst is None or ratio < worst[0]:
            worst = (ratio, cell, fg, bg)
    if worst is None:
        return Contrast(None, None, None, None, count, tuple(unknown))
    return Contrast(worst[0], worst[1], worst[2], worst[3], count, tuple(unknown))


# ---------------------------------------------------------------------------------------------------- tmux


def _arg(text: str) -> str:
    """`text` as one tmux argument: tmux reads an argument ending in ";" as a command separator."""
    return text[:-1] + "\\;" if text.endswith(";") else text


LEFT_OUT_ENV = ("TMUX", "TMUX_PANE", "COLUMNS", "LINES")


class Pane:
    """A program in a detached tmux session on a private server; see the module docstring."""

    def __init__(
        self,
        command: str | Sequence[str],
        *,
        size: tuple[int, int] = (80, 24),
        env: Mapping[str, str | None] | None = None,
        term: str = "xterm-256color",
        cwd: str | Path | None = None,
        exit_file: str | Path | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        if TMUX is None:
            raise RuntimeError("tmux is not installed")
        if term not in TERMS:
            raise ValueError(f"term must be one of {TERMS}, not {term!r}")
        self.server = f"annotator-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.timeout = timeout
        self.term = term
        self.command = command if isinstance(command, str) else shlex.join(command)
        self._scratch = None if exit_file is not None else Path(tempfile.mkdtemp(prefix="pane-"))
        self.exit_file = Path(exit_file) if exit_file is not None else self._scratch / "exit-code"
        self.exit_file.unlink(missing_ok=True)  # a code left from an earlier run is not this program's
        self.socket: Path | None = None
        self._killed = False
        tmux = shlex.join([TMUX, "-L", self.server, "-f", "/dev/null"])
        # Once the test process is gone: remove the scratch files, then outlive the hangup that kill-server
        # sends to the pane's processes (this one too) to remove the socket that tmux leaves behind.
        scratch = f"rm -rf {shlex.quote(str(self._scratch))}; " if self._scratch is not None else ""
        kill_server = (
            f"{scratch}trap '' HUP; socket=$({tmux} display-message -p '#{{socket_path}}');"
            f' {tmux} kill-server; rm -f "$socket"'
        )
        script = (  # a watchdog, the command, its exit code, then linger until the watchdog ends
            f"( while kill -0 {os.getpid()} 2>/dev/null; do sleep {LINGER}; done; {kill_server} ) >/dev/null 2>&1 &\n"
            f"(\n{self.command}\n)\n"
            f"echo $? > {shlex.quote(str(self.exit_file))}\n"
            "wait\n"
        )

        # COLUMNS and LINES (pytest-xdist's workers have them) would override the pane's real size.
        server_env = {name: value for name, value in os.environ.items() if name not in LEFT_OUT_ENV}
        for name, value in (env or {}).items():
            if value is None:
                server_env.pop(name, None)
            else:
                server_env[name] = value
        cols, rows = size
        args = ["start-server"]
        for option, value in (("default-terminal", term), ("default-shell", "/bin/sh"), ("status", "off")):
            args += [";", "set-option", "-g", option, value]
        args += [";", "new-session", "-d", "-s", SESSION, "-x", str(cols), "-y", str(rows)]
        args += ["-c", _arg(str(cwd if cwd is not None else os.getcwd())), _arg(script)]
        started = self.tmux(*args, check=False, env=server_env)
        if started.returncode != 0:
            self.kill()
            raise RuntimeError(f"tmux could not start {self.command!r}: {started.stderr.strip()}")
        found = self._display("#{socket_path}")
        self.socket = Path(found) if found else None

    def __repr__(self) -> str:
        return f"Pane({self.command!r}, server={self.server!r})"

    def __enter__(self) -> Pane:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()

    # -------------------------------------------------------------------------------- tmux commands

    def tmux(self, *args: str, check: bool = True, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
        """Run one tmux command (or a ';'-separated sequence) against this pane's server."""
        assert TMUX is not None
        return subprocess.run(
            [TMUX, "-L", self.server, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=check,
            timeout=10,
            env=env,
        )

    def _display(self, fmt: str) -> str:
        result = self.tmux("display-message", "-p", "-t", SESSION, fmt, check=False)
        return result.stdout.strip() if result.returncode == 0 else ""

    def capture(self, *flags: str) -> str:
        """`capture-pane -p FLAGS`; "" when tmux fails (the server is gone)."""
        result = self.tmux("capture-pane", "-p", "-t", SESSION, *flags, check=False)
        return result.stdout if result.returncode == 0 else ""

    # -------------------------------------------------------------------------------- reading

    @property
    def size(self) -> tuple[int, int]:
        """(columns, rows) of the pane now."""
        cols, _, rows = self._display("#{pane_width} #{pane_height}").partition(" ")
        return int(cols), int(rows)

    def screen(self, history: int = 0) -> str:
        """The screen as plain text (`capture-pane -p`), with `history` lines of scrollback above it."""
        return self.capture(*(("-S", str(-history)) if history else ()))

    def cells(self) -> Grid:
        """The screen as a Grid of cells with their colours and attributes (`capture-pane -e -p -N`)."""
        cols, rows = self.size
        return parse_capture(self.capture("-e", "-N"), cols, rows)

    def exit_code(self) -> int | None:
        """The program's exit code once it has exited (the shell's `$?`, written to `exit_file`), or None."""
        try:
            written = self.exit_file.read_text()
        except FileNotFoundError:
            return None
        return int(written) if written.endswith("\n") else None  # "" until echo has written "N\n"

    # -------------------------------------------------------------------------------- input

    def keys(self, *names: str) -> None:
        """Press keys by tmux name ("q", "Enter", "Escape", "C-S-Right", "F1", "S-Down"), one send-keys call each."""
        for name in names:
            self.tmux("send-keys", "-t", SESSION, _arg(name))

    def type(self, text: str) -> None:
        """Type `text` literally (`send-keys -l`)."""
        if text:
            self.tmux("send-keys", "-t", SESSION, "-l", "--", _arg(text))

    def resize(self, cols: int, rows: int) -> None:
        """Resize the pane (the program gets SIGWINCH)."""
        self.tmux("resize-window", "-t", SESSION, "-x", str(cols), "-y", str(rows))

    # -------------------------------------------------------------------------------- waiting

    def wait_for(
        self, predicate: Callable[[str], bool] | str, what: str | None = None, timeout: float | None = None
    ) -> str:
        """Poll the screen until `predicate(screen)` holds (or, for a string, until it is shown); return the screen.

        Raises AssertionError showing the screen after `timeout` seconds, or soon after the program exits.
        """
        if isinstance(predicate, str):
            needle = predicate
            what = what or repr(needle)
            predicate = lambda screen: needle in screen  # noqa: E731
        what = what or "the screen"
        start = time.monotonic()
        deadline = start + (self.timeout if timeout is None else timeout)
        exited_at: float | None = None
        while True:
            shown = self.screen()
            if predicate(shown):
                return shown
            now = time.monotonic()
            if exited_at is None and self.exit_code() is not None:
                exited_at = now
            if now > deadline or (exited_at is not None and now - exited_at > EXIT_GRACE):
                raise AssertionError(self.report(f"waited {now - start:.1f}s for {what} in vain"))
            time.sleep(POLL)

    def wait_stable(self, interval: float = POLL, timeout: float | None = None) -> str:
        """Wait until two captures `interval` seconds apart are equal, colours included; return the screen."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        previous = self.capture("-e", "-N")
        while True:
            time.sleep(interval)
            current = self.capture("-e", "-N")
            if current == previous:
                return self.screen()
            if time.monotonic() > deadline:
                raise AssertionError(self.report("the screen did not settle"))
            previous = current

    def wait_exit(self, timeout: float | None = None) -> int:
        """Wait until the program has exited; return its exit code."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while (code := self.exit_code()) is None:
            if time.monotonic() > deadline:
                raise AssertionError(self.report("the program did not exit"))
            time.sleep(POLL)
        return code

    def report(self, problem: str) -> str:
        """`problem`, the program's exit code if it has exited, and the screen (with scrollback once it has)."""
        code = self.exit_code()
        if code is None:
            shown, where = self.screen(), "the screen shows"
        else:
            problem += f"; the program exited with code {code}"
            shown, where = self.screen(history=200), "the pane shows, scrollback included"
        lines = shown.rstrip("\n").split("\n") if shown.strip() else ["(nothing: blank, or tmux is gone)"]
        rule = "-" * 40
        return f"{problem}; {where}:\n{rule}\n" + "\n".join(lines) + f"\n{rule}"

    def kill(self) -> None:
        """Kill the tmux server (and with it the program), remove its socket and scratch files; safe to call twice."""
        if self._killed:
            return
        self._killed = True
        self.tmux("kill-server", check=False)
        if self.socket is not None and self.socket.name == self.server:
            self.socket.unlink(missing_ok=True)
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


def run_annotator(
    *args: str,
    cwd: str | Path,
    exit_file: str | Path,
    size: tuple[int, int] = (120, 40),
    env: Mapping[str, str | None] | None = None,
    term: str = "xterm-256color",
    timeout: float = TIMEOUT,
) -> Pane:
    """A Pane running `python -m annotator ARGS` from this checkout; its exit code goes to `exit_file`.

    Textual draws on stderr, so neither stream is redirected; a traceback stays on the pane's screen.
    """
    environment: dict[str, str | None] = {
        "TEXTUAL_ANIMATIONS": "none",
        "COLORTERM": "truecolor",
        "PYTHONPATH": str(REPO),
        "PYTHONIOENCODING": "utf-8",
    }
    environment.update(env or {})
    command = [sys.executable, "-m", "annotator", *args]
    return Pane(command, size=size, env=environment, term=term, cwd=cwd, exit_file=exit_file, timeout=timeout)


def run_validate(root: str | Path) -> subprocess.CompletedProcess[str]:
    """`python -m annotator validate` in `root`, from this checkout: what a person runs after saving."""
    return subprocess.run(
        [sys.executable, "-m", "annotator", "validate"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
