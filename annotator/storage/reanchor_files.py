"""Re-anchoring one annotation file on disk: find the old text, place the spans, save.

`reanchor_file` is what `annotator reanchor` and the annotation app do to a
file whose document changed: the text it was made on comes from the caller
(--old), else from the project's git history, else it is not known and the
spans are found by their own text and context (annotator.anchoring). The
spans and a gold file's rejected candidates are placed, the set is carried
over with audited events (AnnotationSet.reanchor), and the file is saved
unless it changed on disk meanwhile, or not at all for a dry run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from annotator.anchoring.outcome import AnchoredSpan, Outcome, Placement, place_spans
from annotator.anchoring.text_quote import TextQuote
from annotator.config import Config
from annotator.model.document import DocumentError, text_sha256
from annotator.model.editing import AnnotationSet, EditError
from annotator.storage.annotation_files import Fingerprint, save
from annotator.storage.documents import load_document
from annotator.storage.files import StorageError
from annotator.storage.git_history import text_in_history
from annotator.storage.loading import load_annotation_file


class ReanchorError(Exception):
    """A file that could not be re-anchored; the message names it and says why."""


@dataclass(frozen=True)
class OldText:
    """The document's text as it was annotated, given by the user, and what to call it."""

    text: str
    name: str


@dataclass
class Reanchored:
    """What re-anchoring one file did (or would do, for a dry run)."""

    path: Path
    document: str
    old_text_from: str  # where the old text came from, in words
    placements: list[Placement]
    crowded: list[str] = field(default_factory=list)  # orphaned because their label's span took the place
    dropped_rejections: list[Placement] = field(default_factory=list)  # kept in orphaned_rejected
    written: bool = False

    def count(self, outcome: Outcome) -> int:
        return sum(placement.outcome is outcome for placement in self.placements)

    @property
    def needs_review(self) -> bool:
        return any(p.outcome in (Outcome.CHANGED, Outcome.ORPHANED) for p in self.placements)


def reanchor_file(
    config: Config,
    path: Path,
    *,
    old: OldText | None = None,
    threshold: float,
    write: bool = True,
    history: dict[tuple[str, str], str | None] | None = None,
) -> Reanchored | None:
    """Re-anchor the annotation file at `path` onto its document's current text; None when the
    document has not changed. Raises ReanchorError. `history` keeps what git history gave for
    each (document, SHA-256) across the calls of one run: every annotator's file of a document
    needs the same old text, and each search reads the document's every version."""
    try:
        file, raw = load_annotation_file(path, area=config.area_for(path), limit=config.max_file_size)
        document = load_document(config.root, file.document.path, area=config.area, limit=config.max_file_size)
    except (OSError, ValueError, DocumentError) as err:
        raise ReanchorError(f"{err}; not re-anchored") from None
    if document.sha256 == file.document.sha256:
        return None
    if old is not None:
        if text_sha256(old.text) != file.document.sha256:
            raise ReanchorError(
                f"{path}: --old {old.name} is not the text this file was made on (its SHA-256 differs); not re-anchored"
            )
        old_text, source = old.text, f"old text from --old {old.name}"
    else:
        key = (file.document.path, file.document.sha256)
        history = {} if history is None else history
        if key not in history:
            history[key] = text_in_history(config.root, *key)
        old_text = history[key]
        source = "old text from git" if old_text is not None else "old text not found: by text and context"
    quotes = [
        AnchoredSpan(span.id, TextQuote(span.start, span.end, span.text, span.prefix or "", span.suffix or ""))
        for span in file.spans
    ]
    placements = place_spans(quotes, document.text, old_text, threshold=threshold)
    # A gold file's rejected candidates are found again as the spans are (they keep no context).
    rejected = [AnchoredSpan(str(n), TextQuote(r.start, r.end, r.text, "", "")) for n, r in enumerate(file.rejected)]
    rejections = place_spans(rejected, document.text, old_text, threshold=threshold) if rejected else []
    aset = AnnotationSet(file, old_text if old_text is not None else document.text, tagset=config.tagset)
    try:
        crowded = aset.reanchor(document, placements, rejections=rejections)
    except EditError as err:
        raise ReanchorError(f"{path}: {err}; not re-anchored") from None
    if write:
        try:
            save(path, aset.to_file(), Fingerprint.of_bytes(raw))
        except StorageError as err:
            raise ReanchorError(str(err)) from None
    dropped = [r for r in rejections if r.outcome is Outcome.ORPHANED]
    return Reanchored(path, file.document.path, source, placements, crowded, dropped, write)
