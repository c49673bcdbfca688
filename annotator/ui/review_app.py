"""Adjudication: the annotation app on a document's gold file, with every
annotator's spans as candidates to accept or reject.

The gold file is edited like any annotation file (same keys, journal, undo,
saves); this adds the candidates, shown underlined in the text and listed in
the review panel, and the keys that settle them. Edits are by the adjudicator;
the file's annotator is the gold name.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType

from annotator.config import Config
from annotator.editor.session import Change, EditorSession
from annotator.keys import REVIEW_BINDINGS, KeyBinding, all_bindings
from annotator.model.annotation import AnnotationFile
from annotator.review.adjudication import Adjudication, Candidate, Decision, Group, rejection_of
from annotator.review.navigation import CandidateCursor
from annotator.ui.app import AnnotatorApp
from annotator.ui.bindings import textual_bindings
from annotator.ui.widgets.document_view import MarkKind
from annotator.ui.widgets.review_panel import ReviewPanel, ReviewState

REVIEW_ACTIONS = {binding.action for binding in REVIEW_BINDINGS}


class ReviewApp(AnnotatorApp):
    """Settle the annotators' disagreements on one document into its gold file."""

    TITLE = "annotator review"
    switches_documents = False  # the adjudication is of this document only

    BINDINGS: ClassVar[list[BindingType]] = textual_bindings(REVIEW_BINDINGS)

    def __init__(
        self,
        document: str,
        config: Config,
        gold: str,
        adjudicator: str,
        out_dir: Path,
        sources: dict[str, AnnotationFile],
    ) -> None:
        super().__init__([document], config, gold, out_dir)
        self.adjudicator = adjudicator
        self.adjudication = Adjudication.of(sources)
        self.cursor = CandidateCursor(self.adjudication.disagreements)
        self._decided: dict[Candidate, Decision] = {}
        self._reviewing = False  # the gold file is open

    def compose_side(self, placeholder: EditorSession) -> ComposeResult:
        yield ReviewPanel(id="review")
        yield from super().compose_side(placeholder)

    def _open(self, position: int) -> bool:
        # Textual runs AnnotatorApp.on_mount too (handlers run for every class of
        # the app), which opens the gold file through here.
        if not super()._open(position):
            return False
        self.query_one("#spans").border_title = "gold spans"
        self.work_file.annotations.editor = self.adjudicator
        self.cursor = CandidateCursor(self.adjudication.disagreements)
        self._move_to_first_open()
        self._refresh_review(move=True)
        self._reviewing = True
        return True

    def _find_suggestions(self, document) -> None:
        """The review settles annotators' spans, not suggestions."""

    def key_bindings(self) -> list[KeyBinding]:
        return all_bindings(self.tagset, review=True, suggest=False)

    def _start_session(self) -> None:
        super()._start_session()
        if self._reviewing:  # the gold file was replaced (a conflict settled): what is decided may differ
            self._move_to_first_open()
            self._refresh_review(move=False)

    # -- state ----------------------------------------------------------------

    def _recompute(self) -> None:
        aset = self.session.annotations if self.session is not None else None
        if aset is None:
            self._decided = {}
            return
        self._decided = self.adjudication.decisions(aset.spans.values(), aset.rejected)

    def _after_change(self, change: Change) -> None:
        super()._after_change(change)
        self._refresh_review()

    def _is_open(self, group: Group) -> bool:
        return bool(self.adjudication.open_candidates(group, self._decided))

    def _move_to_first_open(self) -> None:
        """Start at the first disagreement not settled yet (resuming a review)."""
        self._recompute()
        following = self.cursor.next_open(None, self._is_open)
        if following is not None:
            self.cursor.go_to(following)

    def _refresh_review(self, *, move: bool = False) -> None:
        self._recompute()
        adjudication, decided = self.adjudication, self._decided
        settled, total = adjudication.progress(decided)
        group = self.cursor.group()
        highlighted = self.cursor.candidate()
        marks = []
        current_keys = {c.key for c in group.candidates} if group is not None else set()
        for candidate in adjudication.candidates:
            if candidate in decided:
                continue
            if candidate.key in current_keys:
                kind = MarkKind.CURRENT
            else:
                kind = MarkKind.AGREED if adjudication.is_agreed(candidate) else MarkKind.DISPUTED
            marks.append((candidate.start, candidate.end, kind))
        self.view.set_marks(marks)
        marked = {a for c in group.candidates for a in c.annotators} if group is not None else set()
        state = ReviewState(
            number=self.cursor.current if group is not None else None,
            disagreements=total,
            settled=settled,
            agreed_open=len(adjudication.open_agreed(decided)),
            start=group.start if group is not None else 0,
            end=group.end if group is not None else 0,
            versions=group.candidates if group is not None else (),
            highlighted=self.cursor.highlighted,
            decided=decided,
            silent=tuple(a for a in adjudication.annotators if a not in marked),
        )
        self.query_one(ReviewPanel).show(state)
        if move and highlighted is not None:
            self.view.move_cursor(highlighted.start)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in REVIEW_ACTIONS and self.screen.is_modal:
            return False
        return super().check_action(action, parameters)

    # -- actions --------------------------------------------------------------

    def action_next_disagreement(self) -> None:
        self._step(1)

    def action_previous_disagreement(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        if not self.cursor.step(direction):
            self.notify("No disagreements in this document.", markup=False, timeout=3)
            return
        self._refresh_review(move=True)

    def action_next_version(self) -> None:
        if self.cursor.group() is None:
            return
        self.cursor.next_version()
        self._refresh_review(move=True)

    def action_accept(self) -> None:
        candidate = self.cursor.candidate()
        if candidate is None or self.session is None:
            return
        if self._decided.get(candidate) == "accepted":
            self.notify("Already accepted.", markup=False, timeout=2)
            return
        spans = self._edit(self.session.accept, [candidate], f"accept {candidate.label}")
        if spans:
            self.view.focus_span(spans[0].id, move_cursor=False)
            self._advance_if_settled()

    def action_reject_rest(self) -> None:
        """Reject every version of this disagreement that is not settled yet."""
        group = self.cursor.group()
        if group is None or self.session is None:
            return
        open_ = self.adjudication.open_candidates(group, self._decided)
        if not open_:
            self._step(1)
            return
        at = self.session.annotations.now()
        rejections = [item for c in open_ for item in rejection_of(c, self.adjudicator, at)]
        self._edit(self.session.reject, rejections, f"reject {len(open_)} version(s)")
        self._advance_if_settled()

    def action_accept_agreed(self) -> None:
        if self.session is None:
            return
        agreed = self.adjudication.open_agreed(self._decided)
        if not agreed:
            self.notify("No agreed spans left to accept.", markup=False, timeout=3)
            return
        spans = self._edit(self.session.accept, agreed, f"accept {len(agreed)} agreed span(s)")
        if spans is not None:
            self.notify(f"Accepted {len(spans)} agreed span(s).", markup=False, timeout=3)

    def _advance_if_settled(self) -> None:
        self._recompute()
        if self.cursor.advance_if_settled(self._is_open):
            self._refresh_review(move=True)
