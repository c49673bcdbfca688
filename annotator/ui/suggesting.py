"""Suggestions in the annotation app: found as a document opens, drawn over the
text, settled with the review's keys.

When a document opens, a worker loads its stored suggestions and runs the
built-in suggesters the app was asked for (`--suggest`, `[suggest] on_open`)
where their suggestions are not stored yet for this text; the first paint
does not wait for it. Pending suggestions are underlined in the text with
a mark in the margin; the group the cursor is on is the current one (▶).

Keys (the review's, `suggest.*` in keys.py): j/k next and previous pending
suggestion, o the next of overlapping ones, y accept, x reject the rest of
the group, A accept every pending suggestion of the current one's label.
Accepting makes a span with origin "suggested" and the source
"NAME@VERSION#ID"; rejecting adds it to the file's rejected list. Both are
edits of the session: undone with ctrl+z, journaled and saved like any.
What is pending is worked out from the file itself (annotator.suggest.pending),
so it is right after undo, after a conflict is settled, and in the next session.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from textual import work

from annotator.model.document import Document
from annotator.review.adjudication import Candidate, Group, rejection_of
from annotator.review.navigation import CandidateCursor
from annotator.suggest.pending import Settled, Suggestions
from annotator.suggest.store import StoredSuggestions, StoreProblem
from annotator.ui.widgets.document_view import Mark, MarkKind
from annotator.ui.widgets.suggestion_panel import SuggestionPanel, SuggestionState

SUGGEST_ACTIONS = frozenset(
    {
        "suggestion_next",
        "suggestion_previous",
        "suggestion_version",
        "suggestion_accept",
        "suggestion_reject",
        "suggestion_accept_label",
    }
)


class _Index:
    """What drawing needs of a document's suggestions whatever is settled: each candidate's
    place, its mark and its first suggester. Made once a document."""

    def __init__(self, suggestions: Suggestions) -> None:
        candidates = suggestions.candidates
        self.suggestions = suggestions
        self.position = {candidate: number for number, candidate in enumerate(candidates)}
        self.marks: list[Mark] = [(c.start, c.end, MarkKind.SUGGESTED) for c in candidates]
        self.first = [c.sources[0].annotator if c.sources else None for c in candidates]
        self.by_suggester = Counter(name for name in self.first if name is not None)


class _Pending:
    """The pending suggestions as the text and the panel show them: worked out again after
    an edit, not when only the cursor moves.

    Why: drawing worked this out from all the candidates on every j, y, x and undo (a
    Candidate hash for each, twice, and a Counter): 10-18 ms a redraw with 10,000
    suggestions and 900 settled, and y and x drew twice. Now a redraw after an edit takes
    1 ms of it and one after a cursor move 0.04 ms."""

    def __init__(self, index: _Index, settled: dict[Candidate, Settled]) -> None:
        self.index = index
        self.settled = settled
        done = {index.position[candidate] for candidate in settled if candidate in index.position}
        # Pending, in candidate order: sorted by (start, end), so a group's are one run of them.
        self.marks = [mark for number, mark in enumerate(index.marks) if number not in done] if done else index.marks
        # Counter subtraction keeps what is above zero: the suggesters with something pending.
        pending = index.by_suggester - Counter(
            index.first[number] for number in done if index.first[number] is not None
        )
        self.by_suggester = dict(sorted(pending.items()))
        # For the panel, which shows how each version is settled: a Settled is the str it names.
        self.settled_names: Mapping[Candidate, str] = settled

    def marks_with(self, current: Group | None) -> list[Mark]:
        """The marks, with the pending suggestions of the current group marked as current."""
        if current is None:
            return self.marks
        marks = self.marks
        # A group is every candidate that starts inside it (groups are runs of overlapping ones).
        first, last = bisect_left(marks, (current.start,)), bisect_left(marks, (current.end,))
        return [*marks[:first], *((start, end, MarkKind.CURRENT) for start, end, _ in marks[first:last]), *marks[last:]]


class Suggesting:
    """The app's side of suggestions; mixed into AnnotatorApp."""

    suggest_on_open: tuple[str, ...] = ()
    suggestions: Suggestions | None = None
    _suggestion_cursor: CandidateCursor = CandidateCursor()
    _settled: dict[Candidate, Settled] = {}  # noqa: RUF012 - replaced, never mutated, per document
    _suggestion_problems: tuple[str, ...] = ()
    _pending: _Pending | None = None  # for `_settled` of `suggestions`; made again when either is replaced
    _drawing_held: bool = False  # while an action edits and moves on: draw once, at its end
    _drawing_due: bool = False

    # -- finding ----------------------------------------------------------------

    def _find_suggestions(self, document: Document) -> None:
        """Forget the last document's suggestions and look for this one's, off the UI thread."""
        self.suggestions = None
        self._settled = {}
        self._pending = None
        self._suggestion_problems = ()
        self._suggestion_cursor = CandidateCursor()
        self.view.set_marks([], layer="suggest")
        self.query_one(SuggestionPanel).show(SuggestionState(0, 0))
        self._suggestions_in_background(document, self.suggest_on_open)

    @work(thread=True, group="suggest", exclusive=True, description="find suggestions")
    def _suggestions_in_background(self, document: Document, names: tuple[str, ...]) -> None:
        from annotator.suggest.run import suggestions_on_open

        stored, problems = suggestions_on_open(self.config, document, names)
        self.call_from_thread(self._suggestions_found, document, stored, problems)

    def _suggestions_found(
        self, document: Document, stored: list[StoredSuggestions], problems: list[StoreProblem]
    ) -> None:
        if document is not self.document:
            return  # another document opened meanwhile
        self.suggestions = Suggestions.of(stored) if stored else None
        self._suggestion_problems = tuple(problem.message for problem in problems)
        self._suggestion_cursor = CandidateCursor(self.suggestions.groups if self.suggestions else ())
        self._suggestion_cursor.go_to(None)
        self._refresh_suggestions()
        for problem in problems:
            self.notify(problem.message, title="suggestions", severity="warning", markup=False, timeout=8)
        self.refresh_bindings()

    # -- state ----------------------------------------------------------------

    @property
    def pending_suggestions(self) -> int | None:
        """How many are pending; None when the document has no suggestions."""
        if self.suggestions is None:
            return None
        return len(self.suggestions.candidates) - len(self._settled)

    def _is_open(self, group: Group) -> bool:
        return any(candidate not in self._settled for candidate in group.candidates)

    def _refresh_suggestions(self, *, recompute: bool = True) -> None:
        """Draw the suggestions: marks over the text, the panel, the status line. `recompute`:
        work out again what the file settles (after an edit; not when only the cursor moved)."""
        suggestions, session = self.suggestions, self.session
        if suggestions is None or session is None:
            self.query_one(SuggestionPanel).show(SuggestionState(0, 0, problems=self._suggestion_problems))
            return
        if recompute:
            aset = session.annotations
            self._settled = suggestions.settled(aset.spans, aset.rejected)
        if self._drawing_held:
            self._drawing_due = True
            return
        pending = self._pending_now(suggestions)
        current = self._suggestion_cursor.group()
        self.view.set_marks(pending.marks_with(current), layer="suggest")
        self.query_one(SuggestionPanel).show(
            SuggestionState(
                pending=self.pending_suggestions or 0,
                total=len(suggestions.candidates),
                by_suggester=pending.by_suggester,
                versions=current.candidates if current is not None else (),
                highlighted=self._suggestion_cursor.highlighted,
                settled=pending.settled_names,
                problems=self._suggestion_problems,
            )
        )
        self._update_status()

    def _pending_now(self, suggestions: Suggestions) -> _Pending:
        """The pending suggestions for what is settled now (made again only after it changed)."""
        pending = self._pending
        if pending is None or pending.settled is not self._settled or pending.index.suggestions is not suggestions:
            index = pending.index if pending is not None and pending.index.suggestions is suggestions else None
            pending = self._pending = _Pending(index or _Index(suggestions), self._settled)
        return pending

    @contextmanager
    def _drawing_once(self) -> Iterator[None]:
        """Within: work out what is settled after each edit, as always, but draw only at the end.
        (y and x drew after the edit and again after moving on: two set_marks of every mark.)"""
        if self._drawing_held:
            yield
            return
        self._drawing_held, self._drawing_due = True, False
        try:
            yield
        finally:
            self._drawing_held = False
            if self._drawing_due:
                self._drawing_due = False
                self._refresh_suggestions(recompute=False)

    def _suggestions_after_change(self) -> None:
        if self.suggestions is not None:
            self._refresh_suggestions()

    def _follow_cursor(self) -> None:
        """The group under the cursor, if it has a pending suggestion, is the current one."""
        if self.suggestions is None or self.session is None:
            return
        here = self._suggestion_cursor.group_at(self.session.cursor)
        cursor = self._suggestion_cursor
        if here is not None and here != cursor.current and self._is_open(cursor.groups[here]):
            cursor.go_to(here)
            self._refresh_suggestions(recompute=False)

    # -- actions ----------------------------------------------------------------

    def _move_to_suggestion(self, direction: int) -> None:
        """To the next (1) or previous (-1) group with a pending suggestion, from the current
        group if the cursor is in it, else from the cursor; round the end of the document."""
        cursor, session = self._suggestion_cursor, self.session
        if self.suggestions is None or session is None:
            return
        current = cursor.group()
        if current is not None and current.start <= session.cursor < current.end:
            found = cursor.open_from(current.start, self._is_open, direction)
        else:  # from the cursor: a suggestion right there counts as the next one
            found = cursor.open_from(session.cursor - (direction > 0), self._is_open, direction)
        if found is None:
            self.notify("No suggestions left to settle.", markup=False, timeout=3)
            return
        cursor.go_to(found)
        self._show_current_suggestion()

    def _show_current_suggestion(self) -> None:
        self._refresh_suggestions(recompute=False)
        candidate = self._suggestion_cursor.candidate()
        if candidate is not None:
            self.view.move_cursor(candidate.start)

    def action_suggestion_next(self) -> None:
        self._move_to_suggestion(1)

    def action_suggestion_previous(self) -> None:
        self._move_to_suggestion(-1)

    def action_suggestion_version(self) -> None:
        self._follow_cursor()
        cursor = self._suggestion_cursor
        if cursor.group() is None:
            return
        cursor.next_version()
        self._show_current_suggestion()

    def _current_or_next(self) -> Candidate | None:
        """The highlighted suggestion: of the group under the cursor, else of the current group."""
        self._follow_cursor()
        candidate = self._suggestion_cursor.candidate()
        if candidate is None:
            self.notify("Move to a suggestion first (j, k).", severity="warning", markup=False, timeout=3)
        return candidate

    def action_suggestion_accept(self) -> None:
        candidate = self._current_or_next()
        if candidate is None or self.session is None or self.suggestions is None:
            return
        if candidate in self._settled:
            self.notify(f"Already {self._settled[candidate]}.", markup=False, timeout=2)
            return
        with self._drawing_once():
            spans = self._edit(
                self.session.accept, [candidate], f"accept {candidate.label}", self.suggestions.provenance
            )
            if spans:
                self.view.focus_span(spans[0].id, move_cursor=False)
                self._advance_suggestion()

    def action_suggestion_reject(self) -> None:
        """Reject every suggestion of the current group that is still pending."""
        self._current_or_next()
        group = self._suggestion_cursor.group()
        if group is None or self.session is None:
            return
        pending = [c for c in group.candidates if c not in self._settled]
        at = self.session.annotations.now()
        rejections = [item for c in pending for item in rejection_of(c, self.session.annotations.editor, at)]
        with self._drawing_once():
            self._edit(self.session.reject, rejections, f"reject {len(pending)} suggestion(s)")
            self._advance_suggestion()

    def action_suggestion_accept_label(self) -> None:
        candidate = self._current_or_next()
        if candidate is None or self.session is None or self.suggestions is None:
            return
        todo = [c for c in self.suggestions.candidates if c.label == candidate.label and c not in self._settled]
        spans = self._edit(
            self.session.accept,
            todo,
            f"accept {len(todo)} {candidate.label} suggestion(s)",
            self.suggestions.provenance,
        )
        if spans is not None:
            self.notify(f"Accepted {len(spans)} {candidate.label} suggestion(s).", markup=False, timeout=3)

    def _advance_suggestion(self) -> None:
        """After accepting or rejecting: on to the next pending group once this one is settled."""
        cursor = self._suggestion_cursor
        group = cursor.group()
        if group is not None and not self._is_open(group):
            cursor.go_to(cursor.next_open(cursor.current, self._is_open))
            self._show_current_suggestion()
