"""Hand finished rows of a Line-API widget straight to the compositor.

Textual passes every repainted line through the widget's styles cache, which
works out borders, padding, outline, tint and opacity again for each line:
about 60 µs a line, 3.5 ms when a span added to the 56-row span list shifts
every row below it (benchmarks/ui_latency.py). The rows of our Line-API
widgets are already full-width and fully styled, so when nothing of that
applies to the content rows, they only need the line filters Textual would
apply (NO_COLOR, dimming, ANSI colours). Border and padding rows above and
below the content, and any other styling, still go through Textual.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


def _plain_content_rows(widget: Widget) -> bool:
    """True if Textual's styles cache would return content rows unchanged."""
    styles = widget.styles
    gutter = styles.gutter
    if gutter.left or gutter.right:
        return False
    if any(edge for edge, _ in styles.outline):
        return False
    if styles.tint.a or styles.text_opacity != 1.0 or widget.opacity != 1.0:
        return False
    return not (styles.has_rule("hatch") and styles.hatch != "none")


class DirectLines(Widget):
    """Mix in before a Line-API widget whose `render_line(y)` returns strips
    exactly `content_region.width` cells wide."""

    def render_lines(self, crop: Region) -> list[Strip]:
        if not _plain_content_rows(self):
            return super().render_lines(crop)
        width = self.size.width
        top = self.styles.gutter.top
        content_height = self.content_region.height
        filters = self.get_line_filters()
        background = self.background_colors[1] if filters else None
        strips: list[Strip] = []
        for y in crop.line_range:
            if top <= y < top + content_height:
                strip = self.render_line(y - top)
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)
            else:  # a border or padding row
                strip = super().render_lines(Region(0, y, width, 1))[0]
            strips.append(strip)
        x1, x2 = crop.column_span
        if (x1, x2) != (0, width):
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips
