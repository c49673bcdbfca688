"""Command palette commands: go to a span, filter by label, next undone document.

The provider is duck-typed against the app. It only calls:

- `app.current_spans() -> list[Span]` (reads `id`, `label`, `text`, `start`, `end`)
- `app.action_goto_span(span_id)`
- `app.action_filter_label(label)`, with "" for all labels
- `app.action_next_undone()`, `app.action_toggle_span_list()`, `app.action_change_theme()`,
  `app.action_show_messages()`, `app.action_show_orphans()`, `app.action_quote_versions()`
- when reviewing (`app.adjudication` is set): `app.action_next_disagreement()`,
  `app.action_previous_disagreement()`, `app.action_accept_agreed()`, `app.action_reject_rest()`

and reads `app.tagset` (an iterable of labels with `.name`) when the app has one,
else the labels of the current spans.

Span text is article text: it may hold "[bold]", "[/quote]", control characters
or ANSI escapes. Textual's `Matcher.highlight()` parses its candidate as markup
(crashing on "[/quote]", silently dropping "[b]" and shifting the highlight), and
the palette parses a `str` prompt or `help` as markup too. So every prompt here
is a `Content` built from plain text made terminal-safe with `display_text`;
highlighting is applied to that Content at the offsets of the same plain string;
`help` never carries user text. Matching uses `FuzzySearch.score` on offsets found
by a linear scan (substring, else greedy subsequence), because the palette's
exhaustive fuzzy match is combinatorial on long candidates and there may be
10,000 spans.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.style import Style

from annotator.text import display_text

SPAN_TEXT_WIDTH = 60
MAX_SPAN_HITS = 100
MAX_DISCOVERED_SPANS = 50
YIELD_EVERY = 500

GOTO_PREFIX = "Go to span: "
FILTER_PREFIX = "Filter spans by label: "


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    """One command: its plain text (what is matched), a callback and help (never user text)."""

    text: str
    callback: Callable[[], Any]
    help: str
    label_length: int = 0  # characters after the prefix shown in bold (the span's label)
    prefix_length: int = 0


def span_line(text: str, width: int = SPAN_TEXT_WIDTH) -> str:
    """A span's text on one line, terminal-safe, at most `width` characters."""
    shown = display_text(text[: width + 1]).replace("\n", "⏎")
    if len(shown) > width:
        shown = shown[: width - 1] + "…"
    return shown


def find_offsets(query: str, candidate: str) -> list[int] | None:
    """Where the query's characters are in the candidate (case-insensitive), or None.

    A substring match gives a contiguous run; otherwise the first-fit subsequence.
    Linear in the candidate's length.
    """
    query = query.lower()
    candidate = candidate.lower()
    if not query:
        return None
    found = candidate.find(query)
    if found != -1:
        return list(range(found, found + len(query)))
    offsets: list[int] = []
    position = 0
    for character in query:
        if character.isspace():
            continue
        position = candidate.find(character, position)
        if position == -1:
            return None
        offsets.append(position)
        position += 1
    return offsets or None


def score_match(matcher: Matcher, candidate: str) -> tuple[float, list[int]]:
    """(score, offsets) on the same scale as the palette's own matcher; (0, []) for no match."""
    query = matcher.query.strip()
    offsets = find_offsets(query, candidate)
    if not offsets:
        return 0.0, []
    score = matcher.fuzzy_search.score(candidate, offsets)
    if query.lower() in candidate.lower():
        score *= 2.0 if candidate.lower() == query.lower() else 1.5
    return score, offsets


def highlight(command: PaletteCommand, offsets: Iterable[int], style: Style) -> Content:
    """The command's Content with the matched characters in `style`."""
    content = display(command)
    for offset in offsets:
        if not command.text[offset].isspace():
            content = content.stylize(style, offset, offset + 1)
    return content


def display(command: PaletteCommand) -> Content:
    """The command as Content: plain text, with the span's label in bold."""
    content = Content(command.text)
    if command.label_length:
        start = command.prefix_length
        content = content.stylize("bold", start, start + command.label_length)
    return content


class AnnotatorCommands(Provider):
    """Go to span, filter by label, next undone document, toggle span list, change theme."""

    def _app(self) -> Any:
        return self.app

    def _label_names(self, spans: Sequence[Any]) -> list[str]:
        tagset = getattr(self._app(), "tagset", None)
        if tagset is not None:
            try:
                return [label.name for label in tagset]
            except (TypeError, AttributeError):
                pass
        names: list[str] = []
        for span in spans:
            if span.label not in names:
                names.append(span.label)
        return names

    def _spans(self) -> list[Any]:
        current = getattr(self._app(), "current_spans", None)
        if current is None:
            return []
        return list(current())

    def fixed_commands(self, spans: Sequence[Any] | None = None) -> list[PaletteCommand]:
        app = self._app()
        commands = [
            PaletteCommand(
                "Next undone document",
                app.action_next_undone,
                "Open the next document in the queue that is not marked done",
            ),
            PaletteCommand("Toggle span list", app.action_toggle_span_list, "Show or hide the side panel"),
            PaletteCommand("Show all labels", partial(app.action_filter_label, ""), "List the spans of every label"),
        ]
        for name in self._label_names(self._spans() if spans is None else spans):
            label = display_text(name)
            commands.append(
                PaletteCommand(
                    FILTER_PREFIX + label,
                    partial(app.action_filter_label, name),
                    "List only the spans of this label",
                    label_length=len(label),
                    prefix_length=len(FILTER_PREFIX),
                )
            )
        commands.append(PaletteCommand("Change theme", app.action_change_theme, "Pick a colour theme"))
        commands.append(
            PaletteCommand("Recent messages", app.action_show_messages, "What the notifications said, newest first")
        )
        commands.append(
            PaletteCommand(
                "Orphaned spans", app.action_show_orphans, "Spans re-anchoring found no place for: place or drop them"
            )
        )
        commands.append(
            PaletteCommand(
                "Quote versions",
                app.action_quote_versions,
                "How other outlets worded the quote under the cursor, and what else its speaker said",
            )
        )
        if getattr(app, "adjudication", None) is not None:  # reviewing: the adjudication commands too
            commands += [
                PaletteCommand("Next disagreement", app.action_next_disagreement, "Go to the next disagreement"),
                PaletteCommand(
                    "Previous disagreement", app.action_previous_disagreement, "Go to the previous disagreement"
                ),
                PaletteCommand(
                    "Accept agreed spans", app.action_accept_agreed, "Accept every span all annotators marked"
                ),
                PaletteCommand(
                    "Reject the rest of this disagreement", app.action_reject_rest, "Reject the versions not accepted"
                ),
            ]
        return commands

    def span_command(self, span: Any) -> PaletteCommand:
        label = display_text(str(span.label))
        text = f"{GOTO_PREFIX}{label} {span_line(str(span.text))}"
        return PaletteCommand(
            text,
            partial(self._app().action_goto_span, span.id),
            f"characters {int(span.start)}–{int(span.end)}",
            label_length=len(label),
            prefix_length=len(GOTO_PREFIX),
        )

    async def discover(self) -> Hits:
        spans = self._spans()
        for command in self.fixed_commands(spans):
            yield DiscoveryHit(display(command), command.callback, text=command.text, help=command.help)
        for span in spans[:MAX_DISCOVERED_SPANS]:
            command = self.span_command(span)
            yield DiscoveryHit(display(command), command.callback, text=command.text, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        style = matcher.match_style
        spans = self._spans()
        for command in self.fixed_commands(spans):
            score, offsets = score_match(matcher, command.text)
            if score > 0:
                yield Hit(
                    score, highlight(command, offsets, style), command.callback, text=command.text, help=command.help
                )
        # Score every span, yield the best few: the palette lists every hit it gets.
        scored: list[tuple[float, int, PaletteCommand, list[int]]] = []
        for number, span in enumerate(spans):
            if number and number % YIELD_EVERY == 0:
                await asyncio.sleep(0)
            command = self.span_command(span)
            score, offsets = score_match(matcher, command.text)
            if score > 0:
                scored.append((score, number, command, offsets))
        scored.sort(key=lambda item: (-item[0], item[1]))
        for score, _, command, offsets in scored[:MAX_SPAN_HITS]:
            yield Hit(score, highlight(command, offsets, style), command.callback, text=command.text, help=command.help)
