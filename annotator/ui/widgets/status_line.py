"""The status line: where you are, what is under the cursor, and whether the
work is saved and valid. One row, rendered from a small frozen dataclass;
the document title is shown as plain text, never parsed as markup. It is
drawn with the Line API: it repaints on every keystroke, and Textual's
renderable pipeline took about 1 ms a frame for this one row."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.reactive import reactive
from textual.strip import Strip

from annotator.text import display_text
from annotator.ui.label_styles import overlay_style
from annotator.ui.widgets.resolved_styles import ResolvedStyles

SEPARATOR = " │ "
CONTAINS = "⊃"
MIN_TITLE = 12
DETAILS_LIMIT = 80


class SaveState(StrEnum):
    SAVED = "saved"
    UNSAVED = "unsaved"
    FAILED = "save failed"


@dataclass(frozen=True, slots=True)
class StatusState:
    document: str = ""
    position: int = 0
    total: int = 0
    done: int = 0
    cursor: int = 0
    length: int = 0  # of the document; 0 hides how far into it the cursor is
    selection: tuple[int, int] | None = None
    spans_here: tuple[str, ...] = ()
    saved: SaveState = SaveState.SAVED
    problems: int | None = None
    mark: int | None = None  # where `v` set the mark, while it selects
    details: str = ""  # attributes and note of the span under the cursor, made safe
    suggested: int | None = None  # suggestions pending; None: the document has none


def _single_line(text: str) -> str:
    return display_text(text).replace("\n", " ")


class StatusLine(ResolvedStyles):
    """One row at the bottom of the screen."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-line--document",
        "status-line--dim",
        "status-line--ok",
        "status-line--warning",
        "status-line--error",
    }

    state: reactive[StatusState] = reactive(StatusState, layout=False)

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self._style_cache: dict[str, Style] = {}
        self._strip: tuple[tuple, Strip] | None = None

    def update_state(
        self,
        *,
        document: str,
        position: int,
        total: int,
        done: int,
        cursor: int,
        selection: tuple[int, int] | None,
        spans_here: list[str],
        saved: SaveState,
        problems: int | None,
        length: int = 0,
        mark: int | None = None,
        details: str = "",
        suggested: int | None = None,
    ) -> None:
        """Show this state. `spans_here` lists labels innermost first (as
        `EditorSession.spans_at_cursor` gives them); they are shown outermost
        first, joined by "⊃" ("quote⊃number": a number inside a quote)."""
        self.state = StatusState(
            document=document,
            position=position,
            total=total,
            done=done,
            cursor=cursor,
            length=length,
            selection=tuple(selection) if selection is not None else None,
            spans_here=tuple(spans_here),
            saved=saved,
            problems=problems,
            mark=mark,
            details=details,
            suggested=suggested,
        )

    def _style(self, name: str) -> Style:
        # Looked up once per theme: the line repaints on every keystroke.
        style = self._style_cache.get(name)
        if style is None:
            base = self.rich_style
            style = base + overlay_style(self, f"status-line--{name}") if name else base
            self._style_cache[name] = style
        return style

    def forget_styles(self) -> None:
        self._style_cache.clear()
        self._strip = None
        self.refresh()

    def fields(self) -> list[tuple[str, str, int]]:
        """(text, style name, priority) of each field after the document title.
        When the line is too narrow, fields with the lowest priority go first."""
        s = self.state
        where = f"@{s.cursor}"
        if s.selection is not None:
            where += f" sel {s.selection[1] - s.selection[0]}"
        fields = [
            (f"{s.position}/{s.total}", "dim", 2),
            (f"done {s.done}/{s.total}", "dim", 1),
            (where, "", 3),
        ]
        if s.mark is not None:
            fields.append((f"mark @{s.mark}: move to select", "warning", 4))
        if s.length:
            fields.append((f"{s.cursor * 100 // s.length}%", "dim", 2))
        if s.spans_here:
            fields.append((_single_line(CONTAINS.join(reversed(s.spans_here))), "", 4))
        if s.details:
            fields.append((_single_line(s.details[:DETAILS_LIMIT]), "", 3))
        if s.suggested is not None:
            fields.append((f"{s.suggested} suggested" if s.suggested else "suggestions settled", "dim", 4))
        saved_style = {SaveState.SAVED: "ok", SaveState.UNSAVED: "warning"}.get(s.saved, "error")
        fields.append((_single_line(s.saved), saved_style, 6))
        if s.problems is None:
            fields.append(("… checking", "dim", 5))
        elif s.problems == 0:
            fields.append(("✓ valid", "ok", 5))
        else:
            noun = "problem" if s.problems == 1 else "problems"
            fields.append((f"✗ {s.problems} {noun}", "error", 5))
        return fields

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        key = (self.state, width, y)
        if self._strip is not None and self._strip[0] == key:
            return self._strip[1]
        base = self._style("")
        strip = Strip(self._segments(width)) if y == 0 else Strip.blank(width, base)
        strip = strip.adjust_cell_length(width, base)
        self._strip = (key, strip)
        return strip

    def _segments(self, width: int) -> list[Segment]:
        fields = self.fields()
        title = " " + _single_line(self.state.document[:500] or "-")
        needed = sum(len(SEPARATOR) + cell_len(text) for text, _, _ in fields) + 1
        # Shorten the title to MIN_TITLE cells, then drop the least important fields.
        for priority in sorted({p for _, _, p in fields}):
            if needed + min(cell_len(title), MIN_TITLE) <= width:
                break
            for text, _, p in fields:
                if p == priority:
                    needed -= len(SEPARATOR) + cell_len(text)
            fields = [field for field in fields if field[2] != priority]
        room = max(0, width - needed)
        if cell_len(title) > room:
            title = set_cell_size(title, room - 1) + "…" if room > 1 else ""
        dim = self._style("dim")
        segments = [Segment(title, self._style("document"))]
        for text, style, _ in fields:
            segments.append(Segment(SEPARATOR, dim))
            segments.append(Segment(text, self._style(style)))
        return segments
