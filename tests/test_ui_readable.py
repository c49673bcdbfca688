"""What a person sees first: readable text at first paint, in every theme, and
a layout, toasts and a Footer that leave the important parts visible.

Contrast is checked on the cells each widget renders (tests/rendered.py), with
the WCAG threshold for body text, 4.5:1. The tmux tests check the same on a
real terminal (tests/test_terminal_app.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_async
from rendered import widget_contrast
from saved_project import app_on_saved_annotations
from test_adjudication import two_annotators
from textual.widgets import Footer

from annotator.storage.documents import load_document
from annotator.storage.work_file import WorkFile
from annotator.ui.app import AnnotatorApp
from annotator.ui.review_app import ReviewApp
from annotator.ui.widgets.document_view import DocumentView
from annotator.ui.widgets.legend import Legend
from annotator.ui.widgets.span_list import SpanList
from annotator.ui.widgets.status_line import StatusLine

READABLE = 4.5
TEXT = (
    'The minister said "we will act soon" after the vote.\n\nAbout 2,000 people may come, officials reportedly said.\n'
)
SPANS = [
    ("we will act soon", "quote", {"speaker": "the minister"}),
    ("2,000", "number", {"value": 2000}),
    ("may", "hedge", {}),
]
THEMES = ("textual-dark", "textual-light")


def make_project(root: Path) -> AnnotatorApp:
    return app_on_saved_annotations(root, "a", TEXT, SPANS, annotator="reader", out="out")


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AnnotatorApp:
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path / "project")


def assert_readable(app: AnnotatorApp) -> None:
    for widget in (
        app.query_one(DocumentView),
        app.query_one(SpanList),
        app.query_one(Legend),
        app.query_one(StatusLine),
    ):
        contrast = widget_contrast(widget)
        assert contrast.meets(READABLE), f"{type(widget).__name__} in {app.theme}: {contrast}"


@run_async
async def test_every_widget_is_readable_at_first_paint(app: AnnotatorApp) -> None:
    """Nothing pressed: the styles resolved before the CSS applied drew the text
    in the background colour (#121212 on #121212) until something took the focus."""
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert_readable(app)
        await pilot.press("ctrl+q")


@run_async
async def test_the_review_is_readable_at_first_paint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import CONFIG_TOML, Project
    from conftest import TEXT as PROJECT_TEXT

    root = tmp_path / "project"
    root.mkdir()
    (root / "annotator.toml").write_text(CONFIG_TOML, encoding="utf-8")
    monkeypatch.chdir(root)
    project = Project(root)
    project.write_doc("docs/a.txt", PROJECT_TEXT)
    files = two_annotators(project)
    for name, file in files.items():
        project.write(f"a/{name}.json", file)
    app = ReviewApp("docs/a.txt", project.config, "gold", "carol", root / "annotations", files)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert_readable(app)
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("theme", THEMES)
@run_async
async def test_a_theme_change_reaches_every_widget_at_once(app: AnnotatorApp, theme: str) -> None:
    """The view resolved its styles when the theme changed, before the new theme's
    CSS was applied: the document stayed one theme behind the side panel."""
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        other = next(name for name in THEMES if name != theme)
        for name in (theme, other, theme):
            app.theme = name
            await pilot.pause()
            assert_readable(app)
            # The empty second line shows the view's own background: the theme's, not the last one's.
            screen_background = tuple(app.screen.background_colors[1].rgb)
            row = app.query_one(DocumentView).render_line(1)
            backgrounds = {tuple(segment.style.bgcolor.get_truecolor()) for segment in row}
            assert backgrounds == {screen_background}, (name, backgrounds)
        await pilot.press("ctrl+q")


@run_async
async def test_escape_leaves_the_span_list(app: AnnotatorApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+l")
        assert app.focused is app.query_one(SpanList)
        footer = " ".join(str(key.description) for key in app.query("FooterKey"))
        assert "back to the text" in footer  # and the Footer says how
        await pilot.press("escape")
        assert app.focused is app.query_one(DocumentView)
        await pilot.press("ctrl+q")


@run_async
async def test_a_locked_file_stops_the_app_with_who_holds_it(app: AnnotatorApp) -> None:
    path = app.out_dir / "a" / "reader.json"
    document = load_document(app.config.root, "docs/a.txt")
    other_session = WorkFile.open(path, document, "reader", app.tagset)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
        assert app.return_code == 1
        assert app.failure is not None
        assert "already open for editing by" in app.failure and "pid" in app.failure
        assert str(path) in app.failure
    finally:
        other_session.close()


@pytest.mark.parametrize(
    ("size", "side_shown", "side_width"),
    [
        ((40, 12), False, None),
        ((80, 24), True, range(24, 31)),
        ((120, 40), True, range(34, 39)),
        ((200, 60), True, range(56, 65)),
    ],
)
@run_async
async def test_the_side_panel_takes_a_share_of_the_window(
    app: AnnotatorApp, size: tuple[int, int], side_shown: bool, side_width: range | None
) -> None:
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        side = app.query_one("#side")
        view = app.query_one(DocumentView)
        assert side.display is side_shown
        if side_width is not None:
            assert side.size.width in side_width
        assert view.size.width >= size[0] // 2  # the text always gets most of the window
        await pilot.press("f2")  # F2 still shows or hides it
        await pilot.pause()
        assert side.display is not side_shown
        await pilot.press("f2")
        await pilot.pause()
        assert side.display is side_shown
        await pilot.press("ctrl+q")


@run_async
async def test_toasts_leave_the_status_line_visible(app: AnnotatorApp) -> None:
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await pilot.pause()
        app.notify("A notification with a fairly long message in it.", timeout=30)
        app.notify("And a second one.", timeout=30)
        for _ in range(50):  # the toast rack shows them a moment later
            await pilot.pause(0.02)
            toasts = [toast for toast in app.screen.query("Toast") if toast.region.height]
            if len(toasts) == 2:
                break
        assert len(toasts) == 2
        status = app.query_one(StatusLine).region
        for toast in toasts:
            assert not toast.region.overlaps(status), (toast.region, status)
        await pilot.press("ctrl+q")


@pytest.mark.parametrize("width", [80, 120])
@run_async
async def test_the_footer_leads_with_what_a_newcomer_needs(app: AnnotatorApp, width: int) -> None:
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        footer = app.query_one(Footer)
        keys = [key for key in footer.query("FooterKey") if key.region.right <= footer.region.right]
        shown = [str(key.description) for key in keys if key.region.width and key.region.x < width]
        assert shown[:8] == ["mark", "quote", "claim", "hedge", "number", "undo", "help", "quit"]
        for key in keys[:8]:
            assert key.region.right <= width - len(" ^p palette"), f"{key.description} is cut off at {width} columns"
        await pilot.press("ctrl+q")
