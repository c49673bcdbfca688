"""The annotation app: a queue of documents, one editing session at a time.

Keys become actions, actions call the EditorSession, and the session's
Change notifications fan out to the view, the side panel, the journal and
a debounced save in a worker thread.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer

from annotator.config import Config
from annotator.editor import motion
from annotator.editor.display import display_text
from annotator.editor.numbers import parse_number
from annotator.editor.persistence import OpenError, WorkFile
from annotator.editor.session import Change, EditorSession
from annotator.model.annotation import Span
from annotator.model.document import Document, DocumentError, load_document
from annotator.model.editing import EditError
from annotator.storage import StorageError
from annotator.ui.commands import AnnotatorCommands
from annotator.ui.screens.confirm import ConfirmScreen
from annotator.ui.screens.help import HelpScreen
from annotator.ui.screens.relabel import RelabelScreen
from annotator.ui.screens.span_details import SpanDetails, SpanDetailsScreen
from annotator.ui.widgets.document_view import DocumentView
from annotator.ui.widgets.legend import Legend
from annotator.ui.widgets.span_list import SpanList
from annotator.ui.widgets.status_line import StatusLine

SAVE_DELAY = 0.5
CHECK_DELAY = 2.0
OPEN_CHECK_DELAY = 1.0


@dataclass
class QueueItem:
    """One document of the queue and where its annotations go."""

    relative_path: str
    annotation_path: Path
    done: bool = False


class AnnotatorApp(App[None]):
    """Annotate a queue of documents with the keyboard."""

    TITLE = "annotator"
    CSS_PATH: ClassVar[list[str]] = ["app.tcss", "widgets/side_panel.tcss", "screens/screens.tcss"]
    COMMANDS = App.COMMANDS | {AnnotatorCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "help", id="app.help"),
        Binding("question_mark", "help", "help", show=False, id="app.help_alt"),
        Binding("ctrl+z", "undo", "undo", priority=True, id="app.undo"),
        Binding("ctrl+y", "redo", "redo", priority=True, id="app.redo"),
        Binding("u", "undo", "undo", show=False, id="app.undo_alt"),
        Binding("ctrl+r", "redo", "redo", show=False, id="app.redo_alt"),
        Binding("ctrl+s", "save", "save", show=False, id="app.save"),
        Binding("ctrl+d", "toggle_done", "done", id="app.toggle_done"),
        Binding("greater_than_sign", "next_document", "next doc", id="app.next_document"),
        Binding("less_than_sign", "previous_document", "prev doc", show=False, id="app.previous_document"),
        Binding("f2", "toggle_span_list", "span list", show=False, id="app.toggle_span_list"),
        Binding("ctrl+l", "focus_span_list", "focus span list", show=False, id="app.focus_span_list"),
        Binding("ctrl+q", "quit", "quit", priority=True, id="app.quit"),
    ]

    def __init__(
        self,
        documents: list[str],
        config: Config,
        annotator: str,
        out_dir: Path,
    ) -> None:
        super().__init__()
        self.config = config
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
        self._save_state = "saved"
        self._problems: int | None = None

    # -- layout --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        placeholder = EditorSession.empty(self.tagset)
        with Horizontal(id="main"):
            yield DocumentView(placeholder, id="document")
            with Vertical(id="side"):
                yield Legend(self.tagset, id="legend")
                yield SpanList(placeholder, id="spans")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def view(self) -> DocumentView:
        return self.query_one(DocumentView)

    @property
    def span_list(self) -> SpanList:
        return self.query_one(SpanList)

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        self.query_one("#spans").border_title = "spans"
        for item in self.queue:
            item.annotation_path = self._annotation_path_for(item.relative_path)
            item.done = _status_is_done(item.annotation_path)
        self.view.focus()
        if not self._open(self.position):
            self._open_next_available(1)

    def _annotation_path_for(self, relative_path: str) -> Path:
        full = self.config.root / relative_path
        try:
            from annotator.model.document import load_meta

            doc_id = load_meta(full).id
        except DocumentError:
            doc_id = Path(relative_path).stem
        return self.out_dir / doc_id / f"{self.annotator}.json"

    # -- opening and closing documents ---------------------------------------

    def _open(self, position: int) -> bool:
        item = self.queue[position]
        try:
            document = load_document(self.config.root, item.relative_path)
        except DocumentError as err:
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
            )
        except OpenError as err:
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
        self.session = EditorSession(work_file.annotations, self.tagset)
        self.session.subscribe(self._after_change)
        self.view.set_session(self.session)
        self.span_list.set_session(self.session)
        self._save_state = "unsaved" if work_file.dirty else "saved"
        self._problems = None
        self._refresh_side()
        self.sub_title = document.meta.title or document.id
        if work_file.recovered:
            self.notify(
                f"Recovered {work_file.recovered} change(s) that were not saved when annotator last stopped.",
                title="recovered",
                markup=False,
            )
            self._schedule_save()
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

    def _open_next_available(self, step: int) -> None:
        for offset in range(1, len(self.queue)):
            candidate = (self.position + step * offset) % len(self.queue)
            if self._open(candidate):
                return

    def _close_current(self) -> None:
        if self.work_file is None:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        try:
            self.work_file.save()
        except StorageError as err:
            self._report_error(str(err))
        self.work_file.close()
        self.work_file = None

    # -- state fan-out ---------------------------------------------------------

    def _after_change(self, change: Change) -> None:
        if self.work_file is not None:
            self.work_file.record()
        self._save_state = "unsaved"
        self._update_status()
        # In the same frame as the text: a second frame right after it made the
        # next key wait for Textual's 60 fps pacing (undo p95 19 ms at 1 MB).
        self._apply_to_side(change)
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
        here = [span.label for span in session.spans_at_cursor()]
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
        )

    def on_document_view_cursor_moved(self, message: DocumentView.CursorMoved) -> None:
        if self.session is None:
            return
        here = self.session.spans_at_cursor()
        self.span_list.highlight_span(here[0].id if here else None)
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
        except StorageError as err:
            self.call_from_thread(self._save_failed, str(err))
            return
        self.call_from_thread(self._saved, work_file)

    def _saved(self, work_file: WorkFile) -> None:
        if work_file is self.work_file:
            self._save_state = "unsaved" if work_file.dirty else "saved"
            self._update_status()
            # Validity is checked a little later, on what this save wrote.
            if self._check_timer is not None:
                self._check_timer.stop()
            self._check_timer = self.set_timer(CHECK_DELAY, self._check_validity)

    def _checked(self, work_file: WorkFile, problems: int) -> None:
        if work_file is self.work_file:
            self._problems = problems
            self._update_status()

    def _save_failed(self, message: str) -> None:
        self._save_state = "save failed"
        self._update_status()
        self._report_error(self.work_file.last_error if self.work_file and self.work_file.last_error else message)

    def _check_validity(self) -> None:
        work_file = self.work_file
        if work_file is None:
            return
        if not work_file.path.exists() and not work_file.dirty:
            self._checked(work_file, 0)  # nothing written, nothing made: an empty file is valid
            return
        self._validate_in_background(work_file, work_file.snapshot())

    @work(thread=True, group="check", exclusive=True, description="check annotations")
    def _validate_in_background(self, work_file: WorkFile, snapshot) -> None:
        """Validate what is saved, in the checker process; the snapshot, here, only if that fails."""
        from annotator.editor.checker import CheckerError, problems_in_saved_file

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
        if self.session is None:
            return None
        focused = self.view.focused_span
        if focused and focused in self.session.annotations.spans:
            return self.session.annotations.spans[focused]
        here = self.session.spans_at_cursor()
        if not here:
            self.notify("No span under the cursor.", severity="warning", markup=False, timeout=3)
            return None
        return here[0]

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
            end = motion.word_end(text, end) if grow else motion.prev_word_start(text, end)
        else:
            start = motion.prev_word_start(text, start) if grow else motion.next_word_start(text, start)
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
            except StorageError as err:
                self._save_failed(str(err))
                return
            self._save_state = "saved"
            self._update_status()
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
        self._save_state = "unsaved"
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

    def action_toggle_span_list(self) -> None:
        side = self.query_one("#side")
        side.display = not side.display

    def action_focus_span_list(self) -> None:
        side = self.query_one("#side")
        side.display = True
        self.span_list.focus()

    def action_filter_label(self, label: str) -> None:
        self.span_list.filter_label = label or None

    def action_goto_span(self, span_id: str) -> None:
        if self.session is not None and span_id in self.session.annotations.spans:
            self.view.focus_span(span_id)
            self.view.focus()

    def current_spans(self) -> list[Span]:
        return list(self.session.index) if self.session is not None else []

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self._help_sections()))

    def _help_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        groups: dict[str, list[tuple[str, str]]] = {}
        seen = set()
        for node in (self.view, self.span_list, self):
            bindings = node._bindings.copy()
            if self._keymap:
                bindings.apply_keymap(self._keymap)
            for key, binding in bindings:
                if not binding.description or not binding.id or (binding.action, key) in seen:
                    continue
                seen.add((binding.action, key))
                group = binding.id.split(".")[0]
                # The id is what [keys] in annotator.toml remaps.
                entry = (self.get_key_display(binding), f"{binding.description}  · {binding.id}")
                groups.setdefault(group, []).append(entry)
        titles = {
            "move": "Move",
            "select": "Select",
            "tag": "Tag",
            "span": "Spans",
            "span_list": "Span list",
            "app": "Documents and app",
        }
        return [(titles.get(group, group.title()), rows) for group, rows in groups.items()]

    async def action_quit(self) -> None:
        work_file = self.work_file
        if work_file is None or not work_file.dirty:
            self._close_current()
            self.exit()
            return
        try:
            work_file.save()
        except StorageError as err:
            message = (work_file.last_error or str(err)) + "\nQuit anyway? Nothing is lost: the journal stays."

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
