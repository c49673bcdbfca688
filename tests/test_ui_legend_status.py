"""Legend and StatusLine, driven with Pilot."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from conftest import run_async
from textual.app import App, ComposeResult
from textual.strip import Strip

from annotator.editor.session import EditorSession
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet
from annotator.model.tagset import LabelSpec, TagSet, default_tagset
from annotator.ui.widgets.legend import Legend
from annotator.ui.widgets.status_line import StatusLine

CSS = Path(__file__).resolve().parent.parent / "annotator" / "ui" / "widgets" / "side_panel.tcss"
SIZE = (100, 30)
LABELS = ("quote", "claim", "hedge", "number")


class SideApp(App[None]):
    CSS_PATH = str(CSS)

    def __init__(self, tagset: TagSet | None = None) -> None:
        super().__init__()
        self.tagset = tagset or default_tagset()

    def compose(self) -> ComposeResult:
        yield Legend(self.tagset, id="legend")
        yield StatusLine(id="status")


def lines(widget) -> list[Strip]:
    return [widget.render_line(y) for y in range(widget.size.height)]


def text_of(widget) -> str:
    return "\n".join(strip.text.rstrip() for strip in lines(widget))


def make_session() -> EditorSession:
    text = 'The minister said "we will act soon". About 42 people may come, reportedly.'
    document = Document("docs/a.txt", text, DocumentMeta("a"), text_sha256(text))
    counter = itertools.count(1)
    aset = AnnotationSet.new(document, "tester", tagset=default_tagset(), make_id=lambda: f"s{next(counter)}")
    session = EditorSession(aset, default_tagset())
    for needle, label in [("we will act soon", "quote"), ("42", "number"), ("42 people", "number"), ("may", "hedge")]:
        start = text.index(needle)
        session.select(start, start + len(needle))
        session.tag(label)
    return session


# -- Legend ----------------------------------------------------------------


@run_async
async def test_legend_shows_each_label_key_name_count_and_total() -> None:
    async with SideApp().run_test(size=SIZE) as pilot:
        legend = pilot.app.query_one(Legend)
        assert text_of(legend).split() == "q quote 0 c claim 0 h hedge 0 n number 0 total 0".split()
        legend.update_counts({"quote": 17, "claim": 22, "hedge": 3, "number": 5})
        await pilot.pause()
        assert text_of(legend) == "q quote 17  c claim 22  h hedge 3  n number 5  total 47"
        assert legend.total == 47


@run_async
async def test_legend_counts_come_from_the_span_index() -> None:
    session = make_session()
    async with SideApp().run_test(size=SIZE) as pilot:
        legend = pilot.app.query_one(Legend)
        legend.update_counts(session.index.counts())  # labels without spans are absent
        await pilot.pause()
        assert legend.counts == {"quote": 1, "claim": 0, "hedge": 1, "number": 2}
        assert "c claim 0" in text_of(legend)
        assert text_of(legend).endswith("total 4")


@run_async
async def test_legend_wraps_between_items_never_inside_one() -> None:
    async with SideApp().run_test(size=(30, 20)) as pilot:
        legend = pilot.app.query_one(Legend)
        legend.update_counts({"quote": 1234, "claim": 5678, "hedge": 9, "number": 10})
        await pilot.pause()
        rows = text_of(legend).splitlines()
        assert legend.size.height == len(rows) > 1
        items = [item for row in rows for item in row.split("  ")]
        assert items == ["q quote 1234", "c claim 5678", "h hedge 9", "n number 10", "total 6931"]
        assert all(len(row) <= legend.size.width for row in rows)


def label_text_styles(strips: list[Strip], names: list[str]) -> dict[str, tuple]:
    """(bold, italic, underline, dim) of the segment showing each label name."""
    found = {}
    for strip in strips:
        for segment in strip:
            if segment.text in names:
                style = segment.style
                found[segment.text] = (bool(style.bold), bool(style.italic), bool(style.underline), bool(style.dim))
    return found


@run_async
async def test_legend_labels_differ_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = SideApp()
    assert app.no_color
    async with app.run_test(size=SIZE) as pilot:
        legend = pilot.app.query_one(Legend)
        legend.update_counts({"quote": 1, "claim": 2, "hedge": 3, "number": 4})
        await pilot.pause()
        # What the terminal gets: the strips after the app's NO_COLOR filters.
        background = legend.background_colors[1]
        filtered = []
        for strip in lines(legend):
            segments = list(strip)
            for line_filter in app.get_line_filters():
                segments = line_filter.apply(segments, background)
            filtered.append(Strip(segments))
        styles = label_text_styles(filtered, list(LABELS))
        assert set(styles) == set(LABELS)
        assert len(set(styles.values())) == len(LABELS)
        for segments in filtered:
            for segment in segments:
                color = segment.style.color if segment.style else None
                if color is not None and color.triplet is not None:
                    r, g, b = color.triplet
                    assert r == g == b, f"{segment.text!r} is coloured under NO_COLOR"


@run_async
async def test_legend_shows_a_custom_tag_set() -> None:
    tagset = TagSet(
        [
            LabelSpec("person", "", "p", "#ff0000"),
            LabelSpec("place", "", "l", "not a colour"),
            LabelSpec("odd_name", "[bold]x[/bold]", "o", "#00ff00"),
        ]
    )
    async with SideApp(tagset).run_test(size=SIZE) as pilot:
        legend = pilot.app.query_one(Legend)
        legend.update_counts({"person": 2, "odd_name": 1, "ghost": 9})
        await pilot.pause()
        assert text_of(legend) == "p person 2  l place 0  o odd_name 1  total 3"


# -- StatusLine ---------------------------------------------------------------


STATE = dict(
    document="Budget speech",
    position=2,
    total=5,
    done=1,
    cursor=123,
    selection=None,
    spans_here=[],
    saved="saved",
    problems=0,
)


@run_async
async def test_status_line_shows_each_field() -> None:
    async with SideApp().run_test(size=SIZE) as pilot:
        status = pilot.app.query_one(StatusLine)
        status.update_state(**STATE)
        await pilot.pause()
        text = status.render_line(0).text
        assert status.size.height == 1
        for part in ("Budget speech", "2/5", "done 1/5", "@123", "saved", "✓ valid"):
            assert part in text
        assert "sel" not in text and "unsaved" not in text

        status.update_state(
            **{
                **STATE,
                "selection": (100, 107),
                "spans_here": ["number", "quote"],  # innermost first
                "saved": "unsaved",
                "problems": 3,
            }
        )
        await pilot.pause()
        text = status.render_line(0).text
        for part in ("@123 sel 7", "quote⊃number", "unsaved", "✗ 3 problems"):
            assert part in text

        status.update_state(**{**STATE, "saved": "save failed", "problems": None})
        await pilot.pause()
        text = status.render_line(0).text
        assert "save failed" in text and "✓" not in text and "✗" not in text


@run_async
async def test_status_line_from_a_session() -> None:
    session = make_session()
    session.move_to(session.text.index("42 people") + 1)
    here = [span.label for span in session.spans_at_cursor()]
    async with SideApp().run_test(size=SIZE) as pilot:
        status = pilot.app.query_one(StatusLine)
        status.update_state(**{**STATE, "cursor": session.cursor, "spans_here": here, "problems": 1})
        await pilot.pause()
        text = status.render_line(0).text
        assert f"@{session.cursor}" in text
        assert "number⊃number" in text
        assert "✗ 1 problem" in text and "problems" not in text


@run_async
async def test_status_line_styles_tell_saved_from_failed_without_colour() -> None:
    async with SideApp().run_test(size=SIZE) as pilot:
        status = pilot.app.query_one(StatusLine)

        def style_of(word: str):
            for segment in status.render_line(0):
                if segment.text == word:
                    return segment.style.without_color
            raise AssertionError(f"{word!r} not shown")

        status.update_state(**{**STATE, "saved": "save failed", "problems": 2})
        await pilot.pause()
        failed = style_of("save failed")
        status.update_state(**STATE)
        await pilot.pause()
        assert style_of("saved") != failed


@run_async
async def test_status_line_never_interprets_the_title() -> None:
    hostile = "Budget [bold]speech[/quote] \x1b[31mred\x1b[0m\nline 東京 👍"
    async with SideApp().run_test(size=SIZE) as pilot:
        status = pilot.app.query_one(StatusLine)
        status.update_state(**{**STATE, "document": hostile})
        await pilot.pause()
        strip = status.render_line(0)
        text = strip.text
        assert "Budget [bold]speech[/quote] ␛[31mred␛[0m line 東京 👍" in text
        assert "\x1b" not in text and "\n" not in text
        assert strip.cell_length <= status.size.width


@run_async
async def test_status_line_narrow_keeps_the_important_fields() -> None:
    async with SideApp().run_test(size=(44, 10)) as pilot:
        status = pilot.app.query_one(StatusLine)
        status.update_state(
            **{
                **STATE,
                "document": "A very long document title that cannot fit" * 3,
                "spans_here": ["quote"],
                "saved": "unsaved",
                "problems": 12,
            }
        )
        await pilot.pause()
        text = status.render_line(0).text
        assert "unsaved" in text and "✗ 12 problems" in text
        assert "A very long" in text and "…" in text
        assert "done 1/5" not in text
