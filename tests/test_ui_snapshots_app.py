"""SVG snapshots of the whole app: the main screen, the help screen, the details form.

The app opens a small fixed document whose annotation file already exists
(fixed ids and timestamps), at 100×30 in the dark theme, with animations off
and no cursor blink. Each test waits until the background validity check has
finished, so the status line always shows "saved │ ✓ valid".

Update with `pytest tests/test_ui_snapshots_app.py --snapshot-update` after a
deliberate change, and look at the SVGs before committing them.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from saved_project import app_on_saved_annotations
from textual.pilot import Pilot
from textual.widgets import Input

from annotator.ui.app import AnnotatorApp
from annotator.ui.screens.help import HelpScreen
from annotator.ui.screens.span_details import SpanDetailsScreen
from annotator.ui.widgets.status_line import StatusLine

SIZE = (100, 30)
TEXT = (
    'The minister said "we will act soon" after the vote.\n'
    "\n"
    "About 2,000 people may come, officials reportedly said. "
    "The plan will cost $100 million, and it could possibly pass.\n"
    "\n"
    'Critics said "it is too late" and called the claim false.\n'
)
SPANS = [
    ("we will act soon", "quote", {"speaker": "the minister"}),
    ("it is too late", "quote", {}),
    ("About 2,000 people may come", "claim", {"check_worthiness": "high"}),
    ("The plan will cost $100 million", "claim", {}),
    ("may", "hedge", {}),
    ("reportedly", "hedge", {}),
    ("possibly", "hedge", {}),
    ("2,000", "number", {"value": 2000}),
    ("$100 million", "number", {}),
]


def make_app(root: Path) -> AnnotatorApp:
    """A project with docs/budget.txt and its saved annotations; the app on it."""
    return app_on_saved_annotations(root, "budget", TEXT, SPANS, annotator="snap", meta='{"title": "Budget vote"}')


async def settle(pilot: Pilot, cursor_at: str) -> None:
    """Dark theme, the cursor on `cursor_at`, and the validity check done."""
    app = pilot.app
    assert isinstance(app, AnnotatorApp)
    app.theme = "textual-dark"
    await pilot.pause()
    app.view.move_cursor(TEXT.index(cursor_at))
    deadline = time.monotonic() + 10
    while "✓ valid" not in app.query_one(StatusLine).render_line(0).text:
        assert time.monotonic() < deadline, "the validity check did not finish"
        await pilot.pause(0.02)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def no_blink(pilot: Pilot) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    app = make_app(tmp_path / "project")
    yield app
    if app.work_file is not None:  # the screenshot ends the app without ctrl+q
        app.work_file.close()


def test_app_main_screen(snap_compare, app: AnnotatorApp) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot, "2,000")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_app_help_screen(snap_compare, app: AnnotatorApp) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot, "we will")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_app_details_form(snap_compare, app: AnnotatorApp) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot, "$100 million")
        await pilot.press("enter")  # the innermost span: the number inside the claim
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, SpanDetailsScreen) and screen.span.label == "number"
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
