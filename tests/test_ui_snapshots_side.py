"""SVG snapshot of the side panel widgets: legend, span list and status line.

Update with `pytest tests/test_ui_snapshots_side.py --snapshot-update` after
a deliberate change, and look at the SVG before committing it.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.pilot import Pilot

from annotator.editor.session import EditorSession
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet
from annotator.model.tagset import default_tagset
from annotator.ui.widgets.legend import Legend
from annotator.ui.widgets.span_list import SpanList
from annotator.ui.widgets.status_line import StatusLine

CSS = Path(__file__).resolve().parent.parent / "annotator" / "ui" / "widgets" / "side_panel.tcss"

TEXT = (
    'The minister said "we will act [soon]" on Monday.\n'
    "About 42 people may come, reportedly. [/quote] [bold]\n"
    "Red \x1b[31mALERT\x1b[0m in 東京 with 👍🏽 and café.\n"
    "A very long claim that goes on and on, far beyond what the side panel can show in one row."
)

SPANS = [
    ("we will act [soon]", "quote"),
    ("Monday", "number"),
    ("42", "number"),
    ("About 42 people may come", "claim"),
    ("may", "hedge"),
    ("reportedly. [/quote] [bold]\nRed", "hedge"),
    ("\x1b[31mALERT\x1b[0m in 東京 with 👍🏽", "quote"),
    ("A very long claim that goes on and on, far beyond what the side panel can show in one row.", "claim"),
]


def make_session() -> EditorSession:
    document = Document("docs/s.txt", TEXT, DocumentMeta("s"), text_sha256(TEXT))
    ticks, ids = itertools.count(), itertools.count(1)
    aset = AnnotationSet.new(
        document,
        "tester",
        tagset=default_tagset(),
        clock=lambda: f"2026-01-01T00:00:{next(ticks) % 60:02d}.000Z",
        make_id=lambda: f"s{next(ids)}",
    )
    for needle, label in SPANS:
        start = TEXT.index(needle)
        aset.create(start, start + len(needle), label)
    return EditorSession(aset, default_tagset())


class SidePanelApp(App[None]):
    CSS_PATH = str(CSS)
    CSS = "#side { width: 60; height: 1fr; } SpanList { border-title-color: $text; }"

    def __init__(self) -> None:
        super().__init__()
        self.session = make_session()

    def compose(self) -> ComposeResult:
        with Vertical(id="side"):
            yield Legend(self.session.tagset)
            yield SpanList(self.session)
        yield StatusLine()

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        session = self.session
        self.query_one(Legend).update_counts(session.index.counts())
        span_list = self.query_one(SpanList)
        span_list.border_title = "spans"
        span_list.focus()
        session.move_to(TEXT.index("42"))
        span_list.highlight_span(session.spans_at_cursor()[0].id)
        self.query_one(StatusLine).update_state(
            document="Budget [bold] speech",
            position=2,
            total=5,
            done=1,
            cursor=session.cursor,
            selection=None,
            spans_here=[span.label for span in session.spans_at_cursor()],
            saved="unsaved",
            problems=0,
        )


def test_side_panel_snapshot(snap_compare) -> None:
    async def settle(pilot: Pilot) -> None:
        await pilot.pause()

    # The list cursor moves two rows on from the span under the document cursor.
    assert snap_compare(SidePanelApp(), press=["down", "down"], terminal_size=(64, 18), run_before=settle)
