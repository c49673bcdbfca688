"""Quote versions in the annotation app: `"` on a quote opens the quote panel.

The panel lists the other versions of the utterance the quote under the
cursor renders (other outlets' wording, with the differences) and the
speaker's other quotes across the corpus; enter goes to one, in this
document or in another. What it shows comes from the quote ledger
(annotator.ledger), built with `ledger_of` exactly as `annotator quotes`
builds it: from the annotation files of the app's output folder and the
project's annotations folder, each document's gold file first, else the
app's annotator's file.

The ledger is built in a worker thread the first time the key is pressed,
not at start: most sessions never ask for it, and a large corpus takes a
while. It is kept, and built again after the open document's file is saved
(at once while the panel is open, else at the next `"`), so that the panel
shows what is saved; while the open file has changes not saved yet, the
panel says so and the save the key starts brings them in. Only one build
runs at a time: a save during a build asks for another after it.

A quote span (label `quote`) with no speaker, or a span that is not a
quote, opens nothing: a notification says why.

Going to a quote in another document opens it the way `>` does
(`AnnotatorApp._open`: the open file is saved and closed first); a document
that is not in the queue joins it at the end. The cursor goes to the span
when the app's file has it, else the quote's text is selected (it came from
the gold file, or another annotator's).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from annotator.ledger.model import QUOTE_LABEL, SPEAKER, Ledger, Quote, Source, Utterance
from annotator.model.annotation import Span
from annotator.text import display_text
from annotator.ui.widgets.quote_panel import Entry, QuotePanel, QuotePanelState

if TYPE_CHECKING:  # build loads the alignment and the speaker rules: only the worker needs them
    from annotator.ledger.build import Built

BUILDING = "building the quote ledger…"
UPDATING = "updating…"


@dataclass(frozen=True, slots=True)
class QuoteRef:
    """The quote span the panel is about: its document, its id and where it is."""

    doc_id: str
    span_id: str
    start: int
    end: int


class QuoteVersions:
    """The app's side of the quote panel; mixed into AnnotatorApp."""

    _ledger: Built | None = None
    _ledger_building: bool = False
    _ledger_due: bool = False  # a save since the last build began: build again when next needed
    _ledger_failure: str | None = None
    _quote_at: QuoteRef | None = None  # what the open panel is about; None while it is closed
    _side_classes: tuple[bool, bool] = (False, False)  # #side's -shown and -hidden before the panel
    switches_documents: bool = True  # False where the app is bound to one document (the review)
    ledger_seconds: float | None = None  # how long the last build took

    # -- the key ----------------------------------------------------------------

    def action_quote_versions(self) -> None:
        span = self._quote_here()
        if span is None or self.document is None:
            return
        self._quote_at = QuoteRef(self.document.id, span.id, span.start, span.end)
        self._open_quote_panel()
        if self.work_file is not None and self.work_file.dirty:
            self._save_soon()  # its _saved builds the ledger again, with this file's changes
        if self._ledger is None or self._ledger_due:
            self._build_ledger()
        self._draw_quote_panel()

    def _quote_here(self) -> Span | None:
        """The quote span under the cursor (the focused span first); None after saying why not."""
        session = self.session
        if session is None:
            return None
        here = session.spans_at_cursor()
        shown = self._span_here_quietly(here)
        quote = next((span for span in (shown, *here) if span is not None and span.label == QUOTE_LABEL), None)
        if quote is None:
            what = f"a {shown.label} span" if shown is not None else "no span"
            self.notify(
                f'There is {what} under the cursor, not a quote: " lists the other versions of a quote.',
                markup=False,
                timeout=4,
            )
            return None
        speaker = quote.attributes.get(SPEAKER)
        if not (isinstance(speaker, str) and speaker.strip()):
            self.notify(
                "This quote has no speaker: give it one (enter, speaker) to see who else quoted them.",
                severity="warning",
                markup=False,
                timeout=5,
            )
            return None
        return quote

    # -- the panel ----------------------------------------------------------------

    @property
    def quote_panel(self) -> QuotePanel:
        return self.query_one(QuotePanel)

    def _open_quote_panel(self) -> None:
        side = self.query_one("#side")
        if not side.has_class("-quotes"):
            self._side_classes = (side.has_class("-shown"), side.has_class("-hidden"))
        # Below 72 columns the side column hides by itself; the panel must show anyway.
        side.add_class("-quotes", "-shown")
        side.remove_class("-hidden")
        self.quote_panel.open()

    def on_quote_panel_closed(self, message: QuotePanel.Closed) -> None:
        self._quote_at = None
        self.quote_panel.close()
        side = self.query_one("#side")
        shown, hidden = self._side_classes
        side.remove_class("-quotes")
        side.set_class(shown, "-shown")
        side.set_class(hidden, "-hidden")
        self.focus_now(self.view)

    def _draw_quote_panel(self) -> None:
        if self._quote_at is not None:
            self.quote_panel.show(self._quote_panel_state())

    def _quote_panel_state(self) -> QuotePanelState:
        built, ref = self._ledger, self._quote_at
        if built is None or ref is None:
            return QuotePanelState(status="" if self._ledger_failure else BUILDING, message=self._ledger_failure or "")
        state = panel_state(built.ledger, ref, self.annotator)
        notes = list(state.notes)
        here = self.document is not None and ref.doc_id == self.document.id
        if here and self.work_file is not None and self.work_file.dirty:
            notes.append("This document has changes not saved yet: the panel shows what was last saved.")
        if built.problems:
            notes.append(f"{len(built.problems)} file(s) left out: {built.problems[0]}")
        if self._ledger_failure:
            notes.append(f"Could not update the ledger: {self._ledger_failure}")
        status = UPDATING if self._ledger_building else ""
        return replace(state, status=status, notes=tuple(notes))

    # -- building the ledger ------------------------------------------------------------

    def _build_ledger(self) -> None:
        if self._ledger_building:
            self._ledger_due = True
            return
        self._ledger_building, self._ledger_due = True, False
        folders = [path for path in dict.fromkeys((self.out_dir, self.config.annotations_path)) if path.is_dir()]
        self._ledger_in_background(folders)

    @work(thread=True, group="ledger", description="build the quote ledger")
    def _ledger_in_background(self, folders: list[Path]) -> None:
        started = time.perf_counter()
        try:
            from annotator.interop.corpus import annotation_paths
            from annotator.ledger.build import ledger_of

            paths = annotation_paths(folders, self.config) if folders else []
            built = ledger_of(paths, self.config, annotator=self.annotator)
        # Whatever goes wrong, the person's session goes on: a worker's exception would end the app.
        except Exception as err:
            self.call_from_thread(self._ledger_failed, f"{type(err).__name__}: {err}")
            return
        self.call_from_thread(self._ledger_built, built, time.perf_counter() - started)

    def _ledger_built(self, built: Built, seconds: float) -> None:
        self._ledger, self._ledger_building, self._ledger_failure = built, False, None
        self.ledger_seconds = seconds
        sources = len(built.ledger.sources)
        self.log.info(f"quote ledger: {sources} document(s) in {seconds:.3f} s")
        self._after_ledger_build()

    def _ledger_failed(self, message: str) -> None:
        self._ledger_building, self._ledger_failure = False, message
        self.notify(display_text(message), title="quote ledger", severity="error", markup=False, timeout=8)
        self._after_ledger_build()

    def _after_ledger_build(self) -> None:
        if self._ledger_due and self._quote_at is not None:
            self._build_ledger()
        self._draw_quote_panel()

    def _ledger_after_save(self) -> None:
        """A file was saved: the ledger, if there is one, is behind it."""
        if self._ledger is None and not self._ledger_building:
            return  # never asked for
        if self._quote_at is not None:
            self._build_ledger()
            self._draw_quote_panel()
        else:
            self._ledger_due = True

    # -- going to a quote -----------------------------------------------------------------

    def on_quote_panel_jump(self, message: QuotePanel.Jump) -> None:
        entry = message.entry
        if self.document is None:
            return
        if entry.doc_id != self.document.id:
            if not self.switches_documents:
                self.notify(
                    f"The review stays on this document; that quote is in {entry.document_path}.",
                    markup=False,
                    timeout=5,
                )
                return
            if not self._open_document_of(entry):
                return
        self._go_to_quote(entry)
        self._quote_at = QuoteRef(entry.doc_id, entry.span_id, entry.start, entry.end)
        self._draw_quote_panel()

    def _open_document_of(self, entry: Entry) -> bool:
        """Open the entry's document as `>` would, adding it to the queue if it is not there."""
        paths = [item.relative_path for item in self.queue]
        if entry.document_path in paths:
            position = paths.index(entry.document_path)
        else:
            self.queue.append(self._queue_item(entry.document_path))
            position = len(paths)
        opened = self._open(position)
        if not opened and position == len(paths):
            self.queue.pop()
        # A changed article asks first whether to re-anchor it; the jump ends there.
        return opened and self.document is not None and self.document.id == entry.doc_id

    def _go_to_quote(self, entry: Entry) -> None:
        session = self.session
        if session is None:
            return
        span = session.annotations.spans.get(entry.span_id)
        if span is not None and (span.start, span.end) == (entry.start, entry.end):
            self.view.focus_span(span.id)
        else:  # the quote is in the gold file or another annotator's, not in this one
            self.view.select_range(entry.start, entry.end)
        self._update_status()


# -- what the panel shows: read from the ledger, decided here, drawn by the panel ------------------


def panel_state(ledger: Ledger, ref: QuoteRef, annotator: str) -> QuotePanelState:
    """The panel's content for the quote span `ref`, in a ledger that took `annotator`'s files
    where a document has no gold file."""
    source = next((each for each in ledger.sources if each.doc_id == ref.doc_id), None)
    found = ledger.quote_of(ref.doc_id, ref.span_id)
    notes: tuple[str, ...] = ()
    if found is None and source is not None and source.annotator != annotator:
        found = _by_place(ledger, ref)
        notes = (f"The ledger reads {source.annotation_path} for this document: this is its quote here.",)
    if found is None:
        return QuotePanelState(message=_not_in_ledger(source, annotator))
    utterance, quote = found
    person = utterance.person
    entry = ledger.entry_of(person.key)
    others = [each for each in (entry.utterances if entry else ()) if each is not utterance]
    versions = [_version(utterance, quote, other) for other in utterance.quotes if other is not quote]
    # Other outlets' wording first: what the key is pressed for.
    versions.sort(key=lambda version: (version.doc_id == ref.doc_id, version.differences is None))
    return QuotePanelState(
        person=person.name,
        names=tuple(name for name in person.names if name != person.name),
        quote=_entry(quote),
        versions=tuple(versions),
        others=tuple(_other(each, ref.doc_id) for each in others),
        notes=notes,
    )


def _by_place(ledger: Ledger, ref: QuoteRef) -> tuple[Utterance, Quote] | None:
    """The ledger's quote of the document that overlaps the span most: the ledger read another
    file for it (the gold file), whose spans have ids of their own."""
    best, most = None, 0
    for entry in ledger.speakers:
        for utterance in entry.utterances:
            for quote in utterance.quotes:
                if quote.source.doc_id != ref.doc_id:
                    continue
                shared = min(quote.end, ref.end) - max(quote.start, ref.start)
                if shared > most:
                    best, most = (utterance, quote), shared
    return best


def _not_in_ledger(source: Source | None, annotator: str) -> str:
    if source is None:
        return "This document is not in the quote ledger yet: it is added once its file is saved."
    if source.annotator != annotator:
        return f"The ledger reads {source.annotation_path} for this document, and it has no quote with a speaker here."
    return "This quote is not in the saved file yet: it is added when the document is saved."


def _entry(quote: Quote, **more) -> Entry:
    source = quote.source
    return Entry(
        doc_id=source.doc_id,
        document_path=source.document_path,
        span_id=quote.spans[0].span_id,
        start=quote.start,
        end=quote.end,
        outlet=source.outlet,
        kind=quote.kind.value,
        text=quote.text,
        **more,
    )


def _version(utterance: Utterance, quote: Quote, other: Quote) -> Entry:
    comparison = utterance.comparison_of(quote, other)
    if comparison is None:
        return _entry(other)
    return _entry(other, differences=comparison.seen_from(quote), partial=comparison.partial)


def _other(utterance: Utterance, doc_id: str) -> Entry:
    """Another utterance of the person, by its quote in `doc_id` if it has one, else its first."""
    quote = next((q for q in utterance.quotes if q.source.doc_id == doc_id), utterance.quotes[0])
    outlets = tuple(dict.fromkeys(q.source.outlet for q in utterance.quotes))
    return _entry(quote, outlets=outlets)
