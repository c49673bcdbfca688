"""AnnotatorApp driven with Pilot: every key behaviour, asserted on the session's
model and on the annotation file saved when the app quits.

Each test runs the real app on a scratch project (annotator.toml with
`documents = ["docs"]`, documents under docs/, annotations under out/) and ends
with ctrl+q, so the file on disk is what a person would get.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import run_async
from terminal_keys import press_as_sent
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from annotator.config import Config, load_config
from annotator.model.editing import AnnotationSet
from annotator.storage import dumps
from annotator.storage.documents import load_document
from annotator.storage.journal import journal_path
from annotator.storage.lock import lock_path
from annotator.ui import app as app_module
from annotator.ui.app import AnnotatorApp
from annotator.ui.screens.help import HelpScreen
from annotator.ui.screens.messages import MessagesScreen
from annotator.ui.screens.relabel import RelabelScreen
from annotator.ui.screens.span_details import SpanDetailsScreen
from annotator.ui.widgets.legend import Legend
from annotator.ui.widgets.status_line import StatusLine
from annotator.validation.engine import Validator

SIZE = (120, 40)
ANNOTATOR = "tester"

P1 = "The minister said the plan will cost $100 million and may help 2,000 families."
P2 = '"We will act soon," she said. Officials reportedly disagreed.'
P3 = "A third paragraph ends here."
TEXT = f"{P1}\n\n{P2}\n{P3}\n"
P2_START = TEXT.index(P2)
P3_START = TEXT.index(P3)
SECOND = "A second document with 42 words in it.\n"
LONG = "".join(f"Line {i} of a long document.\n" for i in range(100))

PROBE_TEXT = (
    "He said [/quote] and [bold]loud[/bold] words.\n"
    "Red \x1b[31mALERT\x1b[0m now.\n"
    "The 👨🏻‍🚒 firemen drive 中文 trucks.\n"
)
PROBE_TITLE = "[bold]Title[/quote] \x1b[31m"

LABELS = ("quote", "claim", "hedge", "number")


def at(needle: str, nth: int = 0, text: str = TEXT) -> int:
    """Offset of the nth occurrence of `needle`."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    return offset


@dataclass
class Scratch:
    """A scratch project: docs/*.txt, annotator.toml, annotations written to out/."""

    root: Path

    @property
    def config(self) -> Config:
        return load_config(start=self.root)

    @property
    def out(self) -> Path:
        return self.root / "out"

    def write_doc(self, name: str, text: str, meta: dict[str, str] | None = None) -> str:
        path = self.root / "docs" / f"{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        if meta is not None:
            path.with_name(f"{name}.meta.json").write_bytes(orjson.dumps(meta))
        return f"docs/{name}.txt"

    def app(self, *names: str) -> AnnotatorApp:
        return AnnotatorApp([f"docs/{name}.txt" for name in names or ("a",)], self.config, ANNOTATOR, self.out)

    def file(self, doc_id: str = "a") -> Path:
        return self.out / doc_id / f"{ANNOTATOR}.json"

    def saved(self, doc_id: str = "a") -> dict[str, Any]:
        return orjson.loads(self.file(doc_id).read_bytes())

    def findings(self, doc_id: str = "a") -> list:
        return Validator(self.config).validate_file(self.file(doc_id))

    def existing(self, spans: list[tuple[str, str]], doc: str = "a") -> AnnotationSet:
        """Write an annotation file with these (needle, label) spans, as a previous session would have."""
        document = load_document(self.root, f"docs/{doc}.txt")
        ticks, ids = itertools.count(), itertools.count(1)
        aset = AnnotationSet.new(
            document,
            ANNOTATOR,
            tagset=self.config.tagset,
            clock=lambda: f"2026-01-01T00:00:{next(ticks) % 60:02d}.000Z",
            make_id=lambda: f"old{next(ids)}",
        )
        for needle, label in spans:
            start = document.text.index(needle)
            aset.create(start, start + len(needle), label)
        path = self.file(document.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(dumps(aset.to_file()))
        return aset


def scratch_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Scratch:
    """A project in tmp_path/project with docs/a.txt holding `text`, made the working folder."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "annotator.toml").write_text('documents = ["docs"]\n', encoding="utf-8")
    project = Scratch(root)
    project.write_doc("a", text)
    monkeypatch.chdir(root)
    return project


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Scratch:
    return scratch_project(tmp_path, monkeypatch, TEXT)


# -- driving -------------------------------------------------------------------


@contextlib.asynccontextmanager
async def drive(app: AnnotatorApp, size: tuple[int, int] = SIZE) -> AsyncIterator[Pilot]:
    """Run the app; quit it with ctrl+q at the end unless the test already did."""
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        try:
            yield pilot
        finally:
            if app.work_file is not None and app.is_running:
                await pilot.press("ctrl+q")
                await pilot.pause()


async def wait_for(pilot: Pilot, condition: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def goto(pilot: Pilot, offset: int) -> None:
    """Put the cursor at `offset` (as a click would), without a selection."""
    app = pilot.app
    assert isinstance(app, AnnotatorApp)
    app.view.move_cursor(offset)
    await pilot.pause()


async def select(pilot: Pilot, start: int, end: int) -> None:
    app = pilot.app
    assert isinstance(app, AnnotatorApp)
    app.view.move_cursor(start)
    app.view.move_cursor(end, extend=True)
    await pilot.pause()


async def quit_app(pilot: Pilot) -> None:
    await pilot.press("ctrl+q")
    await pilot.pause()


def model(app: AnnotatorApp) -> list[tuple[str, str]]:
    """(label, text) of every span in the session, in document order."""
    assert app.session is not None
    spans = sorted(app.session.annotations.spans.values(), key=lambda s: (s.start, s.end, s.label))
    for span in spans:
        assert span.text == app.session.text[span.start : span.end]
    return [(span.label, span.text) for span in spans]


def saved_spans(data: dict[str, Any], text: str = TEXT) -> list[tuple[str, str]]:
    spans = data["spans"]
    for span in spans:
        assert span["text"] == text[span["start"] : span["end"]]
    return [(span["label"], span["text"]) for span in spans]


def check_saved(scratch: Scratch, expected: list[tuple[str, str]], doc_id: str = "a", text: str = TEXT) -> dict:
    """The file was written, validates cleanly, holds exactly `expected`, and left no journal or lock."""
    path = scratch.file(doc_id)
    assert path.exists()
    assert scratch.findings(doc_id) == []
    data = scratch.saved(doc_id)
    assert sorted(saved_spans(data, text)) == sorted(expected)
    assert not journal_path(path).exists()
    assert not lock_path(path).exists()
    return data


def status_text(app: AnnotatorApp) -> str:
    return app.query_one(StatusLine).render_line(0).text


# -- movement ---------------------------------------------------------------------


@run_async
async def test_character_movement(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        session = app.session
        assert session.cursor == 0
        await pilot.press("right", "right", "right")
        assert session.cursor == 3
        await pilot.press("left")
        assert session.cursor == 2
        await pilot.press("left", "left", "left")
        assert session.cursor == 0
        assert session.selection is None


@run_async
async def test_word_movement(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        session = app.session
        await pilot.press("ctrl+right")
        assert session.cursor == at("The") + 3
        await pilot.press("ctrl+right")
        assert session.cursor == at("minister") + len("minister")
        await pilot.press("ctrl+left")
        assert session.cursor == at("minister")
        await pilot.press("ctrl+left")
        assert session.cursor == 0


@run_async
async def test_line_movement_follows_wrapped_rows(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app, size=(100, 40)) as pilot:
        session, layout = app.session, app.view.layout_
        # The first paragraph is longer than the view is wide: it wraps.
        assert layout.row_of(len(P1) - 1) == 1
        await pilot.press("down")
        assert layout.row_of(session.cursor) == 1
        assert 0 < session.cursor < len(P1)
        await pilot.press("up")
        assert session.cursor == 0
        await goto(pilot, P2_START + 5)
        await pilot.press("end")
        assert session.cursor == P2_START + len(P2)
        await pilot.press("home")
        assert session.cursor == P2_START
        await pilot.press("down")
        assert session.cursor == P3_START
        await pilot.press("up")
        assert session.cursor == P2_START


@run_async
async def test_paragraph_movement(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        session = app.session
        await goto(pilot, 5)
        await pilot.press("ctrl+down")
        assert session.cursor == P2_START
        await pilot.press("ctrl+down")
        assert session.cursor == P3_START
        await pilot.press("ctrl+up")
        assert session.cursor == P2_START
        await pilot.press("ctrl+up")
        assert session.cursor == 0
        await pilot.press("right_curly_bracket")
        assert session.cursor == P2_START
        await pilot.press("left_curly_bracket")
        assert session.cursor == 0


@run_async
async def test_sentence_movement(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        session = app.session
        await goto(pilot, P2_START)
        await pilot.press("right_parenthesis")
        assert session.cursor == at("Officials")
        await pilot.press("right_parenthesis")
        assert session.cursor == P3_START
        await pilot.press("left_parenthesis")
        assert session.cursor == at("Officials")
        await pilot.press("left_parenthesis")
        assert session.cursor == P2_START


@run_async
async def test_page_movement(scratch: Scratch) -> None:
    scratch.write_doc("long", LONG)
    app = scratch.app("long")
    async with drive(app) as pilot:
        session, view = app.session, app.view
        page = view.scrollable_content_region.height - 1
        await pilot.press("pagedown")
        assert view.layout_.row_of(session.cursor) == page
        assert session.cursor == LONG.index(f"Line {page} ")
        assert view.scroll_offset.y > 0
        await pilot.press("pageup")
        assert session.cursor == 0
        assert view.scroll_offset.y == 0


@run_async
async def test_document_movement(scratch: Scratch) -> None:
    scratch.write_doc("long", LONG)
    app = scratch.app("long")
    async with drive(app) as pilot:
        session, view = app.session, app.view
        await pilot.press("ctrl+end")
        assert session.cursor == len(LONG)
        # The cursor is kept in view.
        top = view.scroll_offset.y
        assert top <= view.layout_.row_of(session.cursor) < top + view.scrollable_content_region.height
        await pilot.press("ctrl+home")
        assert session.cursor == 0
        assert view.scroll_offset.y == 0


# -- selecting -------------------------------------------------------------------


@run_async
async def test_shift_movement_selects(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        session = app.session
        await pilot.press("shift+right", "shift+right", "shift+right")
        assert session.selection == (0, 3)
        # As a terminal sends ctrl+shift+right (ESC [1;6C), not as the binding may spell it.
        await press_as_sent(pilot, "C-S-Right")
        assert session.selection == (0, at("minister") + len("minister"))
        await pilot.press("shift+left")
        assert session.selection == (0, at("minister") + len("minister") - 1)
        await pilot.press("right")  # a plain move drops the selection
        assert session.selection is None
        await goto(pilot, P2_START)
        await pilot.press("shift+end")
        assert session.selection == (P2_START, P2_START + len(P2))
        await press_as_sent(pilot, "C-S-Down")
        assert session.selection == (P2_START, P3_START)
        await pilot.press("escape")
        assert session.selection is None
        assert "sel" not in status_text(app)


@run_async
async def test_mark_then_plain_moves_select(scratch: Scratch) -> None:
    """`v` sets a mark: later plain moves extend the selection until it is used."""
    app = scratch.app()
    async with drive(app) as pilot:
        session = app.session
        await goto(pilot, at("minister"))
        await pilot.press("v", "ctrl+right")
        assert session.selection == (at("minister"), at("minister") + len("minister"))
        await pilot.press("ctrl+right", "ctrl+right")
        assert session.selection == (at("minister"), at("the plan") + len("the"))
        assert "sel 17" in status_text(app)
        await pilot.press("c")
        assert model(app) == [("claim", "minister said the")]
        # Tagging used the selection and ended the mark.
        await pilot.press("right")
        assert session.selection is None
        await pilot.press("v", "right", "right", "escape", "right")
        assert session.selection is None
        await quit_app(pilot)
    check_saved(scratch, [("claim", "minister said the")])


@run_async
async def test_w_selects_word_and_s_selects_sentence(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        session = app.session
        await goto(pilot, at("minister") + 3)
        await pilot.press("w")
        assert session.selection == (at("minister"), at("minister") + len("minister"))
        await pilot.press("h")
        await goto(pilot, at("act soon"))
        await pilot.press("s")
        sentence = '"We will act soon," she said.'
        assert session.selection == (P2_START, P2_START + len(sentence))
        await pilot.press("q")
        assert model(app) == [("hedge", "minister"), ("quote", sentence)]
        await quit_app(pilot)
    check_saved(scratch, [("hedge", "minister"), ("quote", sentence)])


# -- tagging ---------------------------------------------------------------------


@pytest.mark.parametrize("key, label", [("q", "quote"), ("c", "claim"), ("h", "hedge"), ("n", "number")])
@run_async
async def test_tag_key_tags_trimmed_selection(scratch: Scratch, key: str, label: str) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        start = at(" the plan ")
        await select(pilot, start, start + len(" the plan "))  # whitespace at both edges
        await pilot.press(key)
        assert model(app) == [(label, "the plan")]
        assert app.session.selection is None
        assert app.query_one(Legend)._counts[label] == 1
        await quit_app(pilot)
    check_saved(scratch, [(label, "the plan")])


@run_async
async def test_digits_tag_in_tag_set_order(scratch: Scratch) -> None:
    app = scratch.app()
    words = ["minister", "plan", "help", "families"]
    async with drive(app) as pilot:
        for digit, word in enumerate(words, start=1):
            await goto(pilot, at(word) + 1)
            await pilot.press(str(digit))
        expected = list(zip(LABELS, words, strict=True))
        assert model(app) == expected
        await quit_app(pilot)
    check_saved(scratch, expected)


@pytest.mark.parametrize(
    "needle, inside, token",
    [
        ("2,000", 2, "2,000"),
        ("$100 million", 0, "$100 million"),
        ("$100 million", 7, "$100 million"),
        ("families", 3, "families"),
    ],
)
@run_async
async def test_no_selection_tags_token_under_cursor(scratch: Scratch, needle: str, inside: int, token: str) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await goto(pilot, at(needle) + inside)
        await pilot.press("n")
        assert model(app) == [("number", token)]
        await quit_app(pilot)
    check_saved(scratch, [("number", token)])


@run_async
async def test_nothing_to_tag_is_a_warning_not_a_span(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await goto(pilot, len(P1) + 1)  # the blank line
        await pilot.press("q")
        assert model(app) == []
        assert any("nothing to tag" in n.message for n in app.notices)


@run_async
async def test_recent_messages_keep_what_the_toasts_said(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await goto(pilot, len(P1) + 1)  # the blank line
        await pilot.press("q")
        app.notify("[bold] is \x1b[31mnot markup", title="probe", severity="error", markup=False)
        app.action_show_messages()
        await wait_for(
            pilot, lambda: isinstance(app.screen, MessagesScreen) and app.screen.query("#messages-list"), "the messages"
        )
        shown = str(app.screen.query_one("#messages-list").render())
        assert shown.index("[bold] is ␛[31mnot markup") < shown.index("nothing to tag")  # newest first
        assert "error  probe" in shown and "warning" in shown
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, MessagesScreen), "the messages to close")


@run_async
async def test_tag_over_span_of_another_label_overlaps(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await goto(pilot, 5)
        await pilot.press("s", "c")  # the whole first sentence as a claim
        await goto(pilot, at("2,000") + 1)
        await pilot.press("n")
        assert model(app) == [("claim", P1), ("number", "2,000")]
        assert sorted(s.label for s in app.session.spans_at_cursor()) == ["claim", "number"]
        assert "claim⊃number" in status_text(app)
        # The same label on the same range again is refused, not duplicated.
        await pilot.press("n")
        assert model(app) == [("claim", P1), ("number", "2,000")]
        await quit_app(pilot)
    check_saved(scratch, [("claim", P1), ("number", "2,000")])


# -- span edits ------------------------------------------------------------------


@run_async
async def test_r_relabels_through_the_relabel_screen(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await goto(pilot, at("We will"))
        await pilot.press("w", "q", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SpanDetailsScreen), "the details form")
        await pilot.press(*"Jane", "ctrl+s")
        await wait_for(pilot, lambda: not app.screen.is_modal, "the form to close")
        (span,) = app.session.annotations.spans.values()
        assert span.attributes == {"speaker": "Jane"}
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RelabelScreen), "the relabel screen")
        await pilot.press("escape")
        await pilot.pause()
        assert model(app) == [("quote", "We")]
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RelabelScreen), "the relabel screen")
        await pilot.press("h")
        await wait_for(pilot, lambda: not app.screen.is_modal, "the relabel screen to close")
        assert model(app) == [("hedge", "We")]
        (relabelled,) = app.session.annotations.spans.values()
        assert relabelled.id == span.id
        assert relabelled.attributes == {}  # hedge has no speaker
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RelabelScreen), "the relabel screen")
        await pilot.press("down", "enter")  # arrows and enter: the label after hedge
        await wait_for(pilot, lambda: not app.screen.is_modal, "the relabel screen to close")
        assert model(app) == [("number", "We")]
        await quit_app(pilot)
    data = check_saved(scratch, [("number", "We")])
    assert [event["op"] for event in data["history"]].count("relabel") == 2


@run_async
async def test_d_deletes_the_span_under_the_cursor(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await goto(pilot, at("plan"))
        await pilot.press("q")
        await goto(pilot, at("help"))
        await pilot.press("h")
        await goto(pilot, at("plan") + 2)
        await pilot.press("d")
        assert model(app) == [("hedge", "help")]
        await goto(pilot, at("families"))
        await pilot.press("d")  # nothing here: a warning, nothing deleted
        assert model(app) == [("hedge", "help")]
        assert any("No span under the cursor" in n.message for n in app.notices)
        await quit_app(pilot)
    check_saved(scratch, [("hedge", "help")])


@run_async
async def test_bracket_keys_jump_between_spans(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        session, view = app.session, app.view
        for word, key in (("plan", "q"), ("may", "h"), ("Officials", "c"), ("act", "q")):
            await goto(pilot, at(word))
            await pilot.press(key)
        spans = {span.text: span for span in session.annotations.spans.values()}
        await pilot.press("ctrl+home", "right_square_bracket")
        assert session.cursor == at("plan")
        assert view.focused_span == spans["plan"].id
        await pilot.press("right_square_bracket")
        assert session.cursor == at("may")
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert session.cursor == at("Officials")
        await pilot.press("right_square_bracket")  # no further span: stay
        assert session.cursor == at("Officials")
        await pilot.press("left_square_bracket")
        assert session.cursor == at("act")
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert session.cursor == at("plan")


@run_async
async def test_shift_label_key_jumps_to_next_span_of_that_label(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        session = app.session
        for word, key in (("plan", "q"), ("may", "h"), ("act", "q"), ("Officials", "c")):
            await goto(pilot, at(word))
            await pilot.press(key)
        await pilot.press("ctrl+home", "Q")
        assert session.cursor == at("plan")
        await pilot.press("Q")
        assert session.cursor == at("act")
        await pilot.press("Q")  # no further quote
        assert session.cursor == at("act")
        await pilot.press("ctrl+home", "H")
        assert session.cursor == at("may")
        await pilot.press("C")
        assert session.cursor == at("Officials")
        await pilot.press("ctrl+home", "N")  # no number span at all
        assert session.cursor == 0


@run_async
async def test_tab_cycles_stacked_spans_and_d_acts_on_the_focused_one(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        session, view = app.session, app.view
        await goto(pilot, 5)
        await pilot.press("s", "c")
        await goto(pilot, at("2,000") + 1)
        await pilot.press("n")
        ids = {span.label: span.id for span in session.annotations.spans.values()}
        await goto(pilot, at("families"))  # leaving the spans drops the focus
        assert view.focused_span is None
        await goto(pilot, at("2,000") + 1)
        await pilot.press("tab")
        first = view.focused_span
        assert first in ids.values()
        await pilot.press("tab")
        second = view.focused_span
        assert {first, second} == set(ids.values())
        await pilot.press("tab")
        assert view.focused_span == first
        assert session.cursor == at("2,000") + 1  # cycling does not move the cursor
        while view.focused_span != ids["claim"]:
            await pilot.press("tab")
        await pilot.press("d")
        assert model(app) == [("number", "2,000")]
        await quit_app(pilot)
    check_saved(scratch, [("number", "2,000")])


@run_async
async def test_e_and_b_resize_by_words(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await select(pilot, at("will act"), at("will act") + len("will act"))
        await pilot.press("q")
        assert model(app) == [("quote", "will act")]
        await pilot.press("e")
        assert model(app) == [("quote", "will act soon")]
        await pilot.press("E")
        assert model(app) == [("quote", "will act")]
        await pilot.press("b")
        assert model(app) == [("quote", "We will act")]
        await pilot.press("B")
        assert model(app) == [("quote", "will act")]
        await pilot.press("B")
        assert model(app) == [("quote", "act")]
        await pilot.press("B")  # a single word cannot shrink away
        assert model(app) == [("quote", "act")]
        assert any("single word" in n.message for n in app.notices)
        await quit_app(pilot)
    data = check_saved(scratch, [("quote", "act")])
    assert [event["op"] for event in data["history"]] == ["create"] + ["resize"] * 5


# -- details form -------------------------------------------------------------------


@run_async
async def test_enter_opens_details_and_saves_speaker_and_note(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await goto(pilot, at("act soon"))
        await pilot.press("s", "q", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SpanDetailsScreen), "the details form")
        assert isinstance(app.focused, Input) and app.focused.value == ""
        await pilot.press(*"Jane Doe", "enter")  # enter: next field (the note)
        assert app.focused.id == "details-note"
        await pilot.press(*"checked", "enter")  # enter in the last field submits
        await wait_for(pilot, lambda: not app.screen.is_modal, "the form to close")
        (span,) = app.session.annotations.spans.values()
        assert span.attributes == {"speaker": "Jane Doe"}
        assert span.note == "checked"
        await quit_app(pilot)
    data = check_saved(scratch, [("quote", '"We will act soon," she said.')])
    assert data["spans"][0]["attributes"] == {"speaker": "Jane Doe"}
    assert data["spans"][0]["note"] == "checked"


@run_async
async def test_number_details_are_prefilled_from_the_text(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await goto(pilot, at("$100"))
        await pilot.press("n", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SpanDetailsScreen), "the details form")
        inputs = {widget.id: widget.value for widget in app.screen.query(Input)}
        assert "100000000" in inputs.values()
        assert "USD" in inputs.values()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not app.screen.is_modal, "the form to close")
        (span,) = app.session.annotations.spans.values()
        assert span.attributes == {"value": 100_000_000, "unit": "USD"}
        # Escape cancels: nothing changes.
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SpanDetailsScreen), "the details form")
        await pilot.press("ctrl+u", *"7", "escape")
        await wait_for(pilot, lambda: not app.screen.is_modal, "the form to close")
        assert app.session.annotations.spans[span.id].attributes == {"value": 100_000_000, "unit": "USD"}
        await quit_app(pilot)
    data = check_saved(scratch, [("number", "$100 million")])
    assert data["spans"][0]["attributes"] == {"value": 100_000_000, "unit": "USD"}


@run_async
async def test_enter_with_no_span_here_opens_nothing(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert not app.screen.is_modal


# -- undo and redo ---------------------------------------------------------------


@run_async
async def test_undo_redo_tagging(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await goto(pilot, at("plan"))
        await pilot.press("q")
        await goto(pilot, at("2,000"))
        await pilot.press("n")
        (number_id,) = [s.id for s in app.session.annotations.spans.values() if s.label == "number"]
        await pilot.press("ctrl+z")
        assert model(app) == [("quote", "plan")]
        await pilot.press("ctrl+z")
        assert model(app) == []
        await pilot.press("ctrl+z")  # nothing left to undo
        assert model(app) == []
        await pilot.press("ctrl+y")
        assert model(app) == [("quote", "plan")]
        await pilot.press("ctrl+y")
        assert model(app) == [("quote", "plan"), ("number", "2,000")]
        assert number_id in app.session.annotations.spans  # redo brings the same span back
        await pilot.press("u")  # the alternative keys
        assert model(app) == [("quote", "plan")]
        await pilot.press("ctrl+r")
        assert model(app) == [("quote", "plan"), ("number", "2,000")]
        assert app.span_list.row_count == 2
        await quit_app(pilot)
    check_saved(scratch, [("quote", "plan"), ("number", "2,000")])


@run_async
async def test_undo_redo_attribute_edits_relabel_and_delete(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        session = app.session
        await goto(pilot, at("2,000"))
        await pilot.press("n", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SpanDetailsScreen), "the details form")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not app.screen.is_modal, "the form to close")
        (span_id,) = session.annotations.spans
        assert session.annotations.spans[span_id].attributes == {"value": 2000}
        await pilot.press("ctrl+z")
        assert session.annotations.spans[span_id].attributes == {}
        await pilot.press("ctrl+y")
        assert session.annotations.spans[span_id].attributes == {"value": 2000}
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RelabelScreen), "the relabel screen")
        await pilot.press("c")
        await wait_for(pilot, lambda: not app.screen.is_modal, "the relabel screen to close")
        assert model(app) == [("claim", "2,000")]
        await pilot.press("ctrl+z")
        assert model(app) == [("number", "2,000")]
        assert session.annotations.spans[span_id].attributes == {"value": 2000}
        await pilot.press("d")
        assert model(app) == []
        await pilot.press("ctrl+z")
        assert model(app) == [("number", "2,000")]
        await pilot.press("ctrl+y")
        assert model(app) == []
        await pilot.press("ctrl+z")
        await quit_app(pilot)
    data = check_saved(scratch, [("number", "2,000")])
    assert data["spans"][0]["attributes"] == {"value": 2000}
    assert data["spans"][0]["id"] == span_id


@run_async
async def test_undo_keys_do_not_reach_behind_an_open_dialog(scratch: Scratch) -> None:
    """ctrl+z in the details form must not undo the tagging of the span being edited."""
    app = scratch.app()
    async with drive(app) as pilot:
        await goto(pilot, at("We"))
        await pilot.press("q", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SpanDetailsScreen), "the details form")
        await pilot.press(*"Jo", "ctrl+z", "ctrl+y")
        assert model(app) == [("quote", "We")]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not app.screen.is_modal, "the form to close")
        (span,) = app.session.annotations.spans.values()
        assert span.attributes == {"speaker": "Jo"}
        await quit_app(pilot)
    check_saved(scratch, [("quote", "We")])


# -- documents, done, help, palette ------------------------------------------------


@run_async
async def test_ctrl_d_marks_done_and_the_file_keeps_the_status(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await goto(pilot, at("plan"))
        await pilot.press("q", "ctrl+d")
        assert app.session.annotations.status == "done"
        assert "done 1/1" in status_text(app)
        await pilot.press("ctrl+d")
        assert app.session.annotations.status == "in_progress"
        assert "done 0/1" in status_text(app)
        await pilot.press("ctrl+d")
        await quit_app(pilot)
    assert check_saved(scratch, [("quote", "plan")])["status"] == "done"
    # Reopened, the document is still done: no stale status from the journal.
    app = scratch.app()
    async with drive(app) as pilot:
        assert app.session.annotations.status == "done"
        assert "done 1/1" in status_text(app)
        assert not app.work_file.dirty
        await quit_app(pilot)
    assert scratch.saved()["status"] == "done"


@run_async
async def test_ctrl_d_alone_is_saved(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await pilot.press("ctrl+d")
        await quit_app(pilot)
    assert check_saved(scratch, [])["status"] == "done"


@run_async
async def test_next_and_previous_document_with_progress(scratch: Scratch) -> None:
    scratch.write_doc("b", SECOND)
    app = scratch.app("a", "b")
    async with drive(app) as pilot:
        assert app.document.id == "a"
        assert "1/2" in status_text(app)
        await goto(pilot, at("plan"))
        await pilot.press("q", "ctrl+d")
        assert "done 1/2" in status_text(app)
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert app.document.id == "b"
        assert app.position == 1
        assert model(app) == []
        assert app.span_list.row_count == 0
        assert "2/2" in status_text(app) and "done 1/2" in status_text(app)
        # Leaving a document saves it.
        check_saved(scratch, [("quote", "plan")], "a")
        assert scratch.saved("a")["status"] == "done"
        await goto(pilot, SECOND.index("42"))
        await pilot.press("n")
        await pilot.press("greater_than_sign")  # wraps around
        await pilot.pause()
        assert app.document.id == "a"
        assert model(app) == [("quote", "plan")]
        assert app.span_list.row_count == 1
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert app.document.id == "b"
        assert model(app) == [("number", "42")]
        await quit_app(pilot)
    check_saved(scratch, [("quote", "plan")], "a")
    check_saved(scratch, [("number", "42")], "b", SECOND)


@run_async
async def test_single_document_queue_stays_put(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert app.document.id == "a"
        assert any("only document" in n.message for n in app.notices)


@pytest.mark.parametrize("key", ["f1", "question_mark"])
@run_async
async def test_help_opens_and_lists_the_keys(scratch: Scratch, key: str) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        shown = str(app.screen.query_one("#help-bindings").render())
        for description in ("quote", "claim", "hedge", "number", "next span", "delete span", "relabel", "undo"):
            assert description in shown
        assert "Tag" in shown and "Move" in shown
        await pilot.press(key)  # the same key closes it
        await wait_for(pilot, lambda: not app.screen.is_modal, "the help screen to close")
        # Keys reach the document again.
        await goto(pilot, at("plan"))
        await pilot.press("q")
        assert model(app) == [("quote", "plan")]


async def palette_choose(pilot: Pilot, query: str, expected: str) -> None:
    """Open the palette, type `query`, wait for a hit containing `expected`, choose it."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")
    await pilot.press(*query)

    def hits() -> list[str]:
        return [str(option.prompt) for option in app.screen.query_one(CommandList).options]

    await wait_for(pilot, lambda: any(expected in hit for hit in hits()), f"a hit for {expected!r}")
    commands = app.screen.query_one(CommandList)
    while expected not in str(commands.options[commands.highlighted or 0].prompt):
        await pilot.press("down")
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette to close")


@run_async
async def test_palette_goes_to_a_span(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        for word, key in (("plan", "q"), ("Officials", "h")):
            await goto(pilot, at(word))
            await pilot.press(key)
        await pilot.press("ctrl+home")
        await palette_choose(pilot, "officials", "Go to span: hedge Officials")
        session = app.session
        assert session.cursor == at("Officials")
        (hedge,) = [s for s in session.annotations.spans.values() if s.label == "hedge"]
        assert app.view.focused_span == hedge.id
        assert app.focused is app.view
        await pilot.press("d")  # the focused span is the one acted on
        assert model(app) == [("quote", "plan")]
        await palette_choose(pilot, "filter quote", "Filter spans by label: quote")
        assert app.span_list.filter_label == "quote"
        await quit_app(pilot)
    check_saved(scratch, [("quote", "plan")])


@run_async
async def test_span_list_keys(scratch: Scratch) -> None:
    """f2 hides and shows the side panel; ctrl+l focuses the list, enter there goes to the span."""
    app = scratch.app()
    async with drive(app) as pilot:
        for word, key in (("plan", "q"), ("may", "h"), ("Officials", "c")):
            await goto(pilot, at(word))
            await pilot.press(key)
        side = app.query_one("#side")
        await pilot.press("f2")
        assert not side.display
        await pilot.pause()
        assert app.view.layout_.width > 100  # the document takes the whole width
        await pilot.press("f2")
        assert side.display
        await pilot.press("ctrl+home", "ctrl+l")
        assert app.focused is app.span_list
        await pilot.press("home", "down", "enter")
        assert app.focused is app.view
        assert app.session.cursor == at("may")
        await pilot.press("ctrl+l", "f")  # f filters the list by label: quote first
        assert app.span_list.filter_label == "quote"
        assert app.span_list.row_count == 1


@run_async
async def test_ctrl_s_saves_now_and_delete_key_deletes(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await goto(pilot, at("plan"))
        await pilot.press("q", "ctrl+s")
        assert scratch.file().exists()
        assert saved_spans(scratch.saved()) == [("quote", "plan")]
        await pilot.press("delete")
        assert model(app) == []
        await pilot.press("ctrl+s")
        assert saved_spans(scratch.saved()) == []
        await quit_app(pilot)
    check_saved(scratch, [])


# -- opening, saving, quitting ------------------------------------------------------


@run_async
async def test_quit_saves_a_valid_file(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        for word, key in (("minister", "q"), ("plan", "c"), ("may", "h"), ("2,000", "n")):
            await goto(pilot, at(word))
            await pilot.press(key)
        await quit_app(pilot)
    assert not app.is_running
    expected = [("quote", "minister"), ("claim", "plan"), ("hedge", "may"), ("number", "2,000")]
    data = check_saved(scratch, expected)
    assert data["annotator"] == ANNOTATOR
    assert data["document"]["path"] == "docs/a.txt"
    assert [event["op"] for event in data["history"]] == ["create"] * 4


@run_async
async def test_debounced_save_writes_while_running(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await goto(pilot, at("plan"))
        await pilot.press("q")
        await wait_for(
            pilot, lambda: scratch.file().exists() and len(scratch.saved()["spans"]) == 1, "the background save"
        )
        await wait_for(pilot, lambda: "saved" in status_text(app) and "unsaved" not in status_text(app), "saved")
        await wait_for(pilot, lambda: "✓ valid" in status_text(app), "the validity check")
        assert scratch.findings() == []


@run_async
async def test_a_file_not_written_yet_is_not_a_problem(scratch: Scratch, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check after opening used to read the new file before its first save: "✗ 1 problem"."""
    monkeypatch.setattr(app_module, "SAVE_DELAY", 30.0)  # the first save comes long after that check
    monkeypatch.setattr(app_module, "OPEN_CHECK_DELAY", 0.4)
    app = scratch.app()
    async with drive(app) as pilot:
        await pilot.press("q")  # before the check that follows the opening
        await pilot.pause(0.8)
        assert not scratch.file().exists()
        assert "problem" not in status_text(app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "✓ valid" in status_text(app), "the validity check after the save")


@run_async
async def test_quit_without_edits_writes_nothing(scratch: Scratch) -> None:
    app = scratch.app()
    async with drive(app) as pilot:
        await pilot.press("right", "w", "escape")
        await quit_app(pilot)
    assert not scratch.file().exists()
    assert not lock_path(scratch.file()).exists()


@run_async
async def test_opening_an_existing_file_shows_and_keeps_its_spans(scratch: Scratch) -> None:
    old = [("minister", "quote"), ("plan", "claim"), ("2,000", "number")]
    scratch.existing(old)
    before = scratch.file().read_bytes()
    app = scratch.app()
    async with drive(app) as pilot:
        assert len(app.session.index) == 3
        assert app.span_list.row_count == 3
        assert app.query_one(Legend)._counts == {"quote": 1, "claim": 1, "hedge": 0, "number": 1}
        await pilot.press("right_square_bracket")
        assert app.session.cursor == at("minister")
        await quit_app(pilot)
    assert scratch.file().read_bytes() == before  # nothing edited, nothing rewritten

    app = scratch.app()
    async with drive(app) as pilot:
        assert sorted(app.session.annotations.spans) == ["old1", "old2", "old3"]
        await goto(pilot, at("may"))
        await pilot.press("h")
        assert len(app.session.index) == 4
        await quit_app(pilot)
    data = check_saved(scratch, [(label, text) for text, label in old] + [("hedge", "may")])
    assert {"old1", "old2", "old3"} <= {span["id"] for span in data["spans"]}

    app = scratch.app()
    async with drive(app) as pilot:
        assert len(app.session.index) == 4
        assert app.span_list.row_count == 4


@run_async
async def test_markup_ansi_emoji_and_cjk_render_literally(scratch: Scratch) -> None:
    scratch.write_doc("probe", PROBE_TEXT, meta={"title": PROBE_TITLE})
    app = scratch.app("probe")
    async with drive(app) as pilot:
        for needle, key in (
            ("[/quote]", "q"),
            ("[bold]loud", "c"),
            ("\x1b[31mALERT", "h"),
            ("👨🏻‍🚒 firemen", "n"),
            ("中文", "q"),
        ):
            start = PROBE_TEXT.index(needle)
            await select(pilot, start, start + len(needle))
            await pilot.press(key)
        await goto(pilot, PROBE_TEXT.index("中文"))
        await pilot.pause()
        view = app.view
        rows = [view.render_line(y).text for y in range(view.scrollable_content_region.height)]
        shown = "\n".join(rows)
        assert "He said [/quote] and [bold]loud[/bold] words." in rows[0]
        assert "Red ␛[31mALERT␛[0m now." in rows[1]
        assert "👨🏻" in rows[2] and "🚒 firemen drive 中文 trucks." in rows[2]
        assert "\x1b" not in shown
        span_rows = "\n".join(
            app.span_list.render_line(y).text for y in range(app.span_list.scrollable_content_region.height)
        )
        for literal in ("[/quote]", "[bold]loud", "␛[31mALERT", "🚒 firemen", "中文"):
            assert literal in span_rows
        assert "\x1b" not in span_rows
        status = status_text(app)
        assert "[bold]Title[/quote] ␛[31m" in status and "\x1b" not in status
        assert "quote" in status  # the span under the cursor
        # The whole screen, as the terminal would get it, has no raw escape from the text.
        assert "\x1b" not in app.export_screenshot()
        await palette_choose(pilot, "[/quote]", "Go to span: quote [/quote]")
        assert app.session.cursor == PROBE_TEXT.index("[/quote]")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SpanDetailsScreen), "the details form")
        assert "[/quote]" in str(app.screen.query_one("#details-text").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.screen.is_modal, "the form to close")
        # tab names the focused span in a notification: its text is made safe too.
        await goto(pilot, PROBE_TEXT.index("ALERT"))
        await pilot.press("tab")
        messages = [notification.message for notification in app.notices]
        assert any("hedge: ␛[31mALERT" in message for message in messages)
        assert not any("\x1b" in message for message in messages)
        await quit_app(pilot)
    expected = [
        ("quote", "[/quote]"),
        ("claim", "[bold]loud"),
        ("hedge", "\x1b[31mALERT"),
        ("number", "👨🏻‍🚒 firemen"),
        ("quote", "中文"),
    ]
    check_saved(scratch, expected, "probe", PROBE_TEXT)


# -- mouse -----------------------------------------------------------------------


def _cell_of(app: AnnotatorApp, offset: int) -> tuple[int, int]:
    """Where the character at `offset` is drawn, relative to the view's region."""
    from annotator.ui.widgets.document_view import GUTTER_WIDTH, MARGIN

    view = app.view
    row = view.layout_.row_of(offset)
    start, _ = view.layout_.row_range(row)
    left = view.gutter.left + MARGIN + GUTTER_WIDTH
    return left + offset - start, row - view.scroll_offset.y


@run_async
async def test_click_places_the_cursor_and_drag_selects(scratch: Scratch) -> None:
    from textual import events

    app = scratch.app()
    async with drive(app) as pilot:
        view, session = app.view, app.session
        target = at("plan")
        await pilot.click(view, offset=_cell_of(app, target))
        assert session.cursor == target and session.selection is None

        start, end = at("will cost"), at("will cost") + len("will cost")
        await pilot.mouse_down(view, offset=_cell_of(app, start))
        x, y = _cell_of(app, end)
        view.post_message(events.MouseMove(view, x, y, 0, 0, 1, False, False, False))
        await pilot.pause()
        await pilot.mouse_up(view, offset=(x, y))
        assert session.selection == (start, end)
        await pilot.press("c")
        assert ("claim", "will cost") in model(app)


@run_async
async def test_the_wheel_scrolls_the_document(scratch: Scratch) -> None:
    from textual import events

    scratch.write_doc("long", LONG)
    app = scratch.app("long")
    async with drive(app) as pilot:
        view = app.view
        assert view.scroll_offset.y == 0
        view.post_message(events.MouseScrollDown(view, 5, 5, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert view.scroll_offset.y > 0
        assert app.session.cursor == 0  # scrolling does not move the cursor
        view.post_message(events.MouseScrollUp(view, 5, 5, 0, -1, 0, False, False, False))
        await pilot.pause()
        assert view.scroll_offset.y == 0
