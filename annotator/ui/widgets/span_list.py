"""The span list: one row per span, in document order, on the Line API.

A ListView, OptionList or DataTable builds a widget or a row object per item:
1-60 s for 10,000 spans. This list builds nothing per span. It reads the
live, sorted `SpanIndex.ordered(label)` view (O(1) length and indexing) and
renders only the visible rows, each from a small cache keyed by span id, so
mounting, filtering and every edit cost what a screenful of rows costs.

Rows show the label key, the label name in its style, the offsets, the
span's attributes and note (‹speaker: …›) and its text on one line, made terminal-safe with `display_text` and never
parsed as markup. The last column of the rows draws the scroll thumb: a
Textual scrollbar re-rendered all its rows whenever a span was added or
removed (3 ms a keystroke at 200x60), the thumb in the cached rows only
repaints the rows where it moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotator.editor.session import Change, EditorSession
from annotator.keys import SPAN_LIST_BINDINGS
from annotator.model.annotation import Span
from annotator.text import details_text, display_text
from annotator.ui.bindings import textual_bindings
from annotator.ui.label_styles import label_foreground, overlay_style, terminal_colors
from annotator.ui.widgets.direct_lines import DirectLines
from annotator.ui.widgets.resolved_styles import ResolvedStyles

NEWLINE_MARK = "⏎"
ELLIPSIS = "…"
CURRENT_MARK = "▸"
THUMB = "▐"
MAX_LABEL_WIDTH = 12
CACHE_LIMIT = 2048
MIN_DETAILS = 10  # below this many cells a span's attributes are left to the status line


def thumb_rows(top: int, height: int, total: int) -> range:
    """Rows of a `height`-row viewport, scrolled to `top` of `total` rows,
    that show the scroll thumb; none when everything fits."""
    if height <= 0 or total <= height:
        return range(0)
    size = max(1, round(height * height / total))
    first = round(top * (height - size) / (total - height))
    return range(first, first + size)


def one_line(text: str, width: int) -> str:
    """`text` made terminal-safe, on one line, cut to `width` cells with "…"."""
    if width <= 0:
        return ""
    # A row never shows more than `width` cells; a long span need not be scanned.
    limit = width * 2 + 8
    clipped = len(text) > limit
    shown = display_text(text[:limit] if clipped else text).replace("\n", NEWLINE_MARK)
    if not clipped and cell_len(shown) <= width:
        return shown
    if width == 1:
        return ELLIPSIS
    # set_cell_size pads with a space where a wide character would be split.
    return set_cell_size(shown, width - 1) + ELLIPSIS


class SpanList(ResolvedStyles, DirectLines, ScrollView, can_focus=True):
    """All spans of the document (or one label's), one row each."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "span-list--cursor",
        "span-list--current",
        "span-list--key",
        "span-list--offsets",
        "span-list--empty",
        "span-list--thumb",
    }

    BINDINGS: ClassVar[list[BindingType]] = textual_bindings(SPAN_LIST_BINDINGS)

    filter_label: reactive[str | None] = reactive(None, init=False, always_update=False)
    """Show only the spans of this label (None: all)."""

    class Selected(Message):
        """The user chose a span (enter or click)."""

        def __init__(self, span_id: str) -> None:
            super().__init__()
            self.span_id = span_id

    class FilterChanged(Message):
        """The label filter changed (None: all spans)."""

        def __init__(self, label: str | None) -> None:
            super().__init__()
            self.label = label

    def __init__(self, session: EditorSession, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.session = session
        self._spans: Sequence[Span] = session.index.ordered(None)
        self._cursor = 0
        self._cursor_id: str | None = None
        self._current_id: str | None = None
        self._rows: dict[str, tuple[Span, tuple, Strip]] = {}
        self._styles: dict[str, Style] = {}
        self._label_styles: dict[str, Style] = {}
        self._geometry(session)
        self._sync_cursor_id()

    # -- setup -------------------------------------------------------------

    def _geometry(self, session: EditorSession) -> None:
        """Column widths that depend only on the tag set and the text length."""
        tagset = session.tagset
        self._keys = {label.name: display_text(label.key)[:1] or "?" for label in tagset}
        self._label_width = min(MAX_LABEL_WIDTH, max((len(name) for name in tagset.names()), default=5))
        self._digits = len(str(len(session.text)))

    def on_mount(self) -> None:
        self._update_virtual_size()

    def forget_styles(self) -> None:
        self._styles = {}
        self._rows.clear()
        self.refresh()

    def _resolve_styles(self) -> dict[str, Style]:
        """Resolve styles once per style change, never per row."""
        self._label_styles = label_foreground(self.session.tagset, self.background_colors[1], terminal_colors(self.app))
        cursor = overlay_style(self, "span-list--cursor")
        if self.app.no_color:
            # Without colour a background highlight is invisible.
            cursor += Style(reverse=True)
        self._styles = {
            "base": self.rich_style,
            "cursor": cursor,
            "current": overlay_style(self, "span-list--current"),
            "key": overlay_style(self, "span-list--key"),
            "offsets": overlay_style(self, "span-list--offsets"),
            "empty": overlay_style(self, "span-list--empty"),
            "thumb": overlay_style(self, "span-list--thumb"),
        }
        return self._styles

    def on_resize(self, event: events.Resize) -> None:
        self._rows.clear()
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    @property
    def allow_vertical_scroll(self) -> bool:
        # The wheel scrolls although the thumb is drawn in the rows.
        return not self._check_disabled() and self.max_scroll_y > 0

    def _thumb(self) -> range:
        return thumb_rows(self.scroll_offset.y, self.scrollable_content_region.height, len(self._spans))

    def _update_virtual_size(self) -> None:
        size = Size(0, len(self._spans))
        old = self.virtual_size
        if size == old:
            return
        height = self.scrollable_content_region.height
        if (size.height > height) != (old.height > height):
            self.virtual_size = size  # the scrollbar appears or goes: that needs a layout pass
        else:
            # Setting virtual_size relayouts the whole screen; a row count change needs no layout.
            self.set_reactive(SpanList.virtual_size, size)
            self._scroll_update(size)
            self.refresh()

    # -- state from outside --------------------------------------------------

    def set_session(self, session: EditorSession) -> None:
        """Show the spans of another document (the label filter stays)."""
        self.session = session
        self._geometry(session)
        self._spans = session.index.ordered(self.filter_label)
        self._cursor = 0
        self._current_id = None
        self._sync_cursor_id()
        self._rows.clear()
        self._styles = {}  # the label colours depend on the tag set
        self._update_virtual_size()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()
        if self.filter_label is not None and self.filter_label not in session.tagset:
            self.filter_label = None  # the new tag set has no such label

    def validate_filter_label(self, label: str | None) -> str | None:
        return label if label and label in self.session.tagset else None

    def watch_filter_label(self, old: str | None, label: str | None) -> None:
        following = self._cursor_id
        index = self.session.index
        self._spans = index.ordered(label)
        if following is not None and self._in_view(following):
            self._cursor = self._rank(following)
        elif following is not None and (span := index.get(following)) is not None:
            # Filtered out: stay near the same place in the document.
            self._cursor = index.rank_of_offset(span.start, label)
        else:
            self._cursor = 0
        self._clamp_cursor()
        self._sync_cursor_id()
        self._rows.clear()
        self._update_virtual_size()
        self._scroll_cursor_into_view(center=True)
        self.refresh()
        self.post_message(self.FilterChanged(label))

    def apply_change(self, change: Change) -> None:
        """Show an edit: drop the rows of the spans it touched and repaint only
        the visible rows whose content or position changed."""
        rows = self._rows
        for span_id in (*change.added, *change.removed, *change.updated):
            rows.pop(span_id, None)
        old_cursor = self._cursor
        old_thumb = self._thumb()
        label = self.filter_label
        index = self.session.index
        # Where the change starts in this list: its ranges give the old places
        # (removed spans are already gone from the index), ids the new ones.
        first = min((index.rank_of_offset(start, label) for start, _ in change.ranges), default=0)
        last = first
        for span_id in (*change.added, *change.updated):
            if self._in_view(span_id):
                rank = self._rank(span_id)
                first, last = min(first, rank), max(last, rank)
        for _, end in change.ranges:
            last = max(last, index.rank_of_offset(end, label))
        shifted = bool(change.added or change.removed)
        if self._cursor_id is not None and self._in_view(self._cursor_id):
            self._cursor = self._rank(self._cursor_id)
        self._clamp_cursor()
        self._sync_cursor_id()
        self._update_virtual_size()
        # Added or removed rows move every row after them, to the bottom of the view.
        top = self.scroll_offset.y
        bottom = top + self.scrollable_content_region.height
        if shifted:
            last = bottom
        lo, hi = max(first, top), min(last, bottom)
        if lo <= hi:
            self.refresh_lines(lo, hi - lo + 1)
        for row in (old_cursor, self._cursor):
            self.refresh_lines(row)
        thumb = self._thumb()
        if thumb != old_thumb:
            for y in set(thumb).symmetric_difference(old_thumb):
                self.refresh_lines(top + y)

    def highlight_span(self, span_id: str | None) -> None:
        """Mark the span under the document cursor and bring its row into view."""
        previous = self._current_id
        self._current_id = span_id
        for sid in (previous, span_id):
            if sid is not None and self._in_view(sid):
                self.refresh_lines(self._rank(sid))
        if span_id is not None and self._in_view(span_id):
            self._move_cursor(self._rank(span_id))

    @property
    def highlighted(self) -> str | None:
        """Id of the span on the list's own cursor row."""
        return self._cursor_id

    @property
    def row_count(self) -> int:
        return len(self._spans)

    # -- cursor --------------------------------------------------------------

    def _in_view(self, span_id: str) -> bool:
        span = self.session.index.get(span_id)
        label = self.filter_label
        return span is not None and (label is None or span.label == label)

    def _rank(self, span_id: str) -> int:
        return self.session.index.position(span_id, self.filter_label)

    def _clamp_cursor(self) -> None:
        self._cursor = max(0, min(self._cursor, len(self._spans) - 1))

    def _sync_cursor_id(self) -> None:
        spans = self._spans
        self._cursor_id = spans[self._cursor].id if 0 <= self._cursor < len(spans) else None

    def _move_cursor(self, row: int) -> None:
        old = self._cursor
        self._cursor = row
        self._clamp_cursor()
        self._sync_cursor_id()
        if old != self._cursor:
            self.refresh_lines(old)
            self.refresh_lines(self._cursor)
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self, *, center: bool = False) -> None:
        if not self.is_mounted:
            return
        row = self._cursor
        top = self.scroll_offset.y
        height = max(1, self.scrollable_content_region.height)
        if center and not top <= row < top + height:
            self.scroll_to(y=max(0, row - height // 2), animate=False, immediate=True)
        elif row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_up(self) -> None:
        self._move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        self._move_cursor(self._cursor - self._page())

    def action_page_down(self) -> None:
        self._move_cursor(self._cursor + self._page())

    def action_first(self) -> None:
        self._move_cursor(0)

    def action_last(self) -> None:
        self._move_cursor(len(self._spans) - 1)

    def action_select(self) -> None:
        if self._cursor_id is not None:
            self.post_message(self.Selected(self._cursor_id))

    def action_cycle_filter(self) -> None:
        """None -> each label of the tag set in order -> None."""
        cycle: list[str | None] = [None, *self.session.tagset.names()]
        current = cycle.index(self.filter_label) if self.filter_label in cycle else 0
        self.filter_label = cycle[(current + 1) % len(cycle)]

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = self.scroll_offset.y + offset.y
        if 0 <= row < len(self._spans):
            event.stop()
            self._move_cursor(row)
            self.action_select()

    # -- rendering -------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        if not self._styles:
            self._resolve_styles()
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        spans = self._spans
        if row >= len(spans):
            if row == 0:
                return self._empty_row(width)
            return self._blank_row(width, y)
        span = spans[row]
        span_id = span.id
        key = (width, span_id == self._cursor_id, span_id == self._current_id, y in self._thumb())
        cached = self._rows.get(span_id)
        if cached is not None and cached[0] is span and cached[1] == key:
            return cached[2]
        strip = self._render_row(span, width, *key[1:])
        rows = self._rows
        if len(rows) >= CACHE_LIMIT:
            rows.clear()
        rows[span_id] = (span, key, strip)
        return strip

    def _blank_row(self, width: int, y: int) -> Strip:
        base = self._styles.get("base", Style())
        if y not in self._thumb():
            return Strip.blank(width, base)
        return Strip([Segment(" " * (width - 1), base), self._thumb_segment(True)], width)

    def _thumb_segment(self, on_thumb: bool) -> Segment:
        base = self._styles.get("base", Style())
        return Segment(THUMB, base + self._styles.get("thumb", Style())) if on_thumb else Segment(" ", base)

    def _empty_row(self, width: int) -> Strip:
        label = self.filter_label
        message = f"no {label} spans (f: next filter)" if label else "no spans yet"
        style = self._styles.get("base", Style()) + self._styles.get("empty", Style())
        return Strip([Segment(one_line(message, width), style)]).adjust_cell_length(width, self._styles.get("base"))

    def _render_row(self, span: Span, width: int, on_cursor: bool, current: bool, on_thumb: bool) -> Strip:
        styles = self._styles
        base = styles.get("base", Style())
        digits = self._digits
        marker = Segment(CURRENT_MARK if current else " ", base + styles.get("current", Style()))
        key = Segment(self._keys.get(span.label, "?") + " ", base + styles.get("key", Style()))
        name = span.label[: self._label_width]
        # The label's style (an underline, an overline) on its name only, not on the padding.
        label = Segment(name, base + self._label_styles.get(span.label, Style()))
        padding = Segment(" " * (self._label_width - len(name) + 1), base)
        offsets = Segment(f"{span.start:>{digits}}–{span.end:<{digits}} ", base + styles.get("offsets", Style()))
        used = 1 + cell_len(key.text) + self._label_width + 1 + cell_len(offsets.text)
        segments = [marker, key, label, padding, offsets]
        room = (width - used - 1) // 2 - 3  # what the span carries, before its text: at most half of what is left
        if (span.attributes or span.note) and room >= MIN_DETAILS:
            details = Segment(
                f"‹{one_line(details_text(span.attributes, span.note), room)}› ", base + styles.get("offsets", Style())
            )
            segments.append(details)
            used += cell_len(details.text)
        segments.append(Segment(one_line(span.text, width - used - 1), base))
        strip = Strip(segments).adjust_cell_length(width - 1, base)
        if on_cursor:
            strip = Strip(Segment.apply_style(strip, post_style=styles.get("cursor")), strip.cell_length)
        return Strip([*strip, self._thumb_segment(on_thumb)], width)
