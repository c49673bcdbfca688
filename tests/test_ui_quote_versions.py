"""The quote panel, driven with Pilot: `"` on a quote lists its other versions across the
corpus with the differences, and the speaker's other quotes; enter goes to one, in this
document or another; escape closes it. The ledger is built in a worker, shown as being built,
and built again after a save.

The project (tests/quote_project.py): Voice of America quotes Lloyd Austin "I would not make
any leaps of logic", Defense One "I would not make any leaps", and another quote of his.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from conftest import run_async
from quote_project import (
    CLAIM,
    DEFENSE_ONE,
    FORGET,
    LEAPS,
    LEAPS_OF_LOGIC,
    RUTHLESS,
    VOA,
    QuoteProject,
    at,
    make_quote_project,
)
from terminal_keys import press_as_sent
from test_app_keys import drive, wait_for
from textual.pilot import Pilot

from annotator.ledger import build
from annotator.ledger.model import ChangeKind, Segment
from annotator.ui.app import AnnotatorApp
from annotator.ui.quote_versions import BUILDING
from annotator.ui.widgets.document_view import DocumentView
from annotator.ui.widgets.quote_panel import QuoteList, QuotePanel
from annotator.ui.widgets.status_line import StatusLine


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> QuoteProject:
    monkeypatch.chdir(tmp_path)
    return make_quote_project(tmp_path / "project")


def panel(app: AnnotatorApp) -> QuotePanel:
    return app.query_one(QuotePanel)


def notices(app: AnnotatorApp) -> list[str]:
    return [notice.message for notice in app.notices]


async def versions_of(pilot: Pilot, needle: str, text: str = VOA) -> QuotePanel:
    """The cursor inside `needle`, `"` pressed as a terminal sends it, the ledger built."""
    app = pilot.app
    assert isinstance(app, AnnotatorApp)
    app.view.move_cursor(at(text, needle)[0] + 3)
    await pilot.pause()
    await press_as_sent(pilot, '"')
    await wait_for(pilot, lambda: app._ledger is not None and not app._ledger_building, "the quote ledger")
    await pilot.pause()
    return panel(app)


@run_async
async def test_the_key_on_a_quote_shows_the_other_outlets_version_and_the_dropped_words(project) -> None:
    app = project.app()
    async with drive(app) as pilot:
        shown = await versions_of(pilot, LEAPS_OF_LOGIC)
        assert shown.is_open and isinstance(app.focused, QuoteList)
        text = shown.shown
        assert "Lloyd Austin" in text and "also: Austin, Defense Secretary Lloyd Austin" in text
        assert f"this quote: Voice of America · voa [{at(VOA, LEAPS_OF_LOGIC)[0]}, " in text
        start, end = at(DEFENSE_ONE, LEAPS)
        assert f"▸ Defense One · d1 [{start}, {end}) direct\n  {LEAPS}" in text
        # The words only Voice of America has, in the table's notation: readable without colour.
        assert "vs this: … not make any leaps [-of logic-]," in text
        version = shown.highlighted_entry
        assert version is not None and (version.doc_id, version.span_id) == ("d1", "b1")
        assert Segment("of logic", "", ChangeKind.DROPPED) in version.differences
        # The speaker's other quote, in the other document.
        assert "Other quotes of Lloyd Austin (1)" in text and FORGET in text
        assert app.ledger_seconds is not None


@run_async
async def test_enter_opens_the_other_document_at_that_quote(project) -> None:
    app = project.app("voa")  # the other document is not in the queue: it joins it
    async with drive(app) as pilot:
        await versions_of(pilot, LEAPS_OF_LOGIC)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.document is not None and app.document.id == "d1", "the other document")
        await pilot.pause()
        assert app.session.cursor == at(DEFENSE_ONE, LEAPS)[0]
        assert app.view.focused_span == "b1"
        assert [item.relative_path for item in app.queue] == ["docs/voa.txt", "docs/d1.txt"]
        # The panel is about the quote gone to now: Voice of America's version has the words it lacks.
        await wait_for(pilot, lambda: "{+of logic+}" in panel(app).shown, "the panel on the Defense One quote")
        assert "this quote: Defense One · d1" in panel(app).shown


@run_async
async def test_enter_on_a_quote_of_the_same_document_moves_the_cursor_there(project) -> None:
    app = project.app("d1", "voa")
    async with drive(app) as pilot:
        shown = await versions_of(pilot, LEAPS, DEFENSE_ONE)
        await pilot.press("down")  # past the heading of the other quotes
        entry = shown.highlighted_entry
        assert entry is not None and entry.span_id == "b2"
        await pilot.press("enter")
        await pilot.pause()
        assert app.document.id == "d1" and app.position == 0
        assert app.session.cursor == at(DEFENSE_ONE, FORGET)[0] and app.view.focused_span == "b2"


@run_async
async def test_escape_closes_the_panel_and_gives_the_text_the_focus(project) -> None:
    app = project.app()
    async with drive(app) as pilot:
        shown = await versions_of(pilot, LEAPS_OF_LOGIC)
        side = app.query_one("#side")
        assert side.has_class("-quotes")
        await pilot.press("escape")
        await pilot.pause()
        assert not shown.is_open and not shown.display
        assert isinstance(app.focused, DocumentView) and not side.has_class("-quotes")
        assert app._quote_at is None


@run_async
async def test_in_a_narrow_window_the_side_column_shows_for_the_panel_and_hides_again(project) -> None:
    app = project.app()
    async with drive(app, size=(60, 24)) as pilot:
        side = app.query_one("#side")
        assert not side.display  # below 72 columns it hides by itself
        await versions_of(pilot, LEAPS_OF_LOGIC)
        assert side.display and panel(app).is_open
        await pilot.press("escape")
        await pilot.pause()
        assert not side.display


@run_async
async def test_on_a_span_that_is_not_a_quote_a_notification_says_so(project) -> None:
    app = project.app()
    async with drive(app) as pilot:
        app.view.move_cursor(at(VOA, CLAIM)[0] + 2)
        await pilot.pause()
        await press_as_sent(pilot, '"')
        await pilot.pause()
        assert not panel(app).is_open
        assert any("a claim span under the cursor, not a quote" in message for message in notices(app))
        app.view.move_cursor(at(VOA, RUTHLESS)[0] + 2)  # a quote with no speaker
        await pilot.pause()
        await press_as_sent(pilot, '"')
        await pilot.pause()
        assert not panel(app).is_open
        assert any("This quote has no speaker" in message for message in notices(app))
        app.view.move_cursor(0)  # no span at all
        await pilot.pause()
        await press_as_sent(pilot, '"')
        await pilot.pause()
        assert any("no span under the cursor" in message for message in notices(app))
        assert app._ledger is None  # nothing asked for a ledger


@run_async
async def test_the_panel_says_the_ledger_is_being_built(project, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real = build.ledger_of

    def slow(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "ledger_of", slow)
    app = project.app()
    async with drive(app) as pilot:
        app.view.move_cursor(at(VOA, LEAPS_OF_LOGIC)[0])
        await pilot.pause()
        await press_as_sent(pilot, '"')
        await pilot.pause()
        assert BUILDING in panel(app).shown
        release.set()
        await wait_for(pilot, lambda: "Defense One · d1" in panel(app).shown, "the ledger")
        assert BUILDING not in panel(app).shown


@run_async
async def test_a_quote_saved_since_the_ledger_was_built_is_listed(project) -> None:
    """The ledger is built again after a save: a speaker given to "ruthless" makes it his quote."""
    app = project.app()
    async with drive(app) as pilot:
        await versions_of(pilot, LEAPS_OF_LOGIC)
        await pilot.press("escape")
        app.session.set_details("a2", None, {"speaker": "Austin"})
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = await versions_of(pilot, LEAPS_OF_LOGIC)
        await wait_for(pilot, lambda: RUTHLESS in shown.shown, "the quote saved since")
        assert "Other quotes of Lloyd Austin (2)" in shown.shown


@run_async
async def test_unsaved_changes_are_named_until_a_save_brings_them_in(project, monkeypatch) -> None:
    app = project.app()
    monkeypatch.setattr(app, "_save_soon", lambda: None)  # no save on its own: only ctrl+s
    async with drive(app) as pilot:
        app.session.set_details("a2", None, {"speaker": "Austin"})
        shown = await versions_of(pilot, LEAPS_OF_LOGIC)
        assert "This document has changes not saved yet" in shown.shown and RUTHLESS not in shown.shown
        await pilot.press("escape", "ctrl+s")
        await versions_of(pilot, LEAPS_OF_LOGIC)
        await wait_for(pilot, lambda: RUTHLESS in shown.shown, "the quote the save brought in")
        assert "not saved yet" not in shown.shown


def test_quote_panel_snapshot(snap_compare, project: QuoteProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """The panel on Voice of America's quote, beside the text: look at the SVG before accepting it."""
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    app = project.app()

    async def run_before(pilot: Pilot) -> None:
        app.theme = "textual-dark"
        await versions_of(pilot, LEAPS_OF_LOGIC)
        status = app.query_one(StatusLine)
        await wait_for(pilot, lambda: "✓ valid" in status.render_line(0).text, "the validity check")
        await app.workers.wait_for_complete()
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=(110, 30), run_before=run_before)
    finally:
        if app.work_file is not None:  # the screenshot ends the app without ctrl+q
            app.work_file.close()
