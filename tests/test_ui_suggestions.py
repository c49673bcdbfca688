"""Suggestions in the annotation app: shown as a document opens, settled with the review's keys,
undone like any edit, saved with their origin and kept as rejections."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from conftest import run_async
from test_app_keys import ANNOTATOR, Scratch, drive, quit_app, scratch_project, wait_for

from annotator.model.suggestion_ref import SuggestionRef
from annotator.storage.documents import load_document
from annotator.suggest.base import Suggestion
from annotator.suggest.store import store
from annotator.ui.app import AnnotatorApp
from annotator.ui.widgets.document_view import MarkKind
from annotator.ui.widgets.status_line import StatusLine
from annotator.ui.widgets.suggestion_panel import SuggestionPanel
from annotator.validation.engine import Validator

TEXT = (
    "“We will act soon,” the minister said.\n"
    "\n"
    "About 2,000 people may come to the square, reportedly.\n"
    "Officials said the plan could change.\n"
)


def span(needle: str, label: str, **attributes) -> Suggestion:
    start = TEXT.index(needle)
    return Suggestion(start, start + len(needle), label, attributes)


QUOTE = span("“We will act soon,”", "quote", speaker="the minister")
NUMBER = span("2,000", "number", value=2000, unit="people")
CLAIM = span("2,000 people may come", "claim")  # overlaps the number and "may": one group, three versions
HEDGES = [span("may", "hedge"), span("reportedly", "hedge"), span("could", "hedge")]


@pytest.fixture
def plain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Scratch:
    """A project with docs/a.txt and no suggestions."""
    return scratch_project(tmp_path, monkeypatch, TEXT)


@pytest.fixture
def suggested(plain: Scratch) -> Scratch:
    """The same, with a suggester's stored suggestions for it."""
    document = load_document(plain.root, "docs/a.txt")
    store(plain.config, document, SuggestionRef("fake", "2"), [QUOTE, NUMBER, CLAIM, *HEDGES])
    return plain


async def opened(pilot, app: AnnotatorApp) -> None:
    await wait_for(pilot, lambda: app.suggestions is not None, "the suggestions")
    await pilot.pause()


def pending_marks(app: AnnotatorApp) -> list[tuple[int, int, MarkKind]]:
    return sorted(app.view._mark_layers.get("suggest", ()))


def saved(project: Scratch) -> dict:
    return orjson.loads(project.file().read_bytes())


@run_async
async def test_suggestions_show_as_a_document_opens(suggested: Scratch) -> None:
    app = suggested.app()
    async with drive(app) as pilot:
        await opened(pilot, app)
        assert app.pending_suggestions == 6
        assert len(pending_marks(app)) == 6
        assert {kind for *_, kind in pending_marks(app)} == {MarkKind.SUGGESTED}
        assert app.query_one(StatusLine).state.suggested == 6
        panel = app.query_one(SuggestionPanel)
        assert panel.display and "6 of 6 pending" in str(panel.render())
        shown = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled and b.binding.show}
        assert {"suggestion_accept", "suggestion_reject", "suggestion_next"} <= shown


@run_async
async def test_accept_reject_and_undo_with_the_review_keys(suggested: Scratch) -> None:
    app = suggested.app()
    async with drive(app) as pilot:
        await opened(pilot, app)
        await pilot.press("j")  # the first pending suggestion: the quote
        assert app.session.cursor == QUOTE.start
        assert {kind for start, _, kind in pending_marks(app) if start == QUOTE.start} == {MarkKind.CURRENT}
        await pilot.press("y")
        (accepted,) = app.session.annotations.spans.values()
        assert (accepted.start, accepted.end, accepted.label) == (QUOTE.start, QUOTE.end, "quote")
        assert accepted.origin == "suggested"
        assert accepted.source == f"fake@2#quote-{QUOTE.start}-{QUOTE.end}"
        assert accepted.attributes == {"speaker": "the minister"}
        assert app.pending_suggestions == 5
        # On to the next group: the number, the claim and "may" overlap, three versions.
        assert app.session.cursor == NUMBER.start
        await pilot.press("o")
        assert app._suggestion_cursor.candidate().label == "claim"
        await pilot.press("x")  # rejects the rest: all three
        rejected = {(r.annotator, r.label) for r in app.session.annotations.rejected}
        assert rejected == {("fake", "number"), ("fake", "claim"), ("fake", "hedge")}
        assert app.pending_suggestions == 2
        await pilot.press("ctrl+z")
        assert app.session.annotations.rejected == [] and app.pending_suggestions == 5
        await pilot.press("ctrl+z")
        assert not app.session.annotations.spans and app.pending_suggestions == 6
        await pilot.press("ctrl+y")
        assert app.pending_suggestions == 5


@run_async
async def test_accept_every_suggestion_of_a_label(suggested: Scratch) -> None:
    app = suggested.app()
    async with drive(app) as pilot:
        await opened(pilot, app)
        app.view.move_cursor(HEDGES[1].start)  # on "reportedly": its group is the current one
        await pilot.pause()
        await pilot.press("A")
        hedges = sorted((s.start, s.end) for s in app.session.annotations.spans.values())
        assert hedges == sorted((h.start, h.end) for h in HEDGES)
        assert app.pending_suggestions == 3
        await pilot.press("ctrl+z")  # one change: one undo
        assert app.pending_suggestions == 6


@run_async
async def test_what_is_settled_is_saved_valid_and_stays_settled(suggested: Scratch) -> None:
    app = suggested.app()
    async with drive(app) as pilot:
        await opened(pilot, app)
        await pilot.press("j", "y", "x")  # accept the quote, reject the number, the claim and "may"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: suggested.file().exists(), "the save")
        await quit_app(pilot)
    data = saved(suggested)
    assert [(s["label"], s["origin"], s["source"]) for s in data["spans"]] == [
        ("quote", "suggested", f"fake@2#quote-{QUOTE.start}-{QUOTE.end}")
    ]
    assert sorted(r["label"] for r in data["rejected"]) == ["claim", "hedge", "number"]
    assert all(r["by"] == ANNOTATOR and r["annotator"] == "fake" for r in data["rejected"])
    assert Validator(suggested.config).validate_file(suggested.file()) == []
    again = suggested.app()  # the next session: only two hedges are pending
    async with drive(again) as pilot:
        await opened(pilot, again)
        assert again.pending_suggestions == 2


@run_async
async def test_without_suggestions_the_keys_are_free_and_hidden(plain: Scratch) -> None:
    app = plain.app()
    async with drive(app) as pilot:
        await pilot.pause(0.3)
        assert app.suggestions is None and app.pending_suggestions is None
        assert not app.query_one(SuggestionPanel).display
        assert app.query_one(StatusLine).state.suggested is None
        shown = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        assert not shown & {"suggestion_accept", "suggestion_next"}


@run_async
async def test_built_ins_run_when_the_document_opens(plain: Scratch) -> None:
    app = AnnotatorApp(["docs/a.txt"], plain.config, ANNOTATOR, plain.out, suggest=("numbers",))
    async with drive(app) as pilot:
        await opened(pilot, app)
        assert app.pending_suggestions and app.pending_suggestions >= 1
        assert (plain.root / "suggestions" / "a" / "numbers.json").exists()


@run_async
async def test_marks_changed_a_few_at_a_time_are_drawn_as_if_drawn_anew(suggested: Scratch) -> None:
    """set_marks re-indexes only the marks that changed; the rows must be as a full index makes them."""
    app = suggested.app()
    async with drive(app) as pilot:
        await opened(pilot, app)
        view = app.view
        for key in ("j", "j", "o", "y", "x", "k", "ctrl+z", "A"):
            await pilot.press(key)
            view.set_marks([(0, 5, MarkKind.MATCH), (40, 52, MarkKind.MATCH_CURRENT)], layer="search")
            incremental = {row: sorted(marks) for row, marks in view._marks_by_row.items()}
            view._index_marks()
            assert incremental == {row: sorted(marks) for row, marks in view._marks_by_row.items()}, key
            assert view.marks == sorted(view.marks)


@run_async
async def test_with_suggestions_the_footer_still_leads_with_help_and_quit_at_80_columns(suggested: Scratch) -> None:
    """The panel names the suggestion keys; the Footer keeps what a newcomer needs first."""
    from textual.widgets import Footer

    app = suggested.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app)
        footer = app.query_one(Footer)
        shown = [str(key.description) for key in footer.query("FooterKey") if key.region.width]
        assert shown[:8] == ["mark", "quote", "claim", "hedge", "number", "undo", "help", "quit"]
        assert shown[8:11] == ["next suggestion", "accept suggestion", "reject suggestion"]
        panel = str(app.query_one(SuggestionPanel).render())
        assert "j/k next/previous suggestion" in panel
        await pilot.press("ctrl+q")
