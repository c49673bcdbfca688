"""A widget's rendered rows as terminal cells, for contrast checks in Pilot tests.

The same `Cell` and `min_contrast` as the tmux tests use (tests/terminal.py),
built from the Strips a widget hands the compositor instead of from what tmux
shows: cheap enough for the Pilot suite, and it sees the colours a style
resolved too early would paint.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from terminal import Cell, Contrast, min_contrast
from textual.geometry import Region
from textual.widget import Widget

ATTRIBUTES = ("bold", "dim", "italic", "underline", "reverse", "strike")


def _rgb(color) -> tuple[int, int, int] | None:
    if color is None or color.is_default:
        return None
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def _attrs(style: Style) -> frozenset[str]:
    return frozenset(name for name in ATTRIBUTES if getattr(style, name))


def widget_cells(widget: Widget) -> list[Cell]:
    """Every cell of the widget's content rows (not its border or padding rows), as it renders them now."""
    top = widget.styles.gutter.top
    region = Region(0, top, widget.size.width, widget.content_region.height)
    cells: list[Cell] = []
    for row, strip in enumerate(widget.render_lines(region), start=top):
        col = 0
        for segment in strip:
            style = segment.style or Style()
            for character in segment.text:
                cells.append(Cell(row, col, character, _rgb(style.color), _rgb(style.bgcolor), _attrs(style)))
                col += max(cell_len(character), 1)
    return cells


def widget_contrast(widget: Widget) -> Contrast:
    """The lowest contrast of the widget's text, with the worst cell."""
    return min_contrast(widget_cells(widget))
