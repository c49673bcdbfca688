"""Opening an article that changed since it was annotated: the app offers to re-anchor every
file of it, shows the result, opens it, and marks a span placed on changed text for review."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_async
from test_app_keys import ANNOTATOR, Scratch, drive, quit_app, scratch_project, wait_for

from annotator.storage.documents import load_document
from annotator.ui.screens.confirm import ConfirmScreen

LAST = "Traffic may return to normal in the spring, once the work is finished.\n"
OLD = (
    "The minister said the bridge would reopen in the spring, after repairs.\n\n"
    "Engineers counted 42 cracks in the supports of the eastern span last week.\n\n" + LAST
)
NEW = "Updated on Friday.\n\n" + OLD.replace("42 cracks", "45 cracks").replace("\n" + LAST, "")


@pytest.fixture
def edited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Scratch:
    """docs/a.txt annotated (two spans), then edited: a new first paragraph, a revised number."""
    project = scratch_project(tmp_path, monkeypatch, OLD)
    from annotator.model.editing import AnnotationSet
    from annotator.storage.annotation_files import dumps

    aset = AnnotationSet.new(load_document(project.root, "docs/a.txt"), ANNOTATOR, tagset=project.config.tagset)
    aset.create(OLD.index("minister"), OLD.index("minister") + 8, "quote")
    aset.create(OLD.index("42"), OLD.index("42") + 2, "number")
    aset.create(OLD.index("finished"), OLD.index("finished") + 8, "claim")
    project.file().parent.mkdir(parents=True, exist_ok=True)
    project.file().write_bytes(dumps(aset.to_file()))
    project.write_doc("a", NEW)
    return project


@run_async
async def test_a_changed_article_is_re_anchored_when_the_person_says_so(edited: Scratch) -> None:
    app = edited.app()
    async with drive(app) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the offer to re-anchor")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.session is not None, "the document, opened")
        spans = {span.text: span for span in app.session.annotations.spans.values()}
        assert spans["minister"].start == NEW.index("minister") and spans["minister"].reanchored is None
        assert spans["45"].reanchored is not None and spans["45"].reanchored.text == "42"
        assert "finished" not in spans and [o.span.text for o in app.session.annotations.orphaned] == ["finished"]
        await pilot.press("exclamation_mark")  # to the span to review
        assert app.session.cursor == spans["45"].start
        await pilot.press("equals_sign")  # accepted as it is
        assert app.session.annotations.spans[spans["45"].id].reanchored is None
        await pilot.press("ctrl+z")
        assert app.session.annotations.spans[spans["45"].id].reanchored is not None
        await pilot.press("ctrl+y", "ctrl+s")
        await quit_app(pilot)
    saved = edited.saved()
    assert edited.findings() == []
    assert [event["op"] for event in saved["history"]][-3:] == ["reanchor", "reanchor", "orphan"]
    assert [span.get("reanchored") for span in saved["spans"]] == [None, None]
    assert [orphan["span"]["text"] for orphan in saved["orphaned"]] == ["finished"]  # kept by the app's saves too
    assert saved["schema_version"] == 2


@run_async
async def test_not_now_leaves_the_file_as_it_was(edited: Scratch) -> None:
    before = edited.file().read_bytes()
    app = edited.app()
    async with drive(app) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the offer to re-anchor")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.return_code == 1, "the app leaving: nothing else to open")
    assert edited.file().read_bytes() == before
    assert "re-anchor them" in app.failure


def test_the_status_line_tells_a_re_anchored_span_to_review() -> None:
    from annotator.model.annotation import Reanchored, Span
    from annotator.ui.app import _span_details

    span = Span(
        id="s1", start=0, end=2, label="number", text="45", created_by="a", created_at="2026-01-01T00:00:00Z",
        modified_by="a", modified_at="2026-01-01T00:00:00Z",
        reanchored=Reanchored(start=40, end=42, text="42", score=0.7, at="2026-01-01T00:00:00Z"),
    )  # fmt: skip
    assert _span_details(span) == "re-anchored, review: was '42'"


@run_async
async def test_an_orphan_is_placed_on_the_selection_or_let_go_and_undo_takes_either_back(edited: Scratch) -> None:
    from annotator.ui.screens.orphans import OrphansScreen

    app = edited.app()
    async with drive(app) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the offer to re-anchor")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.session is not None, "the document, opened")
        aset = app.session.annotations
        [orphan] = aset.orphaned
        app.action_show_orphans()
        await wait_for(pilot, lambda: isinstance(app.screen, OrphansScreen), "the orphans")
        await pilot.press("enter")  # nothing selected: it cannot be placed
        assert aset.orphaned == [orphan] and orphan.span.id not in aset.spans
        # Select "span last week" and place it there.
        start = NEW.index("span last week")
        app.session.move_to(start)
        app.session.move_to(start + len("span last week"), extend=True)
        app.action_show_orphans()
        await wait_for(pilot, lambda: isinstance(app.screen, OrphansScreen), "the orphans again")
        await pilot.press("enter")
        placed = aset.spans[orphan.span.id]
        assert (placed.text, placed.label, aset.orphaned) == ("span last week", "claim", [])
        await pilot.press("ctrl+z")
        assert orphan.span.id not in aset.spans and aset.orphaned == [orphan]
        app.action_show_orphans()
        await wait_for(pilot, lambda: isinstance(app.screen, OrphansScreen), "the orphans once more")
        await pilot.press("d")
        assert aset.orphaned == []
        await pilot.press("ctrl+z")
        assert aset.orphaned == [orphan]
        await pilot.press("ctrl+y", "ctrl+s")
        await quit_app(pilot)
    saved = edited.saved()
    assert "orphaned" not in saved and edited.findings() == []
