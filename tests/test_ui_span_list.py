"""SpanList: a virtual Line-API list of spans, driven with Pilot."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
from conftest import run_async
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len, set_cell_size
from rich.console import Console
from textual import events
from textual.app import App, ComposeResult
from textual.message import Message

from annotator.editor.session import Change, EditorSession
from annotator.model.annotation import AnnotationFile, DocumentRef
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet
from annotator.model.tagset import default_tagset
from annotator.ui.widgets.span_list import ELLIPSIS, NEWLINE_MARK, THUMB, SpanList, one_line, thumb_rows

CSS = Path(__file__).resolve().parent.parent / "annotator" / "ui" / "widgets" / "side_panel.tcss"
LABELS = ("quote", "claim", "hedge", "number")
SIZE = (100, 30)


def clock():
    """A deterministic clock, one second per call."""
    ticks = itertools.count()

    def now() -> str:
        n = next(ticks)
        return f"2026-01-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}.000Z"

    return now


def make_session(text: str, spans: list[tuple[int, int, str]] = ()) -> EditorSession:
    """A session on `text` with spans created through the audited API."""
    document = Document("docs/t.txt", text, DocumentMeta("t"), text_sha256(text))
    counter = itertools.count(1)
    aset = AnnotationSet.new(
        document, "tester", tagset=default_tagset(), clock=clock(), make_id=lambda: f"s{next(counter)}"
    )
    for start, end, label in spans:
        aset.create(start, end, label)
    return EditorSession(aset, default_tagset())


def word_spans(text: str, words: list[str]) -> list[tuple[int, int, str]]:
    found = []
    for i, word in enumerate(words):
        start = text.index(word)
        found.append((start, start + len(word), LABELS[i % 4]))
    return found


def big_session(n: int = 10_000) -> EditorSession:
    """n one-word spans, as when opening a saved file: the first span is made by
    `AnnotationSet.create`, the rest are copies of it at other offsets and labels."""
    words = [f"w{i:05d}" for i in range(n)]
    text = " ".join(words)
    document = Document("docs/big.txt", text, DocumentMeta("big"), text_sha256(text))
    seed = AnnotationSet.new(document, "tester", tagset=default_tagset(), clock=clock(), make_id=lambda: "s0")
    template = seed.create(0, 6, "quote")
    spans = [
        template.model_copy(
            update={"id": f"s{i}", "start": i * 7, "end": i * 7 + 6, "label": LABELS[i % 4], "text": words[i]}
        )
        for i in range(n)
    ]
    ref = DocumentRef(id=document.id, path=document.path, length=document.length, sha256=document.sha256)
    file = AnnotationFile(schema_version=1, document=ref, annotator="tester", spans=spans)
    aset = AnnotationSet(file, text, tagset=default_tagset(), clock=clock())
    return EditorSession(aset, default_tagset())


class ListApp(App[None]):
    """Mounts one SpanList and, like the real app, forwards session changes to it."""

    CSS_PATH = str(CSS)

    def __init__(self, session: EditorSession) -> None:
        super().__init__()
        self.session = session
        session.subscribe(self._changed)
        self.changes: list[Change] = []

    def compose(self) -> ComposeResult:
        yield SpanList(self.session, id="spans")

    def on_mount(self) -> None:
        self.query_one(SpanList).focus()

    def _changed(self, change: Change) -> None:
        self.changes.append(change)
        self.query_one(SpanList).apply_change(change)


def rows(widget: SpanList) -> list[str]:
    """The text of every visible row, as rendered."""
    return [widget.render_line(y).text for y in range(widget.scrollable_content_region.height)]


def screen_rows(app: App, widget: SpanList) -> list[str]:
    """The widget's rows as the terminal would now show them.

    This is what `App.export_screenshot` renders, as text. Unlike calling
    `render_line`, it goes through Textual's line caches, so a row that an
    update forgot to refresh shows its stale content here.
    """
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True, color_system=None, record=True
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    lines = console.export_text().splitlines()
    region = widget.scrollable_content_region
    assert region.x == 0
    return [set_cell_size(lines[y], region.width) for y in range(region.y, region.bottom)]


def visible_rows(widget: SpanList) -> list[str]:
    return [row for row in rows(widget) if row.strip()]


def of_type(messages: list[Message], kind: type[Message]) -> list:
    """Messages of one kind, each once (the hook sees a message at every node it bubbles through)."""
    unique = {id(m): m for m in messages if isinstance(m, kind)}
    return list(unique.values())


TEXT = "Alpha said beta.\nGamma claims delta; epsilon may zeta 12 eta theta."
WORDS = ["Alpha", "beta", "Gamma", "delta", "epsilon", "zeta", "12", "theta"]


@run_async
async def test_rows_show_key_label_offsets_and_text() -> None:
    session = make_session(TEXT, word_spans(TEXT, WORDS))
    async with ListApp(session).run_test(size=SIZE) as pilot:
        widget = pilot.app.query_one(SpanList)
        shown = visible_rows(widget)
        assert len(shown) == len(WORDS)
        first = shown[0]
        assert first.startswith("▸q quote") or first.startswith(" q quote")
        assert " 0–5 " in first.replace("  ", " ")
        assert first.rstrip(" " + THUMB).endswith("Alpha")
        for row, word in zip(shown, WORDS, strict=True):
            assert row.rstrip(" " + THUMB).endswith(word)
        # Each row is exactly as wide as the list.
        assert {len(widget.render_line(y).text) for y in range(5)} == {widget.scrollable_content_region.width}


@run_async
async def test_mounts_10000_spans_and_scrolls() -> None:
    session = big_session()
    async with ListApp(session).run_test(size=SIZE) as pilot:
        widget = pilot.app.query_one(SpanList)
        assert widget.row_count == 10_000
        assert widget.virtual_size.height == 10_000
        assert visible_rows(widget)[0].rstrip(" " + THUMB).endswith("w00000")
        assert widget.highlighted == "s0"
        await pilot.press("end")
        assert widget.highlighted == "s9999"
        assert widget.scroll_offset.y > 9_000
        assert rows(widget)[-1].rstrip(" " + THUMB).endswith("w09999")
        await pilot.press("home", "down", "down", "pagedown")
        page = widget.scrollable_content_region.height - 1
        assert widget.highlighted == f"s{2 + page}"
        await pilot.press("pageup", "up")
        assert widget.highlighted == "s1"


@run_async
async def test_filter_by_label_shows_only_that_label() -> None:
    session = big_session(400)
    messages: list[Message] = []
    async with ListApp(session).run_test(size=SIZE, message_hook=messages.append) as pilot:
        widget = pilot.app.query_one(SpanList)
        widget.filter_label = "claim"
        await pilot.pause()
        assert widget.row_count == session.index.counts()["claim"] == 100
        shown = visible_rows(widget)
        assert shown and all(" claim " in row for row in shown)
        assert not any(name in row for row in shown for name in ("quote", "hedge", "number"))
        await pilot.press("end")
        assert widget.highlighted == session.index.ordered("claim")[-1].id

        # `f` cycles through the tag set's labels and back to all spans.
        await pilot.press("f")
        assert widget.filter_label == "hedge"
        assert all(" hedge " in row for row in visible_rows(widget))
        await pilot.press("f", "f")
        assert widget.filter_label is None
        assert widget.row_count == 400
        await pilot.press("f")
        assert widget.filter_label == "quote"
        assert [m.label for m in of_type(messages, SpanList.FilterChanged)] == [
            "claim",
            "hedge",
            "number",
            None,
            "quote",
        ]

        # An unknown or empty label means no filter.
        widget.filter_label = "nope"
        assert widget.filter_label is None


@run_async
async def test_filter_keeps_the_highlighted_span_when_it_stays_visible() -> None:
    session = big_session(400)
    async with ListApp(session).run_test(size=SIZE) as pilot:
        widget = pilot.app.query_one(SpanList)
        widget.highlight_span("s201")  # a claim (201 % 4 == 1)
        widget.filter_label = "claim"
        await pilot.pause()
        assert widget.highlighted == "s201"
        top = widget.scroll_offset.y
        assert top <= session.index.position("s201", "claim") < top + widget.scrollable_content_region.height


@run_async
async def test_empty_filter_says_so() -> None:
    session = make_session(TEXT, [(0, 5, "quote")])
    async with ListApp(session).run_test(size=SIZE) as pilot:
        widget = pilot.app.query_one(SpanList)
        await pilot.press("f", "f")
        assert widget.filter_label == "claim"
        assert widget.row_count == 0
        assert "no claim spans" in widget.render_line(0).text
        await pilot.press("enter")  # nothing to select: no crash, no message


@run_async
async def test_apply_change_updates_rows_after_add_and_remove() -> None:
    session = make_session(TEXT, word_spans(TEXT, WORDS[1:5]))
    async with ListApp(session).run_test(size=SIZE) as pilot:
        widget = pilot.app.query_one(SpanList)
        assert widget.row_count == 4

        start = TEXT.index("zeta")
        session.select(start, start + len("zeta"))
        added = session.tag("hedge")
        await pilot.pause()
        assert widget.row_count == 5
        assert widget.virtual_size.height == 5
        assert visible_rows(widget)[-1].rstrip(" " + THUMB).endswith("zeta")
        assert " hedge " in visible_rows(widget)[-1]

        # A span sorted before the others shifts every row after it.
        session.select(0, len("Alpha said"))
        early = session.tag("claim")
        await pilot.pause()
        shown = visible_rows(widget)
        assert len(shown) == 6
        assert shown[0].rstrip(" " + THUMB).endswith("Alpha said") and " claim " in shown[0]
        assert shown[1].rstrip(" " + THUMB).endswith("beta")

        session.delete(added.id)
        await pilot.pause()
        assert widget.row_count == 5
        assert not any("zeta" in row for row in visible_rows(widget))

        session.relabel(early.id, "quote")
        await pilot.pause()
        assert " quote " in visible_rows(widget)[0]

        # Resizing moves a span to another place in the order.
        session.resize(early.id, TEXT.index("theta"), len(TEXT) - 1)
        await pilot.pause()
        shown = visible_rows(widget)
        assert shown[0].rstrip(" " + THUMB).endswith("beta")
        assert shown[-1].rstrip(" " + THUMB).endswith("theta") and " quote " in shown[-1]

        session.undo()
        session.undo()
        session.undo()
        await pilot.pause()
        assert widget.row_count == 6
        assert " claim " in visible_rows(widget)[0]
        assert any(row.rstrip(" " + THUMB).endswith("zeta") for row in visible_rows(widget))
        assert [len(c.added) + len(c.removed) + len(c.updated) for c in pilot.app.changes] == [1, 1, 1, 1, 1, 1, 1, 1]


@run_async
async def test_removing_the_highlighted_span_moves_the_highlight_to_its_row() -> None:
    session = make_session(TEXT, word_spans(TEXT, WORDS))
    async with ListApp(session).run_test(size=SIZE) as pilot:
        widget = pilot.app.query_one(SpanList)
        await pilot.press("down", "down")
        removed = widget.highlighted
        session.delete(removed)
        await pilot.pause()
        assert widget.highlighted == session.index.nth(2).id
        await pilot.press("end")
        last = widget.highlighted
        session.delete(last)
        await pilot.pause()
        assert widget.highlighted == session.index.nth(len(session.index) - 1).id


@run_async
async def test_apply_change_in_filtered_list() -> None:
    session = big_session(40)
    async with ListApp(session).run_test(size=SIZE) as pilot:
        widget = pilot.app.query_one(SpanList)
        widget.filter_label = "number"
        await pilot.pause()
        assert widget.row_count == 10
        session.delete("s3")  # a number
        session.delete("s0")  # a quote: not in this list
        await pilot.pause()
        assert widget.row_count == 9
        assert all(" number " in row for row in visible_rows(widget))


@run_async
async def test_enter_posts_selected_with_the_span_id() -> None:
    session = make_session(TEXT, word_spans(TEXT, WORDS))
    messages: list[Message] = []
    async with ListApp(session).run_test(size=SIZE, message_hook=messages.append) as pilot:
        widget = pilot.app.query_one(SpanList)
        await pilot.press("down", "down", "enter")
        selected = of_type(messages, SpanList.Selected)
        assert [m.span_id for m in selected] == [session.index.nth(2).id]
        assert session.annotations.spans[selected[0].span_id].text == "Gamma"
        assert widget.highlighted == selected[0].span_id


@run_async
async def test_click_selects_the_row() -> None:
    session = make_session(TEXT, word_spans(TEXT, WORDS))
    messages: list[Message] = []
    async with ListApp(session).run_test(size=SIZE, message_hook=messages.append) as pilot:
        widget = pilot.app.query_one(SpanList)
        top = widget.content_region.y - widget.region.y
        assert await pilot.click(SpanList, offset=(5, top + 3))
        selected = of_type(messages, SpanList.Selected)
        assert [m.span_id for m in selected] == [session.index.nth(3).id]
        assert widget.highlighted == session.index.nth(3).id


@run_async
async def test_highlight_span_marks_and_scrolls_into_view() -> None:
    session = big_session()
    async with ListApp(session).run_test(size=SIZE) as pilot:
        widget = pilot.app.query_one(SpanList)
        widget.highlight_span("s5000")
        await pilot.pause()
        top = widget.scroll_offset.y
        assert top <= 5000 < top + widget.scrollable_content_region.height
        row = widget.render_line(5000 - top).text
        assert row.startswith("▸") and row.rstrip(" " + THUMB).endswith("w05000")
        assert widget.highlighted == "s5000"
        widget.highlight_span(None)
        await pilot.pause()
        assert not widget.render_line(5000 - widget.scroll_offset.y).text.startswith("▸")
        assert widget.highlighted == "s5000"  # the list's own cursor stays


@run_async
async def test_set_session_shows_another_document() -> None:
    session = big_session(500)
    async with ListApp(session).run_test(size=SIZE) as pilot:
        widget = pilot.app.query_one(SpanList)
        await pilot.press("end")
        other = make_session(TEXT, word_spans(TEXT, WORDS[:3]))
        widget.set_session(other)
        await pilot.pause()
        assert widget.row_count == 3
        assert widget.scroll_offset.y == 0
        assert widget.highlighted == other.index.nth(0).id
        assert [row.rstrip(" " + THUMB)[-5:] for row in visible_rows(widget)] == ["Alpha", " beta", "Gamma"]


HOSTILE = "He said [/quote] and [bold]loud[/bold].\nRed \x1b[31mALERT\x1b[0m here.\n東京 👍🏽 café 😀 end\ttab\x07bell."


@run_async
async def test_document_text_renders_literally() -> None:
    needles = [
        "[/quote] and [bold]loud[/bold]",
        "\x1b[31mALERT\x1b[0m",
        "東京 👍🏽 café 😀",
        "said [/quote] and [bold]loud[/bold].\nRed",
        "tab\x07bell",
    ]
    spans = []
    for i, needle in enumerate(needles):
        start = HOSTILE.index(needle)
        spans.append((start, start + len(needle), LABELS[i % 4]))
    session = make_session(HOSTILE, spans)
    async with ListApp(session).run_test(size=SIZE) as pilot:
        widget = pilot.app.query_one(SpanList)
        shown = visible_rows(widget)
        assert len(shown) == 5
        joined = "\n".join(shown)
        assert "\x1b" not in joined and "\x07" not in joined and "\t" not in joined
        assert "[/quote] and [bold]loud[/bold]" in joined
        assert "␛[31mALERT␛[0m" in joined
        assert "東京 👍🏽 café 😀" in joined
        assert f"said [/quote] and [bold]loud[/bold].{NEWLINE_MARK}Red" in joined
        assert "tab␇bell" in joined
        width = widget.scrollable_content_region.width
        for y in range(len(shown)):
            assert widget.render_line(y).cell_length == width


@run_async
async def test_long_span_text_is_cut_with_an_ellipsis() -> None:
    text = "東京" * 200 + " tail"
    session = make_session(text, [(0, 400, "quote"), (401, 405, "claim")])
    async with ListApp(session).run_test(size=(50, 10)) as pilot:
        widget = pilot.app.query_one(SpanList)
        width = widget.scrollable_content_region.width
        row = widget.render_line(0)
        assert row.cell_length == width
        assert row.text.rstrip(" " + THUMB).endswith(ELLIPSIS)
        assert "東京東京" in row.text
        assert widget.render_line(1).text.rstrip(" " + THUMB).endswith("tail")


@given(st.text(max_size=300), st.integers(min_value=0, max_value=80))
def test_one_line_fits_and_is_safe(text: str, width: int) -> None:
    shown = one_line(text, width)
    assert cell_len(shown) <= width
    assert "\n" not in shown and "\x1b" not in shown
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in shown)
    if cell_len(text) <= width and text.isprintable() and text.isascii():
        assert shown == text


@pytest.mark.parametrize("width", [1, 2, 5, 11])
def test_one_line_marks_cut_text(width: int) -> None:
    shown = one_line("a\nbcdefghijklmnopqrstuvwxyz", width)
    assert shown.endswith(ELLIPSIS)
    assert cell_len(shown) <= width
    if width > 2:
        assert shown.startswith("a" + NEWLINE_MARK)


@run_async
async def test_the_screen_follows_every_update() -> None:
    """Incremental refreshes leave no stale row on screen."""
    session = big_session(2_000)
    async with ListApp(session).run_test(size=SIZE) as pilot:
        app, widget = pilot.app, pilot.app.query_one(SpanList)

        async def check() -> None:
            await pilot.pause()
            assert screen_rows(app, widget) == rows(widget)

        widget.highlight_span("s1000")
        await check()
        top = widget.scroll_offset.y
        first_shown = session.index.nth(top)

        # Before the viewport: every visible row shifts down by one.
        session.select(first_shown.start - 7, first_shown.start - 1)
        session.tag("hedge")
        await check()
        assert widget.scroll_offset.y == top
        assert screen_rows(app, widget)[0].rstrip(" " + THUMB).endswith(session.index.nth(top).text)

        # Inside the viewport: a delete, a relabel, a resize that moves a span.
        session.delete("s1005")
        await check()
        session.relabel("s1010", "quote")
        await check()
        session.resize("s1012", 0, 3)
        await check()
        session.undo()
        await check()

        # After the viewport: nothing visible changes but the scrollbar.
        session.delete("s1900")
        await check()

        # Cursor movement and the document cursor marker.
        await pilot.press("down", "down", "up")
        await check()
        widget.highlight_span("s1003")
        await check()
        widget.blur()
        await check()

        # The highlighted span is removed under the list cursor.
        session.delete(widget.highlighted)
        await check()

        widget.filter_label = "number"
        await check()
        session.select(7 * 1003, 7 * 1003 + 6)  # w01003 is a number; tag a second one on it
        session.tag("claim")
        await check()


def test_thumb_rows_track_the_scroll_position() -> None:
    assert thumb_rows(0, 10, 10) == range(0)  # everything fits: no thumb
    assert thumb_rows(0, 10, 100) == range(0, 1)
    assert thumb_rows(90, 10, 100) == range(9, 10)  # at the bottom
    assert thumb_rows(0, 10, 20) == range(0, 5)  # half the rows shown: half the height
    assert thumb_rows(10, 10, 20) == range(5, 10)
    assert thumb_rows(0, 56, 10_000) == range(0, 1)  # never thinner than one row


@run_async
async def test_the_thumb_is_drawn_in_the_last_column_and_follows_the_list() -> None:
    session = big_session(2_000)
    async with ListApp(session).run_test(size=SIZE) as pilot:
        widget = pilot.app.query_one(SpanList)
        height = widget.scrollable_content_region.height

        def thumb() -> list[int]:
            return [y for y, row in enumerate(rows(widget)) if row.endswith(THUMB)]

        assert thumb() == [0]
        await pilot.press("end")
        assert thumb() == [height - 1]
        # The wheel scrolls the list although it has no scrollbar.
        await pilot.press("home")
        widget.post_message(events.MouseScrollDown(widget, 1, 1, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert widget.scroll_offset.y > 0
