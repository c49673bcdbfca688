"""The terminal harness (tests/terminal.py): the SGR parser, the palette, WCAG contrast, and Pane.

Everything but the Pane tests is pure and fast. The Pane tests start `sh` (never the app) in tmux,
and are skipped when tmux is not installed; one of them checks the parser against what tmux itself
writes for known sequences.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from terminal import (
    PALETTE,
    Cell,
    Pane,
    cell_contrast,
    contrast_ratio,
    effective_colors,
    hex_color,
    luminance,
    min_contrast,
    parse_capture,
    text_cells,
    xterm_color,
)

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

WHITE, BLACK, RED, BLUE = (255, 255, 255), (0, 0, 0), (255, 0, 0), (0, 0, 255)


def first(sgr: str) -> Cell:
    """The first cell of "ESC [ sgr m X"."""
    return parse_capture(f"\x1b[{sgr}mX").cell(0, 0)


# ---------------------------------------------------------------------------------------------------- palette


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, "#000000"),
        (1, "#cd0000"),
        (7, "#e5e5e5"),
        (8, "#7f7f7f"),
        (12, "#5c5cff"),
        (15, "#ffffff"),
        (16, "#000000"),
        (21, "#0000ff"),
        (67, "#5f87af"),
        (196, "#ff0000"),
        (231, "#ffffff"),
        (232, "#080808"),
        (233, "#121212"),
        (255, "#eeeeee"),
    ],
)
def test_palette_has_xterm_values(index: int, expected: str) -> None:
    assert hex_color(xterm_color(index)) == expected


def test_palette_has_256_colours_and_hex_names_the_default() -> None:
    assert len(PALETTE) == 256 and len(set(PALETTE[16:232])) == 216
    assert hex_color(None) == "default"


# ---------------------------------------------------------------------------------------------------- SGR


@pytest.mark.parametrize(
    ("sgr", "attrs", "underline"),
    [
        ("1", {"bold"}, ""),
        ("2", {"dim"}, ""),
        ("3", {"italic"}, ""),
        ("4", {"underline"}, "single"),
        ("4:1", {"underline"}, "single"),
        ("4:2", {"underline"}, "double"),
        ("4:3", {"underline"}, "curly"),
        ("4:4", {"underline"}, "dotted"),
        ("4:5", {"underline"}, "dashed"),
        ("21", {"underline"}, "double"),  # xterm and tmux: double underline (tmux writes it back as 4:2)
        ("5", {"blink"}, ""),
        ("6", {"blink"}, ""),
        ("7", {"reverse"}, ""),
        ("8", {"hidden"}, ""),
        ("9", {"strike"}, ""),
        ("53", {"overline"}, ""),
        ("5:3", {"overline"}, ""),  # how tmux 3.3 writes overline
        ("1;2;3;9", {"bold", "dim", "italic", "strike"}, ""),
    ],
)
def test_sgr_attributes(sgr: str, attrs: set[str], underline: str) -> None:
    cell = first(sgr)
    assert cell.attrs == attrs and cell.underline == underline
    assert cell.fg is None and cell.bg is None


@pytest.mark.parametrize("code", range(30, 38))
def test_sgr_standard_foreground(code: int) -> None:
    cell = first(str(code))
    assert (cell.fg, cell.fg_index, cell.bg) == (xterm_color(code - 30), code - 30, None)


@pytest.mark.parametrize("code", range(90, 98))
def test_sgr_bright_foreground(code: int) -> None:
    cell = first(str(code))
    assert (cell.fg, cell.fg_index, cell.bg) == (xterm_color(code - 82), code - 82, None)


@pytest.mark.parametrize("code", range(40, 48))
def test_sgr_standard_background(code: int) -> None:
    cell = first(str(code))
    assert (cell.bg, cell.bg_index, cell.fg) == (xterm_color(code - 40), code - 40, None)


@pytest.mark.parametrize("code", range(100, 108))
def test_sgr_bright_background(code: int) -> None:
    cell = first(str(code))
    assert (cell.bg, cell.bg_index, cell.fg) == (xterm_color(code - 92), code - 92, None)


@pytest.mark.parametrize(
    ("sgr", "fg", "fg_index", "bg", "bg_index"),
    [
        ("38;5;196", (255, 0, 0), 196, None, None),
        ("38:5:196", (255, 0, 0), 196, None, None),
        ("38;5;3", (205, 205, 0), 3, None, None),
        ("48;5;21", None, None, (0, 0, 255), 21),
        ("48:5:21", None, None, (0, 0, 255), 21),
        ("38;2;1;2;3", (1, 2, 3), None, None, None),
        ("38:2::1:2:3", (1, 2, 3), None, None, None),  # ITU T.416 with an empty colour-space id
        ("38:2:0:1:2:3", (1, 2, 3), None, None, None),  # ... with a colour-space id
        ("38:2:1:2:3", (1, 2, 3), None, None, None),  # ... without one (as many programs write it)
        ("48;2;250;128;0", None, None, (250, 128, 0), None),
        ("48:2::250:128:0", None, None, (250, 128, 0), None),
        ("38;5;232;48;2;9;8;7", (8, 8, 8), 232, (9, 8, 7), None),
        ("31;38;2;1;2;3", (1, 2, 3), None, None, None),  # the last one wins
    ],
)
def test_sgr_extended_colours(
    sgr: str, fg: tuple | None, fg_index: int | None, bg: tuple | None, bg_index: int | None
) -> None:
    cell = first(sgr)
    assert (cell.fg, cell.fg_index, cell.bg, cell.bg_index) == (fg, fg_index, bg, bg_index)
    assert cell.attrs == frozenset()


EVERYTHING = "1;2;3;4;5;7;8;9;53;38;5;1;48;5;2"


@pytest.mark.parametrize(
    ("reset", "gone"),
    [
        ("0", {"bold", "dim", "italic", "underline", "blink", "reverse", "hidden", "strike", "overline", "fg", "bg"}),
        ("", {"bold", "dim", "italic", "underline", "blink", "reverse", "hidden", "strike", "overline", "fg", "bg"}),
        ("22", {"bold", "dim"}),
        ("23", {"italic"}),
        ("24", {"underline"}),
        ("4:0", {"underline"}),
        ("25", {"blink"}),
        ("27", {"reverse"}),
        ("28", {"hidden"}),
        ("29", {"strike"}),
        ("55", {"overline"}),
        ("39", {"fg"}),
        ("49", {"bg"}),
        ("59", set()),  # the default underline colour: consumed, nothing else changes
    ],
)
def test_sgr_resets_remove_exactly_their_part(reset: str, gone: set[str]) -> None:
    grid = parse_capture(f"\x1b[{EVERYTHING}mA\x1b[{reset}mB")
    before, after = grid.cell(0, 0), grid.cell(0, 1)
    state = {"fg": after.fg is not None, "bg": after.bg is not None} | {
        name: name in after.attrs for name in before.attrs
    }
    assert {name for name, present in state.items() if not present} == gone
    assert (after.underline == "") == ("underline" in gone)
    assert before.fg == xterm_color(1) and before.bg == xterm_color(2) and len(before.attrs) == 9


@pytest.mark.parametrize("sgr", ["58;2;1;2;3;1", "58;5;9;1", "58:2::1:2:3;1", "58:5:9;1", "59;1"])
def test_sgr_underline_colour_is_consumed(sgr: str) -> None:
    cell = first(sgr)
    assert cell.attrs == {"bold"} and cell.fg is None and cell.bg is None


@pytest.mark.parametrize("sgr", ["38;5", "38;2;1;2", "38;5;300", "38;2;1;2;999", "38;7;1", "38", "38:2", "48:5"])
def test_sgr_malformed_never_raises(sgr: str) -> None:
    cell = first(sgr)
    assert cell.char == "X" and cell.fg is None and cell.bg is None


def test_sgr_combination_and_the_style_carries_over_rows() -> None:
    grid = parse_capture("\x1b[1;3;4:3;38;5;196;48;2;1;2;3mAB\nC\x1b[0;3mD\n\x1b[39mE")
    a, c, d, e = grid.cell(0, 0), grid.cell(1, 0), grid.cell(1, 1), grid.cell(2, 0)
    assert a.attrs == {"bold", "italic", "underline"} and a.underline == "curly"
    assert (a.fg, a.fg_index, a.bg, a.bg_index) == ((255, 0, 0), 196, (1, 2, 3), None)
    assert c == Cell(1, 0, "C", a.fg, a.bg, a.attrs, a.underline, a.fg_index, a.bg_index)
    assert d.attrs == {"italic"} and d.fg is None and d.bg is None
    assert e.attrs == {"italic"}


def test_other_escape_sequences_are_skipped() -> None:
    text = "\x1b[?25l\x1b]8;;https://example.org\x1b\\li\x1b]8;;\x07nk\x1b[K\x1b(B!\x1b[31m?"
    grid = parse_capture(text)
    assert grid.line(0) == "link!?"
    assert grid.cell(0, 5).fg == xterm_color(1) and grid.cell(0, 4).fg is None


def test_wide_characters_take_two_columns() -> None:
    grid = parse_capture("漢字😀e\x1b[32m|\nab", width=10, height=3)
    assert [cell.char for cell in grid.row(0)] == ["漢", "", "字", "", "😀", "", "e", "|", " ", " "]
    assert grid.find("e") == (0, 6) and grid.find("😀") == (0, 4) and grid.find("字😀") == (0, 2)
    assert grid.line(0) == "漢字😀e|  " and grid.cell(0, 7).fg == xterm_color(2)
    assert [cell.is_text for cell in grid.row(0, 0, 3)] == [True, False, True]
    assert (grid.width, grid.height) == (10, 3) and grid.text() == "漢字😀e|\nab\n"


def test_combining_characters_join_their_base_and_a_cut_wide_character_is_blank() -> None:
    grid = parse_capture("e\u0301x\U0001f44d\ufe0f\nabc漢", width=4)
    assert [cell.char for cell in grid.row(0)] == ["e\u0301", "x", "\U0001f44d\ufe0f", ""]
    assert [cell.char for cell in grid.row(1)] == ["a", "b", "c", " "]
    assert grid.find("x") == (0, 1)


def test_grid_regions_and_search() -> None:
    grid = parse_capture("hello world\n  \x1b[1mworld\x1b[0m  wide 漢x\n")
    assert [cell.char for cell in grid.region(0, 6, 2, 11)] == list("world") + list("d  wi")
    assert [cell.char for cell in grid.row(1, 2, 7)] == list("world")
    assert [cell.char for cell in text_cells(grid.row(1))] == [*"world", *"wide", "漢", "x"]
    assert grid.find_all("world") == [(0, 6), (1, 2)] and grid.find("nowhere") is None and grid.find_all("") == []
    assert [cell.col for cell in grid.cells_of("漢x")] == [14, 15, 16]
    assert all("bold" in cell.attrs for cell in grid.region(1, 2, 2, 7))
    assert grid.cells_of("absent") == []


# ---------------------------------------------------------------------------------------------------- contrast


def test_wcag_luminance_and_contrast() -> None:
    assert luminance(WHITE) == pytest.approx(1) and luminance(BLACK) == 0
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21) == contrast_ratio(WHITE, BLACK)
    assert contrast_ratio(RED, RED) == 1 and contrast_ratio((17, 34, 51), (17, 34, 51)) == 1
    # Known pairs (WebAIM): #767676 is the lightest grey on white that passes AA (4.54), #777777 fails (4.48).
    assert round(contrast_ratio((0x76, 0x76, 0x76), WHITE), 2) == 4.54
    assert round(contrast_ratio((0x77, 0x77, 0x77), WHITE), 2) == 4.48
    assert round(contrast_ratio(BLUE, WHITE), 2) == 8.59


def test_effective_colours_reverse_dim_hidden_and_defaults() -> None:
    plain = Cell(0, 0, "x", RED, BLUE)
    assert effective_colors(plain) == (RED, BLUE)
    assert effective_colors(Cell(0, 0, "x", RED, BLUE, frozenset({"reverse"}))) == (BLUE, RED)
    # Dim: the foreground halfway toward the background.
    assert effective_colors(Cell(0, 0, "x", WHITE, BLACK, frozenset({"dim"}))) == ((128, 128, 128), BLACK)
    # Reverse first, then dim the colour drawn as foreground.
    assert effective_colors(Cell(0, 0, "x", RED, WHITE, frozenset({"dim", "reverse"}))) == ((255, 128, 128), RED)
    assert cell_contrast(Cell(0, 0, "x", WHITE, BLACK, frozenset({"hidden"}))) == 1
    # The terminal's default colours are unknown unless the caller supplies them.
    default = Cell(0, 0, "x")
    assert effective_colors(default) == (None, None) and cell_contrast(default) is None
    assert cell_contrast(Cell(0, 0, "x", WHITE)) is None
    assert cell_contrast(default, default_fg=WHITE, default_bg=BLACK) == pytest.approx(21)
    reversed_default = Cell(0, 0, "x", attrs=frozenset({"reverse"}))
    assert effective_colors(reversed_default, default_fg=WHITE, default_bg=BLUE) == (BLUE, WHITE)


def test_dim_lowers_contrast_as_parsed() -> None:
    grid = parse_capture("\x1b[38;2;255;255;255;48;2;0;0;0mA\x1b[2mB\x1b[22;7mC")
    assert cell_contrast(grid.cell(0, 0)) == pytest.approx(21)
    assert round(cell_contrast(grid.cell(0, 1)), 2) == round(contrast_ratio((128, 128, 128), BLACK), 2) == 5.32
    assert effective_colors(grid.cell(0, 2)) == (BLACK, WHITE)


def test_min_contrast_names_the_worst_cell() -> None:
    grid = parse_capture(
        "\x1b[38;2;255;255;255;48;2;0;0;0mgood \x1b[38;2;119;119;119;48;2;255;255;255mbad\x1b[0m\n"
        "\x1b[38;2;255;255;255;48;2;0;0;0m  \x1b[2mdim\n"
    )
    report = min_contrast(grid.region(0, 0, 1))
    assert report.count == 7 and report.unknown == ()
    assert round(report.ratio, 2) == 4.48 and (report.cell.row, report.cell.col, report.cell.char) == (0, 5, "b")
    assert (report.fg, report.bg) == ((119, 119, 119), WHITE)
    assert not report.meets(4.5) and report.meets(4.4)
    message = str(report)
    assert "4.48:1" in message and "(row 0, col 5) 'b'" in message and "#777777 on #ffffff" in message
    dim = min_contrast(grid.row(1))
    assert dim.cell.char == "d" and "dim" in str(dim) and dim.fg == (128, 128, 128)


def test_min_contrast_with_unknown_colours_or_no_text() -> None:
    grid = parse_capture("plain \x1b[38;2;0;0;0;48;2;255;255;255mset")
    report = min_contrast(grid.region())
    assert report.count == 8 and len(report.unknown) == 5 and report.cell.char == "s"
    assert not report.meets(1) and "no default was given" in str(report) and "(row 0, col 0) 'p'" in str(report)
    assumed = min_contrast(grid.region(), default_fg=(0xE5, 0xE5, 0xE5), default_bg=BLACK)
    assert assumed.meets(4.5) and assumed.unknown == ()
    empty = min_contrast(grid.region(0, 5, 1, 6))
    assert empty.count == 0 and not empty.meets(1) and str(empty) == "no text cells in the region"


# ---------------------------------------------------------------------------------------------------- tmux

PROBE = r"""printf '\033[1mB\033[0m \033[2mD\033[0m \033[3mI\033[0m \033[4mU\033[0m \033[4:3mC\033[0m \033[5mK\033[0m \033[7mR\033[0m \033[9mS\033[0m \033[53mO\033[0m\n'
printf '\033[31ma\033[91mb\033[42mc\033[102md\033[0m\n'
printf '\033[38;5;21mx\033[48;5;196my\033[0m \033[38;5;3mz\033[0m\n'
printf '\033[38;2;10;20;30mt\033[48;2;200;100;50mu\033[0m\n'
printf '\033[38:2::10:20:30mt\033[48:5:100mu\033[0m\n'
printf '\033[58;2;1;2;3m\033[4mL\033[59m\033[0m 漢字😀e\n'
printf '\033[1;2;3mX\033[22mY\033[23mZ\033[0m\n'
printf '\033[38;2;255;0;0m\033[7mrev\033[27mno\033[39md\033[0m\n'
printf '\033[44m%s\033[0m\n' '    '
printf 'END'
"""


@needs_tmux
def test_parser_reads_what_tmux_writes(tmp_path: Path) -> None:
    script = tmp_path / "probe.sh"
    script.write_text(PROBE, encoding="utf-8")
    with Pane(["sh", str(script)], size=(40, 12), env={"LC_ALL": "C.UTF-8"}) as pane:
        pane.wait_for("END", "the probe's output")
        raw = pane.capture("-e", "-N")
        grid = pane.cells()
    assert (grid.width, grid.height) == (40, 12)
    assert "38;2;10;20;30" in raw and "38;5;21" in raw  # tmux keeps truecolor and palette colours as written

    def at(row: int, col: int) -> tuple:
        cell = grid.cell(row, col)
        return cell.char, cell.fg, cell.bg, set(cell.attrs), cell.underline

    assert grid.line(0).rstrip() == "B D I U C K R S O"
    assert [at(0, col)[3] for col in range(0, 17, 2)] == [
        {"bold"},
        {"dim"},
        {"italic"},
        {"underline"},
        {"underline"},
        {"blink"},
        {"reverse"},
        {"strike"},
        {"overline"},
    ]
    assert at(0, 8)[4] == "curly" and at(0, 1) == (" ", None, None, set(), "")
    assert [at(1, col)[1:3] for col in range(4)] == [
        ((205, 0, 0), None),
        ((255, 0, 0), None),
        ((255, 0, 0), (0, 205, 0)),
        ((255, 0, 0), (0, 255, 0)),
    ]
    assert at(2, 0)[1:3] == ((0, 0, 255), None) and at(2, 1)[1:3] == ((0, 0, 255), (255, 0, 0))
    assert grid.cell(2, 3).fg_index == 3 and grid.cell(2, 3).bg is None
    assert at(3, 0)[1:3] == ((10, 20, 30), None) and at(3, 1)[1:3] == ((10, 20, 30), (200, 100, 50))
    assert at(4, 0)[1:3] == ((10, 20, 30), None) and at(4, 1)[1:3] == ((10, 20, 30), xterm_color(100))
    assert at(5, 0) == ("L", None, None, {"underline"}, "single")
    assert grid.find("e") == (5, 8) and grid.find("漢") == (5, 2) and grid.find("😀") == (5, 6)
    assert [at(6, col)[3] for col in range(3)] == [{"bold", "dim", "italic"}, {"italic"}, set()]
    assert [at(7, col)[1:4] for col in (0, 3, 5)] == [
        ((255, 0, 0), None, {"reverse"}),
        ((255, 0, 0), None, set()),
        (None, None, set()),
    ]
    assert [at(8, col)[2] for col in range(4)] == [xterm_color(4)] * 4 and at(8, 4)[2] is None


@needs_tmux
@pytest.mark.parametrize(("term", "colorterm"), [("xterm-256color", "truecolor"), ("tmux-256color", None)])
def test_pane_environment_term_size_and_cwd(tmp_path: Path, term: str, colorterm: str | None) -> None:
    command = 'echo "TERM=$TERM CT=${COLORTERM-unset} X=$HARNESS_PROBE"; pwd; stty size; read line; stty size'
    env = {"COLORTERM": colorterm, "HARNESS_PROBE": "yes", "TEXTUAL_ANIMATIONS": "none"}
    with Pane(command, size=(50, 7), env=env, term=term, cwd=tmp_path) as pane:
        screen = pane.wait_for("7 50", "the size")
        assert f"TERM={term} CT={colorterm or 'unset'} X=yes\n" in screen
        assert (
            pane.cells().text().replace("\n", "").startswith(f"TERM={term} CT={colorterm or 'unset'} X=yes{tmp_path}")
        )
        assert pane.size == (50, 7) and (pane.cells().width, pane.cells().height) == (50, 7)
        pane.resize(60, 9)
        pane.keys("Enter")
        pane.wait_for("9 60", "the new size")
        assert pane.size == (60, 9)
        assert pane.wait_exit() == 0
        socket = pane.socket
    assert socket is not None and not socket.exists()


@needs_tmux
def test_pane_keys_and_literal_text() -> None:
    with Pane("cat -v;", size=(40, 5)) as pane:  # a trailing ";" is an argument, not tmux's command separator
        pane.type("-x hi ;")
        pane.keys(";", "a")
        pane.type("\\;")
        pane.keys("C-S-Right", "Enter")
        pane.wait_for(lambda screen: screen.count("-x hi ;;a\\;^[[1;6C") == 2, "the echo and cat's copy")


@needs_tmux
def test_a_failed_wait_shows_the_screen() -> None:
    with Pane("echo 'what the screen shows'; sleep 30", size=(40, 5)) as pane:
        pane.wait_for("what the screen")
        with pytest.raises(AssertionError) as failure:
            pane.wait_for("absent", "the absent text", timeout=0.3)
    message = str(failure.value)
    assert "for the absent text in vain" in message and "what the screen shows" in message
    assert "exited" not in message


@needs_tmux
def test_a_dead_program_fails_a_wait_at_once_with_its_traceback(tmp_path: Path) -> None:
    command = "echo 'Traceback (most recent call last):'; echo 'ValueError: boom' >&2; exit 3"
    with Pane(command, size=(40, 5)) as pane:
        started = time.monotonic()
        with pytest.raises(AssertionError) as failure:
            pane.wait_for("the app's first paint")
        assert time.monotonic() - started < 5  # not the 20 s timeout
        assert pane.exit_code() == 3 == pane.wait_exit()
    message = str(failure.value)
    assert "exited with code 3" in message and "ValueError: boom" in message and "Traceback" in message


@needs_tmux
def test_no_output_is_lost_when_the_program_exits_at_once() -> None:
    # tmux drops what a pane's process wrote if the process is gone before tmux read it (tmux/tmux#506):
    # without the lingering shell, about one run in eight here lost some or all of these lines.
    for _ in range(8):
        with Pane("echo 'Traceback (most recent call last):'; echo 'ValueError: boom' >&2; exit 3") as pane:
            assert pane.wait_exit() == 3
            assert "Traceback" in pane.screen() and "ValueError: boom" in pane.screen()


@needs_tmux
def test_the_exit_file_and_waiting_for_a_stable_screen(tmp_path: Path) -> None:
    exit_file = tmp_path / "exit-code"
    exit_file.write_text("0\n")  # left from an earlier run
    with Pane(["sh", "-c", "echo one; exit 7"], exit_file=exit_file) as pane:
        assert pane.wait_exit() == 7 and exit_file.read_text().strip() == "7"
        assert pane.wait_stable().startswith("one")
    with Pane("exit 5") as pane:  # no exit_file: a private one, removed with the pane
        assert pane.wait_exit() == 5
        scratch = pane.exit_file.parent
    assert not scratch.exists()
    with Pane("i=0; while :; do i=$((i+1)); echo $i; sleep 0.01; done") as pane:
        with pytest.raises(AssertionError, match="did not settle"):
            pane.wait_stable(timeout=0.5)
