"""The document view and the span list hand their rows to the compositor
without Textual's per-line styling pass: what they draw must be exactly what
that pass would have drawn, with the line filters (NO_COLOR) applied."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from test_ui_snapshots_app import SIZE, make_app
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from annotator.ui.app import AnnotatorApp
from annotator.ui.widgets.direct_lines import _plain_content_rows


def _cells(strips: list[Strip]) -> list[list[tuple[str, object]]]:
    return [[(segment.text, segment.style) for segment in strip.simplify()] for strip in strips]


def _through_textual(widget: Widget, crop: Region) -> list[Strip]:
    widget._styles_cache.clear()
    return Widget.render_lines(widget, crop)


async def _compare(app: AnnotatorApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "textual-dark"
        await pilot.pause()
        app.view.move_cursor(app.session.text.index("2,000"))
        await pilot.press("shift+right", "shift+right")
        for widget in (app.view, app.span_list):
            assert _plain_content_rows(widget)
            whole = widget.size.region
            for crop in (whole, Region(3, 1, whole.width - 7, whole.height - 2)):
                assert _cells(widget.render_lines(crop)) == _cells(_through_textual(widget, crop))
        # The span list's top border row still comes from Textual.
        assert "spans" in app.span_list.render_lines(app.span_list.size.region)[0].text
        app.view.styles.padding = (0, 2)
        assert not _plain_content_rows(app.view)
        app.work_file.close()


@pytest.mark.parametrize("no_color", [False, True])
def test_direct_rows_equal_textual_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_color: bool) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = make_app(tmp_path / "project")
    asyncio.run(_compare(app))
    if no_color:
        assert app.get_line_filters()  # the filter that drops colours was applied above


def _shown(widget: Widget) -> list[list[tuple[str, object]]]:
    """What the screen shows of `widget` now (its row caches as they are)."""
    region = widget.region
    screen = widget.screen._compositor.render_strips()
    return _cells([strip.crop(region.x, region.right) for strip in screen[region.y : region.bottom]])


async def _follow(app: AnnotatorApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "textual-dark"
        await pilot.pause()
        view = app.view
        steps = [
            ("ctrl+home",),
            ("right_square_bracket",),  # focus the first span
            ("right_square_bracket", "right_square_bracket"),  # focus moves on
            ("ctrl+right", "shift+right", "shift+right"),
            ("c",),  # tag: the new span is focused
            ("ctrl+z",),
            ("ctrl+y",),
            ("left_square_bracket",),
            ("d",),
            ("pagedown",),
            ("ctrl+home",),
        ]
        for keys in steps:
            await pilot.press(*keys)
            await pilot.pause()
            shown = _shown(view)
            view._rows.clear()
            assert shown == _shown(view), f"stale rows after {keys}"
        app.work_file.close()


def test_the_view_never_shows_stale_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    asyncio.run(_follow(make_app(tmp_path / "project")))
