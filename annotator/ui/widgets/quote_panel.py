"""The quote panel: one quote's other versions across the corpus, and the speaker's other quotes.

`"` on a quote span opens it in the side column (annotator.ui.quote_versions
works out what it shows, from the quote ledger). From the top: the person
(their name and the other names the files give them), the quote under the
cursor (outlet, document id, offsets, kind, text), then

- "Other versions": each other rendering of the same utterance, with its
  outlet, document id, offsets, kind and text, and the words in which it
  differs from the quote under the cursor;
- "Other quotes of …": one entry for each other utterance of the person,
  with the outlets that quote it.

A difference is written as the quote ledger's table writes it, so that it
reads without colour: `[-words-]` only in the quote under the cursor,
`{+words+}` only in the other version, both for words changed, and
`⟨this | that⟩` for punctuation, a sentence break or a capital letter (the
quieter kind). The styles (quote_panel.tcss) strike, underline or dim them
as well. Shared words far from any difference are elided ("…"): the text
above shows the whole quote.

Keys (`quote_panel.*` in annotator.keys, active while the list has the
focus): up/down/home/end move between entries, passing over the headings;
enter posts `Jump` with the highlighted entry, escape posts `Closed`. The
panel owns no ledger and decides nothing: the app hands it a
`QuotePanelState` with `show` and acts on its messages.

Everything shown comes from files: it is built as Content from plain text
made terminal-safe, never parsed as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.style import Style
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotator.keys import QUOTE_PANEL_BINDINGS
from annotator.ledger.model import ChangeKind, Segment
from annotator.text import clip, one_line
from annotator.ui.bindings import textual_bindings
from annotator.ui.label_styles import overlay_style
from annotator.ui.widgets.resolved_styles import ResolvedStyles

QUOTE_TEXT = 320  # characters of a quote's text shown; the document has the rest
MIN_WRAP = 12  # below this many columns, lines are left for the list to wrap
CONTEXT_WORDS = 4  # shared words kept on each side of a difference
POINTER = "▸ "
NO_POINTER = INDENT = "  "
KEYS_HINT = "↑/↓ move · enter go to · esc close"
LEGEND = "[-only this quote-] {+only that one+}\n⟨this | that⟩ punctuation"
_CLOSING = tuple(",.;:!?)]}”’…")  # shared text that follows the words before it without a space


@dataclass(frozen=True, slots=True)
class Entry:
    """One quote the panel lists, and where to find it."""

    doc_id: str
    document_path: str  # relative to the project root
    span_id: str
    start: int
    end: int
    outlet: str
    kind: str  # direct, partial or paraphrase
    text: str
    # Against the quote under the cursor, that quote's words on the left; None: not compared with it.
    differences: tuple[Segment, ...] | None = None
    partial: bool = False  # compared with the part of the longer quote it aligns to
    outlets: tuple[str, ...] = ()  # for another utterance: every outlet that quotes it


@dataclass(frozen=True)
class QuotePanelState:
    """What the panel shows."""

    person: str = ""
    names: tuple[str, ...] = ()  # the person's other names
    quote: Entry | None = None  # the quote under the cursor, as the ledger has it
    versions: tuple[Entry, ...] = ()
    others: tuple[Entry, ...] = ()
    status: str = ""  # "building the quote ledger…"
    notes: tuple[str, ...] = ()  # what the person should know about what is shown
    message: str = ""  # why there is nothing to list


class QuoteList(OptionList, inherit_bindings=False):
    """The entries; its keys are the panel's (`quote_panel.*`), not OptionList's own."""

    BINDINGS: ClassVar[list[BindingType]] = textual_bindings(QUOTE_PANEL_BINDINGS)

    def action_close(self) -> None:
        self.post_message(QuotePanel.Closed())

    def action_page_up(self) -> None:
        # OptionList looks upwards from the option a page up, and stops there when it is a
        # heading (disabled) with nothing above it: the list begins with one.
        before = self.highlighted
        super().action_page_up()
        if self.highlighted is None or self.highlighted == before:
            self.action_first()


class QuotePanel(ResolvedStyles, Vertical):
    """A quote's other versions and its speaker's other quotes; enter goes to one."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "quote-panel--title",
        "quote-panel--status",
        "quote-panel--person",
        "quote-panel--meta",
        "quote-panel--outlet",
        "quote-panel--note",
        "quote-panel--dropped",
        "quote-panel--added",
        "quote-panel--punctuation",
        "quote-panel--mark",
    }

    class Jump(Message):
        """Go to this quote: in the open document, or in another one."""

        def __init__(self, entry: Entry) -> None:
            super().__init__()
            self.entry = entry

    class Closed(Message):
        """The person is done with the panel."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._state = QuotePanelState()
        self._entries: list[Entry | None] = []  # by option index; None for a heading
        self._pointed: int | None = None  # the option drawn with the pointer
        self._styles: dict[str, Style] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="quote-panel-head")
        yield QuoteList(id="quote-panel-list")
        yield Static(Content(f"{KEYS_HINT}\n{LEGEND}"), id="quote-panel-keys")

    @property
    def entries(self) -> QuoteList:
        return self.query_one(QuoteList)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self) -> None:
        """Show the panel and give its list the focus."""
        self.add_class("-open")
        self.screen.set_focus(self.entries)

    def close(self) -> None:
        self.remove_class("-open")

    def show(self, state: QuotePanelState) -> None:
        """Draw `state`, keeping the highlighted entry when it is still listed."""
        kept = self.highlighted_entry
        self._state = state
        self._draw(kept)

    @property
    def shown(self) -> str:
        """What the panel shows, as plain text: the head, then each entry (its pointer included)."""
        head = self.query_one("#quote-panel-head", Static).visual
        prompts = [option.prompt for option in self.entries.options]
        return "\n".join(each.plain if isinstance(each, Content) else str(each) for each in (head, *prompts))

    @property
    def highlighted_entry(self) -> Entry | None:
        index = self.entries.highlighted if self.is_mounted else None
        return self._entries[index] if index is not None and index < len(self._entries) else None

    # -- drawing --------------------------------------------------------------------------------

    def on_resize(self) -> None:
        # Entries are wrapped to the width: the side column widens as the panel opens.
        if self.is_open:
            self.call_after_refresh(self._draw, self.highlighted_entry)

    def forget_styles(self) -> None:
        self._styles = None
        if self.is_mounted and self.is_open:
            self.call_after_refresh(self._draw, self.highlighted_entry)

    def _style(self, name: str) -> Style:
        if self._styles is None:
            # Resolved on the highlighted entry's tint, the darker (or, dark theme, lighter) of the
            # two backgrounds a difference is drawn on: readable there, it reads on the panel too.
            listing = self.entries
            tint = listing.get_component_styles("option-list--option-highlighted")
            under = listing.background_colors[1]
            if tint.has_rule("background"):
                under = under + tint.background
            self._styles = {
                component: Style.from_rich_style(overlay_style(self, component, on=under))
                for component in self.COMPONENT_CLASSES
            }
        return self._styles[f"quote-panel--{name}"]

    def _draw(self, kept: Entry | None) -> None:
        state = self._state
        self.query_one("#quote-panel-head", Static).update(self._head(state))
        options, entries = self._options(state)
        self._entries = entries
        listing = self.entries
        listing.set_options(options)
        listed = [i for i, entry in enumerate(entries) if entry is not None]
        again = [i for i in listed if kept is not None and _key(entries[i]) == _key(kept)]
        listing.highlighted = (again or listed or [None])[0]
        self._pointed = listing.highlighted
        self._point(self._pointed)

    def _head(self, state: QuotePanelState) -> Content:
        parts: list[str | tuple[str, Style]] = [("quote versions", self._style("title"))]
        if state.status:
            parts += ["  ", (one_line(state.status), self._style("status"))]
        if state.person:
            parts += ["\n", (one_line(state.person), self._style("person"))]
            if state.names:
                parts += ["\n", (f"also: {one_line(', '.join(state.names))}", self._style("meta"))]
        if state.quote is not None:
            parts += ["\n", *self._where(state.quote, "this quote: "), "\n", clip(state.quote.text, QUOTE_TEXT)]
        for note in state.notes:
            parts += ["\n", (one_line(note), self._style("note"))]
        if state.message:
            parts += ["\n", one_line(state.message)]
        return Content.assemble(*parts)

    def _where(self, entry: Entry, prefix: str = "") -> list[str | tuple[str, Style]]:
        meta = self._style("meta")
        return [
            (prefix, meta),
            (one_line(entry.outlet), self._style("outlet")),
            (f" · {one_line(entry.doc_id)} [{entry.start}, {entry.end}) {entry.kind}", meta),
        ]

    def _options(self, state: QuotePanelState) -> tuple[list[Option], list[Entry | None]]:
        """The list's options, and the entry of each (None for a heading, which the keys pass over)."""
        options: list[Option] = []
        entries: list[Entry | None] = []
        if state.quote is None:
            return options, entries
        sections = (
            (f"Other versions ({len(state.versions)})", state.versions),
            (f"Other quotes of {one_line(state.person)} ({len(state.others)})", state.others),
        )
        for title, listed in sections:
            options.append(Option(Content(title), disabled=True))
            entries.append(None)
            if not listed:
                options.append(Option(Content("  none"), disabled=True))
                entries.append(None)
            for entry in listed:
                options.append(Option(self._prompt(entry, pointed=False)))
                entries.append(entry)
        return options, entries

    def _prompt(self, entry: Entry, *, pointed: bool) -> Content:
        """The entry's lines, each wrapped under its own indent so that one entry reads apart from the next."""
        width, meta = self._wrap_width(), self._style("meta")
        blocks = [_hanging(Content.assemble(*self._where(entry)), POINTER if pointed else NO_POINTER, width)]
        also = [outlet for outlet in entry.outlets if outlet != entry.outlet]
        if also:
            blocks.append(_hanging(Content.styled(f"also quoted by {one_line(', '.join(also))}", meta), INDENT, width))
        blocks.append(_hanging(Content(clip(entry.text, QUOTE_TEXT)), INDENT, width))
        if not entry.outlets:  # a version of this utterance, not another utterance
            blocks.append(_hanging(self._compared(entry), INDENT, width))
        return Content("\n").join(blocks)

    def _compared(self, version: Entry) -> Content:
        meta = self._style("meta")
        if version.differences is None:  # the ledger compared it with another version only
            return Content.styled("not compared with this one directly", meta)
        # Partial: the shorter one against the part of the longer one it quotes; the rest is context.
        how = "vs this, in part: " if version.partial else "vs this: "
        return Content.assemble((how, meta), self._differences(version.differences))

    def _wrap_width(self) -> int:
        """Columns an entry's lines may take (the scrollbar's column is kept free: quote_panel.tcss)."""
        listing = self.entries
        return listing.scrollable_content_region.width if listing.is_mounted else 0

    def _differences(self, segments: tuple[Segment, ...]) -> Content:
        if all(segment.change is None for segment in segments):
            return Content("the same words")
        parts: list[str | tuple[str, Style]] = []
        last = len(segments) - 1
        for index, segment in enumerate(segments):
            if segment.change is None:
                shared = _elided(one_line(segment.right), first=index == 0, final=index == last)
                if parts and not shared.startswith(_CLOSING):
                    parts.append(" ")
                parts.append(shared)
            else:
                parts += [" "] if parts else []
                parts += self._change(segment)
        return Content.assemble(*parts)

    def _change(self, segment: Segment) -> list[str | tuple[str, Style]]:
        """The change in the table's notation; the brackets plain, so that a strike leaves them legible."""
        left, right = one_line(segment.left), one_line(segment.right)
        mark = self._style("mark")
        if segment.change is ChangeKind.PUNCTUATION:
            return [("⟨", mark), (f"{left} | {right}", self._style("punctuation")), ("⟩", mark)]
        shown: list[str | tuple[str, Style]] = []
        if left:
            shown += [("[-", mark), (left, self._style("dropped")), ("-]", mark)]
        if right:
            shown += [("{+", mark), (right, self._style("added")), ("+}", mark)]
        return shown

    # -- keys and pointer -----------------------------------------------------------------------

    def _point(self, index: int | None, previous: int | None = None) -> None:
        """The ▸ pointer on the highlighted entry: the cursor's background is lost without colour."""
        listing = self.entries
        for at, pointed in ((previous, False), (index, True)):
            entry = self._entries[at] if at is not None and at < len(self._entries) else None
            if entry is not None:
                listing.replace_option_prompt_at_index(at, self._prompt(entry, pointed=pointed))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        previous, self._pointed = self._pointed, event.option_index
        if previous != event.option_index:
            self._point(event.option_index, previous)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self._entries[event.option_index] if event.option_index < len(self._entries) else None
        if entry is not None:
            self.post_message(self.Jump(entry))


def _hanging(content: Content, first: str, width: int) -> Content:
    """`content` after `first`, wrapped to `width` with every further line indented as far."""
    room = width - len(first)
    lines = content.wrap(room) if room > MIN_WRAP else [content]
    indent = " " * len(first)
    return Content("\n").join(Content(first if n == 0 else indent) + line for n, line in enumerate(lines))


def _key(entry: Entry) -> tuple[str, str]:
    return (entry.doc_id, entry.span_id)


def _elided(text: str, *, first: bool, final: bool) -> str:
    """Shared words, cut to CONTEXT_WORDS on each side that touches a difference."""
    words = text.split()
    keep = CONTEXT_WORDS
    if first and final:
        return text
    if first:
        return text if len(words) <= keep else "… " + " ".join(words[-keep:])
    if final:
        return text if len(words) <= keep else " ".join(words[:keep]) + " …"
    if len(words) <= 2 * keep + 1:
        return text
    return " ".join(words[:keep]) + " … " + " ".join(words[-keep:])
