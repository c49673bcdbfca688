"""The review panel: progress through the disagreements, and the versions of
the one being settled, each with the annotators who marked it.

Document text and annotator names are shown as plain Text, never parsed as
markup. Which version is highlighted is the app's state; the panel only
draws what it is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from annotator.review.adjudication import Candidate, Decision
from annotator.text import display_text

TEXT_WIDTH = 28
MARKS = {"accepted": "✓", "rejected": "✗", None: " "}


@dataclass(frozen=True)
class ReviewState:
    """What the panel shows."""

    number: int | None  # 0-based index of the current disagreement, None when there is none
    disagreements: int
    settled: int
    agreed_open: int  # agreed spans not accepted yet
    start: int = 0
    end: int = 0
    versions: tuple[Candidate, ...] = ()
    highlighted: int = 0
    decided: Mapping[Candidate, Decision] | None = None
    silent: tuple[str, ...] = ()  # annotators who marked nothing here


def _one_line(text: str, width: int) -> str:
    shown = display_text(text).replace("\n", "⏎")
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def append_versions(
    text: Text, versions: Sequence[Candidate], highlighted: int, decided: Mapping[Candidate, str]
) -> None:
    """The versions of the group being settled, one block each: a pointer at the highlighted one,
    how it is settled, its label and offsets, who marked it (annotators or suggesters), its text,
    and the attributes where they differ between those who marked it."""
    for index, version in enumerate(versions):
        pointer = "▸" if index == highlighted else " "
        mark = MARKS.get(decided.get(version), " ")
        text.append(f"\n{pointer}{mark} {index + 1} ")
        text.append(version.label, style="bold")
        text.append(f" [{version.start}, {version.end})")
        text.append(f"\n     {_one_line(', '.join(version.annotators), TEXT_WIDTH)}", style="italic")
        text.append(f"\n     {_one_line(version.text, TEXT_WIDTH)}")
        attributes = {a: dict(v) for a, v in version.attributes.items() if v}
        differ = len({tuple(sorted(v.items())) for v in attributes.values()}) > 1
        for who, values in attributes.items():
            if differ or len(version.annotators) == 1:
                shown = ", ".join(f"{k}={v!r}" for k, v in sorted(values.items()))
                prefix = f"{who}: " if differ else ""
                text.append(f"\n     {prefix}{_one_line(shown, TEXT_WIDTH)}", style="dim")


class ReviewPanel(Static):
    """Settling annotators' disagreements into the gold file."""

    def show(self, state: ReviewState) -> None:
        self.update(self.render_state(state))

    @staticmethod
    def render_state(state: ReviewState) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("review", style="bold")
        text.append(f"  {state.settled}/{state.disagreements} disagreements settled")
        if state.agreed_open:
            text.append(f"\n{state.agreed_open} agreed spans to accept (A)")
        if state.disagreements and state.settled == state.disagreements:
            text.append("\nall disagreements settled: ctrl+d marks the gold file done", style="bold")
        if state.number is None:
            if not state.disagreements:
                text.append("\nno disagreements here")
            return text
        text.append(f"\n#{state.number + 1} [{state.start}, {state.end})", style="bold")
        append_versions(text, state.versions, state.highlighted, state.decided or {})
        if state.silent:
            text.append("\n   nothing: " + ", ".join(state.silent), style="italic")
        # Short lines: the panel is a third of the window, 28 columns at 80.
        text.append("\no next version · y accept\nx reject the rest\nj/k next/previous disagreement", style="dim")
        return text
