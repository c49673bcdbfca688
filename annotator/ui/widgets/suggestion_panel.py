"""The suggestion panel: how many suggestions are pending, and the one being settled.

Shown above the legend while the document has suggestions. The versions are
drawn as the review panel draws a disagreement's (`append_versions`), with
the suggesters where the review names annotators. Everything is plain Text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rich.text import Text
from textual.widget import Widget

from annotator.review.adjudication import Candidate
from annotator.text import display_text
from annotator.ui.widgets.review_panel import append_versions


@dataclass(frozen=True)
class SuggestionState:
    """What the panel shows."""

    pending: int
    total: int
    by_suggester: Mapping[str, int] = field(default_factory=dict)  # pending, by suggester
    versions: tuple[Candidate, ...] = ()  # of the group being settled, if the cursor is on one
    highlighted: int = 0
    settled: Mapping[Candidate, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()  # stored suggestions that could not be used


class SuggestionPanel(Widget):
    """Suggestions to accept (y) or reject (x), one group of overlapping ones at a time."""

    _shown: Text = Text()

    def show(self, state: SuggestionState) -> None:
        self.display = bool(state.total or state.problems)
        shown = self.render_state(state)
        if shown == self._shown:
            return
        # A new layout only when the height changes: laying out the screen again took 15 ms of
        # each j with 10,000 suggestions, where most moves change the lines, not their number.
        resized = shown.plain.count("\n") != self._shown.plain.count("\n")
        self._shown = shown
        self.refresh(layout=resized)

    def render(self) -> Text:
        return self._shown

    @staticmethod
    def render_state(state: SuggestionState) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("suggestions", style="bold")
        text.append(f"  {state.pending} of {state.total} pending")
        if state.by_suggester:
            text.append(
                "\n" + ", ".join(f"{name} {count}" for name, count in state.by_suggester.items()), style="italic"
            )
        for problem in state.problems:
            text.append("\n" + display_text(problem).replace("\n", " "), style="dim")
        if state.versions:
            append_versions(text, state.versions, state.highlighted, state.settled)
            # Short lines: the panel is a third of the window, 28 columns at 80.
            text.append("\ny accept · x reject · o next\nA accept all of this label", style="dim")
        elif state.pending:
            text.append("\nj/k next/previous suggestion", style="dim")
        return text
