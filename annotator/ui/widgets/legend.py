"""The legend: each label's key, name (in its style) and count, and the total.

Items are packed greedily into as many lines as the width needs, never split
inside an item. Label styles carry a text style (italic, underline, dim,
bold) as well as a colour, so labels stay apart under NO_COLOR. Lines are
drawn with the Line API from cached strips: a tag repaints the legend in the
same frame as the text, and Textual's renderable pipeline took 1.4 ms for it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip

from annotator.model.tagset import TagSet
from annotator.text import display_text
from annotator.ui.label_styles import label_foreground, overlay_style, terminal_colors
from annotator.ui.widgets.resolved_styles import ResolvedStyles

GAP = "  "


class Legend(ResolvedStyles):
    """Key, name and count of every label of the tag set, plus the total."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"legend--key", "legend--count", "legend--total"}

    def __init__(self, tagset: TagSet, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.tagset = tagset
        self._counts: dict[str, int] = {}
        self._label_styles: dict[str, Style] = {}
        self._styles: dict[str, Style] = {}
        self._laid_out: tuple[tuple, list[Text]] | None = None
        self._strips: dict[tuple, Strip] = {}

    def forget_styles(self) -> None:
        self._styles.clear()
        self._label_styles.clear()
        self._laid_out = None
        self._strips.clear()
        self.refresh()

    def _style(self, name: str) -> Style:
        # Style lookups walk the DOM; this widget repaints on every tag, so look up once.
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = overlay_style(self, f"legend--{name}")
        return style

    def update_counts(self, counts: dict[str, int]) -> None:
        """Show these counts (labels missing from `counts` have none)."""
        counts = {label: counts.get(label, 0) for label in self.tagset.names()}
        if counts != self._counts:
            lines_before = len(self._lines(self.size.width)) if self.size.width else 0
            self._counts = counts
            lines_after = len(self._lines(self.size.width)) if self.size.width else 0
            self.refresh(layout=lines_before != lines_after)

    @property
    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    @property
    def total(self) -> int:
        return sum(self._counts.values())

    def _items(self) -> list[Text]:
        if not self._label_styles:
            self._label_styles = label_foreground(self.tagset, self.background_colors[1], terminal_colors(self.app))
        key_style = self._style("key")
        count_style = self._style("count")
        items = []
        for label in self.tagset:
            item = Text(no_wrap=True)
            item.append(display_text(label.key), key_style)
            item.append(" ")
            item.append(label.name, self._label_styles.get(label.name, Style()))
            item.append(" ")
            item.append(str(self._counts.get(label.name, 0)), count_style)
            items.append(item)
        total = Text(no_wrap=True)
        total.append("total ", self._style("total"))
        total.append(str(self.total), count_style)
        items.append(total)
        return items

    def _lines(self, width: int) -> list[Text]:
        key = (width, tuple(self._counts.items()))
        if self._laid_out is not None and self._laid_out[0] == key:
            return self._laid_out[1]
        lines = self._layout(width)
        self._laid_out = (key, lines)
        return lines

    def _layout(self, width: int) -> list[Text]:
        lines: list[Text] = []
        line: Text | None = None
        for item in self._items():
            if line is not None and cell_len(line.plain) + len(GAP) + cell_len(item.plain) <= width:
                line.append(GAP)
                line.append_text(item)
            else:
                line = item.copy()
                lines.append(line)
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        lines = self._lines(width)
        key = (y, width, tuple(self._counts.items()))
        strip = self._strips.get(key)
        if strip is None:
            base = self.rich_style
            if y < len(lines):
                segments = [
                    Segment(s.text, base + s.style if s.style else base) for s in lines[y].render(self.app.console)
                ]
                strip = Strip(segments).adjust_cell_length(width, base)
            else:
                strip = Strip.blank(width, base)
            if len(self._strips) > 64:
                self._strips.clear()
            self._strips[key] = strip
        return strip
