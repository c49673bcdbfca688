"""The document view: a Line-API widget over the soft-wrapped text.

Only visible rows are rendered, each from a per-row cache that is dropped
just for the rows a change touches: moving the cursor repaints two rows,
tagging repaints the rows of the span.
"""

from __future__ import annotations

from enum import StrEnum
from itertools import pairwise
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotator import prose
from annotator.editor.layout import Layout
from annotator.editor.session import Change, EditorSession
from annotator.keys import DOCUMENT_BINDINGS, tag_bindings
from annotator.ui.bindings import textual_bindings
from annotator.ui.label_styles import label_styles, overlay_style
from annotator.ui.textual_compat import add_instance_bindings
from annotator.ui.widgets.direct_lines import DirectLines
from annotator.ui.widgets.resolved_styles import ResolvedStyles

GUTTER_WIDTH = 3  # label letters and a space


class MarkKind(StrEnum):
    """Ranges drawn over the text: review candidates, suggestions and search matches."""

    AGREED = "agreed"  # review: a candidate every annotator marked, not settled yet
    DISPUTED = "disputed"  # review: a candidate not every annotator marked
    CURRENT = "current"  # review: a version of the disagreement being settled; a suggestion being settled
    SUGGESTED = "suggested"  # a suggestion not settled yet
    MATCH = "match"  # search: a match
    MATCH_CURRENT = "match-current"  # search: the match the search stands on


# Most important first: its style is applied last, so it wins.
MARK_PRECEDENCE = (
    MarkKind.MATCH_CURRENT,
    MarkKind.MATCH,
    MarkKind.CURRENT,
    MarkKind.DISPUTED,
    MarkKind.SUGGESTED,
    MarkKind.AGREED,
)
# Review and suggestion marks also show a letter in the margin, so that no colour is needed.
MARK_LETTERS = {MarkKind.CURRENT: "▶", MarkKind.DISPUTED: "!", MarkKind.SUGGESTED: "?", MarkKind.AGREED: "="}
Mark = tuple[int, int, MarkKind]
# Past this many changed marks (a new search, a document's suggestions arriving) redrawing every
# row costs less than working out which rows they are on.
REDRAW_ALL_AFTER = 200
# A blank column each side, drawn in the rows rather than as CSS padding so
# that rows skip Textual's per-line styling pass (see direct_lines.py).
MARGIN = 1
# Rendered rows kept for reuse (many screens). Each cached Strip keeps about a
# dozen GC-tracked objects alive (seven FIFOCaches, its segments): after 150
# page-downs a 4,096-row cache left 73,000 tracked objects and a full collection
# took 52 ms; at 1,024 rows, 59,000 and 43 ms (benchmarks/ui_latency.py).
ROW_CACHE_LIMIT = 1024


class DocumentView(ResolvedStyles, DirectLines, ScrollView, can_focus=True):
    """Shows the document with its spans and moves the cursor."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "document-view--cursor",
        "document-view--selection",
        "document-view--gutter",
        "document-view--focused-span",
        "document-view--agreed",
        "document-view--disputed",
        "document-view--current",
        "document-view--suggested",
        "document-view--match",
        "document-view--match-current",
    }

    BINDINGS: ClassVar[list[BindingType]] = textual_bindings(DOCUMENT_BINDINGS)

    class CursorMoved(Message):
        """The cursor or the selection changed."""

        def __init__(self, offset: int, selection: tuple[int, int] | None) -> None:
            super().__init__()
            self.offset = offset
            self.selection = selection

    def __init__(self, session: EditorSession, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.session = session
        self.layout_ = Layout(session.text, 80)
        self._rows: dict[int, tuple[tuple, Strip]] = {}
        self._label_styles: dict[str, Style] = {}
        self._label_letters = {label.name: label.key for label in session.tagset}
        self._goal_x: int | None = None
        self._focused_span: str | None = None
        self._dragging = False
        self._styles: dict[str, Style] = {}
        # Marks by layer ("review", "search"), all of them sorted, and by row.
        self._mark_layers: dict[str, frozenset[Mark]] = {}
        self._marks_by_row: dict[int, list[Mark]] = {}
        session.subscribe(self._on_change)
        self._bind_tag_keys()

    def _bind_tag_keys(self) -> None:
        """Tag keys come from the tag set, so they are bound per instance."""
        add_instance_bindings(self, textual_bindings(tag_bindings(self.session.tagset)))

    # -- styles ----------------------------------------------------------

    def forget_styles(self) -> None:
        self._styles = {}
        self._rows.clear()
        self.refresh()

    def _resolve_styles(self) -> dict[str, Style]:
        """Resolve styles once per style change; per-row lookups are too slow."""
        background = self.background_colors[1]
        self._label_styles = label_styles(self.session.tagset, background)
        self._styles = {
            "base": self.rich_style,
            "gutter": self.get_component_rich_style("document-view--gutter"),
            "cursor": self.get_component_rich_style("document-view--cursor"),
            "selection": self.get_component_rich_style("document-view--selection"),
            "focus": self.get_component_rich_style("document-view--focused-span"),
            **{kind: overlay_style(self, f"document-view--{kind}") for kind in MarkKind},
        }
        return self._styles

    def set_session(self, session: EditorSession) -> None:
        """Show another document."""
        self.session = session
        session.subscribe(self._on_change)
        self._label_letters = {label.name: label.key for label in session.tagset}
        width = self.scrollable_content_region.width - GUTTER_WIDTH - 2 * MARGIN
        if width <= 0:
            # Not laid out yet (the app opens its first document from on_mount).
            # Wrapping at width 1 took 170 ms and made 837,000 rows for 1 MB,
            # and the scrollbar they called up left the text wrapped one column
            # short. Use the previous width; on_resize rewraps at the real one.
            width = self.layout_.width
        self.layout_ = Layout(session.text, width)
        self._rows.clear()
        self._mark_layers, self._marks_by_row = {}, {}
        self._focused_span = None
        self._goal_x = None
        self._update_virtual_size()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()
        self._post_cursor()

    def on_resize(self, event: events.Resize) -> None:
        width = max(1, self.scrollable_content_region.width - GUTTER_WIDTH - 2 * MARGIN)
        if width != self.layout_.width:
            self.layout_.rewrap(width)
            self._rows.clear()
            self._index_marks()
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    @property
    def allow_vertical_scroll(self) -> bool:
        # The wheel scrolls although there is no scrollbar (see app.tcss).
        return not self._check_disabled() and self.max_scroll_y > 0

    def set_marks(self, marks: list[Mark], layer: str = "review") -> None:
        """Draw these ranges over the text: review candidates not yet settled
        (underlined, with a letter in the margin) or search matches (highlighted).
        Each layer replaces only its own marks.

        Only the marks that changed are re-indexed and only their rows redrawn:
        moving to the next of 10,000 pending suggestions changes two marks, and
        re-indexing all of them took 20-30 ms a key."""
        now = frozenset(marks)
        previous = self._mark_layers.get(layer, frozenset())
        if now == previous:
            return  # most edits while reviewing settle nothing: keep every cached row
        self._mark_layers[layer] = now
        # Sets, not sorted lists or Counters: with 10,000 marks, Counter's difference took 4 ms a key.
        removed, added = previous - now, now - previous
        by_row = self._marks_by_row
        for mark in removed:
            for row in self._rows_of(mark):
                row_marks = by_row.get(row)
                if row_marks is not None and mark in row_marks:
                    row_marks.remove(mark)
                    if not row_marks:
                        del by_row[row]
        for mark in added:
            for row in self._rows_of(mark):
                by_row.setdefault(row, []).append(mark)
        changed = removed | added
        if len(changed) > REDRAW_ALL_AFTER:
            self._rows.clear()
            self.refresh()
            return
        for mark in changed:
            self._invalidate_range(mark[0], max(mark[0], mark[1] - 1))

    @property
    def marks(self) -> list[Mark]:
        """Every mark drawn, of every layer, in order."""
        return sorted(mark for layer_marks in self._mark_layers.values() for mark in layer_marks)

    def _rows_of(self, mark: Mark) -> range:
        layout = self.layout_
        return range(layout.row_of(mark[0]), layout.row_of(max(mark[0], mark[1] - 1)) + 1)

    def _index_marks(self) -> None:
        by_row: dict[int, list[Mark]] = {}
        for layer_marks in self._mark_layers.values():
            for mark in layer_marks:
                for row in self._rows_of(mark):
                    by_row.setdefault(row, []).append(mark)
        self._marks_by_row = by_row

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.layout_.width + GUTTER_WIDTH + 2 * MARGIN, self.layout_.row_count)

    # -- state from outside ------------------------------------------------

    @property
    def focused_span(self) -> str | None:
        return self._focused_span

    def focus_span(self, span_id: str | None, *, move_cursor: bool = True) -> None:
        """Highlight one span (and put the cursor at its start)."""
        previous = self._focused_span
        self._focused_span = span_id
        for sid in (previous, span_id):
            span = self.session.annotations.spans.get(sid) if sid else None
            if span is not None:
                self._invalidate_range(span.start, span.end)
        if span_id and move_cursor:
            span = self.session.annotations.spans.get(span_id)
            if span is not None:
                self._set_cursor(span.start, extend=False, keep_focus=True)

    def _on_change(self, change: Change) -> None:
        for start, end in change.ranges:
            self._invalidate_range(start, end)
        if self._focused_span in change.removed:
            self._focused_span = None

    # -- movement ------------------------------------------------------------

    def action_move(self, where: str, extend: bool = False) -> None:
        session, layout, text = self.session, self.layout_, self.session.text
        cursor = session.cursor
        vertical = where in ("row_up", "row_down", "page_up", "page_down")
        if vertical:
            row = layout.row_of(cursor)
            if self._goal_x is None:
                self._goal_x = layout.x_of(cursor)
            step = {"row_up": -1, "row_down": 1}.get(where, 0)
            if where in ("page_up", "page_down"):
                page = max(1, self.scrollable_content_region.height - 1)
                step = -page if where == "page_up" else page
                self.scroll_to(y=max(0, self.scroll_offset.y + step), animate=False, immediate=True)
            target_row = max(0, min(layout.row_count - 1, row + step))
            target = layout.offset_at(target_row, self._goal_x)
        else:
            self._goal_x = None
            if where == "char_left":
                target = layout.prev_boundary(cursor)
            elif where == "char_right":
                target = layout.next_boundary(cursor)
            elif where == "word_left":
                target = prose.prev_word_start(text, cursor)
            elif where == "word_right":
                target = prose.word_end(text, cursor)
            elif where == "row_start":
                target = layout.row_range(layout.row_of(cursor))[0]
            elif where == "row_end":
                target = layout.row_last(layout.row_of(cursor))
            elif where == "doc_start":
                target = 0
            elif where == "doc_end":
                target = len(text)
            elif where == "paragraph_up":
                target = prose.prev_paragraph_start(text, cursor)
            elif where == "paragraph_down":
                target = prose.next_paragraph_start(text, cursor)
            elif where == "sentence_prev":
                target = prose.prev_sentence_start(text, cursor)
            elif where == "sentence_next":
                target = prose.next_sentence_start(text, cursor)
            else:
                return
        self._set_cursor(layout.snap(target), extend=extend, keep_goal=vertical)

    def action_mark(self) -> None:
        old = self.session.selection
        self.session.set_mark()
        self._refresh_selection(old)
        self._post_cursor()

    def action_clear_selection(self) -> None:
        old = self.session.selection
        self.session.clear_selection()
        self._refresh_selection(old)
        self._post_cursor()

    def action_select_word(self) -> None:
        old = self.session.selection
        if self.session.select_word():
            self._refresh_selection(old)
            self._post_cursor()

    def action_select_sentence(self) -> None:
        old = self.session.selection
        start, end = prose.sentence_at(self.session.text, self.session.cursor)
        if start < end:
            self.session.select(start, end)
            self._refresh_selection(old)
            self._post_cursor()

    def move_cursor(self, offset: int, *, extend: bool = False) -> None:
        self._set_cursor(offset, extend=extend)

    def select_range(self, start: int, end: int) -> None:
        """Select [start, end) (the cursor at its end) and bring it into view."""
        self._set_cursor(start, extend=False)
        self._set_cursor(end, extend=True)

    def _set_cursor(self, offset: int, *, extend: bool, keep_goal: bool = False, keep_focus: bool = False) -> None:
        session = self.session
        old_cursor, old_selection = session.cursor, session.selection
        session.move_to(offset, extend=extend)
        if not keep_goal:
            self._goal_x = None
        if not keep_focus and self._focused_span is not None:
            span = session.annotations.spans.get(self._focused_span)
            if span is None or not span.start <= session.cursor <= span.end:
                self.focus_span(None, move_cursor=False)
        layout = self.layout_
        self.refresh_lines(layout.row_of(old_cursor))
        self.refresh_lines(layout.row_of(session.cursor))
        self._refresh_selection(old_selection)
        self._scroll_cursor_into_view()
        self._post_cursor()

    def _refresh_selection(self, old: tuple[int, int] | None) -> None:
        """Repaint the rows whose selection state changed."""
        new = self.session.selection
        if old == new:
            return
        layout = self.layout_
        for rng in (old, new):
            if rng is not None:
                first, last = layout.row_of(rng[0]), layout.row_of(rng[1])
                top = max(first, self.scroll_offset.y)
                bottom = min(last, self.scroll_offset.y + self.size.height)
                if top <= bottom:
                    self.refresh_lines(top, bottom - top + 1)

    def _scroll_cursor_into_view(self) -> None:
        row = self.layout_.row_of(self.session.cursor)
        top = self.scroll_offset.y
        height = max(1, self.scrollable_content_region.height)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def _post_cursor(self) -> None:
        # Straight to the app, not bubbled up through the view's ancestors: key
        # bindings run on the app's task, so the app updates the status line
        # before the screen composes and both land in one frame. Bubbled, the
        # status line came a frame later, and Textual's 60 fps pacing then
        # held the next keypress back by up to 33 ms (benchmarks/ui_latency.py).
        self.app.post_message(self.CursorMoved(self.session.cursor, self.session.selection))

    # -- mouse ---------------------------------------------------------------

    def _offset_at(self, event: events.MouseEvent) -> int:
        # Mouse coordinates count any padding; layout columns start after it, the margin and the gutter.
        gutter = self.gutter
        row = min(self.layout_.row_count - 1, self.scroll_offset.y + max(0, int(event.y) - gutter.top))
        return self.layout_.offset_at(row, max(0, int(event.x) - gutter.left - MARGIN - GUTTER_WIDTH))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        self.focus()
        self._dragging = True
        self.capture_mouse()
        self._set_cursor(self._offset_at(event), extend=event.shift)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging and event.button == 1:
            self._set_cursor(self._offset_at(event), extend=True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    # -- rendering -----------------------------------------------------------

    def _invalidate_range(self, start: int, end: int) -> None:
        layout = self.layout_
        first, last = layout.row_of(start), layout.row_of(end)
        for row in range(first, last + 1):
            self._rows.pop(row, None)
        self.refresh_lines(first, last - first + 1)

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.size.width
        layout = self.layout_
        styles = self._styles or self._resolve_styles()
        if row >= layout.row_count:
            return Strip.blank(width, styles["base"])
        session = self.session
        start, end = layout.row_range(row)
        cursor = session.cursor
        cursor_here = cursor if start <= cursor <= end and layout.row_of(cursor) == row else -1
        selection = session.selection
        if selection is not None:
            sel = (max(selection[0], start), min(selection[1], end + 1))
            if sel[0] >= sel[1]:
                sel = None
        else:
            sel = None
        # The focused span is not part of the key: focus_span drops the rows it covers.
        key = (cursor_here, sel, width)
        cached = self._rows.get(row)
        if cached is not None and cached[0] == key:
            return cached[1]
        strip = self._render_row(row, start, end, cursor_here, sel, width)
        self._rows[row] = (key, strip)
        if len(self._rows) > ROW_CACHE_LIMIT:
            self._rows.clear()
        return strip

    def _render_row(
        self, row: int, start: int, end: int, cursor: int, selection: tuple[int, int] | None, width: int
    ) -> Strip:
        session, layout = self.session, self.layout_
        spans = session.index.overlapping(start, end) if end > start else session.index.overlapping(start, start + 1)
        styles = self._styles or self._resolve_styles()
        gutter_style = styles["gutter"]
        letters = "".join(sorted({self._label_letters.get(s.label, "?") for s in spans}))
        if len(letters) > GUTTER_WIDTH - 1:
            letters = letters[: GUTTER_WIDTH - 2] + "+"
        marks = self._marks_by_row.get(row, ())
        margin = " " * MARGIN
        if marks:
            kinds = {kind for _, _, kind in marks}
            letter = next(
                (MARK_LETTERS[kind] for kind in MARK_PRECEDENCE if kind in kinds and kind in MARK_LETTERS), ""
            )
            margin = letter.ljust(MARGIN)
        segments = [Segment(margin + letters.ljust(GUTTER_WIDTH - 1) + " ", gutter_style)]

        # Style changes only at span edges, mark edges, the selection edges and the cursor.
        cuts = {start, end}
        for span in spans:
            cuts.add(max(start, span.start))
            cuts.add(min(end, span.end))
        for mark_start, mark_end, _ in marks:
            cuts.add(max(start, mark_start))
            cuts.add(min(end, mark_end))
        if selection is not None:
            cuts.update((max(start, selection[0]), min(end, selection[1])))
        if cursor >= 0:
            cuts.update((cursor, layout.next_boundary(cursor) if cursor < end else cursor))
        ordered = sorted(c for c in cuts if start <= c <= end)
        display = layout.display
        label_styles_ = self._label_styles
        focused = self._focused_span
        cursor_style, selection_style, focus_style = styles["cursor"], styles["selection"], styles["focus"]
        base = styles["base"]
        for a, b in pairwise(ordered):
            if a >= b:
                continue
            style = base
            covering = [s for s in spans if s.start <= a < s.end]
            # Outer spans first, so the innermost span's tint wins.
            for span in sorted(covering, key=lambda s: s.start - s.end):
                style = style + label_styles_.get(span.label, Style())
                if span.id == focused:
                    style = style + focus_style
            if marks:
                kinds = {kind for mark_start, mark_end, kind in marks if mark_start <= a < mark_end}
                for kind in reversed(MARK_PRECEDENCE):  # the most important last, so it wins
                    if kind in kinds:
                        style = style + styles[kind]
            if selection is not None and selection[0] <= a < selection[1]:
                style = style + selection_style
            if a == cursor:
                style = style + cursor_style
            segments.append(Segment(display[a:b], style))
        if cursor == end:
            segments.append(Segment(" ", base + cursor_style))
        if layout.row_is_simple(row):
            # One cell per code point, so the row's width is known: pad it here.
            # Strip would otherwise measure every segment (rich's cell_len walks
            # the characters of any non-ASCII text, curly quotes included) and
            # crop_extend would build a second Strip: about 20% less time a row
            # and half the Strips (the same segments either way).
            used = MARGIN + GUTTER_WIDTH + (end - start) + (cursor == end)
            if used <= width:
                if used < width:
                    segments.append(Segment(" " * (width - used), base))
                return Strip(segments, width)
        return Strip(segments).crop_extend(0, width, base)
