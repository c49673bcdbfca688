"""The annotation app: a queue of documents, one editing session at a time.

Keys become actions, actions call the EditorSession, and the session's
Change notifications fan out to the view, the side panel, the journal and
a debounced save in a worker thread.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer

from annotator import prose
from annotator.anchoring.outcome import Outcome
from annotator.config import Config
from annotator.editor.search import SearchError, SearchState
from annotator.editor.session import Change, EditorSession
from annotator.keys import APP_BINDINGS, SUGGEST_BINDINGS, KeyBinding, all_bindings
from annotator.model.annotation import Span
from annotator.model.document import Document, DocumentError, document_id_for
from annotator.model.editing import EditError
from annotator.model.numbers import parse_number
from annotator.storage import ConflictError, StorageError
from annotator.storage.documents import load_document, load_meta
from annotator.storage.files import OpenError
from annotator.storage.work_file import DocumentChanged, Resolution, WorkFile
from annotator.text import clip, details_text, display_text
from annotator.ui.bindings import FooterOrderScreen, HelpRows, help_sections, textual_bindings
from annotator.ui.commands import AnnotatorCommands
from annotator.ui.quote_versions import QuoteVersions
from annotator.ui.screens.confirm import ConfirmScreen
from annotator.ui.screens.conflict import ConflictScreen
from annotator.ui.screens.goto import GotoScreen
from annotator.ui.screens.help import HelpScreen
from annotator.ui.screens.messages import RECENT_NOTICES, MessagesScreen, Notice
from annotator.ui.screens.orphans import OrphanAction, OrphanChoice, OrphansScreen
from annotator.ui.screens.relabel import RelabelScreen
from annotator.ui.screens.span_details import SpanDetails, SpanDetailsScreen
from annotator.ui.suggesting import SUGGEST_ACTIONS, Suggesting
from annotator.ui.widgets.document_view import DocumentView, MarkKind
from annotator.ui.widgets.legend import Legend
from annotator.ui.widgets.quote_panel import QuotePanel
from annotator.ui.widgets.search_bar import SearchBar
from annotator.ui.widgets.span_list import SpanList
from annotator.ui.widgets.status_line import SaveState, StatusLine
from annotator.ui.widgets.suggestion_panel import SuggestionPanel

SAVE_DELAY = 0.5
CHECK_DELAY = 2.0
OPEN_CHECK_DELAY = 1.0


@dataclass
class QueueItem:
    """One document of the queue and where its annotations go."""

    relative_path: str
    annotation_path: Path
    done: bool = False


def _span_details(span: Span) -> str:
    """What the status line says of the span under the cursor: its attributes and note, and, for a
    span re-anchoring placed on changed text, what it said before, to review."""
    details = details_text(span.attributes, span.note)
    if span.reanchored is None:
        return details
    was = clip(span.reanchored.text, 40)
    return " · ".join(part for part in (f"re-anchored, review: was '{was}'", details) if part)


class AnnotatorApp(QuoteVersions, Suggesting, App[None]):
    """Annotate a queue of documents with the keyboard."""

    TITLE = "annotator"
    CSS_PATH: ClassVar[list[str]] = [
        "app.tcss",
        "widgets/side_panel.tcss",
        "widgets/quote_panel.tcss",
        "screens/screens.tcss",
    ]
    COMMANDS = App.COMMANDS | {AnnotatorCommands}

    BINDINGS: ClassVar[list[BindingType]] = textual_bindings((*APP_BINDINGS, *SUGGEST_BINDINGS))
    # Screen classes by width: below 72 columns the side panel hides by itself (app.tcss).
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (72, "-normal")]

    def __init__(
        self,
        documents: list[str],
        config: Config,
        annotator: str,
        out_dir: Path,
        *,
        suggest: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.config = config
        self.suggest_on_open = tuple(suggest)  # built-in suggesters to run as each document opens
        self.tagset = config.tagset
        self.annotator = annotator
        self.out_dir = out_dir
        self.queue = [QueueItem(path, Path()) for path in documents]
        self.position = 0
        self.document: Document | None = None
        self.work_file: WorkFile | None = None
        self.session: EditorSession | None = None
        self._save_timer: Timer | None = None
        self._check_timer: Timer | None = None
        self._validator = None
        self._save_state = SaveState.SAVED
        self._problems: int | None = None
        self._open_failures: list[str] = []
        self.failure: str | None = None  # why the app stopped on its own, for the command to print
        self.search = SearchState()
        self.notices: deque[Notice] = deque(maxlen=RECENT_NOTICES)  # what the toasts said, for MessagesScreen

    # -- layout --------------------------------------------------------------

    def get_default_screen(self) -> FooterOrderScreen:
        return FooterOrderScreen(id="_default")

    def compose(self) -> ComposeResult:
        placeholder = EditorSession.empty(self.tagset)
        with Horizontal(id="main"):
            yield DocumentView(placeholder, id="document")
            with Vertical(id="side"):
                yield from self.compose_side(placeholder)
        yield SearchBar(id="search")
        yield StatusLine(id="status")
        yield Footer(compact=True)

    def compose_side(self, placeholder: EditorSession) -> ComposeResult:
        """The side panel's widgets."""
        yield QuotePanel(id="quotes")
        yield SuggestionPanel(id="suggestions")
        yield Legend(self.tagset, id="legend")
        yield SpanList(placeholder, id="spans")

    @property
    def view(self) -> DocumentView:
        return self.query_one(DocumentView)

    @property
    def span_list(self) -> SpanList:
        return self.query_one(SpanList)

    def theme_problem(self) -> str | None:
        """Why the configured theme cannot be used, or None."""
        theme = self.config.theme
        if theme is None or theme in self.available_themes:
            return None
        where = f"{self.config.source}: " if self.config.source else ""
        return f"{where}theme: unknown theme {theme!r} (themes: {', '.join(sorted(self.available_themes))})"

    def on_mount(self) -> None:
        if self.config.theme is not None and self.theme_problem() is None:
            self.theme = self.config.theme
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        self.query_one("#spans").border_title = "spans"
        for item in self.queue:
            item.annotation_path = self._annotation_path_for(item.relative_path)
            item.done = _status_is_done(item.annotation_path)
        self.view.focus()
        if not self._open(self.position) and not self._open_next_available(1):
            self._exit_with_nothing_open()

    def _exit_with_nothing_open(self) -> None:
        """Leave at once, with status 1 and `failure` saying why, rather than show an empty app."""
        reasons = "\n".join(f"  {display_text(failure)}" for failure in dict.fromkeys(self._open_failures))
        count = "the document" if len(self.queue) == 1 else f"any of the {len(self.queue)} documents"
        self.failure = f"cannot open {count}:\n{reasons}"
        self.exit(return_code=1)

    def _queue_item(self, relative_path: str) -> QueueItem:
        """A document for the queue, with its annotation file and whether that says done."""
        path = self._annotation_path_for(relative_path)
        return QueueItem(relative_path, path, _status_is_done(path))

    def _annotation_path_for(self, relative_path: str) -> Path:
        full = self.config.root / relative_path
        try:
            doc_id = load_meta(full, area=self.config.area).id
        except DocumentError:
            doc_id = document_id_for(Path(relative_path).stem)
        return self.out_dir / doc_id / f"{self.annotator}.json"

    # -- opening and closing documents ---------------------------------------

    def _open(self, position: int) -> bool:
        item = self.queue[position]
        try:
            document = load_document(
                self.config.root, item.relative_path, area=self.config.area, limit=self.config.max_file_size
            )
        except DocumentError as err:
            self._open_failures.append(str(err))
            self.notify(display_text(str(err)), title="cannot open document", severity="error", markup=False, timeout=8)
            return False
        item.annotation_path = self.out_dir / document.id / f"{self.annotator}.json"
        try:
            work_file = WorkFile.open(
                item.annotation_path,
                document,
                self.annotator,
                self.tagset,
                on_error=lambda message: self.call_from_thread(self._report_error, message),
                area=self.config.area_for(item.annotation_path),
                limit=self.config.max_file_size,
            )
        except DocumentChanged as err:
            self._offer_reanchor(position, document.id, err)
            return True  # a question is pending: its answer opens the document or moves on
        except OpenError as err:
            self._open_failures.append(str(err))
            self.notify(
                display_text(str(err)), title="cannot open annotations", severity="error", markup=False, timeout=10
            )
            return False
        # The journal may hold a status change the file does not have yet.
        item.done = work_file.annotations.status == "done"
        self._close_current()
        self.position = position
        self.document = document
        self.work_file = work_file
        self._start_session()
        self._find_suggestions(document)
        self.sub_title = document.meta.title or document.id
        if work_file.recovered:
            self.notify(
                f"Recovered {work_file.recovered} change(s) that were not saved when annotator last stopped.",
                title="recovered",
                markup=False,
            )
            self._schedule_save()
        if work_file.conflict:
            self.call_after_refresh(self._show_conflict)
        # After the first paint: starting the checker process competes with it for the CPU.
        if self._check_timer is not None:
            self._check_timer.stop()
        self._check_timer = self.set_timer(OPEN_CHECK_DELAY, self._check_validity)
        # Loaded spans live for the whole session: keep them out of the
        # cyclic collector so a gen-2 pass cannot stall a keystroke.
        gc.collect()
        gc.freeze()
        # Rendering leaves short-lived cycles (strips); collect the young
        # generations as usual but run full collections far less often.
        gc.set_threshold(700, 10, 10_000)
        return True

    def _offer_reanchor(self, position: int, document_id: str, refused: DocumentChanged) -> None:
        """The article changed since its annotations were made: offer to carry every file of it
        (each annotator's and the gold file) onto the new text, then open it."""
        files = sorted((self.out_dir / document_id).glob("*.json"))
        message = (
            f"{self.queue[position].relative_path} changed since it was annotated. Carry the spans of "
            f"{len(files)} annotation file(s) onto the new text? Spans no edit touched move exactly; "
            "those an edit touched are placed on the best match and marked for review; those with no "
            "place are kept aside in the file. Every move is in the audit trail."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._reanchor_and_open(position, files)
                return
            self._open_failures.append(str(refused))
            self.notify(display_text(str(refused)), title="not opened", severity="warning", markup=False, timeout=10)
            if self.work_file is None and not self._open_next_available(1):
                self._exit_with_nothing_open()

        self.push_screen(ConfirmScreen("The article changed", message, "Re-anchor", "Not now"), answered)

    def _reanchor_and_open(self, position: int, files: list[Path]) -> None:
        from annotator.anchoring.matching import DEFAULT_THRESHOLD
        from annotator.storage.reanchor_files import ReanchorError, reanchor_file

        moved = changed = orphaned = 0
        history: dict[tuple[str, str], str | None] = {}
        for path in files:
            try:
                done = reanchor_file(self.config, path, threshold=DEFAULT_THRESHOLD, history=history)
            except ReanchorError as err:
                self.notify(display_text(str(err)), title="not re-anchored", severity="error", markup=False)
                continue
            if done is not None:
                moved += done.count(Outcome.MOVED) + done.count(Outcome.UNCHANGED)
                changed += done.count(Outcome.CHANGED)
                orphaned += done.count(Outcome.ORPHANED)
        orphans_hint = "; place or drop them with ctrl+p › Orphaned spans" if orphaned else ""
        self.notify(
            f"{moved} span(s) moved, {changed} changed (marked for review: !), {orphaned} orphaned{orphans_hint}",
            title="re-anchored",
            markup=False,
            timeout=10,
        )
        if not self._open(position) and self.work_file is None and not self._open_next_available(1):
            self._exit_with_nothing_open()

    def _start_session(self) -> None:
        """Edit the work file's annotations: a new session over them, shown in the view and the side panel."""
        work_file = self.work_file
        assert work_file is not None
        self.session = EditorSession(work_file.annotations, self.tagset)
        self.session.subscribe(self._after_change)
        self.view.set_session(self.session)
        self.span_list.set_session(self.session)
        self._save_state = SaveState.UNSAVED if work_file.dirty else SaveState.SAVED
        self._problems = None
        self._refresh_side()
        self._suggestions_after_change()

    # -- the file changed on disk ------------------------------------------------

    def _show_conflict(self) -> None:
        work_file = self.work_file
        if work_file is None or not work_file.conflict:
            return
        if self.screen.is_modal:  # a dialog is open (or this one already): the next save asks again
            return
        disk = work_file.disk_version()
        on_disk = f"{len(disk.file.spans)} span(s)" if disk.file is not None else (disk.problem or "the file is gone")
        situation = (
            "It is not the version this session last saw: git checked out another one, another tool saved it, "
            f"or a copy was put back. Yours: {len(work_file.annotations.spans)} span(s); on disk: {on_disk}."
        )

        def chosen(resolution: Resolution | None) -> None:
            if resolution is None:
                self.notify(
                    "Nothing was written over the file; your work stays in the journal until you choose.",
                    severity="warning",
                    markup=False,
                    timeout=6,
                )
                return
            try:
                said = work_file.resolve(resolution)
            except StorageError as err:
                self._report_error(str(err))
                return
            self._start_session()
            self.notify(display_text(said), title="conflict settled", markup=False, timeout=8)

        self.push_screen(ConflictScreen(str(work_file.path), situation), chosen)

    def _open_next_available(self, step: int) -> bool:
        for offset in range(1, len(self.queue)):
            candidate = (self.position + step * offset) % len(self.queue)
            if self._open(candidate):
                return True
        return False

    def _close_current(self) -> None:
        if self.work_file is None:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        try:
            if self.work_file.save():
                self._ledger_after_save()
        except StorageError as err:
            self._report_error(str(err))
        self.work_file.close()
        self.work_file = None

    # -- state fan-out ---------------------------------------------------------

    def _after_change(self, change: Change) -> None:
        if self.work_file is not None:
            self.work_file.record()
        self._save_state = SaveState.UNSAVED
        self._update_status()
        # In the same frame as the text: a second frame right after it made the
        # next key wait for Textual's 60 fps pacing (undo p95 19 ms at 1 MB).
        self._apply_to_side(change)
        self._suggestions_after_change()
        self._schedule_save()

    def _apply_to_side(self, change: Change) -> None:
        self.span_list.apply_change(change)
        if self.session is not None:
            self.query_one(Legend).update_counts(self.session.index.counts())

    def _refresh_side(self) -> None:
        if self.session is None:
            return
        self.query_one(Legend).update_counts(self.session.index.counts())
        self._update_status()

    def _update_status(self) -> None:
        session = self.session
        if session is None or self.document is None:
            return
        spans_here = session.spans_at_cursor()
        here = [span.label for span in spans_here]
        shown = self._span_here_quietly(spans_here)
        self.query_one(StatusLine).update_state(
            document=self.document.meta.title or self.document.id,
            position=self.position + 1,
            total=len(self.queue),
            done=sum(item.done for item in self.queue),
            cursor=session.cursor,
            length=len(session.text),
            selection=session.selection,
            spans_here=here,
            saved=self._save_state,
            problems=self._problems,
            mark=session.anchor if session.marking else None,
            details=_span_details(shown) if shown is not None else "",
            suggested=self.pending_suggestions,
        )

    def _span_here_quietly(self, spans_here: list[Span]) -> Span | None:
        """The span whose details the status line shows: the focused one, else the innermost here."""
        focused = self.view.focused_span
        if focused is not None and self.session is not None:
            span = self.session.annotations.spans.get(focused)
            if span is not None:
                return span
        return spans_here[0] if spans_here else None

    def on_document_view_cursor_moved(self, message: DocumentView.CursorMoved) -> None:
        if self.session is None:
            return
        here = self.session.spans_at_cursor()
        self.span_list.highlight_span(here[0].id if here else None)
        self._follow_cursor()
        self._update_status()

    def on_span_list_selected(self, message: SpanList.Selected) -> None:
        self.action_goto_span(message.span_id)

    def on_span_list_filter_changed(self, message: SpanList.FilterChanged) -> None:
        label = message.label
        self.notify(f"Showing {label + ' spans' if label else 'all spans'}", markup=False, timeout=2)

    # -- saving ----------------------------------------------------------------

    def _schedule_save(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save_soon)

    def _save_soon(self) -> None:
        if self.work_file is not None and self.work_file.dirty:
            self._save_in_background(self.work_file, self.work_file.snapshot())

    # A description keeps @work from repr()-ing the snapshot (20,000 models) on the UI thread.
    @work(thread=True, group="save", description="save annotations")
    def _save_in_background(self, work_file: WorkFile, snapshot) -> None:
        try:
            work_file.save(snapshot)
        except ConflictError:
            self.call_from_thread(self._save_conflicted, work_file)
            return
        except StorageError as err:
            self.call_from_thread(self._save_failed, str(err))
            return
        self.call_from_thread(self._saved, work_file)

    def _save_conflicted(self, work_file: WorkFile) -> None:
        if work_file is self.work_file:
            self._save_state = SaveState.FAILED
            self._update_status()
            self._show_conflict()

    def _saved(self, work_file: WorkFile) -> None:
        if work_file is self.work_file:
            self._save_state = SaveState.UNSAVED if work_file.dirty else SaveState.SAVED
            self._update_status()
            self._ledger_after_save()
            # Validity is checked a little later, on what this save wrote.
            if self._check_timer is not None:
                self._check_timer.stop()
            self._check_timer = self.set_timer(CHECK_DELAY, self._check_validity)

    def _checked(self, work_file: WorkFile, problems: int) -> None:
        if work_file is self.work_file:
            self._problems = problems
            self._update_status()

    def _save_failed(self, message: str) -> None:
        self._save_state = SaveState.FAILED
        self._update_status()
        self._report_error(self.work_file.last_error if self.work_file and self.work_file.last_error else message)

    def _check_validity(self) -> None:
        work_file = self.work_file
        if work_file is None:
            return
        if not work_file.path.exists():
            if not work_file.dirty:
                self._checked(work_file, 0)  # nothing written, nothing made: an empty file is valid
            # Else the first save is coming, and checks what it wrote: checked now, the file
            # it has not written yet was "1 problem" (cannot read) for a moment.
            return
        self._validate_in_background(work_file, work_file.snapshot())

    @work(thread=True, group="check", exclusive=True, description="check annotations")
    def _validate_in_background(self, work_file: WorkFile, snapshot) -> None:
        """Validate what is saved, in the checker process; the snapshot, here, only if that fails."""
        from annotator.validation.checker import CheckerError, problems_in_saved_file

        try:
            problems = problems_in_saved_file(self.config, work_file.path)
        except CheckerError:
            if self._validator is None:
                from annotator.validation.engine import Validator

                self._validator = Validator(self.config)
            problems = len(self._validator.check_model(work_file.file_from(snapshot)))
        self.call_from_thread(self._checked, work_file, problems)

    def _report_error(self, message: str) -> None:
        self.notify(display_text(message), title="annotator", severity="error", markup=False, timeout=12)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # ctrl+z / ctrl+y are priority bindings (a focused widget would swallow them),
        # so they fire even while a dialog is open: undoing behind the details form
        # could delete the very span it edits. With a dialog up, let the key through.
        if action in ("undo", "redo") and self.screen.is_modal:
            return False
        if action in SUGGEST_ACTIONS:  # hidden from the Footer while there are none
            return self.suggestions is not None and not self.screen.is_modal
        return True

    # -- actions: editing -------------------------------------------------------

    def _edit(self, function, *args) -> object | None:
        try:
            return function(*args)
        except EditError as err:
            self.notify(str(err), severity="warning", markup=False, timeout=4)
            return None

    def action_tag(self, label: str) -> None:
        if self.session is not None:
            span = self._edit(self.session.tag, label)
            if isinstance(span, Span):
                self.view.focus_span(span.id, move_cursor=False)

    def _span_here(self) -> Span | None:
        """The span an edit key acts on (see `_span_here_quietly`); says so when there is none."""
        if self.session is None:
            return None
        span = self._span_here_quietly(self.session.spans_at_cursor())
        if span is None:
            self.notify("No span under the cursor.", severity="warning", markup=False, timeout=3)
        return span

    def action_delete_span(self) -> None:
        span = self._span_here()
        if span is not None and self.session is not None:
            self._edit(self.session.delete, span.id)

    def action_relabel(self) -> None:
        span = self._span_here()
        if span is None:
            return

        def chosen(label: str | None) -> None:
            if label and self.session is not None:
                self._edit(self.session.relabel, span.id, label)

        self.push_screen(RelabelScreen(self.tagset, span.label), chosen)

    def action_resize(self, side: str, grow: bool) -> None:
        span = self._span_here()
        if span is None or self.session is None:
            return
        text = self.session.text
        start, end = span.start, span.end
        if side == "end":
            end = prose.word_end(text, end) if grow else prose.prev_word_start(text, end)
        else:
            start = prose.prev_word_start(text, start) if grow else prose.next_word_start(text, start)
        if start >= end:
            self.notify("The span is a single word; delete it instead.", severity="warning", markup=False)
            return
        self._edit(self.session.resize, span.id, start, end)
        self.view.focus_span(span.id, move_cursor=False)

    def action_edit_details(self) -> None:
        span = self._span_here()
        if span is None:
            return
        spec = self.tagset.get(span.label)
        if spec is None:
            return
        suggested = {}
        if "value" in spec.attributes or "unit" in spec.attributes:
            value, unit = parse_number(span.text)
            suggested = {key: val for key, val in (("value", value), ("unit", unit)) if val is not None}

        def done(details: SpanDetails | None) -> None:
            if details is not None and self.session is not None:
                self._edit(self.session.set_details, span.id, details.note, details.attributes)

        self.push_screen(SpanDetailsScreen(span, spec, suggested=suggested), done)

    def action_cycle_stack(self) -> None:
        if self.session is None:
            return
        here = self.session.spans_at_cursor()
        if not here:
            return
        ids = [span.id for span in here]
        current = self.view.focused_span
        following = ids[(ids.index(current) + 1) % len(ids)] if current in ids else ids[0]
        self.view.focus_span(following, move_cursor=False)
        span = self.session.annotations.spans[following]
        # Article text may hold ANSI escapes and controls: never write them to the terminal.
        shown = display_text(span.text[:60]).replace("\n", "⏎")
        self.notify(f"{span.label}: {shown}", markup=False, timeout=2)

    def action_jump_span(self, direction: int, label: str = "") -> None:
        session = self.session
        if session is None:
            return
        label_filter = label or self.span_list.filter_label or None
        if direction > 0:
            span = session.index.next_after(session.cursor, label_filter)
        else:
            span = session.index.prev_before(session.cursor, label_filter)
        if span is None:
            self.notify(
                f"No {'next' if direction > 0 else 'previous'} {label_filter or 'span'}.", markup=False, timeout=2
            )
            return
        self.view.focus_span(span.id)

    def action_next_reanchored(self) -> None:
        """To the next span re-anchoring placed on changed text, after the cursor (wrapping)."""
        session = self.session
        if session is None:
            return
        marked = sorted(
            (span for span in session.annotations.spans.values() if span.reanchored is not None),
            key=lambda span: (span.start, span.end, span.id),
        )
        if not marked:
            self.notify("No re-anchored span left to review.", markup=False, timeout=3)
            return
        after = [span for span in marked if span.start > session.cursor]
        self.view.focus_span((after or marked)[0].id)
        self.notify(f"{len(marked)} re-anchored span(s) to review: = accepts, d deletes.", markup=False, timeout=3)

    def action_accept_reanchored(self) -> None:
        span = self._span_here()
        if span is not None and self._edit(self.session.accept_reanchored, span.id) is not None:
            self.view.focus_span(span.id, move_cursor=False)

    def action_undo(self) -> None:
        if self.session is not None:
            description = self._edit(self.session.undo)
            if description is None:
                self.notify("Nothing to undo.", markup=False, timeout=2)

    def action_redo(self) -> None:
        if self.session is not None:
            description = self._edit(self.session.redo)
            if description is None:
                self.notify("Nothing to redo.", markup=False, timeout=2)

    def action_save(self) -> None:
        if self.work_file is not None:
            try:
                saved = self.work_file.save()
            except ConflictError:
                self._save_conflicted(self.work_file)
                return
            except StorageError as err:
                self._save_failed(str(err))
                return
            self._saved(self.work_file)  # and checks what it wrote
            self.notify("Saved." if saved else "Nothing to save.", markup=False, timeout=2)

    # -- actions: queue and panels --------------------------------------------

    def action_toggle_done(self) -> None:
        if self.work_file is None:
            return
        annotations = self.work_file.annotations
        done = annotations.status != "done"
        annotations.set_status("done" if done else "in_progress")
        self.queue[self.position].done = done
        self.work_file.record()
        self._save_state = SaveState.UNSAVED
        self._schedule_save()
        self._update_status()
        self.notify("Marked done." if done else "Marked in progress.", markup=False, timeout=2)

    def action_next_document(self) -> None:
        if len(self.queue) > 1:
            self._open_next_available(1)
        else:
            self.notify("This is the only document in the queue.", markup=False, timeout=2)

    def action_previous_document(self) -> None:
        if len(self.queue) > 1:
            self._open_next_available(-1)

    def action_next_undone(self) -> None:
        for offset in range(1, len(self.queue) + 1):
            candidate = (self.position + offset) % len(self.queue)
            if not self.queue[candidate].done:
                if candidate != self.position:
                    self._open(candidate)
                return
        self.notify("Every document in the queue is done.", markup=False, timeout=3)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a toast, and keep it for the recent messages: a toast is gone in seconds."""
        plain = Content.from_markup(message).plain if markup else message
        self.notices.append(Notice(time.strftime("%H:%M:%S"), severity, title, plain))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def action_show_messages(self) -> None:
        self.push_screen(MessagesScreen(self.notices))

    def action_show_orphans(self) -> None:
        session = self.session
        if session is None or not session.annotations.orphaned:
            self.notify("No orphaned spans in this file.", markup=False, timeout=3)
            return

        def chosen(choice: OrphanChoice | None) -> None:
            if choice is None or self.session is not session:
                return
            if choice.action is OrphanAction.PLACE:
                span = self._edit(session.restore_orphan, choice.number)
                if isinstance(span, Span):
                    self.view.focus_span(span.id, move_cursor=False)
            else:
                self._edit(session.drop_orphan, choice.number)

        self.push_screen(OrphansScreen(session.annotations.orphaned, session.selection is not None), chosen)

    def action_toggle_span_list(self) -> None:
        # Classes, not `display`: below 72 columns the CSS hides the panel by
        # itself, and F2 must still be able to show it there.
        side = self.query_one("#side")
        shown = side.display
        side.set_class(shown, "-hidden")
        side.set_class(not shown, "-shown")

    def action_focus_span_list(self) -> None:
        side = self.query_one("#side")
        side.remove_class("-hidden")
        side.add_class("-shown")
        self.focus_now(self.span_list)

    # -- search and go to ------------------------------------------------------

    def action_search(self) -> None:
        if self.session is None:
            return
        self.search.origin = self.session.cursor
        self.query_one(SearchBar).open()

    def on_search_bar_changed(self, message: SearchBar.Changed) -> None:
        session, bar = self.session, self.query_one(SearchBar)
        if session is None:
            return
        try:
            self.search = SearchState.start(session.text, message.query, message.regex, self.search.origin)
        except SearchError as err:
            self.search = SearchState(origin=self.search.origin)
            self.view.set_marks([], layer="search")
            bar.show_status(str(err), error=True)
            return
        self._show_search()

    def on_search_bar_step(self, message: SearchBar.Step) -> None:
        if self.session is not None and self.search.step(self.session.text, message.direction):
            self._show_search()

    def on_search_bar_closed(self, message: SearchBar.Closed) -> None:
        # The match stays selected, so that a tag key tags it.
        self.query_one(SearchBar).close()
        self.view.set_marks([], layer="search")
        self.focus_now(self.view)

    def _show_search(self) -> None:
        search = self.search
        current = search.current
        marks = [(start, end, MarkKind.MATCH) for start, end in search.matches.ranges if (start, end) != current]
        if current is not None:
            marks.append((*current, MarkKind.MATCH_CURRENT))
            self.view.select_range(*current)
        self.view.set_marks(marks, layer="search")
        self.query_one(SearchBar).show_status(search.status())

    def action_goto(self) -> None:
        if self.session is None:
            return

        def chosen(offset: int | None) -> None:
            if offset is not None:
                self.view.move_cursor(offset)
                self.focus_now(self.view)

        self.push_screen(GotoScreen(self.session.text, self.session.cursor), chosen)

    def action_focus_document(self) -> None:
        self.focus_now(self.view)

    def focus_now(self, widget: Widget) -> None:
        """Move the focus before the next key is handled. `Widget.focus()` moves it
        a message later, so a key typed right after ctrl+l (page down, say) still
        went to the text."""
        self.screen.set_focus(widget)

    def action_filter_label(self, label: str) -> None:
        self.span_list.filter_label = label or None

    def action_goto_span(self, span_id: str) -> None:
        if self.session is not None and span_id in self.session.annotations.spans:
            self.view.focus_span(span_id)
            self.focus_now(self.view)

    def current_spans(self) -> list[Span]:
        return list(self.session.index) if self.session is not None else []

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self._help_sections()))

    def key_bindings(self) -> list[KeyBinding]:
        """Every binding of this app, in the order the help lists them."""
        return all_bindings(self.tagset, review=False)

    def _help_sections(self) -> HelpRows:
        return help_sections(self, self.key_bindings(), self.config.keymap)

    async def action_quit(self) -> None:
        work_file = self.work_file
        if work_file is None:
            self.exit()
            return
        try:
            work_file.save()  # also when nothing changed: it checks the file is still the one saved
        except StorageError as err:
            message = (work_file.last_error or str(err)) + "\nQuit anyway? Nothing is lost: the journal stays."
            if isinstance(err, ConflictError):
                message = (
                    f"{work_file.path} changed on disk, and your version is not saved over it.\n"
                    "Quit anyway? Nothing is lost: the journal keeps your work, and the next start asks "
                    "how to settle it (merge, keep yours or take the disk's)."
                )

            def answer(quit_anyway: bool | None) -> None:
                if quit_anyway:
                    work_file.close()
                    self.work_file = None
                    self.exit()

            self.push_screen(ConfirmScreen("Unsaved changes", message, "Quit", "Stay"), answer)
            return
        self._close_current()
        self.exit()


def _status_is_done(path: Path) -> bool:
    try:
        import orjson

        return orjson.loads(path.read_bytes()).get("status") == "done"
    except (OSError, ValueError, AttributeError):
        return False
